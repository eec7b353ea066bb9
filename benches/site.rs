//! The large-site benchmark (issue 7): generates a site of N providers in a temporary folder,
//! then times the real `mailguide` binary building it (into a fresh output folder and over an
//! existing one), checking it, and its peak memory; copying the finished output with `cp -r` (the
//! floor); and, when `hugo` is installed, Hugo building a site of the same shape from flattened
//! Markdown, so the comparison is a ratio measured in one run.
//!
//! ```text
//! cargo bench --bench site                              # 1,000 providers (about 8,000 pages)
//! cargo bench --bench site -- --providers 100,1000,5000 # the scaling table
//! cargo bench --bench site -- --runs 5 --no-peer --keep
//! ```
//!
//! The corpus: provider shapes (servers per protocol, ports, encryption, sign-in methods,
//! username forms, number of domains) are taken round-robin from the Thunderbird ISPDB files in
//! `../shared/ispdb/` (or `--ispdb DIR`), with hosts and domains renamed per provider
//! (`imap.provider-0042.example`); the bundled site's clients, guides, free pages, general FAQ and
//! troubleshooting and theme are copied, plus a seventh client (Betterbird, a Thunderbird fork with
//! the same screens); every provider gets FAQ entries, some get troubleshooting entries,
//! prerequisites and provider-specific guide steps. Nothing is written into the repository.

use mailguide::render::prose;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const CLIENTS: [&str; 7] = [
    "thunderbird",
    "betterbird",
    "outlook",
    "apple-mail",
    "iphone",
    "android-gmail",
    "thunderbird-android",
];

struct Args {
    providers: Vec<usize>,
    runs: usize,
    peer: bool,
    keep: bool,
    ispdb: PathBuf,
    tmp: Option<PathBuf>,
    bin: PathBuf,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo bench --bench site -- [--providers N[,N...]] [--runs R] [--no-peer] [--keep] [--ispdb DIR] [--tmp DIR] [--bin PATH]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        providers: vec![1000],
        runs: 3,
        peer: true,
        keep: false,
        ispdb: repo.join("../shared/ispdb"),
        tmp: None,
        bin: PathBuf::from(env!("CARGO_BIN_EXE_mailguide")),
    };
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this target without it
    // (and perhaps with test-runner arguments): then a small smoke run, not the benchmark.
    if !std::env::args().any(|a| a == "--bench") {
        args.providers = vec![20];
        args.runs = 1;
        args.peer = false;
        return args;
    }
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            // cargo bench passes `--bench` to harness-less targets.
            "--bench" => {}
            "--providers" | "-n" => {
                let v = it.next().unwrap_or_else(|| usage());
                args.providers = v
                    .split(',')
                    .map(|n| n.trim().parse().unwrap_or_else(|_| usage()))
                    .collect();
            }
            "--runs" => {
                args.runs = it
                    .next()
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or_else(|| usage())
                    .max(1)
            }
            "--no-peer" => args.peer = false,
            "--keep" => args.keep = true,
            "--ispdb" => args.ispdb = PathBuf::from(it.next().unwrap_or_else(|| usage())),
            "--tmp" => args.tmp = Some(PathBuf::from(it.next().unwrap_or_else(|| usage()))),
            // A copy of the binary, so a rebuild of the tree during a long run changes nothing.
            "--bin" => args.bin = PathBuf::from(it.next().unwrap_or_else(|| usage())),
            _ => usage(),
        }
    }
    args
}

// ---------------------------------------------------------------------------------------------
// Provider shapes from the ISPDB

#[derive(Clone)]
struct ServerShape {
    prefix: String,
    security: &'static str,
    auth: Vec<&'static str>,
    username: &'static str,
}

#[derive(Clone)]
struct Shape {
    source: String,
    domains: usize,
    imap: Vec<ServerShape>,
    pop3: Vec<ServerShape>,
    smtp: Vec<ServerShape>,
}

fn tag<'a>(block: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = block;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        match after.find(&close) {
            Some(j) => {
                out.push(after[..j].trim());
                rest = &after[j + close.len()..];
            }
            None => break,
        }
    }
    out
}

