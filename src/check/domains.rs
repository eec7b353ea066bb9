//! Domains: an e-mail domain belongs to one provider only, and is listed once in it.
//!
//! The site's address finder and the autoconfig files map a domain to one provider; a domain
//! in two providers would send some readers to the wrong settings, silently.

use super::Context;
use crate::diagnostics::Diagnostic;
use std::collections::HashMap;

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Lower-case domain to its first (provider index, domain index).
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    for (pi, p) in cx.site.providers.iter().enumerate() {
        for (di, d) in p.data.domains.iter().enumerate() {
            let key = d.to_ascii_lowercase();
            let Some(&(first_p, first_d)) = seen.get(&key) else {
                seen.insert(key, (pi, di));
                continue;
            };
            let here = p.source.locate(&format!("domains[{di}]"));
            let first = &cx.site.providers[first_p];
            let there = first.source.locate(&format!("domains[{first_d}]"));
            if first_p == pi {
                out.push(
                    Diagnostic::error(
                        "domain-duplicate",
                        format!("the domain `{d}` is listed twice in {}", p.data.name),
                    )
                    .at(here)
                    .help(format!("remove this one; it is already listed on line {}", there.line))
                    .for_provider(&p.slug),
                );
            } else {
                out.push(
                    Diagnostic::error(
                        "domain-conflict",
                        format!(
                            "the domain `{d}` belongs to both {} ({}:{}) and {} ({}:{})",
                            first.data.name, there.file, there.line, p.data.name, here.file, here.line
                        ),
                    )
                    .at(here)
                    .help("an address has one set of settings: keep the domain in the provider that serves it")
                    .for_provider(&p.slug),
                );
            }
        }
    }
    out
}
