//! Readers of the client files for tests, written apart from the library so a test compares two
//! independent readings: Thunderbird autoconfig XML, and Apple profiles checked against the keys
//! Apple documents.
#![allow(dead_code)]

use mailguide::model::{Protocol, Provider, Security};
use plist::{Dictionary, Value};
use quick_xml::events::Event;
use std::path::Path;

/// One server as the file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlServer {
    /// `incomingServer` or `outgoingServer`.
    pub element: String,
    /// The `type` attribute: `imap`, `pop3`, `smtp`, `exchange`, ...
    pub kind: String,
    pub hostname: Option<String>,
    pub port: Option<String>,
    pub socket_type: Option<String>,
    pub username: Option<String>,
    pub auth: Vec<String>,
}

#[derive(Debug, Default)]
pub struct XmlProvider {
    pub id: String,
    pub domains: Vec<String>,
    pub display_name: Option<String>,
    pub servers: Vec<XmlServer>,
}

impl XmlProvider {
    /// The IMAP, POP3 and SMTP servers, in file order within each type.
    pub fn mail_servers(&self, kind: &str) -> Vec<&XmlServer> {
        self.servers.iter().filter(|s| s.kind == kind).collect()
    }
}

/// Reads every `emailProvider` of a `clientConfig` document. Panics on malformed XML: tests feed
/// it files that must be well-formed.
pub fn read(text: &str) -> Vec<XmlProvider> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut providers: Vec<XmlProvider> = Vec::new();
    let mut server: Option<XmlServer> = None;
    let mut buf = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                let attr = |key: &str| {
                    e.attributes()
                        .filter_map(Result::ok)
                        .find(|a| a.key.local_name().as_ref() == key)
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .expect("attribute")
                                .into_owned()
                        })
                };
                match name.as_str() {
                    "emailProvider" => providers.push(XmlProvider {
                        id: attr("id").unwrap_or_default(),
                        ..Default::default()
                    }),
                    "incomingServer" | "outgoingServer" if path.last().map(String::as_str) == Some("emailProvider") => {
                        server = Some(XmlServer {
                            element: name.clone(),
                            kind: attr("type").unwrap_or_default(),
                            hostname: None,
                            port: None,
                            socket_type: None,
                            username: None,
                            auth: vec![],
                        })
                    }
                    _ => {}
                }
                path.push(name);
                buf.clear();
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                match r.resolve_char_ref().expect("char ref") {
                    Some(c) => buf.push(c),
                    None => buf.push_str(quick_xml::escape::resolve_predefined_entity(&name).expect("known entity")),
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str).unwrap_or("");
                let value = buf.trim().to_string();
                if let Some(s) = server.as_mut()
                    && (parent == "incomingServer" || parent == "outgoingServer")
                {
                    match name.as_str() {
                        "hostname" => s.hostname = Some(value),
                        "port" => s.port = Some(value),
                        "socketType" => s.socket_type = Some(value),
                        "username" => s.username = Some(value),
                        "authentication" => s.auth.push(value),
                        _ => {}
                    }
                } else if (name == "incomingServer" || name == "outgoingServer")
                    && parent == "emailProvider"
                    && let Some(s) = server.take()
                    && let Some(p) = providers.last_mut()
                {
                    p.servers.push(s);
                } else if parent == "emailProvider"
                    && let Some(p) = providers.last_mut()
                {
                    match name.as_str() {
                        "domain" => p.domains.push(value),
                        "displayName" => p.display_name = Some(value),
                        _ => {}
                    }
                }
                buf.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    providers
}

/// The keys Apple's device-management reference marks as required for a `com.apple.mail.managed`
/// payload, and the payload keys every payload needs.
const REQUIRED_MAIL_KEYS: &[&str] = &[
    "EmailAccountType",
    "IncomingMailServerAuthentication",
    "IncomingMailServerHostName",
    "OutgoingMailServerAuthentication",
    "OutgoingMailServerHostName",
    "PayloadIdentifier",
    "PayloadType",
    "PayloadUUID",
    "PayloadVersion",
];
const REQUIRED_PROFILE_KEYS: &[&str] = &[
    "PayloadContent",
    "PayloadDisplayName",
    "PayloadIdentifier",
    "PayloadType",
    "PayloadUUID",
    "PayloadVersion",
];

