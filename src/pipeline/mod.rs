//! The pipeline: the one place that runs the stages in order, for `check`, `build` and `serve`.
//!
//! ```text
//! load ──▶ model ──▶ plan ──▶ check ──▶ render ──▶ outputs ──▶ write
//! ```
//!
//! - [`check_site`] (`check`): load, model, plan and the rules, and the theme as `build` loads it;
//! - [`build_site`] (`build`): the same, then, unless the checks found errors, every page and file
//!   rendered, minified and written into a staging folder that replaces the output;
//! - [`rebuild`] (`serve`): a site `serve` loaded (or re-read in part, [`reload_file`]) checked
//!   and rendered into memory, only the pages a [`Selection`] names, with what the last render
//!   left ([`Memory`]).
//!
//! Both renders go through one render step: the pages, the site files (assets, sitemap, search index,
//! client files) beside them, then the host configuration that names the files written; each file
//! minified and handed on as soon as it is made. The render stage's inputs that the findings do
//! not change (the theme, the FAQ and troubleshooting views, the search index) are made while
//! the rules run ([`check_loaded_alongside`]).

mod incremental;

pub use crate::render::Selection;
pub use incremental::{Memory, merge, reload_file};

use crate::diagnostics::{self, Diagnostic, Severity};
use crate::model::{self, Site};
use crate::outputs::{self, search::SearchIndex};
use crate::plan::Plan;
use crate::plan::files::OutputFile;
use crate::{check, live, load, render, write};
use incremental::ThemeKey;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A loaded and checked site.
pub struct Checked {
    pub site: Option<Site>,
    /// The site's plan: its compiled prose and its pages.
    pub plan: Option<Plan>,
    /// Load errors and rule findings after the policy, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings a provider allowed, with the reason.
    pub allowed: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Load, model and check: everything short of rendering.
pub fn check_site(root: &Path) -> Checked {
    check_site_on(root, None)
}

/// [`check_site`] as on the day `today` (`check --today`); `None` is the system date. The
/// drafts are left out, as `build` leaves them out: `check` gives `build`'s verdict.
pub fn check_site_on(root: &Path, today: Option<model::Date>) -> Checked {
    let mut loaded = load::load_site(root);
    if let (Some(site), Some(day)) = (&mut loaded.site, today) {
        site.today = day;
    }
    if let Some(site) = &mut loaded.site {
        site.leave_out_drafts();
    }
    let mut checked = check_loaded(loaded.site, loaded.diagnostics);
    check_theme(&mut checked);
    checked
}

/// Loads the site's theme as `build` does and adds its errors (a missing theme, a template that
/// does not parse, a template it needs that is gone), so `check` gives `build`'s verdict.
pub fn check_theme(checked: &mut Checked) {
    let Some(site) = &checked.site else { return };
    if let Err(found) = render::theme::Theme::load(&site.root, &site.config.theme, site.config.minify) {
        checked.diagnostics.extend(found);
        diagnostics::sort(&mut checked.diagnostics);
    }
}

/// Model and check a loaded site, given the diagnostics of loading it.
pub fn check_loaded(site: Option<Site>, diagnostics: Vec<Diagnostic>) -> Checked {
    check_loaded_alongside(site, diagnostics, |_, _| ()).0
}

/// [`check_loaded`], running `alongside` on the site and its plan while the rules run: work that
/// does not depend on the findings (`build` and `serve` prepare the render stage) takes the share
/// of the cores the rules leave idle. Without a site, `alongside` does not run.
pub fn check_loaded_alongside<T: Send>(
    site: Option<Site>,
    mut diagnostics: Vec<Diagnostic>,
    alongside: impl FnOnce(&Site, &Plan) -> T + Send,
) -> (Checked, Option<T>) {
    let Some(site) = site else {
        diagnostics::sort(&mut diagnostics);
        let checked = Checked {
            site: None,
            plan: None,
            diagnostics,
            allowed: vec![],
        };
        return (checked, None);
    };
    let (plan, prose_errors) = Plan::new(&site);
    diagnostics.extend(prose_errors);
    let (report, beside) = rayon::join(|| check::run(&site, &plan), || alongside(&site, &plan));
    let mut all = check::apply_policy(&site, diagnostics);
    all.diagnostics.extend(report.diagnostics);
    all.allowed.extend(report.allowed);
    diagnostics::sort(&mut all.diagnostics);
    let checked = Checked {
        site: Some(site),
        plan: Some(plan),
        diagnostics: all.diagnostics,
        allowed: all.allowed,
    };
    (checked, Some(beside))
}

/// Checks a loaded site and prepares the render stage while the rules run, with the theme the
/// last render left in `memory` if it is the site's theme still.
fn check_and_prepare(
    site: Option<Site>,
    diagnostics: Vec<Diagnostic>,
    base_url: Option<&str>,
    memory: &mut Memory,
) -> (Checked, Option<Prepared>) {
    let kept = memory.theme.take();
    check_loaded_alongside(site, diagnostics, move |site, plan| {
        Prepared::new(site, plan, base_url, kept)
    })
}

pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Treat warnings as errors.
    pub deny_warnings: bool,
    /// Compare each page with the output it replaces, for [`Built::changes`] (a read per page).
    pub list_changes: bool,
    /// The day the sources' dates are judged on (`--today`); `None` is the system date.
    pub today: Option<model::Date>,
    /// Build the drafts too, each page with a "Draft" banner (`--drafts`); otherwise they are
    /// left out ([`Site::leave_out_drafts`]).
    pub drafts: bool,
}

