//! Render: the site model into pages in memory, through the theme's Tera templates.
//!
//! Which pages exist and their addresses are decided by the [`Plan`]; each page is rendered from
//! the plan's compiled prose, independently, providers in parallel. The files that are not pages
//! (assets, sitemap, client files) are `outputs`'. Nothing here touches the disk; `write` does
//! that.

pub mod guide_steps;
pub mod jsonld;
pub mod theme;
pub mod views;

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Client, GuideOverride, Provider, Site, Source};
use crate::plan::files::{OutputFile, ProviderExtras};
use crate::plan::markdown;
use crate::plan::prose::{self, Prose};
use crate::plan::{PageId, Plan, output_path};
use guide_steps::{GuidePage, GuideSteps, Plain, Shared};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use theme::Theme;
use views::*;

pub struct RenderOptions {
    /// Absolute base URL for canonical links and the sitemap, without a trailing slash.
    pub base_url: String,
    /// Per provider slug: warnings, downloadable files and DNS records from other stages.
    pub extras: HashMap<String, ProviderExtras>,
    /// The URL of the site search index (made by `outputs::search`), which pages get as
    /// `search_index`.
    pub search_url: Option<String>,
    /// The FAQ and troubleshooting entries, rendered once for pages and the search index.
    pub entries: EntryViews,
    /// When each content file was last committed, for the sitemap's `<lastmod>` (`build` only).
    pub commit_dates: crate::load::git::CommitDates,
}

/// Which pages to render: all of them for `build`, or only those a change touched for `serve`'s
/// incremental rebuilds (the pipeline decides what depends on what).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub all: bool,
    pub home: bool,
    /// Provider slugs whose provider page and every guide page are rendered.
    pub providers: BTreeSet<String>,
    /// Single guide pages, by (provider slug, client slug).
    pub guides: BTreeSet<(String, String)>,
    /// Client slugs whose client page is rendered.
    pub clients: BTreeSet<String>,
    pub faq: bool,
    pub troubleshooting: bool,
    /// Free page slugs.
    pub pages: BTreeSet<String>,
    pub not_found: bool,
}

impl Selection {
    pub fn all() -> Self {
        Selection {
            all: true,
            ..Default::default()
        }
    }

    fn provider(&self, p: &str) -> bool {
        self.all || self.providers.contains(p)
    }

    fn guide(&self, p: &str, c: &str) -> bool {
        self.provider(p) || self.guides.contains(&(p.to_string(), c.to_string()))
    }

    fn provider_any(&self, p: &str) -> bool {
        self.provider(p) || self.guides.iter().any(|(gp, _)| gp == p)
    }
}

#[derive(Serialize)]
struct SiteGlobals<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    clients: Vec<NavLink<'a>>,
    pages: Vec<NavLink<'a>>,
    /// `extra:` of site.yaml, for the site's own templates.
    extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
struct NavLink<'a> {
    slug: &'a str,
    title: &'a str,
    name: &'a str,
    url: String,
}

struct Renderer<'a> {
    site: &'a Site,
    /// Which pages show drafts.
    plan: &'a Plan,
    entries: Entries<'a>,
    /// Provider-specific steps by (provider, client): a lookup per guide page, where scanning
    /// the list would make a build quadratic in the number of providers.
    overrides: HashMap<(&'a str, &'a str), &'a GuideOverride>,
    prose: &'a Prose,
    theme: &'a Theme,
    opts: &'a RenderOptions,
    clients: Vec<&'a Client>,
    /// How guide pages' steps are made: from shared skeletons, or each from its own Markdown.
    steps: &'a dyn GuideSteps<'a>,
}

impl<'a> Renderer<'a> {
    fn meta(
        &self,
        kind: &'static str,
        title: String,
        description: String,
        url: String,
        mut crumbs: Vec<Crumb>,
        extra_ld: Vec<jsonld::Item>,
    ) -> PageMeta {
        let mut trail = vec![Crumb {
            title: "Home".into(),
            url: PageId::Home.url(),
        }];
        trail.append(&mut crumbs);
        let mut ld = vec![jsonld::breadcrumbs(&self.opts.base_url, &trail)];
        ld.extend(extra_ld);
        let draft = self.plan.is_draft(&url);
        PageMeta {
            kind,
            canonical: format!("{}{}", self.opts.base_url, url),
            title,
            description,
            url,
            breadcrumbs: trail,
            jsonld: jsonld::document(&ld),
            draft,
        }
    }

