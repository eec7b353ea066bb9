//! A site kept in memory between edits, so `serve` rebuilds a small part of it per change.
//!
//! A [`Session`] holds what the pipeline stages produced: the checked model ([`Checked`]), the
//! theme and the rendered pages. [`Session::apply`] takes the files an editor changed and
//! - re-reads only those files into the model ([`load::reload_file`]); deleted files, a new
//!   client, `site.yaml` and files that are no content file load the whole site again;
//! - runs the checks on the whole model ([`check_loaded`]): rules look across files (a FAQ entry
//!   naming a provider, two providers claiming a domain), so no finding may go stale;
//! - re-renders only the pages that depend on what changed ([`render::Selection`]): a provider
//!   file its own pages, the home page, the client pages, the FAQ and troubleshooting pages; a
//!   client guide that client's guide pages; a theme file or `site.yaml` every page. Pages whose
//!   shared inputs changed (the navigation every page shows, a provider's warning) are added;
//! - remakes the client files and JSON (`outputs`) only of the providers whose file, domain
//!   owners or warning changed ([`ClientFiles`]); the other providers' files stay as they were.
//!
//! While the content has errors, the last good pages stay and the pages that wait for a good
//! state add up, so fixing the error renders everything the broken edits touched.

use crate::diagnostics::{Diagnostic, Severity};
use crate::load::{self, Reloaded};
use crate::model::Site;
use crate::plan::files::{OutputFile, ProviderExtras};
use crate::render::theme::Theme;
use crate::render::{self, Selection};
use crate::{Checked, RenderViews, check_loaded, check_loaded_alongside, outputs, write};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The rendered site: output path (`icloud/index.html`) to bytes, shared cheaply with the server.
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// What one build or rebuild did.
#[derive(Debug, Clone)]
pub struct Rebuild {
    /// The content checked clean and the pages were rendered.
    pub ok: bool,
    /// Every page was rendered (first build, theme or `site.yaml` change, structural change).
    pub full: bool,
    /// Content files re-read (0 for a full load).
    pub reparsed: usize,
    /// Pages rendered.
    pub rendered: usize,
    pub elapsed: Duration,
    /// The changed files that belong to the site, relative to the root.
    pub changed: Vec<String>,
}

/// What a changed path is, by where it stands under the root.
enum Changed {
    /// `site.yaml`: the whole site is loaded again.
    Config,
    /// `themes/`, `templates/`, `static/`: the theme is loaded again and every page rendered.
    Theme,
    /// A content file (`.yaml` or `.md`) under `content/`.
    Content(PathBuf),
    /// A change of the content's shape that one file cannot tell (a folder, a stray file that
    /// appeared or went): the whole site is loaded again.
    Structure,
    /// Anything else (`public/`, editor folders): no effect on the site.
    Other,
}

pub struct Session {
    root: PathBuf,
    base_url: String,
    checked: Checked,
    /// Diagnostics of loading, before the policy, kept so one file's can be replaced.
    load_diagnostics: Vec<Diagnostic>,
    theme: Option<Theme>,
    theme_name: Option<String>,
    /// Errors of the last render attempt (the theme, or prose that fails at render time).
    render_errors: Vec<Diagnostic>,
    /// The last good site.
    files: Files,
    /// Whether `files` holds a site at all (the first build may fail).
    built: bool,
    /// Pages to render at the next good state, gathered over failed rebuilds.
    pending: Selection,
    rendered_extras: HashMap<String, ProviderExtras>,
    rendered_globals: String,
    /// The output paths of the files that are not pages, as last made.
    other_files: BTreeSet<String>,
    /// Per provider slug: its client files as last made, for providers that are not withheld.
    client_files: HashMap<String, ClientFiles>,
}

/// One provider's client files and `settings.json` entry as last made, with what they were made
/// from. At 1,000 providers making every provider's files took 130–260 ms per change; an edit
/// touches one provider, so the others' are kept while their inputs stay the same.
struct ClientFiles {
    /// The provider file's text they were made from: a re-read file is a new allocation, so
    /// [`Arc::ptr_eq`] tells an untouched provider without comparing its data.
    text: Arc<str>,
    /// How many providers claimed each of its domains: a domain claimed twice gets no
    /// ISPDB-layout file, so another provider's edit can change this provider's files.
    owners: Vec<usize>,
    paths: Vec<String>,
    value: serde_json::Value,
}

