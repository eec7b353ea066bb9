//! The whole ISPDB snapshot (tests/data/ispdb, 163 real files) imported into a site, built, and
//! read back: every generated autoconfig file states the servers of its original file, and every
//! profile and JSON file is valid. Providers whose data the checks flag get no files at all.

use crate::client_support;
use crate::common;

use client_support::{XmlServer, assert_profile_matches};
use mailguide::diagnostics::Severity;
use mailguide::import::ispdb::WriteStatus;
use std::collections::HashMap;
use std::path::PathBuf;

const CLIENTS: &str = "[thunderbird, outlook, apple-mail, iphone, android-gmail, thunderbird-android]";

/// Codes of the load stage: the importer must never produce these; the test site's policy only
/// lowers the checker's verdicts on the data.
fn is_load_code(code: &str) -> bool {
    ["yaml-", "file-", "markdown-", "site-", "template-missing", "theme-"]
        .iter()
        .any(|p| code.starts_with(p))
}

fn site_yaml(lowered: &[String]) -> String {
    let mut yaml =
        format!("title: ISPDB round trip\nbase_url: https://ispdb.example.org\ntheme: default\nclients: {CLIENTS}\n");
    // The import records the ISPDB file as each provider's source; its age is not this test's.
    yaml.push_str("checks:\n  source-stale: off\n");
    if !lowered.is_empty() {
        yaml.push_str("# Real ISPDB faults are reported as warnings, so the build goes on and the\n");
        yaml.push_str("# providers they concern get a warning and no client files.\n");
        for code in lowered {
            yaml.push_str(&format!("  {code}: warning\n"));
        }
    }
    yaml
}

/// One server, as the round trip compares it. A missing `<username>` is the format's (and the
/// content model's) default, the full address.
fn key(s: &XmlServer) -> (String, String, String, Vec<String>, String) {
    (
        s.hostname.clone().unwrap_or_default(),
        s.port.clone().unwrap_or_default(),
        s.socket_type.clone().unwrap_or_default(),
        s.auth.clone(),
        s.username.clone().unwrap_or_else(|| "%EMAILADDRESS%".into()),
    )
}

