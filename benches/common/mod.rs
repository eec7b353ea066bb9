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
