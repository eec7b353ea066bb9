//! Bounded work in the loader and the renderer: nesting depth, file size and page size have limits
//! (`limits:` in site.yaml), each a clear error at the file, line and column; a report never
//! echoes a huge line whole.

use crate::common::{build, copy_tree, mailguide, repo};
use serde_json::Value;
use std::path::Path;

const PROVIDER_HEAD: &str = "name: Postbox\n";
const PROVIDER_TAIL: &str = "servers:\n  imap:\n    - host: imap.postbox.test\n      port: 993\n      security: tls\n  smtp:\n    - host: smtp.postbox.test\n      port: 587\n      security: starttls\nno_pop3: Postbox offers IMAP only.\n";

fn site(site_yaml: &str, provider: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("site.yaml"), site_yaml).expect("write");
    std::fs::create_dir_all(dir.path().join("content/providers")).expect("mkdir");
    std::fs::write(dir.path().join("content/providers/postbox.yaml"), provider).expect("write");
    // `check` loads the theme, as `build` does: the bundled one, so only the limits are at fault.
    copy_tree(&repo().join("themes/default"), &dir.path().join("themes/default"));
    dir
}

fn check_json(root: &Path) -> (i32, Value) {
    let out = mailguide(&["check", "--root", root.to_str().expect("utf-8"), "--format", "json"]);
    let report = serde_json::from_slice(&out.stdout).expect("JSON report");
    (out.status.code().expect("exit code"), report)
}

fn first(report: &Value) -> (String, u64, u64) {
    let d = &report["diagnostics"][0];
    (
        d["code"].as_str().unwrap_or("").to_string(),
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
    )
}

/// 100,000 nested `[` (the 200 KB file, 58 s before): the scanner stops at 256 open
/// collections and the loader reports it there, without handing the text to serde_yaml.
#[test]
fn a_hundred_thousand_nested_brackets_fail_at_once_where_the_nesting_passes_256() {
    let deep = format!(
        "{PROVIDER_HEAD}domains: {}{}\n{PROVIDER_TAIL}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let dir = site("title: T\nclients: []\n", &deep);
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["diagnostics"].as_array().map(Vec::len), Some(1), "{report:#}");
    // `domains: ` is 9 characters; the 256th `[` is at column 9 + 256.
    assert_eq!(first(&report), ("yaml-too-deep".to_string(), 2, 265));
    let message = report["diagnostics"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("at least 256") && message.contains("limit is 64"),
        "{message}"
    );
}

#[test]
fn nesting_past_the_limit_is_an_error_at_the_first_collection_too_deep_and_the_limit_is_configurable() {
    let deep = format!(
        "{PROVIDER_HEAD}domains: {}a{}\n{PROVIDER_TAIL}",
        "[".repeat(70),
        "]".repeat(70)
    );
    let dir = site("title: T\nclients: []\n", &deep);
    let (_, report) = check_json(dir.path());
    // The file's mapping is level 1, so the 64th `[` (at column 9 + 64) opens level 65.
    assert_eq!(first(&report), ("yaml-too-deep".to_string(), 2, 9 + 64));

    std::fs::write(
        dir.path().join("site.yaml"),
        "title: T\nclients: []\nlimits:\n  yaml_depth: 100\n",
    )
    .expect("write");
    let (_, report) = check_json(dir.path());
    // Within the raised limit the file is read, and the nested list is the wrong type.
    assert_eq!(first(&report).0, "yaml-wrong-type", "{report:#}");
}

#[test]
fn front_matter_has_the_same_depth_limit() {
    let dir = site(
        "title: T\nclients: []\n",
        &format!("{PROVIDER_HEAD}domains: [postbox.test]\n{PROVIDER_TAIL}"),
    );
    std::fs::create_dir_all(dir.path().join("content/pages")).expect("mkdir");
    std::fs::write(
        dir.path().join("content/pages/about.md"),
        format!("---\ntitle: {}x{}\n---\nText.\n", "[".repeat(300), "]".repeat(300)),
    )
    .expect("write");
    let (_, report) = check_json(dir.path());
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["file"].as_str(), d["line"].as_u64()),
        (Some("yaml-too-deep"), Some("content/pages/about.md"), Some(2)),
        "{report:#}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_an_error_where_it_crosses_the_limit() {
    let provider = format!("{PROVIDER_HEAD}domains: [postbox.test]\n{PROVIDER_TAIL}");
    let dir = site("title: T\nclients: []\nlimits: {file_bytes: 20}\n", &provider);
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1);
    // `name: Postbox\n` is 14 bytes: byte 20 is the 7th character of line 2.
    assert_eq!(first(&report), ("file-too-large".to_string(), 2, 7));
    // The default is far above real content.
    std::fs::write(dir.path().join("site.yaml"), "title: T\nclients: []\n").expect("write");
    assert_eq!(check_json(dir.path()).0, 0);
}

