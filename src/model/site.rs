//! The whole loaded site, shared by reference by every later stage.

use super::content::Entry;
use super::{Client, FaqEntry, GuideOverride, Page, Provider, Source, TroubleshootingEntry};
use crate::diagnostics::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Published clients in order; `None` publishes all of them, by name.
    #[serde(default)]
    pub clients: Option<Vec<String>>,
    /// Severity per rule code: `error`, `warning` or `off`.
    #[serde(default)]
    pub checks: BTreeMap<String, RuleLevel>,
}

fn default_base_url() -> String {
    "http://localhost".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    Off,
}

impl RuleLevel {
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Error => Some(Severity::Error),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Off => None,
        }
    }
}

/// Everything the content folder says, typed.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub config_source: Source,
    /// Sorted by slug.
    pub providers: Vec<Provider>,
    /// Sorted by slug; see [`Site::published_clients`] for the published order.
    pub clients: Vec<Client>,
    pub overrides: Vec<GuideOverride>,
    pub faq: Vec<Entry<FaqEntry>>,
    pub troubleshooting: Vec<Entry<TroubleshootingEntry>>,
    pub pages: Vec<Page>,
}

impl Site {
    pub fn provider(&self, slug: &str) -> Option<&Provider> {
        self.providers
            .binary_search_by(|p| p.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.providers[i])
    }

    pub fn client(&self, slug: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.slug == slug)
    }

    /// The clients `site.yaml` publishes, in its order (unknown names are a check finding).
    pub fn published_clients(&self) -> Vec<&Client> {
        match &self.config.clients {
            Some(list) => list.iter().filter_map(|slug| self.client(slug)).collect(),
            None => {
                let mut all: Vec<&Client> = self.clients.iter().collect();
                all.sort_by_key(|c| c.data.name.to_lowercase());
                all
            }
        }
    }

    pub fn guide_override(&self, provider: &str, client: &str) -> Option<&GuideOverride> {
        self.overrides
            .iter()
            .find(|o| o.provider == provider && o.client == client)
    }
}
