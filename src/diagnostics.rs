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
    /// Set when the finding only follows from a file that did not load (a link to the pages of
    /// a provider whose file has an error): [`sort`] puts it after every other finding and
    /// names the error it follows from.
    pub follows: Option<Follows>,
}

/// What a finding follows from: a content file that did not load, and, once [`sort`] found
/// it, the place of that file's first error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follows {
    pub file: String,
    pub cause: Option<Location>,
}

impl Follows {
    /// The note an editor reads: where to look first.
    pub fn words(&self) -> String {
        match &self.cause {
            Some(at) => format!("follows from the error in {}:{}", at.file, at.line),
            None => format!("follows from {}, which did not load", self.file),
        }
    }
}

/// The stages of the pipeline a finding comes from, in the order an editor should read them:
/// a file that does not load leaves out what it defines, the data decides what the templates
/// and the prose may say, and the pages decide where links may go. Findings are sorted by stage
/// first ([`sort`]), so the cause of a cascade is read before what follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Reading the files: a missing site.yaml, unreadable or misplaced files, YAML and front
    /// matter that do not parse (`site-missing`, `file-*`, `yaml-*`, `markdown-front-matter`).
    Load,
    /// What the data says and how the files refer to each other: ports, servers, domains,
    /// sources, published clients and their guides, entries, page paths (every other code).
    Data,
    /// The content's Tera templates (`template-syntax`, `template-unbounded`, `template-data`).
    Templates,
    /// Prose read against the data (`prose-*`).
    Prose,
    /// Links between the pages (`link-*`).
    Links,
    /// The theme and rendering during `build` (`theme-missing`, `template-missing`,
    /// `template-render`, `template-unreadable`, `asset-unreadable`, `root-file-collision`).
    Theme,
    /// `check --live` and `build --live-results` (`live-*`).
    Live,
}

impl Stage {
    /// The stage of a rule code. Codes are grouped by prefix where the family has one; a code
    /// that names no stage of its own is a data finding.
    pub fn of(code: &str) -> Stage {
        match code {
            "site-missing" | "markdown-front-matter" => Stage::Load,
            "template-syntax" | "template-unbounded" | "template-data" => Stage::Templates,
            "theme-missing"
            | "template-missing"
            | "template-render"
            | "template-unreadable"
            | "asset-unreadable"
            | "root-file-collision" => Stage::Theme,
            _ if code.starts_with("file-") || code.starts_with("yaml-") => Stage::Load,
            _ if code.starts_with("prose-") => Stage::Prose,
            _ if code.starts_with("link-") => Stage::Links,
            _ if code.starts_with("live-") => Stage::Live,
            _ => Stage::Data,
        }
    }
}

impl Diagnostic {
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            message: shown(message.into()),
            location: None,
            help: None,
            note: None,
            provider: None,
            follows: None,
        }
    }

    /// Marks the finding as following from `file`, a content file that did not load: it is
    /// listed after the finding that is its cause, and says so.
    pub fn follows_from(mut self, file: impl Into<String>) -> Self {
        self.follows = Some(Follows {
            file: file.into(),
            cause: None,
        });
        self
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
        self.help = Some(shown(help.into()));
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(shown(note.into()));
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
                let (text, column, len) = excerpt(&text, loc.column, loc.len);
                let _ = writeln!(out, "{gutter} {bar}");
                let _ = writeln!(out, "{} {bar} {}", paint("1;34", &loc.line.to_string()), text);
                // Columns count characters; keep tabs so the caret lines up under them.
                let pad: String = text
                    .chars()
                    .take(column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let avail = text.chars().count().saturating_sub(column - 1).max(1);
                let carets = "^".repeat(len.min(avail));
                let _ = writeln!(out, "{gutter} {bar} {pad}{}", paint(sev_color, &carets));
            }
        }
        if let Some(note) = &self.note {
            let _ = writeln!(out, "  = {} {}", paint("1", "note:"), note);
        }
        if let Some(follows) = &self.follows {
            let _ = writeln!(out, "  = {} {}", paint("1", "note:"), follows.words());
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = {} {}", paint("1", "help:"), help);
        }
        out
    }
}

/// The longest source line a report shows whole, in characters.
const SHOWN_LINE: usize = 160;

