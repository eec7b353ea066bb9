//! `check --live` against loopback servers: each case gives the right finding at the right line
//! of the content, nothing hangs, and a large run keeps its concurrency bound and deadline.
//! No test reaches the internet: every host is mapped with `--connect-to` or answered by the
//! loopback DNS responder.

use crate::live_support::certs::Validity;
use crate::live_support::dns::{DnsServer, Record};
use crate::live_support::lab::{Lab, codes_at, find, server};
use crate::live_support::line_of;
use crate::live_support::mail::{Proto, Script, Tls};
use crate::live_support::web::Answer;
use mailguide::diagnostics::{Diagnostic, Severity};
use mailguide::live::LiveOptions;
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[test]
fn each_server_case_gives_its_finding_at_its_line() {
    let mut lab = Lab::new();
    let root = &lab.root;
    let good = |names: &[&str]| root.server(names, Validity::Long);
    let start = |proto, tls, script| lab.mail(proto, tls, script);
    let normal = |before: &[&'static str], after: &[&'static str]| Script::Normal {
        before: before.to_vec(),
        after: after.to_vec(),
    };

    // (protocol key, host, responder address or None for DNS, security, auth)
    let mut cases: Vec<(&str, &str, SocketAddr, &str, &str)> = Vec::new();
    let a = start(
        Proto::Imap,
        Tls::Implicit(good(&["imap-tls.good.test"])),
        normal(&[], &["IMAP4rev2", "AUTH=PLAIN"]),
    );
    cases.push(("imap", "imap-tls.good.test", a, "tls", "password"));
    let a = start(
        Proto::Imap,
        Tls::Starttls(good(&["imap-starttls.good.test"])),
        normal(
            &["IMAP4rev2", "STARTTLS", "LOGINDISABLED"],
            &["IMAP4rev2", "AUTH=PLAIN"],
        ),
    );
    cases.push(("imap", "imap-starttls.good.test", a, "starttls", "password"));
    let a = start(
        Proto::Imap,
        Tls::Implicit(root.server(&["other.test"], Validity::Long)),
        normal(&[], &["IMAP4rev2"]),
    );
    cases.push(("imap", "imap.wrongname.test", a, "tls", "password"));
    let a = start(
        Proto::Imap,
        Tls::Implicit(root.server(&["imap.expired.test"], Validity::Expired)),
        normal(&[], &["IMAP4rev2"]),
    );
    cases.push(("imap", "imap.expired.test", a, "tls", "password"));
    let a = start(
        Proto::Imap,
        Tls::Implicit(root.server(&["imap.expiring.test"], Validity::EndsInTenDays)),
        normal(&[], &["IMAP4rev2"]),
    );
    cases.push(("imap", "imap.expiring.test", a, "tls", "password"));
    let a = start(Proto::Imap, Tls::Plain, Script::Silent);
    cases.push(("imap", "imap.silent.test", a, "tls", "password"));
    let a = start(Proto::Imap, Tls::Plain, Script::EndlessLine);
    cases.push(("imap", "imap.endless.test", a, "starttls", "password"));
    let a = start(
        Proto::Pop3,
        Tls::Starttls(good(&["pop3-starttls.good.test"])),
        normal(&["USER", "STLS"], &["USER", "SASL PLAIN", "UIDL"]),
    );
    cases.push(("pop3", "pop3-starttls.good.test", a, "starttls", "password"));
    let a = start(
        Proto::Pop3,
        Tls::Implicit(good(&["pop3.xoauth2.test"])),
        normal(&[], &["TOP", "SASL XOAUTH2"]),
    );
    cases.push(("pop3", "pop3.xoauth2.test", a, "tls", "password, oauth2"));
    let a = start(Proto::Pop3, Tls::Plain, Script::CloseMidGreeting);
    cases.push(("pop3", "pop3.closes.test", a, "starttls", "password"));
    let a = start(
        Proto::Smtp,
        Tls::Starttls(good(&["smtp-starttls.good.test"])),
        normal(&["8BITMIME", "STARTTLS", "DSN"], &["8BITMIME", "AUTH PLAIN LOGIN"]),
    );
    cases.push(("smtp", "smtp-starttls.good.test", a, "starttls", "password"));
    let a = start(
        Proto::Smtp,
        Tls::Starttls(good(&["smtp.nostarttls.test"])),
        normal(&["8BITMIME", "DSN"], &[]),
    );
    cases.push(("smtp", "smtp.nostarttls.test", a, "starttls", "password"));
    let a = start(
        Proto::Smtp,
        Tls::Implicit(good(&["smtp.xoauth2.test"])),
        normal(&[], &["AUTH XOAUTH2"]),
    );
    cases.push(("smtp", "smtp.xoauth2.test", a, "tls", "password"));
    let a = start(Proto::Smtp, Tls::Plain, normal(&["8BITMIME"], &[]));
    cases.push(("smtp", "smtp.plain.test", a, "none", "none"));
    // Reached through the loopback name server rather than --connect-to.
    let dns_imap = start(
        Proto::Imap,
        Tls::Implicit(good(&["imap.dns.test"])),
        normal(&[], &["IMAP4rev2", "AUTH=PLAIN"]),
    );

    let mut yaml = String::from("name: Cases\ndomains: [srv.test]\nservers:\n");
    for key in ["imap", "pop3", "smtp"] {
        yaml.push_str(&format!("  {key}:\n"));
        for (k, host, addr, security, auth) in &cases {
            if k == &key {
                yaml.push_str(&server(host, addr.port(), security, auth));
                lab.map(host, addr.port(), *addr);
            }
        }
        if key == "imap" {
            yaml.push_str(&server("imap.dns.test", dns_imap.port(), "tls", "password"));
            yaml.push_str(&server("imap.missing.test", 993, "tls", "password"));
        }
    }
    let site = lab.site(&[("cases", &yaml)]);
    let smtp_port = cases
        .iter()
        .find(|c| c.1 == "smtp-starttls.good.test")
        .map(|c| c.2.port())
        .unwrap();
    let zone = HashMap::from([
        ("imap.dns.test".to_string(), vec![Record::A(Ipv4Addr::LOCALHOST)]),
        (
            "srv.test".to_string(),
            vec![Record::Mx {
                preference: 10,
                exchange: "mx.srv.test".into(),
            }],
        ),
        (
            "_imaps._tcp.srv.test".to_string(),
            vec![Record::Srv {
                priority: 0,
                port: 993,
                target: "imap.elsewhere.test".into(),
            }],
        ),
        (
            "_submission._tcp.srv.test".to_string(),
            vec![Record::Srv {
                priority: 0,
                port: smtp_port,
                target: "smtp-starttls.good.test".into(),
            }],
        ),
    ]);
    let dns = DnsServer::start(zone);
    let opts = LiveOptions {
        links: false,
        ..lab.options(&dns)
    };
    let began = Instant::now();
    let report = mailguide::live::run(&site, &opts).expect("run");
    assert!(began.elapsed() < Duration::from_secs(60), "the run does not hang");

    let file = "content/providers/cases.yaml";
    let host_line = |host: &str| line_of(&yaml, &format!("host: {host}"), 0);
    let at =
        |host: &str, field: &str| codes_at(&report, file, line_of(&yaml, &format!("{field}:"), host_line(host) - 1));
    let good_messages: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.message.contains("good.test") || d.message.contains("dns.test") || d.message.contains("plain.test")
        })
        .map(|d| d.message.as_str())
        .collect();
    assert!(good_messages.is_empty(), "{good_messages:#?}");
    for host in [
        "imap-tls.good.test",
        "imap-starttls.good.test",
        "pop3-starttls.good.test",
        "smtp-starttls.good.test",
        "smtp.plain.test",
        "imap.dns.test",
    ] {
        for field in ["host", "port", "security", "auth"] {
            assert_eq!(
                at(host, field),
                Vec::<String>::new(),
                "{host} answers as described ({field})"
            );
        }
    }
    assert_eq!(at("imap.wrongname.test", "host"), ["live-cert-name"]);
    assert_eq!(at("imap.expired.test", "host"), ["live-cert-expired"]);
    assert_eq!(at("imap.expiring.test", "host"), ["live-cert-expiring"]);
    let expiring = find(&report, "live-cert-expiring", "imap.expiring.test");
    assert!(expiring.message.contains("expires in 10 days"), "{}", expiring.message);
    assert_eq!(expiring.severity, Severity::Warning);
    assert_eq!(at("imap.silent.test", "host"), ["live-not-checked"]);
    assert!(
        find(&report, "live-not-checked", "imap.silent.test")
            .message
            .contains("no answer within 2 s")
    );
    assert_eq!(at("imap.endless.test", "host"), ["live-not-checked"]);
    assert!(
        find(&report, "live-not-checked", "imap.endless.test")
            .message
            .contains("longer than 8192 bytes")
    );
    assert_eq!(at("pop3.closes.test", "host"), ["live-not-checked"]);
    assert!(
        find(&report, "live-not-checked", "pop3.closes.test")
            .message
            .contains("closed the connection")
    );
    assert_eq!(at("smtp.nostarttls.test", "security"), ["live-starttls-missing"]);
    assert!(
        find(&report, "live-starttls-missing", "smtp.nostarttls.test")
            .message
            .contains("advertises no STARTTLS")
    );
    assert_eq!(
        at("smtp.xoauth2.test", "auth"),
        ["live-auth-missing", "live-auth-oauth2"]
    );
    let missing = find(&report, "live-auth-missing", "smtp.xoauth2.test");
    assert_eq!(missing.severity, Severity::Error);
    assert!(
        missing.message.contains("advertises only oauth2"),
        "{}",
        missing.message
    );
    assert_eq!(at("pop3.xoauth2.test", "auth"), ["live-auth-missing"]);
    assert_eq!(at("imap.missing.test", "host"), ["live-host-unknown"]);
    let srv = line_of(&yaml, "domains:", 0);
    assert_eq!(
        codes_at(&report, file, srv),
        ["live-srv-differs"],
        "only _imaps differs; MX is not compared"
    );
    assert!(
        find(&report, "live-srv-differs", "_imaps._tcp.srv.test")
            .message
            .contains("imap.elsewhere.test:993")
    );
    // Every finding is about the provider and not-checked ones are never errors.
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.provider.as_deref() == Some("cases"))
    );
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "live-not-checked")
            .all(|d| d.severity == Severity::Warning)
    );

    // The results file: one observation per server, with the outcome.
    let outcome = |host: &str| {
        let o = report
            .results
            .servers
            .iter()
            .find(|o| o.host == host)
            .expect("observed");
        serde_json::to_value(o.outcome).unwrap().as_str().unwrap().to_string()
    };
    assert_eq!(report.results.servers.len(), cases.len() + 2);
    assert_eq!(outcome("imap-tls.good.test"), "agrees");
    assert_eq!(outcome("imap.expiring.test"), "agrees");
    assert_eq!(outcome("imap.silent.test"), "not-checked");
    assert_eq!(outcome("smtp.xoauth2.test"), "disagrees");
    let seen = report
        .results
        .servers
        .iter()
        .find(|o| o.host == "smtp-starttls.good.test")
        .unwrap();
    assert!(
        seen.capabilities.contains(&"AUTH=PLAIN".to_string()),
        "{:?}",
        seen.capabilities
    );
    assert!(seen.tls_version.as_deref().is_some_and(|v| v.starts_with("TLSv1.")));
}

