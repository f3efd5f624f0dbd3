//! Nomad 1.0.0–1.1.x: a name a var file gives that the job file does not
//! declare is a warning (types.variables.go collectInputVariableValues:
//! `Undefined variable`, DiagWarning unless ParseConfig.Strict, which the
//! CLI leaves unset before 1.2). jobspec2 prints warnings only beside an
//! error: decodeBody (parse_job.go) appends every stage's diagnostics to
//! one list, and once one is an error parse.go's decode joins each
//! diagnostic's Error(), warnings included, one a line. So when the
//! locals' evaluation or the job's decoding (decodeJob: unknown keys,
//! types, evaluation) refuses the file after the variables' values
//! passed, the warnings come first, in their place. vars.rs pushes them as warnings (`jobspec::missing-variable`,
//! the only warnings of that code); this puts their lines back in the
//! parser's error.

use crate::diag::Diag;
use crate::version::NomadVersion;

use super::ParsedJob;

/// The parser's error `text` (`Error parsing job file from PATH:\n...`)
/// with the var files' warnings before the lines of a later stage, as
/// Nomad `version` prints them: before every line, since vars.rs's
/// warnings are the var files' names (their map order stated with a
/// note there) and every later line follows them.
pub(crate) fn beside(
    text: String,
    parsed: &ParsedJob,
    path: &str,
    version: NomadVersion,
) -> String {
    if !version.at_least(1, 0, 0) || version.at_least(1, 2, 0) {
        return text;
    }
    let diags = &parsed.diags.0;
    if !diags.iter().any(is_undeclared) {
        return text;
    }
    // The warnings stand alone only when the variables' values passed (a
    // refusal among them holds them in its own lines, vars.rs): the errors
    // are then of the locals' evaluation (evaluateLocalVariables, after
    // collectInputVariableValues) or decodeJob's, each inside a `locals`
    // or the job block. An error elsewhere (a variable's declaration)
    // came before them in Nomad's list, in an order not followed here:
    // the text stays.
    let Some(body) = parsed.body.as_ref() else {
        return text;
    };
    let spans = |ident: &'static str| {
        body.blocks()
            .filter(move |b| b.ident.as_str() == ident)
            .map(super::eval::span_of)
    };
    let job: Vec<_> = spans("job").take(1).collect();
    let locals: Vec<_> = spans("locals").collect();
    let inside = |d: &Diag, blocks: &[crate::source::Span]| {
        d.primary_span()
            .is_some_and(|s| blocks.iter().any(|b| s.start >= b.start && s.end <= b.end))
    };
    let later = |d: &&Diag| inside(d, &job) || inside(d, &locals);
    let client = super::decode_order::client_errors(parsed, version);
    if client.is_empty() || !client.iter().all(later) {
        return text;
    }
    let head = format!("Error parsing job file from {path}:\n");
    let Some(rest) = text.strip_prefix(&head) else {
        return text;
    };
    let lines: Vec<&str> = diags
        .iter()
        .filter(|d| is_undeclared(d))
        .map(|d| d.message.as_str())
        .collect();
    format!("{head}{}\n{rest}", lines.join("\n"))
}

/// A var file's undeclared name, said as a warning (1.0–1.1).
fn is_undeclared(d: &Diag) -> bool {
    d.code == UNDECLARED && !d.is_error()
}

pub(super) const UNDECLARED: &str = "jobspec::missing-variable";

#[cfg(test)]
mod tests {
    use super::*;

    const JOB: &str = "variable \"n\" {\n  default = 1\n}\n\njob \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      bogus = 1\n    }\n  }\n}\n";

    #[test]
    fn only_1_0_and_1_1_put_the_warnings_first() {
        let head = "Error parsing job file from j.nomad:\n";
        let text = format!("{head}later");
        for (v, warned) in [
            ("0.12.12", false),
            ("1.0.0", true),
            ("1.1.6", true),
            ("1.2.0", false),
        ] {
            let version: NomadVersion = v.parse().expect("version");
            let mut parsed = parse(version);
            parsed.diags.0.insert(
                0,
                Diag::warning(UNDECLARED, "<nil>: Undefined variable; zz"),
            );
            let got = beside(text.clone(), &parsed, "j.nomad", version);
            let want = if warned {
                format!("{head}<nil>: Undefined variable; zz\nlater")
            } else {
                text.clone()
            };
            assert_eq!(got, want, "{v}");
        }
    }

    #[test]
    fn a_local_s_evaluation_follows_them_and_a_declaration_precedes_them() {
        let version = NomadVersion::new(1, 1, 0);
        let text = "Error parsing job file from j.nomad:\nlater".to_string();
        let warned = |job: &str| {
            let mut parsed = crate::jobspec::load_text(job, version);
            parsed.diags.0.insert(
                0,
                Diag::warning(UNDECLARED, "<nil>: Undefined variable; zz"),
            );
            beside(text.clone(), &parsed, "j.nomad", version) != text
        };
        // evaluateLocalVariables runs after collectInputVariableValues.
        let local = JOB.replace(
            "variable \"n\"",
            "locals {\n  a = upper(1, 2)\n}\n\nvariable \"n\"",
        );
        assert!(warned(&local));
        // decodeInputVariables runs before it: not followed here.
        let declared = JOB.replace("default = 1", "default = 1\n  bogus = 2");
        assert!(!warned(&declared));
        // A local defined twice is no error (parseLocalVariables looks in
        // a map still empty, types.config.go@v1.1.0): the job's follows.
        let twice = JOB.replace(
            "variable \"n\"",
            "locals {\n  a = 1\n}\n\nlocals {\n  a = 2\n}\n\nvariable \"n\"",
        );
        assert!(warned(&twice));
    }

    fn parse(version: NomadVersion) -> ParsedJob {
        crate::jobspec::load_text(JOB, version)
    }
}
