//! Prose against data, structurally: every guide, FAQ answer, troubleshooting entry and
//! prerequisite is rendered against every provider it will be published for. An expression that
//! names missing data (a field that does not exist, or `pop3.host` for a provider without POP3)
//! is an error at the expression's line, reported once with the providers it fails for.
//!
//! Building a template's variables costs more than rendering it, and one (provider, client) pair
//! is shared by several pieces (the client's guide, the provider's steps for that client, its
//! entries), so the renders are grouped by pair and each pair's variables are built once.

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::{Client, Provider};
use crate::plan::prose::{self, Variables};
use crate::plan::skeleton::{self, Mask, Slots};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

/// A render to try: the template, and whose data and words it is rendered with.
type Job<'a> = (String, Option<&'a Provider>, Option<&'a Client>);

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let clients = site.published_clients();
    let overrides = site.guide_overrides_by_pair();
    let mut jobs: Vec<Job> = Vec::new();
    for p in &site.providers {
        for c in &clients {
            if let Some(g) = &c.guide {
                jobs.push((prose::guide_name(&g.source), Some(p), Some(c)));
            }
            if let Some(o) = overrides.get(&(p.slug.as_str(), c.slug.as_str())) {
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

    // The jobs of each (provider, client) pair, in job order; pairs in order of first use.
    let key = |p: Option<&Provider>, c: Option<&Client>| {
        (
            p.map(|p| p as *const Provider as usize),
            c.map(|c| c as *const Client as usize),
        )
    };
    let mut pair_of: HashMap<(Option<usize>, Option<usize>), usize> = HashMap::new();
    let mut pairs: Vec<Vec<usize>> = Vec::new();
    for (i, (name, p, c)) in jobs.iter().enumerate() {
        if !cx.prose.has(name) {
            continue;
        }
        let next = pairs.len();
        let at = *pair_of.entry(key(*p, *c)).or_insert(next);
        if at == next {
            pairs.push(Vec::new());
        }
        pairs[at].push(i);
    }
    // A guide is rendered for every provider, and most providers differ in a guide only by
    // strings it prints: with those slotted (see plan::skeleton), the providers of one shape
    // render it alike, with the same errors, so each shape is rendered once.
    let mut guide_uses: HashMap<String, Mask> = HashMap::new();
    for c in &clients {
        if let Some(g) = &c.guide {
            let uses = skeleton::guide_uses(c, &g.body);
            guide_uses.insert(prose::guide_name(&g.source), (&uses).into());
        }
    }
    for ((_, client), o) in &overrides {
        if let Some(c) = site.client(client) {
            let uses = skeleton::guide_uses(c, &o.guide.body);
            guide_uses.insert(prose::guide_name(&o.guide.source), (&uses).into());
        }
    }
    // Whether each shape renders; a shape that fails is rendered again with the page's own
    // variables for the message (which lists the variables there are).
    let outcomes: Mutex<FxHashMap<(&str, Variables), bool>> = Mutex::default();
    let render = |i: usize, context: &mut Option<tera::Context>| {
        let (name, p, c) = &jobs[i];
        let (name, p, c) = (name.as_str(), *p, *c);
        if let (Some(uses), Some(_), Some(_)) = (guide_uses.get(name), p, c) {
            let mut vars = Variables::new(p, c);
            if Slots::take(&mut vars, uses).is_some() {
                vars.forget_unseen(|path| uses.sees(path));
                let lock = || outcomes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let key = (name, vars);
                let known = lock().get(&key).copied();
                let renders = known.unwrap_or_else(|| {
                    let renders = cx.prose.render(name, &key.1.context(cx.prose)).is_ok();
                    lock().insert(key, renders);
                    renders
                });
                if renders {
                    return None;
                }
            }
        }
        let context = context.get_or_insert_with(|| cx.prose.context(p, c));
        cx.prose.render(name, context).err()
    };
    let mut failures: Vec<(usize, Diagnostic)> = pairs
        .par_iter()
        .flat_map_iter(|group| {
            // Built when a template of the pair needs it, then shared by the pair's others.
            let mut context = None;
            group
                .iter()
                .filter_map(|&i| render(i, &mut context).map(|d| (i, d)))
                .collect::<Vec<_>>()
        })
        .collect();
    // Back in job order, which decides which message is kept and the order providers are named.
    failures.sort_by_key(|(i, _)| *i);

    // One diagnostic per place and message, naming the providers it fails for.
    type Place = (String, usize, usize, String);
    let mut grouped: BTreeMap<Place, (Diagnostic, Vec<String>, HashSet<String>)> = BTreeMap::new();
    for (i, d) in failures {
        let provider = jobs[i].1.map(|p| p.slug.clone());
        let loc = d
            .location
            .clone()
            .unwrap_or_else(|| crate::diagnostics::Location::file("?"));
        let entry = grouped
            .entry((loc.file, loc.line, loc.column, d.message.clone()))
            .or_insert((d, Vec::new(), HashSet::new()));
        if let Some(p) = provider
            && entry.2.insert(p.clone())
        {
            entry.1.push(p);
        }
    }
    grouped
        .into_values()
        .map(|(mut d, providers, _)| {
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
