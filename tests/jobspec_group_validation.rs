//! Nomad's validation of a group's lifecycle policies and of placement
//! blocks (nomad/structs/structs.go: `TaskGroup.Validate` with
//! `RestartPolicy.Validate`, `ReschedulePolicy.Validate`,
//! `UpdateStrategy.Validate`, `MigrateStrategy.Validate`; `Job.Validate` and
//! `TaskGroup.Validate` with `Constraint.Validate`, `Affinity.Validate`,
//! `Spread.Validate`). Each of these files validated and planned as a false
//! all-clear before; `nomad job validate` and `nomad job plan` refuse them
//! all. The texts are Nomad's, from the functions at the tag named per case
//! and the structs_test.go tests cited; the nesting follows go-multierror:
//! up to 1.7 a policy's multierror is one inner item of the group's, from
//! 1.8.0 `multierror.Append` flattens it.
//!
//! The rest of the job- and group-level rules follow: `Job.Validate`'s
//! first loop, periodic and parameterized jobs, `validateScalingPolicy`,
//! `DisconnectStrategy.Validate` (group.go) and `VolumeRequest.Validate`
//! (volumes.go).

use crate::common;

use common::TempDir;

/// go-multierror's `ListFormatFunc` (0.10.4+): what `%v` of an error list
/// prints.
fn me(items: &[&str]) -> String {
    let head = if items.len() == 1 {
        "1 error occurred:".to_string()
    } else {
        format!("{} errors occurred:", items.len())
    };
    let body: String = items.iter().map(|i| format!("\n\t* {i}")).collect();
    format!("{head}{body}\n\n")
}

fn job(job_type: &str, job_body: &str, group_body: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  type = \"{job_type}\"\n{job_body}\n  group \"g\" {{\n{group_body}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn run(cmd: &str, tag: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("group-validation-{cmd}-{tag}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n") + "\n")
}

/// `validate` prints exactly `want` (Nomad's error list) first and exits 1;
/// `plan` refuses the job too (exit 255) with the same innermost text.
fn refused(tag: &str, v: &str, text: &str, want: &str, inner: &str) {
    let (code, err) = run("validate", tag, text, v);
    assert_eq!(code, 1, "{tag} {v}: {err}");
    let head = format!("Job validation errors:\n{want}");
    assert!(err.starts_with(&head), "{tag} {v}:\n{err}\nwanted:\n{head}");
    let (code, err) = run("plan", tag, text, v);
    assert_eq!(code, 255, "{tag} {v}: {err}");
    assert!(err.contains(inner), "{tag} {v}: {err}");
}

/// Errors inside group g, each one item of its list.
fn group_items(items: &[&str]) -> String {
    me(&[&format!("Task group g validation failed: {}", me(items))])
}

/// One policy's errors inside group g, nested as `v`'s TaskGroup.Validate
/// nests a policy's multierror.
fn in_group(v: &str, errs: &[&str]) -> String {
    let flat = !matches!(v, "1.0.0" | "1.6.0");
    if flat {
        group_items(errs)
    } else {
        group_items(&[me(errs).as_str()])
    }
}

