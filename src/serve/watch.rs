//! File events for `serve`: the site's inputs are watched (`site.yaml`, `content/`, `themes/`,
//! `templates/`, `static/`, `root/`) and events are gathered until the files are quiet for a moment, so
//! an editor saving several files at once (or writing one file in several steps) causes one
//! rebuild.

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The folders under the root whose files make up the site.
pub const WATCHED_DIRS: [&str; 5] = ["content", "themes", "templates", "static", "root"];

/// How long the files must be quiet before a batch is handed over.
pub const QUIET: Duration = Duration::from_millis(50);
/// The longest a batch waits while events keep coming.
const MAX_WAIT: Duration = Duration::from_secs(1);

/// Watches the site at `root` on a thread of its own and calls `on_batch` with the changed paths
/// of each burst of events. The thread ends when `on_batch` returns false.
pub fn spawn(root: &Path, on_batch: impl FnMut(Vec<PathBuf>) -> bool + Send + 'static) -> notify::Result<()> {
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher: RecommendedWatcher = notify::recommended_watcher(tx)?;
    // The root itself, not recursively: `site.yaml`, and watched folders created later.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    let mut watched = BTreeSet::new();
    watch_new_dirs(&mut watcher, root, &mut watched);
    let root = root.to_path_buf();
    let mut on_batch = on_batch;
    std::thread::Builder::new()
        .name("mailguide-watch".into())
        .spawn(move || {
            // The watcher lives as long as this thread.
            let mut watcher = watcher;
            while let Some(paths) = next_batch(&rx, QUIET, MAX_WAIT) {
                forget_moved_dirs(&mut watcher, &root, &paths, &mut watched);
                watch_new_dirs(&mut watcher, &root, &mut watched);
                if !paths.is_empty() && !on_batch(paths) {
                    return;
                }
            }
        })
        .map_err(notify::Error::io)?;
    Ok(())
}

/// Waits for an event, then gathers events until none comes for `quiet` (or `max_wait` has
/// passed): the changed paths of one burst. `None` when the watcher is gone.
pub fn next_batch(rx: &Receiver<notify::Result<Event>>, quiet: Duration, max_wait: Duration) -> Option<Vec<PathBuf>> {
    let mut paths = BTreeSet::new();
    add(&mut paths, rx.recv().ok()?);
    let start = Instant::now();
    loop {
        let left = max_wait.saturating_sub(start.elapsed());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(quiet.min(left)) {
            Ok(event) => add(&mut paths, event),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(paths.into_iter().collect())
}

fn add(paths: &mut BTreeSet<PathBuf>, event: notify::Result<Event>) {
    let Ok(event) = event else { return };
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    paths.extend(event.paths);
}

/// Drops the watch of a watched folder that was itself renamed, deleted or replaced (an event
/// names the folder, not a file in it), so [`watch_new_dirs`] watches whatever is at its path
/// now. Without it, a `content/` renamed away and back keeps a watch that no longer reports its
/// files, and `serve` stops seeing changes.
fn forget_moved_dirs(
    watcher: &mut RecommendedWatcher,
    root: &Path,
    paths: &[PathBuf],
    watched: &mut BTreeSet<&'static str>,
) {
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if watched.contains(dir) && paths.contains(&path) {
            // The old watch may already be gone with its folder; either way it is forgotten.
            let _ = watcher.unwatch(&path);
            watched.remove(dir);
        }
    }
}

fn watch_new_dirs(watcher: &mut RecommendedWatcher, root: &Path, watched: &mut BTreeSet<&'static str>) {
    for dir in WATCHED_DIRS {
        if !watched.contains(dir)
            && root.join(dir).is_dir()
            && watcher.watch(&root.join(dir), RecursiveMode::Recursive).is_ok()
        {
            watched.insert(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind};

    fn event(kind: EventKind, path: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn a_burst_of_events_is_one_batch() {
        let (tx, rx) = mpsc::channel();
        for name in ["a.yaml", "b.yaml", "a.yaml", "c.md"] {
            tx.send(event(EventKind::Modify(ModifyKind::Any), name)).expect("send");
        }
        tx.send(event(EventKind::Create(CreateKind::File), "d.yaml"))
            .expect("send");
        tx.send(event(
            EventKind::Access(notify::event::AccessKind::Any),
            "read-only.yaml",
        ))
        .expect("send");
        let batch = next_batch(&rx, Duration::from_millis(20), Duration::from_secs(5)).expect("a batch");
        let names: Vec<String> = batch.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(names, ["a.yaml", "b.yaml", "c.md", "d.yaml"]);
        drop(tx);
        assert!(next_batch(&rx, Duration::from_millis(20), Duration::from_secs(5)).is_none());
    }
}
