//! A mail client and its own words for each setting.
//!
//! The same fact reads differently in every client: `starttls` is "STARTTLS" in Thunderbird's
//! menu and "Use SSL: On" on an iPhone. A guide speaks its client's words, so the vocabulary is
//! data, kept once per client.

use super::{Auth, FactSource, Guide, Protocol, Provider, Security, Source};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientData {
    /// The mail app's name, e.g. "Thunderbird".
    pub name: String,
    /// Where it runs, e.g. `[Windows, macOS, Linux]`.
    #[serde(default)]
    pub platforms: Vec<String>,
    /// Incoming protocols the app supports; defaults to `[imap, pop3]`.
    #[serde(default = "default_protocols")]
    pub protocols: Vec<Protocol>,
    /// One line about the app, shown in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Offer the Apple configuration profile download on this app's guides.
    #[serde(default)]
    pub apple_profile: bool,
    /// The app's own words for each setting, as on its screens.
    pub vocabulary: Vocabulary,
    /// Not ready to publish: `build` leaves the client out (its page and guides), `build --drafts`
    /// and `serve` show it with a "Draft" banner.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// The providers the app has its own account button or automatic sign-in for, keyed by their
    /// email domains: a guide for such a provider leads with that path and keeps the manual setup
    /// below it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account_buttons: Vec<AccountButton>,
}

/// The app's own way in for some providers: a button in its list of account types ("Google"),
/// or a sign-in it starts by itself once it recognises the address (Thunderbird opens Google's
/// sign-in page for a Gmail address). Readers who use it type no server settings at all.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountButton {
    /// The button's label in the app's words, e.g. "Google"; omitted where the app has no button
    /// and recognises the address by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The email domains this path serves, e.g. `[gmail.com, googlemail.com]`: a provider with
    /// any of them gets it, whatever its file is called (`gmail` or the import's `googlemail-com`).
    pub domains: Vec<String>,
    /// Markdown: the few steps, in the app's words.
    pub steps: String,
    /// The vendor's page that says the app has this path (url, title, checked, how).
    pub source: FactSource,
}

impl AccountButton {
    /// Whether the path serves an address at one of `domains` (case does not matter in domains).
    pub fn serves(&self, domains: &[String]) -> bool {
        self.domains
            .iter()
            .any(|mine| domains.iter().any(|d| d.eq_ignore_ascii_case(mine)))
    }
}

fn default_protocols() -> Vec<Protocol> {
    vec![Protocol::Imap, Protocol::Pop3]
}

/// The labels of a client's account screens.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// The section with the incoming server, e.g. "Incoming server".
    pub incoming: String,
    /// The section with the outgoing server, e.g. "Outgoing server".
    pub outgoing: String,
    /// The label of the server name field, e.g. "Hostname".
    pub host: String,
    /// The label of the port field.
    pub port: String,
    /// The label of the encryption field, e.g. "Connection security".
    pub security: String,
    /// The label of the username field.
    pub username: String,
    /// The label of the password field; defaults to "Password".
    #[serde(default = "default_password")]
    pub password: String,
    /// The label of the authentication method field; defaults to "Authentication".
    #[serde(default = "default_auth_field")]
    pub auth: String,
    /// The client's word for each security value; all three must be given.
    pub security_values: BTreeMap<SecurityKey, String>,
    /// The client's word for each authentication method it offers.
    #[serde(default)]
    pub auth_values: BTreeMap<AuthKey, String>,
    /// The app's words for signing in to the outgoing server with the incoming server's user name
    /// and password (Outlook: "Use same settings as my incoming mail server"). Prose that tells
    /// readers to choose it is an error for a provider whose two sign-ins differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as_incoming: Option<String>,
}

fn default_password() -> String {
    "Password".into()
}

fn default_auth_field() -> String {
    "Authentication".into()
}

/// Map keys for [`Vocabulary::security_values`]; an ordered wrapper so the maps serialise stably.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SecurityKey {
    Tls,
    Starttls,
    None,
}

impl From<Security> for SecurityKey {
    fn from(s: Security) -> Self {
        match s {
            Security::Tls => SecurityKey::Tls,
            Security::Starttls => SecurityKey::Starttls,
            Security::None => SecurityKey::None,
        }
    }
}

/// Map keys for [`Vocabulary::auth_values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthKey {
    Password,
    EncryptedPassword,
    #[serde(rename = "oauth2")]
    OAuth2,
    Ntlm,
    Gssapi,
    ClientCert,
    None,
}

impl From<Auth> for AuthKey {
    fn from(a: Auth) -> Self {
        match a {
            Auth::Password => AuthKey::Password,
            Auth::EncryptedPassword => AuthKey::EncryptedPassword,
            Auth::OAuth2 => AuthKey::OAuth2,
            Auth::Ntlm => AuthKey::Ntlm,
            Auth::Gssapi => AuthKey::Gssapi,
            Auth::ClientCert => AuthKey::ClientCert,
            Auth::None => AuthKey::None,
        }
    }
}

impl Vocabulary {
    /// The client's word for a security value (falls back to the neutral label).
    pub fn security_word(&self, s: Security) -> &str {
        self.security_values
            .get(&s.into())
            .map(String::as_str)
            .unwrap_or(s.label())
    }

    /// The client's word for an authentication method (falls back to the neutral label).
    pub fn auth_word(&self, a: Auth) -> &str {
        self.auth_values.get(&a.into()).map(String::as_str).unwrap_or(a.label())
    }
}

/// A loaded client with its generic guide.
#[derive(Debug, Clone)]
pub struct Client {
    pub slug: String,
    pub data: ClientData,
    pub source: Source,
    /// `content/clients/<slug>.md`; a published client without one is reported by the checks.
    pub guide: Option<Guide>,
}

impl Client {
    /// Whether the client is a draft: its file says so, or its guide does (a client without its
    /// guide has no pages to publish).
    pub fn is_draft(&self) -> bool {
        self.data.draft || self.guide.as_ref().is_some_and(|g| g.front.draft)
    }

    /// The file and line that make the client a draft.
    pub fn draft_place(&self) -> (String, usize) {
        match &self.guide {
            Some(g) if g.front.draft && !self.data.draft => (g.source.path.clone(), g.draft_line()),
            _ => (self.source.path.clone(), self.source.locate("draft").line),
        }
    }

    /// The app's own button or automatic sign-in for the provider, where it has one: the first
    /// entry of `account_buttons` that serves one of the provider's domains.
    pub fn account_button(&self, p: &Provider) -> Option<&AccountButton> {
        self.data.account_buttons.iter().find(|b| b.serves(&p.data.domains))
    }
}