/// The `<incomingServer type="…">` / `<outgoingServer …>` blocks of a file, with their type.
fn server_blocks(xml: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for element in ["incomingServer", "outgoingServer"] {
        let open = format!("<{element} type=\"");
        let close = format!("</{element}>");
        let mut rest = xml;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let Some(q) = after.find('"') else { break };
            let kind = after[..q].to_string();
            let Some(end) = after.find(&close) else { break };
            out.push((kind, &after[..end]));
            rest = &after[end + close.len()..];
        }
    }
    out
}

fn server_shape(block: &str) -> Option<ServerShape> {
    let security = match tag(block, "socketType").first().copied() {
        Some("SSL") => "tls",
        Some("STARTTLS") => "starttls",
        // Plain-text servers are left out: the corpus must pass the checks so the build runs.
        _ => return None,
    };
    let host = tag(block, "hostname").first().copied().unwrap_or("mail");
    let prefix: String = host
        .split('.')
        .next()
        .unwrap_or("mail")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    let prefix = if prefix.is_empty() || prefix.starts_with('%') {
        "mail".into()
    } else {
        prefix
    };
    let mut auth: Vec<&'static str> = tag(block, "authentication")
        .into_iter()
        .filter_map(|a| match a {
            "password-cleartext" | "plain" => Some("password"),
            "password-encrypted" | "secure" => Some("encrypted-password"),
            "OAuth2" => Some("oauth2"),
            "NTLM" => Some("ntlm"),
            "GSSAPI" => Some("gssapi"),
            _ => None,
        })
        .collect();
    auth.dedup();
    if auth.is_empty() {
        auth.push("password");
    }
    let username = match tag(block, "username").first().copied() {
        Some("%EMAILLOCALPART%") => "local-part",
        Some("%EMAILDOMAIN%") => "domain",
        _ => "address",
    };
    Some(ServerShape {
        prefix,
        security,
        auth,
        username,
    })
}

fn load_shapes(dir: &Path) -> Vec<Shape> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "xml"));
    files.sort();
    let mut shapes = Vec::new();
    for path in files {
        let Ok(xml) = fs::read_to_string(&path) else { continue };
        let mut shape = Shape {
            source: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            domains: tag(&xml, "domain").len().clamp(1, 4),
            imap: vec![],
            pop3: vec![],
            smtp: vec![],
        };
        for (kind, block) in server_blocks(&xml) {
            let Some(s) = server_shape(block) else { continue };
            let list = match kind.as_str() {
                "imap" => &mut shape.imap,
                "pop3" => &mut shape.pop3,
                "smtp" => &mut shape.smtp,
                _ => continue,
            };
            // One server per security kind and protocol (ports follow the kind), three at most.
            if list.len() < 3 && !list.iter().any(|o| o.security == s.security) {
                list.push(s);
            }
        }
        if !shape.imap.is_empty() && !shape.smtp.is_empty() {
            shapes.push(shape);
        }
    }
    if shapes.is_empty() {
        eprintln!("note: no ISPDB files in {}; using one built-in shape", dir.display());
        let s = |prefix: &str, security: &'static str| ServerShape {
            prefix: prefix.into(),
            security,
            auth: vec!["password"],
            username: "address",
        };
        shapes.push(Shape {
            source: "built-in".into(),
            domains: 2,
            imap: vec![s("imap", "tls"), s("imap", "starttls")],
            pop3: vec![s("pop", "tls")],
            smtp: vec![s("smtp", "tls"), s("smtp", "starttls")],
        });
    }
    shapes
}

fn port(protocol: &str, security: &str) -> u16 {
    match (protocol, security) {
        ("imap", "tls") => 993,
        ("imap", _) => 143,
        ("pop3", "tls") => 995,
        ("pop3", _) => 110,
        (_, "tls") => 465,
        _ => 587,
    }
}

