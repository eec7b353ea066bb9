//! `mailguide build`: check, render, write; reports pages written and time taken.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TOOL, Format, print_human};
use crate::diagnostics::{Diagnostic, summary, to_json};
use crate::outputs;
use crate::{BuildFailure, BuildOptions, build_site_with_live};

/// `verbose` lists the pages that changed (it also needs `opts.list_changes`); the JSON report
/// always carries the page count, the time and, when compared, the changed pages.
pub fn run(opts: &BuildOptions, format: Format, verbose: bool, live_results: Option<&std::path::Path>) -> i32 {
    if !opts.root.is_dir() {
        eprintln!(
            "error: the root folder {} does not exist or is not a folder",
            opts.root.display()
        );
        return EXIT_TOOL;
    }
    let report = |diags: &[Diagnostic], allowed: &[Diagnostic]| match format {
        Format::Json => println!("{}", to_json(diags)),
        Format::Human => print_human(&opts.root, diags, allowed),
    };
    match build_site_with_live(opts, live_results) {
        Ok(built) => {
            if format == Format::Json {
                println!("{}", json_report(&built));
            } else {
                report(&built.checked.diagnostics, &built.checked.allowed);
            }
            if format == Format::Human {
                if !built.checked.diagnostics.is_empty() {
                    eprintln!("{}", summary(&built.checked.diagnostics));
                }
                let unchanged = match built.unchanged {
                    0 => String::new(),
                    n => format!(", {n} of them unchanged"),
                };
                let images = match built.images {
                    outputs::images::Counts { made: 0, reused: 0 } => String::new(),
                    c => format!("; image copies: {} made, {} from the cache", c.made, c.reused),
                };
                eprintln!(
                    "built {} pages ({} files{unchanged}) into {} in {:.2} s{images}",
                    built.pages,
                    built.files,
                    built.output.display(),
                    built.elapsed.as_secs_f64()
                );
                if let Some(changes) = built.changes.as_ref().filter(|_| verbose) {
                    eprint!("{}", list_changes(changes));
                }
            }
            // The process ends after this report. Freeing a large site's model takes a core for
            // a twentieth of the build; a thread of its own does it, and exiting does not wait.
            std::thread::spawn(move || drop(built));
            EXIT_OK
        }
        Err(BuildFailure::Content(checked)) => {
            report(&checked.diagnostics, &checked.allowed);
            if format == Format::Human {
                eprintln!("{}", summary(&checked.diagnostics));
                eprintln!("nothing was written: fix the errors above and build again");
            }
            EXIT_FINDINGS
        }
        Err(BuildFailure::Render(diags, _)) => {
            report(&diags, &[]);
            if format == Format::Human {
                eprintln!("{}", summary(&diags));
                eprintln!("nothing was written: fix the errors above and build again");
            }
            EXIT_FINDINGS
        }
        Err(BuildFailure::Write(err, _)) => {
            eprintln!("error: {err}\n  = help: {}", err.help());
            eprintln!("nothing was changed in the output folder");
            EXIT_TOOL
        }
    }
}

/// The diagnostics report of [`to_json`] with a `build` object: pages, files, milliseconds, and
/// the changed and removed pages when they were compared.
fn json_report(built: &crate::Built) -> String {
    let mut report: serde_json::Value =
        serde_json::from_str(&to_json(&built.checked.diagnostics)).unwrap_or_else(|_| serde_json::json!({}));
    let mut build = serde_json::json!({
        "output": built.output.display().to_string(),
        "pages": built.pages,
        "files": built.files,
        "unchanged_files": built.unchanged,
        "elapsed_ms": (built.elapsed.as_secs_f64() * 1000.0).round(),
        "image_copies": built.images,
    });
    if let Some(changes) = &built.changes {
        build["changed_pages"] = serde_json::json!(changes.changed);
        build["removed_pages"] = serde_json::json!(changes.removed);
    }
    if let Some(object) = report.as_object_mut() {
        object.insert("build".into(), build);
    }
    report.to_string()
}

/// `build --verbose`: the pages that changed, one a line, or that none did.
fn list_changes(changes: &crate::write::changes::Changed) -> String {
    if changes.changed.is_empty() && changes.removed.is_empty() {
        return "no page changed\n".into();
    }
    let plural = |n: usize| if n == 1 { "page" } else { "pages" };
    let mut out = format!("{} {} changed:\n", changes.changed.len(), plural(changes.changed.len()));
    for url in &changes.changed {
        out.push_str(&format!("  {url}\n"));
    }
    if !changes.removed.is_empty() {
        out.push_str(&format!(
            "{} {} removed:\n",
            changes.removed.len(),
            plural(changes.removed.len())
        ));
        for url in &changes.removed {
            out.push_str(&format!("  {url}\n"));
        }
    }
    out
}
