//! `check` gives `build`'s verdict: whatever makes a build fail in the theme fails `check` too,
//! at the same file and line.

use crate::common::*;
use std::fs;
use std::path::Path;

fn minimal_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    site
}

/// Runs `check` and `build` on the site; both must fail, each naming `at` in its report.
fn both_fail_at(root: &Path, at: &str) {
    let root_s = root.to_str().unwrap();
    let check = mailguide(&["check", "--root", root_s]);
    let said = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "check must fail: {said}");
    assert!(said.contains(at), "check must point at {at}: {said}");
    let out = tempfile::tempdir().unwrap();
    let built = build(root, out.path().join("public"), &[]);
    let said_build = String::from_utf8_lossy(&built.stderr);
    assert_eq!(built.status.code(), Some(1), "{said_build}");
    assert!(said_build.contains(at), "build must point at {at}: {said_build}");
}

#[test]
fn a_theme_that_does_not_exist_fails_check_at_the_theme_line() {
    let site = minimal_site();
    let yaml = fs::read_to_string(site.path().join("site.yaml")).unwrap();
    let line = yaml.lines().position(|l| l.starts_with("theme:")).unwrap() + 1;
    fs::write(
        site.path().join("site.yaml"),
        yaml.replace("theme: plain", "theme: nonexist"),
    )
    .unwrap();
    both_fail_at(site.path(), &format!("--> site.yaml:{line}:1"));
}

#[test]
fn a_syntax_error_in_the_404_template_fails_check_at_its_line() {
    let site = minimal_site();
    let page = site.path().join("themes/plain/templates/404.html");
    let mut text = fs::read_to_string(&page).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("{% if %}\n");
    fs::write(&page, text).unwrap();
    both_fail_at(site.path(), &format!("--> themes/plain/templates/404.html:{line}:"));
}

#[test]
fn a_deleted_base_template_fails_check_at_the_extends_line() {
    let site = minimal_site();
    fs::remove_file(site.path().join("themes/plain/templates/base.html")).unwrap();
    let check = mailguide(&["check", "--root", site.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{said}");
    assert!(
        said.contains("extends base.html, which the theme does not have"),
        "{said}"
    );
    // Whichever template Tera meets first, the report points at its `extends` line.
    let at = said
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> themes/plain/templates/"))
        .unwrap_or_else(|| panic!("no location: {said}"));
    let (file, position) = at.split_once(':').unwrap();
    let line: usize = position.split(':').next().unwrap().parse().unwrap();
    let text = fs::read_to_string(site.path().join("themes/plain/templates").join(file)).unwrap();
    assert!(
        text.lines().nth(line - 1).unwrap().contains("extends \"base.html\""),
        "{said}"
    );
    both_fail_at(site.path(), &format!("--> themes/plain/templates/{file}:{line}:"));
}
