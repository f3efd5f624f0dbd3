//! rt21b (stop 62): three worlds where `check --staged` exited 0 while
//! `plan --samples` shows the staged file failing in some shuffles, each
//! a draw the room bound or the sampling trigger did not see:
//! - R21-B-1: a running job's group without a network of its own is judged
//!   with the network of the group Nomad placed before it (scheduler/
//!   feasible/stack.go v2.0.5:167-169 sets it only for a group that has
//!   one; groups are visited in Go's map order), in its registration and
//!   in its in-place update's `Select` (scheduler/util.go v2.0.5:862-871);
//! - R21-B-2: clients of one computed class differ on the network check,
//!   which Nomad caches per class (nomad/structs/node_class.go
//!   v2.0.5:46-80; feasible.go :1450-1523): the first client a shuffle
//!   meets decides for both;
//! - R21-B-3: an earlier allocation's dynamic port, drawn at random from
//!   the client's dynamic range (nomad/structs/network.go v2.0.5:705-743),
//!   lands on the staged job's static port ("reserved port collision",
//!   :470-494).

use crate::common::{flat, git, run_in, TempDir};

/// A client `name` of 4096 MB with `lines` inside it.
fn client(name: &str, lines: &str) -> String {
    format!("client \"{name}\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4096\n  disk = 10000\n  drivers = [\"docker\"]\n{lines}  attributes = {{ \"kernel.name\" = \"linux\" }}\n}}\n")
}

/// A service group `name` of `count` allocations of `memory` MB, with
/// `extra` inside it.
fn group(name: &str, count: u32, memory: u32, extra: &str) -> String {
    format!("  group \"{name}\" {{\n    count = {count}\n{extra}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{name}:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n")
}

fn job(name: &str, groups: &[String]) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n{}}}\n",
        groups.concat()
    )
}

/// `world` (rules/cluster.hcl) and `committed` files in a new repository,
/// then `staged` (path, text) added to the index.
fn repo(tag: &str, world: &str, committed: &[(&str, String)], staged: (&str, &str)) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", world);
    for (path, text) in committed {
        d.put(path, text);
    }
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d.put(staged.0, staged.1);
    git(&d.0, &["add", staged.0]);
    d
}

/// `plan --samples 100` of `file` fails group `group` in some shuffles,
/// and `check --staged` refuses the change with NP207 for that group.
fn assert_sampled_and_refused(d: &TempDir, file: &str, group: &str) {
    let plan = run_in(&d.0, &["--no-color", "plan", "--samples", "100", file]);
    assert!(
        plan.stdout
            .contains(&format!("task group \"{group}\" fails to place")),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        flat(&out.stdout).contains(&format!(
            "NP207 [error] group \"{group}\" is placed in this evaluation, but"
        )),
        "{}",
        out.stdout
    );
}

const NETS: &str = "  network_modes = [\"host\", \"bridge\"]\n  node_class = \"br\"\n";
const HOST: &str = "  network_modes = [\"host\"]\n  node_class = \"plain\"\n";
const BRIDGE: &str = "    network {\n      mode = \"bridge\"\n    }\n";

/// R21-B-1: n1, n2 offer bridge, n3 only host; `x` (2 x 3000 MB) runs,
/// then `j` ("b" 2000 MB without a network, "a" bridge). Where "a" comes
/// first, "b"'s in-place update on n3 is judged with bridge and fails
/// there: destructive, and the new "b" finds no room.
#[test]
fn check_samples_a_group_judged_with_another_groups_network() {
    let world = format!(
        "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}{}{}running = [\"jobs/x.nomad\", \"jobs/j.nomad\"]\n",
        client("n1", NETS),
        client("n2", NETS),
        client("n3", HOST)
    );
    let j = |count: u32| {
        job(
            "j",
            &[group("b", 1, 2000, ""), group("a", count, 10, BRIDGE)],
        )
    };
    let d = repo(
        "bound-carried-network",
        &world,
        &[
            ("jobs/x.nomad", job("x", &[group("x", 2, 3000, "")])),
            ("jobs/j.nomad", j(1)),
        ],
        ("jobs/j.nomad", &j(2)),
    );
    assert_sampled_and_refused(&d, "jobs/j.nomad", "b");
}

