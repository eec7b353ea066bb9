//! Images in the prose: `![alt](file.png)` in a guide, a provider's steps, a page, an FAQ answer
//! or a troubleshooting entry.
//!
//! An image names a file beside the text that shows it (relative to the Markdown or YAML file) or
//! in the site's `static/` folder (`/static/img/step.png`). When the prose is compiled
//! ([`super::prose::Prose::compile`]), every image is found, its file read and judged, and its
//! destination in the template replaced by a [`MARKER`] that says everything the page needs: the
//! published (fingerprinted) address, the width and height, and the widths of the smaller copies.
//! The Markdown renderer ([`super::markdown`]) turns a marked image into an `<img>` (or a
//! `<picture>` with WebP copies) with `width`, `height`, `srcset`, `loading="lazy"` and
//! `decoding="async"`; the render stage takes the last two off the first image of a page's main
//! content, which is likely on the first screen. The `outputs` stage publishes the files and makes
//! the smaller copies, cached between builds.
//!
//! Everything that can be wrong is found here, from the file and its header alone, so `check`
//! reports it at the image's line without decoding a pixel: a missing file, no alt text, a file
//! whose content is not what its name says, a header that declares more pixels than
//! `limits.image_pixels` (a decompression bomb), an SVG that could run a script or load from
//! another host, and an image from another host (pages load nothing from other hosts).

use crate::diagnostics::{Diagnostic, Location};
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// How a marked image's destination starts. An editor cannot write one that survives: the
/// resolver reads such a destination as a file name, which no file has.
pub const MARKER: &str = "mailguide-image:";

/// Raster images wider than this get smaller copies.
pub const LARGE: u32 = 800;

/// The widths of the smaller copies, those below the image's own width.
const VARIANT_WIDTHS: &[u32] = &[400, 800, 1600];

/// The `sizes` of a responsive image: the default theme's main column is at most 50rem wide.
pub const SIZES: &str = "(min-width: 50rem) 50rem, 100vw";

/// The folder of the site's own published files, where an image may be named as `/static/...`.
const STATIC: &str = "static";

/// The image formats mailguide publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    Webp,
    Avif,
    Svg,
}

impl Format {
    fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "png" => Format::Png,
            "jpg" | "jpeg" => Format::Jpeg,
            "gif" => Format::Gif,
            "webp" => Format::Webp,
            "avif" => Format::Avif,
            "svg" => Format::Svg,
            _ => return None,
        })
    }

    /// The format's name, as the messages say it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Gif => "GIF",
            Format::Webp => "WebP",
            Format::Avif => "AVIF",
            Format::Svg => "SVG",
        }
    }

    /// The extension of the copies made in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Avif => "avif",
            Format::Svg => "svg",
        }
    }

    /// The format the first bytes of a file say it has.
    fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && avif_brand(bytes) {
            Some(Format::Avif)
        } else if looks_like_svg(bytes) {
            Some(Format::Svg)
        } else {
            None
        }
    }
}

/// Whether an ISO media file's `ftyp` box names the AVIF brand (as major or compatible brand).
fn avif_brand(bytes: &[u8]) -> bool {
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let end = size.clamp(12, 256).min(bytes.len());
    bytes[8..end].chunks(4).any(|b| b == b"avif" || b == b"avis")
}

/// Whether a file is XML whose first element is `<svg`.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Ok(text) = std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()])) else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

/// A smaller copy of an image, made at build time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub url: String,
    /// Its file in the output folder.
    pub output_path: String,
}

/// An image file shown by the prose, read and judged.
#[derive(Debug, Clone)]
pub struct Image {
    /// The file, relative to the site (`content/clients/thunderbird-settings.svg`).
    pub source: String,
    pub bytes: Arc<[u8]>,
    pub format: Format,
    /// As a browser shows it (a JPEG's EXIF rotation applied).
    pub width: u32,
    pub height: u32,
    /// [`crate::plan::files::fnv64`] of the bytes: the name of the copies in the cache.
    pub hash: u64,
    pub url: String,
    pub output_path: String,
    /// A file of the site's `static/` folder, which the theme's assets already publish under the
    /// same name: only its copies are this module's to publish.
    pub in_static: bool,
    pub variants: Vec<Variant>,
}

/// Why an image cannot be published: a finding at every place that shows it.
#[derive(Debug, Clone)]
struct Problem {
    code: &'static str,
    message: String,
    help: String,
}