    /// Renders a page with `template`. `sources` are the content files the page is made from: a
    /// page over `limits.page_bytes` is reported at the one with the most text, naming them all.
    fn page(
        &self,
        template: &str,
        sources: &[&Source],
        meta: PageMeta,
        fill: impl FnOnce(&mut tera::Context),
    ) -> Result<OutputFile, Diagnostic> {
        let mut ctx = tera::Context::new();
        let path = output_path(&meta.url);
        ctx.insert("page", &meta);
        ctx.insert("search_index", &self.opts.search_url);
        fill(&mut ctx);
        // Most pages are 10 to 20 KB.
        let mut html = self.theme.render(template, &ctx, 24 * 1024)?;
        eager_first_image(&mut html);
        let limit = self.site.config.limits.page_bytes;
        if html.len() as u64 > limit {
            let sources = if sources.is_empty() {
                &[&self.site.config_source][..]
            } else {
                sources
            };
            return Err(page_too_large(sources, &meta.url, html.len(), limit));
        }
        Ok(OutputFile::new(path, html))
    }

    /// The files a list page (FAQ, troubleshooting) is made from, each once.
    fn files_of<T>(entries: &'a [crate::model::Entry<T>]) -> Vec<&'a Source> {
        let mut files: Vec<&Source> = Vec::new();
        for e in entries {
            if !files.iter().any(|f| f.path == e.source.path) {
                files.push(&e.source);
            }
        }
        files
    }

    fn home(&self) -> Result<OutputFile, Diagnostic> {
        let cfg = &self.site.config;
        let providers: Vec<ProviderLink> = self
            .site
            .providers
            .iter()
            .map(|p| ProviderLink {
                slug: &p.slug,
                name: &p.data.name,
                domains: &p.data.domains,
                url: PageId::provider(&p.slug).url(),
            })
            .collect();
        let clients: Vec<ClientLink> = self.clients.iter().map(|c| ClientLink::new(c)).collect();
        let mut meta = self.meta(
            "home",
            cfg.title.clone(),
            cfg.description.clone(),
            PageId::Home.url(),
            vec![],
            vec![jsonld::website(&cfg.title, &cfg.description, &self.opts.base_url)],
        );
        meta.breadcrumbs.truncate(1);
        self.page("index.html", &[&self.site.config_source], meta, |ctx| {
            ctx.insert("providers", &providers);
            ctx.insert("clients", &clients);
        })
    }

    fn provider_pages(&self, p: &'a Provider, sel: &Selection) -> Result<Vec<OutputFile>, Diagnostic> {
        let empty = ProviderExtras::default();
        let extras = self.opts.extras.get(&p.slug).unwrap_or(&empty);
        let view = provider_view(&self.opts.entries, self.prose, p, &self.clients, extras)?;
        // Converted to a template value once and shared (an `Arc` inside) by the provider's pages.
        let view = tera::Value::from_serializable(&view);
        let mut out = Vec::with_capacity(self.clients.len() + 1);
        let description = format!(
            "{} mail server settings for {}: IMAP, POP3 and SMTP hosts, ports and encryption, and setup guides.",
            p.data.name,
            p.addresses()
        );
        // The provider's questions are marked up once, on the FAQ page (Google asks for one instance).
        let ld = vec![];
        let url = PageId::provider(&p.slug).url();
        let meta = self.meta(
            "provider",
            format!("{} settings", p.data.name),
            description,
            url.clone(),
            vec![Crumb {
                title: p.data.name.clone(),
                url,
            }],
            ld,
        );
        if sel.provider(&p.slug) {
            out.push(self.page("provider.html", &[&p.source], meta, |ctx| {
                ctx.insert_value("provider", view.clone())
            })?);
        }
        for c in self.clients.iter().filter(|c| sel.guide(&p.slug, &c.slug)) {
            out.push(self.guide_page(p, c, &view)?);
        }
        Ok(out)
    }

    /// A guide page's steps as HTML, and the text of each step for its HowTo.
    fn guide_html(&self, p: &'a Provider, c: &'a Client) -> Result<(String, Vec<String>), Diagnostic> {
        let steps = self.overrides.get(&(p.slug.as_str(), c.slug.as_str())).copied();
        self.steps.html_and_steps(&GuidePage {
            prose: self.prose,
            provider: p,
            client: c,
            steps,
        })
    }

    fn guide_page(&self, p: &'a Provider, c: &'a Client, view: &tera::Value) -> Result<OutputFile, Diagnostic> {
        let (guide_html, steps) = self.guide_html(p, c)?;
        let url = PageId::guide(&p.slug, &c.slug).url();
        let title = format!("Set up {} in {}", p.data.name, c.data.name);
        let description = format!(
            "How to set up {} in {}, step by step, with the server settings in {}'s own words.",
            p.data.name, c.data.name, c.data.name
        );
        let ld = jsonld::how_to(&title, &description, &c.data.name, &steps)
            .into_iter()
            .collect();
        let meta = self.meta(
            "guide",
            title.clone(),
            description.clone(),
            url.clone(),
            vec![
                Crumb {
                    title: p.data.name.clone(),
                    url: PageId::provider(&p.slug).url(),
                },
                Crumb {
                    title: c.data.name.clone(),
                    url,
                },
            ],
            ld,
        );
        let settings = settings_sections(p, c);
        let trouble = trouble_entries(&self.entries, self.prose, Some(p), Some(c))?;
        let client = ClientLink::new(c);
        let button = ButtonView::new(p, c);
        let files = self.opts.extras.get(&p.slug).map_or(&[][..], |e| e.files.as_slice());
        let profile = ProfileView::new(p, c, files, button.is_some());
        // The steps come from the client's guide and the provider's own steps for this client.
        let mut sources = vec![&p.source];
        sources.extend(c.guide.as_ref().map(|g| &g.source));
        sources.extend(
            self.overrides
                .get(&(p.slug.as_str(), c.slug.as_str()))
                .map(|o| &o.guide.source),
        );
        self.page("guide.html", &sources, meta, |ctx| {
            ctx.insert_value("provider", view.clone());
            ctx.insert("client", &client);
            ctx.insert("guide_html", &guide_html);
            ctx.insert("settings", &settings);
            ctx.insert("troubleshooting", &trouble);
            if let Some(b) = &button {
                ctx.insert("button", b);
            }
            if let Some(pv) = &profile {
                ctx.insert("profile", pv);
            }
        })
    }

    fn client_page(&self, c: &Client) -> Result<OutputFile, Diagnostic> {
        #[derive(Serialize)]
        struct Row<'b> {
            name: &'b str,
            domains: &'b [String],
            url: String,
        }
        let rows: Vec<Row> = self
            .site
            .providers
            .iter()
            .map(|p| Row {
                name: &p.data.name,
                domains: &p.data.domains,
                url: PageId::guide(&p.slug, &c.slug).url(),
            })
            .collect();
        let url = PageId::client(&c.slug).url();
        let meta = self.meta(
            "client",
            format!("{} setup guides", c.data.name),
            format!(
                "Set up any mail provider in {}: pick your provider for step-by-step instructions.",
                c.data.name
            ),
            url.clone(),
            vec![Crumb {
                title: c.data.name.clone(),
                url,
            }],
            vec![],
        );
        let client = ClientLink::new(c);
        self.page("client.html", &[&c.source], meta, |ctx| {
            ctx.insert("client", &client);
            ctx.insert("providers", &rows);
        })
    }

