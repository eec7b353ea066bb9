//! The bundled help site, read as a reader reads it: built into a temporary folder, pages parsed
//! with scraper, facts checked on the page where a reader looks for them.

use crate::common;

use common::*;
use std::collections::HashSet;
use std::path::Path;

#[test]
fn icloud_page_lists_imap_and_smtp_settings() {
    let out = bundled_site();
    let doc = page(out, "icloud/index.html");
    let imap = table_rows(&doc, "IMAP server");
    assert!(imap.contains(&("Server".into(), "imap.mail.me.com".into())), "{imap:?}");
    assert!(imap.contains(&("Port".into(), "993".into())), "{imap:?}");
    assert!(imap.contains(&("Encryption".into(), "SSL/TLS".into())), "{imap:?}");
    let smtp = table_rows(&doc, "SMTP server");
    assert!(smtp.contains(&("Server".into(), "smtp.mail.me.com".into())), "{smtp:?}");
    assert!(smtp.contains(&("Port".into(), "587".into())), "{smtp:?}");
    assert!(smtp.contains(&("Encryption".into(), "STARTTLS".into())), "{smtp:?}");
    // iCloud has no POP3: the page says so instead of an empty table.
    assert!(table_rows(&doc, "POP3 server").is_empty());
    let missing = doc.select(&sel(".missing")).map(text).collect::<Vec<_>>().join(" ");
    assert!(missing.contains("POP3"), "the missing POP3 reason is shown: {missing}");
}

#[test]
fn iphone_guide_speaks_the_iphones_words() {
    let doc = page(bundled_site(), "icloud/iphone/index.html");
    let rows = table_rows(&doc, "Outgoing Mail Server");
    assert!(
        rows.contains(&("Host Name".into(), "smtp.mail.me.com".into())),
        "{rows:?}"
    );
    assert!(rows.contains(&("Server Port".into(), "587".into())), "{rows:?}");
    // STARTTLS on 587 is the "Use SSL" switch turned on, on an iPhone.
    assert!(rows.contains(&("Use SSL".into(), "On".into())), "{rows:?}");
    assert!(
        !rows.iter().any(|(_, v)| v == "STARTTLS"),
        "no Thunderbird words on the iPhone page: {rows:?}"
    );
}

#[test]
fn thunderbird_guide_says_starttls_for_icloud_smtp() {
    let doc = page(bundled_site(), "icloud/thunderbird/index.html");
    let rows = table_rows(&doc, "Outgoing server");
    assert!(
        rows.contains(&("Connection security".into(), "STARTTLS".into())),
        "{rows:?}"
    );
    let incoming = table_rows(&doc, "Incoming server");
    assert!(
        incoming.contains(&("Connection security".into(), "SSL/TLS".into())),
        "{incoming:?}"
    );
    assert!(
        incoming.contains(&("Hostname".into(), "imap.mail.me.com".into())),
        "{incoming:?}"
    );
    // The guide's steps name the servers from the data.
    let steps = doc.select(&sel("#steps")).map(text).collect::<String>();
    assert!(
        steps.contains("imap.mail.me.com") && steps.contains("smtp.mail.me.com"),
        "{steps}"
    );
}

#[test]
fn every_provider_and_client_page_exists() {
    let out = bundled_site();
    let root = repo();
    let providers: Vec<String> = list_stems(&root.join("content/providers"), "yaml");
    let site: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("site.yaml")).unwrap()).unwrap();
    let clients: Vec<String> = site["clients"]
        .as_sequence()
        .expect("site.yaml lists clients")
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert!(providers.len() >= 8 && clients.len() >= 6, "{providers:?} {clients:?}");
    for p in &providers {
        let doc = page(out, &format!("{p}/index.html"));
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{p}: one h1");
        for c in &clients {
            let doc = page(out, &format!("{p}/{c}/index.html"));
            assert_eq!(doc.select(&sel("h1")).count(), 1, "{p}/{c}: one h1");
            assert!(!table_rows(&doc, "").is_empty(), "{p}/{c} has a settings table");
        }
    }
    for c in &clients {
        page(out, &format!("clients/{c}/index.html"));
    }
    for f in [
        "index.html",
        "faq/index.html",
        "troubleshooting/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(out.join(f).is_file(), "{f} exists");
    }
}