impl Problem {
    fn new(code: &'static str, message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Where the images of a site are looked for, and the bounds on reading them.
pub struct Resolver {
    root: PathBuf,
    /// The largest file read (`limits.file_bytes`).
    file_bytes: u64,
    /// The most pixels a header may declare (`limits.image_pixels`).
    pixels: u64,
}

impl Resolver {
    pub fn new(root: &Path, limits: &crate::model::Limits) -> Resolver {
        Resolver {
            root: root.to_path_buf(),
            file_bytes: limits.file_bytes,
            pixels: limits.image_pixels,
        }
    }
}

/// A change the image markers made to a line of a template, so a Tera error's column after it
/// can be given in the file's terms: on line `line` (0-based, of the template), the columns
/// from `after` on are `delta` characters further right than in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub line: usize,
    pub after: usize,
    pub delta: isize,
}

/// Every image of a site's prose, each file once.
#[derive(Default)]
pub struct Images {
    pub list: Vec<Image>,
    /// By the file's path relative to the site: its place in `list`, or why it cannot be published.
    by_file: HashMap<String, Result<usize, Problem>>,
}

/// One image found in a template.
struct Found {
    /// The byte range of the whole `![alt](dest)`.
    start: usize,
    /// The byte range of the destination as written, when it could be found in the text.
    dest: Option<(usize, usize)>,
    dest_url: String,
    link_type: LinkType,
    alt: String,
}

impl Images {
    /// Finds the images of `text`, a template of the file `file` (relative to the site), and
    /// replaces each destination by its marker. `locate` gives the file position of a byte range
    /// of `text`. Returns the new text and its edits when any image was marked, and a finding for
    /// each image that cannot be published.
    pub fn mark(
        &mut self,
        resolver: &Resolver,
        file: &str,
        text: &str,
        locate: &dyn Fn(usize, usize) -> Location,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(String, Vec<Edit>)> {
        // Most texts show no image and need no Markdown parse.
        memchr::memmem::find(text.as_bytes(), b"![")?;
        let masked = mask_tera(text);
        let mut replacements: Vec<(usize, usize, String)> = Vec::new();
        for found in find_images(&masked) {
            let whole = {
                let end = found.dest.map_or(found.start + 2, |(_, e)| e);
                locate(found.start, end)
            };
            if found.alt.trim().is_empty() {
                diagnostics.push(
                    Diagnostic::error("image-alt-missing", "this image has no alt text")
                        .at(locate(found.start, found.start + 2).with_len(2))
                        .help(
                            "say in the brackets what the image shows, for readers who cannot see it: \
                             ![The account settings window with the server fields filled in](file.png)",
                        ),
                );
            }
            if found.link_type != LinkType::Inline {
                diagnostics.push(
                    Diagnostic::error(
                        "image-missing",
                        "this image names its file through a reference, which mailguide does not follow",
                    )
                    .at(whole)
                    .help("write the file in the image itself: ![alt](file.png)"),
                );
                continue;
            }
            let Some((ds, de)) = found.dest else {
                let (message, help) = if found.dest_url.is_empty() {
                    (
                        "this image names no file".to_string(),
                        "write the file's name in the parentheses: ![alt](file.png)",
                    )
                } else {
                    (
                        format!("this image's file name `{}` is written with escapes", found.dest_url),
                        "write the file name as it is, without backslashes or entities",
                    )
                };
                diagnostics.push(Diagnostic::error("image-missing", message).at(whole).help(help));
                continue;
            };
            let at = locate(ds, de);
            if text[ds..de] != masked[ds..de] {
                diagnostics.push(
                    Diagnostic::error("image-missing", "this image's file name holds a template expression")
                        .at(at)
                        .help("name the file itself; to show another image per provider, put it in the provider's steps for the client (content/providers/<provider>/<client>.md)"),
                );
                continue;
            }
            match self.resolve(resolver, file, &found.dest_url) {
                Ok(i) => replacements.push((ds, de, marker(&self.list[i]))),
                Err(p) => diagnostics.push(Diagnostic::error(p.code, p.message).at(at).help(p.help)),
            }
        }
        if replacements.is_empty() {
            return None;
        }
        Some(replace(text, &replacements))
    }

    /// The image `dest` names, written in the file `file`: read and judged once per file.
    fn resolve(&mut self, resolver: &Resolver, file: &str, dest: &str) -> Result<usize, Problem> {
        let (rel, in_static) = locate_file(file, dest)?;
        if let Some(known) = self.by_file.get(&rel) {
            return known.clone();
        }
        let result = read_image(resolver, &rel, in_static).map(|image| {
            self.list.push(image);
            self.list.len() - 1
        });
        self.by_file.insert(rel, result.clone());
        result
    }
}

/// The byte ranges of the images of a Markdown text (Tera pieces read as text), from `![` to the
/// end of the destination (or of the image): for the rule that refuses images where no template
/// is compiled.
pub fn spans(text: &str) -> Vec<(usize, usize)> {
    if memchr::memmem::find(text.as_bytes(), b"![").is_none() {
        return vec![];
    }
    find_images(&mask_tera(text))
        .into_iter()
        .map(|f| (f.start, f.dest.map_or(f.start + 2, |(_, e)| e)))
        .collect()
}

/// Replaces the byte ranges of `text` (in order, not overlapping), noting the edits per line.
fn replace(text: &str, replacements: &[(usize, usize, String)]) -> (String, Vec<Edit>) {
    let mut out = String::with_capacity(text.len() + replacements.len() * 64);
    let mut edits = Vec::with_capacity(replacements.len());
    let mut last = 0;
    for (start, end, with) in replacements {
        out.push_str(&text[last..*start]);
        out.push_str(with);
        last = *end;
        let line = memchr::memchr_iter(b'\n', &out.as_bytes()[..out.len()]).count();
        let line_start = out.rfind('\n').map_or(0, |i| i + 1);
        edits.push(Edit {
            line,
            after: out[line_start..].chars().count(),
            delta: with.chars().count() as isize - text[*start..*end].chars().count() as isize,
        });
    }
    out.push_str(&text[last..]);
    (out, edits)
}

/// `text` with its Tera pieces (`{{ }}`, `{% %}`, `{# #}`) replaced by `x`s of the same length
/// (new lines kept), so Markdown reads the text around them as it will read the rendered page.
fn mask_tera(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let close: &[u8] = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => b"}}",
            (b'{', b'%') => b"%}",
            (b'{', b'#') => b"#}",
            _ => {
                i += 1;
                continue;
            }
        };
        let end = memchr::memmem::find(&bytes[i + 2..], close).map_or(bytes.len(), |e| i + 2 + e + 2);
        for b in &mut out[i..end] {
            if *b != b'\n' {
                *b = b'x';
            }
        }
        i = end;
    }
    // Only ASCII bytes were replaced, and only whole pieces, which start and end on ASCII.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The images of a (masked) Markdown text, in order.
fn find_images(text: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    // The images being read (an image's alt text may hold another image): the index in `out`,
    // the end of the whole image and the end of its alt text read so far.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    for (event, range) in Parser::new_ext(text, super::dialect::options()).into_offset_iter() {
        // Whatever stands inside an image (a nested image's start covers all of it) is its alt text.
        if let Some((_, _, alt_end)) = open.last_mut()
            && !matches!(event, Event::End(TagEnd::Image))
        {
            *alt_end = (*alt_end).max(range.end);
        }
        match event {
            Event::Start(Tag::Image {
                link_type, dest_url, ..
            }) => {
                out.push(Found {
                    start: range.start,
                    dest: None,
                    dest_url: dest_url.to_string(),
                    link_type,
                    alt: String::new(),
                });
                open.push((out.len() - 1, range.end, range.start + 2));
            }
            Event::End(TagEnd::Image) => {
                let Some((i, end, alt_end)) = open.pop() else { continue };
                let found = &mut out[i];
                // The destination is the first place after the alt text that reads as it (a
                // title after it may repeat it).
                if found.link_type == LinkType::Inline && !found.dest_url.is_empty() {
                    let from = alt_end.min(end);
                    found.dest = text[from..end]
                        .find(found.dest_url.as_str())
                        .map(|at| (from + at, from + at + found.dest_url.len()));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(&(i, _, _)) = open.last() {
                    out[i].alt.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(&(i, _, _)) = open.last() {
                    out[i].alt.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// The file an image's destination names, relative to the site, and whether it is in `static/`.
fn locate_file(file: &str, dest: &str) -> Result<(String, bool), Problem> {
    let dest = dest.trim();
    let lower = dest.to_ascii_lowercase();
    let scheme = lower.find(':').is_some_and(|i| {
        i > 1
            && lower[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    });
    if lower.starts_with("//") || scheme {
        let remote = lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//");
        return Err(Problem::new(
            "image-remote",
            if remote {
                format!("this image is loaded from another site ({dest}); pages load nothing from other hosts")
            } else {
                format!("this image's address {dest} is not a file of the site")
            },
            "save the image beside this file (or in static/) and name it here: ![alt](file.png); an image you may not copy cannot be shown",
        ));
    }
    let decoded = percent_decode(dest);
    let (base, rest, in_static): (Vec<&str>, &str, bool) = match decoded.strip_prefix('/') {
        Some(abs) => match abs.strip_prefix("static/") {
            Some(rest) => (vec![STATIC], rest, true),
            None => {
                return Err(Problem::new(
                    "image-missing",
                    format!("this image names {dest}, which is neither beside this file nor in static/"),
                    "name a file beside this file (`step.png`, `../pages/step.png`) or in the site's static/ folder (`/static/img/step.png`)",
                ));
            }
        },
        None => {
            let mut folder: Vec<&str> = file.split('/').collect();
            folder.pop();
            (folder, decoded.as_str(), false)
        }
    };
    // Nothing above `content/` or `static/`.
    let floor = 1;
    let mut parts: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    for part in Path::new(rest).components() {
        match part {
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir if parts.len() > floor => {
                parts.pop();
            }
            _ => {
                return Err(Problem::new(
                    "image-missing",
                    format!("this image names {dest}, which is outside the site's content/ and static/ folders"),
                    "keep images beside the Markdown that shows them, or in static/",
                ));
            }
        }
    }
    if parts.len() <= 1 {
        return Err(Problem::new(
            "image-missing",
            format!("this image names {dest}, a folder, not a file"),
            "name the image file",
        ));
    }
    Ok((parts.join("/"), in_static))
}

/// `%XX` sequences decoded (a space written `%20`); anything else as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Reads the image at `rel` (relative to the site) and judges it from its header.
fn read_image(resolver: &Resolver, rel: &str, in_static: bool) -> Result<Image, Problem> {
    let path = resolver.root.join(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let Some(expected) = Format::from_extension(ext) else {
        return Err(Problem::new(
            "image-invalid",
            format!("{rel} is not an image mailguide publishes"),
            "show a .png, .jpg, .gif, .webp, .avif or .svg file",
        ));
    };
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing(resolver, rel, in_static)),
        Err(e) => {
            return Err(Problem::new(
                "image-missing",
                format!("cannot read {rel}: {e}"),
                "give the user who runs mailguide permission to read the file",
            ));
        }
    };
    if meta.file_type().is_symlink() || !meta.is_file() {
        return Err(Problem::new(
            "image-missing",
            format!("{rel} is not a regular file"),
            "mailguide publishes no symbolic links; put the image file itself there",
        ));
    }
    if !in_static && !crate::load::is_content_image(&resolver.root, &path) {
        return Err(Problem::new(
            "image-missing",
            format!("{rel} is not in a folder whose images are content"),
            "put the image beside the Markdown (or FAQ, troubleshooting) file that shows it, or in static/",
        ));
    }
    if meta.len() > resolver.file_bytes {
        return Err(Problem::new(
            "image-too-large",
            format!(
                "{rel} is {} bytes, larger than the limit of {} bytes",
                meta.len(),
                resolver.file_bytes
            ),
            "make the image smaller (a screenshot of one window rarely needs more than 1 MB), or raise `limits: {file_bytes: N}` in site.yaml",
        ));
    }
    let bytes: Arc<[u8]> = std::fs::read(&path)
        .map_err(|e| {
            Problem::new(
                "image-missing",
                format!("cannot read {rel}: {e}"),
                "give the user who runs mailguide permission to read the file",
            )
        })?
        .into();
    let found = Format::sniff(&bytes);
    let same = |f: Format| f == expected;
    if !found.is_some_and(same) {
        return Err(Problem::new(
            "image-invalid",
            match found {
                Some(f) => format!("{rel} holds a {} image, not {}", f.name(), expected.name()),
                None => format!("{rel} is not a {} image", expected.name()),
            },
            match found {
                Some(f) => format!(
                    "rename it to end in .{} (browsers and hosts go by the name)",
                    f.extension()
                ),
                None => "save the image again from an image editor".to_string(),
            },
        ));
    }
    let (width, height) = match expected {
        Format::Svg => svg::judge(rel, &bytes)?,
        Format::Gif => gif_size(&bytes).ok_or_else(|| header_problem(rel, expected))?,
        Format::Avif => avif_size(&bytes).ok_or_else(|| header_problem(rel, expected))?,
        Format::Png | Format::Jpeg | Format::Webp => {
            raster_size(&bytes, expected).ok_or_else(|| header_problem(rel, expected))?
        }
    };
    if width == 0 || height == 0 {
        return Err(header_problem(rel, expected));
    }
    let pixels = u64::from(width) * u64::from(height);
    if expected != Format::Svg && pixels > resolver.pixels {
        return Err(Problem::new(
            "image-too-large",
            format!(
                "{rel} says it is {width} x {height} pixels ({} million), more than the limit of {} million",
                pixels / 1_000_000,
                resolver.pixels / 1_000_000
            ),
            format!(
                "decoding it would take {} GB of memory (a small file declaring a huge image is a decompression bomb); \
                 scale it down (a page shows at most about 1600 pixels across), or raise `limits: {{image_pixels: N}}` in site.yaml (now {})",
                pixels.saturating_mul(4).div_ceil(1_000_000_000),
                resolver.pixels
            ),
        ));
    }
    let hash = crate::plan::files::fnv64(&bytes);
    let published = crate::plan::files::fingerprinted_name(name, &bytes);
    let output_path = if in_static {
        let inside = rel.strip_prefix("static/").unwrap_or(rel);
        format!("static/{}", crate::plan::files::fingerprinted_name(inside, &bytes))
    } else {
        format!("static/img/{published}")
    };
    let url = format!("/{output_path}");
    let variants = variants(&url, expected, width, height);
    Ok(Image {
        source: rel.to_string(),
        bytes,
        format: expected,
        width,
        height,
        hash,
        url,
        output_path,
        in_static,
        variants,
    })
}

/// A missing file, with the closest image of the same folder, if one is close.
fn missing(resolver: &Resolver, rel: &str, in_static: bool) -> Problem {
    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let mut close: Option<(usize, String)> = None;
    if let Ok(entries) = std::fs::read_dir(resolver.root.join(folder)) {
        for entry in entries.filter_map(Result::ok) {
            let other = entry.file_name().to_string_lossy().into_owned();
            let is_image = other
                .rsplit_once('.')
                .is_some_and(|(_, e)| Format::from_extension(e).is_some());
            let d = strsim::levenshtein(&other.to_lowercase(), &name.to_lowercase());
            if is_image && d <= 4 && close.as_ref().is_none_or(|(best, b)| (d, &other) < (*best, b)) {
                close = Some((d, other));
            }
        }
    }
    let help = match close {
        Some((_, other)) => format!("did you mean {other}? (names are case-sensitive)"),
        None if in_static => "put the file in the site's static/ folder, or name one that is there".to_string(),
        None => "put the image beside this file, or write its path relative to this file (or /static/... for the site's static/ folder)".to_string(),
    };
    Problem::new("image-missing", format!("this image's file {rel} does not exist"), help)
}

fn header_problem(rel: &str, format: Format) -> Problem {
    Problem::new(
        "image-invalid",
        format!(
            "{rel} has no readable {} header (its size cannot be read)",
            format.name()
        ),
        "save the image again from an image editor",
    )
}

/// The width and height of a PNG, JPEG or WebP image as a browser shows it (a JPEG's EXIF
/// rotation swaps them), from its header.
fn raster_size(bytes: &[u8], format: Format) -> Option<(u32, u32)> {
    use image::ImageDecoder as _;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), image_format(format)?);
    // Only the header is read here; the size it declares is judged by the caller, with a message
    // that says so (the decoder's own limits would refuse it as an unreadable header).
    reader.no_limits();
    let mut decoder = reader.into_decoder().ok()?;
    let (w, h) = decoder.dimensions();
    let turned = decoder.orientation().is_ok_and(swaps_axes);
    Some(if turned { (h, w) } else { (w, h) })
}

/// Whether an EXIF orientation turns the image a quarter.
pub fn swaps_axes(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

/// The `image` crate's name of a format it reads and writes.
pub fn image_format(format: Format) -> Option<image::ImageFormat> {
    match format {
        Format::Png => Some(image::ImageFormat::Png),
        Format::Jpeg => Some(image::ImageFormat::Jpeg),
        Format::Webp => Some(image::ImageFormat::WebP),
        _ => None,
    }
}

/// A GIF's logical screen size (bytes 6 to 9, little-endian).
fn gif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let b = bytes.get(6..10)?;
    Some((
        u32::from(u16::from_le_bytes([b[0], b[1]])),
        u32::from(u16::from_le_bytes([b[2], b[3]])),
    ))
}

/// An AVIF's size from its first `ispe` (image spatial extents) property.
fn avif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let at = memchr::memmem::find(bytes, b"ispe")?;
    let b = bytes.get(at + 8..at + 16)?;
    Some((
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
    ))
}

/// The smaller copies of an image: PNG, JPEG and WebP images wider than [`LARGE`] get copies at
/// the [`VARIANT_WIDTHS`] below their width in their own format; a PNG also gets WebP copies at
/// those widths and at its own (lossless WebP is smaller than PNG). A JPEG gets no WebP: the
/// WebP the build can make is lossless, larger than a photo's JPEG. GIF (which may move), AVIF
/// (already small) and SVG (drawn at any size) are published as they are.
fn variants(url: &str, format: Format, width: u32, height: u32) -> Vec<Variant> {
    if width <= LARGE || !matches!(format, Format::Png | Format::Jpeg | Format::Webp) {
        return vec![];
    }
    let widths: Vec<u32> = VARIANT_WIDTHS.iter().copied().filter(|w| *w < width).collect();
    let make = |w: u32, f: Format| {
        let url = variant_url(url, w, f.extension());
        Variant {
            width: w,
            height: scaled_height(width, height, w),
            format: f,
            output_path: url.trim_start_matches('/').to_string(),
            url,
        }
    };
    let mut out: Vec<Variant> = widths.iter().map(|&w| make(w, format)).collect();
    if format == Format::Png {
        out.extend(
            widths
                .iter()
                .chain(std::iter::once(&width))
                .map(|&w| make(w, Format::Webp)),
        );
    }
    out
}

/// The height of a copy `w` pixels wide, in the image's proportions (at least one pixel).
pub fn scaled_height(width: u32, height: u32, w: u32) -> u32 {
    ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width)).max(1) as u32
}

/// The address of the copy of the image at `url` that is `width` pixels wide, in the format of
/// extension `ext`: `/static/img/tb.1a2b3c4d5e.png` gives `/static/img/tb.1a2b3c4d5e-800.webp`.
/// The copies are named after their source's fingerprint: the same source gives the same copies.
pub fn variant_url(url: &str, width: u32, ext: &str) -> String {
    let stem = url.rsplit_once('.').map_or(url, |(stem, _)| stem);
    format!("{stem}-{width}.{ext}")
}

/// The marker that stands for `image` in a template: `mailguide-image:W x H:widths:webp:url`.
fn marker(image: &Image) -> String {
    let own = image.format;
    let widths: Vec<String> = image
        .variants
        .iter()
        .filter(|v| v.format == own)
        .map(|v| v.width.to_string())
        .collect();
    let webp = own == Format::Png && !image.variants.is_empty();
    format!(
        "{MARKER}{}x{}:{}:{}:{}",
        image.width,
        image.height,
        widths.join("."),
        u8::from(webp),
        image.url
    )
}

/// What a marker says: the image's size, the widths of its copies in its own format, whether it
/// has WebP copies (at those widths and its own), and its address.
#[derive(Debug, PartialEq, Eq)]
pub struct Marked<'a> {
    pub width: u32,
    pub height: u32,
    pub widths: Vec<u32>,
    pub webp: bool,
    pub url: &'a str,
}

impl Marked<'_> {
    /// Reads a marked destination; `None` for any other.
    pub fn parse(dest: &str) -> Option<Marked<'_>> {
        let rest = dest.strip_prefix(MARKER)?;
        let mut parts = rest.splitn(4, ':');
        let (w, h) = parts.next()?.split_once('x')?;
        let widths = parts.next()?;
        let webp = parts.next()? == "1";
        let url = parts.next()?;
        Some(Marked {
            width: w.parse().ok()?,
            height: h.parse().ok()?,
            widths: if widths.is_empty() {
                vec![]
            } else {
                widths.split('.').map(str::parse).collect::<Result<_, _>>().ok()?
            },
            webp,
            url,
        })
    }

    /// The image as HTML: an `<img>` with its size, lazy loading and, when it has copies, a
    /// `srcset`; inside a `<picture>` offering the WebP copies first when it has them. `alt` and
    /// `title` are plain text.
    pub fn html(&self, alt: &str, title: &str) -> String {
        let ext = self.url.rsplit_once('.').map_or("", |(_, e)| e);
        let srcset = |ext: &str, own: bool| {
            let mut list: Vec<String> = self
                .widths
                .iter()
                .map(|w| format!("{} {w}w", variant_url(self.url, *w, ext)))
                .collect();
            list.push(if own {
                format!("{} {}w", self.url, self.width)
            } else {
                format!("{} {}w", variant_url(self.url, self.width, ext), self.width)
            });
            list.join(", ")
        };
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", escape(title))
        };
        let mut img = format!("<img src=\"{}\"", self.url);
        if !self.widths.is_empty() {
            img.push_str(&format!(" srcset=\"{}\" sizes=\"{SIZES}\"", srcset(ext, true)));
        }
        img.push_str(&format!(
            " alt=\"{}\"{title} width=\"{}\" height=\"{}\" loading=\"lazy\" decoding=\"async\">",
            escape(alt),
            self.width,
            self.height
        ));
        if self.webp {
            format!(
                "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{SIZES}\">{img}</picture>",
                srcset("webp", false)
            )
        } else {
            img
        }
    }
}

