//! Errors an editor makes while writing content, and what mailguide tells them: the file, the
//! line and column, what is wrong and how to fix it. Each case breaks one file of the minimal
//! fixture site.

use crate::common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// A copy of the minimal fixture site with one file replaced.
fn site_with(file: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), dir.path());
    std::fs::write(dir.path().join(file), text).unwrap();
    dir
}

/// Runs `check --format json` and returns (exit code, diagnostics).
fn check_json(root: &Path) -> (i32, Vec<Value>) {
    let o = mailguide(&["check", "--root", root.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_slice(&o.stdout).expect("check prints JSON");
    (
        o.status.code().unwrap(),
        report["diagnostics"].as_array().unwrap().clone(),
    )
}

fn human(root: &Path) -> String {
    let o = mailguide(&["check", "--root", root.to_str().unwrap()]);
    String::from_utf8(o.stderr).unwrap()
}

fn only(diags: &[Value], code: &str) -> Value {
    let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "one {code} in {diags:#?}");
    found[0].clone()
}

const PROVIDER: &str = "content/providers/example.yaml";

#[test]
fn an_unknown_key_is_reported_at_its_line_with_the_closest_known_key() {
    let text = std::fs::read_to_string(repo().join("tests/sites/minimal").join(PROVIDER)).unwrap();
    let site = site_with(PROVIDER, &text.replace("help_url:", "help_ulr:"));
    let (code, diags) = check_json(site.path());
    assert_eq!(code, 1);
    let d = only(&diags, "yaml-unknown-key");
    assert_eq!(d["file"], PROVIDER);
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(4), Some(1)));
    assert!(
        d["help"].as_str().unwrap().starts_with("did you mean `help_url`?"),
        "{d}"
    );
    insta::assert_snapshot!(human(site.path()));
}

#[test]
fn an_unknown_key_deep_in_a_server_names_its_path() {
    let text = std::fs::read_to_string(repo().join("tests/sites/minimal").join(PROVIDER)).unwrap();
    let site = site_with(PROVIDER, &text.replacen("      port: 993", "      prot: 993", 1));
    let (_, diags) = check_json(site.path());
    let d = only(&diags, "yaml-unknown-key");
    assert_eq!(d["line"], 9);
    assert!(d["message"].as_str().unwrap().contains("servers.imap[0]"), "{d}");
    assert!(d["help"].as_str().unwrap().contains("`port`"), "{d}");
}

#[test]
fn malformed_yaml_is_a_syntax_error_at_its_line() {
    let site = site_with(PROVIDER, "name: Example Mail\ndomains: [example.com\nservers: {}\n");
    let (code, diags) = check_json(site.path());
    assert_eq!(code, 1);
    let d = only(&diags, "yaml-syntax");
    assert_eq!(d["file"], PROVIDER);
    assert!(d["line"].as_u64().unwrap() >= 2, "{d}");
    insta::assert_snapshot!(human(site.path()));
}

#[test]
fn a_missing_key_says_which() {
    let site = site_with(
        "content/clients/simplemail.yaml",
        "name: SimpleMail\nplatforms: [Windows]\n",
    );
    let (_, diags) = check_json(site.path());
    let d = only(&diags, "yaml-missing-key");
    assert!(d["message"].as_str().unwrap().contains("`vocabulary`"), "{d}");
    assert_eq!(d["file"], "content/clients/simplemail.yaml");
}

#[test]
fn a_wrong_type_is_reported_at_the_value() {
    let text = std::fs::read_to_string(repo().join("tests/sites/minimal").join(PROVIDER)).unwrap();
    let site = site_with(PROVIDER, &text.replacen("port: 993", "port: nine-nine-three", 1));
    let (_, diags) = check_json(site.path());
    let d = only(&diags, "yaml-wrong-type");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(9), Some(13)));
    insta::assert_snapshot!(human(site.path()));
}

#[test]
fn a_bad_enum_value_lists_the_valid_ones() {
    let text = std::fs::read_to_string(repo().join("tests/sites/minimal").join(PROVIDER)).unwrap();
    let site = site_with(PROVIDER, &text.replacen("security: tls", "security: ssl", 1));
    let (_, diags) = check_json(site.path());
    let d = only(&diags, "yaml-bad-value");
    assert_eq!(d["line"], 10);
    assert!(d["help"].as_str().unwrap().contains("tls, starttls, none"), "{d}");
}

#[test]
fn a_template_expression_naming_a_missing_field_points_at_the_guide_line() {
    let guide = "---\ntitle: SimpleMail\n---\n## Add the account\n\n1. Enter `{{ incoming.hostname }}`.\n";
    let site = site_with("content/clients/simplemail.md", guide);
    let (code, diags) = check_json(site.path());
    assert_eq!(code, 1);
    let d = only(&diags, "template-data");
    assert_eq!(d["file"], "content/clients/simplemail.md");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(6), Some(23)));
    assert!(d["message"].as_str().unwrap().contains("hostname"), "{d}");
    insta::assert_snapshot!(human(site.path()));
}

