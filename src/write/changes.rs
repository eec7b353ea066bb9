//! Which pages a build changes in the output it replaces (`build --verbose`, `build --format
//! json`): an editor wants to see that a fix reached the pages it should, and only those.
//!
//! Each page is compared, after minifying, with the file at its path in the current output
//! folder; a page is changed when it is new or its bytes differ, removed when the output's
//! manifest lists it and this build does not write it. It costs a read per page, so it is done
//! only when asked.

use super::MANIFEST;
use crate::plan::files::OutputFile;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

/// The pages of the build so far, compared with the output folder. Shared by the threads that
/// render pages.
pub struct Changes {
    output: PathBuf,
    /// URLs of pages that are new or differ.
    changed: Mutex<Vec<String>>,
    /// Output paths of every page written.
    written: Mutex<HashSet<String>>,
}

/// What [`Changes`] found, URLs sorted.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Changed {
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

/// `icloud/index.html` is `/icloud/`; `404.html` stays `/404.html`.
pub fn page_url(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => format!("/{folder}"),
        _ => format!("/{path}"),
    }
}

impl Changes {
    pub fn new(output: PathBuf) -> Changes {
        Changes {
            output,
            changed: Mutex::new(Vec::new()),
            written: Mutex::new(HashSet::new()),
        }
    }

    /// Compares one file with the output's, if it is a page.
    pub fn note(&self, file: &OutputFile) {
        if !file.is_html() {
            return;
        }
        let same = std::fs::read(self.output.join(&file.path)).is_ok_and(|old| old == file.bytes);
        if !same {
            lock(&self.changed).push(page_url(&file.path));
        }
        lock(&self.written).insert(file.path.clone());
    }

    /// The changed pages, and the pages of the old output's manifest this build did not write.
    pub fn finish(self) -> Changed {
        let written = self
            .written
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut removed: Vec<String> = std::fs::read_to_string(self.output.join(MANIFEST))
            .unwrap_or_default()
            .lines()
            .filter(|p| p.ends_with(".html") && !written.contains(*p))
            .map(page_url)
            .collect();
        removed.sort_unstable();
        let mut changed = self
            .changed
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        changed.sort_unstable();
        Changed { changed, removed }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_named_by_their_url() {
        assert_eq!(page_url("index.html"), "/");
        assert_eq!(page_url("icloud/index.html"), "/icloud/");
        assert_eq!(page_url("404.html"), "/404.html");
    }

    #[test]
    fn new_different_and_removed_pages_are_listed() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("a")).expect("mkdir");
        std::fs::write(dir.path().join("a/index.html"), "same").expect("write");
        std::fs::write(dir.path().join("index.html"), "old").expect("write");
        std::fs::write(
            dir.path().join(MANIFEST),
            "a/index.html\nindex.html\ngone/index.html\nx.css\n",
        )
        .expect("write");
        let changes = Changes::new(dir.path().to_path_buf());
        changes.note(&OutputFile::new("a/index.html", "same"));
        changes.note(&OutputFile::new("index.html", "new"));
        changes.note(&OutputFile::new("b/index.html", "added"));
        changes.note(&OutputFile::new("x.css", "not a page"));
        let found = changes.finish();
        assert_eq!(found.changed, ["/", "/b/"]);
        assert_eq!(found.removed, ["/gone/"]);
    }
}