#[test]
fn links_and_autoconfig_files_are_compared() {
    let mut lab = Lab::new();
    let routes = HashMap::from([
        ("/ok".to_string(), Answer::Fixed(200, vec![], "fine".into())),
        (
            "/old".to_string(),
            Answer::Fixed(301, vec![("location", "/ok".to_string())], String::new()),
        ),
        ("/gone".to_string(), Answer::Fixed(404, vec![], "gone".into())),
        ("/hang".to_string(), Answer::Hang),
        ("/head-refused".to_string(), Answer::Fixed(405, vec![], String::new())),
    ]);
    lab.web_at("links.test", 80, routes, None);
    let autoconfig = |port: u32, socket: &str| {
        format!(
            "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\">\n  <emailProvider id=\"match.test\">\n    <domain>match.test</domain>\n    <incomingServer type=\"imap\">\n      <hostname>imap.match.test</hostname>\n      <port>{port}</port>\n      <socketType>{socket}</socketType>\n      <authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </incomingServer>\n  </emailProvider>\n</clientConfig>\n"
        )
    };
    let cert = lab.cert(&["autoconfig.match.test"]);
    lab.web_at(
        "autoconfig.match.test",
        443,
        HashMap::from([(
            "/mail/config-v1.1.xml".to_string(),
            Answer::Fixed(200, vec![], autoconfig(993, "SSL")),
        )]),
        Some(cert),
    );
    let cert = lab.cert(&["differ.test"]);
    lab.web_at(
        "differ.test",
        443,
        HashMap::from([(
            "/.well-known/autoconfig/mail/config-v1.1.xml".to_string(),
            Answer::Fixed(200, vec![], autoconfig(143, "STARTTLS")),
        )]),
        Some(cert),
    );
    // The IMAP server itself answers as described, so only the domains and links differ.
    let cert = lab.cert(&["imap.match.test"]);
    lab.mail_at(
        "imap.match.test",
        993,
        Proto::Imap,
        Tls::Implicit(cert),
        Script::Normal {
            before: vec![],
            after: vec!["IMAP4rev2", "AUTH=PLAIN"],
        },
    );
    let yaml = "name: Links\n\
domains: [match.test, differ.test]\n\
help_url: http://links.test/ok\n\
summary: See [the old page](http://links.test/old) and [a dead one](http://links.test/gone).\n\
servers:\n  imap:\n    - host: imap.match.test\n      port: 993\n      security: tls\n\
documentation:\n  - url: http://links.test/hang\n  - url: http://gone.test/page\n  - url: http://links.test/head-refused\n";
    let site = lab.site(&[("links", yaml)]);
    let dns = DnsServer::start(HashMap::new());
    let report = mailguide::live::run(&site, &lab.options(&dns)).expect("run");
    let file = "content/providers/links.yaml";
    let line = |needle: &str| line_of(yaml, needle, 0);
    assert_eq!(
        codes_at(&report, file, line("help_url")),
        Vec::<String>::new(),
        "200 is fine"
    );
    assert_eq!(
        codes_at(&report, file, line("summary")),
        ["live-link-broken", "live-link-moved"]
    );
    let moved = find(&report, "live-link-moved", "http://links.test/old");
    assert!(
        moved.message.contains("moved permanently to http://links.test/ok"),
        "{}",
        moved.message
    );
    assert_eq!(
        moved.location.as_ref().unwrap().column,
        line_of_col(yaml, "http://links.test/old")
    );
    assert!(
        find(&report, "live-link-broken", "http://links.test/gone")
            .message
            .contains("answers 404")
    );
    assert_eq!(codes_at(&report, file, line("links.test/hang")), ["live-not-checked"]);
    assert_eq!(codes_at(&report, file, line("gone.test/page")), ["live-link-broken"]);
    assert_eq!(
        codes_at(&report, file, line("head-refused")),
        ["live-link-broken"],
        "GET after a refused HEAD gives 405 too"
    );
    // match.test publishes a matching file; differ.test one that differs in port and security.
    let domains = line("domains:");
    let differences: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "live-autoconfig-differs")
        .collect();
    assert_eq!(differences.len(), 2, "{differences:#?}");
    assert!(differences.iter().all(|d| {
        d.message
            .contains("https://differ.test/.well-known/autoconfig/mail/config-v1.1.xml")
    }));
    assert!(differences.iter().any(|d| {
        d.message
            .contains("lists IMAP imap.match.test:143 (starttls, password)")
    }));
    assert!(differences.iter().all(|d| d.location.as_ref().unwrap().line == domains));
}

