//! Names: server host names and e-mail domains are valid DNS names (RFC 1123), and slugs, which
//! become URLs and folder names, are safe.
//!
//! A reader types the host name into a mail app; `imaps://imap.example.com` or a name with a
//! space never connects. A slug with `..`, a slash or a space would write outside its folder or
//! give a URL that breaks.

use super::Context;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::Protocol;

/// What is wrong with a host or domain name, if anything.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if let Some(i) = name.find("://") {
        return Some(format!(
            "starts with a scheme (`{}`): write the name alone",
            &name[..i + 3]
        ));
    }
    if let Some(start) = name.find('%')
        && let Some(len) = name[start + 1..].find('%')
    {
        return Some(format!(
            "holds the placeholder `{}`, which mailguide fills in only in usernames: write the name itself",
            &name[start..start + len + 2]
        ));
    }
    if name.contains(char::is_whitespace) {
        return Some("contains a space".into());
    }
    if name.contains('@') {
        return Some("is an e-mail address, not a name".into());
    }
    if let Some(c) = name.chars().find(|c| matches!(c, '/' | ':' | '?' | '#')) {
        return Some(format!("contains `{c}`: write the name without a path or port"));
    }
    if name.ends_with('.') {
        return Some("ends with a dot".into());
    }
    if name.len() > 253 {
        return Some(format!("is {} characters long; a DNS name has at most 253", name.len()));
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Some("has an empty label (two dots in a row, or a leading dot)".into());
    }
    if labels.len() < 2 {
        return Some("has no dot: a public name has at least two labels".into());
    }
    for l in &labels {
        if l.len() > 63 {
            return Some(format!("has a label of {} characters; a label has at most 63", l.len()));
        }
        if let Some(c) = l.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Some(format!(
                "has `{c}` in the label `{l}`; labels use letters, digits and hyphens (write IDNs in their xn-- form)"
            ));
        }
        if l.starts_with('-') || l.ends_with('-') {
            return Some(format!("has the label `{l}`, which starts or ends with a hyphen"));
        }
    }
    let is_ipv4 = name.parse::<std::net::Ipv4Addr>().is_ok();
    if !is_ipv4 && labels.last().is_some_and(|t| t.chars().all(|c| c.is_ascii_digit())) {
        return Some("ends in an all-digit label, which no top-level domain is".into());
    }
    None
}

/// Whether a slug is safe as a URL segment and a file name.
pub fn slug_problem(slug: &str) -> Option<String> {
    if slug.is_empty() {
        return Some("is empty".into());
    }
    if slug.contains("..") {
        return Some("contains `..`".into());
    }
    let length = slug.chars().count();
    if length > crate::scaffold::MAX_NAME {
        // Past about 240 bytes the output files (`<slug>.mobileconfig`) cannot even be created.
        return Some(format!(
            "is {length} characters long; slugs are at most {} characters (they become file names and page addresses)",
            crate::scaffold::MAX_NAME
        ));
    }
    if let Some(c) = slug
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let what = match c {
            ' ' => "a space".to_string(),
            '/' | '\\' => "a slash".to_string(),
            c if c.is_ascii_uppercase() => "an upper-case letter".to_string(),
            c => format!("`{c}`"),
        };
        return Some(format!("contains {what}; slugs use lower-case letters, digits and `-`"));
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return Some("starts or ends with `-`".into());
    }
    None
}

/// A safe slug suggestion for a name.
fn suggest_slug(name: &str) -> String {
    let slug = crate::plan::markdown::slugify(name);
    let max = crate::scaffold::MAX_NAME;
    if slug.chars().count() <= max {
        return slug;
    }
    // A suggestion must itself be valid: cut at the last `-` that keeps it short enough.
    let cut: String = slug.chars().take(max).collect();
    match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

pub fn check(cx: &Context) -> Vec<Diagnostic> {
    let site = cx.site;
    let mut out = Vec::new();
    for p in &site.providers {
        for protocol in Protocol::ALL {
            for (i, s) in p.servers(protocol).iter().enumerate() {
                // A template is judged as the name it gives for an address at example.com.
                let name = s.host_for("example.com");
                let problem = name_problem(&name).or_else(|| {
                    (name.contains('{') || name.contains('}'))
                        .then(|| "has a `{...}` other than `{domain}`".to_string())
                });
                if let Some(problem) = problem {
                    out.push(
                        Diagnostic::error(
                            "hostname-invalid",
                            format!("the {} host `{}` {problem}", protocol.name(), s.host),
                        )
                        .at(p.source.locate(&format!("servers.{}[{i}].host", protocol.id())))
                        .help("write the server's DNS name only, such as imap.example.com")
                        .for_provider(&p.slug),
                    );
                }
            }
        }
        for (i, d) in p.data.domains.iter().enumerate() {
            if let Some(problem) = name_problem(d) {
                out.push(
                    Diagnostic::error("domain-invalid", format!("the domain `{d}` {problem}"))
                        .at(p.source.locate(&format!("domains[{i}]")))
                        .help("write the part of the address after the @, such as example.com")
                        .for_provider(&p.slug),
                );
            }
        }
    }
    let slug = |kind: &str, slug: &str, location: Location, out: &mut Vec<Diagnostic>| {
        if let Some(problem) = slug_problem(slug) {
            out.push(
                Diagnostic::error("slug-invalid", format!("the {kind} slug `{slug}` {problem}"))
                    .at(location)
                    .help(format!(
                        "rename the file: the slug becomes a URL; for example `{}`",
                        suggest_slug(slug)
                    )),
            );
        }
    };
    for p in &site.providers {
        slug("provider", &p.slug, Location::file(&p.source.path), &mut out);
    }
    for c in &site.clients {
        slug("client", &c.slug, Location::file(&c.source.path), &mut out);
    }
    for page in &site.pages {
        slug("page", &page.slug, Location::file(&page.guide.source.path), &mut out);
    }
    for e in &site.faq {
        if let Some(id) = &e.data.id {
            slug(
                "FAQ entry id",
                id,
                e.source.locate(&format!("[{}].id", e.index)),
                &mut out,
            );
        }
    }
    for e in &site.troubleshooting {
        if let Some(id) = &e.data.id {
            slug(
                "troubleshooting entry id",
                id,
                e.source.locate(&format!("[{}].id", e.index)),
                &mut out,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name_problem("imap.mail.me.com"), None);
        assert_eq!(name_problem("xn--bcher-kva.example"), None);
        assert_eq!(name_problem("192.0.2.1"), None);
        assert!(name_problem("imaps://imap.x.com").unwrap().contains("scheme"));
        assert!(name_problem("imap..x.com").unwrap().contains("empty label"));
        assert!(name_problem("imap.x.com.").unwrap().contains("ends with a dot"));
        assert!(name_problem("-imap.x.com").unwrap().contains("hyphen"));
        assert!(name_problem("imap_1.x.com").unwrap().contains("`_`"));
        assert!(name_problem(&format!("{}.com", "a".repeat(64))).unwrap().contains("63"));
        assert!(name_problem("localhost").unwrap().contains("no dot"));
        assert!(name_problem("imap.x.com:993").unwrap().contains("`:`"));
        assert!(name_problem("mail.%EMAILDOMAIN%").unwrap().contains("`%EMAILDOMAIN%`"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug_problem("gmx-net"), None);
        assert!(slug_problem("../x").is_some());
        assert!(slug_problem("My Provider").unwrap().contains("upper-case"));
        assert!(slug_problem("a b").unwrap().contains("space"));
    }
}
