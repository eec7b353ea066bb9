//! `mailguide import ispdb`: Thunderbird autoconfig files (`clientConfig` version 1.1, the format of
//! Mozilla's ISPDB) into provider files, `content/providers/<slug>.yaml`.
//!
//! The ISPDB is the largest public collection of mail settings, so importing it is the quickest
//! way to fill a site. Every value is kept exactly as the file says it (a port that contradicts its
//! socket type stays; the checker reports it). What the content model has no place for
//! (`webMail`, `oAuth2` blocks, Exchange/EWS/Graph servers, POP3 options, ...) is listed per file,
//! with its line, and the import goes on. A malformed file is reported with its line and the
//! other files are still imported. An existing provider file is only replaced with `--force`.

use crate::model::{
    Auth, DocLink, PasswordKind, PasswordRules, Prerequisite, ProviderData, Security, Server, Servers, UsernameForm,
};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Where providers are written, relative to the site root.
pub const PROVIDERS_DIR: &str = "content/providers";

/// A fact of the file that was not imported, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
    pub message: String,
}

/// Why a file could not be read as autoconfig XML: malformed XML, or XML of another kind.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One `emailProvider`, in our content model.
#[derive(Debug, Clone)]
pub struct ConvertedProvider {
    /// The `id` attribute (or the first domain when it has none).
    pub id: String,
    pub slug: String,
    pub line: usize,
    pub data: ProviderData,
}

/// A converted file: its providers and what was left out.
#[derive(Debug, Clone)]
pub struct Converted {
    pub providers: Vec<ConvertedProvider>,
    pub notes: Vec<Note>,
}

/// What happened to one provider of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteStatus {
    Written,
    /// Replaced an existing file (`--force`).
    Replaced,
    /// Not written: the file exists and `--force` was not given.
    Exists,
    /// Not written: an earlier file of this import already produced this slug.
    Duplicate {
        first: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct ProviderResult {
    pub id: String,
    pub slug: String,
    /// The provider file, relative to the site root (`content/providers/<slug>.yaml`).
    pub file: String,
    pub status: WriteStatus,
}

/// Why a file was not imported at all.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{} does not exist", path.display())]
    Missing { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}:{}:{}: {}", path.display(), error.line, error.column, error.message)]
    Parse { path: PathBuf, error: ParseError },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

impl ImportError {
    pub fn help(&self) -> &'static str {
        match self {
            ImportError::Missing { .. } => "give a Thunderbird autoconfig file or a folder of them",
            ImportError::Read { .. } => "check that the file is readable UTF-8 text",
            ImportError::Parse { .. } => "fix the XML at that line; the other files were imported",
            ImportError::Write { .. } => "check that the site folder (--root) exists and is writable",
        }
    }
}

/// The import of one input file.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub result: Result<Vec<ProviderResult>, ImportError>,
    /// What the file holds that the content model has no place for.
    pub notes: Vec<Note>,
}

pub struct ImportOptions {
    /// The site folder; providers go to `<root>/content/providers/`.
    pub root: PathBuf,
    /// Replace existing provider files.
    pub force: bool,
    /// `--checked DATE`: the day the files were taken from the ISPDB, recorded as the source's
    /// check date (the XML holds none); `None` records the source without a date.
    pub checked: Option<crate::model::Date>,
}

/// The ISPDB file as a provider's source: where it lives upstream, and the given date.
fn ispdb_source(file_name: &str, checked: Option<crate::model::Date>) -> crate::model::FactSource {
    crate::model::FactSource {
        id: Some("ispdb".into()),
        url: format!("https://github.com/thunderbird/autoconfig/blob/master/ispdb/{file_name}"),
        title: format!("Thunderbird ISPDB: {file_name}"),
        checked: checked.map(|d| d.to_string()),
        how: crate::model::CheckedHow::StoredCopy,
    }
}

