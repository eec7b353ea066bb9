//! The words of the format, each spelled once and read back from the same spelling: what the
//! importer accepts and what the autoconfig output writes cannot drift apart. Writing takes the
//! content model's value and gives the format's word; reading takes the word (with the older
//! aliases the format still allows) and gives the model's value, or `None` for a word the model
//! has no place for, which the importer reports.

use crate::model::{Auth, Protocol, Security, UsernameForm};

/// The name of an autoconfig file, in the ISPDB's layout and at a provider's well-known address.
pub const FILE_NAME: &str = "config-v1.1.xml";

/// The `clientConfig` version this module reads and writes.
pub const VERSION: &str = "1.1";

/// The element of a server receiving mail (IMAP, POP3).
pub const INCOMING_SERVER: &str = "incomingServer";

/// The element of a server sending mail (SMTP).
pub const OUTGOING_SERVER: &str = "outgoingServer";

/// The username placeholder for the reader's whole address.
pub const EMAIL_ADDRESS: &str = "%EMAILADDRESS%";

/// The username placeholder for the part of the address before the @.
pub const EMAIL_LOCAL_PART: &str = "%EMAILLOCALPART%";

/// The username placeholder for the part of the address after the @.
pub const EMAIL_DOMAIN: &str = "%EMAILDOMAIN%";

/// The element a server of `proto` is written in.
pub fn server_element(proto: Protocol) -> &'static str {
    if proto.is_incoming() {
        INCOMING_SERVER
    } else {
        OUTGOING_SERVER
    }
}

/// A server element's `type` attribute.
pub fn server_type(proto: Protocol) -> &'static str {
    match proto {
        Protocol::Imap => "imap",
        Protocol::Pop3 => "pop3",
        Protocol::Smtp => "smtp",
    }
}

/// The protocol of a server element with this name and `type`, if the model documents it (not
/// Exchange, EWS or Graph, and not an incoming SMTP server).
pub fn protocol_of(element: &str, kind: &str) -> Option<Protocol> {
    Protocol::ALL
        .into_iter()
        .find(|p| server_element(*p) == element && server_type(*p) == kind)
}

/// The `socketType` of a security.
pub fn socket_type(s: Security) -> &'static str {
    match s {
        Security::Tls => "SSL",
        Security::Starttls => "STARTTLS",
        Security::None => "plain",
    }
}

/// The security a `socketType` names; the format's readers ignore case, and so does this.
pub fn security_of(socket_type_value: &str) -> Option<Security> {
    Security::ALL
        .into_iter()
        .find(|s| socket_type(*s).eq_ignore_ascii_case(socket_type_value))
}

/// The `authentication` value of a method.
pub fn authentication(a: Auth) -> &'static str {
    match a {
        Auth::Password => "password-cleartext",
        Auth::EncryptedPassword => "password-encrypted",
        Auth::OAuth2 => "OAuth2",
        Auth::Ntlm => "NTLM",
        Auth::Gssapi => "GSSAPI",
        Auth::ClientCert => "TLS-client-cert",
        Auth::None => "none",
    }
}

/// The method an `authentication` value names, with the format's older aliases (`plain`,
/// `secure`), which are read but never written.
pub fn auth_of(value: &str) -> Option<Auth> {
    match value {
        "plain" => Some(Auth::Password),
        "secure" => Some(Auth::EncryptedPassword),
        _ => Auth::ALL.into_iter().find(|a| authentication(*a) == value),
    }
}

/// The `username` of a server: a placeholder, or the provider's own text with placeholders in it.
pub fn username(form: &UsernameForm) -> String {
    match form {
        UsernameForm::Address => EMAIL_ADDRESS.into(),
        UsernameForm::LocalPart => EMAIL_LOCAL_PART.into(),
        UsernameForm::Domain => EMAIL_DOMAIN.into(),
        UsernameForm::Custom(text) => text.clone(),
    }
}

/// The username form a `username` value gives: a placeholder on its own is that form, anything
/// else is kept as the provider's text.
pub fn username_of(value: &str) -> UsernameForm {
    match value {
        EMAIL_ADDRESS => UsernameForm::Address,
        EMAIL_LOCAL_PART => UsernameForm::LocalPart,
        EMAIL_DOMAIN => UsernameForm::Domain,
        other => UsernameForm::Custom(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value the model can hold is written as a word that reads back as the same value.
    #[test]
    fn every_word_written_reads_back_as_its_value() {
        for p in Protocol::ALL {
            assert_eq!(protocol_of(server_element(p), server_type(p)), Some(p));
        }
        for s in Security::ALL {
            assert_eq!(security_of(socket_type(s)), Some(s));
        }
        for a in Auth::ALL {
            assert_eq!(auth_of(authentication(a)), Some(a));
        }
        for form in [
            UsernameForm::Address,
            UsernameForm::LocalPart,
            UsernameForm::Domain,
            UsernameForm::Custom("%EMAILLOCALPART%@mail.example".into()),
        ] {
            assert_eq!(username_of(&username(&form)), form);
        }
    }

    #[test]
    fn aliases_and_case_are_read_and_unknown_words_are_not() {
        assert_eq!(auth_of("plain"), Some(Auth::Password));
        assert_eq!(auth_of("secure"), Some(Auth::EncryptedPassword));
        assert_eq!(auth_of("client-IP-address"), None);
        assert_eq!(security_of("ssl"), Some(Security::Tls));
        assert_eq!(security_of("TLS"), None);
        assert_eq!(protocol_of(INCOMING_SERVER, "smtp"), None);
        assert_eq!(protocol_of(INCOMING_SERVER, "exchange"), None);
    }
}
