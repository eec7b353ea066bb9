//! Extending the theme instead of copying it: a site template that extends `theme/base.html`
//! and fills its blocks, `extra:` values in site.yaml, a site style sheet after the theme's, and
//! a site without a themes/ folder built with the theme inside mailguide.

use crate::common::*;
use std::fs;
use std::path::Path;

/// A site made by `init` (no themes/ folder), then given the files of `extra`.
fn init_site(extra: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("help");
    let out = mailguide(&["init", site.to_str().expect("UTF-8 path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (rel, text) in extra {
        let path = site.join(rel);
        fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    (tmp, site)
}

fn build_ok(site: &Path) -> std::path::PathBuf {
    let out = site.join("public");
    let o = build(site, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn a_site_without_a_theme_folder_uses_the_built_in_theme() {
    let (_tmp, site) = init_site(&[]);
    assert!(
        !site.join("themes").exists(),
        "init copies no theme without --theme-copy"
    );
    let out = build_ok(&site);
    let doc = page(&out, "example-mail/index.html");
    let style = doc
        .select(&sel("link[rel=stylesheet]"))
        .next()
        .expect("the theme's style sheet");
    let href = style.value().attr("href").expect("href");
    assert!(
        href.starts_with("/static/style.") && out.join(&href[1..]).is_file(),
        "{href}"
    );
    // The same bytes as the bundled theme's style sheet, minified.
    let bundled = page(bundled_site(), "index.html");
    let bundled_href = bundled
        .select(&sel("link[rel=stylesheet]"))
        .next()
        .and_then(|l| l.value().attr("href").map(str::to_string))
        .expect("bundled style sheet");
    assert_eq!(href, bundled_href, "the built-in theme is the bundled one");
}

#[test]
fn a_site_template_fills_the_theme_blocks_with_extra_values_and_its_own_css() {
    let (_tmp, site) = init_site(&[
        (
            "templates/base.html",
            r#"{% extends "theme/base.html" %}
{% block head %}<meta name="site-brand" content="{{ site.extra.brand }}">{% endblock head %}
{% block before_content %}<p class="site-notice">{{ site.extra.notice }}</p>{% endblock before_content %}
{% block after_content %}<p class="site-after">Still stuck? Write to {{ site.extra.support_email }}.</p>{% endblock after_content %}
{% block footer %}{{ super() }}<p class="site-own">Run by {{ site.extra.brand }}</p>{% endblock footer %}
"#,
        ),
        ("static/site.css", ":root { --accent: #7a1fa2; --link: #7a1fa2; }\n"),
    ]);
    let yaml = fs::read_to_string(site.join("site.yaml")).expect("site.yaml");
    fs::write(
        site.join("site.yaml"),
        format!("{yaml}extra:\n  brand: Example Help Desk\n  notice: Our servers move on 1 March.\n  support_email: help@example.org\n"),
    )
    .expect("write");
    let out = build_ok(&site);
    for rel in [
        "index.html",
        "example-mail/index.html",
        "example-mail/thunderbird/index.html",
        "faq/index.html",
    ] {
        let doc = page(&out, rel);
        let meta = doc
            .select(&sel("head meta[name=site-brand]"))
            .next()
            .expect("the head block");
        assert_eq!(meta.value().attr("content"), Some("Example Help Desk"), "{rel}");
        let notice = doc.select(&sel("main .wrap > p.site-notice:first-child")).next();
        assert_eq!(
            notice.map(text).as_deref(),
            Some("Our servers move on 1 March."),
            "{rel}: before the content"
        );
        let after = doc.select(&sel("main .wrap > p.site-after:last-child")).next();
        assert_eq!(
            after.map(text).as_deref(),
            Some("Still stuck? Write to help@example.org."),
            "{rel}: after the content"
        );
        // super() keeps the theme's footer; the site's line follows it.
        assert!(
            doc.select(&sel("footer nav[aria-label=Help]")).next().is_some(),
            "{rel}"
        );
        assert_eq!(
            doc.select(&sel("footer p.site-own")).next().map(text).as_deref(),
            Some("Run by Example Help Desk")
        );
        let sheets: Vec<String> = doc
            .select(&sel("link[rel=stylesheet]"))
            .filter_map(|l| l.value().attr("href").map(str::to_string))
            .collect();
        assert_eq!(sheets.len(), 2, "{rel}: {sheets:?}");
        assert!(
            sheets[0].starts_with("/static/style.") && sheets[1].starts_with("/static/site."),
            "{sheets:?}"
        );
        assert!(
            fs::read_to_string(out.join(&sheets[1][1..]))
                .expect("site.css")
                .contains("--accent:#7a1fa2")
        );
    }
}

#[test]
fn a_missing_theme_other_than_the_default_is_an_error() {
    let (_tmp, site) = init_site(&[]);
    let yaml = fs::read_to_string(site.join("site.yaml")).expect("site.yaml");
    fs::write(site.join("site.yaml"), yaml.replace("theme: default", "theme: fancy")).expect("write");
    let o = build(&site, site.join("public"), &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[theme-missing]") && stderr.contains("fancy"),
        "{stderr}"
    );
}
