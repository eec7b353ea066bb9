//! Prose against data: host names, ports and security words written literally in guides, FAQ
//! answers, troubleshooting entries, prerequisites and free pages, checked against the settings
//! of the provider the text talks about.
//!
//! Hand-written help pages contradict themselves because the same fact is typed in many places;
//! this rule finds every place where a fact was typed instead of taken from the data. A literal
//! that disagrees with the data is an error (`prose-contradiction`, `prose-unknown-host`,
//! `prose-security-word`); one that agrees is a warning (`prose-literal`) whose help names the
//! Tera expression to write instead.
//!
//! How a text is read:
//! - Tera pieces, URLs, link targets, e-mail addresses and HTML comments are masked; `{{ smtp.host }}`
//!   still counts as a mention of the SMTP server, `{{ words.port }}` as the word "port".
//! - The text is cut into segments: sentences, list items, table rows, headings, and the branches
//!   of `{% if %}` tags. Facts only relate to each other within a segment.
//! - A host is a name that is a server of some provider, or that looks like a mail server
//!   (`imap.`, `pop.`, `smtp.`, `mail.` ...). A port is a number after "port", a number right
//!   after `host:`, or a registered mail port (993, 587 ...) in a segment that names a host. A
//!   security word is an unambiguous value (SSL/TLS, STARTTLS, a client's own word such as
//!   StartTLS) or a value after a security label ("Use SSL: On", "SSL on").
//! - Within a segment, each port and security word belongs to the host before it, unless a
//!   clause break (`,` `;` `—` "and" ...) separates it from that host and none separates it from
//!   the next one ("port 993 on imap.x and port 587 on smtp.x").
//! - A segment that names neither a host nor a protocol is about what the text's lead asks or
//!   tells about ([`crate::check::text::Piece::lead`]): a FAQ answer's question, a
//!   troubleshooting fix's title and symptom ("Which port does ExHost use for sending?" makes
//!   "Use port 465" a statement about ExHost's SMTP server).
//! - The provider is the text's own (its folder, `provider:` field, or the provider file it is
//!   in); a generic client guide or free page talks about the provider whose host it names.
//! - Security words are read in the words of the text's client: "SSL on" is the iPhone's word for
//!   both kinds of encryption, and no word of Thunderbird's at all.
//!
//! The parts: `vocab` gathers the security words, `scan` reads a text into segments of mentions,
//! `judge` compares a segment's mentions with the data, and `help` words the findings.

mod help;
mod judge;
mod scan;
mod vocab;

use super::Context;
use super::text::Kind;
use crate::diagnostics::Diagnostic;
use crate::model::{Protocol, Provider, Server, Site};
use judge::check_segment;
use scan::scan;
use std::collections::HashMap;
use vocab::Vocab;

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let known = Known::new(site);
    let mut out = Vec::new();
    for piece in cx.pieces() {
        // Notes only count when they name one of their provider's own servers: skip the rest
        // without reading them closely.
        if piece.kind == Kind::ProviderNotes {
            let Some(p) = piece.provider else { continue };
            let lower = piece.text.body.to_ascii_lowercase();
            let names_own = Protocol::ALL
                .iter()
                .flat_map(|proto| p.servers(*proto))
                .any(|s| lower.contains(&s.host.to_ascii_lowercase()));
            if !names_own {
                continue;
            }
        }
        let segments = scan(&piece.text.body, &known.vocab);
        let lead = match &piece.lead {
            Some(lead) if !segments.is_empty() => scan::subjects(&lead.text, &known.vocab),
            _ => vec![],
        };
        for seg in &segments {
            check_segment(site, &known, piece, seg, &lead, &mut out);
        }
    }
    out
}

/// A server a mention resolved to.
#[derive(Clone, Copy)]
pub(super) struct Found<'a> {
    pub(super) provider: &'a Provider,
    pub(super) protocol: Protocol,
    pub(super) index: usize,
    pub(super) server: &'a Server,
}

/// What the rule knows before reading any text: every server host and every security word.
struct Known<'a> {
    /// Lower-case host to the servers that have it: (provider index, protocol, index in list).
    hosts: HashMap<String, Vec<(usize, Protocol, usize)>>,
    /// Lower-case e-mail domains of every provider: named in prose, they are not servers.
    domains: std::collections::HashSet<String>,
    providers: &'a [Provider],
    vocab: Vocab,
}

impl<'a> Known<'a> {
    fn new(site: &'a Site) -> Self {
        let mut hosts: HashMap<String, Vec<(usize, Protocol, usize)>> = HashMap::new();
        for (pi, p) in site.providers.iter().enumerate() {
            for proto in Protocol::ALL {
                for (si, s) in p.servers(proto).iter().enumerate() {
                    hosts
                        .entry(s.host.to_ascii_lowercase())
                        .or_default()
                        .push((pi, proto, si));
                }
            }
        }
        let domains = site
            .providers
            .iter()
            .flat_map(|p| p.data.domains.iter().map(|d| d.to_ascii_lowercase()))
            .collect();
        Known {
            hosts,
            domains,
            providers: &site.providers,
            vocab: Vocab::new(&site.clients),
        }
    }
}
