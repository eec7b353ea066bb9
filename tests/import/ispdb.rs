//! `mailguide import ispdb`: what an editor gets in content/providers/ and in the report.

use crate::common;

use common::repo;
use mailguide::import::ispdb::{self, ImportOptions, WriteStatus};
use mailguide::model::{Auth, PasswordKind, ProviderData, Security, UsernameForm};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    repo().join("tests/ispdb")
}

fn upstream_ispdb() -> PathBuf {
    repo().join("tests/data/ispdb")
}

fn opts(root: &Path, force: bool) -> ImportOptions {
    ImportOptions {
        root: root.to_path_buf(),
        force,
        checked: None,
    }
}

fn read_provider(root: &Path, slug: &str) -> (String, ProviderData) {
    let path = root.join(format!("content/providers/{slug}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} should exist: {e}", path.display()));
    let data: ProviderData = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a provider file: {e}\n{text}", path.display()));
    (text, data)
}

/// Runs the binary from the fixture folder, so the report names files as an editor typed them.
fn run_import(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mailguide"))
        .args(["import", "ispdb"])
        .args(args)
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .output()
        .expect("run mailguide");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_real_ispdb_file_becomes_a_provider_file_with_every_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = ispdb::import(&[upstream_ispdb().join("gmx.net.xml")], &opts(dir.path(), false));
    assert_eq!(reports.len(), 1);
    let written = reports[0].result.as_ref().expect("gmx.net.xml imports");
    assert_eq!(written[0].slug, "gmx-net");
    assert_eq!(written[0].status, WriteStatus::Written);

    let (text, p) = read_provider(dir.path(), "gmx-net");
    assert!(text.starts_with("# yaml-language-server: $schema=../../schemas/provider.json\n"));
    assert!(text.contains("\n# Imported from the Thunderbird autoconfig file gmx.net.xml"));
    assert_eq!(p.name, "GMX Freemail");
    assert_eq!(p.short_name.as_deref(), Some("GMX"));
    assert_eq!(p.domains.len(), 11);
    assert_eq!(p.domains[0], "gmx.net");
    let imap: Vec<(&str, u32, Security)> = p
        .servers
        .imap
        .iter()
        .map(|s| (s.host.as_str(), s.port, s.security))
        .collect();
    assert_eq!(
        imap,
        [
            ("imap.gmx.net", 993, Security::Tls),
            ("imap.gmx.net", 143, Security::Starttls)
        ]
    );
    assert_eq!(p.servers.pop3.len(), 2);
    let smtp: Vec<(&str, u32, Security)> = p
        .servers
        .smtp
        .iter()
        .map(|s| (s.host.as_str(), s.port, s.security))
        .collect();
    assert_eq!(
        smtp,
        [
            ("mail.gmx.net", 465, Security::Tls),
            ("mail.gmx.net", 587, Security::Starttls)
        ]
    );
    assert!(
        p.servers
            .smtp
            .iter()
            .all(|s| s.username == UsernameForm::Address && s.auth == [Auth::Password])
    );
    // `enable` is a step before any setup.
    assert_eq!(p.prerequisites.len(), 1);
    assert!(
        p.prerequisites[0]
            .body
            .contains("You must allow access via POP3 & IMAP")
    );
    assert!(
        p.prerequisites[0]
            .body
            .contains("(https://hilfe.gmx.net/pop-imap/einschalten.html)")
    );
    assert_eq!(
        p.documentation[0].url,
        "https://hilfe.gmx.net/pop-imap/imap/imap-serverdaten.html"
    );
    // Nothing is claimed that the file does not say.
    assert!(p.allow.is_empty(), "the importer never silences a check");
    assert!(!text.contains("password:"), "no password rules are invented:\n{text}");
    assert!(p.no_imap.is_none() && p.no_pop3.is_none() && p.no_smtp.is_none());
}

#[test]
fn usernames_keep_their_form_or_their_exact_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reports = ispdb::import(&[fixtures().join("variants.example.xml")], &opts(dir.path(), false));
    assert!(reports[0].result.is_ok());
    let (_, p) = read_provider(dir.path(), "variants-example");
    assert_eq!(
        p.servers.imap[0].username,
        UsernameForm::Custom("%EMAILLOCALPART%.%EMAILDOMAIN%".into())
    );
    // A typo in the source is kept, not corrected: the checker may report it.
    assert_eq!(p.servers.pop3[0].username, UsernameForm::Custom("%EMAILADDRESS".into()));
    assert_eq!(p.servers.smtp[0].username, UsernameForm::Domain);
    assert_eq!(p.servers.imap[0].auth, [Auth::OAuth2, Auth::Password]);
    assert_eq!(p.servers.pop3[0].auth, [Auth::EncryptedPassword]);
    assert_eq!(p.servers.pop3[0].security, Security::None);
    assert_eq!(p.name, "Variants Mail & Co");
    assert_eq!(p.documentation[0].title.as_deref(), Some("Setting up a mail app"));
    assert_eq!(p.password.kind, PasswordKind::Account, "one server takes a password");
    // The ampersand of the URL is the URL's, unescaped once.
    assert!(
        p.prerequisites[0]
            .body
            .contains("(https://variants.example/settings?tab=imap&x=1)")
    );
}