impl BuildOptions {
    /// A plain build of the site at `root` into `output` (`None`: `<root>/public`): the site's
    /// base URL, warnings allowed, no change list, today's date.
    pub fn new(root: impl Into<PathBuf>, output: Option<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output,
            base_url: None,
            deny_warnings: false,
            list_changes: false,
            today: None,
            drafts: false,
        }
    }
}

/// What a successful build did.
pub struct Built {
    pub output: PathBuf,
    pub pages: usize,
    pub files: usize,
    /// Files that were already right in the folder the site was written over, and left alone.
    pub unchanged: usize,
    pub elapsed: Duration,
    /// Warnings (a successful build has no errors) and allowed findings, for the report.
    pub checked: Checked,
    /// The pages that differ from the replaced output, when [`BuildOptions::list_changes`].
    pub changes: Option<write::changes::Changed>,
    /// The smaller copies of large images made by this build, and those taken from the cache.
    pub images: outputs::images::Counts,
}

/// Why a build wrote nothing.
pub enum BuildFailure {
    /// The content has errors (or warnings under `deny_warnings`).
    Content(Box<Checked>),
    /// The theme or rendering failed.
    Render(Vec<Diagnostic>, Box<Checked>),
    /// The output folder could not be written; the previous one is unchanged.
    Write(write::WriteError, Box<Checked>),
}

/// The whole pipeline. Writes nothing unless every stage succeeds.
pub fn build_site(opts: &BuildOptions) -> Result<Built, BuildFailure> {
    build_site_with_live(opts, None)
}

