//! A job `type` no release schedules (`"zz"`) is no parse error: every
//! CLI parses the string (HCL1's decoder and jobspec2 alike) and the
//! servers refuse it in Job.Validate (nomad/structs/structs.go, the same
//! text at 0.11.0 through 2.0.5), `Invalid job type: "zz"`, after the ID
//! and name checks and before the priority (which 1.5 moved after
//! Job.Validate). An empty type is `Missing job type`: api's Canonicalize
//! fills only an absent one. We refused it at parse, under `Error getting
//! job struct`, a text Nomad never prints for it.

use crate::common;

fn job(ty: &str, priority: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  type        = \"{ty}\"\n{priority}  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n")
}

fn run(name: &str, text: &str, cmd: &str, v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("job-type-{name}-{cmd}-{v}"), cmd, text, v)
}

#[test]
fn an_unknown_type_is_the_servers_refusal() {
    for v in ["0.11.8", "0.12.12", "1.6.0", "2.0.5"] {
        let (code, err) = run("zz", &job("zz", ""), "validate", v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with(
                "Job validation errors:\n1 error occurred:\n\t* Invalid job type: \"zz\"\n\n"
            ),
            "{v}: {err}"
        );
    }
    // The plan's error, as the render words the servers' refusal at each
    // release (the same path as a sysbatch job before 1.2).
    let (code, err) = run("zz", &job("zz", ""), "plan", "0.12.12");
    assert_eq!(code, Some(255), "{err}");
    assert!(
        err.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Invalid job type: \"zz\"\n\n)\n"),
        "{err}"
    );
    let (code, err) = run("zz", &job("zz", ""), "plan", "2.0.5");
    assert_eq!(code, Some(255), "{err}");
    assert!(
        err.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Invalid job type: \"zz\")\n"),
        "{err}"
    );
}

/// Job.Validate lists the type before the priority (before 1.5, when the
/// priority was still its own check); Go's %q quotes the value.
#[test]
fn the_type_comes_before_the_priority_and_is_go_quoted() {
    let text = job("ser\\\"vice", "  priority    = 150\n");
    let (code, err) = run("order", &text, "validate", "0.12.12");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"ser\\\"vice\"\n\t* Job priority must be between [1, 100]\n\n"),
        "{err}"
    );
}

#[test]
fn an_empty_type_is_a_missing_one() {
    let (code, err) = run("empty", &job("", ""), "validate", "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n1 error occurred:\n\t* Missing job type\n\n"),
        "{err}"
    );
}

/// A job file with `extra` before its group (`group` blocks of its own
/// after it).
fn job_with(ty: &str, extra: &str, group_extra: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  type        = \"{ty}\"\n{extra}  group \"g\" {{\n{group_extra}    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n")
}

/// Before 0.11 too, Job.Validate refuses the type with the same text
/// (nomad/structs/structs.go at v0.9.3, v0.10.0, v0.10.9: `Invalid job
/// type: %q`): the HCL1 parser takes any string. api's Canonicalize
/// (NewDefaultReschedulePolicy) and the servers' (NewReschedulePolicy) have
/// no reschedule policy for such a type before 0.11 (GH-7203 added one), so
/// TaskGroup.Validate adds `Task Group g should have a reschedule policy`.
/// We refused it at parse, under our own words.
#[test]
fn before_0_11_the_servers_refuse_it_too() {
    // go-multierror's older format (`N error(s) occurred:`).
    for v in ["0.9.3", "0.10.0"] {
        let (code, err) = run("old", &job("zz", ""), "validate", v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with(
                "Job validation errors:\n2 error(s) occurred:\n\n* Invalid job type: \"zz\"\n* Task group g validation failed: 1 error(s) occurred:\n\n* Task Group g should have a reschedule policy\n"
            ),
            "{v}: {err}"
        );
    }
    let (code, err) = run("old", &job("zz", ""), "validate", "0.10.9");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(
            "Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"zz\"\n\t* Task group g validation failed: 1 error occurred:\n\t* Task Group g should have a reschedule policy\n"
        ),
        "{err}"
    );
    // From 0.11 the policy of zeros is not enabled: nothing to say.
    let (_, err) = run("new", &job("zz", ""), "validate", "0.11.0");
    assert!(!err.contains("should have a reschedule policy"), "{err}");
}

/// TaskGroup.Validate's per-type tests take the branch of no known type:
/// `Job type %q does not allow update block` (an update is for service
/// and system jobs only) and `... migrate block` (service only), with the
/// type as written (structs.go TaskGroup.Validate, v0.9.3 to v2.0.5). The
/// job's update and migrate reach the group through api's
/// TaskGroup.Canonicalize for every type. We refused such a file at parse.
#[test]
fn update_and_migrate_blocks_name_the_written_type() {
    let text = job_with(
        "zz",
        "  update {\n    max_parallel = 2\n  }\n",
        "    migrate {\n      max_parallel = 1\n    }\n",
    );
    for v in ["0.11.0", "0.12.12", "1.6.0", "2.0.5"] {
        let (code, err) = run("update", &text, "validate", v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with("Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"zz\"\n\t* Task group g validation failed: 2 errors occurred:\n\t* Job type \"zz\" does not allow update block\n\t* Job type \"zz\" does not allow migrate block\n"),
            "{v}: {err}"
        );
    }
    // Before 0.11 the group has no reschedule policy either.
    let (code, err) = run("update", &text, "validate", "0.10.9");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"zz\"\n\t* Task group g validation failed: 3 errors occurred:\n\t* Task Group g should have a reschedule policy\n\t* Job type \"zz\" does not allow update block\n\t* Job type \"zz\" does not allow migrate block\n"),
        "{err}"
    );
    let (code, err) = run("update", &text, "validate", "0.9.3");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("* Job type \"zz\" does not allow update block\n* Job type \"zz\" does not allow migrate block\n"),
        "{err}"
    );
}

