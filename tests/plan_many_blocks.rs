//! redteam11 R11-11: a job with a thousand `port` or `constraint` blocks
//! plans at once. Nomad builds those diffs from Go maps and sorts them
//! with `ObjectDiff.Less` (nomad/structs/diff.go `portDiffs`,
//! `primitiveObjectSetDiff`@v2.0.5); whether that sort orders them was
//! decided over every triple (n³: a thousand ports took a minute), and
//! the objects' names for the note over every field of every object.
//! The outputs are asserted here, the time lives in benches.

use crate::common;

use common::{run_in as run, TempDir};
use serde_json::Value;

const WORLD: &str = r#"nomad_version = "2.0.5"
edition = "community"
region = "global"
client "c" {
  count = 3
  datacenter = "dc1"
  cpu = 8000
  memory = 16000
  disk = 50000
  drivers = ["docker"]
  attributes = { "kernel.name" = "linux" }
}
running = []
"#;

/// A new job whose group holds `blocks`.
fn job(blocks: &str) -> String {
    format!(
        "job \"dyn\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{blocks}    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"busybox:1\" }}\n      resources {{\n        cpu = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan_json(tag: &str, job: &str) -> (common::Out, Value) {
    let dir = TempDir::new(&format!("many-blocks-{tag}"));
    dir.put("rules/cluster.hcl", WORLD);
    dir.put("jobs/dyn.nomad", job);
    let out = run(
        &dir.0,
        &["plan", "--no-color", "jobs/dyn.nomad", "--format", "json"],
    );
    let v = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    (out, v)
}

fn order_notes(v: &Value) -> Vec<String> {
    v["Preflight"]["Nondeterminism"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|n| n.contains("ObjectDiff.Less"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The labels of the group network's dynamic ports, in the diff's order.
fn port_labels(v: &Value) -> Vec<String> {
    let net = v["Diff"]["TaskGroups"][0]["Objects"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["Name"] == "Network"))
        .cloned()
        .unwrap_or_default();
    net["Objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|o| o["Name"] == "Dynamic Port")
                .filter_map(|o| {
                    o["Fields"]
                        .as_array()?
                        .iter()
                        .find(|f| f["Name"] == "Label")?["New"]
                        .as_str()
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A thousand dynamic ports differ only in their labels: `Less` orders
/// them (bytewise: p0, p1, p10, p100, ...), so the plan has one order and
/// no note, and all are placed.
#[test]
fn a_thousand_ports_plan_in_less_order() {
    let ports: String = (0..1000)
        .map(|i| format!("      port \"p{i}\" {{}}\n"))
        .collect();
    let (out, v) = plan_json("ports", &job(&format!("    network {{\n{ports}    }}\n")));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let labels = port_labels(&v);
    let mut want: Vec<String> = (0..1000).map(|i| format!("p{i}")).collect();
    want.sort();
    assert_eq!(labels, want);
    assert!(order_notes(&v).is_empty(), "{:?}", order_notes(&v));
    assert_eq!(v["FailedTGAllocs"], Value::Null, "{v}");
}

/// A thousand constraints that `Less` does not order, whose attributes
/// and values are distinct but for the last one's (each repeats an
/// earlier one's): the note says the order is random and, no field
/// telling them apart, names them by position. Naming them took a pass
/// over all values per field of every object, each n² (np11: 9 s here,
/// 0.09 s now; the thousand ports: 64 s, 0.3 s).
#[test]
fn a_thousand_unordered_constraints_are_noted() {
    let blocks: String = (0..1000)
        .map(|i| {
            let (attr, value) = if i == 999 { (0, 998) } else { (i, 999 - i) };
            format!(
                "    constraint {{\n      attribute = \"${{meta.k{attr}}}\"\n      operator = \"!=\"\n      value = \"v{value}\"\n    }}\n"
            )
        })
        .collect();
    let (_, v) = plan_json("constraints", &job(&blocks));
    let notes = order_notes(&v);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with("group \"g\": the order of its 1000 Constraint diffs is random in Nomad: it builds them from Go maps of more than 8 entries, whose order is not established here, and its sort (ObjectDiff.Less) does not order them (#1, #2, #3, "),
        "{}",
        notes[0].chars().take(300).collect::<String>()
    );
    assert!(
        notes[0].ends_with(", #1000); the plan shows one order"),
        "{}",
        notes[0]
    );
}
