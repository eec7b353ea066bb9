//! Write: minify the pages and put the finished site in place without ever leaving a half-built
//! or mixed output folder, and without deleting anything mailguide did not write.
//!
//! The new site is written into a fresh sibling folder, then swapped with the old one by two
//! renames; the old folder is deleted afterwards. Every output folder holds a manifest
//! (`.mailguide-manifest`) of the files mailguide wrote. An existing output folder that is not
//! empty is replaced only when every file in it is listed there: anything else belongs to someone
//! else, and the build refuses with the list of those files.

use crate::render::OutputFile;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

pub const MANIFEST: &str = ".mailguide-manifest";

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("{path} holds files mailguide did not write ({}{}), so it will not replace it", .foreign.join(", "), if *.more > 0 { format!(" and {} more", .more) } else { String::new() })]
    Foreign {
        path: PathBuf,
        foreign: Vec<String>,
        more: usize,
    },
    #[error("{path} exists and is not a folder")]
    NotADirectory { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl WriteError {
    pub fn help(&self) -> &'static str {
        match self {
            WriteError::Foreign { .. } => {
                "choose another folder with --output, or move those files away; mailguide only replaces folders it wrote"
            }
            WriteError::NotADirectory { .. } => "choose an output folder with --output",
            WriteError::Io { .. } => "check the permissions and free space of the output folder's parent",
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Minifies HTML pages (minify-html keeps them valid; it does not drop closing tags that
/// matter to validators) in parallel.
pub fn minify(files: &mut [OutputFile]) {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = true;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_comments = false;
    files.par_iter_mut().filter(|f| f.is_html()).for_each(|f| {
        f.bytes = minify_html::minify(&f.bytes, &cfg);
    });
}

/// Checks that `output` may be replaced: it does not exist, is empty, or holds only files that
/// its manifest lists.
pub fn check_output(output: &Path) -> Result<(), WriteError> {
    if !output.exists() {
        return Ok(());
    }
    if !output.is_dir() {
        return Err(WriteError::NotADirectory {
            path: output.to_path_buf(),
        });
    }
    let listed: HashSet<String> = match fs::read_to_string(output.join(MANIFEST)) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(_) => HashSet::new(),
    };
    let mut foreign = Vec::new();
    for entry in walkdir::WalkDir::new(output).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| WriteError::Io {
            path: output.to_path_buf(),
            source: e.into(),
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = crate::load::relative(output, entry.path());
        if rel != MANIFEST && !listed.contains(&rel) {
            foreign.push(rel);
        }
    }
    if foreign.is_empty() {
        Ok(())
    } else {
        let more = foreign.len().saturating_sub(5);
        foreign.truncate(5);
        Err(WriteError::Foreign {
            path: output.to_path_buf(),
            foreign,
            more,
        })
    }
}

/// Writes `files` into a new folder beside `output`, then swaps it into place.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    check_output(output)?;
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.mailguide-new-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
    }
    let result = write_into(&staging, files).and_then(|()| swap(&staging, output, parent, &name));
    if result.is_err() && staging.exists() {
        // The staging folder is ours; remove it so a failed build leaves nothing behind.
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_into(dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| dir.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).map_err(io_err(d))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        fs::write(&path, &f.bytes).map_err(io_err(&path))
    })?;
    let mut manifest: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    manifest.sort_unstable();
    let path = dir.join(MANIFEST);
    fs::write(&path, manifest.join("\n") + "\n").map_err(io_err(&path))
}

fn swap(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if output.exists() {
        let old = parent.join(format!(".{name}.mailguide-old-{}", std::process::id()));
        fs::rename(output, &old).map_err(io_err(output))?;
        if let Err(source) = fs::rename(staging, output) {
            // Put the previous site back so a failed swap loses nothing.
            let _ = fs::rename(&old, output);
            return Err(WriteError::Io {
                path: output.to_path_buf(),
                source,
            });
        }
        fs::remove_dir_all(&old).map_err(io_err(&old))?;
    } else {
        fs::rename(staging, output).map_err(io_err(output))?;
    }
    Ok(())
}
