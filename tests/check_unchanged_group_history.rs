//! bound20: `check --staged` passed an edit of one group of a running job
//! whose unchanged other group the world's replay leaves unplaced in some
//! histories. Nomad's reconciler places a group's missing allocations in
//! the same evaluation (scheduler/reconciler/reconcile_cluster.go v2.0.5:791
//! `computeUnderProvisionedBy`), so the plan of the edit tries that group
//! again and fails it there, as `plan --samples` shows; the room bound
//! asked no slot of an unchanged group.

use crate::common::{git, run_in, TempDir};

/// A service job `name` of `groups` (name, memory MB, lines inside it).
fn job(name: &str, groups: &[(&str, u32, &str)]) -> String {
    let mut s = format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n");
    for (g, memory, extra) in groups {
        s.push_str(&format!(
            "  group \"{g}\" {{\n    count = 1\n{extra}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{g}:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n"
        ));
    }
    s + "}\n"
}

const PIN: &str =
    "    constraint {\n      attribute = \"${attr.role}\"\n      value     = \"n1\"\n    }\n";

/// Clients n1-n3 of 4096 MB; `running` (in that order) of `x` (3000 MB,
/// anywhere) and `j` (group "a" 100 MB, group "b" 2000 MB pinned to n1),
/// committed at 2.0.5; then `j`'s group "a" 1 -> 2, staged.
fn staged(tag: &str, running: &str) -> TempDir {
    let d = TempDir::new(tag);
    let mut cluster = String::from("nomad_version = \"2.0.5\"\nregion = \"global\"\n");
    for n in ["n1", "n2", "n3"] {
        cluster.push_str(&format!(
            "client \"{n}\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4096\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\", \"role\" = \"{n}\" }}\n}}\n"
        ));
    }
    d.put(
        "rules/cluster.hcl",
        &format!("{cluster}running = [{running}]\n"),
    );
    d.put("jobs/x.nomad", &job("x", &[("x", 3000, "")]));
    let j = job("j", &[("a", 100, ""), ("b", 2000, PIN)]);
    d.put("jobs/j.nomad", &j);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    d.put("jobs/j.nomad", &j.replacen("count = 1", "count = 2", 1));
    git(&d.0, &["add", "jobs/j.nomad"]);
    d
}

/// `x` registered first may take n1, and then `j`'s "b" is left
/// unplaced: `check --staged` refuses the edit of "a" with the share of
/// histories that fail "b", as `plan --samples` shows them.
#[test]
fn check_refuses_an_edit_whose_unchanged_group_some_history_left_unplaced() {
    let d = staged("unchanged-group", "\"jobs/x.nomad\", \"jobs/j.nomad\"");
    let plan = run_in(
        &d.0,
        &["--no-color", "plan", "--samples", "100", "jobs/j.nomad"],
    );
    assert!(
        plan.stdout.contains("task group \"b\" fails to place"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    let flat = crate::common::flat(&out.stdout);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        flat.contains("NP207 [error] group \"b\" is placed in this evaluation, but it fails in")
            && flat.contains("% of 100 node shuffles"),
        "{}",
        out.stdout
    );
}

/// Guard (passes on the baseline too): with `j` registered first, on
/// empty clients, its "b" is placed in every history and nothing later
/// evicts it; the edit passes, and `plan --samples` agrees.
#[test]
fn check_passes_the_edit_when_the_job_is_registered_first() {
    let d = staged(
        "unchanged-group-first",
        "\"jobs/j.nomad\", \"jobs/x.nomad\"",
    );
    let plan = run_in(
        &d.0,
        &["--no-color", "plan", "--samples", "100", "jobs/j.nomad"],
    );
    assert!(
        plan.stdout
            .contains("certain  every allocation is placed (100/100)"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("NP207"), "{}", out.stdout);
}

/// rv20-1: the proof that `j`'s own allocations are there in every
/// history asked the running version's groups of the engine the bound
/// then asked the planned ones of, and the engine kept the network it
/// last judged a group of that name with: `j`'s "a" edited from host to
/// bridge mode (only n1 of three clients offers bridge, and `x`'s 3000 MB
/// takes n1 in a third of the shuffles) was judged with the host network
/// on every node and passed. The plan fails "a" in most histories.
#[test]
fn check_judges_an_edited_network_with_the_new_mode() {
    let d = TempDir::new("unchanged-group-network");
    let client = |n: &str, count: u32, modes: &str| {
        format!("client \"{n}\" {{\n  count = {count}\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4096\n  disk = 10000\n  drivers = [\"docker\"]\n  network_modes = [{modes}]\n  attributes = {{ \"kernel.name\" = \"linux\" }}\n}}\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}{}running = [\"jobs/x.nomad\", \"jobs/j.nomad\"]\n",
            client("n1", 1, "\"host\", \"bridge\""),
            client("n2", 2, "\"host\"")
        ),
    );
    d.put("jobs/x.nomad", &job("x", &[("x", 3000, "")]));
    let net = |mode: &str| {
        format!("    network {{\n      mode = \"{mode}\"\n      port \"http\" {{}}\n    }}\n")
    };
    d.put("jobs/j.nomad", &job("j", &[("a", 2000, &net("host"))]));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    d.put("jobs/j.nomad", &job("j", &[("a", 2000, &net("bridge"))]));
    git(&d.0, &["add", "jobs/j.nomad"]);
    let plan = run_in(
        &d.0,
        &["--no-color", "plan", "--samples", "100", "jobs/j.nomad"],
    );
    assert!(
        plan.stdout.contains("task group \"a\" fails to place"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        crate::common::flat(&out.stdout).contains("NP207 [error] group \"a\""),
        "{}",
        out.stdout
    );
}
