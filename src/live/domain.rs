//! A provider domain: its RFC 6186 / RFC 8314 SRV records and its own autoconfig file against
//! the data. MX records are looked up and recorded, not compared (mail delivery is not what
//! the site documents).

use super::connect::Net;
use super::dns::Lookup;
use super::fail::Fail;
use super::finding::Finding;
use super::http::{self, RateLimit};
use super::targets::{DomainTarget, Target};
use crate::ispdb::vocabulary;
use crate::ispdb::xml::{self, ParseError};
use crate::model::{Auth, Protocol, Security};
use std::collections::BTreeSet;

/// The SRV services of RFC 6186 (with `_submissions` of RFC 8314) and what they stand for.
const SERVICES: [(&str, Protocol, Security); 6] = [
    ("_imaps._tcp", Protocol::Imap, Security::Tls),
    ("_imap._tcp", Protocol::Imap, Security::Starttls),
    ("_pop3s._tcp", Protocol::Pop3, Security::Tls),
    ("_pop3._tcp", Protocol::Pop3, Security::Starttls),
    ("_submissions._tcp", Protocol::Smtp, Security::Tls),
    ("_submission._tcp", Protocol::Smtp, Security::Starttls),
];

/// What a domain showed.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub mx: Vec<String>,
    pub findings: Vec<Finding>,
}

pub async fn check(net: &Net, limit: &RateLimit, target: &DomainTarget) -> Checked {
    let mut checked = Checked::default();
    srv(net, target, &mut checked).await;
    match lookup(net, net.dns().mx(&target.domain)).await {
        Ok(Lookup::Found(mx)) => checked.mx = mx,
        Ok(Lookup::NoRecords) => {}
        Ok(Lookup::Failed(e)) | Err(e) => checked.findings.push(not_checked(target, &format!("MX lookup: {e}"))),
    }
    autoconfig(net, limit, target, &mut checked).await;
    checked
}

async fn lookup<T>(net: &Net, query: impl Future<Output = Lookup<T>>) -> Result<Lookup<T>, String> {
    let deadline = net.connection_deadline().map_err(|e| e.to_string())?;
    tokio::time::timeout_at(deadline, query)
        .await
        .map_err(|_| format!("no answer within {} s", net.timeout_secs()))
}

fn not_checked(target: &DomainTarget, what: &str) -> Finding {
    Finding::warning(
        "live-not-checked",
        "domain",
        format!("{} not checked: {what}", target.domain),
    )
}

