//! Content templates: guides, provider-specific steps, FAQ answers, troubleshooting entries,
//! prerequisites and free pages are Markdown with Tera expressions that refer to the settings.
//!
//! All of them are compiled once into one Tera instance ([`Prose`]); the check stage renders them
//! against every provider to find expressions that name missing data, and the render stage
//! renders them into pages. Tera's errors carry a line within the template; [`Prose`] maps that
//! back to the line of the content file.

use super::images;
use crate::diagnostics::{Diagnostic, Location};
use crate::model::{Auth, Client, PasswordKind, Protocol, Provider, Security, Server, Site, Source, Vocabulary};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

/// Where a template's first line stands in its file.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    line: usize,
    column: usize,
    /// Where image markers made the compiled template's lines longer than the file's
    /// ([`super::images`]), for the columns of Tera's errors.
    edits: Vec<images::Edit>,
}

impl Origin {
    fn at(file: &str, line: usize, column: usize) -> Origin {
        Origin {
            file: file.to_string(),
            line,
            column,
            edits: vec![],
        }
    }

    /// The place in the file of the bytes `start..end` of the template `text`. Every line of a
    /// template starts at the same column of its file (a YAML block's indentation).
    fn locate(&self, text: &str, start: usize, end: usize) -> Location {
        let before = &text[..start];
        let line_in_text = memchr::memchr_iter(b'\n', before.as_bytes()).count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.column + text[line_start..start].chars().count();
        let piece = &text[start..end];
        let len = piece
            .find('\n')
            .map_or(piece.chars().count(), |n| piece[..n].chars().count());
        Location::new(&self.file, self.line + line_in_text, column).with_len(len)
    }

    /// A column Tera gives on the template's line `line` (0-based), as a column of the file's line.
    fn file_column(&self, line: usize, column: usize) -> usize {
        let moved: isize = self
            .edits
            .iter()
            .filter(|e| e.line == line && e.after <= column)
            .map(|e| e.delta)
            .sum();
        column.saturating_add_signed(-moved)
    }
}

/// The compiled content templates of a site.
///
/// Compiling thousands of templates takes a large site's check a while, and nothing else can
/// start before it ends; so templates that stand alone (no `include`, `extends`, macros, blocks or
/// components) are compiled in parts side by side, each part its own Tera instance.
pub struct Prose {
    /// Per client slug, the `client` and `words` variables, converted to template values once:
    /// a vocabulary is two maps, and every piece of prose about a client needs it.
    clients: HashMap<String, (tera::Value, tera::Value)>,
    /// `words` of prose that speaks no particular client's language.
    neutral_words: tera::Value,
    parts: Vec<tera::Tera>,
    /// The part that holds each template that compiled.
    part_of: HashMap<String, usize>,
    origins: HashMap<String, Origin>,
    /// The images the prose shows, each file once: what `outputs` publishes.
    pub images: images::Images,
}

/// Template names, one per piece of prose. Names are the file path plus, for YAML entries, the
/// value's path, so Tera's own messages also say where the template came from.
pub fn guide_name(source: &Source) -> String {
    source.path.clone()
}

pub fn entry_name(source: &Source, index: usize, field: &str) -> String {
    format!("{}#[{index}].{field}", source.path)
}

pub fn provider_field_name(provider: &Provider, path: &str) -> String {
    format!("{}#{path}", provider.source.path)
}

