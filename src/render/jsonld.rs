//! schema.org JSON-LD for search engines: `BreadcrumbList` on every page, `FAQPage` on the FAQ
//! page, `HowTo` on client guides, `WebSite` on the home page.
//!
//! Shaped after schema.org and Google's structured-data guidelines: a `FAQPage` or `HowTo` without
//! questions or steps is invalid, so none is emitted; each question is marked up once for the
//! whole site (on the FAQ page, not again on provider pages); URLs are absolute.

//!
//! Items are typed structs that borrow the page's strings and are serialised straight to text:
//! a guide page's JSON-LD is made once per page, so no `serde_json::Value` tree is built.

use super::views::{Crumb, FaqView};
use serde::Serialize;

fn absolute(base: &str, url: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), url)
}

/// One item of a page's `@graph`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Item<'a> {
    Breadcrumbs(BreadcrumbList),
    WebSite(WebSite<'a>),
    Faq(FaqPage<'a>),
    HowTo(HowTo<'a>),
}

#[derive(Serialize)]
pub struct BreadcrumbList {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem>,
}

#[derive(Serialize)]
struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: String,
    item: String,
}

#[derive(Serialize)]
pub struct WebSite<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    url: String,
}

#[derive(Serialize)]
pub struct FaqPage<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "mainEntity")]
    questions: Vec<Question<'a>>,
}

#[derive(Serialize)]
struct Question<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(rename = "acceptedAnswer")]
    answer: Answer<'a>,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
pub struct HowTo<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    tool: [Tool<'a>; 1],
    step: Vec<Step<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct Step<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    text: &'a str,
}

pub fn breadcrumbs(base: &str, crumbs: &[Crumb]) -> Item<'static> {
    Item::Breadcrumbs(BreadcrumbList {
        kind: "BreadcrumbList",
        items: crumbs
            .iter()
            .enumerate()
            .map(|(i, c)| ListItem {
                kind: "ListItem",
                position: i + 1,
                name: c.title.clone(),
                item: absolute(base, &c.url),
            })
            .collect(),
    })
}

/// The site's name for search results (Google reads `WebSite` on the home page).
pub fn website<'a>(name: &'a str, description: &'a str, base: &str) -> Item<'a> {
    Item::WebSite(WebSite {
        kind: "WebSite",
        name,
        description,
        url: absolute(base, "/"),
    })
}

/// `None` when there are no entries: a `FAQPage` needs at least one `Question`.
pub fn faq_page(entries: &[FaqView]) -> Option<Item<'_>> {
    (!entries.is_empty()).then(|| {
        Item::Faq(FaqPage {
            kind: "FAQPage",
            questions: entries
                .iter()
                .map(|e| Question {
                    kind: "Question",
                    name: &e.question,
                    answer: Answer {
                        kind: "Answer",
                        text: &e.answer_html,
                    },
                })
                .collect(),
        })
    })
}

/// `None` when the guide has no numbered steps: a `HowTo` needs at least one `HowToStep`. The
/// mail client is the tool the steps use.
pub fn how_to<'a>(name: &'a str, description: &'a str, tool: &'a str, steps: &'a [String]) -> Option<Item<'a>> {
    (!steps.is_empty()).then(|| {
        Item::HowTo(HowTo {
            kind: "HowTo",
            name,
            description,
            tool: [Tool {
                kind: "HowToTool",
                name: tool,
            }],
            step: steps
                .iter()
                .enumerate()
                .map(|(i, s)| Step {
                    kind: "HowToStep",
                    position: i + 1,
                    text: s,
                })
                .collect(),
        })
    })
}

/// One `@graph` document, serialised so it is safe inside `<script>`: `<` never appears raw
/// (outside strings JSON has no `<`, so every one can be escaped).
pub fn document(items: &[Item]) -> String {
    #[derive(Serialize)]
    struct Document<'d, 'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@graph")]
        graph: &'d [Item<'a>],
    }
    let doc = Document {
        context: "https://schema.org",
        graph: items,
    };
    // Serialising borrowed strings, numbers and structs cannot fail.
    let text = serde_json::to_string(&doc).expect("JSON-LD items serialise");
    if text.contains('<') {
        text.replace('<', "\\u003c")
    } else {
        text
    }
}