/// Text as an HTML attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// SVG: published as it is, so it is read for what a browser would do with it.
mod svg {
    use super::Problem;
    use quick_xml::events::Event;

    /// The SVG's width and height, or why it may not be published: a script, an element that
    /// embeds HTML (`foreignObject`), an event handler attribute, or anything loaded from
    /// another host. (An `<img>` runs no script of an SVG today; the file is also published on
    /// its own, where a reader who opens it would run it.)
    pub(super) fn judge(rel: &str, bytes: &[u8]) -> Result<(u32, u32), Problem> {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            Problem::new(
                "image-invalid",
                format!("{rel} is not UTF-8 text"),
                "save the SVG as UTF-8",
            )
        })?;
        let line_of = |at: u64| text[..(at as usize).min(text.len())].matches('\n').count() + 1;
        let unsafe_at = |what: String, at: u64| {
            Problem::new(
                "image-svg-unsafe",
                format!("{rel} {what} (its line {})", line_of(at)),
                "remove it from the SVG: a published SVG runs no script and loads nothing from other hosts \
                 (draw the shapes in the SVG itself, and embed fonts or images as data)",
            )
        };
        let mut reader = quick_xml::Reader::from_str(text);
        let mut size: Option<(u32, u32)> = None;
        let mut in_style = false;
        loop {
            let at = reader.buffer_position();
            let event = reader.read_event().map_err(|e| {
                Problem::new(
                    "image-invalid",
                    format!(
                        "{rel} is not well-formed XML: {e} (its line {})",
                        line_of(reader.error_position())
                    ),
                    "fix the SVG, or export it again from the drawing program",
                )
            })?;
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.local_name().as_ref().to_ascii_lowercase();
                    if name == "script" {
                        return Err(unsafe_at("holds a <script> element".into(), at));
                    }
                    if name == "foreignobject" {
                        return Err(unsafe_at(
                            "holds a <foreignObject> element, which embeds HTML".into(),
                            at,
                        ));
                    }
                    in_style = name == "style";
                    let mut attrs: Vec<(String, String)> = Vec::new();
                    for attr in e.attributes().with_checks(false) {
                        let attr = attr.map_err(|err| {
                            Problem::new(
                                "image-invalid",
                                format!("{rel} has a malformed attribute: {err} (its line {})", line_of(at)),
                                "fix the SVG, or export it again from the drawing program",
                            )
                        })?;
                        let key = attr.key.local_name().as_ref().to_ascii_lowercase();
                        let value = attr.value.into_owned();
                        if key.starts_with("on") {
                            return Err(unsafe_at(
                                format!("has an event handler attribute `{key}` on <{name}>"),
                                at,
                            ));
                        }
                        if key == "href"
                            && (remote(&value) || value.trim().to_ascii_lowercase().starts_with("javascript:"))
                        {
                            return Err(unsafe_at(format!("refers to {} from <{name}>", value.trim()), at));
                        }
                        if key == "style" && loads_remote_css(&value) {
                            return Err(unsafe_at(
                                format!("loads from another host in a style attribute of <{name}>"),
                                at,
                            ));
                        }
                        attrs.push((key, value));
                    }
                    if size.is_none() {
                        if name != "svg" {
                            return Err(Problem::new(
                                "image-invalid",
                                format!("{rel} does not start with an <svg> element"),
                                "save the drawing as SVG",
                            ));
                        }
                        size = Some(svg_size(&attrs).ok_or_else(|| {
                            Problem::new(
                                "image-invalid",
                                format!("{rel} gives no size: its <svg> has no viewBox, nor a width and height in pixels"),
                                "add a viewBox (`viewBox=\"0 0 640 360\"`): the page reserves the image's place from it",
                            )
                        })?);
                    }
                }
                Event::End(_) => in_style = false,
                Event::Text(t) if in_style && loads_remote_css(t.as_ref()) => {
                    return Err(unsafe_at("loads from another host in its <style>".into(), at));
                }
                Event::CData(t) if in_style && loads_remote_css(t.as_ref()) => {
                    return Err(unsafe_at("loads from another host in its <style>".into(), at));
                }
                Event::DocType(d) if AsRef::<str>::as_ref(&d).contains("ENTITY") => {
                    return Err(unsafe_at("declares entities in its DOCTYPE".into(), at));
                }
                Event::PI(p) if AsRef::<str>::as_ref(&p).contains("stylesheet") => {
                    return Err(unsafe_at("loads a style sheet (<?xml-stylesheet?>)".into(), at));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        size.ok_or_else(|| {
            Problem::new(
                "image-invalid",
                format!("{rel} has no <svg> element"),
                "save the drawing as SVG",
            )
        })
    }

    /// Whether an address is on another host (`http:`, `https:`, `//`).
    fn remote(value: &str) -> bool {
        let v = value.trim().to_ascii_lowercase();
        v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//")
    }

    /// Whether CSS imports or loads anything from another host.
    fn loads_remote_css(css: &str) -> bool {
        let lower = css.to_ascii_lowercase();
        if lower.contains("@import") {
            return true;
        }
        lower.match_indices("url(").any(|(i, m)| {
            let arg = lower[i + m.len()..].trim_start().trim_start_matches(['"', '\'']);
            remote(arg)
        })
    }

    /// The size an `<svg>` is drawn at: its `width` and `height` in pixels, else its `viewBox`
    /// (and one of them with the viewBox's proportions).
    fn svg_size(attrs: &[(String, String)]) -> Option<(u32, u32)> {
        let get = |k: &str| attrs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim());
        let px = |v: Option<&str>| -> Option<f64> {
            let v = v?;
            let n = v.strip_suffix("px").unwrap_or(v).trim();
            n.parse::<f64>().ok().filter(|n| n.is_finite() && *n > 0.0)
        };
        let view: Option<(f64, f64)> = get("viewbox").and_then(|v| {
            let n: Vec<f64> = v
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::parse)
                .collect::<Result<_, _>>()
                .ok()?;
            (n.len() == 4 && n[2] > 0.0 && n[3] > 0.0 && n[2].is_finite() && n[3].is_finite()).then(|| (n[2], n[3]))
        });
        let (w, h) = match (px(get("width")), px(get("height")), view) {
            (Some(w), Some(h), _) => (w, h),
            (Some(w), None, Some((vw, vh))) => (w, w * vh / vw),
            (None, Some(h), Some((vw, vh))) => (h * vw / vh, h),
            (_, _, Some(v)) => v,
            _ => return None,
        };
        let round = |n: f64| (n.round().clamp(1.0, f64::from(u32::MAX))) as u32;
        Some((round(w), round(h)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_found_with_their_destination_and_alt() {
        let text = "Intro ![The *account* window](shot.png \"Title\") and ![](x.svg)\n![ref][r]\n\n[r]: y.png\n";
        let found = find_images(&mask_tera(text));
        assert_eq!(found.len(), 3);
        let (s, e) = found[0].dest.expect("found");
        assert_eq!(&text[s..e], "shot.png");
        assert_eq!(found[0].alt, "The account window");
        assert!(found[1].alt.is_empty());
        assert_eq!(found[2].link_type, LinkType::Reference);
    }

    #[test]
    fn a_destination_in_the_title_is_not_taken_for_the_destination() {
        let text = "![a.png](a.png \"a.png\")";
        let found = find_images(text);
        assert_eq!(found[0].dest, Some((9, 14)));
    }

    #[test]
    fn tera_in_alt_text_is_alt_text() {
        let text = "![{{ provider.name }} settings](s.png)";
        let found = find_images(&mask_tera(text));
        assert!(!found[0].alt.trim().is_empty());
        let (s, e) = found[0].dest.expect("found");
        assert_eq!(&text[s..e], "s.png");
    }

    #[test]
    fn files_are_found_beside_the_text_or_in_static() {
        let at = |dest| locate_file("content/clients/thunderbird.md", dest).map_err(|p| p.code);
        assert_eq!(at("shot.png"), Ok(("content/clients/shot.png".into(), false)));
        assert_eq!(at("../pages/a%20b.png"), Ok(("content/pages/a b.png".into(), false)));
        assert_eq!(at("/static/img/x.png"), Ok(("static/img/x.png".into(), true)));
        assert_eq!(at("/static/../content/x.png"), Err("image-missing"));
        assert_eq!(at("../../../etc/passwd.png"), Err("image-missing"));
        assert_eq!(at("../x.png"), Ok(("content/x.png".into(), false)));
        assert_eq!(at("https://example.org/x.png"), Err("image-remote"));
        assert_eq!(at("//example.org/x.png"), Err("image-remote"));
        assert_eq!(at("data:image/png;base64,xyz"), Err("image-remote"));
        assert_eq!(at("/img/x.png"), Err("image-missing"));
    }

    #[test]
    fn markers_say_what_the_page_needs() {
        let m = Marked::parse("mailguide-image:2000x1000:400.800.1600:1:/static/img/a.0123456789.png").expect("marker");
        assert_eq!(
            m,
            Marked {
                width: 2000,
                height: 1000,
                widths: vec![400, 800, 1600],
                webp: true,
                url: "/static/img/a.0123456789.png"
            }
        );
        let html = m.html("A \"quoted\" <alt>", "");
        assert!(
            html.starts_with("<picture><source type=\"image/webp\" srcset=\"/static/img/a.0123456789-400.webp 400w, "),
            "{html}"
        );
        assert!(html.contains("/static/img/a.0123456789-2000.webp 2000w\""), "{html}");
        assert!(html.contains("srcset=\"/static/img/a.0123456789-400.png 400w, /static/img/a.0123456789-800.png 800w, /static/img/a.0123456789-1600.png 1600w, /static/img/a.0123456789.png 2000w\""), "{html}");
        assert!(
            html.contains("alt=\"A &quot;quoted&quot; &lt;alt&gt;\" width=\"2000\" height=\"1000\" loading=\"lazy\""),
            "{html}"
        );
        let plain = Marked::parse("mailguide-image:640x360::0:/static/img/d.0123456789.svg").expect("marker");
        assert_eq!(
            plain.html("Diagram", "T"),
            "<img src=\"/static/img/d.0123456789.svg\" alt=\"Diagram\" title=\"T\" width=\"640\" height=\"360\" loading=\"lazy\" decoding=\"async\">"
        );
        assert_eq!(Marked::parse("shot.png"), None);
    }

    #[test]
    fn replacing_notes_how_columns_moved() {
        let (out, edits) = replace("a\nxx ![a](b.png) {{ c }}", &[(10, 15, "LONGER.png".into())]);
        assert_eq!(out, "a\nxx ![a](LONGER.png) {{ c }}");
        assert_eq!(
            edits,
            vec![Edit {
                line: 1,
                after: 18,
                delta: 5
            }]
        );
    }

    #[test]
    fn svg_is_judged_for_what_a_browser_would_do() {
        let judge = |s: &str| svg::judge("x.svg", s.as_bytes()).map_err(|p| (p.code, p.message));
        assert_eq!(
            judge(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"/>"#),
            Ok((640, 360))
        );
        assert_eq!(
            judge(r#"<svg width="100px" height="50" viewBox="0 0 10 5"></svg>"#),
            Ok((100, 50))
        );
        assert_eq!(judge(r#"<svg width="200" viewBox="0 0 10 5"></svg>"#), Ok((200, 100)));
        for bad in [
            "<svg viewBox=\"0 0 1 1\"><script>alert(1)</script></svg>",
            "<svg viewBox=\"0 0 1 1\"><foreignObject/></svg>",
            "<svg viewBox=\"0 0 1 1\" onload=\"x()\"/>",
            "<svg viewBox=\"0 0 1 1\"><image href=\"https://example.org/a.png\"/></svg>",
            "<svg viewBox=\"0 0 1 1\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><use xlink:href=\"//example.org/a.svg#x\"/></svg>",
            "<svg viewBox=\"0 0 1 1\"><style>@import url(x.css);</style></svg>",
            "<svg viewBox=\"0 0 1 1\"><rect style=\"fill:url(https://example.org/p)\"/></svg>",
        ] {
            assert_eq!(judge(bad).map_err(|e| e.0), Err("image-svg-unsafe"), "{bad}");
        }
        let err = judge("<svg viewBox=\"0 0 1 1\">\n\n<script/></svg>").expect_err("unsafe");
        assert!(
            err.1.contains("x.svg holds a <script> element (its line 3)"),
            "{}",
            err.1
        );
        assert_eq!(judge("<svg></svg>").map_err(|e| e.0), Err("image-invalid"));
        // Internal references and the SVG namespace's own address are fine.
        assert!(judge(r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><defs><marker id="a"/></defs><use href="#a"/></svg>"##).is_ok());
    }

    #[test]
    fn variants_only_for_large_rasters() {
        assert!(variants("/static/img/a.0123456789.png", Format::Png, 800, 600).is_empty());
        assert!(variants("/static/img/a.0123456789.svg", Format::Svg, 4000, 600).is_empty());
        let v = variants("/static/img/a.0123456789.jpg", Format::Jpeg, 1000, 500);
        assert_eq!(
            v.iter().map(|v| (v.width, v.height, v.format)).collect::<Vec<_>>(),
            vec![(400, 200, Format::Jpeg), (800, 400, Format::Jpeg)]
        );
        let v = variants("/static/img/a.0123456789.png", Format::Png, 2000, 1000);
        assert_eq!(v.len(), 3 + 4);
        assert_eq!(v[6].output_path, "static/img/a.0123456789-2000.webp");
    }
}
