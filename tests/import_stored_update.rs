//! A job file planned against its own stored form, as a Nomad 1.6.0
//! cluster holds it (tests/fixtures/import/stored-update-1.6: the
//! `/v1/job/:id` JSON of each file below, canonicalised as api/jobs.go and
//! api/tasks.go `Canonicalize` and command/agent `ApiJobToStructJob` store
//! it at v1.6.0), is the same spec: Job.Plan finds no `SpecChanged`
//! (nomad/job_endpoint.go v1.6.0:1813) and every allocation is ignored.
//!
//! Two stored forms planned as changed:
//! - the job-level `Update` keeps only Stagger and MaxParallel, and a
//!   service job without `update` gets the default (30s, 1) (api
//!   `Job.Canonicalize` v1.6.0:1072-1075), which the import read as "no
//!   strategy" at any release and job type; a system job's explicit
//!   `update { max_parallel = 1 }` (30s, 1 stored; system jobs get no
//!   default before 1.11) was then a change: "1 in-place update";
//! - 1.1 to 1.9 give every group a `Consul` block (api `TaskGroup.Canonicalize`
//!   `if g.Consul == nil { g.Consul = new(Consul) }`, v1.6.0:tasks.go), which
//!   the file loads as none: every group was edited, "+/- Task Group ...
//!   (N ignore)" with a warning, and its allocations updated in place
//!   where the job spec was compared.

use crate::common;

use common::{run_in, TempDir};

fn job(id: &str, kind: &str, job_lines: &str, count: &str) -> String {
    format!(
        "job \"{id}\" {{\n  datacenters = [\"dc1\"]\n{kind}{job_lines}  group \"g\" {{\n{count}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

const COUNT: &str = "    count = 2\n";
const SYSTEM: &str = "  type        = \"system\"\n";

/// The fixture's import and the job files beside it.
fn project(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    common::copy_dir(&src, &d.0.join("imp"));
    d
}

fn plan(d: &TempDir, name: &str, text: &str) -> common::Out {
    d.put(name, text);
    run_in(&d.0, &["plan", "--no-color", "--world", "imp", name])
}

fn unchanged(id: &str, counts: &str) -> String {
    format!(
        "Job: \"{id}\"\nTask Group: \"g\" ({counts})\n  Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n"
    )
}

fn head(o: &common::Out) -> (i32, &str, &str) {
    let out = o
        .stdout
        .split("Job Modify Index")
        .next()
        .unwrap_or_default();
    (o.code, out, o.stderr.as_str())
}

#[test]
fn each_file_is_its_stored_job() {
    let d = project("stored-update-same");
    let restated = "  update {\n    stagger      = \"30s\"\n    max_parallel = 1\n  }\n";
    let all = "  update {\n    auto_promote = false\n  }\n  reschedule {\n    delay          = \"30s\"\n    delay_function = \"exponential\"\n    max_delay      = \"1h\"\n    unlimited      = true\n  }\n  migrate {\n    max_parallel = 1\n  }\n";
    let own = "  update {\n    max_parallel     = 2\n    min_healthy_time = \"20s\"\n  }\n  reschedule {\n    delay = \"1m\"\n  }\n  migrate {\n    max_parallel = 2\n  }\n";
    let rolling = "  update {\n    max_parallel = 1\n  }\n";
    let web = unchanged("web", "2 ignore");
    for (name, text, want) in [
        ("web.nomad", job("web", "", "", COUNT), web.as_str()),
        ("web-update.nomad", job("web", "", restated, COUNT), &web),
        ("web-blocks.nomad", job("web", "", all, COUNT), &web),
        (
            "api.nomad",
            job("api", "", own, COUNT),
            &unchanged("api", "2 ignore"),
        ),
        (
            "sys.nomad",
            job("sys", SYSTEM, rolling, ""),
            &unchanged("sys", "1 ignore"),
        ),
    ] {
        let o = plan(&d, name, &text);
        assert_eq!(head(&o), (0, want, ""), "{name}");
    }
}

#[test]
fn an_edit_still_shows() {
    let d = project("stored-update-edit");
    // The system job's rolling update, wider: a new version, in place.
    let wider = job("sys", SYSTEM, "  update {\n    max_parallel = 2\n  }\n", "");
    let o = plan(&d, "sys.nomad", &wider);
    let (code, out, _) = head(&o);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("+/- Job: \"sys\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Update {\n        AutoPromote:      \"false\"\n        AutoRevert:       \"false\"\n        Canary:           \"0\"\n        HealthCheck:      \"checks\"\n        HealthyDeadline:  \"300000000000\"\n    +/- MaxParallel:      \"1\" => \"2\"\n"),
        "{out}"
    );
    // The service job's image: replaced one at a time.
    let image = job("web", "", "", COUNT).replace("nginx:1.25", "nginx:1.26");
    let o = plan(&d, "web.nomad", &image);
    let (code, out, _) = head(&o);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("+/- Task Group: \"g\" (1 create/destroy update, 1 ignore)\n"),
        "{out}"
    );
}
