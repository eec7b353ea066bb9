//! `mailguide init`, `mailguide new` and `mailguide schema`, as an editor meets them: a new site
//! that checks clean and builds, files from templates in the right place, and schemas that
//! accept every bundled content file and match the committed ones.

use mailguide::schema::FileKind;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mailguide(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailguide"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run mailguide")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn assert_checks_clean(root: &Path) {
    let checked = mailguide::check_site(root);
    assert_eq!(
        (checked.errors(), checked.warnings()),
        (0, 0),
        "{:#?}",
        checked.diagnostics
    );
}

#[test]
fn init_makes_a_site_that_checks_clean_and_builds() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("help");
    let out = mailguide(&["init", s(&site)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in [
        "site.yaml",
        "content/providers/example-mail.yaml",
        "content/clients/thunderbird.yaml",
        "content/clients/thunderbird.md",
        "content/faq/general.yaml",
        "content/troubleshooting/general.yaml",
        "themes/default/templates/base.html",
        "schemas/provider.json",
    ] {
        assert!(site.join(f).is_file(), "init writes {f}");
    }
    // The theme is the bundled one, file for file.
    for entry in walkdir::WalkDir::new(repo().join("themes/default")) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(repo()).expect("inside");
            assert_eq!(
                fs::read(site.join(rel)).expect("copied"),
                fs::read(entry.path()).expect("read"),
                "{} is the bundled file",
                rel.display()
            );
        }
    }
    assert!(
        fs::read_to_string(site.join(".gitignore"))
            .expect("read")
            .lines()
            .any(|l| l == "public/")
    );
    assert!(
        fs::read_to_string(site.join("content/providers/example-mail.yaml"))
            .expect("read")
            .starts_with("# yaml-language-server: $schema=../../schemas/provider.json\n")
    );
    assert_checks_clean(&site);

    let build = mailguide(&["build", "--root", s(&site)]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let guide = fs::read_to_string(site.join("public/example-mail/thunderbird/index.html")).expect("the guide");
    assert!(guide.contains("imap.example.org"));
    assert!(
        !guide.contains("mailguide-live-reload"),
        "build output has no live-reload script"
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fs::write(tmp.path().join("notes.txt"), "mine").expect("write");
    let out = mailguide(&["init", s(tmp.path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
    assert_eq!(
        fs::read_dir(tmp.path()).expect("read").count(),
        1,
        "nothing was written"
    );
}

#[test]
fn new_writes_files_from_templates_and_never_overwrites() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("help");
    assert!(mailguide(&["init", s(&site)]).status.success());

    let out = mailguide(&["new", "provider", "acme-mail", "--root", s(&site)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let provider = fs::read_to_string(site.join("content/providers/acme-mail.yaml")).expect("written");
    assert!(provider.starts_with("# yaml-language-server: $schema=../../schemas/provider.json\n"));
    assert!(provider.contains("name: Acme Mail"));

    let out = mailguide(&["new", "client", "mailspring", "--root", s(&site)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        site.join("content/clients/mailspring.md").is_file(),
        "a client comes with its guide"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("add `mailspring` to `clients:`"));

    // The new files are valid content: publish the client too, and the site still checks clean.
    let config = fs::read_to_string(site.join("site.yaml")).expect("read");
    fs::write(
        site.join("site.yaml"),
        config.replace("clients: [thunderbird]", "clients: [thunderbird, mailspring]"),
    )
    .expect("write");
    assert_checks_clean(&site);
    let build = mailguide(&["build", "--root", s(&site)]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let guide = fs::read_to_string(site.join("public/acme-mail/mailspring/index.html")).expect("the guide");
    assert!(guide.contains("imap.acme-mail.example"));

    fs::write(site.join("content/providers/acme-mail.yaml"), "name: Mine\n").expect("write");
    let again = mailguide(&["new", "provider", "acme-mail", "--root", s(&site)]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(
        fs::read_to_string(site.join("content/providers/acme-mail.yaml")).expect("read"),
        "name: Mine\n"
    );
    let bad = mailguide(&["new", "provider", "../escape", "--root", s(&site)]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!tmp.path().join("escape.yaml").exists() && !site.join("content/escape.yaml").exists());
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = mailguide(&["schema", "--output", s(tmp.path())]);
    assert!(out.status.success());
    for kind in FileKind::ALL {
        let written = fs::read_to_string(tmp.path().join(kind.file_name())).expect("written");
        assert_eq!(written, kind.schema(), "{} as written", kind.file_name());
        let committed = fs::read_to_string(repo().join("schemas").join(kind.file_name()))
            .unwrap_or_else(|e| panic!("schemas/{} should be committed: {e}", kind.file_name()));
        assert_eq!(
            committed,
            kind.schema(),
            "schemas/{} is out of date: run `cargo run -- schema`",
            kind.file_name()
        );
    }
}

fn validator(kind: FileKind) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&kind.schema()).expect("JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// The YAML of a content file (the front matter, for Markdown) as JSON.
fn instance(path: &Path) -> Option<serde_json::Value> {
    let text = fs::read_to_string(path).expect("read");
    let yaml = if path.extension().is_some_and(|e| e == "md") {
        let rest = text.strip_prefix("---\n")?;
        rest.split_once("\n---")?.0.to_string()
    } else {
        text
    };
    Some(serde_yaml::from_str(&yaml).unwrap_or(serde_json::Value::Null))
}

#[test]
fn every_bundled_content_file_is_valid_against_its_schema() {
    let mut checked = 0;
    let files = std::iter::once(repo().join("site.yaml")).chain(
        walkdir::WalkDir::new(repo().join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path()),
    );
    for path in files {
        let rel = mailguide::load::relative(&repo(), &path);
        let Some(kind) = FileKind::of(&rel) else { continue };
        let Some(value) = instance(&path) else { continue };
        let v = validator(kind);
        let errors: Vec<String> = v
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{rel} against {}: {errors:#?}", kind.file_name());
        checked += 1;
    }
    assert!(checked > 30, "only {checked} files were validated");
}

#[test]
fn the_schema_rejects_what_check_rejects() {
    let v = validator(FileKind::Provider);
    let typo: serde_json::Value = serde_yaml::from_str("name: X\ndomians: [x.example]\nservers: {}\n").expect("YAML");
    assert!(!v.is_valid(&typo), "an unknown key is an error");
    let bad_security: serde_json::Value = serde_yaml::from_str(
        "name: X\ndomains: [x.example]\nservers:\n  imap:\n    - {host: a, port: 993, security: ssl}\n",
    )
    .expect("YAML");
    assert!(!v.is_valid(&bad_security), "`ssl` is no security value");
    let custom_username: serde_json::Value = serde_yaml::from_str(
        "name: X\ndomains: [x.example]\nservers:\n  imap:\n    - {host: a, port: 993, security: tls, username: \"%EMAILLOCALPART%@x\"}\n",
    )
    .expect("YAML");
    assert!(v.is_valid(&custom_username), "any username text is allowed");
}
