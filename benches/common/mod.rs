//! What both benchmarks share. Cargo builds every bench target as a crate of its own, so
//! benches/site/main.rs and benches/serve.rs each include this folder with `#[path]`; keeping one
//! copy means `cargo bench --bench serve -- --providers N` times exactly the site that
//! `cargo bench --bench site -- --providers N` generates, and both report medians the same way.

pub mod corpus;
pub mod files;
pub mod ispdb;

use std::path::Path;

/// The repository: where the bundled site (theme, clients, free pages) is copied from.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The median of a benchmark's runs (the upper one of an even number). `values` holds one
/// figure per run, and every benchmark makes at least one run.
pub fn median<T: PartialOrd + Copy>(mut values: Vec<T>) -> T {
    assert!(!values.is_empty(), "a median needs at least one run");
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}

/// A benchmark's command line, read flag by flag: a missing or malformed value ends the program
/// with the benchmark's usage line.
pub struct Flags {
    args: std::iter::Skip<std::env::Args>,
    usage: fn() -> !,
}

impl Flags {
    pub fn new(usage: fn() -> !) -> Self {
        Flags {
            args: std::env::args().skip(1),
            usage,
        }
    }

    /// The next flag (`--runs`), or `None` at the end.
    pub fn next_flag(&mut self) -> Option<String> {
        self.args.next()
    }

    /// The value after a flag.
    pub fn value(&mut self) -> String {
        self.args.next().unwrap_or_else(|| (self.usage)())
    }

    pub fn path(&mut self) -> std::path::PathBuf {
        self.value().into()
    }

    /// A whole number of at least 1 (a count of runs or providers).
    pub fn count(&mut self) -> usize {
        let value = self.value();
        value
            .trim()
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| (self.usage)())
    }

    /// Whole numbers of at least 1, separated by commas (`100,1000,5000`).
    #[allow(dead_code)] // the serve benchmark takes one size; each bench compiles this file
    pub fn counts(&mut self) -> Vec<usize> {
        let value = self.value();
        value
            .split(',')
            .map(|n| {
                n.trim()
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| (self.usage)())
            })
            .collect()
    }

    /// A usage error: an unknown flag.
    pub fn unknown(&self) -> ! {
        (self.usage)()
    }
}
