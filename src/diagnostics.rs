//! Findings about the content, as values.
//!
//! Every stage (load, check, render) reports problems as [`Diagnostic`]s instead of printing or
//! failing at the first one, so an editor sees every fault of a build at once. Only the command
//! layer prints them, as human text ([`Diagnostic::render_human`]) or JSON ([`to_json`]).

use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;

/// How bad a finding is. `Off` only appears in policies, never in a reported diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a content file: 1-based line and column, and how many characters to underline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub len: usize,
}

impl Location {
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
            len: 1,
        }
    }

    /// The start of a file, for findings about a file as a whole.
    pub fn file(file: impl Into<String>) -> Self {
        Location::new(file, 1, 1)
    }

    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }
}

/// One finding: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable rule code, e.g. `yaml-unknown-key`; documented in `docs/checks.md`.
    pub code: String,
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
    /// Extra context, e.g. the reason an allowance was given.
    pub note: Option<String>,
    /// The provider the finding is about, so a provider's `allow` list and the reader-facing
    /// warning can find it. Not part of the output.
    pub provider: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            message: message.into(),
            location: None,
            help: None,
            note: None,
            provider: None,
        }
    }

    /// Marks the finding as being about a provider.
    pub fn for_provider(mut self, slug: &str) -> Self {
        self.provider = Some(slug.to_string());
        self
    }

    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic like rustc: severity and code, message, `--> file:line:col`, the
    /// source line with the span underlined, and `help:`. `sources` maps a relative path to the
    /// file's text; a file not in it is shown without its source line.
    pub fn render_human(&self, sources: &HashMap<String, String>, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_string()
            }
        };
        let sev_color = match self.severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
        };
        let mut out = String::new();
        let head = format!("{}[{}]", self.severity.as_str(), self.code);
        let _ = writeln!(
            out,
            "{}{} {}",
            paint(sev_color, &head),
            paint("1", ":"),
            paint("1", &self.message)
        );
        if let Some(loc) = &self.location {
            let line_text = sources
                .get(&loc.file)
                .and_then(|text| text.lines().nth(loc.line - 1))
                .map(|l| l.trim_end().to_string());
            let gutter = " ".repeat(loc.line.to_string().len());
            let _ = writeln!(
                out,
                "{gutter}{} {}:{}:{}",
                paint("1;34", "-->"),
                loc.file,
                loc.line,
                loc.column
            );
            if let Some(text) = line_text {
                let bar = paint("1;34", "|");
                let (text, column) = excerpt(&text, loc.column);
                let _ = writeln!(out, "{gutter} {bar}");
                let _ = writeln!(out, "{} {bar} {}", paint("1;34", &loc.line.to_string()), text);
                // Columns count characters; keep tabs so the caret lines up under them.
                let pad: String = text
                    .chars()
                    .take(column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let avail = text.chars().count().saturating_sub(column - 1).max(1);
                let carets = "^".repeat(loc.len.min(avail));
                let _ = writeln!(out, "{gutter} {bar} {pad}{}", paint(sev_color, &carets));
            }
        }
        if let Some(note) = &self.note {
            let _ = writeln!(out, "  = {} {}", paint("1", "note:"), note);
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = {} {}", paint("1", "help:"), help);
        }
        out
    }
}

/// The longest source line a report shows whole, in characters.
const SHOWN_LINE: usize = 160;

/// The part of a source line a report shows, and the column of `column` in it. A line longer
/// than [`SHOWN_LINE`] (a 10 MB line of a generated or hostile file) is cut to a window around
/// the column with `…` on the cut sides, so a report stays small whatever the file holds.
/// Control characters are shown as `�`: a raw ESC from a file would drive the editor's terminal.
/// So are bidirectional embeddings and overrides (U+202A to U+202E), which would reverse the rest
/// of the line on the terminal and hide the very fault the report points at.
fn excerpt(text: &str, column: usize) -> (String, usize) {
    let clean = |c: char| {
        if (c.is_control() && c != '\t') || ('\u{202A}'..='\u{202E}').contains(&c) {
            '\u{fffd}'
        } else {
            c
        }
    };
    let count = text.chars().count();
    if count <= SHOWN_LINE {
        return (text.chars().map(clean).collect(), column);
    }
    let start = column
        .saturating_sub(SHOWN_LINE / 3)
        .min(count.saturating_sub(SHOWN_LINE));
    let mut shown: String = if start > 0 { "…".into() } else { String::new() };
    shown.extend(text.chars().skip(start).take(SHOWN_LINE).map(clean));
    if start + SHOWN_LINE < count {
        shown.push('…');
    }
    (shown, column - start + usize::from(start > 0))
}

/// Names the first `shown` items and counts the rest: `a, b and 3 more`. Findings that apply to
/// many providers name a few, so a message stays one line.
pub fn name_some<S: AsRef<str>>(items: &[S], shown: usize) -> String {
    let named: Vec<&str> = items.iter().take(shown).map(AsRef::as_ref).collect();
    let more = items.len().saturating_sub(shown);
    if more > 0 {
        format!("{} and {more} more", named.join(", "))
    } else {
        named.join(", ")
    }
}

/// Counts of a set of diagnostics, for the summary line and exit codes.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// The summary line: `N errors, M warnings`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = count(diagnostics);
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

/// Sorts findings the way an editor reads them: by file, line, column, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.location
                .as_ref()
                .map(|l| (l.file.clone(), l.line, l.column))
                .unwrap_or_default()
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
}

/// The JSON report for CI and editors:
/// `{"diagnostics":[{"severity","code","message","file","line","column","help"}],"errors":N,"warnings":M}`.
pub fn to_json(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = count(diagnostics);
    let report = JsonReport {
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                severity: d.severity.as_str(),
                code: &d.code,
                message: &d.message,
                file: d.location.as_ref().map(|l| l.file.as_str()),
                line: d.location.as_ref().map(|l| l.line),
                column: d.location.as_ref().map(|l| l.column),
                help: d.help.as_deref(),
                note: d.note.as_deref(),
            })
            .collect(),
        errors,
        warnings,
    };
    // Serialising plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&report).expect("diagnostics serialise to JSON")
}

/// Reads the files diagnostics point at, to show their source lines.
pub fn sources_for(root: &std::path::Path, diagnostics: &[Diagnostic]) -> std::collections::HashMap<String, String> {
    let mut sources = std::collections::HashMap::new();
    for d in diagnostics {
        if let Some(loc) = &d.location
            && !sources.contains_key(&loc.file)
            && let Ok(text) = std::fs::read_to_string(root.join(&loc.file))
        {
            sources.insert(loc.file.clone(), text);
        }
    }
    sources
}
