//! Load: walk the content folder, parse every file, keep source positions, build the [`Site`].
//!
//! Loading never stops at the first bad file: each file that fails becomes a diagnostic and is
//! left out, so one `check` run shows every fault.

pub mod git;
pub mod markdown;
mod walk;
pub mod yaml;

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{
    Absent, AbsentKind, Client, ClientData, Entry, FaqEntry, GuideOverride, Limits, Page, Provider, ProviderData, Site,
    SiteConfig, Source, TroubleshootingEntry,
};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The result of loading: the site (when `site.yaml` could be read) and every problem found.
pub struct Loaded {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a file under `content/` is, decided by where it stands.
enum Kind {
    Provider,
    Override {
        provider: String,
    },
    Client,
    ClientGuide,
    Faq,
    Troubleshooting,
    Page,
    /// An image beside the Markdown that shows it: content, read when the page is published.
    Asset,
}

/// Extensions of the images a guide, a provider's steps, a page or an FAQ or troubleshooting
/// answer may show from its own folder.
pub const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "avif"];

enum Item {
    Provider(Provider),
    Override(GuideOverride),
    Client(Client),
    ClientGuide(String, crate::model::Guide),
    Faq(Vec<Entry<FaqEntry>>),
    Troubleshooting(Vec<Entry<TroubleshootingEntry>>),
    Page(Page),
    Asset,
}

/// Reads a file as a [`Source`], recording YAML spans for YAML files.
pub fn read_source(root: &Path, path: &Path, limits: &Limits) -> Result<Source, Diagnostic> {
    let (rel, text) = read_text(root, path, limits)?;
    let is_yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
    let spans = if is_yaml {
        yaml::spans_of(&text)
    } else {
        Default::default()
    };
    Ok(source(rel, text, spans))
}

/// Reads and parses a YAML file, parsing it once for both its data and its spans.
fn read_yaml<T: serde::de::DeserializeOwned>(
    root: &Path,
    path: &Path,
    limits: &Limits,
) -> Result<(T, Source), Diagnostic> {
    let (rel, text) = read_text(root, path, limits)?;
    let (spans, data) = yaml::parse_with_spans(&rel, &text, limits.yaml_depth);
    let source = source(rel, text, spans);
    Ok((data?, source))
}

/// A file's path relative to the root, and its text. A file larger than `limits.file_bytes` is
/// an error at the place where it crosses the limit, and is not read beyond it.
fn read_text(root: &Path, path: &Path, limits: &Limits) -> Result<(String, String), Diagnostic> {
    use std::io::Read as _;
    let rel = relative(root, path);
    let unreadable = |e: std::io::Error| {
        Diagnostic::error("file-unreadable", format!("cannot read {rel}: {e}"))
            .at(Location::file(&rel))
            .help("make sure the file is readable UTF-8 text")
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(limits.file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limits.file_bytes {
        bytes.truncate(usize::try_from(limits.file_bytes).unwrap_or(usize::MAX));
        let head = String::from_utf8_lossy(&bytes);
        let (line, column) = crate::model::LineIndex::new(&head).position(&head, head.len());
        return Err(Diagnostic::error(
            "file-too-large",
            format!("{rel} is larger than the limit of {} bytes", limits.file_bytes),
        )
        .at(Location::new(&rel, line, column))
        .help(format!(
            "the file crosses the limit here; split it into several files, or raise `limits: {{file_bytes: N}}` \
             in site.yaml (now {})",
            limits.file_bytes
        )));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((rel, text)),
        // The words `read_to_string` uses for the same fault.
        Err(_) => Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))),
    }
}

fn source(path: String, text: String, spans: crate::model::Spans) -> Source {
    Source {
        path,
        lines: Arc::new(crate::model::LineIndex::new(&text)),
        text: Arc::from(text),
        spans: Arc::new(spans),
    }
}

