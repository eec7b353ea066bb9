//! The peer: Hugo building a site of the same shape as the generated corpus, timed in the same
//! run so the comparison is a ratio. mailguide's site is flattened to what Hugo reads: the same
//! pages and URLs as Markdown, the guides' Tera expressions filled in by mailguide's own renderer,
//! settings tables as Markdown tables, one plain layout with the theme's style sheet; Hugo then
//! builds it with `hugo --minify`.

use crate::common::files::write;
use crate::common::repo;
use crate::measure::{Sample, count_html, repeat};
use mailguide::model::{Client, Placement, Provider, Site};
use mailguide::plan::prose::{self, Prose};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Hugo's builds of the flattened site: cold ones into fresh folders, then warm ones over the
/// first folder, and the pages they wrote.
pub struct Timings {
    pub pages: usize,
    pub cold: Sample,
    pub warm: Sample,
}

/// Whether `hugo` can be run (Debian's package: `apt-get install -y hugo`).
pub fn installed() -> bool {
    Command::new("hugo")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Flattens the mailguide site `site` into `tmp/hugo`, then times Hugo on it, `runs` times each.
pub fn time(runs: usize, site: &Path, tmp: &Path) -> Result<Timings, String> {
    let hdir = tmp.join("hugo");
    if !flatten(site, &hdir) {
        return Err("the generated site does not load; cannot flatten it for Hugo".into());
    }
    let hugo = |dest: PathBuf| {
        let mut c = Command::new("hugo");
        c.arg("--minify")
            .arg("--quiet")
            .arg("--source")
            .arg(&hdir)
            .arg("--destination")
            .arg(dest);
        c
    };
    let hout = |k: usize| tmp.join(format!("hugo-public-{k}"));
    let cold = repeat(runs, |k| hugo(hout(k)))?;
    let pages = count_html(&hout(0));
    let warm = repeat(runs, |_| hugo(hout(0)))?;
    Ok(Timings { pages, cold, warm })
}

/// Writes the Hugo site into `dir`; returns false when the mailguide site does not load.
fn flatten(site_dir: &Path, dir: &Path) -> bool {
    let checked = mailguide::check_site(site_dir);
    let (Some(site), Some(plan)) = (&checked.site, &checked.plan) else {
        return false;
    };
    let prose = &plan.prose;
    let clients = site.published_clients();
    write_config_and_layouts(dir, &clients);
    write_home(dir, site);
    for p in &site.providers {
        let servers = servers_table(p);
        write(
            &dir.join(format!("content/{}/_index.md", p.slug)),
            &provider_page(site, prose, &clients, p, &servers),
        );
        for c in &clients {
            write(
                &dir.join(format!("content/{}/{}.md", p.slug, c.slug)),
                &guide_page(site, prose, p, c, &servers),
            );
        }
    }
    for c in &clients {
        write(
            &dir.join(format!("content/client-{}.md", c.slug)),
            &client_page(site, c),
        );
    }
    write_faq_and_troubleshooting(dir, site, prose);
    write_free_pages(dir, site, prose);
    true
}

/// A piece of prose rendered for a provider and client; a template error is shown in its place
/// (the corpus passes `check`, so there are none).
fn fill(prose: &Prose, name: &str, ctx: &tera::Context) -> String {
    prose.render(name, ctx).unwrap_or_else(|e| e.message)
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Hugo front matter: title, description and, where the URL differs from the file's path, `url`.
fn front(title: &str, description: &str, url: Option<&str>) -> String {
    let mut f = format!(
        "---\ntitle: {}\ndescription: {}\n",
        serde_json::to_string(title).expect("a string serialises"),
        serde_json::to_string(description).expect("a string serialises")
    );
    if let Some(u) = url {
        let _ = writeln!(f, "url: {u}");
    }
    f.push_str("---\n");
    f
}

/// `hugo.toml`, the theme's style sheet and the layouts: one page shell with the clients in its
/// navigation, as the default theme has.
fn write_config_and_layouts(dir: &Path, clients: &[&Client]) {
    if let Ok(css) = fs::read(repo().join("themes/default/static/style.css")) {
        fs::create_dir_all(dir.join("static")).expect("create the Hugo static folder");
        fs::write(dir.join("static/style.css"), css).expect("write the Hugo stylesheet");
    }
    write(
        &dir.join("hugo.toml"),
        "baseURL = 'https://bench.example.org/'\nlanguageCode = 'en'\ntitle = 'Mail Setup Help'\ndisableKinds = ['taxonomy', 'term', 'RSS']\n[markup.goldmark.renderer]\nunsafe = true\n",
    );

    let mut nav = String::new();
    for c in clients {
        let _ = write!(nav, "<li><a href=\"/clients/{}/\">{}</a></li>", c.slug, c.data.name);
    }
    let base = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{{{ .Title }}}} – {{{{ .Site.Title }}}}</title>
<meta name="description" content="{{{{ .Description }}}}">
<link rel="canonical" href="{{{{ .Permalink }}}}">
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header class="site-header"><a class="brand" href="/">{{{{ .Site.Title }}}}</a>
<nav aria-label="Mail apps"><ul>{nav}</ul></nav></header>
<main id="main">
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>{{{{ with .Parent }}}}{{{{ if not .IsHome }}}}<li><a href="{{{{ .RelPermalink }}}}">{{{{ .Title }}}}</a></li>{{{{ end }}}}{{{{ end }}}}<li>{{{{ .Title }}}}</li></ol></nav>
{{{{ block "main" . }}}}{{{{ end }}}}
</main>
<footer class="site-footer"><p><a href="/faq/">FAQ</a> · <a href="/troubleshooting/">Troubleshooting</a> · <a href="/about/">About</a></p></footer>
</body>
</html>
"#
    );
    write(&dir.join("layouts/_default/baseof.html"), &base);
    let main = "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n<div class=\"prose\">{{ .Content }}</div>{{ end }}\n";
    write(&dir.join("layouts/_default/single.html"), main);
    write(&dir.join("layouts/_default/list.html"), main);
    write(&dir.join("layouts/index.html"), main);
    write(
        &dir.join("layouts/404.html"),
        "{{ define \"main\" }}<h1>Page not found</h1><p><a href=\"/\">Home</a></p>{{ end }}\n",
    );
}

