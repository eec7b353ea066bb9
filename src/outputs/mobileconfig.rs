//! Apple configuration profiles (`.mobileconfig`) with one `com.apple.mail.managed` payload: a
//! reader on iPhone, iPad or Mac installs the file and the account is set up; the device asks for
//! the email address, user name and password, which the profile leaves out.
//!
//! The profile is an XML property list. Its UUIDs are UUID v5 values derived from the site's
//! address and the provider's slug, and it has no dates, so rebuilding gives identical bytes and
//! a reinstalled profile replaces the old one instead of adding a second account.
//! Keys as documented in Apple's device-management reference for the Mail payload.

use crate::model::{Auth, PasswordKind, Protocol, Provider, Security, Server, UsernameForm};
use plist::{Dictionary, Value};
use uuid::Uuid;

/// The payload type of a mail account.
pub const PAYLOAD_TYPE: &str = "com.apple.mail.managed";

/// The profile's path in the site: `<slug>/<slug>.mobileconfig`, so the download has a telling
/// name.
pub fn path(p: &Provider) -> String {
    format!("{0}/{0}.mobileconfig", p.slug)
}

/// The servers a profile configures: one incoming, one outgoing, each with an authentication
/// method Apple's Mail payload can express.
pub struct Choice<'a> {
    pub incoming: &'a Server,
    pub incoming_protocol: Protocol,
    pub incoming_auth: &'static str,
    pub outgoing: &'a Server,
    pub outgoing_auth: &'static str,
}

/// Apple's name for an authentication method, when the payload has one (it has none for OAuth2,
/// Kerberos or client certificates).
pub fn apple_auth(a: Auth) -> Option<&'static str> {
    match a {
        Auth::Password => Some("EmailAuthPassword"),
        Auth::EncryptedPassword => Some("EmailAuthCRAMMD5"),
        Auth::Ntlm => Some("EmailAuthNTLM"),
        Auth::None => Some("EmailAuthNone"),
        Auth::OAuth2 | Auth::Gssapi | Auth::ClientCert => None,
    }
}

/// "Use SSL" on Apple's devices means encrypted, by implicit TLS or STARTTLS (the port decides).
pub fn use_ssl(s: Security) -> bool {
    s != Security::None
}

/// The method the profile can give a server: none where the server takes only OAuth2 sign-in
/// (its own `password:` or the provider's kind), since the device would ask for a password
/// that does not exist.
fn usable(p: &Provider, s: &Server) -> Option<&'static str> {
    if p.password_kind(s) == PasswordKind::OAuth2 {
        return None;
    }
    // The payload has no placeholder for the reader's domain: a host built from it can only be
    // written where the provider has one domain.
    p.fixed_host(s)?;
    s.auth.iter().find_map(|a| apple_auth(*a))
}

/// The servers of the profile: the first IMAP server (else POP3) and the first SMTP server whose
/// authentication Apple can express. `None` when there is none, or when the provider takes only
/// OAuth2 sign-in (the device would ask for a password that does not exist).
pub fn choose(p: &Provider) -> Option<Choice<'_>> {
    let (incoming_protocol, incoming, incoming_auth) =
        [Protocol::Imap, Protocol::Pop3].into_iter().find_map(|proto| {
            p.servers(proto)
                .iter()
                .find_map(|s| usable(p, s).map(|a| (proto, s, a)))
        })?;
    let (outgoing, outgoing_auth) = p
        .servers(Protocol::Smtp)
        .iter()
        .find_map(|s| usable(p, s).map(|a| (s, a)))?;
    Some(Choice {
        incoming,
        incoming_protocol,
        incoming_auth,
        outgoing,
        outgoing_auth,
    })
}

/// A user name the profile can state: only literal text, no address placeholders.
fn fixed_username(u: &UsernameForm) -> Option<&str> {
    match u {
        UsernameForm::Custom(text) if !text.contains('%') => Some(text),
        _ => None,
    }
}