#[test]
fn an_unknown_limit_is_an_error_with_the_known_ones() {
    let dir = site(
        "title: T\nclients: []\nlimits:\n  yaml_deep: 10\n",
        &format!("{PROVIDER_HEAD}domains: [postbox.test]\n{PROVIDER_TAIL}"),
    );
    let (_, report) = check_json(dir.path());
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64()),
        (Some("yaml-unknown-key"), Some(4)),
        "{report:#}"
    );
    assert!(d["help"].as_str().unwrap_or("").contains("yaml_depth"), "{report:#}");
}

/// A 10 MB line is shown as a short window around the fault, not echoed whole.
#[test]
fn a_ten_megabyte_line_is_shown_cut_to_a_window() {
    let long = "x".repeat(10 * 1024 * 1024);
    let provider = format!("{PROVIDER_HEAD}domains: [postbox.test]\n{PROVIDER_TAIL}unknown: {long}\n");
    let dir = site("title: T\nclients: []\n", &provider);
    let out = mailguide(&["check", "--root", dir.path().to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.len() < 4_000, "{} bytes of report", stderr.len());
    assert!(
        stderr.contains("error[yaml-unknown-key]") && stderr.contains("postbox.yaml:13:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("13 | unknown: xxxx") && stderr.contains("x…"),
        "{stderr}"
    );
}

/// A guide page over `limits.page_bytes` fails the build at the file with the most text of those
/// it is made from (here the client's guide), naming the page, every file and the setting. The
/// default (32 MiB) passes the same site. `check` renders no pages, so it does not see it
/// (docs/checks.md says so).
#[test]
fn a_page_over_the_page_limit_fails_the_build_at_its_guide_naming_the_page_and_the_setting() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo().join("tests/sites/minimal"), dir.path());
    let guide = dir.path().join("content/clients/simplemail.md");
    let mut text = std::fs::read_to_string(&guide).expect("guide");
    for i in 0..400 {
        text.push_str(&format!("\nNote {i}: keep the app open while the first sync runs.\n"));
    }
    std::fs::write(&guide, text).expect("write");
    let site_yaml = dir.path().join("site.yaml");
    let plain = std::fs::read_to_string(&site_yaml).expect("site.yaml");
    std::fs::write(&site_yaml, format!("{plain}limits:\n  page_bytes: 20000\n")).expect("write");

    let out = dir.path().join("public");
    let built = build(dir.path(), &out, &["--format", "json"]);
    assert_eq!(built.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&built.stdout).expect("JSON report");
    let found: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "page-too-large")
        .collect();
    assert_eq!(found.len(), 1, "{report:#}");
    let d = found[0];
    assert_eq!(d["file"], "content/clients/simplemail.md", "{d}");
    let message = d["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("/example/simplemail/") && message.contains("limit of 20000 bytes"),
        "{message}"
    );
    let help = d["help"].as_str().unwrap_or_default();
    for named in [
        "content/providers/example.yaml",
        "content/clients/simplemail.md",
        "content/providers/example/simplemail.md",
        "`limits: {page_bytes: N}`",
    ] {
        assert!(help.contains(named), "{named} in {help}");
    }
    assert!(!out.exists(), "nothing was written");

    let checked = mailguide(&["check", "--root", dir.path().to_str().expect("utf-8")]);
    assert_eq!(checked.status.code(), Some(0), "check renders no pages");

    std::fs::write(&site_yaml, plain).expect("write");
    assert_eq!(
        build(dir.path(), &out, &[]).status.code(),
        Some(0),
        "the default passes"
    );
}