// ---------------------------------------------------------------------------------------------
// The mailguide corpus

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create a folder in the benchmark's temporary folder");
    }
    fs::write(path, text).expect("write a file in the benchmark's temporary folder");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let rel = entry
            .path()
            .strip_prefix(from)
            .expect("walkdir yields paths under its root");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("create a folder in the benchmark's temporary folder");
        } else {
            fs::copy(entry.path(), &dest).expect("copy a bundled file into the benchmark's temporary folder");
        }
    }
}

fn provider_yaml(i: usize, shape: &Shape) -> String {
    let slug = format!("provider-{i:04}");
    let domain = format!("{slug}.example");
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Generated by benches/site.rs from the shape of ISPDB {}.",
        shape.source
    );
    let _ = writeln!(y, "name: Provider {i} Mail");
    let _ = writeln!(y, "short_name: Provider {i}");
    let mut domains = vec![domain.clone()];
    for (k, extra) in ["mail", "post", "net"].iter().enumerate().take(shape.domains - 1) {
        let _ = k;
        domains.push(format!("{extra}-{i:04}.example"));
    }
    let _ = writeln!(y, "domains: [{}]", domains.join(", "));
    let _ = writeln!(y, "help_url: https://help.{domain}/mail-apps");
    let _ = writeln!(
        y,
        "summary: |\n  Provider {i} runs mail for addresses ending in @{domain}. Mail apps connect over\n  IMAP{}.",
        if shape.pop3.is_empty() { "" } else { " or POP3" }
    );
    y.push_str("servers:\n");
    let mut lists = [shape.imap.clone(), shape.pop3.clone(), shape.smtp.clone()];
    let servers = || lists.iter().flatten();
    let only_oauth = servers().any(|s| s.auth == ["oauth2"]);
    let all_oauth = servers().all(|s| s.auth.contains(&"oauth2"));
    // The password kind must match the servers (rule password-kind-auth): a server that only
    // takes OAuth2 makes the provider an OAuth2 one, whose servers all offer it.
    let kind = match i % 3 {
        _ if only_oauth => "oauth2",
        0 if all_oauth => "oauth2",
        0 => "account",
        1 => "app-password",
        _ => "account-or-app-password",
    };
    if kind == "oauth2" {
        for s in lists.iter_mut().flatten().filter(|s| !s.auth.contains(&"oauth2")) {
            s.auth.push("oauth2");
        }
    }
    for (proto, list) in ["imap", "pop3", "smtp"].into_iter().zip(&lists) {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(y, "  {proto}:");
        for s in list {
            let _ = writeln!(y, "    - host: {}.{domain}", s.prefix);
            let _ = writeln!(y, "      port: {}", port(proto, s.security));
            let _ = writeln!(y, "      security: {}", s.security);
            let _ = writeln!(y, "      auth: [{}]", s.auth.join(", "));
            let _ = writeln!(y, "      username: {}", s.username);
        }
    }
    if shape.pop3.is_empty() {
        let _ = writeln!(y, "no_pop3: Provider {i} offers IMAP only.");
    }
    let _ = writeln!(y, "password:\n  kind: {kind}");
    if kind == "app-password" {
        let _ = writeln!(y, "  app_password_url: https://account.{domain}/app-passwords");
        y.push_str(
            "  app_password_steps: |\n    1. Sign in to your account settings.\n    2. Open **Security**, then **App passwords**.\n    3. Create a password, name it after your mail app, and copy it.\n",
        );
    }
    let _ = writeln!(
        y,
        "  notes: |\n    The password is the same for incoming and outgoing mail. Provider {i} locks the account\n    for an hour after ten failed sign-ins."
    );
    if i.is_multiple_of(3) {
        let _ = writeln!(
            y,
            "prerequisites:\n  - title: Allow mail apps\n    body: |\n      Open the webmail settings, choose **Mail apps**, and turn on access for IMAP before\n      you connect to `{{{{ imap.host }}}}`."
        );
    }
    let _ = writeln!(
        y,
        "notes: |\n  - Mailboxes hold {} GB.\n  - Mail older than two years is archived, not deleted.",
        5 + i % 20
    );
    if i.is_multiple_of(2) {
        y.push_str("dns_records: true\n");
    }
    let _ = writeln!(
        y,
        "documentation:\n  - url: https://help.{domain}/mail-apps\n    title: \"Provider {i}: mail app settings\""
    );
    y
}

