//! `serve`'s incremental rebuilds: after each edit, the pages in memory are exactly the ones a
//! fresh full build of the edited site gives, and a one-file edit renders only a part of them.

use mailguide::serve::session::{Files, Session};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const BASE: &str = "http://127.0.0.1:1111";

/// A copy of the bundled site in a temporary folder, to edit freely.
fn bundled_copy() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).expect("copy site.yaml");
    for sub in ["content", "themes"] {
        copy_tree(&repo.join(sub), &dir.path().join(sub));
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) -> PathBuf {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel} should contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
    path
}

fn page(files: &Files, path: &str) -> String {
    let bytes = files.get(path).unwrap_or_else(|| panic!("{path} should be served"));
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

/// The session's findings equal those of a fresh `check_site` on the same files: a finding cached
/// for one provider or file may never outlive the edit that fixed it, nor miss one that added it.
fn assert_same_findings_as_fresh_check(session: &Session) {
    let fresh = mailguide::check_site(session.root());
    assert_eq!(
        session.diagnostics(),
        fresh.diagnostics,
        "the findings of a fresh check"
    );
    assert_eq!(
        session.allowed(),
        fresh.allowed.as_slice(),
        "the allowed findings of a fresh check"
    );
}

/// What `build` writes for the site at `root` served at [`BASE`]: output path to bytes, the
/// build's manifest (a list of what it wrote, for the next build) aside.
fn built_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().expect("temp dir");
    let mut opts = mailguide::BuildOptions::new(root, Some(out.path().join("public")));
    opts.base_url = Some(BASE.into());
    let built = match mailguide::build_site(&opts) {
        Ok(built) => built,
        Err(_) => panic!("{} builds", root.display()),
    };
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&built.output) {
        let entry = entry.expect("walk");
        let rel = entry
            .path()
            .strip_prefix(&built.output)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        if entry.file_type().is_file() && rel != mailguide::write::MANIFEST {
            files.insert(rel, fs::read(entry.path()).expect("read"));
        }
    }
    files
}

/// The session serves exactly what `build` writes for the same content at the same address.
fn assert_same_as_build(session: &Session) {
    let built = built_files(session.root());
    let served: Vec<&String> = session.files().keys().collect();
    assert_eq!(
        served,
        built.keys().collect::<Vec<_>>(),
        "the files `build` writes are served"
    );
    for (path, bytes) in &built {
        assert!(
            session.files()[path].as_slice() == bytes.as_slice(),
            "{path} is served otherwise than `build` writes it"
        );
    }
}

/// The session's pages equal those of a fresh session on the same files and what `build`
/// writes, and so do its findings.
fn assert_same_as_full_build(session: &Session) {
    assert_same_findings_as_fresh_check(session);
    assert_same_as_build(session);
    let (fresh, report) = Session::open(session.root(), BASE);
    assert!(report.ok, "the edited site builds: {:?}", fresh.diagnostics());
    let ours: Vec<&String> = session.files().keys().collect();
    let theirs: Vec<&String> = fresh.files().keys().collect();
    assert_eq!(ours, theirs, "the same files exist");
    for (path, bytes) in fresh.files() {
        assert!(
            session.files()[path] == *bytes,
            "{path} differs from a full build after the incremental rebuild"
        );
    }
}

#[test]
fn a_provider_edit_renders_that_provider_and_the_pages_listing_it() {
    let site = bundled_copy();
    let (mut session, first) = Session::open(site.path(), BASE);
    assert!(first.ok && first.full, "{:?}", session.diagnostics());
    let all_pages = first.rendered;

    let path = edit(
        site.path(),
        "content/providers/icloud.yaml",
        "imap.mail.me.com",
        "imap.mail.example.net",
    );
    let re = session.apply(&[path]).expect("a content file is part of the site");
    assert!(re.ok && !re.full, "{re:?}");
    assert_eq!(re.reparsed, 1);
    // The provider page, its guides, the home, FAQ, troubleshooting and client pages; not the
    // other providers' pages.
    assert!(
        re.rendered < all_pages / 2,
        "{} of {all_pages} pages rendered",
        re.rendered
    );
    assert!(page(session.files(), "icloud/thunderbird/index.html").contains("imap.mail.example.net"));
    assert!(page(session.files(), "faq/index.html").contains("imap.mail.example.net"));
    assert_same_as_full_build(&session);
}

