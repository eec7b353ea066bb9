//! Markdown to HTML with pulldown-cmark: tables, footnotes, strikethrough, and `id`s on headings
//! so every heading can be linked to.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd, html};
use std::collections::HashSet;

pub(crate) use super::dialect::options;

/// Renders Markdown to HTML. Headings get an `id` from their text (unique within the page) and
/// are shifted down by `shift` levels so a guide's `##` fits under the page's own headings.
pub fn to_html(markdown: &str, shift: u8) -> String {
    html_of(
        Parser::new_ext(markdown, options()).collect(),
        shift,
        &mut HashSet::new(),
    )
}

/// [`to_html`] and the steps of a HowTo (the text of each item of the ordered lists) from one parse, for guide pages, which need both.
pub fn to_html_and_steps(markdown: &str, shift: u8) -> (String, Vec<String>) {
    html_and_steps_of(parse(markdown).0, shift)
}

/// The events of `markdown`, and whether it defines link references (`[label]: url`).
pub(crate) fn parse(markdown: &str) -> (Vec<Event<'_>>, bool) {
    let mut parser = Parser::new_ext(markdown, options());
    let events: Vec<Event> = parser.by_ref().collect();
    let references = parser.reference_definitions().iter().next().is_some();
    (events, references)
}

/// [`to_html_and_steps`] of parsed events.
pub(crate) fn html_and_steps_of(events: Vec<Event<'_>>, shift: u8) -> (String, Vec<String>) {
    let steps = steps_of(events.iter());
    (html_of(events, shift, &mut HashSet::new()), steps)
}

/// [`html_and_steps_of`], and the `id`s given to the headings, in order.
pub(crate) fn html_steps_and_ids_of(events: Vec<Event<'_>>, shift: u8) -> (String, Vec<String>, Vec<String>) {
    let steps = steps_of(events.iter());
    let mut used = HashSet::new();
    let html = html_of(events, shift, &mut used);
    (html, steps, used.into_iter().collect())
}

/// The HTML of the events; `used` collects the heading `id`s made.
fn html_of(mut events: Vec<Event<'_>>, shift: u8, used: &mut HashSet<String>) -> String {
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
                None => unique(slugify(&text), used).into(),
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
    let mut out = String::with_capacity(events.len() * 16);
    html::push_html(&mut out, with_images(with_captions(events)).into_iter());
    // pulldown-cmark puts a line break after every block; pages are smaller without them.
    crate::minify::compact(&scope_column_headers(&out))
}

/// Gives every Markdown table a `<caption>`, which screen readers announce with the table: the
/// text of a paragraph `Table: ...` written just before the table (the paragraph is then
/// dropped), or else the text of the nearest heading above it. A caption that only repeats the
/// heading is for screen readers alone (class `visually-hidden`, which themes define).
fn with_captions(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event> = Vec::with_capacity(events.len() + 3);
    let mut heading = String::new();
    let mut in_heading = false;
    for event in events {
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) if in_heading => heading.push_str(t),
            _ => {}
        }
        if let Event::Start(Tag::Table(_)) = event {
            let (caption, open) = match take_caption_paragraph(&mut out) {
                Some(own) => (own, "<caption>"),
                None => (heading.trim().to_string(), "<caption class=\"visually-hidden\">"),
            };
            out.push(event);
            if !caption.is_empty() {
                out.push(Event::Html(open.into()));
                out.push(Event::Text(caption.into()));
                out.push(Event::Html("</caption>".into()));
            }
        } else {
            out.push(event);
        }
    }
    out
}

/// Turns each image the prose compiler marked ([`super::images`]) into its HTML: the published
/// address, width and height, smaller copies and lazy loading. Other images are left to
/// pulldown-cmark (the prose compiler marks every image of templated prose).
fn with_images(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let marked = |e: &Event| matches!(e, Event::Start(Tag::Image { dest_url, .. }) if dest_url.starts_with(super::images::MARKER));
    if !events.iter().any(marked) {
        return events;
    }
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        let Event::Start(Tag::Image { dest_url, title, .. }) = &event else {
            out.push(event);
            continue;
        };
        let Some(image) = super::images::Marked::parse(dest_url) else {
            out.push(event);
            continue;
        };
        // The alt text is the plain text up to the image's end (an image inside it counts by
        // its own alt text, as pulldown-cmark writes it).
        let mut alt = String::new();
        let mut depth = 1;
        for inner in events.by_ref() {
            match inner {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
        }
        out.push(Event::InlineHtml(image.html(&alt, title).into()));
    }
    out
}

/// Removes a trailing `Table: ...` paragraph from `out` and returns its text.
fn take_caption_paragraph(out: &mut Vec<Event<'_>>) -> Option<String> {
    if !matches!(out.last(), Some(Event::End(TagEnd::Paragraph))) {
        return None;
    }
    let start = out.iter().rposition(|e| matches!(e, Event::Start(Tag::Paragraph)))?;
    let mut text = String::new();
    for e in &out[start + 1..out.len() - 1] {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => return None,
        }
    }
    let caption = text.strip_prefix("Table:")?.trim().to_string();
    out.truncate(start);
    Some(caption)
}

/// Marks the header cells of Markdown tables as column headers (`scope="col"`).
fn scope_column_headers(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(start) = rest.find("<thead>") {
        let end = rest[start..].find("</thead>").map_or(rest.len(), |e| start + e);
        out.push_str(&rest[..start]);
        out.push_str(
            &rest[start..end]
                .replace("<th>", "<th scope=\"col\">")
                .replace("<th style", "<th scope=\"col\" style"),
        );
        rest = &rest[end..];
    }
    out.push_str(rest);
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
fn steps_of<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> Vec<String> {
    let mut steps = Vec::new();
    let mut ordered_depth: Vec<bool> = Vec::new();
    let mut current: Option<String> = None;
    let mut item_depth = 0usize;
    for event in events {
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
                    s.push_str(t);
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
    fn tables_get_a_caption_and_column_headers() {
        let table = "| Feature | IMAP |\n|---|:-:|\n| Sync | Yes |\n";
        let html = to_html(&format!("## How they differ\n\n{table}"), 1);
        assert!(
            html.contains("<table><caption class=\"visually-hidden\">How they differ</caption><thead><tr><th scope=\"col\">Feature</th><th scope=\"col\" style=\"text-align: center\">IMAP</th>"),
            "{html}"
        );
        assert!(html.contains("<td>Sync</td>"), "{html}");
        let html = to_html(&format!("## Compare\n\nTable: IMAP & POP3 compared\n\n{table}"), 1);
        assert!(html.contains("<caption>IMAP &amp; POP3 compared</caption>"), "{html}");
        assert!(
            !html.contains("<p>Table:"),
            "the caption paragraph is not repeated: {html}"
        );
        assert!(!to_html(table, 0).contains("<caption>"), "no heading, no caption");
    }

    #[test]
    fn inline_strips_the_paragraph() {
        assert_eq!(inline_html("**Use SSL**"), "<strong>Use SSL</strong>");
    }
}
