//! The site's prose as text to scan, with a way back to the file: shared by the rules that read
//! what editors wrote (literal hosts and ports in `prose`, links in `links`).
//!
//! A guide's body is a suffix of its file, so an offset maps to a line directly. A YAML string is
//! not: a block scalar (`|` or `>`) starts on the line after its key and is indented, so its
//! lines are taken from the file as written, with the indentation stripped and remembered, the
//! way `plan::prose` maps template errors.

use crate::diagnostics::Location;
use crate::model::{Client, Provider, Site, Source};
use crate::plan::PageId;

/// A piece of text and where each of its lines stands in a file.
#[derive(Debug, Clone)]
pub struct Text {
    pub file: String,
    pub body: String,
    /// Per line of `body`: its byte offset in `body`, its 1-based line in the file and the
    /// 1-based column of its first character.
    lines: Vec<(usize, usize, usize)>,
}

impl Text {
    /// A Markdown body that starts at `body_line` of `source` (a guide or page).
    pub fn markdown(source: &Source, body: &str, body_line: usize) -> Text {
        let mut lines = Vec::new();
        let mut offset = 0;
        for (i, line) in body.split_inclusive('\n').enumerate() {
            lines.push((offset, body_line + i, 1));
            offset += line.len();
        }
        if lines.is_empty() {
            lines.push((0, body_line, 1));
        }
        Text {
            file: source.path.clone(),
            body: body.to_string(),
            lines,
        }
    }

    /// The string at a YAML path of `source`, as written in the file. `value` is the parsed value,
    /// used when the file's text cannot be mapped (a multi-line plain or quoted scalar).
    pub fn yaml(source: &Source, path: &str, value: &str) -> Text {
        let file = source.path.clone();
        let Some(span) = source.spans.get(path) else {
            return Text {
                file,
                body: value.to_string(),
                lines: vec![(0, 1, 1)],
            };
        };
        if span.block {
            let mut body = String::new();
            let mut lines = Vec::new();
            let mut indent: Option<usize> = None;
            // The scanner marks a block scalar at its `|` indicator or at its first line.
            let marker_line = span.line.saturating_sub(1);
            let marker = source.line(marker_line).unwrap_or("").trim_end();
            let first = if marker.ends_with(['|', '>', '-', '+']) {
                span.line
            } else {
                marker_line
            };
            let from = source.lines.start(first).unwrap_or(source.text.len());
            for (i, raw) in source.text[from..].lines().enumerate().map(|(i, l)| (i + first, l)) {
                let trimmed = raw.trim_start();
                let this_indent = raw.len() - trimmed.len();
                if trimmed.is_empty() {
                    lines.push((body.len(), i + 1, 1));
                    body.push('\n');
                    continue;
                }
                let block_indent = *indent.get_or_insert(this_indent);
                if this_indent < block_indent || block_indent == 0 {
                    break;
                }
                lines.push((body.len(), i + 1, block_indent + 1));
                body.push_str(&raw[block_indent..]);
                body.push('\n');
            }
            // Trailing blank lines belong to the YAML around the block, not to the text.
            while body.ends_with("\n\n") {
                body.pop();
                lines.pop();
            }
            if lines.is_empty() {
                lines.push((0, span.line, span.column));
            }
            return Text { file, body, lines };
        }
        // A one-line scalar: skip the opening quote of a quoted one.
        let line_text = source.line(span.line.saturating_sub(1)).unwrap_or("");
        let quoted = matches!(line_text.chars().nth(span.column.saturating_sub(1)), Some('"' | '\''));
        let column = span.column + usize::from(quoted);
        let body = if value.contains('\n') {
            value.replace('\n', " ")
        } else {
            value.to_string()
        };
        Text {
            file,
            body,
            lines: vec![(0, span.line, column)],
        }
    }

    /// The location of the text from byte `start` to byte `end` of the body.
    pub fn location(&self, start: usize, end: usize) -> Location {
        let idx = self.lines.partition_point(|(off, ..)| *off <= start).saturating_sub(1);
        let (off, line, col) = self.lines.get(idx).copied().unwrap_or((0, 1, 1));
        let start = start.min(self.body.len());
        let off = off.min(start);
        let column = col + self.body.get(off..start).map(|s| s.chars().count()).unwrap_or(0);
        let len = self
            .body
            .get(start..end.min(self.body.len()))
            .map(|s| s.chars().take_while(|c| *c != '\n').count())
            .unwrap_or(1);
        Location::new(&self.file, line, column).with_len(len)
    }
}

