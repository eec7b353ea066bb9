//! `mailguide init DIR`: a new site that passes `check` and builds.

use super::{EXIT_OK, EXIT_TOOL};
use std::path::Path;

pub fn run(dir: &Path) -> i32 {
    match crate::scaffold::init(dir) {
        Ok(files) => {
            let content = files.iter().filter(|f| !f.starts_with("themes/")).count();
            eprintln!(
                "created a site in {} ({content} files, and the default theme in themes/default/)",
                dir.display()
            );
            eprintln!("next: cd {} && mailguide serve", dir.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}\n  = help: {}", e.help());
            EXIT_TOOL
        }
    }
}