/// A provider edit makes again exactly the pages that show the provider (its page and guides, and
/// the pages that list every provider) and its own client files; every other file is the one
/// made before, untouched. The result is what `build` writes.
#[test]
fn a_provider_edit_remakes_only_the_pages_showing_it_and_equals_a_build() {
    let site = bundled_copy();
    let (mut session, first) = Session::open(site.path(), BASE);
    assert!(first.ok, "{:?}", session.diagnostics());
    assert_same_as_build(&session);
    let before = session.files().clone();

    let path = edit(
        site.path(),
        "content/providers/gmail.yaml",
        "imap.gmail.com",
        "imap.gmail.example.net",
    );
    let re = session.apply(&[path]).expect("a content file is part of the site");
    assert!(re.ok && !re.full, "{re:?}");
    let after = session.files();
    let remade = |pages: bool| -> BTreeSet<&str> {
        after
            .iter()
            .filter(|(path, _)| path.ends_with(".html") == pages)
            .filter(|(path, bytes)| !before.get(*path).is_some_and(|old| Arc::ptr_eq(old, bytes)))
            .map(|(path, _)| path.as_str())
            .collect()
    };
    // Every client of the bundled site: each has a Gmail guide and a client page listing Gmail.
    let clients: Vec<String> = std::fs::read_dir(site.path().join("content/clients"))
        .expect("the bundled site has clients")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(String::from))
        .collect();
    assert!(clients.len() >= 7, "{clients:?}");
    let mut pages: BTreeSet<String> = [
        "index.html",
        "faq/index.html",
        "troubleshooting/index.html",
        "gmail/index.html",
    ]
    .map(String::from)
    .into();
    for c in &clients {
        pages.insert(format!("gmail/{c}/index.html"));
        pages.insert(format!("clients/{c}/index.html"));
    }
    assert_eq!(
        remade(true),
        pages.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        "the pages rendered again"
    );
    assert_eq!(re.rendered, pages.len());
    // Gmail's client files were made again, no other provider's.
    let others = remade(false);
    assert!(others.contains("gmail/settings.json"), "{others:?}");
    for path in &others {
        assert!(
            !["icloud/", "outlook/", "yahoo/", "aol/", "fastmail/", "zoho/"]
                .iter()
                .any(|p| path.starts_with(p)),
            "{path} was made again for a Gmail edit"
        );
    }
    assert!(page(after, "gmail/thunderbird/index.html").contains("imap.gmail.example.net"));
    assert_same_as_build(&session);
}

#[test]
fn edits_of_every_kind_of_file_equal_a_full_build() {
    let site = bundled_copy();
    let root = site.path();
    let (mut session, first) = Session::open(root, BASE);
    assert!(first.ok);
    let edits: Vec<(&str, &str, &str)> = vec![
        ("content/clients/thunderbird.md", "{{", "Then: {{"),
        ("content/clients/thunderbird.yaml", "Thunderbird", "Thunderbird Mail"),
        (
            "content/providers/icloud/iphone.md",
            "## The quickest way",
            "## The fastest way",
        ),
        (
            "content/faq/icloud.yaml",
            "What is the iCloud Mail IMAP server?",
            "Which IMAP server does iCloud use?",
        ),
        (
            "content/troubleshooting/general.yaml",
            "The password is refused",
            "The password is not accepted",
        ),
        ("content/pages/about.md", "title: About this site", "title: About us"),
        ("site.yaml", "title: Mail Setup Help", "title: Mail Help"),
    ];
    for (rel, from, to) in edits {
        let path = edit(root, rel, from, to);
        let re = session.apply(&[path]).expect("part of the site");
        assert!(re.ok, "{rel}: {:?}", session.diagnostics());
        assert_same_as_full_build(&session);
    }
}

