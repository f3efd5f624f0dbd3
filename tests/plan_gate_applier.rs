//! The plan gate's protected-job check reads each node shuffle's one
//! outcome, the one NP207, NP304 and NP403 read (stop 61 Left 4): Nomad's
//! plan applier re-checks every node a plan touches and drops the parts
//! that no longer fit (nomad/plan_apply.go v2.0.5:776-843, evaluateNodePlan),
//! the worker plans again against what was committed (scheduler/util.go
//! v2.0.5:67-97, retryMax), and every preemption the applier commits is
//! the run's (plan_apply.go v2.0.5:323-382). The gate counted the
//! scheduler's `failed_tg_allocs` and the first plan's preemptions alone:
//! a protected job whose group the applier leaves unplaced, or whose run's
//! end cannot be told, in some shuffles passed `plan --changed --gate`;
//! a preemption the applier drops was refused and one the retries make
//! was not seen.
//!
//! The world is plan_applier_retries.rs's: on c-1 the preemptor leaves
//! `high`'s own allocation out and evicts one `low` too few, so the
//! applier rejects the node; c-2 and c-4 hold `low2` and `low3`.

use crate::common::applier::out;
use crate::common::{git, git_command, TempDir};
use crate::plan_applier_retries::world_padded;

/// Commit a policy protecting `jobs` on top of the world's base, then
/// stage the edit of `high` (the change the gates judge).
fn protect(d: &TempDir, jobs: &[&str]) {
    let list: Vec<String> = jobs.iter().map(|j| format!("\"{j}\"")).collect();
    d.put(
        "rules/policy.hcl",
        &format!(
            "protected {{\n  jobs       = [{}]\n  namespaces = []\n}}\n",
            list.join(", ")
        ),
    );
    git(&d.0, &["add", "rules/policy.hcl"]);
    git(&d.0, &["commit", "-qm", "policy"]);
    git(&d.0, &["add", "-A"]);
}

/// `high` protected, one empty job registered first (np207_untold_draws.rs'
/// world): the plan shown places everything, other shuffles draw c-1 and
/// their retries end untold. The gate passed (exit 0 with --gate); it
/// cannot tell, as NP207 cannot: exit 255, one line, and in the JSON.
#[test]
fn a_protected_job_the_applier_leaves_untold_in_some_shuffles_cannot_pass() {
    let d = world_padded("gate-untold", &[("b", 1, 1800, "")], 1);
    protect(&d, &["high"]);
    let (code, stdout, stderr) = out(&d.run(&["plan", "--changed", "--staged", "--gate"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    let line = stdout
        .lines()
        .find(|l| {
            l.starts_with(
                "==> policy cannot tell: jobs/high.nomad cannot tell whether protected job \"high\" (group \"b\") is placed: no node shuffle sampled leaves it unplaced for sure, but ",
            )
        })
        .unwrap_or_else(|| panic!("{stdout}{stderr}"));
    assert!(
        line.contains(" of 100 cannot tell (Nomad's plan applier rejects part of the plan there"),
        "{line}"
    );
    assert!(!stdout.contains("refused by policy"), "{stdout}");
    assert!(stdout.contains(" cannot tell\n"), "{stdout}");

    let (code, json, stderr) = out(&d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "json",
    ]));
    assert_eq!(code, Some(255), "{json}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).expect(&stderr);
    let plan = &v["Plans"][0];
    assert_eq!(plan["CannotTell"], true, "{plan}");
    assert_eq!(plan["Refused"], serde_json::json!([]), "{plan}");
    let untold: Vec<&serde_json::Value> = plan["Policy"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["Refusal"] == "cannot-tell" && p["Group"] == "b")
        .collect();
    assert_eq!(untold.len(), 1, "{plan}");
    let hits = untold[0]["Shuffles"]["Hits"].as_u64().unwrap_or(0);
    assert!(hits > 0 && hits < 100, "{plan}");

    // `plan FILE --gate` judges the same shuffles.
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    assert!(
        stderr.contains("error: jobs/high.nomad cannot tell whether protected job \"high\" (group \"b\") is placed"),
        "{stderr}"
    );

    // `check` of the change cannot tell either (NP207): the gates agree.
    let (code, stdout, stderr) = out(&d.run(&["check", "--staged"]));
    assert_eq!(code, Some(2), "{stdout}{stderr}");
}

/// Seed 4's first plan takes c-1 and preempts `low` there; the applier
/// rejects c-1 (the preemption is not made), and the retry places `b` on
/// c-4, preempting `low3` (plan_applier_retries.rs
/// `a_retrys_preemption_is_the_runs`). The gate refused the preemption of
/// `low` in the plan shown, which `nomad job run` never makes, and counted
/// no preemption of `low3` there. The count is the run's, not the plan's
/// `Preemptions:` list (which shows `low`): the refusal says so (rv21-2).
#[test]
fn the_gate_counts_the_preemptions_the_run_commits() {
    let d = world_padded("gate-preempts", &[("b", 1, 1800, "")], 0);
    protect(&d, &["low", "low3"]);
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "--seed", "4", "jobs/high.nomad"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let refused: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("refused by policy: jobs/high.nomad "))
        .collect();
    assert!(
        refused
            .iter()
            .any(|l| l.contains("protected job default/low3 ")
                && l.ends_with(" (1 in `nomad job run` of the plan shown)")),
        "{stderr}"
    );
    // `low` is preempted only on c-1, whose part the applier always
    // rejects: never by `nomad job run`, in no shuffle.
    assert!(
        !refused
            .iter()
            .any(|l| l.contains("protected job default/low ")),
        "{stderr}"
    );
}

/// The markdown summary's Preemptions cell of the same change: the plan's
/// list (`low`, as the text's `Preemptions:`), then what `nomad job run`
/// of it commits (`low3`), which the refusal counts (rv21-2).
#[test]
fn the_markdown_preemptions_say_what_the_run_commits() {
    let d = world_padded("gate-preempts-md", &[("b", 1, 1800, "")], 0);
    protect(&d, &["low", "low3"]);
    let args = [
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--seed",
        "4",
        "--format",
        "markdown",
    ];
    let (code, stdout, stderr) = out(&d.run(&args));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout
            .contains(" | default/low: 1 in the plan (nomad job run commits: default/low3: 1) |\n"),
        "{stdout}"
    );
}

