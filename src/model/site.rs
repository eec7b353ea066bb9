//! The whole loaded site, shared by reference by every later stage.

use super::content::Entry;
use super::{Client, FaqEntry, GuideOverride, Page, Provider, Source, TroubleshootingEntry};
use crate::diagnostics::Severity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in the header and in every <title>.
    pub title: String,
    /// One or two sentences about the site (home page, meta description).
    #[serde(default)]
    pub description: String,
    /// The site's public address, for canonical links and the sitemap; `build --base-url` overrides it.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The language of the pages (<html lang>), e.g. `en`.
    #[serde(default = "default_language")]
    pub language: String,
    /// The theme: a folder under themes/.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Published clients in order; `None` publishes all of them, by name.
    #[serde(default)]
    pub clients: Option<Vec<String>>,
    /// Severity per rule code: `error`, `warning` or `off`.
    #[serde(default)]
    pub checks: BTreeMap<String, RuleLevel>,
    /// How pages are minified: `whitespace` (the default), `full` or `off`.
    #[serde(default)]
    pub minify: Minify,
    /// Bounds on the work one content file or page may ask for (see `docs/guarantees.md`).
    #[serde(default)]
    pub limits: Limits,
    /// The hosts the site is published on, for the response headers they need (see
    /// docs/deploy.md): `netlify` and `cloudflare` get a `_headers` file, `nginx` a snippet
    /// (`.mailguide-nginx.conf`), `apache` an `.htaccess`; `github-pages` and `s3` need no file.
    #[serde(default = "default_deploy")]
    pub deploy: Vec<Host>,
    /// Values of the site's own, for its templates: `{{ site.extra.NAME }}` (any YAML).
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Days after which `build --live-results` ignores a server's observation (default 30).
    #[serde(default = "default_live_results_max_age")]
    pub live_results_max_age: u32,
    /// How many months a provider's newest source check may be old before `source-stale` warns.
    #[serde(default = "default_source_max_age")]
    pub source_max_age_months: u32,
}

fn default_source_max_age() -> u32 {
    12
}

fn default_live_results_max_age() -> u32 {
    30
}

/// A static host that `build` writes configuration for (`deploy:` in site.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    /// Netlify: reads `_headers`.
    Netlify,
    /// Cloudflare Pages: reads `_headers` (at most 100 rules).
    Cloudflare,
    /// nginx: `include` the generated `.mailguide-nginx.conf` in the server block.
    Nginx,
    /// Apache httpd: reads the generated `.htaccess` (with `AllowOverride All`).
    Apache,
    /// GitHub Pages: cannot set headers; `.nojekyll` is written for every site.
    GithubPages,
    /// Amazon S3: content types are set at upload (docs/deploy.md).
    S3,
}

/// `_headers` unless the site says otherwise: the file costs nothing on hosts that ignore it.
fn default_deploy() -> Vec<Host> {
    vec![Host::Netlify]
}

/// Bounds on what one content file may ask of the loader and one page of the renderer (`limits:`
/// in site.yaml), so that a careless or hostile file is a clear error instead of a build that
/// never ends or a page no reader can load: a YAML parser given 100,000 nested `[` spent a minute
/// on them. The defaults are far above what real content needs (the 5,000-provider benchmark
/// nests 6 deep, its largest file is under 1 MB and its largest page, the FAQ with every
/// provider's questions, is 10.5 MB as rendered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// The deepest nesting of YAML mappings and sequences in a file (default 64).
    pub yaml_depth: usize,
    /// The largest content file, in bytes (default 16 MiB); images too.
    pub file_bytes: u64,
    /// The largest page, in bytes as rendered, before minifying (default 32 MiB). Checked when
    /// each page is rendered, so by `build` and `serve`; `check` renders no pages.
    pub page_bytes: u64,
    /// The most pixels an image's header may declare (default 40 million, 8000 x 5000): a small
    /// file can declare a huge image (a decompression bomb) that would take the build's memory
    /// and time to decode and resize.
    pub image_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            yaml_depth: 64,
            file_bytes: 16 * 1024 * 1024,
            page_bytes: 32 * 1024 * 1024,
            image_pixels: 40_000_000,
        }
    }
}

/// How the pages of a build are minified (`minify:` in site.yaml; see `write::minify`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Minify {
    /// Whitespace a browser does not show and comments are removed, in one pass as fast as a copy.
    #[default]
    Whitespace,
    /// Also minify-html (attribute quotes and other redundant bytes): a few percent smaller
    /// pages for about twice the build time.
    Full,
    /// Pages are written as the templates render them.
    Off,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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

