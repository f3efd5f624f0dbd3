//! Two `job` blocks in one file, in each release's words:
//! - before 1.0, jobspec.Parse's parseJob (jobspec/parse.go at v0.9.3,
//!   parse_job.go at v0.12.12): `only one 'job' block allowed`, wrapped
//!   `error parsing 'job': ` by Parse and `Error parsing job file from
//!   <path>: ` by command/helpers.go JobGetter.ApiJob;
//! - from 1.0, jobspec2/types.config.go decodeJob: `Duplicate job block`,
//!   `Only one block of type "job" is allowed. Previous definition was at
//!   <DefRange>.`, subject the later block's DefRange (hclsyntax
//!   structure.go Block.DefRange: type to `{` at hcl 68a97f93, Nomad 1.0.0
//!   to 1.8.0; type to last label at v2.20.2-nomad-1, 1.8.1 on).

use crate::common;

use common::TempDir;

const JOB: &str = "job \"a\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x\"\n      }\n    }\n  }\n}\n";

#[test]
fn a_second_job_block_is_refused_in_each_releases_words() {
    let d = TempDir::new("duplicate-job");
    d.put("a.nomad", &format!("{JOB}job \"b\" {{\n}}\n"));
    for (v, want) in [
        ("0.9.3", "Error getting job struct: Error parsing job file from a.nomad: error parsing 'job': only one 'job' block allowed"),
        ("0.12.12", "Error getting job struct: Error parsing job file from a.nomad: error parsing 'job': only one 'job' block allowed"),
        ("1.0.0", "Error getting job struct: Error parsing job file from a.nomad:\na.nomad:12,1-10: Duplicate job block; Only one block of type \"job\" is allowed. Previous definition was at a.nomad:1,1-10."),
        ("1.8.0", "Error getting job struct: Error parsing job file from a.nomad:\na.nomad:12,1-10: Duplicate job block; Only one block of type \"job\" is allowed. Previous definition was at a.nomad:1,1-10."),
        ("1.8.1", "Error getting job struct: Error parsing job file from a.nomad:\na.nomad:12,1-8: Duplicate job block; Only one block of type \"job\" is allowed. Previous definition was at a.nomad:1,1-8."),
        ("2.0.5", "Error getting job struct: Error parsing job file from a.nomad:\na.nomad:12,1-8: Duplicate job block; Only one block of type \"job\" is allowed. Previous definition was at a.nomad:1,1-8."),
    ] {
        let n = if v.starts_with('0') { 1 } else { 2 };
        let plan = d.run(&["plan", "a.nomad", "--nomad-version", v]);
        assert_eq!(plan.status.code(), Some(255), "{v}");
        assert_eq!(common::stderr_first_lines(&plan, n), want, "plan {v}");
        let validate = d.run(&["validate", "a.nomad", "--nomad-version", v]);
        assert_eq!(validate.status.code(), Some(1), "{v}");
        assert_eq!(common::stderr_first_lines(&validate, n), want, "validate {v}");
    }
}
