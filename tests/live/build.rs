//! `check --live` from the command line, its results file, and `build --live-results`: a
//! provider whose servers answered as described shows the date; one whose server disagreed gets
//! the warning and loses its client files. Loopback servers only.

use crate::common::{copy_tree, mailguide, page, repo, sel, text};
use crate::live_support::certs::{TestRoot, Validity};
use crate::live_support::dns::DnsServer;
use crate::live_support::mail::{self, Gauge, Proto, Script, Tls};
use crate::live_support::runtime;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The client-files test site with the default theme, in a temporary folder.
fn site_copy(dir: &Path) {
    copy_tree(&repo().join("tests/sites/client-files"), dir);
    copy_tree(&repo().join("themes/default"), &dir.join("themes/default"));
}

#[test]
fn check_live_saves_results_and_build_shows_the_date() {
    let rt = runtime();
    let root = TestRoot::new();
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("site");
    site_copy(&site);
    let ca = dir.path().join("root.pem");
    std::fs::write(&ca, &root.pem).expect("ca");
    let config = root.server(
        &["imap.good.example.net", "pop.good.example.net", "smtp.good.example.net"],
        Validity::Long,
    );
    let gauge = Arc::new(Gauge::default());
    let normal = |after: Vec<&'static str>, before: Vec<&'static str>| Script::Normal { before, after };
    let imap = mail::start(
        &rt,
        Proto::Imap,
        Tls::Implicit(config.clone()),
        normal(vec!["IMAP4rev2"], vec![]),
        gauge.clone(),
    );
    // good.yaml says `encrypted-password` for POP3.
    let pop3 = mail::start(
        &rt,
        Proto::Pop3,
        Tls::Implicit(config.clone()),
        normal(vec!["SASL CRAM-MD5"], vec![]),
        gauge.clone(),
    );
    let smtps = mail::start(
        &rt,
        Proto::Smtp,
        Tls::Implicit(config.clone()),
        normal(vec!["AUTH PLAIN"], vec![]),
        gauge.clone(),
    );
    let submission = mail::start(
        &rt,
        Proto::Smtp,
        Tls::Starttls(config),
        normal(vec!["AUTH PLAIN LOGIN"], vec!["STARTTLS"]),
        gauge,
    );
    let dns = DnsServer::start(HashMap::new());
    let results = dir.path().join("results.json");
    let connect = [
        format!("imap.good.example.net:993={imap}"),
        format!("pop.good.example.net:995={pop3}"),
        format!("smtp.good.example.net:465={smtps}"),
        format!("smtp.good.example.net:587={submission}"),
    ];
    let mut args: Vec<String> = [
        "check",
        "--live",
        "--providers",
        "good",
        "--no-links",
        "--format",
        "json",
        "--timeout",
        "5",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for c in &connect {
        args.push("--connect-to".into());
        args.push(c.clone());
    }
    args.extend([
        "--dns-server".into(),
        dns.addr.to_string(),
        "--ca-file".into(),
        ca.display().to_string(),
        "--save-results".into(),
        results.display().to_string(),
        "--root".into(),
        site.display().to_string(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = mailguide(&refs);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let live: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("live-"))
        .collect();
    assert!(
        live.is_empty(),
        "the good provider's servers answer as described: {live:#?}"
    );
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    let servers = saved["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 4);
    assert!(
        servers
            .iter()
            .all(|s| s["outcome"] == "agrees" && s["provider"] == "good"),
        "{servers:#?}"
    );

    let public = dir.path().join("public");
    let out = mailguide(&[
        "build",
        "--root",
        &site.display().to_string(),
        "--output",
        &public.display().to_string(),
        "--live-results",
        &results.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = page(&public, "good/index.html");
    let line = doc
        .select(&sel(".live-checked"))
        .next()
        .map(text)
        .expect("the date line");
    let today = mailguide::live::time::date(mailguide::live::time::now());
    // `text` joins the text nodes with spaces: the date is in a <time> element.
    assert_eq!(
        line.replace(" .", "."),
        format!("Servers answered as described on {today}.")
    );
    assert!(
        doc.select(&sel("a[href$='config-v1.1.xml']")).next().is_some(),
        "client files stay"
    );
}

#[test]
fn a_disagreeing_server_withdraws_client_files_and_old_results_are_ignored() {
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("site");
    site_copy(&site);
    let now = mailguide::live::time::now();
    let stamp = |at: i64| mailguide::live::time::timestamp(at);
    let observation = |host: &str, port: u32, protocol: &str, outcome: &str, at: i64| {
        serde_json::json!({
            "provider": "good", "protocol": protocol, "host": host, "port": port,
            "checked_at": stamp(at), "outcome": outcome,
            "findings": if outcome == "disagrees" {
                serde_json::json!([{"code": "live-auth-missing", "message": "the data says `password` but IMAP server imap.good.example.net:993 advertises only oauth2"}])
            } else { serde_json::json!([]) }
        })
    };
    let results = serde_json::json!({
        "version": 1,
        "started": stamp(now),
        "servers": [
            observation("imap.good.example.net", 993, "imap", "disagrees", now - 3600),
            observation("pop.good.example.net", 995, "pop3", "agrees", now - 40 * 86_400),
        ]
    });
    let file = dir.path().join("results.json");
    std::fs::write(&file, results.to_string()).unwrap();
    let public = dir.path().join("public");
    let out = mailguide(&[
        "build",
        "--root",
        &site.display().to_string(),
        "--output",
        &public.display().to_string(),
        "--live-results",
        &file.display().to_string(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let diags = report["diagnostics"].as_array().unwrap();
    let disagree = diags
        .iter()
        .find(|d| d["code"] == "live-disagrees")
        .expect("live-disagrees");
    assert_eq!(disagree["file"], "content/providers/good.yaml");
    assert_eq!(disagree["line"], 5, "the IMAP server's host line");
    assert!(disagree["message"].as_str().unwrap().contains("advertises only oauth2"));
    let old = diags
        .iter()
        .find(|d| d["code"] == "live-results-old")
        .expect("live-results-old");
    assert!(old["message"].as_str().unwrap().contains("1 observations"), "{old}");
    let doc = page(&public, "good/index.html");
    let warning = doc.select(&sel(".alert")).next().map(text).expect("the warning");
    assert!(warning.contains("advertises only oauth2"), "{warning}");
    assert!(doc.select(&sel(".live-checked")).next().is_none());
    assert!(
        doc.select(&sel("a[href$='config-v1.1.xml']")).next().is_none(),
        "client files withdrawn"
    );
    assert!(!public.join("good/config-v1.1.xml").exists());

    // Another version is refused, not misread.
    std::fs::write(&file, r#"{"version": 2, "started": "x", "servers": []}"#).unwrap();
    let out = mailguide(&[
        "build",
        "--root",
        &site.display().to_string(),
        "--output",
        &public.display().to_string(),
        "--live-results",
        &file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("live-results-unreadable"), "{stderr}");
    assert!(stderr.contains("results file version 2"), "{stderr}");
}
