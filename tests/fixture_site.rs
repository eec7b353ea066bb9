//! A small fixture site (tests/sites/minimal, with its own plain theme) pinned with snapshots:
//! any change to what mailguide renders shows up here as a reviewed diff.

mod common;

use common::*;
use std::path::Path;

fn build_minimal() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = repo().join("tests/sites/minimal");
    let out = dir.path().join("public");
    let o = mailguide(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join("public").join(rel)).unwrap()
}

#[test]
fn minimal_site_pages() {
    let dir = build_minimal();
    for (name, rel) in [
        ("home", "index.html"),
        ("provider", "example/index.html"),
        ("guide", "example/simplemail/index.html"),
        ("client", "clients/simplemail/index.html"),
        ("faq", "faq/index.html"),
        ("troubleshooting", "troubleshooting/index.html"),
        ("page", "about/index.html"),
        ("not_found", "404.html"),
        ("sitemap", "sitemap.xml"),
    ] {
        // One tag a line keeps the snapshot diffs readable.
        let text = read(dir.path(), rel).replace("><", ">\n<");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn the_manifest_lists_every_written_file() {
    let dir = build_minimal();
    let manifest = read(dir.path(), ".mailguide-manifest");
    let listed: Vec<&str> = manifest.lines().collect();
    assert!(listed.contains(&"example/simplemail/index.html"));
    let written = walkdir::WalkDir::new(dir.path().join("public"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(
        listed.len() + 1,
        written,
        "every file but the manifest itself is listed"
    );
}
