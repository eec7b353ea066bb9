//! The files that configure mail clients (autoconfig, Apple profile, JSON, DNS records), built
//! from the bundled site and from sites with findings, as a reader or a mail app meets them.

use crate::client_support;
use crate::common;

use client_support::{assert_profile_matches, boolean, int, mail_payload, profile, string};
use common::{bundled_site, page, sel, text};
use mailguide::model::Provider;
use std::path::Path;

fn bundled_providers() -> Vec<Provider> {
    let checked = mailguide::check_site(&common::repo());
    checked.site.expect("the bundled site loads").providers
}

fn build(root: &Path) -> std::path::PathBuf {
    let out = root.join("public");
    let built = mailguide::build_site(&mailguide::BuildOptions::new(root, Some(out.clone())));
    if let Err(mailguide::BuildFailure::Content(c)) = &built {
        panic!("the site should build: {:?}", c.diagnostics);
    }
    assert!(built.is_ok(), "the site should build");
    out
}

#[test]
fn the_icloud_iphone_guide_offers_a_profile_that_sets_up_icloud() {
    let out = bundled_site();
    let doc = page(out, "icloud/iphone/index.html");
    let links: Vec<String> = doc
        .select(&sel("a[href$='.mobileconfig']"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert_eq!(
        links,
        ["/icloud/icloud.mobileconfig"],
        "one profile download on the guide"
    );
    let file = out.join(links[0].trim_start_matches('/'));
    assert!(file.is_file(), "the link resolves to a file");

    let top = profile(&file);
    let mail = mail_payload(&top);
    assert_eq!(string(mail, "EmailAccountType"), "EmailTypeIMAP");
    assert_eq!(string(mail, "IncomingMailServerHostName"), "imap.mail.me.com");
    assert_eq!(int(mail, "IncomingMailServerPortNumber"), 993);
    assert!(boolean(mail, "IncomingMailServerUseSSL"));
    assert_eq!(string(mail, "OutgoingMailServerHostName"), "smtp.mail.me.com");
    assert_eq!(int(mail, "OutgoingMailServerPortNumber"), 587);
    assert!(
        boolean(mail, "OutgoingMailServerUseSSL"),
        "STARTTLS is Use SSL on Apple's devices"
    );
    assert_eq!(string(mail, "IncomingMailServerAuthentication"), "EmailAuthPassword");
    // Usernames depend on the reader's address: the device asks.
    assert!(!mail.contains_key("IncomingMailServerUsername"));
    assert!(!mail.contains_key("EmailAddress"));

    // The guide tells the reader what the device will ask.
    let section = doc.select(&sel(".profile")).next().map(text).unwrap_or_default();
    assert!(
        section.contains("the part of your address before the @ for incoming mail"),
        "{section}"
    );
    assert!(section.contains("an app-specific password"), "{section}");
}

#[test]
fn guides_of_clients_without_profiles_offer_none() {
    let out = bundled_site();
    for guide in ["icloud/outlook/index.html", "icloud/thunderbird/index.html"] {
        let doc = page(out, guide);
        assert_eq!(
            doc.select(&sel("a[href$='.mobileconfig']")).count(),
            0,
            "{guide} is not an Apple client"
        );
    }
    let doc = page(out, "icloud/apple-mail/index.html");
    assert_eq!(doc.select(&sel(".profile a[href$='.mobileconfig']")).count(), 1);
}

#[test]
fn every_profile_holds_apples_required_keys_and_the_providers_servers() {
    let out = bundled_site();
    let mut seen = 0;
    for p in bundled_providers() {
        let path = out.join(format!("{0}/{0}.mobileconfig", p.slug));
        if path.is_file() {
            assert_profile_matches(&path, &p);
            seen += 1;
        }
    }
    assert!(seen >= 5, "most bundled providers get a profile, got {seen}");
}

#[test]
fn providers_that_only_take_oauth2_get_no_profile() {
    let out = bundled_site();
    for p in bundled_providers() {
        if p.data.password.kind == mailguide::model::PasswordKind::OAuth2 {
            assert!(
                !out.join(format!("{0}/{0}.mobileconfig", p.slug)).exists(),
                "{} takes no password; a profile would ask for one",
                p.slug
            );
        }
    }
}

#[test]
fn every_download_link_on_a_provider_page_resolves() {
    let out = bundled_site();
    for p in bundled_providers() {
        let doc = page(out, &format!("{}/index.html", p.slug));
        let hrefs: Vec<String> = doc
            .select(&sel("#downloads a"))
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        assert!(
            hrefs.contains(&format!("/{}/settings.json", p.slug)),
            "{}: {hrefs:?}",
            p.slug
        );
        for h in hrefs {
            assert!(out.join(h.trim_start_matches('/')).is_file(), "{h} is a file");
        }
    }
}

#[test]
fn the_autoconfig_files_state_the_providers_servers_in_both_layouts() {
    let out = bundled_site();
    let providers = bundled_providers();
    let p = providers.iter().find(|p| p.slug == "icloud").expect("icloud");
    let own = std::fs::read_to_string(out.join("icloud/config-v1.1.xml")).expect("icloud's autoconfig");
    let read = client_support::read(&own);
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].domains, p.data.domains);
    let imap = read[0].mail_servers("imap");
    assert_eq!(imap.len(), 1);
    assert_eq!(imap[0].hostname.as_deref(), Some("imap.mail.me.com"));
    assert_eq!(imap[0].port.as_deref(), Some("993"));
    assert_eq!(imap[0].socket_type.as_deref(), Some("SSL"));
    assert_eq!(imap[0].username.as_deref(), Some("%EMAILLOCALPART%"));
    assert_eq!(imap[0].auth, ["password-cleartext"]);
    let smtp = read[0].mail_servers("smtp");
    assert_eq!(smtp[0].socket_type.as_deref(), Some("STARTTLS"));
    assert_eq!(smtp[0].username.as_deref(), Some("%EMAILADDRESS%"));
    assert!(read[0].mail_servers("pop3").is_empty());
    for domain in &p.data.domains {
        let by_domain = std::fs::read_to_string(out.join(format!("autoconfig/{domain}/mail/config-v1.1.xml")))
            .unwrap_or_else(|e| panic!("{domain} has its ISPDB-layout file: {e}"));
        assert_eq!(by_domain, own, "the same file for every domain");
    }
}

