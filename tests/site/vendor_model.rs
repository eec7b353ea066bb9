//! What the content model can say about what vendors say: sign-in per server with the
//! recommended method first, host names built from the reader's domain, sources and the dates
//! they were checked, and the apps' own account buttons. Each test goes through the import, the
//! checks and the pages a reader sees.

use crate::common::{self, repo};
use mailguide::import::ispdb::{self, ImportOptions};
use mailguide::model::{Auth, PasswordKind, ProviderData};
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    repo().join("tests/data/ispdb")
}

fn import(root: &Path, file: &str) {
    let reports = ispdb::import(
        &[fixtures().join(file)],
        &ImportOptions {
            root: root.to_path_buf(),
            force: false,
            checked: None,
        },
    );
    assert!(reports[0].result.is_ok(), "{file} imports: {:?}", reports[0].result);
}

fn read_provider(root: &Path, slug: &str) -> ProviderData {
    let path = root.join(format!("content/providers/{slug}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} should exist: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not a provider file: {e}\n{text}", path.display()))
}

/// A site with the client-file fixture's clients and the default theme, and no providers.
fn empty_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&repo().join("tests/sites/client-files"), site.path());
    std::fs::remove_dir_all(site.path().join("content/providers")).expect("no providers");
    std::fs::create_dir_all(site.path().join("content/providers")).expect("providers folder");
    common::copy_tree(&repo().join("themes"), &site.path().join("themes"));
    site
}

fn findings_for(root: &Path, slug: &str) -> Vec<String> {
    mailguide::check_site(root)
        .diagnostics
        .iter()
        .filter(|d| d.provider.as_deref() == Some(slug))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn build(root: &Path) -> std::path::PathBuf {
    let out = root.join("public");
    let built = mailguide::build_site(&mailguide::BuildOptions::new(root, Some(out.clone())));
    if let Err(failure) = built {
        let diagnostics = match failure {
            mailguide::BuildFailure::Content(c) => c.diagnostics,
            mailguide::BuildFailure::Render(d, _) => d,
            mailguide::BuildFailure::Write(e, _) => panic!("the site could not be written: {e}"),
        };
        let list: Vec<String> = diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        panic!("the site builds: {list:#?}");
    }
    out
}

#[test]
fn an_imap_server_that_takes_only_oauth2_beside_an_smtp_server_that_takes_a_password() {
    let site = empty_site();
    import(site.path(), "mit.edu.xml");
    let p = read_provider(site.path(), "mit-edu");
    assert_eq!(p.servers.imap[0].auth, [Auth::OAuth2]);
    assert_eq!(
        p.servers.imap[0].password,
        Some(PasswordKind::OAuth2),
        "the IMAP server says so itself"
    );
    assert_eq!(p.servers.smtp[0].password, None, "SMTP keeps the provider's kind");
    assert_eq!(p.password.kind, PasswordKind::Account);

    let found = findings_for(site.path(), "mit-edu");
    assert!(
        !found.iter().any(|f| f.starts_with("password-kind-auth")),
        "the shape is describable: {found:?}"
    );

    let out = build(site.path());
    let doc = common::page(&out, "mit-edu/index.html");
    let imap = common::table_rows(&doc, "MIT IMAP server");
    let smtp = common::table_rows(&doc, "MIT SMTP server");
    let row = |rows: &[(String, String)], name: &str| {
        rows.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} row in {rows:?}"))
    };
    assert!(row(&imap, "Password").contains("OAuth2"), "{imap:?}");
    assert_eq!(row(&smtp, "Password"), "your account password");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("mit-edu/settings.json")).expect("settings.json"))
            .expect("JSON");
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["servers"]["imap"][0]["password"], "oauth2");
    assert_eq!(json["servers"]["smtp"][0]["password"], "account");
    // The Apple profile cannot sign in with OAuth2, and the only IMAP server needs it.
    assert!(!out.join("mit-edu/mit-edu.mobileconfig").exists());
}

#[test]
fn the_import_keeps_the_ispdb_order_of_sign_in_methods_and_pages_lead_with_the_first() {
    let site = empty_site();
    import(site.path(), "googlemail.com.xml");
    let p = read_provider(site.path(), "googlemail-com");
    for s in p.servers.imap.iter().chain(&p.servers.pop3).chain(&p.servers.smtp) {
        assert_eq!(s.auth, [Auth::OAuth2, Auth::Password], "{}", s.host);
    }
    let out = build(site.path());
    let doc = common::page(&out, "googlemail-com/index.html");
    let imap = common::table_rows(&doc, "GMail IMAP server");
    let auth = imap
        .iter()
        .find(|(k, _)| k == "Authentication")
        .expect("an Authentication row");
    assert_eq!(auth.1, "OAuth2 (recommended), Normal password");
    let password = common::text(doc.select(&common::sel("#password")).next().expect("#password"));
    assert!(
        password.starts_with("Password Recommended: sign in with GMail in the browser window."),
        "{password}"
    );
}

