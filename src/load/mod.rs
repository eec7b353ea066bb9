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
    let rel = relative(root, path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error("file-unreadable", format!("cannot read {rel}: {e}"))
            .at(Location::file(&rel))
            .help("make sure the file is readable UTF-8 text")
    })?;
    let is_yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
    let spans = if is_yaml {
        yaml::Spans::of(&text)
    } else {
        Default::default()
    };
    Ok(Source {
        path: rel,
        text: Arc::from(text),
        spans: Arc::new(spans),
    })
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
        match read_source(root, &config_path).and_then(|s| Ok((yaml::parse::<SiteConfig>(&s.path, &s.text, 0)?, s))) {
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
    for r in results {
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
    let source = read_source(root, path)?;
    let slug = stem(path);
    Ok(match kind {
        Kind::Provider => {
            let data: ProviderData = yaml::parse(&source.path, &source.text, 0)?;
            Item::Provider(Provider { slug, data, source })
        }
        Kind::Client => {
            let data: ClientData = yaml::parse(&source.path, &source.text, 0)?;
            Item::Client(Client {
                slug,
                data,
                source,
                guide: None,
            })
        }
        Kind::ClientGuide => Item::ClientGuide(slug, markdown::parse_guide(source)?),
        Kind::Override { provider } => Item::Override(GuideOverride {
            provider: provider.clone(),
            client: slug,
            guide: markdown::parse_guide(source)?,
        }),
        Kind::Faq => {
            let list: Vec<FaqEntry> = yaml::parse(&source.path, &source.text, 0)?;
            Item::Faq(
                list.into_iter()
                    .enumerate()
                    .map(|(index, data)| Entry {
                        data,
                        source: source.clone(),
                        index,
                    })
                    .collect(),
            )
        }
        Kind::Troubleshooting => {
            let list: Vec<TroubleshootingEntry> = yaml::parse(&source.path, &source.text, 0)?;
            Item::Troubleshooting(
                list.into_iter()
                    .enumerate()
                    .map(|(index, data)| Entry {
                        data,
                        source: source.clone(),
                        index,
                    })
                    .collect(),
            )
        }
        Kind::Page => Item::Page(Page {
            slug,
            guide: markdown::parse_guide(source)?,
        }),
    })
}
