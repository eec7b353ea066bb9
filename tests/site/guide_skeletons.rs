//! Guide skeletons (src/plan/skeleton/, behind `render::guide_steps::Shared`) change how guide
//! pages are made, never what they say: whole sites rendered the shared way and the plain way
//! must be the same files, byte for byte, and the shared way must really have filled pages from
//! the skeletons it kept, or the comparison proves nothing.
//!
//! The sites: the bundled one, the providers of every shape with the bundled guides, the 163
//! ISPDB providers (real data no one here wrote), and a site whose guide compares, filters and
//! loops over provider strings, for providers whose names and URLs Markdown reads specially.

use crate::common;

use common::{copy_tree, ispdb_site, repo};
use mailguide::diagnostics::Diagnostic;
use mailguide::plan::files::OutputFile;
use mailguide::render::guide_steps::{Plain, Shared};
use mailguide::render::{self, Selection, theme::Theme};
use std::path::Path;

/// Renders the site at `root` the shared way and the plain way, asserts the files are the same
/// and returns them, with how many guide pages of each client the shared way filled from a
/// skeleton an earlier page made (the published clients' slugs in order).
fn same_both_ways(root: &Path) -> (Vec<OutputFile>, Vec<(String, usize)>) {
    let checked = mailguide::check_site(root);
    let (Some(site), Some(plan)) = (&checked.site, &checked.plan) else {
        panic!("{} loads: {:?}", root.display(), checked.diagnostics);
    };
    let base_url = "https://help.example.net".to_string();
    let mut theme = Theme::load(&site.root, &site.config.theme, site.config.minify).expect("the theme loads");
    render::set_globals(&mut theme, site, &base_url);
    let opts = mailguide::render_options(&checked, base_url);
    let all = Selection::all();
    let keep = |f: OutputFile| -> Result<Option<OutputFile>, Diagnostic> { Ok(Some(f)) };
    let steps = Shared::new(site);
    let shared = render::render_pages_using(site, plan, &theme, &opts, &all, &keep, &steps).expect("renders shared");
    let kept = site
        .published_clients()
        .iter()
        .map(|c| (c.slug.clone(), steps.kept_for(&c.slug)))
        .collect();
    let plain = render::render_pages_using(site, plan, &theme, &opts, &all, &keep, &Plain).expect("renders plain");
    assert_eq!(shared.len(), plain.len(), "{}", root.display());
    for (a, b) in shared.iter().zip(&plain) {
        assert_eq!(a.path, b.path);
        if a.bytes != b.bytes {
            panic!(
                "{} differs with guide skeletons:\n--- with\n{}\n--- without\n{}",
                a.path,
                String::from_utf8_lossy(&a.bytes),
                String::from_utf8_lossy(&b.bytes)
            );
        }
    }
    (shared, kept)
}

/// Asserts that every client's guide pages were filled from kept skeletons.
fn every_client_kept(kept: &[(String, usize)]) {
    assert!(!kept.is_empty());
    for (client, n) in kept {
        assert!(
            *n > 0,
            "no guide page of {client} was filled from a kept skeleton: {kept:?}"
        );
    }
}

fn guide_pages(files: &[OutputFile]) -> usize {
    files
        .iter()
        .filter(|f| f.path.matches('/').count() == 2 && f.path.ends_with("/index.html"))
        .count()
}

/// A site with the providers of tests/sites/shapes and the bundled clients, guides, free pages
/// and theme.
fn shapes_site(root: &Path) {
    copy_tree(&repo().join("tests/sites/shapes"), root);
    for part in ["clients", "pages"] {
        copy_tree(&repo().join("content").join(part), &root.join("content").join(part));
    }
    copy_tree(&repo().join("themes"), &root.join("themes"));
}

#[test]
fn the_bundled_site_is_the_same_with_guide_skeletons() {
    let (files, kept) = same_both_ways(&repo());
    assert!(guide_pages(&files) >= 60, "the bundled guides were rendered");
    assert!(
        kept.iter().any(|(_, n)| *n > 0),
        "pages were filled from kept skeletons: {kept:?}"
    );
}

#[test]
fn providers_of_every_shape_are_the_same_with_guide_skeletons() {
    let dir = tempfile::tempdir().expect("temp dir");
    shapes_site(dir.path());
    // Each provider here has a shape of its own, so no page finds a skeleton another made:
    // every page is compared, and the ISPDB site below is the one that shares.
    same_both_ways(dir.path());
}

