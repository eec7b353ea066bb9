//! Prose against data, structurally: every guide, FAQ answer, troubleshooting entry and
//! prerequisite is rendered against every provider it will be published for. An expression that
//! names missing data (a field that does not exist, or `pop3.host` for a provider without POP3)
//! is an error at the expression's line, reported once with the providers it fails for.

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::{Client, Provider};
use crate::render::prose;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let clients = site.published_clients();
    // (template, provider, client) triples to try.
    let mut jobs: Vec<(String, Option<&Provider>, Option<&Client>)> = Vec::new();
    for p in &site.providers {
        for c in &clients {
            if let Some(g) = &c.guide {
                jobs.push((prose::guide_name(&g.source), Some(p), Some(c)));
            }
            if let Some(o) = site.guide_override(&p.slug, &c.slug) {
                jobs.push((prose::guide_name(&o.guide.source), Some(p), Some(c)));
            }
        }
        for i in 0..p.data.prerequisites.len() {
            jobs.push((
                prose::provider_field_name(p, &format!("prerequisites[{i}].body")),
                Some(p),
                None,
            ));
        }
    }
    // Entries about a provider that failed to load are checked once it loads again.
    let unloaded = |slug: &Option<String>| slug.as_ref().is_some_and(|s| site.provider(s).is_none());
    for e in site.faq.iter().filter(|e| !unloaded(&e.data.provider)) {
        let owner = e.data.provider.as_deref().and_then(|s| site.provider(s));
        jobs.push((prose::entry_name(&e.source, e.index, "answer"), owner, None));
    }
    for e in site.troubleshooting.iter().filter(|e| !unloaded(&e.data.provider)) {
        let owner = e.data.provider.as_deref().and_then(|s| site.provider(s));
        for field in ["symptom", "fix"] {
            jobs.push((prose::entry_name(&e.source, e.index, field), owner, None));
            for c in e.data.clients.iter().filter_map(|c| site.client(c)) {
                jobs.push((prose::entry_name(&e.source, e.index, field), owner, Some(c)));
            }
        }
    }
    for page in &site.pages {
        jobs.push((prose::guide_name(&page.guide.source), None, None));
    }

    let failures: Vec<(Diagnostic, Option<String>)> = jobs
        .par_iter()
        .filter(|(name, ..)| cx.prose.has(name))
        .filter_map(|(name, p, c)| {
            cx.prose
                .render(name, &prose::context(*p, *c))
                .err()
                .map(|d| (d, p.map(|p| p.slug.clone())))
        })
        .collect();

    // One diagnostic per place and message, naming the providers it fails for.
    type Place = (String, usize, usize, String);
    let mut grouped: BTreeMap<Place, (Diagnostic, Vec<String>)> = BTreeMap::new();
    for (d, provider) in failures {
        let loc = d
            .location
            .clone()
            .unwrap_or_else(|| crate::diagnostics::Location::file("?"));
        let entry = grouped
            .entry((loc.file, loc.line, loc.column, d.message.clone()))
            .or_insert((d, Vec::new()));
        if let Some(p) = provider
            && !entry.1.contains(&p)
        {
            entry.1.push(p);
        }
    }
    grouped
        .into_values()
        .map(|(mut d, providers)| {
            if !providers.is_empty() {
                d.message = format!("{} (for {})", d.message, crate::diagnostics::name_some(&providers, 5));
                if providers.len() == 1 {
                    d.provider = providers.into_iter().next();
                }
            }
            d
        })
        .collect()
}