/// [`build_site`] with the results of `check --live --save-results` ([`live::publish`]): a
/// server that disagreed is a warning at its line (its provider loses its client files, as for
/// any finding), and providers whose servers all agreed show the date.
pub fn build_site_with_live(opts: &BuildOptions, live_results: Option<&Path>) -> Result<Built, BuildFailure> {
    let start = Instant::now();
    let mut loaded = load::load_site(&opts.root);
    if let (Some(site), Some(day)) = (&mut loaded.site, opts.today) {
        site.today = day;
    }
    if let Some(site) = &mut loaded.site
        && !opts.drafts
    {
        site.leave_out_drafts();
    }
    // A build starts from nothing: every page and file is made.
    let mut memory = Memory::default();
    let (mut checked, mut prepared) =
        check_and_prepare(loaded.site, loaded.diagnostics, opts.base_url.as_deref(), &mut memory);
    if let (Some(path), Some(site)) = (live_results, &checked.site) {
        match live::results::Results::load(path) {
            Ok(results) => {
                let max_age = site.config.live_results_max_age;
                let published = live::publish(site, &results, &path.display().to_string(), live::time::now(), max_age);
                let policy = check::apply_policy(site, published.diagnostics);
                checked.diagnostics.extend(policy.diagnostics);
                checked.allowed.extend(policy.allowed);
                diagnostics::sort(&mut checked.diagnostics);
                if let Some(prepared) = &mut prepared {
                    prepared.live_dates = published.dates;
                }
            }
            Err(e) => checked
                .diagnostics
                .push(Diagnostic::error("live-results-unreadable", e.to_string())),
        }
    }
    let blocking = checked.errors() > 0 || (opts.deny_warnings && checked.warnings() > 0);
    // Nothing was prepared when there is no site to render.
    let prepared = match prepared {
        Some(prepared) if !blocking => prepared,
        _ => return Err(BuildFailure::Content(Box::new(checked))),
    };
    let output = opts.output.clone().unwrap_or_else(|| opts.root.join("public"));
    if let Err(e) = write::check_placement(&opts.root, &output) {
        return Err(BuildFailure::Write(e, Box::new(checked)));
    }
    // Refuse a foreign output folder before doing the work. Each file is written into the
    // staging folder as soon as it is rendered, so the site is never in memory whole; dropped on
    // failure, the staging folder deletes itself and the output stays as it was.
    let staging = match write::Staging::create(&output) {
        Ok(staging) => staging,
        Err(e) => return Err(BuildFailure::Write(e, Box::new(checked))),
    };
    let (pages, files) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let write_error: Mutex<Option<write::WriteError>> = Mutex::new(None);
    let changes = opts.list_changes.then(|| write::changes::Changes::new(output.clone()));
    let sink = |file: OutputFile| {
        let failed = || write_error.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failed().is_some() {
            return;
        }
        if let Some(changes) = &changes {
            changes.note(&file);
        }
        match staging.write(&file) {
            Ok(()) => {
                files.fetch_add(1, Ordering::Relaxed);
                pages.fetch_add(usize::from(file.is_html()), Ordering::Relaxed);
            }
            Err(e) => {
                failed().get_or_insert(e);
            }
        }
    };
    let images = match render(&checked, prepared, Selection::all(), &mut memory, &sink) {
        Ok(rendered) => rendered.images,
        Err(diags) => return Err(BuildFailure::Render(diags, Box::new(checked))),
    };
    let failed = write_error
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let unchanged = staging.unchanged();
    // Compared before the swap replaces the output.
    let changes = changes.map(write::changes::Changes::finish);
    if let Some(e) = failed.or_else(|| staging.finish().err()) {
        return Err(BuildFailure::Write(e, Box::new(checked)));
    }
    Ok(Built {
        output,
        pages: pages.into_inner(),
        files: files.into_inner(),
        unchanged,
        elapsed: start.elapsed(),
        checked,
        changes,
        images,
    })
}

/// What [`rebuild`] did.
pub struct Rebuilt {
    pub checked: Checked,
    /// `None` when the content has errors and nothing was rendered (the pages it would have
    /// rendered wait in [`Memory`] for the next good state); otherwise the render's outcome.
    pub rendered: Option<Result<Rendered, Vec<Diagnostic>>>,
}