/// What kind of content an absent file would have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AbsentKind {
    Provider,
    Client,
    /// A free page (`content/pages/<slug>.md`).
    Page,
}

/// A content file the model does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absent {
    pub kind: AbsentKind,
    pub slug: String,
    /// The file, relative to the site root.
    pub file: String,
    /// For a draft left out of the build, the line of its `draft: true`; `None` for a file that
    /// did not load.
    pub draft: Option<usize>,
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
    /// Provider and client files that exist but are not in the model: files that failed to
    /// load (their load error is reported; references to them are not reported again as unknown,
    /// and findings that follow from them say so) and drafts left out of the build.
    pub absent: Vec<Absent>,
    /// The day the site is judged on (`check --today`, else the system date): source dates
    /// are compared with it.
    pub today: super::Date,
}

impl Site {
    pub fn provider(&self, slug: &str) -> Option<&Provider> {
        self.providers
            .binary_search_by(|p| p.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.providers[i])
    }

    /// Leaves the drafts out of the site, as `build` publishes it: draft providers with their
    /// provider-specific steps and entries, draft clients (a draft client file or guide) with
    /// the steps written for them, draft steps and draft free pages. Each draft provider, client
    /// and page is kept in [`Site::absent`], so a link to its pages is reported as a link to a
    /// draft. `build --drafts` and `serve` do not call this; the plan marks the drafts' pages.
    pub fn leave_out_drafts(&mut self) {
        let mut left = Vec::new();
        self.providers.retain(|p| {
            if p.data.draft {
                left.push(Absent {
                    kind: AbsentKind::Provider,
                    slug: p.slug.clone(),
                    file: p.source.path.clone(),
                    draft: Some(p.source.locate("draft").line),
                });
            }
            !p.data.draft
        });
        self.clients.retain(|c| {
            if c.is_draft() {
                let (file, line) = c.draft_place();
                left.push(Absent {
                    kind: AbsentKind::Client,
                    slug: c.slug.clone(),
                    file,
                    draft: Some(line),
                });
            }
            !c.is_draft()
        });
        self.pages.retain(|p| {
            if p.guide.front.draft {
                left.push(Absent {
                    kind: AbsentKind::Page,
                    slug: p.slug.clone(),
                    file: p.guide.source.path.clone(),
                    draft: Some(p.guide.draft_line()),
                });
            }
            !p.guide.front.draft
        });
        self.absent.extend(left);
        let drafted = |kind: AbsentKind, slug: &str| {
            self.absent
                .iter()
                .any(|a| a.kind == kind && a.slug == slug && a.draft.is_some())
        };
        let by_draft =
            |provider: &Option<String>| provider.as_deref().is_some_and(|p| drafted(AbsentKind::Provider, p));
        self.overrides.retain(|o| {
            !o.guide.front.draft
                && !drafted(AbsentKind::Provider, &o.provider)
                && !drafted(AbsentKind::Client, &o.client)
        });
        self.faq.retain(|e| !by_draft(&e.data.provider));
        self.troubleshooting.retain(|e| !by_draft(&e.data.provider));
    }

    /// Whether a provider file exists, loaded or not.
    pub fn provider_exists(&self, slug: &str) -> bool {
        self.provider(slug).is_some() || self.absent_as(AbsentKind::Provider, slug).is_some()
    }

    /// Whether a client file exists, loaded or not.
    pub fn client_exists(&self, slug: &str) -> bool {
        self.client(slug).is_some() || self.absent_as(AbsentKind::Client, slug).is_some()
    }

    /// The absent file of this kind and slug, if there is one.
    pub fn absent_as(&self, kind: AbsentKind, slug: &str) -> Option<&Absent> {
        self.absent.iter().find(|a| a.kind == kind && a.slug == slug)
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

    /// [`Site::guide_override`] for every (provider, client) pair at once, for code that looks up
    /// every pair: scanning the list for each would be quadratic in the number of providers.
    pub fn guide_overrides_by_pair(&self) -> HashMap<(&str, &str), &GuideOverride> {
        let mut by_pair = HashMap::with_capacity(self.overrides.len());
        for o in &self.overrides {
            // The first one, as `guide_override` finds it.
            by_pair.entry((o.provider.as_str(), o.client.as_str())).or_insert(o);
        }
        by_pair
    }
}
