//! The site search index: one small JSON file that the theme's `search.js` fetches the first time a
//! reader uses the search box, so search works on any static host with no server and no service.
//!
//! Every page a reader may be looking for is one entry: providers (found by name, by any of their
//! domains such as `me.com`, and by server name such as `imap.mail.me.com`), guides (provider ×
//! mail app), mail apps, FAQ answers, troubleshooting entries and free pages (by their text). The
//! prose is rendered exactly as on the pages, then reduced to plain text. Drafts are never
//! searched, even where they are built (`build --drafts`, `serve`).
//!
//! The file is `/static/search-index.json`, a name without a fingerprint: every page links it, so
//! a fingerprint would change every page of the site whenever any content changes, and a deploy
//! would upload them all. Browsers revalidate it like any unfingerprinted file (as with Zola's
//! search index); templates receive its URL as `search_index`. The bytes depend only on the
//! content, so two builds of the same site give the same file.

use crate::model::{Protocol, Provider, Site};
use crate::plan::files::OutputFile;
use crate::plan::markdown::to_html;
use crate::plan::prose::guide_name;
use crate::plan::urls::file_url;
use crate::plan::{PageId, Plan};
use crate::render::views::EntryViews;
use rayon::prelude::*;
use serde::Serialize;

/// Where the index is published, relative to the output folder.
pub const PATH: &str = "static/search-index.json";

/// Version of the index format (docs/search.md); `search.js` ignores an index of another version.
pub const FORMAT_VERSION: u32 = 1;

/// How much plain text of one entry goes into the index. Answers are short; free pages are cut
/// here, which keeps the whole index small enough to fetch on a phone.
const MAX_TEXT: usize = 1200;

/// The index file and the URL the pages refer to it by.
#[derive(Debug, Clone)]
pub struct SearchIndex {
    /// Root-relative URL: `/static/search-index.json`.
    pub url: String,
    pub file: OutputFile,
}

#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    entries: &'a [Entry],
}

