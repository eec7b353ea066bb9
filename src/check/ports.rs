//! Ports: each server's port, protocol and security agree with the registered ports and RFC 8314.
//!
//! A reader copies the port from the page; a port that does not go with the protocol or the
//! encryption fails to connect, with an error that does not say why. The registered ports are
//! IMAP 993 (implicit TLS) and 143 (STARTTLS), POP3 995 and 110, SMTP submission 465 (implicit
//! TLS) and 587 (STARTTLS), and SMTP relay 25.

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::{Protocol, Security};

/// The registered ports of a protocol, with the security each one implies.
fn registered(protocol: Protocol) -> &'static [(u32, Security)] {
    match protocol {
        Protocol::Imap => &[(993, Security::Tls), (143, Security::Starttls)],
        Protocol::Pop3 => &[(995, Security::Tls), (110, Security::Starttls)],
        Protocol::Smtp => &[
            (465, Security::Tls),
            (587, Security::Starttls),
            (25, Security::Starttls),
        ],
    }
}

/// The port a protocol uses for a kind of security.
fn usual(protocol: Protocol, security: Security) -> u32 {
    match (protocol, security) {
        (Protocol::Imap, Security::Tls) => 993,
        (Protocol::Imap, _) => 143,
        (Protocol::Pop3, Security::Tls) => 995,
        (Protocol::Pop3, _) => 110,
        (Protocol::Smtp, Security::Tls) => 465,
        (Protocol::Smtp, _) => 587,
    }
}

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &cx.site.providers {
        for protocol in Protocol::ALL {
            for (i, s) in p.servers(protocol).iter().enumerate() {
                let at = |field: &str| p.source.locate(&format!("servers.{}[{i}].{field}", protocol.id()));
                let name = protocol.name();
                let port = s.port;
                if !(1..=65535).contains(&port) {
                    out.push(
                        Diagnostic::error("port-range", format!("{name} port {port} is not a port (1 to 65535)"))
                            .at(at("port"))
                            .help(format!(
                                "the usual {name} port for {} is {}",
                                s.security.label(),
                                usual(protocol, s.security)
                            ))
                            .for_provider(&p.slug),
                    );
                    continue;
                }
                let own = registered(protocol);
                if let Some(other) = Protocol::ALL
                    .into_iter()
                    .find(|o| *o != protocol && registered(*o).iter().any(|(q, _)| *q == port))
                    && !own.iter().any(|(q, _)| *q == port)
                {
                    out.push(
                        Diagnostic::error(
                            "port-protocol",
                            format!("{name} on port {port}, which is the {} port", other.name()),
                        )
                        .at(at("port"))
                        .help(format!(
                            "{name} with {} uses port {}; check whether the server is listed under the right protocol",
                            s.security.label(),
                            usual(protocol, s.security)
                        ))
                        .for_provider(&p.slug),
                    );
                    continue;
                }
                match own.iter().find(|(q, _)| *q == port) {
                    Some(&(25, _)) => out.push(
                        Diagnostic::warning(
                            "port-smtp-relay",
                            "SMTP on port 25: port 25 is for relay between servers, clients should submit on 465 or 587",
                        )
                        .at(at("port"))
                        .help(format!(
                            "use port {} (submission with {}) if the provider offers it; many networks block port 25",
                            usual(protocol, s.security),
                            s.security.label()
                        ))
                        .for_provider(&p.slug),
                    ),
                    Some(&(_, implied)) => {
                        let mismatch = match implied {
                            // On an implicit-TLS port, anything but TLS fails.
                            Security::Tls => s.security != Security::Tls,
                            // On a STARTTLS port, implicit TLS fails; `none` is the security rule's.
                            _ => s.security == Security::Tls,
                        };
                        if mismatch {
                            out.push(
                                Diagnostic::error(
                                    "port-security",
                                    format!(
                                        "{name} port {port} is for {}, but the server says {}",
                                        implied.label(),
                                        s.security.label()
                                    ),
                                )
                                .at(at("security"))
                                .help(format!(
                                    "{name} with {} uses port {}; with {} it uses port {port}",
                                    s.security.label(),
                                    usual(protocol, s.security),
                                    implied.label()
                                ))
                                .for_provider(&p.slug),
                            );
                        }
                    }
                    None => out.push(
                        Diagnostic::warning(
                            "port-unusual",
                            format!(
                                "{name} on port {port} is unusual; {name} with {} usually uses port {}",
                                s.security.label(),
                                usual(protocol, s.security)
                            ),
                        )
                        .at(at("port"))
                        .help(format!(
                            "check the provider's documentation; if {port} is right, allow the rule for this provider with a reason (`allow: [{{rule: port-unusual, reason: ...}}]`)"
                        ))
                        .for_provider(&p.slug),
                    ),
                }
            }
        }
    }
    out
}
