//! Where a provider's facts come from, and when someone last compared them with it: a provider
//! without a source, or whose newest check is older than the site's limit
//! (`source_max_age_months`, default 12), is a warning; a fact naming a source that is not listed,
//! or a date that is not one, is an error. Dates are judged as on `Site::today`
//! (`check --today`), so a test or a CI run gives the same answer every day.

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::model::{Date, Protocol, Provider};

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let limit = site.config.source_max_age_months;
    let mut out = Vec::new();
    for p in &site.providers {
        if p.data.sources.is_empty() {
            out.push(
                Diagnostic::warning(
                    "source-missing",
                    format!("{} lists no source for its facts", p.data.name),
                )
                .at(p.source.locate("name"))
                .help("add `sources:` with the vendor page(s) the data was compared with: url, title, checked (YYYY-MM-DD), how (live-page or stored-copy)")
                .for_provider(&p.slug),
            );
        }
        let mut newest: Option<Date> = None;
        for (i, s) in p.data.sources.iter().enumerate() {
            let Some(text) = &s.checked else { continue };
            match Date::parse(text) {
                Some(d) => newest = newest.max(Some(d)),
                None => out.push(
                    Diagnostic::error("source-date-invalid", format!("`{text}` is not a date"))
                        .at(p.source.locate(&format!("sources[{i}].checked")))
                        .help("write the day the data was compared with the source as YYYY-MM-DD, such as 2026-12-02")
                        .for_provider(&p.slug),
                ),
            }
        }
        if !p.data.sources.is_empty() {
            let stale = match newest {
                Some(d) => (d.add_months(limit) < site.today).then(|| format!("was last checked on {d}")),
                None => Some("has never been checked against its sources".to_string()),
            };
            if let Some(when) = stale {
                out.push(
                    Diagnostic::warning(
                        "source-stale",
                        format!("{} {when}, more than {limit} months before {}", p.data.name, site.today),
                    )
                    .at(p.source.locate("sources"))
                    .help("compare the data with the sources again and update `checked:`, or correct what changed")
                    .for_provider(&p.slug),
                );
            }
        }
        unknown_references(p, &mut out);
    }
    out
}

/// `source: id` on a server, a prerequisite or a disagreement must name a listed source.
fn unknown_references(p: &Provider, out: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = p.data.sources.iter().filter_map(|s| s.id.as_deref()).collect();
    let mut refs: Vec<(String, &str)> = Vec::new();
    for protocol in Protocol::ALL {
        for (i, s) in p.servers(protocol).iter().enumerate() {
            if let Some(id) = &s.source {
                refs.push((format!("servers.{}[{i}].source", protocol.id()), id));
            }
        }
    }
    for (i, pre) in p.data.prerequisites.iter().enumerate() {
        if let Some(id) = &pre.source {
            refs.push((format!("prerequisites[{i}].source",), id));
        }
    }
    for (i, d) in p.data.disagreements.iter().enumerate() {
        for (j, says) in d.says.iter().enumerate() {
            refs.push((format!("disagreements[{i}].says[{j}].source"), &says.source));
        }
    }
    for (path, id) in refs {
        if !ids.contains(&id) {
            out.push(
                Diagnostic::error(
                    "source-unknown",
                    format!("`{id}` is not the id of a source in `sources:`"),
                )
                .at(p.source.locate(&path))
                .help(if ids.is_empty() {
                    "give the source an `id:` in `sources:`".to_string()
                } else {
                    format!("known ids: {}", ids.join(", "))
                })
                .for_provider(&p.slug),
            );
        }
    }
}
