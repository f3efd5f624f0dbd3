//! A declared variable no default and no value reach, as jobspec2 words
//! it: Variables.Values (types.variables.go) gives each such variable one
//! diagnostic with no Subject, only a Context, so hcl's Error() prints a
//! nil range: `<nil>: Unset variable "x"; A used variable must be set or
//! have a default value; see <URL> for details.`, the URL per release.
//! Values ranges over the variables as a Go map, and a variable's
//! validation failures come in that same pass: when two or more variables
//! have something to say there, their order is not known here.

use crate::diag::Diag;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// The page Variable.Value's text points to, with what follows it: 1.0.x
/// names Packer's (the file was copied from Packer), 1.1.0 Nomad's site,
/// 1.7.0 developer.hashicorp.com, and 1.11.0 the reference page, with two
/// spaces before "for" (types.variables.go at v1.0.18, v1.1.0, v1.6.10,
/// v1.7.0, v1.10.5, v1.11.0, v2.0.5; every tag in between reads as its
/// neighbours).
fn see(v: NomadVersion) -> &'static str {
    if v.at_least(1, 11, 0) {
        "https://developer.hashicorp.com/nomad/docs/reference/hcl2/variables  for"
    } else if v.at_least(1, 7, 0) {
        "https://developer.hashicorp.com/nomad/docs/job-specification/hcl2/variables for"
    } else if v.at_least(1, 1, 0) {
        "https://www.nomadproject.io/docs/job-specification/hcl2/variables for"
    } else {
        "https://packer.io/docs/configuration/from-1.5/syntax for"
    }
}

/// jobspec2's line for an unset variable (from 1.0; before, HCL1 reads
/// no `variable` blocks).
pub(super) fn line(name: &str, v: NomadVersion) -> String {
    format!(
        "<nil>: Unset variable {}; A used variable must be set or have a default value; see {} details.",
        crate::gotext::go_quote(name),
        see(v)
    )
}

/// The diagnostic for an unset variable declared at `label`.
pub(super) fn diag(src: &Source, label: Span, name: &str, v: NomadVersion) -> Diag {
    Diag::error(CODE, line(name, v))
        .at(src, label, "declared here without a default")
        .help(format!(
            "pass -var {name}=..., set NOMAD_VAR_{name}, or give the variable a default"
        ))
}

/// The variable an unset-variable diagnostic ([`diag`]) names.
pub fn unset_name(d: &Diag) -> Option<&str> {
    let rest = d.message.strip_prefix("<nil>: Unset variable \"")?;
    (d.code == CODE).then(|| rest.split('"').next().unwrap_or(rest))
}

const CODE: &str = "jobspec::missing-variable";

/// `n` variables each say something in Variables.Values (unset, or a
/// value its validation refuses): Go's map order decides the order of
/// their lines, which changes from run to run. The errors are certain (the
/// job is refused either way), so this is an advice beside them, not a
/// "cannot tell".
pub(super) fn unordered(src: &Source, unset: usize, failed: usize) -> Diag {
    let what = match (unset, failed) {
        (0, n) => format!("{n} variables' values fail their validation rules"),
        (n, 0) => format!("{n} variables are unset"),
        (u, f) => format!("{u} unset variable(s) and {f} value(s) failing their validation rules"),
    };
    map_order(src, &what, "the order they are declared")
    .help("give each variable a value (a default, -var, NOMAD_VAR_ or a var file) that satisfies its `validation` rules")
}

/// The note beside lines jobspec2 says ranging over a Go map (the
/// variables, a `variables {}` block's values, a var file's names, the
/// -var flags): which of them Nomad prints is certain, their order is
/// chance, a fresh one per run. `what` says what they are, `listed` the
/// order they are printed in here.
pub(super) fn map_order(src: &Source, what: &str, listed: &str) -> Diag {
    Diag::error(
        MAP_ORDER,
        format!("{what}: Nomad reports them in Go's map order, which changes from run to run; they are listed here in {listed}"),
    )
    .with_severity(crate::diag::Severity::Advice)
    .in_source(src)
}

/// The note beside several refused `NOMAD_VAR_` values: jobspec2 reads
/// them in os.Environ()'s order, the environment block as the process
/// was started with it. Ours was started the same way, so the lines are
/// in its order; said, since a different launcher (another shell, a CI
/// runner) may order the same variables otherwise.
pub(super) fn env_order(src: &Source) -> Diag {
    Diag::error(
        MAP_ORDER,
        "several NOMAD_VAR_ values are refused: Nomad reports them in the order of its process environment (os.Environ), not by name; they are listed here in this process's environment order, which is Nomad's when it is started with the same environment",
    )
    .with_severity(crate::diag::Severity::Advice)
    .in_source(src)
}

const MAP_ORDER: &str = "jobspec::variables-map-order";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_follows_the_release() {
        let at = |s: &str| line("x", s.parse().expect("version"));
        assert!(at("1.0.18")
            .contains("see https://packer.io/docs/configuration/from-1.5/syntax for details."));
        assert!(at("1.6.10").contains(
            "see https://www.nomadproject.io/docs/job-specification/hcl2/variables for details."
        ));
        assert!(at("1.10.5").contains("see https://developer.hashicorp.com/nomad/docs/job-specification/hcl2/variables for details."));
        assert!(at("1.11.0").contains("/reference/hcl2/variables  for details."));
        assert!(at("2.0.5").starts_with("<nil>: Unset variable \"x\"; A used variable"));
        let src = crate::source::SourceFile::inline("j.nomad", "variable \"x\" {}\n");
        let d = diag(
            &src,
            Span::new(9, 12),
            "x",
            "1.6.0".parse().expect("version"),
        );
        assert_eq!(unset_name(&d), Some("x"));
    }
}
