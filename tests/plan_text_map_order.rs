//! Lines of Nomad's plan text printed in Go's map order are said to be,
//! never claimed byte for byte in one order (redteam12 R12-3, R12-5): the
//! preemption summary (command/job_plan.go addPreemptions@v0.9.3 ranges
//! over `allocDetails map[string]map[namespaceIdPair]int`) and the
//! placement-failure metric lines (command/monitor.go
//! formatAllocMetrics@v0.9.3 ranges over ConstraintFiltered,
//! DimensionExhausted ...). A `note:` on stderr and
//! `Preflight.Nondeterminism`, as the diff's map-ordered objects have;
//! stdout stays one order.

use crate::common;

use common::TempDir;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("json")
}

fn nondeterminism(v: &serde_json::Value) -> Vec<String> {
    v["Preflight"]["Nondeterminism"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

const CLIENT: &str = "  datacenter = \"dc1\"\n  cpu        = 8000\n  disk       = 100000\n  drivers    = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n";

fn job(name: &str, ty: &str, priority: u32, count: u32, memory: u32, group: &str) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  type = \"{ty}\"\n  priority = {priority}\n  group \"g\" {{\n    count = {count}\n{group}    ephemeral_disk {{ size = 150 }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 20\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// One 4000 MB client full of three priority-10 jobs' 300 MB allocations
/// (`jobs` of them, `types` cycling), and `high` needing 3900 MB.
fn preemption_world(tag: &str, lows: &[(&str, &str)]) -> TempDir {
    let d = TempDir::new(tag);
    let running: Vec<String> = lows
        .iter()
        .map(|(n, _)| format!("\"jobs/{n}.nomad\""))
        .collect();
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"0.9.3\"\nregion = \"global\"\nedition = \"enterprise\"\nsentinel = \"none\"\nscheduler {{\n  preemption {{\n    system  = true\n    service = true\n    batch   = true\n  }}\n}}\nclient \"c\" {{\n  count = 1\n  memory = 4000\n{CLIENT}}}\nrunning = [{}]\n",
            running.join(", ")
        ),
    );
    let per = 12 / lows.len() as u32;
    for (n, ty) in lows {
        d.put(&format!("jobs/{n}.nomad"), &job(n, ty, 10, per, 300, ""));
    }
    d.put("high.nomad", &job("high", "service", 80, 1, 3900, ""));
    d
}

const PREEMPTION_NOTE: &str = "note: Preemptions: the order of its 3 summary rows is random in Nomad: command/job_plan.go (addPreemptions) prints them as it ranges over Go maps of the preempted allocations by job type, then by job (odds not established here); the plan shows them sorted by job ID and namespace\n";

