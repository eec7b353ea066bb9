//! `mailguide schema [--output DIR]`: the JSON Schemas of every kind of content file.

use super::{EXIT_OK, EXIT_TOOL};
use std::path::Path;

pub fn run(output: &Path) -> i32 {
    match crate::schema::write_all(output) {
        Ok(paths) => {
            for p in paths {
                eprintln!("wrote {}", p.display());
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write the schemas into {}: {e}", output.display());
            eprintln!("  = help: {}; or choose another folder with --output", e.help());
            EXIT_TOOL
        }
    }
}
