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

/// How many of `plan --samples 1000`'s shuffles give "preempts an
/// allocation of low/g".
fn plan_hits(d: &TempDir) -> u32 {
    let (_, stdout, stderr) = out(&d.run(&["plan", "--samples", "1000", "high.nomad"]));
    stdout
        .lines()
        .find(|l| l.ends_with("/1000)") && l.contains("preempts an allocation of low/g"))
        .and_then(|l| l.rsplit('(').next()?.split('/').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no share: {stdout}{stderr}"))
}

/// `high` is placed in every history, preempting `low` in about half:
/// no shuffle leaves it unplaced, so `check` samples 1,000 (the gates'
/// resample, by the predicate NP207's bound reads), and NP403's share is
/// over those, as `plan --samples 1000` gives it.
#[test]
fn a_victim_live_only_in_other_histories_is_sampled() {
    let d = world("sampled");
    let hits = plan_hits(&d);
    assert!((10..990).contains(&hits), "{hits}");
    let (code, stdout, stderr) = out(&d.run(&["check", "high.nomad"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let share = format!("{:.0}", f64::from(hits) / 10.0);
    let want = format!("NP403 [error] submitting job \"high\" preempts low/g (namespace \"default\", priority 20) in {share}% of 1000 node shuffles");
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

/// `check` sampled again only where no shuffle did anything to the job
/// (`Sampled::is_quiet`, preemptions counted), while NP207's bound advice
/// reads only what is left unplaced: a job placed in every shuffle that
/// preempts in some was bounded over the first 100 ("under 3%") where the
/// gates bound it over 1,000. One predicate now
/// (`Sampled::leaves_unplaced`) decides both. Fails on np65 ("in none
/// of 100 node shuffles sampled").
#[test]
fn a_preempting_job_placed_everywhere_is_bounded_over_the_resample() {
    let d = world("bound");
    let (code, stdout, stderr) = out(&d.run(&["check", "high.nomad"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let advice = stdout
        .lines()
        .find(|l| l.contains("NP207 [advice]"))
        .unwrap_or_else(|| panic!("no bound: {stdout}{stderr}"));
    assert!(
        advice.contains("in none of 1000 node shuffles sampled, so in under 0.3% of them"),
        "{advice}"
    );
}
