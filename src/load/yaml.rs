//! YAML parsing, kept in this module so the parser can be swapped (serde_yaml is archived).
//!
//! serde_yaml turns a text into typed data, and its errors (with line and column) become
//! diagnostics with a hint. yaml-rust2's event parser records where every value stands
//! ([`Spans`]), so later checks can point at `servers.imap[0].port` rather than at the file.
//! A second deserializer fed by those events once saved parsing valid files twice; measured at
//! about 5 % of a cold build (docs/performance.md), it did not earn its 850 lines and is gone.

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Span, Spans};
use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Records value positions of a YAML text. A text that does not parse yields the spans before
/// the fault: serde_yaml reports the fault.
pub fn spans_of(text: &str) -> Spans {
    read(text, crate::model::Limits::default().yaml_depth).spans
}

/// One open collection while spans are recorded: for a mapping, the path of the pending key's
/// value; for a sequence, the next index.
enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, next: usize },
}

/// Records spans event by event.
#[derive(Default)]
struct Recorder {
    spans: Spans,
    stack: Vec<Frame>,
}

impl Recorder {
    /// The path of the next value in the innermost collection (and moves past it).
    fn child_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { key, .. }) => key.take(),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                Some(p)
            }
        }
    }

    fn event(&mut self, event: &Event, mark: Marker) {
        let line = mark.line();
        let column = mark.col() + 1;
        match event {
            Event::Scalar(value, style, ..) => {
                // A scalar in key position is a key; anything else is a value.
                if let Some(Frame::Map { path, key }) = self.stack.last_mut()
                    && key.is_none()
                {
                    let value_path = join(path, value, "");
                    self.spans.record(
                        join(path, value, "#key"),
                        Span {
                            line,
                            column,
                            len: value.chars().count(),
                            block: false,
                        },
                    );
                    *key = Some(value_path);
                    return;
                }
                if let Some(p) = self.child_path() {
                    let block = matches!(style, TScalarStyle::Literal | TScalarStyle::Folded);
                    let quoted = matches!(style, TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted);
                    let len = if block {
                        1
                    } else {
                        value.chars().count() + if quoted { 2 } else { 0 }
                    };
                    self.spans.record(
                        p,
                        Span {
                            line,
                            column,
                            len,
                            block,
                        },
                    );
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let path = self.child_path().unwrap_or_default();
                self.spans.record_first(
                    path.clone(),
                    Span {
                        line,
                        column,
                        len: 1,
                        block: false,
                    },
                );
                self.stack.push(if is_map {
                    Frame::Map { path, key: None }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                self.child_path();
            }
            _ => {}
        }
    }
}

/// `path.key` (or `key` at the top) followed by `suffix`, in one allocation.
fn join(path: &str, key: &str, suffix: &str) -> String {
    let mut p = String::with_capacity(path.len() + 1 + key.len() + suffix.len());
    if !path.is_empty() {
        p.push_str(path);
        p.push('.');
    }
    p.push_str(key);
    p.push_str(suffix);
    p
}

/// A text read by the event parser: its spans, and where it was nested too deep.
struct Read {
    spans: Spans,
    /// Where a collection opened deeper than the limit, and how deep it was: reading stopped there.
    too_deep: Option<(Marker, usize)>,
}

/// Reads `text` event by event, stopping at the first collection nested deeper than
/// `max_depth`: nothing later (the typed data, serde_yaml's fallback, whose scanner is quadratic
/// in the depth) sees such a text, so deep nesting costs one pass up to the limit.
fn read(text: &str, max_depth: usize) -> Read {
    let mut recorder = Recorder::default();
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(pair) => pair,
            Err(e) => {
                // The scanner counts open flow collections in a `u8` and reads ahead over them
                // before the first event; past 255 it stops with this error, which is a text
                // nested too deep, not a syntax fault to hand to serde_yaml (whose scanner took a
                // minute over 100,000 levels).
                let too_deep = (e.info() == "recursion limit exceeded").then(|| (*e.marker(), 256));
                return Read {
                    spans: recorder.spans,
                    too_deep,
                };
            }
        };
        match &event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if depth > max_depth {
                    return Read {
                        spans: recorder.spans,
                        too_deep: Some((mark, depth)),
                    };
                }
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        recorder.event(&event, mark);
        let end = matches!(event, Event::StreamEnd);
        if end {
            break;
        }
    }
    Read {
        spans: recorder.spans,
        too_deep: None,
    }
}

/// Parses a YAML file into `T`, with the spans of its values (see [`parse`] for the errors).
/// Collections nested deeper than `max_depth` are an error (`yaml-too-deep`).
pub fn parse_with_spans<T: DeserializeOwned>(
    file: &str,
    text: &str,
    max_depth: usize,
) -> (Spans, Result<T, Diagnostic>) {
    let read = read(text, max_depth);
    (read.spans, finish(file, text, 0, read.too_deep, max_depth))
}

/// Parses `text` (from `file`) into `T`, turning serde_yaml's error into a diagnostic with the
/// line, column, and a hint. `line_offset` is added to lines (for front matter inside Markdown).
pub fn parse<T: DeserializeOwned>(
    file: &str,
    text: &str,
    line_offset: usize,
    max_depth: usize,
) -> Result<T, Diagnostic> {
    let read = read(text, max_depth);
    finish(file, text, line_offset, read.too_deep, max_depth)
}

