//! The live check's findings as the crate's [`Diagnostic`]s, each at the line of the server,
//! domain or link it is about, and the per-server observations of the results file.

use super::finding::Finding;
use super::results::{Observation, Outcome, Results, SavedFinding};
use super::run::{Done, Job};
use super::time;
use crate::diagnostics::{Diagnostic, Severity};

fn diagnostic(f: &Finding) -> Diagnostic {
    let d = match f.severity {
        Severity::Error => Diagnostic::error(f.code, f.message.clone()),
        Severity::Warning => Diagnostic::warning(f.code, f.message.clone()),
    };
    match &f.help {
        Some(help) => d.help(help.clone()),
        None => d,
    }
}

/// Every finding as a diagnostic, and the observations of the servers.
pub fn report(done: &[(Job, Done)], started: i64) -> (Vec<Diagnostic>, Results) {
    let mut diagnostics = Vec::new();
    let mut results = Results::new(started);
    for (job, result) in done {
        match (job, result) {
            (Job::Server(t), Done::Server(checked, at)) => {
                for f in &checked.findings {
                    diagnostics.push(diagnostic(f).at(t.locate(f.field)).for_provider(&t.provider));
                }
                let outcome = if checked.findings.iter().any(|f| f.disagrees) {
                    Outcome::Disagrees
                } else if checked.findings.iter().any(|f| f.code == "live-not-checked") {
                    Outcome::NotChecked
                } else {
                    Outcome::Agrees
                };
                results.servers.push(Observation {
                    provider: t.provider.clone(),
                    protocol: t.protocol,
                    host: t.host.clone(),
                    port: t.port_written,
                    checked_at: time::timestamp(*at),
                    outcome,
                    tls_version: checked.tls.as_ref().map(|s| s.version.clone()),
                    certificate_expires: checked.tls.as_ref().and_then(|s| s.not_after).map(time::timestamp),
                    capabilities: checked.capabilities.clone(),
                    findings: checked
                        .findings
                        .iter()
                        .map(|f| SavedFinding {
                            code: f.code.to_string(),
                            message: f.message.clone(),
                        })
                        .collect(),
                });
            }
            (Job::Domain(d), Done::Domain(checked)) => {
                for f in &checked.findings {
                    diagnostics.push(diagnostic(f).at(d.location.clone()).for_provider(&d.provider));
                }
            }
            (Job::Link(l), Done::Link(Some(f))) => {
                let mut diag = diagnostic(f).at(l.location.clone());
                if let Some(p) = &l.provider {
                    diag = diag.for_provider(p);
                }
                diagnostics.push(diag);
            }
            _ => {}
        }
    }
    (diagnostics, results)
}