#[test]
fn what_cannot_be_mapped_is_reported_per_file_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_str().expect("utf-8 temp path");
    let (code, report) = run_import(&["variants.example.xml", "--root", root]);
    assert_eq!(code, 0, "unmapped parts do not fail the import:\n{report}");
    insta::assert_snapshot!(report);
    // The provider file keeps the list for the editor too.
    let (text, _) = read_provider(dir.path(), "variants-example");
    assert!(text.contains("#   line 53: <webMail> (login page https://webmail.variants.example/)"));
}

#[test]
fn an_existing_provider_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("content/providers/receive-only-example.yaml");
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, "name: Edited by hand\n").expect("write");
    let input = [fixtures().join("receive-only.example.xml")];

    let reports = ispdb::import(&input, &opts(dir.path(), false));
    let results = reports[0].result.as_ref().expect("the file is read");
    assert_eq!(results[0].status, WriteStatus::Exists);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "name: Edited by hand\n");

    let root = dir.path().to_str().expect("utf-8 temp path");
    let (code, report) = run_import(&["receive-only.example.xml", "--root", root]);
    assert_eq!(code, 0);
    assert!(
        report.contains("skipped  receive-only.example.xml: content/providers/receive-only-example.yaml exists"),
        "{report}"
    );
    assert!(report.contains("give --force to replace it"), "{report}");

    let (code, report) = run_import(&["receive-only.example.xml", "--root", root, "--force"]);
    assert_eq!(code, 0);
    assert!(report.contains("(replaced)"), "{report}");
    let (_, p) = read_provider(dir.path(), "receive-only-example");
    assert_eq!(p.name, "Receive Only Mail");
}

#[test]
fn a_malformed_file_is_reported_with_its_line_and_the_others_still_import() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_str().expect("utf-8 temp path");
    // The folder holds the broken file and two good ones.
    let (code, report) = run_import(&[".", "--root", root]);
    assert_eq!(code, 1, "a failed file is a finding:\n{report}");
    assert!(
        report.contains("error: ./broken.example.xml:8:"),
        "the error names the file and line 8, where </portt> is:\n{report}"
    );
    assert!(report.contains("portt"), "{report}");
    assert!(
        report.contains("3 files: 2 providers written, 0 skipped, 1 failed"),
        "{report}"
    );
    assert!(dir.path().join("content/providers/variants-example.yaml").is_file());
    assert!(dir.path().join("content/providers/receive-only-example.yaml").is_file());
    assert!(!dir.path().join("content/providers/broken-example.yaml").exists());
}

#[test]
fn a_provider_without_smtp_says_so_and_its_site_builds() {
    // A site whose guides, unlike the bundled ones, work for a provider without SMTP.
    let site = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&repo().join("tests/sites/client-files"), site.path());
    common::copy_tree(&repo().join("themes"), &site.path().join("themes"));
    let reports = ispdb::import(
        &[fixtures().join("receive-only.example.xml")],
        &opts(site.path(), false),
    );
    assert!(reports[0].result.is_ok());
    let (_, p) = read_provider(site.path(), "receive-only-example");
    assert_eq!(p.no_smtp.as_deref(), Some("The ISPDB entry lists no SMTP server."));
    assert_eq!(p.no_pop3.as_deref(), Some("The ISPDB entry lists no POP3 server."));
    assert!(p.no_imap.is_none());

    let checked = mailguide::check_site(site.path());
    let about_it: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.provider.as_deref() == Some("receive-only-example"))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(
        !about_it.iter().any(|d| d.starts_with("provider-no-")),
        "the structure check accepts the reason: {about_it:?}"
    );

    // The reader sees the fact on the provider page.
    let out = site.path().join("public");
    let built = mailguide::build_site(&mailguide::BuildOptions::new(site.path(), Some(out.clone())));
    assert!(built.is_ok(), "the site builds with the imported provider");
    let doc = common::page(&out, "receive-only-example/index.html");
    let missing: Vec<String> = doc
        .select(&common::sel("#servers .missing"))
        .map(common::text)
        .collect();
    assert!(
        missing.contains(&"The ISPDB entry lists no SMTP server.".to_string()),
        "{missing:?}"
    );
}
