//! mailguide: a static site generator for email-setup help sites.
//!
//! The pipeline, one stage per module, data flowing one way:
//!
//! ```text
//! load ──▶ model ──▶ check ──▶ render ──▶ write
//! files    Site      findings  pages in memory  minify, swap into place
//! ```
//!
//! [`check_site`] runs the first three stages; [`build_site`] runs them all and writes nothing
//! unless the checks pass. The build prepares what rendering needs (theme, FAQ and
//! troubleshooting views, search index) while the rules run, since none of it depends on them.

pub mod check;
pub mod commands;
pub mod diagnostics;
pub mod import;
pub mod load;
pub mod model;
pub mod outputs;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod write;

use diagnostics::{Diagnostic, Severity};
use model::Site;
use render::prose::Prose;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A loaded and checked site.
pub struct Checked {
    pub site: Option<Site>,
    pub prose: Option<Prose>,
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
    check_loaded(loaded.site, loaded.diagnostics)
}

/// Model and check a loaded site, given the diagnostics of loading it. `serve` calls this after
/// re-reading only the files that changed.
pub fn check_loaded(site: Option<Site>, diagnostics: Vec<Diagnostic>) -> Checked {
    check_loaded_alongside(site, diagnostics, |_, _| ()).0
}

/// [`check_loaded`], running `alongside` on the site and its prose while the rules run: work that
/// does not depend on the findings (`build` prepares the render stage) takes the share of the
/// cores the rules leave idle. Without a site, `alongside` does not run.
pub fn check_loaded_alongside<T: Send>(
    site: Option<Site>,
    mut diagnostics: Vec<Diagnostic>,
    alongside: impl FnOnce(&Site, &Prose) -> T + Send,
) -> (Checked, Option<T>) {
    let Some(site) = site else {
        diagnostics::sort(&mut diagnostics);
        let checked = Checked {
            site: None,
            prose: None,
            diagnostics,
            allowed: vec![],
        };
        return (checked, None);
    };
    let (prose, prose_errors) = Prose::compile(&site);
    diagnostics.extend(prose_errors);
    let (report, beside) = rayon::join(|| check::run(&site, &prose), || alongside(&site, &prose));
    let mut all = check::apply_policy(&site, diagnostics);
    all.diagnostics.extend(report.diagnostics);
    all.allowed.extend(report.allowed);
    diagnostics::sort(&mut all.diagnostics);
    let checked = Checked {
        site: Some(site),
        prose: Some(prose),
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
    /// The day the sources' dates are judged on (`--today`); `None` is the system date.
    pub today: Option<model::Date>,
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

/// Renders a checked site into files in memory, ready to write.
pub fn render_checked(checked: &Checked, base_url: Option<&str>) -> Result<Vec<render::OutputFile>, Vec<Diagnostic>> {
    render_checked_with(checked, base_url, &|f| Ok(Some(f)))
}

/// Renders a checked site, handing each file to `sink` as soon as it is made (see
/// [`render::Sink`]); returns the files the sink kept.
pub fn render_checked_with(
    checked: &Checked,
    base_url: Option<&str>,
    sink: render::Sink,
) -> Result<Vec<render::OutputFile>, Vec<Diagnostic>> {
    let (Some(site), Some(prose)) = (&checked.site, &checked.prose) else {
        return Err(vec![]);
    };
    let prepared = Prepared::new(site, prose, base_url);
    render_prepared(checked, prepared, sink)
}

/// Renders a checked site with the theme and views [`Prepared`] for it.
fn render_prepared(
    checked: &Checked,
    prepared: Prepared,
    sink: render::Sink,
) -> Result<Vec<render::OutputFile>, Vec<Diagnostic>> {
    let (Some(site), Some(prose)) = (&checked.site, &checked.prose) else {
        return Err(vec![]);
    };
    let theme = prepared.theme?;
    let opts = prepared.views.into_options(checked, prepared.base_url);
    render::render_site_with(site, prose, &theme, &opts, sink)
}

/// What the render stage needs that the findings do not change: the theme with the site's
/// globals, and the views every build makes. `build` prepares it while the rules run.
struct Prepared {
    base_url: String,
    theme: Result<render::theme::Theme, Vec<Diagnostic>>,
    views: RenderViews,
}

impl Prepared {
    fn new(site: &Site, prose: &Prose, base_url: Option<&str>) -> Prepared {
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
            views: RenderViews::new(site, prose),
            base_url,
        }
    }
}

/// The FAQ and troubleshooting entries and the search index made from them: what
/// [`render::RenderOptions`] holds besides what the findings decide. `build` and `serve` make
/// them while the rules run ([`check_loaded_alongside`]).
pub struct RenderViews {
    entries: render::views::EntryViews,
    search: outputs::search::SearchIndex,
}

impl RenderViews {
    pub fn new(site: &Site, prose: &Prose) -> RenderViews {
        let entries = render::views::EntryViews::new(site, prose);
        // The search index is built from the same rendered prose as the pages that link to it.
        let search = outputs::search::index(site, prose, &entries);
        RenderViews { entries, search }
    }

    /// The render options for `checked`, whose findings decide each provider's extras.
    pub fn into_options(self, checked: &Checked, base_url: String) -> render::RenderOptions {
        // Providers with findings get a warning and no client files (see `outputs`). A finding the
        // provider allows with a reason is the editor's word that the data is right: it does neither.
        let extras = match &checked.site {
            Some(site) => outputs::extras(site, checked.diagnostics.iter()),
            None => Default::default(),
        };
        render::RenderOptions {
            base_url,
            extras,
            search: Some(self.search),
            entries: self.entries,
            guide_skeletons: true,
        }
    }
}

/// What the render stage needs besides the site: the base URL (without a trailing slash) and
/// what other stages add to provider pages. Shared by `build` and `serve`.
pub fn render_options(checked: &Checked, base_url: String) -> render::RenderOptions {
    match (&checked.site, &checked.prose) {
        (Some(site), Some(prose)) => RenderViews::new(site, prose).into_options(checked, base_url),
        _ => render::RenderOptions {
            base_url,
            extras: Default::default(),
            search: None,
            entries: Default::default(),
            guide_skeletons: true,
        },
    }
}

/// The whole pipeline. Writes nothing unless every stage succeeds.
pub fn build_site(opts: &BuildOptions) -> Result<Built, BuildFailure> {
    let start = Instant::now();
    let mut loaded = load::load_site(&opts.root);
    if let (Some(site), Some(day)) = (&mut loaded.site, opts.today) {
        site.today = day;
    }
    let base_url = opts.base_url.as_deref();
    let (checked, prepared) = check_loaded_alongside(loaded.site, loaded.diagnostics, |site, prose| {
        Prepared::new(site, prose, base_url)
    });
    let blocking = checked.errors() > 0 || (opts.deny_warnings && checked.warnings() > 0);
    // Nothing was prepared when there is no site to render.
    let prepared = match prepared {
        Some(prepared) if !blocking => prepared,
        _ => return Err(BuildFailure::Content(Box::new(checked))),
    };
    let output = opts.output.clone().unwrap_or_else(|| opts.root.join("public"));
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
    let sink = |file: render::OutputFile| {
        let failed = || write_error.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failed().is_some() {
            return Ok(None);
        }
        let mut file = file;
        write::minify(minify, &file.path, &mut file.bytes);
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
    if let Err(diags) = render_prepared(&checked, prepared, &sink) {
        return Err(BuildFailure::Render(diags, Box::new(checked)));
    }
    let failed = write_error
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let unchanged = staging.unchanged();
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
    })
}