/// The home page: every provider with its addresses.
fn write_home(dir: &Path, site: &Site) {
    let mut home = front("Mail Setup Help", &site.config.description, None);
    home.push_str("| Provider | Addresses |\n|---|---|\n");
    for p in &site.providers {
        let _ = writeln!(
            home,
            "| [{}](/{}/) | {} |",
            md_escape(&p.data.name),
            p.slug,
            p.addresses()
        );
    }
    write(&dir.join("content/_index.md"), &home);
}

/// A provider's servers as a Markdown table, shown on its page and on each of its guides.
fn servers_table(p: &Provider) -> String {
    let mut servers = String::from("| Protocol | Server | Port | Encryption | Username |\n|---|---|---|---|---|\n");
    for (proto, list) in [
        ("IMAP", &p.data.servers.imap),
        ("POP3", &p.data.servers.pop3),
        ("SMTP", &p.data.servers.smtp),
    ] {
        for s in list {
            let _ = writeln!(
                servers,
                "| {proto} | `{}` | {} | {} | {} |",
                s.host,
                s.port,
                s.security.label(),
                s.username.describe()
            );
        }
    }
    servers
}

/// A provider's page: summary, servers, password, prerequisites, notes, its FAQ, its guides.
fn provider_page(site: &Site, prose: &Prose, clients: &[&Client], p: &Provider, servers: &str) -> String {
    let ctx = prose.context(Some(p), None);
    let mut page = front(
        &format!("{} settings", p.data.name),
        &format!("{} mail server settings", p.data.name),
        None,
    );
    let _ = writeln!(
        page,
        "{}\n\n## Servers\n\n{servers}",
        p.data.summary.as_deref().unwrap_or("")
    );
    let _ = writeln!(
        page,
        "## Password\n\n{}\n",
        p.data.password.notes.as_deref().unwrap_or("")
    );
    for (k, pre) in p.data.prerequisites.iter().enumerate() {
        let name = prose::provider_field_name(p, &format!("prerequisites[{k}].body"));
        let body = fill(prose, &name, &ctx);
        let _ = writeln!(page, "## {}\n\n{body}\n", pre.title);
    }
    let _ = writeln!(
        page,
        "## Notes\n\n{}\n\n## FAQ\n",
        p.data.notes.as_deref().unwrap_or("")
    );
    for e in site
        .faq
        .iter()
        .filter(|e| e.data.provider.as_deref() == Some(p.slug.as_str()))
    {
        let answer = fill(prose, &prose::entry_name(&e.source, e.index, "answer"), &ctx);
        let _ = writeln!(page, "### {}\n\n{answer}\n", e.data.question);
    }
    page.push_str("## Guides\n\n");
    for c in clients {
        let _ = writeln!(page, "- [{}](/{}/{}/)", c.data.name, p.slug, c.slug);
    }
    page
}

