//! schema.org JSON-LD in the bundled site's pages, as a search engine reads it: a breadcrumb trail
//! on every page, the FAQ marked up once (on the FAQ page), a HowTo per guide with its steps, and
//! the site's name on the home page.

use crate::common;

use common::{bundled_site, html_pages, page, sel, text};
use serde_json::Value;
use std::path::Path;

/// The `@graph` items of a page's JSON-LD, by `@type`.
fn graph(out: &Path, rel: &str) -> Vec<Value> {
    let doc = page(out, rel);
    let scripts: Vec<String> = doc
        .select(&sel("script[type='application/ld+json']"))
        .map(|s| s.inner_html())
        .collect();
    assert_eq!(scripts.len(), 1, "{rel}: one JSON-LD block");
    let v: Value = serde_json::from_str(&scripts[0]).unwrap_or_else(|e| panic!("{rel}: JSON-LD parses: {e}"));
    assert_eq!(v["@context"], "https://schema.org");
    v["@graph"].as_array().expect("@graph").clone()
}

fn of_type<'a>(items: &'a [Value], t: &str) -> Vec<&'a Value> {
    items.iter().filter(|i| i["@type"] == t).collect()
}

#[test]
fn every_page_has_a_breadcrumb_trail_ending_at_itself() {
    let out = bundled_site();
    for rel in html_pages(out).iter().filter(|r| *r != "404.html") {
        let items = graph(out, rel);
        let crumbs = of_type(&items, "BreadcrumbList");
        assert_eq!(crumbs.len(), 1, "{rel}");
        let list = crumbs[0]["itemListElement"].as_array().expect("items");
        for (i, item) in list.iter().enumerate() {
            assert_eq!(item["@type"], "ListItem");
            assert_eq!(item["position"], i + 1, "{rel}: positions count from 1");
            assert!(
                item["name"].as_str().is_some_and(|n| !n.is_empty()),
                "{rel}: every crumb is named"
            );
            assert!(
                item["item"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://mail-help.example.org/")),
                "{rel}: absolute URLs"
            );
        }
        let canonical = page(out, rel)
            .select(&sel("link[rel=canonical]"))
            .next()
            .and_then(|l| l.value().attr("href").map(str::to_string))
            .expect("canonical link");
        assert_eq!(list.last().expect("a crumb")["item"], canonical.as_str(), "{rel}");
    }
}

#[test]
fn the_faq_page_marks_up_every_question_it_shows_and_provider_pages_do_not_repeat_them() {
    let out = bundled_site();
    let items = graph(out, "faq/index.html");
    let faq = of_type(&items, "FAQPage");
    assert_eq!(faq.len(), 1);
    let marked: Vec<&str> = faq[0]["mainEntity"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| {
            assert_eq!(q["@type"], "Question");
            assert_eq!(q["acceptedAnswer"]["@type"], "Answer");
            assert!(q["acceptedAnswer"]["text"].as_str().is_some_and(|t| !t.is_empty()));
            q["name"].as_str().expect("name")
        })
        .collect();
    let shown: Vec<String> = page(out, "faq/index.html")
        .select(&sel("article.entry h3"))
        .map(text)
        .collect();
    assert_eq!(marked, shown, "the markup lists exactly the questions on the page");

    // Google asks for one instance of each question: provider pages show theirs without markup.
    let icloud = page(out, "icloud/index.html");
    assert!(
        icloud.select(&sel("#faq details")).count() > 0,
        "iCloud's page shows questions"
    );
    assert!(of_type(&graph(out, "icloud/index.html"), "FAQPage").is_empty());
}

#[test]
fn a_guide_is_a_howto_with_its_numbered_steps_and_the_app_as_tool() {
    let out = bundled_site();
    let items = graph(out, "icloud/thunderbird/index.html");
    let how = of_type(&items, "HowTo");
    assert_eq!(how.len(), 1);
    assert_eq!(how[0]["name"], "Set up iCloud Mail in Thunderbird");
    assert_eq!(how[0]["tool"][0]["@type"], "HowToTool");
    assert_eq!(how[0]["tool"][0]["name"], "Thunderbird");
    let steps = how[0]["step"].as_array().expect("steps");
    assert!(steps.len() >= 3, "{steps:?}");
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(s["@type"], "HowToStep");
        assert_eq!(s["position"], i + 1);
        assert!(s["text"].as_str().is_some_and(|t| !t.is_empty()));
    }
    // The steps are the guide's: the SMTP host the page gives appears in them.
    let all: String = steps.iter().filter_map(|s| s["text"].as_str()).collect();
    assert!(all.contains("smtp.mail.me.com"), "{all}");
}

#[test]
fn the_home_page_names_the_site() {
    let out = bundled_site();
    let items = graph(out, "index.html");
    let site = of_type(&items, "WebSite");
    assert_eq!(site.len(), 1);
    assert_eq!(site[0]["name"], "Mail Setup Help");
    assert_eq!(site[0]["url"], "https://mail-help.example.org/");
}
