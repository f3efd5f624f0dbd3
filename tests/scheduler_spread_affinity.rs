//! Where spread and affinity scores send a job, per release (redteam5 R16,
//! R17; issue 13). Each world runs the scored job on three racks of 1000
//! MB, and plans `big.nomad`, which fits rack r1 only while the scored job
//! left room there: Nomad's text says where the scored job went.

use crate::common;
use common::{run_in, TempDir};

/// Three clients, racks r1-r3, each 1000 MB; `running` the scored job.
fn racks(tag: &str, version: &str, running: &str, job: &str) -> TempDir {
    let d = TempDir::new(tag);
    let client = |rack: &str| {
        format!(
            r#"client "{rack}" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 1000
  disk       = 50000
  drivers    = ["docker"]
  meta       = {{ rack = "{rack}" }}
}}
"#
        )
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\n{}{}{}running = [\"jobs/{running}.nomad\"]\n",
            client("r1"),
            client("r2"),
            client("r3")
        ),
    );
    d.put(&format!("jobs/{running}.nomad"), job);
    d.put(
        "big.nomad",
        r#"job "big" {
  datacenters = ["dc1"]
  group "g" {
    constraint {
      attribute = "${meta.rack}"
      value     = "r1"
    }
    task "t" {
      driver = "docker"
      config { image = "x:1" }
      resources {
        cpu    = 100
        memory = 500
      }
    }
  }
}
"#,
    );
    d
}

/// A group `g` of `count` tasks of `memory` MB with `prefs` (spread or
/// affinity blocks).
fn scored(name: &str, count: u32, memory: u32, prefs: &str) -> String {
    format!(
        r#"job "{name}" {{
  datacenters = ["dc1"]
  group "g" {{
    count = {count}
{prefs}
    task "t" {{
      driver = "docker"
      config {{ image = "x:1" }}
      resources {{
        cpu    = 100
        memory = {memory}
      }}
    }}
  }}
}}
"#
    )
}

/// `big`'s plan text up to the check-index part, and the samples' lines.
fn plan_big(d: &TempDir) -> (String, String, i32) {
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--no-cache",
            "--world",
            "rules",
            "big.nomad",
            "--samples",
            "60",
        ],
    );
    let dry = o
        .stdout
        .split("Job Modify Index")
        .next()
        .unwrap_or_default()
        .to_string();
    let samples = o
        .stdout
        .split("node shuffles (not part of Nomad's output) ==\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (dry, samples, o.code)
}

const BIG_DIFF: &str = "+ Job: \"big\"
+ Task Group: \"g\" (1 create)
  + Task: \"t\" (forces create)

Scheduler dry-run:
";

const BIG_PLACED: &str = "- All tasks successfully allocated.\n\n";

/// The scored job holds 600 MB of r1: 400 MB left.
const BIG_FAILS: &str = "- WARNING: Failed to place all allocations.
  Task Group \"g\" (failed to place 1 allocation):
    * Constraint \"${meta.rack} = r1\": 2 nodes excluded by filter
    * Resources exhausted on 1 nodes
    * Dimension \"memory\" exhausted on 1 nodes

";

/// R16: `spread { target "r1" { percent = 50 } }` over 4 allocations asks
/// r1 for 2 and the implicit target "*" (r2 and r3 together) for 2. From
/// #17195 (v1.3.15, v1.4.10, v1.5.6, v1.6.0) the property set counts every
/// value no target names as "*" (scheduler/propertyset.go:245-275,370-375
/// @v1.6.0), so once r2 and r3 hold three, r1 scores 0 and they -0.5
/// (spread.go:143-195): r1 always gets 2 and `big` never fits. Before,
/// r2 and r3 are each counted against the 2 "*" asks, and r1 gets 2 in
/// some shuffles only.
#[test]
fn implicit_spread_targets_are_counted_together_from_17195() {
    let spread = r#"    spread {
      attribute = "${meta.rack}"
      weight    = 100
      target "r1" {
        percent = 50
      }
    }"#;
    let job = scored("sp", 4, 300, spread);
    for v in ["1.3.15", "1.4.10", "1.5.6", "1.6.0", "1.10.5", "2.0.5"] {
        let d = racks("s6-spread", v, "sp", &job);
        let (dry, samples, code) = plan_big(&d);
        assert_eq!(dry, format!("{BIG_DIFF}{BIG_FAILS}"), "{v}");
        assert!(
            samples.contains(" certain  task group \"g\" fails to place (60/60)\n"),
            "{v}: {samples}"
        );
        assert_eq!(code, 1, "{v}");
    }
    for v in ["1.3.14", "1.4.9", "1.5.5", "0.9.3"] {
        let d = racks("s6-spread-old", v, "sp", &job);
        let (_, samples, _) = plan_big(&d);
        assert!(
            samples.contains("%  every allocation is placed (")
                && samples.contains("%  task group \"g\" fails to place ("),
            "{v}: {samples}"
        );
    }
}

/// R17: affinities `rack = r1` (weight 1) and `rack = r9` (weight 99). r1
/// scores 1/100, and the others match none. Before #25800 Nomad appends
/// no affinity score for a node whose affinities add up to 0
/// (scheduler/rank.go:754@v1.6.0), so r2 and r3 score their bin-packing
/// alone, above r1's mean with 0.01: `af` avoids r1 and `big` fits there.
/// From v1.10.2 (and Enterprise 1.8.14, 1.9.10) the 0 is averaged in,
/// r1 wins, and `big` no longer fits.
#[test]
fn a_node_matching_no_affinity_is_scored_from_25800() {
    let affinity = r#"    affinity {
      attribute = "${meta.rack}"
      value     = "r1"
      weight    = 1
    }
    affinity {
      attribute = "${meta.rack}"
      value     = "r9"
      weight    = 99
    }"#;
    let job = scored("af", 1, 600, affinity);
    for v in ["0.9.3", "1.6.0", "1.8.13", "1.9.9", "1.10.1"] {
        let d = racks("s6-aff-old", v, "af", &job);
        let (dry, samples, code) = plan_big(&d);
        assert_eq!(dry, format!("{BIG_DIFF}{BIG_PLACED}"), "{v}");
        assert!(
            samples.contains(" certain  every allocation is placed (60/60)\n"),
            "{v}: {samples}"
        );
        assert_eq!(code, 1, "{v}: a new job's create exits 1");
    }
    for v in ["1.8.14", "1.9.10", "1.10.2", "1.11.0", "2.0.5"] {
        let d = racks("s6-aff-new", v, "af", &job);
        let (dry, samples, _) = plan_big(&d);
        assert_eq!(dry, format!("{BIG_DIFF}{BIG_FAILS}"), "{v}");
        assert!(
            samples.contains(" certain  task group \"g\" fails to place (60/60)\n"),
            "{v}: {samples}"
        );
    }
}
