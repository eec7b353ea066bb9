//! The results file of `check --live --save-results FILE`: what each server showed, and when.
//!
//! Versioned JSON keyed by (provider, protocol, host, port), so `build --live-results FILE` can
//! match observations to the servers of the data long after the run, and refuse a file of
//! another version instead of misreading it.

use super::time;
use crate::model::Protocol;
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

/// The version this code writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Results {
    pub version: u32,
    /// When the run started, `YYYY-MM-DDTHH:MM:SSZ`.
    pub started: String,
    pub servers: Vec<Observation>,
}

/// What one server showed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Observation {
    pub provider: String,
    pub protocol: Protocol,
    pub host: String,
    pub port: u32,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub checked_at: String,
    pub outcome: Outcome,
    /// The negotiated TLS version, when a handshake succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<String>,
    /// The certificate's expiry, `YYYY-MM-DDTHH:MM:SSZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_expires: Option<String>,
    /// The capability list (after TLS where there is TLS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// The findings about this server: `code: message`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<SavedFinding>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedFinding {
    pub code: String,
    pub message: String,
}

/// How a server compared with the data.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The server answered as the data describes it (notes aside).
    Agrees,
    /// The server answered and contradicted the data.
    Disagrees,
    /// The server could not be reached, or the run ended first.
    NotChecked,
}

#[derive(Debug, Error)]
pub enum ResultsError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{path}: line {line}, column {column}: not a results file: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: results file version {found}; this mailguide reads version {VERSION}")]
    Version { path: String, found: u32 },
}

impl Results {
    pub fn new(started: i64) -> Self {
        Results {
            version: VERSION,
            started: time::timestamp(started),
            servers: Vec::new(),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), ResultsError> {
        // Plain strings, numbers and enums: serialising cannot fail.
        let text = serde_json::to_string_pretty(self).expect("results serialise to JSON");
        std::fs::write(path, text + "\n").map_err(|source| ResultsError::Write {
            path: path.display().to_string(),
            source,
        })
    }

    pub fn load(path: &Path) -> Result<Results, ResultsError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ResultsError::Read {
            path: shown.clone(),
            source,
        })?;
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let parse = |e: serde_json::Error| ResultsError::Parse {
            path: shown.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let versioned: Versioned = serde_json::from_str(&text).map_err(parse)?;
        if versioned.version != VERSION {
            return Err(ResultsError::Version {
                path: shown,
                found: versioned.version,
            });
        }
        serde_json::from_str(&text).map_err(parse)
    }

    /// The observation of a server, by its key.
    pub fn find(&self, provider: &str, protocol: Protocol, host: &str, port: u32) -> Option<&Observation> {
        self.servers.iter().find(|o| {
            o.provider == provider && o.protocol == protocol && o.host.eq_ignore_ascii_case(host) && o.port == port
        })
    }
}
