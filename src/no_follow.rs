//! Writing files without following symbolic links: what every command that writes (`build`,
//! `import`, `schema`, `new`, `init`) uses, so a link planted in a site (`content/providers`
//! pointing at another folder, a provider file pointing at `~/.bashrc`) never makes mailguide
//! write outside the place it names.
//!
//! The rule: a path the user typed (`--root`, `--output`, `init DIR`) is taken as given up to its
//! last component, which must not be a link; below it, mailguide creates or enters only real
//! folders ([`folders`]), creates files with `O_CREAT | O_EXCL | O_NOFOLLOW` ([`create_new`]),
//! and replaces a file, where a command's contract says it may, by writing a new file beside it
//! and renaming it over the old one ([`replace`]): a rename replaces a link itself, never what it
//! points to. Folders are checked one by one before use; a link swapped in between that check
//! and the write (by someone who can already write in the site) is outside what this guards.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum NoFollowError {
    #[error("{path} is a symbolic link; mailguide does not write through links")]
    Link { path: PathBuf },
    #[error("{path} exists and is not a folder")]
    NotAFolder { path: PathBuf },
    #[error("{path} exists and is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path} already exists")]
    Exists { path: PathBuf },
    #[error("{path} does not exist")]
    Missing { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl NoFollowError {
    pub fn help(&self) -> &'static str {
        match self {
            NoFollowError::Link { .. } => {
                "replace the link with a real folder or file, or give the path the link points to"
            }
            NoFollowError::NotAFolder { .. } | NoFollowError::NotAFile { .. } => {
                "move that entry away, or choose another place"
            }
            NoFollowError::Exists { .. } => "choose another name, or edit the existing file",
            NoFollowError::Missing { .. } => "create the folder first, or check the path",
            NoFollowError::Io { .. } => "check the folder's permissions and free space",
        }
    }

    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            NoFollowError::Link { path }
            | NoFollowError::NotAFolder { path }
            | NoFollowError::NotAFile { path }
            | NoFollowError::Exists { path }
            | NoFollowError::Missing { path }
            | NoFollowError::Io { path, .. } => path,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> NoFollowError + '_ {
    move |source| NoFollowError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Refuses `path` when it is a symbolic link (it may be missing).
pub fn not_a_link(path: &Path) -> Result<(), NoFollowError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(NoFollowError::Link {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// Makes sure the folders `rel` below `base` exist as real folders, creating the missing ones,
/// and returns `base/rel`. `base` must exist and be a folder (it may be reached through a link:
/// the user named it); any component below it that is a link, or not a folder, is refused.
pub fn folders(base: &Path, rel: &Path) -> Result<PathBuf, NoFollowError> {
    if !base.is_dir() {
        return Err(if base.exists() {
            NoFollowError::NotAFolder {
                path: base.to_path_buf(),
            }
        } else {
            NoFollowError::Missing {
                path: base.to_path_buf(),
            }
        });
    }
    let mut at = base.to_path_buf();
    for part in rel.components() {
        match part {
            Component::Normal(name) => at.push(name),
            Component::CurDir => continue,
            // Callers pass relative paths of their own making; anything else is refused.
            _ => return Err(NoFollowError::NotAFolder { path: base.join(rel) }),
        }
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(NoFollowError::Link { path: at }),
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(NoFollowError::NotAFolder { path: at }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&at) {
                Ok(()) => {}
                // Made by someone else meanwhile: checked again on the next pass.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if !fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
                        return Err(NoFollowError::NotAFolder { path: at });
                    }
                }
                Err(e) => return Err(io_err(&at)(e)),
            },
            Err(e) => return Err(io_err(&at)(e)),
        }
    }
    Ok(at)
}

/// Options that create a new file and fail if anything, a link included, is at its path.
fn new_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // `create_new` (O_EXCL) already refuses a link; O_NOFOLLOW says so explicitly.
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// Creates the file `path` with `bytes`; fails if anything (a file, a folder, a link, even one
/// that points nowhere) is already there.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), NoFollowError> {
    let mut file = new_file_options().open(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => NoFollowError::Link {
                path: path.to_path_buf(),
            },
            _ => NoFollowError::Exists {
                path: path.to_path_buf(),
            },
        },
        _ => io_err(path)(e),
    })?;
    file.write_all(bytes).map_err(io_err(path))
}

/// Whether [`replace`] created the file or replaced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    Created,
    Replaced,
}

/// Writes `bytes` to `path`, replacing a regular file that is there: the new content goes into a
/// new file beside it, which is then renamed over it, so readers see the old file or the new one
/// and hard links to the old file keep the old content. A link or anything but a regular file at
/// `path` is refused.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<Replaced, NoFollowError> {
    let existed = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(NoFollowError::Link {
                path: path.to_path_buf(),
            });
        }
        Ok(meta) if meta.is_file() => true,
        Ok(_) => {
            return Err(NoFollowError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_err(path)(e)),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.mailguide-tmp-{}", std::process::id()));
    // One of this process id's that an earlier, killed run left.
    if fs::symlink_metadata(&tmp).is_ok_and(|m| m.is_file() || m.file_type().is_symlink()) {
        let _ = fs::remove_file(&tmp);
    }
    create_new(&tmp, bytes)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(path)(e));
    }
    Ok(if existed { Replaced::Replaced } else { Replaced::Created })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_as_the_file_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("target.txt");
        fs::write(&target, "theirs").expect("write");
        let link = dir.path().join("link.yaml");
        symlink(&target, &link).expect("symlink");
        assert!(matches!(create_new(&link, b"ours"), Err(NoFollowError::Link { .. })));
        assert!(matches!(replace(&link, b"ours"), Err(NoFollowError::Link { .. })));
        // A dangling link is no way out either.
        let dangling = dir.path().join("dangling.yaml");
        symlink(dir.path().join("nowhere.txt"), &dangling).expect("symlink");
        assert!(create_new(&dangling, b"ours").is_err());
        assert!(!dir.path().join("nowhere.txt").exists());
        assert_eq!(fs::read_to_string(&target).expect("read"), "theirs");
    }

    #[test]
    fn a_link_among_the_folders_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let elsewhere = tempfile::tempdir().expect("temp dir");
        fs::create_dir(dir.path().join("content")).expect("mkdir");
        symlink(elsewhere.path(), dir.path().join("content/providers")).expect("symlink");
        let err = folders(dir.path(), Path::new("content/providers")).expect_err("a link");
        assert_eq!(err.path(), dir.path().join("content/providers"));
        assert!(fs::read_dir(elsewhere.path()).expect("read").next().is_none());
    }

    #[test]
    fn replace_swaps_a_regular_file_and_keeps_hard_links_apart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.json");
        assert_eq!(replace(&path, b"1").expect("create"), Replaced::Created);
        fs::hard_link(&path, dir.path().join("copy.json")).expect("link");
        assert_eq!(replace(&path, b"2").expect("replace"), Replaced::Replaced);
        assert_eq!(fs::read(&path).expect("read"), b"2");
        assert_eq!(fs::read(dir.path().join("copy.json")).expect("read"), b"1");
    }
}
