//! Hosts written as `mail.{domain}`: a different server for each listed domain, so `check
//! --live` checks each domain's host (or the first N with `--template-domains N`), reports at the
//! server's line in the content, and compares each domain's SRV records and autoconfig file
//! with the hosts built for that domain.

use crate::common::mailguide;
use crate::live_support::dns::{DnsServer, Record};
use crate::live_support::lab::{Lab, codes_at, find, place};
use crate::live_support::line_of;
use crate::live_support::mail::{Proto, Script, Tls};
use crate::live_support::web::Answer;
use mailguide::diagnostics::Severity;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

const FILE: &str = "content/providers/hosted.yaml";

const YAML: &str = "name: Hosted\n\
domains: [a.test, b.test]\n\
servers:\n  imap:\n    - host: mail.{domain}\n      port: 993\n      security: tls\n      auth: [password]\n";

/// An autoconfig file with one IMAP server on 993 and, optionally, a POP3 server.
fn autoconfig(host: &str, pop3: Option<&str>) -> String {
    let pop3 = pop3
        .map(|h| format!("<incomingServer type=\"pop3\"><hostname>{h}</hostname><port>995</port><socketType>SSL</socketType><authentication>password-cleartext</authentication></incomingServer>"))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\"><emailProvider id=\"hosted\"><domain>a.test</domain>\
<incomingServer type=\"imap\"><hostname>{host}</hostname><port>993</port><socketType>SSL</socketType>\
<authentication>password-cleartext</authentication></incomingServer>{pop3}</emailProvider></clientConfig>\n"
    )
}

/// Two domains' hosts on loopback: mail.a.test answers as described, mail.b.test shows a
/// certificate for another name. a.test publishes an SRV record and an autoconfig file naming
/// `mail.%EMAILDOMAIN%`; b.test an autoconfig file naming `mail.b.test` and a POP3 server.
fn lab() -> Lab {
    let mut lab = Lab::new();
    let normal = Script::Normal {
        before: vec![],
        after: vec!["IMAP4rev2", "AUTH=PLAIN"],
    };
    let cert = lab.cert(&["mail.a.test"]);
    lab.mail_at("mail.a.test", 993, Proto::Imap, Tls::Implicit(cert), normal.clone());
    let cert = lab.cert(&["other.test"]);
    lab.mail_at("mail.b.test", 993, Proto::Imap, Tls::Implicit(cert), normal);
    let file = |text: String| HashMap::from([("/mail/config-v1.1.xml".to_string(), Answer::Fixed(200, vec![], text))]);
    let cert = lab.cert(&["autoconfig.a.test"]);
    lab.web_at(
        "autoconfig.a.test",
        443,
        file(autoconfig("mail.%EMAILDOMAIN%", None)),
        Some(cert),
    );
    let cert = lab.cert(&["autoconfig.b.test"]);
    lab.web_at(
        "autoconfig.b.test",
        443,
        file(autoconfig("mail.b.test", Some("pop.b.test"))),
        Some(cert),
    );
    lab
}

fn zone() -> HashMap<String, Vec<Record>> {
    HashMap::from([(
        "_imaps._tcp.a.test".to_string(),
        vec![Record::Srv {
            priority: 0,
            port: 993,
            target: "mail.a.test".into(),
        }],
    )])
}

#[test]
fn every_listed_domains_host_is_checked_and_compared() {
    let lab = lab();
    let site = lab.site(&[("hosted", YAML)]);
    let dns = DnsServer::start(zone());
    let report = mailguide::live::run(&site, &lab.options(&dns)).expect("run");
    assert_eq!(
        lab.gauge.total.load(Ordering::SeqCst),
        2,
        "both domains' hosts were reached"
    );
    let hosts: Vec<&str> = report.results.servers.iter().map(|o| o.host.as_str()).collect();
    assert_eq!(hosts, ["mail.a.test", "mail.b.test"]);

    let host_line = line_of(YAML, "host: mail.{domain}", 0);
    assert_eq!(codes_at(&report, FILE, host_line), ["live-cert-name"]);
    let wrong = find(&report, "live-cert-name", "mail.b.test:993");
    assert_eq!(wrong.severity, Severity::Error);
    assert_eq!(place(wrong), format!("{FILE}:{host_line}"));
    assert!(
        !report.diagnostics.iter().any(|d| d.message.contains("mail.a.test")),
        "mail.a.test answers as described, its SRV record and autoconfig file agree: {:#?}",
        report.diagnostics
    );
    // Each domain's autoconfig is compared with the host built for that domain: b.test's
    // `mail.b.test` matches `mail.{domain}`, only its POP3 server differs.
    let differences: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "live-autoconfig-differs")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(differences.len(), 1, "{differences:#?}");
    assert!(
        differences[0].contains("https://autoconfig.b.test/mail/config-v1.1.xml lists POP3 pop.b.test:995"),
        "{}",
        differences[0]
    );
    assert_eq!(
        codes_at(&report, FILE, line_of(YAML, "domains:", 0)),
        ["live-autoconfig-differs"]
    );
    assert_eq!(report.diagnostics.len(), 2, "{:#?}", report.diagnostics);

    // A build shows the disagreement at the server's line.
    let now = mailguide::live::time::now();
    let published = mailguide::live::publish(&site, &report.results, "results.json", now, 30);
    let disagrees: Vec<_> = published
        .diagnostics
        .iter()
        .filter(|d| d.code == "live-disagrees")
        .collect();
    assert_eq!(disagrees.len(), 1, "{:#?}", published.diagnostics);
    assert!(disagrees[0].message.contains("mail.b.test:993"));
    assert_eq!(place(disagrees[0]), format!("{FILE}:{host_line}"));
    assert!(!published.dates.contains_key("hosted"));
}

#[test]
fn template_domains_limits_the_hosts_checked() {
    let lab = lab();
    let site = lab.site(&[("hosted", YAML)]);
    let dns = DnsServer::start(zone());
    let results = lab.dir.path().join("results.json");
    let mut args: Vec<String> = [
        "check",
        "--live",
        "--template-domains",
        "1",
        "--no-links",
        "--format",
        "json",
        "--timeout",
        "5",
        "--dns-server",
        &dns.addr.to_string(),
        "--ca-file",
        &lab.ca.display().to_string(),
        "--save-results",
        &results.display().to_string(),
        "--root",
        &lab.dir.path().display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for c in &lab.connect_to {
        args.push("--connect-to".into());
        args.push(format!("{}:{}={}", c.host, c.port, c.addr));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = mailguide(&refs);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        lab.gauge.total.load(Ordering::SeqCst),
        1,
        "only mail.a.test was reached"
    );
    let live: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("live-"))
        .collect();
    // The domains are still each compared: b.test's autoconfig file lists a POP3 server.
    assert_eq!(live.len(), 1, "{live:#?}");
    assert_eq!(live[0]["code"], "live-autoconfig-differs");
    let saved = mailguide::live::results::Results::load(&results).expect("results file");
    let hosts: Vec<&str> = saved.servers.iter().map(|o| o.host.as_str()).collect();
    assert_eq!(hosts, ["mail.a.test"]);

    // The one host checked agreed: a build shows the date, the unchecked domain's host does
    // not withhold it.
    let now = mailguide::live::time::now();
    let published = mailguide::live::publish(&site, &saved, "results.json", now, 30);
    assert!(published.diagnostics.is_empty(), "{:#?}", published.diagnostics);
    assert_eq!(published.dates.get("hosted"), Some(&mailguide::live::time::date(now)));
}
