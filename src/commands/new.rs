//! `mailguide new provider|client NAME`: a content file from a commented template.

use super::{EXIT_OK, EXIT_TOOL};
use crate::scaffold::NewKind;
use std::path::Path;

pub fn run(root: &Path, kind: NewKind, name: &str) -> i32 {
    match crate::scaffold::new(root, kind, name) {
        Ok(files) => {
            for f in &files {
                eprintln!("created {f}");
            }
            if !root.join(crate::schema::DIR).is_dir() {
                eprintln!("note: run `mailguide schema` to write the schemas its first line refers to");
            }
            // The slug may differ from what was typed (`new client "Example Mail"`).
            let slug = files
                .first()
                .and_then(|f| f.rsplit('/').next())
                .and_then(|f| f.strip_suffix(".yaml"))
                .unwrap_or(name);
            if kind == NewKind::Client && publishes_a_list(root) {
                eprintln!("note: add `{slug}` to `clients:` in site.yaml to publish it");
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}\n  = help: {}", e.help());
            EXIT_TOOL
        }
    }
}

/// Whether site.yaml lists the published clients (then a new one must be added there).
fn publishes_a_list(root: &Path) -> bool {
    std::fs::read_to_string(root.join("site.yaml"))
        .map(|t| t.lines().any(|l| l.starts_with("clients:")))
        .unwrap_or(false)
}
