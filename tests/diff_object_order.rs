//! The order Nomad prints objects of one kind in (redteam7 D2): each list
//! of ObjectDiffs ends with `sort.Sort(ObjectDiffs(diffs))`, whose
//! `ObjectDiff.Less` (nomad/structs/diff.go, the same v0.9.3 to v2.0.5)
//! returns true when ANY field is less than its counterpart: not an
//! order, so the result is Go's insertion sort (12 elements or fewer) run
//! on the order Nomad built the list in.
//!
//! - Lists built from lists (serviceDiffs, templateDiffs at 2.0.5) are
//!   deterministic: the repros' services and templates print as Nomad
//!   prints them, not in file order.
//! - Sets built from Go maps (primitiveObjectSetDiff for constraints) are
//!   deterministic when `Less` orders their objects (cn1), and random when
//!   it does not (go1): the plan then shows the likelier order (the map
//!   yields the file's order 7 times in 8, `gomap`) and says so in a
//!   `note:` line and under `Preflight.Nondeterminism`.
//!
//! No diff_test.go case has two objects of one name and type in one list,
//! so the expected orders are derived from diff.go and Go's sort.

use crate::common;

use common::{run_in as run, TempDir};
use serde_json::{json, Value};

/// The redteam7 world (3 linux clients, docker, vault) at 2.0.5.
const WORLD: &str = r#"nomad_version = "2.0.5"
edition = "community"
region = "global"
server {
  vault { enabled = true }
}
client "c" {
  count = 3
  datacenter = "dc1"
  cpu = 8000
  memory = 16000
  disk = 50000
  drivers = ["docker", "exec", "raw_exec"]
  attributes = { "kernel.name" = "linux", "unique.hostname" = "h" }
}
running = []
"#;

/// redteam7 tp0: one docker task.
const TP0: &str = r#"job "tp" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config { image = "x" }
    }
  }
}
"#;

/// The plan of `old` (running) to `new`: text and JSON.
fn plan(tag: &str, old: &str, new: &str) -> (common::Out, Value) {
    let dir = TempDir::new(&format!("object-order-{tag}"));
    dir.put("rules/cluster.hcl", WORLD);
    dir.put("jobs/old.nomad", old);
    dir.put("jobs/new.nomad", new);
    let args = [
        "plan",
        "--no-color",
        "--running",
        "jobs/old.nomad",
        "jobs/new.nomad",
    ];
    let text = run(&dir.0, &args);
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let j = run(&dir.0, &json_args);
    let v = serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}", j.stdout));
    (text, v)
}

/// The diff part of the plan text.
fn diff_text(out: &common::Out) -> &str {
    out.stdout
        .split_once("\nScheduler dry-run:")
        .map_or(out.stdout.as_str(), |(d, _)| d)
}

/// An Added object as the contextual diff holds it: fields with a value
/// Added, empty ones None.
fn added(name: &str, fields: &[(&str, &str)]) -> Value {
    let fields: Vec<Value> = fields
        .iter()
        .map(|(n, v)| {
            let ty = if v.is_empty() { "None" } else { "Added" };
            json!({"Annotations": null, "Name": n, "New": v, "Old": "", "Type": ty})
        })
        .collect();
    json!({"Fields": fields, "Name": name, "Objects": null, "Type": "Added"})
}

fn constraint(l: &str, op: &str, r: &str) -> Value {
    added(
        "Constraint",
        &[("LTarget", l), ("Operand", op), ("RTarget", r)],
    )
}

/// The group's objects of `names`, in the JSON's order, as compact text.
fn objects(v: &Value, names: &[&str], task: bool) -> String {
    let g = &v["Diff"]["TaskGroups"][0];
    let list = if task {
        &g["Tasks"][0]["Objects"]
    } else {
        &g["Objects"]
    };
    let picked: Vec<&Value> = list
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|o| names.iter().any(|n| o["Name"] == *n))
                .collect()
        })
        .unwrap_or_default();
    serde_json::to_string(&picked).unwrap_or_default()
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

