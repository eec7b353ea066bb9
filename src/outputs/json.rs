//! Settings as JSON for programs: `/settings.json` with every provider, `/<slug>/settings.json`
//! with one, and the JSON Schema both follow, published at `/schema/settings.schema.json`.
//!
//! Usernames are given in the autoconfig placeholder form (`%EMAILADDRESS%`, ...) so a program
//! fills them in the same way for every format. No dates: rebuilds give identical bytes.

use super::FilePlan;
use super::autoconfig;
use super::mobileconfig;
use crate::model::{Protocol, Provider, Server, UsernameForm};
use crate::plan::PageId;
use crate::plan::files::OutputFile;
use serde_json::{Map, Value, json};

pub const FILE_NAME: &str = "settings.json";
pub const SCHEMA_PATH: &str = "schema/settings.schema.json";

fn schema_url(base_url: &str) -> String {
    format!("{base_url}/{SCHEMA_PATH}")
}

/// The version of the files' shape: 2 gives each server its own `password` kind.
pub const SCHEMA_VERSION: u32 = 2;

fn server(p: &Provider, s: &Server) -> Value {
    let mut v = json!({
        "password": p.password_kind(s).id(),
        "host": s.host_placeholder(),
        "port": s.port,
        "security": s.security.id(),
        "auth": s.auth.iter().map(|a| a.id()).collect::<Vec<_>>(),
        "username": crate::ispdb::vocabulary::username(&s.username),
        "username_form": match s.username {
            UsernameForm::Address => "address",
            UsernameForm::LocalPart => "local-part",
            UsernameForm::Domain => "domain",
            UsernameForm::Custom(_) => "custom",
        },
    });
    let by_domain: Map<String, Value> = p
        .hosts_by_domain(s)
        .into_iter()
        .map(|(d, h)| (d, Value::String(h)))
        .collect();
    if !by_domain.is_empty()
        && let Value::Object(o) = &mut v
    {
        o.insert("host_by_domain".into(), Value::Object(by_domain));
    }
    v
}

/// One provider as a JSON object (without `$schema`).
pub fn provider(p: &Provider, plan: &FilePlan, base_url: &str) -> Value {
    let d = &p.data;
    let mut o = Map::new();
    o.insert("slug".into(), json!(p.slug));
    o.insert("name".into(), json!(d.name));
    o.insert("short_name".into(), json!(p.short_name()));
    o.insert("domains".into(), json!(d.domains));
    o.insert(
        "page".into(),
        json!(format!("{base_url}{}", PageId::provider(&p.slug).url())),
    );
    if let Some(url) = &d.help_url {
        o.insert("help_url".into(), json!(url));
    }
    let mut servers = Map::new();
    let mut unavailable = Map::new();
    for proto in Protocol::ALL {
        servers.insert(
            proto.id().into(),
            p.servers(proto).iter().map(|s| server(p, s)).collect(),
        );
        if p.servers(proto).is_empty()
            && let Some(reason) = p.missing_reason(proto)
        {
            unavailable.insert(proto.id().into(), json!(reason));
        }
    }
    o.insert("servers".into(), Value::Object(servers));
    if !unavailable.is_empty() {
        o.insert("unavailable".into(), Value::Object(unavailable));
    }
    let mut password = Map::new();
    password.insert("kind".into(), json!(d.password.kind.id()));
    if let Some(url) = &d.password.app_password_url {
        password.insert("app_password_url".into(), json!(url));
    }
    o.insert("password".into(), Value::Object(password));
    o.insert(
        "documentation".into(),
        d.documentation
            .iter()
            .map(|l| match &l.title {
                Some(t) => json!({"url": l.url, "title": t}),
                None => json!({"url": l.url}),
            })
            .collect(),
    );
    let mut files = Map::new();
    files.insert("settings".into(), json!(format!("{base_url}/{}/{FILE_NAME}", p.slug)));
    if plan.autoconfig {
        files.insert(
            "autoconfig".into(),
            json!(format!("{base_url}/{}/{}", p.slug, autoconfig::FILE_NAME)),
        );
        files.insert(
            "autoconfig_by_domain".into(),
            plan.autoconfig_domains
                .iter()
                .map(|dom| json!(format!("{base_url}/{}", autoconfig::domain_path(dom))))
                .collect(),
        );
    }
    if plan.profile {
        files.insert(
            "mobileconfig".into(),
            json!(format!("{base_url}/{}", mobileconfig::path(p))),
        );
    }
    o.insert("files".into(), Value::Object(files));
    Value::Object(o)
}

