//! Machine-readable outputs written beside the pages, one file per format: the sitemap, and the
//! files that configure mail clients directly (Thunderbird autoconfig, Apple configuration
//! profiles, JSON settings with their schema, RFC 6186 DNS records).
//!
//! The client files come from the same provider data as the pages, so a page and a file can never
//! disagree. A provider with check findings that the site's policy let through (warnings, or
//! findings its `allow:` list silenced) gets a warning on its pages and none of these files and
//! records: a client must never be configured from data we know is doubtful. [`extras`] decides
//! that once per provider; [`provider_files`] is called for exactly the providers whose pages
//! carry no warning ([`withheld`]), so links and files always match.

pub mod autoconfig;
pub mod dns;
pub mod hosts;
pub mod images;
pub mod json;
pub mod mobileconfig;
pub mod search;
pub mod sitemap;

use crate::diagnostics::Diagnostic;
use crate::model::{Provider, Site};
use crate::plan::Plan;
use crate::plan::files::OutputFile;
use crate::plan::files::{FileLink, ProviderExtras};
use crate::plan::urls::file_url;
use crate::render::RenderOptions;
use crate::render::theme::Theme;
use std::collections::{BTreeMap, HashMap};

/// How many findings a reader-facing warning names before it says "and N more".
const WARNING_FINDINGS: usize = 3;

/// Per provider slug: the warning, download links and DNS records its pages show. `findings`
/// are the check findings of the build after the policy (findings a provider allows are not
/// among them).
pub fn extras<'a>(site: &Site, findings: impl IntoIterator<Item = &'a Diagnostic>) -> HashMap<String, ProviderExtras> {
    let mut flagged: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in findings {
        if let Some(slug) = d.provider.as_deref() {
            let messages = flagged.entry(slug).or_default();
            if !messages.contains(&d.message.as_str()) {
                messages.push(&d.message);
            }
        }
    }
    let domains = domain_owners(site);
    site.providers
        .iter()
        .map(|p| {
            let extras = match flagged.get(p.slug.as_str()) {
                Some(messages) => ProviderExtras {
                    warning: Some(warning_text(p, messages)),
                    files: vec![],
                    dns: vec![],
                    live_checked: None,
                },
                None => ProviderExtras {
                    warning: None,
                    files: links(p, &domains),
                    dns: if p.data.dns_records { dns::records(p) } else { vec![] },
                    live_checked: None,
                },
            };
            (p.slug.clone(), extras)
        })
        .collect()
}

/// The site's files that are neither pages nor client files: theme assets, `root/` files, the
/// sitemap, robots.txt and the search index.
pub fn site_files(
    site: &Site,
    plan: &Plan,
    theme: &Theme,
    opts: &RenderOptions,
    search: Option<&search::SearchIndex>,
) -> Vec<OutputFile> {
    let mut files = Vec::with_capacity(theme.assets.len() + theme.root_files.len() + 3);
    for asset in &theme.assets {
        files.push(OutputFile::new(asset.output_path.clone(), asset.bytes.clone()));
    }
    // `_headers` is written with the host configuration, the site's rules first.
    for file in theme.root_files.iter().filter(|f| f.output_path != hosts::HEADERS) {
        files.push(OutputFile::new(file.output_path.clone(), file.bytes.clone()));
    }
    let pages = sitemap::pages(site, plan, &opts.commit_dates);
    files.push(sitemap::sitemap(&opts.base_url, &pages));
    files.push(sitemap::robots(&opts.base_url));
    files.extend(search.map(|s| s.file.clone()));
    files
}

/// The error for a second file at `path`: a file of `root/` where the build writes another.
pub fn root_file_collision(theme: &Theme, path: &str) -> Diagnostic {
    let source = theme.root_files.iter().find(|f| f.output_path == path);
    Diagnostic::error(
        "root-file-collision",
        format!("{path} is written by the build, so a file of root/ cannot stand there"),
    )
    .at_opt(source.map(|f| crate::diagnostics::Location::file(&f.source)))
    .help("rename or remove the file in root/; static/ files are published fingerprinted under /static/")
}

/// Whether a provider's client files are withheld: its pages carry a warning.
pub fn withheld(opts: &RenderOptions, slug: &str) -> bool {
    opts.extras.get(slug).is_some_and(|e| e.warning.is_some())
}

