//! `mailguide import ispdb`: Thunderbird autoconfig files (`clientConfig` version 1.1, the format of
//! Mozilla's ISPDB) into provider files, `content/providers/<slug>.yaml`.
//!
//! The ISPDB is the largest public collection of mail settings, so importing it is the quickest
//! way to fill a site. Every value is kept exactly as the file says it (a port that contradicts its
//! socket type stays; the checker reports it). What the content model has no place for
//! (`webMail`, `oAuth2` blocks, Exchange/EWS/Graph servers, POP3 options, ...) is listed per file,
//! with its line, and the import goes on. A malformed file is reported with its line and the
//! other files are still imported. An existing provider file is only replaced with `--force`.
//!
//! Three steps, one module each: the format's XML is read by [`crate::ispdb::xml`], [`map`] turns
//! it into the content model, [`write`] gives each provider's file text; this module finds the
//! input files, names the providers and writes their files.

mod map;
mod write;

pub use crate::ispdb::xml::ParseError;
pub use map::{Converted, ConvertedProvider, Note, convert, slug_for};
pub use write::to_yaml;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Where providers are written, relative to the site root.
pub const PROVIDERS_DIR: &str = "content/providers";

/// What happened to one provider of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteStatus {
    Written,
    /// Replaced an existing file (`--force`).
    Replaced,
    /// Not written: the file exists and `--force` was not given.
    Exists,
    /// Not written: an earlier file of this import already produced this slug.
    Duplicate {
        first: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct ProviderResult {
    pub id: String,
    pub slug: String,
    /// The provider file, relative to the site root (`content/providers/<slug>.yaml`).
    pub file: String,
    pub status: WriteStatus,
}

/// Why a file was not imported at all.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{} does not exist", path.display())]
    Missing { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}:{}:{}: {}", path.display(), error.line, error.column, error.message)]
    Parse { path: PathBuf, error: ParseError },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Unsafe(#[from] crate::no_follow::NoFollowError),
}

impl ImportError {
    pub fn help(&self) -> &'static str {
        match self {
            ImportError::Missing { .. } => "give a Thunderbird autoconfig file or a folder of them",
            ImportError::Read { .. } => "check that the file is readable UTF-8 text",
            ImportError::Parse { .. } => "fix the XML at that line; the other files were imported",
            ImportError::Write { .. } => "check that the site folder (--root) exists and is writable",
            ImportError::Unsafe(e) => e.help(),
        }
    }
}

/// The import of one input file.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub result: Result<Vec<ProviderResult>, ImportError>,
    /// What the file holds that the content model has no place for.
    pub notes: Vec<Note>,
}

pub struct ImportOptions {
    /// The site folder; providers go to `<root>/content/providers/`.
    pub root: PathBuf,
    /// Replace existing provider files.
    pub force: bool,
    /// `--checked DATE`: the day the files were taken from the ISPDB, recorded as the source's
    /// check date (the XML holds none); `None` records the source without a date.
    pub checked: Option<crate::model::Date>,
}

/// The ISPDB file as a provider's source: where it lives upstream, and the given date.
fn ispdb_source(file_name: &str, checked: Option<crate::model::Date>) -> crate::model::FactSource {
    crate::model::FactSource {
        id: Some("ispdb".into()),
        url: format!("https://github.com/thunderbird/autoconfig/blob/master/ispdb/{file_name}"),
        title: format!("Thunderbird ISPDB: {file_name}"),
        checked: checked.map(|d| d.to_string()),
        how: crate::model::CheckedHow::StoredCopy,
    }
}

