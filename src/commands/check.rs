//! `mailguide check`: every rule, nothing written.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TOOL, Format, print_human};
use crate::diagnostics::{summary, to_json};
use std::path::Path;

pub fn run(root: &Path, format: Format, deny_warnings: bool, today: Option<crate::model::Date>) -> i32 {
    if !root.is_dir() {
        eprintln!(
            "error: the root folder {} does not exist or is not a folder",
            root.display()
        );
        return EXIT_TOOL;
    }
    let checked = crate::check_site_on(root, today);
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
