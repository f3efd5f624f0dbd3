//! R22-B-5: 1.2.0 and 1.2.1's system scheduler merges a group's filter
//! metrics starting from a copy of the first filtered node's, whose empty
//! class map `Copy` leaves nil; a later filtered node with a class writes
//! to it (scheduler/scheduler_system.go v1.2.0:283-298; #11565, fixed in
//! 1.2.2). Nothing recovers it before 1.3.0: the leader dies and `nomad
//! job plan` gets no plan. Which node is filtered first is the diff's Go
//! map order: with one classless and one classed client filtered, about
//! half the evaluations panic. We planned every one as placed. Now a draw
//! that panics says so (exit 255), one that does not notes the odds, and
//! `check` samples it. See src/scheduler/nil_filtered_map.rs.

use crate::common;
use common::{run_in, Out, TempDir};

/// Clients "plain" (no class) and "gpu" (class gpu) are filtered by the
/// job's constraint; "win" runs it. `gpu_class` "": no class on "gpu".
fn world(tag: &str, version: &str, gpu_class: &str) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, extra: &str| {
        format!(
            "client \"{name}\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8000\n  disk       = 50000\n  drivers    = [\"docker\"]\n{extra}}}\n"
        )
    };
    let class = if gpu_class.is_empty() {
        String::new()
    } else {
        format!("  node_class = \"{gpu_class}\"\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\n{}{}{}",
            client("plain", ""),
            client("gpu", &class),
            client("win", "  attributes = { \"kernel.name\" = \"windows\" }\n"),
        ),
    );
    d.put(
        "sys.nomad",
        r#"job "sys" {
  datacenters = ["dc1"]
  type        = "system"
  group "g" {
    constraint {
      attribute = "${attr.kernel.name}"
      value     = "windows"
    }
    task "t" {
      driver = "docker"
      config { image = "x:1" }
      resources {
        cpu    = 100
        memory = 100
      }
    }
  }
}
"#,
    );
    d
}

fn plan(d: &TempDir, seed: u32, extra: &[&str]) -> Out {
    let seed = seed.to_string();
    let mut args = vec!["plan", "--no-cache", "--world", "rules", "--seed", &seed];
    args.extend_from_slice(extra);
    args.push("sys.nomad");
    run_in(&d.0, &args)
}

const NOTE: &str =
    "note: group \"g\": Nomad 1.2.1's server panics merging the group's filter metrics";
const CRASH: &str = "error: cannot tell what `nomad job plan` prints for job \"sys\": Nomad 1.2.1's server panics on this plan (an assignment to a nil map merging the filter metrics of group \"g\" at node \"gpu-1\"";

/// Fails on the baseline (9b0d463c): every seed planned "1 create", exit
/// 1, with no word of the panic.
#[test]
fn a_classless_then_a_classed_filtered_client_panics_by_the_draw() {
    let d = world("nil-map-121", "1.2.1", "gpu");
    let (mut crashed, mut noted) = (0, 0);
    for seed in 1..=12 {
        let o = plan(&d, seed, &[]);
        if o.code == 255 {
            assert!(o.stderr.starts_with(CRASH), "seed {seed}: {}", o.stderr);
            assert!(
                o.stderr.contains("hashicorp/nomad#11565, fixed in 1.2.2"),
                "{}",
                o.stderr
            );
            assert_eq!(o.stdout, "", "seed {seed}");
            crashed += 1;
        } else {
            assert_eq!(o.code, 1, "seed {seed}: {}", o.stderr);
            assert!(o.stderr.contains(NOTE), "seed {seed}: {}", o.stderr);
            assert!(
                o.stderr.contains("1 of the 2 nodes it filters panic it when first, so about 50.0% of evaluations panic the leader"),
                "{}",
                o.stderr
            );
            noted += 1;
        }
    }
    assert!(crashed > 0 && noted > 0, "{crashed} crashed, {noted} noted");
    // The share over node shuffles, from a seed whose own draw plans.
    let seed = (1..=12)
        .find(|&s| plan(&d, s, &[]).code == 1)
        .expect("a seed that plans");
    let o = plan(&d, seed, &["--samples", "1000"]);
    let line = o
        .stdout
        .lines()
        .find(|l| l.contains("Nomad's server panics (hashicorp/nomad#11565)"))
        .unwrap_or_else(|| panic!("{}", o.stdout));
    let share: f64 = line
        .trim_start()
        .split('%')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((40.0..60.0).contains(&share), "{line}");
    // `check` samples the drawn plan: the panicking evaluations are no
    // all-clear (exit 2, "cannot tell").
    let c = run_in(
        &d.0,
        &["check", "--no-cache", "--world", "rules", "sys.nomad"],
    );
    assert!(
        c.stdout
            .contains("panic Nomad's server (`nomad job plan` gets no plan"),
        "{}{}",
        c.stdout,
        c.stderr
    );
    assert_eq!(c.code, 2, "{}{}", c.stdout, c.stderr);
}

/// Guards: 1.2.2 makes the maps first; at 1.2.1 two classless filtered
/// clients never fill the nil map.
#[test]
fn the_fix_or_no_classed_client_plans_every_draw() {
    for (tag, version, class) in [
        ("nil-map-122", "1.2.2", "gpu"),
        ("nil-map-flat", "1.2.1", ""),
    ] {
        let d = world(tag, version, class);
        for seed in 1..=6 {
            let o = plan(&d, seed, &[]);
            assert_eq!(o.code, 1, "{version} seed {seed}: {}", o.stderr);
            assert!(!o.stderr.contains("nil map"), "{}", o.stderr);
        }
    }
}
