//! A mail provider and its servers, as written in `content/providers/<slug>.yaml`.

use super::Source;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The file's shape. Every fact about a provider lives here once.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderData {
    /// The provider's display name, e.g. "iCloud Mail".
    pub name: String,
    /// A shorter name for running text, e.g. "iCloud"; defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// The email domains served by this provider, e.g. `[icloud.com, me.com]`.
    pub domains: Vec<String>,
    /// The provider serves addresses at any customer domain (a hosting company): `domains` lists
    /// only examples, and a host written as `mail.{domain}` is shown as "mail.<your domain>".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open_domains: bool,
    /// The provider's own help page about mail settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_url: Option<String>,
    /// Markdown: one paragraph shown at the top of the provider page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The servers, per protocol (`imap`, `pop3`, `smtp`); the first of each list is the preferred one.
    #[serde(default)]
    pub servers: Servers,
    /// Why the provider has no IMAP server (shown instead of the settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_imap: Option<String>,
    /// Why the provider has no POP3 server (shown instead of the settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_pop3: Option<String>,
    /// Why the provider has no SMTP server (shown instead of the settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_smtp: Option<String>,
    /// Which password a mail app needs, and how to get it.
    #[serde(default)]
    pub password: PasswordRules,
    /// Things to do before setting up any mail app (e.g. turn on IMAP access).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<Prerequisite>,
    /// Markdown: extra facts for readers (limits, plans, quirks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Show the RFC 6186 SRV records for the provider's domains.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dns_records: bool,
    /// Where the facts come from: each source with the day someone last compared the data with
    /// it. Provider pages say "Checked against <source> on <date>"; `check` warns when there is
    /// none or the newest date is older than the site's limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<FactSource>,
    /// Points on which the sources disagree with each other: the provider page shows each with
    /// what every source says, instead of silently following one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagreements: Vec<Disagreement>,
    /// Links to the provider's documentation, for readers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documentation: Vec<DocLink>,
    /// Check rules switched off for this provider, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<RuleAllowance>,
    /// Not ready to publish: `build` leaves the provider out (its pages, client files, FAQ and
    /// troubleshooting entries), `build --drafts` and `serve` show it with a "Draft" banner.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Servers {
    /// IMAP servers (incoming mail); the first is the one guides recommend.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imap: Vec<Server>,
    /// POP3 servers (incoming mail); the first is the one guides recommend.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pop3: Vec<Server>,
    /// SMTP submission servers (outgoing mail); the first is the one guides recommend.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub smtp: Vec<Server>,
}

/// One server a client connects to.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// The server's host name, e.g. `imap.mail.me.com`; `{domain}` stands for the domain of the
    /// reader's address where the provider names servers after it (`mail.{domain}`).
    pub host: String,
    /// The port, e.g. 993 (IMAP with TLS) or 587 (SMTP submission with STARTTLS).
    // Kept wider than `u16` so an out-of-range port is a check finding, not a parse error.
    pub port: u32,
    /// `tls` (implicit TLS, "SSL/TLS"), `starttls` or `none`.
    pub security: Security,
    /// Authentication methods the server accepts, in the vendor's order of preference (the one
    /// the vendor recommends first: guides and tables lead with it); defaults to `[password]`.
    #[serde(default = "default_auth")]
    pub auth: Vec<Auth>,
    /// Which secret this server takes, where it differs from the provider's `password.kind`
    /// (an IMAP server that takes only OAuth2 beside an SMTP server that takes a password).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PasswordKind>,
    /// The `id` of the source in `sources:` these settings come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What to type as the username: `address`, `local-part`, `domain`, or any text with %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%.
    #[serde(default)]
    pub username: UsernameForm,
}

/// What a host name template writes for the reader's domain.
pub const DOMAIN_SLOT: &str = "{domain}";

impl Server {
    /// Whether the host name is built from the reader's domain (`mail.{domain}`).
    pub fn host_is_template(&self) -> bool {
        self.host.contains(DOMAIN_SLOT)
    }

    /// The host name for an address at `domain`.
    pub fn host_for(&self, domain: &str) -> String {
        self.host.replace(DOMAIN_SLOT, domain)
    }

    /// The host in the autoconfig placeholder form (`mail.%EMAILDOMAIN%`), which Thunderbird
    /// fills in itself.
    pub fn host_placeholder(&self) -> String {
        self.host.replace(DOMAIN_SLOT, "%EMAILDOMAIN%")
    }
}

