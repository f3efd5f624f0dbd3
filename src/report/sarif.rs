//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers.
//!
//! Every registered rule is listed in `tool.driver.rules` so viewers can
//! show a rule's documentation even for codes that found nothing this run.
//! `partialFingerprints` hash the code, file, message and the text of the
//! finding's line, not its line number, so a finding keeps its identity
//! when lines above it move.

use serde_json::{json, Value};

use super::{location, stable_hash};
use crate::diag::Severity;
use crate::rules::Finding;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

/// Every code a result may carry: the rules, then the job file's
/// front-end diagnostics, so a viewer can show any result's rule.
fn rules() -> Vec<Value> {
    let mut out: Vec<Value> = crate::rules::all()
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.doc_text() },
                "help": { "text": m.doc_text(), "markdown": m.doc_text() },
                "defaultConfiguration": { "level": level(m.default_severity) },
                // Whether its findings can be "cannot tell" (§3.8 property bag).
                "properties": { "answer": m.answer.as_str() },
            })
        })
        .collect();
    out.extend(crate::rules::frontend::CODES.iter().map(|c| {
        json!({
            "id": c.code,
            "name": c.code,
            "shortDescription": { "text": c.summary },
            "fullDescription": { "text": c.doc },
            "help": { "text": c.doc, "markdown": c.doc },
            "defaultConfiguration": { "level": level(c.severity) },
            // A code whose errors cannot tell says so, as a rule does.
            "properties": { "answer": if c.cannot_tell { "cannot-tell" } else { "definite" } },
        })
    }));
    out
}

/// Index of `code` in [`rules`].
fn rule_index(code: &str) -> Option<usize> {
    let rules = crate::rules::all();
    rules
        .iter()
        .position(|r| r.meta().code == code)
        .or_else(|| {
            crate::rules::frontend::CODES
                .iter()
                .position(|c| c.code == code)
                .map(|i| rules.len() + i)
        })
}

pub fn render(findings: &[Finding]) -> String {
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut message = f.message.clone();
            if let Some(h) = &f.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let mut r = json!({
                "ruleId": f.code,
                "level": level(f.severity),
                // A plain text message (§3.11.3): control characters and
                // bidirectional overrides from input as visible escapes,
                // and no embedded link (§3.11.6) a viewer would render.
                "message": { "text": crate::escape::sarif_text(&message) },
            });
            if let Some(i) = rule_index(&f.code) {
                r["ruleIndex"] = json!(i);
            }
            // §3.27.31 property bag: the finding says "cannot tell".
            if f.cannot_tell {
                r["properties"] = json!({ "cannotTell": true });
            }
            if let Some(l) = location(f) {
                r["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": crate::escape::uri_path(&l.file), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": l.line,
                            "startColumn": l.column,
                            "endLine": l.end_line,
                            "endColumn": l.end_column,
                        }
                    }
                }]);
                r["partialFingerprints"] = json!({
                    "nomadPreflight/v1": stable_hash(&[&f.code, &l.file, &f.message, &l.line_text]),
                });
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "nomad-preflight",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/hashicorp/nomad",
                    "rules": rules(),
                }
            },
            "results": results,
        }]
    });
    let mut s = crate::escape::json_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_message_from_input_opens_no_link_and_hides_nothing() {
        let f = crate::diag::Diag::error(
            "NP101",
            "image \"[click](https://e.vil/x)\" of task \"t\u{202e}\" has no tag",
        );
        let doc: serde_json::Value = serde_json::from_str(&super::render(&[f])).unwrap();
        let text = doc["runs"][0]["results"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            text,
            "image \"\\[click\\](https://e.vil/x)\" of task \"t\\u{{202e}}\" has no tag"
        );
    }
}