/// One search result: what a reader sees (`title`, `kind`), where it goes (`url`), and what a
/// query is matched against besides the title (`domains`: a provider's email domains, shown under
/// its result; `keywords`: server names, short names, platforms; `text`: plain text of the answer
/// or page).
#[derive(Debug, Serialize)]
pub struct Entry {
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// Builds the index of a site. Prose that fails to render is left out here: the page that shows
/// it fails the build with the error at its line.
pub fn index(site: &Site, plan: &Plan, views: &EntryViews) -> SearchIndex {
    let entries = entries(site, plan, views);
    let json = serde_json::to_vec(&Index {
        version: FORMAT_VERSION,
        entries: &entries,
    })
    .expect("the index is plain strings and numbers, which always serialise");
    let path = PATH.to_string();
    SearchIndex {
        url: file_url(&path),
        file: OutputFile::new(path, json),
    }
}

/// The entries in the order a reader would rank equal matches: providers, mail apps, guides,
/// FAQ, troubleshooting, free pages.
pub fn entries(site: &Site, plan: &Plan, views: &EntryViews) -> Vec<Entry> {
    let prose = &plan.prose;
    let clients = site.published_clients();
    let mut out = Vec::new();
    for p in &site.providers {
        let domains: Vec<String> = p.data.domains.iter().map(|d| d.to_ascii_lowercase()).collect();
        let mut keywords = Vec::new();
        if let Some(short) = &p.data.short_name
            && short != &p.data.name
        {
            keywords.push(short.clone());
        }
        for proto in Protocol::ALL {
            for s in p.servers(proto) {
                let hosts = if s.host_is_template() {
                    p.hosts_by_domain(s).into_iter().map(|(_, h)| h).collect()
                } else {
                    vec![s.host.clone()]
                };
                for host in hosts {
                    let host = host.to_ascii_lowercase();
                    if !keywords.contains(&host) {
                        keywords.push(host);
                    }
                }
            }
        }
        out.push(Entry {
            kind: "provider",
            title: p.data.name.clone(),
            url: PageId::provider(&p.slug).url(),
            domains,
            keywords,
            text: p.data.summary.as_deref().map(markdown_text).unwrap_or_default(),
        });
    }
    for c in &clients {
        out.push(Entry {
            kind: "client",
            title: c.data.name.clone(),
            url: PageId::client(&c.slug).url(),
            domains: vec![],
            keywords: c.data.platforms.clone(),
            text: c.data.summary.clone().unwrap_or_default(),
        });
    }
    for p in &site.providers {
        for c in &clients {
            let mut keywords = vec![p.short_name().to_string()];
            keywords.extend(c.data.platforms.iter().cloned());
            out.push(Entry {
                kind: "guide",
                title: format!("Set up {} in {}", p.data.name, c.data.name),
                url: PageId::guide(&p.slug, &c.slug).url(),
                domains: vec![],
                keywords,
                text: String::new(),
            });
        }
    }
    // Text from every provider's FAQ and troubleshooting entries, in parallel; collecting keeps
    // the order.
    // A draft provider's entries are shown on the FAQ page of `serve`, but are not searched.
    let owners: Vec<Option<&Provider>> = std::iter::once(None)
        .chain(site.providers.iter().filter(|p| !p.data.draft).map(Some))
        .collect();
    let faq: Vec<Vec<Entry>> = owners
        .par_iter()
        .map(|&owner| faq_search_entries(views, owner))
        .collect();
    out.extend(faq.into_iter().flatten());
    let trouble: Vec<Vec<Entry>> = owners
        .par_iter()
        .map(|&owner| trouble_search_entries(views, owner))
        .collect();
    out.extend(trouble.into_iter().flatten());
    for page in &site.pages {
        let body = prose
            .render(&guide_name(&page.guide.source), &prose.context(None, None))
            .map(|md| markdown_text(&md))
            .unwrap_or_default();
        let description = page.guide.front.description.clone().unwrap_or_default();
        out.push(Entry {
            kind: "page",
            title: page
                .guide
                .front
                .title
                .clone()
                .unwrap_or_else(|| page.slug.replace('-', " ")),
            url: PageId::free(&page.slug).url(),
            domains: vec![],
            keywords: vec![],
            text: clip(format!("{description} {body}").trim()),
        });
    }
    // Drafts are never searched, even where they are built (`build --drafts`, `serve`).
    out.retain(|e| !plan.is_draft(&e.url));
    out
}

fn faq_search_entries(views: &EntryViews, owner: Option<&Provider>) -> Vec<Entry> {
    views
        .faq(owner)
        .unwrap_or_default()
        .iter()
        .map(|e| Entry {
            kind: "faq",
            title: e.question.clone(),
            url: format!("{}#{}", PageId::Faq.url(), e.id),
            domains: vec![],
            keywords: owner.map(|p| vec![p.short_name().to_string()]).unwrap_or_default(),
            text: clip(&html_text(&e.answer_html)),
        })
        .collect()
}

fn trouble_search_entries(views: &EntryViews, owner: Option<&Provider>) -> Vec<Entry> {
    views
        .trouble(owner)
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let text = format!("{} {}", html_text(&e.symptom_html), html_text(&e.fix_html));
            Entry {
                kind: "troubleshooting",
                title: e.title.clone(),
                url: format!("{}#{}", PageId::Troubleshooting.url(), e.id),
                domains: vec![],
                keywords: owner.map(|p| vec![p.short_name().to_string()]).unwrap_or_default(),
                text: clip(&text),
            }
        })
        .collect()
}

/// Plain text of Markdown, as the page shows it.
fn markdown_text(markdown: &str) -> String {
    html_text(&to_html(markdown, 0))
}

/// Plain text of the HTML that mailguide's Markdown renderer writes: tags dropped (block ends
/// become spaces), the few entities it escapes decoded, whitespace folded.
pub fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text, |t, (entity, c)| replaced(t, entity, c));
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Inline tags became spaces too: close the gaps they left before punctuation.
    let closed = [" .", " ,", " :", " ;", " )", " ?", " !"]
        .iter()
        .fold(folded, |t, gap| replaced(t, gap, &gap[1..]));
    replaced(closed, "( ", "(")
}

/// `text` with `from` replaced by `to`; the text itself when it has no `from`, which is most
/// of the time (every FAQ answer and fix of a large site passes here).
fn replaced(text: String, from: &str, to: &str) -> String {
    if memchr::memmem::find(text.as_bytes(), from.as_bytes()).is_some() {
        text.replace(from, to)
    } else {
        text
    }
}

/// At most [`MAX_TEXT`] bytes, cut at a word boundary.
fn clip(text: &str) -> String {
    if text.len() <= MAX_TEXT {
        return text.to_string();
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text[..end].rfind(' ').unwrap_or(end);
    format!("{}…", &text[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_readable_text() {
        assert_eq!(
            html_text(
                "<p>Use <code>imap.mail.me.com</code>, port <strong>993</strong>.</p>\n<p>A &amp; B &lt;x&gt;</p>"
            ),
            "Use imap.mail.me.com, port 993. A & B <x>"
        );
    }

    #[test]
    fn long_text_is_cut_between_words() {
        let long = "word ".repeat(400);
        let clipped = clip(&long);
        assert!(clipped.len() <= MAX_TEXT + '…'.len_utf8());
        assert!(clipped.ends_with("word…"), "{clipped:?}");
        assert_eq!(clip("short text"), "short text");
    }
}
