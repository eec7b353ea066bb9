//! mailguide: a static site generator for email-setup help sites.
//!
//! The pipeline, one stage per module, data flowing one way:
//!
//! ```text
//! load ──▶ model ──▶ plan ──▶ check ──▶ render ──▶ outputs ──▶ write
//! files    Site      pages,   findings  pages in   client files,  minify,
//!                    prose              memory     search, sitemap swap into place
//! ```
//!
//! Each module imports only the stages before it (`ranks`, docs/architecture.md).
//! [`check_site`] runs the stages up to the checks; [`build_site`] runs them all and writes nothing
//! unless the checks pass. The build prepares what rendering needs (theme, FAQ and
//! troubleshooting views, search index) while the rules run, since none of it depends on them.

pub mod check;
pub mod commands;
pub mod default_theme;
pub mod diagnostics;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod ispdb;
pub mod live;
pub mod load;
pub mod minify;
pub mod model;
pub mod no_follow;
pub mod outputs;
pub mod plan;
pub mod ranks;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod write;

use diagnostics::{Diagnostic, Severity};
use model::Site;
use outputs::search::SearchIndex;
use plan::Plan;
use plan::files::OutputFile;
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

/// [`check_site`] as on the day `today` (`check --today`); `None` is the system date.
pub fn check_site_on(root: &Path, today: Option<model::Date>) -> Checked {
    let mut loaded = load::load_site(root);
    if let (Some(site), Some(day)) = (&mut loaded.site, today) {
        site.today = day;
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

/// Model and check a loaded site, given the diagnostics of loading it. `serve` calls this after
/// re-reading only the files that changed.
pub fn check_loaded(site: Option<Site>, diagnostics: Vec<Diagnostic>) -> Checked {
    check_loaded_alongside(site, diagnostics, |_, _| ()).0
}

/// [`check_loaded`], running `alongside` on the site and its plan while the rules run: work that
/// does not depend on the findings (`build` prepares the render stage) takes the share of the
/// cores the rules leave idle. Without a site, `alongside` does not run.
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

/// Renders a checked site with the theme and views [`Prepared`] for it, handing each file to
/// `sink` as soon as it is made (see [`render::Sink`]). Returns how many image copies were made
/// and taken from the cache.
fn render_prepared(
    checked: &Checked,
    prepared: Prepared,
    sink: render::Sink,
) -> Result<outputs::images::Counts, Vec<Diagnostic>> {
    let (Some(site), Some(plan)) = (&checked.site, &checked.plan) else {
        return Err(vec![]);
    };
    let theme = prepared.theme?;
    let (mut opts, search) = prepared.views.into_parts(checked, prepared.base_url);
    // A provider with a warning shows the warning, not the date of an earlier agreement.
    for (slug, date) in prepared.live_dates {
        if let Some(extras) = opts.extras.get_mut(&slug).filter(|e| e.warning.is_none()) {
            extras.live_checked = Some(date);
        }
    }
    // The site files (settings.json, the sitemap, client files) are made alongside the pages: some
    // are one large file each, made on one thread, which would otherwise end the build alone.
    // Every path once: a file of the site's `root/` must not stand where a page or other file
    // goes. The profiles written are noted for the host configuration.
    let seen = Mutex::new(std::collections::HashMap::<String, bool>::new());
    let recording = |file: OutputFile| {
        let mut seen = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen
            .insert(file.path.clone(), file.path.ends_with(".mobileconfig"))
            .is_some()
        {
            return Err(outputs::root_file_collision(&theme, &file.path));
        }
        drop(seen);
        sink(file)
    };
    let all = render::Selection::all();
    // The images' copies take a large image's decoding and encoding: they are made while the
    // pages render.
    type Written = Vec<Result<Option<OutputFile>, Diagnostic>>;
    let (pages, (files, images)): (_, (Written, _)) = rayon::join(
        || render::render_pages_with(site, plan, &theme, &opts, &all, &recording),
        || {
            use rayon::prelude::*;
            rayon::join(
                || {
                    outputs::site_files(site, plan, &theme, &opts, Some(&search))
                        .into_par_iter()
                        .map(recording)
                        .collect()
                },
                || outputs::images::files(&site.root, &plan.prose.images, &theme),
            )
        },
    );
    let mut errors = pages.err().unwrap_or_default();
    errors.extend(files.into_iter().filter_map(Result::err));
    errors.extend(images.errors);
    let mut immutable: Vec<String> = theme.assets.iter().map(|a| a.output_path.clone()).collect();
    for file in images.files {
        immutable.push(file.path.clone());
        if let Err(d) = recording(file) {
            errors.push(d);
        }
    }
    // The host configuration (`_headers`, nginx, Apache) names the profiles the build wrote.
    let mut written = outputs::hosts::Written {
        profiles: seen
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .into_iter()
            .filter_map(|(path, profile)| profile.then_some(path))
            .collect(),
        immutable,
    };
    written.profiles.sort_unstable();
    let own_headers = theme
        .root_files
        .iter()
        .find(|f| f.output_path == outputs::hosts::HEADERS)
        .map(|f| f.bytes.as_slice());
    for file in outputs::hosts::files(&site.config.deploy, &written, own_headers) {
        if let Err(d) = sink(file) {
            errors.push(d);
        }
    }
    if errors.is_empty() {
        Ok(images.counts)
    } else {
        Err(errors)
    }
}

/// What the render stage needs that the findings do not change: the theme with the site's
/// globals, and the views every build makes. `build` prepares it while the rules run.
struct Prepared {
    base_url: String,
    /// Provider slug → the date its servers all answered as described (`--live-results`).
    live_dates: std::collections::HashMap<String, String>,
    theme: Result<render::theme::Theme, Vec<Diagnostic>>,
    views: RenderViews,
}

impl Prepared {
    fn new(site: &Site, plan: &Plan, base_url: Option<&str>) -> Prepared {
        let base_url = base_url
            .unwrap_or(&site.config.base_url)
            .trim_end_matches('/')
            .to_string();
        let theme = render::theme::Theme::load(&site.root, &site.config.theme, site.config.minify).map(|mut theme| {
            render::set_globals(&mut theme, site, &base_url);
            theme
        });
        Prepared {
            theme,
            views: RenderViews::new(site, plan),
            base_url,
            live_dates: Default::default(),
        }
    }
}

/// The FAQ and troubleshooting entries and the search index made from them: what
/// [`render::RenderOptions`] holds besides what the findings decide. `build` and `serve` make
/// them while the rules run ([`check_loaded_alongside`]).
pub struct RenderViews {
    entries: render::views::EntryViews,
    search: SearchIndex,
}

impl RenderViews {
    pub fn new(site: &Site, plan: &Plan) -> RenderViews {
        let entries = render::views::EntryViews::new(site, &plan.prose);
        // The search index is built from the same rendered prose as the pages that link to it.
        let search = outputs::search::index(site, plan, &entries);
        RenderViews { entries, search }
    }

    /// The render options for `checked`, whose findings decide each provider's extras, and the
    /// search index the pages link to.
    pub fn into_parts(self, checked: &Checked, base_url: String) -> (render::RenderOptions, SearchIndex) {
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
        };
        (opts, self.search)
    }
}

/// What the render stage needs besides the site: the base URL (without a trailing slash) and
/// what other stages add to provider pages. Shared by `build` and `serve`.
pub fn render_options(checked: &Checked, base_url: String) -> render::RenderOptions {
    match (&checked.site, &checked.plan) {
        (Some(site), Some(plan)) => RenderViews::new(site, plan).into_parts(checked, base_url).0,
        _ => render::RenderOptions {
            base_url,
            extras: Default::default(),
            search_url: None,
            entries: Default::default(),
        },
    }
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
    let base_url = opts.base_url.as_deref();
    let (mut checked, mut prepared) = check_loaded_alongside(loaded.site, loaded.diagnostics, |site, plan| {
        Prepared::new(site, plan, base_url)
    });
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
    // Refuse a foreign output folder before doing the work. Each file is minified and written
    // into the staging folder as soon as it is rendered, so the site is never in memory whole;
    // dropped on failure, the staging folder deletes itself and the output stays as it was.
    let staging = match write::Staging::create(&output) {
        Ok(staging) => staging,
        Err(e) => return Err(BuildFailure::Write(e, Box::new(checked))),
    };
    let minify = checked.site.as_ref().map(|s| s.config.minify).unwrap_or_default();
    let (pages, files) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let write_error: Mutex<Option<write::WriteError>> = Mutex::new(None);
    let changes = opts.list_changes.then(|| write::changes::Changes::new(output.clone()));
    let sink = |file: OutputFile| {
        let failed = || write_error.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failed().is_some() {
            return Ok(None);
        }
        let mut file = file;
        write::minify(minify, &file.path, &mut file.bytes);
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
        Ok(None)
    };
    let images = match render_prepared(&checked, prepared, &sink) {
        Ok(images) => images,
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