/// An empty file and one nested too deep are refused here, before serde_yaml (which would read
/// an empty file as a null and report a missing key, and whose scanner is quadratic in depth).
fn finish<T: DeserializeOwned>(
    file: &str,
    text: &str,
    line_offset: usize,
    too_deep: Option<(Marker, usize)>,
    max_depth: usize,
) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("yaml-empty", "the file is empty")
            .at(Location::new(file, line_offset + 1, 1))
            .help("write the file's keys; see docs/content.md for an example of every file kind"));
    }
    if let Some((mark, depth)) = too_deep {
        let how_deep = if depth > max_depth + 1 {
            format!("at least {depth} deep here (the limit is {max_depth})")
        } else {
            format!("more than {max_depth} deep here")
        };
        return Err(
            Diagnostic::error("yaml-too-deep", format!("lists and mappings are nested {how_deep}"))
                .at(Location::new(file, mark.line() + line_offset, mark.col() + 1))
                .help(format!(
                    "no content file needs this much nesting: look for unbalanced `[` or `{{`; a site that really \
             needs it can raise `limits: {{yaml_depth: N}}` in site.yaml (now {max_depth})"
                )),
        );
    }
    serde_yaml::from_str::<T>(text).map_err(|err| to_diagnostic(file, text, line_offset, &err))
}

fn to_diagnostic(file: &str, text: &str, line_offset: usize, err: &serde_yaml::Error) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; the location carries that.
    let message = match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let (line, column) = err.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
    let mut location = Location::new(file, line + line_offset, column);
    // Split "servers.imap[0].port: invalid type" into the path and the complaint.
    let (path, what) = match message.split_once(": ") {
        Some((p, w)) if !p.contains(' ') => (Some(p.to_string()), w.to_string()),
        _ => (None, message.clone()),
    };
    let within = path.as_deref().map(|p| format!(" in `{p}`")).unwrap_or_default();

    if let Some(rest) = what.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        let key_len = key.chars().count();
        location = location.with_len(key_len);
        let mut d = Diagnostic::error("yaml-unknown-key", format!("unknown key `{key}`{within}")).at(location);
        let closest = known
            .iter()
            .map(|k| (strsim::damerau_levenshtein(key, k), k))
            .filter(|(dist, k)| *dist <= 2.max(k.len() / 3))
            .min();
        d = match closest {
            Some((_, k)) => d.help(format!("did you mean `{k}`? (known keys: {})", known.join(", "))),
            None => d.help(format!("remove it, or use one of the known keys: {}", known.join(", "))),
        };
        return d;
    }
    if let Some(rest) = what.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        let closest = known.iter().min_by_key(|k| strsim::damerau_levenshtein(value, k));
        let mut help = format!("use one of: {}", known.join(", "));
        if let Some(k) = closest.filter(|k| strsim::damerau_levenshtein(value, k) <= 3) {
            help = format!("did you mean `{k}`? ({help})");
        }
        return Diagnostic::error("yaml-bad-value", format!("`{value}` is not a valid value{within}"))
            .at(location.with_len(value.chars().count()))
            .help(help);
    }
    if let Some(rest) = what.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::error("yaml-missing-key", format!("missing key `{key}`{within}"))
            .at(location)
            .help(format!("add `{key}:` here; see docs/content.md for what it holds"));
    }
    if what.starts_with("invalid type") || what.starts_with("invalid value") || what.starts_with("invalid length") {
        let token_len = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| {
                l.chars()
                    .skip(column.saturating_sub(1))
                    .take_while(|c| !c.is_whitespace())
                    .count()
            })
            .unwrap_or(1);
        return Diagnostic::error("yaml-wrong-type", format!("{what}{within}"))
            .at(location.with_len(token_len))
            .help("write a value of the expected type; see docs/content.md");
    }
    Diagnostic::error("yaml-syntax", format!("this is not valid YAML: {message}"))
        .at(location)
        .help("check the indentation and quoting on this line and the one above it")
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_record_nested_values_and_keys() {
        let text = "name: X\nservers:\n  imap:\n    - host: a.example\n      port: 993\nlist:\n  - |\n    text\n";
        let spans = spans_of(text);
        assert_eq!(
            spans.get("name"),
            Some(Span {
                line: 1,
                column: 7,
                len: 1,
                block: false
            })
        );
        assert_eq!(
            spans.get("servers.imap[0].port").map(|s| (s.line, s.column)),
            Some((5, 13))
        );
        assert_eq!(
            spans.get("servers.imap[0].host#key").map(|s| (s.line, s.column)),
            Some((4, 7))
        );
        assert!(spans.get("list[0]").unwrap().block);
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            name: String,
            domains: Vec<String>,
        }
        let d = parse::<T>("p.yaml", "name: a\ndomians: []\n", 0, 64).unwrap_err();
        assert_eq!(d.code, "yaml-unknown-key");
        assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((2, 1)));
        assert!(d.help.unwrap().starts_with("did you mean `domains`?"));
    }
}
