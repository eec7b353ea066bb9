//! Turning the mentions of a segment into findings: resolving hosts to servers, giving each
//! port and security word to its host, and comparing them with the data of the provider the
//! text talks about.

use super::help::{
    HostName, distinct_providers, expression_help, generic_host, list_ports, literal_host, unknown_host, var_for,
};
use super::scan::{HostMention, HostRef, PortMention, SecMention, Segment, mail_like};
use super::vocab::words_of;
use super::{Found, Known};
use crate::check::text::{Kind, Piece, Text};
use crate::diagnostics::Diagnostic;
use crate::model::{Client, Protocol, Provider, Security, Site};
use std::collections::HashMap;

fn found<'a>(known: &Known<'a>, entries: &[(usize, Protocol, usize)]) -> Vec<Found<'a>> {
    entries
        .iter()
        .map(|&(pi, protocol, index)| {
            let provider = &known.providers[pi];
            Found {
                provider,
                protocol,
                index,
                server: &provider.servers(protocol)[index],
            }
        })
        .collect()
}

/// The preferred server behind a template variable, for one provider.
fn var_server<'a>(p: &'a Provider, var: &str) -> Option<Found<'a>> {
    let protocol = match var {
        "imap" => Protocol::Imap,
        "pop3" => Protocol::Pop3,
        "smtp" => Protocol::Smtp,
        _ => {
            if p.preferred(Protocol::Imap).is_some() {
                Protocol::Imap
            } else {
                Protocol::Pop3
            }
        }
    };
    p.preferred(protocol).map(|server| Found {
        provider: p,
        protocol,
        index: 0,
        server,
    })
}

/// Which host a mention at `start..end` belongs to.
fn owner(hosts: &[HostMention], breaks: &[usize], start: usize, end: usize) -> Option<usize> {
    let before = hosts.iter().rposition(|h| h.end <= start);
    let after = hosts.iter().position(|h| h.start >= end);
    let broken = |from: usize, to: usize| breaks.iter().any(|b| *b >= from && *b < to);
    match (before, after) {
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(b)) => Some(b),
        (Some(a), Some(b)) => {
            if broken(hosts[a].end, start) && !broken(end, hosts[b].start) {
                Some(b)
            } else {
                Some(a)
            }
        }
    }
}

/// Which port a security word goes with, among the ports of its host.
fn paired_port(ports: &[&PortMention], breaks: &[usize], start: usize, end: usize) -> Option<u32> {
    let before = ports.iter().rposition(|p| p.end <= start);
    let after = ports.iter().position(|p| p.start >= end);
    let broken = |from: usize, to: usize| breaks.iter().any(|b| *b >= from && *b < to);
    let pick = match (before, after) {
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(b)) => Some(b),
        (Some(a), Some(b)) => {
            if broken(ports[a].end, start) && !broken(end, ports[b].start) {
                Some(b)
            } else {
                Some(a)
            }
        }
    };
    pick.map(|k| ports[k].port)
}

