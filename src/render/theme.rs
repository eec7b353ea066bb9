//! The theme: Tera templates and static assets from `themes/<name>/`, each overridable by a file
//! of the same relative name in the site's own `templates/` or `static/` (as in Zola and Hugo).
//!
//! Templates are compiled once per build. Assets are fingerprinted (a hash of the content in the
//! file name) so hosts can cache them forever.

use crate::diagnostics::{Diagnostic, Location};
use crate::load::relative;
use crate::minify::{compact_template, minify_css};
use crate::model::Minify;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A published asset: where it goes and its bytes.
pub struct Asset {
    pub output_path: String,
    pub bytes: Vec<u8>,
}

pub struct Theme {
    /// The templates, compiled from their compacted text when the site is minified (see
    /// `minify::compact_template`).
    pub tera: tera::Tera,
    /// The templates as written, when `tera` holds compacted ones: compacting joins lines, so
    /// a template that fails to render is rendered again here to name the line in its file.
    written: Option<tera::Tera>,
    /// Source name (`style.css`) to published URL (`/static/style.1a2b3c4d5e.css`).
    pub asset_urls: BTreeMap<String, String>,
    pub assets: Vec<Asset>,
    /// Files of `root/` (the theme's, then the site's), published as they are.
    pub root_files: Vec<RootFile>,
    /// Template name to the file it came from, for error locations.
    files: HashMap<String, String>,
}

/// A file published as it is at the output's root (`root/` of the theme or the site): `CNAME`,
/// `favicon.ico`, `.well-known/...`, a site's own `_headers`.
pub struct RootFile {
    pub output_path: String,
    pub bytes: Vec<u8>,
    /// Where it came from, relative to the site, for error locations.
    pub source: String,
}

/// The folder of the theme and of the site whose files are published as they are at the output
/// root: `static/` fingerprints every file, which a host's `CNAME` or `_headers` must not be.
pub const ROOT_DIR: &str = "root";

use crate::default_theme::DEFAULT_THEME;

/// Where a theme file comes from: the disk, or the default theme built into the binary.
enum Origin {
    Disk(PathBuf),
    Builtin(&'static [u8]),
}

impl Origin {
    fn read(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Origin::Disk(path) => std::fs::read(path).map(std::borrow::Cow::Owned),
            Origin::Builtin(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
        }
    }

    /// The file as text; a file that is not UTF-8 is an error in the words of `read_to_string`.
    fn read_text(&self) -> std::io::Result<String> {
        match self {
            Origin::Disk(path) => std::fs::read_to_string(path),
            Origin::Builtin(bytes) => String::from_utf8(bytes.to_vec()).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "stream did not contain valid UTF-8")
            }),
        }
    }

    /// The file as error messages name it.
    fn describe(&self, root: &Path, builtin_name: &str) -> String {
        match self {
            Origin::Disk(path) => relative(root, path),
            Origin::Builtin(_) => format!("{builtin_name} (built into mailguide)"),
        }
    }
}

/// The files of one folder of the theme (`templates`, `static`, `root`), by path relative to
/// it: from themes/<theme>/ when the site has that folder, else from the built-in default theme.
fn theme_files(theme_dir: Option<&Path>, sub: &str, dot_files: bool) -> BTreeMap<String, Origin> {
    match theme_dir {
        Some(dir) => layered(&[dir.join(sub)], dot_files)
            .into_iter()
            .map(|(name, path)| (name, Origin::Disk(path)))
            .collect(),
        None => {
            let prefix = format!("{sub}/");
            DEFAULT_THEME
                .iter()
                .filter_map(|(rel, bytes)| Some((rel.strip_prefix(&prefix)?.to_string(), Origin::Builtin(bytes))))
                .collect()
        }
    }
}

/// The theme's files of `sub` with the site's own folder of the same name laid over them.
fn with_site_files(theme_dir: Option<&Path>, root: &Path, sub: &str, dot_files: bool) -> BTreeMap<String, Origin> {
    let mut files = theme_files(theme_dir, sub, dot_files);
    for (name, path) in layered(&[root.join(sub)], dot_files) {
        files.insert(name, Origin::Disk(path));
    }
    files
}

