//! Load: walk the content folder, parse every file, keep source positions, build the [`Site`].
//!
//! Loading never stops at the first bad file: each file that fails becomes a diagnostic and is
//! left out, so one `check` run shows every fault.

pub mod markdown;
pub mod yaml;

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{
    Client, ClientData, Entry, FaqEntry, GuideOverride, Page, Provider, ProviderData, Site, SiteConfig, Source,
    TroubleshootingEntry,
};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// The result of loading: the site (when `site.yaml` could be read) and every problem found.
pub struct Loaded {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a file under `content/` is, decided by where it stands.
enum Kind {
    Provider,
    Override { provider: String },
    Client,
    ClientGuide,
    Faq,
    Troubleshooting,
    Page,
}

enum Item {
    Provider(Provider),
    Override(GuideOverride),
    Client(Client),
    ClientGuide(String, crate::model::Guide),
    Faq(Vec<Entry<FaqEntry>>),
    Troubleshooting(Vec<Entry<TroubleshootingEntry>>),
    Page(Page),
}

/// Reads a file as a [`Source`], recording YAML spans for YAML files.
pub fn read_source(root: &Path, path: &Path) -> Result<Source, Diagnostic> {
    let (rel, text) = read_text(root, path)?;
    let is_yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
    let spans = if is_yaml {
        yaml::Spans::of(&text)
    } else {
        Default::default()
    };
    Ok(source(rel, text, spans))
}

/// Reads and parses a YAML file, parsing it once for both its data and its spans.
fn read_yaml<T: serde::de::DeserializeOwned>(root: &Path, path: &Path) -> Result<(T, Source), Diagnostic> {
    let (rel, text) = read_text(root, path)?;
    let (spans, data) = yaml::parse_with_spans(&rel, &text);
    let source = source(rel, text, spans);
    Ok((data?, source))
}

/// A file's path relative to the root, and its text.
fn read_text(root: &Path, path: &Path) -> Result<(String, String), Diagnostic> {
    let rel = relative(root, path);
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((rel, text)),
        Err(e) => Err(Diagnostic::error("file-unreadable", format!("cannot read {rel}: {e}"))
            .at(Location::file(&rel))
            .help("make sure the file is readable UTF-8 text")),
    }
}

fn source(path: String, text: String, spans: yaml::Spans) -> Source {
    Source {
        path,
        text: Arc::from(text),
        spans: Arc::new(spans),
    }
}

