//! Plan: what the site will be, decided once between the model and its readers.
//!
//! The plan holds the compiled content templates ([`prose::Prose`]) and every page the site will
//! have, with its URL, output path and the file that makes it. The checks (links, anchors, path
//! collisions, templates), the renderer, the machine-readable outputs, the search index, the
//! sitemap and `serve` read it instead of working it out again, so that what the checks accept
//! is what the renderer writes.

mod anchors;
mod dialect;
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
    /// The page shows a draft (a draft provider, client, guide, steps or free page): only
    /// `build --drafts` and `serve` have it, with a "Draft" banner, and never in the sitemap or
    /// the search index. Without `--drafts` the drafts are left out of the model
    /// ([`Site::leave_out_drafts`]) and have no page at all.
    pub draft: bool,
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
    /// The pages the absent files would make ([`Site::absent`]: files that did not load, drafts
    /// left out), by URL, so a link to one is told apart from a link to nothing.
    absent: HashMap<String, crate::model::Absent>,
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
            absent: absent_pages(site, &by_url),
            by_url,
            theme_ids: OnceLock::new(),
            anchors: Mutex::default(),
        }
    }

    /// The absent file whose page would be at `url`, when no page is.
    pub fn absent(&self, url: &str) -> Option<&crate::model::Absent> {
        self.absent.get(url)
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

    /// The pages a search engine should know: all but the 404 page and drafts.
    pub fn sitemap_pages(&self) -> impl Iterator<Item = &PlannedPage> {
        self.pages.iter().filter(|p| p.id != PageId::NotFound && !p.draft)
    }

    /// The URLs of [`Plan::sitemap_pages`].
    pub fn sitemap_urls(&self) -> Vec<String> {
        self.sitemap_pages().map(|p| p.url.clone()).collect()
    }

    /// Whether the page at `url` shows a draft.
    pub fn is_draft(&self, url: &str) -> bool {
        self.page(url).is_some_and(|p| p.draft)
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

/// The content files a page shows, for the date it last changed (the sitemap's `<lastmod>`): a
/// provider's page its file and the files of its FAQ and troubleshooting entries; a guide the
/// provider's and the client's files, the client's guide and the provider's steps for it; a
/// client's page its files; the FAQ and troubleshooting pages their entries' files; a free page
/// its file; the home page every provider and published client file. The 404 page none.
pub fn page_files<'s>(site: &'s Site, id: &PageId) -> Vec<&'s str> {
    let client_files = |slug: &str| -> Vec<&'s str> {
        site.client(slug)
            .map(|c| {
                std::iter::once(c.source.path.as_str())
                    .chain(c.guide.as_ref().map(|g| g.source.path.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut files: Vec<&str> = match id {
        PageId::Home => site
            .providers
            .iter()
            .map(|p| p.source.path.as_str())
            .chain(site.published_clients().into_iter().flat_map(|c| client_files(&c.slug)))
            .collect(),
        PageId::Provider(slug) => site
            .provider(slug)
            .map(|p| p.source.path.as_str())
            .into_iter()
            .chain(
                site.faq
                    .iter()
                    .filter(|e| e.data.provider.as_ref() == Some(slug))
                    .map(|e| e.source.path.as_str()),
            )
            .chain(
                site.troubleshooting
                    .iter()
                    .filter(|e| e.data.provider.as_ref() == Some(slug))
                    .map(|e| e.source.path.as_str()),
            )
            .collect(),
        PageId::Guide(p, c) => site
            .provider(p)
            .map(|p| p.source.path.as_str())
            .into_iter()
            .chain(client_files(c))
            .chain(site.guide_override(p, c).map(|o| o.guide.source.path.as_str()))
            .collect(),
        PageId::Client(c) => client_files(c),
        PageId::Faq => site.faq.iter().map(|e| e.source.path.as_str()).collect(),
        PageId::Troubleshooting => site.troubleshooting.iter().map(|e| e.source.path.as_str()).collect(),
        PageId::Free(slug) => site
            .pages
            .iter()
            .filter(|p| p.slug == *slug)
            .map(|p| p.guide.source.path.as_str())
            .collect(),
        PageId::NotFound => vec![],
    };
    files.sort_unstable();
    files.dedup();
    files
}

/// The pages the site would have if its absent files were there: a provider's page and its
/// guides, a client's page and its guides, a free page. Pages that exist anyway are not listed.
fn absent_pages(site: &Site, planned: &HashMap<String, usize>) -> HashMap<String, crate::model::Absent> {
    use crate::model::AbsentKind;
    let mut out = HashMap::new();
    if site.absent.is_empty() {
        return out;
    }
    let absent_of = |kind: AbsentKind| site.absent.iter().filter(move |a| a.kind == kind);
    let published = |slug: &str| {
        site.config
            .clients
            .as_ref()
            .is_none_or(|list| list.iter().any(|c| c == slug))
    };
    // Every provider and every published client, present or absent.
    let providers: Vec<&str> = site
        .providers
        .iter()
        .map(|p| p.slug.as_str())
        .chain(absent_of(AbsentKind::Provider).map(|a| a.slug.as_str()))
        .collect();
    let clients: Vec<&str> = site
        .published_clients()
        .iter()
        .map(|c| c.slug.as_str())
        .chain(
            absent_of(AbsentKind::Client)
                .map(|a| a.slug.as_str())
                .filter(|s| published(s)),
        )
        .collect();
    for a in &site.absent {
        let ids: Vec<PageId> = match a.kind {
            AbsentKind::Provider => std::iter::once(PageId::provider(&a.slug))
                .chain(clients.iter().map(|c| PageId::guide(&a.slug, c)))
                .collect(),
            AbsentKind::Client if published(&a.slug) => std::iter::once(PageId::client(&a.slug))
                .chain(providers.iter().map(|p| PageId::guide(p, &a.slug)))
                .collect(),
            AbsentKind::Client => vec![],
            AbsentKind::Page => vec![PageId::free(&a.slug)],
        };
        for id in ids {
            let url = id.url();
            if !planned.contains_key(&url) {
                out.entry(url).or_insert_with(|| a.clone());
            }
        }
    }
    out
}

/// Every page of the site, with what produces it.
fn pages(site: &Site) -> Vec<PlannedPage> {
    let mut pages = Vec::new();
    let mut add = |id: PageId, source: String, draft: bool| {
        let url = id.url();
        pages.push(PlannedPage {
            path: output_path(&url),
            url,
            id,
            source,
            draft,
        });
    };
    add(PageId::Home, "the home page".into(), false);
    let clients = site.published_clients();
    let steps = site.guide_overrides_by_pair();
    for p in &site.providers {
        add(PageId::provider(&p.slug), p.source.path.clone(), p.data.draft);
        for c in &clients {
            let source = format!("{} x {}", p.source.path, c.source.path);
            let draft_steps = steps
                .get(&(p.slug.as_str(), c.slug.as_str()))
                .is_some_and(|o| o.guide.front.draft);
            add(
                PageId::guide(&p.slug, &c.slug),
                source,
                p.data.draft || c.is_draft() || draft_steps,
            );
        }
    }
    for c in &clients {
        add(PageId::client(&c.slug), c.source.path.clone(), c.is_draft());
    }
    add(PageId::Faq, "the FAQ page".into(), false);
    add(PageId::Troubleshooting, "the troubleshooting page".into(), false);
    for page in &site.pages {
        add(
            PageId::free(&page.slug),
            page.guide.source.path.clone(),
            page.guide.front.draft,
        );
    }
    add(PageId::NotFound, "the 404 page".into(), false);
    pages
}
