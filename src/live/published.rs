//! `build --live-results FILE`: a saved live run turned into what a build shows. A server that
//! disagreed gets a warning at its line, which withdraws its provider's client files exactly as
//! a check finding does; a provider all of whose servers answered as described gets the date on
//! its page. Observations older than the maximum age are ignored, and the build says so;
//! "not checked" observations change nothing.

use super::results::{Outcome, Results};
use super::{targets, time};
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use std::collections::{HashMap, HashSet};

/// What a build takes from a results file.
#[derive(Debug, Default)]
pub struct Published {
    /// Warnings for servers that disagreed, and one about stale observations.
    pub diagnostics: Vec<Diagnostic>,
    /// Provider slug → the date (`YYYY-MM-DD`) its servers last all answered as described.
    pub dates: HashMap<String, String>,
}

pub fn publish(site: &Site, results: &Results, shown: &str, now: i64, max_age_days: u32) -> Published {
    let oldest = now - i64::from(max_age_days) * 86_400;
    let mut out = Published::default();
    let mut stale = 0;
    // Per provider: the earliest agreeing observation, or None once one server lacks one.
    let mut agreed: HashMap<String, Option<i64>> = HashMap::new();
    let targets = targets::servers_to_check(site, &[], None);
    let observed = |t: &targets::Target| results.find(&t.provider, t.protocol, &t.host, t.port_written);
    // A `mail.{domain}` server checked with `--template-domains N` has observations for the
    // first N domains' hosts only; the others' missing ones do not withhold the date.
    let entries_seen: HashSet<(&str, &str)> = targets
        .iter()
        .filter(|t| observed(t).is_some())
        .map(|t| t.entry())
        .collect();
    for t in &targets {
        if t.templated && observed(t).is_none() && entries_seen.contains(&t.entry()) {
            continue;
        }
        let seen = observed(t).and_then(|o| time::parse_timestamp(&o.checked_at).map(|at| (o, at)));
        let fresh = match seen {
            Some((_, at)) if at < oldest => {
                stale += 1;
                None
            }
            other => other,
        };
        let entry = agreed.entry(t.provider.clone()).or_insert(Some(i64::MAX));
        match fresh {
            Some((o, at)) if o.outcome == Outcome::Agrees => {
                *entry = entry.map(|e| e.min(at));
            }
            Some((o, at)) => {
                *entry = None;
                if o.outcome == Outcome::Disagrees {
                    let what: Vec<String> = o.findings.iter().map(|f| f.message.clone()).collect();
                    out.diagnostics.push(
                        Diagnostic::warning(
                            "live-disagrees",
                            format!(
                                "on {} the {} server {}:{} answered differently from the data: {}",
                                time::date(at),
                                t.protocol.name(),
                                t.host,
                                t.port_written,
                                what.join("; ")
                            ),
                        )
                        .at(t.locate("host"))
                        .help("correct the data, or run `mailguide check --live --save-results` again once the server is fixed")
                        .for_provider(&t.provider),
                    );
                }
            }
            None => *entry = None,
        }
    }
    for (slug, at) in agreed {
        if let Some(at) = at.filter(|&at| at != i64::MAX) {
            out.dates.insert(slug, time::date(at));
        }
    }
    if stale > 0 {
        out.diagnostics.push(
            Diagnostic::warning(
                "live-results-old",
                format!("{stale} observations in {shown} are older than {max_age_days} days and were ignored"),
            )
            .help("run `mailguide check --live --save-results FILE` again"),
        );
    }
    out
}