/// A provider's guide for a client: the settings, the client's guide with the provider's own
/// steps placed as they ask, the troubleshooting entries that apply, and links back.
fn guide_page(site: &Site, prose: &Prose, p: &Provider, c: &Client, servers: &str) -> String {
    let ctx = prose.context(Some(p), Some(c));
    let generic = c
        .guide
        .as_ref()
        .map(|g| fill(prose, &prose::guide_name(&g.source), &ctx))
        .unwrap_or_default();
    let body = match site.guide_override(&p.slug, &c.slug) {
        Some(o) => {
            let extra = fill(prose, &prose::guide_name(&o.guide.source), &ctx);
            match o.guide.front.placement.unwrap_or_default() {
                Placement::Before => format!("{extra}\n\n{generic}"),
                Placement::After => format!("{generic}\n\n{extra}"),
                Placement::Replace => extra,
            }
        }
        None => generic,
    };
    let mut page = front(
        &format!("Set up {} in {}", p.data.name, c.data.name),
        &format!("How to set up {} in {}, step by step.", p.data.name, c.data.name),
        None,
    );
    let _ = writeln!(page, "## Settings for {}\n\n{servers}\n{body}\n", c.data.name);
    let mut trouble = String::new();
    for e in site.troubleshooting.iter().filter(|e| {
        e.data.provider.as_deref() == Some(p.slug.as_str())
            && (e.data.clients.is_empty() || e.data.clients.contains(&c.slug))
            || e.data.provider.is_none() && e.data.clients.contains(&c.slug)
    }) {
        let fix = fill(prose, &prose::entry_name(&e.source, e.index, "fix"), &ctx);
        let _ = writeln!(trouble, "### {}\n\n{fix}\n", e.data.title);
    }
    if !trouble.is_empty() {
        let _ = writeln!(page, "## If it does not work\n\n{trouble}");
    }
    let _ = writeln!(
        page,
        "## More for {}\n\n- [All {} server settings](/{}/)\n- [{} guides for other providers](/clients/{}/)",
        p.short_name(),
        p.data.name,
        p.slug,
        c.data.name,
        c.slug
    );
    page
}

/// A client's page (`/clients/SLUG/`): every provider's guide for it.
fn client_page(site: &Site, c: &Client) -> String {
    let mut page = front(
        &format!("{} setup guides", c.data.name),
        &format!("Set up any mail provider in {}.", c.data.name),
        Some(&format!("/clients/{}/", c.slug)),
    );
    for p in &site.providers {
        let _ = writeln!(
            page,
            "- [{}](/{}/{}/) {}",
            p.data.name,
            p.slug,
            c.slug,
            p.data.domains.join(", ")
        );
    }
    page
}

/// The FAQ and troubleshooting pages: every entry, rendered for its provider if it has one.
fn write_faq_and_troubleshooting(dir: &Path, site: &Site, prose: &Prose) {
    let mut faq = front("Frequently asked questions", "Answers to common questions.", None);
    let mut trouble = front("Troubleshooting", "Fixes for mail that will not connect.", None);
    for e in &site.faq {
        let owner = e.data.provider.as_deref().and_then(|s| site.provider(s));
        let answer = fill(
            prose,
            &prose::entry_name(&e.source, e.index, "answer"),
            &prose.context(owner, None),
        );
        let _ = writeln!(faq, "### {}\n\n{answer}\n", e.data.question);
    }
    for e in &site.troubleshooting {
        let owner = e.data.provider.as_deref().and_then(|s| site.provider(s));
        let ctx = prose.context(owner, None);
        let symptom = fill(prose, &prose::entry_name(&e.source, e.index, "symptom"), &ctx);
        let fix = fill(prose, &prose::entry_name(&e.source, e.index, "fix"), &ctx);
        let _ = writeln!(trouble, "### {}\n\n{symptom}\n\n{fix}\n", e.data.title);
    }
    write(&dir.join("content/faq.md"), &faq);
    write(&dir.join("content/troubleshooting.md"), &trouble);
}

/// The free pages (content/pages), at the same URLs.
fn write_free_pages(dir: &Path, site: &Site, prose: &Prose) {
    for page in &site.pages {
        let body = fill(
            prose,
            &prose::guide_name(&page.guide.source),
            &prose.context(None, None),
        );
        let title = page.guide.front.title.clone().unwrap_or_else(|| page.slug.clone());
        let description = page.guide.front.description.clone().unwrap_or_default();
        write(
            &dir.join(format!("content/{}.md", page.slug)),
            &(front(&title, &description, None) + &body),
        );
    }
}
