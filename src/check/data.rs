//! Settings data that contradicts itself: a provider whose password rules and servers disagree,
//! a missing protocol that is explained away although it is listed, a server listed twice,
//! links for readers that are not HTTPS, a client that lacks a word for a security value, and a
//! client published twice.
//!
//! None of these breaks the build, but each one puts a wrong or confusing sentence in front of a
//! reader ("use your password" for a server that only takes OAuth2).

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::Provider;
use crate::model::{Auth, PasswordKind, Protocol, Security};

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut out = Vec::new();
    if let Some(list) = &site.config.clients {
        for (i, slug) in list.iter().enumerate() {
            if let Some(first) = list[..i].iter().position(|s| s == slug) {
                let first_line = site.config_source.locate(&format!("clients[{first}]")).line;
                out.push(
                    Diagnostic::error(
                        "site-duplicate-client",
                        format!("site.yaml publishes the client `{slug}` twice"),
                    )
                    .at(site.config_source.locate(&format!("clients[{i}]")))
                    .help(format!("remove this one; it is already listed (line {first_line})")),
                );
            }
        }
    }
    for c in &site.clients {
        let v = &c.data.vocabulary;
        for sec in Security::ALL {
            if !v.security_values.contains_key(&sec.into()) {
                out.push(
                    Diagnostic::error(
                        "client-security-words",
                        format!("{} has no word for `{}` security", c.data.name, sec.id()),
                    )
                    .at(c.source.locate("vocabulary.security_values#key"))
                    .help(format!(
                        "add `{}: ...` with the label the app shows for {} under `security_values:`",
                        sec.id(),
                        sec.label()
                    )),
                );
            }
        }
    }
    for p in &site.providers {
        password_and_auth(p, &mut out);
        reasons(p, &mut out);
        duplicates(p, &mut out);
        urls(p, &mut out);
    }
    out
}

/// The password kind tells readers what to type; the servers' auth methods say what works. Each
/// server is judged by its own kind (its `password:`, else the provider's `password.kind`), so a
/// provider whose IMAP takes only OAuth2 and whose SMTP takes a password can be described.
fn password_and_auth(p: &Provider, out: &mut Vec<Diagnostic>) {
    for protocol in Protocol::ALL {
        for (i, s) in p.servers(protocol).iter().enumerate() {
            let kind = p.password_kind(s);
            let own_kind = format!("servers.{}[{i}].password", protocol.id());
            let (kind_key, kind_path) = if s.password.is_some() {
                (format!("`{own_kind}`"), own_kind.clone())
            } else {
                ("`password.kind`".to_string(), "password.kind".to_string())
            };
            // A server without `auth:` takes a password by default: point at the password rules.
            let auth_path = format!("servers.{}[{i}].auth", protocol.id());
            let at = if p.source.spans.get(&auth_path).is_some() {
                p.source.locate(&auth_path)
            } else {
                p.source.locate(&kind_path)
            };
            let has_oauth = s.auth.contains(&Auth::OAuth2);
            let only_oauth = !s.auth.is_empty() && s.auth.iter().all(|a| *a == Auth::OAuth2);
            if kind == PasswordKind::OAuth2 && !has_oauth {
                out.push(
                    Diagnostic::error(
                        "password-kind-auth",
                        format!(
                            "{kind_key} is oauth2, but the {} server {} offers no OAuth2 sign-in",
                            protocol.name(),
                            s.host
                        ),
                    )
                    .at(at)
                    .help(format!(
                        "add `oauth2` to this server's `auth:`, or set {kind_key} to what the server accepts"
                    ))
                    .for_provider(&p.slug),
                );
            } else if kind != PasswordKind::OAuth2 && only_oauth {
                out.push(
                    Diagnostic::error(
                        "password-kind-auth",
                        format!(
                            "the {} server {} only accepts OAuth2, but {kind_key} is {}: readers are told to type a password",
                            protocol.name(),
                            s.host,
                            kind.id()
                        ),
                    )
                    .at(at)
                    .help(format!(
                        "set `{own_kind}: oauth2` for this server alone or `password.kind: oauth2` for the whole provider, or add the password methods it accepts to `auth:`"
                    ))
                    .for_provider(&p.slug),
                );
            }
        }
    }
}

/// `no_pop3:` explains a missing protocol; with POP3 servers listed it contradicts them.
fn reasons(p: &Provider, out: &mut Vec<Diagnostic>) {
    for protocol in Protocol::ALL {
        let key = format!("no_{}", protocol.id());
        if p.missing_reason(protocol).is_some() && !p.servers(protocol).is_empty() {
            out.push(
                Diagnostic::error(
                    "provider-reason-contradicts",
                    format!(
                        "`{key}` says {} has no {} server, but `servers.{}` lists one",
                        p.data.name,
                        protocol.name(),
                        protocol.id()
                    ),
                )
                .at(p.source.locate(&key))
                .help(format!(
                    "remove `{key}:`, or the servers under `servers.{}`",
                    protocol.id()
                ))
                .for_provider(&p.slug),
            );
        }
    }
}

fn duplicates(p: &Provider, out: &mut Vec<Diagnostic>) {
    for protocol in Protocol::ALL {
        let servers = p.servers(protocol);
        for (i, s) in servers.iter().enumerate() {
            if let Some(first) = servers[..i]
                .iter()
                .position(|o| o.host.eq_ignore_ascii_case(&s.host) && o.port == s.port)
            {
                out.push(
                    Diagnostic::warning(
                        "server-duplicate",
                        format!(
                            "{} server {} port {} is listed twice (also servers.{}[{first}])",
                            protocol.name(),
                            s.host,
                            s.port,
                            protocol.id()
                        ),
                    )
                    .at(p.source.locate(&format!("servers.{}[{i}]", protocol.id())))
                    .help("remove one of them; if they differ in security or auth, only one can be right")
                    .for_provider(&p.slug),
                );
            }
        }
    }
}

/// Links for readers must be absolute and should be HTTPS.
fn urls(p: &Provider, out: &mut Vec<Diagnostic>) {
    for (path, url) in p.reader_links() {
        let at = p.source.locate(&path);
        if url.starts_with("https://") || (url.starts_with('/') && !url.starts_with("//")) {
            continue;
        }
        if super::urls::refused(url) {
            // A foreign scheme is `url-scheme`'s, which the policy cannot turn off.
            continue;
        }
        let d = if let Some(rest) = url.strip_prefix("http://") {
            Diagnostic::warning("url-not-https", format!("`{path}` is not HTTPS: {url}")).help(format!(
                "write https://{rest} if the site offers it; readers type passwords near these links"
            ))
        } else {
            Diagnostic::error("url-invalid", format!("`{path}` is not a web address: {url}")).help(format!(
                "write the full address with https://, such as https://{}",
                url.trim_start_matches('/')
            ))
        };
        out.push(d.at(at));
    }
}
