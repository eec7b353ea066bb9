//! `mailguide check`: every rule, nothing written; with `--live`, also the data against the
//! servers it describes (see [`crate::live`]).

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TOOL, Format, print_human};
use crate::diagnostics::{summary, to_json};
use std::path::{Path, PathBuf};

/// `--live` and what goes with it.
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub options: crate::live::LiveOptions,
    /// `--save-results FILE`.
    pub save_results: Option<PathBuf>,
}

pub fn run(
    root: &Path,
    format: Format,
    deny_warnings: bool,
    live: Option<&Live>,
    today: Option<crate::model::Date>,
) -> i32 {
    if !root.is_dir() {
        eprintln!(
            "error: the root folder {} does not exist or is not a folder",
            root.display()
        );
        return EXIT_TOOL;
    }
    let mut checked = crate::check_site_on(root, today);
    if let (Some(live), Some(site)) = (live, &checked.site) {
        let report = match crate::live::run(site, &live.options) {
            Ok(report) => report,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_TOOL;
            }
        };
        if let Some(path) = &live.save_results
            && let Err(e) = report.results.save(path)
        {
            eprintln!("error: {e}");
            return EXIT_TOOL;
        }
        // The site's `checks:` levels and the providers' `allow:` lists apply to live codes too.
        let policy = crate::check::apply_policy(site, report.diagnostics);
        checked.diagnostics.extend(policy.diagnostics);
        checked.allowed.extend(policy.allowed);
        crate::diagnostics::sort(&mut checked.diagnostics);
        crate::diagnostics::sort(&mut checked.allowed);
    }
    match format {
        Format::Json => println!("{}", to_json(&checked.diagnostics)),
        Format::Human => {
            print_human(root, &checked.diagnostics, &checked.allowed);
            eprintln!("{}", summary(&checked.diagnostics));
        }
    }
    if checked.errors() > 0 || (deny_warnings && checked.warnings() > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
