//! rt19c R19-C-1: `check --staged` passed an in-place edit of a running
//! job (a group `restart` block, which `tasksUpdated` never compares) whose
//! own allocations the world's replay leaves unplaced in some node
//! shuffles. In such a history Nomad's reconciler places the missing ones
//! in the same evaluation (`computeUnderProvisionedBy`, reconcile_cluster.go
//! v2.0.5:791; `computeForNode` -> Place, reconcile_node.go v2.0.5:108) and
//! they fail: the plan gate refuses, so NP207 must sample. Two clients of
//! 6000 MB; `b` (3000 MB) lands anywhere, `c` (3000 MB) is pinned; `a`
//! (protected) is edited in place.

use crate::common::{git, run_in, TempDir};

fn client(name: &str) -> String {
    format!("client \"{name}\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 6000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\", \"role\" = \"{name}\" }}\n}}\n")
}

/// A job of `kind` with `job_extra` and `group_extra` lines, `count` x `mb`.
fn job(name: &str, kind: &str, job_extra: &str, group_extra: &str, count: u32, mb: u32) -> String {
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  type = \"{kind}\"\n{job_extra}  group \"g\" {{\n{group_extra}    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {mb}\n      }}\n    }}\n  }}\n}}\n")
}

fn pin(role: &str) -> String {
    format!("    constraint {{\n      attribute = \"${{attr.role}}\"\n      value     = \"{role}\"\n    }}\n")
}

/// The world running `b`, `c` (pinned to `c_on`) and `a`, committed; then
/// `a`'s group given a restart block (an in-place update), staged.
fn staged(tag: &str, c_on: &str, a: String) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}{}running = [\"jobs/b.nomad\", \"jobs/c.nomad\", \"jobs/a.nomad\"]\n",
            client("n1"),
            client("n2")
        ),
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"a\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/b.nomad", &job("b", "service", "", "", 1, 3000));
    d.put(
        "jobs/c.nomad",
        &job("c", "service", "", &pin(c_on), 1, 3000),
    );
    d.put("jobs/a.nomad", &a);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    d.put(
        "jobs/a.nomad",
        &a.replacen(
            "  group \"g\" {\n",
            "  group \"g\" {\n    restart {\n      attempts = 7\n    }\n",
            1,
        ),
    );
    git(&d.0, &["add", "jobs/a.nomad"]);
    d
}

fn refused(d: &TempDir) {
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    let flat = crate::common::flat(&out.stdout);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        flat.contains("NP207 [error] group \"g\" is placed in this evaluation, but it fails in")
            && flat.contains("% of 100 node shuffles"),
        "{}",
        out.stdout
    );
    let gate = run_in(
        &d.0,
        &["--no-color", "plan", "--changed", "--staged", "--gate"],
    );
    assert_eq!(gate.code, 1, "{}{}", gate.stdout, gate.stderr);
}

/// A job-level distinct_hosts job of 2 x 2000 MB (regressed this stop: a
/// plan of in-place updates only was taken to place nothing).
#[test]
fn an_in_place_edit_of_a_distinct_hosts_job_short_in_other_histories_is_refused() {
    let distinct =
        "  constraint {\n    operator = \"distinct_hosts\"\n    value    = \"true\"\n  }\n";
    let d = staged(
        "own-history-distinct",
        "n1",
        job("a", "service", distinct, "", 2, 2000),
    );
    refused(&d);
}

/// A system job of 1000 MB: another history holds none on the node `b`
/// and `c` filled first.
#[test]
fn an_in_place_edit_of_a_system_job_short_in_other_histories_is_refused() {
    let d = staged(
        "own-history-system",
        "n1",
        job("a", "system", "", "", 1, 1000),
    );
    refused(&d);
}

/// A service job of 4000 MB pinned to n1, where `b` may land first.
#[test]
fn an_in_place_edit_of_a_pinned_job_short_in_other_histories_is_refused() {
    let d = staged(
        "own-history-pinned",
        "n2",
        job("a", "service", "", &pin("n1"), 1, 4000),
    );
    refused(&d);
}
