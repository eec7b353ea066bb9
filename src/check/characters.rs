//! Characters that content must not carry: control characters and the bidirectional embeddings
//! and overrides (U+202A to U+202E).
//!
//! A control character makes the client files that carry it invalid (XML 1.0 and plists cannot
//! hold U+0000 to U+001F other than tab, newline and carriage return) and is invisible in an
//! editor; an override turns the text after it around, so `evil` can read as `live` in a server
//! name (the "Trojan Source" trick). Both are refused wherever they stand, written raw or as a
//! YAML escape (`"\x01"`, `"\u202e"`), and the rule cannot be turned off (`check::FIXED`).
//!
//! Allowed: tab and newline, carriage return (files saved on Windows), a byte-order mark at the
//! start of a file, and the directional marks and isolates right-to-left prose needs (U+200E,
//! U+200F, U+2066 to U+2069). In data fields that name one thing (a host, a user name, a name, a
//! URL...) a tab or a newline is refused too: it would end up inside the value a mail app uses.

use super::Context;
use crate::diagnostics::{Diagnostic, Location, describe_char as describe};
use crate::model::Source;
use std::collections::BTreeSet;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

pub const CODE: &str = "text-control-character";

/// Keys whose value is one name, address or identifier, never prose.
const DATA_KEYS: &[&str] = &[
    "host",
    "username",
    "name",
    "short_name",
    "domains",
    "url",
    "help_url",
    "app_password_url",
    "rule",
    "id",
    "slug",
    "base_url",
    "provider",
];

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut sources: Vec<&Source> = vec![&site.config_source];
    sources.extend(site.providers.iter().map(|p| &p.source));
    sources.extend(site.clients.iter().map(|c| &c.source));
    sources.extend(site.clients.iter().filter_map(|c| c.guide.as_ref()).map(|g| &g.source));
    sources.extend(site.overrides.iter().map(|o| &o.guide.source));
    sources.extend(site.faq.iter().map(|e| &e.source));
    sources.extend(site.troubleshooting.iter().map(|e| &e.source));
    sources.extend(site.pages.iter().map(|p| &p.guide.source));
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for source in sources {
        if !seen.insert(source.path.as_str()) {
            continue;
        }
        raw(source, &mut out);
        if source.path.ends_with(".yaml") || source.path.ends_with(".yml") {
            escaped(source, &mut out);
        }
    }
    out
}

/// Whether `c` is refused anywhere: a control character other than tab, newline and carriage
/// return (C0, DEL, C1), or an embedding or override.
fn refused(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || ('\u{202A}'..='\u{202E}').contains(&c)
}

fn help(c: char) -> &'static str {
    if ('\u{202A}'..='\u{202E}').contains(&c) {
        "remove it; for right-to-left prose use the marks U+200E/U+200F or the isolates U+2066 to U+2069, which cannot reorder the text after them"
    } else {
        "remove it: it is invisible in an editor and makes the client files that carry it invalid"
    }
}

/// Characters written as they are, at their own line and column.
fn raw(source: &Source, out: &mut Vec<Diagnostic>) {
    let text = source.text.strip_prefix('\u{feff}').unwrap_or(&source.text);
    if !text.chars().any(refused) {
        return;
    }
    for (index, line) in text.split('\n').enumerate() {
        for (column, c) in line.chars().enumerate() {
            if refused(c) {
                out.push(
                    Diagnostic::error(CODE, format!("{} in the text", describe(c)))
                        .at(Location::new(&source.path, index + 1, column + 1).with_len(1))
                        .help(help(c)),
                );
            }
        }
    }
}

/// Characters a double-quoted YAML scalar writes as an escape (`"\x01"`, `"\u202e"`, `"\t"` in a
/// host name), at the scalar. Only files with a backslash or a tab can hold one, so others are not
/// parsed again.
fn escaped(source: &Source, out: &mut Vec<Diagnostic>) {
    let text: &str = &source.text;
    if !text.contains(['\\', '\t']) {
        return;
    }
    let mut parser = Parser::new_from_str(text);
    // Per open collection: whether it is a mapping, and the key whose value comes next.
    let mut stack: Vec<(bool, Option<String>)> = Vec::new();
    // The key of the innermost mapping around a sequence item (`domains` for `domains[1]`).
    let data_key = |stack: &Vec<(bool, Option<String>)>| -> Option<String> {
        stack.iter().rev().find(|(map, _)| *map).and_then(|(_, k)| k.clone())
    };
    while let Ok((event, mark)) = parser.next_token() {
        match event {
            Event::StreamEnd => break,
            Event::MappingStart(..) => stack.push((true, None)),
            Event::SequenceStart(..) => stack.push((false, None)),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if let Some((true, key)) = stack.last_mut() {
                    *key = None;
                }
            }
            Event::Scalar(value, style, ..) => {
                if let Some((true, key @ None)) = stack.last_mut() {
                    *key = Some(value);
                    continue;
                }
                let key = data_key(&stack);
                let is_data = key.as_deref().is_some_and(|k| DATA_KEYS.contains(&k));
                let mut bad: Vec<char> = value
                    .chars()
                    .filter(|&c| {
                        // A raw one is reported at its own place by `raw`.
                        (refused(c) && style == TScalarStyle::DoubleQuoted && !text.contains(c))
                            || (is_data && matches!(c, '\t' | '\n'))
                    })
                    .collect();
                bad.dedup();
                if let Some(&first) = bad.first() {
                    let field = key.map(|k| format!("`{k}`")).unwrap_or_else(|| "a value".into());
                    let list: Vec<String> = bad.iter().map(|&c| describe(c)).collect();
                    // The override's help names the allowed marks; it matters more than the rest.
                    let shown = bad.iter().copied().find(|c| ('\u{202A}'..='\u{202E}').contains(c));
                    out.push(
                        Diagnostic::error(CODE, format!("{field} holds {}", list.join(", ")))
                            .at(Location::new(&source.path, mark.line(), mark.col() + 1).with_len(1))
                            .help(help(shown.unwrap_or(first))),
                    );
                }
                if let Some((true, key)) = stack.last_mut() {
                    *key = None;
                }
            }
            _ => {}
        }
    }
}