/// What the device will ask for, in words, for the download's description and the profile's.
pub fn description(p: &Provider) -> Option<String> {
    let c = choose(p)?;
    let (inu, outu) = (&c.incoming.username, &c.outgoing.username);
    let username = match (fixed_username(inu), fixed_username(outu)) {
        (Some(_), Some(_)) => String::new(),
        _ if inu == outu => format!(" For the user name, enter {}.", inu.describe()),
        _ => format!(
            " For the user name, enter {} for incoming mail and {} for outgoing mail.",
            inu.describe(),
            outu.describe()
        ),
    };
    // The payload has no OAuth2: where the vendor recommends it, the profile is the password
    // alternative, and says so.
    let alternative = if p.oauth2_first() {
        format!(
            " Apple profiles cannot sign in through {}'s own sign-in page (OAuth2), which {} recommends: this profile is the alternative that uses a password.",
            p.short_name(),
            p.short_name()
        )
    } else {
        String::new()
    };
    Some(format!(
        "Sets up {} in Mail on iPhone, iPad and Mac. Your device asks for your email address, user name and password.{username} For the password, use {}.{alternative}",
        p.data.name,
        p.password_kind(c.incoming).phrase()
    ))
}

/// The reverse-DNS prefix of the site's payload identifiers: `https://help.example.org` gives
/// `org.example.help`.
pub fn identifier(base_url: &str, slug: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or_default();
    let mut parts: Vec<String> = host
        .split('.')
        .filter(|s| !s.is_empty())
        .rev()
        .map(|s| {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
                .collect()
        })
        .collect();
    if parts.is_empty() {
        parts.push("localhost".into());
    }
    parts.push(slug.to_string());
    parts.join(".")
}

/// A UUID that depends only on the site, the provider and which payload it names.
fn stable_uuid(base_url: &str, slug: &str, what: &str) -> String {
    let name = format!("{}/{slug}/#{what}", base_url.trim_end_matches('/'));
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes())
        .hyphenated()
        .to_string()
        .to_uppercase()
}