/// The path relative to the root, with `/` separators, as diagnostics show it. Control and
/// bidirectional-override characters in a name are written as `\u{..}` escapes: a file name is
/// printed to the editor's terminal, where a raw ESC would run a terminal command and U+202E
/// would show the name backwards.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let joined = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if !joined.chars().any(unsafe_in_name) {
        return joined;
    }
    joined
        .chars()
        .map(|c| {
            if unsafe_in_name(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Characters a file name must not carry raw into a terminal or a report.
fn unsafe_in_name(c: char) -> bool {
    c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Loads the site at `root`.
pub fn load_site(root: &Path) -> Loaded {
    let mut diagnostics = Vec::new();
    let config_path = root.join("site.yaml");
    let config = if config_path.is_file() {
        match read_yaml::<SiteConfig>(root, &config_path, &Limits::default()) {
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

    let limits = config.as_ref().map(|(c, _)| c.limits).unwrap_or_default();
    let content = root.join("content");
    let walked = walk::walk(root);
    diagnostics.extend(walked.diagnostics);
    let files: Vec<(PathBuf, Option<Kind>)> = walked
        .files
        .into_iter()
        .map(|path| {
            let kind = classify(&content, &path);
            (path, kind)
        })
        .collect();

    let results: Vec<Result<Item, Diagnostic>> = files
        .par_iter()
        .map(|(path, kind)| match kind {
            Some(kind) => load_item(root, path, kind, &limits),
            None => Err(unknown_kind(root, path)),
        })
        .collect();

    let mut providers = Vec::new();
    let mut clients = Vec::new();
    let mut guides = Vec::new();
    let mut overrides = Vec::new();
    let mut faq = Vec::new();
    let mut troubleshooting = Vec::new();
    let mut pages = Vec::new();
    let mut absent = Vec::new();
    // `results` holds one entry per file, in order.
    for ((path, kind), r) in files.iter().zip(results) {
        if r.is_err() {
            absent.extend(unloaded(root, path, kind.as_ref()));
        }
        match r {
            Ok(Item::Provider(p)) => providers.push(p),
            Ok(Item::Client(c)) => clients.push(c),
            Ok(Item::ClientGuide(slug, g)) => guides.push((slug, g)),
            Ok(Item::Override(o)) => overrides.push(o),
            Ok(Item::Faq(list)) => faq.extend(list),
            Ok(Item::Troubleshooting(list)) => troubleshooting.extend(list),
            Ok(Item::Page(p)) => pages.push(p),
            Ok(Item::Asset) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    for (slug, guide) in guides {
        match clients.iter_mut().find(|c: &&mut Client| c.slug == slug) {
            Some(c) => c.guide = Some(guide),
            // A client file with an error: the guide is fine, and waits for it.
            None => match absent
                .iter()
                .find(|a: &&Absent| a.kind == AbsentKind::Client && a.slug == slug)
            {
                Some(a) => diagnostics.push(
                    Diagnostic::error(
                        "guide-without-client",
                        format!("content/clients/{slug}.md is left out: its client file did not load"),
                    )
                    .at(Location::file(&guide.source.path))
                    .help(format!("fix the error in {}", a.file))
                    .follows_from(a.file.clone()),
                ),
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
            },
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
        absent,
        today: crate::model::Date::system_today(),
    });
    Loaded { site, diagnostics }
}

/// A provider or client file that did not load, for the findings that follow from it.
fn unloaded(root: &Path, path: &Path, kind: Option<&Kind>) -> Option<Absent> {
    let kind = match kind? {
        Kind::Provider => AbsentKind::Provider,
        Kind::Client => AbsentKind::Client,
        _ => return None,
    };
    Some(Absent {
        kind,
        slug: stem(path),
        file: relative(root, path),
        draft: None,
    })
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
        (["providers", _, _] | ["clients", _] | ["pages", _] | ["faq", _] | ["troubleshooting", _], ext)
            if IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) =>
        {
            Some(Kind::Asset)
        }
        _ => None,
    }
}

/// Whether `path` (under `root`) is an image the walk takes as content: one of
/// [`IMAGE_EXTENSIONS`], in a folder of Markdown or of FAQ or troubleshooting entries, with no
/// part of its path starting with `.` (which the walk leaves out). Only such an image may be
/// shown from the prose, so what is published is what the walk accepted.
pub fn is_content_image(root: &Path, path: &Path) -> bool {
    let content = root.join("content");
    let hidden = path
        .strip_prefix(&content)
        .map(|rel| {
            rel.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .unwrap_or(true);
    !hidden && matches!(classify(&content, path), Some(Kind::Asset))
}

/// A file in no place mailguide reads. YAML and Markdown there are content in the wrong place
/// (or with a misspelt extension), which would be lost from the site: an error. Anything else
/// (notes, a stray image) is a warning naming it.
fn unknown_kind(root: &Path, path: &Path) -> Diagnostic {
    let rel = relative(root, path);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "yaml" | "yml" | "md" | "markdown" => {
            let help = match ext.as_str() {
                "yml" => "mailguide reads `.yaml` files: rename it to end in `.yaml`".to_string(),
                "markdown" => "mailguide reads `.md` files: rename it to end in `.md`".to_string(),
                _ => "providers/<slug>.yaml, providers/<slug>/<client>.md, clients/<slug>.yaml and .md, \
                      faq/*.yaml, troubleshooting/*.yaml and pages/*.md are content; move the file to \
                      where its kind belongs (docs/content.md)"
                    .to_string(),
            };
            Diagnostic::error(
                "file-unknown-kind",
                format!("{rel} is not a kind of content file mailguide knows, so it would not be published"),
            )
            .at(Location::file(&rel))
            .help(help)
        }
        _ => Diagnostic::warning(
            "file-unused",
            format!("{rel} is not a content file and is not published"),
        )
        .at(Location::file(&rel))
        .help("see docs/content.md for where each kind of file goes; move or remove it"),
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load_item(root: &Path, path: &Path, kind: &Kind, limits: &Limits) -> Result<Item, Diagnostic> {
    let slug = stem(path);
    let depth = limits.yaml_depth;
    Ok(match kind {
        Kind::Provider => {
            let (data, source) = read_yaml::<ProviderData>(root, path, limits)?;
            Item::Provider(Provider { slug, data, source })
        }
        Kind::Client => {
            let (data, source) = read_yaml::<ClientData>(root, path, limits)?;
            Item::Client(Client {
                slug,
                data,
                source,
                guide: None,
            })
        }
        Kind::ClientGuide => Item::ClientGuide(slug, markdown::parse_guide(read_source(root, path, limits)?, depth)?),
        Kind::Override { provider } => Item::Override(GuideOverride {
            provider: provider.clone(),
            client: slug,
            guide: markdown::parse_guide(read_source(root, path, limits)?, depth)?,
        }),
        Kind::Faq => Item::Faq(entries(read_yaml(root, path, limits)?)),
        Kind::Troubleshooting => Item::Troubleshooting(entries(read_yaml(root, path, limits)?)),
        Kind::Page => Item::Page(Page {
            slug,
            guide: markdown::parse_guide(read_source(root, path, limits)?, depth)?,
        }),
        Kind::Asset => Item::Asset,
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
    let limits = site.config.limits;
    let item = load_item(&root, path, &kind, &limits);
    // Remove what the file said before.
    match kind {
        Kind::Provider => {
            site.providers.retain(|p| p.source.path != rel);
            site.absent.retain(|a| a.file != rel);
            if item.is_err() {
                site.absent.extend(unloaded(&root, path, Some(&kind)));
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
        Kind::Asset => {}
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
        Item::Asset => {}
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
