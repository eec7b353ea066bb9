//! Check: rules that turn the site model into diagnostics, and the policy that decides how
//! severe each finding is.
//!
//! A rule is a plain function from the site to findings ([`Rule`]); [`RULES`] lists them. Every
//! code a rule emits is documented in `docs/checks.md`. `site.yaml`'s `checks:` map changes a
//! code's severity (or turns it off), and a provider's `allow:` list silences a code for that
//! provider with a written reason, which the report still shows.

mod characters;
mod data;
mod domains;
mod empty;
mod faq;
mod hostnames;
mod images;
mod links;
mod policy;
mod ports;
mod prose;
mod same_sign_in;
mod security;
mod sources;
mod structure;
mod templates;
mod text;
pub mod urls;

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::Site;
use crate::plan::Plan;
use crate::plan::prose::Prose;

/// What a rule sees: the site, its plan and the plan's compiled prose.
pub struct Context<'a> {
    pub site: &'a Site,
    pub plan: &'a Plan,
    pub prose: &'a Prose,
    /// The site's prose as text, made once for the rules that read it (`prose`, `links`).
    pieces: std::sync::OnceLock<Vec<text::Piece<'a>>>,
}

impl<'a> Context<'a> {
    pub fn new(site: &'a Site, plan: &'a Plan) -> Self {
        Context {
            site,
            plan,
            prose: &plan.prose,
            pieces: Default::default(),
        }
    }

    /// Every piece of prose of the site ([`text::pieces`]), made on first use.
    pub(crate) fn pieces(&self) -> &[text::Piece<'a>] {
        self.pieces.get_or_init(|| text::pieces(self.site))
    }
}

pub type Rule = fn(&Context) -> Vec<Diagnostic>;

/// Every rule, by family.
pub const RULES: &[(&str, Rule)] = &[
    ("structure", structure::check),
    ("templates", templates::check),
    ("ports", ports::check),
    ("security", security::check),
    ("hostnames", hostnames::check),
    ("domains", domains::check),
    ("prose", prose::check),
    ("links", links::check),
    ("images", images::check),
    ("faq", faq::check),
    ("data", data::check),
    ("sources", sources::check),
    ("same-sign-in", same_sign_in::check),
    ("characters", characters::check),
    ("urls", urls::check),
    ("policy", policy::check),
    ("empty", empty::check),
];

/// Findings after the policy: the ones that count, and the ones a provider allowed.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by a provider's `allow:` entry, with the reason in `note`.
    pub allowed: Vec<Diagnostic>,
}

/// Runs every rule (in parallel) and applies the site's policy.
pub fn run(site: &Site, plan: &Plan) -> Report {
    use rayon::prelude::*;
    let cx = Context::new(site, plan);
    let found: Vec<Diagnostic> = RULES.par_iter().flat_map_iter(|(_, rule)| rule(&cx)).collect();
    apply_policy(site, found)
}

/// Rules that keep the build itself bounded, or its output safe to open: neither the site's policy
/// nor a provider's allowance changes them.
pub const FIXED: &[&str] = &["template-unbounded", characters::CODE, urls::CODE, policy::CODE];

/// Applies `site.yaml`'s levels and the providers' allowances.
pub fn apply_policy(site: &Site, found: Vec<Diagnostic>) -> Report {
    let mut report = Report::default();
    for mut d in found {
        let fixed = FIXED.contains(&&*d.code);
        if let Some(level) = site.config.checks.get(&d.code).filter(|_| !fixed) {
            match level.severity() {
                Some(sev) => d.severity = sev,
                None => continue,
            }
        }
        let allowance = d
            .provider
            .as_deref()
            .filter(|_| !fixed)
            .and_then(|slug| site.provider(slug))
            .and_then(|p| p.allowance(&d.code));
        match allowance {
            Some(a) => {
                d.note = Some(format!("allowed for this provider: {}", a.reason));
                report.allowed.push(d);
            }
            None => report.diagnostics.push(d),
        }
    }
    crate::diagnostics::sort(&mut report.diagnostics);
    crate::diagnostics::sort(&mut report.allowed);
    report
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}