/// The path relative to the root, with `/` separators, as diagnostics show it.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Loads the site at `root`.
pub fn load_site(root: &Path) -> Loaded {
    let mut diagnostics = Vec::new();
    let config_path = root.join("site.yaml");
    let config = if config_path.is_file() {
        match read_yaml::<SiteConfig>(root, &config_path) {
            Ok(pair) => Some(pair),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    } else {
        diagnostics.push(
            Diagnostic::error("site-missing", format!("no site.yaml in {}", root.display()))
                .help("run mailguide in the site's folder, pass --root, or create a site with `mailguide init DIR`"),
        );
        None
    };

    let content = root.join("content");
    let files: Vec<(PathBuf, Option<Kind>)> = WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let kind = classify(&content, e.path());
            (e.into_path(), kind)
        })
        .collect();

    let results: Vec<Result<Item, Diagnostic>> = files
        .par_iter()
        .filter_map(|(path, kind)| match kind {
            Some(kind) => Some(load_item(root, path, kind)),
            None => Some(Err(Diagnostic::warning(
                "file-unused",
                format!("{} is not a content file and is not published", relative(root, path)),
            )
            .at(Location::file(relative(root, path)))
            .help("see docs/content.md for where each kind of file goes; move or remove it"))),
        })
        .collect();

    let mut providers = Vec::new();
    let mut clients = Vec::new();
    let mut guides = Vec::new();
    let mut overrides = Vec::new();
    let mut faq = Vec::new();
    let mut troubleshooting = Vec::new();
    let mut pages = Vec::new();
    let mut unloaded_providers = Vec::new();
    // `results` holds one entry per file, in order.
    for ((path, kind), r) in files.iter().zip(results) {
        if r.is_err() && matches!(kind, Some(Kind::Provider)) {
            unloaded_providers.push(stem(path));
        }
        match r {
            Ok(Item::Provider(p)) => providers.push(p),
            Ok(Item::Client(c)) => clients.push(c),
            Ok(Item::ClientGuide(slug, g)) => guides.push((slug, g)),
            Ok(Item::Override(o)) => overrides.push(o),
            Ok(Item::Faq(list)) => faq.extend(list),
            Ok(Item::Troubleshooting(list)) => troubleshooting.extend(list),
            Ok(Item::Page(p)) => pages.push(p),
            Err(d) => diagnostics.push(d),
        }
    }
    for (slug, guide) in guides {
        match clients.iter_mut().find(|c: &&mut Client| c.slug == slug) {
            Some(c) => c.guide = Some(guide),
            None => diagnostics.push(
                Diagnostic::error(
                    "guide-without-client",
                    format!("content/clients/{slug}.md has no client file"),
                )
                .at(Location::file(&guide.source.path))
                .help(format!(
                    "create content/clients/{slug}.yaml with the client's name and vocabulary"
                )),
            ),
        }
    }
    providers.sort_by(|a: &Provider, b| a.slug.cmp(&b.slug));
    clients.sort_by(|a: &Client, b| a.slug.cmp(&b.slug));
    pages.sort_by(|a: &Page, b| a.slug.cmp(&b.slug));

    let site = config.map(|(config, config_source)| Site {
        root: root.to_path_buf(),
        config,
        config_source,
        providers,
        clients,
        overrides,
        faq,
        troubleshooting,
        pages,
        unloaded_providers,
        today: crate::model::Date::system_today(),
    });
    Loaded { site, diagnostics }
}