#[test]
fn hosts_named_after_the_readers_domain_go_through_import_check_page_and_autoconfig() {
    let site = empty_site();
    for file in [
        "inbox.lv.xml",
        "mail.ee.xml",
        "mx1.tiki.ne.jp.xml",
        "pop.shibata.ne.jp.xml",
    ] {
        import(site.path(), file);
    }
    let inbox = read_provider(site.path(), "inbox-lv");
    assert_eq!(inbox.servers.imap[0].host, "mail.{domain}");
    assert_eq!(inbox.name, "inbox.lv", "not `%EMAILDOMAIN%`");
    assert_eq!(
        read_provider(site.path(), "pop-shibata-ne-jp").servers.smtp[0].host,
        "{domain}"
    );

    // The template itself is no fault; the four keep only their real ones (plain POP3 at
    // TikiTiki and Shibata, SMTP on port 25 at Shibata).
    for slug in ["inbox-lv", "mail-ee", "mx1-tiki-ne-jp", "pop-shibata-ne-jp"] {
        let found = findings_for(site.path(), slug);
        assert!(
            !found
                .iter()
                .any(|f| f.starts_with("hostname-") || f.starts_with("domain-")),
            "{slug}: {found:?}"
        );
        if slug == "inbox-lv" || slug == "mail-ee" {
            assert!(found.is_empty(), "{slug} is clean: {found:?}");
        }
    }

    // Let the build go on past TikiTiki's and Shibata's real faults (their pages warn).
    let yaml = site.path().join("site.yaml");
    let policy = std::fs::read_to_string(&yaml).expect("site.yaml")
        + "  security-none-password: warning\n  port-smtp-relay: warning\n  port-security: warning\n";
    std::fs::write(&yaml, policy).expect("site.yaml");
    let out = build(site.path());
    // inbox.lv lists four domains: the page names the host for each, and the template.
    let doc = common::page(&out, "inbox-lv/index.html");
    let imap = common::table_rows(&doc, "inbox.lv IMAP server");
    let server = &imap.iter().find(|(k, _)| k == "Server").expect("a Server row").1;
    assert!(server.starts_with("mail.<your domain>"), "{server}");
    for (domain, host) in [("inbox.lv", "mail.inbox.lv"), ("inbox.lt", "mail.inbox.lt")] {
        assert!(server.contains(&format!("@{domain}: {host}")), "{server}");
    }
    // mail.ee has one domain: its host is written out everywhere.
    let doc = common::page(&out, "mail-ee/index.html");
    let imap = common::table_rows(&doc, "mail.ee IMAP server");
    assert!(
        imap.iter().any(|(k, v)| k == "Server" && v.starts_with("mail.ee")),
        "{imap:?}"
    );
    let guide = std::fs::read_to_string(out.join("inbox-lv/thunderbird/index.html")).expect("guide");
    assert!(
        guide.contains("mail.&lt;your domain&gt;"),
        "the guide names the template"
    );

    // Autoconfig: the provider's file keeps the placeholder, each domain's file the name.
    let provider_file = std::fs::read_to_string(out.join("inbox-lv/config-v1.1.xml")).expect("autoconfig");
    assert!(
        provider_file.contains("<hostname>mail.%EMAILDOMAIN%</hostname>"),
        "{provider_file}"
    );
    let lt = std::fs::read_to_string(out.join("autoconfig/inbox.lt/mail/config-v1.1.xml")).expect("per domain");
    assert!(lt.contains("<hostname>mail.inbox.lt</hostname>"), "{lt}");
    assert!(!lt.contains("%EMAILDOMAIN%"), "{lt}");

    // JSON: the placeholder and the name per domain; the Apple profile only for one domain.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("inbox-lv/settings.json")).expect("json"))
            .expect("JSON");
    assert_eq!(json["servers"]["imap"][0]["host"], "mail.%EMAILDOMAIN%");
    assert_eq!(
        json["servers"]["imap"][0]["host_by_domain"]["inbox.eu"],
        "mail.inbox.eu"
    );
    assert!(!out.join("inbox-lv/inbox-lv.mobileconfig").exists());
    let profile = std::fs::read_to_string(out.join("mail-ee/mail-ee.mobileconfig")).expect("mail.ee profile");
    assert!(profile.contains("<string>mail.ee</string>"), "{profile}");
    assert!(!profile.contains("{domain}"));
}