/// Imports every autoconfig file named by `paths` (files, or folders searched for `*.xml`).
/// Never fails as a whole: each file has its report.
///
/// A provider's slug is its `emailProvider` id made safe (`web.de` is `web-de`). When several
/// files of one import share an id (the ISPDB has one `zoho.com` file per regional data centre),
/// each of them takes the slug of its file name instead (`zoho.eu.xml` is `zoho-eu`).
pub fn import(paths: &[PathBuf], opts: &ImportOptions) -> Vec<FileReport> {
    let mut reports = Vec::new();
    let mut inputs = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
                .collect();
            found.sort();
            inputs.extend(found);
        } else if path.is_file() {
            inputs.push(path.clone());
        } else {
            reports.push(FileReport {
                path: path.clone(),
                result: Err(ImportError::Missing { path: path.clone() }),
                notes: vec![],
            });
        }
    }
    let mut read: Vec<(PathBuf, Result<Converted, ImportError>)> = inputs
        .into_iter()
        .map(|path| (path.clone(), read_file(&path)))
        .collect();
    // Ids shared by several files: those files are named after their file instead.
    let mut files_per_id: HashMap<String, usize> = HashMap::new();
    for (_, converted) in &read {
        if let Ok(c) = converted {
            let mut ids: Vec<&str> = c.providers.iter().map(|p| p.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            for id in ids {
                *files_per_id.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    for (path, converted) in &mut read {
        if let Ok(c) = converted {
            for p in &mut c.providers {
                if files_per_id.get(&p.id).is_some_and(|n| *n > 1)
                    && let Some(stem) = path.file_stem()
                {
                    p.slug = slug_for(&stem.to_string_lossy());
                }
            }
        }
    }
    let mut claimed: HashMap<String, PathBuf> = HashMap::new();
    for (path, converted) in read {
        reports.push(match converted {
            Ok(c) => write_file(&path, c, opts, &mut claimed),
            Err(e) => FileReport {
                path,
                result: Err(e),
                notes: vec![],
            },
        });
    }
    reports
}

fn read_file(path: &Path) -> Result<Converted, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    convert(&text).map_err(|error| ImportError::Parse {
        path: path.to_path_buf(),
        error,
    })
}

fn write_file(
    path: &Path,
    converted: Converted,
    opts: &ImportOptions,
    claimed: &mut HashMap<String, PathBuf>,
) -> FileReport {
    let dir = opts.root.join(PROVIDERS_DIR);
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut results = Vec::new();
    for p in &converted.providers {
        let target = dir.join(format!("{}.yaml", p.slug));
        let mut result = ProviderResult {
            id: p.id.clone(),
            slug: p.slug.clone(),
            file: format!("{PROVIDERS_DIR}/{}.yaml", p.slug),
            status: WriteStatus::Written,
        };
        if let Some(first) = claimed.get(&p.slug) {
            result.status = WriteStatus::Duplicate { first: first.clone() };
            results.push(result);
            continue;
        }
        claimed.insert(p.slug.clone(), path.to_path_buf());
        if target.exists() {
            if !opts.force {
                result.status = WriteStatus::Exists;
                results.push(result);
                continue;
            }
            result.status = WriteStatus::Replaced;
        }
        let mut p = p.clone();
        p.data.sources.push(ispdb_source(&source_name, opts.checked));
        let yaml = to_yaml(&p, &source_name, &converted.notes);
        if let Err(source) = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&target, yaml)) {
            return FileReport {
                path: path.to_path_buf(),
                result: Err(ImportError::Write { path: target, source }),
                notes: converted.notes,
            };
        }
        results.push(result);
    }
    FileReport {
        path: path.to_path_buf(),
        result: Ok(results),
        notes: converted.notes,
    }
}

/// A provider slug from an `emailProvider` id: lowercase letters, digits and `-` (`web.de` is
/// `web-de`).
pub fn slug_for(id: &str) -> String {
    let mut slug = String::with_capacity(id.len());
    for c in id.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() { "provider".into() } else { slug }
}

