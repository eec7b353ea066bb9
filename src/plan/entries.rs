//! FAQ and troubleshooting entries: the anchor ids they carry and which pages show them.
//!
//! A page lists entries, the search index links to them and the link check accepts `#anchor`s to
//! them; all three must agree on the ids and on which entries a page shows, so both are decided
//! here once.

use super::markdown::slugify;
use crate::model::{FaqEntry, TroubleshootingEntry};

/// The anchor of a FAQ entry: its `id`, or its question slugified.
pub fn faq_id(e: &FaqEntry) -> String {
    e.id.clone().unwrap_or_else(|| slugify(&e.question))
}

/// The anchor of a troubleshooting entry: its `id`, or its title slugified.
pub fn trouble_id(e: &TroubleshootingEntry) -> String {
    e.id.clone().unwrap_or_else(|| slugify(&e.title))
}

/// The id the theme gives a FAQ entry's question heading (`{{ e.id }}-q` in faq.html).
pub fn question_heading_id(id: &str) -> String {
    format!("{id}-q")
}

/// The id the theme gives a troubleshooting entry's title heading (`{{ e.id }}-t` in
/// troubleshooting.html).
pub fn title_heading_id(id: &str) -> String {
    format!("{id}-t")
}

/// Whether the guide page of `provider` in `client` lists a troubleshooting entry: the
/// provider's own entries (for every client, or for this one), and general entries meant for
/// this client.
pub fn trouble_on_guide(e: &TroubleshootingEntry, provider: &str, client: &str) -> bool {
    let clients = &e.clients;
    match e.provider.as_deref() {
        Some(owner) => owner == provider && (clients.is_empty() || clients.iter().any(|c| c == client)),
        None => clients.iter().any(|c| c == client),
    }
}
