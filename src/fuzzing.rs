//! Entry points for the fuzz targets in `fuzz/` and for replaying their corpus in the normal test
//! suite (`tests/diagnostics/fuzz_corpus.rs`): the same function runs an input in both, so an input that once
//! crashed or hung stays a regression test after the fuzzer has moved on.
//!
//! Each function runs one input through a stage the way real content goes through it and
//! panics only where the stage broke a promise (a panic inside the stage is the finding itself).

use crate::model::{ClientData, FaqEntry, ProviderData, SiteConfig, TroubleshootingEntry};
use std::path::Path;

/// Parses `data` as every YAML content file kind, with spans, as the loader does.
pub fn yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let depth = crate::model::Limits::default().yaml_depth;
    let _ = crate::load::yaml::parse_with_spans::<ProviderData>("content/providers/fuzz.yaml", &text, depth);
    let _ = crate::load::yaml::parse_with_spans::<ClientData>("content/clients/fuzz.yaml", &text, depth);
    let _ = crate::load::yaml::parse_with_spans::<Vec<FaqEntry>>("content/faq/fuzz.yaml", &text, depth);
    let _ = crate::load::yaml::parse_with_spans::<Vec<TroubleshootingEntry>>(
        "content/troubleshooting/fuzz.yaml",
        &text,
        depth,
    );
    let _ = crate::load::yaml::parse_with_spans::<SiteConfig>("site.yaml", &text, depth);
}

/// Imports `data` as a Thunderbird autoconfig file and reads the provider files it writes back
/// with the loader: what the importer writes, the loader must parse.
pub fn ispdb(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(converted) = crate::import::ispdb::convert(&text) else {
        return;
    };
    for provider in &converted.providers {
        let yaml = crate::import::ispdb::to_yaml(provider, "fuzz.xml", &converted.notes);
        let depth = crate::model::Limits::default().yaml_depth;
        let (_, parsed) =
            crate::load::yaml::parse_with_spans::<ProviderData>("content/providers/fuzz.yaml", &yaml, depth);
        if let Err(d) = parsed {
            panic!("the importer wrote a provider file the loader refuses: {d:?}\n{yaml}");
        }
    }
}

/// Copies the fixture site at `template` (one client, `simplemail`) to `dest`, for [`guide`] to
/// write guides into.
pub fn copy_site(template: &Path, dest: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(template) {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry.path().strip_prefix(template).map_err(std::io::Error::other)?;
        let to = dest.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}

/// Writes `data` as the `simplemail` client's guide in `site` and runs the pipeline on it: check,
/// then build. Either diagnostics or pages; the guide is put back as it was.
pub fn guide(site: &Path, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = site.join("content/clients/simplemail.md");
    let before = std::fs::read(&path).unwrap_or_default();
    if std::fs::write(&path, text.as_bytes()).is_err() {
        return;
    }
    // The whole pipeline, as `build` runs it: check, then render and write into the site's
    // `public/` (which the next input's build replaces).
    let _ = crate::build_site(&crate::BuildOptions::new(site, None));
    let _ = std::fs::write(&path, before);
}
