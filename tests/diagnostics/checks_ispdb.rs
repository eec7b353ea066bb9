//! The rules on real data: the 163 providers of the ISPDB snapshot (tests/data/ispdb), imported
//! into a site that also has the bundled guides, free pages and general FAQ, checked.
//!
//! The findings are the real faults of that data (plain-text passwords, ports that do not match
//! their protocol or security, placeholders in host names, a domain listed twice...), pinned in a
//! snapshot; the bundled prose, shown for all 163 providers, must give no finding at all.

use crate::common;

use common::ispdb_site;
use mailguide::diagnostics::Severity;

#[test]
fn the_ispdb_providers_show_their_real_faults_and_no_false_ones() {
    let site = tempfile::tempdir().expect("temp dir");
    let root = site.path();
    ispdb_site(root);

    let checked = mailguide::check_site(root);
    assert_eq!(checked.site.as_ref().map(|s| s.providers.len()), Some(163));
    let d = &checked.diagnostics;
    let prose: Vec<String> = d
        .iter()
        .filter(|d| d.code.starts_with("prose-") || d.code.starts_with("link-") || d.code.starts_with("template-"))
        .map(|d| format!("{}: {} ({:?})", d.code, d.message, d.location))
        .collect();
    assert!(
        prose.is_empty(),
        "the bundled prose is right for every provider: {prose:#?}"
    );

    let at = |code: &str, file: &str| {
        d.iter().any(|x| {
            x.code == code
                && x.location
                    .as_ref()
                    .is_some_and(|l| l.file == format!("content/providers/{file}.yaml"))
        })
    };
    // POP3 on 993: the file lists pop3s.pec.aruba.it on the IMAP port.
    assert!(at("port-protocol", "arubapec-it"));
    // IMAP on 587, the submission port.
    assert!(at("port-protocol", "pdx-edu"));
    // SSL on 587; the file itself says "Spec violation".
    assert!(at("port-security", "charter-net"));
    // <domain>cty-net.ne.jp</domain> twice.
    assert!(at("domain-duplicate", "cty-net-ne-jp"));
    // mail.%EMAILDOMAIN% is a host built from the reader's domain (`mail.{domain}`), and
    // mit.edu's OAuth2-only IMAP beside a password SMTP is describable: neither is a fault.
    assert!(!at("hostname-invalid", "inbox-lv"));
    assert!(
        !d.iter().any(|x| x.code == "hostname-invalid"),
        "no template is an invalid host"
    );
    assert!(!at("password-kind-auth", "mit-edu"));
    // SMTP on 586.
    assert!(at("port-unusual", "rediffmail-com"));
    let cleartext = d.iter().filter(|x| x.code == "security-none-password").count();
    assert!(
        cleartext > 20,
        "plain-text passwords of many Japanese ISPs: {cleartext}"
    );

    let list: Vec<String> = d
        .iter()
        .map(|x| {
            let loc = x
                .location
                .as_ref()
                .map(|l| format!("{}:{}", l.file, l.line))
                .unwrap_or_default();
            let sev = if x.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            format!("{sev}[{}] {loc} {}", x.code, x.message)
        })
        .collect();
    insta::assert_snapshot!("ispdb_findings", list.join("\n"));
}