/// Checks one segment. `lead` is what the text's lead names ([`super::scan::subjects`]), for
/// a segment that names no server of its own.
pub(super) fn check_segment(
    site: &Site,
    known: &Known,
    piece: &Piece,
    seg: &Segment,
    lead: &[HostRef],
    out: &mut Vec<Diagnostic>,
) {
    let noun = piece.kind.noun();
    let text = &piece.text;
    // Assign ports and security words to hosts.
    let mut host_ports: Vec<Vec<&PortMention>> = vec![Vec::new(); seg.hosts.len()];
    let mut loose_ports: Vec<&PortMention> = Vec::new();
    for p in &seg.ports {
        let o = if p.glued {
            seg.hosts.iter().rposition(|h| h.end <= p.start)
        } else {
            owner(&seg.hosts, &seg.breaks, p.start, p.end)
        };
        match o {
            Some(k) => host_ports[k].push(p),
            None => loose_ports.push(p),
        }
    }
    let mut host_secs: Vec<Vec<&SecMention>> = vec![Vec::new(); seg.hosts.len()];
    for s in &seg.secs {
        if let Some(k) = owner(&seg.hosts, &seg.breaks, s.start, s.end) {
            host_secs[k].push(s);
        }
    }

    for (k, h) in seg.hosts.iter().enumerate() {
        let ports = &host_ports[k];
        let secs = &host_secs[k];
        match &h.host {
            HostRef::Literal(name) => {
                let entries = known.hosts.get(name).map(Vec::as_slice).unwrap_or(&[]);
                if entries.is_empty() && (!mail_like(name) || known.domains.contains(name)) {
                    continue;
                }
                let all = found(known, entries);
                let loc = text.location(h.start, h.end);
                let servers: Vec<Found> = match piece.provider {
                    Some(p) => all.iter().copied().filter(|f| std::ptr::eq(f.provider, p)).collect(),
                    None => all.clone(),
                };
                // The host itself.
                match (piece.provider, piece.kind) {
                    (Some(p), _) if servers.is_empty() => {
                        if piece.kind == Kind::ProviderNotes {
                            continue;
                        }
                        out.push(unknown_host(noun, name, p, &all, loc));
                        continue;
                    }
                    (None, Kind::ClientGuide) => {
                        let owners = distinct_providers(&all);
                        if owners.is_empty() || owners.len() != site.providers.len() {
                            out.push(generic_host(piece, name, &owners, &all, loc));
                        }
                        if all.is_empty() {
                            continue;
                        }
                    }
                    (None, _) if all.is_empty() => continue,
                    _ => {
                        if piece.kind != Kind::ProviderNotes {
                            out.push(literal_host(piece, name, &servers, loc));
                        }
                    }
                }
                check_facts(
                    &known.vocab.phrases,
                    piece,
                    &servers,
                    &HostName::Literal(name),
                    ports,
                    secs,
                    &seg.breaks,
                    out,
                );
            }
            HostRef::Var(var) => {
                if ports.is_empty() && secs.is_empty() {
                    continue;
                }
                let shown = HostName::Var(var);
                match piece.provider {
                    Some(p) => {
                        if let Some(f) = var_server(p, var) {
                            check_facts(&known.vocab.phrases, piece, &[f], &shown, ports, secs, &seg.breaks, out);
                        }
                    }
                    None if piece.kind == Kind::ClientGuide => {
                        check_generic_var(site, known, piece, var, ports, secs, &seg.breaks, out);
                    }
                    None => {}
                }
            }
        }
    }

    // No host, but a protocol word ("port 465 for sending"): in a text about one provider, the
    // word names that provider's servers of the protocol.
    if let Some(p) = piece.provider
        && piece.kind != Kind::ProviderNotes
        && seg.hosts.is_empty()
        && !seg.protos.is_empty()
    {
        let mut proto_ports: Vec<Vec<&PortMention>> = vec![Vec::new(); seg.protos.len()];
        for port in &loose_ports {
            if let Some(k) = owner(&seg.protos, &seg.breaks, port.start, port.end) {
                proto_ports[k].push(port);
            }
        }
        let mut proto_secs: Vec<Vec<&SecMention>> = vec![Vec::new(); seg.protos.len()];
        for sec in &seg.secs {
            if let Some(k) = owner(&seg.protos, &seg.breaks, sec.start, sec.end) {
                proto_secs[k].push(sec);
            }
        }
        for (k, m) in seg.protos.iter().enumerate() {
            let HostRef::Var(var) = &m.host else { continue };
            let Some(first) = var_server(p, var) else { continue };
            let servers: Vec<Found> = p
                .servers(first.protocol)
                .iter()
                .enumerate()
                .map(|(index, server)| Found {
                    provider: p,
                    protocol: first.protocol,
                    index,
                    server,
                })
                .collect();
            let name = HostName::Protocol(first.protocol.name());
            check_facts(
                &known.vocab.phrases,
                piece,
                &servers,
                &name,
                &proto_ports[k],
                &proto_secs[k],
                &seg.breaks,
                out,
            );
        }
        return;
    }

    // Neither a host nor a protocol word: the segment answers its lead ("Which port does ExHost
    // use for sending?" – "Use port 465 with SSL/TLS.").
    if seg.hosts.is_empty()
        && piece.kind != Kind::ProviderNotes
        && !lead.is_empty()
        && let Some((servers, name)) = lead_servers(known, piece, lead)
    {
        let mut found = Vec::new();
        let host = HostName::Protocol(&name);
        check_facts(
            &known.vocab.phrases,
            piece,
            &servers,
            &host,
            &loose_ports,
            &seg.secs.iter().collect::<Vec<_>>(),
            &seg.breaks,
            &mut found,
        );
        if let Some(lead) = &piece.lead {
            let words: Vec<&str> = lead.text.split_whitespace().collect();
            // A long symptom is named by its first words.
            let said = if words.len() > 14 {
                format!("{} …", words[..12].join(" "))
            } else {
                words.join(" ")
            };
            for d in &mut found {
                d.note = Some(format!("read with its {}: \"{}\"", lead.what, said));
            }
        }
        out.extend(found);
        return;
    }

    // Ports with no host in their segment: a repeat of the provider's data is still a repeat.
    if let Some(p) = piece.provider
        && piece.kind != Kind::ProviderNotes
    {
        for port in loose_ports {
            let matching: Vec<Found> = Protocol::ALL
                .iter()
                .flat_map(|&proto| {
                    p.servers(proto).iter().enumerate().map(move |(index, server)| Found {
                        provider: p,
                        protocol: proto,
                        index,
                        server,
                    })
                })
                .filter(|f| f.server.port == port.port)
                .collect();
            if let Some(f) = matching.first() {
                let loc = text.location(port.start, port.end);
                out.push(
                    Diagnostic::warning(
                        "prose-literal",
                        format!("{noun} writes out port {}, which the data has", port.port),
                    )
                    .at(loc)
                    .help(expression_help(piece, f, "port")),
                );
            }
        }
    }
}