#[test]
fn a_source_is_stale_only_as_of_the_day_the_check_is_told() {
    let site = tempfile::tempdir().expect("temp dir");
    common::copy_tree(&repo().join("tests/checks/source-stale"), site.path());
    let stale = |today: &str| {
        mailguide::check_site_on(site.path(), mailguide::model::Date::parse(today))
            .diagnostics
            .iter()
            .any(|d| d.code == "source-stale")
    };
    // Checked on 2026-05-01, with a limit of 6 months.
    assert!(!stale("2026-11-01"));
    assert!(stale("2026-11-02"));
}

#[test]
fn the_import_records_the_ispdb_file_and_the_given_date_and_the_page_shows_it() {
    let site = empty_site();
    let reports = ispdb::import(
        &[fixtures().join("mit.edu.xml")],
        &ImportOptions {
            root: site.path().to_path_buf(),
            force: false,
            checked: mailguide::model::Date::parse("2026-03-12"),
        },
    );
    assert!(reports[0].result.is_ok());
    let p = read_provider(site.path(), "mit-edu");
    assert_eq!(p.sources.len(), 1);
    assert_eq!(p.sources[0].title, "Thunderbird ISPDB: mit.edu.xml");
    assert_eq!(p.sources[0].checked.as_deref(), Some("2026-03-12"));
    let out = build(site.path());
    let doc = common::page(&out, "mit-edu/index.html");
    let line = common::text(doc.select(&common::sel("#sources li")).next().expect("a source line"));
    assert_eq!(
        line,
        "Checked against Thunderbird ISPDB: mit.edu.xml on 2026-03-12 (a stored copy)."
    );
}

#[test]
fn bundled_provider_pages_say_what_they_were_checked_against_and_when() {
    let out = common::bundled_site();
    let doc = common::page(out, "gmail/index.html");
    let lines: Vec<String> = doc.select(&common::sel("#sources li")).map(common::text).collect();
    assert!(
        lines.contains(
            &"Checked against Google Account Help: Sign in with app passwords on 2026-12-02 (a stored copy)."
                .to_string()
        ),
        "{lines:?}"
    );
}

#[test]
fn the_corrected_content_says_what_the_vendors_say() {
    let out = common::bundled_site();
    let gmail = common::page(out, "gmail/index.html");
    let before = common::text(
        gmail
            .select(&common::sel("#before-you-start"))
            .next()
            .expect("prerequisites"),
    );
    assert!(before.contains("Turn on POP (only if you use POP)"), "{before}");
    assert!(before.contains("pop.gmail.com"), "{before}");
    let password = common::text(gmail.select(&common::sel("#password")).next().expect("#password"));
    assert!(password.contains("Google revokes your app passwords"), "{password}");
    let faq = std::fs::read_to_string(out.join("faq/index.html")).expect("FAQ page");
    assert!(!faq.contains("gives access to mail only"));
    assert!(!faq.contains("no longer has such a switch"));
    let icloud = std::fs::read_to_string(out.join("icloud/outlook/index.html")).expect("guide");
    assert!(!icloud.contains("Use same settings as my incoming mail server"));
}

/// The client-file fixture's Thunderbird with its own "Sign in with Google" button, keyed by
/// Gmail's two domains.
fn give_thunderbird_a_google_button(root: &Path) {
    let path = root.join("content/clients/thunderbird.yaml");
    let mut text = std::fs::read_to_string(&path).expect("thunderbird.yaml");
    text.push_str(
        "account_buttons:\n  - label: Sign in with Google\n    domains: [GMail.com, googlemail.com]\n    steps: |\n      1. Choose **Sign in with Google** and sign in.\n    source:\n      url: https://vendor.example/help/google\n      title: Vendor help on Google accounts\n      checked: 2026-11-30\n      how: stored-copy\n",
    );
    std::fs::write(&path, text).expect("thunderbird.yaml");
}

/// Where an element with `id` starts in a page's HTML, for the order readers meet sections in.
fn position(html: &str, id: &str) -> Option<usize> {
    html.find(&format!("id=\"{id}\""))
}

