//! The finding codes of `check --live` one by one, each against a loopback responder made to
//! give it: the code, its severity and the `file:line` of the content it points at.

use crate::common::repo;
use crate::live_support::certs::{TestRoot, Validity};
use crate::live_support::lab::{Lab, find, only, place, server};
use crate::live_support::line_of;
use crate::live_support::mail::{Proto, Script, Tls};
use crate::live_support::web::Answer;
use mailguide::diagnostics::Severity;
use std::collections::HashMap;

const FILE: &str = "content/providers/p.yaml";

/// A provider file with these servers (`  imap:\n    - host: ...`).
fn provider(servers: &str) -> String {
    format!("name: P\ndomains: [p.test]\nservers:\n{servers}")
}

/// `file:line` of the first line of `yaml` containing `needle` after the line with `host`.
fn at(yaml: &str, host: &str, needle: &str) -> String {
    let host_line = line_of(yaml, &format!("host: {host}"), 0);
    format!("{FILE}:{}", line_of(yaml, needle, host_line - 1))
}

fn speaks(caps: &[&'static str]) -> Script {
    Script::Normal {
        before: caps.to_vec(),
        after: caps.to_vec(),
    }
}

#[test]
fn a_tls_server_whose_handshake_fails_is_live_tls_failed_at_security() {
    let mut lab = Lab::new();
    // A STARTTLS port written as `tls`: the server greets in plain text.
    lab.mail_at("imap.plain.test", 993, Proto::Imap, Tls::Plain, speaks(&["IMAP4rev2"]));
    // A server with nothing in common with the ClientHello: a `handshake_failure` alert.
    lab.mail_at("smtp.refuses.test", 465, Proto::Smtp, Tls::Plain, Script::Alert(40));
    let yaml = provider(&format!(
        "  imap:\n{}  smtp:\n{}",
        server("imap.plain.test", 993, "tls", "password"),
        server("smtp.refuses.test", 465, "tls", "password")
    ));
    let report = lab.check(&[("p", &yaml)]);
    assert_eq!(report.diagnostics.len(), 2, "{:#?}", report.diagnostics);

    let plain = find(&report, "live-tls-failed", "imap.plain.test:993");
    assert_eq!(plain.severity, Severity::Error);
    assert_eq!(place(plain), at(&yaml, "imap.plain.test", "security: tls"));
    assert!(plain.message.contains("the TLS handshake failed"), "{}", plain.message);
    assert!(
        plain.help.as_deref().is_some_and(|h| h.contains("STARTTLS")),
        "{:?}",
        plain.help
    );
    let refused = find(&report, "live-tls-failed", "smtp.refuses.test:465");
    assert_eq!(refused.severity, Severity::Error);
    assert_eq!(place(refused), at(&yaml, "smtp.refuses.test", "security: tls"));
    assert!(refused.message.contains("HandshakeFailure"), "{}", refused.message);
}

/// rustls speaks TLS 1.2 and 1.3 only, so an older server is a failed handshake: named as an
/// old version whether the server answers with its own TLS 1.0 ServerHello or refuses the
/// offered versions with a `protocol_version` alert.
#[test]
fn an_older_tls_server_is_live_tls_version_at_security() {
    let mut lab = Lab::new();
    lab.mail_at(
        "imap.tls10.test",
        993,
        Proto::Imap,
        Tls::Plain,
        Script::Tls10ServerHello,
    );
    lab.mail_at("pop3.oldonly.test", 995, Proto::Pop3, Tls::Plain, Script::Alert(70));
    let yaml = provider(&format!(
        "  imap:\n{}  pop3:\n{}",
        server("imap.tls10.test", 993, "tls", "password"),
        server("pop3.oldonly.test", 995, "tls", "password")
    ));
    let report = lab.check(&[("p", &yaml)]);
    assert_eq!(report.diagnostics.len(), 2, "{:#?}", report.diagnostics);
    for (host, port, cause) in [
        ("imap.tls10.test", 993, "ServerDoesNotSupportTls12Or13"),
        ("pop3.oldonly.test", 995, "ProtocolVersion"),
    ] {
        let d = find(&report, "live-tls-version", &format!("{host}:{port}"));
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(place(d), at(&yaml, host, "security: tls"));
        assert!(
            d.message
                .contains("the TLS handshake failed: the server offers no TLS 1.2 or 1.3"),
            "{}",
            d.message
        );
        assert!(d.message.contains(cause), "{}", d.message);
        let seen = report
            .results
            .servers
            .iter()
            .find(|o| o.host == host)
            .expect("observed");
        assert_eq!(seen.tls_version, None);
        assert_eq!(serde_json::to_value(seen.outcome).unwrap(), "disagrees");
    }
}

#[test]
fn a_certificate_of_an_unknown_authority_is_live_cert_untrusted_at_the_host() {
    let mut lab = Lab::new();
    // A valid certificate for the right name, from a root the run does not trust.
    let stranger = TestRoot::new().server(&["imap.stranger.test"], Validity::Long);
    lab.mail_at(
        "imap.stranger.test",
        993,
        Proto::Imap,
        Tls::Implicit(stranger),
        speaks(&["IMAP4rev2"]),
    );
    let yaml = provider(&format!(
        "  imap:\n{}",
        server("imap.stranger.test", 993, "tls", "password")
    ));
    let report = lab.check(&[("p", &yaml)]);
    let d = only(&report);
    assert_eq!(d.code, "live-cert-untrusted");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(place(d), at(&yaml, "imap.stranger.test", "host:"));
    assert!(d.message.contains("not from a trusted authority"), "{}", d.message);
}

#[test]
fn a_server_of_another_protocol_is_live_protocol_at_the_port() {
    let mut lab = Lab::new();
    // The data says IMAP with STARTTLS on port 110; a POP3 server answers there.
    lab.mail_at("mail.mixed.test", 110, Proto::Pop3, Tls::Plain, speaks(&["USER"]));
    let yaml = provider(&format!(
        "  imap:\n{}",
        server("mail.mixed.test", 110, "starttls", "password")
    ));
    let report = lab.check(&[("p", &yaml)]);
    let d = only(&report);
    assert_eq!(d.code, "live-protocol");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(place(d), at(&yaml, "mail.mixed.test", "port: 110"));
    assert!(
        d.message
            .contains("does not answer in IMAP: IMAP greeting: \"+OK POP3 server ready\""),
        "{}",
        d.message
    );
}

#[test]
fn a_pop3_server_without_capa_is_live_auth_unknown_at_auth() {
    let mut lab = Lab::new();
    let cert = lab.cert(&["pop.old.test"]);
    lab.mail_at(
        "pop.old.test",
        995,
        Proto::Pop3,
        Tls::Implicit(cert),
        Script::NoCapabilities,
    );
    let yaml = provider(&format!("  pop3:\n{}", server("pop.old.test", 995, "tls", "password")));
    let report = lab.check(&[("p", &yaml)]);
    let d = only(&report);
    assert_eq!(d.code, "live-auth-unknown");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(place(d), at(&yaml, "pop.old.test", "auth: [password]"));
    assert!(d.message.contains("gives no capability list (CAPA)"), "{}", d.message);
    // Not a disagreement: the provider keeps its client files.
    assert_eq!(
        serde_json::to_value(report.results.servers[0].outcome).unwrap(),
        "agrees"
    );
}

#[test]
fn a_link_with_a_server_error_is_live_link_error_at_the_link() {
    let mut lab = Lab::new();
    lab.web_at(
        "docs.p.test",
        80,
        HashMap::from([
            ("/busy".to_string(), Answer::Fixed(503, vec![], "busy".into())),
            ("/broken".to_string(), Answer::Fixed(500, vec![], "oops".into())),
        ]),
        None,
    );
    let yaml = "name: P\ndomains: [p.test]\n\
help_url: http://docs.p.test/busy\n\
documentation:\n  - url: http://docs.p.test/broken\n";
    let report = lab.check(&[("p", yaml)]);
    assert_eq!(report.diagnostics.len(), 2, "{:#?}", report.diagnostics);
    for (url, status) in [("http://docs.p.test/busy", 503), ("http://docs.p.test/broken", 500)] {
        let d = find(&report, "live-link-error", url);
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(place(d), format!("{FILE}:{}", line_of(yaml, url, 0)));
        let column = yaml.lines().find(|l| l.contains(url)).unwrap().find(url).unwrap() + 1;
        assert_eq!(d.location.as_ref().unwrap().column, column);
        assert!(
            d.message.contains(&format!("answers {status} (a server error)")),
            "{}",
            d.message
        );
    }
}

/// Every `live-` code of docs/checks.md is asserted by a test of this binary (the live codes
/// have loopback tests instead of fixture folders under tests/checks/).
#[test]
fn every_documented_live_code_has_a_loopback_test() {
    let docs = std::fs::read_to_string(repo().join("docs/checks.md")).expect("docs/checks.md");
    let codes: Vec<&str> = docs
        .lines()
        .filter(|l| l.starts_with("### `live-"))
        .flat_map(|l| l.split('`').skip(1).step_by(2))
        .filter(|c| c.starts_with("live-"))
        .collect();
    assert!(codes.len() > 15, "{codes:?}");
    let mut tests = String::new();
    for entry in std::fs::read_dir(repo().join("tests/live")).expect("tests/live") {
        tests.push_str(&std::fs::read_to_string(entry.expect("entry").path()).expect("test file"));
    }
    let untested: Vec<&&str> = codes.iter().filter(|c| !tests.contains(&format!("\"{c}\""))).collect();
    assert!(
        untested.is_empty(),
        "documented live codes no test asserts: {untested:?}"
    );
}
