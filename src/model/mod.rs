//! The typed site: what the content files say, after loading and before any page exists.
//!
//! The YAML shapes are the serde types here (with `deny_unknown_fields`, so a typo is an error);
//! each loaded item keeps the [`Source`] it came from, so checks can point at a line.

mod client;
mod content;
mod date;
mod lines;
mod provider;
mod site;
mod spans;

pub use client::{AccountButton, Client, ClientData, Vocabulary};
pub use content::{Entry, FaqEntry, FrontMatter, Guide, GuideOverride, Page, Placement, TroubleshootingEntry};
pub use date::Date;
pub use lines::LineIndex;
pub use provider::{
    Auth, CheckedHow, DOMAIN_SLOT, Disagreement, DocLink, FactSource, PasswordKind, PasswordRules, Prerequisite,
    Protocol, Provider, ProviderData, RuleAllowance, Security, Server, Servers, SourceSays, UsernameForm,
};
pub use site::{Absent, AbsentKind, Host, Limits, Minify, Site, SiteConfig};
pub use spans::{Span, Spans};

use std::sync::Arc;

/// A loaded file: its path relative to the site root and, for YAML, where each value stands.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: String,
    pub text: Arc<str>,
    pub spans: Arc<Spans>,
    /// Where each line of `text` starts, so a line is found without a scan of the file.
    pub lines: Arc<LineIndex>,
}

impl Source {
    /// Where the value at a YAML path (e.g. `servers.imap[0].port`) stands, or the file's start.
    pub fn locate(&self, path: &str) -> crate::diagnostics::Location {
        self.spans.location(&self.path, path)
    }

    /// The 0-based line `index` of the file, as `str::lines` gives it.
    pub fn line(&self, index: usize) -> Option<&str> {
        self.lines.line(&self.text, index)
    }
}
