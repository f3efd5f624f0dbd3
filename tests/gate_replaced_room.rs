//! R22-A-1: a change set whose file of an unprotected job now defines
//! another job (its ID edited) judges its later steps with the old job
//! still running and holding its room, as `nomad job run` leaves it
//! (nomad/job_endpoint.go v2.0.5:93 Job.Register registers the new job by
//! its own namespace and ID, :219; only Job.Deregister, `nomad job stop`,
//! stops the old one). A protected job that fits only in that room is
//! refused by both gates and by `check`, and every plan after the stop says
//! what it counted.

use crate::common;

use common::{git, output_text, TempDir};

/// A project on two 4000 MB clients running `running`, `policy.hcl` as
/// given, with `jobs` (file, ID, count, MB, priority) committed on `main`.
fn project(name: &str, service_preempts: bool, policy: &str, jobs: &[Job]) -> TempDir {
    let d = TempDir::new(name);
    git(&d.0, &["init", "-q", "-b", "main", "."]);
    let running: Vec<String> = jobs.iter().map(|j| format!("\"{}\"", j.0)).collect();
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "2.0.5"
edition = "community"
region = "global"
server {{
  vault {{ enabled = false }}
}}
scheduler {{
  algorithm = "binpack"
  preemption {{
    system = true
    sysbatch = false
    batch = false
    service = {service_preempts}
  }}
}}
client "c" {{
  count = 2
  datacenter = "dc1"
  cpu = 4000
  memory = 4000
  disk = 10000
  drivers = ["docker"]
}}
running = [{}]
"#,
            running.join(", ")
        ),
    );
    d.put(
        "rules/namespaces/default.hcl",
        "name = \"default\"\ndescription = \"d\"\n",
    );
    d.put("rules/policy.hcl", policy);
    for j in jobs {
        d.put(j.0, &j.text());
    }
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d
}

/// A job file: path, ID, count, memory (MB), priority.
struct Job(&'static str, &'static str, u32, u32, u32);

impl Job {
    fn text(&self) -> String {
        let Job(_, id, count, memory, priority) = self;
        format!(
            r#"job "{id}" {{
  datacenters = ["dc1"]
  priority = {priority}
  group "g" {{
    count = {count}
    task "t" {{
      driver = "docker"
      config {{ image = "nginx:1" }}
      resources {{
        cpu = 100
        memory = {memory}
      }}
    }}
  }}
}}
"#
        )
    }
}

const PROTECT_DB: &str = "protected {\n  jobs = [\"db\"]\n  namespaces = []\n}\n";

/// The note every plan after the replaced job's stop carries.
const KEPT: &str = "planned with job \"web\" (namespace \"default\") still running, which jobs/web.nomad no longer defines: `nomad job run` never stops another job, so it keeps its room";

/// Stage `jobs` over the committed ones.
fn stage(d: &TempDir, jobs: &[Job]) {
    for j in jobs {
        d.put(j.0, &j.text());
    }
    git(&d.0, &["add", "-A"]);
}

/// `check ARGS --format json`: the findings' codes by file, and the exit code.
fn check_codes(d: &TempDir, args: &[&str]) -> (Vec<(String, String, String)>, Option<i32>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = d.run(&all);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", output_text(&out)));
    let found = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("file"), s("code"), s("message"))
        })
        .collect();
    (found, out.status.code())
}

/// Both gates and `check` on the staged change, then on it committed.
fn assert_all_refuse(d: &TempDir, file: &str, code: &str, refusal: &str) {
    let (found, exit) = check_codes(d, &["--staged"]);
    assert!(
        found.iter().any(|(f, c, _)| f == file && c == code),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(f, c, m)| f == file && c == "NP221" && m.starts_with(KEPT)),
        "{found:?}"
    );
    assert_eq!(exit, Some(1), "{found:?}");
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = output_text(&out);
    assert!(s.contains(refusal), "{s}");
    assert!(s.contains(&format!("note: {KEPT}")), "{s}");
    assert!(!s.contains("after the stop of"), "{s}");
    assert_eq!(out.status.code(), Some(1), "{s}");

    git(&d.0, &["commit", "-qm", "change", "--no-verify"]);
    let range = ["--base", "HEAD~1", "--head", "HEAD"];
    let (found, exit) = check_codes(d, &range);
    assert!(
        found.iter().any(|(f, c, _)| f == file && c == code),
        "{found:?}"
    );
    assert_eq!(exit, Some(1), "{found:?}");
    let mut args = vec!["plan", "--changed", "--gate"];
    args.extend_from_slice(&range);
    let out = d.run(&args);
    let s = output_text(&out);
    assert!(s.contains(refusal), "{s}");
    assert_eq!(out.status.code(), Some(1), "{s}");
}