fn default_auth() -> Vec<Auth> {
    vec![Auth::Password]
}

/// The three mail protocols a help site documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Imap,
    Pop3,
    Smtp,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::Imap, Protocol::Pop3, Protocol::Smtp];

    /// The key used in YAML and in template variables.
    pub fn id(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Smtp => "smtp",
        }
    }

    /// The name readers know.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Smtp => "SMTP",
        }
    }

    pub fn is_incoming(self) -> bool {
        self != Protocol::Smtp
    }
}

/// How the connection is encrypted (RFC 8314 terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Implicit TLS from the first byte ("SSL/TLS").
    Tls,
    /// A plain connection upgraded with STARTTLS.
    Starttls,
    /// No encryption.
    None,
}

impl Security {
    pub const ALL: [Security; 3] = [Security::Tls, Security::Starttls, Security::None];

    pub fn id(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }

    /// The neutral word used on pages that speak no particular client's language.
    pub fn label(self) -> &'static str {
        match self {
            Security::Tls => "SSL/TLS",
            Security::Starttls => "STARTTLS",
            Security::None => "None",
        }
    }
}

/// How the client proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    /// The password, sent inside the encrypted connection (ISPDB `password-cleartext`).
    Password,
    /// CRAM-MD5 and friends (ISPDB `password-encrypted`).
    EncryptedPassword,
    #[serde(rename = "oauth2")]
    OAuth2,
    Ntlm,
    Gssapi,
    ClientCert,
    None,
}

impl Auth {
    pub const ALL: [Auth; 7] = [
        Auth::Password,
        Auth::EncryptedPassword,
        Auth::OAuth2,
        Auth::Ntlm,
        Auth::Gssapi,
        Auth::ClientCert,
        Auth::None,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Auth::Password => "password",
            Auth::EncryptedPassword => "encrypted-password",
            Auth::OAuth2 => "oauth2",
            Auth::Ntlm => "ntlm",
            Auth::Gssapi => "gssapi",
            Auth::ClientCert => "client-cert",
            Auth::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Auth::Password => "Normal password",
            Auth::EncryptedPassword => "Encrypted password",
            Auth::OAuth2 => "OAuth2",
            Auth::Ntlm => "NTLM",
            Auth::Gssapi => "Kerberos / GSSAPI",
            Auth::ClientCert => "TLS client certificate",
            Auth::None => "No authentication",
        }
    }

    /// Whether the method sends a reusable secret that must not cross an unencrypted connection.
    pub fn sends_password(self) -> bool {
        matches!(self, Auth::Password)
    }
}

/// What the reader types as the username. ISPDB's placeholders are kept as they are so
/// imported data round-trips exactly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum UsernameForm {
    /// `%EMAILADDRESS%`
    #[default]
    Address,
    /// `%EMAILLOCALPART%`
    LocalPart,
    /// `%EMAILDOMAIN%`
    Domain,
    /// Any other text, with the placeholders filled in.
    Custom(String),
}

impl UsernameForm {
    /// The YAML spelling.
    pub fn yaml(&self) -> String {
        match self {
            UsernameForm::Address => "address".into(),
            UsernameForm::LocalPart => "local-part".into(),
            UsernameForm::Domain => "domain".into(),
            UsernameForm::Custom(text) => text.clone(),
        }
    }

    /// What a reader is told to type.
    pub fn describe(&self) -> String {
        match self {
            UsernameForm::Address => "your full email address".into(),
            UsernameForm::LocalPart => "the part of your address before the @".into(),
            UsernameForm::Domain => "your email domain (the part after the @)".into(),
            UsernameForm::Custom(text) => text
                .replace("%EMAILADDRESS%", "your-address@example.com")
                .replace("%EMAILLOCALPART%", "your-name")
                .replace("%EMAILDOMAIN%", "example.com"),
        }
    }
}

impl From<String> for UsernameForm {
    fn from(s: String) -> Self {
        match s.as_str() {
            "address" | "%EMAILADDRESS%" => UsernameForm::Address,
            "local-part" | "%EMAILLOCALPART%" => UsernameForm::LocalPart,
            "domain" | "%EMAILDOMAIN%" => UsernameForm::Domain,
            _ => UsernameForm::Custom(s),
        }
    }
}

