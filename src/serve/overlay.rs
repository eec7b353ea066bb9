//! The error overlay: while the content has errors, every served page shows them on top of the
//! last good version, in the same words as the terminal (file, line, column, message, help),
//! escaped so content text cannot inject markup.

use crate::diagnostics::sources_for;
use crate::diagnostics::{Diagnostic, summary};
use std::path::Path;

/// The overlay for these findings (errors first), or `None` when none is an error.
pub fn render(root: &Path, diagnostics: &[Diagnostic]) -> Option<String> {
    if !diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    let sources = sources_for(root, diagnostics);
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| !d.is_error());
    let mut items = String::new();
    for d in sorted {
        let loc = d
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
            .unwrap_or_default();
        items.push_str(&format!(
            "<li data-severity=\"{}\" data-code=\"{}\" data-location=\"{}\"><pre style=\"margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace\">{}</pre></li>",
            d.severity.as_str(),
            escape(&d.code),
            escape(&loc),
            escape(d.render_human(&sources, false).trim_end())
        ));
    }
    Some(format!(
        concat!(
            "<div id=\"mailguide-overlay\" role=\"alertdialog\" aria-modal=\"true\" aria-labelledby=\"mailguide-overlay-title\" ",
            "style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.88);color:#f4f4f5;",
            "font:15px/1.5 system-ui,sans-serif;padding:2rem\">",
            "<div style=\"max-width:60rem;margin:0 auto;background:#1f1f23;border-left:6px solid #ef4444;padding:1.25rem 1.5rem;border-radius:6px\">",
            "<h2 id=\"mailguide-overlay-title\" style=\"margin:0 0 .25rem;font-size:1.2rem;color:#fca5a5\">The site has errors: {}</h2>",
            "<p style=\"margin:0 0 1rem\">Below the overlay is the last version that built. Fix the files; this page updates by itself.</p>",
            "<ol style=\"margin:0;padding-left:1.25rem;display:grid;gap:.75rem\">{}</ol>",
            "<button type=\"button\" onclick=\"document.getElementById('mailguide-overlay').remove()\" ",
            "style=\"margin-top:1rem;font:inherit;padding:.3rem .9rem;border-radius:4px;border:1px solid #71717a;background:#27272a;color:inherit;cursor:pointer\">Hide until the next change</button>",
            "</div></div>"
        ),
        escape(&summary(diagnostics)),
        items
    ))
}

/// The page served for every path while no build has succeeded yet; the overlay covers it.
pub fn no_site_page() -> String {
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>The site has errors – mailguide</title></head>\
     <body><p>The site has not built yet.</p></body></html>"
        .to_string()
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    #[test]
    fn the_overlay_names_the_place_and_escapes_the_message() {
        let d = Diagnostic::error("yaml-syntax", "bad <script>alert(1)</script>")
            .at(Location::new("content/providers/x.yaml", 4, 7))
            .help("check the \"quotes\"");
        let html = render(Path::new("/nonexistent"), &[d]).expect("an error shows the overlay");
        assert!(html.contains("content/providers/x.yaml:4:7"));
        assert!(html.contains("bad &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("help: check the &quot;quotes&quot;"));
        assert!(render(Path::new("/"), &[Diagnostic::warning("w", "only a warning")]).is_none());
    }
}
