//! schema.org JSON-LD for search engines: `BreadcrumbList` on every page, `FAQPage` on FAQ pages,
//! `HowTo` on client guides.

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

pub fn faq_page(entries: &[FaqView]) -> Value {
    json!({
        "@type": "FAQPage",
        "mainEntity": entries.iter().map(|e| json!({
            "@type": "Question", "name": e.question,
            "acceptedAnswer": {"@type": "Answer", "text": e.answer_html}
        })).collect::<Vec<_>>()
    })
}

pub fn how_to(name: &str, description: &str, steps: &[String]) -> Value {
    json!({
        "@type": "HowTo",
        "name": name,
        "description": description,
        "step": steps.iter().enumerate().map(|(i, s)| json!({
            "@type": "HowToStep", "position": i + 1, "text": s
        })).collect::<Vec<_>>()
    })
}

/// One `@graph` document, serialised so it is safe inside `<script>`: `<` never appears raw.
pub fn document(items: Vec<Value>) -> String {
    let doc = json!({"@context": "https://schema.org", "@graph": items});
    doc.to_string().replace('<', "\\u003c")
}
