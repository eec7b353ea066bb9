//! The policy names rules that exist: a misspelt code in `site.yaml`'s `checks:` or in a
//! provider's `allow:` would otherwise change nothing, silently (`prot-range: off` leaves
//! `port-range` on, and the editor believes it off). Each is a `rule-unknown` error at its line
//! with the closest known code.

use super::Context;
use crate::diagnostics::Diagnostic;

pub const CODE: &str = "rule-unknown";

/// Every rule code mailguide reports: the `### \`code\`` headings of `docs/checks.md`, built
/// into the binary, so a rule is known to the policy exactly when it is documented.
pub fn codes() -> &'static [&'static str] {
    static CODES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        include_str!("../../docs/checks.md")
            .lines()
            .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
            .collect()
    })
}

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut out = Vec::new();
    for code in site.config.checks.keys() {
        if !codes().contains(&code.as_str()) {
            out.push(unknown(code, "in `checks:`").at(site.config_source.locate(&format!("checks.{code}#key"))));
        }
    }
    for p in &site.providers {
        for (i, a) in p.data.allow.iter().enumerate() {
            if !codes().contains(&a.rule.as_str()) {
                out.push(unknown(&a.rule, "in `allow:`").at(p.source.locate(&format!("allow[{i}].rule"))));
            }
        }
    }
    out
}

fn unknown(code: &str, place: &str) -> Diagnostic {
    let closest = codes()
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
    fn every_rule_the_checks_report_is_documented() {
        for code in [
            "port-range",
            "template-unbounded",
            "url-scheme",
            "rule-unknown",
            "value-empty",
        ] {
            assert!(codes().contains(&code), "{code}");
        }
        assert!(codes().len() > 50, "{:?}", codes());
    }
}
