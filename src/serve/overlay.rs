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
            "<li data-severity=\"{}\" data-code=\"{}\" data-location=\"{}\"><pre>{}</pre></li>",
            d.severity.as_str(),
            escape(&d.code),
            escape(&loc),
            escape(d.render_human(&sources, false).trim_end())
        ));
    }
    Some(format!(
        concat!(
            "<div id=\"mailguide-overlay\" role=\"alertdialog\" aria-modal=\"true\" aria-labelledby=\"mailguide-overlay-title\">",
            "<style>{}</style>",
            "<div class=\"mg-panel\">",
            "<h2 id=\"mailguide-overlay-title\">The site has errors: {}</h2>",
            "<p>Below the overlay is the last version that built. Fix the files; this page updates by itself.</p>",
            "<ol>{}</ol>",
            "<button type=\"button\" onclick=\"document.getElementById('mailguide-overlay').remove()\">Hide until the next change</button>",
            "</div></div>"
        ),
        STYLE,
        escape(&summary(diagnostics)),
        items
    ))
}

/// The overlay's own style sheet, in the page it covers. Every rule is under the overlay's id,
/// which outranks the theme's element rules (the default theme gives `pre` its code background,
/// `#eef1f5`, which made light text on it unreadable), and sets both colour and background so
/// nothing of the theme shows through. Light and dark follow the reader's colour scheme; every
/// text colour has a contrast of at least 7:1 on its background (WCAG AAA), the browser check
/// (`scripts/browser-checks.sh`) runs axe on a page that shows it in both.
const STYLE: &str = concat!(
    "#mailguide-overlay{--mg-fg:#18181b;--mg-bg:#fff;--mg-code:#f4f4f5;--mg-title:#991b1b;--mg-edge:#dc2626;",
    "--mg-line:#52525b;--mg-shade:rgba(24,24,27,.6);",
    "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:var(--mg-shade);color:var(--mg-fg);",
    "font:15px/1.5 system-ui,sans-serif;padding:2rem 1rem;text-align:left}",
    "@media (prefers-color-scheme:dark){#mailguide-overlay{--mg-fg:#f4f4f5;--mg-bg:#1f1f23;--mg-code:#18181b;",
    "--mg-title:#fca5a5;--mg-edge:#ef4444;--mg-line:#a1a1aa;--mg-shade:rgba(20,20,24,.88)}}",
    "#mailguide-overlay .mg-panel{max-width:60rem;margin:0 auto;background:var(--mg-bg);color:var(--mg-fg);",
    "border-left:6px solid var(--mg-edge);padding:1.25rem 1.5rem;border-radius:6px}",
    "#mailguide-overlay h2{margin:0 0 .25rem;font-size:1.2rem;line-height:1.3;color:var(--mg-title);background:none}",
    "#mailguide-overlay p{margin:0 0 1rem;color:var(--mg-fg)}",
    "#mailguide-overlay ol{margin:0;padding-left:1.25rem;display:grid;gap:.75rem}",
    "#mailguide-overlay li{color:var(--mg-fg)}",
    "#mailguide-overlay pre{margin:0;padding:.5rem .75rem;white-space:pre-wrap;overflow-wrap:anywhere;",
    "font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;color:var(--mg-fg);background:var(--mg-code);",
    "border-radius:4px;border:0}",
    "#mailguide-overlay button{margin-top:1rem;font:inherit;padding:.3rem .9rem;border-radius:4px;",
    "border:1px solid var(--mg-line);background:var(--mg-code);color:var(--mg-fg);cursor:pointer}",
    "#mailguide-overlay button:focus-visible{outline:3px solid var(--mg-edge);outline-offset:2px}",
);

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

    #[test]
    fn the_message_sets_its_own_colours_in_both_schemes() {
        let html = render(Path::new("/nonexistent"), &[Diagnostic::error("x", "m")]).expect("overlay");
        // The theme's `pre` background must never be left under the message's text.
        let pre = STYLE.find("#mailguide-overlay pre{").expect("a rule for the message");
        let rule = &STYLE[pre..pre + STYLE[pre..].find('}').expect("closed")];
        assert!(
            rule.contains("color:var(--mg-fg)") && rule.contains("background:var(--mg-code)"),
            "{rule}"
        );
        assert!(STYLE.contains("@media (prefers-color-scheme:dark)"));
        assert!(
            !html.contains("style=\""),
            "no inline styles: the style sheet decides both schemes"
        );
    }
}
