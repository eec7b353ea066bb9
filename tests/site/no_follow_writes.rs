//! No command writes through a symbolic link: `build`, `import ispdb` (with and without
//! `--force`), `schema --output`, `new` and `init`, each tried with a link as the last component
//! of the path it writes and as one of its folders. The file the link points to stays as it was.
#![cfg(unix)]

use crate::common::*;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file outside the site that links point to, and what it holds.
fn outside_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("precious.txt");
    fs::write(&path, b"not mailguide's").unwrap();
    path
}

fn assert_untouched(path: &Path) {
    assert_eq!(
        fs::read(path).unwrap(),
        b"not mailguide's",
        "{} was written through",
        path.display()
    );
}

fn empty(dir: &Path) -> bool {
    fs::read_dir(dir).unwrap().next().is_none()
}

fn minimal_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    site
}

fn variants_xml() -> String {
    repo().join("tests/ispdb/variants.example.xml").display().to_string()
}

#[test]
fn import_refuses_a_provider_file_that_is_a_link_with_and_without_force() {
    let elsewhere = tempfile::tempdir().unwrap();
    let target = outside_file(elsewhere.path());
    let site = minimal_site();
    let link = site.path().join("content/providers/variants-example.yaml");
    symlink(&target, &link).unwrap();
    let o = mailguide(&["import", "ispdb", &variants_xml(), "--root", s(site.path())]);
    assert_untouched(&target);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("variants-example.yaml is a symbolic link"),
        "{}",
        stderr(&o)
    );
    let o = mailguide(&["import", "ispdb", &variants_xml(), "--root", s(site.path()), "--force"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_untouched(&target);
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // A link that points nowhere is no way out either.
    fs::remove_file(&link).unwrap();
    symlink(elsewhere.path().join("new.txt"), &link).unwrap();
    for force in [false, true] {
        let mut args = vec!["import", "ispdb"];
        let xml = variants_xml();
        args.push(&xml);
        args.extend(["--root", s(site.path())]);
        if force {
            args.push("--force");
        }
        mailguide(&args);
        assert!(!elsewhere.path().join("new.txt").exists());
    }
}

#[test]
fn import_refuses_a_providers_folder_that_is_a_link() {
    let elsewhere = tempfile::tempdir().unwrap();
    let site = minimal_site();
    fs::remove_dir_all(site.path().join("content/providers")).unwrap();
    symlink(elsewhere.path(), site.path().join("content/providers")).unwrap();
    let o = mailguide(&["import", "ispdb", &variants_xml(), "--root", s(site.path()), "--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/providers is a symbolic link"),
        "{}",
        stderr(&o)
    );
    assert!(empty(elsewhere.path()));
}

#[test]
fn import_with_force_replaces_a_real_file() {
    let site = minimal_site();
    let file = site.path().join("content/providers/variants-example.yaml");
    fs::write(&file, "name: old\n").unwrap();
    let o = mailguide(&["import", "ispdb", &variants_xml(), "--root", s(site.path()), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("(replaced)"));
    assert!(fs::read_to_string(&file).unwrap().contains("variants.example"));
}

#[test]
fn schema_refuses_a_link_as_its_folder_or_as_a_schema_file() {
    let elsewhere = tempfile::tempdir().unwrap();
    let target = outside_file(elsewhere.path());
    let site = tempfile::tempdir().unwrap();
    // The folder.
    let linked_dir = site.path().join("schemas");
    symlink(elsewhere.path(), &linked_dir).unwrap();
    let o = mailguide(&["schema", "--output", s(&linked_dir)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(
        fs::read_dir(elsewhere.path()).unwrap().count(),
        1,
        "nothing written there"
    );
    // A file in it.
    let real_dir = site.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    symlink(&target, real_dir.join("provider.json")).unwrap();
    let o = mailguide(&["schema", "--output", s(&real_dir)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("provider.json is a symbolic link"),
        "{}",
        stderr(&o)
    );
    assert_untouched(&target);
    assert!(
        !real_dir.join("site.json").exists(),
        "checked before anything is written"
    );
    // Real files are rewritten: that is the command's job.
    fs::remove_file(real_dir.join("provider.json")).unwrap();
    fs::write(real_dir.join("provider.json"), "{}").unwrap();
    let o = mailguide(&["schema", "--output", s(&real_dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        fs::read_to_string(real_dir.join("provider.json"))
            .unwrap()
            .contains("domains")
    );
}

#[test]
fn new_refuses_a_link_as_the_file_or_as_its_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let target = outside_file(elsewhere.path());
    let site = minimal_site();
    let link = site.path().join("content/providers/acme.yaml");
    symlink(&target, &link).unwrap();
    let o = mailguide(&["new", "provider", "acme", "--root", s(site.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert_untouched(&target);
    // The folder.
    let clients = site.path().join("content/clients");
    fs::remove_dir_all(&clients).unwrap();
    let folder = tempfile::tempdir().unwrap();
    symlink(folder.path(), &clients).unwrap();
    let o = mailguide(&["new", "client", "mutt", "--root", s(site.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(empty(folder.path()));
}

#[test]
fn init_refuses_a_link_as_its_folder_and_writes_nothing_there() {
    let elsewhere = tempfile::tempdir().unwrap();
    let parent = tempfile::tempdir().unwrap();
    let link = parent.path().join("site");
    symlink(elsewhere.path(), &link).unwrap();
    let o = mailguide(&["init", s(&link)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(empty(elsewhere.path()));
}

#[test]
fn build_refuses_an_output_folder_that_is_a_link() {
    let elsewhere = tempfile::tempdir().unwrap();
    let site = minimal_site();
    let out = site.path().join("public");
    symlink(elsewhere.path(), &out).unwrap();
    let o = build(site.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(empty(elsewhere.path()));
    assert!(
        fs::symlink_metadata(&out).unwrap().file_type().is_symlink(),
        "the link is left as it was"
    );
}

#[test]
fn build_never_writes_through_a_linked_folder_in_the_spare() {
    let elsewhere = tempfile::tempdir().unwrap();
    let site = minimal_site();
    let out = site.path().join("public");
    for _ in 0..2 {
        assert!(build(site.path(), &out, &[]).status.success());
    }
    // The spare the next build writes over: a page folder replaced by a link to elsewhere.
    let spare = site.path().join(".public.mailguide-spare");
    fs::remove_dir_all(spare.join("example")).unwrap();
    symlink(elsewhere.path(), spare.join("example")).unwrap();
    let o = build(site.path(), &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(empty(elsewhere.path()));
    assert!(fs::symlink_metadata(out.join("example")).unwrap().is_dir());
    // A link named like the spare itself is not used either.
    let spare_target = tempfile::tempdir().unwrap();
    fs::remove_dir_all(&spare).ok();
    fs::remove_file(&spare).ok();
    symlink(spare_target.path(), &spare).unwrap();
    for _ in 0..2 {
        assert!(build(site.path(), &out, &[]).status.success());
    }
    assert!(empty(spare_target.path()));
}
