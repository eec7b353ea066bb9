//! Plan: what the site will be, decided once between the model and its readers.
//!
//! The plan holds the compiled content templates ([`prose::Prose`]) and every page the site will
//! have, with its URL, output path and the file that makes it. The checks (links, anchors, path
//! collisions, templates), the renderer, the machine-readable outputs, the search index, the
//! sitemap and `serve` read it instead of working it out again, so that what the checks accept
//! is what the renderer writes.

mod anchors;
pub mod entries;
pub mod files;
pub mod guide;
pub mod images;
pub mod markdown;
pub mod prose;
pub mod skeleton;
pub mod subset;
pub mod urls;

pub use urls::{PageId, output_path};

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use prose::Prose;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// One page the site will have.
#[derive(Debug, Clone)]
pub struct PlannedPage {
    pub id: PageId,
    pub url: String,
    /// Its file in the output folder (`icloud/index.html`).
    pub path: String,
    /// What makes it, for messages: a content file, a pair of them, or "the FAQ page".
    pub source: String,
}

/// The site's plan: its compiled prose and its pages, in the order they are listed (the home
/// page, each provider and its guides, the clients, the FAQ, troubleshooting, the free pages,
/// the 404 page).
pub struct Plan {
    pub prose: Prose,
    pages: Vec<PlannedPage>,
    /// The first page planned at each URL (a second one is a path collision).
    by_url: HashMap<String, usize>,
    /// The ids the theme's templates write on every page, read when a link first needs them.
    theme_ids: OnceLock<HashSet<String>>,
    /// The anchor ids of each page asked about so far; `None` when they cannot be known.
    anchors: Mutex<HashMap<usize, Option<Arc<HashSet<String>>>>>,
}

impl Plan {
    /// Compiles the site's prose and lists its pages. Template syntax errors become diagnostics;
    /// the plan is made either way.
    pub fn new(site: &Site) -> (Plan, Vec<Diagnostic>) {
        let (prose, diagnostics) = Prose::compile(site);
        (Plan::with_prose(site, prose), diagnostics)
    }

    /// The plan of `site` with its prose already compiled.
    pub fn with_prose(site: &Site, prose: Prose) -> Plan {
        let pages = pages(site);
        let mut by_url = HashMap::with_capacity(pages.len());
        for (i, page) in pages.iter().enumerate() {
            by_url.entry(page.url.clone()).or_insert(i);
        }
        Plan {
            prose,
            pages,
            by_url,
            theme_ids: OnceLock::new(),
            anchors: Mutex::default(),
        }
    }

    /// Every planned page, in order; two pages may share a URL (a path collision the checks
    /// report).
    pub fn pages(&self) -> &[PlannedPage] {
        &self.pages
    }

    /// The page planned at `url` (the first, if several are).
    pub fn page(&self, url: &str) -> Option<&PlannedPage> {
        self.by_url.get(url).map(|&i| &self.pages[i])
    }

    /// The URLs of the pages a search engine should know: all but the 404 page.
    pub fn sitemap_urls(&self) -> Vec<String> {
        self.pages
            .iter()
            .filter(|p| p.id != PageId::NotFound)
            .map(|p| p.url.clone())
            .collect()
    }

    /// The ids the page at `url` will carry (heading ids of its prose, entry ids, the theme's
    /// fixed ids), or `None` when they cannot be known (its prose does not render, which the
    /// template check reports) or no page is planned there.
    pub fn anchors(&self, site: &Site, url: &str) -> Option<Arc<HashSet<String>>> {
        let &i = self.by_url.get(url)?;
        let lock = || self.anchors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = lock().get(&i) {
            return known.clone();
        }
        let theme = self.theme_ids.get_or_init(|| anchors::theme_ids(site));
        let ids = anchors::page_ids(site, &self.prose, &self.pages[i].id).map(|mut ids| {
            ids.extend(theme.iter().cloned());
            Arc::new(ids)
        });
        lock().insert(i, ids.clone());
        ids
    }
}

/// Every page of the site, with what produces it.
fn pages(site: &Site) -> Vec<PlannedPage> {
    let mut pages = Vec::new();
    let mut add = |id: PageId, source: String| {
        let url = id.url();
        pages.push(PlannedPage {
            path: output_path(&url),
            url,
            id,
            source,
        });
    };
    add(PageId::Home, "the home page".into());
    let clients = site.published_clients();
    for p in &site.providers {
        add(PageId::provider(&p.slug), p.source.path.clone());
        for c in &clients {
            let source = format!("{} x {}", p.source.path, c.source.path);
            add(PageId::guide(&p.slug, &c.slug), source);
        }
    }
    for c in &clients {
        add(PageId::client(&c.slug), c.source.path.clone());
    }
    add(PageId::Faq, "the FAQ page".into());
    add(PageId::Troubleshooting, "the troubleshooting page".into());
    for page in &site.pages {
        add(PageId::free(&page.slug), page.guide.source.path.clone());
    }
    add(PageId::NotFound, "the 404 page".into());
    pages
}