#[test]
fn bad_policy_enums_and_ranges_are_refused() {
    // (tag, group body, Nomad's errors). TestRestartPolicy_Validate,
    // TestUpdateStrategy_Validate, TestMigrateStrategy_Validate,
    // TestReschedulePolicy_Validate ("Invalid delay function") in
    // structs_test.go @v2.0.5.
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "restart-mode",
            "    restart {\n      mode = \"bogus\"\n    }",
            &["Unsupported restart mode: \"bogus\""],
        ),
        (
            "restart-fit",
            "    restart {\n      attempts = 10\n      delay = \"1m\"\n      interval = \"5m\"\n    }",
            &["Nomad can't restart the TaskGroup 10 times in an interval of 5m0s with a delay of 1m0s"],
        ),
        (
            "update-parallel",
            "    update {\n      max_parallel = -1\n    }",
            &["Max parallel can not be less than zero: -1 < 0"],
        ),
        (
            "update-health",
            "    update {\n      health_check = \"bogus\"\n    }",
            &["Invalid health check given: \"bogus\""],
        ),
        (
            "update-times",
            "    update {\n      min_healthy_time = \"10m\"\n    }",
            &["Minimum healthy time must be less than healthy deadline: 10m0s > 5m0s"],
        ),
        (
            "reschedule-function",
            "    reschedule {\n      delay_function = \"bogus\"\n    }",
            &["Invalid delay function \"bogus\", must be one of [\"constant\" \"exponential\" \"fibonacci\"]"],
        ),
        (
            "reschedule-fit",
            "    reschedule {\n      attempts = 3\n      interval = \"20s\"\n      delay = \"10s\"\n      delay_function = \"constant\"\n      unlimited = false\n    }",
            &[
                "Nomad can only make 2 attempts in 20s with initial delay 10s and delay function \"constant\"",
                "Set the interval to at least 30s to accommodate 3 attempts",
            ],
        ),
        (
            "migrate-parallel",
            "    migrate {\n      max_parallel = -1\n    }",
            &["MaxParallel must be >= 0 but found -1"],
        ),
        (
            "migrate-health",
            "    migrate {\n      health_check = \"bogus\"\n    }",
            &["Invalid HealthCheck: \"bogus\""],
        ),
    ];
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        for (tag, body, errs) in cases {
            let text = job("service", "", body);
            refused(tag, v, &text, &in_group(v, errs), errs[0]);
        }
    }
}

#[test]
fn before_0_10_max_parallel_must_be_at_least_one() {
    // UpdateStrategy.Validate @v0.9.3: `MaxParallel < 1`; 0.10.0 relaxed it
    // to `< 0`. go-multierror's old format (before 0.10.4).
    let text = job("service", "", "    update {\n      max_parallel = 0\n    }");
    let (code, err) = run("validate", "parallel-093", &text, "0.9.3");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("* Max parallel can not be less than one: 0 < 1"),
        "{err}"
    );
    let (code, err) = run("validate", "parallel-0100", &text, "0.10.0");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn bad_placement_blocks_are_refused_at_job_and_group_level() {
    // TestConstraint_Validate, TestAffinity_Validate, TestSpread_Validate
    // (structs_test.go @v2.0.5); weights stay within the api's int8.
    let constraint = "  constraint {\n    attribute = \"${attr.kernel.name}\"\n    operator = \"bogus\"\n    value = \"linux\"\n  }";
    let want = me(&[&format!(
        "Constraint 1 validation failed: {}",
        me(&["Unknown constraint type \"bogus\""])
    )]);
    refused(
        "job-constraint",
        "2.0.5",
        &job("service", constraint, ""),
        &want,
        "Unknown constraint type \"bogus\"",
    );
    let affinity = "    affinity {\n      attribute = \"${node.class}\"\n      value = \"x\"\n      weight = 110\n    }";
    let item = format!(
        "Affinity 1 validation failed: {}",
        me(&["Affinity weight must be within the range [-100,100]"])
    );
    let want = me(&[&format!("Task group g validation failed: {}", me(&[&item]))]);
    refused(
        "group-affinity",
        "2.0.5",
        &job("service", "", affinity),
        &want,
        "Affinity weight must be within the range",
    );
    let spread = "    spread {\n      attribute = \"${node.datacenter}\"\n      target \"dc1\" {\n        percent = 70\n      }\n      target \"dc2\" {\n        percent = 60\n      }\n    }";
    let item = format!(
        "Spread 1 validation failed: {}",
        me(&["Sum of spread target percentages must not be greater than 100%; got 130%"])
    );
    let want = me(&[&format!("Task group g validation failed: {}", me(&[&item]))]);
    refused(
        "group-spread",
        "2.0.5",
        &job("service", "", spread),
        &want,
        "got 130%",
    );
}

#[test]
fn system_jobs_may_not_prefer_or_spread() {
    // Job.Validate @v1.6.0 / @v1.4.4: the block word changed in 1.4.5.
    let affinity = "  affinity {\n    attribute = \"${node.class}\"\n    value = \"x\"\n  }";
    for (v, word) in [("1.4.4", "stanza"), ("1.6.0", "block")] {
        let text = format!("System jobs may not have an affinity {word}");
        refused(
            "system-affinity",
            v,
            &job("system", affinity, ""),
            &me(&[&text]),
            &text,
        );
    }
}

