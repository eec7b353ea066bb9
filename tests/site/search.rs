//! The site search index, read as `search.js` reads it: the bundled site is built into a
//! temporary folder, the index is found through the pages' `data-search` attribute, and what a
//! reader types ("me.com", a server name, words of an answer) must lead to the right page.

use crate::common;

use common::{bundled_site, page, sel};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

/// The index URL every page refers to, and the parsed index.
fn index(out: &Path) -> (String, Vec<Value>) {
    let home = page(out, "index.html");
    let form = home
        .select(&sel("form[role=search][data-search]"))
        .next()
        .expect("the home page has the search form");
    let url = form.value().attr("data-search").expect("data-search").to_string();
    let bytes = std::fs::read(out.join(url.trim_start_matches('/'))).expect("the index file exists");
    let json: Value = serde_json::from_slice(&bytes).expect("the index is JSON");
    assert_eq!(json["version"], 1);
    let entries = json["entries"].as_array().expect("entries").clone();
    (url, entries)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The entries whose title, domains, keywords or text contain every word of `query`, the way
/// search.js filters before ranking.
fn matching<'a>(entries: &'a [Value], query: &str) -> Vec<&'a Value> {
    let terms: Vec<String> = query
        .to_lowercase()
        .split_whitespace()
        .map(|t| t.rsplit('@').next().unwrap_or(t).to_string())
        .filter(|t| !t.is_empty())
        .collect();
    entries
        .iter()
        .filter(|e| {
            let mut hay = e["title"].as_str().unwrap_or("").to_lowercase();
            for field in ["domains", "keywords"] {
                for s in strings(&e[field]) {
                    hay.push(' ');
                    hay.push_str(&s.to_lowercase());
                }
            }
            hay.push(' ');
            hay.push_str(&e["text"].as_str().unwrap_or("").to_lowercase());
            terms.iter().all(|t| hay.contains(t.as_str()))
        })
        .collect()
}

#[test]
fn every_page_refers_to_the_same_index_and_loads_search_js() {
    let out = bundled_site();
    let (url, _) = index(out);
    // No fingerprint: a fingerprint would change every page whenever any content changes.
    assert_eq!(url, "/static/search-index.json");
    for entry in walkdir::WalkDir::new(out).into_iter().filter_map(Result::ok) {
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(out)
            .expect("under the output")
            .to_string_lossy()
            .to_string();
        let doc = page(out, &rel);
        let forms: Vec<_> = doc.select(&sel("form[role=search]")).collect();
        assert_eq!(forms.len(), 1, "{rel} has one search form");
        assert_eq!(forms[0].value().attr("data-search"), Some(url.as_str()), "{rel}");
        let label_for = doc
            .select(&sel("form[role=search] label"))
            .next()
            .and_then(|l| l.value().attr("for"));
        assert_eq!(label_for, Some("search-q"), "{rel}: the search box has a label");
        assert!(
            doc.select(&sel("script[src^='/static/search.']")).next().is_some(),
            "{rel} loads search.js"
        );
    }
}

#[test]
fn me_com_finds_icloud_first_with_its_domains_and_servers() {
    let (_, entries) = index(bundled_site());
    let hits = matching(&entries, "me.com");
    let first = hits.first().expect("me.com matches something");
    assert_eq!(first["kind"], "provider");
    assert_eq!(first["title"], "iCloud Mail");
    assert_eq!(first["url"], "/icloud/");
    let domains = strings(&first["domains"]);
    for d in ["icloud.com", "me.com", "mac.com"] {
        assert!(
            domains.contains(&d.to_string()),
            "iCloud's domains include {d}: {domains:?}"
        );
    }
    let keywords = strings(&first["keywords"]);
    assert!(keywords.contains(&"imap.mail.me.com".to_string()), "{keywords:?}");
    assert!(keywords.contains(&"smtp.mail.me.com".to_string()), "{keywords:?}");
    // An address and a server name reach the same provider.
    assert_eq!(matching(&entries, "someone@mac.com")[0]["url"], "/icloud/");
    assert_eq!(matching(&entries, "smtp.mail.me.com")[0]["url"], "/icloud/");
}

#[test]
fn answers_are_indexed_as_the_page_shows_them() {
    let (_, entries) = index(bundled_site());
    let faq: Vec<&Value> = entries.iter().filter(|e| e["kind"] == "faq").collect();
    assert!(!faq.is_empty(), "FAQ entries are indexed");
    for e in &entries {
        let text = e["text"].as_str().unwrap_or("");
        assert!(
            !text.contains("{{") && !text.contains("{%") && !text.contains('<'),
            "{} is indexed as plain rendered text: {text}",
            e["url"]
        );
    }
    // The iCloud IMAP answer says `{{ imap.host }}` in its source; the index has the host.
    let imap = matching(&entries, "icloud imap server");
    assert!(
        imap.iter()
            .any(|e| e["kind"] == "faq" && e["text"].as_str().unwrap_or("").contains("imap.mail.me.com")),
        "the rendered host is in the answer's text: {imap:?}"
    );
    let kinds: HashSet<&str> = entries.iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in ["provider", "client", "guide", "faq", "troubleshooting", "page"] {
        assert!(kinds.contains(kind), "the index has {kind} entries");
    }
}

#[test]
fn every_result_leads_to_an_existing_page_and_anchor() {
    let out = bundled_site();
    let (_, entries) = index(out);
    for e in &entries {
        let url = e["url"].as_str().expect("url");
        let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
        assert!(path.starts_with('/') && path.ends_with('/'), "{url} is a page URL");
        let rel = format!("{}index.html", path.trim_start_matches('/'));
        assert!(out.join(&rel).is_file(), "{url} exists");
        if !fragment.is_empty() {
            let doc = page(out, &rel);
            let found = doc.select(&sel(&format!("[id='{fragment}']"))).next();
            assert!(found.is_some(), "{url}: the anchor exists");
        }
    }
}
