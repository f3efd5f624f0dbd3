//! redteam18 R18-C1: the hook's `check --staged` passed a change the plan
//! gate refuses. Nomad shuffles the nodes at every evaluation
//! (scheduler/stack.go v0.9.3:68, feasible/stack.go v2.0.5:82), so where
//! the running jobs' allocations sit, and whether a second `carts` of
//! 1728 MB finds a node, depends on the cluster's history: NP207 samples
//! the same node shuffles as the gate and both refuse.

use crate::common::{git, run_in, TempDir};

/// The demo's monitor step committed (monitoring in namespace `monitor`,
/// priority 41, so nothing of sockshop can preempt it, running beside
/// sockshop and the UI) at `version`, then `carts` count 1 -> 2 with
/// `memory` MB for its first task, staged.
fn monitor_step(tag: &str, version: &str, memory: &str) -> TempDir {
    let d = TempDir::demo(tag);
    let edit = |rel: &str, from: &str, to: &str| {
        let p = d.0.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "jobs/monitoring.nomad",
        "#namespace= \"monitor\"",
        "namespace = \"monitor\"",
    );
    edit(
        "jobs/monitoring.nomad",
        "priority    = 10",
        "priority    = 41",
    );
    edit(
        "rules/cluster.hcl",
        "  \"jobs/sockshopui.nomad\",",
        "  \"jobs/sockshopui.nomad\",\n  \"jobs/monitoring.nomad\",",
    );
    edit(
        "rules/cluster.hcl",
        "nomad_version = \"0.9.3\"",
        &format!("nomad_version = \"{version}\""),
    );
    d.put("rules/namespaces/monitor.hcl", "name = \"monitor\"\n");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "monitor step"]);
    let p = d.0.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&p).unwrap();
    let (head, carts) = text.split_once("group \"carts\"").unwrap();
    let carts = carts.replacen("count = 1", "count = 2", 1).replacen(
        "memory = 1024",
        &format!("memory = {memory}"),
        1,
    );
    std::fs::write(&p, format!("{head}group \"carts\"{carts}")).unwrap();
    git(&d.0, &["add", "jobs/sockshop.nomad"]);
    d
}

/// The NP207 finding about carts that the sampled histories give.
fn carts_refused(out: &str) -> bool {
    let flat = crate::common::flat(out);
    flat.contains("NP207")
        && flat.contains("group \"carts\" is placed in this evaluation, but it fails in")
        && flat.contains("% of 100 node shuffles")
}

#[test]
fn check_refuses_what_the_gate_refuses_over_node_shuffles() {
    for version in ["0.9.3", "1.6.0", "2.0.5"] {
        let d = monitor_step(&format!("hist-shuffle-{version}"), version, "1600");
        let staged = run_in(&d.0, &["--no-color", "check", "--staged"]);
        assert_eq!(
            staged.code, 1,
            "{version}: {}{}",
            staged.stdout, staged.stderr
        );
        assert!(
            carts_refused(&staged.stdout),
            "{version}: {}",
            staged.stdout
        );
        let file = run_in(&d.0, &["--no-color", "check", "jobs/sockshop.nomad"]);
        assert_eq!(file.code, 1, "{version}: {}{}", file.stdout, file.stderr);
        assert!(carts_refused(&file.stdout), "{version}: {}", file.stdout);
        let base = run_in(&d.0, &["--no-color", "check", "--base", "HEAD"]);
        assert!(carts_refused(&base.stdout), "{version}: {}", base.stdout);
        let gate = run_in(
            &d.0,
            &["--no-color", "plan", "--changed", "--gate", "--staged"],
        );
        assert_eq!(gate.code, 1, "{version}: {}{}", gate.stdout, gate.stderr);
        assert!(
            crate::common::flat(&gate.stdout).contains("(group \"carts\") unplaced in"),
            "{version}: {}",
            gate.stdout
        );
    }
}

