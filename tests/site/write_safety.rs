//! The output folder is precious: a failed build changes nothing in it, and mailguide never
//! replaces a folder that holds files it did not write.

use crate::common;

use common::*;
use std::path::Path;

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    let out = site.path().join("public");
    assert!(build(site.path(), &out, &[]).status.success());
    let before = snapshot(&out);
    std::fs::write(site.path().join("content/providers/example.yaml"), "name: [broken\n").unwrap();
    let o = build(site.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(snapshot(&out), before, "the previous site is untouched");
    // No staging folders are left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("mailguide-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_folder_with_foreign_files_is_not_replaced() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    let out = site.path().join("public");
    std::fs::create_dir_all(out.join("photos")).unwrap();
    std::fs::write(out.join("photos/holiday.jpg"), b"not ours").unwrap();
    let o = build(site.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("photos/holiday.jpg") && err.contains("--output"), "{err}");
    assert_eq!(std::fs::read(out.join("photos/holiday.jpg")).unwrap(), b"not ours");
}

#[test]
fn a_file_added_to_a_built_site_protects_it() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    let out = site.path().join("public");
    assert!(build(site.path(), &out, &[]).status.success());
    std::fs::write(out.join("notes.txt"), b"mine").unwrap();
    let o = build(site.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
}

#[test]
fn a_rebuild_replaces_a_site_mailguide_wrote() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    let out = site.path().join("public");
    assert!(build(site.path(), &out, &[]).status.success());
    let provider = site.path().join("content/providers/example.yaml");
    let text = std::fs::read_to_string(&provider)
        .unwrap()
        .replace("imap.example.com", "mail.example.com");
    std::fs::write(&provider, text).unwrap();
    assert!(build(site.path(), &out, &[]).status.success());
    let page = std::fs::read_to_string(out.join("example/index.html")).unwrap();
    assert!(page.contains("mail.example.com") && !page.contains("imap.example.com"));
}

#[test]
fn a_replaced_folder_left_behind_by_an_earlier_build_is_swept() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    let out = site.path().join("public");
    // What an interrupted background deletion leaves: a set-aside copy of an earlier output.
    let left = site.path().join(".public.mailguide-old-4242-7");
    std::fs::create_dir_all(left.join("example")).unwrap();
    std::fs::write(left.join("example/index.html"), b"old").unwrap();
    // A folder of someone else's beside it is not touched.
    std::fs::create_dir_all(site.path().join(".public.backup")).unwrap();
    assert!(build(site.path(), &out, &[]).status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while left.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!left.exists(), "the leftover is deleted");
    assert!(site.path().join(".public.backup").is_dir());
}

/// A copy of the minimal site and its output folder, built `times` times.
fn built_times(times: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    let out = site.path().join("public");
    for _ in 0..times {
        let o = build(site.path(), &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    (site, out)
}

fn change_imap_host(site: &Path) {
    let provider = site.join("content/providers/example.yaml");
    let text = std::fs::read_to_string(&provider)
        .unwrap()
        .replace("imap.example.com", "mail.example.com");
    std::fs::write(&provider, text).unwrap();
}

/// What a fresh build of the site writes into an empty folder.
fn fresh_build(site: &Path) -> Vec<(String, Vec<u8>)> {
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("public");
    assert!(build(site, &out, &[]).status.success());
    snapshot(&out)
}

#[cfg(unix)]
fn inode(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).unwrap();
    (meta.ino(), meta.modified().unwrap())
}

#[cfg(unix)]
#[test]
fn the_build_after_next_writes_over_the_spare_and_leaves_unchanged_files_alone() {
    let (site, out) = built_times(1);
    let first = inode(&out.join("example/index.html"));
    assert!(build(site.path(), &out, &[]).status.success());
    let spare = site.path().join(".public.mailguide-spare");
    assert_eq!(
        inode(&spare.join("example/index.html")),
        first,
        "the replaced output is kept as the spare, not deleted"
    );
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success());
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains("of them unchanged"), "{said}");
    assert_eq!(
        inode(&out.join("example/index.html")),
        first,
        "an unchanged page is the same file, with its time stamp"
    );
    assert_eq!(snapshot(&out), fresh_build(site.path()));
}

#[test]
fn a_rebuild_over_the_spare_writes_what_changed_and_removes_what_is_gone() {
    let (site, out) = built_times(2);
    change_imap_host(site.path());
    std::fs::remove_file(site.path().join("content/pages/about.md")).unwrap();
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(out.join("example/index.html")).unwrap();
    assert!(page.contains("mail.example.com") && !page.contains("imap.example.com"));
    assert!(!out.join("about").exists(), "the removed page and its folder are gone");
    assert_eq!(snapshot(&out), fresh_build(site.path()));
}

#[cfg(unix)]
#[test]
fn a_hard_link_or_symbolic_link_in_the_spare_is_replaced_not_written_through() {
    let (site, out) = built_times(2);
    let spare = site.path().join(".public.mailguide-spare");
    // A deploy snapshot made with `cp -al` shares the spare's files.
    let snapshot_copy = site.path().join("snapshot.html");
    std::fs::hard_link(spare.join("example/index.html"), &snapshot_copy).unwrap();
    let before = std::fs::read(&snapshot_copy).unwrap();
    // A file outside, linked from where a page goes.
    let outside = site.path().join("outside.html");
    std::fs::write(&outside, b"not mailguide's").unwrap();
    let guide = spare.join("example/simplemail/index.html");
    std::fs::remove_file(&guide).unwrap();
    std::os::unix::fs::symlink(&outside, &guide).unwrap();
    change_imap_host(site.path());
    assert!(build(site.path(), &out, &[]).status.success());
    assert_eq!(
        std::fs::read(&snapshot_copy).unwrap(),
        before,
        "the snapshot keeps the old page"
    );
    assert_eq!(std::fs::read(&outside).unwrap(), b"not mailguide's");
    let written = out.join("example/simplemail/index.html");
    assert!(std::fs::symlink_metadata(&written).unwrap().is_file());
    assert_eq!(snapshot(&out), fresh_build(site.path()));
}

#[test]
fn a_spare_holding_foreign_files_is_left_alone() {
    let (site, out) = built_times(2);
    let spare = site.path().join(".public.mailguide-spare");
    std::fs::write(spare.join("notes.txt"), b"mine").unwrap();
    change_imap_host(site.path());
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(spare.join("notes.txt")).unwrap(), b"mine");
    assert!(!out.join("notes.txt").exists());
    assert_eq!(snapshot(&out), fresh_build(site.path()));
}
