//! redteam R23-1: a `datacenters` glob whose last part the datacenter's
//! name has already used up. Nomad matches with go-glob v1.0.0
//! (`Node.IsInAnyDC`, nomad/structs/structs.go v1.9.3:2334, v2.0.5:2270),
//! which consumes the prefix before testing the suffix (glob.go:33-55
//! @v1.0.0): "dc*1" does not match "dc". We matched it ("once the subject
//! is used up, what is left matches"), so a job no client runs planned as
//! "All tasks successfully allocated.", an edit moving a running job out
//! of its clients' datacenter was an in-place update with exit 0, and the
//! hook let both through.
//!
//! The world: 2 clients in datacenter "dc".

use crate::common::edit_plan::{self, code_and_text};
use crate::common::{self, git, run_in, TempDir};

const CLUSTER: &str = r#"region = "global"

client "edge" {
  count      = 2
  datacenter = "dc"
  cpu        = 4000
  memory     = 4096
  disk       = 10000
  drivers    = ["docker"]
}
"#;

/// Job "web" (count 1) in `datacenters`.
fn web(datacenters: &str) -> String {
    edit_plan::web(&format!("  datacenters = [\"{datacenters}\"]\n"), "", "")
}

const NEW_JOB_HEAD: &str = "+ Job: \"web\"\n+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- ";

/// A new job: patterns whose last part needs more than the name leaves
/// place nothing; patterns go-glob matches place it (guards). (Before
/// 1.5.0 a pattern is a datacenter's name: tests/plan_in_place_scope.rs.)
#[test]
fn a_new_job_in_a_glob_the_name_cannot_finish_is_not_placed() {
    let d = TempDir::new("dc-glob-new");
    d.put("rules/cluster.hcl", CLUSTER);
    let none = format!(
        "{NEW_JOB_HEAD}WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * No nodes were eligible for evaluation\n\n"
    );
    let all = format!("{NEW_JOB_HEAD}All tasks successfully allocated.\n\n");
    for (pattern, glob_matches) in [
        ("dc*1", false),
        ("dc*c", false),
        ("d*c*c", false),
        ("*dc*c", false),
        // Guards: these match under go-glob too.
        ("dc*", true),
        ("d*c", true),
        ("*dc*", true),
    ] {
        d.put("web.nomad", &web(pattern));
        for version in ["1.5.7", "1.9.3", "2.0.5"] {
            let placed = glob_matches;
            let o = run_in(
                &d.0,
                &[
                    "plan",
                    "--no-cache",
                    "--world",
                    "rules",
                    "--nomad-version",
                    version,
                    "web.nomad",
                ],
            );
            let want = if placed { &all } else { &none };
            // A new job's placements are changes: exit 1 either way.
            assert_eq!(
                code_and_text(&o),
                (1, want.clone()),
                "{pattern} at {version}"
            );
        }
    }
}

/// The running job (in "dc") edited to "dc*1": its node is outside the
/// new datacenters, so `genericAllocUpdateFn` makes the update destructive
/// (scheduler/util.go v2.0.5:838, `IsInAnyDC`), and nothing can place the
/// replacement, as for a datacenter no client is in ("zz").
#[test]
fn an_edit_to_a_glob_the_name_cannot_finish_moves_the_allocation() {
    for to in ["dc*1", "zz"] {
        let want = format!(
            "+/- Job: \"web\"\n+/- Datacenters {{\n  + Datacenters: \"{to}\"\n  - Datacenters: \"dc\"\n    }}\n    Task Group: \"g\" (1 create/destroy update)\n      Task: \"t\"\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * No nodes were eligible for evaluation\n\n"
        );
        for version in ["1.5.7", "1.9.3", "2.0.5"] {
            let got = code_and_text(&edit_plan::plan(
                &format!("dc-glob-edit-{}-{version}", to.len()),
                CLUSTER,
                version,
                &web("dc"),
                &web(to),
            ));
            assert_eq!(got, (1, want.clone()), "{to} at {version}");
        }
    }
}

/// The same edit, staged, of a job the policy protects, through the hook
/// `hook install --plan` writes (`check --staged`, then `plan --changed
/// --staged --gate`): refused; each step refuses on its own.
#[test]
fn the_hook_refuses_a_staged_edit_to_a_glob_the_name_cannot_finish() {
    let d = TempDir::new("dc-glob-hook");
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.9.3\"\n{CLUSTER}running = [\"jobs/web.nomad\"]\n"),
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"web\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/web.nomad", &web("dc"));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    d.put("jobs/web.nomad", &web("dc*1"));
    git(&d.0, &["add", "jobs/web.nomad"]);

    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        common::flat(&check.stdout).contains(
            "jobs/web.nomad:2:3: NP206 [error] no client is in datacenters [\"dc*1\"] and node pool \"default\""
        ),
        "{}",
        check.stdout
    );
    let gate = run_in(&d.0, &["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(gate.code, 1, "{}{}", gate.stdout, gate.stderr);
    assert!(
        gate.stdout.contains("==> refused by policy: jobs/web.nomad leaves allocations of protected job \"web\" (group \"g\") unplaced"),
        "{}",
        gate.stdout
    );

    let o = d.run(&["hook", "install", "--plan"]);
    assert!(o.status.success(), "{}", common::output_text(&o));
    let mut dirs = vec![common::bin().parent().unwrap().to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    let o = common::git_command(&d.0)
        .args(["commit", "-qm", "dc*1"])
        .env("PATH", std::env::join_paths(dirs).unwrap())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!o.status.success(), "{}", common::output_text(&o));
    assert!(
        common::output_text(&o).contains("NP206"),
        "{}",
        common::output_text(&o)
    );
}
