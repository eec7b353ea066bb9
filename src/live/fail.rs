//! Why a server could not be checked, or what went wrong talking to it, as values.
//!
//! Each failure names the stage it happened in ("waiting for the greeting", "STARTTLS") so a
//! finding tells the editor how far the conversation got.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Fail {
    /// No answer within the connection's time, or the run's deadline passed.
    #[error("no answer within {secs} s ({stage})")]
    Timeout { stage: String, secs: u64 },
    /// The run's total deadline passed before this server's turn.
    #[error("the run's deadline passed before this server was checked")]
    Deadline,
    /// The host name has no address (NXDOMAIN or no A/AAAA records).
    #[error("the host name has no address: {0}")]
    NoAddress(String),
    /// The name server did not answer or answered with an error.
    #[error("the name lookup failed: {0}")]
    Dns(String),
    /// Connecting or reading failed at the socket level (refused, reset, unreachable).
    #[error("{stage}: {message}")]
    Io { stage: String, message: String },
    /// The server closed the connection.
    #[error("the server closed the connection ({stage})")]
    Closed { stage: String },
    /// A line longer than the bound: read no further.
    #[error("the server sent a line longer than {limit} bytes ({stage})")]
    LineTooLong { stage: String, limit: usize },
    /// A response of more lines than the bound.
    #[error("the server sent more than {limit} lines ({stage})")]
    TooManyLines { stage: String, limit: usize },
    /// The server answered, but not as the protocol says.
    #[error("{stage}: the server answered {line:?}")]
    Unexpected { stage: String, line: String },
    /// The TLS handshake failed; `kind` sorts the causes the report names.
    #[error("the TLS handshake failed: {message}")]
    Tls { kind: TlsFailure, message: String },
}

/// The causes of a failed handshake that mean different things to an editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFailure {
    /// The certificate is not valid for the host name in the data.
    WrongName,
    /// The certificate has expired (or is not yet valid).
    Expired,
    /// The chain does not lead to a trusted root.
    Untrusted,
    /// The server speaks an older TLS (or SSL) than 1.2, which rustls does not negotiate.
    OldVersion,
    /// The server does not speak TLS on this port, or anything else.
    Other,
}
