//! How a guide page's steps become HTML: one small interface, two implementations.
//!
//! [`Plain`] renders the page's Markdown with its own variables and parses it: the definition of
//! what a guide page says. [`Shared`] is the speed layer that earned its place (about 44 % of a
//! cold build's instructions at 1,000 providers, docs/performance.md): pages whose slotted
//! variables are equal share one parsed skeleton ([`crate::plan::skeleton`]), filled with each
//! page's own strings; a page the skeleton cannot serve falls back to [`Plain`]. Both make the
//! same bytes, which `tests/guide_skeletons.rs` checks on whole sites, with [`Shared::kept_for`]
//! proving the skeletons were used.

use crate::diagnostics::Diagnostic;
use crate::model::{Client, GuideOverride, Provider, Site};
use crate::plan::markdown;
use crate::plan::prose::{self, Prose};
use crate::plan::skeleton;
use std::collections::HashMap;
use std::sync::Mutex;

/// One guide page to make: the compiled prose, the provider, the client, and the provider's own
/// steps for that client, if any.
pub struct GuidePage<'a> {
    pub prose: &'a Prose,
    pub provider: &'a Provider,
    pub client: &'a Client,
    pub steps: Option<&'a GuideOverride>,
}

impl GuidePage<'_> {
    /// The page's guide Markdown with the variables of `ctx` ([`crate::plan::guide::markdown`]).
    fn markdown(&self, ctx: &tera::Context) -> Result<String, Diagnostic> {
        crate::plan::guide::markdown(self.prose, ctx, self.client, self.steps)
    }
}

/// Makes a guide page's steps: the HTML, and the text of each step for the page's HowTo.
pub trait GuideSteps<'a>: Sync {
    fn html_and_steps(&self, page: &GuidePage<'a>) -> Result<(String, Vec<String>), Diagnostic>;
}

/// Every page from its own Markdown. Used for serve's rebuilds, whose few pages would only pay
/// for making skeletons, and as the reference the shared way is compared with.
pub struct Plain;

impl<'a> GuideSteps<'a> for Plain {
    fn html_and_steps(&self, page: &GuidePage<'a>) -> Result<(String, Vec<String>), Diagnostic> {
        let ctx = page.prose.context(Some(page.provider), Some(page.client));
        Ok(markdown::to_html_and_steps(&page.markdown(&ctx)?, 1))
    }
}

/// Pages of the same shape from one skeleton, else [`Plain`]. Made for one render of a site.
pub struct Shared<'a> {
    /// What each client's guide does with its variables.
    guide_uses: HashMap<&'a str, skeleton::Mask>,
    /// The same for the guide pages that also have the provider's own steps, by (provider,
    /// client): both templates' uses.
    override_uses: HashMap<(&'a str, &'a str), skeleton::Mask>,
    skeletons: skeleton::Skeletons<'a>,
    /// Pages filled from a skeleton an earlier page made, by client slug: what tests read to
    /// know the fast path was taken (and, for a guide it cannot serve, that it was not).
    kept: Mutex<HashMap<&'a str, usize>>,
}

impl<'a> Shared<'a> {
    /// Analyses what the guides of `site`'s published clients, and the providers' own steps,
    /// do with their variables.
    pub fn new(site: &'a Site) -> Self {
        let uses: HashMap<&str, skeleton::Uses> = site
            .published_clients()
            .into_iter()
            .filter_map(|c| Some((c.slug.as_str(), skeleton::guide_uses(c, &c.guide.as_ref()?.body))))
            .collect();
        let override_uses = site
            .guide_overrides_by_pair()
            .into_iter()
            .filter_map(|(pair, o)| {
                let generic = uses.get(pair.1)?;
                Some((pair, (&generic.and(&skeleton::analyze(&o.guide.body))).into()))
            })
            .collect();
        Shared {
            guide_uses: uses.iter().map(|(&c, u)| (c, u.into())).collect(),
            override_uses,
            skeletons: skeleton::Skeletons::default(),
            kept: Mutex::default(),
        }
    }

    /// How many of `client`'s guide pages were filled from a skeleton an earlier page made.
    pub fn kept_for(&self, client: &str) -> usize {
        self.kept().get(client).copied().unwrap_or(0)
    }

    /// How many guide pages were filled from a skeleton an earlier page made.
    pub fn kept_total(&self) -> usize {
        self.kept().values().sum()
    }

    /// The counts; a thread that panicked holding them left them whole (an increment).
    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<&'a str, usize>> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The page from a skeleton, and whether an earlier page had made that skeleton.
    fn filled(&self, page: &GuidePage<'a>) -> Option<((String, Vec<String>), bool)> {
        let (p, c) = (page.provider, page.client);
        let pair = (p.slug.as_str(), c.slug.as_str());
        let uses = match page.steps {
            Some(_) => self.override_uses.get(&pair),
            None => self.guide_uses.get(c.slug.as_str()),
        }?;
        let mut vars = prose::Variables::new(Some(p), Some(c));
        let slots = skeleton::Slots::take(&mut vars, uses)?;
        vars.forget_unseen(|path| uses.sees(path));
        let steps = page
            .steps
            .map(|o| (o.guide.body.as_str(), o.guide.front.placement.unwrap_or_default()));
        let key = skeleton::Key { vars, steps };
        // A template error is reported from the page's own variables, by the plain way.
        let mut made_here = false;
        let markdown = |vars: &prose::Variables| {
            made_here = true;
            page.markdown(&vars.context(page.prose)).ok()
        };
        let done = self.skeletons.html_and_steps(key, &slots, 1, markdown)?;
        Some((done, !made_here))
    }
}

impl<'a> GuideSteps<'a> for Shared<'a> {
    fn html_and_steps(&self, page: &GuidePage<'a>) -> Result<(String, Vec<String>), Diagnostic> {
        match self.filled(page) {
            Some((done, kept)) => {
                if kept {
                    *self.kept().entry(page.client.slug.as_str()).or_default() += 1;
                }
                Ok(done)
            }
            None => Plain.html_and_steps(page),
        }
    }
}