/// The column of the first occurrence of `needle`, 1-based.
fn line_of_col(text: &str, needle: &str) -> usize {
    let line = text.lines().find(|l| l.contains(needle)).expect("needle");
    line[..line.find(needle).unwrap()].chars().count() + 1
}

#[test]
fn two_hundred_servers_stay_within_the_bound_and_the_deadline() {
    let mut lab = Lab::new();
    let mut yaml = String::from("name: Many\ndomains: [many.test]\nservers:\n  imap:\n");
    let names: Vec<String> = (0..200).map(|i| format!("imap{i}.many.test")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let config = lab.cert(&refs);
    for name in &names {
        lab.mail_at(
            name,
            993,
            Proto::Imap,
            Tls::Implicit(config.clone()),
            Script::Normal {
                before: vec![],
                after: vec!["IMAP4rev2", "AUTH=PLAIN"],
            },
        );
        yaml.push_str(&server(name, 993, "tls", "password"));
    }
    let site = lab.site(&[("many", &yaml)]);
    let dns = DnsServer::start(HashMap::new());
    let opts = LiveOptions {
        concurrency: 8,
        deadline: Duration::from_secs(90),
        ..lab.options(&dns)
    };
    let began = Instant::now();
    let report = mailguide::live::run(&site, &opts).expect("run");
    assert!(began.elapsed() < Duration::from_secs(90), "within the deadline");
    assert_eq!(
        lab.gauge.total.load(Ordering::SeqCst),
        200,
        "every server was reached once"
    );
    let max = lab.gauge.max.load(Ordering::SeqCst);
    assert!((1..=8).contains(&max), "at most 8 connections at once, saw {max}");
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.results.servers.len(), 200);
}

