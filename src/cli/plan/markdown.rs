//! `plan --changed --format markdown`: one table for a pull request's
//! summary (`$GITHUB_STEP_SUMMARY`), one row per changed job file.

use super::changed::{Entry, Outcome, Stops};
use super::policy::Violation;
use super::said::Said;
use super::JobPlan;

/// Input text in a table cell: one line, Markdown, HTML, links, images and
/// mentions escaped (a job or group name must not render as markup).
fn cell(s: &str) -> String {
    crate::escape::markdown(s)
}

fn code(s: &str) -> String {
    crate::escape::code_span(s)
}

/// `carts: 2 create, 1 ignore; front: 1 in-place update` (groups with any
/// update other than ignore), or `no change`.
fn updates(plan: &JobPlan) -> String {
    let mut groups = Vec::new();
    for tg in &plan.diff.task_groups {
        if tg.updates.keys().all(|k| k == "ignore") {
            continue;
        }
        let parts: Vec<String> = tg
            .updates
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        groups.push(format!("{}: {}", tg.name, parts.join(", ")));
    }
    if groups.is_empty() {
        "no change".into()
    } else {
        groups.join("; ")
    }
}

fn failures(plan: &JobPlan) -> String {
    let mut out = Vec::new();
    for (group, m) in &plan.result.failed_tg_allocs {
        let (n, _) = crate::render::metrics::failed_count(m);
        let mut s = format!("{group}: {n} unplaced");
        if !m.quota_exhausted.is_empty() {
            s.push_str(&format!(" (quota: {})", m.quota_exhausted.join(", ")));
        } else if m.nodes_exhausted > 0 {
            s.push_str(" (resources exhausted)");
        }
        out.push(s);
    }
    // Placed by the scheduler, rejected by the applier: not placed.
    for r in &plan.result.rejected {
        out.push(format!(
            "{}: rejected by Nomad's plan applier on node {:?} ({})",
            r.groups.join(", "),
            r.node,
            r.why()
        ));
    }
    if !plan.result.rejected_whole.is_empty() {
        out.push(format!(
            "{}: the whole plan is rejected (all_at_once)",
            plan.result.rejected_whole.join(", ")
        ));
    }
    if out.is_empty() {
        "none".into()
    } else {
        out.join("; ")
    }
}

/// The plan's preemptions by job, as its `Preemptions:` list shows them
/// (`nomad job plan`'s dry run); where `nomad job run` of that plan commits
/// others (Nomad's plan applier rejects a node's part and the scheduler
/// retries: `PlanResult::committed_preemptions`, what the gate's refusal
/// counts), those follow, so the cell and the refusal agree.
fn preemptions(plan: &JobPlan) -> String {
    let shown = by_job(plan.result.preempted_allocs.iter());
    let run = by_job(plan.result.committed_preemptions().into_iter());
    if run == shown {
        return shown;
    }
    format!("{shown} in the plan (nomad job run commits: {run})")
}

