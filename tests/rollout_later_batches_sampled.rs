//! roll24: the rollout's end state (R22-A-3, `rules::capacity::
//! later_batches`) judged as the plan shown is, over node shuffles, and
//! with canaries.
//!
//! Sampled: 3 clients of 4000 MB; `x` and `y` (1500 MB each) run, placed
//! by the simulation, so where they sit is the history each replay draws
//! again (Nomad shuffles the nodes per evaluation, scheduler/feasible/
//! stack.go v2.0.5:80-82, and the limit of 2 candidates takes two of them,
//! select.go): together on one client in about two thirds of them. The
//! protected `web` (count 3, max_parallel 1) raises memory 100 -> 2500:
//! its first batch fits every history, and its end state (3 x 2500) fits
//! the history this simulation drew but not one where `x` and `y` share a
//! client. The end state was planned once, so both gates and `check`
//! passed a rollout Nomad's deployment cannot finish in most histories.

use crate::common::{flat, git, run_in, TempDir};

fn job(name: &str, count: u32, mb: u32, update: &str) -> String {
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n{update}    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1\" }}\n      resources {{\n        cpu = 100\n        memory = {mb}\n      }}\n    }}\n  }}\n}}\n")
}

/// `clients` of 4000 MB running `running` (name, count, MB) and `web`
/// (`count` x 100 MB with `update`), committed; `web` at `mb` staged.
fn staged(tag: &str, clients: u32, running: &[(&str, u32, u32)], web: (u32, u32, &str)) -> TempDir {
    let d = TempDir::new(tag);
    let mut files: Vec<String> = running
        .iter()
        .map(|(n, _, _)| format!("\"jobs/{n}.nomad\""))
        .collect();
    files.push("\"jobs/web.nomad\"".into());
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"2.0.5\"\nregion = \"global\"\nscheduler {{\n  algorithm = \"binpack\"\n}}\nclient \"c\" {{\n  count = {clients}\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n}}\nrunning = [{}]\n", files.join(", ")),
    );
    d.put(
        "rules/namespaces/default.hcl",
        "name = \"default\"\ndescription = \"d\"\n",
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"web\"]\n  namespaces = []\n}\n",
    );
    for (name, count, mb) in running {
        d.put(&format!("jobs/{name}.nomad"), &job(name, *count, *mb, ""));
    }
    let (count, mb, update) = web;
    d.put("jobs/web.nomad", &job("web", count, 100, update));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    d.put("jobs/web.nomad", &job("web", count, mb, update));
    git(&d.0, &["add", "jobs/web.nomad"]);
    d
}

const ROLLING: &str = "    update {\n      max_parallel = 1\n    }\n";

