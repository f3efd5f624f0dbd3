//! rt20a (R20-A3): nothing bounded the groups of a job. Nomad takes any
//! number (`Job.Validate` refuses only a job without one,
//! nomad/structs/structs.go v2.0.5), and a 420-byte `dynamic "group"` of
//! 1,000 groups made `check --staged` replay its plan 100 times (NP207's
//! node shuffles) for minutes; 20,000 written groups made one plan run for
//! minutes. Past the sampling budget a job is sampled fewer times (down
//! to 10), and past the groups one job is simulated with the plan cannot
//! tell, at once. Every run is under `timeout`, so a baseline that runs for minutes
//! fails rather than hanging the suite.

use crate::common::{self, git, TempDir};

const CLUSTER: &str = "nomad_version = \"1.7.7\"\nregion        = \"global\"\nclient \"web\" {\n  count         = 2\n  datacenter    = \"dc1\"\n  cpu           = 4000\n  memory        = 8000\n  disk          = 20000\n  network_mbits = 1000\n  drivers       = [\"docker\"]\n}\nrunning = [\"jobs/web.nomad\"]\n";

const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 2\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx\" }\n      resources {\n        cpu    = 1000\n        memory = 1000\n      }\n    }\n  }\n}\n";

/// rt20a's file: 1,000 groups of count 1 from one `dynamic` block.
const MANY: &str = "job \"many\" {\n  datacenters = [\"dc1\"]\n  dynamic \"group\" {\n    for_each = range(1000)\n    labels   = [\"g${group.value}\"]\n    content {\n      ephemeral_disk { size = 20 }\n      task \"t\" {\n        driver = \"docker\"\n        logs {\n          max_files     = 1\n          max_file_size = 1\n        }\n        config { image = \"nginx:1\" }\n        resources {\n          cpu    = 1\n          memory = 10\n        }\n      }\n    }\n  }\n}\n";

/// The binary under `timeout` in `d`.
fn timed(d: &TempDir, secs: &str, args: &[&str]) -> (i32, String, String) {
    let o = std::process::Command::new("timeout")
        .arg(secs)
        .arg(common::bin())
        .args(args)
        .current_dir(&d.0)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_REGION")
        .output()
        .expect("run the binary under timeout");
    let code = o.status.code().expect("exit code");
    assert_ne!(code, 124, "{args:?} did not return within {secs} s");
    (
        code,
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The 1,000-group file staged beside a running web: its plan places
/// every group here, but the world's history is drawn again in other node
/// shuffles. 1,000 groups at 100 shuffles pass the sampling budget, so
/// NP207 samples the 10 it allows (the fewest a share is given over):
/// every group is placed in each, quickly (before, it sampled 100
/// shuffles for minutes), but none of 10 bounds a failure only "under
/// 30%", past the 5% a pass over samples may rest on (gate25,
/// `rules::priority::too_weak`): cannot tell (exit 2), in those words,
/// not "too large to sample".
#[test]
fn a_thousand_groups_staged_are_sampled_ten_times_too_few_to_pass() {
    let d = TempDir::new("many-groups-staged");
    d.put("rules/cluster.hcl", CLUSTER);
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"web\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/web.nomad", WEB);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "."]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("jobs/many.nomad", MANY);
    git(&d.0, &["add", "jobs/many.nomad"]);
    let (code, out, err) = timed(&d, "300", &["check", "--no-color", "--staged"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(!out.contains("too large to sample"), "{out}");
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
    assert!(
        out.contains("in none of 10 node shuffles sampled") && out.contains("more than the 5%"),
        "{out}"
    );
}

/// 20,000 groups written out (the `dynamic` budget does not apply): one
/// plan ran for minutes. Past the groups a job is simulated with, `plan`
/// says it cannot tell (255) and `check` exits 2, at once.
#[test]
fn twenty_thousand_groups_are_cannot_tell_at_once() {
    let d = TempDir::new("many-groups-written");
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("jobs/web.nomad", WEB);
    let mut job = String::from("job \"many\" {\n  datacenters = [\"dc1\"]\n");
    for i in 0..20_000 {
        job.push_str(&format!(
            "  group \"g{i}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      resources {{\n        cpu    = 1\n        memory = 10\n      }}\n    }}\n  }}\n"
        ));
    }
    job.push_str("}\n");
    d.put("jobs/many.nomad", &job);
    let line = "cannot tell what Nomad 1.7.7 plans for job \"many\": it has 20000 groups, and nomad-preflight simulates at most 10000 groups per job";
    let (code, out, err) = timed(&d, "120", &["plan", "--no-color", "jobs/many.nomad"]);
    assert_eq!(code, 255, "{out}{err}");
    assert!(common::flat(&err).contains(&common::flat(line)), "{err}");
    let (code, out, err) = timed(&d, "120", &["check", "--no-color", "jobs/many.nomad"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        common::flat(&out).contains(&common::flat(line)),
        "{out}{err}"
    );
}