/// What a piece of prose is, which decides whose data it speaks about and in which words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `content/clients/<slug>.md`: rendered once for every provider.
    ClientGuide,
    /// `content/providers/<provider>/<client>.md`.
    Override,
    FaqAnswer,
    TroubleshootingEntry,
    Prerequisite,
    /// `content/pages/<slug>.md`.
    Page,
    /// A provider's summary, notes and password texts: Markdown, but no template.
    ProviderNotes,
}

impl Kind {
    /// How a message names the text: "this guide says ...".
    pub fn noun(self) -> &'static str {
        match self {
            Kind::ClientGuide | Kind::Override => "this guide",
            Kind::FaqAnswer => "this FAQ answer",
            Kind::TroubleshootingEntry => "this troubleshooting entry",
            Kind::Prerequisite => "this prerequisite",
            Kind::Page => "this page",
            Kind::ProviderNotes => "this text",
        }
    }

    /// Whether Tera expressions are evaluated in the text.
    pub fn templated(self) -> bool {
        self != Kind::ProviderNotes
    }
}

/// One piece of prose with what it is about.
pub struct Piece<'a> {
    pub text: Text,
    pub kind: Kind,
    /// The provider the text is about, from its folder or `provider:` field. `None` for generic
    /// client guides, free pages and general entries.
    pub provider: Option<&'a Provider>,
    /// The clients whose words the text speaks (a guide's client, a troubleshooting entry's
    /// `clients:`); empty for neutral texts.
    pub clients: Vec<&'a Client>,
    /// The page URL the text is shown on, for links to `#anchor`s on the same page.
    pub page: Option<String>,
    /// The text a reader reads just before this one and reads it with: a FAQ answer's question,
    /// a troubleshooting fix's title and symptom. "Use port 465" answers the question it is under.
    pub lead: Option<Lead>,
}

/// The text a piece is read with ([`Piece::lead`]): what it is, for messages, and its words.
#[derive(Debug, Clone)]
pub struct Lead {
    /// "question", "symptom".
    pub what: &'static str,
    pub text: String,
}

/// Every piece of prose of the site, in a stable order.
pub fn pieces(site: &Site) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for c in &site.clients {
        if let Some(g) = &c.guide {
            out.push(Piece {
                text: Text::markdown(&g.source, &g.body, g.body_line),
                kind: Kind::ClientGuide,
                provider: None,
                clients: vec![c],
                page: None,
                lead: None,
            });
        }
    }
    for o in &site.overrides {
        let g = &o.guide;
        out.push(Piece {
            text: Text::markdown(&g.source, &g.body, g.body_line),
            kind: Kind::Override,
            provider: site.provider(&o.provider),
            clients: site.client(&o.client).into_iter().collect(),
            page: Some(PageId::guide(&o.provider, &o.client).url()),
            lead: None,
        });
    }
    for e in &site.faq {
        let path = format!("[{}].answer", e.index);
        out.push(Piece {
            text: Text::yaml(&e.source, &path, &e.data.answer),
            kind: Kind::FaqAnswer,
            provider: e.data.provider.as_deref().and_then(|s| site.provider(s)),
            clients: vec![],
            page: Some(PageId::Faq.url()),
            lead: Some(Lead {
                what: "question",
                text: e.data.question.clone(),
            }),
        });
    }
    for e in &site.troubleshooting {
        let clients: Vec<&Client> = e.data.clients.iter().filter_map(|c| site.client(c)).collect();
        // The symptom is read with the entry's title, the fix with both.
        let title = Lead {
            what: "title",
            text: e.data.title.clone(),
        };
        let symptom = Lead {
            what: "title and symptom",
            text: format!("{}: {}", e.data.title, e.data.symptom),
        };
        for (field, value, lead) in [("symptom", &e.data.symptom, title), ("fix", &e.data.fix, symptom)] {
            let path = format!("[{}].{field}", e.index);
            out.push(Piece {
                text: Text::yaml(&e.source, &path, value),
                kind: Kind::TroubleshootingEntry,
                provider: e.data.provider.as_deref().and_then(|s| site.provider(s)),
                clients: clients.clone(),
                page: Some(PageId::Troubleshooting.url()),
                lead: Some(lead),
            });
        }
    }
    for p in &site.providers {
        for (i, pre) in p.data.prerequisites.iter().enumerate() {
            out.push(Piece {
                text: Text::yaml(&p.source, &format!("prerequisites[{i}].body"), &pre.body),
                kind: Kind::Prerequisite,
                provider: Some(p),
                clients: vec![],
                page: Some(PageId::provider(&p.slug).url()),
                lead: None,
            });
        }
        let d = &p.data;
        let notes = [
            ("summary", d.summary.as_deref()),
            ("notes", d.notes.as_deref()),
            ("password.notes", d.password.notes.as_deref()),
            ("password.app_password_steps", d.password.app_password_steps.as_deref()),
        ];
        for (path, value) in notes {
            if let Some(value) = value {
                out.push(Piece {
                    text: Text::yaml(&p.source, path, value),
                    kind: Kind::ProviderNotes,
                    provider: Some(p),
                    clients: vec![],
                    page: Some(PageId::provider(&p.slug).url()),
                    lead: None,
                });
            }
        }
    }
    for page in &site.pages {
        let g = &page.guide;
        out.push(Piece {
            text: Text::markdown(&g.source, &g.body, g.body_line),
            kind: Kind::Page,
            provider: None,
            clients: vec![],
            page: Some(PageId::free(&page.slug).url()),
            lead: None,
        });
    }
    out
}