/// The provider file's text: the schema line, a comment naming the source and what was not
/// imported, then the data in the content model's shape.
pub fn to_yaml(p: &ConvertedProvider, source_name: &str, notes: &[Note]) -> String {
    // The schema line first, as `mailguide new` writes it, for completion in editors.
    let mut out = crate::schema::FileKind::Provider.modeline(&format!("{PROVIDERS_DIR}/{}.yaml", p.slug));
    out += &format!(
        "# Imported from the Thunderbird autoconfig file {source_name} (emailProvider id=\"{}\")\n\
         # by `mailguide import ispdb`. Values are kept as the file gives them; `mailguide check`\n\
         # judges them.\n",
        one_line(&p.id)
    );
    if !notes.is_empty() {
        out.push_str("# Not imported:\n");
        for n in notes {
            out.push_str(&format!("#   line {}: {}\n", n.line, one_line(&n.message)));
        }
    }
    let mut value = serde_yaml::to_value(&p.data).expect("provider data serialises to YAML");
    if p.data.password.kind == PasswordKind::Account
        && p.data.password.app_password_url.is_none()
        && p.data.password.app_password_steps.is_none()
        && p.data.password.notes.is_none()
        && let Some(map) = value.as_mapping_mut()
    {
        // The default; writing it would claim a fact the ISPDB does not state.
        map.remove("password");
    }
    out.push_str(&serde_yaml::to_string(&value).expect("a YAML value serialises"));
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// The XML, read into a small tree that keeps each element's line.

#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
    line: usize,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn text(&self) -> &str {
        self.text.trim()
    }

    fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(Element::text)
    }
}

/// Byte offsets of line starts, to turn parser offsets into lines and columns.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (line, column)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = self.at(offset);
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }
}

