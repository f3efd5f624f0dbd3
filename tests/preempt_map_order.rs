//! Preemption ties that Go's map order breaks (redteam5 R3): Nomad's
//! candidates are the node's proposed allocations read back from a Go map
//! (`ProposedAllocs`, scheduler/context.go v0.9.3–v1.11.x,
//! scheduler/feasible/context.go v2.0.x), and `PreemptForTaskGroup` takes
//! the first of strictly smallest distance (`if distance < bestDistance`),
//! `PreemptForDevice` the first holder that covers the count. Equally
//! close victims are therefore a random pick: `--samples` and `rehearse`
//! must not call one of them certain, and the plan says the pick is
//! random with each outcome's odds (`note:` on stderr,
//! `Preflight.Nondeterminism`).

use crate::common::TempDir;

// The world states the system preemption its plans rest on (Nomad's
// default, on): unstated, the plan cannot tell (R27-1, a cluster set with
// `-preempt-system-scheduler=false` leaves the system job unplaced).
const CLUSTER: &str = r#"nomad_version = "1.6.0"
edition = "community"
region = "global"
scheduler {
  preemption {
    system = true
  }
}
client "c" {
  count = 1
  datacenter = "dc1"
  cpu = 4000
  memory = 4000
  disk = 50000
  drivers = ["docker"]
}
running = ["jobs/low.nomad", "jobs/low2.nomad", "jobs/mid.nomad"]
"#;

fn job(name: &str, kind: &str, priority: u32, count: u32, memory: u32) -> String {
    format!(
        r#"job "{name}" {{
  datacenters = ["dc1"]
  type = "{kind}"
  priority = {priority}
  group "g" {{
    count = {count}
    task "t" {{
      driver = "docker"
      config {{ image = "x:1" }}
      resources {{
        cpu = 100
        memory = {memory}
      }}
    }}
  }}
}}
"#
    )
}

/// One client of 4000 MB holding low (priority 20, 2 x 1000 MB), low2
/// (priority 20, 1000 MB) and mid (priority 45, 900 MB); a priority-60
/// system job asks 1100 MB, so one of the three equally sized
/// priority-20 allocations goes: whichever the proposed map yields first.
fn tied_world(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("jobs/low.nomad", &job("low", "service", 20, 2, 1000));
    d.put("jobs/low2.nomad", &job("low2", "service", 20, 1, 1000));
    d.put("jobs/mid.nomad", &job("mid", "service", 45, 1, 900));
    let sys = job("sys", "system", 60, 1, 1100).replace("    count = 1\n", "");
    d.put("jobs/sys.nomad", &sys);
    d
}

fn text(o: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The samples see both jobs' allocations preempted; neither is certain.
#[test]
fn equally_close_victims_are_not_certain_in_samples() {
    let d = tied_world("pmo-samples");
    let o = d.run(&[
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "jobs/sys.nomad",
        "--samples",
        "200",
    ]);
    let (out, err) = text(&o);
    assert!(!out.contains("certain  preempts"), "{out}{err}");
    assert!(out.contains("preempts an allocation of low/g"), "{out}");
    assert!(out.contains("preempts an allocation of low2/g"), "{out}");
    assert!(
        out.contains(" certain  every allocation is placed (200/200)"),
        "{out}"
    );
}

/// The plan's text says the pick is random, naming each outcome with its
/// odds from the node's map slots (four allocations by ID, a random start
/// of 8), and JSON carries the same note.
#[test]
fn the_plan_says_the_victim_is_random() {
    let d = tied_world("pmo-note");
    let o = d.run(&["plan", "--no-cache", "--world", "rules", "jobs/sys.nomad"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    let note = err
        .lines()
        .find(|l| {
            l.starts_with(
                "note: node \"c-1\": which allocations are preempted for group \"g\" is random",
            )
        })
        .unwrap_or_else(|| panic!("no note of the random victim: {err}"));
    // Every outcome's chance is a multiple of 1/8, and they add up to 1.
    let shares: Vec<f64> = note
        .split(['(', ',', ')'])
        .filter_map(|p| p.trim().rsplit(' ').next()?.strip_suffix('%')?.parse().ok())
        .collect();
    assert!(shares.len() >= 2, "{note}");
    assert!((shares.iter().sum::<f64>() - 100.0).abs() < 0.2, "{note}");
    assert!(
        shares
            .iter()
            .all(|s| (s / 12.5 - (s / 12.5).round()).abs() < 0.01),
        "{note}"
    );
    let json = d.run(&[
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "jobs/sys.nomad",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let notes = v["Preflight"]["Nondeterminism"].to_string();
    assert!(
        notes.contains(
            "is random: Nomad takes them in the order its proposed list (a Go map) yields"
        ),
        "{notes}"
    );
}

/// `rehearse` expecting one job's allocation to go is at risk, not held.
#[test]
fn rehearse_does_not_hold_an_expected_victim() {
    let d = tied_world("pmo-rehearse");
    d.put(
        "reh.hcl",
        "step \"plan sys\" {\n  command = \"nomad job plan jobs/sys.nomad\"\n  expect {\n    preempts = [\"low/g\"]\n  }\n}\n",
    );
    let o = d.run(&["rehearse", "reh.hcl", "--world", "rules", "--samples", "50"]);
    let (out, err) = text(&o);
    let all = format!("{out}{err}");
    assert!(!all.contains("1 held, 0 at risk"), "{all}");
    assert!(all.contains("1 at risk"), "{all}");
}

/// Device preemption: two priority-20 jobs each hold one of the node's two
/// GPUs; a priority-60 job asks one. `PreemptForDevice` takes the first
/// holder in the proposed map's order: low's allocation sorts first by ID
/// of two, so 7 in 8 (scheduler/preemption.go v1.6.0:520-547).
#[test]
fn device_victims_are_drawn_too() {
    let d = TempDir::new("pmo-device");
    d.put(
        "rules/cluster.hcl",
        r#"nomad_version = "1.6.0"
edition = "community"
region = "global"
scheduler {
  preemption {
    service = true
  }
}
client "c" {
  count = 1
  datacenter = "dc1"
  cpu = 4000
  memory = 8000
  disk = 50000
  drivers = ["docker"]
  device "nvidia/gpu/t4" {
    count = 2
  }
}
running = ["jobs/low.nomad", "jobs/mid.nomad"]
"#,
    );
    let gpu = |name: &str, priority: u32| {
        job(name, "service", priority, 1, 100).replace(
            "        memory = 100\n",
            "        memory = 100\n        device \"nvidia/gpu\" {\n          count = 1\n        }\n",
        )
    };
    d.put("jobs/low.nomad", &gpu("low", 20));
    d.put("jobs/mid.nomad", &gpu("mid", 20));
    d.put("hi.nomad", &gpu("hi", 60));
    let o = d.run(&[
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "hi.nomad",
        "--samples",
        "100",
    ]);
    let (out, err) = text(&o);
    assert!(!out.contains("certain  preempts"), "{out}{err}");
    assert!(out.contains("preempts an allocation of mid/g"), "{out}");
    let o = d.run(&["plan", "--no-cache", "--world", "rules", "hi.nomad"]);
    let (out, err) = text(&o);
    assert!(
        err.contains("which allocations are preempted for device \"nvidia/gpu\" is random")
            && err.contains("87.5%")
            && err.contains("12.5%"),
        "{out}{err}"
    );
}