/// Job.Validate allows periodic and parameterized jobs for batch (and from
/// 1.2 sysbatch) only: a type it does not know is refused twice, the type
/// first. Modelled as a batch job, it used to pass the periodic test.
#[test]
fn a_periodic_or_parameterized_job_of_unknown_type_is_refused() {
    let periodic = "  periodic {\n    cron = \"*/5 * * * *\"\n  }\n";
    let (code, err) = run(
        "periodic",
        &job_with("zz", periodic, ""),
        "validate",
        "1.6.0",
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"zz\"\n\t* Periodic can only be used with \"batch\" or \"sysbatch\" scheduler\n\n"),
        "{err}"
    );
    let (code, err) = run(
        "periodic",
        &job_with("zz", periodic, ""),
        "validate",
        "0.12.12",
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"zz\"\n\t* Periodic can only be used with \"batch\" scheduler\n\n"),
        "{err}"
    );
    let param = "  parameterized {\n    payload = \"optional\"\n  }\n";
    let (code, err) = run("param", &job_with("zz", param, ""), "validate", "2.0.5");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n2 errors occurred:\n\t* Invalid job type: \"zz\"\n\t* Parameterized job can only be used with \"batch\" or \"sysbatch\" scheduler\n\n"),
        "{err}"
    );
}

/// From 0.11 api's NewDefaultReschedulePolicy gives an unknown type a
/// policy of zeros (GH-7203), which a written block is completed from:
/// `attempts = 2` alone then fails ReschedulePolicy.Validate on every other
/// field. As batch defaults (what we model the job as) it would pass.
#[test]
fn a_partial_reschedule_block_is_completed_with_zeros() {
    let r = "  reschedule {\n    attempts = 2\n  }\n";
    let (code, err) = run("resched", &job_with("zz", r, ""), "validate", "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("\t* Invalid job type: \"zz\"\n\t* Task group g validation failed: 1 error occurred:\n\t* 5 errors occurred:\n\t* Interval must be a non zero value if Attempts > 0\n"),
        "{err}"
    );
    assert!(
        err.contains("\t* Invalid delay function \"\", must be one of"),
        "{err}"
    );
}

/// Before 0.11 api's ReschedulePolicy.Canonicalize reads each unset field
/// of a written reschedule block from NewDefaultReschedulePolicy's answer,
/// nil for a type it does not know: the agent's handler and then the
/// CLI's local validation panic. Nomad's text is a Go panic, so we say we
/// cannot tell (exit 255), never the servers' list. A block writing all six
/// fields reads nothing from the defaults and reaches Job.Validate.
#[test]
fn before_0_11_a_partial_reschedule_block_crashes_nomad() {
    let r = "  reschedule {\n    attempts = 2\n  }\n";
    for cmd in ["validate", "plan"] {
        let (code, err) = run("crash", &job_with("zz", r, ""), cmd, "0.10.9");
        assert_eq!(code, Some(255), "{cmd}: {err}");
        assert!(
            err.starts_with("error: Nomad 0.10.9's agent panics on this job"),
            "{cmd}: {err}"
        );
        assert!(!err.contains("Job validation errors"), "{cmd}: {err}");
    }
    // In the group, merged over the job's: still one field short.
    let job_r =
        "  reschedule {\n    attempts = 2\n    interval = \"1h\"\n    delay = \"5s\"\n  }\n";
    let group_r =
        "    reschedule {\n      delay_function = \"constant\"\n      max_delay = \"1m\"\n    }\n";
    let (code, err) = run(
        "crash2",
        &job_with("zz", job_r, group_r),
        "validate",
        "0.9.3",
    );
    assert_eq!(code, Some(255), "{err}");
    let full = "    reschedule {\n      delay_function = \"constant\"\n      max_delay = \"1m\"\n      unlimited = false\n    }\n";
    let (code, err) = run("full", &job_with("zz", job_r, full), "validate", "0.9.3");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(
            "Job validation errors:\n1 error(s) occurred:\n\n* Invalid job type: \"zz\"\n"
        ),
        "{err}"
    );
}

/// `_core` (Nomad's own garbage-collection jobs) passes Job.Validate's type
/// switch; the job endpoint's validateJob refuses it after Job.Validate's
/// list (nomad/job_endpoint.go at v0.9.3, job_endpoint_hooks.go's validate
/// hook from 1.0 to 2.0.5: `job type cannot be core`), before the 1.5+
/// hook's priority. Its groups get an unknown type's defaults.
#[test]
fn the_core_type_is_refused_by_the_job_endpoint() {
    let text = job_with("_core", "  priority = 200\n", "");
    let (code, err) = run("core", &text, "validate", "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n2 errors occurred:\n\t* job type cannot be core\n\t* job priority must be between [1, 100]\n\n"),
        "{err}"
    );
    let (code, err) = run("core", &job_with("_core", "", ""), "validate", "0.12.12");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(
            "Job validation errors:\n1 error occurred:\n\t* job type cannot be core\n\n"
        ),
        "{err}"
    );
}
