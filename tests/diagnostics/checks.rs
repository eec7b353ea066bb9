//! Every rule code, on a small fixture site that makes it fire and on the same site mended.
//!
//! `tests/checks/<code>/` is a site (site.yaml and content/) that has exactly the fault the rule
//! is about. `expect.txt` lists where the editor is told about it, one `file:line` per finding
//! (`-` for a finding about no file); `mended/` holds the files that fix it (and `delete.txt` the
//! files to remove), after which the site must pass with no finding at all. Every fixture gets
//! the bundled theme beside it (`check` loads the theme, as `build` does); fixtures with a
//! `stage.txt` of `build` are about the theme and are built.
//! The human and JSON reports are snapshot-tested, as an editor and a CI job see them.
//! Each fixture is its own pair of tests (`port_range::fires_at_the_right_place`,
//! `port_range::passes_once_mended`), so one failing rule does not hide the others.

use crate::common;

use common::{copy_tree, mailguide, repo};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = repo().join("tests/checks");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("tests/checks exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

/// Copies a fixture (without its expectations and mended files) into a temporary site.
fn site_of(fixture: &Path, mended: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(fixture).expect("fixture folder") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if ["expect.txt", "stage.txt", "mended"].contains(&name.as_str()) {
            continue;
        }
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &dir.path().join(&name));
        } else {
            std::fs::copy(entry.path(), dir.path().join(&name)).expect("copy");
        }
    }
    copy_tree(&repo().join("themes/default"), &dir.path().join("themes/default"));
    if mended {
        let fixes = fixture.join("mended");
        if let Ok(list) = std::fs::read_to_string(fixes.join("delete.txt")) {
            for rel in list.lines().filter(|l| !l.trim().is_empty()) {
                std::fs::remove_file(dir.path().join(rel.trim())).expect("remove a file named in delete.txt");
            }
        }
        for entry in walkdir::WalkDir::new(&fixes).into_iter().filter_map(Result::ok) {
            let rel = entry.path().strip_prefix(&fixes).expect("prefix");
            if entry.file_type().is_file() && rel != Path::new("delete.txt") {
                let dest = dir.path().join(rel);
                std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
                std::fs::copy(entry.path(), dest).expect("copy");
            }
        }
    }
    dir
}

fn is_build(fixture: &Path) -> bool {
    std::fs::read_to_string(fixture.join("stage.txt")).is_ok_and(|s| s.trim() == "build")
}

/// Runs the checker (or the build) the way an editor does: exit code, JSON report, human report.
fn run(fixture: &Path, root: &Path) -> (i32, Value, String) {
    let root_s = root.to_str().expect("utf-8 path");
    let out = root.join("public");
    let args: Vec<&str> = if is_build(fixture) {
        vec![
            "build",
            "--root",
            root_s,
            "--output",
            out.to_str().expect("utf-8 path"),
            "--today",
            common::TODAY,
        ]
    } else {
        vec!["check", "--root", root_s, "--today", common::TODAY]
    };
    let json = mailguide(&[args.as_slice(), &["--format", "json"]].concat());
    let human = mailguide(&args);
    let code = json.status.code().expect("exit code");
    assert_eq!(human.status.code(), Some(code), "both formats exit alike");
    let report: Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("JSON report: {e}\n{}", String::from_utf8_lossy(&json.stdout)));
    // The temporary folder differs per run; the built-page line has a duration.
    let text = String::from_utf8_lossy(&human.stderr)
        .replace(root_s, "[ROOT]")
        .lines()
        .filter(|l| !l.starts_with("built "))
        .collect::<Vec<_>>()
        .join("\n");
    (code, report, text)
}

fn places(report: &Value, code: &str) -> Vec<String> {
    let mut v: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| match (d["file"].as_str(), d["line"].as_u64()) {
            (Some(f), Some(l)) => format!("{f}:{l}"),
            _ => "-".to_string(),
        })
        .collect();
    v.sort();
    v
}

