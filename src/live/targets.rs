//! What the live check asks about, read from the site model. These functions are the only place
//! the live check reads the model, so a change to how servers, domains or links are written is
//! an edit here.

use crate::diagnostics::Location;
use crate::model::{Auth, Protocol, Provider, Security, Site, Source};

/// One server of the data, as a client would reach it.
#[derive(Debug, Clone)]
pub struct Target {
    pub provider: String,
    pub protocol: Protocol,
    /// The host to reach: for a host written as `mail.{domain}`, built for one listed domain.
    pub host: String,
    /// Whether the data writes the host as a template (`mail.{domain}`).
    pub templated: bool,
    /// `None` when the data's port is not a port (the `port-range` check reports it).
    pub port: Option<u16>,
    /// The port as written, for the results file.
    pub port_written: u32,
    pub security: Security,
    pub auth: Vec<Auth>,
    source: Source,
    /// The YAML path of the server, e.g. `servers.imap[0]`.
    path: String,
}

impl Target {
    /// Where a field of the server (`host`, `port`, `security`, `auth`) stands.
    pub fn locate(&self, field: &str) -> Location {
        self.source.locate(&format!("{}.{field}", self.path))
    }

    /// The server entry of the data this target comes from (provider and YAML path): the same
    /// for every domain's host of a templated server.
    pub fn entry(&self) -> (&str, &str) {
        (&self.provider, &self.path)
    }
}

/// A link of the data or the prose, and where it stands.
#[derive(Debug, Clone)]
pub struct LinkTarget {
    pub provider: Option<String>,
    pub url: String,
    pub location: Location,
}

/// A provider domain: its SRV records and its own autoconfig file are compared with the data.
#[derive(Debug, Clone)]
pub struct DomainTarget {
    pub provider: String,
    pub domain: String,
    pub location: Location,
    /// The provider's servers, for the comparison.
    pub servers: Vec<Target>,
}

/// Whether a provider is among those asked for (`--providers`; none given: all).
fn wanted(only: &[String], slug: &str) -> bool {
    only.is_empty() || only.iter().any(|s| s == slug)
}

/// Every server of the chosen providers. A host written as `mail.{domain}` is a different
/// server for each domain, so it is one target per listed domain, in the order of `domains`:
/// all of them, or the first `template_domains` (`--template-domains N`).
pub fn servers_to_check(site: &Site, only: &[String], template_domains: Option<usize>) -> Vec<Target> {
    let mut out = Vec::new();
    for p in site.providers.iter().filter(|p| wanted(only, &p.slug)) {
        let domains = &p.data.domains;
        let n = template_domains.unwrap_or(domains.len()).min(domains.len());
        out.extend(provider_servers(p, &domains[..n]));
    }
    out
}

/// A provider's servers, templated hosts built for each of `domains`.
fn provider_servers(p: &Provider, domains: &[String]) -> Vec<Target> {
    let mut out = Vec::new();
    for protocol in Protocol::ALL {
        for (i, s) in p.servers(protocol).iter().enumerate() {
            let hosts = if s.host_is_template() {
                domains.iter().map(|d| s.host_for(d)).collect()
            } else {
                vec![s.host.clone()]
            };
            for host in hosts {
                out.push(Target {
                    provider: p.slug.clone(),
                    protocol,
                    host: host.to_ascii_lowercase(),
                    templated: s.host_is_template(),
                    port: u16::try_from(s.port).ok().filter(|&p| p != 0),
                    port_written: s.port,
                    security: s.security,
                    auth: s.auth.clone(),
                    source: p.source.clone(),
                    path: format!("servers.{}[{i}]", protocol.id()),
                });
            }
        }
    }
    out
}

/// Every domain of the chosen providers, with the provider's servers as an address at that
/// domain reaches them (templated hosts built for that domain).
pub fn domains_to_check(site: &Site, only: &[String]) -> Vec<DomainTarget> {
    let mut out = Vec::new();
    for p in site.providers.iter().filter(|p| wanted(only, &p.slug)) {
        for (i, domain) in p.data.domains.iter().enumerate() {
            out.push(DomainTarget {
                provider: p.slug.clone(),
                domain: domain.to_ascii_lowercase(),
                location: p.source.locate(&format!("domains[{i}]")),
                servers: provider_servers(p, std::slice::from_ref(domain)),
            });
        }
    }
    out
}

/// Every `http://` and `https://` address in the chosen providers' files (help, documentation
/// and source URLs, links in their prose) and, when no provider is chosen, in every other
/// content file. Found in the file's text, so each link has its own line and column; YAML
/// comment lines are skipped (they cite sources without a scheme, for editors).
pub fn links_to_check(site: &Site, only: &[String]) -> Vec<LinkTarget> {
    let mut out = Vec::new();
    for p in site.providers.iter().filter(|p| wanted(only, &p.slug)) {
        scan(&p.source, Some(&p.slug), true, &mut out);
    }
    if only.is_empty() {
        let markdown = site
            .clients
            .iter()
            .filter_map(|c| c.guide.as_ref().map(|g| &g.source))
            .chain(site.overrides.iter().map(|o| &o.guide.source))
            .chain(site.pages.iter().map(|p| &p.guide.source));
        for source in markdown {
            scan(source, None, false, &mut out);
        }
        let mut lists: Vec<&Source> = site.faq.iter().map(|e| &e.source).collect();
        lists.extend(site.troubleshooting.iter().map(|e| &e.source));
        lists.dedup_by(|a, b| a.path == b.path);
        for source in lists {
            scan(source, None, true, &mut out);
        }
    }
    out
}

fn scan(source: &Source, provider: Option<&str>, yaml: bool, out: &mut Vec<LinkTarget>) {
    for (n, line) in source.text.lines().enumerate() {
        if yaml && line.trim_start().starts_with('#') {
            continue;
        }
        let mut from = 0;
        while let Some(found) = find_scheme(&line[from..]) {
            let start = from + found;
            let len = line[start..]
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | ']' | '<' | '`' | '|'))
                .unwrap_or(line.len() - start);
            let url = line[start..start + len].trim_end_matches(['.', ',', ';', ':', '*']);
            if url.len() > "https://".len() {
                let column = line[..start].chars().count() + 1;
                out.push(LinkTarget {
                    provider: provider.map(str::to_string),
                    url: url.to_string(),
                    location: Location::new(source.path.clone(), n + 1, column).with_len(url.chars().count()),
                });
            }
            from = start + len.max(1);
        }
    }
}

fn find_scheme(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
