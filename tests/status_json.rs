//! `status --format json` is `nomad job status -json`: from 1.7.6 a list
//! of each job's `{Summary, Allocations, LatestDeployment, Evaluations}`
//! as the API's raw records (createJsonJobsOutput, command/job_status.go
//! v1.7.6:728-763, v2.0.5 the same). No world holds those records (an
//! import keeps none, and evaluations are never saved), so the answer is
//! one "cannot tell" line, in the JSON and the exit code, never a
//! document with invented fields. What is known is Nomad's: "No running
//! jobs" whatever the format, and before 1.7.6 the flag parser's refusal.

use crate::common;

use common::batch::{alloc, import, job_json};
use common::run_in;
use serde_json::json;

fn import_at(tag: &str, build: &str) -> common::TempDir {
    let job = job_json(json!({"Type": "service", "Status": "running"}));
    let mut a = alloc(1, 0, &job, json!({"ClientStatus": "running"}));
    a["JobType"] = json!("service");
    import(tag, build, &job, &[a])
}

#[test]
fn before_1_7_6_json_is_a_flag_job_status_does_not_define() {
    let d = import_at("status-json-old", "1.7.5");
    let o = run_in(
        &d.0,
        &[
            "status", "--world", "import", "--format", "json", "job", "web",
        ],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        common::flat(&o.stderr).contains("flag provided but not defined: -json"),
        "{}",
        o.stderr
    );
}

#[test]
fn from_1_7_6_the_raw_records_cannot_be_told() {
    let d = import_at("status-json-new", "1.7.6");
    let o = run_in(
        &d.0,
        &[
            "status", "--world", "import", "--format", "json", "job", "web",
        ],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["CannotTell"], true, "{v}");
    // Never a document of its own making in Nomad's shape.
    for key in ["Summary", "Allocations", "LatestDeployment", "Evaluations"] {
        assert!(v.get(key).is_none(), "{v}");
    }
    assert!(o.stderr.contains("cannot tell"), "{}", o.stderr);
    // No job there: Nomad's own text, whatever the format.
    let o = run_in(
        &d.0,
        &[
            "status", "--world", "import", "--format", "json", "jobs", "-n", "other",
        ],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "No running jobs\n");
}