#[test]
fn added_and_deleted_files_equal_a_full_build() {
    let site = bundled_copy();
    let root = site.path();
    let (mut session, _) = Session::open(root, BASE);
    let icloud = fs::read_to_string(root.join("content/providers/icloud.yaml")).expect("read");
    let added = root.join("content/providers/icloud-two.yaml");
    fs::write(
        &added,
        icloud.replace("name: iCloud Mail", "name: iCloud Two").replace(
            "domains: [icloud.com, me.com, mac.com]",
            "domains: [icloud-two.example]",
        ),
    )
    .expect("write");
    let re = session.apply(std::slice::from_ref(&added)).expect("part of the site");
    assert!(re.ok, "{:?}", session.diagnostics());
    assert!(page(session.files(), "index.html").contains("iCloud Two"));
    assert!(session.files().contains_key("icloud-two/iphone/index.html"));
    assert_same_as_full_build(&session);

    fs::remove_file(&added).expect("delete");
    let re = session.apply(&[added]).expect("part of the site");
    assert!(re.ok);
    assert!(!session.files().contains_key("icloud-two/iphone/index.html"));
    assert_same_as_full_build(&session);
}

#[test]
fn a_theme_edit_renders_every_page() {
    let site = bundled_copy();
    let (mut session, first) = Session::open(site.path(), BASE);
    let path = edit(
        site.path(),
        "themes/default/templates/404.html",
        "There is no page",
        "Nothing lives",
    );
    let re = session.apply(&[path]).expect("part of the site");
    assert!(re.ok && re.full);
    assert_eq!(re.rendered, first.rendered);
    assert!(page(session.files(), "404.html").contains("Nothing lives"));
}

#[test]
fn a_root_file_is_served_as_soon_as_it_is_saved() {
    let site = bundled_copy();
    let (mut session, _) = Session::open(site.path(), BASE);
    assert!(!session.files().contains_key("CNAME"));
    let path = site.path().join("root/CNAME");
    std::fs::create_dir_all(path.parent().expect("root/")).expect("mkdir");
    std::fs::write(&path, "mail-help.example.org\n").expect("write");
    let re = session.apply(&[path]).expect("root/ is part of the site");
    assert!(re.ok);
    assert_eq!(page(session.files(), "CNAME"), "mail-help.example.org\n");
}

#[test]
fn an_error_keeps_the_last_good_site_until_fixed() {
    let site = bundled_copy();
    let root = site.path();
    let (mut session, _) = Session::open(root, BASE);
    let before = page(session.files(), "icloud/index.html");

    let broken = edit(
        root,
        "content/providers/icloud.yaml",
        "  imap:\n    - host: imap.mail.me.com",
        "  imap:\n    - hots: imap.mail.example.net",
    );
    let re = session.apply(std::slice::from_ref(&broken)).expect("part of the site");
    assert!(!re.ok);
    assert!(session.has_errors());
    assert_same_findings_as_fresh_check(&session);
    let d = session
        .diagnostics()
        .into_iter()
        .find(|d| d.code == "yaml-unknown-key")
        .expect("the typo is reported");
    let loc = d.location.expect("with a location");
    assert_eq!((loc.file.as_str(), loc.line), ("content/providers/icloud.yaml", 11));
    assert_eq!(
        page(session.files(), "icloud/index.html"),
        before,
        "the last good page stays"
    );

    // A second edit elsewhere while the error lasts is rendered once the error is fixed.
    let other = edit(
        root,
        "content/providers/gmail.yaml",
        "imap.gmail.com",
        "imap.gmail.example.net",
    );
    assert!(!session.apply(&[other]).expect("part of the site").ok);
    assert_same_findings_as_fresh_check(&session);

    let fixed = edit(root, "content/providers/icloud.yaml", "hots:", "host:");
    let re = session.apply(&[fixed]).expect("part of the site");
    assert!(re.ok && !session.has_errors());
    assert!(page(session.files(), "icloud/index.html").contains("imap.mail.example.net"));
    assert!(page(session.files(), "gmail/index.html").contains("imap.gmail.example.net"));
    assert_same_as_full_build(&session);
}

