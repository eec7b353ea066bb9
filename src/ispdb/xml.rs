//! Reading the format's XML into a small tree that keeps each element's line and attributes, so
//! the mapping can say where in the file a value it could not carry over stands. The files are
//! small (a few kB), so a tree is simpler to map than a stream of events, and quick-xml does the
//! tokenising and the escapes.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use thiserror::Error;

/// Why a file could not be read as autoconfig XML: malformed XML, or XML of another kind.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One element: its local name, attributes in file order, child elements, text (with entities
/// and CDATA resolved) and the line its start tag is on.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    pub line: usize,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn text(&self) -> &str {
        self.text.trim()
    }

    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(Element::text)
    }
}

/// Byte offsets of line starts, to turn parser offsets into lines and columns.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (line, column)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = self.at(offset);
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }
}

/// The root element of `text`, or where and why it is not well-formed XML.
pub fn parse(text: &str) -> Result<Element, ParseError> {
    let lines = Lines::new(text);
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let start_element = |s: &BytesStart, offset: usize| -> Result<Element, ParseError> {
        let mut el = Element {
            name: s.local_name().as_ref().to_string(),
            line: lines.at(offset).0,
            ..Default::default()
        };
        for attr in s.attributes() {
            let attr = attr.map_err(|e| lines.error(offset, format!("malformed XML: {e}")))?;
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| lines.error(offset, format!("malformed XML: {e}")))?;
            el.attrs
                .push((attr.key.local_name().as_ref().to_string(), value.into_owned()));
        }
        Ok(el)
    };
    loop {
        let offset = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| lines.error(reader.error_position() as usize, format!("malformed XML: {e}")))?;
        let finished = match event {
            Event::Start(s) => {
                stack.push(start_element(&s, offset)?);
                None
            }
            Event::Empty(s) => Some(start_element(&s, offset)?),
            Event::End(_) => stack.pop(),
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(lines.error(offset, "malformed XML: text outside the root element")),
                }
                None
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.xml10_content());
                }
                None
            }
            Event::GeneralRef(r) => {
                let resolved: Cow<str> = match r.resolve_char_ref() {
                    Ok(Some(c)) => Cow::Owned(c.to_string()),
                    Ok(None) => {
                        let name = r.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => Cow::Borrowed(s),
                            None => {
                                return Err(lines.error(offset, format!("malformed XML: unknown entity `&{name};`")));
                            }
                        }
                    }
                    Err(e) => return Err(lines.error(offset, format!("malformed XML: {e}"))),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
                None
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some(el) = finished {
            match stack.last_mut() {
                Some(parent) => parent.children.push(el),
                None if root.is_none() => root = Some(el),
                None => {
                    return Err(lines.error(offset, format!("malformed XML: a second root element <{}>", el.name)));
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(ParseError {
            line: open.line,
            column: 1,
            message: format!("malformed XML: <{}> is never closed", open.name),
        });
    }
    root.ok_or_else(|| lines.error(text.len(), "malformed XML: the file has no element"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one() {
        let l = Lines::new("ab\ncd\n");
        assert_eq!(l.at(0), (1, 1));
        assert_eq!(l.at(4), (2, 2));
        assert_eq!(l.at(6), (3, 1));
    }
}
