//! A system job's allocations on nodes that are no candidates for it (an
//! ineligible client, a draining one, a ready one outside the job's
//! datacenters), as each release's `diffSystemAllocsForNode` reads them
//! (redteam5 R2; issue 13). See src/scheduler/system_off_node.rs.

use crate::common;
use common::{run_in, TempDir};

/// One client each in dc1: r-1 ready, i-1 ineligible, d-1 draining; the
/// system job `sys` (x:1) runs on all three.
fn world(tag: &str, version: &str) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, extra: &str| {
        format!(
            r#"client "{name}" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
{extra}}}
"#
        )
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\n{}{}{}running = [\"jobs/sys.nomad\"]\n",
            client("r", ""),
            client("i", "  eligibility = \"ineligible\"\n"),
            client("d", "  drain = true\n"),
        ),
    );
    let alloc = |n: u32, node: &str| {
        format!(
            "allocation \"a0000001-0000-4000-8000-00000000000{n}\" {{\n  job    = \"sys\"\n  group  = \"g\"\n  index  = 0\n  node   = \"{node}\"\n  status = \"running\"\n}}\n"
        )
    };
    d.put(
        "rules/allocations.hcl",
        &format!("{}{}{}", alloc(1, "r-1"), alloc(2, "i-1"), alloc(3, "d-1")),
    );
    let sys = |dcs: &str, image: &str| {
        format!(
            r#"job "sys" {{
  datacenters = {dcs}
  type        = "system"
  group "g" {{
    task "t" {{
      driver = "docker"
      config {{ image = "x:{image}" }}
      resources {{
        cpu    = 100
        memory = 100
      }}
    }}
  }}
}}
"#
        )
    };
    d.put("jobs/sys.nomad", &sys("[\"dc1\"]", "1"));
    d.put("image.nomad", &sys("[\"dc1\"]", "2"));
    d.put("moved.nomad", &sys("[\"dc2\"]", "1"));
    d
}

fn plan(d: &TempDir, file: &str) -> common::Out {
    run_in(&d.0, &["plan", "--no-cache", "--world", "rules", file])
}

/// The plan up to the check-index part.
fn dry(o: &common::Out) -> &str {
    o.stdout
        .split("Job Modify Index")
        .next()
        .unwrap_or_default()
}

const IMAGE_DIFF: &str = "+/- Job: \"sys\"
+/- Task Group: \"g\" (1 create/destroy update, 2 ignore)
  +/- Task: \"t\" (forces create/destroy update)
    +/- Config {
      +/- image: \"x:1\" => \"x:2\"
        }

Scheduler dry-run:
- All tasks successfully allocated.

";

/// The job changes its image. 0.10.4-1.10.x ignore the allocation on the
/// ineligible i-1 (1.2+: `notReadyNodes`; 0.10.4-1.1.x: not in the
/// eligible set) as on the draining d-1, and replace r-1's. 0.9.x-0.10.3
/// update it and fail the evaluation looking i-1 up among the ready
/// nodes: `Job.Plan` returns `could not find node "<i-1>"`. 1.11+ stop it.
#[test]
fn an_ineligible_clients_allocation_is_ignored_on_job_change() {
    for v in ["0.10.4", "1.1.3", "1.2.0", "1.5.17", "1.6.0", "1.10.5"] {
        let d = world("s6-sys-img", v);
        let o = plan(&d, "image.nomad");
        assert_eq!(dry(&o), IMAGE_DIFF, "{v}: {}", o.stderr);
        assert_eq!(o.code, 1, "{v}");
    }
    for v in ["0.9.3", "0.10.3"] {
        let d = world("s6-sys-img-err", v);
        let o = plan(&d, "image.nomad");
        assert_eq!(o.stdout, "", "{v}");
        assert_eq!(
            o.stderr,
            "Error during plan: Unexpected response code: 500 (could not find node \"d5346e07-a259-b2a9-0bed-c5efb4ce8253\")\n",
            "{v}"
        );
        assert_eq!(o.code, 255, "{v}");
        // The node named is i-1.
        let status = run_in(&d.0, &["status", "--world", "rules"]);
        assert!(
            status
                .stdout
                .lines()
                .any(|l| l.starts_with("d5346e07 ") && l.contains(" i-1 ")),
            "{}",
            status.stdout
        );
    }
    let d = world("s6-sys-img-111", "1.11.0");
    let o = plan(&d, "image.nomad");
    assert!(
        dry(&o).contains("1 create/destroy update, 1 destroy, 1 ignore)"),
        "{}",
        o.stdout
    );
}

fn moved_text(updates: &str) -> String {
    format!(
        "+/- Job: \"sys\"
+/- Datacenters {{
  + Datacenters: \"dc2\"
  - Datacenters: \"dc1\"
    }}
    Task Group: \"g\" ({updates})
      Task: \"t\"

Scheduler dry-run:
- All tasks successfully allocated.

"
    )
}

/// The job moves to dc2, where no client is. 0.10.4-1.1.x ignore every
/// allocation off the eligible set: `(3 ignore)`, exit 0. 1.2.0-1.10.x
/// stop the ready r-1's ("no longer targeted") and ignore the others.
/// 0.9.x-0.10.3 have no eligibility test: the tasks are unchanged, so
/// r-1's and i-1's are updated in place (no datacenter test in place
/// before 1.0.9), d-1's ignored. Nomad's plan applier then refuses the
/// ineligible i-1's in-place update (plan_apply.go v0.9.3 evaluateNodePlan:
/// "node is not eligible for draining", before #12264): our warning
/// follows the dry run, and how the run ends after the worker's retries
/// cannot be told (exit 255, rv17 4).
#[test]
fn a_system_job_moved_to_other_datacenters_keeps_its_allocations_before_1_2() {
    for (v, updates, code) in [
        ("0.9.3", "1 ignore, 2 in-place update", 255),
        ("0.10.3", "1 ignore, 2 in-place update", 255),
        ("0.10.4", "3 ignore", 0),
        ("1.1.3", "3 ignore", 0),
        ("1.2.0", "1 destroy, 2 ignore", 1),
        ("1.6.0", "1 destroy, 2 ignore", 1),
        ("1.10.5", "1 destroy, 2 ignore", 1),
    ] {
        let d = world("s6-sys-dc", v);
        let o = plan(&d, "moved.nomad");
        assert_eq!(dry(&o), moved_text(updates), "{v}: {}", o.stderr);
        assert_eq!(o.code, code, "{v}");
        let refused = "rejected by Nomad's plan applier on node \"i-1\" (the node is not eligible; groups \"g\")";
        let in_place = updates.contains("in-place");
        assert_eq!(o.stdout.contains(refused), in_place, "{v}: {}", o.stdout);
    }
}

/// `check` says the scheduler's error `plan` prints (NP228): it said
/// nothing (0 errors) where `nomad job plan` fails.
#[test]
fn check_reports_the_unfound_node_error() {
    let d = world("s6-sys-img-err-check", "0.9.3");
    let o = run_in(
        &d.0,
        &["check", "--no-cache", "--world", "rules", "image.nomad"],
    );
    assert!(
        o.stdout.contains("NP228 [error] `nomad job plan` fails: Error during plan: Unexpected response code: 500 (could not find node \"d5346e07-a259-b2a9-0bed-c5efb4ce8253\")"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
}
