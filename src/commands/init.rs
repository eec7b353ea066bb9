//! `mailguide init [DIR]`: a new site that passes `check` and builds; without DIR, in the current
//! folder when it is empty (dot files such as `.git` do not count).

use super::{EXIT_OK, EXIT_TOOL};
use std::path::Path;

pub fn run(dir: Option<&Path>, theme_copy: bool) -> i32 {
    let here = dir.is_none();
    let dir = dir.unwrap_or(Path::new("."));
    match crate::scaffold::init(dir, theme_copy) {
        Ok(files) => {
            let content = files.iter().filter(|f| !f.starts_with("themes/")).count();
            let theme = if theme_copy {
                "and a copy of the default theme in themes/default/"
            } else {
                "using the default theme built into mailguide"
            };
            eprintln!("created a site in {} ({content} files, {theme})", dir.display());
            if here {
                eprintln!("next: mailguide serve");
            } else {
                eprintln!("next: cd {} && mailguide serve", dir.display());
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}\n  = help: {}", e.help());
            EXIT_TOOL
        }
    }
}
