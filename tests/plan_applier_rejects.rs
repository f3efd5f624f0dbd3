//! A plan Nomad's plan applier rejects is no all-clear (red team rt16a
//! R16-10, R16-13). Nomad's preemptor leaves the job's own allocations out
//! of its candidates and never subtracts them
//! (scheduler/feasible/preemption.go v2.0.5 `SetCandidates`,
//! `PreemptForTaskGroup`), so `nomad job plan` prints "All tasks
//! successfully allocated." with one victim too few; `nomad job run` goes
//! through the plan applier's `evaluateNodePlan` (nomad/plan_apply.go
//! v2.0.5:776-843), which adds every allocation the node keeps, finds the
//! node over its memory and rejects its whole part of the plan; every
//! retry plans the same, and after 5 attempts the evaluation fails
//! (scheduler/util.go `retryMax`). Nomad's plan text is kept; our warning
//! follows it, the exit code is 1 (also under `--gate`), NP207 fires, the
//! samples never call it placed, and rehearse's run step prints the failed
//! evaluation.

use crate::common::applier::{commit, out};
use crate::common::TempDir;

/// One client of 4000 MHz and 4000 MB, service preemption on, Nomad
/// `version`, running `jobs` (file names under jobs/).
fn cluster(version: &str, running: &[&str], preempt: &str) -> String {
    let running: Vec<String> = running.iter().map(|j| format!("\"jobs/{j}\"")).collect();
    format!(
        r#"nomad_version = "{version}"
region = "global"
edition = "community"
scheduler {{
  algorithm = "binpack"
  preemption {{
{preempt}
  }}
}}
client "c" {{
  count = 1
  datacenter = "dc1"
  cpu = 4000
  memory = 4000
  disk = 100000
  drivers = ["docker"]
  attributes = {{ "kernel.name" = "linux" }}
}}
running = [{}]
"#,
        running.join(", ")
    )
}

const SERVICE_PREEMPTION: &str =
    "    system = true\n    sysbatch = false\n    batch = false\n    service = true";

fn job(name: &str, priority: u32, count: u32, memory: u32, extra: &str) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  priority = {priority}\n  group \"g\" {{\n{extra}    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// The repro of R16-10: `high` (priority 50, 1 × 1800 MB) and `low`
/// (priority 20, 2 × 1000 MB) committed, then `high` edited to `edited`.
fn scaled_world(tag: &str, edited: &str) -> TempDir {
    let d = TempDir::new(&format!("applier-{tag}"));
    let running = ["high.nomad", "low.nomad"];
    d.put(
        "rules/cluster.hcl",
        &cluster("2.0.5", &running, SERVICE_PREEMPTION),
    );
    d.put("jobs/low.nomad", &job("low", 20, 2, 1000, ""));
    d.put("jobs/high.nomad", &job("high", 50, 1, 1800, ""));
    d.put(
        "rehearsals/r.hcl",
        "rehearsal \"r\" {\n  description = \"scale high\"\n}\nstep \"scale\" {\n  command = \"nomad job run jobs/high.nomad\"\n  expect {\n    placed = true\n    exit_code = 0\n  }\n}\n",
    );
    commit(&d);
    d.put("jobs/high.nomad", edited);
    d
}

fn scaled(tag: &str) -> TempDir {
    scaled_world(tag, &job("high", 50, 2, 1800, ""))
}

/// How the model's retries end, and that Nomad's run's end cannot be told.
const UNTOLD: &str = "cannot tell how `nomad job run` of this plan ends: in the model the retries end after 6 plans, the last 5 rejected in a row without progress, where Nomad's worker fails the evaluation (\"maximum attempts reached (5)\") and leaves a blocked evaluation, but whether Nomad's run ends so depends on what nomad-preflight does not model (plans of other evaluations committed between the retries, the blocked evaluation's later run)";