/// The servers a text's lead names, and how a message names them: literal hosts (of the text's
/// provider, when it has one), or the text's provider's servers of the protocols it names.
/// `None` when they name no server of the data.
fn lead_servers<'a>(known: &Known<'a>, piece: &Piece<'a>, lead: &[HostRef]) -> Option<(Vec<Found<'a>>, String)> {
    let mut servers: Vec<Found> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for subject in lead {
        let (found, name) = match subject {
            HostRef::Literal(host) => {
                let all = found(known, known.hosts.get(host).map(Vec::as_slice).unwrap_or(&[]));
                let own: Vec<Found> = match piece.provider {
                    Some(p) => all.into_iter().filter(|f| std::ptr::eq(f.provider, p)).collect(),
                    None => all,
                };
                (own, host.clone())
            }
            HostRef::Var(var) => {
                let Some(p) = piece.provider else { continue };
                let Some(first) = var_server(p, var) else { continue };
                let all: Vec<Found> = p
                    .servers(first.protocol)
                    .iter()
                    .enumerate()
                    .map(|(index, server)| Found {
                        provider: p,
                        protocol: first.protocol,
                        index,
                        server,
                    })
                    .collect();
                (all, first.protocol.name().to_string())
            }
        };
        if found.is_empty() {
            continue;
        }
        if !names.contains(&name) {
            names.push(name);
        }
        for f in found {
            if !servers.iter().any(|s| std::ptr::eq(s.server, f.server)) {
                servers.push(f);
            }
        }
    }
    (!servers.is_empty()).then(|| (servers, names.join(" or ")))
}

/// How a text reads a security word: the values it can mean, and whether it is the client's own
/// word at all.
enum Reading {
    /// The word of the text's language (the client's, or the neutral one) for these values.
    Own(Vec<Security>),
    /// Not a word of the client at all.
    Foreign,
}

fn neutral_meaning(s: &SecMention, vocab_phrases: &[(Vec<String>, Vec<Security>)]) -> Vec<Security> {
    if let Some((_, m)) = vocab_phrases.iter().find(|(p, _)| *p == s.value) {
        return m.clone();
    }
    match s.value.first().map(String::as_str) {
        Some("off" | "none" | "no" | "false") => vec![Security::None],
        Some("on" | "yes" | "true") => vec![Security::Tls, Security::Starttls],
        _ => Security::ALL.to_vec(),
    }
}

