//! The command layer: runs a pipeline stage and prints what happened. Only this layer prints.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod schema;
pub mod serve;

use crate::diagnostics::Diagnostic;
use std::io::IsTerminal;
use std::path::Path;

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// Exit codes: 0 clean, 1 findings, 2 the tool could not run.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_TOOL: i32 = 2;

/// Prints diagnostics to stderr in the human format, colours only on a terminal.
pub fn print_human(root: &Path, diagnostics: &[Diagnostic], allowed: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let all: Vec<Diagnostic> = diagnostics.iter().chain(allowed).cloned().collect();
    let sources = crate::diagnostics::sources_for(root, &all);
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.render_human(&sources, color));
        out.push('\n');
    }
    for d in allowed {
        out.push_str(&format!(
            "allowed[{}]: {} ({}:{})\n  = note: {}\n",
            d.code,
            d.message,
            d.location.as_ref().map(|l| l.file.as_str()).unwrap_or("?"),
            d.location.as_ref().map(|l| l.line).unwrap_or(0),
            d.note.as_deref().unwrap_or("")
        ));
    }
    eprint!("{out}");
}
