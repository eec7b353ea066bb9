//! One server of the data against the server on the network: connect, greet, list
//! capabilities, upgrade with STARTTLS where the data says so, compare the sign-in methods
//! advertised after TLS, say goodbye.

use super::conn::Conn;
use super::connect::{Net, TlsSeen};
use super::fail::{Fail, TlsFailure};
use super::finding::Finding;
use super::protocol::{self, AuthKey};
use super::targets::Target;
use crate::model::{Auth, Protocol, Security};
use std::collections::BTreeSet;

/// What a server showed, and what it means.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub tls: Option<TlsSeen>,
    pub capabilities: Vec<String>,
    pub findings: Vec<Finding>,
}

/// Settings of a run that the comparison needs.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Warn when the certificate expires within this many days.
    pub expiry_warning_days: i64,
    /// Now, Unix seconds.
    pub now: i64,
}

pub async fn check(net: &Net, target: &Target, policy: Policy) -> Checked {
    let mut checked = Checked::default();
    let name = format!(
        "{} server {}:{}",
        target.protocol.name(),
        target.host,
        target.port_written
    );
    let Some(port) = target.port else {
        checked.findings.push(Finding::warning(
            "live-not-checked",
            "port",
            format!("{name} not checked: {} is not a port", target.port_written),
        ));
        return checked;
    };
    if let Err(fail) = session(net, target, port, policy, &mut checked).await {
        checked.findings.push(from_fail(&name, target, &fail));
    }
    checked
}

/// The conversation; a failure ends it and becomes one finding.
async fn session(net: &Net, target: &Target, port: u16, policy: Policy, checked: &mut Checked) -> Result<(), Fail> {
    let deadline = net.connection_deadline()?;
    let secs = net.timeout_secs();
    let stream = net.dial(&target.host, port, deadline).await?;
    let p = target.protocol;
    match target.security {
        Security::Tls => {
            let (tls, seen) = net.tls(stream, &target.host, deadline).await?;
            note_tls(target, &seen, policy, checked);
            checked.tls = Some(seen);
            let mut conn = Conn::new(tls, deadline, secs);
            protocol::greeting(p, &mut conn).await?;
            let caps = protocol::capabilities(p, &mut conn, 1).await?;
            compare_auth(target, caps, checked);
            protocol::goodbye(p, &mut conn).await;
        }
        Security::Starttls => {
            let mut conn = Conn::new(stream, deadline, secs);
            protocol::greeting(p, &mut conn).await?;
            let before = protocol::capabilities(p, &mut conn, 1).await?;
            // A POP3 server without CAPA may still accept STLS (RFC 2595 predates RFC 2449): try.
            let offered = before.as_deref().is_none_or(|caps| protocol::offers_starttls(p, caps));
            if !offered {
                let word = if p == Protocol::Pop3 { "STLS" } else { "STARTTLS" };
                checked.findings.push(
                    Finding::disagreement(
                        "live-starttls-missing",
                        "security",
                        format!(
                            "{} server {}:{port} advertises no {word}: the data says STARTTLS",
                            p.name(),
                            target.host
                        ),
                    )
                    .help("check whether the server now uses implicit TLS (SSL/TLS) on another port"),
                );
                checked.capabilities = before.unwrap_or_default();
                protocol::goodbye(p, &mut conn).await;
                return Ok(());
            }
            protocol::starttls(p, &mut conn).await?;
            let (tls, seen) = net.tls(conn.into_inner(), &target.host, deadline).await?;
            note_tls(target, &seen, policy, checked);
            checked.tls = Some(seen);
            let mut conn = Conn::new(tls, deadline, secs);
            // SMTP forgets the EHLO at the upgrade and has no new greeting (RFC 3207, 4.2).
            let caps = protocol::capabilities(p, &mut conn, 2).await?;
            compare_auth(target, caps, checked);
            protocol::goodbye(p, &mut conn).await;
        }
        Security::None => {
            let mut conn = Conn::new(stream, deadline, secs);
            protocol::greeting(p, &mut conn).await?;
            protocol::goodbye(p, &mut conn).await;
        }
    }
    Ok(())
}

fn note_tls(target: &Target, seen: &TlsSeen, policy: Policy, checked: &mut Checked) {
    if let Some(expires) = seen.not_after {
        let days = (expires - policy.now).div_euclid(86_400);
        if days < policy.expiry_warning_days {
            checked.findings.push(
                Finding::warning(
                    "live-cert-expiring",
                    "host",
                    format!(
                        "the certificate of {}:{} expires in {days} days, on {}",
                        target.host,
                        target.port_written,
                        super::time::date(expires)
                    ),
                )
                .help(
                    "readers' mail apps will refuse the server once it expires; recheck after the provider renews it",
                ),
            );
        }
    }
}