impl<'de> Deserialize<'de> for UsernameForm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(UsernameForm::from)
    }
}

impl Serialize for UsernameForm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.yaml())
    }
}

/// The schema of the YAML spelling: a known form, or any text with placeholders.
impl JsonSchema for UsernameForm {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UsernameForm".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "What to type as the username: `address` (the full address), `local-part` (before the @), `domain`, or any text with %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%.",
            "anyOf": [
                { "enum": ["address", "local-part", "domain"] },
                { "type": "string" }
            ],
            "default": "address"
        })
    }
}

impl fmt::Display for UsernameForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Which secret a client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordKind {
    /// The account's normal password.
    #[default]
    Account,
    /// Only an app-specific password works.
    AppPassword,
    /// Only OAuth2 sign-in works; no password of any kind.
    #[serde(rename = "oauth2")]
    OAuth2,
    /// The normal password, or an app password once two-factor sign-in is on.
    AccountOrAppPassword,
}

impl PasswordKind {
    pub fn id(self) -> &'static str {
        match self {
            PasswordKind::Account => "account",
            PasswordKind::AppPassword => "app-password",
            PasswordKind::OAuth2 => "oauth2",
            PasswordKind::AccountOrAppPassword => "account-or-app-password",
        }
    }

    /// What to type in a password field, in words.
    pub fn phrase(self) -> &'static str {
        match self {
            PasswordKind::Account => "your account password",
            PasswordKind::AppPassword => "an app-specific password",
            PasswordKind::OAuth2 => "no password: you sign in through the provider's own sign-in window (OAuth2)",
            PasswordKind::AccountOrAppPassword => {
                "your account password, or an app-specific password if two-step verification is on"
            }
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRules {
    /// `account`, `app-password`, `oauth2` or `account-or-app-password`.
    #[serde(default)]
    pub kind: PasswordKind,
    /// Where readers create an app-specific password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_password_url: Option<String>,
    /// Markdown: how to create an app-specific password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_password_steps: Option<String>,
    /// Markdown: more about passwords for this provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A page the provider's facts were compared with.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactSource {
    /// A short name facts use to point at this source (`source: google-app-passwords`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The page's address.
    pub url: String,
    /// The page's title, as readers see it in "Checked against <title>".
    pub title: String,
    /// `YYYY-MM-DD`: the day someone compared the data with this source; missing = never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    /// How it was compared: against the live page, or a stored copy of it.
    #[serde(default)]
    pub how: CheckedHow,
}

/// How a source was read when the data was compared with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CheckedHow {
    /// The vendor's page as it was on the web that day.
    #[default]
    LivePage,
    /// A stored copy of the page (an archive, a mirror), which may be older than the live one.
    StoredCopy,
}

impl CheckedHow {
    /// In words, for pages.
    pub fn words(self) -> &'static str {
        match self {
            CheckedHow::LivePage => "the live page",
            CheckedHow::StoredCopy => "a stored copy",
        }
    }
}

/// A point on which a provider's sources disagree, e.g. one vendor page asks for an app password
/// where another says only OAuth2 works.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Disagreement {
    /// What the sources disagree about, shown as a heading, e.g. "Whether an app password works".
    pub about: String,
    /// What each source says: two or more.
    pub says: Vec<SourceSays>,
    /// Markdown: what this site follows, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What one source says on a disputed point.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSays {
    /// The `id` of the source in `sources:`.
    pub source: String,
    /// What it says, in a sentence.
    pub says: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prerequisite {
    /// A short title, e.g. "Turn on IMAP access".
    pub title: String,
    /// Markdown with Tera expressions ({{ imap.host }}): what to do.
    pub body: String,
    /// The `id` of the source in `sources:` this step comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocLink {
    /// The address of the page.
    pub url: String,
    /// The link text; defaults to the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A check rule switched off for one provider, with the editor's reason.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleAllowance {
    /// The rule code to switch off for this provider, e.g. `port-unusual`.
    pub rule: String,
    /// Why the finding does not apply; shown in check reports.
    pub reason: String,
}

/// A loaded provider: its slug (the file name), its data and where it came from.
#[derive(Debug, Clone)]
pub struct Provider {
    pub slug: String,
    pub data: ProviderData,
    pub source: Source,
}