/// One provider's client files and its entry of `settings.json`, for a provider that is not
/// [`withheld`]. The pipeline keeps them per provider between `serve`'s renders and calls this
/// only for providers whose inputs changed (their data, their domains' owners, their warning).
pub fn provider_files(
    site: &Site,
    p: &Provider,
    domains: &HashMap<String, usize>,
    opts: &RenderOptions,
) -> (Vec<OutputFile>, serde_json::Value) {
    let plan = FilePlan::new(p, domains);
    let mut out = Vec::new();
    if let Some(xml) = autoconfig::config(p, &site.config.language) {
        out.push(OutputFile::new(
            format!("{}/{}", p.slug, autoconfig::FILE_NAME),
            xml.clone(),
        ));
        let templated = crate::model::Protocol::ALL
            .iter()
            .any(|proto| p.servers(*proto).iter().any(|s| s.host_is_template()));
        for d in &plan.autoconfig_domains {
            let file = if templated {
                autoconfig::config_for(p, &site.config.language, Some(d)).unwrap_or_else(|| xml.clone())
            } else {
                xml.clone()
            };
            out.push(OutputFile::new(autoconfig::domain_path(d), file));
        }
    }
    if plan.profile
        && let Some(bytes) = mobileconfig::profile(p, &site.config.title, &opts.base_url)
    {
        out.push(OutputFile::new(mobileconfig::path(p), bytes));
    }
    let value = json::provider(p, &plan, &opts.base_url);
    out.push(json::provider_file(p, &value, &opts.base_url));
    (out, value)
}

/// The site-wide `settings.json` (the published providers' entries, in site order) and its
/// schema.
pub fn site_wide_files(site: &Site, opts: &RenderOptions, published: Vec<serde_json::Value>) -> [OutputFile; 2] {
    [
        json::site_file(&site.config.title, &opts.base_url, published),
        json::schema_file(&opts.base_url),
    ]
}

/// Which files a provider gets, decided once for the links and the files.
pub struct FilePlan {
    pub autoconfig: bool,
    /// Domains whose ISPDB-layout file this provider writes (valid, and claimed by no other
    /// provider of the site).
    pub autoconfig_domains: Vec<String>,
    pub profile: bool,
}

impl FilePlan {
    fn new(p: &Provider, owners: &HashMap<String, usize>) -> Self {
        let autoconfig = autoconfig::possible(p);
        let mut autoconfig_domains: Vec<String> = Vec::new();
        if autoconfig {
            for d in &p.data.domains {
                let d = d.to_ascii_lowercase();
                if safe_domain(&d) && owners.get(&d) == Some(&1) && !autoconfig_domains.contains(&d) {
                    autoconfig_domains.push(d);
                }
            }
        }
        FilePlan {
            autoconfig,
            autoconfig_domains,
            profile: mobileconfig::choose(p).is_some(),
        }
    }
}

/// How many providers claim each (lowercased) domain. A domain two providers claim gets no
/// ISPDB-layout file: which of them is right is unknown.
pub fn domain_owners(site: &Site) -> HashMap<String, usize> {
    let mut owners: HashMap<String, usize> = HashMap::new();
    for p in &site.providers {
        let mut mine: Vec<String> = p.data.domains.iter().map(|d| d.to_ascii_lowercase()).collect();
        mine.sort();
        mine.dedup();
        for d in mine {
            *owners.entry(d).or_default() += 1;
        }
    }
    owners
}

/// A domain usable as one path segment: letters, digits, `-` and inner dots.
fn safe_domain(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 253
        && d.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !d.starts_with(['.', '-'])
        && !d.ends_with('.')
        && !d.contains("..")
}

fn links(p: &Provider, owners: &HashMap<String, usize>) -> Vec<FileLink> {
    let plan = FilePlan::new(p, owners);
    let mut links = Vec::new();
    if plan.profile
        && let Some(description) = mobileconfig::description(p)
    {
        links.push(FileLink {
            kind: "apple-profile",
            title: "Configuration profile for iPhone, iPad and Mac".into(),
            url: file_url(&mobileconfig::path(p)),
            description,
        });
    }
    if plan.autoconfig {
        links.push(FileLink {
            kind: "autoconfig",
            title: "Thunderbird autoconfig file (config-v1.1.xml)".into(),
            url: file_url(&format!("{}/{}", p.slug, autoconfig::FILE_NAME)),
            description: "These settings in the autoconfig format that Thunderbird and other mail apps read; \
                          a mail administrator can publish it for the provider's domains."
                .into(),
        });
    }
    links.push(FileLink {
        kind: "json",
        title: "Settings as JSON".into(),
        url: file_url(&format!("{}/{}", p.slug, json::FILE_NAME)),
        description: format!(
            "These settings for programs, described by the schema at /{}.",
            json::SCHEMA_PATH
        ),
    });
    links
}

