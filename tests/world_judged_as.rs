//! `--nomad-version` replaces a hand-written world's `nomad_version`
//! (README, "validate, plan and check judge a file by one rule"): the
//! world is read as the same world with that line edited, its running
//! jobs parsed by the flag's release (src/cli/common.rs `judge_as`).
//!
//! Why it matters: the demo world runs 0.9.3, whose hcl v1 gives docker's
//! `port_map = { http = 8079 }` as a list of one map (`port_map[0][http]`,
//! jobspec/parse.go v0.9.3 decoding config through hcl.DecodeObject),
//! where jobspec2 gives it as a map (`port_map[http]`, jobspec2/parse_map.go
//! interfaceFromCtyValue at v1.0.0–v2.0.5: an object is a
//! `map[string]interface{}`). Kept as first read, a copy of
//! jobs/sockshopui.nomad planned at 2.0.5 was diffed against the 0.9.3
//! parse: `- port_map[0][http]` / `+ port_map[http]`, a `NodePool`, an
//! `Identity`, exit 1 — a plan no release prints (a cluster that ran it
//! from 0.9.3 would hold the 0.9.3 parse canonicalised again on restore,
//! nomad/fsm.go), while the world's own path, re-read from git at the
//! flag's release, showed none.

use crate::common;

use common::TempDir;

fn text(o: &std::process::Output) -> (Option<i32>, String, String) {
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const WARNINGS: &str = "Job Warnings:
2 warning(s):

* Group \"frontend\" has warnings: 1 error occurred:
\t* Task \"front-end\" has warnings: 1 error occurred:
\t* task network resources have been deprecated as of Nomad 0.12.0. Please configure networking via group network block.




* task \"front-end\" in group \"frontend\" defines services, but has no shutdown_delay set

Job Modify Index: 6
To submit the job with version verification run:

nomad job run -check-index 6 twins/sockshopui.nomad

When running the job with the check-index flag, the job will only be run if the
job modify index given matches the server-side version. If the index has
changed, another user has modified the job and the plan's results are
potentially invalid.
";

/// An unchanged copy of a running job plans as unchanged (exit 0), as its
/// own path does, at 2.0.5 over the 0.9.3 demo world.
#[test]
fn a_copy_of_a_running_job_is_unchanged_under_another_release() {
    let d = TempDir::demo("judged-as-copy");
    let job = std::fs::read_to_string(d.0.join("jobs/sockshopui.nomad")).unwrap();
    d.put("twins/sockshopui.nomad", &job);
    let (code, out, err) =
        text(&d.run(&["plan", "--nomad-version", "2.0.5", "twins/sockshopui.nomad"]));
    assert_eq!(code, Some(0), "{out}{err}");
    // 1.11's node reconciler counts a create per candidate node
    // (src/scheduler/generic_system.rs): the same line its own path gets.
    let want = format!(
        "Job: \"sockshopui\"\nTask Group: \"frontend\" (3 create, 3 ignore)\n  Task: \"front-end\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n{WARNINGS}"
    );
    assert_eq!(out, want);
}

/// An edit of the map shows as jobspec2 gives it on both sides.
#[test]
fn an_edited_port_map_diffs_as_one_map_under_jobspec2() {
    let d = TempDir::demo("judged-as-port-map");
    let job = std::fs::read_to_string(d.0.join("jobs/sockshopui.nomad")).unwrap();
    assert!(job.contains("http = 8079"));
    d.put(
        "twins/sockshopui.nomad",
        &job.replace("http = 8079", "http = 8080"),
    );
    let (code, out, err) =
        text(&d.run(&["plan", "--nomad-version", "2.0.5", "twins/sockshopui.nomad"]));
    assert_eq!(code, Some(1), "{out}{err}");
    let want = "+/- Job: \"sockshopui\"
+/- Task Group: \"frontend\" (3 create, 3 create/destroy update)
  +/- Task: \"front-end\" (forces create/destroy update)
    +/- Config {
          args[0]:        \"server.js\"
          args[1]:        \"--domain=service.consul\"
          command:        \"/usr/local/bin/node\"
          hostname:       \"front-end.service.consul\"
          image:          \"weaveworksdemos/front-end:master-ac9ca707\"
          network_mode:   \"sockshop\"
      +/- port_map[http]: \"8079\" => \"8080\"
        }
";
    assert!(out.starts_with(want), "{out}");
    // And at the world's own release, hcl v1's list of one map.
    let (code, out, err) = text(&d.run(&["plan", "twins/sockshopui.nomad"]));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("+/- port_map[0][http]: \"8079\" => \"8080\""),
        "{out}"
    );
}

/// The whole world is read at the flag's release: a `disconnected` client
/// in a world at 1.5.0 judged as 1.2.0 is refused as the same line in a
/// 1.2.0 world is (world::version-gate), by every command.
#[test]
fn the_world_is_read_at_the_flags_release() {
    let d = TempDir::new("judged-as-gate");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.5.0\"\nclient \"gone\" {\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8192\n  disk = 10000\n  drivers = [\"docker\"]\n  status = \"disconnected\"\n}\nclient \"node\" {\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8192\n  disk = 10000\n  drivers = [\"docker\"]\n}\n",
    );
    d.put(
        "j.nomad",
        "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"redis\" }\n    }\n  }\n}\n",
    );
    let (code, out, err) = text(&d.run(&["plan", "j.nomad"]));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    for cmd in ["plan", "validate", "check"] {
        let (code, out, err) = text(&d.run(&[cmd, "--nomad-version", "1.2.0", "j.nomad"]));
        assert_ne!(code, Some(0), "{cmd}: {out}{err}");
        assert!(err.contains("world::version-gate"), "{cmd}: {out}{err}");
    }
}