/// Fails on 2606c50: no note, nothing in `Preflight.Nondeterminism`.
#[test]
fn the_preemption_summary_rows_are_said_to_be_in_go_map_order() {
    let d = preemption_world(
        "mo-pre",
        &[("low1", "service"), ("low2", "service"), ("low3", "batch")],
    );
    let o = d.run(&["plan", "high.nomad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("\nJob ID  Namespace  Job Type  Preemptions\nlow1    default    service   4\nlow2    default    service   4\nlow3    default    batch     4\n"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stderr).contains(PREEMPTION_NOTE),
        "{}",
        text(&o.stderr)
    );
    let v = json(&d.run(&["plan", "--format", "json", "high.nomad"]));
    let notes = nondeterminism(&v);
    assert!(
        notes
            .iter()
            .any(|n| format!("note: {n}\n") == PREEMPTION_NOTE),
        "{notes:?}"
    );
}

/// Guard (passes before and after): a one-row summary has one order.
#[test]
fn a_one_row_summary_has_no_order_note() {
    let d = preemption_world("mo-pre1", &[("low1", "service")]);
    let o = d.run(&["plan", "high.nomad"]);
    assert!(
        text(&o.stdout).contains("\nlow1    default    service   12\n"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        !text(&o.stderr).contains("summary rows"),
        "{}",
        text(&o.stderr)
    );
}

fn distinct_property_world(tag: &str, racks: &[&str]) -> TempDir {
    let d = TempDir::new(tag);
    let mut cluster = "nomad_version = \"0.9.3\"\nregion = \"global\"\nrunning = []\n".to_string();
    for (i, rack) in racks.iter().enumerate() {
        cluster.push_str(&format!(
            "client \"c{i}\" {{\n  count = 1\n  memory = 8000\n{CLIENT}  meta = {{ rack = \"{rack}\" }}\n}}\n"
        ));
    }
    d.put("rules/cluster.hcl", &cluster);
    let constraint = "    constraint {\n      operator  = \"distinct_property\"\n      attribute = \"${meta.rack}\"\n      value     = \"1\"\n    }\n";
    d.put("dp.nomad", &job("dp", "service", 50, 4, 10, constraint));
    d
}

const METRIC_NOTE: &str = "note: group \"g\": the order of its 2 constraint filter lines is random in Nomad: command/monitor.go (formatAllocMetrics) prints them as it ranges over the Go map ConstraintFiltered (odds not established here); the plan shows them sorted\n";

/// Fails on 2606c50: no note, nothing in `Preflight.Nondeterminism`.
#[test]
fn metric_lines_of_one_go_map_are_said_to_be_in_its_order() {
    let d = distinct_property_world("mo-dp", &["r1", "r1", "r2"]);
    let o = d.run(&["plan", "dp.nomad"]);
    assert!(
        text(&o.stdout).contains("    * Constraint \"distinct_property: ${meta.rack}=r1 used by 1 allocs\" filtered 2 nodes\n    * Constraint \"distinct_property: ${meta.rack}=r2 used by 1 allocs\" filtered 1 nodes\n"),
        "{}",
        text(&o.stdout)
    );
    assert!(text(&o.stderr).contains(METRIC_NOTE), "{}", text(&o.stderr));
    let v = json(&d.run(&["plan", "--format", "json", "dp.nomad"]));
    assert!(
        nondeterminism(&v)
            .iter()
            .any(|n| format!("note: {n}\n") == METRIC_NOTE),
        "{v}"
    );
}

/// Guard (passes before and after): one constraint line has one order.
#[test]
fn one_metric_line_per_map_has_no_order_note() {
    let d = distinct_property_world("mo-dp1", &["r1", "r1"]);
    let o = d.run(&["plan", "dp.nomad"]);
    assert!(
        text(&o.stdout).contains("    * Constraint \"distinct_property: ${meta.rack}=r1 used by 1 allocs\" filtered 2 nodes\n\n"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        !text(&o.stderr).contains("lines is random"),
        "{}",
        text(&o.stderr)
    );
}

/// `status job` prints the same metric lines under `Placement Failure`
/// (command/job_status.go outputFailedPlacements, through
/// formatAllocMetrics), and a rehearsal's `nomad job run` monitor and
/// `nomad job status` print them too: each says the order is random, as
/// `plan` does (a `note:`, on stderr for `status`, under the step's text
/// for `rehearse`). Fails on the baseline: no note.
#[test]
fn status_and_rehearsal_say_their_metric_lines_are_in_go_map_order() {
    let d = distinct_property_world("mo-status", &["r1", "r1", "r2"]);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("world");
    d.put(
        "rules/cluster.hcl",
        &cluster.replace("running = []", "running = [\"dp.nomad\"]"),
    );
    let o = d.run(&["status", "job", "dp"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Placement Failure\nTask Group \"g\":\n  * Constraint \"distinct_property: ${meta.rack}=r1 used by 1 allocs\" filtered 2 nodes\n  * Constraint \"distinct_property: ${meta.rack}=r2 used by 1 allocs\" filtered 1 nodes\n"),
        "{}",
        text(&o.stdout)
    );
    assert!(text(&o.stderr).contains(METRIC_NOTE), "{}", text(&o.stderr));
    // A rehearsal that runs it in a world where it does not run yet.
    d.put("rules/cluster.hcl", &cluster);
    d.put(
        "rehearsals/demo.hcl",
        "rehearsal \"mo\" {\n  description = \"map order\"\n}\nstep \"run\" {\n  command = \"nomad job run dp.nomad\"\n  expect {\n    output_contains = \"Task Group\"\n  }\n}\nstep \"status\" {\n  command = \"nomad job status dp\"\n  expect {\n    output_contains = \"Placement Failure\"\n  }\n}\n",
    );
    let o = d.run(&["rehearse", "--samples", "0", "rehearsals/demo.hcl"]);
    let out = text(&o.stdout);
    assert_eq!(
        out.matches(METRIC_NOTE).count(),
        2,
        "{out}{}",
        text(&o.stderr)
    );
}

/// A rehearsal's JSON carries what its text's `note:` lines say of random
/// orders, as `plan`'s `Preflight.Nondeterminism` does: the preemption
/// summary's map order, and a diff list whose order Nomad draws (which the
/// rehearsal's text did not say either). Fails on cb9694e8: no
/// `nondeterminism` in the steps, no diff-order note in the text.
#[test]
fn a_rehearsal_says_its_random_orders_in_text_and_json() {
    let d = preemption_world(
        "mo-reh",
        &[("low1", "service"), ("low2", "service"), ("low3", "batch")],
    );
    // A new job whose two constraints (its own and the one its service
    // implies) no sort orders: the plan's diff draws their order.
    d.put(
        "web.nomad",
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    constraint {\n      attribute = \"${attr.kernel.name}\"\n      value = \"linux\"\n    }\n    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"web\"\n      port = \"http\"\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"redis:3\" }\n      resources {\n        cpu = 20\n        memory = 30\n      }\n    }\n  }\n}\n",
    );
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("world");
    d.put(
        "rules/cluster.hcl",
        &cluster.replace("nomad_version = \"0.9.3\"", "nomad_version = \"2.0.5\""),
    );
    let plan = d.run(&["plan", "--format", "json", "web.nomad"]);
    let diff_notes = nondeterminism(&json(&plan));
    assert!(
        diff_notes
            .iter()
            .any(|n| n.contains("Constraint diffs is random")),
        "{diff_notes:?}{}",
        text(&plan.stderr)
    );
    d.put(
        "rehearsals/demo.hcl",
        "rehearsal \"mo\" {\n  description = \"random orders\"\n}\nstep \"preempt\" {\n  command = \"nomad job plan high.nomad\"\n  expect {\n    output_contains = \"Preemptions\"\n  }\n}\nstep \"web\" {\n  command = \"nomad job plan web.nomad\"\n  expect {\n    output_contains = \"Task Group\"\n  }\n}\n",
    );
    let o = d.run(&["rehearse", "--samples", "0", "rehearsals/demo.hcl"]);
    let out = text(&o.stdout);
    assert!(out.contains(PREEMPTION_NOTE), "{out}");
    for n in &diff_notes {
        assert!(out.contains(&format!("note: {n}\n")), "{n}\n{out}");
    }
    let o = d.run(&[
        "rehearse",
        "--samples",
        "0",
        "--format",
        "json",
        "rehearsals/demo.hcl",
    ]);
    let v = json(&o);
    let step = |i: usize| -> Vec<String> {
        v["steps"][i]["nondeterminism"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        step(0)
            .iter()
            .any(|n| format!("note: {n}\n") == PREEMPTION_NOTE),
        "{v}"
    );
    assert_eq!(step(1), diff_notes, "{v}");
}
