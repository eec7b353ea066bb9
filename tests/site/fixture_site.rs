//! A small fixture site (tests/sites/minimal, with its own plain theme) pinned with snapshots:
//! any change to what mailguide renders shows up here as a reviewed diff.

use crate::common;

use common::*;
use std::path::Path;

/// Builds a copy of the fixture: inside this repository it would take its `<lastmod>` dates from
/// the repository's history, which differs between a full and a shallow clone.
fn build_minimal() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_tree(&repo().join("tests/sites/minimal"), &root);
    let out = dir.path().join("public");
    let o = build(&root, &out, &[]);
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

#[test]
fn a_site_overrides_theme_templates_and_assets_by_name() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Site's own: {{ page.title }}</h1>{% endblock content %}",
    )
    .unwrap();
    std::fs::write(
        site.path().join("static/style.css"),
        "body { font-family: \"Site Own Font\"; }\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("static/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let out = site.path().join("public");
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(
        about.contains("Site's own: About"),
        "the site's page.html wins: {about}"
    );
    // The other templates still come from the theme.
    assert!(
        std::fs::read_to_string(out.join("faq/index.html"))
            .unwrap()
            .contains("What is IMAP?")
    );
    let css: Vec<String> = std::fs::read_dir(out.join("static"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        css.iter().any(|n| n.starts_with("logo.") && n.ends_with(".svg")),
        "{css:?}"
    );
    let style = css.iter().find(|n| n.starts_with("style.")).expect("one stylesheet");
    let text = std::fs::read_to_string(out.join("static").join(style)).unwrap();
    assert!(
        text.contains("Site Own Font"),
        "the site's style.css replaces the theme's"
    );
    assert!(
        about.contains(&format!("/static/{style}")),
        "pages link the fingerprinted name"
    );
}

#[test]
fn base_url_from_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo().join("tests/sites/minimal");
    let out = dir.path().join("public");
    let o = build(&root, &out, &["--base-url", "https://staging.example.net/"]);
    assert!(o.status.success());
    let page = std::fs::read_to_string(out.join("example/index.html")).unwrap();
    assert!(
        page.contains("https://staging.example.net/example/"),
        "canonical uses --base-url"
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://staging.example.net/about/</loc>"),
        "{sitemap}"
    );
}

#[test]
fn build_reports_pages_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo().join("tests/sites/minimal");
    let out = dir.path().join("public");
    let o = build(&root, &out, &[]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("built 8 pages") && err.contains(" s"), "{err}");
}
