//! Writing and copying files into a benchmark's temporary folder. A failure there (a full disk,
//! a missing bundled file) leaves nothing to measure, so these stop the benchmark with the reason.

use std::fs;
use std::path::Path;

/// Writes `text` to `path`, creating its folders.
pub fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create a folder in the benchmark's temporary folder");
    }
    fs::write(path, text).expect("write a file in the benchmark's temporary folder");
}

/// Copies the folder `from` (files and subfolders) to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let rel = entry
            .path()
            .strip_prefix(from)
            .expect("walkdir yields paths under its root");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("create a folder in the benchmark's temporary folder");
        } else {
            fs::copy(entry.path(), &dest).expect("copy a file into the benchmark's temporary folder");
        }
    }
}
