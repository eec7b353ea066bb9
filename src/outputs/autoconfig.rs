//! Thunderbird autoconfig files (`clientConfig` version 1.1, the ISPDB format), which Thunderbird,
//! Thunderbird for Android and other mail apps fetch to set up an account from the address alone.
//!
//! Each provider gets `/<slug>/config-v1.1.xml`, and each of its domains a copy at
//! `/autoconfig/<domain>/mail/config-v1.1.xml`: the layout of Mozilla's ISPDB, so a provider can
//! serve the file as `https://autoconfig.<domain>/mail/config-v1.1.xml` or
//! `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml` unchanged. The format's words
//! (socket types, authentication names, username placeholders) come from
//! [`crate::ispdb::vocabulary`], which the importer reads with.

use super::escape_xml;
use crate::ispdb::vocabulary::{self, authentication, server_element, server_type, socket_type};
use crate::model::{Protocol, Provider, Server};
use std::fmt::Write as _;

pub use crate::ispdb::vocabulary::FILE_NAME;

/// The ISPDB-layout path of a domain's file.
pub fn domain_path(domain: &str) -> String {
    format!("autoconfig/{domain}/mail/{FILE_NAME}")
}

/// Whether the provider has what a client needs to be configured: an incoming server.
pub fn possible(p: &Provider) -> bool {
    !p.servers(Protocol::Imap).is_empty() || !p.servers(Protocol::Pop3).is_empty()
}

/// The provider's `config-v1.1.xml`, or `None` when it has no incoming server. Servers keep the
/// data's order within a protocol; IMAP comes before POP3, as guides prefer it.
pub fn config(p: &Provider, language: &str) -> Option<String> {
    config_for(p, language, None)
}

/// The file for one of the provider's domains: hosts built from the reader's domain carry that
/// domain literally (the provider-level file keeps `%EMAILDOMAIN%` for the client to fill in).
pub fn config_for(p: &Provider, language: &str, domain: Option<&str>) -> Option<String> {
    if !possible(p) {
        return None;
    }
    let d = &p.data;
    let id = d.domains.first().map(String::as_str).unwrap_or(&p.slug);
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"{}\">\n",
        vocabulary::VERSION
    );
    let _ = writeln!(x, "  <emailProvider id=\"{}\">", escape_xml(id));
    for domain in &d.domains {
        let _ = writeln!(x, "    <domain>{}</domain>", escape_xml(domain));
    }
    let _ = writeln!(x, "    <displayName>{}</displayName>", escape_xml(&d.name));
    let _ = writeln!(
        x,
        "    <displayShortName>{}</displayShortName>",
        escape_xml(p.short_name())
    );
    for proto in Protocol::ALL {
        for s in p.servers(proto) {
            let host = match domain {
                Some(d) => s.host_for(d),
                None => s.host_placeholder(),
            };
            server(&mut x, proto, s, &host);
        }
    }
    for link in &d.documentation {
        let _ = writeln!(x, "    <documentation url=\"{}\">", escape_xml(&link.url));
        if let Some(title) = &link.title {
            let _ = writeln!(
                x,
                "      <descr lang=\"{}\">{}</descr>",
                escape_xml(language),
                escape_xml(title)
            );
        }
        x.push_str("    </documentation>\n");
    }
    x.push_str("  </emailProvider>\n</clientConfig>\n");
    Some(x)
}

fn server(x: &mut String, proto: Protocol, s: &Server, host: &str) {
    let element = server_element(proto);
    let _ = writeln!(x, "    <{element} type=\"{}\">", server_type(proto));
    let _ = writeln!(x, "      <hostname>{}</hostname>", escape_xml(host));
    let _ = writeln!(x, "      <port>{}</port>", s.port);
    let _ = writeln!(x, "      <socketType>{}</socketType>", socket_type(s.security));
    let _ = writeln!(
        x,
        "      <username>{}</username>",
        escape_xml(&vocabulary::username(&s.username))
    );
    for a in &s.auth {
        let _ = writeln!(x, "      <authentication>{}</authentication>", authentication(*a));
    }
    let _ = writeln!(x, "    </{element}>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_and_an_override_leave_well_formed_xml() {
        let p = crate::outputs::hostile_provider();
        let xml = config(&p, "en").expect("an autoconfig file");
        assert!(!xml.contains(['\0', '\u{1}', '\u{c}', '\u{202E}']), "{xml}");
        assert!(
            xml.contains("<displayName>Post\u{FFFD}box&#x202E;evil</displayName>"),
            "{xml}"
        );
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event().expect("well-formed XML") {
                quick_xml::events::Event::Eof => break,
                _ => continue,
            }
        }
    }
}
