//! The service stack examines `limit` nodes per placement (ceil(log2 n),
//! at least 2: scheduler/stack.go v0.9.3 and on, LimitIterator in
//! select.go), walking the shuffled nodes from where the last placement
//! stopped. The node chosen depends on the shuffle only when more nodes
//! fit than that: when no more fit, the walk meets every one that fits in
//! any order. The plan says so only in the first case.

use crate::common::TempDir;

/// Three clients, `small` of them too small for the job's 500 MB; a new
/// service job, one allocation.
fn project(tag: &str, small: u32) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, count: u32, memory: u32| {
        format!("client \"{name}\" {{\n  count = {count}\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = {memory}\n  disk = 50000\n  drivers = [\"docker\"]\n}}\n")
    };
    let mut world = String::from("nomad_version = \"1.6.0\"\nregion = \"global\"\n");
    world.push_str(&client("big", 3 - small, 8000));
    if small > 0 {
        world.push_str(&client("small", small, 200));
    }
    d.put("rules/cluster.hcl", &world);
    d.put(
        "web.nomad",
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"web\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"x:1\" }\n      resources {\n        cpu = 100\n        memory = 500\n      }\n    }\n  }\n}\n",
    );
    d
}

const NOTE: &str =
    "more nodes fit than the 2 Nomad examines per placement, so the node chosen depends on its shuffle";

/// The plan's notes (JSON `Preflight.Nondeterminism`) under `seed`.
fn notes(d: &TempDir, seed: u32) -> String {
    let seed = seed.to_string();
    let o = d.run(&[
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "web.nomad",
        "--seed",
        &seed,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    v["Preflight"]["Nondeterminism"].to_string()
}

/// Three clients fit, two are examined: the shuffle decides, every time.
#[test]
fn three_fitting_clients_and_a_limit_of_two_leave_it_to_the_shuffle() {
    let d = project("limit-note-three", 0);
    for seed in 1..=6 {
        let err = notes(&d, seed);
        assert!(err.contains(NOTE), "seed {seed}: {err}");
    }
}

/// Two clients fit: whichever order the shuffle gives, the walk meets
/// both, so no shuffle decides, in any seed (the walk stopping at the
/// limit before the small client is no evidence of more room).
#[test]
fn two_fitting_clients_are_always_both_examined() {
    let d = project("limit-note-two", 1);
    for seed in 1..=12 {
        let err = notes(&d, seed);
        assert!(
            !err.contains("depends on its shuffle"),
            "seed {seed}: {err}"
        );
    }
}
