//! `plan --running OLD NEW`: OLD is the version the cluster runs of NEW's
//! job. Nomad diffs the submitted job against the one stored under its own
//! namespace and ID (nomad/job_endpoint.go v2.0.5:1821
//! `snap.JobByID(args.RequestNamespace(), args.Job.ID)`).
//!
//! - OLD defining another job (R18-D1) replaced the world's running "web"
//!   with "api" and planned "web" as a new job, exit 1, Before "Known":
//!   Nomad plans it against the registered "web". Now refused, naming both.
//! - OLD naming no namespace (R18-D2) was registered in "default" while NEW
//!   went to the command's `-namespace`/`NOMAD_NAMESPACE`: "+ Job", `-check-index
//!   0`. The same command line sent both (command/job_plan.go v2.0.5:208-210
//!   forces only a written namespace), so OLD is in NEW's namespace.

use crate::common::{self, run_in, run_in_env, TempDir};

/// Nomad 1.10.5, two docker clients, namespaces default and other, and
/// `jobs/web.nomad` ("web", count `var.n` = 2 by its `running_job`)
/// running.
fn world(tag: &str) -> TempDir {
    let dir = TempDir::new(&format!("running-other-job-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.10.5\"\nregion = \"global\"\nrunning = [\"jobs/web.nomad\"]\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8192\n  disk = 20000\n  drivers = [\"docker\"]\n}\nrunning_job \"jobs/web.nomad\" {\n  var = { n = 2 }\n}\n",
    );
    dir.put("rules/namespaces/default.hcl", "name = \"default\"\n");
    dir.put("rules/namespaces/other.hcl", "name = \"other\"\n");
    dir.put("jobs/web.nomad", &job("web", "", "nginx:1"));
    dir
}

/// A service job `id` (count `var.n`, default 1) writing `ns_line`.
fn job(id: &str, ns_line: &str, image: &str) -> String {
    format!(
        "variable \"n\" {{\n  type    = number\n  default = 1\n}}\njob \"{id}\" {{\n{ns_line}  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = var.n\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{image}\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `plan ARGS` is refused, in text and JSON: exit 255, no plan, one
/// diagnostic saying `want` at OLD's line and column `at`.
fn assert_refused(dir: &TempDir, args: &[&str], want: &str, at: (u64, u64)) {
    let o = run_in(&dir.0, &[&["plan", "--no-cache"], args].concat());
    assert_eq!(o.code, 255, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(o.stderr.contains("× --running "), "{}", o.stderr);
    let o = run_in(
        &dir.0,
        &[&["plan", "--no-cache", "--format", "json"], args].concat(),
    );
    assert_eq!(o.code, 255, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("a JSON document");
    assert!(v.get("Diff").is_none(), "{v}");
    let d = &v["Preflight"]["Diagnostics"][0];
    assert_eq!(d["Code"], "cli::running", "{v}");
    let message = d["Message"].as_str().unwrap_or_default();
    assert!(message.contains(want), "{v}");
    assert_eq!(
        (d["Line"].as_u64(), d["Column"].as_u64()),
        (Some(at.0), Some(at.1)),
        "{v}"
    );
    assert!(
        d["Help"]
            .as_str()
            .unwrap_or_default()
            .ends_with("leave --running out"),
        "{v}"
    );
}

#[test]
fn another_jobs_running_file_is_refused_not_planned_as_a_new_job() {
    let dir = world("id");
    dir.put("old/api.nomad", &job("api", "", "nginx:1"));
    assert_refused(
        &dir,
        &["--running", "old/api.nomad", "jobs/web.nomad"],
        "--running old/api.nomad defines job \"api\", the planned file jobs/web.nomad job \"web\": Nomad plans \"web\" against the registered \"web\" (the world runs jobs/web.nomad)",
        (5, 5),
    );
    // The planned job's own running version is still taken.
    dir.put("old/web.nomad", &job("web", "", "nginx:1"));
    let o = run_in(
        &dir.0,
        &[
            "plan",
            "--no-cache",
            "--running",
            "old/web.nomad",
            "jobs/web.nomad",
        ],
    );
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (2 ignore)\n"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn another_namespaces_running_file_is_refused_at_its_namespace() {
    let dir = world("ns");
    dir.put(
        "old/web.nomad",
        &job("web", "  namespace = \"other\"\n", "nginx:1"),
    );
    assert_refused(
        &dir,
        &["--running", "old/web.nomad", "jobs/web.nomad"],
        "--running old/web.nomad defines job \"web\" in namespace \"other\", the planned file jobs/web.nomad job \"web\" in namespace \"default\": Nomad plans \"web\" against the registered \"web\"",
        (6, 3),
    );
}

#[test]
fn with_git_base_another_jobs_running_file_is_refused() {
    let dir = world("base");
    dir.put("old/api.nomad", &job("api", "", "nginx:1"));
    common::git(&dir.0, &["init", "-q"]);
    common::git(&dir.0, &["add", "."]);
    common::git(&dir.0, &["commit", "-q", "-m", "world"]);
    assert_refused(
        &dir,
        &[
            "--base",
            "HEAD",
            "--running",
            "old/api.nomad",
            "jobs/web.nomad",
        ],
        "defines job \"api\", the planned file jobs/web.nomad job \"web\"",
        (5, 5),
    );
}

#[test]
fn an_unnamed_running_file_is_in_the_commands_namespace() {
    let dir = world("request");
    dir.put("p1.nomad", &job("rep", "", "busybox:1"));
    dir.put("p2.nomad", &job("rep", "", "busybox:2"));
    // The same file, NOMAD_NAMESPACE: the registered job, unchanged.
    let o = run_in_env(
        &dir.0,
        &[("NOMAD_NAMESPACE", "other")],
        &[
            "plan",
            "--no-cache",
            "--format",
            "json",
            "--running",
            "p1.nomad",
            "p1.nomad",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("a JSON plan");
    assert_eq!(v["Diff"]["Type"], "None", "{v}\n{}", o.stderr);
    assert_eq!(v["Preflight"]["Before"]["Source"], "file", "{v}");
    assert_ne!(v["JobModifyIndex"], 0, "{v}");
    assert_eq!(o.code, 0, "{}", o.stderr);
    // An image bump, -namespace: an edit of the registered job.
    let o = run_in(
        &dir.0,
        &[
            "plan",
            "--no-cache",
            "--namespace",
            "other",
            "--running",
            "p1.nomad",
            "p2.nomad",
        ],
    );
    assert!(
        o.stdout
            .starts_with("+/- Job: \"rep\"\n+/- Task Group: \"g\" (1 create/destroy update)\n"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout
            .contains("+/- image: \"busybox:1\" => \"busybox:2\""),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("-check-index 0 "), "{}", o.stdout);
    assert_eq!(o.code, 1, "{}", o.stderr);
}

/// Guard: a rehearsal's `--running` is matched to a `running` entry by
/// namespace and job ID (README, "rehearse"), so one defining a job the
/// world does not run is refused, never started as an extra job.
#[test]
fn a_rehearsals_running_file_of_no_running_job_is_refused() {
    let dir = TempDir::demo("running-other-job-rehearse");
    let text = std::fs::read_to_string(dir.0.join("jobs/sockshop.nomad")).expect("the demo job");
    dir.put(
        "old/api.nomad",
        &text.replace("job \"sockshop\"", "job \"api\""),
    );
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rehearsals/demo.hcl");
    let demo = demo.display().to_string();
    let o = dir.run(&[
        "rehearse",
        "--samples",
        "0",
        "--running",
        "old/api.nomad",
        &demo,
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        stderr.contains("--running old/api.nomad defines job \"api\" in namespace \"default\", which no `running` entry"),
        "{stderr}"
    );
}