/// `serve`'s pipeline: checks a loaded site (`diagnostics` are those of loading it) and, unless
/// the content has errors, renders the pages `sel` names, at `base_url`, into `sink`, with what
/// the last render left in `memory`. Pages whose shared inputs changed are added (every page for
/// a new theme or navigation, a provider's pages when its warning or files changed); so are
/// those that earlier rebuilds could not render.
pub fn rebuild(
    site: Option<Site>,
    diagnostics: Vec<Diagnostic>,
    base_url: &str,
    sel: Selection,
    memory: &mut Memory,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> Rebuilt {
    let (checked, prepared) = check_and_prepare(site, diagnostics, Some(base_url), memory);
    let rendered = match prepared {
        Some(prepared) if checked.errors() == 0 => Some(render(&checked, prepared, sel, memory, sink)),
        prepared => {
            memory.postpone(sel, prepared.and_then(|p| p.theme.ok().map(|t| (p.theme_key, t))));
            None
        }
    };
    Rebuilt { checked, rendered }
}

/// What a render made.
#[derive(Debug)]
pub struct Rendered {
    /// Every page and file was made (the first render, a new theme, or a change every page
    /// shows): whatever an earlier render made is replaced.
    pub all: bool,
    /// HTML pages rendered.
    pub pages: usize,
    /// Files the last render made that are no longer part of the site (not pages: a page goes
    /// away only with a change that renders every page).
    pub removed: Vec<String>,
    /// The smaller copies of large images made, and those taken from the cache.
    pub images: outputs::images::Counts,
}

/// The render stage and the outputs, in order: the pages `sel` names and, alongside them, the
/// site files (assets, `root/` files, sitemap, search index) and the client files of the
/// providers whose inputs changed since the render `memory` remembers; then the host
/// configuration, which names the profiles and assets written. Each file is minified and handed
/// to `sink` as soon as it is made. Every path once: a file of the site's `root/` must not stand
/// where a page or another file goes.
///
/// Pages whose shared inputs changed are added to `sel`: every page when the theme is new or what
/// every page shows (the navigation, the base URL) changed, and a provider's pages when its
/// warning or files changed. `build` passes an empty `memory` and [`Selection::all`].
///
/// A failed render leaves `memory` knowing no pages, so the next render makes every page again:
/// some of this one's files may have reached the sink.
fn render(
    checked: &Checked,
    prepared: Prepared,
    sel: Selection,
    memory: &mut Memory,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> Result<Rendered, Vec<Diagnostic>> {
    let (Some(site), Some(plan)) = (&checked.site, &checked.plan) else {
        return Err(vec![]);
    };
    let mut sel = incremental::merged(std::mem::take(&mut memory.pending), sel);
    let theme = match prepared.theme {
        Ok(theme) => theme,
        Err(found) => {
            memory.forget_pages();
            return Err(found);
        }
    };
    let (mut opts, search) = prepared.views.into_parts(checked, prepared.base_url);
    opts.commit_dates = prepared.commit_dates;
    // A provider with a warning shows the warning, not the date of an earlier agreement.
    for (slug, date) in prepared.live_dates {
        if let Some(extras) = opts.extras.get_mut(&slug).filter(|e| e.warning.is_none()) {
            extras.live_checked = Some(date);
        }
    }
    let globals = render::globals_fingerprint(site, &opts.base_url);
    if prepared.theme_loaded || memory.globals.as_ref() != Some(&globals) {
        sel = Selection::all();
    }
    if !sel.all {
        for p in &site.providers {
            if opts.extras.get(&p.slug) != memory.extras.get(&p.slug) {
                sel.providers.insert(p.slug.clone());
            }
        }
    }
    if sel.all {
        memory.client_files.clear();
    }
    let minify = site.config.minify;
    // Output path → whether it is a page, for the collision check and the files that went.
    let seen = Mutex::new(HashMap::<String, bool>::new());
    let rendered = AtomicUsize::new(0);
    let recording = |mut file: OutputFile, page: bool| {
        let mut seen = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.insert(file.path.clone(), page).is_some() {
            return Err(outputs::root_file_collision(&theme, &file.path));
        }
        drop(seen);
        rendered.fetch_add(usize::from(page && file.is_html()), Ordering::Relaxed);
        write::minify(minify, &file.path, &mut file.bytes);
        sink(file);
        Ok(None)
    };
    // The site files are made alongside the pages: some are one large file each (settings.json,
    // the sitemap), made on one thread, which would otherwise end the render alone.
    let cache = &mut memory.client_files;
    // The images and their smaller copies (taken from the cache after the first time) are made
    // alongside too: a large image's decoding and encoding would otherwise end the render alone.
    let (pages, (files, kept_client_paths, images)) = rayon::join(
        || render::render_pages_with(site, plan, &theme, &opts, &sel, &|f| recording(f, true)),
        || {
            use rayon::prelude::*;
            let mut files = outputs::site_files(site, plan, &theme, &opts, Some(&search));
            let (made, kept) = incremental::client_files(cache, site, &opts);
            files.extend(made);
            let (results, mut images): (Vec<Result<Option<OutputFile>, Diagnostic>>, _) = rayon::join(
                || files.into_par_iter().map(|f| recording(f, false)).collect(),
                || outputs::images::files(&site.root, &plan.prose.images, &theme),
            );
            let image_files = std::mem::take(&mut images.files);
            let image_paths: Vec<String> = image_files.iter().map(|f| f.path.clone()).collect();
            let mut results = results;
            results.extend(image_files.into_iter().map(|f| recording(f, false)));
            (results, kept, (images, image_paths))
        },
    );
    let (images, image_paths) = images;
    let mut errors = pages.err().unwrap_or_default();
    errors.extend(files.into_iter().filter_map(Result::err));
    errors.extend(images.errors);
    // Every file of the site that is not a page: those made now and the kept client files.
    let mut others: BTreeSet<String> = seen
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .filter_map(|(path, page)| (!page).then_some(path))
        .collect();
    others.extend(kept_client_paths);
    // The host configuration (`_headers`, nginx, Apache) names the profiles the site has.
    let written = outputs::hosts::Written {
        profiles: others
            .iter()
            .filter(|p| p.ends_with(".mobileconfig"))
            .cloned()
            .collect(),
        immutable: theme
            .assets
            .iter()
            .map(|a| a.output_path.clone())
            .chain(image_paths)
            .collect(),
    };
    let own_headers = theme
        .root_files
        .iter()
        .find(|f| f.output_path == outputs::hosts::HEADERS)
        .map(|f| f.bytes.as_slice());
    for mut file in outputs::hosts::files(&site.config.deploy, &written, own_headers) {
        others.insert(file.path.clone());
        write::minify(minify, &file.path, &mut file.bytes);
        sink(file);
    }
    memory.theme = Some((prepared.theme_key, theme));
    if !errors.is_empty() {
        memory.forget_pages();
        return Err(errors);
    }
    let removed = memory.other_files.difference(&others).cloned().collect();
    memory.other_files = others;
    memory.globals = Some(globals);
    memory.extras = opts.extras;
    Ok(Rendered {
        all: sel.all,
        pages: rendered.into_inner(),
        removed,
        images: images.counts,
    })
}

/// What the render stage needs that the findings do not change: the theme with the site's
/// globals, and the views every render makes. Made while the rules run.
struct Prepared {
    base_url: String,
    /// Provider slug → the date its servers all answered as described (`--live-results`).
    live_dates: HashMap<String, String>,
    theme: Result<render::theme::Theme, Vec<Diagnostic>>,
    /// Which theme `theme` is, for [`Memory`] to keep it.
    theme_key: ThemeKey,
    /// The theme was loaded now, not kept from the last render: every page is rendered with it.
    theme_loaded: bool,
    views: RenderViews,
    /// When each content file was last committed (one `git log`), for the sitemap.
    commit_dates: load::git::CommitDates,
}

impl Prepared {
    fn new(
        site: &Site,
        plan: &Plan,
        base_url: Option<&str>,
        kept: Option<(ThemeKey, render::theme::Theme)>,
    ) -> Prepared {
        let base_url = base_url
            .unwrap_or(&site.config.base_url)
            .trim_end_matches('/')
            .to_string();
        let theme_key = ThemeKey::of(site);
        let kept = kept.filter(|(key, _)| *key == theme_key).map(|(_, theme)| theme);
        let theme_loaded = kept.is_none();
        let theme = match kept {
            Some(theme) => Ok(theme),
            None => render::theme::Theme::load(&site.root, &site.config.theme, site.config.minify),
        }
        .map(|mut theme| {
            render::set_globals(&mut theme, site, &base_url);
            theme
        });
        Prepared {
            theme,
            theme_key,
            theme_loaded,
            views: RenderViews::new(site, plan),
            base_url,
            live_dates: Default::default(),
            commit_dates: load::git::commit_dates(&site.root),
        }
    }
}

/// The FAQ and troubleshooting entries and the search index made from them: what
/// [`render::RenderOptions`] holds besides what the findings decide.
struct RenderViews {
    entries: render::views::EntryViews,
    search: SearchIndex,
}

impl RenderViews {
    fn new(site: &Site, plan: &Plan) -> RenderViews {
        let entries = render::views::EntryViews::new(site, &plan.prose);
        // The search index is built from the same rendered prose as the pages that link to it.
        let search = outputs::search::index(site, plan, &entries);
        RenderViews { entries, search }
    }

    /// The render options for `checked`, whose findings decide each provider's extras, and the
    /// search index the pages link to.
    fn into_parts(self, checked: &Checked, base_url: String) -> (render::RenderOptions, SearchIndex) {
        // Providers with findings get a warning and no client files (see `outputs`). A finding the
        // provider allows with a reason is the editor's word that the data is right: it does neither.
        let extras = match &checked.site {
            Some(site) => outputs::extras(site, checked.diagnostics.iter()),
            None => Default::default(),
        };
        let opts = render::RenderOptions {
            base_url,
            extras,
            search_url: Some(self.search.url.clone()),
            entries: self.entries,
            commit_dates: Default::default(),
        };
        (opts, self.search)
    }
}

/// The render options the pipeline gives the pages of `checked` at `base_url` (without a trailing
/// slash), for tests that render pages themselves (the guide-skeleton comparison).
pub fn render_options(checked: &Checked, base_url: String) -> render::RenderOptions {
    match (&checked.site, &checked.plan) {
        (Some(site), Some(plan)) => RenderViews::new(site, plan).into_parts(checked, base_url).0,
        _ => render::RenderOptions {
            base_url,
            extras: Default::default(),
            search_url: None,
            entries: Default::default(),
            commit_dates: Default::default(),
        },
    }
}