const WARNING: &str = "== nomad-preflight: warning (not part of Nomad's output) ==\n`nomad job run` of this plan is rejected by Nomad's plan applier on node \"c-1\" (memory exhausted: the plan needs 4600 MB there, the node gives 4000 MB; groups \"g\")";

/// Nomad's text stands (its counts, its success line, its victim), our
/// warning follows it with the node, the resource and the figures
/// (1800 + 1800 + 1000 MB on 4000). Every retry the model makes is the
/// same rejected plan until the worker's limit, but whether Nomad's run
/// ends there depends on what is not modelled (rv17 4): one "cannot tell"
/// line on stderr, exit 255 even as a gate (it was 1, with Nomad's
/// "maximum attempts reached" said as the outcome).
#[test]
fn plan_keeps_nomads_text_and_says_the_applier_rejects_it() {
    let d = scaled("text");
    let (code, stdout, stderr) = out(&d.run(&["plan", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    assert!(
        stdout.contains("+/- Task Group: \"g\" (1 create, 1 in-place update)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Scheduler dry-run:\n- All tasks successfully allocated.\n"),
        "{stdout}"
    );
    let nomad_end = stdout
        .find("potentially invalid.\n")
        .expect("Nomad's text ends");
    let ours = stdout.find(WARNING).expect("our warning");
    assert!(ours > nomad_end, "after Nomad's text: {stdout}");
    assert!(stdout.contains(&format!("{WARNING}: none of its placements, in-place updates or preemptions there is committed; {UNTOLD}")), "{stdout}");
    assert!(stderr.contains(&format!("\nerror: {UNTOLD}")), "{stderr}");
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "--gate: {stdout}{stderr}");
}

#[test]
fn plan_json_names_the_rejected_node_and_figures() {
    let d = scaled("json");
    let (code, stdout, stderr) = out(&d.run(&["plan", "--format", "json", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let a = &v["Preflight"]["Applier"];
    assert_eq!(a["Attempts"], 5, "{a}");
    let node = &a["Rejected"][0];
    assert_eq!(node["Node"], "c-1", "{a}");
    assert_eq!(node["Dimension"], "memory", "{a}");
    assert_eq!(node["Used"], 4600, "{a}");
    assert_eq!(node["Usable"], 4000, "{a}");
    assert_eq!(node["Groups"], serde_json::json!(["g"]), "{a}");
    assert!(
        a["CannotTell"]
            .as_str()
            .is_some_and(|s| s.contains("rejected by Nomad's plan applier") && s.ends_with(UNTOLD)),
        "{a}"
    );
    assert!(a.get("SubmissionFails").is_none(), "{a}");
}

/// Every shuffle of one client plans the same rejected plan: never
/// "every allocation is placed", and the victim the applier drops with
/// the node is not counted as preempted.
#[test]
fn samples_never_call_a_rejected_plan_placed() {
    let d = scaled("samples");
    let (code, stdout, stderr) = out(&d.run(&["plan", "--samples", "20", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    let samples = stdout
        .split("outcomes over 20 node shuffles")
        .nth(1)
        .expect("samples section");
    assert!(!samples.contains("every allocation is placed"), "{samples}");
    assert!(
        samples.contains("certain  Nomad's plan applier rejects the plan on node \"c-1\""),
        "{samples}"
    );
    assert!(
        samples.contains("certain  nothing is preempted"),
        "{samples}"
    );
}

/// `check` reports the rejection with NP207, no longer warns of a
/// preemption the applier never makes, and says what `plan` says of the
/// same file and world: how the run ends cannot be told (stop 59 Left 3).
/// It was a sure error (exit 1) claiming the run fails, where `plan`
/// exits 255; now a "cannot tell" finding (`cannot_tell` in JSON, the
/// rule's answer `cannot-tell-when`), exit 2, `check`'s code for it.
#[test]
fn check_says_cannot_tell_with_np207_as_plan_does() {
    let d = scaled("check");
    let (code, stdout, stderr) = out(&d.run(&["check", "jobs/high.nomad"]));
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    let text = format!("{stdout}{stderr}");
    assert!(
        text.contains("NP207 [error] group \"g\" is planned as allocated, but `nomad job run` of this plan is rejected by Nomad's plan applier on node \"c-1\""),
        "{text}"
    );
    assert!(text.contains(UNTOLD), "{text}");
    assert!(
        stderr.contains("error: cannot tell: 1 finding(s) (NP207) say Nomad's answer depends on what nomad-preflight cannot know"),
        "{stderr}"
    );
    assert!(!text.contains("NP403"), "{text}");
    let (code, json, stderr) = out(&d.run(&["check", "--format", "json", "jobs/high.nomad"]));
    assert_eq!(code, Some(2), "{json}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).expect(&stderr);
    let np207: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "NP207")
        .collect();
    assert_eq!(np207.len(), 1, "{json}");
    assert_eq!(np207[0]["cannot_tell"], true, "{json}");
    // `plan` of the same file and world: the same "cannot tell".
    let (code, _, stderr) = out(&d.run(&["plan", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stderr}");
    assert!(stderr.contains(&format!("error: {UNTOLD}")), "{stderr}");
    let o = d.run(&["explain", "NP207"]);
    let explain = String::from_utf8_lossy(&o.stdout);
    assert!(
        explain.contains("Cannot tell when Nomad's plan applier rejects part of the plan"),
        "{explain}"
    );
}

/// R16-13, then stop 59 Left 3: the run step prints Nomad's monitor up to
/// the evaluation's end, which it does not print as "failed" (in the model
/// every retry is rejected until the worker's limit, but whether Nomad's
/// run gets there cannot be told, as `plan` says): one line saying so,
/// exit 255, and neither `placed` expectation holds.
#[test]
fn rehearse_run_step_says_the_evaluations_end_cannot_be_told() {
    let d = scaled("rehearse");
    let (code, stdout, stderr) = out(&d.run(&["rehearse", "--samples", "2", "rehearsals/r.hcl"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let step = stdout
        .split("$ nomad job run jobs/high.nomad\n")
        .nth(1)
        .expect("the run step");
    assert!(!step.contains("Allocation \""), "{step}");
    assert!(!step.contains("\"failed\""), "{step}");
    assert!(!step.contains("finished with status"), "{step}");
    assert!(
        step.contains(&format!("\nnomad-preflight: {UNTOLD}\n")),
        "{step}"
    );
    assert!(
        step.contains("✗ not as expected: expected every allocation is placed, but cannot tell whether task group(s) g are placed"),
        "{step}"
    );
    assert!(
        step.contains(
            "✗ not as expected: expected the command exits 0, but the command exited 255"
        ),
        "{step}"
    );
    // `placed = false` does not hold either: the failure is not known.
    d.put(
        "rehearsals/r.hcl",
        "rehearsal \"r\" {\n  description = \"scale high\"\n}\nstep \"plan\" {\n  command = \"nomad job plan jobs/high.nomad\"\n  expect {\n    placed = false\n    exit_code = 255\n  }\n}\nstep \"scale\" {\n  command = \"nomad job run jobs/high.nomad\"\n  expect {\n    placed = false\n  }\n}\n",
    );
    let (code, stdout, stderr) = out(&d.run(&["rehearse", "--samples", "0", "rehearsals/r.hcl"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(
        stdout.matches("✗ not as expected: expected some allocation cannot be placed, but cannot tell whether task group(s) g are placed").count(),
        2,
        "{stdout}"
    );
    // The plan step exits as `plan` does for it.
    assert!(
        stdout.contains("✓ as expected: the command exits 255"),
        "{stdout}"
    );
}

/// The red team's other triggers: a canary with a new image (the canary
/// placed beside the old allocation), a new job of two (w3), and a
/// two-group system job at 1.1.0 with default preemption (w6, no blocked
/// evaluation for a system job). How each run ends cannot be told (exit
/// 255, rv17 4).
#[test]
fn other_triggers_fail_the_gate() {
    let canary = job(
        "high",
        50,
        1,
        1800,
        "    update {\n      canary = 1\n    }\n",
    )
    .replace("redis:3", "redis:4");
    let d = scaled_world("canary", &canary);
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    assert!(stdout.contains("(1 canary, 1 ignore)"), "{stdout}");
    assert!(stdout.contains(WARNING), "{stdout}");

    let d = TempDir::new("applier-new-job");
    d.put(
        "rules/cluster.hcl",
        &cluster("2.0.5", &["low.nomad"], SERVICE_PREEMPTION),
    );
    d.put("jobs/low.nomad", &job("low", 20, 4, 1000, ""));
    d.put("high.nomad", &job("high", 50, 2, 1800, ""));
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    assert!(stdout.contains("(2 create)"), "{stdout}");
    assert!(stdout.contains(WARNING), "{stdout}");

    let d = TempDir::new("applier-system");
    let preempt = "    system = true\n    sysbatch = true\n    batch = false\n    service = false";
    d.put(
        "rules/cluster.hcl",
        &cluster("1.1.0", &["low.nomad"], preempt),
    );
    d.put(
        "jobs/low.nomad",
        &job("low", 20, 4, 1000, "").replace("priority = 20", "type = \"batch\"\n  priority = 20"),
    );
    let group = |g: &str| {
        format!("  group \"{g}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 100\n        memory = 1800\n      }}\n    }}\n  }}\n")
    };
    d.put(
        "sys.nomad",
        &format!(
            "job \"sys\" {{\n  datacenters = [\"dc1\"]\n  type = \"system\"\n  priority = 50\n{}{}}}\n",
            group("a"),
            group("b")
        ),
    );
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "sys.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    assert!(
        stdout.contains("rejected by Nomad's plan applier on node \"c-1\" (memory exhausted: the plan needs 4600 MB there, the node gives 4000 MB; groups \"a\", \"b\")"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(\"maximum attempts reached (5)\"), but whether"),
        "no blocked evaluation for a system job: {stdout}"
    );
}

/// Guard (passes on the baseline too): a scale-up the node holds whole is
/// planned with no warning and Nomad's exit codes.
#[test]
fn a_plan_the_node_holds_is_not_flagged() {
    let d = scaled_world("fits", &job("high", 50, 2, 1000, ""));
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "jobs/high.nomad"]));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("plan applier"), "{stdout}");
}

/// The gate over changed files (`plan --changed`, the hook's) refuses the
/// change and counts the file as cannot tell (exit 255: how the run ends
/// is not known), its markdown summary says the applier rejects the
/// group, and its JSON carries `Preflight.Applier`.
#[test]
fn the_changed_files_gate_refuses_it() {
    let d = scaled("changed");
    let (code, stdout, stderr) = out(&d.run(&["plan", "--changed", "--base", "HEAD", "--gate"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    let text = format!("{stdout}{stderr}");
    assert!(
        text.contains(
            "jobs/high.nomad `nomad job run` of this plan is rejected by Nomad's plan applier"
        ),
        "{text}"
    );
    assert!(text.contains(UNTOLD), "{text}");
    assert!(text.contains(", 1 cannot tell\n"), "{text}");
    let md = d.run(&[
        "plan",
        "--changed",
        "--base",
        "HEAD",
        "--format",
        "markdown",
    ]);
    let (_, stdout, _) = out(&md);
    assert!(
        stdout.contains("| g: rejected by Nomad's plan applier on node \"c-1\" (memory exhausted: the plan needs 4600 MB there, the node gives 4000 MB) |"),
        "{stdout}"
    );
    let json = d.run(&["plan", "--changed", "--base", "HEAD", "--format", "json"]);
    let (_, stdout, _) = out(&json);
    assert!(stdout.contains("\"Applier\""), "{stdout}");
}