impl Prose {
    /// Compiles every piece of prose of the site. Syntax errors become diagnostics; the templates
    /// that compiled are still usable.
    pub fn compile(site: &Site) -> (Prose, Vec<Diagnostic>) {
        let mut origins = HashMap::new();
        let mut diagnostics = Vec::new();
        // Collected first and added in batches: Tera re-links every template it holds each
        // time one is added, so adding them one at a time is quadratic in the size of the site.
        let mut pending: Vec<(String, &str)> = Vec::new();
        let mut add = |name: String, text, origin: Origin, _: &mut Vec<Diagnostic>| {
            origins.insert(name.clone(), origin);
            pending.push((name, text));
        };
        let guides = site
            .clients
            .iter()
            .filter_map(|c| c.guide.as_ref())
            .chain(site.overrides.iter().map(|o| &o.guide))
            .chain(site.pages.iter().map(|p| &p.guide));
        for guide in guides {
            let origin = Origin::at(&guide.source.path, guide.body_line, 1);
            add(guide_name(&guide.source), &guide.body, origin, &mut diagnostics);
        }
        for entry in &site.faq {
            let field = "answer";
            let origin = yaml_origin(&entry.source, &format!("[{}].{field}", entry.index));
            add(
                entry_name(&entry.source, entry.index, field),
                &entry.data.answer,
                origin,
                &mut diagnostics,
            );
        }
        for entry in &site.troubleshooting {
            for (field, text) in [("symptom", &entry.data.symptom), ("fix", &entry.data.fix)] {
                let origin = yaml_origin(&entry.source, &format!("[{}].{field}", entry.index));
                add(
                    entry_name(&entry.source, entry.index, field),
                    text,
                    origin,
                    &mut diagnostics,
                );
            }
        }
        for provider in &site.providers {
            for (i, pre) in provider.data.prerequisites.iter().enumerate() {
                let path = format!("prerequisites[{i}].body");
                let origin = yaml_origin(&provider.source, &path);
                add(
                    provider_field_name(provider, &path),
                    &pre.body,
                    origin,
                    &mut diagnostics,
                );
            }
        }
        // Images: each destination becomes the marker of its published file (see [`images`]).
        let resolver = images::Resolver::new(&site.root, &site.config.limits);
        let mut found_images = images::Images::default();
        let mut marked: HashMap<String, String> = HashMap::new();
        for (name, text) in &pending {
            let Some(origin) = origins.get_mut(name) else { continue };
            let at = |start: usize, end: usize| origin.locate(text, start, end);
            if let Some((new, edits)) = found_images.mark(&resolver, &origin.file.clone(), text, &at, &mut diagnostics)
            {
                origin.edits = edits;
                marked.insert(name.clone(), new);
            }
        }
        // Content may use only the Tera whose work is bounded (see [`super::subset`]); a piece that
        // uses more is reported where it stands and never compiled, so it is never rendered.
        pending.retain(|(name, text)| {
            let refused = super::subset::refusals(text);
            for r in &refused {
                diagnostics.push(subset_diagnostic(&origins, name, text, r));
            }
            refused.is_empty()
        });
        let pending: Vec<(String, &str)> = pending
            .into_iter()
            .map(|(name, text)| {
                let text = marked.get(&name).map_or(text, String::as_str);
                (name, text)
            })
            .collect();
        // No piece of content refers to another (the subset has no `include`, macros or
        // components), so they are split into as many runs as there are threads to compile them.
        let parts = rayon::current_num_threads().clamp(1, 16);
        let size = pending.len().div_ceil(parts).max(1);
        let compiled: Vec<(tera::Tera, Vec<Diagnostic>)> = pending
            .par_chunks(size)
            .map(|run| {
                let mut tera = tera::Tera::new();
                // Escape data inserted into Markdown; entities are decoded again by the Markdown
                // renderer.
                tera.autoescape_on(vec![""]);
                let mut found = Vec::new();
                add_all(&mut tera, run, &origins, &mut found);
                (tera, found)
            })
            .collect();
        let clients = site
            .clients
            .iter()
            .map(|c| {
                let words = ClientWords {
                    name: &c.data.name,
                    slug: &c.slug,
                };
                let values = (
                    tera::Value::from_serializable(&words),
                    tera::Value::from_serializable(&c.data.vocabulary),
                );
                (c.slug.clone(), values)
            })
            .collect();
        let mut prose = Prose {
            clients,
            neutral_words: tera::Value::from_serializable(&neutral_vocabulary()),
            parts: Vec::with_capacity(compiled.len().max(1)),
            part_of: HashMap::with_capacity(pending.len()),
            origins,
            images: found_images,
        };
        for (tera, found) in compiled {
            let part = prose.parts.len();
            for name in tera.get_template_names() {
                prose.part_of.insert(name.to_string(), part);
            }
            prose.parts.push(tera);
            diagnostics.extend(found);
        }
        if prose.parts.is_empty() {
            let mut tera = tera::Tera::new();
            tera.autoescape_on(vec![""]);
            prose.parts.push(tera);
        }
        (prose, diagnostics)
    }

