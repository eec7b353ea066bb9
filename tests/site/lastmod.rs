//! The sitemap's `<lastmod>`: the newest date among a page's sources, the commit dates of its
//! content files (where the site is a git repository) and a provider's checked dates; never the
//! clock, so the same commit always builds the same sitemap.

use crate::common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Runs git in `root` with a fixed date for the commit, and none of the machine's configuration.
fn git(root: &Path, date: &str, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "user.name=Editor", "-c", "user.email=editor@example.invalid"])
        .args(["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs (the tests need git)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The minimal fixture site, its provider checked against a source on 2025-06-01.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo().join("tests/sites/minimal"), dir.path());
    let provider = dir.path().join("content/providers/example.yaml");
    let text = std::fs::read_to_string(&provider).expect("provider");
    std::fs::write(
        &provider,
        format!(
            "{text}sources:\n  - url: https://help.example.com/mail\n    title: Example Mail help\n    checked: 2025-06-01\n"
        ),
    )
    .expect("write");
    dir
}

/// `<loc>` path → `<lastmod>` of each entry of the built sitemap.
fn lastmods(root: &Path) -> Vec<(String, Option<String>)> {
    let out = tempfile::tempdir().expect("temp dir");
    let o = build(root, out.path().join("public"), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let xml = std::fs::read_to_string(out.path().join("public/sitemap.xml")).expect("sitemap");
    xml.lines()
        .filter_map(|l| {
            let loc = l.split("<loc>").nth(1)?.split("</loc>").next()?;
            let path = loc.strip_prefix("https://help.example.net")?.to_string();
            let lastmod = l
                .split("<lastmod>")
                .nth(1)
                .and_then(|r| r.split("</lastmod>").next())
                .map(str::to_string);
            Some((path, lastmod))
        })
        .collect()
}

fn of<'a>(all: &'a [(String, Option<String>)], path: &str) -> Option<&'a str> {
    all.iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} is in the sitemap: {all:?}"))
        .1
        .as_deref()
}

#[test]
fn lastmod_is_the_newest_commit_of_a_page_s_files_or_its_provider_s_checked_date() {
    let site = site();
    let root = site.path();
    git(root, "2024-01-02T10:00:00Z", &["init", "-q"]);
    git(root, "2024-01-02T10:00:00Z", &["add", "-A"]);
    git(root, "2024-01-02T10:00:00Z", &["commit", "-q", "-m", "The site"]);
    for (file, from, to) in [
        (
            "content/pages/about.md",
            "explains mail settings",
            "explains the mail settings",
        ),
        ("content/faq/general.yaml", "keeps your mail", "keeps all your mail"),
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file}");
        std::fs::write(&path, text.replace(from, to)).expect("write");
    }
    git(
        root,
        "2025-03-04T23:30:00+00:00",
        &["commit", "-q", "-am", "Clearer words"],
    );

    let all = lastmods(root);
    // Only the second commit's files changed these pages.
    assert_eq!(of(&all, "/about/"), Some("2025-03-04"));
    assert_eq!(of(&all, "/faq/"), Some("2025-03-04"));
    // Untouched since the first commit.
    assert_eq!(of(&all, "/clients/simplemail/"), Some("2024-01-02"));
    assert_eq!(of(&all, "/troubleshooting/"), Some("2024-01-02"));
    assert_eq!(of(&all, "/"), Some("2024-01-02"));
    // The provider's data was compared with its source after its last commit.
    assert_eq!(of(&all, "/example/"), Some("2025-06-01"));
    assert_eq!(of(&all, "/example/simplemail/"), Some("2025-06-01"));
    assert_eq!(lastmods(root), all, "the same commit builds the same sitemap");
}

#[test]
fn without_git_only_the_checked_dates_are_known() {
    let site = site();
    let all = lastmods(site.path());
    assert_eq!(of(&all, "/example/"), Some("2025-06-01"));
    assert_eq!(of(&all, "/example/simplemail/"), Some("2025-06-01"));
    assert_eq!(of(&all, "/about/"), None, "no date from the clock");
    assert_eq!(of(&all, "/faq/"), None);
}
