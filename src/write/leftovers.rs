//! Staging folders of interrupted builds: how a build marks the folder it writes into, and how a
//! later build recognises and deletes the folders that builds killed mid-way left behind.
//!
//! A build writes the new site into `.<output>.mailguide-new-<pid>` beside the output. Before the
//! folder exists, the build creates a marker beside it, `.<output>.mailguide-new-<pid>.lock`,
//! and holds an exclusive lock (`flock`) on it until the folder is swapped into place or deleted.
//! The lock belongs to the process: when the process dies, however it dies, the operating system
//! releases it. So a later build deletes such a folder only when its marker exists and no one
//! holds the marker's lock: the build that wrote it is gone. A folder with a held lock belongs
//! to a build that is still running (two builds at once stay safe), and a folder without a
//! marker is not known to be mailguide's and is never touched.
//!
//! The marker is created under a temporary name, locked, and only then renamed to its final
//! name, so no one ever sees it unlocked while its build lives.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The suffix of a staging folder's marker.
const MARKER_SUFFIX: &str = ".lock";

/// The lock a build holds on its staging folder's marker while it runs. Dropping it deletes the
/// marker, then releases the lock.
pub struct BuildLock {
    marker: PathBuf,
    /// Holds the `flock`; the lock goes with the file's last descriptor.
    _file: File,
}

impl BuildLock {
    /// Writes and locks the marker of the staging folder `dir` (which need not exist yet).
    pub fn acquire(dir: &Path) -> io::Result<BuildLock> {
        let marker = marker_of(dir);
        let tmp = PathBuf::from(format!("{}.tmp", marker.display()));
        // A temporary marker of an earlier process with this pid, killed between the two steps.
        let _ = fs::remove_file(&tmp);
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        // A new file no one else has opened: the lock is granted at once.
        file.lock()?;
        writeln!(file, "mailguide build, process {}", std::process::id())?;
        fs::rename(&tmp, &marker)?;
        Ok(BuildLock { marker, _file: file })
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // While the lock is still held, so no sweeper mistakes the folder for a leftover.
        let _ = fs::remove_file(&self.marker);
    }
}

/// The marker beside a staging folder.
pub fn marker_of(dir: &Path) -> PathBuf {
    let mut name = dir.as_os_str().to_os_string();
    name.push(MARKER_SUFFIX);
    PathBuf::from(name)
}

/// Deletes the staging folders beside the output `name` in `parent` that builds killed before
/// they finished left behind: those with a marker that no one holds a lock on. Each is renamed
/// to a name of its own first (so the next sweep does not see it again) and deleted by
/// `discard`, which may do it in the background. Returns how many were found.
pub fn sweep(parent: &Path, name: &str, discard: impl Fn(PathBuf)) -> usize {
    let prefix = format!(".{name}.mailguide-new-");
    let Ok(entries) = fs::read_dir(parent) else { return 0 };
    let mut swept = 0;
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let Some(folder) = file_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(MARKER_SUFFIX))
            .map(|id| parent.join(format!("{prefix}{id}")))
        else {
            continue;
        };
        let Ok(marker) = open_no_follow(&entry.path()) else {
            continue;
        };
        // Held: its build is still running.
        if marker.try_lock().is_err() {
            continue;
        }
        if fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir()) {
            let aside = parent.join(format!(".{name}.mailguide-old-{}-swept-{swept}", std::process::id()));
            if fs::rename(&folder, &aside).is_ok() {
                discard(aside);
                swept += 1;
            }
        }
        // Still holding the lock: the marker of a folder that is gone (or never came to be).
        let _ = fs::remove_file(entry.path());
    }
    swept
}

/// Opens a file for reading without following a symbolic link at its last component.
fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_sits_beside_the_folder() {
        assert_eq!(
            marker_of(Path::new("/s/.public.mailguide-new-7")),
            PathBuf::from("/s/.public.mailguide-new-7.lock")
        );
    }

    #[test]
    fn a_held_marker_protects_its_folder_and_a_released_one_does_not() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join(".public.mailguide-new-12");
        fs::create_dir(&dir).expect("mkdir");
        let lock = BuildLock::acquire(&dir).expect("lock");
        // The same process locks through another open file description: flock refuses it too.
        assert_eq!(sweep(parent.path(), "public", |_| ()), 0);
        assert!(dir.is_dir() && marker_of(&dir).is_file());
        drop(lock);
        assert!(!marker_of(&dir).exists(), "a finished build takes its marker away");
    }
}
