//! R22-A-1: a change set whose file of an unprotected job now defines
//! another job (its ID edited) judges its later steps with the old job
//! still running and holding its room, as `nomad job run` leaves it
//! (nomad/job_endpoint.go v2.0.5:93 Job.Register registers the new job by
//! its own namespace and ID, :219; only Job.Deregister, `nomad job stop`,
//! stops the old one). A protected job that fits only in that room is
//! refused by both gates and by `check`, and every plan after the stop says
//! what it counted.

use crate::common;

use crate::plan_gate_replaced::check_json;
use common::{git, output_text, TempDir};

/// A project on two 4000 MB clients running `jobs` (committed on `main`),
/// `policy.hcl` as given, with `change` staged over them.
fn project(
    name: &str,
    service_preempts: bool,
    policy: &str,
    jobs: &[Job],
    change: &[Job],
) -> TempDir {
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
    for j in change {
        d.put(j.0, &j.text());
    }
    git(&d.0, &["add", "-A"]);
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

/// What a change must get from every gate.
struct Refused {
    file: &'static str,
    /// `check`'s finding.
    code: &'static str,
    /// The plan gate's line.
    line: &'static str,
}

/// Both gates and `check` on the staged change, then on it committed:
/// each refuses it as `refused` says (passes it when `None`), and says
/// what its plans counted.
fn assert_every_gate(d: &TempDir, refused: Option<Refused>) {
    let want = Some(if refused.is_some() { 1 } else { 0 });
    for side in [&["--staged"][..], &["--base", "HEAD~1", "--head", "HEAD"]] {
        let (notes, exit) = check_json(d, side, "NP221");
        let kept =
            |n: &serde_json::Value| n["message"].as_str().is_some_and(|m| m.starts_with(KEPT));
        assert_eq!(exit, want, "{side:?}");
        if let Some(r) = &refused {
            let (found, _) = check_json(d, side, r.code);
            assert!(found.iter().any(|f| f["file"] == r.file), "{found:?}");
        }
        assert!(notes.iter().any(kept), "{notes:?}");
        let mut args = vec!["plan", "--changed", "--gate"];
        args.extend_from_slice(side);
        let out = d.run(&args);
        let s = output_text(&out);
        match &refused {
            Some(r) => assert!(s.contains(r.line), "{s}"),
            None => assert!(!s.contains("refused by policy"), "{s}"),
        }
        assert_eq!(out.status.code(), want, "{s}");
        assert!(s.contains(&format!("note: {KEPT}")), "{s}");
        assert!(!s.contains("after the stop of"), "{s}");
        if side == ["--staged"] {
            git(&d.0, &["commit", "-qm", "change", "--no-verify"]);
        }
    }
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
        &[
            Job("jobs/web.nomad", "web-v2", 1, 100, 50),
            Job("jobs/z.nomad", "db", 3, 1900, 50),
        ],
    );
    let line = "==> refused by policy: jobs/z.nomad leaves allocations of protected job \"db\" (group \"g\") unplaced in all 100 node shuffles";
    let (file, code) = ("jobs/z.nomad", "NP207");
    assert_every_gate(&d, Some(Refused { file, code, line }));
    // JSON (committed): the protected job's plan says what it counted.
    let js = d.run(&[
        "plan",
        "--changed",
        "--gate",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
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
        &[
            Job("jobs/web.nomad", "web-v2", 1, 100, 50),
            Job("jobs/x.nomad", "x", 1, 3000, 80),
        ],
    );
    let line = "==> refused by policy: jobs/x.nomad preempts allocations of protected job default/db in all 100 node shuffles";
    let (file, code) = ("jobs/x.nomad", "NP403");
    assert_every_gate(&d, Some(Refused { file, code, line }));
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
        &[
            Job("jobs/web.nomad", "web-v2", 1, 100, 50),
            Job("jobs/z.nomad", "db", 2, 500, 50),
        ],
    );
    assert_every_gate(&d, None);
}
