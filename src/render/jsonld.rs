//! schema.org JSON-LD for search engines: `BreadcrumbList` on every page, `FAQPage` on the FAQ
//! page, `HowTo` on client guides, `WebSite` on the home page.
//!
//! Shaped after schema.org and Google's structured-data guidelines: a `FAQPage` or `HowTo` without
//! questions or steps is invalid, so none is emitted; each question is marked up once for the
//! whole site (on the FAQ page, not again on provider pages); URLs are absolute.

use super::views::{Crumb, FaqView};
use serde_json::{Value, json};

fn absolute(base: &str, url: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), url)
}

pub fn breadcrumbs(base: &str, crumbs: &[Crumb]) -> Value {
    json!({
        "@type": "BreadcrumbList",
        "itemListElement": crumbs.iter().enumerate().map(|(i, c)| json!({
            "@type": "ListItem", "position": i + 1, "name": c.title, "item": absolute(base, &c.url)
        })).collect::<Vec<_>>()
    })
}

/// The site's name for search results (Google reads `WebSite` on the home page).
pub fn website(name: &str, description: &str, base: &str) -> Value {
    json!({
        "@type": "WebSite",
        "name": name,
        "description": description,
        "url": absolute(base, "/"),
    })
}

/// `None` when there are no entries: a `FAQPage` needs at least one `Question`.
pub fn faq_page(entries: &[FaqView]) -> Option<Value> {
    (!entries.is_empty()).then(|| {
        json!({
            "@type": "FAQPage",
            "mainEntity": entries.iter().map(|e| json!({
                "@type": "Question", "name": e.question,
                "acceptedAnswer": {"@type": "Answer", "text": e.answer_html}
            })).collect::<Vec<_>>()
        })
    })
}

/// `None` when the guide has no numbered steps: a `HowTo` needs at least one `HowToStep`. The
/// mail client is the tool the steps use.
pub fn how_to(name: &str, description: &str, tool: &str, steps: &[String]) -> Option<Value> {
    (!steps.is_empty()).then(|| {
        json!({
            "@type": "HowTo",
            "name": name,
            "description": description,
            "tool": [{"@type": "HowToTool", "name": tool}],
            "step": steps.iter().enumerate().map(|(i, s)| json!({
                "@type": "HowToStep", "position": i + 1, "text": s
            })).collect::<Vec<_>>()
        })
    })
}

/// One `@graph` document, serialised so it is safe inside `<script>`: `<` never appears raw.
pub fn document(items: Vec<Value>) -> String {
    let doc = json!({"@context": "https://schema.org", "@graph": items});
    doc.to_string().replace('<', "\\u003c")
}
