//! Write: minify the pages ([`minify`]) and put the finished site in place without ever leaving a
//! half-built or mixed output folder, and without deleting anything mailguide did not write.
//!
//! The new site is written into a sibling folder, then swapped with the old one in one atomic
//! exchange where the file system has it ([`exchange`]), so the output folder is never missing;
//! elsewhere by two renames. A build marks its folder and holds a lock on the mark while it runs,
//! so the folders of builds that were killed are recognised and deleted later ([`leftovers`]).
//! The replaced output is kept beside it as the spare (`.public.mailguide-spare`), and the build
//! after next writes over it, leaving unchanged files alone (see [`Staging`]): a rebuild never
//! waits for a large folder to be deleted, and an unchanged file keeps its time stamp, which
//! `rsync` and other deploy tools use to skip it. Every output folder holds a manifest
//! (`.mailguide-manifest`) of the files mailguide wrote. An existing output folder that is not
//! empty is replaced only when every file in it is listed there: anything else belongs to someone
//! else, and the build refuses with the list of those files.

pub mod changes;
pub mod exchange;
pub mod leftovers;

pub use crate::minify::minify;
use crate::plan::files::OutputFile;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    #[error("{path} is a symbolic link; mailguide does not write through links")]
    Link { path: PathBuf },
    #[error("the output folder {output} is inside {input}, which the site is built from")]
    Inside { output: PathBuf, input: PathBuf },
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
            WriteError::Link { .. } => "give --output the folder the link points to, or replace the link with a folder",
            WriteError::Inside { .. } => {
                "choose an output folder outside content/, themes/, templates/ and static/: the next build would read its own output"
            }
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

/// Checks that `output` may be replaced: it does not exist, is empty, or holds only files that
/// its manifest lists.
pub fn check_output(output: &Path) -> Result<(), WriteError> {
    if fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(WriteError::Link {
            path: output.to_path_buf(),
        });
    }
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

/// The folders of the site at `root` that a build reads: an output folder inside one of them
/// would be read back by the next build (and nest the site in itself).
pub const INPUT_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

/// Refuses an output folder inside the site's inputs ([`INPUT_DIRS`]). Paths are compared after
/// resolving links and `..`, as far as they exist.
pub fn check_placement(root: &Path, output: &Path) -> Result<(), WriteError> {
    let output_abs = resolve(output);
    for dir in INPUT_DIRS {
        let input = resolve(&root.join(dir));
        if output_abs.starts_with(&input) {
            return Err(WriteError::Inside {
                output: output.to_path_buf(),
                input: root.join(dir),
            });
        }
    }
    Ok(())
}

/// `path` made absolute with its links and `..` resolved, component by component, as far as it
/// exists (what does not exist holds no links, so its `..` are taken as they read).
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut at = PathBuf::new();
    for part in absolute.components() {
        match part {
            // `at` has no links left, so going up is taking its last component off.
            Component::ParentDir => {
                at.pop();
            }
            Component::CurDir => {}
            other => {
                at.push(other);
                if fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
                    && let Ok(real) = at.canonicalize()
                {
                    at = real;
                }
            }
        }
    }
    at
}

/// A name for this build's staging folder, `.<name>.mailguide-new-<pid>`, that no folder has:
/// one of an earlier process with the same id that carried no marker is not this build's to
/// delete, so this build takes the next free name.
fn staging_path(parent: &Path, name: &str) -> PathBuf {
    let pid = std::process::id();
    let mut dir = parent.join(format!(".{name}.mailguide-new-{pid}"));
    let mut n = 1;
    while fs::symlink_metadata(&dir).is_ok() || fs::symlink_metadata(leftovers::marker_of(&dir)).is_ok() {
        dir = parent.join(format!(".{name}.mailguide-new-{pid}-{n}"));
        n += 1;
    }
    dir
}

/// The hidden folder beside the output that holds the output of the build before the last one.
fn spare_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.mailguide-spare"))
}

/// The folder a new site is written into, file by file from any thread, then swapped into place
/// by [`Staging::finish`]. Dropped unfinished (a failed build), it deletes itself and the output
/// stays as it was.
///
/// The folder is the spare when there is one: the output of the build before the last, which
/// the previous swap set aside instead of deleting it. A file whose bytes are already right is
/// then left alone, so an unchanged site costs a read per file instead of creating every file
/// again and deleting the old ones; on this kind of machine deleting a large folder costs as
/// much as writing it, and creating files right after a deletion is several times slower.
/// Otherwise it is a new, empty folder.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    parent: PathBuf,
    name: String,
    /// For a recycled spare: the files its manifest listed. Those not written again are deleted
    /// by [`Staging::finish`].
    recycled: Option<HashSet<String>>,
    paths: Mutex<Vec<String>>,
    /// Files a recycled spare already held with the right bytes.
    unchanged: AtomicUsize,
    finished: bool,
    /// Marks `dir` as this running build's, until it is swapped into place or deleted.
    _lock: leftovers::BuildLock,
}

