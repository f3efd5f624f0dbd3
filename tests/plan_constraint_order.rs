//! `<`, `<=`, `>`, `>=` in a constraint compare text before Nomad 1.4.0
//! (`checkLexicalOrder` in scheduler/feasible.go at 0.9.3 to 1.3.x) and
//! numbers from 1.4.0 (`checkOrder`), seen through `plan` on the demo's
//! world (0.9.3), whose clients report `cpu.numcores = "2"`: to 0.9.3 "2"
//! sorts after "10", so `>= 10` holds and `<= 10` does not; from 1.4.0 the
//! other way round. Each of the demo's three clients is judged on its own
//! (a computed class each: its `nomad.advertise.address` is hashed until
//! 1.9.7, client/fingerprint/nomad.go@v1.4.0:20; redteam8 S1), so a
//! failing constraint filters all three by name.

use crate::common;

use common::TempDir;

/// A one-task job constrained on the clients' core count.
fn job(operator: &str) -> String {
    job_with("${attr.cpu.numcores}", operator, "10")
}

/// A one-task job with one constraint (HCL text of each side).
fn job_with(attribute: &str, operator: &str, value: &str) -> String {
    format!(
        r#"job "cores" {{
  datacenters = ["dc1"]

  group "g" {{
    constraint {{
      attribute = "{attribute}"
      operator  = "{operator}"
      value     = "{value}"
    }}

    task "t" {{
      driver = "docker"
      config {{
        image = "redis:7.2.4"
      }}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

/// The demo's world with service preemption off, so a failed placement is
/// tried once and its metrics name the constraint (with preemption on,
/// Nomad's retry finds the class already ineligible).
fn world(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).unwrap();
    let off = cluster.replacen("    service  = true", "    service  = false", 1);
    assert_ne!(off, cluster, "the demo world enables service preemption");
    d.put("rules/cluster.hcl", &off);
    d
}

fn plan(d: &TempDir, version: Option<&str>) -> String {
    let mut args = vec!["plan"];
    if let Some(v) = version {
        args.extend(["--nomad-version", v]);
    }
    args.push("jobs/cores.nomad");
    let o = d.run(&args);
    common::output_text(&o)
}

const PLACED: &str = "- All tasks successfully allocated.";
const FAILED: &str = "- WARNING: Failed to place all allocations.";

#[test]
fn order_is_textual_through_1_3_and_numeric_from_1_4() {
    let d = world("constraint-order");
    // command/monitor.go's wording: "filtered N nodes" before 0.11, "N nodes
    // excluded by filter" from 0.11 (the world itself is 0.9.3).
    let filtered = |op: &str, v: Option<&str>| match v {
        None => format!("* Constraint \"${{attr.cpu.numcores}} {op} 10\" filtered 3 nodes"),
        Some(_) => {
            format!("* Constraint \"${{attr.cpu.numcores}} {op} 10\": 3 nodes excluded by filter")
        }
    };
    // ">= 10": "2" >= "10" as text (0.9.3, 1.3.16), 2 < 10 as numbers.
    d.put("jobs/cores.nomad", &job(">="));
    for v in [None, Some("1.3.16")] {
        let out = plan(&d, v);
        assert!(out.contains(PLACED), "{v:?}: {out}");
    }
    let out = plan(&d, Some("1.4.0"));
    assert!(out.contains(FAILED), "{out}");
    assert!(out.contains(&filtered(">=", Some("1.4.0"))), "{out}");
    assert!(!out.contains("computed class ineligible"), "{out}");
    // "<= 10": the other way round.
    d.put("jobs/cores.nomad", &job("<="));
    for v in [None, Some("1.3.16")] {
        let out = plan(&d, v);
        assert!(out.contains(FAILED), "{v:?}: {out}");
        assert!(out.contains(&filtered("<=", v)), "{v:?}: {out}");
    }
    let out = plan(&d, Some("1.4.0"));
    assert!(out.contains(PLACED), "{out}");
}

/// From 1.4.0 both sides are numbers when Go's `strconv.ParseFloat` reads
/// them (feasible/feasible.go@v2.0.5:1185-1225, checkFloatOrder), whose
/// grammar is not Rust's: `10e400` is its range error, so the text decides
/// ("2" < "10e400" is false), and `0x1p2` is 4 (redteam11 R11-2; np11
/// placed the first and refused the second).
#[test]
fn order_reads_numbers_as_go_parse_float() {
    let d = world("constraint-order-float");
    let v = Some("1.4.0");
    d.put(
        "jobs/cores.nomad",
        &job_with("${attr.cpu.numcores}", "<", "10e400"),
    );
    let out = plan(&d, v);
    assert!(out.contains(FAILED), "{out}");
    d.put(
        "jobs/cores.nomad",
        &job_with("${attr.cpu.numcores}", "<", "0x1p2"),
    );
    let out = plan(&d, v);
    assert!(out.contains(PLACED), "{out}");
    d.put(
        "jobs/cores.nomad",
        &job_with("${attr.cpu.numcores}", "<", "1_0.5"),
    );
    let out = plan(&d, v);
    assert!(out.contains(PLACED), "{out}");
}

/// `resolveTarget` looks at the prefix alone (feasible.go@v0.9.3:411-444,
/// feasible/feasible.go@v2.0.5:1096-1131): `${attr.cpu.numcores` (no
/// closing brace) is the attribute, `${attr.cpu.numcores}x` the attribute
/// `cpu.numcores}x`, which no client has (redteam11 R11-1: np11 read both
/// as literal text, placing where Nomad fails and failing where it places).
#[test]
fn targets_are_resolved_by_their_prefix() {
    let d = world("constraint-target-prefix");
    let v = Some("1.4.0");
    d.put(
        "jobs/cores.nomad",
        &job_with("${attr.cpu.numcores}", "!=", "$${attr.cpu.numcores"),
    );
    let out = plan(&d, v);
    assert!(out.contains(FAILED), "{out}");
    d.put(
        "jobs/cores.nomad",
        &job_with("${attr.cpu.numcores}", "=", "$${attr.cpu.numcores"),
    );
    let out = plan(&d, v);
    assert!(out.contains(PLACED), "{out}");
    d.put(
        "jobs/cores.nomad",
        &job_with("${attr.cpu.numcores}x", "is_set", ""),
    );
    let out = plan(&d, v);
    assert!(out.contains(FAILED), "{out}");
}