/// The profile's bytes, or `None` when [`choose`] finds no servers for it.
pub fn profile(p: &Provider, organization: &str, base_url: &str) -> Option<Vec<u8>> {
    let c = choose(p)?;
    let id = identifier(base_url, &p.slug);
    let description = description(p)?;
    let mut mail = Dictionary::new();
    let put = |d: &mut Dictionary, k: &str, v: Value| {
        d.insert(k.to_string(), v);
    };
    put(&mut mail, "EmailAccountDescription", Value::from(p.data.name.clone()));
    put(
        &mut mail,
        "EmailAccountType",
        Value::from(match c.incoming_protocol {
            Protocol::Pop3 => "EmailTypePOP",
            _ => "EmailTypeIMAP",
        }),
    );
    put(
        &mut mail,
        "IncomingMailServerAuthentication",
        Value::from(c.incoming_auth),
    );
    put(
        &mut mail,
        "IncomingMailServerHostName",
        // `choose` took only servers with one literal host.
        Value::from(p.fixed_host(c.incoming).unwrap_or_else(|| c.incoming.host.clone())),
    );
    put(&mut mail, "IncomingMailServerPortNumber", Value::from(c.incoming.port));
    put(
        &mut mail,
        "IncomingMailServerUseSSL",
        Value::from(use_ssl(c.incoming.security)),
    );
    if let Some(u) = fixed_username(&c.incoming.username) {
        put(&mut mail, "IncomingMailServerUsername", Value::from(u));
    }
    put(
        &mut mail,
        "OutgoingMailServerAuthentication",
        Value::from(c.outgoing_auth),
    );
    put(
        &mut mail,
        "OutgoingMailServerHostName",
        Value::from(p.fixed_host(c.outgoing).unwrap_or_else(|| c.outgoing.host.clone())),
    );
    put(&mut mail, "OutgoingMailServerPortNumber", Value::from(c.outgoing.port));
    put(
        &mut mail,
        "OutgoingMailServerUseSSL",
        Value::from(use_ssl(c.outgoing.security)),
    );
    if let Some(u) = fixed_username(&c.outgoing.username) {
        put(&mut mail, "OutgoingMailServerUsername", Value::from(u));
    }
    put(&mut mail, "OutgoingPasswordSameAsIncomingPassword", Value::from(true));
    put(
        &mut mail,
        "PayloadDisplayName",
        Value::from(format!("{} mail account", p.short_name())),
    );
    put(&mut mail, "PayloadIdentifier", Value::from(format!("{id}.mail")));
    put(&mut mail, "PayloadType", Value::from(PAYLOAD_TYPE));
    put(
        &mut mail,
        "PayloadUUID",
        Value::from(stable_uuid(base_url, &p.slug, "mail")),
    );
    put(&mut mail, "PayloadVersion", Value::from(1u8));

    let mut top = Dictionary::new();
    put(&mut top, "PayloadContent", Value::Array(vec![Value::Dictionary(mail)]));
    put(&mut top, "PayloadDescription", Value::from(description));
    put(
        &mut top,
        "PayloadDisplayName",
        Value::from(format!("{} Mail", p.short_name())),
    );
    put(&mut top, "PayloadIdentifier", Value::from(id));
    put(&mut top, "PayloadOrganization", Value::from(organization));
    put(&mut top, "PayloadRemovalDisallowed", Value::from(false));
    put(&mut top, "PayloadType", Value::from("Configuration"));
    put(
        &mut top,
        "PayloadUUID",
        Value::from(stable_uuid(base_url, &p.slug, "profile")),
    );
    put(&mut top, "PayloadVersion", Value::from(1u8));

    let mut bytes = Vec::new();
    Value::Dictionary(top)
        .to_writer_xml(&mut bytes)
        .expect("a property list of strings, numbers and booleans serialises into memory");
    // The plist writer escapes markup only: what XML cannot carry is replaced after it.
    let xml = String::from_utf8(bytes).expect("the plist writer writes UTF-8 from Rust strings");
    let mut bytes = super::xml_safe(&xml).into_bytes();
    bytes.push(b'\n');
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_and_an_override_leave_a_well_formed_profile() {
        let p = crate::outputs::hostile_provider();
        let bytes = profile(&p, "Example", "https://example.org").expect("a profile");
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        assert!(!text.contains(['\0', '\u{1}', '\u{c}', '\u{202E}']), "{text}");
        assert!(text.contains("Post\u{FFFD}box&#x202E;evil"), "{text}");
        let back = Value::from_reader_xml(&bytes[..]).expect("the profile parses as a plist");
        let name = back
            .as_dictionary()
            .and_then(|d| d.get("PayloadContent"))
            .and_then(Value::as_array)
            .and_then(|a| a[0].as_dictionary())
            .and_then(|d| d.get("EmailAccountDescription"))
            .and_then(Value::as_string)
            .map(str::to_string);
        assert_eq!(name.as_deref(), Some("Post\u{FFFD}box\u{202E}evil"));
    }

    #[test]
    fn identifiers_reverse_the_site_host() {
        assert_eq!(
            identifier("https://help.example.org", "icloud"),
            "org.example.help.icloud"
        );
        assert_eq!(identifier("http://localhost:1111/", "gmx-net"), "localhost.gmx-net");
    }

    #[test]
    fn uuids_are_stable_and_distinct() {
        let a = stable_uuid("https://h.example", "icloud", "mail");
        assert_eq!(a, stable_uuid("https://h.example/", "icloud", "mail"));
        assert_ne!(a, stable_uuid("https://h.example", "icloud", "profile"));
        assert_ne!(a, stable_uuid("https://h.example", "gmail", "mail"));
        assert_eq!(Uuid::parse_str(&a).map(|u| u.get_version_num()), Ok(5));
    }
}
