//! New sites and new content files: `mailguide init` and `mailguide new`.
//!
//! `init` writes a small site that passes `check` and builds: `site.yaml`, one provider, one
//! client with its guide, a FAQ entry, a troubleshooting entry, the default theme (embedded in
//! the binary by build.rs, so an installed binary needs no source tree), the JSON Schemas and a
//! `.gitignore`. `new` writes one file from a commented template. Every YAML file written starts
//! with a `yaml-language-server` line that points at the schemas.

use crate::schema::{self, FileKind};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

#[derive(Debug, Error)]
pub enum ScaffoldError {
    #[error("{path} is not empty")]
    NotEmpty { path: PathBuf },
    #[error("{path} already exists")]
    Exists { path: PathBuf },
    #[error("`{name}` is not a valid name")]
    BadName { name: String },
    #[error("{path} has no site.yaml")]
    NoSite { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl ScaffoldError {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            ScaffoldError::NotEmpty { .. } => "choose a new or empty folder; init never changes existing files".into(),
            ScaffoldError::Exists { .. } => "choose another name, or edit the existing file".into(),
            ScaffoldError::BadName { .. } => {
                "use lowercase letters, digits and `-`, starting with a letter or digit (e.g. `example-mail`)".into()
            }
            ScaffoldError::NoSite { .. } => "run it in the site's folder, or pass --root".into(),
            ScaffoldError::Io { .. } => "check the folder's permissions and free space".into(),
        }
    }
}

/// What `new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    Provider,
    Client,
}

fn write(path: &Path, text: &[u8]) -> Result<(), ScaffoldError> {
    let io_err = |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_err)?;
    }
    // `create_new` refuses to replace a file that appeared meanwhile.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| match source.kind() {
            io::ErrorKind::AlreadyExists => ScaffoldError::Exists {
                path: path.to_path_buf(),
            },
            _ => io_err(source),
        })?;
    io::Write::write_all(&mut file, text).map_err(io_err)
}

/// A YAML file with the schema line first.
fn yaml(kind: FileKind, rel: &str, body: &str) -> String {
    format!("{}{body}", kind.modeline(rel))
}

