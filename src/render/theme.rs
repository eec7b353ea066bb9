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
    /// Template name to the file it came from, for error locations.
    files: HashMap<String, String>,
}

/// Files under `dir`, by path relative to it; files in later folders replace earlier ones.
fn layered_files(dirs: &[PathBuf]) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    for dir in dirs {
        for entry in WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if entry.file_type().is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
                files.insert(relative(dir, entry.path()), entry.into_path());
            }
        }
    }
    files
}

/// 64-bit FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`, so
/// fingerprints (and so the output bytes) do not change with the compiler.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")[..10].to_string()
}

impl Theme {
    /// Loads and compiles the theme; `minify` other than `off` compacts each template first and
    /// minifies the style sheets.
    pub fn load(root: &Path, theme: &str, minify: Minify) -> Result<Theme, Vec<Diagnostic>> {
        let theme_dir = root.join("themes").join(theme);
        if !theme_dir.is_dir() {
            return Err(vec![
                Diagnostic::error("theme-missing", format!("the theme `{theme}` does not exist"))
                    .at(Location::file("site.yaml"))
                    .help(format!(
                        "create themes/{theme}/templates/, or set `theme:` in site.yaml to a folder under themes/"
                    )),
            ]);
        }
        let templates = layered_files(&[theme_dir.join("templates"), root.join("templates")]);
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let mut files = HashMap::new();
        let mut sources = Vec::new();
        let mut diagnostics = Vec::new();
        for (name, path) in &templates {
            let rel = relative(root, path);
            match std::fs::read_to_string(path) {
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
            diagnostics.push(template_error(&files, &e));
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
        for (name, path) in layered_files(&[theme_dir.join("static"), root.join("static")]) {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let bytes = match minify {
                        Minify::Whitespace | Minify::Full if name.ends_with(".css") => minify_css(&bytes),
                        _ => bytes,
                    };
                    let published = fingerprinted_name(&name, &bytes);
                    asset_urls.insert(name, format!("/static/{published}"));
                    assets.push(Asset {
                        output_path: format!("static/{published}"),
                        bytes,
                    });
                }
                Err(e) => diagnostics.push(Diagnostic::error(
                    "asset-unreadable",
                    format!("cannot read {}: {e}", relative(root, &path)),
                )),
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

fn fingerprinted_name(name: &str, bytes: &[u8]) -> String {
    let hash = fingerprint(bytes);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
        _ => format!("{name}.{hash}"),
    }
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
