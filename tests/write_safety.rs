//! The output folder is precious: a failed build changes nothing in it, and mailguide never
//! replaces a folder that holds files it did not write.

mod common;

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
