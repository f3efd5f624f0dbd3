//! The rest of Nomad's job- and group-level validation
//! (nomad/structs/structs.go `Job.Validate`, `TaskGroup.Validate`,
//! `validateScalingPolicy`; group.go `DisconnectStrategy.Validate`;
//! volumes.go `VolumeRequest.Validate`), each a false all-clear before:
//! `nomad job validate` and `nomad job plan` refuse these files. Texts from
//! the functions at the tag named per case; nesting per go-multierror
//! (0.10.4+ list format).

mod common;

use common::TempDir;

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
    let d = TempDir::new(&format!("group-rules-{cmd}-{tag}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n") + "\n")
}

fn refused(tag: &str, v: &str, text: &str, want: &str, inner: &str) {
    let (code, err) = run("validate", tag, text, v);
    assert_eq!(code, 1, "{tag} {v}: {err}");
    let head = format!("Job validation errors:\n{want}");
    assert!(err.starts_with(&head), "{tag} {v}:\n{err}\nwanted:\n{head}");
    let (code, err) = run("plan", tag, text, v);
    assert_eq!(code, 255, "{tag} {v}: {err}");
    assert!(err.contains(inner), "{tag} {v}: {err}");
}

fn in_group(items: &[&str]) -> String {
    me(&[&format!("Task group g validation failed: {}", me(items))])
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
            &in_group(&[&item]),
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
        &in_group(&[&item]),
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
        &in_group(&[text]),
        text,
    );
    let text = "Volume v has unrecognised type bogus";
    refused(
        "volume-100",
        "1.0.0",
        &job("service", "", body),
        &in_group(&[text]),
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
        &in_group(&[text]),
        text,
    );
    let body =
        "    disconnect {\n      lost_after = \"1h\"\n      stop_on_client_after = \"1m\"\n    }";
    let text = "Disconnect cannot be configured with both lost_after and stop_after";
    refused(
        "lost-stop",
        "2.0.5",
        &job("service", "", body),
        &in_group(&[text]),
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
