//! The three mail protocols, as far as the live check speaks them: the greeting, the capability
//! list, the STARTTLS upgrade and a polite goodbye. Never a sign-in: no credential is ever sent.

mod imap;
mod pop3;
mod smtp;

use super::conn::Conn;
use super::fail::Fail;
use crate::model::{Auth, Protocol};
use std::collections::BTreeSet;
use tokio::io::{AsyncRead, AsyncWrite};

/// The server's greeting line (the first line, for a multi-line SMTP greeting).
pub async fn greeting<S: AsyncRead + AsyncWrite + Unpin>(
    protocol: Protocol,
    conn: &mut Conn<S>,
) -> Result<String, Fail> {
    match protocol {
        Protocol::Imap => imap::greeting(conn).await,
        Protocol::Pop3 => pop3::greeting(conn).await,
        Protocol::Smtp => smtp::greeting(conn).await,
    }
}

/// The capability list (IMAP `CAPABILITY`, POP3 `CAPA`, SMTP `EHLO` keywords), upper-cased;
/// `None` when the server does not give one (a POP3 server without CAPA).
pub async fn capabilities<S: AsyncRead + AsyncWrite + Unpin>(
    protocol: Protocol,
    conn: &mut Conn<S>,
    round: u32,
) -> Result<Option<Vec<String>>, Fail> {
    match protocol {
        Protocol::Imap => imap::capabilities(conn, round).await.map(Some),
        Protocol::Pop3 => pop3::capabilities(conn).await,
        Protocol::Smtp => smtp::capabilities(conn).await.map(Some),
    }
}

/// Asks for the TLS upgrade; `Ok` when the server said to go ahead.
pub async fn starttls<S: AsyncRead + AsyncWrite + Unpin>(protocol: Protocol, conn: &mut Conn<S>) -> Result<(), Fail> {
    match protocol {
        Protocol::Imap => imap::starttls(conn).await,
        Protocol::Pop3 => pop3::starttls(conn).await,
        Protocol::Smtp => smtp::starttls(conn).await,
    }
}

/// Ends the session (`LOGOUT`, `QUIT`); what the server answers does not matter.
pub async fn goodbye<S: AsyncRead + AsyncWrite + Unpin>(protocol: Protocol, conn: &mut Conn<S>) {
    let command = match protocol {
        Protocol::Imap => "z LOGOUT",
        Protocol::Pop3 | Protocol::Smtp => "QUIT",
    };
    if conn.send(command, "saying goodbye").await.is_ok() {
        let _ = conn.line("saying goodbye").await;
    }
}

/// Whether the capability list offers the STARTTLS upgrade (POP3 names it `STLS`).
pub fn offers_starttls(protocol: Protocol, caps: &[String]) -> bool {
    let word = match protocol {
        Protocol::Pop3 => "STLS",
        Protocol::Imap | Protocol::Smtp => "STARTTLS",
    };
    caps.iter().any(|c| c == word)
}

/// The sign-in methods the capability list advertises, in the data's terms.
pub fn advertised(protocol: Protocol, caps: &[String]) -> BTreeSet<AuthKey> {
    let mut out: BTreeSet<AuthKey> = match protocol {
        Protocol::Imap => imap::mechanisms(caps),
        Protocol::Pop3 => pop3::mechanisms(caps),
        Protocol::Smtp => smtp::mechanisms(caps),
    }
    .iter()
    .filter_map(|m| mechanism(m))
    .map(AuthKey)
    .collect();
    // IMAP's LOGIN command and POP3's USER/PASS send the password without SASL.
    let plain_command = match protocol {
        Protocol::Imap => !caps.iter().any(|c| c == "LOGINDISABLED"),
        Protocol::Pop3 => caps.iter().any(|c| c == "USER"),
        Protocol::Smtp => false,
    };
    if plain_command {
        out.insert(AuthKey(Auth::Password));
    }
    out
}

/// [`Auth`] ordered by its id, so sets of methods print in a stable order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthKey(pub Auth);

impl Ord for AuthKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.id().cmp(other.0.id())
    }
}

impl PartialOrd for AuthKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The data's sign-in method a SASL mechanism name belongs to (IANA SASL registry names).
pub fn mechanism(name: &str) -> Option<Auth> {
    Some(match name {
        "PLAIN" | "LOGIN" => Auth::Password,
        "CRAM-MD5" | "DIGEST-MD5" => Auth::EncryptedPassword,
        n if n.starts_with("SCRAM-") => Auth::EncryptedPassword,
        "XOAUTH2" | "OAUTHBEARER" => Auth::OAuth2,
        "NTLM" => Auth::Ntlm,
        "GSSAPI" => Auth::Gssapi,
        "EXTERNAL" => Auth::ClientCert,
        _ => return None,
    })
}

/// The methods a capability list can show at all: the others (`none`, client certificates
/// without EXTERNAL) are not compared.
pub fn comparable(auth: Auth) -> bool {
    matches!(
        auth,
        Auth::Password | Auth::EncryptedPassword | Auth::OAuth2 | Auth::Ntlm | Auth::Gssapi
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(list: &str) -> Vec<String> {
        list.split_whitespace().map(str::to_string).collect()
    }

    fn ids(set: BTreeSet<AuthKey>) -> Vec<&'static str> {
        set.into_iter().map(|a| a.0.id()).collect()
    }

    #[test]
    fn reads_sign_in_methods_per_protocol() {
        // RFC 9051: LOGIN works unless LOGINDISABLED.
        assert_eq!(
            ids(advertised(Protocol::Imap, &caps("IMAP4REV2 AUTH=XOAUTH2"))),
            ["oauth2", "password"]
        );
        assert_eq!(
            ids(advertised(
                Protocol::Imap,
                &caps("IMAP4REV2 LOGINDISABLED AUTH=XOAUTH2")
            )),
            ["oauth2"]
        );
        assert_eq!(
            ids(advertised(Protocol::Pop3, &caps("TOP SASL SASL=XOAUTH2"))),
            ["oauth2"]
        );
        assert_eq!(
            ids(advertised(Protocol::Pop3, &caps("USER SASL SASL=CRAM-MD5"))),
            ["encrypted-password", "password"]
        );
        assert_eq!(
            ids(advertised(
                Protocol::Smtp,
                &caps("PIPELINING AUTH AUTH=PLAIN AUTH=LOGIN")
            )),
            ["password"]
        );
        assert!(offers_starttls(Protocol::Pop3, &caps("STLS USER")));
        assert!(!offers_starttls(Protocol::Smtp, &caps("AUTH AUTH=PLAIN")));
    }
}
