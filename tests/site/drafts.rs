//! Drafts: `draft: true` on a provider, a client's guide, a provider's steps and a free page.
//! `build` leaves them out (pages, client files, links, sitemap, search index); `build --drafts`
//! and `serve` show them with a "Draft" banner, never in the sitemap or the search index; a
//! published page that links to a draft does not build.

use crate::common;

use common::*;
use std::path::Path;

/// The minimal fixture site on the built-in default theme (which shows the banner), with a draft
/// of each kind: the provider `draftmail`, the client `othermail` (its guide says `draft: true`),
/// Example's steps for SimpleMail and the free page `coming`.
fn site_with_drafts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_tree(&repo().join("tests/sites/minimal"), root);
    std::fs::remove_dir_all(root.join("themes")).expect("remove the plain theme");
    let site_yaml = std::fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    let site_yaml = site_yaml
        .replace("theme: plain\n", "")
        .replace("clients: [simplemail]", "clients: [simplemail, othermail]");
    std::fs::write(root.join("site.yaml"), site_yaml).expect("write");
    let example = std::fs::read_to_string(root.join("content/providers/example.yaml")).expect("provider");
    let draft = example
        .replace("name: Example Mail\n", "name: Draft Mail\ndraft: true\n")
        .replace("example.com", "draftmail.test")
        .replace("example.org", "draftmail.example");
    std::fs::write(root.join("content/providers/draftmail.yaml"), draft).expect("write");
    let client = std::fs::read_to_string(root.join("content/clients/simplemail.yaml")).expect("client");
    std::fs::write(
        root.join("content/clients/othermail.yaml"),
        client.replace("name: SimpleMail", "name: OtherMail"),
    )
    .expect("write");
    let guide = std::fs::read_to_string(root.join("content/clients/simplemail.md")).expect("guide");
    std::fs::write(
        root.join("content/clients/othermail.md"),
        guide.replace("title: SimpleMail\n", "title: OtherMail\ndraft: true\n"),
    )
    .expect("write");
    std::fs::write(
        root.join("content/providers/example/simplemail.md"),
        "---\nplacement: after\ndraft: true\n---\nExample Mail users: turn on the new sync first.\n",
    )
    .expect("write");
    std::fs::write(
        root.join("content/pages/coming.md"),
        "---\ntitle: Coming soon\ndraft: true\n---\nA page about new providers.\n",
    )
    .expect("write");
    dir
}

fn built(root: &Path, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    let o = build(root, out.path().join("public"), extra);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file of the output, relative.
fn files(out: &Path) -> Vec<String> {
    let public = out.join("public");
    walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&public)
                .expect("inside")
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// The text of the "Draft" banner of a page, if it has one.
fn banner(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    doc.select(&sel("main .draft-banner")).next().map(text)
}

const DRAFT_PAGES: [&str; 5] = [
    "/draftmail/",
    "/coming/",
    "/clients/othermail/",
    "/example/othermail/",
    "/draftmail/simplemail/",
];

#[test]
fn build_leaves_every_draft_out() {
    let site = site_with_drafts();
    let out = built(site.path(), &[]);
    let all = files(out.path());
    for gone in ["draftmail", "coming/", "othermail"] {
        assert!(!all.iter().any(|f| f.contains(gone)), "no file of {gone}: {all:?}");
    }
    // The published pages do not point at the drafts.
    let home = read(out.path(), "index.html");
    assert!(!home.contains("/draftmail/") && !home.contains("Draft Mail"), "{home}");
    assert!(!read(out.path(), "example/index.html").contains("othermail"));
    assert!(!read(out.path(), "settings.json").contains("draftmail"));
    // Example's draft steps are left out of its guide, which is the client's generic one.
    let guide = read(out.path(), "example/simplemail/index.html");
    assert!(
        !guide.contains("turn on the new sync"),
        "the draft steps are not published"
    );
    assert_eq!(banner(&guide), None);
    let sitemap = read(out.path(), "sitemap.xml");
    assert!(sitemap.contains("/example/simplemail/</loc>"), "{sitemap}");
    for url in DRAFT_PAGES {
        assert!(!sitemap.contains(&format!("{url}</loc>")), "{url} in {sitemap}");
    }
}

#[test]
fn build_with_drafts_shows_them_with_a_banner_but_not_in_the_sitemap_or_search() {
    let site = site_with_drafts();
    let out = built(site.path(), &["--drafts"]);
    for url in DRAFT_PAGES {
        let html = read(out.path(), &mailguide::plan::output_path(url));
        let said = banner(&html).unwrap_or_else(|| panic!("{url} has a Draft banner"));
        assert!(said.starts_with("Draft"), "{url}: {said}");
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{url} is not indexed"
        );
    }
    // The draft steps are shown in Example's guide, which is then a draft page too.
    let guide = read(out.path(), "example/simplemail/index.html");
    assert!(guide.contains("turn on the new sync"));
    assert!(banner(&guide).is_some());
    for published in [
        "index.html",
        "example/index.html",
        "faq/index.html",
        "clients/simplemail/index.html",
    ] {
        assert_eq!(banner(&read(out.path(), published)), None, "{published} is no draft");
    }
    assert!(
        read(out.path(), "index.html").contains("/draftmail/"),
        "the drafts are linked"
    );
    let sitemap = read(out.path(), "sitemap.xml");
    let search = read(out.path(), "static/search-index.json");
    for url in DRAFT_PAGES.iter().chain(&["/example/simplemail/"]) {
        assert!(!sitemap.contains(&format!("{url}</loc>")), "{url} in the sitemap");
        assert!(!search.contains(&format!("\"{url}\"")), "{url} in the search index");
    }
    assert!(
        !search.contains("Draft Mail"),
        "the draft provider is not searched: {search}"
    );
    assert!(sitemap.contains("/example/</loc>") && search.contains("\"/example/\""));
}

#[test]
fn a_link_from_a_published_page_to_a_draft_is_an_error_naming_both() {
    let site = site_with_drafts();
    std::fs::write(
        site.path().join("content/pages/about.md"),
        "---\ntitle: About\n---\nThis site explains mail settings.\n\nSoon: [Draft Mail](/draftmail/).\n",
    )
    .expect("write");
    let out = tempfile::tempdir().expect("temp dir");
    let o = build(site.path(), out.path().join("public"), &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[link-draft]"), "{stderr}");
    assert!(
        stderr.contains("--> content/pages/about.md:6:"),
        "the link's place: {stderr}"
    );
    assert!(
        stderr.contains("content/providers/draftmail.yaml") && stderr.contains("draftmail.yaml:2"),
        "the draft and its `draft: true`: {stderr}"
    );
    // With the drafts built, the link resolves; it is still a warning, as the next plain build
    // will refuse it.
    let o = build(site.path(), out.path().join("public"), &["--drafts"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning[link-draft]"), "{stderr}");
}

#[test]
fn serve_shows_the_drafts_with_the_banner() {
    let site = site_with_drafts();
    let (session, report) = mailguide::serve::session::Session::open(site.path(), "http://127.0.0.1:1111");
    assert!(report.ok, "{:?}", session.diagnostics());
    let page = |path: &str| {
        let bytes = session.files().get(path).unwrap_or_else(|| panic!("{path} is served"));
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    };
    assert!(banner(&page("draftmail/index.html")).is_some());
    assert!(banner(&page("coming/index.html")).is_some());
    assert_eq!(banner(&page("example/index.html")), None);
    assert!(!page("sitemap.xml").contains("/draftmail/"));
}
