//! What one render leaves for the next, so `serve` renders again only what a change affects.
//!
//! - [`reload_file`] re-reads one changed content file into the model and names the pages that
//!   showed it before or show it now ([`pages_showing`]);
//! - [`Memory`] keeps the theme, what every page showed (the navigation, each provider's warning
//!   and files), the pages that wait for a good state, and each provider's client files
//!   ([`client_files`]), so the next render adds the pages whose shared inputs changed and
//!   remakes only the client files whose inputs did.

use super::Selection;
use crate::diagnostics::Diagnostic;
use crate::load::{self, Reloaded};
use crate::model::{Minify, Provider, Site};
use crate::outputs;
use crate::plan::files::{OutputFile, ProviderExtras};
use crate::render::{RenderOptions, theme::Theme};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the last render left. `build` starts from an empty one and renders every page; `serve`
/// keeps one between edits.
#[derive(Default)]
pub struct Memory {
    /// The theme, with the site globals of the last render, and which theme it is.
    pub(super) theme: Option<(ThemeKey, Theme)>,
    /// What every page showed of the site ([`crate::render::globals_fingerprint`]); `None`
    /// until a render succeeds, so the first renders every page.
    pub(super) globals: Option<String>,
    /// Per provider slug: the warning, download links and DNS records its pages showed.
    pub(super) extras: HashMap<String, ProviderExtras>,
    /// Pages to render at the next good state, gathered over rebuilds that rendered nothing.
    pub(super) pending: Selection,
    /// Per provider slug: its client files as last made, for providers that are not withheld.
    pub(super) client_files: HashMap<String, ClientFiles>,
    /// The output paths of the files that are not pages, as last made.
    pub(super) other_files: BTreeSet<String>,
}

impl Memory {
    /// A theme file changed: the next render loads the theme again, and renders every page.
    pub fn forget_theme(&mut self) {
        self.theme = None;
    }

    /// After a failed render: the next one renders every page and file.
    pub(super) fn forget_pages(&mut self) {
        self.globals = None;
        self.client_files.clear();
    }

    /// Nothing was rendered (the content has errors): `sel` waits for the next good state, and
    /// the theme, if one was loaded, is kept for it.
    pub(super) fn postpone(&mut self, sel: Selection, theme: Option<(ThemeKey, Theme)>) {
        merge(&mut self.pending, sel);
        if theme.is_some() {
            self.theme = theme;
        }
    }
}

/// Which theme a loaded [`Theme`] is: the same folder, theme name and minify mode load the same
/// templates, as long as no theme file changed (`serve` calls [`Memory::forget_theme`] then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ThemeKey {
    root: PathBuf,
    name: String,
    minify: Minify,
}

impl ThemeKey {
    pub(super) fn of(site: &Site) -> ThemeKey {
        ThemeKey {
            root: site.root.clone(),
            name: site.config.theme.clone(),
            minify: site.config.minify,
        }
    }
}

/// One provider's client files and `settings.json` entry as last made, with what they were made
/// from. At 1,000 providers making every provider's files took 130–260 ms per change; an edit
/// touches one provider, so the others' are kept while their inputs stay the same.
pub(super) struct ClientFiles {
    /// The provider file's text they were made from: a re-read file is a new allocation, so
    /// [`Arc::ptr_eq`] tells an untouched provider without comparing its data.
    text: Arc<str>,
    /// How many providers claimed each of its domains: a domain claimed twice gets no
    /// ISPDB-layout file, so another provider's edit can change this provider's files.
    owners: Vec<usize>,
    paths: Vec<String>,
    value: serde_json::Value,
}