fn parse_xml(text: &str) -> Result<Element, ParseError> {
    let lines = Lines::new(text);
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let start_element = |s: &BytesStart, offset: usize| -> Result<Element, ParseError> {
        let mut el = Element {
            name: s.local_name().as_ref().to_string(),
            line: lines.at(offset).0,
            ..Default::default()
        };
        for attr in s.attributes() {
            let attr = attr.map_err(|e| lines.error(offset, format!("malformed XML: {e}")))?;
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| lines.error(offset, format!("malformed XML: {e}")))?;
            el.attrs
                .push((attr.key.local_name().as_ref().to_string(), value.into_owned()));
        }
        Ok(el)
    };
    loop {
        let offset = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| lines.error(reader.error_position() as usize, format!("malformed XML: {e}")))?;
        let finished = match event {
            Event::Start(s) => {
                stack.push(start_element(&s, offset)?);
                None
            }
            Event::Empty(s) => Some(start_element(&s, offset)?),
            Event::End(_) => stack.pop(),
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(lines.error(offset, "malformed XML: text outside the root element")),
                }
                None
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.xml10_content());
                }
                None
            }
            Event::GeneralRef(r) => {
                let resolved: Cow<str> = match r.resolve_char_ref() {
                    Ok(Some(c)) => Cow::Owned(c.to_string()),
                    Ok(None) => {
                        let name = r.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => Cow::Borrowed(s),
                            None => {
                                return Err(lines.error(offset, format!("malformed XML: unknown entity `&{name};`")));
                            }
                        }
                    }
                    Err(e) => return Err(lines.error(offset, format!("malformed XML: {e}"))),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
                None
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some(el) = finished {
            match stack.last_mut() {
                Some(parent) => parent.children.push(el),
                None if root.is_none() => root = Some(el),
                None => {
                    return Err(lines.error(offset, format!("malformed XML: a second root element <{}>", el.name)));
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(ParseError {
            line: open.line,
            column: 1,
            message: format!("malformed XML: <{}> is never closed", open.name),
        });
    }
    root.ok_or_else(|| lines.error(text.len(), "malformed XML: the file has no element"))
}

// ---------------------------------------------------------------------------------------------
// The mapping.

/// Converts the text of one autoconfig file. Fails only when the file is not well-formed XML or
/// not a `clientConfig`; everything else the model cannot hold becomes a [`Note`].
pub fn convert(text: &str) -> Result<Converted, ParseError> {
    let root = parse_xml(text)?;
    if root.name != "clientConfig" {
        return Err(ParseError {
            line: root.line,
            column: 1,
            message: format!(
                "not a Thunderbird autoconfig file: the root element is <{}>, not <clientConfig>",
                root.name
            ),
        });
    }
    let mut notes = Vec::new();
    if let Some(v) = root.attr("version")
        && v != "1.1"
    {
        notes.push(Note {
            line: root.line,
            message: format!("clientConfig version {v}: read as version 1.1"),
        });
    }
    let mut providers = Vec::new();
    let mut enables = Vec::new();
    for child in &root.children {
        match child.name.as_str() {
            "emailProvider" => providers.push(provider(child, &mut notes)),
            "enable" => enables.push(child),
            "webMail" => {
                let url = child
                    .child("loginPage")
                    .and_then(|l| l.attr("url"))
                    .map(|u| format!(" (login page {u})"))
                    .unwrap_or_default();
                notes.push(Note {
                    line: child.line,
                    message: format!("<webMail>{url}: the content model has no webmail login"),
                });
            }
            "oAuth2" => {
                let issuer = child
                    .child_text("issuer")
                    .map(|i| format!(" (issuer {i})"))
                    .unwrap_or_default();
                notes.push(Note {
                    line: child.line,
                    message: format!(
                        "<oAuth2>{issuer}: OAuth2 endpoints and scopes; the servers' `oauth2` method is imported, mail apps bring their own registration"
                    ),
                });
            }
            other => notes.push(Note {
                line: child.line,
                message: format!("<{other}>: not part of the content model"),
            }),
        }
    }
    if providers.is_empty() {
        return Err(ParseError {
            line: root.line,
            column: 1,
            message: "the file has no <emailProvider>".into(),
        });
    }
    // `enable` outside `emailProvider` (as some ISPDB files have it) belongs to the file's providers.
    for el in enables {
        let pre = enable(el, &mut notes);
        for p in &mut providers {
            p.data.prerequisites.extend(pre.clone());
        }
    }
    notes.sort_by_key(|n| n.line);
    Ok(Converted { providers, notes })
}

fn provider(el: &Element, notes: &mut Vec<Note>) -> ConvertedProvider {
    let mut domains = Vec::new();
    let mut name = None;
    let mut short_name = None;
    let mut servers = Servers::default();
    let mut documentation = Vec::new();
    let mut prerequisites = Vec::new();
    for child in &el.children {
        match child.name.as_str() {
            "domain" => {
                if child.text().is_empty() {
                    notes.push(Note {
                        line: child.line,
                        message: "an empty <domain>".into(),
                    });
                } else {
                    domains.push(child.text().to_string());
                }
            }
            "displayName" if name.is_none() => name = Some(child.text().to_string()),
            "displayShortName" if short_name.is_none() => short_name = Some(child.text().to_string()),
            "incomingServer" | "outgoingServer" => {
                if let Some((proto, server)) = server(child, notes) {
                    match proto {
                        "imap" => servers.imap.push(server),
                        "pop3" => servers.pop3.push(server),
                        _ => servers.smtp.push(server),
                    }
                }
            }
            // `instruction` with a URL is the format's older spelling of `documentation`.
            "documentation" | "instruction" if child.attr("url").is_some() => {
                documentation.push(DocLink {
                    url: child.attr("url").unwrap_or_default().to_string(),
                    title: descr(child),
                });
            }
            "enable" => prerequisites.extend(enable(child, notes)),
            other => notes.push(Note {
                line: child.line,
                message: format!("<{other}>: not part of the content model"),
            }),
        }
    }
    let id = el
        .attr("id")
        .map(str::to_string)
        .or_else(|| domains.first().cloned())
        .unwrap_or_default();
    let name = match name.filter(|n| !n.is_empty()) {
        Some(n) => n,
        None => {
            notes.push(Note {
                line: el.line,
                message: format!("no <displayName>: the provider is named after its id `{id}`"),
            });
            id.clone()
        }
    };
    // inbox.lv names itself `%EMAILDOMAIN%`: a name for every domain, which a page cannot show.
    let placeholder_name = |n: String, what: &str, notes: &mut Vec<Note>| {
        if n.contains("%EMAILDOMAIN%") {
            notes.push(Note {
                line: el.line,
                message: format!("<{what}> `{n}` names the reader's domain: the provider is named after its id `{id}`"),
            });
            n.replace("%EMAILDOMAIN%", &id)
        } else {
            n
        }
    };
    let name = placeholder_name(name, "displayName", notes);
    let short_name = short_name.map(|s| placeholder_name(s, "displayShortName", notes));
    let all: Vec<&Server> = servers.imap.iter().chain(&servers.pop3).chain(&servers.smtp).collect();
    let oauth_only = !all.is_empty() && all.iter().all(|s| s.auth == [Auth::OAuth2]);
    if !oauth_only {
        // Some servers take only OAuth2 and others a password (mit.edu: IMAP through Microsoft
        // sign-in, SMTP with a password): each OAuth2-only server says so itself.
        for s in servers
            .imap
            .iter_mut()
            .chain(&mut servers.pop3)
            .chain(&mut servers.smtp)
        {
            if s.auth == [Auth::OAuth2] {
                s.password = Some(PasswordKind::OAuth2);
            }
        }
    }
    let missing = |list: &[Server], proto: &str| {
        list.is_empty()
            .then(|| format!("The ISPDB entry lists no {proto} server."))
    };
    let data = ProviderData {
        short_name: short_name.filter(|s| !s.is_empty() && *s != name),
        name,
        domains,
        open_domains: false,
        help_url: None,
        summary: None,
        no_imap: missing(&servers.imap, "IMAP"),
        no_pop3: missing(&servers.pop3, "POP3"),
        no_smtp: missing(&servers.smtp, "SMTP"),
        servers,
        password: PasswordRules {
            // Every server takes OAuth2 only: there is no password to type.
            kind: if oauth_only {
                PasswordKind::OAuth2
            } else {
                PasswordKind::Account
            },
            ..Default::default()
        },
        prerequisites,
        notes: None,
        dns_records: false,
        sources: vec![],
        documentation,
        allow: vec![],
    };
    ConvertedProvider {
        slug: slug_for(&id),
        id,
        line: el.line,
        data,
    }
}

/// The English (or language-neutral, or else the first) `descr` of a link.
fn descr(el: &Element) -> Option<String> {
    let all: Vec<&Element> = el.children.iter().filter(|c| c.name == "descr").collect();
    all.iter()
        .find(|d| d.attr("lang").is_none_or(|l| l.starts_with("en")))
        .or(all.first())
        .map(|d| one_line(d.text()))
        .filter(|t| !t.is_empty())
}

/// `<enable visiturl=...><instruction>...</instruction></enable>`: a step the reader must take
/// before any mail app works, so a prerequisite.
fn enable(el: &Element, notes: &mut Vec<Note>) -> Vec<Prerequisite> {
    let instructions: Vec<&Element> = el.children.iter().filter(|c| c.name == "instruction").collect();
    let chosen = instructions
        .iter()
        .find(|i| i.attr("lang").is_none_or(|l| l.starts_with("en")))
        .or(instructions.first());
    let others: Vec<&str> = instructions
        .iter()
        .filter(|i| chosen.is_none_or(|c| !std::ptr::eq(*c, **i)))
        .map(|i| i.attr("lang").unwrap_or("?"))
        .collect();
    if !others.is_empty() {
        notes.push(Note {
            line: el.line,
            message: format!(
                "<enable> instructions in other languages ({}): the site has one language",
                others.join(", ")
            ),
        });
    }
    let mut body = chosen.map(|i| one_line(i.text())).unwrap_or_default();
    if let Some(url) = el.attr("visiturl") {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&format!("[Open the page where you do this]({url})"));
    }
    if body.is_empty() {
        notes.push(Note {
            line: el.line,
            message: "an empty <enable>".into(),
        });
        return vec![];
    }
    // Bodies are templates; text from the file must not be read as template syntax.
    if body.contains("{{") || body.contains("{%") || body.contains("{#") {
        body = format!("{{% raw %}}{body}{{% endraw %}}");
    }
    vec![Prerequisite {
        source: None,
        title: "Allow access for mail apps".into(),
        body: body + "\n",
    }]
}

/// One `incomingServer`/`outgoingServer`, or `None` (with a note) when it is not IMAP, POP3 or
/// SMTP, or lacks what a server needs.
fn server(el: &Element, notes: &mut Vec<Note>) -> Option<(&'static str, Server)> {
    let kind = el.attr("type").unwrap_or("");
    let proto = match (el.name.as_str(), kind) {
        ("incomingServer", "imap") => "imap",
        ("incomingServer", "pop3") => "pop3",
        ("outgoingServer", "smtp") => "smtp",
        _ => {
            let at = el
                .child_text("hostname")
                .or_else(|| el.child_text("url"))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            notes.push(Note {
                line: el.line,
                message: format!(
                    "<{} type=\"{kind}\">{at}: mailguide documents IMAP, POP3 and SMTP servers only",
                    el.name
                ),
            });
            return None;
        }
    };
    let skip = |notes: &mut Vec<Note>, why: String| {
        notes.push(Note {
            line: el.line,
            message: format!("a {proto} server {why}; the server is not imported"),
        });
        None
    };
    let Some(host) = el.child_text("hostname").filter(|h| !h.is_empty()) else {
        return skip(notes, "without <hostname>".into());
    };
    let port = match el.child_text("port").map(str::parse::<u32>) {
        Some(Ok(p)) => p,
        Some(Err(_)) => {
            let raw = el.child_text("port").unwrap_or_default();
            return skip(notes, format!("({host}) with the port `{raw}`, not a number"));
        }
        None => return skip(notes, format!("({host}) without <port>")),
    };
    let security = match el.child_text("socketType") {
        Some(s) if s.eq_ignore_ascii_case("SSL") => Security::Tls,
        Some(s) if s.eq_ignore_ascii_case("STARTTLS") => Security::Starttls,
        Some(s) if s.eq_ignore_ascii_case("plain") => Security::None,
        Some(other) => return skip(notes, format!("({host}) with the socket type `{other}`")),
        None => return skip(notes, format!("({host}) without <socketType>")),
    };
    let mut auth = Vec::new();
    for a in el.children.iter().filter(|c| c.name == "authentication") {
        match auth_method(a.text()) {
            Some(m) => auth.push(m),
            None => notes.push(Note {
                line: a.line,
                message: format!(
                    "authentication `{}` of {host}: not a method of the content model",
                    a.text()
                ),
            }),
        }
    }
    if auth.is_empty() {
        if el.child("authentication").is_some() {
            return skip(notes, format!("({host}) with no authentication method mailguide knows"));
        }
        notes.push(Note {
            line: el.line,
            message: format!("{host} has no <authentication>: the content model's default, `password`, applies"),
        });
        auth.push(Auth::Password);
    }
    let username = match el.child_text("username") {
        Some("%EMAILADDRESS%") => UsernameForm::Address,
        Some("%EMAILLOCALPART%") => UsernameForm::LocalPart,
        Some("%EMAILDOMAIN%") => UsernameForm::Domain,
        Some(other) => UsernameForm::Custom(other.to_string()),
        None => {
            notes.push(Note {
                line: el.line,
                message: format!(
                    "{host} has no <username>: the content model's default, the full email address, applies"
                ),
            });
            UsernameForm::Address
        }
    };
    for extra in &el.children {
        let what = match extra.name.as_str() {
            "hostname" | "port" | "socketType" | "authentication" | "username" => continue,
            "pop3" => {
                let opts: Vec<String> = extra
                    .children
                    .iter()
                    .map(|o| match (o.text(), o.attrs.first()) {
                        ("", Some((k, v))) => format!("{}: {k}={v}", o.name),
                        (t, _) => format!("{}={t}", o.name),
                    })
                    .collect();
                format!("POP3 options of {host} ({})", opts.join(", "))
            }
            "restriction" => format!(
                "<restriction>{}</restriction> of {host}: the content model has no access restrictions",
                extra.text()
            ),
            other => format!("<{other}>{}</{other}> of {host}", extra.text()),
        };
        notes.push(Note {
            line: extra.line,
            message: what,
        });
    }
    Some((
        proto,
        Server {
            // ISPDB's `mail.%EMAILDOMAIN%`: a host named after the reader's domain.
            host: host.replace("%EMAILDOMAIN%", crate::model::DOMAIN_SLOT),
            port,
            security,
            auth,
            password: None,
            username,
            source: None,
        },
    ))
}

/// ISPDB authentication values (with the format's older aliases).
fn auth_method(value: &str) -> Option<Auth> {
    Some(match value {
        "password-cleartext" | "plain" => Auth::Password,
        "password-encrypted" | "secure" => Auth::EncryptedPassword,
        "OAuth2" => Auth::OAuth2,
        "NTLM" => Auth::Ntlm,
        "GSSAPI" => Auth::Gssapi,
        "TLS-client-cert" => Auth::ClientCert,
        "none" => Auth::None,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug_for("web.de"), "web-de");
        assert_eq!(slug_for("Mail.Wind.NE.jp"), "mail-wind-ne-jp");
        assert_eq!(slug_for("a..b__c"), "a-b-c");
        assert_eq!(slug_for("..."), "provider");
    }

    #[test]
    fn lines_and_columns_count_from_one() {
        let l = Lines::new("ab\ncd\n");
        assert_eq!(l.at(0), (1, 1));
        assert_eq!(l.at(4), (2, 2));
        assert_eq!(l.at(6), (3, 1));
    }
}