/// The longest message, help or note a diagnostic keeps, in characters. Messages quote the value
/// at fault (`the IMAP host `...``): a 10 MB value would otherwise be echoed whole, into the
/// terminal and the JSON report alike.
const SHOWN_TEXT: usize = 400;

/// Whether a report writes `c` as an escape (`\u{1b}`) rather than raw: a control character
/// (other than tab and newline) from a file would drive the editor's terminal (ESC starts a
/// terminal command), and a bidirectional embedding, override or isolate would reverse the text
/// after it and hide the very fault the report points at.
pub fn unsafe_to_print(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n'))
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Appends `c` as a report shows it: itself, or `\u{1b}` for a character [`unsafe_to_print`].
/// Returns how many characters that took.
fn push_shown(out: &mut String, c: char) -> usize {
    if unsafe_to_print(c) {
        let before = out.len();
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        // The escape is ASCII: its bytes are its characters.
        out.len() - before
    } else {
        out.push(c);
        1
    }
}

/// A message, help or note as a diagnostic keeps it: characters [`unsafe_to_print`] escaped, and
/// cut in the middle (`…`) when longer than [`SHOWN_TEXT`], keeping its start and its end.
fn shown(text: String) -> String {
    let count = text.chars().count();
    if count <= SHOWN_TEXT && !text.chars().any(unsafe_to_print) {
        return text;
    }
    let mut out = String::new();
    let (head, tail) = if count > SHOWN_TEXT {
        (SHOWN_TEXT / 2, SHOWN_TEXT / 2 - 1)
    } else {
        (count, 0)
    };
    for c in text.chars().take(head) {
        push_shown(&mut out, c);
    }
    if tail > 0 {
        out.push('…');
        for c in text.chars().skip(count - tail) {
            push_shown(&mut out, c);
        }
    }
    out
}

/// The part of a source line a report shows, the column of `column` in it and how many shown
/// characters the `len` characters from there take. A line longer than [`SHOWN_LINE`] (a 10 MB
/// line of a generated or hostile file) is cut to a window around the column with `…` on the cut
/// sides, so a report stays small whatever the file holds. Characters [`unsafe_to_print`] are
/// shown as escapes (`\u{1b}`), and the caret lines up under the escape.
fn excerpt(text: &str, column: usize, len: usize) -> (String, usize, usize) {
    let count = text.chars().count();
    let start = if count <= SHOWN_LINE {
        0
    } else {
        column
            .saturating_sub(SHOWN_LINE / 3)
            .min(count.saturating_sub(SHOWN_LINE))
    };
    let mut out: String = if start > 0 { "…".into() } else { String::new() };
    // Shown characters before the fault, and within its span.
    let (mut before, mut within) = (usize::from(start > 0), 0);
    for (i, c) in text.chars().enumerate().skip(start).take(SHOWN_LINE) {
        let added = push_shown(&mut out, c);
        if i + 1 < column {
            before += added;
        } else if i + 1 < column + len {
            within += added;
        }
    }
    if start + SHOWN_LINE < count {
        out.push('…');
    }
    (out, before + 1, within.max(1))
}

/// How a report names a character it must not print: `U+001B (ESC)`, so a reader can tell which
/// it is without the character reaching the terminal.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\u{1b}' => " (ESC)",
        '\u{0c}' => " (form feed)",
        '\u{7f}' => " (DEL)",
        '\t' => " (tab)",
        '\n' => " (newline)",
        '\u{202A}' => " (LEFT-TO-RIGHT EMBEDDING)",
        '\u{202B}' => " (RIGHT-TO-LEFT EMBEDDING)",
        '\u{202C}' => " (POP DIRECTIONAL FORMATTING)",
        '\u{202D}' => " (LEFT-TO-RIGHT OVERRIDE)",
        '\u{202E}' => " (RIGHT-TO-LEFT OVERRIDE)",
        _ => "",
    };
    format!("U+{:04X}{name}", c as u32)
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

