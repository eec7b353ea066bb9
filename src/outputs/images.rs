//! The images the prose shows, published: each file under its fingerprinted name, and the
//! smaller copies of large raster images that [`crate::plan::images`] planned (the pages already
//! name them), made with the `image` crate.
//!
//! Making a copy means decoding the whole image, resizing and encoding it: far more work than
//! the rest of a page. So each copy is kept in the site's `.mailguide-cache/images/` (which the
//! site's `.gitignore` lists), named after a hash of its source's bytes, its width and its
//! format: a build that finds it there reads it instead of making it again, and a changed source
//! gets a new name. The cache is only ever a shortcut: a copy that cannot be kept there (a
//! read-only folder) is made again next time, and one that is deleted is made again.

use crate::diagnostics::{Diagnostic, Location};
use crate::plan::files::OutputFile;
use crate::plan::images::{Format, Image, Images, Variant, image_format};
use crate::render::theme::Theme;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The site's folder for what a build may keep for the next one; `init` lists it in the site's
/// `.gitignore`.
pub const CACHE_DIR: &str = ".mailguide-cache";

/// The cache's folder of image copies, inside [`CACHE_DIR`].
const IMAGES_DIR: &str = "images";

/// Bumped when the way copies are made changes (filter, encoder settings), so old copies are
/// not taken for new ones.
const RECIPE: u32 = 1;

/// What publishing the images did.
#[derive(Default)]
pub struct Made {
    pub files: Vec<OutputFile>,
    /// Images that could not be decoded (their header was fine, so `check` passed them).
    pub errors: Vec<Diagnostic>,
    pub counts: Counts,
}

/// How many image copies a build made, and how many it took from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub made: usize,
    pub reused: usize,
}

/// The image files of the site at `root`: every image the prose shows that the theme's assets
/// do not already publish (a file of `static/` is one of them), and every planned copy.
pub fn files(root: &Path, images: &Images, theme: &Theme) -> Made {
    let published: HashSet<&str> = theme.assets.iter().map(|a| a.output_path.as_str()).collect();
    let cache = root.join(CACHE_DIR).join(IMAGES_DIR);
    let per_image: Vec<(Vec<OutputFile>, Option<Diagnostic>, Counts)> = images
        .list
        .par_iter()
        .map(|image| {
            let mut files = Vec::with_capacity(image.variants.len() + 1);
            if !image.in_static && !published.contains(image.output_path.as_str()) {
                files.push(OutputFile::new(image.output_path.clone(), image.bytes.to_vec()));
            }
            match copies(root, &cache, image) {
                Ok((made, counts)) => {
                    files.extend(made);
                    (files, None, counts)
                }
                Err(d) => (files, Some(d), Counts::default()),
            }
        })
        .collect();
    let mut made = Made::default();
    let mut seen = HashSet::new();
    for (files, error, counts) in per_image {
        // Two files with the same name and bytes are one published file.
        made.files
            .extend(files.into_iter().filter(|f| seen.insert(f.path.clone())));
        made.errors.extend(error);
        made.counts.made += counts.made;
        made.counts.reused += counts.reused;
    }
    made
}

/// The copies of `image`, from the cache where they are there; the image is decoded once for
/// all that are not.
fn copies(root: &Path, cache: &Path, image: &Image) -> Result<(Vec<OutputFile>, Counts), Diagnostic> {
    let mut counts = Counts::default();
    let mut out = Vec::with_capacity(image.variants.len());
    let mut decoded: Option<image::DynamicImage> = None;
    for variant in &image.variants {
        let kept = cache.join(cache_name(image, variant));
        if let Some(bytes) = read_kept(&kept) {
            counts.reused += 1;
            out.push(OutputFile::new(variant.output_path.clone(), bytes));
            continue;
        }
        if decoded.is_none() {
            decoded = Some(decode(image).map_err(|e| undecodable(image, &e))?);
        }
        // Decoded just above.
        let Some(source) = decoded.as_ref() else { continue };
        let bytes = encode(source, variant).map_err(|e| undecodable(image, &e))?;
        keep(root, &kept, &bytes);
        counts.made += 1;
        out.push(OutputFile::new(variant.output_path.clone(), bytes));
    }
    Ok((out, counts))
}

/// The name of a copy in the cache: its source's hash, its width, the recipe and its format.
pub fn cache_name(image: &Image, variant: &Variant) -> String {
    format!(
        "{:016x}-{}-r{RECIPE}.{}",
        image.hash,
        variant.width,
        variant.format.extension()
    )
}

/// A kept copy, if the cache holds one as a regular file (a link there is not followed).
fn read_kept(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    std::fs::read(path).ok().filter(|b| !b.is_empty())
}

/// Keeps a copy for the next build; a cache that cannot be written only costs that build's time.
fn keep(root: &Path, path: &Path, bytes: &[u8]) {
    let folder = PathBuf::from(CACHE_DIR).join(IMAGES_DIR);
    if crate::no_follow::folders(root, &folder).is_ok() {
        let _ = crate::no_follow::replace(path, bytes);
    }
}

/// The image's pixels, turned as its EXIF orientation says (as browsers show it).
fn decode(image: &Image) -> Result<image::DynamicImage, image::ImageError> {
    use image::ImageDecoder as _;
    let Some(format) = image_format(image.format) else {
        return Err(image::ImageError::Unsupported(
            image::error::UnsupportedError::from_format_and_kind(
                image::error::ImageFormatHint::Unknown,
                image::error::UnsupportedErrorKind::Format(image::error::ImageFormatHint::Unknown),
            ),
        ));
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&image.bytes[..]), format);
    // The header was held to `limits.image_pixels`; the decoder is held to what it declared, so
    // a file whose data says otherwise is refused rather than decoded.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(image.width.max(image.height));
    limits.max_image_height = Some(image.width.max(image.height));
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut pixels = image::DynamicImage::from_decoder(decoder)?;
    pixels.apply_orientation(orientation);
    Ok(pixels)
}

/// One copy: the image resized to the copy's width, encoded in its format.
fn encode(source: &image::DynamicImage, variant: &Variant) -> Result<Vec<u8>, image::ImageError> {
    use image::DynamicImage as D;
    let resized = if source.width() == variant.width {
        source.clone()
    } else {
        source.resize_exact(variant.width, variant.height, image::imageops::FilterType::CatmullRom)
    };
    let mut bytes = Vec::new();
    match variant.format {
        Format::Jpeg => {
            // JPEG has no alpha channel and no 16-bit samples.
            let plain = match resized {
                D::ImageLuma8(_) | D::ImageRgb8(_) => resized,
                other => D::ImageRgb8(other.to_rgb8()),
            };
            plain.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 82))?;
        }
        Format::Webp => {
            // The WebP encoder takes 8-bit samples.
            let eight = match resized {
                D::ImageLuma8(_) | D::ImageLumaA8(_) | D::ImageRgb8(_) | D::ImageRgba8(_) => resized,
                other if other.color().has_alpha() => D::ImageRgba8(other.to_rgba8()),
                other => D::ImageRgb8(other.to_rgb8()),
            };
            eight.write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut bytes))?;
        }
        _ => {
            resized.write_with_encoder(image::codecs::png::PngEncoder::new_with_quality(
                &mut bytes,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            ))?;
        }
    }
    Ok(bytes)
}

fn undecodable(image: &Image, e: &image::ImageError) -> Diagnostic {
    Diagnostic::error("image-invalid", format!("{} cannot be decoded: {e}", image.source))
        .at(Location::file(&image.source))
        .help("its header is readable but its pixels are not: save the image again from an image editor")
}
