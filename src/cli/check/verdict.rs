//! `check`'s report and exit code: findings against the threshold, a
//! crashed file's check, and what the run cannot tell.

use super::{CheckArgs, Deny, FileResult};
use crate::diag::{exit, Severity};
use crate::report::{self, Format};
use crate::rules::Finding;

/// Print the run's report in the format asked for (the summary line left
/// out with `--quiet`, the rules' counts with `--statistics`).
pub(super) fn print_report(
    args: &CheckArgs,
    findings: &[Finding],
    files: report::Files,
    color: bool,
) {
    let concise = match args.output_format {
        Some(f) => f == report::OutputFormat::Concise,
        None => {
            use std::io::IsTerminal;
            !std::io::stdout().is_terminal() || std::env::var_os("PRE_COMMIT").is_some()
        }
    };
    let text = if args.format == Format::Human && concise {
        report::concise::render(findings, files)
    } else {
        report::render(args.format, findings, files, color)
    };
    if args.quiet && args.format == Format::Human {
        let summary = report::summary_line(findings, files);
        print!("{}", text.strip_suffix(&summary).unwrap_or(&text));
    } else {
        print!("{text}");
    }
    if args.statistics && args.format != Format::Json {
        print!("{}", report::statistics_text(&report::statistics(findings)));
    }
}

/// The fail level `--deny` sets.
fn threshold(deny: Option<Deny>) -> Severity {
    match deny {
        Some(Deny::Warnings) => Severity::Warning,
        None => Severity::Error,
    }
}

/// Exit code for findings: 1 if a definite one is at or above the
/// threshold; else 2 if any says "cannot tell" (at any severity: a
/// threshold that hid it would be a false all-clear); else 0.
pub fn exit_code(findings: &[Finding], deny: Option<Deny>) -> i32 {
    verdict(&[], findings, deny, false).0
}

