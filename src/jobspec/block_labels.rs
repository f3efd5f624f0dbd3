//! Labels on a written block whose type takes none (`service "web" { ... }`).
//! From 1.0 jobspec2 decodes the job into api structs whose schema gives
//! these blocks no label, and hclsyntax refuses one with "Extraneous label
//! for service; No labels are expected for service blocks."
//! (hclsyntax/structure.go, Body.content). Without this the label was
//! dropped and the job accepted as if it were not there.

use hcl_edit::structure::{Block, Body};

use super::eval::span_of;
use super::tree::schema_labels;
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

/// The located errors for every such block of the job block in `body`,
/// under `v` (from 1.0; HCL1 read labels as keys of its own).
pub fn check(body: &Body, src: &Source, v: NomadVersion, diags: &mut Diags) {
    if !v.at_least(1, 0, 0) {
        return;
    }
    if let Some(job) = body.blocks().find(|b| b.ident.as_str() == "job") {
        walk(job, src, diags);
    }
}

fn walk(parent: &Block, src: &Source, diags: &mut Diags) {
    for b in parent.body.blocks() {
        let kind = b.ident.as_str();
        if let (Some(0), Some(first)) =
            (schema_labels(parent.ident.as_str(), kind), b.labels.first())
        {
            diags.push(
                Diag::error(
                    "jobspec::unknown-key",
                    format!(
                        "Extraneous label for {kind}; No labels are expected for {kind} blocks."
                    ),
                )
                .at(src, span_of(first), "unexpected label")
                .help(format!("write `{kind} {{ ... }}` without a label")),
            );
        }
        walk(b, src, diags);
    }
}

#[cfg(test)]
mod tests {
    use crate::jobspec::tests::load_text;

    fn errors(text: &str) -> Vec<String> {
        load_text(text)
            .diags
            .iter()
            .map(|d| d.message.clone())
            .filter(|m| m.starts_with("Extraneous label"))
            .collect()
    }

    #[test]
    fn a_label_on_a_block_that_takes_none_is_hcls_error() {
        let job = |svc: &str| {
            format!("job \"j\" {{\n  group \"g\" {{\n    {svc} {{\n      name = \"a\"\n    }}\n  }}\n}}\n")
        };
        assert_eq!(
            errors(&job("service \"x\"")),
            ["Extraneous label for service; No labels are expected for service blocks."]
        );
        assert!(errors(&job("service")).is_empty());
        // A group's label is its name, never extraneous.
        assert!(errors("job \"j\" {\n  group \"g\" {\n    count = 1\n  }\n}\n").is_empty());
    }
}