#[test]
fn valid_policies_pass() {
    let body = "    restart {\n      attempts = 3\n      delay = \"10s\"\n      interval = \"5m\"\n      mode = \"delay\"\n    }\n    update {\n      max_parallel = 0\n      canary = 1\n      auto_promote = true\n    }\n    reschedule {\n      attempts = 5\n      interval = \"1h\"\n      delay = \"30s\"\n      max_delay = \"5m\"\n      delay_function = \"exponential\"\n      unlimited = false\n    }\n    affinity {\n      attribute = \"${node.class}\"\n      value = \"x\"\n      weight = -50\n    }\n    constraint {\n      distinct_property = \"${meta.rack}\"\n      value = \"2\"\n    }";
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let (code, err) = run("validate", "valid", &job("service", "", body), v);
        assert_eq!(code, 0, "{v}: {err}");
    }
}

#[test]
fn scaling_bounds_hold_the_count() {
    // validateScalingPolicy @v1.6.0 and @v2.0.5 (TestJob_ValidateScaling).
    let body = "    count = 5\n    scaling {\n      min = 1\n      max = 3\n    }";
    let inner =
        "Scaling policy invalid: task group count must not be greater than maximum count in scaling policy";
    let item = format!(
        "Task group scaling policy validation failed: {}",
        me(&[inner])
    );
    for v in ["1.6.0", "2.0.5"] {
        refused(
            "scaling-max",
            v,
            &job("service", "", body),
            &group_items(&[&item]),
            inner,
        );
    }
    let body = "    scaling {\n      min = 5\n      max = 3\n    }";
    // count defaults to min (api TaskGroup.Canonicalize): 5 > max 3.
    let a = "Scaling policy invalid: maximum count must not be less than minimum count";
    let b =
        "Scaling policy invalid: task group count must not be greater than maximum count in scaling policy";
    let item = format!(
        "Task group scaling policy validation failed: {}",
        me(&[a, b])
    );
    refused(
        "scaling-min",
        "2.0.5",
        &job("service", "", body),
        &group_items(&[&item]),
        a,
    );
}

#[test]
fn volume_types_are_checked() {
    // VolumeRequest.Validate @v2.0.5 (plain error, no list); TaskGroup.Validate
    // @v1.0.0 checked it inline with other words.
    let body = "    volume \"v\" {\n      type = \"bogus\"\n      source = \"x\"\n    }";
    let text = "Task group volume validation for v failed: volume has unrecognized type bogus";
    refused(
        "volume-205",
        "2.0.5",
        &job("service", "", body),
        &group_items(&[text]),
        text,
    );
    let text = "Volume v has unrecognised type bogus";
    refused(
        "volume-100",
        "1.0.0",
        &job("service", "", body),
        &group_items(&[text]),
        text,
    );
}

#[test]
fn disconnect_settings_are_checked() {
    // DisconnectStrategy.Validate (group.go @v2.0.5): `%w: %s`.
    let body = "    disconnect {\n      reconcile = \"bogus\"\n    }";
    let text = "reconcile option is invalid: bogus";
    refused(
        "reconcile",
        "2.0.5",
        &job("service", "", body),
        &group_items(&[text]),
        text,
    );
    let body =
        "    disconnect {\n      lost_after = \"1h\"\n      stop_on_client_after = \"1m\"\n    }";
    let text = "Disconnect cannot be configured with both lost_after and stop_after";
    refused(
        "lost-stop",
        "2.0.5",
        &job("service", "", body),
        &group_items(&[text]),
        text,
    );
}

#[test]
fn job_loop_checks() {
    // Job.Validate @v2.0.5: datacenter entries; a system group's count.
    let text = "Job task group g has count 3. Count cannot exceed 1 with system scheduler";
    refused(
        "system-count",
        "2.0.5",
        &job("system", "", "    count = 3"),
        &me(&[text]),
        text,
    );
    let t = "job \"j\" {\n  datacenters = [\"dc1\", \"\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n    }\n  }\n}\n";
    let text = "Job datacenter must be non-empty string";
    refused("empty-dc", "2.0.5", t, &me(&[text]), text);
}

