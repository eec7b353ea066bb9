//! The words of a finding: messages and help texts that name the servers a provider has, the
//! ports to use and the Tera expression to write instead of a literal.
//!
//! Kept apart from judging so the rules of what is wrong read without the prose of how it is
//! said.

use super::Found;
use crate::check::text::{Kind, Piece};
use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Protocol, Provider};

pub(super) fn distinct_providers<'a>(all: &[Found<'a>]) -> Vec<&'a Provider> {
    let mut owners: Vec<&Provider> = Vec::new();
    for f in all {
        if !owners.iter().any(|o| std::ptr::eq(*o, f.provider)) {
            owners.push(f.provider);
        }
    }
    owners
}

pub(super) enum HostName<'a> {
    Literal(&'a str),
    Var(&'a str),
    /// A protocol word standing for the provider's servers of that protocol.
    Protocol(&'a str),
}

impl HostName<'_> {
    pub(super) fn shown(&self) -> String {
        match self {
            HostName::Literal(h) => (*h).to_string(),
            HostName::Var(v) => format!("{{{{ {v}.host }}}}"),
            HostName::Protocol(name) => (*name).to_string(),
        }
    }
}

pub(super) fn list_ports(servers: &[Found]) -> String {
    let mut ports: Vec<String> = Vec::new();
    for f in servers {
        let p = f.server.port.to_string();
        if !ports.contains(&p) {
            ports.push(p);
        }
    }
    join_or(&ports)
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The variable prefix for a server: `smtp` for the preferred SMTP server.
pub(super) fn var_for(f: &Found) -> Option<String> {
    (f.index == 0).then(|| f.protocol.id().to_string())
}

pub(super) fn expression_help(piece: &Piece, f: &Found, field: &str) -> String {
    let slug = &f.provider.slug;
    if piece.kind == Kind::Page || (piece.provider.is_none() && piece.kind != Kind::ClientGuide) {
        let how = if piece.kind == Kind::Page {
            "free pages have no provider variables".to_string()
        } else {
            format!("give the entry `provider: {slug}` and write the variable, or")
        };
        return format!(
            "{how}: link to the provider page (/{slug}/) instead of repeating the value, so the fact stays in one place"
        );
    }
    match var_for(f) {
        Some(var) if field == "security" => format!(
            "write {{{{ {var}.security }}}} instead: it gives each client's own word, and the fact stays in one place"
        ),
        Some(var) => format!("write {{{{ {var}.{field} }}}} instead, so the fact stays in one place"),
        None => format!(
            "this is an alternative {} server ({}), which templates do not see: link to the provider page (/{slug}/) instead of repeating it",
            f.protocol.name(),
            server_path(f)
        ),
    }
}

fn server_path(f: &Found) -> String {
    format!("servers.{}[{}] in {}", f.protocol.id(), f.index, f.provider.source.path)
}

pub(super) fn unknown_host(noun: &str, name: &str, p: &Provider, all: &[Found], loc: Location) -> Diagnostic {
    let owners = distinct_providers(all);
    let own: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for proto in Protocol::ALL {
            for s in p.servers(proto) {
                if !v.contains(&s.host) {
                    v.push(s.host.clone());
                }
            }
        }
        v
    };
    let looks_like = guess_protocol(name);
    let message = if let Some(other) = owners.first() {
        format!(
            "{noun} names {name}, a server of {}, not of {}",
            other.data.name, p.data.name
        )
    } else if let Some(proto) = looks_like.filter(|proto| p.servers(*proto).is_empty()) {
        format!(
            "{noun} names {name}, but {} has no {} server",
            p.data.name,
            proto.name()
        )
    } else {
        format!("{noun} names {name}, which is not a server of {}", p.data.name)
    };
    let help = match looks_like {
        Some(proto) if !p.servers(proto).is_empty() => format!(
            "write {{{{ {}.host }}}} (the data says {}); {}'s servers are {}",
            proto.id(),
            p.servers(proto)[0].host,
            p.data.name,
            own.join(", ")
        ),
        _ => format!(
            "{}'s servers are {}; if the data is incomplete, add the server to {}",
            p.data.name,
            if own.is_empty() {
                "none".to_string()
            } else {
                own.join(", ")
            },
            p.source.path
        ),
    };
    Diagnostic::error("prose-unknown-host", message).at(loc).help(help)
}

fn guess_protocol(host: &str) -> Option<Protocol> {
    let first = host.split('.').next().unwrap_or("");
    if first.starts_with("imap") {
        Some(Protocol::Imap)
    } else if first.starts_with("pop") {
        Some(Protocol::Pop3)
    } else if first.starts_with("smtp") || first == "submission" {
        Some(Protocol::Smtp)
    } else {
        None
    }
}

pub(super) fn generic_host(
    piece: &Piece,
    name: &str,
    owners: &[&Provider],
    all: &[Found],
    loc: Location,
) -> Diagnostic {
    let client = piece.clients.first().map(|c| c.data.name.as_str()).unwrap_or("client");
    let slug = piece.clients.first().map(|c| c.slug.as_str()).unwrap_or("client");
    let whose = match owners {
        [] => "a server of no provider".to_string(),
        [one] => format!("a server of {} only", one.data.name),
        more => format!(
            "a server of {} only",
            join_or(&more.iter().map(|p| p.data.name.clone()).collect::<Vec<_>>())
        ),
    };
    let var = all
        .first()
        .map(|f| f.protocol.id())
        .or_else(|| guess_protocol(name).map(Protocol::id))
        .unwrap_or("incoming");
    let place = match owners.first() {
        Some(p) => format!("content/providers/{}/{slug}.md", p.slug),
        None => format!("content/providers/<provider>/{slug}.md"),
    };
    Diagnostic::error(
        "prose-unknown-host",
        format!("the {client} guide is shown for every provider, but names {name}, {whose}"),
    )
    .at(loc)
    .help(format!(
        "write {{{{ {var}.host }}}}, or move text for one provider to {place}"
    ))
}

pub(super) fn literal_host(piece: &Piece, name: &str, servers: &[Found], loc: Location) -> Diagnostic {
    let f = &servers[0];
    Diagnostic::warning(
        "prose-literal",
        format!(
            "{} writes out {name}, the {} server of {}",
            piece.kind.noun(),
            f.protocol.name(),
            f.provider.data.name
        ),
    )
    .at(loc)
    .help(expression_help(piece, f, "host"))
}