/// `default/low: 2; default/web: 1`, or `none`.
fn by_job<'a>(allocs: impl Iterator<Item = &'a crate::scheduler::PreemptedAlloc>) -> String {
    let mut by_job: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for a in allocs {
        *by_job
            .entry((a.namespace.as_str(), a.job_id.as_str()))
            .or_default() += 1;
    }
    if by_job.is_empty() {
        return "none".into();
    }
    by_job
        .iter()
        .map(|((ns, job), n)| format!("{ns}/{job}: {n}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// [`render`] of `plan FILE`'s one plan, `refused` by the policy or
/// passed over samples only (`unseen`, their bound), and what else the
/// gate refuses or cannot tell (`said`).
pub fn single(
    path: &str,
    plan: &JobPlan,
    (refused, said): (&[Violation], &Said),
    unseen: Option<crate::unseen::Unseen>,
    protected: &crate::world::Protected,
) -> String {
    let mut entry = Entry::single(std::path::PathBuf::from(path), plan.clone());
    // Only the samples' bound is read of them here: the refusals are
    // judged already.
    entry.sampled = unseen.map(|u| super::policy::Sampling {
        tally: crate::scheduler::Tally::new(),
        unseen: Some(u),
    });
    render(&[(entry, refused.to_vec())], "plan", protected, said)
}

/// The whole summary of the plans against the revision `base`: the
/// table, then what the policy refuses, what else the gate refuses and
/// what it cannot tell (`said`, one line each), and what it passes over
/// samples only with their bound (`protected`: the policy's, for its
/// words).
pub fn render(
    entries: &[(Entry, Vec<Violation>)],
    base: &str,
    protected: &crate::world::Protected,
    said: &Said,
) -> String {
    // A ref's name may hold backticks, `<` and `@` (git-check-ref-format):
    // a code span shows it as it is.
    let mut out = format!(
        "### nomad-preflight: plans of changed jobs against {}\n\n",
        code(base)
    );
    if entries.is_empty() {
        out.push_str("No job file changed.\n");
        return out;
    }
    out.push_str(
        "| File | Job | Change | Task group updates | Placement failures | Preemptions |\n",
    );
    out.push_str("|---|---|---|---|---|---|\n");
    for (e, _) in entries {
        let change = match e.stops {
            Stops::Yes => format!("{} (stop)", e.change),
            Stops::Unknown => format!("{} (stop: cannot tell)", e.change),
            Stops::No => e.change.to_string(),
        };
        let row = match &e.outcome {
            Outcome::Plan(p) => [
                code(&p.job.id),
                cell(&change),
                cell(&updates(p)),
                cell(&failures(p)),
                cell(&preemptions(p)),
            ],
            Outcome::Note(n) => ["".into(), cell(&change), cell(n), "".into(), "".into()],
            Outcome::Invalid(d) if e.outcome.cannot_tell() => [
                "".into(),
                cell(&change),
                format!(
                    "**cannot tell**: {}",
                    cell(
                        &d.iter()
                            .find(|x| x.is_error())
                            .map(|x| x.message.clone())
                            .unwrap_or_default()
                    )
                ),
                "".into(),
                "".into(),
            ],
            Outcome::Invalid(d) => [
                "".into(),
                cell(&change),
                format!(
                    "**invalid**: {} error(s)",
                    d.iter().filter(|x| x.is_error()).count()
                ),
                "".into(),
                "".into(),
            ],
        };
        out.push_str(&format!(
            "| {} | {} |\n",
            code(&e.path.display().to_string()),
            row.join(" | ")
        ));
    }
    let refused: Vec<String> = entries
        .iter()
        .flat_map(|(e, vs)| {
            // A refusal names groups and jobs from the pull request:
            // text from input, escaped as every cell is (R16-43).
            vs.iter().filter(|v| !v.is_untold()).map(move |v| {
                format!(
                    "- {}: {}",
                    code(&e.path.display().to_string()),
                    cell(&v.to_string())
                )
            })
        })
        .collect();
    // Neither refused nor passed: the gate cannot tell (exit 255), the
    // policy's and the run's.
    let mut untold: Vec<String> = entries
        .iter()
        .flat_map(|(e, vs)| {
            vs.iter().filter(|v| v.is_untold()).map(move |v| {
                format!(
                    "- {}: {}",
                    code(&e.path.display().to_string()),
                    cell(&v.to_string())
                )
            })
        })
        .collect();
    untold.extend(said.untold.iter().map(|l| format!("- {}", cell(l))));
    // What each plan assumed that the world does not state
    // (`planner::Plan::assumed`): the table's verdicts rest on it.
    let assumed: Vec<String> = entries
        .iter()
        .flat_map(|(e, _)| {
            let notes = match &e.outcome {
                Outcome::Plan(p) => p.assumed.as_slice(),
                _ => &[],
            };
            notes.iter().map(move |a| {
                format!(
                    "- {}: {}",
                    code(&e.path.display().to_string()),
                    cell(&a.line)
                )
            })
        })
        .collect();
    if !assumed.is_empty() {
        out.push_str("\n**Assumed** (not stated in the world):\n\n");
        out.push_str(&assumed.join("\n"));
        out.push('\n');
    }
    if !refused.is_empty() {
        out.push_str("\n**Refused by policy** (`protected` in policy.hcl):\n\n");
        out.push_str(&refused.join("\n"));
        out.push('\n');
    }
    // `nomad job run` fails where the plan is silent: the table alone
    // read as a clean plan, the exit code alone said it.
    if !said.refused.is_empty() {
        out.push_str("\n**Refused** (exit 1):\n\n");
        let lines: Vec<String> = said
            .refused
            .iter()
            .map(|l| format!("- {}", cell(l)))
            .collect();
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    if !untold.is_empty() {
        out.push_str("\n**Cannot tell** (exit 255):\n\n");
        out.push_str(&untold.join("\n"));
        out.push('\n');
    }
    // A pass over samples only says how far they go (R22-A-2), as the
    // text and JSON do: a summary without it read as a proof.
    let bounded: Vec<String> = entries
        .iter()
        .filter(|(_, vs)| vs.is_empty())
        .filter_map(|(e, _)| {
            let (Outcome::Plan(p), Some(u)) = (&e.outcome, e.sampled.as_ref()?.unseen) else {
                return None;
            };
            let line = super::policy::unseen_line(&p.job, protected, u);
            Some(format!(
                "- {}: {}",
                code(&e.path.display().to_string()),
                cell(&line)
            ))
        })
        .collect();
    if !bounded.is_empty() {
        out.push_str("\n**Passed over samples only** (`protected` in policy.hcl):\n\n");
        out.push_str(&bounded.join("\n"));
        out.push('\n');
    }
    let noticed: Vec<String> = entries
        .iter()
        .flat_map(|(e, _)| {
            e.notices.iter().map(move |n| {
                format!(
                    "- {}: {}",
                    code(&e.path.display().to_string()),
                    cell(&n.to_string())
                )
            })
        })
        .collect();
    if !noticed.is_empty() {
        out.push_str("\n**Noted, not refused** (`protected` in policy.hcl):\n\n");
        out.push_str(&noticed.join("\n"));
        out.push('\n');
    }
    out
}