/// redteam7 sv1: group services "zeta" then "alpha" added. serviceDiffs
/// appends them in list order; Less(alpha, zeta) holds at Name, so the
/// insertion sort puts alpha first (diff.go serviceDiffs@v2.0.5).
#[test]
fn added_services_print_as_nomad_sorts_them() {
    let new = r#"job "tp" {
  datacenters = ["dc1"]
  group "g" {
    network {
      port "http" {}
    }
    service {
      name = "zeta"
      port = "http"
    }
    service {
      name = "alpha"
      port = "http"
    }
    task "t" {
      driver = "docker"
      config { image = "x" }
    }
  }
}
"#;
    let (out, v) = plan("sv1", TP0, new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let service = |name: &str| {
        format!(
            r#"  + Service {{
      Address:           ""
    + AddressMode:       "auto"
    + Cluster:           "default"
    + EnableTagOverride: "false"
      Kind:              ""
    + Name:              "{name}"
    + Namespace:         "default"
    + OnUpdate:          "require_healthy"
    + PortLabel:         "http"
    + Provider:          "consul"
      TaskName:          ""
    }}
"#
        )
    };
    let want = format!(
        r#"+/- Job: "tp"
+/- Task Group: "g" (1 create/destroy update)
  + Constraint {{
    + LTarget: "${{attr.consul.version}}"
    + Operand: "semver"
    + RTarget: ">= 1.8.0"
    }}
  + Network {{
      Hostname: ""
      Mode:     ""
    + Dynamic Port {{
      + HostNetwork: "default"
      + Label:       "http"
      + To:          "0"
      }}
    }}
{}{}    Task: "t"
"#,
        service("alpha"),
        service("zeta")
    );
    assert_eq!(diff_text(&out), want);
    let json_service = |name: &str| {
        added(
            "Service",
            &[
                ("Address", ""),
                ("AddressMode", "auto"),
                ("Cluster", "default"),
                ("EnableTagOverride", "false"),
                ("Kind", ""),
                ("Name", name),
                ("Namespace", "default"),
                ("OnUpdate", "require_healthy"),
                ("PortLabel", "http"),
                ("Provider", "consul"),
                ("TaskName", ""),
            ],
        )
    };
    let want_json = json!([json_service("alpha"), json_service("zeta")]);
    assert_eq!(objects(&v, &["Service"], false), want_json.to_string());
    assert!(order_notes(&v).is_empty(), "{v}");
    assert!(!out.stderr.contains("ObjectDiff.Less"), "{}", out.stderr);
}

/// redteam7 tp1: templates (local/b, data "a") then (local/a, data "b").
/// Each is Less than the other (DestPath one way, EmbeddedTmpl the
/// other), but templateDiffs builds from the list, so the insertion sort
/// always swaps them: local/a first (diff.go templateDiffs@v2.0.5).
#[test]
fn added_templates_print_as_nomad_sorts_them() {
    let new = r#"job "tp" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config { image = "x" }
      template {
        destination = "local/b"
        data        = "a"
      }
      template {
        destination = "local/a"
        data        = "b"
      }
    }
  }
}
"#;
    let (out, v) = plan("tp1", TP0, new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let template = |dest: &str, data: &str| {
        format!(
            r#"    + Template {{
      + ChangeMode:    "restart"
        ChangeSignal:  ""
      + DestPath:      "{dest}"
      + EmbeddedTmpl:  "{data}"
      + Envvars:       "false"
      + ErrMissingKey: "false"
      + LeftDelim:     "{{{{"
      + Once:          "false"
      + Perms:         "0644"
      + RightDelim:    "}}}}"
        SourcePath:    ""
      + Splay:         "5000000000"
      + VaultGrace:    "0"
      }}
"#
        )
    };
    let want = format!(
        "+/- Job: \"tp\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n{}{}",
        template("local/a", "b"),
        template("local/b", "a")
    );
    assert_eq!(diff_text(&out), want);
    let json_template = |dest: &str, data: &str| {
        added(
            "Template",
            &[
                ("ChangeMode", "restart"),
                ("ChangeSignal", ""),
                ("DestPath", dest),
                ("EmbeddedTmpl", data),
                ("Envvars", "false"),
                ("ErrMissingKey", "false"),
                ("LeftDelim", "{{"),
                ("Once", "false"),
                ("Perms", "0644"),
                ("RightDelim", "}}"),
                ("SourcePath", ""),
                ("Splay", "5000000000"),
                ("VaultGrace", "0"),
            ],
        )
    };
    let want_json = json!([json_template("local/a", "b"), json_template("local/b", "a")]);
    assert_eq!(objects(&v, &["Template"], true), want_json.to_string());
    assert!(order_notes(&v).is_empty(), "{v}");
}

/// redteam7 cn1: group constraints meta.b then meta.a. The set is a Go
/// map, but Less(a, b) holds at LTarget and Less(b, a) on no field, so
/// every map order sorts to meta.a first, and no note.
#[test]
fn a_set_less_orders_prints_one_order_without_a_note() {
    let new = r#"job "tp" {
  datacenters = ["dc1"]
  group "g" {
    constraint {
      attribute = "${meta.b}"
      value     = "y"
    }
    constraint {
      attribute = "${meta.a}"
      value     = "x"
    }
    task "t" {
      driver = "docker"
      config { image = "x" }
    }
  }
}
"#;
    let (out, v) = plan("cn1", TP0, new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let want = r#"+/- Job: "tp"
+/- Task Group: "g" (1 create/destroy update)
  + Constraint {
    + LTarget: "${meta.a}"
    + Operand: "="
    + RTarget: "x"
    }
  + Constraint {
    + LTarget: "${meta.b}"
    + Operand: "="
    + RTarget: "y"
    }
    Task: "t"
"#;
    assert_eq!(diff_text(&out), want);
    let want_json = json!([
        constraint("${meta.a}", "=", "x"),
        constraint("${meta.b}", "=", "y")
    ]);
    assert_eq!(objects(&v, &["Constraint"], false), want_json.to_string());
    assert!(order_notes(&v).is_empty(), "{v}");
    assert!(!out.stderr.contains("ObjectDiff.Less"), "{}", out.stderr);
}