fn provider_faq(i: usize) -> String {
    let slug = format!("provider-{i:04}");
    format!(
        r#"- question: What is the Provider {i} IMAP server?
  provider: {slug}
  answer: |
    Incoming mail comes from `{{{{ imap.host }}}}` on port {{{{ imap.port }}}}, encrypted with
    {{{{ imap.security }}}}. Sign in with {{{{ imap.username }}}}.
- question: What is the Provider {i} SMTP server?
  provider: {slug}
  answer: |
    Outgoing mail goes through `{{{{ smtp.host }}}}` on port {{{{ smtp.port }}}} with
    {{{{ smtp.security }}}}. Use {{{{ password }}}}.
- question: Does Provider {i} offer POP3?
  provider: {slug}
  answer: |
    {{% if pop3 %}}Yes: `{{{{ pop3.host }}}}`, port {{{{ pop3.port }}}}.{{% else %}}No, {{{{ provider.name }}}} works
    over IMAP only.{{% endif %}} See [IMAP or POP3?](/imap-vs-pop3/).
"#
    )
}

fn provider_trouble(i: usize) -> String {
    let slug = format!("provider-{i:04}");
    format!(
        r#"- title: Provider {i} refuses the password
  provider: {slug}
  symptom: |
    The app says the password is wrong although it works on the website.
  fix: |
    Provider {i} expects {{{{ password }}}}. Check that the username is
    {{{{ incoming.username }}}}.
- title: Outlook cannot send through Provider {i}
  provider: {slug}
  clients: [outlook]
  symptom: |
    Receiving works, sending stops with an error.
  fix: |
    Set the outgoing server to `{{{{ smtp.host }}}}` and port {{{{ smtp.port }}}}.
"#
    )
}