/// `high` runs as a batch job and its file now makes it a service job:
/// `Job.Register` refuses the type change (validateJobUpdate,
/// nomad/job_endpoint.go v2.0.5:232) before the raftApply at :358 that
/// commits the job and its evaluation, so `nomad job run` of it commits
/// nothing and no node shuffle is drawn. `plan FILE --gate` refused it as
/// a submission that will fail (exit 1); `plan --changed --gate` judged
/// the policy over shuffles of the run that never happens and said
/// "cannot tell" (exit 255, `CannotTell` in JSON). Both now refuse it the
/// one way: the policy has nothing at stake in it.
#[test]
fn a_submission_refused_before_registration_is_judged_alike_by_both_gates() {
    let d = world_padded("gate-type-change", &[("b", 1, 1800, "")], 1);
    let edited = std::fs::read_to_string(d.0.join("jobs/high.nomad")).expect("high");
    let shown = git_command(&d.0)
        .args(["show", "HEAD:jobs/high.nomad"])
        .output()
        .expect("git runs");
    let base = String::from_utf8_lossy(&shown.stdout).into_owned();
    d.put(
        "jobs/high.nomad",
        &base.replace("  priority = 50\n", "  type = \"batch\"\n  priority = 50\n"),
    );
    git(&d.0, &["commit", "-qam", "high runs as a batch job"]);
    d.put("jobs/high.nomad", &edited);
    protect(&d, &["high"]);
    let will_fail = "submission will fail: Nomad 2.0.5's plan does not check this, but `nomad job run` will fail: Error submitting job: Unexpected response code: 500 (cannot update job from type \"batch\" to \"service\")";

    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "jobs/high.nomad"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(!stderr.contains("cannot tell"), "{stderr}");

    let (code, stdout, stderr) = out(&d.run(&["plan", "--changed", "--staged", "--gate"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!(
            "==> refused by policy: jobs/high.nomad {will_fail}"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("policy cannot tell"), "{stdout}");
    assert!(!stdout.contains("cannot tell\n"), "{stdout}");

    let args = [
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "json",
    ];
    let (code, json, stderr) = out(&d.run(&args));
    assert_eq!(code, Some(1), "{json}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).expect(&stderr);
    let plan = &v["Plans"][0];
    assert_eq!(plan["CannotTell"], false, "{plan}");
    assert_eq!(plan["Policy"], serde_json::json!([]), "{plan}");
}
