//! rt17e R17-54: a group of `count = 0` is never placed (Nomad places
//! `count` allocations: scheduler/reconcile.go v1.7.7:834, per node
//! scheduler/system_util.go v1.7.7:27), so its plan says "All tasks
//! successfully allocated." and no rule may say it "cannot be placed":
//! NP201 (too large), NP202 (driver), NP203 (constraint), NP204 (reserved
//! port) were errors for it. NP205 still says it runs nothing.

use crate::common;

const CLIENT: &str = "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n  reserved {\n    ports = \"9000\"\n  }\n";

/// A job whose group `big` (count `n`) has `task`'s lines in its task and
/// `group`'s in itself, beside a small group that places.
fn job(n: u32, task: &str, group: &str) -> String {
    format!(
        "job \"z\" {{\n  datacenters = [\"dc1\"]\n  group \"big\" {{\n    count = {n}\n{group}    task \"t\" {{\n{task}      config {{\n        image = \"nginx:1.25\"\n      }}\n    }}\n  }}\n  group \"small\" {{\n    count = 1\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// Each placement rule's case: (code, the task's lines, the group's lines).
const CASES: &[(&str, &str, &str)] = &[
    (
        "NP201",
        "      driver = \"docker\"\n      resources {\n        cpu    = 100\n        memory = 9000\n      }\n",
        "",
    ),
    ("NP202", "      driver = \"podman\"\n", ""),
    (
        "NP203",
        "      driver = \"docker\"\n      constraint {\n        attribute = \"${attr.kernel.name}\"\n        value     = \"windows\"\n      }\n",
        "",
    ),
    (
        "NP204",
        "      driver = \"docker\"\n",
        "    network {\n      port \"p\" {\n        static = 9000\n      }\n    }\n",
    ),
];

fn codes(d: &common::TempDir) -> (Option<i32>, Vec<String>, String) {
    let o = d.run(&["check", "--format", "json", "jobs/web.nomad"]);
    let text = common::output_text(&o);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let codes = doc["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect();
    (o.status.code(), codes, text)
}

#[test]
fn a_count_zero_group_is_not_said_to_be_unplaceable() {
    for (code, task, group) in CASES {
        let d = common::one_client_project(
            &format!("count-zero-{code}"),
            "1.7.7",
            CLIENT,
            &job(0, task, group),
        );
        let (exit, got, text) = codes(&d);
        assert!(!got.iter().any(|c| c == code), "{code}: {text}");
        assert!(got.iter().any(|c| c == "NP205"), "{code}: {text}");
        // Warnings and advice only (NP205, NP102, NP221): nothing fails.
        assert_eq!(exit, Some(0), "{code}: {text}");
        // Nomad's own plan of it places the small group and fails nothing.
        let o = d.run(&["plan", "jobs/web.nomad"]);
        let plan = common::output_text(&o);
        assert!(
            plan.contains("All tasks successfully allocated."),
            "{code}: {plan}"
        );
    }
}

/// Guard (passes on the baseline too): at count 1 each rule still fires.
#[test]
fn a_placed_group_still_is() {
    for (code, task, group) in CASES {
        let d = common::one_client_project(
            &format!("count-one-{code}"),
            "1.7.7",
            CLIENT,
            &job(1, task, group),
        );
        let (exit, got, text) = codes(&d);
        assert!(got.iter().any(|c| c == code), "{code}: {text}");
        assert_eq!(exit, Some(1), "{code}: {text}");
    }
}