#[test]
fn files_outside_the_site_change_nothing() {
    let site = bundled_copy();
    let (mut session, _) = Session::open(site.path(), BASE);
    fs::create_dir_all(site.path().join("public")).expect("mkdir");
    let stray = site.path().join("public/index.html");
    fs::write(&stray, "x").expect("write");
    assert!(
        session
            .apply(&[stray, site.path().join("content/.icloud.yaml.swp")])
            .is_none()
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_not_served() {
    let site = bundled_copy();
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("secret.txt");
    fs::write(&secret, "TOP-SECRET").expect("write");
    std::os::unix::fs::symlink(&secret, site.path().join("themes/default/static/leak.txt")).expect("symlink");
    fs::create_dir_all(site.path().join("static")).expect("mkdir");
    std::os::unix::fs::symlink(outside.path(), site.path().join("static/outside")).expect("symlink");
    let (session, report) = Session::open(site.path(), BASE);
    assert!(report.ok, "{:?}", session.diagnostics());
    for (path, bytes) in session.files() {
        assert!(
            !String::from_utf8_lossy(bytes).contains("TOP-SECRET"),
            "{path} holds a file from outside the site"
        );
    }
}

/// Findings that one edit adds and a later one removes, in one provider and across two, are the
/// findings a fresh check gives at every step; so are the allowed ones, and the pages and client
/// files whenever the site builds.
#[test]
fn findings_that_come_and_go_equal_a_fresh_check() {
    let site = bundled_copy();
    let root = site.path();
    let (mut session, first) = Session::open(root, BASE);
    assert!(first.ok);
    let gmail = "content/providers/gmail.yaml";
    let steps: Vec<(&str, &str, &str, Option<&str>)> = vec![
        // A warning in one provider (an unregistered SMTP port), then an allowance for it.
        (gmail, "port: 587", "port: 2525", Some("port-unusual")),
        (
            gmail,
            "password:\n",
            "allow:\n  - rule: port-unusual\n    reason: Google documents port 2525 too\npassword:\n",
            None,
        ),
        // A domain two providers claim: an error, which the next edit removes.
        (
            "content/providers/icloud.yaml",
            "domains: [icloud.com,",
            "domains: [gmail.com, icloud.com,",
            Some("domain-conflict"),
        ),
        (
            "content/providers/icloud.yaml",
            "domains: [gmail.com, ",
            "domains: [",
            None,
        ),
        // Claimed again and allowed: the site builds, and Gmail, whose file did not change, loses
        // the ISPDB-layout file of the domain it now shares.
        (
            "content/providers/icloud.yaml",
            "domains: [icloud.com,",
            "allow:\n  - rule: domain-conflict\n    reason: a test\ndomains: [gmail.com, icloud.com,",
            None,
        ),
    ];
    for (rel, from, to, code) in steps {
        let path = edit(root, rel, from, to);
        let re = session.apply(&[path]).expect("part of the site");
        if re.ok {
            // Pages and client files too: a provider's files go with a warning and come back.
            assert_same_as_full_build(&session);
        }
        if let Some(code) = code {
            assert!(
                session.diagnostics().iter().any(|d| d.code == code),
                "{rel}: {code} is reported: {:?}",
                session.diagnostics()
            );
        }
        assert_same_findings_as_fresh_check(&session);
    }
    assert!(
        session.allowed().iter().any(|d| d.code == "port-unusual"),
        "the allowance is shown"
    );
    assert!(session.allowed().iter().any(|d| d.code == "domain-conflict"));
    assert!(
        !session.files().keys().any(|k| k.contains("gmail.com")),
        "no file for a shared domain"
    );
    assert!(
        session.files().keys().any(|k| k.contains("googlemail.com")),
        "Gmail keeps its own domain's file"
    );
}