/// serde_json escapes control characters (`\u0000`); bidirectional embeddings and overrides
/// (U+202A to U+202E), which it writes raw, are escaped here too, so the value is unchanged for a
/// parser and the file shows no reversed text. The check refuses them in content already
/// (`text-control-character`): this is the second line.
fn pretty(v: &Value) -> Vec<u8> {
    let text = serde_json::to_string_pretty(v).expect("JSON values serialise");
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if ('\u{202A}'..='\u{202E}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out.into_bytes()
}

/// `/<slug>/settings.json`: the provider object with its `$schema`.
pub fn provider_file(p: &Provider, value: &Value, base_url: &str) -> OutputFile {
    let mut o = Map::new();
    o.insert("$schema".into(), json!(schema_url(base_url)));
    o.insert("schema_version".into(), json!(SCHEMA_VERSION));
    if let Value::Object(fields) = value {
        o.extend(fields.clone());
    }
    OutputFile::new(format!("{}/{FILE_NAME}", p.slug), pretty(&Value::Object(o)))
}

/// `/settings.json`: every provider whose files are published.
pub fn site_file(title: &str, base_url: &str, providers: Vec<Value>) -> OutputFile {
    let doc = json!({
        "$schema": schema_url(base_url),
        "schema_version": SCHEMA_VERSION,
        "site": {"title": title, "url": format!("{base_url}/")},
        "providers": providers,
    });
    OutputFile::new(FILE_NAME, pretty(&doc))
}

pub fn schema_file(base_url: &str) -> OutputFile {
    OutputFile::new(SCHEMA_PATH, pretty(&schema(base_url)))
}

/// The JSON Schema (draft 2020-12) of both files: a document is either the whole site's
/// settings or one provider's.
pub fn schema(base_url: &str) -> Value {
    let url = json!({"type": "string", "format": "uri"});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url(base_url),
        "title": "Mail settings",
        "description": "Mail server settings published by a mailguide help site: /settings.json lists every provider, /<provider>/settings.json holds one.",
        "oneOf": [{"$ref": "#/$defs/site"}, {"$ref": "#/$defs/provider"}],
        "$defs": {
            "site": {
                "type": "object",
                "required": ["schema_version", "site", "providers"],
                "additionalProperties": false,
                "properties": {
                    "$schema": url,
                    "schema_version": {"description": "The version of this shape; 2 added each server's password kind.", "const": SCHEMA_VERSION},
                    "site": {
                        "type": "object",
                        "required": ["title", "url"],
                        "additionalProperties": false,
                        "properties": {"title": {"type": "string"}, "url": url},
                    },
                    "providers": {"type": "array", "items": {"$ref": "#/$defs/provider"}},
                },
            },
            "provider": {
                "type": "object",
                "required": ["slug", "name", "short_name", "domains", "page", "servers", "password", "documentation", "files"],
                "additionalProperties": false,
                "properties": {
                    "$schema": url,
                    "schema_version": {"const": SCHEMA_VERSION},
                    "slug": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    "name": {"type": "string", "minLength": 1},
                    "short_name": {"type": "string", "minLength": 1},
                    "domains": {"type": "array", "items": {"type": "string"}},
                    "page": url,
                    "help_url": url,
                    "servers": {
                        "type": "object",
                        "required": ["imap", "pop3", "smtp"],
                        "additionalProperties": false,
                        "properties": {
                            "imap": {"type": "array", "items": {"$ref": "#/$defs/server"}},
                            "pop3": {"type": "array", "items": {"$ref": "#/$defs/server"}},
                            "smtp": {"type": "array", "items": {"$ref": "#/$defs/server"}},
                        },
                    },
                    "unavailable": {
                        "description": "Why the provider has no server of a protocol.",
                        "type": "object",
                        "additionalProperties": false,
                        "properties": {
                            "imap": {"type": "string"}, "pop3": {"type": "string"}, "smtp": {"type": "string"},
                        },
                    },
                    "password": {
                        "type": "object",
                        "required": ["kind"],
                        "additionalProperties": false,
                        "properties": {
                            "kind": {"enum": ["account", "app-password", "oauth2", "account-or-app-password"]},
                            "app_password_url": url,
                        },
                    },
                    "documentation": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["url"],
                            "additionalProperties": false,
                            "properties": {"url": url, "title": {"type": "string"}},
                        },
                    },
                    "files": {
                        "type": "object",
                        "required": ["settings"],
                        "additionalProperties": false,
                        "properties": {
                            "settings": url,
                            "autoconfig": url,
                            "autoconfig_by_domain": {"type": "array", "items": url},
                            "mobileconfig": url,
                        },
                    },
                },
            },
            "server": {
                "type": "object",
                "required": ["host", "port", "security", "auth", "password", "username", "username_form"],
                "additionalProperties": false,
                "properties": {
                    "host": {"description": "The host name; %EMAILDOMAIN% stands for the domain of the reader's address where the provider names servers after it.", "type": "string", "minLength": 1},
                    "host_by_domain": {"description": "For a host with %EMAILDOMAIN%: the host name per listed domain.", "type": "object", "additionalProperties": {"type": "string"}},
                    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                    "security": {
                        "description": "tls: implicit TLS from the first byte; starttls: upgraded with STARTTLS; none: unencrypted.",
                        "enum": ["tls", "starttls", "none"],
                    },
                    "password": {
                        "description": "Which secret this server takes: the provider's kind unless the server has its own.",
                        "enum": ["account", "app-password", "oauth2", "account-or-app-password"],
                    },
                    "auth": {
                        "description": "Sign-in methods, the vendor's recommended one first.",
                        "type": "array",
                        "items": {"enum": ["password", "encrypted-password", "oauth2", "ntlm", "gssapi", "client-cert", "none"]},
                    },
                    "username": {
                        "description": "What to send as the username; %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% stand for the reader's address and its parts.",
                        "type": "string",
                    },
                    "username_form": {"enum": ["address", "local-part", "domain", "custom"]},
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_and_an_override_are_escaped_in_json() {
        let p = crate::outputs::hostile_provider();
        let file = provider_file(&p, &json!({ "name": p.data.name }), "https://example.org");
        let text = String::from_utf8(file.bytes.clone()).expect("UTF-8");
        assert!(!text.contains(['\0', '\u{202E}']), "{text}");
        assert!(text.contains(r#""name": "Post\u0000box\u202eevil""#), "{text}");
        let back: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back["name"], "Post\0box\u{202E}evil");
    }
}