/// The data's sign-in methods against what the server advertises after TLS (plain
/// connections are not asked: a server may rightly hide them there).
fn compare_auth(target: &Target, caps: Option<Vec<String>>, checked: &mut Checked) {
    let name = format!(
        "{} server {}:{}",
        target.protocol.name(),
        target.host,
        target.port_written
    );
    let Some(caps) = caps else {
        checked.findings.push(Finding::warning(
            "live-auth-unknown",
            "auth",
            format!("{name} gives no capability list (CAPA): its sign-in methods were not checked"),
        ));
        return;
    };
    let advertised = protocol::advertised(target.protocol, &caps);
    checked.capabilities = caps;
    let list = |set: &BTreeSet<AuthKey>| {
        if set.is_empty() {
            "no sign-in method".to_string()
        } else {
            set.iter().map(|a| a.0.id()).collect::<Vec<_>>().join(", ")
        }
    };
    for &auth in target.auth.iter().filter(|a| protocol::comparable(**a)) {
        if !advertised.contains(&AuthKey(auth)) {
            checked.findings.push(
                Finding::disagreement(
                    "live-auth-missing",
                    "auth",
                    format!(
                        "the data says `{}` but {name} advertises only {}",
                        auth.id(),
                        list(&advertised)
                    ),
                )
                .help("a server may still accept what it does not advertise, but readers' apps go by the list: check the provider's documentation"),
            );
        }
    }
    if advertised.contains(&AuthKey(Auth::OAuth2)) && !target.auth.contains(&Auth::OAuth2) {
        checked.findings.push(
            Finding::warning(
                "live-auth-oauth2",
                "auth",
                format!("{name} advertises OAuth2 sign-in, which the data does not mention"),
            )
            .help("add `oauth2` to the server's `auth` if the provider documents it for mail apps"),
        );
    }
}

/// A failed conversation as a finding: a definite answer that contradicts the data is an
/// error; a server that could not be reached is "not checked".
fn from_fail(name: &str, target: &Target, fail: &Fail) -> Finding {
    match fail {
        Fail::NoAddress(host) => Finding::disagreement(
            "live-host-unknown",
            "host",
            format!("{name}: the host name {host} has no address (no A or AAAA record)"),
        )
        .help("check the host name against the provider's documentation"),
        Fail::Unexpected { stage, line } => Finding::disagreement(
            "live-protocol",
            "port",
            format!(
                "{name} does not answer in {}: {stage}: {line:?}",
                target.protocol.name()
            ),
        )
        .help("check the port and the protocol against the provider's documentation"),
        Fail::Tls { kind, message } => {
            let (code, field, what) = match kind {
                TlsFailure::WrongName => (
                    "live-cert-name",
                    "host",
                    "the certificate is not valid for this host name",
                ),
                TlsFailure::Expired => ("live-cert-expired", "host", "the certificate has expired"),
                TlsFailure::Untrusted => (
                    "live-cert-untrusted",
                    "host",
                    "the certificate is not from a trusted authority",
                ),
                TlsFailure::OldVersion => (
                    "live-tls-version",
                    "security",
                    "the TLS handshake failed: the server offers no TLS 1.2 or 1.3, only an older version",
                ),
                TlsFailure::Other => ("live-tls-failed", "security", "the TLS handshake failed"),
            };
            let help = match (kind, target.security) {
                (TlsFailure::Other, Security::Tls) => {
                    "the data says SSL/TLS from the first byte: check whether this port uses STARTTLS instead"
                }
                (TlsFailure::OldVersion, _) => {
                    "mailguide speaks TLS 1.2 and 1.3 only (rustls); check the provider's documentation for a server or port with a current TLS version"
                }
                _ => "readers' mail apps will refuse this server; check the host name and the provider's documentation",
            };
            Finding::disagreement(code, field, format!("{name}: {what} ({message})")).help(help)
        }
        Fail::Deadline
        | Fail::Timeout { .. }
        | Fail::Dns(_)
        | Fail::Io { .. }
        | Fail::Closed { .. }
        | Fail::LineTooLong { .. }
        | Fail::TooManyLines { .. } => {
            Finding::warning("live-not-checked", "host", format!("{name} not checked: {fail}"))
                .help("run the live check again later; an unreachable server never withdraws a provider's client files")
        }
    }
}
