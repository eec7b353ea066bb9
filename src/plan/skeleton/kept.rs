//! What was parsed, kept for the pages that follow, shared by the threads rendering them.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Kept parses by their key, in shards, with counts of how often a key was found and how often
/// it was parsed: a site whose pieces are mostly unlike each other would only fill memory with
/// them, so once the first few hundred have been parsed more often than found, no more are kept.
pub(super) struct Kept<K, V> {
    shards: [Mutex<KeptMap<K, V>>; 16],
    found: AtomicUsize,
    parsed: AtomicUsize,
}

/// Keys carry their hash, computed once (it picks the shard too).
type KeptMap<K, V> = HashMap<Hashed<K>, Option<Arc<V>>, BuildHasherDefault<HashOfHash>>;

struct Hashed<K> {
    hash: u64,
    key: K,
}

impl<K> Hash for Hashed<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl<K: PartialEq> PartialEq for Hashed<K> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.key == other.key
    }
}

impl<K: Eq> Eq for Hashed<K> {}

/// The hasher of [`KeptMap`]: the key's hash is already one.
#[derive(Default)]
struct HashOfHash(u64);

impl Hasher for HashOfHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is called (by `Hashed`); anything else is folded in, to stay a hash.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            shards: Default::default(),
            found: AtomicUsize::new(0),
            parsed: AtomicUsize::new(0),
        }
    }
}

impl<K: Hash + Eq, V> Kept<K, V> {
    /// The value kept for `key`, or else `make`'s, kept if there is room. Made outside the lock:
    /// two threads may make the same value once each.
    pub(super) fn get_or_make(&self, key: K, make: impl FnOnce(&K) -> Option<V>) -> Option<Arc<V>> {
        let hash = rustc_hash::FxBuildHasher.hash_one(&key);
        let key = Hashed { hash, key };
        let shard = &self.shards[(hash % 16) as usize];
        let lock = || shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = lock().get(&key).cloned() {
            self.found.fetch_add(1, Ordering::Relaxed);
            return known;
        }
        let made = make(&key.key).map(Arc::new);
        let count = self.parsed.fetch_add(1, Ordering::Relaxed) + 1;
        if count <= 256 || self.found.load(Ordering::Relaxed) >= count {
            lock().insert(key, made.clone());
        }
        made
    }
}
