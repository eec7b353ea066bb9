//! A finding of the live check before it is placed in the content: what it says, how sure it is,
//! and which field of the server (or which link or domain) it is about.

use crate::diagnostics::Severity;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    /// The server field the finding points at: `host`, `port`, `security` or `auth`.
    pub field: &'static str,
    /// Whether the server contradicted the data (an error that withdraws client files), as
    /// opposed to a note or a server that could not be checked.
    pub disagrees: bool,
}

impl Finding {
    /// The server answered and contradicted the data.
    pub fn disagreement(code: &'static str, field: &'static str, message: String) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            message,
            help: None,
            field,
            disagrees: true,
        }
    }

    /// Worth telling the editor, but not a contradiction (a note, or "not checked").
    pub fn warning(code: &'static str, field: &'static str, message: String) -> Self {
        Finding {
            severity: Severity::Warning,
            code,
            message,
            help: None,
            field,
            disagrees: false,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