/// A Tera piece of a template: an expression `{{ ... }}`, a tag `{% ... %}` or a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeraPiece {
    pub start: usize,
    pub end: usize,
    /// For an expression, its variable without filters (`smtp.port`); empty for tags and comments.
    pub expr: String,
    pub is_tag: bool,
}

/// Finds the Tera pieces of a text, in order. An unclosed piece runs to the end of the text (the
/// template check reports it).
pub fn tera_pieces(body: &str) -> Vec<TeraPiece> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        let close = match bytes[i + 1] {
            b'{' => "}}",
            b'%' => "%}",
            b'#' => "#}",
            _ => {
                i += 1;
                continue;
            }
        };
        let end = body[i + 2..].find(close).map(|e| i + 2 + e + 2).unwrap_or(body.len());
        let inner = body.get(i + 2..end.saturating_sub(2).max(i + 2)).unwrap_or("");
        let inner = inner.trim_matches(['-', ' ', '\n', '\t']);
        let (expr, is_tag) = match bytes[i + 1] {
            b'{' => (inner.split('|').next().unwrap_or("").trim().to_string(), false),
            b'%' => (String::new(), true),
            _ => (String::new(), false),
        };
        out.push(TeraPiece {
            start: i,
            end,
            expr,
            is_tag,
        });
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::spans_of;
    use std::sync::Arc;

    fn source(path: &str, text: &str) -> Source {
        Source {
            path: path.into(),
            text: Arc::from(text),
            spans: Arc::new(spans_of(text)),
            lines: Arc::new(crate::model::LineIndex::new(text)),
        }
    }

    #[test]
    fn block_scalars_map_to_their_file_lines() {
        let s = source(
            "f.yaml",
            "- question: Q\n  answer: |\n    First line.\n\n    Third: port 465.\n- question: R\n",
        );
        let t = Text::yaml(&s, "[0].answer", "First line.\n\nThird: port 465.\n");
        assert_eq!(t.body, "First line.\n\nThird: port 465.\n");
        let at = t.body.find("465").unwrap();
        let loc = t.location(at, at + 3);
        assert_eq!((loc.line, loc.column, loc.len), (5, 17, 3));
    }

    #[test]
    fn quoted_scalars_skip_the_quote() {
        let s = source("f.yaml", "summary: \"Use port 993\"\n");
        let t = Text::yaml(&s, "summary", "Use port 993");
        let at = t.body.find("993").unwrap();
        assert_eq!(t.location(at, at + 3).column, 20);
    }

    #[test]
    fn tera_pieces_strip_filters_and_whitespace_control() {
        let p = tera_pieces("a {{ words.incoming | lower }} b {%- if x %}c{% endif %}");
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].expr, "words.incoming");
        assert!(p[1].is_tag && p[2].is_tag);
    }
}
