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
    let out = mailguide(&["init", "--theme-copy", s(&site)]);
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
    let gitignore = fs::read_to_string(site.join(".gitignore")).expect("read");
    assert!(gitignore.lines().any(|l| l == "public/"), "{gitignore}");
    // The image copies kept between builds are no source.
    assert!(gitignore.lines().any(|l| l == ".mailguide-cache/"), "{gitignore}");
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

    let out = mailguide(&["new", "provider", "Acme Mail", "--root", s(&site)]);
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

fn in_dir(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailguide"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run mailguide")
}

#[test]
fn init_without_a_folder_uses_the_current_one_when_only_dot_files_are_there() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fs::create_dir(tmp.path().join(".git")).expect("mkdir");
    fs::write(tmp.path().join(".gitignore"), "mine\n").expect("write");
    let out = in_dir(tmp.path(), &["init"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("next: mailguide serve"));
    assert!(tmp.path().join("site.yaml").is_file());
    assert_eq!(
        fs::read_to_string(tmp.path().join(".gitignore")).expect("read"),
        "mine\n",
        "kept"
    );
    assert_checks_clean(tmp.path());
    // Now it holds a site: a second init refuses.
    let again = in_dir(tmp.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
}

#[test]
fn new_makes_a_slug_of_a_display_name_and_guesses_nothing_about_a_client() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("help");
    assert!(mailguide(&["init", s(&site)]).status.success());
    let out = mailguide(&["new", "provider", "Example Hosting", "-r", s(&site)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let provider = fs::read_to_string(site.join("content/providers/example-hosting.yaml")).expect("written");
    assert!(provider.contains("\nname: Example Hosting\n"), "{provider}");
    assert!(provider.contains("imap.example-hosting.example"));

    let out = mailguide(&["new", "client", "ios-mail", "-r", s(&site)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let client = fs::read_to_string(site.join("content/clients/ios-mail.yaml")).expect("written");
    assert!(!client.contains("Ios Mail"), "{client}");
    assert!(
        client.contains("\nname: ios-mail "),
        "the slug is kept, for the editor to replace: {client}"
    );
    assert!(client.contains("\nplatforms: []\n"), "{client}");
    assert!(!client.contains("Windows, macOS]"), "no platform is guessed: {client}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("add `ios-mail` to `clients:`"));
    assert_checks_clean(&site);

    let named = mailguide(&["new", "client", "Mail: Pro", "-r", s(&site)]);
    assert!(named.status.success(), "{}", String::from_utf8_lossy(&named.stderr));
    let client = fs::read_to_string(site.join("content/clients/mail-pro.yaml")).expect("written");
    assert!(client.contains("\nname: \"Mail: Pro\"\n"), "{client}");
    assert_checks_clean(&site);
}

#[test]
fn completions_are_printed_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_mailguide()"),
        ("zsh", "#compdef mailguide"),
        ("fish", "complete -c mailguide"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = mailguide(&["completions", shell]);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script:.300}");
        assert!(script.contains("serve") && script.contains("base-url"), "{shell}");
    }
}

#[test]
fn short_flags_match_zola_and_hugo() {
    let help = |cmd: &str| String::from_utf8_lossy(&mailguide(&[cmd, "--help"]).stdout).into_owned();
    let build = help("build");
    for flag in ["-r, --root", "-o, --output", "-u, --base-url", "-v, --verbose"] {
        assert!(build.contains(flag), "build: {flag}\n{build}");
    }
    let serve = help("serve");
    assert!(serve.contains("-r, --root") && serve.contains("-p, --port"), "{serve}");
    assert!(serve.contains("      --bind"), "--bind has no short form: {serve}");
}

#[test]
fn build_lists_the_pages_that_changed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("help");
    assert!(mailguide(&["init", s(&site)]).status.success());
    let out_dir = site.join("out");
    // Short flags, as in Zola: -r root, -o output, -u base URL.
    let first = mailguide(&[
        "build",
        "-r",
        s(&site),
        "-o",
        s(&out_dir),
        "-u",
        "https://help.example.net",
        "--format",
        "json",
    ]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON on stdout");
    let pages = report["build"]["pages"].as_u64().expect("a page count");
    assert!(pages > 5, "{report}");
    assert!(report["build"]["elapsed_ms"].is_number());
    assert_eq!(
        report["build"]["changed_pages"].as_array().map(Vec::len),
        Some(pages as usize),
        "all new"
    );
    assert!(
        fs::read_to_string(out_dir.join("index.html"))
            .expect("home")
            .contains("https://help.example.net/")
    );

    let path = site.join("content/faq/general.yaml");
    let faq = fs::read_to_string(&path).expect("read");
    fs::write(&path, faq.replace("Every mail app listed", "Each mail app listed")).expect("write");
    let second = mailguide(&[
        "build",
        "-r",
        s(&site),
        "-o",
        s(&out_dir),
        "-u",
        "https://help.example.net",
        "--verbose",
    ]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{stderr}");
    assert!(stderr.contains("1 page changed:\n  /faq/\n"), "{stderr}");

    let json = mailguide(&[
        "build",
        "-r",
        s(&site),
        "-o",
        s(&out_dir),
        "-u",
        "https://help.example.net",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON on stdout");
    assert_eq!(report["build"]["changed_pages"], serde_json::json!([]), "{report}");
}