/// One test module per fixture folder, so a failing fixture is named in the test name and the
/// others still run. A folder missing from this list fails
/// `the_list_names_every_fixture_folder`, so no fixture is silently left out.
macro_rules! fixtures {
    ($($name:ident => $code:literal,)*) => {
        /// The fixture folders, as listed below.
        const LISTED: &[&str] = &[$($code),*];
        $(
            mod $name {
                #[test]
                fn fires_at_the_right_place() {
                    super::fires($code);
                }

                #[test]
                fn passes_once_mended() {
                    super::passes_once_mended($code);
                }
            }
        )*
    };
}

fixtures! {
    client_security_words => "client-security-words",
    domain_conflict => "domain-conflict",
    domain_duplicate => "domain-duplicate",
    domain_invalid => "domain-invalid",
    entry_id_duplicate => "entry-id-duplicate",
    faq_duplicate => "faq-duplicate",
    faq_empty_answer => "faq-empty-answer",
    file_too_large => "file-too-large",
    file_unknown_kind => "file-unknown-kind",
    file_unreadable => "file-unreadable",
    file_unused => "file-unused",
    guide_missing => "guide-missing",
    guide_without_client => "guide-without-client",
    hostname_invalid => "hostname-invalid",
    image_alt_missing => "image-alt-missing",
    image_invalid => "image-invalid",
    image_missing => "image-missing",
    image_remote => "image-remote",
    image_svg_unsafe => "image-svg-unsafe",
    image_too_large => "image-too-large",
    link_anchor => "link-anchor",
    link_broken => "link-broken",
    link_draft => "link-draft",
    markdown_front_matter => "markdown-front-matter",
    page_too_large => "page-too-large",
    password_kind_auth => "password-kind-auth",
    path_collision => "path-collision",
    port_protocol => "port-protocol",
    port_range => "port-range",
    port_security => "port-security",
    port_smtp_relay => "port-smtp-relay",
    port_unusual => "port-unusual",
    prose_contradiction => "prose-contradiction",
    prose_literal => "prose-literal",
    prose_security_word => "prose-security-word",
    prose_unknown_host => "prose-unknown-host",
    provider_no_incoming => "provider-no-incoming",
    provider_no_outgoing => "provider-no-outgoing",
    provider_reason_contradicts => "provider-reason-contradicts",
    rule_unknown => "rule-unknown",
    same_sign_in_reused => "same-sign-in-reused",
    security_none => "security-none",
    security_none_password => "security-none-password",
    server_duplicate => "server-duplicate",
    site_duplicate_client => "site-duplicate-client",
    site_missing => "site-missing",
    site_unknown_client => "site-unknown-client",
    slug_invalid => "slug-invalid",
    source_date_invalid => "source-date-invalid",
    source_missing => "source-missing",
    source_stale => "source-stale",
    source_unknown => "source-unknown",
    template_data => "template-data",
    template_missing => "template-missing",
    template_render => "template-render",
    template_syntax => "template-syntax",
    template_unbounded => "template-unbounded",
    template_unreadable => "template-unreadable",
    text_control_character => "text-control-character",
    theme_missing => "theme-missing",
    troubleshooting_empty_symptom => "troubleshooting-empty-symptom",
    troubleshooting_no_fix => "troubleshooting-no-fix",
    unknown_client => "unknown-client",
    unknown_provider => "unknown-provider",
    url_invalid => "url-invalid",
    url_not_https => "url-not-https",
    url_scheme => "url-scheme",
    value_empty => "value-empty",
    yaml_bad_value => "yaml-bad-value",
    yaml_duplicate_key => "yaml-duplicate-key",
    yaml_empty => "yaml-empty",
    yaml_missing_key => "yaml-missing-key",
    yaml_syntax => "yaml-syntax",
    yaml_too_deep => "yaml-too-deep",
    yaml_unknown_key => "yaml-unknown-key",
    yaml_wrong_type => "yaml-wrong-type",
}

#[test]
fn the_list_names_every_fixture_folder() {
    let folders: Vec<String> = fixtures().into_iter().map(|(code, _)| code).collect();
    assert!(folders.len() >= 50, "a fixture per rule code ({} found)", folders.len());
    assert_eq!(
        folders, LISTED,
        "tests/checks/ and the `fixtures!` list in tests/diagnostics/checks.rs"
    );
}