    fn faq_page(&self) -> Result<OutputFile, Diagnostic> {
        #[derive(Serialize)]
        struct Group<'b> {
            title: String,
            entries: &'b [FaqView],
        }
        let mut groups = vec![Group {
            title: "General".into(),
            entries: self.opts.entries.faq(None)?,
        }];
        for p in &self.site.providers {
            let entries = self.opts.entries.faq(Some(p))?;
            if !entries.is_empty() {
                groups.push(Group {
                    title: p.data.name.clone(),
                    entries,
                });
            }
        }
        groups.retain(|g| !g.entries.is_empty());
        let all: Vec<FaqView> = groups.iter().flat_map(|g| g.entries.iter().cloned()).collect();
        let meta = self.meta(
            "faq",
            "Frequently asked questions".into(),
            format!(
                "Answers to common questions about setting up email: {}.",
                self.site.config.title
            ),
            PageId::Faq.url(),
            vec![Crumb {
                title: "FAQ".into(),
                url: PageId::Faq.url(),
            }],
            jsonld::faq_page(&all).into_iter().collect(),
        );
        self.page("faq.html", &Self::files_of(&self.site.faq), meta, |ctx| {
            ctx.insert("groups", &groups)
        })
    }

    fn troubleshooting_page(&self) -> Result<OutputFile, Diagnostic> {
        #[derive(Serialize)]
        struct Group<'b> {
            title: String,
            entries: &'b [TroubleView],
        }
        let mut groups = vec![Group {
            title: "Any provider".into(),
            entries: self.opts.entries.trouble(None)?,
        }];
        for p in &self.site.providers {
            let entries = self.opts.entries.trouble(Some(p))?;
            if !entries.is_empty() {
                groups.push(Group {
                    title: p.data.name.clone(),
                    entries,
                });
            }
        }
        groups.retain(|g| !g.entries.is_empty());
        let meta = self.meta(
            "troubleshooting",
            "Troubleshooting".into(),
            "Fixes for mail that will not connect, send or sync.".into(),
            PageId::Troubleshooting.url(),
            vec![Crumb {
                title: "Troubleshooting".into(),
                url: PageId::Troubleshooting.url(),
            }],
            vec![],
        );
        self.page(
            "troubleshooting.html",
            &Self::files_of(&self.site.troubleshooting),
            meta,
            |ctx| ctx.insert("groups", &groups),
        )
    }

    fn free_page(&self, page: &crate::model::Page) -> Result<OutputFile, Diagnostic> {
        let md = self
            .prose
            .render(&prose::guide_name(&page.guide.source), &self.prose.context(None, None))?;
        let body_html = markdown::to_html(&md, 0);
        let url = PageId::free(&page.slug).url();
        let title = page
            .guide
            .front
            .title
            .clone()
            .unwrap_or_else(|| page.slug.replace('-', " "));
        let meta = self.meta(
            "page",
            title.clone(),
            page.guide.front.description.clone().unwrap_or_default(),
            url.clone(),
            vec![Crumb { title, url }],
            vec![],
        );
        self.page("page.html", &[&page.guide.source], meta, |ctx| {
            ctx.insert("body_html", &body_html)
        })
    }

    fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let mut meta = self.meta(
            "404",
            "Page not found".into(),
            "This page does not exist.".into(),
            PageId::NotFound.url(),
            vec![],
            vec![],
        );
        meta.breadcrumbs.truncate(1);
        self.page("404.html", &[&self.site.config_source], meta, |_| {})
    }
}

