//! A system job's running allocation on a client a HAND-WRITTEN world
//! declares `disconnected` (rules/cluster.hcl `status`), planned as the
//! release's system scheduler reads it, by the group of the job version the
//! allocation runs (`Allocation.SupportsDisconnectedClients` reads
//! `a.Job`). Nomad's rule (`diffSystemAllocsForNode`, scheduler/util.go at
//! v1.3.0, scheduler/system_util.go v1.4.14–v1.10.5; `computeForNode`,
//! scheduler/reconciler/reconcile_node.go v1.11.0–v2.0.5): the node is
//! tainted; a running allocation the scheduler keeps for its disconnected
//! client is marked `unknown`, counted nowhere, and neither updated nor
//! stopped (this comes before the job-version comparison); any other is
//! ignored (`Node.TerminalStatus` is true only for `down`, so it is not
//! lost). In `nomad job plan` that keeping needs disconnected-client
//! support, which Job.Plan's planner lacks up to 1.11.1 (see
//! [`release_1_3_0`]): none is kept there, whatever the group; from 1.11.2
//! (#27264, #27265) every group's is. From 1.11 the annotation's `create`
//! counts every placement, update and ignore (scheduler_system.go
//! `tgCandidateNodeCounts`), so an ignored allocation there adds one.
//!
//! The plan text is command/job_plan.go's. The system pass reads such an
//! allocation by the reading the world loader sets
//! (world/alloc_disconnected.rs) and never by the service reconciler's
//! taint (generic_system.rs). The cases include a planned file that adds
//! or drops the window.

use crate::common;

use common::plan_out::{placed_tail, tg_update_fields};
use common::{run_in, TempDir};

const MCD: &str = "    max_client_disconnect = \"1h\"\n";
const LOST_AFTER: &str = "    disconnect {\n      lost_after = \"1h\"\n    }\n";

