//! Structure: what the site's parts say about each other. Published clients exist and have a
//! guide; entries name providers and clients that exist; no two sources write the same page;
//! every provider has a way in and a way out.

use super::Context;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::Protocol;
use std::collections::HashMap;

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut out = Vec::new();
    let provider_slugs: Vec<&str> = site.providers.iter().map(|p| p.slug.as_str()).collect();
    let client_slugs: Vec<&str> = site.clients.iter().map(|c| c.slug.as_str()).collect();
    let suggest = |name: &str, known: &[&str]| -> String {
        let best = known.iter().min_by_key(|k| strsim::damerau_levenshtein(name, k));
        match best {
            Some(k) if strsim::damerau_levenshtein(name, k) <= 3 => format!("did you mean `{k}`?"),
            _ => format!("known: {}", known.join(", ")),
        }
    };

    if let Some(list) = &site.config.clients {
        for (i, slug) in list.iter().enumerate() {
            // A client file that did not load has its own error.
            if !site.client_exists(slug) {
                out.push(
                    Diagnostic::error(
                        "site-unknown-client",
                        format!("site.yaml publishes the client `{slug}`, which has no file"),
                    )
                    .at(site.config_source.locate(&format!("clients[{i}]")))
                    .help(format!(
                        "create content/clients/{slug}.yaml, or fix the name: {}",
                        suggest(slug, &client_slugs)
                    )),
                );
            }
        }
    }
    for c in site.published_clients() {
        if c.guide.is_none() {
            out.push(
                Diagnostic::error(
                    "guide-missing",
                    format!("the published client `{}` has no guide", c.slug),
                )
                .at(Location::file(&c.source.path))
                .help(format!(
                    "write content/clients/{}.md with the setup steps, or remove it from `clients:` in site.yaml",
                    c.slug
                )),
            );
        }
    }
    for e in &site.faq {
        if let Some(slug) = &e.data.provider
            && !site.provider_exists(slug)
        {
            out.push(
                Diagnostic::error(
                    "unknown-provider",
                    format!("this FAQ entry names the provider `{slug}`, which does not exist"),
                )
                .at(e.source.locate(&format!("[{}].provider", e.index)))
                .help(suggest(slug, &provider_slugs)),
            );
        }
    }
    for e in &site.troubleshooting {
        if let Some(slug) = &e.data.provider
            && !site.provider_exists(slug)
        {
            out.push(
                Diagnostic::error(
                    "unknown-provider",
                    format!("this troubleshooting entry names the provider `{slug}`, which does not exist"),
                )
                .at(e.source.locate(&format!("[{}].provider", e.index)))
                .help(suggest(slug, &provider_slugs)),
            );
        }
        for (i, c) in e.data.clients.iter().enumerate() {
            if !site.client_exists(c) {
                out.push(
                    Diagnostic::error(
                        "unknown-client",
                        format!("this troubleshooting entry names the client `{c}`, which does not exist"),
                    )
                    .at(e.source.locate(&format!("[{}].clients[{i}]", e.index)))
                    .help(suggest(c, &client_slugs)),
                );
            }
        }
    }
    for o in &site.overrides {
        if !site.provider_exists(&o.provider) {
            out.push(
                Diagnostic::error(
                    "unknown-provider",
                    format!(
                        "{} is in the folder of the provider `{}`, which does not exist",
                        o.guide.source.path, o.provider
                    ),
                )
                .at(Location::file(&o.guide.source.path))
                .help(format!(
                    "move it to content/providers/<provider>/; {}",
                    suggest(&o.provider, &provider_slugs)
                )),
            );
        }
        if !site.client_exists(&o.client) {
            out.push(
                Diagnostic::error(
                    "unknown-client",
                    format!(
                        "{} is named after the client `{}`, which does not exist",
                        o.guide.source.path, o.client
                    ),
                )
                .at(Location::file(&o.guide.source.path))
                .help(format!(
                    "name the file after a client: {}",
                    suggest(&o.client, &client_slugs)
                )),
            );
        }
    }

    // Two sources writing the same page.
    let mut seen: HashMap<String, String> = HashMap::new();
    for page in cx.plan.pages() {
        let (url, source) = (page.url.clone(), page.source.clone());
        if let Some(first) = seen.get(&url) {
            out.push(
                Diagnostic::error(
                    "path-collision",
                    format!("{source} and {first} would both write the page {url}"),
                )
                .at(Location::file(source.split(' ').next().unwrap_or(&source)))
                .help("rename one of them (file names become URLs)"),
            );
        } else {
            seen.insert(url, source);
        }
    }
    for reserved in ["clients", "faq", "troubleshooting", "static"] {
        for p in site.providers.iter().filter(|p| p.slug == reserved) {
            out.push(
                Diagnostic::error(
                    "path-collision",
                    format!("the provider slug `{reserved}` is reserved for the site's own pages"),
                )
                .at(Location::file(&p.source.path))
                .help("rename the file"),
            );
        }
        for p in site.pages.iter().filter(|p| p.slug == reserved) {
            out.push(
                Diagnostic::error(
                    "path-collision",
                    format!("the page slug `{reserved}` is reserved for the site's own pages"),
                )
                .at(Location::file(&p.guide.source.path))
                .help("rename the file"),
            );
        }
    }

    for p in &site.providers {
        let has_in = !p.servers(Protocol::Imap).is_empty() || !p.servers(Protocol::Pop3).is_empty();
        let explained_in = p.data.no_imap.is_some() && p.data.no_pop3.is_some();
        if !has_in && !explained_in {
            out.push(
                Diagnostic::error(
                    "provider-no-incoming",
                    format!("{} has no IMAP or POP3 server", p.data.name),
                )
                .at(p.source.locate("servers"))
                .help("add `servers.imap` or `servers.pop3`, or explain with `no_imap:` and `no_pop3:`")
                .for_provider(&p.slug),
            );
        }
        if p.servers(Protocol::Smtp).is_empty() && p.data.no_smtp.is_none() {
            out.push(
                Diagnostic::error("provider-no-outgoing", format!("{} has no SMTP server", p.data.name))
                    .at(p.source.locate("servers"))
                    .help("add `servers.smtp`, or explain with `no_smtp:`")
                    .for_provider(&p.slug),
            );
        }
    }
    out
}