    pub fn has(&self, name: &str) -> bool {
        self.part_of.contains_key(name)
    }

    /// Renders a template to Markdown, or a diagnostic at the failing expression's line.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        // A name no part holds gets Tera's own "not found" error from the first part.
        let part = self.part_of.get(name).copied().unwrap_or(0);
        self.parts[part]
            .render(name, context)
            .map_err(|e| diagnostic(&self.origins, name, &e))
    }
}

/// Adds templates to `tera` in one batch. When the batch fails, each template is compiled on its
/// own to report every one that fails (with its line), and the others are added.
fn add_all(
    tera: &mut tera::Tera,
    pending: &[(String, &str)],
    origins: &HashMap<String, Origin>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let empty = tera.clone();
    if tera
        .add_raw_templates(pending.iter().map(|(n, t)| (n.as_str(), *t)))
        .is_ok()
    {
        return;
    }
    let mut good = Vec::with_capacity(pending.len());
    for (name, text) in pending {
        let mut alone = empty.clone();
        match alone.add_raw_template(name, text) {
            Ok(()) => good.push((name, *text)),
            Err(e) => diagnostics.push(diagnostic(origins, name, &e)),
        }
    }
    if tera
        .add_raw_templates(good.iter().map(|(n, t)| (n.as_str(), *t)))
        .is_err()
    {
        // An error only the templates together have: add them one at a time.
        for (name, text) in good {
            if let Err(e) = tera.add_raw_template(name, text) {
                diagnostics.push(diagnostic(origins, name, &e));
            }
        }
    }
}

/// A piece of Tera outside the subset, as a diagnostic at its place in its file.
fn subset_diagnostic(
    origins: &HashMap<String, Origin>,
    name: &str,
    text: &str,
    refusal: &super::subset::Refusal,
) -> Diagnostic {
    let origin = origins.get(name).cloned().unwrap_or_else(|| Origin::at(name, 1, 1));
    let before = &text[..refusal.start];
    let line_in_text = memchr::memchr_iter(b'\n', before.as_bytes()).count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column_in_line = text[line_start..refusal.start].chars().count();
    let column = if line_in_text == 0 {
        origin.column + column_in_line
    } else {
        column_in_line + 1
    };
    let piece = &text[refusal.start..refusal.end];
    let len = piece.find('\n').unwrap_or(piece.len());
    Diagnostic::error("template-unbounded", refusal.message.clone())
        .at(Location::new(origin.file, origin.line + line_in_text, column).with_len(len))
        .help(refusal.help)
}

/// A Tera error as a diagnostic at the template's place in its file.
fn diagnostic(origins: &HashMap<String, Origin>, name: &str, err: &tera::Error) -> Diagnostic {
    let origin = origins.get(name).cloned().unwrap_or_else(|| Origin::at(name, 1, 1));
    let (code, report) = match err.kind() {
        tera::ErrorKind::SyntaxError(r) => ("template-syntax", Some(r)),
        tera::ErrorKind::RenderingError(r) => ("template-data", Some(r)),
        _ => ("template-data", None),
    };
    match report {
        Some(r) => {
            let span = r.span();
            let line = origin.line + span.start_line.saturating_sub(1);
            let start_col = origin.file_column(span.start_line.saturating_sub(1), span.start_col);
            let column = if span.start_line <= 1 {
                origin.column + start_col
            } else {
                start_col + 1
            };
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let message = r.message().to_string();
            let help = if code == "template-syntax" {
                "fix the expression; Tera expressions look like {{ imap.host }} and {% if pop3 %}...{% endif %}"
                    .to_string()
            } else {
                template_data_help(&message)
            };
            Diagnostic::error(code, message)
                .at(Location::new(origin.file, line, column).with_len(len))
                .help(help)
        }
        None => Diagnostic::error(code, err.to_string()).at(Location::new(origin.file, origin.line, origin.column)),
    }
}

