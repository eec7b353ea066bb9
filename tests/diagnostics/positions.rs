//! Diagnostics at the place of the fault, never at the start of the file (issue 15, item 12):
//! a duplicate key, a raw control character, a second YAML document, Tera content outside the
//! subset; and reports that stay small and never print a raw control character, whatever the
//! content holds. Each case breaks one file of the minimal fixture site; the human and JSON
//! reports are snapshots.

use crate::common::{copy_tree, mailguide, repo};
use serde_json::Value;
use std::path::Path;

const PROVIDER: &str = "content/providers/example.yaml";
const GUIDE: &str = "content/clients/simplemail.md";

/// A copy of the minimal fixture site with one file written.
fn site_with(file: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo().join("tests/sites/minimal"), dir.path());
    std::fs::write(dir.path().join(file), text).expect("write");
    dir
}

fn fixture_text(file: &str) -> String {
    std::fs::read_to_string(repo().join("tests/sites/minimal").join(file)).expect("fixture file")
}

/// `check`'s reports: exit code, the JSON report, the human report (on stderr).
fn reports(root: &Path) -> (i32, Value, String) {
    let root = root.to_str().expect("utf-8 path");
    let json = mailguide(&["check", "--root", root, "--format", "json"]);
    let human = mailguide(&["check", "--root", root]);
    let report = serde_json::from_slice(&json.stdout).expect("check prints JSON");
    let code = json.status.code().expect("exit code");
    assert_eq!(human.status.code(), Some(code), "both formats exit alike");
    (code, report, String::from_utf8(human.stderr).expect("utf-8 report"))
}

/// The one diagnostic of the report, as (code, file, line, column).
fn only(report: &Value) -> (String, String, u64, u64) {
    let all = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(all.len(), 1, "one diagnostic: {report:#}");
    let d = &all[0];
    (
        d["code"].as_str().unwrap_or_default().to_string(),
        d["file"].as_str().unwrap_or_default().to_string(),
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
    )
}

fn help(report: &Value, index: usize) -> String {
    report["diagnostics"][index]["help"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn snapshot(name: &str, report: &Value, human: &str) {
    insta::assert_snapshot!(format!("{name}__human"), human);
    insta::assert_snapshot!(
        format!("{name}__json"),
        serde_json::to_string_pretty(report).expect("JSON")
    );
}

/// A key written again on line 23 is reported there (serde_yaml said 1:1, or the mapping's
/// first key with an indentation hint), with where it first stands.
#[test]
fn a_duplicate_key_is_reported_at_its_second_place_with_the_first() {
    let mut lines: Vec<String> = fixture_text(PROVIDER).lines().map(str::to_string).collect();
    lines.insert(22, "name: Example Mail again".into());
    let site = site_with(PROVIDER, &(lines.join("\n") + "\n"));
    let (code, report, human) = reports(site.path());
    assert_eq!(code, 1);
    assert_eq!(only(&report), ("yaml-duplicate-key".into(), PROVIDER.into(), 23, 1));
    let help = help(&report, 0);
    assert!(help.contains("`name`") && help.contains("line 1, column 1"), "{help}");
    snapshot("duplicate_key", &report, &human);
}

/// Deeper in the file: the key's own column, and the path of its mapping.
#[test]
fn a_duplicate_key_in_a_server_names_its_mapping() {
    let text = fixture_text(PROVIDER).replacen("      port: 993\n", "      port: 993\n      port: 143\n", 1);
    let site = site_with(PROVIDER, &text);
    let (_, report, _) = reports(site.path());
    assert_eq!(only(&report), ("yaml-duplicate-key".into(), PROVIDER.into(), 10, 7));
    let message = report["diagnostics"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("`servers.imap[0]`"), "{message}");
    assert!(help(&report, 0).contains("line 9, column 7"), "{report:#}");
}

/// Keys of different mappings, and the same key in each item of a list, are no duplicates.
#[test]
fn the_same_key_in_different_mappings_is_no_duplicate() {
    let site = site_with(PROVIDER, &fixture_text(PROVIDER));
    let (code, report, _) = reports(site.path());
    assert_eq!(code, 0, "{report:#}");
}

/// A raw ESC on line 3 of a YAML file: at its line and column (serde_yaml said 1:1), and shown
/// as `\u{1b}`, never raw, in the report.
#[test]
fn a_raw_escape_in_a_yaml_file_is_reported_where_it_stands_and_shown_escaped() {
    let text = fixture_text(PROVIDER).replacen("example.org", "exa\x1b[31mmple.org", 1);
    let site = site_with(PROVIDER, &text);
    let (code, report, human) = reports(site.path());
    assert_eq!(code, 1);
    // `domains: [example.com, exa` is 26 characters.
    assert_eq!(only(&report), ("text-control-character".into(), PROVIDER.into(), 3, 27));
    assert!(!human.contains('\x1b'), "{human:?}");
    assert!(human.contains("exa\\u{1b}[31mmple.org"), "{human}");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("U+001B (ESC)")
    );
    snapshot("escape_in_yaml", &report, &human);
}

/// The same in a Markdown guide's text, and in a page's front matter (YAML inside Markdown).
#[test]
fn a_raw_escape_in_a_markdown_guide_or_its_front_matter_is_reported_where_it_stands() {
    let guide = "## Add the account\n\n1. Open \x1b]0;pwned\x07**Accounts** and choose **Add**.\n";
    let site = site_with(GUIDE, guide);
    let (code, report, human) = reports(site.path());
    assert_eq!(code, 1);
    let found: Vec<(u64, u64)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            assert_eq!(
                (d["code"].as_str(), d["file"].as_str()),
                (Some("text-control-character"), Some(GUIDE))
            );
            (d["line"].as_u64().unwrap_or(0), d["column"].as_u64().unwrap_or(0))
        })
        .collect();
    // The ESC and the BEL that ends the terminal's title command.
    assert_eq!(found, vec![(3, 9), (3, 18)], "{report:#}");
    assert!(!human.contains('\x1b') && !human.contains('\x07'), "{human:?}");
    assert!(human.contains("Open \\u{1b}]0;pwned\\u{7}**Accounts**"), "{human}");
    snapshot("escape_in_markdown", &report, &human);

    let page = "---\ntitle: About\ndescription: What \x1b[2Jthis site is.\n---\nText.\n";
    let site = site_with("content/pages/about.md", page);
    let (_, report, human) = reports(site.path());
    assert_eq!(
        only(&report),
        ("text-control-character".into(), "content/pages/about.md".into(), 3, 19)
    );
    assert!(!human.contains('\x1b'), "{human:?}");
}