/// Imports every autoconfig file named by `paths` (files, or folders searched for `*.xml`).
/// Never fails as a whole: each file has its report.
///
/// A provider's slug is its `emailProvider` id made safe (`web.de` is `web-de`). When several
/// files of one import share an id (the ISPDB has one `zoho.com` file per regional data centre),
/// each of them takes the slug of its file name instead (`zoho.eu.xml` is `zoho-eu`).
pub fn import(paths: &[PathBuf], opts: &ImportOptions) -> Vec<FileReport> {
    let mut reports = Vec::new();
    let mut inputs = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
                .collect();
            found.sort();
            inputs.extend(found);
        } else if path.is_file() {
            inputs.push(path.clone());
        } else {
            reports.push(FileReport {
                path: path.clone(),
                result: Err(ImportError::Missing { path: path.clone() }),
                notes: vec![],
            });
        }
    }
    let mut read: Vec<(PathBuf, Result<Converted, ImportError>)> = inputs
        .into_iter()
        .map(|path| (path.clone(), read_file(&path)))
        .collect();
    // Ids shared by several files: those files are named after their file instead.
    let mut files_per_id: HashMap<String, usize> = HashMap::new();
    for (_, converted) in &read {
        if let Ok(c) = converted {
            let mut ids: Vec<&str> = c.providers.iter().map(|p| p.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            for id in ids {
                *files_per_id.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    for (path, converted) in &mut read {
        if let Ok(c) = converted {
            for p in &mut c.providers {
                if files_per_id.get(&p.id).is_some_and(|n| *n > 1)
                    && let Some(stem) = path.file_stem()
                {
                    p.slug = slug_for(&stem.to_string_lossy());
                }
            }
        }
    }
    let mut claimed: HashMap<String, PathBuf> = HashMap::new();
    for (path, converted) in read {
        reports.push(match converted {
            Ok(c) => write_file(&path, c, opts, &mut claimed),
            Err(e) => FileReport {
                path,
                result: Err(e),
                notes: vec![],
            },
        });
    }
    reports
}

fn read_file(path: &Path) -> Result<Converted, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    convert(&text).map_err(|error| ImportError::Parse {
        path: path.to_path_buf(),
        error,
    })
}

fn write_file(
    path: &Path,
    converted: Converted,
    opts: &ImportOptions,
    claimed: &mut HashMap<String, PathBuf>,
) -> FileReport {
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut results = Vec::new();
    for p in &converted.providers {
        let mut result = ProviderResult {
            id: p.id.clone(),
            slug: p.slug.clone(),
            file: format!("{PROVIDERS_DIR}/{}.yaml", p.slug),
            status: WriteStatus::Written,
        };
        if let Some(first) = claimed.get(&p.slug) {
            result.status = WriteStatus::Duplicate { first: first.clone() };
            results.push(result);
            continue;
        }
        claimed.insert(p.slug.clone(), path.to_path_buf());
        let mut p = p.clone();
        p.data.sources.push(ispdb_source(&source_name, opts.checked));
        let yaml = to_yaml(&p, &source_name, &converted.notes);
        match write_provider(&opts.root, &p.slug, &yaml, opts.force) {
            Ok(status) => result.status = status,
            Err(e) => {
                return FileReport {
                    path: path.to_path_buf(),
                    result: Err(e),
                    notes: converted.notes,
                };
            }
        }
        results.push(result);
    }
    FileReport {
        path: path.to_path_buf(),
        result: Ok(results),
        notes: converted.notes,
    }
}

/// Writes one provider file under `root`, never through a link: the folders below the root must
/// be real folders, a new file is created without following links, and an existing regular file
/// is replaced (by a rename over it) only with `force`; a link where the file goes is an error.
fn write_provider(root: &Path, slug: &str, yaml: &str, force: bool) -> Result<WriteStatus, ImportError> {
    use crate::no_follow::{self, NoFollowError, Replaced};
    let dir = no_follow::folders(root, Path::new(PROVIDERS_DIR))?;
    let target = dir.join(format!("{slug}.yaml"));
    match no_follow::create_new(&target, yaml.as_bytes()) {
        Ok(()) => Ok(WriteStatus::Written),
        Err(NoFollowError::Exists { .. }) if !force => Ok(WriteStatus::Exists),
        Err(NoFollowError::Exists { .. }) => match no_follow::replace(&target, yaml.as_bytes())? {
            Replaced::Replaced => Ok(WriteStatus::Replaced),
            Replaced::Created => Ok(WriteStatus::Written),
        },
        Err(e) => Err(e.into()),
    }
}
