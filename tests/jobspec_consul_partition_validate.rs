//! The community edition's Consul hook (nomad/job_endpoint_hook_consul_ce.go
//! `Validate`, 1.7.3+) refuses a task whose `consul { partition }` differs
//! from its group's when both are set (job_endpoint_hook_consul.go
//! `validateTaskPartitionMatchesGroup`), in its walk between the cluster
//! checks, returning at the first error. Before, such a job validated and
//! planned as a false all-clear. Enterprise's Validate is not public: under
//! Nomad Enterprise, or an unstated edition, every command says it cannot
//! tell (exit 255).

use crate::common;

use common::{run_in, TempDir};

fn project(name: &str, version: &str, edition: Option<&str>, job: &str) -> TempDir {
    let dir = TempDir::new(&format!("partition-{name}"));
    let rules = dir.0.join("rules");
    std::fs::create_dir_all(rules.join("namespaces")).expect("mkdir");
    let edition = edition.map_or(String::new(), |e| format!("edition = \"{e}\"\n"));
    std::fs::write(
        rules.join("cluster.hcl"),
        format!("nomad_version = \"{version}\"\nregion = \"global\"\n{edition}client \"web\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"exec\"]\n}}\n"),
    )
    .expect("cluster");
    std::fs::write(rules.join("namespaces/default.hcl"), "name = \"default\"\n").expect("ns");
    std::fs::write(dir.0.join("job.nomad"), job).expect("job");
    dir
}

/// A group `consul` block with `group`, a task `consul` block with `task`.
fn job(group: &str, task: &str) -> String {
    format!(
        "job \"app\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    consul {{\n{group}\n    }}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      consul {{\n{task}\n      }}\n    }}\n  }}\n}}\n"
    )
}

const MISMATCH: &str =
    "task.consul.partition \"b\" must match group.consul.partition \"a\" if both are set";

/// `validate` and `plan` refuse with `error` alone (the hook returns its
/// first error); `check` reports NP217.
fn refused(dir: &TempDir, error: &str, v: &str) {
    let val = run_in(&dir.0, &["validate", "job.nomad"]);
    let want = format!("Job validation errors:\n1 error occurred:\n\t* {error}\n\n");
    assert_eq!(val.code, 1, "{v}: {}", val.stderr);
    assert!(val.stderr.contains(&want), "{v}: {}", val.stderr);
    let plan = run_in(&dir.0, &["plan", "job.nomad"]);
    let want = format!(
        "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* {error})"
    );
    assert_eq!(plan.code, 255, "{v}: {}", plan.stderr);
    assert!(plan.stderr.contains(&want), "{v}: {}", plan.stderr);
    let check = run_in(&dir.0, &["check", "--format", "json", "job.nomad"]);
    assert!(check.stdout.contains("\"NP217\""), "{v}: {}", check.stdout);
    assert!(
        check.stdout.contains("must match group.consul.partition")
            || !error.starts_with("task.consul"),
        "{v}: {}",
        check.stdout
    );
}

#[test]
fn the_community_edition_refuses_a_task_partition_unlike_its_groups() {
    let text = job("      partition = \"a\"", "        partition = \"b\"");
    for v in ["1.7.3", "2.0.5"] {
        let dir = project(&format!("ce-{v}"), v, Some("community"), &text);
        refused(&dir, MISMATCH, v);
    }
    // The same partition, or one of them unset: admitted.
    for (name, g, t) in [
        (
            "same",
            "      partition = \"a\"",
            "        partition = \"a\"",
        ),
        ("group-only", "      partition = \"a\"", ""),
        ("task-only", "", "        partition = \"b\""),
    ] {
        let dir = project(
            &format!("ce-{name}"),
            "2.0.5",
            Some("community"),
            &job(g, t),
        );
        let val = run_in(&dir.0, &["validate", "job.nomad"]);
        assert_eq!(val.code, 0, "{name}: {}", val.stderr);
    }
}

/// The walk: the group's cluster first, then the task's partition, then
/// the task's cluster.
#[test]
fn the_hook_returns_its_first_error() {
    let task_cluster = job(
        "      partition = \"a\"",
        "        partition = \"b\"\n        cluster = \"other\"",
    );
    let dir = project("order-task", "2.0.5", Some("community"), &task_cluster);
    refused(&dir, MISMATCH, "task cluster");
    let group_cluster = job(
        "      partition = \"a\"\n      cluster = \"other\"",
        "        partition = \"b\"",
    );
    let dir = project("order-group", "2.0.5", Some("community"), &group_cluster);
    refused(
        &dir,
        "non-default Consul cluster requires Nomad Enterprise",
        "group cluster",
    );
}

#[test]
fn enterprise_or_an_unstated_edition_cannot_tell() {
    let text = job("      partition = \"a\"", "        partition = \"b\"");
    for (name, edition, line) in [
        (
            "ent",
            Some("enterprise"),
            "error: cannot tell whether Nomad 2.0.5 Enterprise's servers accept job \"app\"",
        ),
        (
            "unstated",
            None,
            "error: cannot tell whether Nomad 2.0.5's servers accept job \"app\"",
        ),
    ] {
        let dir = project(name, "2.0.5", edition, &text);
        for cmd in ["validate", "plan"] {
            let o = run_in(&dir.0, &[cmd, "job.nomad"]);
            assert_eq!(o.code, 255, "{name} {cmd}: {}", o.stderr);
            assert!(o.stderr.contains(line), "{name} {cmd}: {}", o.stderr);
            assert!(o.stderr.contains(MISMATCH), "{name} {cmd}: {}", o.stderr);
            assert!(
                !o.stderr.contains("Job validation successful"),
                "{name} {cmd}"
            );
        }
        let c = run_in(&dir.0, &["check", "--format", "json", "job.nomad"]);
        assert!(c.stdout.contains("\"NP217\""), "{name}: {}", c.stdout);
    }
}