#[test]
fn periodic_and_parameterized_jobs_are_batch_jobs() {
    // Job.Validate @v1.0.0 (batch only) and @v2.0.5 (batch or sysbatch);
    // ParameterizedJobConfig.Validate.
    let periodic = "  periodic {\n    cron = \"*/5 * * * *\"\n  }";
    for (v, types) in [
        ("1.0.0", "\"batch\""),
        ("2.0.5", "\"batch\" or \"sysbatch\""),
    ] {
        let text = format!("Periodic can only be used with {types} scheduler");
        refused(
            "periodic",
            v,
            &job("service", periodic, ""),
            &me(&[&text]),
            &text,
        );
    }
    let param = "  parameterized {\n    payload = \"bogus\"\n  }";
    let text = "Unknown payload requirement: \"bogus\"";
    refused(
        "payload",
        "2.0.5",
        &job("batch", param, ""),
        &me(&[&me(&[text])]),
        text,
    );
}

#[test]
fn valid_group_settings_pass() {
    let body = "    count = 2\n    scaling {\n      min = 1\n      max = 3\n    }\n    volume \"v\" {\n      type = \"host\"\n      source = \"x\"\n    }\n    disconnect {\n      lost_after = \"1h\"\n      reconcile = \"keep_original\"\n    }";
    let (code, err) = run("validate", "valid", &job("service", "", body), "2.0.5");
    assert_eq!(code, 0, "{err}");
    let periodic = "  periodic {\n    cron = \"*/5 * * * *\"\n  }\n  parameterized {\n    payload = \"required\"\n  }";
    let (code, err) = run(
        "validate",
        "valid-batch",
        &job("batch", periodic, ""),
        "2.0.5",
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_group_reschedule_merges_over_the_jobs() {
    // api TaskGroup.Canonicalize + ReschedulePolicy.Merge (api/tasks.go,
    // 0.9.3 to 2.0.5): the group's written fields over the job's, so the
    // job's `unlimited = false` holds and the attempts are not ambiguous.
    let job_body = "  reschedule {\n    unlimited = false\n  }";
    let group_body = "    reschedule {\n      attempts = 3\n      interval = \"1h\"\n    }";
    let (code, err) = run(
        "validate",
        "merge",
        &job("service", job_body, group_body),
        "2.0.5",
    );
    assert_eq!(code, 0, "{err}");
    // Without the job's block the service default (unlimited) makes the
    // group's attempts ambiguous (TestReschedulePolicy_Validate,
    // "Ambiguous Unlimited config, has both attempts and unlimited set").
    let (code, err) = run(
        "validate",
        "merge-alone",
        &job("service", "", group_body),
        "2.0.5",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is ambiguous"), "{err}");
}

/// `Job ID contains a space` (Job.Validate, structs.go at v0.9.3 … v2.0.5;
/// TestJob_Validate): a job labelled `"my job"` validated and planned as a
/// false all-clear. It comes before the type and the groups, so it heads the
/// list beside a group error.
#[test]
fn a_job_id_with_a_space_is_refused() {
    let text = job("service", "", "").replacen("job \"j\"", "job \"my job\"", 1);
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        refused(
            "id-space",
            v,
            &text,
            &me(&["Job ID contains a space"]),
            "Job ID contains a space",
        );
    }
    let both = job("service", "", "    count = -1\n").replacen("job \"j\"", "job \"my job\"", 1);
    let want = me(&[
        "Job ID contains a space",
        &format!(
            "Task group g validation failed: {}",
            me(&["Task group count can't be negative"])
        ),
    ]);
    refused(
        "id-space-first",
        "2.0.5",
        &both,
        &want,
        "Job ID contains a space",
    );
    // A space in the name alone is Nomad's to accept.
    let named = job("service", "  name = \"my job\"\n", "");
    let (code, err) = run("validate", "name-space", &named, "2.0.5");
    assert_eq!(code, 0, "{err}");
}