fn template_data_help(message: &str) -> String {
    for proto in ["imap", "pop3", "smtp"] {
        if message.contains(&format!("`{proto}`")) {
            return format!(
                "not every provider has {0}: wrap this part in {{% if {1} %}}...{{% endif %}}, or use `incoming`",
                proto.to_uppercase(),
                proto
            );
        }
    }
    "use a variable listed in docs/content.md (provider, client, imap, pop3, smtp, incoming, password, words)".into()
}

/// The origin of a YAML string value: a block scalar starts on the next line, at its indentation.
fn yaml_origin(source: &Source, path: &str) -> Origin {
    match source.spans.get(path) {
        Some(span) if span.block => {
            // The scanner may mark a block scalar at its `|` indicator or at its first line.
            let marker_line = source.line(span.line - 1).unwrap_or("").trim_end();
            let on_indicator = marker_line.ends_with(['|', '>', '-', '+']);
            let line = if on_indicator { span.line + 1 } else { span.line };
            let indent = source
                .line(line - 1)
                .map(|l| l.len() - l.trim_start().len())
                .unwrap_or(0);
            Origin::at(&source.path, line, indent + 1)
        }
        Some(span) => Origin::at(&source.path, span.line, span.column),
        None => Origin::at(&source.path, 1, 1),
    }
}

/// A server as prose sees it: values in the words of the client the page is for.
///
/// Strings are `Cow`s so that [`Variables::strings_mut`] can swap them for placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ServerWords<'a> {
    pub host: Cow<'a, str>,
    pub port: u32,
    pub protocol: &'static str,
    pub security: Cow<'a, str>,
    pub security_id: &'static str,
    pub username: Cow<'a, str>,
    /// The client's word for the password method manual steps use (the first method that is
    /// not OAuth2, else the first).
    pub auth: Cow<'a, str>,
    pub oauth2: bool,
    /// The client's word for the method the vendor recommends (the first of `auth:`).
    pub recommended: Cow<'a, str>,
    /// That method's id (`oauth2`, `password`, ...), for `{% if %}`.
    pub recommended_id: &'static str,
    /// Which secret this server takes (its `password:`, else the provider's kind).
    pub password_kind: &'static str,
    /// What to type in this server's password field, in words.
    pub password: &'static str,
}

impl<'a> ServerWords<'a> {
    pub fn new(
        server: &'a Server,
        protocol: Protocol,
        words: Option<&'a Vocabulary>,
        password_kind: PasswordKind,
        host: String,
    ) -> Self {
        let first = server.auth.first().copied();
        let auth = server
            .auth
            .iter()
            .copied()
            .find(|a| *a != Auth::OAuth2)
            .or(server.auth.first().copied());
        ServerWords {
            host: Cow::Owned(host),
            port: server.port,
            protocol: protocol.name(),
            security: Cow::Borrowed(match words {
                Some(w) => w.security_word(server.security),
                None => server.security.label(),
            }),
            security_id: server.security.id(),
            username: Cow::Owned(server.username.describe()),
            auth: Cow::Borrowed(match (words, auth) {
                (Some(w), Some(a)) => w.auth_word(a),
                (None, Some(a)) => a.label(),
                (_, None) => "",
            }),
            oauth2: server.auth.contains(&Auth::OAuth2),
            recommended: Cow::Borrowed(match (words, first) {
                (Some(w), Some(a)) => w.auth_word(a),
                (None, Some(a)) => a.label(),
                (_, None) => "",
            }),
            recommended_id: first.map(Auth::id).unwrap_or(""),
            password_kind: password_kind.id(),
            password: password_kind.phrase(),
        }
    }

