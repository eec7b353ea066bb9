//! Security: no server sends a password over an unencrypted connection.
//!
//! A help page that tells readers to send their password in the clear puts their account at
//! risk; RFC 8314 asks clients to use TLS for every mail connection. A `none` server that takes
//! a password is an error; any other `none` server is a warning, so the editor confirms it.

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::{Protocol, Security};

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &cx.site.providers {
        for protocol in Protocol::ALL {
            for (i, s) in p.servers(protocol).iter().enumerate() {
                if s.security != Security::None {
                    continue;
                }
                let at = p.source.locate(&format!("servers.{}[{i}].security", protocol.id()));
                let name = protocol.name();
                let d = if s.auth.iter().any(|a| a.sends_password()) {
                    Diagnostic::error(
                        "security-none-password",
                        format!("{name} server {} sends the password over an unencrypted connection", s.host),
                    )
                    .help(
                        "use `tls` or `starttls` if the server offers it; if it really offers no encryption, do not publish it",
                    )
                } else {
                    Diagnostic::warning(
                        "security-none",
                        format!("{name} server {} has no encryption (`security: none`)", s.host),
                    )
                    .help("use `tls` or `starttls` if the server offers it; mail read over it can be read by others on the network")
                };
                out.push(d.at(at).for_provider(&p.slug));
            }
        }
    }
    out
}
