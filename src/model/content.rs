//! Prose: guides, FAQ and troubleshooting entries, and free pages. Each may refer to the
//! settings data through Tera expressions, so prose never repeats a fact by hand.

use super::Source;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Front matter of a Markdown file (`---` YAML `---`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page title.
    #[serde(default)]
    pub title: Option<String>,
    /// The page description (meta description, lists).
    #[serde(default)]
    pub description: Option<String>,
    /// For provider-specific steps: `before`, `after` (default) or `replace` the client's generic guide.
    #[serde(default)]
    pub placement: Option<Placement>,
    /// Not ready to publish: `build` leaves the file out (a client's guide, its whole client;
    /// provider-specific steps, the steps; a free page, the page), `build --drafts` and `serve`
    /// show it with a "Draft" banner.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

/// Where provider-specific steps go relative to the client's generic guide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    Before,
    #[default]
    After,
    Replace,
}

/// A Markdown file with Tera expressions. `body` is the text after the front matter;
/// `body_line` is the file line on which it starts, to map template errors back to the file.
#[derive(Debug, Clone)]
pub struct Guide {
    pub front: FrontMatter,
    pub body: String,
    pub body_line: usize,
    pub source: Source,
}

impl Guide {
    /// The line of `draft:` in the front matter (the front matter's first line when it cannot
    /// be found), for messages about the draft.
    pub fn draft_line(&self) -> usize {
        self.source
            .text
            .lines()
            .take(self.body_line.saturating_sub(1))
            .position(|l| l.starts_with("draft:"))
            .map_or(2, |i| i + 1)
    }
}

/// `content/providers/<provider>/<client>.md`.
#[derive(Debug, Clone)]
pub struct GuideOverride {
    pub provider: String,
    pub client: String,
    pub guide: Guide,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    /// The question, as a reader would ask it.
    pub question: String,
    /// Markdown with Tera expressions ({{ imap.host }}): the answer.
    pub answer: String,
    /// The provider slug this entry belongs to; it is also shown on that provider's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The anchor of the entry; defaults to a slug of the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TroubleshootingEntry {
    /// A short name for the problem.
    pub title: String,
    /// Markdown: what the reader sees.
    #[serde(default)]
    pub symptom: String,
    /// Markdown with Tera expressions: what to do.
    #[serde(default)]
    pub fix: String,
    /// The provider slug this entry belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Client slugs whose guides also show this entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<String>,
    /// The anchor of the entry; defaults to a slug of the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// An entry of a list file, with the file it came from and its index in the list.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    pub data: T,
    pub source: Source,
    pub index: usize,
}

/// A free page, `content/pages/<slug>.md`.
#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub guide: Guide,
}