    /// See [`Variables::strings_mut`]: `base` is the index of this server's own path in
    /// [`PATHS`], `first` the number of its first string.
    fn strings_mut(&mut self, base: usize, first: usize, f: &mut impl FnMut(usize, usize, &mut Cow<'a, str>)) {
        f(first, base + 1, &mut self.host);
        f(first + 1, base + 4, &mut self.security);
        f(first + 2, base + 6, &mut self.username);
        f(first + 3, base + 7, &mut self.auth);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct ProviderWords<'a> {
    name: Cow<'a, str>,
    short_name: Cow<'a, str>,
    slug: Cow<'a, str>,
    domains: Vec<Cow<'a, str>>,
    domain: Cow<'a, str>,
    help_url: Option<Cow<'a, str>>,
    password_kind: &'static str,
    app_password_url: Option<Cow<'a, str>>,
}

#[derive(Debug, Serialize)]
struct ClientWords<'a> {
    name: &'a str,
    slug: &'a str,
}

/// The paths of the variables that come from the provider, numbered: [`Variables::strings_mut`]
/// and [`Variables::forget_unseen`] name a path by its index here, so that what a template may
/// do with each is a table lookup (`plan::skeleton::Mask`). Each server's own path is followed
/// by its fields, in [`ServerWords`]' order.
pub const PATHS: [&str; 62] = [
    "provider",
    "provider.name",
    "provider.short_name",
    "provider.slug",
    "provider.domains",
    "provider.domain",
    "provider.help_url",
    "provider.password_kind",
    "provider.app_password_url",
    "password",
    "imap",
    "imap.host",
    "imap.port",
    "imap.protocol",
    "imap.security",
    "imap.security_id",
    "imap.username",
    "imap.auth",
    "imap.oauth2",
    "imap.recommended",
    "imap.recommended_id",
    "imap.password_kind",
    "imap.password",
    "pop3",
    "pop3.host",
    "pop3.port",
    "pop3.protocol",
    "pop3.security",
    "pop3.security_id",
    "pop3.username",
    "pop3.auth",
    "pop3.oauth2",
    "pop3.recommended",
    "pop3.recommended_id",
    "pop3.password_kind",
    "pop3.password",
    "smtp",
    "smtp.host",
    "smtp.port",
    "smtp.protocol",
    "smtp.security",
    "smtp.security_id",
    "smtp.username",
    "smtp.auth",
    "smtp.oauth2",
    "smtp.recommended",
    "smtp.recommended_id",
    "smtp.password_kind",
    "smtp.password",
    "incoming",
    "incoming.host",
    "incoming.port",
    "incoming.protocol",
    "incoming.security",
    "incoming.security_id",
    "incoming.username",
    "incoming.auth",
    "incoming.oauth2",
    "incoming.recommended",
    "incoming.recommended_id",
    "incoming.password_kind",
    "incoming.password",
];

/// The index in [`PATHS`] of a server variable's own path.
fn server_base(name: &str) -> usize {
    match name {
        "imap" => 10,
        "pop3" => 23,
        "smtp" => 36,
        _ => 49,
    }
}

/// One more than the highest number [`Variables::strings_mut`] gives a string other than a domain.
const SERVER_STRINGS_END: usize = 23;

/// The variables of a piece of prose, typed, before they become a Tera context: `provider`,
/// `imap`, `pop3`, `smtp`, `incoming` and `password` from the provider, `client` and `words`
/// from the client. Kept typed so that the guide skeletons (`plan::skeleton`) can replace the
/// provider's strings with placeholders and put the real ones back after Markdown.
#[derive(Debug, Clone)]
pub struct Variables<'a> {
    client: Option<&'a Client>,
    provider: Option<ProviderWords<'a>>,
    /// `imap`, `pop3`, `smtp` (the preferred server of each protocol the provider has) and
    /// `incoming` (IMAP, else POP3).
    servers: Vec<(&'static str, ServerWords<'a>)>,
    password: Option<Cow<'a, str>>,
}