#[test]
fn the_deadline_ends_the_run_and_the_rest_is_not_checked() {
    let mut lab = Lab::new();
    let mut yaml = String::from("name: Slow\ndomains: [slow.test]\nservers:\n  imap:\n");
    for i in 0..12 {
        let name = format!("imap{i}.slow.test");
        lab.mail_at(&name, 143, Proto::Imap, Tls::Plain, Script::Silent);
        yaml.push_str(&server(&name, 143, "starttls", "password"));
    }
    let site = lab.site(&[("slow", &yaml)]);
    let dns = DnsServer::start(HashMap::new());
    let opts = LiveOptions {
        concurrency: 4,
        timeout: Duration::from_secs(30),
        deadline: Duration::from_secs(2),
        ..lab.options(&dns)
    };
    let began = Instant::now();
    let report = mailguide::live::run(&site, &opts).expect("run");
    assert!(
        began.elapsed() < Duration::from_secs(20),
        "the deadline ends the run: {:?}",
        began.elapsed()
    );
    let not_checked = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "live-not-checked" && d.message.starts_with("IMAP server"))
        .count();
    assert_eq!(
        not_checked, 12,
        "every server is not checked: {:#?}",
        report.diagnostics
    );
    assert!(report.diagnostics.iter().all(|d| d.severity == Severity::Warning));
    assert!(report.diagnostics.iter().any(|d| d.message.contains("deadline passed")));
}