async fn srv(net: &Net, target: &DomainTarget, checked: &mut Checked) {
    for (service, protocol, security) in SERVICES {
        let name = format!("{service}.{}", target.domain);
        let records = match lookup(net, net.dns().srv(&name)).await {
            Ok(Lookup::Found(records)) => records,
            Ok(Lookup::NoRecords) => continue,
            Ok(Lookup::Failed(e)) | Err(e) => {
                checked
                    .findings
                    .push(not_checked(target, &format!("SRV lookup of {name}: {e}")));
                continue;
            }
        };
        let listed: Vec<&Target> = target
            .servers
            .iter()
            .filter(|s| s.protocol == protocol && s.security == security)
            .collect();
        for record in records {
            if record.target.is_empty() {
                // RFC 2782: a target of "." says the service is not offered at this domain.
                if !listed.is_empty() {
                    checked.findings.push(Finding::warning(
                        "live-srv-differs",
                        "domain",
                        format!(
                            "the SRV record {name} says the domain offers no {} with {}, but the data lists {}",
                            protocol.name(),
                            security.label(),
                            listed
                                .iter()
                                .map(|s| format!("{}:{}", s.host, s.port_written))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                continue;
            }
            let known = target
                .servers
                .iter()
                .any(|s| s.protocol == protocol && s.host == record.target && s.port == Some(record.port));
            if !known {
                checked.findings.push(
                    Finding::warning(
                        "live-srv-differs",
                        "domain",
                        format!(
                            "the SRV record {name} points at {}:{}, which the data does not list for {} with {}",
                            record.target,
                            record.port,
                            protocol.name(),
                            security.label()
                        ),
                    )
                    .help("mail apps that read SRV records (RFC 6186) will use that server; check which one the provider documents"),
                );
            }
        }
    }
}

/// A server as autoconfig describes it, for comparing: order does not matter.
type Entry = (Protocol, String, u32, &'static str, BTreeSet<&'static str>);

/// The servers as an address at `domain` reaches them: the file's `%EMAILDOMAIN%` is the
/// domain (the data's `mail.{domain}` hosts come built for it from the targets).
fn entries<'a>(
    servers: impl Iterator<Item = (Protocol, &'a str, u32, Security, &'a [Auth])>,
    domain: &str,
) -> BTreeSet<Entry> {
    servers
        .map(|(p, host, port, security, auth)| {
            (
                p,
                host.replace(vocabulary::EMAIL_DOMAIN, domain).to_ascii_lowercase(),
                port,
                security.id(),
                auth.iter().map(|a| a.id()).collect(),
            )
        })
        .collect()
}

fn describe(e: &Entry) -> String {
    format!(
        "{} {}:{} ({}, {})",
        e.0.name(),
        e.1,
        e.2,
        e.3,
        e.4.iter().copied().collect::<Vec<_>>().join(", ")
    )
}

/// The provider's own autoconfig file (the autoconfig host, then the `.well-known` form), if it
/// publishes one, against the data.
async fn autoconfig(net: &Net, limit: &RateLimit, target: &DomainTarget, checked: &mut Checked) {
    let urls = [
        format!("https://autoconfig.{}/mail/config-v1.1.xml", target.domain),
        format!("https://{}/.well-known/autoconfig/mail/config-v1.1.xml", target.domain),
    ];
    for url in &urls {
        let fetched = match http::fetch(net, limit, url, true).await {
            Ok(f) => f,
            // No such host: the provider publishes no autoconfig there.
            Err(Fail::NoAddress(_)) => continue,
            Err(e) => {
                checked
                    .findings
                    .push(not_checked(target, &format!("autoconfig {url}: {e}")));
                continue;
            }
        };
        let Some(body) = fetched.body.filter(|_| fetched.status == 200) else {
            continue;
        };
        let text = String::from_utf8_lossy(&body);
        let published = match published_servers(&text) {
            Ok(servers) => servers,
            Err(e) => {
                checked.findings.push(Finding::warning(
                    "live-autoconfig-differs",
                    "domain",
                    format!("the provider's autoconfig file {url} cannot be read: {e}"),
                ));
                return;
            }
        };
        let theirs = entries(
            published
                .iter()
                .map(|s| (s.protocol, s.host.as_str(), s.port, s.security, s.auth.as_slice())),
            &target.domain,
        );
        let ours = entries(
            target.servers.iter().map(|s| {
                (
                    s.protocol,
                    s.host.as_str(),
                    s.port_written,
                    s.security,
                    s.auth.as_slice(),
                )
            }),
            &target.domain,
        );
        for e in theirs.difference(&ours) {
            checked.findings.push(Finding::warning(
                "live-autoconfig-differs",
                "domain",
                format!(
                    "the provider's autoconfig file {url} lists {}, which the data does not",
                    describe(e)
                ),
            ));
        }
        for e in ours.difference(&theirs) {
            checked.findings.push(Finding::warning(
                "live-autoconfig-differs",
                "domain",
                format!(
                    "the data lists {}, which the provider's autoconfig file {url} does not",
                    describe(e)
                ),
            ));
        }
        return;
    }
}

/// A server of a provider's published autoconfig file, as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Published {
    protocol: Protocol,
    /// The host as the file writes it, `%EMAILDOMAIN%` for the address's domain.
    host: String,
    port: u32,
    security: Security,
    auth: Vec<Auth>,
}

/// The servers of the first `emailProvider` of an autoconfig file, read as `import ispdb` reads
/// them: servers of other protocols, or without a host name, a numeric port or a known socket
/// type, are left out; unknown sign-in methods are dropped, and a server left with none is left
/// out; a server without `authentication` takes a password (the model's default). Fails only
/// when the text is not well-formed XML, not a `clientConfig` or has no `emailProvider`.
fn published_servers(text: &str) -> Result<Vec<Published>, ParseError> {
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
    let Some(provider) = root.child("emailProvider") else {
        return Err(ParseError {
            line: root.line,
            column: 1,
            message: "the file has no <emailProvider>".into(),
        });
    };
    let servers = provider.children.iter().filter_map(|el| {
        let protocol = vocabulary::protocol_of(&el.name, el.attr("type").unwrap_or(""))?;
        let host = el.child_text("hostname").filter(|h| !h.is_empty())?;
        let port = el.child_text("port")?.parse::<u32>().ok()?;
        let security = vocabulary::security_of(el.child_text("socketType")?)?;
        let methods: Vec<&str> = el
            .children
            .iter()
            .filter(|c| c.name == "authentication")
            .map(|c| c.text())
            .collect();
        let auth: Vec<Auth> = if methods.is_empty() {
            vec![Auth::Password]
        } else {
            methods.into_iter().filter_map(vocabulary::auth_of).collect()
        };
        if auth.is_empty() {
            return None;
        }
        Some(Published {
            protocol,
            host: host.to_string(),
            port,
            security,
            auth,
        })
    });
    Ok(servers.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The servers as `import ispdb` reads the same file (hosts back in the file's placeholder
    /// form): what the comparison used before it read the format itself.
    fn imported(text: &str) -> Vec<Published> {
        let converted = crate::import::ispdb::convert(text).expect("converts");
        let data = &converted.providers[0].data;
        Protocol::ALL
            .into_iter()
            .flat_map(|p| {
                let list = match p {
                    Protocol::Imap => &data.servers.imap,
                    Protocol::Pop3 => &data.servers.pop3,
                    Protocol::Smtp => &data.servers.smtp,
                };
                list.iter().map(move |s| Published {
                    protocol: p,
                    host: s.host_placeholder(),
                    port: s.port,
                    security: s.security,
                    auth: s.auth.clone(),
                })
            })
            .collect()
    }

    #[test]
    fn reads_the_servers_as_the_importer_does() {
        let text = r#"<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <incomingServer type="imap">
      <hostname>mail.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>OAuth2</authentication><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.example.test</hostname><port>110</port><socketType>STARTTLS</socketType>
    </incomingServer>
    <incomingServer type="exchange"><hostname>ews.example.test</hostname></incomingServer>
    <incomingServer type="imap">
      <hostname>imap2.example.test</hostname><port>993</port><socketType>TLS</socketType>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap3.example.test</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>client-IP-address</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.test</hostname><port>587</port><socketType>starttls</socketType>
      <authentication>plain</authentication><authentication>client-IP-address</authentication>
    </outgoingServer>
  </emailProvider>
  <emailProvider id="second.test">
    <incomingServer type="imap">
      <hostname>imap.second.test</hostname><port>993</port><socketType>SSL</socketType>
    </incomingServer>
  </emailProvider>
</clientConfig>
"#;
        let read = published_servers(text).expect("reads");
        assert_eq!(read, imported(text));
        let hosts: Vec<&str> = read.iter().map(|s| s.host.as_str()).collect();
        assert_eq!(hosts, ["mail.%EMAILDOMAIN%", "pop.example.test", "smtp.example.test"]);
        assert_eq!(read[0].auth, [Auth::OAuth2, Auth::Password]);
        assert_eq!(read[1].auth, [Auth::Password], "no <authentication>: a password");
        assert_eq!(read[2].auth, [Auth::Password]);
    }

    #[test]
    fn refuses_what_is_not_an_autoconfig_file() {
        let not_config = published_servers("<html><body/></html>").unwrap_err();
        assert!(not_config.message.contains("not <clientConfig>"), "{not_config}");
        let empty = published_servers("<clientConfig version=\"1.1\"/>").unwrap_err();
        assert!(empty.message.contains("no <emailProvider>"), "{empty}");
        assert!(published_servers("<clientConfig>").is_err());
    }
}
