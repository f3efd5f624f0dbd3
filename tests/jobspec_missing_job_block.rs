//! A file without a `job` block, in Nomad's words: jobspec2's decode
//! (types.config.go, 1.0.0 to 2.0.5) appends an hcl diagnostic without a
//! subject, `Missing job block; A job block is required`; HCL1's Parse
//! (jobspec/parse.go at v0.9.3 and v0.12.12) returns `'job' stanza not
//! found`. We printed our own sentence.

use crate::common;

fn validate(name: &str, text: &str, v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("no-job-{name}-{v}"), "validate", text, v)
}

#[test]
fn a_file_without_a_job_is_refused_in_each_parsers_words() {
    let vars = "variable \"x\" {\n  default = 1\n}\n";
    for v in ["1.0.0", "2.0.5"] {
        let (code, err) = validate("vars", vars, v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with("Error getting job struct: Error parsing job file from j.nomad:\nMissing job block; A job block is required\n"),
            "{v}: {err}"
        );
    }
    for v in ["0.9.3", "0.12.12"] {
        let (code, err) = validate("empty", "# nothing\n", v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with("Error getting job struct: Error parsing job file from j.nomad: 'job' stanza not found\n"),
            "{v}: {err}"
        );
    }
}
