//! What the content model can say about what vendors say: sign-in per server with the
//! recommended method first, host names built from the reader's domain, sources and the dates
//! they were checked, and the apps' own account buttons. Each test goes through the import, the
//! checks and the pages a reader sees.

mod common;

use common::repo;
use mailguide::import::ispdb::{self, ImportOptions};
use mailguide::model::{Auth, PasswordKind, ProviderData};
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    repo().join("tests/ispdb")
}

fn import(root: &Path, file: &str) {
    let reports = ispdb::import(
        &[fixtures().join(file)],
        &ImportOptions {
            root: root.to_path_buf(),
            force: false,
        },
    );
    assert!(reports[0].result.is_ok(), "{file} imports: {:?}", reports[0].result);
}

fn read_provider(root: &Path, slug: &str) -> ProviderData {
    let path = root.join(format!("content/providers/{slug}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} should exist: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not a provider file: {e}\n{text}", path.display()))
}

/// A site with the client-file fixture's clients and the default theme, and no providers.
fn empty_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&repo().join("tests/sites/client-files"), site.path());
    std::fs::remove_dir_all(site.path().join("content/providers")).expect("no providers");
    std::fs::create_dir_all(site.path().join("content/providers")).expect("providers folder");
    common::copy_tree(&repo().join("themes"), &site.path().join("themes"));
    site
}

fn findings_for(root: &Path, slug: &str) -> Vec<String> {
    mailguide::check_site(root)
        .diagnostics
        .iter()
        .filter(|d| d.provider.as_deref() == Some(slug))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn build(root: &Path) -> std::path::PathBuf {
    let out = root.join("public");
    let built = mailguide::build_site(&mailguide::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        base_url: None,
        deny_warnings: false,
    });
    if let Err(failure) = built {
        let diagnostics = match failure {
            mailguide::BuildFailure::Content(c) => c.diagnostics,
            mailguide::BuildFailure::Render(d, _) => d,
            mailguide::BuildFailure::Write(e, _) => panic!("the site could not be written: {e}"),
        };
        let list: Vec<String> = diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        panic!("the site builds: {list:#?}");
    }
    out
}

#[test]
fn an_imap_server_that_takes_only_oauth2_beside_an_smtp_server_that_takes_a_password() {
    let site = empty_site();
    import(site.path(), "mit.edu.xml");
    let p = read_provider(site.path(), "mit-edu");
    assert_eq!(p.servers.imap[0].auth, [Auth::OAuth2]);
    assert_eq!(
        p.servers.imap[0].password,
        Some(PasswordKind::OAuth2),
        "the IMAP server says so itself"
    );
    assert_eq!(p.servers.smtp[0].password, None, "SMTP keeps the provider's kind");
    assert_eq!(p.password.kind, PasswordKind::Account);

    let found = findings_for(site.path(), "mit-edu");
    assert!(
        !found.iter().any(|f| f.starts_with("password-kind-auth")),
        "the shape is describable: {found:?}"
    );

    let out = build(site.path());
    let doc = common::page(&out, "mit-edu/index.html");
    let imap = common::table_rows(&doc, "MIT IMAP server");
    let smtp = common::table_rows(&doc, "MIT SMTP server");
    let row = |rows: &[(String, String)], name: &str| {
        rows.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} row in {rows:?}"))
    };
    assert!(row(&imap, "Password").contains("OAuth2"), "{imap:?}");
    assert_eq!(row(&smtp, "Password"), "your account password");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("mit-edu/settings.json")).expect("settings.json"))
            .expect("JSON");
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["servers"]["imap"][0]["password"], "oauth2");
    assert_eq!(json["servers"]["smtp"][0]["password"], "account");
    // The Apple profile cannot sign in with OAuth2, and the only IMAP server needs it.
    assert!(!out.join("mit-edu/mit-edu.mobileconfig").exists());
}

#[test]
fn the_import_keeps_the_ispdb_order_of_sign_in_methods_and_pages_lead_with_the_first() {
    let site = empty_site();
    import(site.path(), "googlemail.com.xml");
    let p = read_provider(site.path(), "googlemail-com");
    for s in p.servers.imap.iter().chain(&p.servers.pop3).chain(&p.servers.smtp) {
        assert_eq!(s.auth, [Auth::OAuth2, Auth::Password], "{}", s.host);
    }
    let out = build(site.path());
    let doc = common::page(&out, "googlemail-com/index.html");
    let imap = common::table_rows(&doc, "GMail IMAP server");
    let auth = imap
        .iter()
        .find(|(k, _)| k == "Authentication")
        .expect("an Authentication row");
    assert_eq!(auth.1, "OAuth2 (recommended), Normal password");
    let password = common::text(doc.select(&common::sel("#password")).next().expect("#password"));
    assert!(
        password.starts_with("Password Recommended: sign in with GMail in the browser window."),
        "{password}"
    );
}
