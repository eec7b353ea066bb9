//! Nothing in content/ is skipped silently: a folder or file mailguide cannot read, a symbolic
//! link, a file of no known kind each give a finding that names it, and a build with such a
//! fault publishes nothing.
//!
//! Permissions are tested for real. The test machines and CI run as root, for whom `chmod 000`
//! changes nothing, so the binary runs as `nobody` (uid 65534) through `setpriv`, on a site in a
//! temporary folder opened up for that user to read.

use crate::common::{bundled_copy, repo};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary as uid/gid 65534 with no supplementary groups.
fn mailguide_as_nobody(args: &[&str]) -> Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_mailguide"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("setpriv is installed (util-linux) and the test runs as root")
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Opens a whole tree to everyone (`a+rwX`), so another user can read it and write beside it.
fn open_up(dir: &Path) {
    for e in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        let mode = if e.file_type().is_dir() { 0o777 } else { 0o666 };
        chmod(e.path(), mode);
    }
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON report: {e}\n{}", String::from_utf8_lossy(&out.stderr)))
}

/// `(code, file)` of every finding.
fn findings(report: &Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["file"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

fn check(root: &Path) -> Value {
    let out = crate::common::mailguide(&["check", "--root", root.to_str().expect("utf-8"), "--format", "json"]);
    report(&out)
}

#[test]
fn an_unreadable_folder_is_an_error_and_the_published_site_stays() {
    let site = bundled_copy();
    open_up(site.path());
    let root = site.path().to_str().expect("utf-8");
    let out = site.path().join("public");
    let out_s = out.to_str().expect("utf-8");
    let first = mailguide_as_nobody(&["build", "--root", root, "--output", out_s]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let icloud = std::fs::read(out.join("icloud/index.html")).expect("the provider page was built");

    for folder in ["content/providers", "content/faq"] {
        chmod(&site.path().join(folder), 0o000);
        let checked = mailguide_as_nobody(&["check", "--root", root, "--format", "json"]);
        let r = report(&checked);
        assert_eq!(checked.status.code(), Some(1), "{r:#}");
        assert!(
            findings(&r).contains(&("file-unreadable".to_string(), folder.to_string())),
            "{folder} is named: {r:#}"
        );
        let message = r["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .find(|d| d["code"] == "file-unreadable")
            .and_then(|d| d["message"].as_str())
            .unwrap_or("");
        assert!(
            message.contains(&format!("the folder {folder}")) && message.contains("Permission denied"),
            "{message}"
        );

        let built = mailguide_as_nobody(&["build", "--root", root, "--output", out_s]);
        let stderr = String::from_utf8_lossy(&built.stderr);
        assert_eq!(built.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(&format!("--> {folder}:1:1")), "{stderr}");
        assert_eq!(
            std::fs::read(out.join("icloud/index.html")).expect("still there"),
            icloud,
            "the published site is left as it was"
        );
        chmod(&site.path().join(folder), 0o777);
    }
}

#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    let site = bundled_copy();
    open_up(site.path());
    let file = site.path().join("content/faq/general.yaml");
    chmod(&file, 0o000);
    let out = mailguide_as_nobody(&[
        "check",
        "--root",
        site.path().to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let r = report(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&r),
        vec![("file-unreadable".to_string(), "content/faq/general.yaml".to_string())],
        "{r:#}"
    );
}

#[test]
fn symbolic_links_in_content_are_errors_whether_file_or_folder_inside_or_outside() {
    let site = bundled_copy();
    let outside = tempfile::tempdir().expect("temp dir");
    let root = site.path();
    // The last component: a provider file linked from outside the site.
    std::fs::copy(
        repo().join("content/providers/icloud.yaml"),
        outside.path().join("elsewhere.yaml"),
    )
    .expect("copy");
    std::os::unix::fs::symlink(
        outside.path().join("elsewhere.yaml"),
        root.join("content/providers/elsewhere.yaml"),
    )
    .expect("symlink");
    // A parent folder: a provider's steps folder linked from outside the site.
    std::fs::create_dir(outside.path().join("steps")).expect("mkdir");
    std::fs::write(outside.path().join("steps/thunderbird.md"), "Steps.\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("steps"), root.join("content/providers/gmx")).expect("symlink");
    // Inside the site: still not followed, still named.
    std::fs::write(root.join("notes.md"), "---\ntitle: Notes\n---\nText.\n").expect("write");
    std::os::unix::fs::symlink(root.join("notes.md"), root.join("content/pages/notes.md")).expect("symlink");
    // Pointing nowhere.
    std::os::unix::fs::symlink(root.join("missing.yaml"), root.join("content/faq/missing.yaml")).expect("symlink");

    let r = check(root);
    let mut found: Vec<(String, String)> = findings(&r)
        .into_iter()
        .filter(|(code, _)| code == "file-symlink")
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("file-symlink".to_string(), "content/faq/missing.yaml".to_string()),
            ("file-symlink".to_string(), "content/pages/notes.md".to_string()),
            (
                "file-symlink".to_string(),
                "content/providers/elsewhere.yaml".to_string()
            ),
            ("file-symlink".to_string(), "content/providers/gmx".to_string()),
        ],
        "{r:#}"
    );
    let message = |file: &str| -> String {
        r["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .find(|d| d["file"] == file)
            .and_then(|d| d["message"].as_str())
            .unwrap_or("")
            .to_string()
    };
    assert!(message("content/providers/elsewhere.yaml").ends_with("leaves the site"));
    assert!(message("content/providers/gmx").ends_with("leaves the site"));
    assert!(message("content/pages/notes.md").ends_with("is a symbolic link"));
    assert!(message("content/faq/missing.yaml").ends_with("to nothing"));
    assert_eq!(r["errors"].as_u64(), Some(4), "{r:#}");
}

#[test]
fn unknown_yaml_and_markdown_are_errors_images_beside_markdown_are_content() {
    let site = bundled_copy();
    let root = site.path();
    std::fs::write(root.join("content/faq/extra.md"), "A note.\n").expect("write");
    std::fs::write(root.join("content/settings.yaml"), "a: b\n").expect("write");
    std::fs::write(root.join("content/notes.txt"), "todo\n").expect("write");
    for img in [
        "content/pages/diagram.svg",
        "content/providers/icloud/step-1.PNG",
        "content/clients/menu.webp",
        // FAQ answers and troubleshooting entries show images beside their files too.
        "content/faq/diagram.png",
        "content/troubleshooting/dialog.jpg",
    ] {
        std::fs::write(root.join(img), b"image bytes").expect("write");
    }
    // Beside provider data, which shows no images, an image is in no place mailguide reads.
    std::fs::write(root.join("content/providers/diagram.png"), b"image bytes").expect("write");
    let r = check(root);
    let mut found = findings(&r);
    found.sort();
    assert_eq!(
        found,
        vec![
            ("file-unknown-kind".to_string(), "content/faq/extra.md".to_string()),
            ("file-unknown-kind".to_string(), "content/settings.yaml".to_string()),
            ("file-unused".to_string(), "content/notes.txt".to_string()),
            ("file-unused".to_string(), "content/providers/diagram.png".to_string()),
        ],
        "{r:#}"
    );
    assert_eq!((r["errors"].as_u64(), r["warnings"].as_u64()), (Some(2), Some(2)));
}

#[test]
fn control_characters_in_file_names_are_never_printed_raw() {
    let site = bundled_copy();
    let root = site.path();
    std::fs::write(root.join("content/providers/\x1b[31mred\u{202e}.txt"), "x\n").expect("write");
    let out = crate::common::mailguide(&["check", "--root", root.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\x1b') && !stderr.contains('\u{202e}'), "{stderr:?}");
    assert!(
        stderr.contains("content/providers/\\u{1b}[31mred\\u{202e}.txt"),
        "{stderr}"
    );
}
