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
//! unless the checks pass.

pub mod check;
pub mod commands;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod outputs;
pub mod render;
pub mod write;

use diagnostics::{Diagnostic, Severity};
use model::Site;
use render::prose::Prose;
use std::path::{Path, PathBuf};
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
    let loaded = load::load_site(root);
    let mut diagnostics = loaded.diagnostics;
    let Some(site) = loaded.site else {
        diagnostics::sort(&mut diagnostics);
        return Checked {
            site: None,
            prose: None,
            diagnostics,
            allowed: vec![],
        };
    };
    let (prose, prose_errors) = Prose::compile(&site);
    diagnostics.extend(prose_errors);
    let report = check::run(&site, &prose);
    let mut all = check::apply_policy(&site, diagnostics);
    all.diagnostics.extend(report.diagnostics);
    all.allowed.extend(report.allowed);
    diagnostics::sort(&mut all.diagnostics);
    Checked {
        site: Some(site),
        prose: Some(prose),
        diagnostics: all.diagnostics,
        allowed: all.allowed,
    }
}

pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Treat warnings as errors.
    pub deny_warnings: bool,
}

/// What a successful build did.
pub struct Built {
    pub output: PathBuf,
    pub pages: usize,
    pub files: usize,
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
    let (Some(site), Some(prose)) = (&checked.site, &checked.prose) else {
        return Err(vec![]);
    };
    let base_url = base_url
        .unwrap_or(&site.config.base_url)
        .trim_end_matches('/')
        .to_string();
    let mut theme = render::theme::Theme::load(&site.root, &site.config.theme)?;
    render::set_globals(&mut theme, site, &base_url);
    let opts = render::RenderOptions {
        base_url,
        extras: Default::default(),
    };
    render::render_site(site, prose, &theme, &opts)
}

/// The whole pipeline. Writes nothing unless every stage succeeds.
pub fn build_site(opts: &BuildOptions) -> Result<Built, BuildFailure> {
    let start = Instant::now();
    let checked = check_site(&opts.root);
    let blocking = checked.errors() > 0 || (opts.deny_warnings && checked.warnings() > 0);
    if blocking || checked.site.is_none() {
        return Err(BuildFailure::Content(Box::new(checked)));
    }
    let output = opts.output.clone().unwrap_or_else(|| opts.root.join("public"));
    // Refuse a foreign output folder before doing the work.
    if let Err(e) = write::check_output(&output) {
        return Err(BuildFailure::Write(e, Box::new(checked)));
    }
    let mut files = match render_checked(&checked, opts.base_url.as_deref()) {
        Ok(files) => files,
        Err(diags) => return Err(BuildFailure::Render(diags, Box::new(checked))),
    };
    write::minify(&mut files);
    let pages = files.iter().filter(|f| f.is_html()).count();
    if let Err(e) = write::write_site(&output, &files) {
        return Err(BuildFailure::Write(e, Box::new(checked)));
    }
    Ok(Built {
        output,
        pages,
        files: files.len(),
        elapsed: start.elapsed(),
        checked,
    })
}