/// What readers are told about a provider whose data has findings.
fn warning_text(p: &Provider, messages: &[&str]) -> String {
    let mut named: Vec<String> = messages
        .iter()
        .take(WARNING_FINDINGS)
        // Messages are written for editors; code quotes mean nothing to a reader.
        .map(|m| m.trim_end_matches('.').replace('`', ""))
        .collect();
    if messages.len() > WARNING_FINDINGS {
        named.push(format!("and {} more", messages.len() - WARNING_FINDINGS));
    }
    let short = p.short_name();
    format!(
        "Our checks found problems in these settings: {}. They may be wrong, so confirm them with {short} \
         before you rely on them. Until they are resolved, this site offers no files that set up a mail app \
         for {short} automatically.",
        named.join("; ")
    )
}

/// XML text and attribute escaping for the hand-written XML outputs, and what XML cannot carry
/// (see [`xml_char`]).
pub(crate) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => xml_char(c, &mut out),
        }
    }
    out
}

/// A character of XML text, made safe. The check refuses control characters and bidirectional
/// overrides in content (`text-control-character`); this is the second line, so no writer ever
/// produces a file a mail app rejects. XML 1.0 cannot carry U+0000 to U+001F other than tab,
/// newline and carriage return, nor U+FFFE and U+FFFF, not even as `&#1;`: they become U+FFFD.
/// C1 controls are allowed but invisible: also U+FFFD. Embeddings and overrides (U+202A to
/// U+202E) are kept as character references, so the value is unchanged for the parser while the
/// file shows no reversed text to whoever opens it.
pub(crate) fn xml_char(c: char, out: &mut String) {
    use std::fmt::Write as _;
    match c {
        '\t' | '\n' | '\r' => out.push(c),
        c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
        '\u{202A}'..='\u{202E}' => {
            let _ = write!(out, "&#x{:X};", c as u32);
        }
        c => out.push(c),
    }
}

/// A whole XML text made safe by [`xml_char`], for XML that a library wrote (the plist writer
/// escapes markup only). Its markup has no control or bidirectional characters, so only text
/// changes.
pub(crate) fn xml_safe(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    for c in xml.chars() {
        xml_char(c, &mut out);
    }
    out
}

/// Content as unsafe as the check refuses, for the writers' own tests: a NUL, a right-to-left
/// override and a form feed in the name and the user name.
#[cfg(test)]
pub(crate) fn hostile_provider() -> Provider {
    use std::sync::Arc;
    let yaml = "name: \"Post\\u0000box\\u202eevil\"\ndomains: [postbox.test]\nservers:\n  imap:\n    - host: imap.postbox.test\n      port: 993\n      security: tls\n      username: \"me\\x01\\x0c\"\n  smtp:\n    - host: smtp.postbox.test\n      port: 587\n      security: starttls\n      username: \"me\\x01\\x0c\"\nno_pop3: IMAP only.\n";
    let data: crate::model::ProviderData = serde_yaml::from_str(yaml).expect("the test's provider parses");
    assert!(data.name.contains('\0') && data.name.contains('\u{202E}'));
    Provider {
        slug: "postbox".into(),
        data,
        source: crate::model::Source {
            path: "content/providers/postbox.yaml".into(),
            text: Arc::from(yaml),
            spans: Arc::new(crate::load::yaml::spans_of(yaml)),
            lines: Arc::new(crate::model::LineIndex::new(yaml)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_domains_become_paths() {
        assert!(safe_domain("mail.example.org"));
        assert!(!safe_domain("../etc"));
        assert!(!safe_domain("a/b"));
        assert!(!safe_domain(".example.org"));
        assert!(!safe_domain(""));
    }

    #[test]
    fn xml_escaping_covers_markup_and_quotes() {
        assert_eq!(escape_xml(r#"a&b<c>"d'"#), "a&amp;b&lt;c&gt;&quot;d&apos;");
    }

    #[test]
    fn xml_escaping_replaces_what_xml_cannot_carry_and_references_overrides() {
        assert_eq!(
            escape_xml("a\0b\u{202E}c\u{1}\td\u{FFFF}"),
            "a\u{FFFD}b&#x202E;c\u{FFFD}\td\u{FFFD}"
        );
    }
}