#[test]
fn the_json_files_validate_against_the_published_schema() {
    let out = bundled_site();
    let load = |rel: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is JSON: {e}"))
    };
    let schema = load("schema/settings.schema.json");
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    let all = load("settings.json");
    let errors: Vec<String> = validator.iter_errors(&all).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "settings.json: {errors:?}");
    let slugs: Vec<String> = all["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .map(|p| p["slug"].as_str().expect("slug").to_string())
        .collect();
    assert_eq!(
        slugs.len(),
        bundled_providers().len(),
        "every bundled provider is listed"
    );
    for slug in &slugs {
        let one = load(&format!("{slug}/settings.json"));
        let errors: Vec<String> = validator.iter_errors(&one).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{slug}/settings.json: {errors:?}");
        assert_eq!(
            one["$schema"],
            "https://mail-help.example.org/schema/settings.schema.json"
        );
    }
    let icloud = load("icloud/settings.json");
    assert_eq!(icloud["servers"]["imap"][0]["host"], "imap.mail.me.com");
    assert_eq!(icloud["servers"]["imap"][0]["username"], "%EMAILLOCALPART%");
    assert_eq!(icloud["servers"]["smtp"][0]["security"], "starttls");
    assert_eq!(
        icloud["unavailable"]["pop3"],
        "Apple does not offer POP3 for iCloud Mail; use IMAP."
    );

    // The schema is not a formality: a wrong port type or an unknown key fails it.
    let mut bad = icloud.clone();
    bad["servers"]["imap"][0]["port"] = serde_json::json!("993");
    assert!(!validator.is_valid(&bad));
    let mut bad = icloud;
    bad["servers"]["imap"][0]["hostname"] = serde_json::json!("imap.mail.me.com");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn srv_records_are_shown_for_providers_that_opt_in() {
    let out = bundled_site();
    let doc = page(out, "icloud/index.html");
    let rows: Vec<Vec<String>> = doc
        .select(&sel("#dns tbody tr"))
        .map(|tr| tr.select(&sel("th, td")).map(text).collect())
        .collect();
    let row = |name: &str| rows.iter().find(|r| r[0] == name).map(|r| r[1..].join(" "));
    assert_eq!(
        row("_imaps._tcp.icloud.com.").as_deref(),
        Some("SRV 0 1 993 imap.mail.me.com.")
    );
    assert_eq!(
        row("_submission._tcp.me.com.").as_deref(),
        Some("SRV 0 1 587 smtp.mail.me.com.")
    );
    // iCloud has no POP3: RFC 6186's "not offered" record.
    assert_eq!(row("_pop3s._tcp.mac.com.").as_deref(), Some("SRV 0 0 0 ."));
    assert_eq!(row("_submissions._tcp.icloud.com."), None, "no SMTP over implicit TLS");

    for p in bundled_providers().iter().filter(|p| !p.data.dns_records) {
        let doc = page(out, &format!("{}/index.html", p.slug));
        assert_eq!(doc.select(&sel("#dns")).count(), 0, "{} did not opt in", p.slug);
    }
}

#[test]
fn rebuilding_gives_identical_client_files() {
    let first = bundled_site();
    let dir = tempfile::tempdir().expect("temp dir");
    let second = dir.path().join("public");
    let o = common::mailguide(&[
        "build",
        "--root",
        common::repo().to_str().expect("utf-8"),
        "--output",
        second.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success());
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(first) {
        let entry = entry.expect("walk");
        let name = entry.file_name().to_string_lossy();
        if name.ends_with(".mobileconfig") || name.ends_with(".xml") || name.ends_with(".json") {
            let rel = entry.path().strip_prefix(first).expect("prefix");
            let a = std::fs::read(entry.path()).expect("read");
            let b = std::fs::read(second.join(rel)).expect("the rebuild has the file");
            assert!(a == b, "{} differs between builds", rel.display());
            compared += 1;
        }
    }
    assert!(compared > 20, "compared {compared} files");
}

/// tests/sites/client-files with the bundled theme, in a temporary folder: a good provider, one
/// whose missing SMTP server is a finding the policy lets through (site.yaml lowers it to a
/// warning), and one whose unusual port its own `allow:` accepts with a reason.
fn client_files_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&common::repo().join("tests/sites/client-files"), dir.path());
    common::copy_tree(&common::repo().join("themes"), &dir.path().join("themes"));
    dir
}