/// Creates a new site in `dir`, which must be missing or empty. Returns the files written,
/// relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<String>, ScaffoldError> {
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map_err(|source| ScaffoldError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .next()
            .is_none();
        if !empty {
            return Err(ScaffoldError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
    }
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("site.yaml".into(), yaml(FileKind::Site, "site.yaml", SITE).into_bytes()),
        (
            ".gitignore".into(),
            b"# mailguide build writes the site here, and keeps the one before as a spare beside it\npublic/\n.public.mailguide-*/\n"
                .to_vec(),
        ),
        (
            "content/providers/example-mail.yaml".into(),
            yaml(FileKind::Provider, "content/providers/example-mail.yaml", INIT_PROVIDER).into_bytes(),
        ),
        (
            "content/clients/thunderbird.yaml".into(),
            yaml(FileKind::Client, "content/clients/thunderbird.yaml", INIT_CLIENT).into_bytes(),
        ),
        ("content/clients/thunderbird.md".into(), INIT_GUIDE.as_bytes().to_vec()),
        (
            "content/faq/general.yaml".into(),
            yaml(FileKind::Faq, "content/faq/general.yaml", INIT_FAQ).into_bytes(),
        ),
        (
            "content/troubleshooting/general.yaml".into(),
            yaml(
                FileKind::Troubleshooting,
                "content/troubleshooting/general.yaml",
                INIT_TROUBLESHOOTING,
            )
            .into_bytes(),
        ),
    ];
    for (rel, bytes) in DEFAULT_THEME {
        files.push((format!("themes/default/{rel}"), bytes.to_vec()));
    }
    for kind in FileKind::ALL {
        files.push((
            format!("{}/{}", schema::DIR, kind.file_name()),
            kind.schema().into_bytes(),
        ));
    }
    for (rel, bytes) in &files {
        write(&dir.join(rel), bytes)?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// Whether `name` is a slug: lowercase letters, digits and `-`, not at either end.
pub fn valid_slug(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `example-mail` → `Example Mail`.
fn display_name(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Creates a content file (and, for a client, its guide) from a commented template. Refuses to
/// replace an existing file. Returns the files written, relative to `root`.
pub fn new(root: &Path, kind: NewKind, name: &str) -> Result<Vec<String>, ScaffoldError> {
    if !valid_slug(name) {
        return Err(ScaffoldError::BadName { name: name.into() });
    }
    if !root.join("site.yaml").is_file() {
        return Err(ScaffoldError::NoSite {
            path: root.to_path_buf(),
        });
    }
    let title = display_name(name);
    let files: Vec<(String, String)> = match kind {
        NewKind::Provider => {
            let rel = format!("content/providers/{name}.yaml");
            let body = NEW_PROVIDER.replace("{name}", &title).replace("{slug}", name);
            vec![(rel.clone(), yaml(FileKind::Provider, &rel, &body))]
        }
        NewKind::Client => {
            let rel = format!("content/clients/{name}.yaml");
            let body = NEW_CLIENT.replace("{name}", &title);
            vec![
                (rel.clone(), yaml(FileKind::Client, &rel, &body)),
                (
                    format!("content/clients/{name}.md"),
                    NEW_GUIDE.replace("{name}", &title),
                ),
            ]
        }
    };
    // Check them all first, so a client is never half written.
    for (rel, _) in &files {
        let path = root.join(rel);
        if path.exists() {
            return Err(ScaffoldError::Exists { path });
        }
    }
    for (rel, text) in &files {
        write(&root.join(rel), text.as_bytes())?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

const SITE: &str = r#"# The site's settings. Every key is described in mailguide's docs/content.md.
title: Mail Setup Help
description: Server settings and step-by-step setup guides for your email.
# The public address of the site, for canonical links and the sitemap.
base_url: https://help.example.org
language: en
theme: default
# The mail apps to publish, in this order (omit the key to publish every client, by name).
clients: [thunderbird]
# The example provider is made up, so it has no vendor page to cite. Once your providers list
# the pages their facts come from (`sources:`, see docs/content.md), remove these two lines:
# `check` then warns about a provider without sources or not checked for 12 months.
checks:
  source-missing: off
  source-stale: off
"#;

const INIT_PROVIDER: &str = r#"# An example provider: replace it with yours, or add more with `mailguide new provider NAME`.
name: Example Mail
domains: [example.org]
summary: |
  Example Mail is the mail service of the Example organisation.
servers:
  imap:
    - host: imap.example.org
      port: 993
      security: tls
      auth: [password]
      username: address
  smtp:
    - host: smtp.example.org
      port: 587
      security: starttls
      auth: [password]
      username: address
no_pop3: Example Mail offers IMAP only.
password:
  kind: account
"#;

const INIT_CLIENT: &str = r#"# A mail app and its own words for each setting, as shown on its screens.
name: Thunderbird
platforms: [Windows, macOS, Linux]
protocols: [imap, pop3]
summary: Mozilla's free desktop mail app.
vocabulary:
  incoming: Incoming server
  outgoing: Outgoing server
  host: Hostname
  port: Port
  security: Connection security
  username: Username
  password: Password
  auth: Authentication method
  security_values:
    tls: SSL/TLS
    starttls: STARTTLS
    none: None
  auth_values:
    password: Normal password
    encrypted-password: Encrypted password
    oauth2: OAuth2
"#;

const INIT_GUIDE: &str = r#"---
title: Set up your mail in Thunderbird
---
## Add the account

1. In Thunderbird, open the **☰** menu and choose **New Account → Email**.
2. Enter your name, your {{ provider.short_name }} address and, as **{{ words.password }}**,
   {{ password }}.
3. Choose **Configure manually**.
4. Under **{{ words.incoming }}**, set **Protocol** to **{{ incoming.protocol }}**,
   **{{ words.host }}** to `{{ incoming.host }}`, **{{ words.port }}** to `{{ incoming.port }}` and
   **{{ words.security }}** to **{{ incoming.security }}**.
{% if smtp %}5. Under **{{ words.outgoing }}**, set **{{ words.host }}** to `{{ smtp.host }}`,
   **{{ words.port }}** to `{{ smtp.port }}` and **{{ words.security }}** to **{{ smtp.security }}**.
{% endif %}
As **{{ words.username }}**, enter {{ incoming.username }}. Click **Done**: Thunderbird tests the
connection and shows your folders.
"#;

const INIT_FAQ: &str = r#"# Questions and answers. Answers are Markdown and may use the provider's settings, e.g.
# {{ imap.host }}, when the entry names a provider.
- question: Which mail apps does this site explain?
  answer: |
    Every mail app listed on the home page, with the settings in the app's own words.

- question: What is the Example Mail IMAP server?
  provider: example-mail
  answer: |
    Incoming mail comes from `{{ imap.host }}` on port {{ imap.port }}, encrypted with
    {{ imap.security }}.
"#;

const INIT_TROUBLESHOOTING: &str = r#"# Problems readers run into, and what to do about them.
- title: The password is refused
  symptom: |
    The mail app keeps asking for the password although you typed it correctly.
  fix: |
    Check that the username has the form the provider expects, usually your full address. Some
    providers need an app-specific password instead of the one you use on their website.
"#;

const NEW_PROVIDER: &str = r#"# The provider's settings. Every key is described in mailguide's docs/content.md; the
# yaml-language-server line above gives completion and hover docs in editors that support it.
name: {name}
# short_name: {name}            # optional: a shorter name for running text
domains: [{slug}.example]       # the email domains the provider serves
# help_url: https://...         # optional: the provider's own help page
summary: |
  One paragraph about {name}, shown at the top of its page.
servers:
  # A list per protocol (imap, pop3, smtp); the first server of each is the preferred one.
  imap:
    - host: imap.{slug}.example
      port: 993
      security: tls             # tls (SSL/TLS) | starttls | none
      auth: [password]          # password | encrypted-password | oauth2 | ntlm | gssapi | client-cert | none
      username: address         # address | local-part | domain | text with %EMAILADDRESS%
  smtp:
    - host: smtp.{slug}.example
      port: 587
      security: starttls
      auth: [password]
      username: address
no_pop3: {name} offers IMAP only.   # or add a pop3: list above and remove this line
password:
  kind: account                 # account | app-password | oauth2 | account-or-app-password
  # app_password_url: https://...
# sources:                      # where the facts come from, and when you last compared them
#   - url: https://...
#     title: {name} help: mail app settings
#     checked: 2026-01-31       # YYYY-MM-DD
#     how: live-page            # live-page | stored-copy
# prerequisites:                # things to do before setting up any mail app
#   - title: Turn on IMAP access
#     body: |
#       In {name}'s web mail, open **Settings → Mail apps** and turn on IMAP.
# notes: |                      # Markdown: limits, plans, quirks
#   ...
"#;

const NEW_CLIENT: &str = r#"# A mail app and its own words for each setting, as shown on its screens. Every key is
# described in mailguide's docs/content.md.
name: {name}
platforms: [Windows, macOS]     # where it runs
protocols: [imap, pop3]         # incoming protocols the app supports
summary: One line about {name}.
# apple_profile: false          # offer the Apple configuration profile on its guides
vocabulary:                     # the labels on the app's account screens
  incoming: Incoming server
  outgoing: Outgoing server
  host: Server
  port: Port
  security: Encryption          # the name of the encryption field
  username: Username
  password: Password
  auth: Authentication
  security_values:              # the app's word for each encryption setting
    tls: SSL/TLS
    starttls: STARTTLS
    none: None
  auth_values:                  # the app's word for each sign-in method it offers
    password: Password
    oauth2: OAuth2
"#;

const NEW_GUIDE: &str = r#"---
title: Set up your mail in {name}
---
{# The generic guide, rendered once for every provider. Variables: provider.name, incoming,
   imap, pop3, smtp (each may be missing: wrap them in {% if smtp %}...{% endif %}), password,
   words (this app's labels). Never write a host name or port here: use the variables. #}
## Add the account

1. Open {name} and add a new mail account.
2. Enter your {{ provider.short_name }} address and, as **{{ words.password }}**, {{ password }}.
3. Under **{{ words.incoming }}**, set **{{ words.host }}** to `{{ incoming.host }}`,
   **{{ words.port }}** to `{{ incoming.port }}` and **{{ words.security }}** to
   **{{ incoming.security }}**.
{% if smtp %}4. Under **{{ words.outgoing }}**, set **{{ words.host }}** to `{{ smtp.host }}`,
   **{{ words.port }}** to `{{ smtp.port }}` and **{{ words.security }}** to **{{ smtp.security }}**.
{% endif %}
As **{{ words.username }}**, enter {{ incoming.username }}.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(valid_slug("example-mail"));
        assert!(valid_slug("gmx2"));
        for bad in ["", "-a", "a-", "a--b", "Gmail", "a b", "../x", "a/b", "a.b"] {
            assert!(!valid_slug(bad), "{bad}");
        }
        assert_eq!(display_name("example-mail"), "Example Mail");
    }

    #[test]
    fn the_default_theme_is_embedded() {
        let names: Vec<&str> = DEFAULT_THEME.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"templates/base.html"), "{names:?}");
        assert!(names.contains(&"static/style.css"));
    }
}
