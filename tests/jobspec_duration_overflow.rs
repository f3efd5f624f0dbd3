//! A duration past Go's int64 nanoseconds: time.ParseDuration (time/
//! format.go, uint64 arithmetic since Go 1.18) refuses
//! "9223372036854775808ns" as `time: invalid duration`, and jobspec2's
//! decodeDuration says so; we read it as the largest duration and passed
//! the file (redteam7 D11, issue 13).

use crate::common;

fn job(timeout: &str) -> String {
    format!(
        "job \"web\" {{\n  type = \"batch\"\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      kill_timeout = \"{timeout}\"\n      config {{ image = \"x\" }}\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn one_nanosecond_past_max_int64_is_refused() {
    let text = job("9223372036854775808ns");
    for (cmd, want) in [("validate", 1), ("plan", 255)] {
        let (code, err) = common::run_job_file(&format!("over-{cmd}"), cmd, &text, "2.0.5");
        assert_eq!(code, Some(want), "{cmd}: {err}");
        let head = "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:7,23-44: Unsuitable value type; Unsuitable duration value: time: invalid duration \"9223372036854775808ns\"\n";
        assert!(err.starts_with(head), "{cmd}:\n{err}");
    }
    // Also in hours, past 2562047h47m16.854775807s.
    let (code, err) = common::run_job_file("over-h", "validate", &job("2562048h"), "2.0.5");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("time: invalid duration \"2562048h\""), "{err}");
}

#[test]
fn max_int64_nanoseconds_is_a_duration() {
    let (code, err) =
        common::run_job_file("max", "validate", &job("9223372036854775807ns"), "2.0.5");
    assert_eq!((code, err.as_str()), (Some(0), ""));
}