#[test]
fn a_protected_job_that_fits_only_in_a_renamed_jobs_room_is_refused() {
    let d = project(
        "replaced-room-capacity",
        false,
        PROTECT_DB,
        &[
            Job("jobs/web.nomad", "web", 3, 2000, 50),
            Job("jobs/z.nomad", "db", 1, 100, 50),
        ],
    );
    stage(
        &d,
        &[
            Job("jobs/web.nomad", "web-v2", 1, 100, 50),
            Job("jobs/z.nomad", "db", 3, 1900, 50),
        ],
    );
    // JSON: the protected job's plan says what it counted.
    let js = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("JSON");
    let db = v["Plans"]
        .as_array()
        .expect("Plans")
        .iter()
        .find(|p| p["File"] == "jobs/z.nomad")
        .unwrap_or_else(|| panic!("{v:#}"));
    let assumed = db["Plan"]["Preflight"]["Assumed"].as_array();
    assert!(
        assumed.is_some_and(|a| a.iter().any(|a| a["Setting"] == "replaced_job_running")),
        "{db:#}"
    );
    assert_eq!(js.status.code(), Some(1));
    assert_all_refuse(
        &d,
        "jobs/z.nomad",
        "NP207",
        "==> refused by policy: jobs/z.nomad leaves allocations of protected job \"db\" (group \"g\") unplaced in all 100 node shuffles",
    );
}

#[test]
fn a_preemption_of_a_protected_job_hidden_by_a_renamed_jobs_room_is_refused() {
    let d = project(
        "replaced-room-preempt",
        true,
        &format!("preemption_gap = 10\n{PROTECT_DB}"),
        &[
            Job("jobs/db.nomad", "db", 2, 1000, 20),
            Job("jobs/web.nomad", "web", 2, 1500, 50),
        ],
    );
    stage(
        &d,
        &[
            Job("jobs/web.nomad", "web-v2", 1, 100, 50),
            Job("jobs/x.nomad", "x", 1, 3000, 80),
        ],
    );
    assert_all_refuse(
        &d,
        "jobs/x.nomad",
        "NP403",
        "==> refused by policy: jobs/x.nomad preempts allocations of protected job default/db in all 100 node shuffles",
    );
}

/// Guard: a rename with room to spare beside the old job still passes
/// everything, and says what it counted.
#[test]
fn a_rename_with_room_to_spare_still_passes() {
    let d = project(
        "replaced-room-spare",
        false,
        PROTECT_DB,
        &[
            Job("jobs/web.nomad", "web", 2, 1000, 50),
            Job("jobs/z.nomad", "db", 1, 100, 50),
        ],
    );
    stage(
        &d,
        &[
            Job("jobs/web.nomad", "web-v2", 1, 100, 50),
            Job("jobs/z.nomad", "db", 2, 500, 50),
        ],
    );
    let (found, exit) = check_codes(&d, &["--staged"]);
    assert!(found.iter().all(|(_, c, _)| c == "NP221"), "{found:?}");
    assert_eq!(exit, Some(0), "{found:?}");
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = output_text(&out);
    assert!(s.contains(&format!("note: {KEPT}")), "{s}");
    assert!(!s.contains("refused by policy"), "{s}");
    assert_eq!(out.status.code(), Some(0), "{s}");
    git(&d.0, &["commit", "-qm", "change", "--no-verify"]);
    let (_, exit) = check_codes(&d, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(exit, Some(0));
    let out = d.run(&[
        "plan",
        "--changed",
        "--gate",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
}