impl Staging {
    /// Checks that `output` may be replaced (see [`check_output`]) and starts a staging folder.
    pub fn create(output: &Path) -> Result<Staging, WriteError> {
        check_output(output)?;
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        sweep_replaced(&parent, &name);
        leftovers::sweep(&parent, &name, discard);
        let dir = staging_path(&parent, &name);
        // Marked and locked before the folder exists, so a build killed at any later point leaves
        // a folder the next build recognises.
        let lock = leftovers::BuildLock::acquire(&dir).map_err(io_err(&dir))?;
        let recycled = claim_spare(&spare_path(&parent, &name), &dir);
        if recycled.is_none() {
            fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        }
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            parent,
            name,
            recycled,
            paths: Mutex::new(Vec::new()),
            unchanged: AtomicUsize::new(0),
            finished: false,
            _lock: lock,
        })
    }

    /// How many files were already right in the recycled spare and were not written.
    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Writes one file, creating its folders as needed.
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let path = self.dir.join(&file.path);
        let needed = match self.recycled {
            Some(_) => self.make_room(&path, &file.bytes)?,
            None => true,
        };
        if needed {
            if let Some(folder) = path.parent() {
                // Pages live in folders of their own (`icloud/index.html`): try the one mkdir first.
                match fs::create_dir(folder) {
                    Ok(()) => {}
                    Err(e)
                        if e.kind() == io::ErrorKind::AlreadyExists && (self.recycled.is_none() || folder.is_dir()) => {
                    }
                    Err(_) => self.create_folders(folder)?,
                }
            }
            fs::write(&path, &file.bytes).map_err(io_err(&path))?;
        } else {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        self.paths
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file.path.clone());
        Ok(())
    }

    /// In a recycled spare: whether `path` must be written. A regular file of its own with the
    /// same bytes stays; anything else at the path is removed first, so a write never goes
    /// through a symbolic link or into a file that is also linked from elsewhere (a snapshot
    /// made with `cp -al`). Everything in the spare is mailguide's: [`claim_spare`] checked it.
    fn make_room(&self, path: &Path, bytes: &[u8]) -> Result<bool, WriteError> {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() && !linked_elsewhere(&meta) => {
                let same = meta.len() == bytes.len() as u64 && fs::read(path).is_ok_and(|old| old == bytes);
                Ok(!same)
            }
            Ok(meta) if meta.is_dir() => {
                fs::remove_dir_all(path).map_err(io_err(path))?;
                Ok(true)
            }
            Ok(_) => {
                fs::remove_file(path).map_err(io_err(path))?;
                Ok(true)
            }
            Err(_) => Ok(true),
        }
    }

    /// Creates `folder` and its parents inside the staging folder. In a recycled spare, a file
    /// where a folder must go (an old page path that is now a folder) is removed first.
    fn create_folders(&self, folder: &Path) -> Result<(), WriteError> {
        if self.recycled.is_some() {
            let mut at = self.dir.clone();
            for part in folder.strip_prefix(&self.dir).unwrap_or(folder).components() {
                at.push(part);
                if fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                    fs::remove_file(&at).map_err(io_err(&at))?;
                }
            }
        }
        fs::create_dir_all(folder).map_err(io_err(folder))
    }

    /// Deletes what a recycled spare held that this build did not write, writes the manifest and
    /// swaps the new folder into place.
    pub fn finish(mut self) -> Result<(), WriteError> {
        let mut manifest = std::mem::take(self.paths.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()));
        manifest.sort_unstable();
        if let Some(previous) = &self.recycled {
            remove_stale(&self.dir, previous, &manifest)?;
        }
        let path = self.dir.join(MANIFEST);
        fs::write(&path, manifest.join("\n") + "\n").map_err(io_err(&path))?;
        swap(&self.dir, &self.output, &self.parent, &self.name)?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished && self.dir.exists() {
            // The staging folder is ours; remove it so a failed build leaves nothing behind.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether a file has other hard links, which writing in place would change too.
#[cfg(unix)]
fn linked_elsewhere(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

#[cfg(not(unix))]
fn linked_elsewhere(_: &fs::Metadata) -> bool {
    false
}

/// Takes the spare for a new build by renaming it to the staging folder's name (so two builds
/// never share it) and returns the files its manifest lists. A spare that holds anything its
/// manifest does not list, or that has no manifest, is left where it is, untouched.
fn claim_spare(spare: &Path, staging: &Path) -> Option<HashSet<String>> {
    // A real folder: a link named like the spare would have the build write where it points.
    let real = fs::symlink_metadata(spare).is_ok_and(|m| m.is_dir());
    if !real || check_output(spare).is_err() {
        return None;
    }
    let listed: HashSet<String> = fs::read_to_string(spare.join(MANIFEST))
        .ok()?
        .lines()
        .map(str::to_string)
        .collect();
    fs::rename(spare, staging).ok()?;
    Some(listed)
}

/// Deletes the files the recycled spare's manifest listed that this build did not write, then
/// the folders that leaves empty.
fn remove_stale(dir: &Path, previous: &HashSet<String>, written: &[String]) -> Result<(), WriteError> {
    let written: HashSet<&str> = written.iter().map(String::as_str).collect();
    let mut folders = std::collections::BTreeSet::new();
    for stale in previous.iter().filter(|p| !written.contains(p.as_str())) {
        let path = dir.join(stale);
        match fs::symlink_metadata(&path) {
            // A folder now: this build wrote files under it.
            Ok(meta) if meta.is_dir() => continue,
            Ok(_) => fs::remove_file(&path).map_err(io_err(&path))?,
            Err(_) => continue,
        }
        let mut folder = Path::new(stale).parent();
        while let Some(f) = folder.filter(|f| !f.as_os_str().is_empty()) {
            folders.insert(f.to_path_buf());
            folder = f.parent();
        }
    }
    // Deepest first; a folder that still holds files stays.
    for folder in folders.iter().rev() {
        let _ = fs::remove_dir(dir.join(folder));
    }
    Ok(())
}

/// Puts the staging folder in place of the output. The replaced output becomes the spare for
/// the next build (see [`Staging`]); if there already is one that could not be used, it is
/// deleted in the background instead.
///
/// Where the file system can, the two folders trade places in one atomic exchange, and
/// `output` always names a complete site. Elsewhere the output is renamed aside and the staging
/// folder renamed into its place: between those two renames (microseconds; nothing runs in
/// between) the output folder is missing, and a process killed exactly there leaves the previous
/// site in `.<name>.mailguide-old-*`, which the next build deletes.
fn swap(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if fs::symlink_metadata(output).is_err() {
        return fs::rename(staging, output).map_err(io_err(output));
    }
    match exchange::exchange(staging, output) {
        // The staging path now holds the replaced site, still under this build's marker.
        Ok(()) => {
            set_aside(staging.to_path_buf(), parent, name);
            return Ok(());
        }
        Err(e) if exchange::unsupported(&e) => {}
        Err(source) => {
            return Err(WriteError::Io {
                path: output.to_path_buf(),
                source,
            });
        }
    }
    let old = old_path(parent, name);
    fs::rename(output, &old).map_err(io_err(output))?;
    if let Err(source) = fs::rename(staging, output) {
        // Put the previous site back so a failed swap loses nothing.
        let _ = fs::rename(&old, output);
        return Err(WriteError::Io {
            path: output.to_path_buf(),
            source,
        });
    }
    set_aside(old, parent, name);
    Ok(())
}

/// A name for a replaced output folder on its way out, unique to this process and moment.
fn old_path(parent: &Path, name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    parent.join(format!(".{name}.mailguide-old-{}-{nanos}", std::process::id()))
}

/// Keeps the replaced output `old` as the spare, or deletes it when there already is one.
fn set_aside(old: PathBuf, parent: &Path, name: &str) {
    let spare = spare_path(parent, name);
    if fs::symlink_metadata(&spare).is_ok() || fs::rename(&old, &spare).is_err() {
        // Renamed to an `-old-` name first, so a build killed meanwhile leaves a folder the next
        // build recognises; if even that fails, it is deleted where it is.
        let aside = old_path(parent, name);
        match fs::rename(&old, &aside) {
            Ok(()) => discard(aside),
            Err(_) => discard(old),
        }
    }
}

/// Deletes replaced output folders that an earlier build left beside the output, e.g. when its
/// background deletion was killed. Only folders named as [`swap`] names them are touched: they
/// held nothing but files mailguide wrote when they were set aside.
fn sweep_replaced(parent: &Path, name: &str) {
    let prefix = format!(".{name}.mailguide-old-");
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.filter_map(Result::ok) {
        let is_ours = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix));
        if is_ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            discard(entry.path());
        }
    }
}

/// Deletes the replaced output folder (which `check_output` found to hold only files mailguide
/// wrote) without making the build wait for it: deleting a large folder costs about as much as
/// writing it. On Unix a detached `rm -rf` does it and outlives this process; elsewhere, or if
/// that cannot start, it is deleted here.
fn discard(old: PathBuf) {
    #[cfg(unix)]
    {
        let child = std::process::Command::new("rm")
            .arg("-rf")
            .arg("--")
            .arg(&old)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = child {
            // Reap it when it ends, so a long-running `serve` collects no zombies; a process that
            // exits first leaves it running.
            std::thread::spawn(move || child.wait());
            return;
        }
    }
    let _ = fs::remove_dir_all(&old);
}
