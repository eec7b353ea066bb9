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

use crate::default_theme::DEFAULT_THEME;

#[derive(Debug, Error)]
pub enum ScaffoldError {
    #[error("{path} is not empty")]
    NotEmpty { path: PathBuf },
    #[error("{path} already exists")]
    Exists { path: PathBuf },
    #[error("`{name}` is not a valid name")]
    BadName { name: String },
    #[error("the name is {length} characters long; names are at most {MAX_NAME} characters")]
    TooLong { length: usize },
    #[error(transparent)]
    Unsafe(crate::no_follow::NoFollowError),
    #[error("{path} has no site.yaml")]
    NoSite { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl ScaffoldError {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            ScaffoldError::NotEmpty { .. } => {
                "choose a new or empty folder (dot files such as .git do not count); init never changes existing files".into()
            }
            ScaffoldError::Exists { .. } => "choose another name, or edit the existing file".into(),
            ScaffoldError::BadName { .. } => {
                "give the display name (`\"Example Hosting\"`, which makes example-hosting.yaml) or a slug of lowercase letters, digits and `-` (`example-hosting`)".into()
            }
            ScaffoldError::TooLong { .. } => {
                "choose a shorter name: it becomes a file name and a part of every page address".into()
            }
            ScaffoldError::Unsafe(e) => e.help().into(),
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

/// The longest name `new` accepts: it becomes a file name (at most 255 bytes on most file
/// systems, with `.yaml`) and a segment of page addresses.
pub const MAX_NAME: usize = 100;

/// Creates `base/rel` with `text`: its folders below `base` are created as real folders (a link
/// among them is refused) and the file must not exist, not even as a link.
fn write(base: &Path, rel: &str, text: &[u8]) -> Result<(), ScaffoldError> {
    use crate::no_follow::{self, NoFollowError};
    let rel = Path::new(rel);
    let folder = no_follow::folders(base, rel.parent().unwrap_or(Path::new(""))).map_err(ScaffoldError::Unsafe)?;
    let name = rel.file_name().unwrap_or_default();
    no_follow::create_new(&folder.join(name), text).map_err(|e| match e {
        NoFollowError::Exists { path } => ScaffoldError::Exists { path },
        NoFollowError::Io { path, source } => ScaffoldError::Io { path, source },
        other => ScaffoldError::Unsafe(other),
    })
}

/// A YAML file with the schema line first.
fn yaml(kind: FileKind, rel: &str, body: &str) -> String {
    format!("{}{body}", kind.modeline(rel))
}

/// Creates a new site in `dir`, which must be missing or empty; a folder holding only dot files
/// (`.git`, `.gitignore`, an editor's settings) counts as empty, so `git init` may come first.
/// A `.gitignore` already there is kept. Returns the files written, relative to `dir`.
///
/// The default theme is built into mailguide and used from there, so upgrading mailguide updates
/// it; `theme_copy` copies it into `themes/default/` instead, for a site that changes every
/// template (the copy then wins, and no longer follows upgrades).
pub fn init(dir: &Path, theme_copy: bool) -> Result<Vec<String>, ScaffoldError> {
    crate::no_follow::not_a_link(dir).map_err(ScaffoldError::Unsafe)?;
    let mut has_gitignore = false;
    if dir.exists() {
        let mut empty = true;
        for entry in fs::read_dir(dir).map_err(|source| ScaffoldError::Io {
            path: dir.to_path_buf(),
            source,
        })? {
            let name = entry
                .map_err(|source| ScaffoldError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?
                .file_name();
            has_gitignore |= name == ".gitignore";
            empty &= name.to_string_lossy().starts_with('.');
        }
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
            b"# mailguide build writes the site here, and keeps the one before as a spare beside it\npublic/\n.public.mailguide-*/\n# the smaller copies of large images, kept between builds\n.mailguide-cache/\n"
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
    if theme_copy {
        for (rel, bytes) in DEFAULT_THEME {
            files.push((format!("themes/default/{rel}"), bytes.to_vec()));
        }
    }
    for kind in FileKind::ALL {
        files.push((
            format!("{}/{}", schema::DIR, kind.file_name()),
            kind.schema().into_bytes(),
        ));
    }
    fs::create_dir_all(dir).map_err(|source| ScaffoldError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if has_gitignore {
        files.retain(|(rel, _)| rel != ".gitignore");
    }
    for (rel, bytes) in &files {
        write(dir, rel, bytes)?;
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

/// The slug of a display name: `Example Hosting` → `example-hosting`, `GMX Österreich` →
/// `gmx-oesterreich`. Letters and digits are kept (lowercased, common accented Latin letters
/// spelt in ASCII), every run of anything else becomes one `-`. `None` when nothing is left.
pub fn slugify(name: &str) -> Option<String> {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let ascii: &str = match c {
            'a'..='z' | '0'..='9' => {
                slug.push(c);
                continue;
            }
            'ä' | 'æ' => "ae",
            'ö' | 'ø' | 'œ' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'à' | 'á' | 'â' | 'ã' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' => "o",
            'ù' | 'ú' | 'û' => "u",
            'ý' | 'ÿ' => "y",
            _ => "-",
        };
        if ascii != "-" || !(slug.is_empty() || slug.ends_with('-')) {
            slug.push_str(ascii);
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    valid_slug(&slug).then_some(slug)
}

/// The slug and the display name `new` writes for what was typed: a slug is kept as both (the
/// name is then left for the editor: `ios-mail` is not "Ios Mail"), a display name is kept and
/// made into a slug.
fn slug_and_name(typed: &str) -> Option<(String, String, bool)> {
    let typed = typed.trim();
    if valid_slug(typed) {
        return Some((typed.to_string(), typed.to_string(), false));
    }
    if typed.contains(['/', '\\']) || typed.contains("..") {
        return None;
    }
    Some((slugify(typed)?, typed.to_string(), true))
}

/// A YAML scalar for a display name: quoted when plain YAML would read it otherwise.
fn yaml_scalar(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '&' | '+'))
        && !text.starts_with(['-', '&', '.'])
        && !matches!(
            text.to_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

/// Creates a content file (and, for a client, its guide) from a commented template. Refuses to
/// replace an existing file. Returns the files written, relative to `root`.
///
/// `name` is a display name (`Example Hosting`: the file is `example-hosting.yaml`, the name
/// stays as typed) or a slug (kept as the name too, with a comment asking for the real one).
pub fn new(root: &Path, kind: NewKind, name: &str) -> Result<Vec<String>, ScaffoldError> {
    if name.chars().count() > MAX_NAME {
        return Err(ScaffoldError::TooLong {
            length: name.chars().count(),
        });
    }
    let Some((slug, title, named)) = slug_and_name(name) else {
        return Err(ScaffoldError::BadName { name: name.into() });
    };
    let name = slug.as_str();
    if !root.join("site.yaml").is_file() {
        return Err(ScaffoldError::NoSite {
            path: root.to_path_buf(),
        });
    }
    let name_line = if named {
        format!("name: {}", yaml_scalar(&title))
    } else {
        format!(
            "name: {}                  # replace with the name as it is written, e.g. on its own site",
            yaml_scalar(&title)
        )
    };
    let files: Vec<(String, String)> = match kind {
        NewKind::Provider => {
            let rel = format!("content/providers/{name}.yaml");
            let body = NEW_PROVIDER
                .replace("name: {name}", &name_line)
                .replace(
                    "no_pop3: {name} offers IMAP only.",
                    &format!("no_pop3: {}", yaml_scalar(&format!("{title} offers IMAP only."))),
                )
                .replace("{name}", &title)
                .replace("{slug}", name);
            vec![(rel.clone(), yaml(FileKind::Provider, &rel, &body))]
        }
        NewKind::Client => {
            let rel = format!("content/clients/{name}.yaml");
            let body = NEW_CLIENT
                .replace("name: {name}", &name_line)
                .replace(
                    "summary: One line about {name}.",
                    &format!("summary: {}", yaml_scalar(&format!("One line about {title}."))),
                )
                .replace("{name}", &title);
            vec![
                (rel.clone(), yaml(FileKind::Client, &rel, &body)),
                (
                    format!("content/clients/{name}.md"),
                    NEW_GUIDE
                        .replace(
                            "title: Set up your mail in {name}",
                            &format!("title: {}", yaml_scalar(&format!("Set up your mail in {title}"))),
                        )
                        .replace("{name}", &title),
                ),
            ]
        }
    };
    // Check them all first, so a client is never half written.
    // A link counts as existing, even one that points nowhere.
    for (rel, _) in &files {
        let path = root.join(rel);
        if fs::symlink_metadata(&path).is_ok() {
            return Err(ScaffoldError::Exists { path });
        }
    }
    for (rel, text) in &files {
        write(root, rel, text.as_bytes())?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

const SITE: &str = r#"# The site's settings. Every key is described in mailguide's docs/content.md.
title: Mail Setup Help
description: Server settings and step-by-step setup guides for your email.
# The public address of the site, for canonical links and the sitemap.
base_url: https://help.example.org
language: en
# The default theme is built into mailguide; extend it with templates/, static/site.css and
# extra: below (docs/themes.md in mailguide's repository).
theme: default
# Values for your own templates, as {{ site.extra.NAME }}.
# extra:
#   support_email: help@example.org
# The hosts you publish on, for the response headers `build` writes (docs/deploy.md).
# deploy: [netlify]
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
# Where it runs, as the app's own site says: e.g. [iOS, iPadOS], [Android], [Windows, macOS, Linux].
platforms: []
protocols: [imap]               # incoming protocols the app supports: add pop3 if it offers POP3
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
# account_buttons:              # the app's own button (or automatic sign-in) for some providers
#   - label: Google             # the button's label; leave out for an automatic sign-in
#     domains: [gmail.com, googlemail.com]
#     steps: |                  # Markdown: the few steps, in the app's words
#       1. ...
#     source:                   # the vendor page that says so
#       url: https://...
#       title: ...
#       checked: 2026-01-31
#       how: live-page
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
        assert_eq!(slugify("Example Hosting").as_deref(), Some("example-hosting"));
        assert_eq!(slugify("GMX Österreich").as_deref(), Some("gmx-oesterreich"));
        assert_eq!(slugify("  Mail.com (1&1) ").as_deref(), Some("mail-com-1-1"));
        assert_eq!(slugify("***"), None);
        assert_eq!(
            slug_and_name("ios-mail"),
            Some(("ios-mail".into(), "ios-mail".into(), false)),
            "a slug is not made into a name"
        );
        assert_eq!(slug_and_name("../x"), None);
        assert_eq!(yaml_scalar("Example Hosting"), "Example Hosting");
        assert_eq!(yaml_scalar("Yes"), "\"Yes\"");
        assert_eq!(yaml_scalar("Mail: Pro"), "\"Mail: Pro\"");
    }

    #[test]
    fn the_default_theme_is_embedded() {
        let names: Vec<&str> = DEFAULT_THEME.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"templates/base.html"), "{names:?}");
        assert!(names.contains(&"static/style.css"));
    }
}
