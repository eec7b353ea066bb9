//! Shared helpers for integration tests: build a site into a temporary folder and read its pages
//! the way a reader sees them.
#![allow(dead_code)]

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The day tests judge source dates on (`--today`): the bundled providers were last compared
/// with their sources on this day, so the result does not change with the calendar.
pub const TODAY: &str = "2026-12-02";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `mailguide` binary with arguments.
pub fn mailguide(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailguide"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run mailguide")
}

/// Builds the bundled site once per test binary and returns the output folder.
pub fn bundled_site() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        let root = repo();
        let o = build(&root, &out, &["--today", TODAY]);
        assert!(
            o.status.success(),
            "bundled site must build: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        (dir, out)
    });
    path
}

pub fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} should exist: {e}", path.display()));
    Html::parse_document(&text)
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

/// The visible text of an element, whitespace folded.
pub fn text(el: scraper::ElementRef) -> String {
    el.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rows (`th` label, `td` text) of every table whose caption contains `caption`.
pub fn table_rows(doc: &Html, caption: &str) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for table in doc.select(&sel("table")) {
        let cap = table.select(&sel("caption")).next().map(text).unwrap_or_default();
        if !cap.contains(caption) {
            continue;
        }
        for tr in table.select(&sel("tbody tr")) {
            let th = tr.select(&sel("th")).next().map(text).unwrap_or_default();
            let td = tr.select(&sel("td")).next().map(text).unwrap_or_default();
            rows.push((th, td.trim_end_matches("Copy").trim().to_string()));
        }
    }
    rows
}

/// Copies a folder tree (for tests that edit a site).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// A copy of the bundled site (site.yaml, content, theme) in a temporary folder.
pub fn bundled_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = repo();
    std::fs::copy(root.join("site.yaml"), dir.path().join("site.yaml")).expect("copy site.yaml");
    copy_tree(&root.join("content"), &dir.path().join("content"));
    copy_tree(&root.join("themes"), &dir.path().join("themes"));
    dir
}

/// Runs `mailguide build --root ROOT --output OUT` with extra arguments.
pub fn build(root: impl AsRef<Path>, out: impl AsRef<Path>, extra: &[&str]) -> Output {
    let (root, out) = (root.as_ref(), out.as_ref());
    let mut args = vec!["build", "--root", root.to_str().expect("UTF-8 path"), "--output"];
    args.push(out.to_str().expect("UTF-8 path"));
    args.extend_from_slice(extra);
    mailguide(&args)
}

/// Every HTML page under `out`, as sorted paths relative to it with `/` separators.
pub fn html_pages(out: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .expect("under the output")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    pages.sort();
    pages
}

/// A site at `root` of the 163 providers of the ISPDB snapshot (`tests/data/ispdb`, real data no
/// one here wrote), imported, with the bundled clients and their guides, free pages, general FAQ
/// and troubleshooting entries (the others name bundled providers) and theme.
pub fn ispdb_site(root: &Path) {
    ispdb_site_with(
        root,
        "title: ISPDB\nclients: [thunderbird, outlook, apple-mail, iphone, android-gmail, thunderbird-android]\n\
         checks:\n  source-stale: off\n",
    );
}

/// [`ispdb_site`] with its own `site.yaml`; returns the importer's report of every file.
pub fn ispdb_site_with(root: &Path, site_yaml: &str) -> Vec<mailguide::import::ispdb::FileReport> {
    let ispdb_dir = repo().join("tests/data/ispdb");
    assert!(ispdb_dir.is_dir(), "the ISPDB snapshot is at {}", ispdb_dir.display());
    std::fs::write(root.join("site.yaml"), site_yaml).expect("site.yaml");
    for part in ["clients", "pages"] {
        copy_tree(&repo().join("content").join(part), &root.join("content").join(part));
    }
    for part in ["faq/general.yaml", "troubleshooting/general.yaml"] {
        let dest = root.join("content").join(part);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(repo().join("content").join(part), dest).expect("copy");
    }
    copy_tree(&repo().join("themes"), &root.join("themes"));
    let reports = mailguide::import::ispdb::import(
        std::slice::from_ref(&ispdb_dir),
        &mailguide::import::ispdb::ImportOptions {
            root: root.to_path_buf(),
            force: false,
            // The snapshot's upstream commit date (its README).
            checked: mailguide::model::Date::parse("2026-03-12"),
        },
    );
    assert_eq!(reports.len(), 163, "every file of the snapshot is read");
    reports
}
