//! DNS records a domain owner can publish so mail apps find the servers by themselves: RFC 6186
//! SRV records (`_imaps._tcp`, `_imap._tcp`, `_pop3s._tcp`, `_pop3._tcp`, `_submission._tcp`) and
//! RFC 8314's `_submissions._tcp` for SMTP over implicit TLS. Shown on the page of a provider with
//! `dns_records: true`.
//!
//! Priorities follow the data's order (the first server of a protocol is preferred, priority 0),
//! across the implicit-TLS and STARTTLS names of a protocol, as RFC 8314 section 5.1 asks. A
//! protocol the provider does not offer gets RFC 6186's "not available" record (target `.`).

use crate::model::{Protocol, Provider, Security};
use crate::plan::files::DnsRecord;

/// The SRV service name of a server: implicit TLS has its own.
pub fn service(proto: Protocol, security: Security) -> &'static str {
    match (proto, security == Security::Tls) {
        (Protocol::Imap, true) => "_imaps._tcp",
        (Protocol::Imap, false) => "_imap._tcp",
        (Protocol::Pop3, true) => "_pop3s._tcp",
        (Protocol::Pop3, false) => "_pop3._tcp",
        (Protocol::Smtp, true) => "_submissions._tcp",
        (Protocol::Smtp, false) => "_submission._tcp",
    }
}

fn fqdn(host: &str) -> String {
    if host.ends_with('.') {
        host.to_string()
    } else {
        format!("{host}.")
    }
}

/// The records for every domain of the provider, in the order a zone file would list them.
pub fn records(p: &Provider) -> Vec<DnsRecord> {
    let mut domains: Vec<String> = Vec::new();
    for d in &p.data.domains {
        let d = d.trim_end_matches('.').to_ascii_lowercase();
        if !d.is_empty() && !domains.contains(&d) {
            domains.push(d);
        }
    }
    let mut out = Vec::new();
    for domain in &domains {
        for proto in Protocol::ALL {
            let servers = p.servers(proto);
            if servers.is_empty() {
                for security in [Security::Tls, Security::Starttls] {
                    out.push(DnsRecord {
                        name: format!("{}.{domain}.", service(proto, security)),
                        kind: "SRV".into(),
                        value: "0 0 0 .".into(),
                    });
                }
                continue;
            }
            for (priority, s) in servers.iter().enumerate() {
                out.push(DnsRecord {
                    name: format!("{}.{domain}.", service(proto, s.security)),
                    kind: "SRV".into(),
                    value: format!("{priority} 1 {} {}", s.port, fqdn(&s.host_for(domain))),
                });
            }
        }
    }
    out
}