#[test]
fn an_apps_own_button_leads_the_guide_for_a_provider_it_serves_and_no_other() {
    let site = empty_site();
    give_thunderbird_a_google_button(site.path());
    // The import names Gmail `googlemail-com`; the button is keyed by domains, not by file name.
    import(site.path(), "googlemail.com.xml");
    import(site.path(), "mit.edu.xml");
    let out = build(site.path());

    let html = std::fs::read_to_string(out.join("googlemail-com/thunderbird/index.html")).expect("guide");
    let doc = scraper::Html::parse_document(&html);
    // `text` joins the text of elements with spaces: "title , checked" is "title, checked".
    let quickest =
        common::text(doc.select(&common::sel("#quickest")).next().expect("the button path")).replace(" ,", ",");
    assert!(
        quickest.starts_with("Quickest way: the Sign in with Google button"),
        "{quickest}"
    );
    assert!(
        quickest.contains("Choose Sign in with Google and sign in."),
        "{quickest}"
    );
    assert!(
        quickest.contains("Source: Vendor help on Google accounts, checked on 2026-11-30 (a stored copy)."),
        "{quickest}"
    );
    assert!(
        !quickest.contains("imap.gmail.com"),
        "no server settings to type: {quickest}"
    );
    let source = doc
        .select(&common::sel("#quickest .source a"))
        .next()
        .expect("the source link");
    assert_eq!(source.value().attr("href"), Some("https://vendor.example/help/google"));
    // It leads; the manual setup stays below it.
    let (button, steps) = (position(&html, "quickest"), position(&html, "steps"));
    assert!(
        button.is_some() && steps.is_some() && button < steps,
        "{button:?} {steps:?}"
    );
    assert!(html.contains("imap.gmail.com"), "the manual settings are still there");

    // MIT's addresses are not Gmail's: its guide has no button path.
    let mit = std::fs::read_to_string(out.join("mit-edu/thunderbird/index.html")).expect("guide");
    assert!(position(&mit, "quickest").is_none(), "mit-edu has no button");
    assert!(position(&mit, "steps").is_some());
}

#[test]
fn the_bundled_gmail_matches_the_same_buttons_as_the_imported_one() {
    let out = common::bundled_site();
    let gmail = common::page(out, "gmail/thunderbird/index.html");
    let quickest = common::text(
        gmail
            .select(&common::sel("#quickest"))
            .next()
            .expect("Gmail in Thunderbird"),
    );
    assert!(quickest.starts_with("Quickest way: sign in with Gmail"), "{quickest}");
    assert!(quickest.contains("chooses OAuth2"), "{quickest}");
    // The manual steps keep the OAuth2 Thunderbird detects instead of overriding it, and use
    // Thunderbird's own menu names (AccountManager.dtd).
    let steps = common::text(gmail.select(&common::sel("#steps")).next().expect("the manual steps"));
    assert!(steps.contains("Authentication method to OAuth2"), "{steps}");
    assert!(!steps.contains("Authentication method to Normal password"), "{steps}");
    assert!(steps.contains("Account Actions → Add Mail Account…"), "{steps}");
    let zoho = common::page(out, "zoho/thunderbird/index.html");
    assert!(
        zoho.select(&common::sel("#quickest")).next().is_none(),
        "Thunderbird has no OAuth2 sign-in for Zoho"
    );
}

#[test]
fn apple_profiles_are_the_password_alternative_where_the_vendor_recommends_oauth2() {
    let site = empty_site();
    import(site.path(), "googlemail.com.xml");
    import(site.path(), "mit.edu.xml");
    std::fs::copy(
        repo().join("tests/sites/client-files/content/providers/good.yaml"),
        site.path().join("content/providers/good.yaml"),
    )
    .expect("a password provider");
    let out = build(site.path());

    // Google recommends OAuth2, which a profile cannot do: the profile comes after the steps
    // (the fixture's iPhone has no Google button) and says it uses a password.
    let html = std::fs::read_to_string(out.join("googlemail-com/iphone/index.html")).expect("guide");
    let doc = scraper::Html::parse_document(&html);
    let profile = common::text(
        doc.select(&common::sel("#profile-download"))
            .next()
            .expect("the profile"),
    );
    assert!(
        profile.starts_with("Alternative: install the profile (with an app password)"),
        "{profile}"
    );
    assert!(
        profile.contains("Apple profiles cannot sign in through GMail's own sign-in page (OAuth2)"),
        "{profile}"
    );
    let (steps, alternative) = (position(&html, "steps"), position(&html, "profile-download"));
    assert!(steps.is_some() && steps < alternative, "{steps:?} {alternative:?}");

    // MIT's IMAP takes only OAuth2: no profile, and the page says why.
    let mit = common::page(&out, "mit-edu/iphone/index.html");
    let none = common::text(
        mit.select(&common::sel(".profile-none"))
            .next()
            .expect("why there is no profile"),
    );
    assert!(none.starts_with("No configuration profile for MIT"), "{none}");
    assert!(!out.join("mit-edu/mit-edu.mobileconfig").exists());

    // A provider that recommends its password: the profile is still the quickest way, first.
    let good = std::fs::read_to_string(out.join("good/iphone/index.html")).expect("guide");
    let doc = scraper::Html::parse_document(&good);
    let profile = common::text(
        doc.select(&common::sel("#profile-download"))
            .next()
            .expect("the profile"),
    );
    assert!(profile.starts_with("Quickest way: install the profile"), "{profile}");
    assert!(position(&good, "profile-download") < position(&good, "steps"));
}