impl Session {
    /// Loads, checks and renders the whole site at `root`. `base_url` is the address pages are
    /// served at (canonical links and the sitemap point there).
    pub fn open(root: &Path, base_url: &str) -> (Session, Rebuild) {
        let start = Instant::now();
        let mut session = Session {
            root: root.to_path_buf(),
            base_url: base_url.trim_end_matches('/').to_string(),
            checked: check_loaded(None, vec![]),
            load_diagnostics: vec![],
            theme: None,
            theme_name: None,
            render_errors: vec![],
            files: Files::new(),
            built: false,
            pending: Selection::all(),
            rendered_extras: HashMap::new(),
            rendered_globals: String::new(),
            other_files: BTreeSet::new(),
            client_files: HashMap::new(),
        };
        let site = session.full_load();
        let rebuild = session.finish(site, Selection::all(), start, 0);
        (session, rebuild)
    }

    /// Applies changed, added or deleted files (absolute paths, or relative to the root).
    /// Paths that do not belong to the site are ignored; `None` when none did.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Option<Rebuild> {
        let start = Instant::now();
        let changes: Vec<Changed> = paths.iter().map(|p| self.classify(p)).collect();
        if changes.iter().all(|c| matches!(c, Changed::Other)) {
            return None;
        }
        let changed: Vec<String> = paths
            .iter()
            .zip(&changes)
            .filter(|(_, c)| !matches!(c, Changed::Other))
            .map(|(p, _)| load::relative(&self.root, p))
            .collect();
        if changes.iter().any(|c| matches!(c, Changed::Theme)) {
            self.theme = None;
        }
        let config = changes
            .iter()
            .any(|c| matches!(c, Changed::Config | Changed::Structure));
        let mut content: Vec<PathBuf> = changes
            .into_iter()
            .filter_map(|c| match c {
                Changed::Content(p) => Some(p),
                _ => None,
            })
            .collect();
        content.sort();
        content.dedup();
        let mut sel = if self.theme.is_none() {
            Selection::all()
        } else {
            Selection::default()
        };
        // `site.yaml` and structural changes load the whole site again.
        let full = config
            || self.checked.site.is_none()
            // A guide left out for want of its client comes back only with a full load.
            || self.load_diagnostics.iter().any(|d| d.code == "guide-without-client");
        let mut site = self.checked.site.take();
        let mut reparsed = 0;
        if full {
            site = self.full_load();
            sel = Selection::all();
        } else if let Some(s) = site.as_mut() {
            for path in &content {
                let before = dependents(s, &self.root, path);
                match load::reload_file(s, path) {
                    Reloaded::Updated(diags) => {
                        let rel = load::relative(&self.root, path);
                        self.load_diagnostics
                            .retain(|d| d.location.as_ref().map(|l| l.file.as_str()) != Some(rel.as_str()));
                        self.load_diagnostics.extend(diags);
                        merge(&mut sel, before);
                        merge(&mut sel, dependents(s, &self.root, path));
                        reparsed += 1;
                    }
                    Reloaded::NeedsFullLoad => {
                        site = self.full_load();
                        sel = Selection::all();
                        reparsed = 0;
                        break;
                    }
                }
            }
        }
        let mut rebuild = self.finish(site, sel, start, reparsed);
        rebuild.changed = changed;
        Some(rebuild)
    }

    /// Every finding that counts (errors and warnings), including render errors.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.checked.diagnostics.clone();
        all.extend(self.render_errors.iter().cloned());
        all
    }

    /// Findings a provider allowed, with the reason.
    pub fn allowed(&self) -> &[Diagnostic] {
        &self.checked.allowed
    }

    /// Whether the content or the theme has errors right now (the last good site is served).
    pub fn has_errors(&self) -> bool {
        !self.render_errors.is_empty() || self.checked.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// The last good site (empty until a build succeeds).
    pub fn files(&self) -> &Files {
        &self.files
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn classify(&self, path: &Path) -> Changed {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        };
        let Ok(rel) = abs.strip_prefix(&self.root) else {
            // Watchers may report canonical paths for a root given through a symlink.
            return match self
                .root
                .canonicalize()
                .ok()
                .and_then(|r| abs.strip_prefix(&r).ok().map(|rel| self.root.join(rel)))
            {
                Some(inside) => self.classify(&inside),
                None => Changed::Other,
            };
        };
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        match first.as_deref() {
            _ if hidden => Changed::Other,
            Some("site.yaml") => Changed::Config,
            Some("themes" | "templates" | "static" | "root") => Changed::Theme,
            Some("content") => self.classify_content(abs),
            _ => Changed::Other,
        }
    }

    fn classify_content(&self, abs: PathBuf) -> Changed {
        let is_content = matches!(abs.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "md"));
        if abs.is_dir() {
            return Changed::Structure;
        }
        if is_content {
            return Changed::Content(abs);
        }
        if abs.exists() {
            // A stray file: the full load reports it as unused.
            return Changed::Structure;
        }
        // A stray file that went away (or an editor's temporary file that came and went):
        // reload only if it had been reported, or if it was a folder holding content.
        let rel = load::relative(&self.root, &abs);
        let reported = self
            .load_diagnostics
            .iter()
            .any(|d| d.location.as_ref().is_some_and(|l| l.file == rel));
        let folder = format!("{rel}/");
        let held_content = self.checked.site.as_ref().is_some_and(|site| {
            site.providers.iter().any(|p| p.source.path.starts_with(&folder))
                || site.overrides.iter().any(|o| o.guide.source.path.starts_with(&folder))
                || site.clients.iter().any(|c| c.source.path.starts_with(&folder))
                || site.faq.iter().any(|e| e.source.path.starts_with(&folder))
                || site.troubleshooting.iter().any(|e| e.source.path.starts_with(&folder))
                || site.pages.iter().any(|p| p.guide.source.path.starts_with(&folder))
        });
        if reported || held_content {
            Changed::Structure
        } else {
            Changed::Other
        }
    }

    fn full_load(&mut self) -> Option<Site> {
        let loaded = load::load_site(&self.root);
        self.load_diagnostics = loaded.diagnostics;
        let theme = loaded.site.as_ref().map(|s| s.config.theme.clone());
        if theme != self.theme_name {
            self.theme = None;
            self.theme_name = theme;
        }
        loaded.site
    }

    /// Checks the model and renders what `sel` (and what is pending) asks for.
    fn finish(&mut self, site: Option<Site>, sel: Selection, start: Instant, reparsed: usize) -> Rebuild {
        let (checked, views) = check_loaded_alongside(site, self.load_diagnostics.clone(), RenderViews::new);
        self.checked = checked;
        let mut sel = merged(std::mem::take(&mut self.pending), sel);
        let mut report = Rebuild {
            ok: false,
            full: sel.all,
            reparsed,
            rendered: 0,
            elapsed: Duration::ZERO,
            changed: vec![],
        };
        let content_errors = self.checked.errors() > 0;
        self.render_errors.clear();
        let (Some(site), Some(plan), Some(views), false) =
            (&self.checked.site, &self.checked.plan, views, content_errors)
        else {
            self.pending = sel;
            report.elapsed = start.elapsed();
            return report;
        };
        if self.theme.is_none() {
            match Theme::load(&site.root, &site.config.theme, site.config.minify) {
                Ok(theme) => {
                    self.theme = Some(theme);
                    sel = Selection::all();
                }
                Err(diags) => {
                    self.render_errors = diags;
                    self.pending = Selection::all();
                    report.elapsed = start.elapsed();
                    return report;
                }
            }
        }
        let theme = self.theme.as_mut().expect("the theme was loaded just above");
        render::set_globals(theme, site, &self.base_url);
        let (opts, search) = views.into_parts(&self.checked, self.base_url.clone());
        // Pages whose shared inputs changed: the navigation on every page, a provider's extras.
        let globals = render::globals_fingerprint(site, &self.base_url);
        if globals != self.rendered_globals || !self.built {
            sel = Selection::all();
        }
        for p in &site.providers {
            if opts.extras.get(&p.slug) != self.rendered_extras.get(&p.slug) {
                sel.providers.insert(p.slug.clone());
            }
        }
        match render::render_pages(site, plan, theme, &opts, &sel) {
            Ok(mut pages) => {
                report.rendered = pages.len();
                // The files that are not pages (assets, sitemap, search index) are made anew each
                // time: cheap, and one that is no longer made goes away. The client files are
                // made only for the providers whose inputs changed; the rest stay in `files`.
                let mut others = outputs::site_files_but_client_files(plan, theme, &opts, Some(&search));
                // The images and their copies (from the cache after the first time).
                let images = outputs::images::files(&site.root, &plan.prose.images, theme);
                others.extend(images.files);
                self.render_errors.extend(images.errors);
                let (made, client_paths) = client_files(&mut self.client_files, site, &opts, sel.all);
                others.extend(made);
                let mut others_now: BTreeSet<String> = others.iter().map(|f| f.path.clone()).collect();
                others_now.extend(client_paths);
                for gone in self.other_files.difference(&others_now) {
                    self.files.remove(gone);
                }
                self.other_files = others_now;
                pages.extend(others);
                write::minify_all(site.config.minify, &mut pages);
                if sel.all {
                    self.files.clear();
                }
                for f in pages {
                    self.files.insert(f.path, Arc::new(f.bytes));
                }
                self.built = true;
                self.rendered_globals = globals;
                self.rendered_extras = opts.extras;
                report.ok = true;
                report.full = sel.all;
            }
            Err(diags) => {
                self.render_errors = diags;
                self.pending = sel;
            }
        }
        report.elapsed = start.elapsed();
        report
    }
}