/// redteam7 go1: a user constraint (kernel.name) and the implied
/// consul.version one, each Less than the other (LTarget one way, Operand
/// the other): the insertion sort reverses the map's order, which is the
/// group's (user first, implied appended) 7 times in 8. The plan shows
/// consul.version first and says the order is random, with the odds.
#[test]
fn a_set_less_cannot_order_shows_the_likelier_order_and_says_so() {
    let old = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    count = 2
    network {
      port "http" {}
    }
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1"
      }
      resources {
        cpu = 100
        memory = 128
      }
    }
  }
}
"#;
    let new = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    count = 2
    constraint {
      attribute = "${attr.kernel.name}"
      value = "linux"
    }
    restart {
      attempts = 5
    }
    migrate {
      max_parallel = 2
    }
    reschedule {
      attempts = 3
      interval = "1h"
      unlimited = false
    }
    ephemeral_disk {
      size = 500
    }
    update {
      max_parallel = 2
    }
    disconnect {
      lost_after = "1h"
    }
    network {
      port "http" {
        to = 8080
      }
    }
    scaling {
      min = 1
      max = 5
    }
    service {
      name = "web"
      port = "http"
    }
    volume "v" {
      type = "host"
      source = "v"
    }
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1"
      }
      resources {
        cpu = 100
        memory = 128
      }
    }
  }
}
"#;
    let (out, v) = plan("go1", old, new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    // The group's other edits (restart, migrate, ...) follow.
    let want = r#"+/- Job: "web"
+/- Task Group: "g" (2 create/destroy update)
  +   Constraint {
      + LTarget: "${attr.consul.version}"
      + Operand: "semver"
      + RTarget: ">= 1.8.0"
      }
  +   Constraint {
      + LTarget: "${attr.kernel.name}"
      + Operand: "="
      + RTarget: "linux"
      }
  +/- RestartPolicy {
"#;
    let text = diff_text(&out);
    assert!(text.starts_with(want), "{text}");
    let want_json = json!([
        constraint("${attr.consul.version}", "semver", ">= 1.8.0"),
        constraint("${attr.kernel.name}", "=", "linux")
    ]);
    assert_eq!(objects(&v, &["Constraint"], false), want_json.to_string());
    let note = "group \"g\": the order of its 2 Constraint diffs is random in Nomad: it builds them in Go's map order and its sort (ObjectDiff.Less) does not order them (\"${attr.consul.version}\", \"${attr.kernel.name}\" 87.5%; \"${attr.kernel.name}\", \"${attr.consul.version}\" 12.5%); the plan shows the likeliest";
    assert_eq!(order_notes(&v), vec![note.to_string()]);
    assert!(
        out.stderr.lines().any(|l| l == format!("note: {note}")),
        "{}",
        out.stderr
    );
}

/// Before 1.2.0 services are a Go map keyed by name too: two services
/// that Less orders (names alpha/zeta, nothing else differs that favours
/// zeta) sort the same from either map order, with no note.
#[test]
fn services_before_1_2_are_a_set() {
    let world = WORLD.replace("2.0.5", "1.1.0");
    let dir = TempDir::new("object-order-svc-110");
    dir.put("rules/cluster.hcl", &world);
    dir.put("jobs/old.nomad", TP0);
    dir.put(
        "jobs/new.nomad",
        &TP0.replace(
            "    task \"t\" {",
            "    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"zeta\"\n      port = \"http\"\n    }\n    service {\n      name = \"alpha\"\n      port = \"http\"\n    }\n    task \"t\" {",
        ),
    );
    let out = run(
        &dir.0,
        &[
            "plan",
            "--no-color",
            "--running",
            "jobs/old.nomad",
            "jobs/new.nomad",
        ],
    );
    let text = diff_text(&out);
    let alpha = text.find("\"alpha\"").unwrap_or_else(|| panic!("{text}"));
    let zeta = text.find("\"zeta\"").unwrap_or_else(|| panic!("{text}"));
    assert!(alpha < zeta, "{text}");
    assert!(!out.stderr.contains("ObjectDiff.Less"), "{}", out.stderr);
}