/// A second document: at its `---` (serde_yaml said 1:1), with what to do.
#[test]
fn a_second_yaml_document_is_reported_at_its_start() {
    let text = fixture_text(PROVIDER) + "---\nname: Another Mail\n";
    let lines = fixture_text(PROVIDER).lines().count() as u64;
    let site = site_with(PROVIDER, &text);
    let (code, report, human) = reports(site.path());
    assert_eq!(code, 1);
    assert_eq!(only(&report), ("yaml-syntax".into(), PROVIDER.into(), lines + 1, 1));
    assert!(help(&report, 0).contains("`---`"), "{report:#}");
    snapshot("second_document", &report, &human);
}

/// `{% include %}` on line 18 of a guide: at its line and column in both reports (it was 15:12
/// in the message and 4:1 in JSON), with help.
#[test]
fn an_include_in_a_guide_is_reported_at_its_own_line_with_help() {
    let mut guide = fixture_text(GUIDE);
    while guide.lines().count() < 17 {
        guide.push('\n');
    }
    guide.push_str("See also {% include \"base.html\" %}.\n");
    assert_eq!(guide.lines().count(), 18);
    let site = site_with(GUIDE, &guide);
    let (code, report, human) = reports(site.path());
    assert_eq!(code, 1);
    assert_eq!(only(&report), ("template-unbounded".into(), GUIDE.into(), 18, 10));
    assert!(help(&report, 0).contains("What Tera content may use"), "{report:#}");
    assert!(
        human.contains(&format!("--> {GUIDE}:18:10")) && human.contains("= help:"),
        "{human}"
    );
    snapshot("include_in_guide", &report, &human);
}

/// A component that calls itself: its definition and each call at their own place, with help
/// (it was 4:1 without help).
#[test]
fn a_recursive_component_is_reported_where_it_is_defined_and_called() {
    // Tera 2 calls a component as `{{ <step /> }}`, or with a body as `{% <step> %}...{% </step> %}`.
    let guide = "## Add the account\n\n1. Open **Accounts**.\n\
                 {% component step(n) %}{{ <step n=n /> }}{{ <step n=n /> }}{% endcomponent %}\n\
                 {% <step n=1> %}x{% </step> %}\n";
    let site = site_with(GUIDE, guide);
    let (code, report, human) = reports(site.path());
    assert_eq!(code, 1);
    let places: Vec<(u64, u64)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| (d["line"].as_u64().unwrap_or(0), d["column"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(
        places,
        vec![(4, 1), (4, 24), (4, 42), (4, 60), (5, 1), (5, 18)],
        "{report:#}"
    );
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        assert_eq!(
            (d["code"].as_str(), d["file"].as_str()),
            (Some("template-unbounded"), Some(GUIDE))
        );
        assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()), "{d}");
    }
    snapshot("recursive_component", &report, &human);
}

/// A 10 MB value quoted in a message (a bad enum value, an invalid host): both reports stay a
/// few kilobytes, the snippet cut to a window and the message cut in the middle.
#[test]
fn a_ten_megabyte_value_in_a_message_keeps_both_reports_small() {
    let long = "t".repeat(10 * 1024 * 1024);
    for (from, to) in [
        ("security: tls", format!("security: {long}")),
        ("host: imap.example.com", format!("host: {long}.com")),
    ] {
        let site = site_with(PROVIDER, &fixture_text(PROVIDER).replacen(from, &to, 1));
        let (code, report, human) = reports(site.path());
        assert_eq!(code, 1);
        let json = serde_json::to_string(&report).expect("JSON");
        assert!(human.len() < 4_000, "{} bytes of human report", human.len());
        assert!(json.len() < 4_000, "{} bytes of JSON report", json.len());
        let message = report["diagnostics"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("ttt…ttt"), "{message}");
    }
}