fn list_stems(dir: &Path, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn html_files(out: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let out = bundled_site();
    let mut checked = 0;
    for file in html_files(out) {
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        let ids: HashSet<String> = doc
            .select(&sel("[id]"))
            .filter_map(|e| e.value().attr("id").map(str::to_string))
            .collect();
        for a in doc.select(&sel("a[href], link[href], script[src], img[src]")) {
            let href = a.value().attr("href").or(a.value().attr("src")).unwrap();
            if href.starts_with("http") || href.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target_ids = if path.is_empty() {
                ids.clone()
            } else {
                assert!(
                    path.starts_with('/'),
                    "{}: link {href} should be root-relative",
                    file.display()
                );
                let mut target = out.join(path.trim_start_matches('/'));
                if path.ends_with('/') {
                    target = target.join("index.html");
                }
                assert!(
                    target.is_file(),
                    "{}: link {href} resolves to {}",
                    file.display(),
                    target.display()
                );
                if fragment.is_empty() || target.extension().is_none_or(|e| e != "html") {
                    checked += 1;
                    continue;
                }
                let t = scraper::Html::parse_document(&std::fs::read_to_string(&target).unwrap());
                t.select(&sel("[id]"))
                    .filter_map(|e| e.value().attr("id").map(str::to_string))
                    .collect()
            };
            if !fragment.is_empty() {
                assert!(
                    target_ids.contains(fragment),
                    "{}: anchor {href} exists",
                    file.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "links were checked ({checked})");
}

#[test]
fn pages_load_nothing_from_other_hosts() {
    for file in html_files(bundled_site()) {
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        for el in doc.select(&sel(
            "script[src], link[rel=stylesheet], link[rel=icon], img, iframe, source",
        )) {
            let url = el.value().attr("src").or(el.value().attr("href")).unwrap_or("");
            assert!(!url.contains("//"), "{} loads {url} from another host", file.display());
        }
    }
}

#[test]
fn every_page_has_title_description_canonical_and_breadcrumbs() {
    let out = bundled_site();
    for file in html_files(out) {
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        let name = file.display();
        assert!(
            doc.select(&sel("title"))
                .next()
                .map(text)
                .is_some_and(|t| !t.is_empty()),
            "{name}: title"
        );
        let desc = doc
            .select(&sel("meta[name=description]"))
            .next()
            .and_then(|m| m.value().attr("content"));
        assert!(desc.is_some_and(|d| !d.is_empty()), "{name}: description");
        let canonical = doc
            .select(&sel("link[rel=canonical]"))
            .next()
            .and_then(|m| m.value().attr("href"));
        assert!(
            canonical.is_some_and(|c| c.starts_with("https://mail-help.example.org/")),
            "{name}: canonical"
        );
        let home_or_404 = file == out.join("index.html") || file == out.join("404.html");
        if !home_or_404 {
            assert!(
                doc.select(&sel("nav[aria-label=Breadcrumb] li")).count() >= 1,
                "{name}: breadcrumbs"
            );
        }
        assert_eq!(doc.select(&sel("html[lang=en]")).count(), 1, "{name}: language");
    }
}

#[test]
fn sitemap_lists_every_page_with_the_base_url() {
    let out = bundled_site();
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://mail-help.example.org/icloud/thunderbird/</loc>"));
    let pages = html_files(out).len() - 1; // the 404 page is not listed
    assert_eq!(sitemap.matches("<loc>").count(), pages);
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://mail-help.example.org/sitemap.xml"));
}

#[test]
fn home_lists_every_provider_with_its_domains() {
    let doc = page(bundled_site(), "index.html");
    let body = doc.select(&sel("main")).map(text).collect::<String>();
    for (name, domain) in [
        ("iCloud Mail", "me.com"),
        ("Gmail", "googlemail.com"),
        ("Fastmail", "fastmail.com"),
    ] {
        assert!(body.contains(name), "home lists {name}");
        assert!(body.contains(domain), "home lists {domain}");
    }
    let links: Vec<&str> = doc
        .select(&sel("main a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(links.contains(&"/icloud/"), "{links:?}");
}

#[test]
fn a_guide_for_a_provider_without_pop3_has_no_blank_pop3_step() {
    // The Android guide mentions POP3 only where the provider has it; iCloud has none.
    let doc = page(bundled_site(), "icloud/android-gmail/index.html");
    let steps = doc.select(&sel("#steps")).map(text).collect::<String>();
    assert!(!steps.contains("POP3 server"), "{steps}");
    assert!(steps.contains("imap.mail.me.com"), "{steps}");
    for code in doc.select(&sel("#steps code")) {
        assert!(!text(code).is_empty(), "no blank value in the steps: {steps}");
    }
}

#[test]
fn two_builds_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = build(&root, out, &[]);
        assert!(o.status.success());
    }
    let files = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(d)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(d).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    for ((pa, ba), (pb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
}

#[test]
fn html_is_minified() {
    let html = std::fs::read_to_string(bundled_site().join("icloud/index.html")).unwrap();
    assert!(!html.contains("\n\n"), "no blank lines in minified output");
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta"),
        "{}",
        &html[..60]
    );
}

#[test]
fn the_published_style_sheet_is_minified_and_within_the_themes_budget() {
    let source = std::fs::read(repo().join("themes/default/static/style.css")).unwrap();
    let static_dir = bundled_site().join("static");
    let published = std::fs::read_dir(&static_dir)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("style."))
        .expect("a published style sheet");
    let css = std::fs::read_to_string(published.path()).unwrap();
    assert!(
        css.len() < source.len() * 9 / 10,
        "{} of {} bytes",
        css.len(),
        source.len()
    );
    assert!(!css.contains("\n  "), "no indentation left");
    // themes/default/README.md: style.css under 12 KB.
    assert!(css.len() < 12 * 1024, "{} bytes", css.len());
    assert!(css.contains("prefers-color-scheme:dark"), "the dark scheme survives");
}