/// The client files to make now: those of the providers whose inputs changed since `cache` was
/// filled (every provider's for an empty cache), with the site-wide `settings.json` and its
/// schema; and the paths of the client files kept from before. Providers in parallel; the
/// entries of `settings.json` in the site's order.
pub(super) fn client_files(
    cache: &mut HashMap<String, ClientFiles>,
    site: &Site,
    opts: &RenderOptions,
) -> (Vec<OutputFile>, Vec<String>) {
    let domains = outputs::domain_owners(site);
    let published: Vec<&Provider> = site
        .providers
        .iter()
        .filter(|p| !outputs::withheld(opts, &p.slug))
        .collect();
    let mut old = std::mem::take(cache);
    let remade: Vec<Option<(ClientFiles, Vec<OutputFile>)>> = published
        .par_iter()
        .map(|p| {
            let owners: Vec<usize> = p
                .data
                .domains
                .iter()
                .map(|d| domains.get(&d.to_ascii_lowercase()).copied().unwrap_or(0))
                .collect();
            if let Some(e) = old.get(&p.slug)
                && Arc::ptr_eq(&e.text, &p.source.text)
                && e.owners == owners
            {
                return None;
            }
            let (files, value) = outputs::provider_files(site, p, &domains, opts);
            let entry = ClientFiles {
                text: Arc::clone(&p.source.text),
                owners,
                paths: files.iter().map(|f| f.path.clone()).collect(),
                value,
            };
            Some((entry, files))
        })
        .collect();
    let mut made = Vec::new();
    let mut kept_paths = Vec::new();
    let mut entries = Vec::with_capacity(published.len());
    for (p, remade) in published.iter().zip(remade) {
        let entry = match remade {
            Some((entry, files)) => {
                made.extend(files);
                entry
            }
            // Not remade: the cache held it, unchanged.
            None => match old.remove(&p.slug) {
                Some(entry) => {
                    kept_paths.extend(entry.paths.iter().cloned());
                    entry
                }
                None => continue,
            },
        };
        entries.push(entry.value.clone());
        cache.insert(p.slug.clone(), entry);
    }
    // Providers now withheld or gone drop out of the cache; their files leave with
    // `Memory::other_files`.
    made.extend(outputs::site_wide_files(site, opts, entries));
    (made, kept_paths)
}

/// Re-reads the changed content file at `path` into `site` and returns the pages that showed
/// what it said before or show what it says now, with the file's own load diagnostics. `None`
/// when the change reaches beyond the file (a deleted file, a new client): load the whole site
/// again.
pub fn reload_file(site: &mut Site, root: &Path, path: &Path) -> Option<(Selection, Vec<Diagnostic>)> {
    let before = pages_showing(site, root, path);
    match load::reload_file(site, path) {
        Reloaded::Updated(diagnostics) => Some((merged(before, pages_showing(site, root, path)), diagnostics)),
        Reloaded::NeedsFullLoad => None,
    }
}

/// The pages that show what the content file at `path` says, in the site as it is now: a
/// provider file its own pages, the home page, the client pages, the FAQ and troubleshooting
/// pages; a client guide that client's guide pages; a FAQ or troubleshooting file the pages that
/// list its entries; anything else every page.
fn pages_showing(site: &Site, root: &Path, path: &Path) -> Selection {
    let mut sel = Selection::default();
    let rel = load::relative(&root.join("content"), path);
    let parts: Vec<&str> = rel.split('/').collect();
    let slug = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let client_slugs = || site.published_clients().into_iter().map(|c| c.slug.clone());
    let all_guides_of = |sel: &mut Selection, client: &str| {
        for p in &site.providers {
            sel.guides.insert((p.slug.clone(), client.to_string()));
        }
    };
    let file = load::relative(root, path);
    match parts.as_slice() {
        ["providers", _] => {
            sel.providers.insert(slug);
            sel.home = true;
            sel.faq = true;
            sel.troubleshooting = true;
            sel.clients.extend(client_slugs());
        }
        ["providers", provider, _] => {
            sel.guides.insert((provider.to_string(), slug));
        }
        ["clients", name] if name.ends_with(".yaml") => {
            all_guides_of(&mut sel, &slug);
            sel.clients.insert(slug);
            sel.home = true;
        }
        ["clients", _] => all_guides_of(&mut sel, &slug),
        ["faq", _] => {
            sel.faq = true;
            for e in site.faq.iter().filter(|e| e.source.path == file) {
                sel.providers.extend(e.data.provider.clone());
            }
        }
        ["troubleshooting", _] => {
            sel.troubleshooting = true;
            for e in site.troubleshooting.iter().filter(|e| e.source.path == file) {
                match &e.data.provider {
                    Some(p) => {
                        sel.providers.insert(p.clone());
                    }
                    None => {
                        for c in &e.data.clients {
                            all_guides_of(&mut sel, c);
                        }
                    }
                }
            }
        }
        ["pages", _] => {
            sel.pages.insert(slug);
        }
        _ => sel.all = true,
    }
    sel
}

/// Adds the pages `from` names to `into`.
pub fn merge(into: &mut Selection, from: Selection) {
    into.all |= from.all;
    into.home |= from.home;
    into.faq |= from.faq;
    into.troubleshooting |= from.troubleshooting;
    into.not_found |= from.not_found;
    into.providers.extend(from.providers);
    into.guides.extend(from.guides);
    into.clients.extend(from.clients);
    into.pages.extend(from.pages);
}

pub(super) fn merged(mut a: Selection, b: Selection) -> Selection {
    merge(&mut a, b);
    a
}