/// The rule fires on its fixture, at the places `expect.txt` lists, with the exit code its
/// severity gives, and both reports are as snapshotted.
fn fires(code: &str) {
    let fixture = repo().join("tests/checks").join(code);
    let site = site_of(&fixture, false);
    let (exit, report, human) = run(&fixture, site.path());
    let mut expected: Vec<String> = std::fs::read_to_string(fixture.join("expect.txt"))
        .expect("expect.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    expected.sort();
    let found = places(&report, code);
    if code == "site-missing" {
        // About the folder, not a file in it.
        assert_eq!(found, vec!["-"], "{code}: {human}");
    } else {
        assert_eq!(found, expected, "{code}: where the editor is told\n{human}");
    }
    let errors = report["errors"].as_u64().expect("errors");
    assert_eq!(exit, if errors > 0 { 1 } else { 0 }, "{code}: exit code\n{human}");
    assert!(
        human.contains(&format!("[{code}]")),
        "{code}: the human report names the code\n{human}"
    );
    insta::assert_snapshot!(format!("{code}__human"), human);
    let json = serde_json::to_string_pretty(&report)
        .expect("JSON")
        .replace(site.path().to_str().expect("utf-8"), "[ROOT]");
    insta::assert_snapshot!(format!("{code}__json"), json);
}

/// With the fixture's `mended/` files, the site has no finding at all.
fn passes_once_mended(code: &str) {
    let fixture = repo().join("tests/checks").join(code);
    let site = site_of(&fixture, true);
    let (exit, report, human) = run(&fixture, site.path());
    assert_eq!(
        report["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{code}: the mended site has no findings\n{human}"
    );
    assert_eq!(exit, 0, "{code}");
}

#[test]
fn warnings_fail_only_under_deny_warnings() {
    let fixture = repo().join("tests/checks/port-unusual");
    let site = site_of(&fixture, false);
    let root = site.path().to_str().expect("utf-8");
    assert_eq!(mailguide(&["check", "--root", root]).status.code(), Some(0));
    assert_eq!(
        mailguide(&["check", "--root", root, "--deny-warnings"]).status.code(),
        Some(1)
    );
}

#[test]
fn a_provider_allowance_silences_a_rule_and_shows_the_reason() {
    let fixture = repo().join("tests/checks/port-unusual");
    let site = site_of(&fixture, false);
    let file = site.path().join("content/providers/postbox.yaml");
    let yaml = std::fs::read_to_string(&file).expect("provider");
    std::fs::write(
        &file,
        format!(
            "{yaml}allow:\n  - rule: port-unusual\n    reason: Postbox documents 2525 as its only submission port.\n"
        ),
    )
    .expect("write");
    let root = site.path().to_str().expect("utf-8");
    let out = mailguide(&["check", "--root", root, "--deny-warnings"]);
    let human = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{human}");
    assert!(
        human.contains("allowed[port-unusual]") && human.contains("Postbox documents 2525"),
        "{human}"
    );
}

#[test]
fn site_policy_changes_a_rule_s_severity() {
    let fixture = repo().join("tests/checks/port-smtp-relay");
    let site = site_of(&fixture, false);
    let file = site.path().join("site.yaml");
    let yaml = std::fs::read_to_string(&file).expect("site.yaml");
    // The fixture's `checks:` is the last key of its site.yaml: add to it.
    assert!(yaml.contains("\nchecks:\n"), "{yaml}");
    std::fs::write(&file, format!("{yaml}  port-smtp-relay: error\n")).expect("write");
    let (exit, report, _) = run(&fixture, site.path());
    assert_eq!(exit, 1);
    assert_eq!(report["diagnostics"][0]["severity"], "error");
    std::fs::write(&file, format!("{yaml}  port-smtp-relay: off\n")).expect("write");
    let (exit, report, _) = run(&fixture, site.path());
    assert_eq!((exit, report["warnings"].as_u64()), (0, Some(0)));
}

/// Control characters and bidi overrides are refused whatever the policy or an allowance says:
/// they make client files invalid or disguise a server name.
#[test]
fn the_policy_cannot_turn_off_text_control_character() {
    let fixture = repo().join("tests/checks/text-control-character");
    let site = site_of(&fixture, false);
    let file = site.path().join("site.yaml");
    let yaml = std::fs::read_to_string(&file).expect("site.yaml");
    let yaml = yaml.replace("checks:\n", "checks:\n  text-control-character: off\n");
    std::fs::write(&file, yaml).expect("write");
    let provider = site.path().join("content/providers/postbox.yaml");
    let data = std::fs::read_to_string(&provider).expect("provider");
    std::fs::write(
        &provider,
        format!("{data}allow:\n  - rule: text-control-character\n    reason: We mean it.\n"),
    )
    .expect("write");
    let (exit, report, human) = run(&fixture, site.path());
    assert_eq!(exit, 1, "{human}");
    assert_eq!(places(&report, "text-control-character").len(), 4, "{human}");
}

/// `base_url` goes into canonical links, the sitemap and the profiles' identifiers: site.yaml's
/// must be http(s) (an error at its line), and `--base-url` is refused before anything runs.
#[test]
fn base_url_must_be_http_or_https_in_site_yaml_and_on_the_command_line() {
    let fixture = repo().join("tests/checks/url-scheme");
    let site = site_of(&fixture, true);
    let root = site.path().to_str().expect("utf-8");
    let out_dir = site.path().join("public");
    let out = mailguide(&[
        "build",
        "--root",
        root,
        "--output",
        out_dir.to_str().expect("utf-8"),
        "--base-url",
        "javascript:alert(1)",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("http or https"), "{stderr}");
    assert!(!out_dir.exists(), "nothing is built");
    let file = site.path().join("site.yaml");
    let yaml = std::fs::read_to_string(&file).expect("site.yaml");
    std::fs::write(&file, format!("{yaml}base_url: javascript:alert(1)\n")).expect("write");
    let (exit, report, human) = run(&fixture, site.path());
    assert_eq!(exit, 1, "{human}");
    assert_eq!(
        places(&report, "url-scheme"),
        vec![format!("site.yaml:{}", yaml.lines().count() + 1)],
        "{human}"
    );
}

/// A slug past 100 characters (a 255-byte file name cannot take `.mobileconfig` after it) is
/// `slug-invalid` with its length, and the suggested name is short enough to be valid itself.
#[test]
fn a_very_long_slug_is_named_with_its_length_and_a_valid_shorter_name() {
    let fixture = repo().join("tests/checks/slug-invalid");
    let site = site_of(&fixture, true);
    let long = ["postbox-mail"; 18].join("-");
    assert!(long.len() > 200 && long.len() < 255);
    std::fs::write(
        site.path().join(format!("content/providers/{long}.yaml")),
        "name: Postbox\ndomains: [postbox.test]\nservers:\n  imap:\n    - host: imap.postbox.test\n      port: 993\n      security: tls\n  smtp:\n    - host: smtp.postbox.test\n      port: 587\n      security: starttls\nno_pop3: Postbox offers IMAP only.\n",
    )
    .expect("write");
    let (exit, report, human) = run(&fixture, site.path());
    assert_eq!(exit, 1, "{human}");
    let d = report["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "slug-invalid"))
        .unwrap_or_else(|| panic!("a slug-invalid finding\n{human}"));
    let message = d["message"].as_str().expect("message");
    assert!(
        message.contains(&format!("is {} characters long", long.len())),
        "{message}"
    );
    assert!(!human.contains("File name too long"), "{human}");
    let help = d["help"].as_str().expect("help");
    let suggested = help.rsplit('`').nth(1).expect("a suggested name in backticks");
    assert!(
        suggested.len() <= 100 && mailguide::scaffold::valid_slug(suggested),
        "{help}"
    );
}

/// Codes that are documented but have no fixture, and why.
const WITHOUT_FIXTURE: &[(&str, &str)] = &[
    (
        "file-symlink",
        "the fixtures are copied file by file, which follows links; tests/content_walk.rs makes real ones",
    ),
    (
        "asset-unreadable",
        "assets are read as bytes; only an I/O failure, which a fixture cannot produce portably, triggers it",
    ),
];

#[test]
fn every_documented_code_has_a_fixture_and_every_fixture_is_documented() {
    let docs = std::fs::read_to_string(repo().join("docs/checks.md")).expect("docs/checks.md");
    let documented: BTreeSet<String> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("### `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let with_fixture: BTreeSet<String> = fixtures().into_iter().map(|(c, _)| c).collect();
    for code in &with_fixture {
        assert!(
            documented.contains(code),
            "{code} has a fixture but no paragraph in docs/checks.md"
        );
    }
    for code in &documented {
        assert!(
            // `check --live` codes need servers to answer: the tests in tests/live/
            // give each case a loopback server instead of a fixture folder.
            with_fixture.contains(code) || WITHOUT_FIXTURE.iter().any(|(c, _)| c == code) || code.starts_with("live-"),
            "{code} is documented but has no fixture under tests/checks/"
        );
    }
}

/// The acceptance case of the issue: the reference page's iPhone line, "Port 587 — SSL on", is
/// wrong in Thunderbird's words and right in the iPhone's.
#[test]
fn the_iphone_line_is_an_error_in_the_thunderbird_guide_and_not_in_the_iphone_guide() {
    let line = "- Outgoing Mail Server: smtp.mail.me.com — Port 587 — SSL on\n";
    let findings = |file: &str| -> Vec<Value> {
        let site = common::bundled_copy();
        let path = site.path().join(file);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, format!("{before}\n{line}")).expect("write");
        let out = mailguide(&[
            "check",
            "--root",
            site.path().to_str().expect("utf-8"),
            "--format",
            "json",
            "--today",
            common::TODAY,
        ]);
        let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        report["diagnostics"].as_array().expect("diagnostics").clone()
    };

    let thunderbird = findings("content/providers/icloud/thunderbird.md");
    let errors: Vec<&Value> = thunderbird.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{thunderbird:#?}");
    assert_eq!(errors[0]["code"], "prose-security-word");
    assert_eq!(errors[0]["file"], "content/providers/icloud/thunderbird.md");
    assert_eq!(errors[0]["line"], 2);
    let message = errors[0]["message"].as_str().expect("message");
    assert!(
        message.contains("\"SSL on\"") && message.contains("\"STARTTLS\""),
        "{message}"
    );

    let iphone = findings("content/providers/icloud/iphone.md");
    assert!(
        iphone
            .iter()
            .all(|d| d["severity"] == "warning" && d["code"] == "prose-literal"),
        "on the iPhone, \"SSL on\" is the right word for STARTTLS on 587: {iphone:#?}"
    );
}

#[test]
fn the_bundled_site_passes_every_rule() {
    let root = repo();
    let out = mailguide(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
        "--today",
        common::TODAY,
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(0)),
        "{report:#}"
    );
    assert_eq!(out.status.code(), Some(0));
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix").display().to_string();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    v.sort();
    v
}

/// `build` runs every rule first: a contradiction in a guide stops it, and the site published
/// before stays exactly as it was.
#[test]
fn a_check_error_stops_the_build_and_leaves_the_published_site_as_it_was() {
    let site = common::bundled_copy();
    let root = site.path().to_str().expect("utf-8").to_string();
    let out = site.path().join("public");
    let out_s = out.to_str().expect("utf-8").to_string();
    let first = mailguide(&["build", "--root", &root, "--output", &out_s]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let before = files_of(&out);
    assert!(before.len() > 50, "a real site was built");

    std::fs::write(
        site.path().join("content/providers/icloud/thunderbird.md"),
        "Outgoing server: smtp.mail.me.com, port 465.\n",
    )
    .expect("write");
    let second = mailguide(&["build", "--root", &root, "--output", &out_s]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[prose-contradiction]") && stderr.contains("thunderbird.md:1:"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(files_of(&out), before, "public/ is byte for byte as before");
}