#[test]
fn an_end_state_some_histories_cannot_place_is_refused_with_its_share() {
    let d = staged(
        "later-batches-sampled",
        3,
        &[("x", 1, 1500), ("y", 1, 1500)],
        (3, 2500, ROLLING),
    );
    let head =
        "the rollout's later batches leave allocations of job \"web\" (group \"g\") unplaced in ";
    let tail = " node shuffles (none in the end state planned here)";
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    let out = flat(&check.stdout);
    assert!(
        out.contains(&format!("NP207 [error] {head}")) && out.contains(tail),
        "{out}"
    );
    for args in [
        &["--no-color", "plan", "--changed", "--staged", "--gate"][..],
        &["--no-color", "plan", "jobs/web.nomad", "--gate"][..],
    ] {
        let gate = run_in(&d.0, args);
        // Nomad's text is the first batch's, placed.
        assert!(
            gate.stdout
                .contains("+/- Task Group: \"g\" (1 create/destroy update, 2 ignore)")
                && gate.stdout.contains("- All tasks successfully allocated."),
            "{args:?}: {}",
            gate.stdout
        );
        assert_eq!(gate.code, 1, "{args:?}: {}{}", gate.stdout, gate.stderr);
        let all = flat(&format!("{}{}", gate.stdout, gate.stderr));
        assert!(
            all.contains("refused by policy") && all.contains(head) && all.contains(tail),
            "{args:?}: {all}"
        );
    }
    let json = run_in(
        &d.0,
        &[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect(&json.stderr);
    let later: Vec<&serde_json::Value> = v["Plans"][0]["Policy"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["Refusal"] == "later-batches")
        .collect();
    assert_eq!(later.len(), 1, "{v}");
    let hits = later[0]["Shuffles"]["Hits"].as_u64().unwrap_or(0);
    assert!(hits > 0 && later[0]["Unplaced"] == 0, "{v}");
}

/// The same rollout on 4 clients, where every history sampled leaves room
/// for the end state, passes both gates, but over samples only: no room
/// bound proves the end state, so the pass says its bound (rv24-1; before,
/// a bare pass), in the gate and as `check`'s NP207 advice.
#[test]
fn an_end_state_every_history_places_passes() {
    let d = staged(
        "later-batches-sampled-fit",
        4,
        &[("x", 1, 1500), ("y", 1, 1500)],
        (3, 2500, ROLLING),
    );
    let gate = run_in(
        &d.0,
        &["--no-color", "plan", "--changed", "--staged", "--gate"],
    );
    assert_eq!(gate.code, 0, "{}{}", gate.stdout, gate.stderr);
    assert!(!gate.stdout.contains("later batches"), "{}", gate.stdout);
    let said = flat(&format!("{}{}", gate.stdout, gate.stderr));
    assert!(
        said.contains("jobs/web.nomad passes the policy over samples only: protected job \"web\"")
            && said.contains("node shuffles sampled, so in under"),
        "{said}"
    );
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(
        flat(&check.stdout).contains("NP207 [advice] the rollout's later batches of job \"web\" leave an allocation unplaced in none of"),
        "{}",
        check.stdout
    );
}

/// The canary case (R22-A-3's end state with `canary > 0`). Guard (the
/// baseline refuses it too; no test held it): the plan shows the canary
/// beside the six old allocations, `(1 canary, 6 ignore)`
/// (reconcile_cluster.go v2.0.5:689-725, :541), and places it; promoted,
/// the deployment keeps the canary, stops one old allocation and replaces
/// the other five (:1147-1160, :539): six of 2000 MB on 2 x 4000 MB
/// clients, which the end state cannot place.
#[test]
fn a_canary_rollout_whose_promoted_end_state_cannot_fit_is_refused() {
    let canary = "    update {\n      max_parallel = 1\n      canary = 1\n    }\n";
    let d = staged("later-batches-canary", 2, &[], (6, 2000, canary));
    let gate = run_in(&d.0, &["--no-color", "plan", "jobs/web.nomad", "--gate"]);
    assert!(
        gate.stdout
            .contains("+/- Task Group: \"g\" (1 canary, 6 ignore)")
            && gate.stdout.contains("- All tasks successfully allocated."),
        "{}",
        gate.stdout
    );
    assert_eq!(gate.code, 1, "{}{}", gate.stdout, gate.stderr);
    let all = flat(&format!("{}{}", gate.stdout, gate.stderr));
    assert!(
        all.contains("refused by policy")
            && all.contains("the rollout's later batches leave up to 5 allocation(s) of job \"web\" (group \"g\") unplaced"),
        "{all}"
    );
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
}

/// Guard: a blue/green deployment (`canary = count`) whose canaries fit
/// beside the old allocations needs no more room once promoted (the old
/// ones are stopped, computeStop :1147-1160): it passes.
#[test]
fn a_blue_green_rollout_whose_canaries_fit_passes() {
    let canary = "    update {\n      max_parallel = 2\n      canary = 2\n    }\n";
    let d = staged("later-batches-blue-green", 2, &[], (2, 1500, canary));
    let gate = run_in(&d.0, &["--no-color", "plan", "jobs/web.nomad", "--gate"]);
    assert!(
        gate.stdout.contains("(2 canary, 2 ignore)"),
        "{}",
        gate.stdout
    );
    assert_eq!(gate.code, 0, "{}{}", gate.stdout, gate.stderr);
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}
