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

mod common;

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
    let d = TempDir::new(&format!("group-policies-{cmd}-{tag}-{v}"));
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

/// One error inside group g, nested as `v`'s TaskGroup.Validate nests a
/// policy's multierror.
fn in_group(v: &str, errs: &[&str]) -> String {
    let flat = !matches!(v, "1.0.0" | "1.6.0");
    let group = if flat {
        me(errs)
    } else {
        me(&[me(errs).as_str()])
    };
    me(&[&format!("Task group g validation failed: {group}")])
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
