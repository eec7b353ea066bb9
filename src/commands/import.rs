//! `mailguide import ispdb`: runs the importer and reports, per file, what was written, what was
//! skipped and what the content model could not hold.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TOOL};
use crate::import::ispdb::{self, FileReport, ImportOptions, WriteStatus};
use std::path::PathBuf;

/// Imports the files and prints the report to stderr. Exit code 1 when a file could not be
/// imported (the others still were).
pub fn ispdb(paths: &[PathBuf], opts: &ImportOptions) -> i32 {
    // The site must exist: the importer fills a site, it does not make one (`mailguide init`).
    if !opts.root.is_dir() {
        eprintln!(
            "error: the root folder {} does not exist or is not a folder",
            opts.root.display()
        );
        eprintln!("  = help: pass --root the site's folder, or create a site with `mailguide init DIR`");
        return EXIT_TOOL;
    }
    let reports = ispdb::import(paths, opts);
    eprint!("{}", render(&reports));
    if reports.iter().any(|r| r.result.is_err()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The human report, one block per file, then a summary line.
pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    let (mut written, mut skipped, mut failed) = (0, 0, 0);
    for r in reports {
        let name = r.path.display();
        match &r.result {
            Ok(providers) => {
                for p in providers {
                    match &p.status {
                        WriteStatus::Written => {
                            written += 1;
                            out.push_str(&format!("imported {name} → {}\n", p.file));
                        }
                        WriteStatus::Replaced => {
                            written += 1;
                            out.push_str(&format!("imported {name} → {} (replaced)\n", p.file));
                        }
                        WriteStatus::Exists => {
                            skipped += 1;
                            out.push_str(&format!(
                                "skipped  {name}: {} exists\n  = help: give --force to replace it\n",
                                p.file
                            ));
                        }
                        WriteStatus::Duplicate { first } => {
                            skipped += 1;
                            out.push_str(&format!(
                                "skipped  {name}: the provider `{}` would be {}, already written from {}\n",
                                p.id,
                                p.file,
                                first.display()
                            ));
                        }
                    }
                }
                for n in &r.notes {
                    out.push_str(&format!("  not imported, line {}: {}\n", n.line, n.message));
                }
            }
            Err(e) => {
                failed += 1;
                out.push_str(&format!("error: {e}\n  = help: {}\n", e.help()));
            }
        }
    }
    let files = reports.len();
    out.push_str(&format!(
        "{files} file{}: {written} provider{} written, {skipped} skipped, {failed} failed\n",
        if files == 1 { "" } else { "s" },
        if written == 1 { "" } else { "s" },
    ));
    if written > 0 {
        out.push_str("next: run `mailguide check` to see what the checker says about the imported data\n");
    }
    out
}