/// [`layered_files`], with `dot_files` deciding whether names starting with `.` count: in
/// `root/` they do (`.well-known/`, `.htaccess`), except `.DS_Store` and `.git`.
fn layered(dirs: &[PathBuf], dot_files: bool) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    for dir in dirs {
        let walk = WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name == ".git" || name == ".DS_Store" || (!dot_files && name.starts_with('.')))
        });
        for entry in walk.filter_map(Result::ok) {
            if entry.file_type().is_file() {
                files.insert(relative(dir, entry.path()), entry.into_path());
            }
        }
    }
    files
}

impl Theme {
    /// Loads and compiles the theme; `minify` other than `off` compacts each template first and
    /// minifies the style sheets.
    pub fn load(root: &Path, theme: &str, minify: Minify) -> Result<Theme, Vec<Diagnostic>> {
        let theme_path = root.join("themes").join(theme);
        // The default theme needs no folder: without one, the built-in copy is used.
        let theme_dir = theme_path.is_dir().then_some(theme_path.as_path());
        if theme_dir.is_none() && theme != "default" {
            return Err(vec![
                Diagnostic::error("theme-missing", format!("the theme `{theme}` does not exist"))
                    .at(theme_key(root))
                    .help(format!(
                        "create themes/{theme}/templates/, or set `theme:` in site.yaml to a folder under themes/ (or to `default`, built into mailguide)"
                    )),
            ]);
        }
        let builtin = |sub: &str, name: &str| format!("themes/{theme}/{sub}/{name}");
        // Every template of the theme is also there as `theme/<name>`, so a site template can
        // extend the one it replaces (`{% extends "theme/base.html" %}`) and fill its blocks.
        let mut templates: Vec<(String, Origin)> = theme_files(theme_dir, "templates", false)
            .into_iter()
            .map(|(name, origin)| (format!("theme/{name}"), origin))
            .collect();
        templates.extend(with_site_files(theme_dir, root, "templates", false));
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let mut files = HashMap::new();
        let mut sources = Vec::new();
        let mut diagnostics = Vec::new();
        for (name, origin) in &templates {
            let plain = name.strip_prefix("theme/").unwrap_or(name);
            let rel = origin.describe(root, &builtin("templates", plain));
            match origin.read_text() {
                Ok(text) => {
                    files.insert(name.clone(), rel);
                    sources.push((name.clone(), text));
                }
                Err(e) => diagnostics.push(Diagnostic::error(
                    "template-unreadable",
                    format!("cannot read {rel}: {e}"),
                )),
            }
        }
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            let located = missing_parent(&files, &sources, &e);
            diagnostics.push(located.unwrap_or_else(|| template_error(&files, &e)));
        }
        for required in [
            "base.html",
            "index.html",
            "provider.html",
            "guide.html",
            "client.html",
            "faq.html",
            "troubleshooting.html",
            "page.html",
            "404.html",
        ] {
            if diagnostics.is_empty() && !tera.contains_template(required) {
                diagnostics.push(
                    Diagnostic::error("template-missing", format!("the theme has no template {required}")).help(
                        format!("add themes/{theme}/templates/{required} or templates/{required}"),
                    ),
                );
            }
        }

