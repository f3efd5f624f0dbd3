//! The constraints Nomad's admission mutators derive from a Consul admin
//! partition and from non-default Consul and Vault clusters, as `nomad job
//! plan -verbose` shows them and as placement filters on them:
//!
//! - `jobConsulHook.Mutate` (nomad/job_endpoint_hook_consul.go:37-74 and
//!   `newConsulPartitionConstraint` :79-92@v1.7.3, same at v2.0.5; absent
//!   at v1.7.2): a group/task `consul { partition = "P" }` adds
//!   `${attr.consul.partition} = P` (`${attr.consul.<cluster>.partition}`
//!   for another cluster) to that group/task;
//! - `vaultConstraintFn` / `consulConstraintFn`
//!   (nomad/job_endpoint_hooks.go:266-293@v1.7.0, :381-420@v2.0.5): a
//!   non-default cluster constrains on `${attr.vault.<cluster>.version}
//!   semver >= 1.11.0` / `${attr.consul.<cluster>.version} semver >= 1.8.0`.
//!
//! Placement failure text: scheduler `Constraint "L O R": N nodes excluded
//! by filter` (the dry-run lines the tool already prints for any filter).

use crate::common;

use common::{run_in, TempDir};

fn project(tag: &str, version: &str, edition: &str, attrs: &str, job: &str) -> TempDir {
    let dir = TempDir::new(&format!("cpart-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nedition = \"{edition}\"\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\"{attrs} }}\n}}\n"
        ),
    );
    dir.put("jobs/j.nomad", job);
    dir
}

fn job(group_extra: &str, task_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group_extra}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n{task_extra}      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `+ Constraint { ... }` as the verbose diff prints one added at `indent`.
fn added(indent: &str, l: &str, op: &str, r: &str) -> String {
    format!(
        "{indent}+ Constraint {{\n{indent}  + LTarget: \"{l}\"\n{indent}  + Operand: \"{op}\"\n{indent}  + RTarget: \"{r}\"\n{indent}  }}\n"
    )
}

fn verbose(dir: &TempDir) -> common::Out {
    run_in(&dir.0, &["plan", "--verbose", "--no-color", "jobs/j.nomad"])
}

const FAILED: &str = "- WARNING: Failed to place all allocations.";
const PLACED: &str = "- All tasks successfully allocated.";

#[test]
fn a_group_partition_constrains_the_group_from_1_7_3() {
    let group = "    consul {\n      partition = \"p1\"\n    }\n";
    let want = added("  ", "${attr.consul.partition}", "=", "p1");
    let filter = "    * Constraint \"${attr.consul.partition} = p1\": 1 nodes excluded by filter\n";
    for v in ["1.7.3", "1.8.0", "2.0.5"] {
        // No client reports the partition: Nomad cannot place.
        let dir = project(&format!("g-{v}"), v, "community", "", &job(group, ""));
        let o = verbose(&dir);
        assert!(o.stdout.contains(&want), "{v}: {}", o.stdout);
        assert!(o.stdout.contains(FAILED), "{v}: {}", o.stdout);
        assert!(o.stdout.contains(filter), "{v}: {}", o.stdout);
        // A client whose Consul agent is in p1 takes it.
        let attrs = ", \"consul.partition\" = \"p1\"";
        let dir = project(&format!("gok-{v}"), v, "community", attrs, &job(group, ""));
        let o = verbose(&dir);
        assert!(o.stdout.contains(&want), "{v}: {}", o.stdout);
        assert!(o.stdout.contains(PLACED), "{v}: {}", o.stdout);
    }
}

#[test]
fn a_task_partition_constrains_the_task() {
    let task = "      consul {\n        partition = \"p2\"\n      }\n";
    let dir = project("t", "2.0.5", "community", "", &job("", task));
    let o = verbose(&dir);
    // The task's diff holds it (under `+ Task: "t"`), indented one level more.
    let want = added("    ", "${attr.consul.partition}", "=", "p2");
    let task_at = o.stdout.find("+ Task: \"t\"").expect("task diff");
    let at = o
        .stdout
        .find(&want)
        .unwrap_or_else(|| panic!("{}", o.stdout));
    assert!(at > task_at, "{}", o.stdout);
    assert!(o.stdout.contains(FAILED), "{}", o.stdout);
}

#[test]
fn a_non_default_consul_cluster_names_its_partition_attribute() {
    // Enterprise only (the community hook refuses other clusters).
    let group = "    consul {\n      cluster   = \"east\"\n      partition = \"p1\"\n    }\n";
    let dir = project(
        "east",
        "2.0.5",
        "enterprise",
        // No client of this pool reaches cluster east: stated as none.
        ", \"consul.partition\" = \"p1\", \"consul.east.partition\" = \"\"",
        &job(group, ""),
    );
    let o = verbose(&dir);
    let want = added("  ", "${attr.consul.east.partition}", "=", "p1");
    assert!(o.stdout.contains(&want), "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(FAILED), "{}", o.stdout);
}

#[test]
fn a_non_default_consul_cluster_service_constrains_on_its_version() {
    let group = "    network {\n      port \"http\" {}\n    }\n    service {\n      name    = \"svc\"\n      cluster = \"east\"\n      port    = \"http\"\n    }\n";
    let attrs = ", \"consul.version\" = \"1.15.0\", \"consul.east.version\" = \"\"";
    let dir = project("svc-east", "2.0.5", "enterprise", attrs, &job(group, ""));
    let o = verbose(&dir);
    let want = added("  ", "${attr.consul.east.version}", "semver", ">= 1.8.0");
    assert!(o.stdout.contains(&want), "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains("\"${attr.consul.version}\""),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains(FAILED), "{}", o.stdout);
    let attrs = ", \"consul.east.version\" = \"1.15.0\"";
    let dir = project("svc-east-ok", "2.0.5", "enterprise", attrs, &job(group, ""));
    let o = verbose(&dir);
    assert!(o.stdout.contains(&want), "{}", o.stdout);
    assert!(o.stdout.contains(PLACED), "{}{}", o.stdout, o.stderr);
}

#[test]
fn a_non_default_vault_cluster_constrains_on_its_version() {
    let task = "      vault {\n        cluster = \"other\"\n      }\n      identity {\n        name = \"vault_other\"\n        aud  = [\"vault.io\"]\n      }\n";
    let server = "server {\n  vault {\n    enabled = true\n  }\n  vault {\n    name    = \"other\"\n    enabled = true\n  }\n}\n";
    let attrs = ", \"vault.version\" = \"1.15.0\", \"vault.accessible\" = \"true\", \"vault.other.version\" = \"\"";
    let dir = project("vault-other", "2.0.5", "enterprise", attrs, &job("", task));
    let cluster = std::fs::read_to_string(dir.0.join("rules/cluster.hcl")).expect("read");
    dir.put("rules/cluster.hcl", &format!("{cluster}{server}"));
    let o = verbose(&dir);
    let want = added("  ", "${attr.vault.other.version}", "semver", ">= 1.11.0");
    assert!(o.stdout.contains(&want), "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains("\"${attr.vault.version}\""),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains(FAILED), "{}", o.stdout);
}
