//! What the fast build path must not change: prose is compiled in one batch (so every broken
//! piece is still reported at its own line, and the others still render), pages are written
//! as they are rendered, and a rebuild replaces the old output and keeps it as the one spare
//! folder the build after next writes over.

use crate::common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn minimal_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo().join("tests/sites/minimal"), site.path());
    site
}

fn build(root: &Path, out: &Path) -> std::process::Output {
    mailguide(&[
        "build",
        "--root",
        root.to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ])
}

#[test]
fn two_broken_pieces_of_prose_are_both_reported_and_the_rest_still_renders() {
    let site = minimal_site();
    let faq = site.path().join("content/faq/general.yaml");
    let text = std::fs::read_to_string(&faq).expect("faq");
    // Line 4 of the new entry's file: an unclosed expression. The guide's line 9: an unclosed block.
    std::fs::write(
        &faq,
        format!("{text}- question: Broken?\n  answer: |\n    Host `{{{{ imap.host`.\n"),
    )
    .expect("write faq");
    let guide = site.path().join("content/clients/simplemail.md");
    let text = std::fs::read_to_string(&guide).expect("guide");
    std::fs::write(&guide, format!("{text}{{% if pop3 %}}\nPOP3 steps\n")).expect("write guide");
    let faq_lines = std::fs::read_to_string(&faq).expect("faq").lines().count();
    let guide_lines = std::fs::read_to_string(&guide).expect("guide").lines().count();

    let o = mailguide(&[
        "check",
        "--root",
        site.path().to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).expect("json report");
    let findings = report["diagnostics"].as_array().expect("a list of findings");
    let at = |file: &str| -> Vec<(String, u64)> {
        findings
            .iter()
            .filter(|d| d["file"].as_str() == Some(file))
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or("").to_string(),
                    d["line"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(
        at("content/faq/general.yaml"),
        vec![("template-syntax".to_string(), faq_lines as u64)],
        "{findings:#?}"
    );
    let guide_findings = at("content/clients/simplemail.md");
    assert!(
        guide_findings
            .iter()
            .any(|(code, line)| code == "template-syntax" && *line >= guide_lines as u64 - 1),
        "{findings:#?}"
    );
    // The good prose compiled in the same batch: no finding says its templates are missing.
    assert!(
        findings.iter().all(|d| d["code"] != "template-data"),
        "a good template failed to render: {findings:#?}"
    );
}

#[test]
fn a_rebuild_replaces_the_output_and_keeps_the_old_one_as_the_only_spare() {
    let site = minimal_site();
    let out = site.path().join("public");
    assert!(build(site.path(), &out).status.success());
    let provider = site.path().join("content/providers/example.yaml");
    let yaml = std::fs::read_to_string(&provider).expect("provider");
    std::fs::write(&provider, yaml.replace("name: Example Mail", "name: Renamed Mail")).expect("rename");

    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("example/index.html")).expect("provider page");
    assert!(html.contains("<title>Renamed Mail settings</title>"), "{html}");
    // Every file of the new output is in its manifest, and nothing else is there.
    let manifest = std::fs::read_to_string(out.join(".mailguide-manifest")).expect("manifest");
    let listed: Vec<&str> = manifest.lines().collect();
    let mut found: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&out)
                .expect("under out")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|p| p != ".mailguide-manifest")
        .collect();
    found.sort();
    assert_eq!(found, listed);
    assert!(listed.contains(&"example/simplemail/index.html"));

    // The replaced output is kept as the spare, which the next build writes over; nothing else
    // is left beside the output.
    let spare = site.path().join(".public.mailguide-spare");
    let old = std::fs::read_to_string(spare.join("example/index.html")).expect("the spare holds the old site");
    assert!(old.contains("<title>Example Mail settings</title>"), "{old}");
    let others = |site: &Path| -> Vec<String> {
        std::fs::read_dir(site)
            .expect("site folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("mailguide-") && n != ".public.mailguide-spare")
            .collect()
    };
    assert_eq!(others(site.path()), Vec::<String>::new());
    assert!(build(site.path(), &out).status.success());
    assert_eq!(others(site.path()), Vec::<String>::new());
    assert!(spare.join("example/index.html").is_file());
}
