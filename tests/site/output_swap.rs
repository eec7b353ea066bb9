//! Interrupted and concurrent builds: the output folder is swapped in one atomic exchange, so it
//! is never missing, and the staging folders that killed builds leave behind are deleted by the
//! next build only when they carry a build's marker that no running build holds.

use crate::common::*;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn minimal_site() -> (tempfile::TempDir, PathBuf) {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    let out = site.path().join("public");
    (site, out)
}

/// What a build killed mid-way leaves: its staging folder with some pages in it.
fn leftover(site: &Path, id: &str) -> PathBuf {
    let dir = site.join(format!(".public.mailguide-new-{id}"));
    fs::create_dir_all(dir.join("example")).unwrap();
    fs::write(dir.join("example/index.html"), b"half a site").unwrap();
    dir
}

fn marker(dir: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", dir.display()))
}

fn built(site: &Path, out: &Path) {
    let o = build(site, out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Names beside the output that a build set aside to delete (in the background).
fn set_aside(site: &Path) -> Vec<String> {
    fs::read_dir(site)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("mailguide-old-"))
        .collect()
}

#[test]
fn a_leftover_with_a_marker_no_one_holds_is_removed() {
    let (site, out) = minimal_site();
    let dir = leftover(site.path(), "4242");
    fs::write(marker(&dir), b"mailguide build, process 4242\n").unwrap();
    built(site.path(), &out);
    assert!(!dir.exists(), "the leftover is gone from its place at once");
    assert!(!marker(&dir).exists(), "and so is its marker");
    // The background deletion of what was set aside ends (bounded wait, no timing asserted).
    let deadline = Instant::now() + Duration::from_secs(20);
    while !set_aside(site.path()).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(set_aside(site.path()), Vec::<String>::new());
    assert!(out.join("index.html").is_file());
}

#[test]
fn a_leftover_whose_marker_is_locked_belongs_to_a_running_build_and_stays() {
    let (site, out) = minimal_site();
    let dir = leftover(site.path(), "4243");
    let held = File::create(marker(&dir)).unwrap();
    // What a build that is still running holds (flock, exclusive).
    held.lock().unwrap();
    built(site.path(), &out);
    assert_eq!(fs::read(dir.join("example/index.html")).unwrap(), b"half a site");
    assert!(marker(&dir).is_file());
    drop(held);
    // Once its build is gone, the next build removes it.
    built(site.path(), &out);
    assert!(!dir.exists());
}

#[test]
fn a_folder_without_the_marker_is_never_touched() {
    let (site, out) = minimal_site();
    let dir = leftover(site.path(), "4244");
    // Even one with this process's id: a name is not proof enough.
    built(site.path(), &out);
    built(site.path(), &out);
    assert_eq!(fs::read(dir.join("example/index.html")).unwrap(), b"half a site");
    let names: Vec<String> = fs::read_dir(site.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("mailguide-new-"))
        .collect();
    assert_eq!(
        names,
        [".public.mailguide-new-4244"],
        "no markers or other staging folders stay"
    );
}

#[test]
fn a_reader_polling_the_output_never_finds_index_html_missing() {
    let (site, out) = minimal_site();
    built(site.path(), &out);
    let index = out.join("index.html");
    let stop = Arc::new(AtomicBool::new(false));
    let (looks, misses) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let poller = {
        let (stop, looks, misses, index) = (stop.clone(), looks.clone(), misses.clone(), index.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if fs::metadata(&index).is_err() {
                    misses.fetch_add(1, Ordering::Relaxed);
                }
                looks.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // A fixed number of builds, each swapping the output: a count, not a duration.
    for _ in 0..8 {
        built(site.path(), &out);
    }
    stop.store(true, Ordering::Relaxed);
    poller.join().unwrap();
    assert!(looks.load(Ordering::Relaxed) > 0);
    assert_eq!(
        misses.load(Ordering::Relaxed),
        0,
        "index.html was missing during {} of {} looks",
        misses.load(Ordering::Relaxed),
        looks.load(Ordering::Relaxed)
    );
}