/// Equal variables give equal prose: the client is compared by its slug (its words are part of
/// it), the rest by value.
impl PartialEq for Variables<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.client.map(|c| &c.slug) == other.client.map(|c| &c.slug)
            && self.provider == other.provider
            && self.servers == other.servers
            && self.password == other.password
    }
}

impl Eq for Variables<'_> {}

impl std::hash::Hash for Variables<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.client.map(|c| &c.slug).hash(state);
        self.provider.hash(state);
        self.servers.hash(state);
        self.password.hash(state);
    }
}

impl<'a> Variables<'a> {
    /// The variables of prose about `provider`, in `client`'s words when given.
    pub fn new(provider: Option<&'a Provider>, client: Option<&'a Client>) -> Self {
        let mut vars = Variables {
            client,
            provider: None,
            servers: Vec::new(),
            password: None,
        };
        let Some(p) = provider else { return vars };
        let words = client.map(|c| &c.data.vocabulary);
        vars.provider = Some(ProviderWords {
            name: Cow::Borrowed(&p.data.name),
            short_name: Cow::Borrowed(p.short_name()),
            slug: Cow::Borrowed(&p.slug),
            domains: p.data.domains.iter().map(|d| Cow::Borrowed(d.as_str())).collect(),
            domain: Cow::Borrowed(p.data.domains.first().map(String::as_str).unwrap_or("")),
            help_url: p.data.help_url.as_deref().map(Cow::Borrowed),
            password_kind: p.data.password.kind.id(),
            app_password_url: p.data.password.app_password_url.as_deref().map(Cow::Borrowed),
        });
        for protocol in Protocol::ALL {
            if let Some(server) = p.preferred(protocol) {
                vars.servers.push((
                    protocol.id(),
                    ServerWords::new(server, protocol, words, p.password_kind(server), p.host_display(server)),
                ));
            }
        }
        if let Some((server, protocol)) = p
            .preferred(Protocol::Imap)
            .map(|s| (s, Protocol::Imap))
            .or_else(|| p.preferred(Protocol::Pop3).map(|s| (s, Protocol::Pop3)))
        {
            vars.servers.push((
                "incoming",
                ServerWords::new(server, protocol, words, p.password_kind(server), p.host_display(server)),
            ));
        }
        // What "the password" means in a guide: the incoming server's (mit.edu's IMAP takes
        // OAuth2 while its SMTP takes a password; the guide's opening is about reading mail).
        vars.password = Some(Cow::Borrowed(password_phrase(p.incoming_password_kind())));
        vars
    }