/// The system job with `group` lines in its group and `image`.
fn job(group: &str, image: &str) -> String {
    format!(
        "job \"sys\" {{\n  datacenters = [\"dc1\"]\n  type = \"system\"\n  group \"g\" {{\n{group}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{image}\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// A world of `release` with a ready client `ok-1` and a disconnected
/// `gone-1`, each running an allocation (rules/allocations.hcl) of the job
/// as `running` (group lines) writes it.
fn world(tag: &str, release: &str, running: &str) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, status: &str| {
        format!("client \"{name}\" {{\n  count         = 1\n  datacenter    = \"dc1\"\n  cpu           = 1000\n  memory        = 8192\n  disk          = 10000\n  network_mbits = 1000\n  drivers       = [\"docker\"]\n{status}}}\n")
    };
    let cluster = format!(
        "nomad_version = \"{release}\"\n{}{}running = [\"jobs/sys.nomad\"]\n",
        client("ok", ""),
        client("gone", "  status        = \"disconnected\"\n"),
    );
    d.put("rules/cluster.hcl", &cluster);
    d.put("jobs/sys.nomad", &job(running, "redis"));
    // Pinned: a replay never places on a disconnected node.
    let alloc = |n: u32, node: &str| {
        format!("allocation \"a000000{n}-0000-4000-8000-000000000000\" {{\n  job    = \"sys\"\n  index  = 0\n  node   = \"{node}\"\n  status = \"running\"\n  cpu    = 100\n  memory = 64\n}}\n")
    };
    d.put(
        "rules/allocations.hcl",
        &format!("{}{}", alloc(1, "ok-1"), alloc(2, "gone-1")),
    );
    d
}

/// The whole plan text of `nomad job plan new.nomad` whose group line is
/// `group`: unchanged, or with the image changed; `fields` the group's
/// field diff lines, `warnings` the job warnings block.
fn plan_text(changed: bool, group: &str, fields: &str, warnings: &str) -> String {
    let head = if changed {
        format!("+/- Job: \"sys\"\n+/- Task Group: \"g\" ({group})\n{fields}  +/- Task: \"t\" (forces create/destroy update)\n    +/- Config {{\n      +/- image: \"redis\" => \"redis:7\"\n        }}\n")
    } else {
        format!("Job: \"sys\"\nTask Group: \"g\" ({group})\n  Task: \"t\"\n")
    };
    format!("{head}{}", placed_tail("new.nomad", 3, warnings))
}

/// The group diff adding `max_client_disconnect = "1h"`.
const ADD_MCD: &str = "  +   MaxClientDisconnect: \"3600000000000\"\n";
/// The group diff dropping it.
const DROP_MCD: &str = "  -   MaxClientDisconnect: \"3600000000000\"\n";
/// The group diff adding `disconnect { lost_after = "1h" }` (1.8+, with
/// the defaults api/tasks.go `DisconnectStrategy.Canonicalize` sets).
const ADD_LOST_AFTER: &str = "  +   Disconnect {\n      + LostAfter:         \"3600000000000\"\n      + Reconcile:         \"best_score\"\n      + Replace:           \"true\"\n      + StopOnClientAfter: \"nil\"\n      }\n";
/// 1.8's deprecation warning of `max_client_disconnect` (structs.go
/// `TaskGroup.Warnings`), as command/job_plan.go prints job warnings.
const MCD_WARNING: &str = "Job Warnings:\n1 warning(s):\n\n* Group \"g\" has warnings: 1 error occurred:\n\t* MaxClientDisconnect will be deprecated favor of Disconnect.LostAfter\n\n\n\n";

/// One case: the running job's group lines, the planned file's, whether
/// the image changes, and the group line Nomad prints.
struct Case {
    running: &'static str,
    planned: &'static str,
    changed: bool,
    group: &'static str,
    fields: &'static str,
    warnings: &'static str,
}

impl Case {
    /// With the group's field diff lines and the job warnings.
    const fn with(self, fields: &'static str, warnings: &'static str) -> Case {
        Case {
            fields,
            warnings,
            ..self
        }
    }
}

const fn case(
    running: &'static str,
    planned: &'static str,
    changed: bool,
    group: &'static str,
) -> Case {
    Case {
        running,
        planned,
        changed,
        group,
        fields: "",
        warnings: "",
    }
}

/// Plan each case at `release`, asserting the whole text and exit code.
fn assert_cases(release: &str, cases: &[Case]) {
    for (i, c) in cases.iter().enumerate() {
        let d = world(&format!("wsd-{release}-{i}"), release, c.running);
        let image = if c.changed { "redis:7" } else { "redis" };
        d.put("new.nomad", &job(c.planned, image));
        let o = run_in(&d.0, &["plan", "--world", "rules", "new.nomad"]);
        let want = plan_text(c.changed, c.group, c.fields, c.warnings);
        assert_eq!(
            (o.code, o.stdout.as_str()),
            (i32::from(c.changed), want.as_str()),
            "{release} case {i} ({:?} -> {:?}, changed {}):\n{}",
            c.running,
            c.planned,
            c.changed,
            o.stderr
        );
    }
}

/// Up to 1.11.1 `nomad job plan` runs the system scheduler without
/// disconnected-client support (Job.Plan's `scheduler.Harness`,
/// nomad/job_endpoint.go v1.5.0:1818, whose `ServersMeetMinimumVersion`
/// returns false, scheduler/testing.go v1.5.0:253; scheduler_system.go
/// v1.3.0:233, v1.10.5:259, v1.11.1:253 pass it on). So
/// `diffSystemAllocsForNode` (scheduler/util.go v1.3.0:183–205,
/// system_util.go v1.7.2:167–192) never marks the allocation `unknown`:
/// its node is tainted but not terminal, so it is ignored (`goto IGNORE`,
/// before the job-version check) whatever its group's window. The old
/// code counted it nowhere where the group had a window ("1 ignore",
/// "1 create/destroy update").
#[test]
fn release_1_3_0() {
    assert_cases(
        "1.3.0",
        &[
            case("", "", false, "2 ignore"),
            case(MCD, MCD, false, "2 ignore"),
            case(MCD, MCD, true, "1 create/destroy update, 1 ignore"),
            case("", MCD, true, "1 create/destroy update, 1 ignore").with(ADD_MCD, ""),
        ],
    );
}

#[test]
fn release_1_7_2() {
    assert_cases(
        "1.7.2",
        &[
            case("", "", false, "2 ignore"),
            case(MCD, MCD, false, "2 ignore"),
            case(MCD, MCD, true, "1 create/destroy update, 1 ignore"),
            case("", "", true, "1 create/destroy update, 1 ignore"),
            case(MCD, "", true, "1 create/destroy update, 1 ignore").with(DROP_MCD, ""),
            case("", MCD, true, "1 create/destroy update, 1 ignore").with(ADD_MCD, ""),
        ],
    );
}

#[test]
fn release_1_8_0() {
    assert_cases(
        "1.8.0",
        &[
            case("", "", false, "2 ignore"),
            case(LOST_AFTER, LOST_AFTER, false, "2 ignore"),
            case(MCD, MCD, false, "2 ignore").with("", MCD_WARNING),
            case(
                LOST_AFTER,
                LOST_AFTER,
                true,
                "1 create/destroy update, 1 ignore",
            ),
        ],
    );
}

#[test]
fn release_1_10_5() {
    assert_cases(
        "1.10.5",
        &[
            case("", "", false, "2 ignore"),
            case("", "", true, "1 create/destroy update, 1 ignore"),
            case(LOST_AFTER, LOST_AFTER, false, "2 ignore"),
            case(
                LOST_AFTER,
                LOST_AFTER,
                true,
                "1 create/destroy update, 1 ignore",
            ),
            case("", LOST_AFTER, true, "1 create/destroy update, 1 ignore")
                .with(ADD_LOST_AFTER, ""),
        ],
    );
}

/// 1.11.1: an ignored allocation counts a create too
/// (`tgCandidateNodeCounts`).
#[test]
fn release_1_11_1() {
    assert_cases(
        "1.11.1",
        &[
            case("", "", false, "2 create, 2 ignore"),
            case("", "", true, "2 create, 1 create/destroy update, 1 ignore"),
            case(LOST_AFTER, LOST_AFTER, false, "2 create, 2 ignore"),
            case(
                LOST_AFTER,
                LOST_AFTER,
                true,
                "2 create, 1 create/destroy update, 1 ignore",
            ),
        ],
    );
}

/// 1.11.2 and 2.0.5: every group keeps disconnected clients.
const LATE: [Case; 4] = [
    case("", "", false, "1 create, 1 ignore"),
    case("", "", true, "1 create, 1 create/destroy update"),
    case(LOST_AFTER, LOST_AFTER, false, "1 create, 1 ignore"),
    case(
        LOST_AFTER,
        LOST_AFTER,
        true,
        "1 create, 1 create/destroy update",
    ),
];

#[test]
fn release_1_11_2() {
    assert_cases("1.11.2", &LATE);
}

#[test]
fn release_2_0_5() {
    assert_cases("2.0.5", &LATE);
}

/// Before 1.3 no node is disconnected: the world is refused, not
/// simulated with a status the release does not have.
#[test]
fn a_disconnected_client_before_1_3_is_refused() {
    let d = world("wsd-1.2.17", "1.2.17", "");
    d.put("new.nomad", &job("", "redis"));
    let o = run_in(&d.0, &["plan", "--world", "rules", "new.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    assert!(
        o.stderr.contains(
            "a `disconnected` client is a Nomad 1.3+ node status; the world runs Nomad 1.2.17"
        ),
        "{}",
        o.stderr
    );
}

/// An allocation of an older job version than the registered one (a `job`
/// block in rules/allocations.hcl): the world holds only the registered
/// version. Up to 1.11.1 the plan reads no group's window (see
/// [`release_1_3_0`]), so it is ignored as any (the old code: "cannot
/// tell"); from 1.11.2 every group keeps disconnected clients.
#[test]
fn an_older_versions_allocation_is_read_as_any() {
    for (release, group) in [
        ("1.7.2", "2 ignore"),
        ("1.11.1", "2 create, 2 ignore"),
        ("2.0.5", "1 create, 1 ignore"),
    ] {
        let d = world(&format!("wsd-old-{release}"), release, window_of(release));
        let pins = std::fs::read_to_string(d.0.join("rules/allocations.hcl")).expect("pins");
        let pins = pins.replacen(
            "  index  = 0\n  node   = \"gone-1\"",
            "  index  = 0\n  node   = \"gone-1\"\n  job_version = 0",
            1,
        );
        d.put(
            "rules/allocations.hcl",
            &format!("job \"sys\" {{\n  version = 1\n}}\n{pins}"),
        );
        d.put("new.nomad", &job(window_of(release), "redis"));
        let o = run_in(&d.0, &["plan", "--world", "rules", "new.nomad"]);
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        let head = format!("Job: \"sys\"\nTask Group: \"g\" ({group})\n");
        assert!(
            o.stdout.starts_with(&head),
            "{release}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// The window each release's job file can write.
fn window_of(release: &str) -> &'static str {
    if release.starts_with("1.7") {
        MCD
    } else {
        LOST_AFTER
    }
}

/// 1.11's `DesiredUpdates` fields in the plan's JSON (stop 59 Left 3):
/// `Disconnect`, `Reconnect`, `RescheduleNow`, `RescheduleLater` first
/// exist in nomad/structs/structs.go v1.11.0 (not at v1.10.5), with no
/// json tag or omitempty, so Nomad's API prints all four, 0 included, from
/// 1.11.0 and none before. From 1.11.2 the running allocation on the
/// disconnected client is `Disconnecting` (reconcile_node.go
/// v2.0.5:237-249), counted as `Disconnect` (scheduler/util.go
/// v2.0.5:740); 1.11.1's plan has no disconnected-client support, so it
/// is ignored and `Disconnect` is 0. The plan's text prints none of them
/// (scheduler/annotate.go).
#[test]
fn the_1_11_counts_are_in_the_json_from_1_11_0() {
    for (release, disconnect) in [("1.10.5", None), ("1.11.1", Some(0)), ("2.0.5", Some(1))] {
        let d = world(&format!("wsd-json-{release}"), release, "");
        d.put("new.nomad", &job("", "redis"));
        let u = tg_update_fields(&d.0, "rules", "new.nomad", "g");
        let fields = [
            "Disconnect",
            "Reconnect",
            "RescheduleNow",
            "RescheduleLater",
        ];
        match disconnect {
            None => {
                for f in fields {
                    assert!(u.get(f).is_none(), "{release}: {f} in {u}");
                }
            }
            Some(n) => {
                assert_eq!(u["Disconnect"], n, "{release}: {u}");
                for f in &fields[1..] {
                    assert_eq!(u[*f], 0, "{release}: {f} in {u}");
                }
            }
        }
        assert!(u.get("Ignore").is_some(), "{release}: {u}");
    }
}