/// Sorts findings the way an editor reads them: causes before consequences, then by place.
/// Findings that only follow from a file that did not load come last; the others by [`Stage`]
/// (load errors, then data, templates, prose, links, theme, live), then by file, line, column and
/// code. Each finding that follows from a file is then given the place of that file's first
/// error, which it names.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            let place = d
                .location
                .as_ref()
                .map(|l| (l.file.clone(), l.line, l.column))
                .unwrap_or_default();
            (d.follows.is_some(), Stage::of(&d.code), place)
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    let causes: Vec<Location> = diagnostics
        .iter()
        .filter(|d| d.follows.is_none() && d.is_error())
        .filter_map(|d| d.location.clone())
        .collect();
    for d in diagnostics.iter_mut() {
        if let Some(follows) = &mut d.follows
            && follows.cause.is_none()
        {
            // The first error in the file, in the order just given: its load error.
            follows.cause = causes.iter().find(|l| l.file == follows.file).cloned();
        }
    }
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
    /// `file:line` of the error this finding follows from.
    #[serde(skip_serializing_if = "Option::is_none")]
    follows_from: Option<String>,
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
                follows_from: d.follows.as_ref().map(|f| match &f.cause {
                    Some(at) => format!("{}:{}", at.file, at.line),
                    None => f.file.clone(),
                }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_put_causes_first() {
        assert!(Stage::of("yaml-unknown-key") < Stage::of("port-range"));
        assert!(Stage::of("site-missing") < Stage::of("unknown-provider"));
        assert!(Stage::of("unknown-provider") < Stage::of("template-data"));
        assert!(Stage::of("template-data") < Stage::of("prose-contradiction"));
        assert!(Stage::of("prose-contradiction") < Stage::of("link-broken"));
        assert!(Stage::of("link-draft") < Stage::of("template-render"));
        assert!(Stage::of("template-render") < Stage::of("live-tls-failed"));
    }

    #[test]
    fn a_consequence_comes_after_its_cause_and_names_it() {
        let mut found = vec![
            Diagnostic::error("link-broken", "a link")
                .at(Location::new("content/faq/a.yaml", 2, 1))
                .follows_from("content/providers/x.yaml"),
            Diagnostic::error("port-range", "a port").at(Location::new("content/providers/y.yaml", 9, 1)),
            Diagnostic::error("yaml-unknown-key", "a key").at(Location::new("content/providers/x.yaml", 7, 3)),
        ];
        sort(&mut found);
        let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["yaml-unknown-key", "port-range", "link-broken"]);
        let note = found[2].follows.as_ref().map(Follows::words);
        assert_eq!(
            note.as_deref(),
            Some("follows from the error in content/providers/x.yaml:7")
        );
        assert!(
            found[2]
                .render_human(&HashMap::new(), false)
                .contains("= note: follows from the error in")
        );
    }

    #[test]
    fn messages_escape_what_a_terminal_would_run_and_keep_their_ends_when_cut() {
        let d = Diagnostic::error("x", "the host `a\u{1b}[2Jb\u{202e}c`").help("tab\tand\nnewline stay");
        assert_eq!(d.message, "the host `a\\u{1b}[2Jb\\u{202e}c`");
        assert_eq!(d.help.as_deref(), Some("tab\tand\nnewline stay"));
        let long = format!("the host `{}` is not valid", "t".repeat(1_000_000));
        let d = Diagnostic::error("x", long);
        assert_eq!(d.message.chars().count(), SHOWN_TEXT);
        assert!(d.message.starts_with("the host `ttt") && d.message.ends_with("ttt` is not valid"));
    }

    #[test]
    fn the_source_line_shows_escapes_with_the_caret_under_them() {
        let d = Diagnostic::error("x", "m").at(Location::new("f", 1, 4).with_len(1));
        let sources = HashMap::from([("f".to_string(), "ab \u{1b}[31m c\n".to_string())]);
        let shown = d.render_human(&sources, false);
        assert!(shown.contains("1 | ab \\u{1b}[31m c\n  |    ^^^^^^\n"), "{shown}");
        // A long line: a window, the caret still under the fault.
        let line = format!("{}\u{7}{}", "x".repeat(5_000), "y".repeat(5_000));
        let (text, column, len) = excerpt(&line, 5_001, 1);
        assert!(text.chars().count() < SHOWN_LINE + 10);
        assert_eq!(text.chars().skip(column - 1).take(len).collect::<String>(), "\\u{7}");
    }
}
