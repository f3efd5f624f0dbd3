//! Plans whose scheduling panics the Nomad server (src/scheduler/
//! server_crash.rs; red team rt14c R14-20, R14-21, R14-22). Job.Plan runs
//! the scheduler in the leader's RPC goroutine and nothing recovers the
//! panic, so `nomad job plan` gets no plan: we printed "All tasks
//! successfully allocated" with the preemptions (exit 1). Each case is
//! planned at the last release with the panic (cannot tell, exit 255) and
//! at the first with the fix (the plan as before).
//!
//! Fixtures: tests/fixtures/server-crash/ (the red team's p3, p4, p5; and
//! p4-two, p4 with a second victim).

use crate::common;

fn fixture(case: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/server-crash")
        .join(case)
}

/// The fixture `case` in a temp dir, its world at Nomad `version`.
fn project(case: &str, version: &str) -> common::TempDir {
    project_as("", case, version)
}

/// The same, in a temp dir of its own for a test that plans a case and
/// release another test plans too (one dir per tag and process: two
/// tests running at once would remove each other's files).
fn project_as(tag: &str, case: &str, version: &str) -> common::TempDir {
    let d = common::TempDir::new(&format!("server-crash-{tag}{case}-{version}"));
    common::copy_dir(&fixture(case), &d.0);
    let cluster = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&cluster).unwrap_or_default();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("nomad_version") {
                format!("nomad_version = \"{version}\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    d.put("rules/cluster.hcl", &text);
    d
}

/// p3 at `version`: sys (system, priority 50: group `a` at image x:1)
/// registered as committed, then edited (a's image x:2, a new group `b`
/// of 2000 MB that preempts `low` on the one client).
fn p3(version: &str) -> common::TempDir {
    edited("p3", "sys", version)
}

/// The fixture `case` at `version` with `jobs/JOB.nomad` committed as
/// `JOB-before.nomad` says (the registered version) and edited as the
/// fixture's own.
fn edited(case: &str, job: &str, version: &str) -> common::TempDir {
    let d = project(case, version);
    let file = format!("jobs/{job}.nomad");
    let before =
        std::fs::read_to_string(d.0.join(format!("{job}-before.nomad"))).unwrap_or_default();
    let after = std::fs::read_to_string(d.0.join(&file)).unwrap_or_default();
    d.put(&file, &before);
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "init"]);
    d.put(&file, &after);
    d
}

