//! One finding per root cause. Several rules can see one mistake: a group
//! larger than any client is also unplaceable and also over its quota; a
//! job without datacenters has no client and so no placement; an HCL1 line
//! is both a parse error and NP106. Reporting each is noise that hides the
//! one edit to make, so every cause has an owner, the most specific
//! finding, and the findings it explains are folded into the owner's
//! message (`(this also causes: NP207 unplaceable-group)`) instead of being
//! printed on their own.
//!
//! Applied per file after suppressions and selection: an owner that is
//! suppressed or not selected explains nothing, and what it would have
//! covered is reported as usual.

use crate::diag::Severity;
use crate::rules::Finding;

/// Where a covered finding must be to share the owner's cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Anywhere in the same file (a job-wide cause).
    File,
    /// On the owner's line (the same group, the same HCL line).
    Line,
}

/// How the owner relates to what it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// The same fact, said by two checks.
    Same,
    /// A consequence of the owner's cause.
    Causes,
}

/// One owner: the codes it explains, where, and how.
struct Owns {
    owner: &'static str,
    covers: &'static [&'static str],
    scope: Scope,
    relation: Relation,
}

/// Scheduling outcomes: what a plan of the job would say about placement,
/// quota and preemption. They follow from any cause that keeps the job from
/// being planned as written.
const OUTCOMES: &[&str] = &["NP207", "NP304", "NP305", "NP403", "NP404", "NP405"];

/// The owners, most specific first. A finding removed as covered owns
/// nothing itself.
const OWNERS: &[Owns] = &[
    // The parse error already says the line is HCL1; NP106 adds the HCL2
    // form, which moves into the error's help.
    Owns {
        owner: "jobspec::hcl1",
        covers: &["NP106"],
        scope: Scope::Line,
        relation: Relation::Same,
    },
    // A namespace that does not exist: the server rejects the job.
    Owns {
        owner: "NP302",
        covers: &[
            "NP303", "NP207", "NP304", "NP305", "NP403", "NP404", "NP405",
        ],
        scope: Scope::File,
        relation: Relation::Causes,
    },
    // No client in the datacenters: nothing can be placed, nothing preempted.
    Owns {
        owner: "NP206",
        covers: OUTCOMES,
        scope: Scope::File,
        relation: Relation::Causes,
    },
    // A group larger than any client is never placed, whatever the quota
    // or the other jobs; the same ask is what exceeds the quota (one line
    // to edit: the owner names NP301 so it is not lost).
    Owns {
        owner: "NP201",
        covers: &[
            "NP301", "NP207", "NP304", "NP305", "NP403", "NP404", "NP405",
        ],
        scope: Scope::File,
        relation: Relation::Causes,
    },
    // A group that no client can run (driver, constraints, ports) is the
    // reason that group is unplaceable.
    Owns {
        owner: "NP202",
        covers: &["NP207"],
        scope: Scope::Line,
        relation: Relation::Causes,
    },
    Owns {
        owner: "NP203",
        covers: &["NP207"],
        scope: Scope::Line,
        relation: Relation::Causes,
    },
    Owns {
        owner: "NP204",
        covers: &["NP207"],
        scope: Scope::Line,
        relation: Relation::Causes,
    },
    // The job alone exceeds the quota: with what runs it does too.
    Owns {
        owner: "NP301",
        covers: &["NP304", "NP305"],
        scope: Scope::File,
        relation: Relation::Causes,
    },
];

/// Does this front-end diagnostic make the job as written unknown (Nomad
/// refuses the file)? Then the model holds placeholders for what is
/// missing or wrong, and no rule may judge its placement, quota or
/// preemption.
pub(crate) fn refuses_file(d: &Finding) -> bool {
    d.severity == Severity::Error
        && (d.code.starts_with("jobspec::") || d.code.starts_with("hcl::"))
}

/// The rules that judge how the job would be scheduled (capacity, quota,
/// preemption), whose findings on a refused file follow from its errors.
/// Not the admission refusals: Nomad's servers list those beside the job's
/// validation errors (`RuleContext::refusals` keeps only what they list).
fn judges_scheduling(d: &Finding) -> bool {
    let code = d.code.as_str();
    code.len() == 5
        && (code.starts_with("NP2") || code.starts_with("NP3") || code.starts_with("NP4"))
        && !ADMISSION.contains(&code)
        && !admission_guess(d)
}

/// NP216 for a guess that is an entry of the servers' list (the namespace
/// validator's, Enterprise's namespace clusters): kept beside a refused
/// file's errors, as `plan` and `validate` say it there. Its other guesses
/// (the release, a quota's network, ...) judge the scheduling.
fn admission_guess(d: &Finding) -> bool {
    use crate::rules::capacity::world_guess::{CLUSTERS_NOT_SIMULATED, NAMESPACES_NOT_LISTED};
    let label = d.labels.first().and_then(|l| l.text.as_deref());
    d.code == "NP216" && matches!(label, Some(NAMESPACES_NOT_LISTED | CLUSTERS_NOT_SIMULATED))
}

/// The rules reporting the servers' admission refusals
/// (`planner::admission::Refusal`): missing node pool, Connect hook, Vault
/// not enabled, Vault identity, the mutated job's validation, the
/// community edition's refusal of Enterprise's features (or its "cannot
/// tell" where the edition is not stated), missing namespace, refused
/// drivers; and NP211, NP215 and NP223, the Vault hook's entry
/// the world does not give and Job.Validate's for a `regexp` value Go's
/// size limits may refuse or a time zone the servers' files decide, which
/// a refused file's list would hold too (`plan` and `validate` say
/// "cannot tell" in place of that list: `planner::entry_unknown`).
const ADMISSION: &[&str] = &[
    "NP208", "NP209", "NP210", "NP211", "NP212", "NP214", "NP215", "NP217", "NP223", "NP302",
    "NP306",
];

