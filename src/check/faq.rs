//! FAQ and troubleshooting entries: no question asked twice, no question without an answer, no
//! problem without a fix, and no two entries with the same anchor.
//!
//! Entries are written in many files; a question added twice gives two answers that drift apart,
//! and an entry id used twice makes one of the links to it land on the other.

use super::Context;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Entry, Source};
use crate::plan::entries::{faq_id, trouble_id};
use std::collections::HashMap;

/// A question as compared: lower-case, single spaces, no trailing punctuation.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .trim_end_matches(['?', '.', '!', ' '])
        .to_string()
}

fn at(source: &Source, index: usize, field: &str) -> Location {
    source.locate(&format!("[{index}].{field}"))
}

/// Finds entries whose id (explicit, or from their text) is used twice within one page.
/// Entries with the same text and no `id` are left to the duplicate-question rule.
fn duplicate_ids<T>(
    entries: &[Entry<T>],
    what: &str,
    id_of: impl Fn(&T) -> (String, bool, String),
    same_text_reported: bool,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, (Location, bool, String)> = HashMap::new();
    for e in entries {
        let (id, explicit, text) = id_of(&e.data);
        let field = if explicit { "id" } else { "" };
        let here = if explicit {
            at(&e.source, e.index, field)
        } else {
            e.source.locate(&format!("[{}]", e.index))
        };
        match seen.get(&id) {
            Some((_, first_explicit, first_text))
                if same_text_reported && !explicit && !first_explicit && *first_text == text => {}
            Some((first, ..)) => out.push(
                Diagnostic::error(
                    "entry-id-duplicate",
                    format!(
                        "this {what} has the anchor #{id}, like the one at {}:{}",
                        first.file, first.line
                    ),
                )
                .at(here)
                .help("give one of them another `id:` so links to each land on the right entry"),
            ),
            None => {
                seen.insert(id, (here, explicit, text));
            }
        }
    }
}

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut out = Vec::new();
    let mut questions: HashMap<String, Location> = HashMap::new();
    for e in &site.faq {
        let q = normalize(&e.data.question);
        let here = at(&e.source, e.index, "question");
        match questions.get(&q) {
            Some(first) => out.push(
                Diagnostic::error(
                    "faq-duplicate",
                    format!(
                        "the question \"{}\" is already asked at {}:{}",
                        e.data.question.trim(),
                        first.file,
                        first.line
                    ),
                )
                .at(here)
                .help("merge the two answers into one entry"),
            ),
            None => {
                questions.insert(q, here);
            }
        }
        if e.data.answer.trim().is_empty() {
            out.push(
                Diagnostic::error(
                    "faq-empty-answer",
                    format!("the question \"{}\" has no answer", e.data.question.trim()),
                )
                .at(at(&e.source, e.index, "answer"))
                .help("write the answer, or remove the entry"),
            );
        }
    }
    for e in &site.troubleshooting {
        if e.data.fix.trim().is_empty() {
            out.push(
                Diagnostic::error(
                    "troubleshooting-no-fix",
                    format!("the problem \"{}\" has no fix", e.data.title.trim()),
                )
                .at(if site_has(&e.source, e.index, "fix") {
                    at(&e.source, e.index, "fix")
                } else {
                    at(&e.source, e.index, "title")
                })
                .help("write what the reader should do under `fix:`, or remove the entry"),
            );
        }
        if e.data.symptom.trim().is_empty() {
            out.push(
                Diagnostic::warning(
                    "troubleshooting-empty-symptom",
                    format!("the problem \"{}\" does not say what the reader sees", e.data.title.trim()),
                )
                .at(if site_has(&e.source, e.index, "symptom") {
                    at(&e.source, e.index, "symptom")
                } else {
                    at(&e.source, e.index, "title")
                })
                .help("describe the symptom under `symptom:` (the message or behaviour), so readers recognise their problem"),
            );
        }
    }
    duplicate_ids(
        &site.faq,
        "FAQ entry",
        |d| (faq_id(d), d.id.is_some(), normalize(&d.question)),
        true,
        &mut out,
    );
    duplicate_ids(
        &site.troubleshooting,
        "troubleshooting entry",
        |d| (trouble_id(d), d.id.is_some(), normalize(&d.title)),
        false,
        &mut out,
    );
    out
}

fn site_has(source: &Source, index: usize, field: &str) -> bool {
    source.spans.get(&format!("[{index}].{field}")).is_some()
}