/// A page larger than `limits.page_bytes`: at the content file of `sources` with the most text
/// (the likeliest to have grown), naming the page and every file it is made from.
fn page_too_large(sources: &[&Source], url: &str, size: usize, limit: u64) -> Diagnostic {
    let largest = sources
        .iter()
        .max_by_key(|s| s.text.len())
        .map_or("site.yaml", |s| s.path.as_str());
    let files: Vec<&str> = sources.iter().map(|s| s.path.as_str()).collect();
    Diagnostic::error(
        "page-too-large",
        format!("the page {url} is {size} bytes as rendered, more than the limit of {limit} bytes"),
    )
    .at(Location::file(largest))
    .help(format!(
        "the page is made from {}: look there for text or a list that grew without bound; a site that really \
         needs pages this large can raise `limits: {{page_bytes: N}}` in site.yaml (now {limit})",
        crate::diagnostics::name_some(&files, 3)
    ))
}

/// Images of the prose load lazily (`loading="lazy"`, `decoding="async"`, see
/// [`crate::plan::images`]), except the first of the page's main content: likely on the first
/// screen, it loads at once, or the page would show late what it shows first.
fn eager_first_image(html: &mut Vec<u8>) {
    const LAZY: &[u8] = b" loading=\"lazy\" decoding=\"async\"";
    let Some(main) = memchr::memmem::find(html, b"<main") else {
        return;
    };
    let Some(img) = memchr::memmem::find(&html[main..], b"<img ").map(|i| main + i) else {
        return;
    };
    let end = memchr::memchr(b'>', &html[img..]).map_or(html.len(), |e| img + e);
    if let Some(at) = memchr::memmem::find(&html[img..end], LAZY).map(|a| img + a) {
        html.drain(at..at + LAZY.len());
    }
}

/// Puts what every template sees (`site`, `assets`) into the theme's global context once, so
/// pages share it instead of each carrying a copy.
pub fn set_globals(theme: &mut Theme, site: &Site, base_url: &str) {
    let globals = site_globals(site, base_url);
    let assets = theme.asset_urls.clone();
    theme.set_global("site", &globals);
    theme.set_global("assets", &assets);
}

/// What every page sees of the site, as JSON: when it changes, every page must be rendered again.
pub fn globals_fingerprint(site: &Site, base_url: &str) -> String {
    serde_json::to_string(&site_globals(site, base_url)).unwrap_or_default()
}