impl Provider {
    /// The newest day someone compared the data with a source (`sources[].checked`); dates that
    /// do not parse are the `source-date-invalid` rule's.
    pub fn newest_check(&self) -> Option<super::Date> {
        self.data
            .sources
            .iter()
            .filter_map(|s| s.checked.as_deref().and_then(super::Date::parse))
            .max()
    }

    /// The provider's links for readers (help page, app-password page, documentation), each with
    /// its YAML path for findings: what the URL rules judge.
    pub fn reader_links(&self) -> Vec<(String, &str)> {
        let mut list: Vec<(String, &str)> = Vec::new();
        if let Some(u) = &self.data.help_url {
            list.push(("help_url".into(), u));
        }
        if let Some(u) = &self.data.password.app_password_url {
            list.push(("password.app_password_url".into(), u));
        }
        for (i, d) in self.data.documentation.iter().enumerate() {
            list.push((format!("documentation[{i}].url"), &d.url));
        }
        list
    }

    pub fn servers(&self, protocol: Protocol) -> &[Server] {
        match protocol {
            Protocol::Imap => &self.data.servers.imap,
            Protocol::Pop3 => &self.data.servers.pop3,
            Protocol::Smtp => &self.data.servers.smtp,
        }
    }

    /// Which secret a server takes: its own `password:`, else the provider's `password.kind`.
    pub fn password_kind(&self, server: &Server) -> PasswordKind {
        server.password.unwrap_or(self.data.password.kind)
    }

    /// The password kind of the server guides use for incoming mail (IMAP, else POP3), else the
    /// provider's; what "the password" means in a guide's opening.
    pub fn incoming_password_kind(&self) -> PasswordKind {
        self.preferred(Protocol::Imap)
            .or_else(|| self.preferred(Protocol::Pop3))
            .map(|s| self.password_kind(s))
            .unwrap_or(self.data.password.kind)
    }

    /// The one literal host name of a server, where there is one: a plain host, or a template
    /// for a provider with exactly one domain (and no open-ended ones).
    pub fn fixed_host(&self, s: &Server) -> Option<String> {
        if !s.host_is_template() {
            return Some(s.host.clone());
        }
        match self.data.domains.as_slice() {
            [only] if !self.data.open_domains => Some(s.host_for(only)),
            _ => None,
        }
    }

    /// The host as pages show it: the literal name, or "mail.<your domain>" where it depends on
    /// the reader's domain.
    pub fn host_display(&self, s: &Server) -> String {
        self.fixed_host(s)
            .unwrap_or_else(|| s.host.replace(DOMAIN_SLOT, "<your domain>"))
    }

    /// The host for each listed domain, for a templated host (empty for a plain one).
    pub fn hosts_by_domain(&self, s: &Server) -> Vec<(String, String)> {
        if !s.host_is_template() {
            return vec![];
        }
        self.data.domains.iter().map(|d| (d.clone(), s.host_for(d))).collect()
    }

    /// Whether the vendor recommends OAuth2 for incoming mail: the preferred incoming server
    /// lists it first.
    pub fn oauth2_first(&self) -> bool {
        self.preferred(Protocol::Imap)
            .or_else(|| self.preferred(Protocol::Pop3))
            .is_some_and(|s| s.auth.first() == Some(&Auth::OAuth2))
    }

    /// The first server of a protocol is the one guides recommend.
    pub fn preferred(&self, protocol: Protocol) -> Option<&Server> {
        self.servers(protocol).first()
    }

    /// The reason written for a missing protocol.
    pub fn missing_reason(&self, protocol: Protocol) -> Option<&str> {
        match protocol {
            Protocol::Imap => self.data.no_imap.as_deref(),
            Protocol::Pop3 => self.data.no_pop3.as_deref(),
            Protocol::Smtp => self.data.no_smtp.as_deref(),
        }
    }

    pub fn short_name(&self) -> &str {
        self.data.short_name.as_deref().unwrap_or(&self.data.name)
    }

    /// The provider's domains as the ends of addresses, for a reader: `@icloud.com, @me.com`.
    pub fn addresses(&self) -> String {
        self.data
            .domains
            .iter()
            .map(|d| format!("@{d}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether an allowance switches this rule off for this provider, and why.
    pub fn allowance(&self, rule: &str) -> Option<&RuleAllowance> {
        self.data.allow.iter().find(|a| a.rule == rule)
    }
}