/// The client files to store now (those of providers whose inputs changed, and the site-wide
/// `settings.json` and schema), and the paths of every client file the site has now. `all`
/// (a full render: `site.yaml`, the theme or a full load) makes every provider's files anew.
fn client_files(
    cache: &mut HashMap<String, ClientFiles>,
    site: &Site,
    opts: &render::RenderOptions,
    all: bool,
) -> (Vec<OutputFile>, Vec<String>) {
    if all {
        cache.clear();
    }
    let domains = outputs::domain_owners(site);
    let mut made = Vec::new();
    let mut paths = Vec::new();
    let mut published = Vec::new();
    let mut kept = HashMap::new();
    for p in site.providers.iter().filter(|p| !outputs::withheld(opts, &p.slug)) {
        let owners: Vec<usize> = p
            .data
            .domains
            .iter()
            .map(|d| domains.get(&d.to_ascii_lowercase()).copied().unwrap_or(0))
            .collect();
        let entry = match cache.remove(&p.slug) {
            Some(e) if Arc::ptr_eq(&e.text, &p.source.text) && e.owners == owners => e,
            _ => {
                let (files, value) = outputs::provider_files(site, p, &domains, opts);
                let paths = files.iter().map(|f| f.path.clone()).collect();
                made.extend(files);
                ClientFiles {
                    text: Arc::clone(&p.source.text),
                    owners,
                    paths,
                    value,
                }
            }
        };
        paths.extend(entry.paths.iter().cloned());
        published.push(entry.value.clone());
        kept.insert(p.slug.clone(), entry);
    }
    // Providers now withheld or gone drop out; their files leave with `other_files`.
    *cache = kept;
    for f in outputs::site_wide_files(site, opts, published) {
        paths.push(f.path.clone());
        made.push(f);
    }
    (made, paths)
}

/// The pages that show what the content file at `path` says, in the site as it is now. Called
/// before and after the file is re-read, so pages that showed the old content are included.
fn dependents(site: &Site, root: &Path, path: &Path) -> Selection {
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

fn merge(into: &mut Selection, from: Selection) {
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

fn merged(mut a: Selection, b: Selection) -> Selection {
    merge(&mut a, b);
    a
}
