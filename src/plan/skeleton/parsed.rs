//! Skeletons parsed: Markdown with placeholders into HTML and HowTo steps, cut at the
//! placeholders so that each page fills in its own strings.

use super::slots::{Slots, index_at};
use super::{PREFIX, holds_prefix};
use crate::plan::markdown;
use memchr::memmem;
use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};
use std::sync::Arc;

/// Text with placeholders, cut at each: filled in with a page's values.
#[derive(Debug)]
struct Filled {
    text: String,
    pieces: Vec<Piece>,
}

#[derive(Debug)]
enum Piece {
    Text(std::ops::Range<usize>),
    Slot(usize),
}

impl Filled {
    /// Cuts `text` at its placeholders; `None` if something starting like one is none of
    /// `placeholders`.
    fn cut(text: String, slots: &Slots) -> Option<Filled> {
        let mut pieces = Vec::new();
        let mut last = 0;
        for at in memmem::find_iter(text.as_bytes(), PREFIX) {
            if at < last {
                continue;
            }
            let index = index_at(&text.as_bytes()[at + PREFIX.len()..])?;
            let token = slots.placeholder(index)?;
            if !text[at..].starts_with(token) {
                return None;
            }
            if at > last {
                pieces.push(Piece::Text(last..at));
            }
            pieces.push(Piece::Slot(index));
            last = at + token.len();
        }
        if last < text.len() {
            pieces.push(Piece::Text(last..text.len()));
        }
        Some(Filled { text, pieces })
    }

    fn fill(&self, slots: &Slots) -> String {
        let mut out = String::with_capacity(self.text.len() + 16 * self.pieces.len());
        for piece in &self.pieces {
            match piece {
                Piece::Text(range) => out.push_str(&self.text[range.clone()]),
                Piece::Slot(i) => out.push_str(slots.value(*i)),
            }
        }
        out
    }
}

/// A parsed skeleton: its HTML and HowTo steps with placeholders.
#[derive(Debug)]
pub(super) struct Skeleton {
    html: Filled,
    steps: Vec<Filled>,
    /// Slots that stand in a link's destination or title, where a space would end the link.
    in_links: Vec<usize>,
}

/// A piece of a skeleton's Markdown, parsed on its own: the whole skeleton, or a section of it
/// that starts at a heading (see [`sections`]). Sections are shared between skeletons: most
/// skeletons differ from others in one or two sections.
#[derive(Debug)]
pub(super) struct Section {
    /// The `id`s its headings got.
    pub(super) ids: Vec<String>,
    html: String,
    steps: Vec<String>,
    in_links: Vec<usize>,
}

impl Section {
    /// Parses Markdown with placeholders; `None` if a placeholder stands where Markdown could
    /// read the real string differently (see the module's introduction).
    pub(super) fn parse(markdown: &str, shift: u8) -> Option<Section> {
        if markdown.contains('\t') {
            return None;
        }
        let bytes = markdown.as_bytes();
        for at in memmem::find_iter(bytes, PREFIX) {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let rest = &bytes[at + PREFIX.len()..];
            index_at(rest)?;
            let letters = rest.iter().position(|&c| c == b'z')?;
            let url = rest.get(letters + 1) == Some(&b':');
            if before == Some(b'&') || (before == Some(b'<') && !url) {
                return None;
            }
        }
        let (events, references) = markdown::parse(markdown);
        if references {
            return None;
        }
        let has = holds_prefix;
        let mut in_links = Vec::new();
        let mut heading = 0usize;
        for event in &events {
            match event {
                Event::Start(Tag::Heading { .. }) => heading += 1,
                Event::End(TagEnd::Heading(_)) => heading = heading.saturating_sub(1),
                Event::Text(t) | Event::Code(t) if heading > 0 && has(t) => return None,
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                })
                | Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) if has(dest_url) || has(title) => {
                    if heading > 0 || !matches!(link_type, LinkType::Inline | LinkType::Autolink) {
                        return None;
                    }
                    for text in [dest_url, title] {
                        for at in memmem::find_iter(text.as_bytes(), PREFIX) {
                            in_links.push(index_at(&text.as_bytes()[at + PREFIX.len()..])?);
                        }
                    }
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if has(info) => return None,
                Event::Html(t) | Event::InlineHtml(t) | Event::InlineMath(t) | Event::DisplayMath(t) if has(t) => {
                    return None;
                }
                Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_)) => return None,
                _ => {}
            }
        }
        let (html, steps, ids) = markdown::html_steps_and_ids_of(events, shift);
        Some(Section {
            html,
            steps,
            ids,
            in_links,
        })
    }
}

/// Splits Markdown before each line that is an ATX heading (`#` to `######` and a space, at the
/// start of the line), when parsing the pieces one by one gives the HTML of the whole, joined:
/// such a line always starts a new block (it ends a paragraph, a list, a quote or a table), and
/// the pieces share nothing else when the text has no fenced code (a `#` line inside would not be
/// a heading), no line starting with `<` (an HTML block may run past a heading line), no link
/// reference definitions or footnotes (checked when parsing) and no tabs. Heading `id`s are made
/// unique per piece; `Skeletons::parse` checks that they are unique across pieces too. `None`
/// when the text has one of those.
pub(super) fn sections(markdown: &str) -> Option<Vec<&str>> {
    let bytes = markdown.as_bytes();
    if memmem::find(bytes, b"```").is_some() || memmem::find(bytes, b"~~~").is_some() {
        return None;
    }
    let mut cuts = vec![0];
    let mut at = 0;
    for line in markdown.split_inclusive('\n') {
        if line.trim_start_matches(' ').starts_with('<') {
            return None;
        }
        let hashes = line.bytes().take_while(|&c| c == b'#').count();
        if at > 0 && (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), Some(b' ' | b'\n') | None) {
            cuts.push(at);
        }
        at += line.len();
    }
    cuts.push(markdown.len());
    Some(
        cuts.windows(2)
            .map(|w| &markdown[w[0]..w[1]])
            .filter(|s| !s.trim().is_empty())
            .collect(),
    )
}

impl Skeleton {
    /// Puts parsed sections together, cut at the page's placeholders.
    pub(super) fn of(sections: &[Arc<Section>], slots: &Slots) -> Option<Skeleton> {
        let html: String = sections.iter().map(|s| s.html.as_str()).collect();
        Some(Skeleton {
            html: Filled::cut(html, slots)?,
            steps: sections
                .iter()
                .flat_map(|s| &s.steps)
                .map(|s| Filled::cut(s.clone(), slots))
                .collect::<Option<_>>()?,
            in_links: sections.iter().flat_map(|s| s.in_links.iter().copied()).collect(),
        })
    }

    /// The page's HTML and steps; `None` if one of its strings cannot stand where its
    /// placeholder does.
    pub(super) fn fill(&self, slots: &Slots) -> Option<(String, Vec<String>)> {
        if self.in_links.iter().any(|&i| slots.value(i).contains(' ')) {
            return None;
        }
        Some((
            self.html.fill(slots),
            self.steps.iter().map(|s| s.fill(slots)).collect(),
        ))
    }
}