fn read_security(s: &SecMention, client: Option<&Client>, phrases: &[(Vec<String>, Vec<Security>)]) -> Reading {
    let neutral = neutral_meaning(s, phrases);
    let Some(c) = client else {
        return Reading::Own(neutral);
    };
    let v = &c.data.vocabulary;
    // A label that says "SSL" or "TLS" must be the client's own label.
    if let Some((label, true)) = &s.label {
        let own: Vec<String> = words_of(&v.security)
            .iter()
            .flat_map(|w| w.split('/').map(str::to_string).collect::<Vec<_>>())
            .collect();
        if !label.iter().all(|w| own.contains(w) || w == "use") {
            return Reading::Foreign;
        }
    }
    let values: Vec<Security> = Security::ALL
        .into_iter()
        .filter(|sec| words_of(v.security_word(*sec)) == s.value)
        .collect();
    if values.is_empty() {
        Reading::Foreign
    } else {
        Reading::Own(values)
    }
}

fn shown_sec(text: &Text, s: &SecMention) -> String {
    text.body
        .get(s.start..s.end)
        .map(|t| {
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim_matches(['*', '_', '`'])
                .to_string()
        })
        .unwrap_or_default()
}

/// Checks the ports and security words that belong to one host against its servers.
#[allow(clippy::too_many_arguments)]
fn check_facts(
    phrases: &[(Vec<String>, Vec<Security>)],
    piece: &Piece,
    servers: &[Found],
    host: &HostName,
    ports: &[&PortMention],
    secs: &[&SecMention],
    breaks: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    if servers.is_empty() {
        return;
    }
    let noun = piece.kind.noun();
    let text = &piece.text;
    let shown_host = host.shown();
    let notes = piece.kind == Kind::ProviderNotes;
    for port in ports {
        let loc = text.location(port.start, port.end);
        match servers.iter().find(|f| f.server.port == port.port) {
            Some(f) => {
                if !notes {
                    out.push(
                        Diagnostic::warning(
                            "prose-literal",
                            format!(
                                "{noun} writes out port {} for {shown_host}, which the data has",
                                port.port
                            ),
                        )
                        .at(loc)
                        .help(expression_help(piece, f, "port")),
                    );
                }
            }
            None => {
                let f = &servers[0];
                let help = match var_for(f) {
                    Some(var) if piece.kind.templated() && piece.kind != Kind::Page => {
                        format!("write {{{{ {var}.port }}}}, so the page always shows the data")
                    }
                    _ => format!(
                        "write {}, or correct {} if the data is wrong",
                        list_ports(servers),
                        f.provider.source.path
                    ),
                };
                out.push(
                    Diagnostic::error(
                        "prose-contradiction",
                        format!(
                            "{noun} says port {} for {shown_host}; the data says {}",
                            port.port,
                            list_ports(servers)
                        ),
                    )
                    .at(loc)
                    .help(help),
                );
            }
        }
    }
    for s in secs {
        let loc = text.location(s.start, s.end);
        let shown = shown_sec(text, s);
        let port = paired_port(ports, breaks, s.start, s.end);
        let candidates: Vec<&Found> = match port {
            Some(p) if servers.iter().any(|f| f.server.port == p) => {
                servers.iter().filter(|f| f.server.port == p).collect()
            }
            _ => servers.iter().collect(),
        };
        let data: Vec<Security> = candidates.iter().map(|f| f.server.security).collect();
        let f = candidates[0];
        let where_ = match port {
            Some(p) => format!("{shown_host} (port {p})"),
            None => shown_host.clone(),
        };
        let clients: Vec<Option<&Client>> = if piece.clients.is_empty() {
            vec![None]
        } else if piece.kind == Kind::TroubleshootingEntry {
            std::iter::once(None)
                .chain(piece.clients.iter().map(|c| Some(*c)))
                .collect()
        } else {
            piece.clients.iter().map(|c| Some(*c)).collect()
        };
        let readings: Vec<Reading> = clients.iter().map(|c| read_security(s, *c, phrases)).collect();
        let ok = readings
            .iter()
            .any(|r| matches!(r, Reading::Own(v) if v.iter().any(|sec| data.contains(sec))));
        if ok {
            if !notes {
                out.push(
                    Diagnostic::warning(
                        "prose-literal",
                        format!("{noun} writes out \"{shown}\" as the encryption of {where_}, which the data has"),
                    )
                    .at(loc)
                    .help(expression_help(piece, f, "security")),
                );
            }
            continue;
        }
        let data_label = f.server.security.label();
        match clients.iter().find_map(|c| *c) {
            Some(c) if piece.kind != Kind::TroubleshootingEntry => {
                let word = c.data.vocabulary.security_word(f.server.security);
                let name = &c.data.name;
                let message = if matches!(readings.first(), Some(Reading::Foreign)) {
                    format!(
                        "{noun} says \"{shown}\" for {where_}, which is not {name}'s word; for {data_label} {name} says \"{word}\""
                    )
                } else {
                    format!(
                        "{noun} says \"{shown}\" for {where_}, which uses {data_label}; {name} calls that \"{word}\""
                    )
                };
                let help = match var_for(f) {
                    Some(var) => format!("write {{{{ {var}.security }}}}, which gives {}'s own word", c.data.name),
                    None => format!("write \"{word}\""),
                };
                out.push(Diagnostic::error("prose-security-word", message).at(loc).help(help));
            }
            _ => {
                let help = match var_for(f) {
                    Some(var) if piece.kind.templated() && piece.kind != Kind::Page => {
                        format!("write {{{{ {var}.security }}}}, so the page always shows the data")
                    }
                    _ => format!(
                        "write {data_label}, or correct {} if the data is wrong",
                        f.provider.source.path
                    ),
                };
                out.push(
                    Diagnostic::error(
                        "prose-contradiction",
                        format!("{noun} says \"{shown}\" for {where_}; the data says {data_label}"),
                    )
                    .at(loc)
                    .help(help),
                );
            }
        }
    }
}

