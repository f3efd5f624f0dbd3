//! A duration argument written `null` (or a variable whose value is null):
//! jobspec2's decodeDuration (hcl_conversions.go) refuses it from 1.9.7 and
//! 1.10.0 (#25294, "Avoid panics by checking null values on durations"):
//! `Unsuitable value; Unsuitable duration value: nil` at the expression's
//! start. Before, it panics on a null string and words a null of no type
//! with Go's %s of a cty.Type: we cannot tell (exit 255). We said "Job
//! validation successful" at every release: a false all-clear.

use crate::common;

const JOB: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver       = \"exec\"\n      kill_timeout = null\n      config {\n        command = \"/bin/true\"\n      }\n    }\n  }\n}\n";

fn validate(v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("null-duration-{v}"), "validate", JOB, v)
}

#[test]
fn a_null_duration_is_refused_from_1_9_7_and_not_known_before() {
    for v in ["1.9.7", "1.10.0", "2.0.5"] {
        let (code, err) = validate(v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with("Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:6,22-26: Unsuitable value; Unsuitable duration value: nil\n"),
            "{v}: {err}"
        );
    }
    for v in ["1.0.0", "1.9.6"] {
        let (code, err) = validate(v);
        assert_eq!(code, Some(255), "{v}: {err}");
        assert!(
            err.starts_with("error: cannot tell what Nomad"),
            "{v}: {err}"
        );
        assert!(!err.contains("successful"), "{v}: {err}");
    }
}