fn generate_site(dir: &Path, n: usize, shapes: &[Shape]) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repo.join("themes/default"), &dir.join("themes/default"));
    copy_tree(&repo.join("content/clients"), &dir.join("content/clients"));
    copy_tree(&repo.join("content/pages"), &dir.join("content/pages"));
    for f in ["faq/general.yaml", "troubleshooting/general.yaml"] {
        let from = repo.join("content").join(f);
        if from.exists() {
            write(
                &dir.join("content").join(f),
                &fs::read_to_string(from).expect("read a bundled content file"),
            );
        }
    }
    // A seventh client: Betterbird is a Thunderbird fork with the same account screens.
    let tb_yaml = fs::read_to_string(repo.join("content/clients/thunderbird.yaml")).expect("read thunderbird.yaml");
    let tb_guide = fs::read_to_string(repo.join("content/clients/thunderbird.md")).expect("read thunderbird.md");
    write(
        &dir.join("content/clients/betterbird.yaml"),
        &tb_yaml.replace("name: Thunderbird", "name: Betterbird"),
    );
    write(
        &dir.join("content/clients/betterbird.md"),
        &tb_guide.replace("Thunderbird", "Betterbird"),
    );
    write(
        &dir.join("site.yaml"),
        &format!(
            "title: Mail Setup Help (benchmark, {n} providers)\ndescription: Server settings and setup guides for {n} generated providers.\nbase_url: https://bench.example.org\nlanguage: en\ntheme: default\nclients: [{}]\n",
            CLIENTS.join(", ")
        ),
    );
    for i in 0..n {
        let shape = &shapes[i % shapes.len()];
        let slug = format!("provider-{i:04}");
        write(
            &dir.join(format!("content/providers/{slug}.yaml")),
            &provider_yaml(i, shape),
        );
        write(&dir.join(format!("content/faq/{slug}.yaml")), &provider_faq(i));
        if i % 4 == 0 {
            write(
                &dir.join(format!("content/troubleshooting/{slug}.yaml")),
                &provider_trouble(i),
            );
        }
        if i % 5 == 0 {
            write(
                &dir.join(format!("content/providers/{slug}/iphone.md")),
                "---\nplacement: before\n---\n## Before you start on iPhone\n\nIf {{ provider.short_name }} offers a configuration profile on its website, install it\nand skip the manual steps. Otherwise continue with `{{ incoming.host }}` below.\n",
            );
        }
        if i % 7 == 0 {
            write(
                &dir.join(format!("content/providers/{slug}/thunderbird.md")),
                "## After the setup\n\nThunderbird finds the folders of {{ provider.name }} by itself. Open **Account Settings →\nServer Settings** to check `{{ incoming.host }}` and port {{ incoming.port }}.\n",
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The peer: a Hugo site of the same shape, from flattened Markdown

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

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

/// Writes the Hugo site; returns false when the mailguide corpus does not load.
fn generate_hugo(site_dir: &Path, dir: &Path) -> bool {
    let checked = mailguide::check_site(site_dir);
    let (Some(site), Some(prose)) = (&checked.site, &checked.prose) else {
        return false;
    };
    let clients = site.published_clients();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Ok(css) = fs::read(repo.join("themes/default/static/style.css")) {
        fs::create_dir_all(dir.join("static")).expect("create the Hugo static folder");
        fs::write(dir.join("static/style.css"), css).expect("write the Hugo stylesheet");
    }
    write(
        &dir.join("hugo.toml"),
        "baseURL = 'https://bench.example.org/'\nlanguageCode = 'en'\ntitle = 'Mail Setup Help'\ndisableKinds = ['taxonomy', 'term', 'RSS']\n[markup.goldmark.renderer]\nunsafe = true\n",
    );
    let mut nav = String::new();
    for c in &clients {
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

    let ctx_err = |e: mailguide::diagnostics::Diagnostic| e.message;
    let mut home = front("Mail Setup Help", &site.config.description, None);
    home.push_str("| Provider | Addresses |\n|---|---|\n");
    for p in &site.providers {
        let _ = writeln!(
            home,
            "| [{}](/{}/) | {} |",
            md_escape(&p.data.name),
            p.slug,
            p.data
                .domains
                .iter()
                .map(|d| format!("@{d}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    write(&dir.join("content/_index.md"), &home);

    for p in &site.providers {
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
            let body = prose
                .render(&name, &prose::context(Some(p), None))
                .unwrap_or_else(ctx_err);
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
            let answer = prose
                .render(
                    &prose::entry_name(&e.source, e.index, "answer"),
                    &prose::context(Some(p), None),
                )
                .unwrap_or_else(ctx_err);
            let _ = writeln!(page, "### {}\n\n{answer}\n", e.data.question);
        }
        page.push_str("## Guides\n\n");
        for c in &clients {
            let _ = writeln!(page, "- [{}](/{}/{}/)", c.data.name, p.slug, c.slug);
        }
        write(&dir.join(format!("content/{}/_index.md", p.slug)), &page);

        for c in &clients {
            let ctx = prose::context(Some(p), Some(c));
            let generic = c
                .guide
                .as_ref()
                .map(|g| {
                    prose
                        .render(&prose::guide_name(&g.source), &ctx)
                        .unwrap_or_else(ctx_err)
                })
                .unwrap_or_default();
            let body = match site.guide_override(&p.slug, &c.slug) {
                Some(o) => {
                    let extra = prose
                        .render(&prose::guide_name(&o.guide.source), &ctx)
                        .unwrap_or_else(ctx_err);
                    match o.guide.front.placement.unwrap_or_default() {
                        mailguide::model::Placement::Before => format!("{extra}\n\n{generic}"),
                        mailguide::model::Placement::After => format!("{generic}\n\n{extra}"),
                        mailguide::model::Placement::Replace => extra,
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
                let fix = prose
                    .render(&prose::entry_name(&e.source, e.index, "fix"), &ctx)
                    .unwrap_or_else(ctx_err);
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
            write(&dir.join(format!("content/{}/{}.md", p.slug, c.slug)), &page);
        }
    }
    for c in &clients {
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
        write(&dir.join(format!("content/client-{}.md", c.slug)), &page);
    }
    let mut faq = front("Frequently asked questions", "Answers to common questions.", None);
    let mut trouble = front("Troubleshooting", "Fixes for mail that will not connect.", None);
    for e in &site.faq {
        let owner = e.data.provider.as_deref().and_then(|s| site.provider(s));
        let answer = prose
            .render(
                &prose::entry_name(&e.source, e.index, "answer"),
                &prose::context(owner, None),
            )
            .unwrap_or_else(ctx_err);
        let _ = writeln!(faq, "### {}\n\n{answer}\n", e.data.question);
    }
    for e in &site.troubleshooting {
        let owner = e.data.provider.as_deref().and_then(|s| site.provider(s));
        let ctx = prose::context(owner, None);
        let symptom = prose
            .render(&prose::entry_name(&e.source, e.index, "symptom"), &ctx)
            .unwrap_or_else(ctx_err);
        let fix = prose
            .render(&prose::entry_name(&e.source, e.index, "fix"), &ctx)
            .unwrap_or_else(ctx_err);
        let _ = writeln!(trouble, "### {}\n\n{symptom}\n\n{fix}\n", e.data.title);
    }
    write(&dir.join("content/faq.md"), &faq);
    write(&dir.join("content/troubleshooting.md"), &trouble);
    for page in &site.pages {
        let body = prose
            .render(&prose::guide_name(&page.guide.source), &prose::context(None, None))
            .unwrap_or_else(ctx_err);
        let title = page.guide.front.title.clone().unwrap_or_else(|| page.slug.clone());
        let description = page.guide.front.description.clone().unwrap_or_default();
        write(
            &dir.join(format!("content/{}.md", page.slug)),
            &(front(&title, &description, None) + &body),
        );
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// One run of a child process: wall time, CPU time (user + system, all threads) and its peak
/// resident memory. On a machine shared with other work, CPU time is the steadier figure.
struct Sample {
    secs: f64,
    cpu: f64,
    rss_mb: f64,
}

/// Runs `cmd` to completion; wall time and max RSS come from `wait4` on that child alone.
fn run(cmd: &mut Command) -> Result<Sample, String> {
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    // Drain stderr in a thread so a chatty child cannot block on a full pipe.
    let mut stderr = child.stderr.take().expect("stderr was piped above");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of a plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; status and usage are valid for writes.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    let err = reader.join().unwrap_or_default();
    if rc != pid {
        return Err(format!("wait4 failed for {cmd:?}"));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            err.lines().take(30).collect::<Vec<_>>().join("\n")
        ));
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    // Linux reports ru_maxrss in KiB.
    Ok(Sample {
        secs,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
    })
}

/// Repeats a measurement; `cmd` gets the run's number, to write each run into a folder of its own.
fn repeat(runs: usize, mut cmd: impl FnMut(usize) -> Command) -> Result<Sample, String> {
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    let mut rss: f64 = 0.0;
    for k in 0..runs {
        let s = run(&mut cmd(k))?;
        times.push(s.secs);
        cpus.push(s.cpu);
        rss = rss.max(s.rss_mb);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    cpus.sort_by(|a, b| a.total_cmp(b));
    Ok(Sample {
        secs: times[times.len() / 2],
        cpu: cpus[cpus.len() / 2],
        rss_mb: rss,
    })
}

fn count_html(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

struct Row {
    what: String,
    pages: usize,
    sample: Sample,
}

impl Row {
    fn print(&self) {
        let ms = if self.pages > 0 {
            format!("{:>7.3}", self.sample.secs * 1000.0 / self.pages as f64)
        } else {
            "      -".into()
        };
        let rate = if self.pages > 0 {
            format!("{:>8.0}", self.pages as f64 / self.sample.secs)
        } else {
            "       -".into()
        };
        println!(
            "  {:<30} {:>6} pages {:>8.3} s {rate} pages/s {ms} ms/page {:>7.1} MB {:>8.2} s CPU",
            self.what, self.pages, self.sample.secs, self.sample.rss_mb, self.sample.cpu
        );
    }

    fn ms_per_page(&self) -> f64 {
        self.sample.secs * 1000.0 / self.pages.max(1) as f64
    }
}

struct Summary {
    n: usize,
    pages: usize,
    cold: f64,
    cold_cpu: f64,
    warm: f64,
    same: f64,
    edited: f64,
    check: f64,
    rss: f64,
    cp: f64,
    hugo: Option<f64>,
    hugo_rss: Option<f64>,
}

fn hugo_installed() -> bool {
    Command::new("hugo")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Hugo on the same site, flattened: cold builds into fresh folders, then warm rebuilds.
fn bench_hugo(args: &Args, site: &Path, tmp: &Path) -> Result<[Row; 2], String> {
    let hdir = tmp.join("hugo");
    if !generate_hugo(site, &hdir) {
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
    let cold = repeat(args.runs, |k| hugo(hout(k)))?;
    let pages = count_html(&hout(0));
    let warm = repeat(args.runs, |_| hugo(hout(0)))?;
    Ok([
        Row {
            what: "hugo --minify (cold)".into(),
            pages,
            sample: cold,
        },
        Row {
            what: "hugo --minify (warm)".into(),
            pages,
            sample: warm,
        },
    ])
}

fn bench_one(args: &Args, bin: &Path, shapes: &[Shape], n: usize, tmp: &Path) -> Result<Summary, String> {
    // Nothing is deleted while measuring: every cold build and copy gets a folder of its own.
    // On a file system without a journal (ext4 here), creating files right after many were
    // deleted is several times slower for minutes, which would charge one run for the last one's
    // cleanup. The rebuilds run last; they delete nothing either (the replaced output becomes
    // the spare that the next rebuild writes over).
    let site = tmp.join("site");
    let out = |k: usize| tmp.join(format!("public-{k}"));
    let t = Instant::now();
    generate_site(&site, n, shapes);
    println!(
        "\n== {n} providers ({} ISPDB shapes, {} clients), corpus in {} (generated in {:.1} s)",
        shapes.len(),
        CLIENTS.len(),
        tmp.display(),
        t.elapsed().as_secs_f64()
    );
    let mg = |sub: &str, output: Option<&Path>| {
        let mut c = Command::new(bin);
        c.arg(sub).arg("--root").arg(&site);
        if let Some(o) = output {
            c.arg("--output").arg(o);
        }
        c
    };
    let check = repeat(args.runs, |_| mg("check", None))?;
    let cold = repeat(args.runs, |k| mg("build", Some(&out(k))))?;
    let pages = count_html(&out(0));
    if pages < n * (CLIENTS.len() + 1) {
        return Err(format!(
            "the build wrote {pages} pages; {n} providers with {} clients need at least {}",
            CLIENTS.len(),
            n * (CLIENTS.len() + 1)
        ));
    }
    let cp = repeat(args.runs, |k| {
        let mut c = Command::new("cp");
        c.arg("-r").arg(out(0)).arg(tmp.join(format!("copy-{k}")));
        c
    })?;
    let hugo = if args.peer && hugo_installed() {
        Some(bench_hugo(args, &site, tmp)?)
    } else {
        None
    };
    // Rebuilds into out(0). The first one writes a new folder and keeps the replaced output as
    // the spare; the later ones write over the spare, unchanged files left alone (src/write).
    let warm = repeat(1, |_| mg("build", Some(&out(0))))?;
    let same = repeat(args.runs, |_| mg("build", Some(&out(0))))?;
    // One provider's name changes before each run: its pages change, and every page's link to
    // the (fingerprinted) search index.
    let provider = site.join("content/providers/provider-0001.yaml");
    let original = fs::read_to_string(&provider).map_err(|e| format!("{}: {e}", provider.display()))?;
    let edited = repeat(args.runs, |k| {
        let text = original.replacen("name: Provider 1 Mail", &format!("name: Provider 1 Mail, edit {k}"), 1);
        fs::write(&provider, text).expect("edit the generated provider");
        mg("build", Some(&out(0)))
    })?;
    fs::write(&provider, &original).map_err(|e| format!("{}: {e}", provider.display()))?;
    let rows = vec![
        Row {
            what: "mailguide check".into(),
            pages,
            sample: check,
        },
        Row {
            what: "mailguide build (cold)".into(),
            pages,
            sample: cold,
        },
        Row {
            what: "mailguide build (warm)".into(),
            pages,
            sample: warm,
        },
        Row {
            what: "cp -r of the output (floor)".into(),
            pages,
            sample: cp,
        },
        Row {
            what: "rebuild, nothing changed".into(),
            pages,
            sample: same,
        },
        Row {
            what: "rebuild, one provider changed".into(),
            pages,
            sample: edited,
        },
    ];
    for r in &rows {
        r.print();
    }
    let mut summary = Summary {
        n,
        pages,
        cold: rows[1].ms_per_page(),
        cold_cpu: rows[1].sample.cpu * 1000.0 / pages.max(1) as f64,
        warm: rows[2].ms_per_page(),
        same: rows[4].ms_per_page(),
        edited: rows[5].ms_per_page(),
        check: rows[0].sample.secs,
        rss: rows[1].sample.rss_mb.max(rows[2].sample.rss_mb),
        cp: rows[3].ms_per_page(),
        hugo: None,
        hugo_rss: None,
    };
    match hugo {
        Some(hrows) => {
            for r in &hrows {
                r.print();
            }
            println!(
                "  ratio, ms per page: hugo / mailguide = {:.2}x (cold), {:.2}x (warm); mailguide / cp -r = {:.2}x",
                hrows[0].ms_per_page() / summary.cold,
                hrows[1].ms_per_page() / summary.warm,
                summary.cold / summary.cp
            );
            summary.hugo = Some(hrows[0].ms_per_page());
            summary.hugo_rss = Some(hrows[0].sample.rss_mb.max(hrows[1].sample.rss_mb));
        }
        None => println!(
            "  mailguide / cp -r = {:.2}x{}",
            summary.cold / summary.cp,
            if args.peer {
                " (hugo is not installed: no peer timed)"
            } else {
                ""
            }
        ),
    }
    Ok(summary)
}

fn main() {
    let args = parse_args();
    let bin = args.bin.clone();
    let shapes = load_shapes(&args.ispdb);
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!(
        "mailguide benchmark: {} ({} cores), {} run(s) each, median time, peak RSS",
        bin.display(),
        cpus,
        args.runs
    );
    let mut summaries = Vec::new();
    let mut folders = Vec::new();
    for &n in &args.providers {
        let tmp = match &args.tmp {
            Some(base) => tempfile::Builder::new().prefix("mailguide-bench-").tempdir_in(base),
            None => tempfile::Builder::new().prefix("mailguide-bench-").tempdir(),
        }
        .expect("create a temporary folder");
        let result = bench_one(&args, &bin, &shapes, n, tmp.path());
        // Deleted at the very end, not between sizes (see bench_one).
        if args.keep {
            println!("  kept {}", tmp.keep().display());
        } else {
            folders.push(tmp);
        }
        match result {
            Ok(s) => summaries.push(s),
            Err(e) => {
                eprintln!("error: {e}");
                drop(folders);
                std::process::exit(1);
            }
        }
    }
    println!(
        "\n| providers | pages | build cold ms/page | CPU ms/page | warm ms/page | rebuild same / one changed ms/page | check s | peak RSS MB | cp -r ms/page | hugo ms/page (RSS MB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for s in &summaries {
        let hugo = match (s.hugo, s.hugo_rss) {
            (Some(h), Some(r)) => format!("{h:.3} ({r:.0})"),
            _ => "-".into(),
        };
        println!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} / {:.3} | {:.3} | {:.0} | {:.3} | {hugo} |",
            s.n, s.pages, s.cold, s.cold_cpu, s.warm, s.same, s.edited, s.check, s.rss, s.cp
        );
    }
    if let (Some(first), Some(last)) = (summaries.first(), summaries.last())
        && summaries.len() > 1
    {
        println!(
            "\ncost per page at {} providers / at {}: {:.2}x (build, cold)",
            last.n,
            first.n,
            last.cold / first.cold
        );
    }
}