#[test]
fn a_guide_that_needs_pop3_for_a_provider_without_pop3_is_an_error() {
    let guide = "1. Incoming: `{{ imap.host }}`\n2. Or POP3: `{{ pop3.host }}`\n";
    let site = site_with("content/clients/simplemail.md", guide);
    let (_, diags) = check_json(site.path());
    let d = only(&diags, "template-data");
    assert_eq!(d["line"], 2);
    assert!(
        d["message"].as_str().unwrap().contains("example"),
        "names the provider: {d}"
    );
    assert!(d["help"].as_str().unwrap().contains("{% if pop3 %}"), "{d}");
}

#[test]
fn a_template_error_in_a_faq_answer_maps_to_the_yaml_line() {
    let faq = "- question: What is IMAP?\n  answer: |\n    A protocol.\n- question: Server?\n  provider: example\n  answer: |\n    It is {{ imap.hots }}.\n";
    let site = site_with("content/faq/general.yaml", faq);
    let (_, diags) = check_json(site.path());
    let d = only(&diags, "template-data");
    assert_eq!(d["file"], "content/faq/general.yaml");
    assert_eq!(d["line"], 7);
}

#[test]
fn a_template_syntax_error_points_at_the_expression() {
    let site = site_with(
        "content/pages/about.md",
        "---\ntitle: About\n---\nLine one.\n\n{{ provider.name \n",
    );
    let (_, diags) = check_json(site.path());
    let d = only(&diags, "template-syntax");
    assert_eq!(d["file"], "content/pages/about.md");
    assert_eq!(d["line"], 6);
}

#[test]
fn an_unclosed_front_matter_is_reported() {
    let site = site_with("content/pages/about.md", "---\ntitle: About\nNo end.\n");
    let (_, diags) = check_json(site.path());
    only(&diags, "markdown-front-matter");
}

#[test]
fn a_theme_template_error_names_the_template_file_and_line() {
    let site = site_with(
        "themes/plain/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.nothing_here }}\n{% endblock content %}\n",
    );
    let out = site.path().join("public");
    let o = build(site.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("themes/plain/templates/page.html:3:"), "{err}");
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn every_load_error_is_reported_at_once() {
    let site = site_with("content/clients/simplemail.yaml", "name: [\n");
    let text = std::fs::read_to_string(repo().join("tests/sites/minimal").join(PROVIDER)).unwrap();
    std::fs::write(site.path().join(PROVIDER), text.replace("domains:", "domain:")).unwrap();
    let (_, diags) = check_json(site.path());
    let files: Vec<&str> = diags.iter().filter_map(|d| d["file"].as_str()).collect();
    assert!(
        files.contains(&PROVIDER) && files.contains(&"content/clients/simplemail.yaml"),
        "{diags:#?}"
    );
}

#[test]
fn a_missing_site_yaml_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let o = mailguide(&["check", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("no site.yaml") && err.contains("mailguide init"), "{err}");
}

#[test]
fn a_root_that_does_not_exist_is_a_tool_error() {
    let o = mailguide(&["check", "--root", "/nonexistent/mailguide-site"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The case: `secruity: tls` in a provider, and a page that links to the provider's
/// pages. The cause (the provider's load error) is told first; the broken links come after it
/// and say that they follow from it.
#[test]
fn a_provider_that_does_not_load_is_told_before_the_links_that_follow_from_it() {
    let text = std::fs::read_to_string(repo().join("tests/sites/minimal").join(PROVIDER)).unwrap();
    let site = site_with(
        PROVIDER,
        &text.replacen("      security: tls", "      secruity: tls", 1),
    );
    std::fs::write(
        site.path().join("content/pages/about.md"),
        "---\ntitle: About\n---\nSee the [Example settings](/example/) and the [SimpleMail guide](/example/simplemail/).\n",
    )
    .unwrap();
    let (code, diags) = check_json(site.path());
    assert_eq!(code, 1);
    let order: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            ("yaml-unknown-key", PROVIDER),
            ("link-broken", "content/pages/about.md"),
            ("link-broken", "content/pages/about.md"),
        ],
        "{diags:#?}"
    );
    assert_eq!(diags[0]["line"], 10);
    for link in &diags[1..] {
        assert_eq!(link["follows_from"], "content/providers/example.yaml:10", "{link}");
    }
    insta::assert_snapshot!(human(site.path()));
}

/// A client file that does not load leaves out its guide and its pages: the guide and the links
/// to those pages say what they follow from, and the references to the client are not reported
/// as unknown.
#[test]
fn a_client_that_does_not_load_is_the_one_cause_of_what_follows() {
    let text = std::fs::read_to_string(repo().join("tests/sites/minimal/content/clients/simplemail.yaml")).unwrap();
    let site = site_with("content/clients/simplemail.yaml", &text.replacen("name:", "nmae:", 1));
    std::fs::write(
        site.path().join("content/pages/about.md"),
        "---\ntitle: About\n---\nRead the [SimpleMail page](/clients/simplemail/).\n",
    )
    .unwrap();
    let (_, diags) = check_json(site.path());
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["yaml-unknown-key", "guide-without-client", "link-broken"],
        "{diags:#?}"
    );
    for d in &diags[1..] {
        assert_eq!(d["follows_from"], "content/clients/simplemail.yaml:1", "{d}");
    }
}