/// R21-B-2: two clients alike but their network modes (one computed
/// class), no running job; a new job asking bridge fails wherever the
/// host-only client is checked first.
#[test]
fn check_samples_a_computed_class_split() {
    // From 1.5.0 the bridge fingerprint also sets
    // `nomad.bridge.hairpin_mode` (client/fingerprint/bridge_linux.go
    // v1.10.5:44), which puts a client with the bridge and one without in
    // different classes: n1 states the attribute, so the two share one
    // class and differ only on the network check the class caches.
    let n1 = client("n1", "  network_modes = [\"host\"]\n").replace(
        "\"kernel.name\" = \"linux\" }",
        "\"kernel.name\" = \"linux\", \"nomad.bridge.hairpin_mode\" = \"false\" }",
    );
    let world = format!(
        "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}{}",
        n1,
        client("n2", "  network_modes = [\"host\", \"bridge\"]\n")
    );
    let a = job("a", &[group("a", 1, 100, BRIDGE)]);
    let d = repo("bound-class-split", &world, &[], ("jobs/a.nomad", &a));
    assert_sampled_and_refused(&d, "jobs/a.nomad", "a");
    // The plan says its outcome was drawn, in a note.
    let plan = run_in(&d.0, &["--no-color", "plan", "jobs/a.nomad"]);
    assert!(
        plan.stderr
            .contains("note: group \"a\": clients of one computed class differ"),
        "{}",
        plan.stderr
    );
}

/// One client whose dynamic range is 30000-30002, `x` running with one
/// dynamic port, then a new job `j` asking static port `port`, staged.
fn port_repo(tag: &str, port: u16) -> TempDir {
    let world = format!(
        "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}running = [\"jobs/x.nomad\"]\n",
        client(
            "n1",
            "  min_dynamic_port = 30000\n  max_dynamic_port = 30002\n"
        )
    );
    let net = |body: &str| format!("    network {{\n      port \"http\" {{{body}}}\n    }}\n");
    let x = job("x", &[group("x", 1, 100, &net(""))]);
    let static_port = format!(" static = {port} ");
    let j = job("j", &[group("j", 1, 100, &net(&static_port))]);
    repo(tag, &world, &[("jobs/x.nomad", x)], ("jobs/j.nomad", &j))
}

/// R21-B-3: `x`'s dynamic port is drawn onto 30001 in half the
/// histories, where the staged job's static 30001 collides.
#[test]
fn check_samples_a_static_port_inside_the_dynamic_range() {
    let d = port_repo("bound-dynamic-port", 30001);
    assert_sampled_and_refused(&d, "jobs/j.nomad", "j");
}

/// Guard (passes on the baseline too): a static port outside the
/// dynamic range no dynamic port can take; the job passes.
#[test]
fn check_passes_a_static_port_outside_the_dynamic_range() {
    let d = port_repo("bound-static-port-outside", 8080);
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("NP207"), "{}", out.stdout);
}

/// n1 (class br, bridge) and n2 (class plain, host only), 4096 MB each, no
/// running job, and a new job `j`: "b" (3000 MB) and "a" (3000 MB, with
/// `a_extra`), which only n1 takes, staged.
fn own_shuffle_repo(tag: &str, a_extra: &str, memory: u32) -> TempDir {
    let world = format!(
        "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}{}",
        client("n1", NETS),
        client("n2", HOST)
    );
    let j = job(
        "j",
        &[group("b", 1, memory, ""), group("a", 1, memory, a_extra)],
    );
    repo(tag, &world, &[], ("jobs/j.nomad", &j))
}

const CLASS_BR: &str =
    "    constraint {\n      attribute = \"${node.class}\"\n      value = \"br\"\n    }\n";

/// room21 (stop 62): no history to redraw and no draw noted, yet Nomad
/// shuffles the nodes once per evaluation before placing (scheduler/
/// generic_sched.go v2.0.5:487-493, feasible/stack.go :80-82): "b" lands
/// on n1 in about half the shuffles, and "a" then finds no room there.
/// `check` passed it; the plan's own placements now go to the room bound,
/// which cannot show "a" fits, so the shuffles are sampled.
#[test]
fn check_samples_the_plans_own_shuffle_without_history() {
    let d = own_shuffle_repo("own-shuffle-constraint", CLASS_BR, 3000);
    assert_sampled_and_refused(&d, "jobs/j.nomad", "a");
    let out = run_in(&d.0, &["--no-color", "check", "jobs/j.nomad"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
}

/// The same with a bridge network on "a" instead of the constraint.
#[test]
fn check_samples_the_plans_own_shuffle_for_a_bridge_group() {
    let d = own_shuffle_repo("own-shuffle-bridge", BRIDGE, 3000);
    assert_sampled_and_refused(&d, "jobs/j.nomad", "a");
}

/// Guard (passes on the baseline too): with room for both groups on n1
/// (1000 MB each) the bound shows every shuffle places them; the job
/// passes.
#[test]
fn check_passes_the_plans_own_placements_with_room() {
    let d = own_shuffle_repo("own-shuffle-room", CLASS_BR, 1000);
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("NP207"), "{}", out.stdout);
}