#[test]
fn every_ispdb_file_imports_builds_and_reads_back_the_same_servers() {
    let site = tempfile::tempdir().expect("temp dir");
    let root = site.path();

    // Import: every file, one provider each, nothing failed or skipped.
    let reports = common::ispdb_site_with(root, &site_yaml(&[]));
    let mut slug_of: Vec<(PathBuf, String)> = Vec::new();
    for r in &reports {
        let results = r
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{} should import: {e}", r.path.display()));
        assert_eq!(results.len(), 1, "{}: one emailProvider", r.path.display());
        assert_eq!(results[0].status, WriteStatus::Written, "{}", r.path.display());
        slug_of.push((r.path.clone(), results[0].slug.clone()));
    }

    // The checker judges the data; its errors about providers become warnings for this site.
    let checked = mailguide::check_site(root);
    let site_model = checked.site.as_ref().expect("the imported site loads");
    assert_eq!(
        site_model.providers.len(),
        163,
        "every imported file loads as a provider"
    );
    let load_errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| is_load_code(&d.code))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(
        load_errors.is_empty(),
        "the importer writes valid content: {load_errors:?}"
    );
    let mut lowered: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.clone())
        .collect();
    lowered.sort();
    lowered.dedup();
    std::fs::write(root.join("site.yaml"), site_yaml(&lowered)).expect("write site.yaml");

    let out = root.join("public");
    let built = mailguide::build_site(&mailguide::BuildOptions::new(root, Some(out.clone())));
    let built = match built {
        Ok(b) => b,
        Err(mailguide::BuildFailure::Content(c)) => panic!("the site should build: {:?}", c.diagnostics),
        Err(mailguide::BuildFailure::Render(d, _)) => panic!("the site should render: {d:?}"),
        Err(mailguide::BuildFailure::Write(e, _)) => panic!("the site should be written: {e}"),
    };
    let flagged: Vec<&str> = built
        .checked
        .diagnostics
        .iter()
        .chain(&built.checked.allowed)
        .filter_map(|d| d.provider.as_deref())
        .collect();

    // Domains several files claim get no ISPDB-layout file.
    let originals: Vec<(String, Vec<client_support::XmlProvider>)> = slug_of
        .iter()
        .map(|(path, slug)| {
            let text = std::fs::read_to_string(path).expect("read the original");
            (slug.clone(), client_support::read(&text))
        })
        .collect();
    let mut owners: HashMap<String, usize> = HashMap::new();
    for (_, providers) in &originals {
        let mut domains: Vec<String> = providers[0].domains.iter().map(|d| d.to_lowercase()).collect();
        domains.sort();
        domains.dedup();
        for d in domains {
            *owners.entry(d).or_default() += 1;
        }
    }

    let validator = {
        let text = std::fs::read_to_string(out.join("schema/settings.schema.json")).expect("the schema");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        jsonschema::validator_for(&schema).expect("a valid schema")
    };
    let (mut compared, mut withheld, mut profiles) = (0, 0, 0);
    for (slug, providers) in &originals {
        let original = &providers[0];
        let own = out.join(slug).join("config-v1.1.xml");
        if flagged.contains(&slug.as_str()) {
            withheld += 1;
            for file in [
                own.clone(),
                out.join(slug).join(format!("{slug}.mobileconfig")),
                out.join(slug).join("settings.json"),
            ] {
                assert!(!file.exists(), "{slug} has findings: {} must not exist", file.display());
            }
            continue;
        }
        let text = std::fs::read_to_string(&own).unwrap_or_else(|e| panic!("{}: {e}", own.display()));
        let generated = client_support::read(&text);
        assert_eq!(generated.len(), 1);
        for kind in ["imap", "pop3", "smtp"] {
            let want: Vec<_> = original.mail_servers(kind).into_iter().map(key).collect();
            let got: Vec<_> = generated[0].mail_servers(kind).into_iter().map(key).collect();
            assert_eq!(got, want, "{slug}: the {kind} servers differ from the original file");
        }
        assert_eq!(generated[0].domains, original.domains, "{slug}: domains");
        // A displayName of %EMAILDOMAIN% (inbox.lv) becomes the provider's id: a page needs a name.
        if !original
            .display_name
            .as_deref()
            .unwrap_or_default()
            .contains("%EMAILDOMAIN%")
        {
            assert_eq!(generated[0].display_name, original.display_name, "{slug}: name");
        }
        for domain in &original.domains {
            let d = domain.to_lowercase();
            let by_domain = out.join(format!("autoconfig/{d}/mail/config-v1.1.xml"));
            if owners.get(&d) == Some(&1) {
                let same = std::fs::read_to_string(&by_domain).unwrap_or_else(|e| panic!("{d}: {e}"));
                // Hosts built from the domain carry the domain's own name in its file.
                let want = text.replace("%EMAILDOMAIN%</hostname>", &format!("{d}</hostname>"));
                let want = want.replace("<hostname>mail.%EMAILDOMAIN%", &format!("<hostname>mail.{d}"));
                assert_eq!(same, want, "{d}: the ISPDB-layout file is the provider's");
            }
        }
        let provider = site_model.provider(slug).expect("loaded");
        let profile = out.join(slug).join(format!("{slug}.mobileconfig"));
        if profile.exists() {
            assert_profile_matches(&profile, provider);
            profiles += 1;
        }
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(slug).join("settings.json")).expect("settings.json"),
        )
        .expect("JSON");
        let errors: Vec<String> = validator.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{slug}/settings.json: {errors:?}");
        compared += 1;
    }
    eprintln!("{compared} providers compared, {withheld} withheld for findings, {profiles} profiles checked");
    assert_eq!(compared + withheld, 163);
    assert!(compared > 0, "the round trip compared no provider at all");
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("settings.json")).expect("settings.json"))
            .expect("JSON");
    assert!(validator.is_valid(&all), "settings.json follows the schema");
    assert_eq!(all["providers"].as_array().map(Vec::len), Some(compared));
}
