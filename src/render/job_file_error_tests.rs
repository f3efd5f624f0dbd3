//! Tests of `render::job_file_error`: how each refusal is worded per
//! version and command.

use super::*;

fn load(text: &str, version: NomadVersion) -> ParsedJob {
    jobspec::load_text(text, version)
}

const NO_DC: &str =
    "job \"j\" {\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";

#[test]
fn a_server_side_validation_error_is_an_error_during_plan() {
    let v = NomadVersion::DEMO;
    let p = load(NO_DC, v);
    assert_eq!(
        refusal(&p, "j.nomad", v, None),
        Refusal::Validation(vec!["Missing job datacenters".into()])
    );
    // 0.9.3: the old go-multierror format.
    assert_eq!(
        plan_error(&p, "j.nomad", v, None),
        "Error during plan: Unexpected response code: 500 (1 error(s) occurred:\n\n* Missing job datacenters)\n"
    );
    assert_eq!(
        validate_error(&p, "j.nomad", v, None),
        "Job validation errors:\n1 error(s) occurred:\n\n* Missing job datacenters\n"
    );
}

/// structs.go: Job.Validate wraps a group's multierror as `Task group
/// <name> validation failed: ...`, TaskGroup.Validate a task's as `Task
/// <name> validation failed: ...`, Task.Validate appends
/// Resources.Validate's multierror as one item and that one
/// MeetsMinResources's; the job endpoint (1.5+) checks the priority
/// after Job.Validate, in lower case, where Job.Validate did it after
/// the type before. (101, not 0: from 1.5 the servers make a 0 the
/// default priority before validating.)
#[test]
fn group_and_task_errors_are_nested_as_nomad_nests_them() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  priority = 101\n  group \"app\" {\n    count = -1\n    task \"server\" {\n      driver = \"exec\"\n      resources {\n        cpu    = 0\n        memory = 4\n      }\n    }\n  }\n}\n";
    let v = NomadVersion::new(2, 0, 5);
    assert_eq!(
        validate_error(&load(text, v), "j.nomad", v, None),
        "Job validation errors:\n2 errors occurred:\n\t* Task group app validation failed: 2 errors occurred:\n\t* Task group count can't be negative\n\t* Task server validation failed: 1 error occurred:\n\t* 1 error occurred:\n\t* 2 errors occurred:\n\t* minimum CPU value is 1; got 0\n\t* minimum MemoryMB value is 10; got 4\n\n\n\n\n\n\n\n\n\t* job priority must be between [1, 100]\n\n\n"
    );
    let v = NomadVersion::new(1, 4, 0);
    assert_eq!(
        plan_error(&load(text, v), "j.nomad", v, None),
        "Error during plan: Unexpected response code: 500 (2 errors occurred:\n\t* Job priority must be between [1, 100]\n\t* Task group app validation failed: 2 errors occurred:\n\t* Task group count can't be negative\n\t* Task server validation failed: 1 error occurred:\n\t* 1 error occurred:\n\t* 2 errors occurred:\n\t* minimum CPU value is 1; got 0\n\t* minimum MemoryMB value is 10; got 4\n\n\n\n\n\n\n\n\n\n)\n"
    );
    // 0.9.3's MinResources asks for 20 MHz (1 from 1.0.0).
    let v = NomadVersion::DEMO;
    assert_eq!(
        validate_error(&load(&text.replace("  priority = 101\n", ""), v), "j.nomad", v, None),
        "Job validation errors:\n1 error(s) occurred:\n\n* Task group app validation failed: 2 error(s) occurred:\n\n* Task group count can't be negative\n* Task server validation failed: 1 error(s) occurred:\n\n* 1 error(s) occurred:\n\n* 2 error(s) occurred:\n\n* minimum CPU value is 20; got 0\n* minimum MemoryMB value is 10; got 4\n"
    );
}

/// TaskGroup.Validate: `Task N redefines 'name' from task M` (1-based,
/// against the first definition), and validateNetworks' errors under
/// `Task group network validation failed:`.
#[test]
fn duplicate_tasks_and_static_ports_in_nomads_words() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port \"a\" {\n        static = 8080\n      }\n      port \"b\" {\n        static = 8080\n      }\n    }\n    task \"t\" {\n      driver = \"exec\"\n    }\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";
    let v = NomadVersion::new(2, 0, 5);
    assert_eq!(
        validate_error(&load(text, v), "j.nomad", v, None),
        "Job validation errors:\n1 error occurred:\n\t* Task group g validation failed: 2 errors occurred:\n\t* Task 2 redefines 't' from task 1\n\t* Task group network validation failed: 1 error occurred:\n\t* Static port 8080 already reserved by taskgroup network:a\n\n\n\n\n\n\n"
    );
}

