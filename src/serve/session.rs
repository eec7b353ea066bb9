//! A site kept in memory between edits, so `serve` rebuilds a small part of it per change.
//!
//! A [`Session`] holds what serve needs between edits: the checked model ([`Checked`]), the load
//! diagnostics per file, the served files, and the pipeline's [`Memory`] of the last render.
//! [`Session::apply`] takes the files an editor changed, tells what each is (a content file, a
//! theme file, `site.yaml`, something else), and
//! - re-reads only the changed content files into the model ([`pipeline::reload_file`], which
//!   names the pages that show them); deleted files, a new client, `site.yaml` and files that
//!   are no content file load the whole site again;
//! - hands the model to the pipeline ([`pipeline::rebuild`]), which checks the whole model (rules
//!   look across files, so no finding may go stale) and renders only the selected pages, the pages
//!   whose shared inputs changed, and the client files of the providers whose inputs changed, as
//!   `build` would.
//!
//! While the content has errors, the last good pages stay and the pages that wait for a good
//! state add up in the pipeline's memory, so fixing the error renders everything the broken
//! edits touched.

use crate::diagnostics::{Diagnostic, Severity};
use crate::load;
use crate::model::Site;
use crate::pipeline::{self, Memory, Selection};
use crate::plan::files::OutputFile;
use crate::{Checked, check_loaded};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
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
    /// Errors of the last render attempt (the theme, or prose that fails at render time).
    render_errors: Vec<Diagnostic>,
    /// The last good site: every file `build` would write.
    files: Files,
    /// What the last render left, for the next to render only what changed.
    memory: Memory,
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
            render_errors: vec![],
            files: Files::new(),
            memory: Memory::default(),
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
            // The pipeline loads the theme again and renders every page.
            self.memory.forget_theme();
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
        let mut sel = Selection::default();
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
                match pipeline::reload_file(s, &self.root, path) {
                    Some((affected, diags)) => {
                        let rel = load::relative(&self.root, path);
                        self.load_diagnostics
                            .retain(|d| d.location.as_ref().map(|l| l.file.as_str()) != Some(rel.as_str()));
                        self.load_diagnostics.extend(diags);
                        pipeline::merge(&mut sel, affected);
                        reparsed += 1;
                    }
                    None => {
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
        loaded.site
    }

    /// Runs the pipeline on the model: checks it and renders what `sel` (and what earlier
    /// rebuilds could not render) asks for into the served files.
    fn finish(&mut self, site: Option<Site>, sel: Selection, start: Instant, reparsed: usize) -> Rebuild {
        let made = Mutex::new(Vec::new());
        let keep = |file: OutputFile| made.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(file);
        let rebuilt = pipeline::rebuild(
            site,
            self.load_diagnostics.clone(),
            &self.base_url,
            sel,
            &mut self.memory,
            &keep,
        );
        self.checked = rebuilt.checked;
        self.render_errors.clear();
        let mut report = Rebuild {
            ok: false,
            full: false,
            reparsed,
            rendered: 0,
            elapsed: Duration::ZERO,
            changed: vec![],
        };
        match rebuilt.rendered {
            // The content has errors: the last good site stays.
            None => {}
            Some(Err(diags)) => self.render_errors = diags,
            Some(Ok(rendered)) => {
                if rendered.all {
                    self.files.clear();
                }
                for gone in &rendered.removed {
                    self.files.remove(gone);
                }
                let made = made.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
                for f in made {
                    self.files.insert(f.path, Arc::new(f.bytes));
                }
                report.ok = true;
                report.full = rendered.all;
                report.rendered = rendered.pages;
            }
        }
        report.elapsed = start.elapsed();
        report
    }
}