        let mut asset_urls = BTreeMap::new();
        let mut assets = Vec::new();
        for (name, origin) in with_site_files(theme_dir, root, "static", false) {
            match origin.read().map(std::borrow::Cow::into_owned) {
                Ok(bytes) => {
                    let bytes = match minify {
                        Minify::Whitespace | Minify::Full if name.ends_with(".css") => minify_css(&bytes),
                        _ => bytes,
                    };
                    let published = crate::plan::files::fingerprinted_name(&name, &bytes);
                    asset_urls.insert(name, format!("/static/{published}"));
                    assets.push(Asset {
                        output_path: format!("static/{published}"),
                        bytes,
                    });
                }
                Err(e) => diagnostics.push(Diagnostic::error(
                    "asset-unreadable",
                    format!("cannot read {}: {e}", origin.describe(root, &builtin("static", &name))),
                )),
            }
        }
        let mut root_files = Vec::new();
        for (name, origin) in with_site_files(theme_dir, root, ROOT_DIR, true) {
            let source = origin.describe(root, &builtin(ROOT_DIR, &name));
            match origin.read() {
                Ok(bytes) => root_files.push(RootFile {
                    output_path: name,
                    bytes: bytes.into_owned(),
                    source,
                }),
                Err(e) => diagnostics.push(
                    Diagnostic::error("asset-unreadable", format!("cannot read {source}: {e}"))
                        .at(Location::file(&source)),
                ),
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let written = match minify {
            Minify::Off => None,
            Minify::Whitespace | Minify::Full => {
                let compacted: Vec<(&str, String)> = sources
                    .iter()
                    .map(|(name, text)| (name.as_str(), compact_template(text)))
                    .collect();
                let mut small = tera::Tera::new();
                small.autoescape_on(vec![".html", ".xml"]);
                match small.add_raw_templates(compacted.iter().map(|(n, t)| (*n, t.as_str()))) {
                    Ok(()) => Some(std::mem::replace(&mut tera, small)),
                    // The templates as written compiled; pages are still right without compacting.
                    Err(_) => None,
                }
            }
        };
        Ok(Theme {
            tera,
            written,
            asset_urls,
            assets,
            root_files,
            files,
        })
    }

    /// Renders a theme template into bytes, in a buffer of at least `capacity` bytes (a page's
    /// expected size: growing the buffer copies it); an error names the template file and line.
    pub fn render(&self, name: &str, context: &tera::Context, capacity: usize) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(capacity);
        match self.tera.render_to(name, context, &mut out) {
            Ok(()) => Ok(out),
            Err(e) => {
                let located = self.written.as_ref().and_then(|w| w.render(name, context).err());
                Err(template_error(&self.files, located.as_ref().unwrap_or(&e)))
            }
        }
    }

    /// Sets a variable every template sees.
    pub fn set_global<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.tera.global_context().insert(key, value);
        if let Some(written) = &mut self.written {
            written.global_context().insert(key, value);
        }
    }
}

/// Where site.yaml names the theme: the `theme:` line, or the top of the file when the key is
/// left out (the default theme is missing).
fn theme_key(root: &Path) -> Location {
    let line = std::fs::read_to_string(root.join("site.yaml"))
        .ok()
        .and_then(|text| text.lines().position(|l| l.starts_with("theme:")))
        .map_or(1, |i| i + 1);
    Location::new("site.yaml", line, 1)
}

/// A template that extends one that does not exist (a deleted `base.html`): Tera names both but
/// gives no position, so the error points at the `extends` line of the template that names it.
fn missing_parent(
    files: &HashMap<String, String>,
    sources: &[(String, String)],
    err: &tera::Error,
) -> Option<Diagnostic> {
    let tera::ErrorKind::MissingParent { current, parent } = err.kind() else {
        return None;
    };
    let text = &sources.iter().find(|(name, _)| name == current)?.1;
    let (line, column) = text.lines().enumerate().find_map(|(i, l)| {
        let at = l.find("extends")?;
        l[at..].contains(parent.as_str()).then_some((i + 1, at + 1))
    })?;
    let file = files.get(current).cloned().unwrap_or_else(|| current.clone());
    Some(
        Diagnostic::error(
            "template-missing",
            format!("{current} extends {parent}, which the theme does not have"),
        )
        .at(Location::new(file, line, column).with_len("extends".len()))
        .help(format!(
            "add templates/{parent} to the theme (or to the site's templates/), or extend another template"
        )),
    )
}

fn template_error(files: &HashMap<String, String>, err: &tera::Error) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(r) => Some(("template-syntax", r)),
        tera::ErrorKind::RenderingError(r) => Some(("template-render", r)),
        _ => None,
    };
    match report {
        Some((code, r)) => {
            let file = files
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| r.filename().to_string());
            let span = r.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            Diagnostic::error(code, r.message().to_string())
                .at(Location::new(file, span.start_line, span.start_col + 1).with_len(len))
                .help("fix the template; docs/themes.md lists the variables every template receives")
        }
        None => Diagnostic::error("template-render", err.to_string())
            .help("fix the template; docs/themes.md lists the variables every template receives"),
    }
}
