//! Values that are there but say nothing: an empty `name` (pages titled ""), `domains: []` (no
//! address finds the provider), `auth: []` (a server nobody can sign in to), and an allowance
//! without a reason (the reason is the only thing that makes an allowance the editor's word).
//! Each is a `value-empty` error at the value, with what to write.

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::Protocol;

pub const CODE: &str = "value-empty";

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &cx.site.providers {
        let at = |path: &str| p.source.locate(path);
        if p.data.name.trim().is_empty() {
            out.push(
                Diagnostic::error(CODE, "the provider's `name` is empty")
                    .at(at("name"))
                    .help("write the name readers know the provider by, such as `Postbox Mail`")
                    .for_provider(&p.slug),
            );
        }
        if p.data.domains.is_empty() {
            out.push(
                Diagnostic::error(CODE, "`domains` lists no domain")
                    .at(at("domains"))
                    .help("list the email domains the provider serves, such as `[postbox.example]`")
                    .for_provider(&p.slug),
            );
        }
        for protocol in Protocol::ALL {
            for (i, s) in p.servers(protocol).iter().enumerate() {
                let path = format!("servers.{}[{i}].auth", protocol.id());
                if s.auth.is_empty() && p.source.spans.get(&path).is_some() {
                    out.push(
                        Diagnostic::error(
                            CODE,
                            format!(
                                "the {} server {} lists no sign-in method in `auth`",
                                protocol.name(),
                                s.host
                            ),
                        )
                        .at(at(&path))
                        .help(
                            "list how it signs in, such as `[password]`, or remove `auth:` for the default (password)",
                        )
                        .for_provider(&p.slug),
                    );
                }
            }
        }
        for (i, a) in p.data.allow.iter().enumerate() {
            if a.reason.trim().is_empty() {
                out.push(
                    Diagnostic::error(CODE, format!("the allowance for `{}` gives no reason", a.rule))
                        .at(at(&format!("allow[{i}].reason")))
                        .help("write why the data is right as it stands, citing the provider's page")
                        .for_provider(&p.slug),
                );
            }
        }
    }
    out
}