/// Carts 1 -> 2 at 1200 MB in the same world. The room bound cannot
/// show it fits after every history (1328 MB beside 8656 MB of running
/// allocations on three 3951 MB clients; at its own 1024 MB it does since
/// the bound arranges whole allocations, corpus28), so NP207 and the gate
/// sample; no sampled history fails it, so both pass, but not silently
/// (R22-A-2): they sample 1,000 shuffles and say that none failing bounds
/// the share under 0.3% at 95% confidence, in one line and in the JSON;
/// `plan FILE --gate --samples N` buys a tighter bound. (The baseline
/// passed with nothing said.)
#[test]
fn a_pass_over_samples_says_their_bound() {
    let d = monitor_step("hist-shuffle-fits", "0.9.3", "1200");
    let bound = "in none of 1000 node shuffles sampled, so in under 0.3% of them at 95% confidence (rule of three)";
    let staged = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(staged.code, 0, "{}{}", staged.stdout, staged.stderr);
    let flat = crate::common::flat(&staged.stdout);
    assert!(
        flat.contains("NP207 [advice] an allocation of job \"sockshop\" is left unplaced")
            && flat.contains(bound),
        "{}",
        staged.stdout
    );
    let js = run_in(
        &d.0,
        &["--no-color", "check", "--staged", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&js.stdout).expect("JSON");
    let np207 = v["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "NP207"))
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(np207["severity"], "advice");
    assert_eq!(np207["sampled"]["Samples"], 1000, "{np207:#}");
    assert_eq!(np207["sampled"]["Failures"], 0, "{np207:#}");
    assert_eq!(np207["sampled"]["Bound"], 0.003, "{np207:#}");
    let gate = run_in(
        &d.0,
        &["--no-color", "plan", "--changed", "--gate", "--staged"],
    );
    assert_eq!(gate.code, 0, "{}{}", gate.stdout, gate.stderr);
    assert!(
        gate.stdout.lines().any(|l| l.starts_with(
            "==> note: jobs/sockshop.nomad passes the policy over samples only: protected job \"sockshop\""
        ) && l.contains(bound)),
        "{}",
        gate.stdout
    );
    let gj = run_in(
        &d.0,
        &[
            "--no-color",
            "plan",
            "--changed",
            "--gate",
            "--staged",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&gj.stdout).expect("JSON");
    assert_eq!(v["Plans"][0]["PolicySampled"]["Samples"], 1000, "{v:#}");
    assert_eq!(gj.code, 0);
    // `--samples 1500` buys the file gate a tighter bound, and the
    // outcomes' `certain` says its own (sockshop's six groups may be
    // sampled 1,666 times at most: the sampling budget).
    let file = run_in(
        &d.0,
        &[
            "--no-color",
            "plan",
            "jobs/sockshop.nomad",
            "--gate",
            "--samples",
            "1500",
        ],
    );
    assert_eq!(file.code, 0, "{}{}", file.stdout, file.stderr);
    let tighter = "in none of 1500 node shuffles sampled, so in under 0.2% of them";
    assert!(
        file.stderr.lines().any(|l| l
            .starts_with("note: jobs/sockshop.nomad passes the policy over samples only")
            && l.contains(tighter)),
        "{}",
        file.stderr
    );
    assert!(
        file.stdout.contains(&format!(
            "note: an allocation of job \"sockshop\" is left unplaced {tighter}"
        )),
        "{}",
        file.stdout
    );
}

/// `plan --changed --gate --samples N` buys the change gate the tighter
/// bound `plan FILE --gate --samples N` buys (the policy's resample takes
/// `asked`); np65 refused the flag beside --changed (a usage error).
#[test]
fn the_change_gate_takes_samples_for_a_tighter_bound() {
    let d = monitor_step("hist-shuffle-changed-samples", "0.9.3", "1200");
    let gate = run_in(
        &d.0,
        &[
            "--no-color",
            "plan",
            "--changed",
            "--gate",
            "--staged",
            "--samples",
            "1500",
        ],
    );
    assert_eq!(gate.code, 0, "{}{}", gate.stdout, gate.stderr);
    let tighter = "in none of 1500 node shuffles sampled, so in under 0.2% of them";
    assert!(
        gate.stdout.lines().any(|l| l
            .starts_with("==> note: jobs/sockshop.nomad passes the policy over samples only")
            && l.contains(tighter)),
        "{}",
        gate.stdout
    );
}
