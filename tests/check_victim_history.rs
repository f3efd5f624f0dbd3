//! NP403's victim evicted (or never placed) in this replay's history but
//! live in another (stop 59 Left 5). A written world's running jobs are
//! placed by the simulation, and Nomad shuffles the nodes at every
//! evaluation (scheduler/feasible/stack.go v2.0.5:82), so where they sit
//! is one history of many; `plan --samples` and the plan gate replay them.
//!
//! The world: two clients of 1000 MB; `mid` (priority 75, 600 MB, any
//! node) and `low` (priority 20, 600 MB, pinned to c-2), protected. Where
//! `mid` lands on c-2, `low` is left unplaced; where it lands on c-1,
//! `low` runs on c-2. `high` (priority 80, 900 MB) then fits on the free
//! node in the first history and preempts `low` in the second (80 - 20 is
//! past Nomad's gap of 10; `mid` is within it: scheduler/preempt.go
//! `PRIORITY_GAP`). `check`'s own history is the first: it read only that
//! history's live allocations, found nothing to preempt, sampled nothing
//! and passed (exit 0) a job that evicts a protected job in about half the
//! histories `plan --samples` replays.

use crate::common::applier::out;
use crate::common::TempDir;

fn job(name: &str, priority: u32, memory: u32, pin: &str) -> String {
    let pin = if pin.is_empty() {
        String::new()
    } else {
        format!("    constraint {{\n      attribute = \"${{node.unique.name}}\"\n      value = \"{pin}\"\n    }}\n")
    };
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  priority = {priority}\n  group \"g\" {{\n{pin}    count = 1\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n")
}

fn world(tag: &str) -> TempDir {
    let d = TempDir::new(&format!("victim-history-{tag}"));
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"2.0.5\"\nregion = \"global\"\nedition = \"community\"\nscheduler {\n  algorithm = \"binpack\"\n  preemption {\n    system = true\n    sysbatch = false\n    batch = false\n    service = true\n  }\n}\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 1000\n  disk = 100000\n  drivers = [\"docker\"]\n}\nrunning = [\"jobs/mid.nomad\", \"jobs/low.nomad\"]\n",
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"low\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/mid.nomad", &job("mid", 75, 600, ""));
    d.put("jobs/low.nomad", &job("low", 20, 600, "c-2"));
    d.put("high.nomad", &job("high", 80, 900, ""));
    d
}

/// The share `plan --samples 100` gives of "preempts an allocation of
/// low/g", in percent.
fn plan_share(d: &TempDir) -> u32 {
    let (_, stdout, stderr) = out(&d.run(&["plan", "--samples", "100", "high.nomad"]));
    stdout
        .lines()
        .find(|l| l.ends_with(")") && l.contains("preempts an allocation of low/g"))
        .and_then(|l| l.split('%').next()?.trim().split('.').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no share: {stdout}{stderr}"))
}

#[test]
fn a_victim_live_only_in_other_histories_is_sampled() {
    let d = world("sampled");
    let share = plan_share(&d);
    assert!((1..100).contains(&share), "{share}");
    let (code, stdout, stderr) = out(&d.run(&["check", "high.nomad"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let want = format!("NP403 [error] submitting job \"high\" preempts low/g (namespace \"default\", priority 20) in {share}% of 100 node shuffles");
    let line = stdout.lines().find(|l| l.contains(&want));
    assert!(
        line.is_some_and(|l| l.ends_with("; the policy protects it")),
        "{want}\n{stdout}{stderr}"
    );
}

/// Guard: with nothing Nomad could preempt in any history (`low` at
/// priority 75 too, within the gap), NP403 says nothing; where `low` runs,
/// `high` finds no room, which NP207 says (an error either way).
#[test]
fn nothing_below_the_gap_in_any_history_says_nothing() {
    let d = world("guard");
    d.put("jobs/low.nomad", &job("low", 75, 600, "c-2"));
    let (code, stdout, stderr) = out(&d.run(&["check", "high.nomad"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("NP403"), "{stdout}");
    assert!(
        stdout.contains("NP207 [error] group \"g\" is placed in this evaluation, but it fails in"),
        "{stdout}"
    );
}
