//! Nomad's plan output as the integration tests expect and read it:
//! command/job_plan.go's text after the group lines, and the plan JSON's
//! per-group counts.

use super::Out;
use serde_json::Value;

/// command/job_plan.go's text after the job's diff lines when every task
/// is placed: the dry-run, the job's `warnings` block ("Job Warnings:",
/// or ""), and the check-index advice for `file` at `index`.
pub fn placed_tail(file: &str, index: u64, warnings: &str) -> String {
    format!("\nScheduler dry-run:\n- All tasks successfully allocated.\n\n{warnings}Job Modify Index: {index}\nTo submit the job with version verification run:\n\nnomad job run -check-index {index} {file}\n\nWhen running the job with the check-index flag, the job will only be run if the\njob modify index given matches the server-side version. If the index has\nchanged, another user has modified the job and the plan's results are\npotentially invalid.\n")
}

/// The whole text of an unchanged job's plan (diff None) with one group
/// and one task, the group line reading `counts`.
pub fn unchanged_one_task(job: &str, group: &str, task: &str, counts: &str, tail: &str) -> String {
    format!("Job: \"{job}\"\nTask Group: \"{group}\" ({counts})\n  Task: \"{task}\"\n{tail}")
}

/// `group`'s non-zero `DesiredTGUpdates` in a `--format json` plan, in
/// name order; panics with the output when it is not JSON.
pub fn tg_updates(o: &Out, group: &str) -> Vec<(String, u64)> {
    let v: Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", o.stdout, o.stderr));
    let mut got: Vec<(String, u64)> = v["Annotations"]["DesiredTGUpdates"][group]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, n)| Some((k.clone(), n.as_u64()?)).filter(|(_, n)| *n > 0))
        .collect();
    got.sort();
    got
}

/// `group`'s whole `DesiredTGUpdates` object (its zero counts, and which
/// fields the release has) in the `--format json` plan of `file` against
/// the world folder `world`, run in `dir`; panics with the output when it
/// is not JSON.
pub fn tg_update_fields(dir: &std::path::Path, world: &str, file: &str, group: &str) -> Value {
    let o = super::run_in(dir, &["plan", "--world", world, "--format", "json", file]);
    let v: Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", o.stdout, o.stderr));
    v["Annotations"]["DesiredTGUpdates"][group].clone()
}

/// `want` in [`tg_updates`]' form.
pub fn pairs(want: &[(&str, u64)]) -> Vec<(String, u64)> {
    want.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}
