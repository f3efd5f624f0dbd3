//! Where `validate`'s answer for one file goes, and `--format json`'s
//! document (stop 57's Left 6: CI gates on validate, and had only its
//! text and exit code to read).
//!
//! In text, every part is printed as it comes, as before. Under JSON,
//! stdout is the document alone: Nomad's stdout text is kept for it, and
//! stderr says what it says in text (Nomad's error text, our `error:` and
//! `note:` lines, the diagnostics), each also kept in the file's entry.
//!
//! ```json
//! {"version": 1, "nomad_version": "2.0.5",
//!  "files": [{"file", "verdict": "valid|invalid|cannot_tell", "exit_code",
//!             "nomad_output", "messages": [...], "diagnostics": [...]}],
//!  "summary": {"files", "valid", "invalid", "cannot_tell"}}
//! ```
//!
//! A file's verdict is its exit code's (0 valid, 1 invalid: Nomad's
//! validate refuses it or the submission will fail, else 255: what Nomad
//! says is not known, or the file cannot be read), so the document never
//! says "valid" where the exit code does not.

use std::path::Path;

use serde_json::{json, Value};

use super::untold::{diagnostics_json, Keys};
use crate::diag::{exit, render, Diag, Diags};

/// One file's answer as it is said.
pub(super) struct FileOut {
    json: bool,
    color: bool,
    /// Nomad's own text, stdout's and stderr's in the order printed.
    nomad: String,
    /// Our lines: `error: cannot tell ...`, `note: ...`, the warning that
    /// a submission will fail.
    messages: Vec<String>,
    diags: Vec<Diag>,
}

impl FileOut {
    pub(super) fn new(json: bool, color: bool) -> FileOut {
        FileOut {
            json,
            color,
            nomad: String::new(),
            messages: Vec::new(),
            diags: Vec::new(),
        }
    }

    /// Nomad's text on stdout (kept for the document under JSON).
    pub(super) fn out(&mut self, text: &str) {
        if self.json {
            self.nomad.push_str(text);
        } else {
            print!("{text}");
        }
    }

    /// Nomad's text on stderr.
    pub(super) fn err(&mut self, text: &str) {
        eprint!("{text}");
        if self.json {
            self.nomad.push_str(text);
        }
    }

    /// A line of ours on stderr.
    pub(super) fn line(&mut self, line: String) {
        eprintln!("{line}");
        if self.json {
            self.messages.push(line);
        }
    }

    /// Our warning after Nomad's success text, on stdout in text.
    pub(super) fn warning(&mut self, text: &str) {
        if self.json {
            self.messages.push(text.trim_end().to_string());
        } else {
            print!("{text}");
        }
    }

    /// Located diagnostics, rendered on stderr.
    pub(super) fn diags(&mut self, diags: &[Diag]) {
        eprint!("{}", render(diags, self.color));
        if self.json {
            self.diags.extend(diags.iter().cloned());
        }
    }

    /// The file's entry of the document: what was said, under the
    /// verdict its exit `code` gives.
    pub(super) fn entry(self, file: &Path, code: i32) -> (Verdict, Value) {
        let verdict = Verdict::of(code);
        let v = json!({
            "file": file.display().to_string(),
            "verdict": verdict,
            "exit_code": code,
            "nomad_output": self.nomad,
            "messages": self.messages,
            "diagnostics": diagnostics_json(&Diags(self.diags), Keys::Snake),
        });
        (verdict, v)
    }
}

/// What a file's exit code says of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Verdict {
    Valid,
    Invalid,
    CannotTell,
}

impl Verdict {
    fn of(code: i32) -> Verdict {
        match code {
            exit::OK => Verdict::Valid,
            exit::FINDINGS => Verdict::Invalid,
            _ => Verdict::CannotTell,
        }
    }
}

/// The whole document, every file's entry in the order named.
pub(super) fn document(
    version: crate::version::NomadVersion,
    files: Vec<(Verdict, Value)>,
) -> String {
    let count = |v: Verdict| files.iter().filter(|(f, _)| *f == v).count();
    let summary = json!({
        "files": files.len(),
        "valid": count(Verdict::Valid),
        "invalid": count(Verdict::Invalid),
        "cannot_tell": count(Verdict::CannotTell),
    });
    let files: Vec<Value> = files.into_iter().map(|(_, v)| v).collect();
    let v = json!({
        "version": 1,
        "nomad_version": version.to_string(),
        "files": files,
        "summary": summary,
    });
    crate::escape::json_pretty(&v).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_are_the_exit_codes() {
        assert_eq!(Verdict::of(exit::OK), Verdict::Valid);
        assert_eq!(Verdict::of(exit::FINDINGS), Verdict::Invalid);
        assert_eq!(Verdict::of(exit::NOMAD_ERROR), Verdict::CannotTell);
        assert_eq!(json!(Verdict::CannotTell), json!("cannot_tell"));
    }
}
