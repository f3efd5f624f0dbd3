//! A submission the CLI's API client refuses before any server sees it
//! ([`crate::jobspec::api_encode`]), beside the servers' refusals
//! (split from admission.rs for its size).

use super::admission::Admission;

/// Where a submission is refused, which decides how the CLI words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusedBy {
    /// The servers answer an error: the API client wraps it as
    /// `Unexpected response code: 500 (<body>)`.
    Servers,
    /// The CLI's API client cannot encode the request
    /// ([`crate::jobspec::api_encode`]): its error as is.
    Client,
}

impl Admission {
    /// A submission the CLI's API client cannot send: Go's encoder
    /// error, printed as is (`Error during plan: json: unsupported
    /// value: +Inf`).
    pub fn unsent(error: String) -> Self {
        Admission::Refused {
            body: error.clone(),
            error,
            by: RefusedBy::Client,
            text_unknown: false,
            entries: Vec::new(),
        }
    }

    /// What the CLI prints after `Error during plan: ` for a refusal whose
    /// text is known.
    pub fn refused_error(&self) -> Option<String> {
        match self {
            Admission::Refused {
                body,
                by,
                text_unknown: false,
                ..
            } => Some(match by {
                RefusedBy::Servers => api_error(500, body),
                RefusedBy::Client => body.clone(),
            }),
            _ => None,
        }
    }
}

/// A server-side error as the API client wraps it: `Unexpected response
/// code: 500 (<body>)` (api/error_unexpected_response.go).
pub fn api_error(code: u16, body: &str) -> String {
    format!("Unexpected response code: {code} ({body})")
}