#[test]
fn a_provider_with_findings_gets_a_warning_and_no_client_files() {
    let site = client_files_site();
    let out = build(site.path());
    for slug in ["lowered"] {
        let doc = page(&out, &format!("{slug}/index.html"));
        let alert = doc.select(&sel(".alert")).next().map(text).unwrap_or_default();
        assert!(
            alert.contains("has no SMTP server"),
            "{slug}: the finding is named: {alert}"
        );
        assert!(alert.contains("no files that set up a mail app"), "{slug}: {alert}");
        assert_eq!(doc.select(&sel("#downloads")).count(), 0, "{slug}: nothing to download");
        let guide = page(&out, &format!("{slug}/iphone/index.html"));
        assert!(guide.select(&sel(".alert")).next().is_some(), "{slug}: guides warn too");
        assert_eq!(guide.select(&sel("a[href$='.mobileconfig']")).count(), 0);
        for file in [
            format!("{slug}/config-v1.1.xml"),
            format!("{slug}/{slug}.mobileconfig"),
            format!("{slug}/settings.json"),
            format!("autoconfig/{slug}.example.net/mail/config-v1.1.xml"),
        ] {
            assert!(!out.join(&file).exists(), "{file} must not be written");
        }
    }
    let all = std::fs::read_to_string(out.join("settings.json")).expect("settings.json");
    let listed: serde_json::Value = serde_json::from_str(&all).expect("JSON");
    let slugs: Vec<&str> = listed["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .filter_map(|p| p["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["allowed", "good"], "flagged providers are not in settings.json");
    let doc = page(&out, "lowered/index.html");
    assert_eq!(
        doc.select(&sel("#dns")).count(),
        0,
        "no DNS records from doubtful data either"
    );
    // An allowance is the editor's word that the data is right: no warning, and the files.
    let doc = page(&out, "allowed/index.html");
    assert_eq!(
        doc.select(&sel(".alert")).count(),
        0,
        "allowed findings do not warn readers"
    );
    assert_eq!(doc.select(&sel("#dns")).count(), 1);
    assert!(out.join("allowed/config-v1.1.xml").is_file());
    assert!(out.join("allowed/allowed.mobileconfig").is_file());
    // The provider without findings is unaffected.
    assert!(out.join("good/good.mobileconfig").is_file());
    assert!(out.join("good/config-v1.1.xml").is_file());
    assert!(all.contains("imap.good.example.net"));
    let doc = page(&out, "good/index.html");
    assert_eq!(doc.select(&sel(".alert")).count(), 0);
    assert_eq!(doc.select(&sel("#downloads a")).count(), 3);
}

#[test]
fn srv_priorities_follow_the_data_and_domains_become_lowercase_paths() {
    let site = client_files_site();
    let out = build(site.path());
    let doc = page(&out, "good/index.html");
    let rows: Vec<String> = doc
        .select(&sel("#dns tbody tr"))
        .map(|tr| tr.select(&sel("th, td")).map(text).collect::<Vec<_>>().join(" "))
        .filter(|r| r.starts_with("_") && r.contains("good.example.net."))
        .filter(|r| !r.contains("good-mail"))
        .collect();
    assert_eq!(
        rows,
        [
            "_imaps._tcp.good.example.net. SRV 0 1 993 imap.good.example.net.",
            "_pop3s._tcp.good.example.net. SRV 0 1 995 pop.good.example.net.",
            "_submissions._tcp.good.example.net. SRV 0 1 465 smtp.good.example.net.",
            "_submission._tcp.good.example.net. SRV 1 1 587 smtp.good.example.net.",
        ]
    );
    assert!(
        out.join("autoconfig/good-mail.example.net/mail/config-v1.1.xml")
            .is_file()
    );
    assert_profile_matches(
        &out.join("good/good.mobileconfig"),
        &mailguide::check_site(site.path())
            .site
            .expect("loads")
            .provider("good")
            .expect("good")
            .clone(),
    );
}