/// The run's exit code, and the error lines for stderr. A crash fails the
/// run (exit 2, naming the files) whatever the findings, `--exit-zero` or
/// `--deny` say, since its findings are incomplete. Otherwise a definite
/// finding at or above the threshold is exit 1 (unless `--exit-zero`),
/// and then any "cannot tell" ([`crate::diag::Diag::cannot_tell`]: a
/// rule's whose answer is [`crate::rules::Answer::CannotTell`], which job a
/// deleted file defined ([`crate::changeset::CANNOT_TELL`]), a gate without
/// a world ([`crate::cli::common::NO_WORLD`])) is exit 2, whatever its
/// severity and `--exit-zero`: one line each for the change set's and the
/// world's, one naming the rules' codes.
pub(super) fn verdict(
    results: &[FileResult],
    findings: &[Finding],
    deny: Option<Deny>,
    exit_zero: bool,
) -> (i32, Vec<String>) {
    let mut lines = Vec::new();
    let crashed: Vec<&FileResult> = results.iter().filter(|r| r.crashed).collect();
    if !crashed.is_empty() {
        lines.push(format!(
            "error: {} file(s) could not be checked (internal error): {}",
            crashed.len(),
            crashed
                .iter()
                .map(|r| crate::escape::one_line(&r.path.display().to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let untold: Vec<&Finding> = findings.iter().filter(|f| f.cannot_tell).collect();
    let (own_line, by_rule): (Vec<&Finding>, Vec<&Finding>) =
        untold.iter().copied().partition(|f| {
            f.code == crate::changeset::CANNOT_TELL || f.code == crate::cli::common::NO_WORLD
        });
    // Its message is one line already (each input in it escaped).
    lines.extend(own_line.iter().map(|f| format!("error: {}", f.message)));
    if !by_rule.is_empty() {
        let mut codes: Vec<&str> = by_rule.iter().map(|f| f.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        lines.push(format!(
            "error: cannot tell: {} finding(s) ({}) say Nomad's answer depends on what nomad-preflight cannot know",
            by_rule.len(),
            crate::escape::one_line(&codes.join(", "))
        ));
    }
    if !crashed.is_empty() {
        return (exit::INVALID, lines);
    }
    let threshold = threshold(deny);
    // A definite failure exits 1; a "cannot tell" (which fails at any
    // severity) exits 2 below.
    let fails = |f: &&Finding| !f.cannot_tell && crate::rules::gate::fails_run(f, threshold);
    let code = if !exit_zero && findings.iter().any(|f| fails(&f)) {
        exit::FINDINGS
    } else if !untold.is_empty() {
        exit::INVALID
    } else {
        exit::OK
    };
    (code, lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diag;

    #[test]
    fn threshold_follows_deny() {
        let w = vec![Diag::warning("NP101", "m")];
        assert_eq!(exit_code(&w, None), exit::OK);
        assert_eq!(exit_code(&w, Some(Deny::Warnings)), exit::FINDINGS);
        assert_eq!(
            exit_code(&[Diag::error("NP201", "m")], None),
            exit::FINDINGS
        );
        assert_eq!(exit_code(&[], Some(Deny::Warnings)), exit::OK);
    }

    /// README's exit code 2 for "a file whose check crashed": whatever the
    /// other files' findings and the flags that lower the bar.
    #[test]
    fn a_crashed_file_fails_the_run_with_exit_2_and_is_named() {
        let file = |name: &str, crashed: bool| FileResult {
            path: std::path::PathBuf::from(name),
            diags: Vec::new(),
            crashed,
        };
        let clean = [file("jobs/a.nomad", false), file("jobs/b.nomad", false)];
        assert_eq!(verdict(&clean, &[], None, false), (exit::OK, vec![]));
        let errors = [Diag::error("NP201", "m")];
        assert_eq!(verdict(&clean, &errors, None, true), (exit::OK, vec![]));
        let broken = [file("jobs/a.nomad", false), file("jobs/b.nomad", true)];
        for (deny, exit_zero) in [(None, false), (None, true), (Some(Deny::Warnings), false)] {
            for findings in [&[][..], &errors[..]] {
                let (code, note) = verdict(&broken, findings, deny, exit_zero);
                assert_eq!(code, exit::INVALID);
                assert_eq!(
                    note,
                    vec!["error: 1 file(s) could not be checked (internal error): jobs/b.nomad"]
                );
            }
        }
    }

    /// What a change set cannot tell exits 2 with its line, whatever
    /// lowers the bar.
    #[test]
    fn a_cannot_tell_fails_the_run_with_exit_2_and_its_line() {
        let clean = [FileResult {
            path: std::path::PathBuf::from("jobs/a.nomad"),
            diags: Vec::new(),
            crashed: false,
        }];
        let untold = [Diag::error(
            crate::changeset::CANNOT_TELL,
            "cannot tell which job a defined at HEAD",
        )
        .as_cannot_tell()];
        for (deny, exit_zero) in [(None, false), (None, true), (Some(Deny::Warnings), false)] {
            assert_eq!(
                verdict(&clean, &untold, deny, exit_zero),
                (
                    exit::INVALID,
                    vec!["error: cannot tell which job a defined at HEAD".to_string()]
                )
            );
        }
    }

    /// A definite finding at the threshold decides first (exit 1); then a
    /// "cannot tell" at any severity (exit 2), which neither `--exit-zero`
    /// nor a lowered severity hides.
    #[test]
    fn a_definite_finding_comes_before_a_cannot_tell() {
        let untold =
            || Diag::warning("NP216", "cannot tell whether Nomad accepts job").as_cannot_tell();
        let error = || Diag::error("NP201", "m");
        let warning = || Diag::warning("NP101", "m");
        let code = |f: &[Diag], deny, exit_zero| verdict(&[], f, deny, exit_zero).0;
        assert_eq!(code(&[untold()], None, false), exit::INVALID);
        assert_eq!(code(&[untold()], None, true), exit::INVALID);
        assert_eq!(code(&[untold(), warning()], None, false), exit::INVALID);
        assert_eq!(
            code(&[untold(), warning()], Some(Deny::Warnings), false),
            exit::FINDINGS
        );
        assert_eq!(code(&[untold(), error()], None, false), exit::FINDINGS);
        assert_eq!(code(&[untold(), error()], None, true), exit::INVALID);
        assert_eq!(code(&[error()], None, true), exit::OK);
        assert_eq!(exit_code(&[untold()], None), exit::INVALID);
        assert_eq!(
            verdict(&[], &[untold(), untold()], None, false).1,
            vec!["error: cannot tell: 2 finding(s) (NP216) say Nomad's answer depends on what nomad-preflight cannot know".to_string()]
        );
    }
}
