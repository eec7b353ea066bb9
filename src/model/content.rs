//! Prose: guides, FAQ and troubleshooting entries, and free pages. Each may refer to the
//! settings data through Tera expressions, so prose never repeats a fact by hand.

use super::Source;
use serde::{Deserialize, Serialize};

/// Front matter of a Markdown file (`---` YAML `---`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub placement: Option<Placement>,
}

/// Where provider-specific steps go relative to the client's generic guide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
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

/// `content/providers/<provider>/<client>.md`.
#[derive(Debug, Clone)]
pub struct GuideOverride {
    pub provider: String,
    pub client: String,
    pub guide: Guide,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TroubleshootingEntry {
    pub title: String,
    #[serde(default)]
    pub symptom: String,
    #[serde(default)]
    pub fix: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<String>,
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