/// 0.9.3's TaskGroup.Validate lists a task port's static collision
/// among the group's errors (no network wrapper before 0.10).
#[test]
fn before_0_10_static_ports_are_the_groups_own_errors() {
    let task = |name: &str, label: &str| {
        format!("    task \"{name}\" {{\n      driver = \"exec\"\n      resources {{\n        network {{\n          port \"{label}\" {{\n            static = 8080\n          }}\n        }}\n      }}\n    }}\n")
    };
    let text = format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{}{}  }}\n}}\n",
        task("a", "x"),
        task("b", "y")
    );
    let v = NomadVersion::DEMO;
    assert_eq!(
        validate_error(&load(&text, v), "j.nomad", v, None),
        "Job validation errors:\n1 error(s) occurred:\n\n* Task group g validation failed: 1 error(s) occurred:\n\n* Static port 8080 already reserved by a:x\n"
    );
}

/// api TaskGroup.Canonicalize gives every group the job's migrate
/// block, whatever the job type; TaskGroup.Validate refuses it outside
/// service jobs (the corpus's jobspec migrate-job.hcl fixture).
#[test]
fn a_batch_job_may_not_migrate() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n  migrate {\n    max_parallel = 2\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";
    let v = NomadVersion::new(2, 0, 5);
    assert_eq!(
        validate_error(&load(text, v), "j.nomad", v, None),
        "Job validation errors:\n1 error occurred:\n\t* Task group g validation failed: 1 error occurred:\n\t* Job type \"batch\" does not allow migrate block\n\n\n\n\n"
    );
    let service = text.replace("  type = \"batch\"\n", "");
    assert!(load(&service, v).is_valid());
}

/// A template's `wait` is a gohcl block: written as an argument it is
/// HCL's "Unsupported argument", located at its name.
#[test]
fn a_block_written_as_an_argument_is_hcls_unsupported_argument() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      template {\n        data = \"x\"\n        destination = \"local/x\"\n        wait = {\n          min = \"1m\"\n        }\n      }\n    }\n  }\n}\n";
    let v = NomadVersion::new(2, 0, 5);
    assert_eq!(
        plan_error(&load(text, v), "j.nomad", v, None),
        "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:9,9-13: Unsupported argument; An argument named \"wait\" is not expected here. Did you mean to define a block of type \"wait\"?\n"
    );
}

#[test]
fn a_parse_error_is_an_error_getting_the_job_struct() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"\n}\n";
    let old = load(text, NomadVersion::DEMO);
    let e = plan_error(&old, "j.nomad", NomadVersion::DEMO, None);
    assert!(
        e.starts_with("Error getting job struct: Error parsing job file from j.nomad: "),
        "{e}"
    );
    let new = load(text, NomadVersion::CURRENT);
    let e = plan_error(&new, "j.nomad", NomadVersion::CURRENT, None);
    assert!(
        e.starts_with("Error getting job struct: Error parsing job file from j.nomad:\n"),
        "{e}"
    );
    assert_eq!(
        validate_error(&new, "j.nomad", NomadVersion::CURRENT, None),
        e,
        "validate words a parse error the same way"
    );
}

#[test]
fn a_function_the_release_lacks_is_hcls_unknown_function_at_its_name() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  meta {\n    a = filebase64(\"x\")\n    b = tostring(1)\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";
    let v = NomadVersion::new(1, 3, 1);
    let p = load(text, v);
    assert_eq!(
        plan_error(&p, "j.nomad", v, None),
        "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:4,9-19: Call to unknown function; There is no function named \"filebase64\".\nj.nomad:5,9-17: Call to unknown function; There is no function named \"tostring\".\n"
    );
    let gate = p.diags.iter().find(|d| d.message.contains("filebase64"));
    assert_eq!(
        gate.map(|d| d.code.as_ref()),
        Some(jobspec::version_gates::CODE),
        "a function of a later release is the version's gate"
    );
    // 1.3.2 has filebase64 (the file is missing, a different error).
    let p = load(text, NomadVersion::new(1, 3, 2));
    assert!(!p
        .diags
        .iter()
        .any(|d| d.message.contains("no function named \"filebase64\"")));
}