/// A generic guide with a literal port or security word next to `{{ smtp.host }}`: the text is
/// shown for every provider, so it must agree with all of them.
#[allow(clippy::too_many_arguments)]
fn check_generic_var(
    site: &Site,
    known: &Known,
    piece: &Piece,
    var: &str,
    ports: &[&PortMention],
    secs: &[&SecMention],
    breaks: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    // Check against every provider, one finding per mention.
    let mut per_mention: HashMap<(usize, String), (Diagnostic, Vec<String>)> = HashMap::new();
    let mut clean: HashMap<(usize, String), Diagnostic> = HashMap::new();
    for p in &site.providers {
        let Some(f) = var_server(p, var) else { continue };
        let mut found = Vec::new();
        check_facts(
            &known.vocab.phrases,
            piece,
            &[f],
            &HostName::Var(var),
            ports,
            secs,
            breaks,
            &mut found,
        );
        for d in found {
            let start = d.location.as_ref().map(|l| l.column * 100_000 + l.line).unwrap_or(0);
            if d.is_error() {
                let key = (start, d.code.clone());
                let e = per_mention.entry(key).or_insert_with(|| (d.clone(), Vec::new()));
                e.1.push(p.data.name.clone());
            } else {
                clean.entry((start, d.code.clone())).or_insert(d);
            }
        }
    }
    let mut errors: Vec<(Diagnostic, Vec<String>)> = per_mention.into_values().collect();
    errors.sort_by(|a, b| a.0.message.cmp(&b.0.message));
    let error_places: Vec<usize> = errors
        .iter()
        .filter_map(|(d, _)| d.location.as_ref().map(|l| l.column * 100_000 + l.line))
        .collect();
    for (mut d, names) in errors {
        d.message = format!("{} (for {})", d.message, crate::diagnostics::name_some(&names, 3));
        out.push(d);
    }
    let mut warnings: Vec<Diagnostic> = clean
        .into_iter()
        .filter(|((place, _), _)| !error_places.contains(place))
        .map(|(_, d)| d)
        .collect();
    warnings.sort_by(|a, b| a.message.cmp(&b.message));
    out.extend(warnings);
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan;
    use super::super::vocab::Vocab;
    use super::*;

    fn segs(body: &str) -> Vec<Segment> {
        scan(body, &Vocab::new(&[]))
    }

    #[test]
    fn clause_breaks_move_a_port_to_the_next_host() {
        let s = segs("Use port 993 on imap.x.com and port 587 on smtp.x.com.\n");
        let seg = &s[0];
        let o: Vec<Option<usize>> = seg
            .ports
            .iter()
            .map(|p| owner(&seg.hosts, &seg.breaks, p.start, p.end))
            .collect();
        assert_eq!(o, vec![Some(0), Some(1)]);
    }
}
