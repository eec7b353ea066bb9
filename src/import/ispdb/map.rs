//! The mapping: one autoconfig file's tree into providers of the content model, with a [`Note`]
//! for each fact the model has no place for. Values are kept as the file gives them; the checker
//! judges them later, like any hand-written provider file.

use crate::ispdb::vocabulary;
use crate::ispdb::xml::{self, Element, ParseError};
use crate::model::{
    Auth, DocLink, PasswordKind, PasswordRules, Prerequisite, Protocol, ProviderData, Server, Servers, UsernameForm,
};

/// A fact of the file that was not imported, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
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

/// Text on one line, runs of white space as one space: for comments and for prose built from
/// the file's text.
pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Converts the text of one autoconfig file. Fails only when the file is not well-formed XML or
/// not a `clientConfig`; everything else the model cannot hold becomes a [`Note`].
pub fn convert(text: &str) -> Result<Converted, ParseError> {
    let root = xml::parse(text)?;
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
        && v != vocabulary::VERSION
    {
        notes.push(Note {
            line: root.line,
            message: format!("clientConfig version {v}: read as version {}", vocabulary::VERSION),
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
            vocabulary::INCOMING_SERVER | vocabulary::OUTGOING_SERVER => {
                if let Some((proto, server)) = server(child, notes) {
                    match proto {
                        Protocol::Imap => servers.imap.push(server),
                        Protocol::Pop3 => servers.pop3.push(server),
                        Protocol::Smtp => servers.smtp.push(server),
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
        draft: false,
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
        disagreements: vec![],
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
fn server(el: &Element, notes: &mut Vec<Note>) -> Option<(Protocol, Server)> {
    let kind = el.attr("type").unwrap_or("");
    let proto = match vocabulary::protocol_of(&el.name, kind) {
        Some(proto) => proto,
        None => {
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
            message: format!("a {} server {why}; the server is not imported", proto.id()),
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
        Some(s) => match vocabulary::security_of(s) {
            Some(security) => security,
            None => return skip(notes, format!("({host}) with the socket type `{s}`")),
        },
        None => return skip(notes, format!("({host}) without <socketType>")),
    };
    let mut auth = Vec::new();
    for a in el.children.iter().filter(|c| c.name == "authentication") {
        match vocabulary::auth_of(a.text()) {
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
        Some(value) => vocabulary::username_of(value),
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
}