fn site_globals<'a>(site: &'a Site, base_url: &'a str) -> SiteGlobals<'a> {
    let cfg = &site.config;
    SiteGlobals {
        title: &cfg.title,
        description: &cfg.description,
        language: &cfg.language,
        base_url,
        extra: &cfg.extra,
        clients: site
            .published_clients()
            .into_iter()
            .map(|c| NavLink {
                slug: &c.slug,
                title: &c.data.name,
                name: &c.data.name,
                url: PageId::client(&c.slug).url(),
            })
            .collect(),
        pages: site
            .pages
            .iter()
            .map(|p| {
                let title = p.guide.front.title.as_deref().unwrap_or(&p.slug);
                NavLink {
                    slug: &p.slug,
                    title,
                    name: title,
                    url: PageId::free(&p.slug).url(),
                }
            })
            .collect(),
    }
}

/// What happens to each file as soon as it is rendered, on the thread that rendered it: keep it
/// (`Ok(Some(file))`) or consume it (`Ok(None)`: the pipeline minifies each page and hands it on
/// right away, so a large site never sits in memory whole).
pub type Sink<'s> = &'s (dyn Fn(OutputFile) -> Result<Option<OutputFile>, Diagnostic> + Sync);

/// Renders the selected HTML pages in parallel, handing each to `sink`; returns the files the sink
/// kept. Errors from all pages are collected, not just the first.
pub fn render_pages_with(
    site: &Site,
    plan: &Plan,
    theme: &Theme,
    opts: &RenderOptions,
    sel: &Selection,
    sink: Sink,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    // Skeletons pay off when every provider's guides are rendered; the few pages of serve's
    // rebuild after a change would only pay for making them.
    if sel.all {
        render_pages_using(site, plan, theme, opts, sel, sink, &Shared::new(site))
    } else {
        render_pages_using(site, plan, theme, opts, sel, sink, &Plain)
    }
}

/// [`render_pages_with`], with guide steps made by `steps`: tests compare [`Shared`] with
/// [`Plain`] on whole sites.
pub fn render_pages_using<'a>(
    site: &'a Site,
    plan: &'a Plan,
    theme: &'a Theme,
    opts: &'a RenderOptions,
    sel: &Selection,
    sink: Sink,
    steps: &'a dyn GuideSteps<'a>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let r = Renderer {
        site,
        plan,
        entries: Entries::new(site),
        overrides: site.guide_overrides_by_pair(),
        prose: &plan.prose,
        theme,
        opts,
        clients: site.published_clients(),
        steps,
    };
    // The pages that are not per provider; some (the FAQ, the client pages) list every provider,
    // so they are rendered alongside the provider pages rather than after them.
    type Job<'j> = Box<dyn Fn() -> Result<OutputFile, Diagnostic> + Sync + Send + 'j>;
    let mut singles: Vec<Job> = Vec::new();
    if sel.all || sel.home {
        singles.push(Box::new(|| r.home()));
    }
    for c in r.clients.iter().filter(|c| sel.all || sel.clients.contains(&c.slug)) {
        singles.push(Box::new(|| r.client_page(c)));
    }
    if sel.all || sel.faq {
        singles.push(Box::new(|| r.faq_page()));
    }
    if sel.all || sel.troubleshooting {
        singles.push(Box::new(|| r.troubleshooting_page()));
    }
    if sel.all || sel.not_found {
        singles.push(Box::new(|| r.not_found()));
    }
    for p in site.pages.iter().filter(|p| sel.all || sel.pages.contains(&p.slug)) {
        singles.push(Box::new(|| r.free_page(p)));
    }
    let (mut results, singles): (Vec<Result<Option<OutputFile>, Diagnostic>>, Vec<_>) = rayon::join(
        || {
            site.providers
                .par_iter()
                .filter(|p| sel.provider_any(&p.slug))
                .flat_map_iter(|p| match r.provider_pages(p, sel) {
                    Ok(files) => files.into_iter().map(sink).collect::<Vec<_>>(),
                    Err(d) => vec![Err(d)],
                })
                .collect()
        },
        || singles.par_iter().map(|job| job().and_then(sink)).collect(),
    );
    results.extend(singles);

    let mut files = Vec::new();
    let mut errors = Vec::new();
    for res in results {
        match res {
            Ok(Some(f)) => files.push(f),
            Ok(None) => {}
            Err(d) => {
                if !errors.contains(&d) {
                    errors.push(d)
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(files)
}
