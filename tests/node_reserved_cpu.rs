//! redteam8 I4: from 1.7.0 to 1.8.1 (Enterprise to 1.7.9) Nomad takes a
//! client's reserved cpu off twice. The client's usable compute
//! (`cpu.usablecompute`: the total less `reserved { cpu }`, unless the
//! agent sets `cpu_total_compute`) was the node's cpu in
//! `NodeResources.Comparable` (nomad/structs/structs.go:3185@v1.7.0 to
//! v1.8.1), and `AllocsFit` subtracts `ReservedResources` again
//! (nomad/structs/funcs.go:174-175). 8f80bd505f (#23386) fixed it in 1.8.2
//! and Enterprise 1.7.10. We fitted `total - reserved` at every release: a
//! plan Nomad refuses ("Dimension \"cpu\" exhausted") passed.
//!
//! The world: one 4000 MHz client reserving 500 MHz and running a 100 MHz
//! allocation; the job asks 3200 MHz. Nomad 1.8.1 fits 4000 - 500 - 500 -
//! 100 = 2900 there; 1.8.2 fits 3400.

use std::path::PathBuf;

use crate::common::{self, one_node, TempDir};

const EXHAUSTED: &str =
    "    * Resources exhausted on 1 nodes\n    * Dimension \"cpu\" exhausted on 1 nodes\n";
const PLACED: &str = "- All tasks successfully allocated.";

/// Releases that subtract the reserved cpu twice, and releases that do not.
const TWICE: &[&str] = &["1.7.0", "1.7.7", "1.7.9+ent", "1.8.0", "1.8.1"];
const ONCE: &[&str] = &["1.6.10", "1.7.10+ent", "1.8.2", "1.9.0", "2.0.5"];

fn world(tag: &str, version: &str, attributes: &str) -> TempDir {
    let tmp = TempDir::new(&format!("reserved-cpu-{tag}"));
    let lines = format!("{attributes}  reserved {{\n    cpu = 500\n  }}\n");
    tmp.put(
        "rules/cluster.hcl",
        &one_node::cluster(version, 4000, &lines),
    );
    tmp.put("jobs/old.nomad", &one_node::redis_job("old", "", 100, ""));
    tmp.put(
        "placing.nomad",
        &one_node::redis_job("placing", "", 3200, ""),
    );
    tmp
}

fn run(tmp: &TempDir, args: &[&str]) -> common::Out {
    let rules = tmp.0.join("rules").to_string_lossy().into_owned();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--world", rules.as_str()]);
    common::run_in(&tmp.0, &all)
}

fn plan(tmp: &TempDir, json: bool) -> common::Out {
    let mut args = vec!["plan", "--no-color", "placing.nomad"];
    if json {
        args.extend(["--format", "json"]);
    }
    run(tmp, &args)
}

fn exhausted_cpu(out: &common::Out) -> serde_json::Value {
    let plan: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", out.stdout, out.stderr));
    plan["FailedTGAllocs"]["web"]["DimensionExhausted"]["cpu"].clone()
}

#[test]
fn a_written_client_fits_its_reserved_cpu_less_again_until_1_8_2() {
    for v in TWICE {
        let tmp = world("twice", v, "");
        let out = plan(&tmp, false);
        assert!(
            out.stdout.contains(EXHAUSTED),
            "{v}: {}{}",
            out.stdout,
            out.stderr
        );
        assert!(!out.stdout.contains(PLACED), "{v}: {}", out.stdout);
        assert_eq!(out.code, 1, "{v}");
        assert_eq!(exhausted_cpu(&plan(&tmp, true)), 1, "{v}");
    }
    for v in ONCE {
        let tmp = world("once", v, "");
        let out = plan(&tmp, false);
        assert!(
            out.stdout.contains(PLACED),
            "{v}: {}{}",
            out.stdout,
            out.stderr
        );
        assert!(exhausted_cpu(&plan(&tmp, true)).is_null(), "{v}");
    }
}

/// A guard (passes before the fix too): a client whose agent sets
/// `cpu_total_compute` reports its usable compute as the whole
/// (numalib/topology.go:199-205@v1.7.0), so nothing is withheld twice; the
/// world says so with the attribute the client reports.
#[test]
fn a_client_reporting_its_usable_compute_whole_loses_nothing_twice() {
    let attrs = "  attributes = {\n    \"cpu.usablecompute\" = \"4000\"\n  }\n";
    let tmp = world("override", "1.8.1", attrs);
    let out = plan(&tmp, false);
    assert!(out.stdout.contains(PLACED), "{}{}", out.stdout, out.stderr);
}

/// `status usage` and `check` count what the plan fits; `status node`
/// keeps Nomad's own figure (total less reserved, command/node_status.go
/// `computeNodeTotalResources`), which the double subtraction never showed.
#[test]
fn usage_and_check_count_the_cpu_the_plan_fits() {
    let tmp = world("status", "1.8.1", "");
    let usage = run(&tmp, &["status", "usage"]);
    assert!(
        usage
            .stdout
            .contains("100 / 3000 MHz (500 MHz more withheld"),
        "{}{}",
        usage.stdout,
        usage.stderr
    );
    let node = run(&tmp, &["status", "node", "node-1"]);
    assert!(
        node.stdout.contains("100/3500 MHz"),
        "{}{}",
        node.stdout,
        node.stderr
    );
    let check = run(&tmp, &["check", "placing.nomad"]);
    let text = common::flat(&format!("{}{}", check.stdout, check.stderr));
    assert!(
        text.contains("cannot fit on any client: cpu 3200 MHz > 3000 MHz"),
        "{text}"
    );
    let tmp = world("status-once", "1.8.2", "");
    let usage = run(&tmp, &["status", "usage"]);
    assert!(
        usage.stdout.contains("100 / 3500 MHz\n"),
        "{}",
        usage.stdout
    );
}

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs")
        .join(case)
}

fn plan_import(case: &str, version: &str) -> common::Out {
    let dir = fixture(case);
    let world = dir.to_string_lossy().into_owned();
    let job = dir.join("placing.nomad").to_string_lossy().into_owned();
    common::run_in(
        &dir,
        &[
            "plan",
            "--no-color",
            "--world",
            &world,
            "--nomad-version",
            version,
            &job,
        ],
    )
}

/// An imported node carries its total as `NodeResources.Cpu.CpuShares`
/// and its usable compute as `cpu.usablecompute` (3500 of 4000 with 500
/// reserved): at 1.8.1 3000 MHz fit, so 3200 does not; the same after
/// `import --write`. The same client with `cpu_total_compute` (usable
/// 4000) fits it (a guard).
#[test]
fn an_imported_client_fits_its_usable_compute_less_reserved_until_1_8_2() {
    let out = plan_import("reserved-cpu", "1.8.1");
    assert!(
        out.stdout.contains(EXHAUSTED),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let out = plan_import("reserved-cpu", "1.8.2");
    assert!(out.stdout.contains(PLACED), "{}{}", out.stdout, out.stderr);
    let out = plan_import("reserved-cpu-total-compute", "1.8.1");
    assert!(out.stdout.contains(PLACED), "{}{}", out.stdout, out.stderr);
    let dir = fixture("reserved-cpu");
    let (tmp, rules) = common::written_import(&dir, "reserved-cpu", &["placing.nomad"]);
    let out = common::run_in(
        &tmp.0,
        &[
            "plan",
            "--no-color",
            "--world",
            &rules.to_string_lossy(),
            "placing.nomad",
        ],
    );
    assert!(
        out.stdout.contains(EXHAUSTED),
        "{}{}",
        out.stdout,
        out.stderr
    );
}
