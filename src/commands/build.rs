//! `mailguide build`: check, render, write; reports pages written and time taken.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TOOL, Format, print_human};
use crate::diagnostics::{Diagnostic, summary, to_json};
use crate::{BuildFailure, BuildOptions, build_site_with_live};

pub fn run(opts: &BuildOptions, format: Format, live_results: Option<&std::path::Path>) -> i32 {
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
            report(&built.checked.diagnostics, &built.checked.allowed);
            if format == Format::Human {
                if !built.checked.diagnostics.is_empty() {
                    eprintln!("{}", summary(&built.checked.diagnostics));
                }
                let unchanged = match built.unchanged {
                    0 => String::new(),
                    n => format!(", {n} of them unchanged"),
                };
                eprintln!(
                    "built {} pages ({} files{unchanged}) into {} in {:.2} s",
                    built.pages,
                    built.files,
                    built.output.display(),
                    built.elapsed.as_secs_f64()
                );
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