fn line_of(d: &Finding) -> Option<(String, usize)> {
    let src = d.source.as_ref()?;
    let span = d.primary_span()?;
    Some((src.name.clone(), src.line_col(span.start).0))
}

fn name_of(code: &str) -> String {
    match crate::rules::find(code) {
        Some(r) => format!("{code} {}", r.meta().name),
        None => code.to_string(),
    }
}

/// Keep one finding per root cause among one file's findings, in order.
pub fn collapse(findings: Vec<Finding>) -> Vec<Finding> {
    let mut keep: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    // A file Nomad refuses: its errors come first.
    if let Some(first) = keep.iter().flatten().position(refuses_file) {
        let mut dropped = false;
        for f in keep.iter_mut() {
            if f.as_ref().is_some_and(judges_scheduling) {
                *f = None;
                dropped = true;
            }
        }
        if dropped {
            if let Some(Some(d)) = keep.get_mut(first) {
                let note =
                    "placement, quota and preemption are judged once the file loads without errors";
                d.help = Some(match d.help.take() {
                    Some(h) => format!("{h}; {note}"),
                    None => note.to_string(),
                });
            }
        }
    }
    for owns in OWNERS {
        for o in 0..keep.len() {
            let Some(owner) = keep[o].as_ref().filter(|d| d.code == owns.owner) else {
                continue;
            };
            let at = line_of(owner);
            let mut covered: Vec<Finding> = Vec::new();
            for (i, slot) in keep.iter_mut().enumerate() {
                let hit = i != o
                    && slot.as_ref().is_some_and(|d| {
                        owns.covers.contains(&d.code.as_str())
                            && (owns.scope == Scope::File || line_of(d) == at)
                    });
                if hit {
                    covered.extend(slot.take());
                }
            }
            // NP207's sample bound (an advice that no shuffle sampled
            // failed) is no consequence of the owner's cause: where the
            // owner refuses the job, it is moot, and dropped unsaid.
            covered.retain(|d| d.unseen.is_none());
            if covered.is_empty() {
                continue;
            }
            let Some(owner) = keep[o].as_mut() else {
                continue;
            };
            let mut codes: Vec<String> = covered.iter().map(|d| name_of(&d.code)).collect();
            codes.dedup();
            match owns.relation {
                Relation::Causes => {
                    owner.message =
                        format!("{} (this also causes: {})", owner.message, codes.join(", "));
                }
                Relation::Same => {
                    owner.message =
                        format!("{} (also reported as {})", owner.message, codes.join(", "));
                    // The same fact: its help only when the owner has none.
                    if owner.help.is_none() {
                        owner.help = covered.into_iter().find_map(|c| c.help);
                    }
                }
            }
        }
    }
    keep.into_iter().flatten().collect()
}

/// How many of `findings` (one file's) share a root cause with another
/// finding of the file: the count [`collapse`] brings to zero, for sweeps.
pub fn duplicate_causes(findings: &[Finding]) -> usize {
    findings.len() - collapse(findings.to_vec()).len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diag;
    use crate::source::{Source, SourceFile, Span};

    fn src() -> Source {
        SourceFile::inline("big.nomad", "job \"big\" {\n  group \"g\" {\n  }\n}\n")
    }

    fn at(d: Diag, start: usize) -> Diag {
        d.at(&src(), Span::new(start, start + 3), "")
    }

    #[test]
    fn a_group_larger_than_any_client_owns_its_scheduling_outcomes() {
        let got = collapse(vec![
            at(Diag::error("NP301", "job alone exceeds quota"), 5),
            at(Diag::warning("NP304", "quota limit hit"), 5),
            at(Diag::error("NP201", "group cannot fit"), 20),
            at(Diag::error("NP207", "cannot be placed"), 20),
        ]);
        let codes: Vec<&str> = got.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["NP201"]);
        assert!(
            got[0].message.contains(
                "this also causes: NP301 job-exceeds-quota, NP304 quota-exceeded, NP207 unplaceable-group"
            ),
            "{}",
            got[0].message
        );
        assert_eq!(duplicate_causes(&got), 0);
    }

    #[test]
    fn a_refused_file_is_judged_for_its_errors_first() {
        let got = collapse(vec![
            at(
                Diag::error("jobspec::missing", "Missing job datacenters"),
                5,
            ),
            at(Diag::error("NP206", "no client is in datacenters []"), 5),
            at(Diag::error("NP207", "cannot be placed"), 20),
            at(Diag::warning("NP101", "image latest"), 20),
        ]);
        let codes: Vec<&str> = got.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["jobspec::missing", "NP101"]);
        assert!(got[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("once the file loads")));
    }

    #[test]
    fn the_same_hcl1_line_is_one_finding_with_the_fix_in_its_help() {
        let got = collapse(vec![
            at(Diag::error("jobspec::hcl1", "HCL1 syntax"), 20),
            at(
                Diag::error("NP106", "quoted argument name").help("write env = { ... }"),
                21,
            ),
        ]);
        assert_eq!(got.len(), 1);
        assert!(got[0]
            .message
            .ends_with("(also reported as NP106 hcl1-syntax)"));
        assert_eq!(got[0].help.as_deref(), Some("write env = { ... }"));
    }

    #[test]
    fn a_cause_on_another_line_covers_nothing_line_scoped() {
        let got = collapse(vec![
            at(Diag::error("NP202", "missing driver"), 5),
            at(Diag::error("NP207", "cannot be placed"), 20),
        ]);
        assert_eq!(got.len(), 2);
    }
}
