//! The bundled client guides against providers of every shape: POP3 only, no SMTP, no incoming
//! server, OAuth2 only, no encryption, custom usernames with several servers per protocol.
//!
//! tests/sites/shapes holds only the providers and site.yaml; the real bundled guides
//! (content/clients/*.{yaml,md}), the free pages they link to and the theme are copied next to
//! them, so a guide that assumes a protocol the bundled providers happen to have fails here.

use crate::common;

use common::*;
use scraper::Html;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Builds the shapes fixture with the bundled guides once per test binary; returns the output.
fn shapes_site() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        copy_tree(&repo().join("tests/sites/shapes"), &site);
        let clients = site.join("content/clients");
        std::fs::create_dir_all(&clients).expect("mkdir clients");
        for entry in std::fs::read_dir(repo().join("content/clients")).expect("bundled clients") {
            let path = entry.expect("dir entry").path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "md" | "svg" | "png" | "jpg" | "webp")
            ) {
                let name = path.file_name().expect("a file has a name");
                std::fs::copy(&path, clients.join(name)).expect("copy client file");
            }
        }
        // The guides link to the bundled free pages (/imap-vs-pop3/).
        copy_tree(&repo().join("content/pages"), &site.join("content/pages"));
        copy_tree(&repo().join("themes"), &site.join("themes"));
        let out = dir.path().join("public");
        let o = mailguide(&[
            "build",
            "--root",
            site.to_str().expect("utf-8 path"),
            "--output",
            out.to_str().expect("utf-8 path"),
        ]);
        assert!(
            o.status.success(),
            "the shapes site must build with the bundled guides:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        (dir, out)
    });
    out
}

/// Slugs of the fixture's providers.
fn providers() -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(repo().join("tests/sites/shapes/content/providers"))
        .expect("fixture providers")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().expect("a file has a name").to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    slugs
}

/// The clients the fixture's site.yaml publishes.
fn clients() -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct SiteClients {
        clients: Vec<String>,
    }
    let text = std::fs::read_to_string(repo().join("tests/sites/shapes/site.yaml")).expect("site.yaml");
    let site: SiteClients = serde_yaml::from_str(&text).expect("site.yaml lists clients");
    site.clients
}

fn guide(provider: &str, client: &str) -> Html {
    page(shapes_site(), &format!("{provider}/{client}/index.html"))
}

/// The guide's own steps (not the settings table), as a reader sees them.
fn steps(doc: &Html) -> String {
    doc.select(&sel(".guide")).map(text).collect::<Vec<_>>().join(" ")
}

/// The text of every `<code>` in the guide's steps.
fn codes(doc: &Html) -> Vec<String> {
    doc.select(&sel(".guide code")).map(text).collect()
}

#[test]
fn the_fixture_publishes_every_bundled_client() {
    let mut bundled: Vec<String> = std::fs::read_dir(repo().join("content/clients"))
        .expect("bundled clients")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.file_stem().expect("a file has a name").to_string_lossy().into_owned())
        .collect();
    bundled.sort();
    let mut published = clients();
    published.sort();
    assert_eq!(
        published, bundled,
        "tests/sites/shapes/site.yaml must publish every bundled guide"
    );
}

#[test]
fn every_provider_has_a_guide_for_every_client_with_no_blank_value() {
    let out = shapes_site();
    let providers = providers();
    assert!(providers.len() >= 5, "{providers:?}");
    for p in &providers {
        for c in clients() {
            let rel = format!("{p}/{c}/index.html");
            assert!(out.join(&rel).is_file(), "{rel} exists");
            let doc = guide(p, &c);
            let steps = steps(&doc);
            assert!(!steps.is_empty(), "{rel} has steps");
            for code in codes(&doc) {
                assert!(!code.is_empty(), "{rel}: no empty code value in the steps: {steps}");
            }
            for strong in doc.select(&sel(".guide strong")).map(text) {
                assert!(!strong.is_empty(), "{rel}: no empty bold value in the steps: {steps}");
            }
        }
    }
}