fn classify(content: &Path, path: &Path) -> Option<Kind> {
    let rel: Vec<String> = path
        .strip_prefix(content)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match (rel.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), ext) {
        (["providers", _], "yaml") => Some(Kind::Provider),
        (["providers", provider, _], "md") => Some(Kind::Override {
            provider: provider.to_string(),
        }),
        (["clients", _], "yaml") => Some(Kind::Client),
        (["clients", _], "md") => Some(Kind::ClientGuide),
        (["faq", _], "yaml") => Some(Kind::Faq),
        (["troubleshooting", _], "yaml") => Some(Kind::Troubleshooting),
        (["pages", _], "md") => Some(Kind::Page),
        _ => None,
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load_item(root: &Path, path: &Path, kind: &Kind) -> Result<Item, Diagnostic> {
    let slug = stem(path);
    Ok(match kind {
        Kind::Provider => {
            let (data, source) = read_yaml::<ProviderData>(root, path)?;
            Item::Provider(Provider { slug, data, source })
        }
        Kind::Client => {
            let (data, source) = read_yaml::<ClientData>(root, path)?;
            Item::Client(Client {
                slug,
                data,
                source,
                guide: None,
            })
        }
        Kind::ClientGuide => Item::ClientGuide(slug, markdown::parse_guide(read_source(root, path)?)?),
        Kind::Override { provider } => Item::Override(GuideOverride {
            provider: provider.clone(),
            client: slug,
            guide: markdown::parse_guide(read_source(root, path)?)?,
        }),
        Kind::Faq => Item::Faq(entries(read_yaml(root, path)?)),
        Kind::Troubleshooting => Item::Troubleshooting(entries(read_yaml(root, path)?)),
        Kind::Page => Item::Page(Page {
            slug,
            guide: markdown::parse_guide(read_source(root, path)?)?,
        }),
    })
}

/// What [`reload_file`] did.
#[derive(Debug)]
pub enum Reloaded {
    /// The file's part of the site was replaced; these are the file's own load diagnostics
    /// (empty when it parsed; a file that no longer parses is left out, as in [`load_site`]).
    Updated(Vec<Diagnostic>),
    /// The change reaches beyond the file (a deleted file, a new client, a file that is no
    /// content file): load the whole site again.
    NeedsFullLoad,
}

/// Re-reads one changed or added content file into an already loaded site, replacing what the
/// file said before, so `serve` re-parses only what changed. The order of every list stays the
/// one [`load_site`] gives, so the rendered pages are the same as after a full load.
pub fn reload_file(site: &mut Site, path: &Path) -> Reloaded {
    let root = site.root.clone();
    let Some(kind) = classify(&root.join("content"), path) else {
        return Reloaded::NeedsFullLoad;
    };
    if !path.is_file() {
        return Reloaded::NeedsFullLoad;
    }
    let rel = relative(&root, path);
    let slug = stem(path);
    match &kind {
        Kind::Client | Kind::ClientGuide if site.client(&slug).is_none() => return Reloaded::NeedsFullLoad,
        _ => {}
    }
    let item = load_item(&root, path, &kind);
    // Remove what the file said before.
    match kind {
        Kind::Provider => {
            site.providers.retain(|p| p.source.path != rel);
            site.unloaded_providers.retain(|s| *s != slug);
            if item.is_err() {
                site.unloaded_providers.push(slug.clone());
                site.unloaded_providers.sort();
            }
        }
        Kind::Override { .. } => site.overrides.retain(|o| o.guide.source.path != rel),
        // A client that fails to parse is left out together with its guide: only a full load
        // can bring the guide back, so let it report the fault.
        Kind::Client if item.is_err() => return Reloaded::NeedsFullLoad,
        Kind::Client => {}
        Kind::ClientGuide => {
            if let Some(c) = site.clients.iter_mut().find(|c| c.slug == slug) {
                c.guide = None;
            }
        }
        Kind::Faq => site.faq.retain(|e| e.source.path != rel),
        Kind::Troubleshooting => site.troubleshooting.retain(|e| e.source.path != rel),
        Kind::Page => site.pages.retain(|p| p.guide.source.path != rel),
    }
    let item = match item {
        Ok(item) => item,
        Err(d) => return Reloaded::Updated(vec![d]),
    };
    match item {
        Item::Provider(p) => {
            let at = site.providers.partition_point(|q| q.slug < p.slug);
            site.providers.insert(at, p);
        }
        Item::Override(o) => {
            let at = site
                .overrides
                .partition_point(|q| q.guide.source.path < o.guide.source.path);
            site.overrides.insert(at, o);
        }
        Item::Client(new) => {
            if let Some(c) = site.clients.iter_mut().find(|c| c.slug == new.slug) {
                c.data = new.data;
                c.source = new.source;
            }
        }
        Item::ClientGuide(slug, guide) => {
            if let Some(c) = site.clients.iter_mut().find(|c| c.slug == slug) {
                c.guide = Some(guide);
            }
        }
        Item::Faq(list) => {
            let at = site.faq.partition_point(|e| e.source.path < rel);
            site.faq.splice(at..at, list);
        }
        Item::Troubleshooting(list) => {
            let at = site.troubleshooting.partition_point(|e| e.source.path < rel);
            site.troubleshooting.splice(at..at, list);
        }
        Item::Page(p) => {
            let at = site.pages.partition_point(|q| q.slug < p.slug);
            site.pages.insert(at, p);
        }
    }
    Reloaded::Updated(vec![])
}

/// A YAML file that is a list of entries (FAQ, troubleshooting), each keeping its file and index.
fn entries<T>((list, source): (Vec<T>, Source)) -> Vec<Entry<T>> {
    list.into_iter()
        .enumerate()
        .map(|(index, data)| Entry {
            data,
            source: source.clone(),
            index,
        })
        .collect()
}