/// `plan FILE` panics the server at `version`: one line, exit 255, no
/// plan on stdout; the JSON says it with the issue; `check` says it
/// (NP225, exit 2).
fn crashes(d: &common::TempDir, file: &str, job: &str, version: &str, issue: &str, fixed: &str) {
    let o = d.run(&["plan", file]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{version}: {err}");
    assert!(
        o.stdout.is_empty(),
        "{version}: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let head = format!(
        "error: cannot tell what `nomad job plan` prints for job \"{job}\": Nomad {version}'s server panics on this plan ("
    );
    let line = err
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_default();
    assert!(line.starts_with(&head), "{version}: {err}");
    assert!(
        line.ends_with(&format!("{issue}, fixed in {fixed}), so `nomad job plan` gets no plan (the leader's process dies, or its agent drops the connection)")),
        "{version}: {err}"
    );
    assert!(!err.contains("successfully allocated"), "{err}");

    let o = d.run(&["plan", file, "--format", "json"]);
    assert_eq!(o.status.code(), Some(255), "{version}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["ServerCrash"]["Issue"], issue, "{v}");
    assert_eq!(v["Preflight"]["ServerCrash"]["Answers"], false, "{v}");
    assert_eq!(v["Preflight"]["Error"], line, "{v}");
    assert!(
        v.get("Diff").is_none() && v.get("Annotations").is_none(),
        "{v}"
    );

    let o = d.run(&["check", file]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{version}: {out}");
    let finding = format!("NP225 [error] {}", line.trim_start_matches("error: "));
    assert!(out.contains(&finding), "{version}: {out}");
}

/// `plan FILE` at `version` is the plan Nomad prints: placed, preempting
/// `victims` allocations (exit 1).
fn plans(d: &common::TempDir, file: &str, version: &str, victims: usize) {
    let o = d.run(&["plan", file]);
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{version}: {out}{err}");
    assert!(
        out.contains("- All tasks successfully allocated."),
        "{version}: {out}"
    );
    assert!(!err.contains("server panics"), "{version}: {err}");
    let o = d.run(&["plan", file, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let n = v["Annotations"]["PreemptedAllocs"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(n, victims, "{version}: {v}");
    assert!(v["Preflight"].get("ServerCrash").is_none(), "{v}");
}

// Fails on main cb9694e8: the plan was printed (exit 1). R14-20: the
// system scheduler stops the old `a` first (evictAndPlace), places `b`
// (preempting `low`), then ranks the node again for the new `a`:
// ProposedAllocs' second RemoveAllocs reads a nil (scheduler/context.go
// v0.9.3:110-145).
#[test]
fn a_plan_stopping_and_preempting_on_one_node_panics_0_9_and_0_10() {
    for version in ["0.9.3", "0.9.6", "0.10.1"] {
        crashes(
            &p3(version),
            "jobs/sys.nomad",
            "sys",
            version,
            "hashicorp/nomad#6787",
            "0.9.7 and 0.10.2",
        );
    }
}

// Fails on main cb9694e8: the plan was printed (exit 1). The same panic
// in the service scheduler under Enterprise preemption: `web` (count 1 to
// 3, image x:1 to x:2) stops its old allocation with the first
// placement's select (generic_sched.go v0.9.3:464-467), the second
// preempts `low`, the third ranks the node again.
#[test]
fn a_service_update_stopping_and_preempting_on_one_node_panics_0_9_3_ent() {
    crashes(
        &edited("gen-ent", "web", "0.9.3"),
        "jobs/web.nomad",
        "web",
        "0.9.3",
        "hashicorp/nomad#6787",
        "0.9.7 and 0.10.2",
    );
    plans(
        &edited("gen-ent", "web", "0.9.7"),
        "jobs/web.nomad",
        "0.9.7",
        1,
    );
}

// A guard (passes on main): from 0.9.7 and 0.10.2 (6112ad9f) the same
// plan is Nomad's plan again.
#[test]
fn the_same_plan_is_placed_from_the_fix() {
    for version in ["0.9.7", "0.10.2"] {
        plans(&p3(version), "jobs/sys.nomad", version, 1);
    }
}

// Fails on main cb9694e8: the plan was printed (exit 1). R14-21, with
// two victims: the group network's two static ports are held by `low`
// and `low2`; RemoveAllocs leaves two nils in the ranked node's cached
// list, the placement's own allocation refills one, and the job
// anti-affinity iterator reads the other (scheduler/rank.go
// v1.1.6:294, 480, 564-581).
#[test]
fn preempting_two_allocations_for_ports_panics_before_1_0_13_and_1_1_7() {
    for version in ["1.0.0", "1.0.12", "1.1.6"] {
        crashes(
            &project("p4-two", version),
            "jobs/high.nomad",
            "high",
            version,
            "hashicorp/nomad#11342",
            "1.0.13, 1.1.7 and 1.2.0",
        );
    }
}

// A guard (passes on main): fixed by 6d35e2fb in 1.0.13, 1.1.7, 1.2.0.
#[test]
fn preempting_two_for_ports_is_placed_from_the_fix() {
    for version in ["1.0.13", "1.1.7", "1.2.0"] {
        plans(&project("p4-two", version), "jobs/high.nomad", version, 2);
    }
}

// A guard (passes on main): the red team's p4 preempts ONE allocation.
// RemoveAllocs leaves one nil at the end of the cached list, and
// `proposed = append(proposed, <the placement>)` (rank.go v1.1.6:480)
// writes into that very slot (the slice keeps the cached array, whose
// capacity is its length: context.go `make(..., 0, len(proposedIDs))`),
// so the anti-affinity iterator reads no nil: Nomad's changelog says "a
// panic that may occur when preempting multiple allocations on the same
// node" (1.1.7, GH-11346). The plan is Nomad's.
#[test]
fn preempting_one_allocation_for_a_port_is_nomads_plan_at_1_1_6() {
    plans(&project("p4", "1.1.6"), "jobs/high.nomad", "1.1.6", 1);
}

// Fails on main cb9694e8: the plan was printed (exit 1). R14-22: the
// system job's port is held by `low` (priority 10); `mid` (priority 50,
// no network) cannot be preempted and PreemptForNetwork reads its
// `networks[0]` (scheduler/preemption.go v0.9.2:301-306).
#[test]
fn a_networkless_allocation_beside_a_network_preemption_panics_before_0_9_3() {
    for version in ["0.9.0", "0.9.2"] {
        crashes(
            &project("p5", version),
            "jobs/sys.nomad",
            "sys",
            version,
            "hashicorp/nomad#5793",
            "0.9.3",
        );
    }
}

// A guard (passes on main): fixed in 0.9.3 (d342a24b).
#[test]
fn a_networkless_allocation_is_skipped_from_0_9_3() {
    plans(&project("p5", "0.9.3"), "jobs/sys.nomad", "0.9.3", 1);
}

// Fails on main cb9694e8 (it counted the placement). `--samples` never
// counts a draw that panics the server as a placement.
#[test]
fn samples_count_the_panic_not_a_placement() {
    let d = project_as("samples-", "p4-two", "1.1.6");
    let o = d.run(&["plan", "jobs/high.nomad", "--samples", "5"]);
    let all = common::output_text(&o);
    assert!(!all.contains("every allocation is placed"), "{all}");
    assert!(!all.contains("successfully allocated"), "{all}");
}
