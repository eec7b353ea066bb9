//! Commands refuse what would leave a mess: `import` into a site that does not exist, an output
//! folder inside the site's inputs, a `new client` whose guide exists, a name too long to be a
//! file name.

use crate::common::*;
use std::fs;
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn minimal_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    site
}

#[test]
fn import_into_a_root_that_does_not_exist_fails_and_creates_nothing() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("no/such/site");
    let xml = repo().join("tests/ispdb/variants.example.xml");
    let o = mailguide(&["import", "ispdb", s(&xml), "--root", s(&root)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(!parent.path().join("no").exists(), "no folder tree was made");
}

#[test]
fn an_output_folder_inside_the_sites_inputs_is_refused() {
    let site = minimal_site();
    fs::create_dir_all(site.path().join("themes/plain/static")).unwrap();
    for inside in ["content/public", "themes/plain/static/site", "content"] {
        let out = site.path().join(inside);
        let o = build(site.path(), &out, &[]);
        assert_eq!(o.status.code(), Some(2), "{inside}: {}", stderr(&o));
        assert!(stderr(&o).contains("inside"), "{inside}: {}", stderr(&o));
    }
    assert!(!site.path().join("content/public").exists());
    assert!(!site.path().join("themes/plain/static/site").exists());
    // Spelt with `..`, it is still inside.
    let sneaky = site.path().join("public/../content/out");
    assert_eq!(build(site.path(), &sneaky, &[]).status.code(), Some(2));
    // Beside the inputs is fine.
    assert!(build(site.path(), site.path().join("public"), &[]).status.success());
}

#[test]
fn new_client_writes_nothing_when_its_guide_exists() {
    let site = minimal_site();
    let guide = site.path().join("content/clients/mutt.md");
    fs::write(&guide, "my guide\n").unwrap();
    let o = mailguide(&["new", "client", "mutt", "--root", s(site.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("mutt.md already exists"), "{}", stderr(&o));
    assert!(
        !site.path().join("content/clients/mutt.yaml").exists(),
        "nothing left behind"
    );
    assert_eq!(fs::read_to_string(&guide).unwrap(), "my guide\n");
}

#[test]
fn a_300_character_name_gets_a_clear_error() {
    let site = minimal_site();
    let name = "a".repeat(300);
    let o = mailguide(&["new", "provider", &name, "--root", s(site.path())]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("300 characters long") && err.contains("at most 100"),
        "{err}"
    );
    assert!(!err.contains("File name too long"), "{err}");
}
