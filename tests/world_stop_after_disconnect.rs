//! A hand-written world's live allocation on a down (or disconnected)
//! client, in a group with `stop_after_client_disconnect`: Nomad delays the
//! lost allocation's stop (`delayByStopAfterClientDisconnect`,
//! scheduler/reconcile_util.go v1.5.10) and places nothing for the group
//! while it waits (`if len(lostLater) == 0` around computePlacements,
//! scheduler/reconcile.go v1.5.10), so the plan shows no replacement. We
//! placed one ("1 create, 1 destroy"): now "cannot tell" (exit 255,
//! `world::alloc-state`). A group without the setting still plans.

mod common;

use common::{run_in, TempDir, TWO_READY_ONE_DOWN};

fn job(extra: &str) -> String {
    format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"web\" {{\n    count = 2\n{extra}    task \"web\" {{\n      driver = \"docker\"\n      config {{ image = \"redis\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

fn world(tag: &str, extra: &str) -> TempDir {
    let d = TempDir::new(&format!("stop-after-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"1.5.10\"\n{TWO_READY_ONE_DOWN}running = [\"jobs/web.nomad\"]\n"
        ),
    );
    d.put(
        "rules/allocations.hcl",
        "allocation \"a0000001-0000-4000-8000-000000000000\" {\n  job    = \"web\"\n  index  = 0\n  node   = \"node-1\"\n}\nallocation \"a0000002-0000-4000-8000-000000000000\" {\n  job    = \"web\"\n  index  = 1\n  node   = \"gone-1\"\n}\n",
    );
    d.put("jobs/web.nomad", &job(extra));
    d.put("new.nomad", &job(extra));
    d
}

#[test]
fn a_lost_allocation_of_a_group_that_stops_after_a_disconnect_is_cannot_tell() {
    let d = world("set", "    stop_after_client_disconnect = \"30s\"\n");
    let o = run_in(&d.0, &["plan", "--world", "rules", "new.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    assert!(
        o.stderr
            .contains("in group web which stops its allocations after a disconnect"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("cannot be known"), "{}", o.stderr);
}

#[test]
fn without_the_setting_the_lost_allocation_is_replaced() {
    let d = world("unset", "");
    let o = run_in(&d.0, &["plan", "--world", "rules", "new.nomad"]);
    // Exit 0: the job itself is unchanged (getExitCode, command/job_plan.go
    // v1.5.10, returns 0 for a diff of type None before it counts).
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Task Group: \"web\" (1 create, 1 destroy, 1 ignore)"),
        "{}",
        o.stdout
    );
}
