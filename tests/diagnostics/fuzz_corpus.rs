//! Replays the fuzz corpus (`fuzz/corpus/<target>/`, including every input the fuzzer once found
//! crashing or slow) through the same entry points as the fuzz targets (`mailguide::fuzzing`),
//! so what the fuzzer found stays fixed without a nightly toolchain. docs/fuzzing.md says how to
//! run the fuzzer itself.

use crate::common::repo;
use std::path::PathBuf;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = repo().join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

fn replay(target: &str, run: impl Fn(&[u8])) {
    for path in inputs(target) {
        let data = std::fs::read(&path).expect("read a corpus input");
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&data)));
        assert!(result.is_ok(), "fuzz input {} fails again", path.display());
    }
}

#[test]
fn yaml_corpus() {
    replay("yaml", mailguide::fuzzing::yaml);
}

#[test]
fn ispdb_corpus() {
    replay("ispdb", mailguide::fuzzing::ispdb);
}

#[test]
fn guide_corpus() {
    let site = tempfile::tempdir().expect("temp dir");
    mailguide::fuzzing::copy_site(&repo().join("tests/sites/minimal"), site.path()).expect("copy the fixture");
    replay("guide", |data| mailguide::fuzzing::guide(site.path(), data));
}
