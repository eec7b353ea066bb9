//! YAML parsing, kept in this module so the parser can be swapped (serde_yaml is archived).
//!
//! serde_yaml turns a text into typed data, and its errors (with line and column) become
//! diagnostics with a hint. yaml-rust2's event parser records where every value stands
//! ([`Spans`]), so later checks can point at `servers.imap[0].port` rather than at the file.
//! A second deserializer fed by those events once saved parsing valid files twice; measured at
//! about 5 % of a cold build (docs/performance.md), it did not earn its 850 lines and is gone.

use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Span, Spans};
use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Records value positions of a YAML text. A text that does not parse yields the spans before
/// the fault: serde_yaml reports the fault.
pub fn spans_of(text: &str) -> Spans {
    read(text, crate::model::Limits::default().yaml_depth).spans
}

/// One open collection while spans are recorded: for a mapping, the path of the pending key's
/// value and where each of its keys stands; for a sequence, the next index.
enum Frame {
    Map {
        path: String,
        key: Option<String>,
        /// The mapping's keys so far, with their line and column: a key written twice is found
        /// here, at its own place (serde_yaml reports it at the mapping, or at the file's start).
        keys: FxHashMap<String, (usize, usize)>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Duplicate {
    key: String,
    /// The path of the mapping (empty at the top of the file).
    within: String,
    /// Line and column of the first occurrence.
    first: (usize, usize),
    /// Where the second occurrence stands.
    again: Span,
}

/// Records spans event by event.
#[derive(Default)]
struct Recorder {
    spans: Spans,
    stack: Vec<Frame>,
    /// The first key found twice in a mapping.
    duplicate: Option<Duplicate>,
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
                if let Some(Frame::Map { path, key, keys }) = self.stack.last_mut()
                    && key.is_none()
                {
                    let value_path = join(path, value, "");
                    let span = Span {
                        line,
                        column,
                        len: value.chars().count(),
                        block: false,
                    };
                    match keys.get(value.as_str()) {
                        Some(&first) => {
                            self.duplicate.get_or_insert_with(|| Duplicate {
                                key: value.clone(),
                                within: path.clone(),
                                first,
                                again: span,
                            });
                        }
                        None => {
                            keys.insert(value.clone(), (line, column));
                        }
                    }
                    self.spans.record(join(path, value, "#key"), span);
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
                    Frame::Map {
                        path,
                        key: None,
                        keys: FxHashMap::default(),
                    }
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

/// A text read by the event parser: its spans, and the faults found on the way, each at its own
/// place (serde_yaml reports a duplicate key at its mapping and a second document at the start of
/// the file).
#[derive(Default)]
struct Read {
    spans: Spans,
    /// Where a collection opened deeper than the limit, and how deep it was: reading stopped there.
    too_deep: Option<(Marker, usize)>,
    /// The first key written twice in a mapping.
    duplicate: Option<Duplicate>,
    /// Where a second document starts (its `---`): reading stopped there.
    second_document: Option<Marker>,
}

/// Reads `text` event by event, stopping at the first collection nested deeper than
/// `max_depth`: nothing later (the typed data, serde_yaml's fallback, whose scanner is quadratic
/// in the depth) sees such a text, so deep nesting costs one pass up to the limit. Reading also
/// stops where a second document starts: a content file is one document, and the second one's
/// keys are not the first one's duplicates.
fn read(text: &str, max_depth: usize) -> Read {
    let mut recorder = Recorder::default();
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    let mut documents = 0usize;
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
                    too_deep,
                    ..Read::from(recorder)
                };
            }
        };
        match &event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                depth += 1;
                if depth > max_depth {
                    return Read {
                        too_deep: Some((mark, depth)),
                        ..Read::from(recorder)
                    };
                }
            }
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Read {
                        second_document: Some(mark),
                        ..Read::from(recorder)
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
    Read::from(recorder)
}

impl From<Recorder> for Read {
    fn from(recorder: Recorder) -> Read {
        Read {
            spans: recorder.spans,
            duplicate: recorder.duplicate,
            ..Read::default()
        }
    }
}

/// Parses a YAML file into `T`, with the spans of its values (see [`parse`] for the errors).
/// Collections nested deeper than `max_depth` are an error (`yaml-too-deep`).
pub fn parse_with_spans<T: DeserializeOwned>(
    file: &str,
    text: &str,
    max_depth: usize,
) -> (Spans, Result<T, Diagnostic>) {
    let mut read = read(text, max_depth);
    let spans = std::mem::take(&mut read.spans);
    (spans, finish(file, text, 0, read, max_depth))
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
    finish(file, text, line_offset, read, max_depth)
}

/// An empty file, one nested too deep, a key written twice and a second document are refused
/// here, before serde_yaml (which would read an empty file as a null and report a missing key,
/// whose scanner is quadratic in depth, and which reports the other two at the wrong place).
fn finish<T: DeserializeOwned>(
    file: &str,
    text: &str,
    line_offset: usize,
    read: Read,
    max_depth: usize,
) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("yaml-empty", "the file is empty")
            .at(Location::new(file, line_offset + 1, 1))
            .help("write the file's keys; see docs/content.md for an example of every file kind"));
    }
    if let Some((mark, depth)) = read.too_deep {
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
    if let Some(d) = read.duplicate {
        let within = if d.within.is_empty() {
            String::new()
        } else {
            format!(" in `{}`", d.within)
        };
        return Err(Diagnostic::error(
            "yaml-duplicate-key",
            format!("the key `{}` is written twice{within}", d.key),
        )
        .at(Location::new(file, d.again.line + line_offset, d.again.column).with_len(d.again.len))
        .help(format!(
            "`{}` first appears at line {}, column {}; keep one of the two (a YAML mapping holds each key once)",
            d.key,
            d.first.0 + line_offset,
            d.first.1
        )));
    }
    if let Some(mark) = read.second_document {
        return Err(Diagnostic::error(
            "yaml-syntax",
            "a second YAML document starts here: a content file holds one",
        )
        .at(Location::new(file, mark.line() + line_offset, mark.col() + 1).with_len(3))
        .help(
            "remove this `---` line if what follows belongs to the document above, or move what follows into \
             a file of its own",
        ));
    }
    serde_yaml::from_str::<T>(text).map_err(|err| {
        control_character(file, text, line_offset, &err).unwrap_or_else(|| to_diagnostic(file, text, line_offset, &err))
    })
}

