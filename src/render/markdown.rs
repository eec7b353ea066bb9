//! Markdown to HTML with pulldown-cmark: tables, footnotes, strikethrough, and `id`s on headings
//! so every heading can be linked to.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders Markdown to HTML. Headings get an `id` from their text (unique within the page) and
/// are shifted down by `shift` levels so a guide's `##` fits under the page's own headings.
pub fn to_html(markdown: &str, shift: u8) -> String {
    let mut events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    let mut used = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &events[i]
        {
            // Collect the heading's text to make its id.
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let new_level = shifted(*level, shift);
            let id = match id {
                Some(id) => id.clone(),
                None => unique(slugify(&text), &mut used).into(),
            };
            let (classes, attrs) = (classes.clone(), attrs.clone());
            events[i] = Event::Start(Tag::Heading {
                level: new_level,
                id: Some(id),
                classes,
                attrs,
            });
            if j < events.len() {
                events[j] = Event::End(TagEnd::Heading(new_level));
            }
        }
        i += 1;
    }
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Renders a short Markdown text that should not be wrapped in a paragraph (a table cell, a title).
pub fn inline_html(markdown: &str) -> String {
    let html = to_html(markdown, 0);
    let trimmed = html.trim();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

fn shifted(level: HeadingLevel, shift: u8) -> HeadingLevel {
    let n = (level as u8 + shift).min(6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

/// A URL fragment from heading text: lowercase ASCII letters, digits and dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() { "section".into() } else { slug }
}

fn unique(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// The text of each item of the guide's ordered lists, in order: the steps of a HowTo.
pub fn steps(markdown: &str) -> Vec<String> {
    let mut steps = Vec::new();
    let mut ordered_depth: Vec<bool> = Vec::new();
    let mut current: Option<String> = None;
    let mut item_depth = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::List(start)) => ordered_depth.push(start.is_some()),
            Event::End(TagEnd::List(_)) => {
                ordered_depth.pop();
            }
            Event::Start(Tag::Item) => {
                item_depth += 1;
                if item_depth == 1 && ordered_depth.last() == Some(&true) {
                    current = Some(String::new());
                }
            }
            Event::End(TagEnd::Item) => {
                item_depth -= 1;
                if item_depth == 0
                    && let Some(text) = current.take()
                {
                    steps.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(s) = current.as_mut() {
                    s.push(' ');
                }
            }
            _ => {}
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_ids_and_shift() {
        let html = to_html("## Add the account\n\ntext\n\n## Add the account\n", 1);
        assert!(
            html.contains(r#"<h3 id="add-the-account">Add the account</h3>"#),
            "{html}"
        );
        assert!(html.contains(r#"<h3 id="add-the-account-2">"#), "{html}");
    }

    #[test]
    fn inline_strips_the_paragraph() {
        assert_eq!(inline_html("**Use SSL**"), "<strong>Use SSL</strong>");
    }
}