pub fn profile(path: &Path) -> Dictionary {
    let value = Value::from_file(path).unwrap_or_else(|e| panic!("{} is a property list: {e}", path.display()));
    value.into_dictionary().expect("a profile is a dictionary")
}

pub fn mail_payload(profile: &Dictionary) -> &Dictionary {
    let content = profile
        .get("PayloadContent")
        .and_then(Value::as_array)
        .expect("PayloadContent is an array");
    assert_eq!(content.len(), 1, "one payload: the mail account");
    content[0].as_dictionary().expect("the payload is a dictionary")
}

pub fn string<'a>(d: &'a Dictionary, key: &str) -> &'a str {
    d.get(key)
        .and_then(Value::as_string)
        .unwrap_or_else(|| panic!("{key} is a string"))
}

pub fn int(d: &Dictionary, key: &str) -> u64 {
    d.get(key)
        .and_then(Value::as_unsigned_integer)
        .unwrap_or_else(|| panic!("{key} is an integer"))
}

pub fn boolean(d: &Dictionary, key: &str) -> bool {
    d.get(key)
        .and_then(Value::as_boolean)
        .unwrap_or_else(|| panic!("{key} is a boolean"))
}

pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

/// Asserts what Apple requires of the profile and that its servers are the provider's.
pub fn assert_profile_matches(path: &Path, p: &Provider) {
    let top = profile(path);
    for key in REQUIRED_PROFILE_KEYS {
        assert!(top.contains_key(key), "{}: the profile lacks {key}", p.slug);
    }
    assert_eq!(string(&top, "PayloadType"), "Configuration");
    assert_eq!(int(&top, "PayloadVersion"), 1);
    assert!(is_uuid(string(&top, "PayloadUUID")));
    let mail = mail_payload(&top);
    for key in REQUIRED_MAIL_KEYS {
        assert!(mail.contains_key(key), "{}: the mail payload lacks {key}", p.slug);
    }
    assert_eq!(string(mail, "PayloadType"), "com.apple.mail.managed");
    assert!(is_uuid(string(mail, "PayloadUUID")));
    assert_ne!(string(mail, "PayloadUUID"), string(&top, "PayloadUUID"));
    assert!(
        !mail.contains_key("EmailAddress"),
        "{}: the device asks for the address",
        p.slug
    );
    let proto = match string(mail, "EmailAccountType") {
        "EmailTypeIMAP" => Protocol::Imap,
        "EmailTypePOP" => Protocol::Pop3,
        other => panic!("unknown account type {other}"),
    };
    for (prefix, proto) in [("Incoming", proto), ("Outgoing", Protocol::Smtp)] {
        let host = string(mail, &format!("{prefix}MailServerHostName"));
        let port = int(mail, &format!("{prefix}MailServerPortNumber"));
        let ssl = boolean(mail, &format!("{prefix}MailServerUseSSL"));
        let server = p
            .servers(proto)
            .iter()
            .find(|s| p.fixed_host(s).as_deref() == Some(host) && u64::from(s.port) == port)
            .unwrap_or_else(|| panic!("{}: {host}:{port} is not one of its {proto:?} servers", p.slug));
        assert_eq!(
            ssl,
            server.security != Security::None,
            "{}: Use SSL of {host}:{port} contradicts its security {:?}",
            p.slug,
            server.security
        );
        let auth = string(mail, &format!("{prefix}MailServerAuthentication"));
        assert!(
            [
                "EmailAuthPassword",
                "EmailAuthCRAMMD5",
                "EmailAuthNTLM",
                "EmailAuthNone"
            ]
            .contains(&auth),
            "{auth}"
        );
    }
}