/// serde_yaml's "control characters are not allowed" names no line (it says the start of the
/// file): the first character YAML cannot hold raw, found in the text, at its line and column.
/// The same code as the rule for loaded files ([`crate::check`]'s `text-control-character`).
fn control_character(file: &str, text: &str, line_offset: usize, err: &serde_yaml::Error) -> Option<Diagnostic> {
    if !err.to_string().starts_with("control characters are not allowed") {
        return None;
    }
    // What libyaml's reader accepts (YAML 1.1's printable characters).
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c >= '\u{10000}'
    };
    let (offset, c) = text.char_indices().find(|&(_, c)| !printable(c))?;
    let (line, column) = crate::model::LineIndex::new(text).position(text, offset);
    Some(
        Diagnostic::error(
            "text-control-character",
            format!("{} in the text", crate::diagnostics::describe_char(c)),
        )
        .at(Location::new(file, line + line_offset, column))
        .help("remove it: it is invisible in an editor, and a YAML file cannot hold it as it is"),
    )
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

    /// Only a key written twice in one mapping is a duplicate: the same key in sibling mappings,
    /// in items of a list, in a nested mapping or inside a mapping used as a key is not.
    #[test]
    fn duplicates_are_keys_twice_in_one_mapping() {
        let fine = "a: 1\nb: {a: 2, c: {a: 3}}\nl:\n  - a: 4\n  - a: 5\n? {a: 6}\n: 7\n";
        assert_eq!(read(fine, 64).duplicate, None);
        let twice = "a: 1\nb:\n  - x: 1\n    c: 2\n    x: 3\n";
        let d = read(twice, 64).duplicate.expect("a duplicate");
        assert_eq!((d.key.as_str(), d.within.as_str(), d.first), ("x", "b[0]", (3, 5)));
        assert_eq!((d.again.line, d.again.column), (5, 5));
    }

    /// In front matter the lines count from the Markdown file's first line.
    #[test]
    fn faults_found_while_reading_are_at_their_place_in_front_matter_too() {
        let d = parse::<serde_yaml::Value>("g.md", "title: A\ntitle: B\n", 1, 64).unwrap_err();
        assert_eq!(d.code, "yaml-duplicate-key");
        assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((3, 1)));
        assert!(d.help.unwrap_or_default().contains("line 2, column 1"));
        let d = parse::<serde_yaml::Value>("g.md", "title: A\nx: \"a\u{1b}b\"\n", 1, 64).unwrap_err();
        assert_eq!(d.code, "text-control-character");
        assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((3, 6)));
        let d = parse::<serde_yaml::Value>("p.yaml", "a: 1\n---\n", 0, 64).unwrap_err();
        assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((2, 1)));
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
