//! The top level of a job file before 1.0: jobspec.Parse (jobspec/parse.go
//! at 0.8.0 to 0.12.12) checks its keys before it looks for a job
//! (`helper.CheckHCLKeys(list, []string{"job"})`), one `invalid key: K`
//! for every item whose first key is not `job`, in source order and
//! repeats included, gathered in go-multierror's list, and returns that
//! list as is. So a `variable` or `locals` block (HCL2's, from 1.0) or a
//! stray argument refuses the file before a second `job` block or a
//! missing one is looked at.

use hcl_edit::structure::{Body, Structure};

use super::eval::span_of;
use crate::diag::Diag;
use crate::gotext::multierror;
use crate::source::Source;
use crate::version::NomadVersion;

/// Parse's error for the top level of `body`, before 1.0.
pub fn check(body: &Body, src: &Source, v: NomadVersion) -> Option<Diag> {
    if v.at_least(1, 0, 0) {
        return None;
    }
    let era = super::hcl1_syntax::Era::of(v)?;
    // The key as hcl v1 reads it from the file: the HCL2 rewrite writes a
    // key such as `PL-2.0` as an identifier of its length (to_hcl2.rs).
    let key = |parsed: &str, at: crate::source::Span| {
        let text = src.text.get(at.start..).unwrap_or_default();
        let as_written = src.text.get(at.start..at.end) == Some(parsed);
        let read = (!as_written).then(|| super::hcl1_syntax::literal::key(text, era));
        (read.flatten().unwrap_or_else(|| parsed.to_string()), at)
    };
    let invalid: Vec<(String, crate::source::Span)> = body
        .iter()
        .map(|s| match s {
            Structure::Attribute(a) => key(a.key.as_str(), span_of(&a.key)),
            Structure::Block(b) => key(b.ident.as_str(), span_of(&b.ident)),
        })
        .filter(|(key, _)| key != "job")
        .collect();
    let (first, at) = invalid.first()?;
    let errors: Vec<String> = invalid
        .iter()
        .map(|(key, _)| format!("invalid key: {key}"))
        .collect();
    let fix = match first.as_str() {
        "variable" | "variables" | "locals" => "HCL2's input variables and locals exist from Nomad 1.0: remove them, or judge the file with a world on Nomad 1.0 or later",
        _ => "is it a misspelled `job`, or something to remove?",
    };
    Some(
        Diag::error(super::HCL1_PARSE, multierror(&errors, v))
            .at(src, *at, "not a job")
            .help(format!("Nomad {v}'s HCL1 job parser takes only `job` blocks at the top level of a file: {fix}")),
    )
}

#[cfg(test)]
mod tests {
    use crate::version::NomadVersion;

    fn errors(text: &str, v: NomadVersion) -> Vec<String> {
        let p = crate::jobspec::load_text(text, v);
        p.diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect()
    }

    fn first_error(text: &str, v: NomadVersion) -> String {
        errors(text, v).remove(0)
    }

    /// From jobspec.Parse (0.12.12) with go-multierror 1.1 (0.10.4 on) and
    /// 1.0 (before): every item that is not `job`, in order.
    #[test]
    fn top_level_keys_come_before_a_second_job() {
        let f = "variable \"a\" {\n  default = 1\n}\njob \"x\" {\n}\nlocals {\n  b = 2\n}\njob \"y\" {\n}\n";
        assert_eq!(
            first_error(f, NomadVersion::new(0, 12, 12)),
            "jobspec::hcl1-parse: 2 errors occurred:\n\t* invalid key: variable\n\t* invalid key: locals\n\n"
        );
        assert_eq!(
            first_error(f, NomadVersion::new(0, 9, 3)),
            "jobspec::hcl1-parse: 2 error(s) occurred:\n\n* invalid key: variable\n* invalid key: locals"
        );
        // From 1.0 jobspec2 reads the variables and refuses the second job.
        let hcl2 = errors(f, NomadVersion::new(1, 0, 0));
        assert!(
            hcl2.iter().any(|e| e.contains("Duplicate job block")),
            "{hcl2:?}"
        );
    }
}