#[test]
fn on_the_bundled_iphone_guide_for_gmail_the_profile_follows_the_google_button() {
    let html = std::fs::read_to_string(common::bundled_site().join("gmail/iphone/index.html")).expect("guide");
    let (button, profile, steps) = (
        position(&html, "quickest"),
        position(&html, "profile-download"),
        position(&html, "steps"),
    );
    assert!(
        button.is_some() && button < profile && profile < steps,
        "{button:?} {profile:?} {steps:?}"
    );
    let doc = scraper::Html::parse_document(&html);
    let quickest = common::text(doc.select(&common::sel("#quickest")).next().expect("the Google button"));
    assert!(quickest.starts_with("Quickest way: the Google button"), "{quickest}");
}

#[test]
fn the_bundled_gmail_summary_leads_with_the_recommended_sign_in() {
    let out = common::bundled_site();
    let gmail = common::page(out, "gmail/index.html");
    let summary = common::text(
        gmail
            .select(&common::sel("#quick .quick-password"))
            .next()
            .expect("the summary's sign-in line"),
    )
    .replace(" ,", ",");
    assert!(
        summary.starts_with("Sign-in: sign in with Gmail in the browser window (OAuth2), as Gmail recommends."),
        "{summary}"
    );
    let alternative = summary
        .find("Alternative")
        .expect("the app password as the alternative");
    assert!(summary[alternative..].contains("an app-specific password"), "{summary}");
    // A provider whose vendor recommends its password keeps the password line.
    let zoho = common::page(out, "zoho/index.html");
    let line = common::text(
        zoho.select(&common::sel("#quick .quick-password"))
            .next()
            .expect("Zoho"),
    );
    assert!(line.starts_with("Password:"), "{line}");
}

#[test]
fn bundled_provider_pages_say_where_vendors_disagree() {
    let out = common::bundled_site();
    let outlook = common::page(out, "outlook/index.html");
    let section = common::text(
        outlook
            .select(&common::sel("#disagreements"))
            .next()
            .expect("Outlook.com"),
    );
    assert!(section.contains("you may need an app password"), "{section}");
    assert!(section.contains("now requires OAuth"), "{section}");
    let links: Vec<&str> = outlook
        .select(&common::sel("#disagreements a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        links.iter().any(|l| l.contains("support.microsoft.com")) && links.iter().any(|l| l.contains("mozilla.org")),
        "{links:?}"
    );
    assert!(
        outlook
            .select(&common::sel(".toc a[href='#disagreements']"))
            .next()
            .is_some(),
        "the table of contents points at it"
    );
    let fastmail = common::text(
        common::page(out, "fastmail/index.html")
            .select(&common::sel("#disagreements"))
            .next()
            .expect("Fastmail"),
    );
    assert!(
        fastmail.contains("Every third-party program or app needs its own app password"),
        "{fastmail}"
    );
    assert!(fastmail.contains("Thunderbird signs in"), "{fastmail}");
    for slug in ["gmail", "icloud", "yahoo", "aol"] {
        let text = common::text(
            common::page(out, &format!("{slug}/index.html"))
                .select(&common::sel("#disagreements"))
                .next()
                .unwrap_or_else(|| panic!("{slug} says vendors differ")),
        );
        assert!(text.contains("remain active even if you change"), "{slug}: {text}");
        assert!(text.contains("revoke"), "{slug}: {text}");
    }
}
