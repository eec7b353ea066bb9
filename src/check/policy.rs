//! The policy names rules that exist: a misspelt code in `site.yaml`'s `checks:` or in a
//! provider's `allow:` would otherwise change nothing, silently (`prot-range: off` leaves
//! `port-range` on, and the editor believes it off). Each is a `rule-unknown` error at its line
//! with the closest known code.

use super::Context;
use crate::diagnostics::Diagnostic;

pub const CODE: &str = "rule-unknown";

/// Every rule code mailguide reports, as documented in `docs/checks.md` (a unit test keeps the
/// two equal).
pub const CODES: &[&str] = &[
    "asset-unreadable",
    "client-security-words",
    "domain-conflict",
    "domain-duplicate",
    "domain-invalid",
    "entry-id-duplicate",
    "faq-duplicate",
    "faq-empty-answer",
    "file-symlink",
    "file-too-large",
    "file-unknown-kind",
    "file-unreadable",
    "file-unused",
    "guide-missing",
    "guide-without-client",
    "hostname-invalid",
    "link-anchor",
    "link-broken",
    "markdown-front-matter",
    "password-kind-auth",
    "path-collision",
    "port-protocol",
    "port-range",
    "port-security",
    "port-smtp-relay",
    "port-unusual",
    "prose-contradiction",
    "prose-literal",
    "prose-security-word",
    "prose-unknown-host",
    "provider-no-incoming",
    "provider-no-outgoing",
    "provider-reason-contradicts",
    "security-none",
    "security-none-password",
    "server-duplicate",
    "site-duplicate-client",
    "site-missing",
    "site-unknown-client",
    "slug-invalid",
    "template-data",
    "template-missing",
    "template-render",
    "template-syntax",
    "template-unbounded",
    "template-unreadable",
    "text-control-character",
    "theme-missing",
    "troubleshooting-empty-symptom",
    "troubleshooting-no-fix",
    "unknown-client",
    "unknown-provider",
    "url-invalid",
    "url-not-https",
    "yaml-bad-value",
    "yaml-empty",
    "yaml-missing-key",
    "yaml-syntax",
    "yaml-too-deep",
    "yaml-unknown-key",
    "yaml-wrong-type",
    "rule-unknown",
    "url-scheme",
    "value-empty",
];

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut out = Vec::new();
    for code in site.config.checks.keys() {
        if !CODES.contains(&code.as_str()) {
            out.push(unknown(code, "in `checks:`").at(site.config_source.locate(&format!("checks.{code}#key"))));
        }
    }
    for p in &site.providers {
        for (i, a) in p.data.allow.iter().enumerate() {
            if !CODES.contains(&a.rule.as_str()) {
                out.push(unknown(&a.rule, "in `allow:`").at(p.source.locate(&format!("allow[{i}].rule"))));
            }
        }
    }
    out
}

fn unknown(code: &str, place: &str) -> Diagnostic {
    let closest = CODES
        .iter()
        .map(|c| (strsim::jaro_winkler(code, c), *c))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.8)
        .map(|(_, c)| c);
    let shown: String = code.chars().take(60).collect();
    let d = Diagnostic::error(CODE, format!("no rule is called `{shown}` {place}"));
    match closest {
        Some(c) => d.help(format!("did you mean `{c}`? The codes are listed in docs/checks.md")),
        None => d.help("use a code from docs/checks.md, such as `port-unusual`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_are_the_documented_ones() {
        let docs = include_str!("../../docs/checks.md");
        let mut documented: Vec<&str> = docs
            .lines()
            .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
            .collect();
        documented.sort();
        let mut codes = CODES.to_vec();
        codes.sort();
        assert_eq!(codes, documented);
    }
}
