//! Provider shapes from the Thunderbird ISPDB (`tests/data/ispdb/*.xml`, or `--ispdb DIR`): per
//! file, the servers per protocol (at most 3, one per encryption kind), their sign-in methods and
//! username forms, and the number of domains (at most 4). Real providers' shapes make the
//! generated corpus (corpus.rs) as varied as real data; the names and hosts are not kept.
//! Plain-text servers are left out, so the generated site passes every check and builds.

use std::fs;
use std::path::{Path, PathBuf};

/// One server of a provider, as the generated YAML needs it.
#[derive(Clone)]
pub struct ServerShape {
    /// The first label of the host name (`imap`, `mail`), kept so hosts look like real ones.
    pub prefix: String,
    /// `tls` or `starttls`; the port follows from it.
    pub security: &'static str,
    /// mailguide's names of the sign-in methods.
    pub auth: Vec<&'static str>,
    /// `address`, `local-part` or `domain`.
    pub username: &'static str,
}

/// One ISPDB file's provider: every file with an IMAP and an SMTP server gives one.
#[derive(Clone)]
pub struct Shape {
    /// The ISPDB file's name, named in the generated YAML.
    pub source: String,
    /// How many domains the provider has (1 to 4).
    pub domains: usize,
    pub imap: Vec<ServerShape>,
    pub pop3: Vec<ServerShape>,
    pub smtp: Vec<ServerShape>,
}

/// The trimmed text of every `<name>…</name>` element in `block`.
fn tag<'a>(block: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = block;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        match after.find(&close) {
            Some(j) => {
                out.push(after[..j].trim());
                rest = &after[j + close.len()..];
            }
            None => break,
        }
    }
    out
}

/// The `<incomingServer type="…">` / `<outgoingServer …>` blocks of a file, with their type.
fn server_blocks(xml: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for element in ["incomingServer", "outgoingServer"] {
        let open = format!("<{element} type=\"");
        let close = format!("</{element}>");
        let mut rest = xml;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let Some(q) = after.find('"') else { break };
            let kind = after[..q].to_string();
            let Some(end) = after.find(&close) else { break };
            out.push((kind, &after[..end]));
            rest = &after[end + close.len()..];
        }
    }
    out
}

fn server_shape(block: &str) -> Option<ServerShape> {
    let security = match tag(block, "socketType").first().copied() {
        Some("SSL") => "tls",
        Some("STARTTLS") => "starttls",
        // Plain-text servers are left out: the corpus must pass the checks so the build runs.
        _ => return None,
    };
    let host = tag(block, "hostname").first().copied().unwrap_or("mail");
    let prefix: String = host
        .split('.')
        .next()
        .unwrap_or("mail")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    let prefix = if prefix.is_empty() || prefix.starts_with('%') {
        "mail".into()
    } else {
        prefix
    };
    let mut auth: Vec<&'static str> = tag(block, "authentication")
        .into_iter()
        .filter_map(|a| match a {
            "password-cleartext" | "plain" => Some("password"),
            "password-encrypted" | "secure" => Some("encrypted-password"),
            "OAuth2" => Some("oauth2"),
            "NTLM" => Some("ntlm"),
            "GSSAPI" => Some("gssapi"),
            _ => None,
        })
        .collect();
    auth.dedup();
    if auth.is_empty() {
        auth.push("password");
    }
    let username = match tag(block, "username").first().copied() {
        Some("%EMAILLOCALPART%") => "local-part",
        Some("%EMAILDOMAIN%") => "domain",
        _ => "address",
    };
    Some(ServerShape {
        prefix,
        security,
        auth,
        username,
    })
}

/// The shapes of the ISPDB files in `dir`, in file-name order; one built-in shape when there are
/// none, so the benchmark still runs (with a note).
pub fn load_shapes(dir: &Path) -> Vec<Shape> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "xml"));
    files.sort();
    let mut shapes = Vec::new();
    for path in files {
        let Ok(xml) = fs::read_to_string(&path) else { continue };
        let mut shape = Shape {
            source: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            domains: tag(&xml, "domain").len().clamp(1, 4),
            imap: vec![],
            pop3: vec![],
            smtp: vec![],
        };
        for (kind, block) in server_blocks(&xml) {
            let Some(s) = server_shape(block) else { continue };
            let list = match kind.as_str() {
                "imap" => &mut shape.imap,
                "pop3" => &mut shape.pop3,
                "smtp" => &mut shape.smtp,
                _ => continue,
            };
            // One server per security kind and protocol (ports follow the kind), three at most.
            if list.len() < 3 && !list.iter().any(|o| o.security == s.security) {
                list.push(s);
            }
        }
        if !shape.imap.is_empty() && !shape.smtp.is_empty() {
            shapes.push(shape);
        }
    }
    if shapes.is_empty() {
        eprintln!("note: no ISPDB files in {}; using one built-in shape", dir.display());
        let s = |prefix: &str, security: &'static str| ServerShape {
            prefix: prefix.into(),
            security,
            auth: vec!["password"],
            username: "address",
        };
        shapes.push(Shape {
            source: "built-in".into(),
            domains: 2,
            imap: vec![s("imap", "tls"), s("imap", "starttls")],
            pop3: vec![s("pop", "tls")],
            smtp: vec![s("smtp", "tls"), s("smtp", "starttls")],
        });
    }
    shapes
}