    /// Calls `f` with a number, the path (its index in [`PATHS`]) and the value of every string
    /// that comes from the provider. Each path has its own number whichever of the others a
    /// provider has (the `n`th domain is `SERVER_STRINGS_END + n`), so that equal skeletons
    /// number their placeholders alike. Enumerations (`password_kind`, `protocol`,
    /// `security_id`), numbers and the client's words are left out.
    pub fn strings_mut(&mut self, mut f: impl FnMut(usize, usize, &mut Cow<'a, str>)) {
        if let Some(p) = &mut self.provider {
            f(0, 1, &mut p.name);
            f(1, 2, &mut p.short_name);
            f(2, 3, &mut p.slug);
            f(3, 5, &mut p.domain);
            if let Some(url) = &mut p.help_url {
                f(4, 6, url);
            }
            if let Some(url) = &mut p.app_password_url {
                f(5, 8, url);
            }
            for (n, d) in p.domains.iter_mut().enumerate() {
                f(SERVER_STRINGS_END + n, 4, d);
            }
        }
        if let Some(password) = &mut self.password {
            f(6, 9, password);
        }
        for (name, server) in &mut self.servers {
            let first = match *name {
                "imap" => 7,
                "pop3" => 11,
                "smtp" => 15,
                _ => 19,
            };
            server.strings_mut(server_base(name), first, &mut f);
        }
    }

    /// Empties every variable `sees` (given its index in [`PATHS`]) says a template cannot see,
    /// so that variables that differ only there compare equal (see `plan::skeleton::Key`).
    /// The template renders the same; only an error message listing the variables that exist
    /// could differ.
    pub fn forget_unseen(&mut self, sees: impl Fn(usize) -> bool) {
        fn forget<T: Default>(value: &mut T, path: usize, sees: &impl Fn(usize) -> bool) {
            if !sees(path) {
                *value = T::default();
            }
        }
        if !sees(0) {
            self.provider = None;
        }
        if let Some(p) = &mut self.provider {
            forget(&mut p.name, 1, &sees);
            forget(&mut p.short_name, 2, &sees);
            forget(&mut p.slug, 3, &sees);
            forget(&mut p.domains, 4, &sees);
            forget(&mut p.domain, 5, &sees);
            forget(&mut p.help_url, 6, &sees);
            forget(&mut p.password_kind, 7, &sees);
            forget(&mut p.app_password_url, 8, &sees);
        }
        self.servers.retain(|(name, _)| sees(server_base(name)));
        for (name, server) in &mut self.servers {
            let base = server_base(name);
            forget(&mut server.host, base + 1, &sees);
            forget(&mut server.port, base + 2, &sees);
            forget(&mut server.protocol, base + 3, &sees);
            forget(&mut server.security, base + 4, &sees);
            forget(&mut server.security_id, base + 5, &sees);
            forget(&mut server.username, base + 6, &sees);
            forget(&mut server.auth, base + 7, &sees);
            forget(&mut server.oauth2, base + 8, &sees);
            forget(&mut server.recommended, base + 9, &sees);
            forget(&mut server.recommended_id, base + 10, &sees);
            forget(&mut server.password_kind, base + 11, &sees);
            forget(&mut server.password, base + 12, &sees);
        }
        if !sees(9) {
            self.password = None;
        }
    }

    /// The Tera context of these variables; `prose` holds each client's words, converted once.
    pub fn context(&self, prose: &Prose) -> tera::Context {
        let mut ctx = tera::Context::new();
        match self.client {
            Some(c) => match prose.clients.get(&c.slug) {
                Some((client_value, words_value)) => {
                    ctx.insert_value("client", client_value.clone());
                    ctx.insert_value("words", words_value.clone());
                }
                // A client the site did not have when the prose was compiled.
                None => {
                    ctx.insert(
                        "client",
                        &ClientWords {
                            name: &c.data.name,
                            slug: &c.slug,
                        },
                    );
                    ctx.insert("words", &c.data.vocabulary);
                }
            },
            None => ctx.insert_value("words", prose.neutral_words.clone()),
        }
        if let Some(p) = &self.provider {
            ctx.insert("provider", p);
        }
        for (name, server) in &self.servers {
            ctx.insert(*name, server);
        }
        if let Some(password) = &self.password {
            ctx.insert("password", password);
        }
        ctx
    }
}

impl Prose {
    /// The variables of a piece of prose about `provider`, in `client`'s words when given.
    pub fn context(&self, provider: Option<&Provider>, client: Option<&Client>) -> tera::Context {
        Variables::new(provider, client).context(self)
    }
}

fn password_phrase(kind: PasswordKind) -> &'static str {
    kind.phrase()
}

/// The words of pages that speak no particular client's language.
pub fn neutral_vocabulary() -> Vocabulary {
    Vocabulary {
        incoming: "Incoming server".into(),
        outgoing: "Outgoing server".into(),
        host: "Server".into(),
        port: "Port".into(),
        security: "Encryption".into(),
        username: "Username".into(),
        password: "Password".into(),
        auth: "Authentication".into(),
        security_values: Security::ALL
            .iter()
            .map(|s| ((*s).into(), s.label().to_string()))
            .collect(),
        auth_values: Auth::ALL.iter().map(|a| ((*a).into(), a.label().to_string())).collect(),
        same_as_incoming: None,
    }
}
