//! What fails a run: one answer for the exit code, for the gate a change's
//! configuration cannot loosen ([`crate::config::apply_gated`]) and for the
//! suppressions a change adds ([`super::suppress`]). Each used to decide on
//! its own, and suppressions decided on the severity before
//! `.nomad-preflight.hcl` and `--deny warnings` had their say: a comment the
//! change added then silenced a finding that failed the run (rt14e R14-40).

use std::path::Path;

use super::Finding;
use crate::diag::Severity;

/// Does `f`, at the severity the run reports it with, fail a run whose
/// threshold is `threshold` (errors; warnings too with `--deny warnings`)?
/// A "cannot tell" fails it at any severity: a threshold that hid one would
/// be a false all-clear.
pub fn fails_run(f: &Finding, threshold: Severity) -> bool {
    f.cannot_tell || f.severity >= threshold
}

/// The run's whole answer for a finding as the rules pass leaves it (the
/// world's policy applied, the run's configuration not yet): does it fail
/// the run once the configuration has set its final severity? `path` is the
/// file's path as the configuration's globs read it.
pub trait Gate: Sync {
    fn fails(&self, f: &Finding, path: &Path) -> bool;
}

/// A run with no configuration: the severity is final, `self` is the
/// threshold.
impl Gate for Severity {
    fn fails(&self, f: &Finding, _path: &Path) -> bool {
        fails_run(f, *self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diag;

    #[test]
    fn threshold_and_cannot_tell() {
        let w = Diag::warning("NP304", "m");
        assert!(!fails_run(&w, Severity::Error));
        assert!(fails_run(&w, Severity::Warning));
        let untold = Diag::warning("NP225", "m")
            .with_severity(Severity::Advice)
            .as_cannot_tell();
        assert!(fails_run(&untold, Severity::Error));
        assert!(Severity::Error.fails(&Diag::error("NP301", "m"), Path::new("j.nomad")));
    }
}
