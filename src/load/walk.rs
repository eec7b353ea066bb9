//! The walk of `content/`: every file mailguide will read, and a finding for everything it
//! cannot or will not read, so no content is ever lost without a word.
//!
//! A folder or file that cannot be read (permissions, an I/O fault) is an error naming it: a
//! build that silently left out `content/providers/` would replace a good site with one without
//! providers. Symbolic links are errors too, whether they point inside the site or out of it:
//! mailguide reads only what is in the site's own folder, and `serve` watches only that; a link
//! that is followed could publish any file the user can read, and one that is not would drop
//! content silently. Names starting with `.` (editor swap files, `.DS_Store`) are not content and
//! are left out on purpose.

use super::relative;
use crate::diagnostics::{Diagnostic, Location};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The regular files under `content/`, sorted by path, and the findings about what was not read.
pub struct Walked {
    pub files: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks `root/content`. A site without a `content/` folder has no content, which is no fault.
pub fn walk(root: &Path) -> Walked {
    let content = root.join("content");
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    if std::fs::symlink_metadata(&content).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Walked { files, diagnostics };
    }
    let walker = WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diagnostics.push(unreadable(root, &content, &e));
                continue;
            }
        };
        let ft = entry.file_type();
        if ft.is_symlink() && entry.depth() > 0 {
            diagnostics.push(symlink(root, entry.path()));
        } else if ft.is_file() {
            files.push(entry.into_path());
        } else if !ft.is_dir() && !ft.is_symlink() {
            let rel = relative(root, entry.path());
            diagnostics.push(
                Diagnostic::error("file-unreadable", format!("{rel} is not a regular file or folder"))
                    .at(Location::file(&rel))
                    .help("content/ holds only files and folders; remove this special file (a pipe, socket or device)"),
            );
        }
    }
    Walked { files, diagnostics }
}

/// A folder or file the walk could not read.
fn unreadable(root: &Path, content: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().unwrap_or(content);
    let rel = relative(root, path);
    let why = e.io_error().map(ToString::to_string).unwrap_or_else(|| e.to_string());
    let folder = path.is_dir();
    let what = if folder { "the folder" } else { "" };
    Diagnostic::error(
        "file-unreadable",
        format!("cannot read {what}{}{rel}: {why}", if folder { " " } else { "" }),
    )
    .at(Location::file(&rel))
    .help(if folder {
        "give the user who runs mailguide permission to read and enter this folder (chmod u+rx); nothing in it can be published until then"
    } else {
        "give the user who runs mailguide permission to read this file"
    })
}

/// A symbolic link under `content/`: never followed, always reported.
fn symlink(root: &Path, path: &Path) -> Diagnostic {
    let rel = relative(root, path);
    let site = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let (message, help) = match std::fs::canonicalize(path) {
        Ok(target) if !target.starts_with(&site) => (
            format!("{rel} is a symbolic link that leaves the site"),
            "mailguide publishes only files inside the site's folder; copy the file into content/ instead of linking to it",
        ),
        Ok(_) => (
            format!("{rel} is a symbolic link"),
            "mailguide does not follow links in content/ (serve would not see changes to the target); move the file here, or remove the link",
        ),
        Err(_) => (
            format!("{rel} is a symbolic link to nothing"),
            "remove the link, or put the file it should point to in its place",
        ),
    };
    Diagnostic::error("file-symlink", message)
        .at(Location::file(&rel))
        .help(help)
}