#[test]
fn the_pop3_only_thunderbird_guide_names_the_pop3_host_and_says_pop3() {
    let doc = guide("pop-only", "thunderbird");
    let steps = steps(&doc);
    assert!(
        codes(&doc).contains(&"pop.pop-only.example.net".to_string()),
        "the POP3 host is in the steps: {steps}"
    );
    assert!(steps.contains("Protocol to POP3"), "{steps}");
    assert!(steps.contains("POP3 only"), "{steps}");
    assert!(!steps.contains("IMAP or POP3"), "no IMAP choice is offered: {steps}");
    assert!(
        steps.contains("the part of your address before the @"),
        "the local-part username is spelled out: {steps}"
    );
}

#[test]
fn the_no_smtp_guides_say_there_is_no_outgoing_server() {
    for c in clients() {
        let doc = guide("no-smtp", &c);
        let steps = steps(&doc);
        assert!(
            steps.contains("Example Inbox has no outgoing server"),
            "no-smtp/{c} says so in words: {steps}"
        );
        assert!(
            codes(&doc).contains(&"imap.no-smtp.example.net".to_string()),
            "no-smtp/{c} still sets up the incoming server: {steps}"
        );
        let html = doc.html();
        assert!(!html.contains("<code></code>"), "no-smtp/{c} has an empty code value");
    }
}

#[test]
fn the_oauth_only_guides_send_the_reader_to_the_providers_sign_in() {
    for c in clients() {
        let doc = guide("oauth-only", &c);
        let steps = steps(&doc);
        assert!(
            steps.contains("Cloud Mail\u{2019}s own sign-in") || steps.contains("Cloud Mail's own sign-in"),
            "oauth-only/{c} names the provider's own sign-in: {steps}"
        );
        assert!(steps.contains("OAuth2"), "oauth-only/{c}: {steps}");
        for typed in [
            "enter your account password",
            "an app-specific password",
            "as Password, your",
        ] {
            assert!(
                !steps.to_lowercase().contains(&typed.to_lowercase()),
                "oauth-only/{c} must not ask for a password ({typed}): {steps}"
            );
        }
    }
    let thunderbird = steps(&guide("oauth-only", "thunderbird"));
    assert!(thunderbird.contains("Leave the password field empty"), "{thunderbird}");
    assert!(thunderbird.contains("Authentication method to OAuth2"), "{thunderbird}");
}

#[test]
fn the_send_only_guides_add_just_an_outgoing_server() {
    for c in clients() {
        let doc = guide("send-only", &c);
        let steps = steps(&doc);
        assert!(
            steps.contains("Example Relay has no incoming server"),
            "send-only/{c} says so in words: {steps}"
        );
        assert!(
            codes(&doc).contains(&"smtp.send-only.example.net".to_string()),
            "send-only/{c} names the SMTP host: {steps}"
        );
        assert!(!steps.contains("Add the account"), "send-only/{c}: {steps}");
    }
}

#[test]
fn unencrypted_servers_are_shown_in_each_clients_words() {
    let thunderbird = steps(&guide("plain-none", "thunderbird"));
    assert!(thunderbird.contains("Connection security to None"), "{thunderbird}");
    let iphone = steps(&guide("plain-none", "iphone"));
    assert!(iphone.contains("Use SSL to Off"), "{iphone}");
    let apple = steps(&guide("plain-none", "apple-mail"));
    assert!(apple.contains("turn Use TLS/SSL Off"), "{apple}");
}

#[test]
fn a_custom_username_and_the_first_of_several_servers_are_used() {
    let doc = guide("custom-user", "thunderbird");
    let steps = steps(&doc);
    let codes = codes(&doc);
    assert!(codes.contains(&"imap.custom-user.example.net".to_string()), "{steps}");
    assert!(codes.contains(&"smtp.custom-user.example.net".to_string()), "{steps}");
    assert!(
        !steps.contains("imap2.") && !steps.contains("smtp2."),
        "the preferred servers only: {steps}"
    );
    assert!(
        steps.contains("@mailbox.") && steps.contains("your full email address for the outgoing server"),
        "different usernames per server: {steps}"
    );
    let outlook = self::steps(&guide("custom-user", "outlook"));
    assert!(
        !outlook.contains("Use same settings as my incoming mail server"),
        "Outlook must not reuse the incoming username for SMTP: {outlook}"
    );
    assert!(outlook.contains("Log on using"), "{outlook}");
}