#[test]
fn the_ispdb_providers_are_the_same_with_guide_skeletons() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    ispdb_site(root);
    let (files, kept) = same_both_ways(root);
    assert!(guide_pages(&files) >= 163 * 6, "every provider's guides were rendered");
    every_client_kept(&kept);
}

/// A guide that does with provider strings what a skeleton cannot follow (compare them, filter
/// them, loop over them, copy them into variables) next to places Markdown reads specially.
const TRICKY_GUIDE: &str = r#"## Before you start

{% if provider.name == "Tricky Mail" %}This is the tricky provider.{% else %}An ordinary provider.{% endif %}
In capitals: {{ provider.name | upper }}.
{% for d in provider.domains %}- `{{ d }}`
{% endfor %}
{% if incoming %}Server: {{ incoming.host }}.

## Sign in to {{ provider.short_name }}

1. Open {% if provider.help_url %}<{{ provider.help_url }}> and {% endif %}[the page](/{{ provider.slug }}/).
2. Enter **{{ incoming.host }}** and {{ incoming.username }}'s "value" -- then {{ password }}...
3. {{ provider.name }}--{{ provider.short_name }}, *{{ provider.short_name }}*_{{ provider.slug }}_

Table: {{ provider.name }} at a glance

| {{ words.host }} | Value |
|---|---|
| {{ words.host }} | `{{ incoming.host }}` |
| Help | [{{ provider.short_name }}]({{ provider.help_url }}) |
{% endif %}
"#;

#[test]
fn strings_a_skeleton_cannot_follow_are_rendered_the_plain_way() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    shapes_site(root);
    let clients = root.join("content/clients");
    let iphone = std::fs::read_to_string(clients.join("iphone.yaml")).expect("iphone.yaml");
    std::fs::write(
        clients.join("tricky.yaml"),
        iphone.replace("name: iPhone & iPad Mail", "name: Tricky Mail App"),
    )
    .expect("tricky.yaml");
    std::fs::write(clients.join("tricky.md"), TRICKY_GUIDE).expect("tricky.md");
    let site_yaml = std::fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    std::fs::write(
        root.join("site.yaml"),
        site_yaml.replace(
            "android-gmail, thunderbird-android]",
            "android-gmail, thunderbird-android, tricky]",
        ),
    )
    .expect("site.yaml");
    let base = std::fs::read_to_string(root.join("content/providers/pop-only.yaml")).expect("pop-only.yaml");
    let providers = [
        ("tricky", "Tricky Mail", "Tricky", "https://tricky.example/help"),
        (
            "obrien",
            "O'Brien & Sons <Mail>",
            "O'Brien",
            "https://obrien.example/a b",
        ),
        ("numbered", "1. Mail", "1. Mail", "https://numbered.example/help/"),
        ("underscored", "Mail_Box *Pro*", "Mail_Box", "mailbox.example/help"),
        ("dotted", "Dots... Mail--Plus", "Dots.", "https://dots.example/?a=1&b=2"),
    ];
    for (slug, name, short, help) in providers {
        let text = base
            .replace("name: Example POP Mail", &format!("name: \"{name}\""))
            .replace("short_name: POP Mail", &format!("short_name: \"{short}\""))
            .replace(
                "help_url: https://www.pop-only.example.net/help/mail-settings",
                &format!("help_url: \"{help}\""),
            )
            .replace("pop-only.example.net", &format!("{slug}.example.net"));
        std::fs::write(root.join(format!("content/providers/{slug}.yaml")), text).expect("provider");
    }
    let (files, kept) = same_both_ways(root);
    // The negative control: the guide that compares and filters `provider.name` had no page
    // filled from a kept skeleton, while the ordinary guides beside it did.
    for (client, n) in &kept {
        if client == "tricky" {
            assert_eq!(*n, 0, "the tricky guide's pages are made the plain way: {kept:?}");
        } else if client == "iphone" {
            assert!(*n > 0, "the iPhone guide shares skeletons: {kept:?}");
        }
    }
    assert!(kept.iter().any(|(c, _)| c == "tricky") && kept.iter().any(|(c, _)| c == "iphone"));
    let page = |path: &str| {
        let file = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} exists"));
        String::from_utf8_lossy(&file.bytes).into_owned()
    };
    // The comparison saw the real name, not a placeholder.
    assert!(page("tricky/tricky/index.html").contains("This is the tricky provider."));
    assert!(page("pop-only/tricky/index.html").contains("An ordinary provider."));
    assert!(page("tricky/tricky/index.html").contains("In capitals: TRICKY MAIL."));
    assert!(
        !files
            .iter()
            .any(|f| String::from_utf8_lossy(&f.bytes).contains("mgslot"))
    );
}
