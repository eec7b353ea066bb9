//! URL schemes: only `http`, `https`, `mailto` and `tel` reach a reader, whatever the policy says.
//!
//! `url-invalid` and `url-not-https` are about quality and can be turned down in `site.yaml`; a
//! `javascript:` or `data:` link is an attack on the reader, so its rule (`url-scheme`) is in
//! [`super::FIXED`]: neither the policy nor a provider's `allow:` changes it. It covers the
//! provider's links, every link in prose, and `base_url`, which goes into canonical links, the
//! sitemap and the profiles' identifiers (and must be `http` or `https`).

use super::Context;
use crate::diagnostics::Diagnostic;

pub const CODE: &str = "url-scheme";

/// Schemes a link may have.
pub const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The scheme of a URL, lower-cased, or `None` for a relative one (`/x`, `#a`, `a/b`).
pub fn scheme(url: &str) -> Option<String> {
    // Browsers ignore leading blanks and control characters, and tabs and newlines inside.
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (head, _) = url.split_once(':')?;
    let mut chars = head.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // `/a:b` or `a/b:c` is a path, not a scheme.
    ok.then(|| head.to_ascii_lowercase())
}

/// Whether a URL has a scheme that is not allowed.
pub fn refused(url: &str) -> bool {
    scheme(url).is_some_and(|s| !SCHEMES.contains(&s.as_str()))
}

/// Whether `base_url` (site.yaml or `--base-url`) is an absolute http(s) address.
pub fn base_url_ok(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !url.contains(|c: char| c.is_control() || c == ' '))
}

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut out = Vec::new();
    if !base_url_ok(&site.config.base_url) {
        out.push(
            Diagnostic::error(
                CODE,
                format!("`base_url` must be an http or https address: {}", site.config.base_url),
            )
            .at(site.config_source.locate("base_url"))
            .help("write the site's public address, such as https://mail-help.example.org"),
        );
    }
    for p in &site.providers {
        for (path, url) in p.reader_links() {
            if refused(url) {
                out.push(refusal(&format!("`{path}`"), url).at(p.source.locate(&path)));
            }
        }
    }
    for piece in cx.pieces() {
        for link in super::links::find_links(&piece.text.body) {
            if refused(&link.target) {
                let noun = piece.kind.noun();
                out.push(
                    refusal(&format!("a link in {noun}"), &link.target).at(piece.text.location(link.start, link.end)),
                );
            }
        }
    }
    out
}

fn refusal(what: &str, url: &str) -> Diagnostic {
    let shown: String = url.chars().take(60).collect();
    Diagnostic::error(CODE, format!("{what} has a scheme mailguide never publishes: {shown}"))
        .help("link with https:// (or http://, mailto:, tel:); this rule cannot be turned off")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        assert!(refused("javascript:alert(1)"));
        assert!(refused(" JavaScript:alert(1)"));
        assert!(refused("java\tscript:alert(1)"));
        assert!(refused("data:text/html,x"));
        assert!(!refused("https://example.org/a:b"));
        assert!(!refused("mailto:help@example.org"));
        assert!(!refused("tel:+15550100"));
        assert!(!refused("/guide/a:b"));
        assert!(!refused("#top"));
        assert!(base_url_ok("https://example.org"));
        assert!(!base_url_ok("javascript:alert(1)"));
        assert!(!base_url_ok("https://"));
    }
}
