//! Issue 13: Nomad's `Task.Validate` below the group (nomad/structs/
//! structs.go and volumes.go, read at v0.9.3, v0.12.12, v1.0.0, v1.6.0 and
//! v2.0.5, each text's first release bisected over the tags). Each row is a
//! task Nomad refuses (or, under another release, accepts), driven through
//! `validate` and `plan` as a user runs them: both must refuse with Nomad's
//! words, nested as its servers nest them (Job.Validate, in it
//! TaskGroup.Validate, in it Task.Validate, in it the part's own
//! multierror). Before, every row
//! validated and planned as a false all-clear.
//!
//! Texts: structs.go@v2.0.5 `Task.Validate`, `Resources.Validate`,
//! `LogConfig.Validate`, `TaskArtifact.Validate`, `Template.Validate`,
//! `TaskLifecycleConfig.Validate`; the same words in structs_test.go's
//! TestTask_Validate ("Task name cannot include slashes"),
//! TestTask_Validate_LogConfig ("log storage"), TestTaskArtifact_Validate_Dest
//! ("destination escapes"), TestTemplate_Validate ("Invalid change mode",
//! "as octal"), TestTask_Validate_Resources ("cores").

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

/// A one-item multierror nested under `prefix` (`prefix: 1 error ...`).
fn one(v: &str, prefix: &str, item: &str) -> String {
    format!("{prefix}: {}", multi(v, &[item.to_string()]))
}

/// A job with one group `g` (with `group_extra`) and one task.
fn job(jt: &str, task: &str, body: &str, group_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  type = \"{jt}\"\n  group \"g\" {{\n{group_extra}\n    task \"{task}\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{body}\n    }}\n  }}\n}}\n"
    )
}

/// Nomad's error list for a job whose only task `task` fails `items`.
fn refusal(v: &str, task: &str, items: &[String]) -> String {
    let t = format!("Task {task} validation failed: {}", multi(v, items));
    common::group_refusal(v, &[t])
}

struct Case {
    name: &'static str,
    jt: &'static str,
    task: &'static str,
    body: &'static str,
    group: &'static str,
    /// Per release: Nomad's items for the task, none when it accepts.
    want: fn(&str) -> Option<Vec<String>>,
    versions: &'static [&'static str],
}

fn s(x: &str) -> String {
    x.to_string()
}

const ALL: &[&str] = &["0.9.3", "1.0.0", "1.6.0", "2.0.5"];
const HCL2: &[&str] = &["1.0.0", "1.6.0", "2.0.5"];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "slash",
            jt: "service",
            task: "a/b",
            body: "",
            group: "",
            want: |_| Some(vec![s("Task name cannot include slashes")]),
            versions: ALL,
        },
        Case {
            name: "alloc",
            jt: "service",
            task: "alloc",
            body: "",
            group: "",
            // Refused from 1.11.0.
            want: |v| (v == "2.0.5").then(|| vec![s("Task cannot be named \"alloc\"")]),
            versions: HCL2,
        },
        Case {
            name: "kill-timeout",
            jt: "service",
            task: "t",
            body: "      kill_timeout = \"-5s\"",
            group: "",
            want: |_| Some(vec![s("KillTimeout must be a positive value")]),
            versions: ALL,
        },
        Case {
            name: "shutdown-delay",
            jt: "service",
            task: "t",
            body: "      shutdown_delay = \"-1s\"",
            group: "",
            want: |_| Some(vec![s("ShutdownDelay must be a positive value")]),
            versions: ALL,
        },
        Case {
            name: "progress-deadline",
            jt: "service",
            task: "t",
            body: "      kill_timeout = \"11m\"",
            // The deadline stays above the 5m healthy deadline (UpdateStrategy.Validate).
            group: "    update {\n      max_parallel = 1\n      progress_deadline = \"10m\"\n    }",
            // From 1.6.0 (Task.Validate takes the group).
            want: |v| {
                (v == "1.6.0" || v == "2.0.5").then(|| {
                    vec![s(
                        "KillTimout (11m0s) longer than the group's ProgressDeadline (10m0s)",
                    )]
                })
            },
            versions: ALL,
        },
        Case {
            name: "logs",
            jt: "service",
            task: "t",
            body: "      logs {\n        max_files = 0\n      }",
            group: "",
            want: |v| Some(vec![multi(v, &[s("minimum number of files is 1; got 0")])]),
            versions: ALL,
        },
        Case {
            name: "log-storage",
            jt: "service",
            task: "t",
            body: "      logs {\n        max_files = 40\n        max_file_size = 10\n      }",
            group: "",
            // Inside LogConfig.Validate's multierror from 1.6.0, a plain
            // item after the services before.
            want: |v| {
                let text = s("log storage (400 MB) must be less than requested disk capacity (300 MB)");
                Some(if v == "1.6.0" || v == "2.0.5" {
                    vec![multi(v, &[text])]
                } else {
                    vec![text]
                })
            },
            versions: ALL,
        },
        Case {
            name: "artifact",
            jt: "service",
            task: "t",
            body: "      artifact {\n        source = \"\"\n      }",
            group: "",
            want: |v| {
                Some(vec![one(
                    v,
                    "Artifact 1 validation failed",
                    "source must be specified",
                )])
            },
            versions: ALL,
        },
        Case {
            name: "checksum",
            jt: "service",
            task: "t",
            body: "      artifact {\n        source = \"https://example.com/a.tgz\"\n        options {\n          checksum = \"md5:abc\"\n        }\n      }",
            group: "",
            want: |v| {
                Some(vec![one(
                    v,
                    "Artifact 1 validation failed",
                    "invalid checksum: encoding/hex: odd length hex string",
                )])
            },
            versions: ALL,
        },
        Case {
            name: "lifecycle",
            jt: "service",
            task: "t",
            body: "      lifecycle {\n        hook = \"bogus\"\n      }",
            group: "",
            want: |_| Some(vec![s("Lifecycle validation failed: invalid hook: bogus")]),
            versions: HCL2,
        },
        Case {
            name: "cores",
            jt: "service",
            task: "t",
            body: "      resources {\n        cores = 2\n        cpu = 100\n      }",
            group: "",
            want: |v| {
                Some(vec![multi(
                    v,
                    &[s("Task can only ask for 'cpu' or 'cores' resource, not both.")],
                )])
            },
            versions: &["1.6.0", "2.0.5"],
        },
        Case {
            name: "cpu-20",
            jt: "service",
            task: "t",
            body: "      resources {\n        cpu = 10\n      }",
            group: "",
            // MinResources' CPU was 20 MHz before 1.0.0, 1 after.
            want: |v| {
                (v == "0.9.3").then(|| {
                    vec![multi(v, &[multi(v, &[s("minimum CPU value is 20; got 10")])])]
                })
            },
            versions: ALL,
        },
        Case {
            name: "memory-max",
            jt: "service",
            task: "t",
            body: "      resources {\n        memory_max = -1\n      }",
            group: "",
            // -1 (no limit) is a sentinel from 1.7.3 (e05b0e8de1, #19690).
            want: |v| {
                (v == "1.6.0" || v == "1.7.2").then(|| {
                    vec![multi(
                        v,
                        &[s("MemoryMaxMB value (-1) should be larger than MemoryMB value (300)")],
                    )]
                })
            },
            versions: &["1.6.0", "1.7.2", "1.7.3", "1.9.5", "2.0.3", "2.0.5"],
        },
        Case {
            name: "template-mode",
            jt: "service",
            task: "t",
            body: "      template {\n        data = \"x\"\n        destination = \"local/x\"\n        change_mode = \"bogus\"\n      }",
            group: "",
            // `script` joined the modes in 1.3.4.
            want: |v| {
                let modes = if v == "1.6.0" || v == "2.0.5" {
                    "noop, signal, script, restart"
                } else {
                    "noop, signal, restart"
                };
                Some(vec![one(
                    v,
                    "Template 1 validation failed",
                    &format!("Invalid change mode. Must be one of the following: {modes}"),
                )])
            },
            versions: ALL,
        },
        Case {
            name: "template-dest",
            jt: "service",
            task: "t",
            body: "      template {\n        data = \"x\"\n        destination = \"../../x\"\n        perms = \"999\"\n      }",
            group: "",
            want: |v| {
                let items = [
                    s("destination escapes allocation directory"),
                    s("Failed to parse \"999\" as octal: strconv.ParseUint: parsing \"999\": invalid syntax"),
                ];
                Some(vec![format!("Template 1 validation failed: {}", multi(v, &items))])
            },
            versions: ALL,
        },
        // helper/escapingfs/escapes.go@v2.0.5:62-81 (PathEscapesAllocDir,
        // structs.go@v0.9.3:6459-6475) tests `strings.HasPrefix(rel, "..")`:
        // a name starting with two dots inside the allocation directory is
        // refused too (redteam11 R11-8; np11 validated it).
        Case {
            name: "template-dest-dots",
            jt: "service",
            task: "t",
            body: "      template {\n        data = \"x\"\n        destination = \"../..env\"\n      }",
            group: "",
            want: |v| {
                Some(vec![one(
                    v,
                    "Template 1 validation failed",
                    "destination escapes allocation directory",
                )])
            },
            versions: ALL,
        },
        Case {
            name: "volume-mount",
            jt: "service",
            task: "t",
            body: "      volume_mount {\n        volume = \"data\"\n        destination = \"/data\"\n      }",
            group: "",
            // From 1.6.0 Task.Validate refuses an undefined volume; before,
            // TaskGroup.Validate did (`group_mounts_before_1_6` below).
            want: |_| Some(vec![s("Volume Mount (0) references undefined volume data")]),
            versions: &["1.6.0", "2.0.5"],
        },
        Case {
            name: "together",
            jt: "service",
            task: "a/b",
            body: "      kill_timeout = \"-5s\"\n      logs {\n        max_files = 0\n      }\n      artifact {\n        source = \"\"\n      }\n      lifecycle {\n        hook = \"bogus\"\n      }",
            group: "",
            // Task.Validate's order.
            want: |v| {
                Some(vec![
                    s("Task name cannot include slashes"),
                    s("KillTimeout must be a positive value"),
                    multi(v, &[s("minimum number of files is 1; got 0")]),
                    one(v, "Artifact 1 validation failed", "source must be specified"),
                    s("Lifecycle validation failed: invalid hook: bogus"),
                ])
            },
            versions: HCL2,
        },
        // Task.Validate (structs.go, every release from 0.9.3 to 2.0.5): a
        // task's constraints are validated as a group's, then a distinct
        // operand is refused on its own; TestTask_Validate_Constraints
        // ("Constraint 1 has disallowed Operand at task level:").
        Case {
            name: "task-constraint",
            jt: "service",
            task: "t",
            body: "      constraint {\n        attribute = \"${attr.kernel.name}\"\n        operator  = \"bogus\"\n        value     = \"linux\"\n      }\n      constraint {\n        operator = \"distinct_hosts\"\n        value    = \"true\"\n      }\n      constraint {\n        operator = \"distinct_property\"\n        attribute = \"${meta.rack}\"\n        value    = \"0\"\n      }",
            group: "",
            want: |v| {
                Some(vec![
                    one(v, "Constraint 1 validation failed", "Unknown constraint type \"bogus\""),
                    s("Constraint 2 has disallowed Operand at task level: distinct_hosts"),
                    one(
                        v,
                        "Constraint 3 validation failed",
                        "Distinct Property must have an allowed count of 1 or greater: 0 < 1",
                    ),
                    s("Constraint 3 has disallowed Operand at task level: distinct_property"),
                ])
            },
            versions: ALL,
        },
        // Task.Validate: a system job's task may not have affinities
        // ("stanza" until 1.3.9/1.4.4, "block" from 1.3.10/1.4.5/1.5.0); in
        // other jobs Affinity.Validate runs (TestTask_Validate_Affinities).
        Case {
            name: "task-affinity-system",
            jt: "system",
            task: "t",
            body: "      affinity {\n        attribute = \"${node.class}\"\n        value     = \"large\"\n        weight    = 50\n      }",
            group: "",
            want: |v| {
                let word = if v.starts_with("0.") || v == "1.0.0" { "stanza" } else { "block" };
                Some(vec![format!("System jobs may not have an affinity {word}")])
            },
            versions: ALL,
        },
        Case {
            name: "task-affinity",
            jt: "service",
            task: "t",
            body: "      affinity {\n        attribute = \"${node.class}\"\n        value     = \"large\"\n        weight    = 0\n      }",
            group: "",
            want: |v| Some(vec![one(v, "Affinity 1 validation failed", "Affinity weight cannot be zero")]),
            versions: ALL,
        },
        // Constraint.Validate / Affinity.Validate compile a regexp, version
        // or semver value (structs.go, every release; semver from 0.10.2).
        // Patterns from Go's regexp/syntax parse_test.go `invalidRegexps`
        // (`(abc`, `a**`), ">= 1.x" from go-version's TestNewConstraint;
        // go-version v1.8.0 (Nomad 1.11.1+) lower-cased "Malformed", Nomad's
        // own semver copy did not.
        Case {
            name: "target-parse",
            jt: "service",
            task: "t",
            body: "      constraint {\n        attribute = \"${attr.kernel.name}\"\n        operator  = \"regexp\"\n        value     = \"(linux\"\n      }\n      constraint {\n        attribute = \"${attr.nomad.version}\"\n        operator  = \"version\"\n        value     = \">= 1.x\"\n      }\n      constraint {\n        attribute = \"${attr.nomad.version}\"\n        operator  = \"semver\"\n        value     = \"~> 1.0\"\n      }\n      affinity {\n        attribute = \"${node.class}\"\n        operator  = \"regexp\"\n        value     = \"a**\"\n        weight    = 50\n      }",
            group: "",
            want: |v| {
                let malformed = if v == "2.0.5" { "malformed" } else { "Malformed" };
                let semver = if v == "0.9.3" {
                    s("Unknown constraint type \"semver\"")
                } else {
                    s("Semver constraint is invalid: Malformed constraint: ~> 1.0")
                };
                Some(vec![
                    one(v, "Constraint 1 validation failed", "Regular expression failed to compile: error parsing regexp: missing closing ): `(linux`"),
                    one(v, "Constraint 2 validation failed", &format!("Version constraint is invalid: {malformed} constraint: >= 1.x")),
                    one(v, "Constraint 3 validation failed", &semver),
                    one(v, "Affinity 1 validation failed", "Regular expression failed to compile: error parsing regexp: invalid nested repetition operator: `**`"),
                ])
            },
            versions: ALL,
        },
        // api RequestedDevice.Canonicalize gives a device affinity without
        // a weight the default 50 (0.9.3 to 2.0.5), so Nomad accepts it
        // (the tensorrt-demo example job in Nomad's terraform/examples).
        Case {
            name: "device-affinity-default-weight",
            jt: "service",
            task: "t",
            body: "      resources {\n        device \"nvidia/gpu\" {\n          affinity {\n            attribute = \"${device.model}\"\n            operator  = \"regexp\"\n            value     = \"Tesla\"\n          }\n        }\n      }",
            group: "",
            want: |_| None,
            versions: ALL,
        },
        // RequestedDevice.Validate inside Resources.Validate (`device N
        // failed validation: ...`): a distinct operand is refused unvalidated,
        // affinities are validated (TestResource_ValidateDevice... texts in
        // structs.go@v2.0.5). The weight is 120, within int8: 500 would
        // wrap to -12 in every release's decoder (jobspec/lower/narrow.rs)
        // and pass.
        Case {
            name: "device-placement",
            jt: "service",
            task: "t",
            body: "      resources {\n        device \"nvidia/gpu\" {\n          constraint {\n            operator = \"distinct_hosts\"\n          }\n          affinity {\n            attribute = \"${device.model}\"\n            value     = \"1080ti\"\n            weight    = 120\n          }\n        }\n      }",
            group: "",
            want: |v| {
                let dev = multi(
                    v,
                    &[
                        s("Constraint 1 validation failed: using unsupported operand \"distinct_hosts\""),
                        one(v, "Affinity 1 validation failed", "Affinity weight must be within the range [-100,100]"),
                    ],
                );
                Some(vec![multi(v, &[format!("device 1 failed validation: {dev}")])])
            },
            versions: HCL2,
        },
    ]
}

#[test]
fn validate_and_plan_refuse_each_task_rule_as_each_release() {
    let mut failures = Vec::new();
    for c in cases() {
        let text = job(c.jt, c.task, c.body, c.group);
        for v in c.versions {
            let want = (c.want)(v).map(|items| refusal(v, c.task, &items));
            common::judge_validation(
                &mut failures,
                &format!("task-validate-{}-{v}", c.name),
                c.name,
                &text,
                v,
                want,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// 0.10.0 (group volumes' first release) to 1.5.x: TaskGroup.Validate
/// checks each task's mounts itself, before that task's Task.Validate, in
/// words naming the task (structs.go@v0.10.0 and @v1.5.17, "Validate the
/// task does not reference undefined volume mounts"; structs_test.go's
/// TestTaskGroup_Validate `Task task-b has a volume mount (0) referencing
/// undefined volume foob`). Before, these releases validated such a job:
/// a false all-clear. 0.9.x has no volumes (its parser refuses the key).
#[test]
fn group_mounts_before_1_6() {
    let mut failures = Vec::new();
    let body = "      volume_mount {\n        volume = \"\"\n        destination = \"/a\"\n      }\n      volume_mount {\n        volume = \"data\"\n        destination = \"/data\"\n      }\n      volume_mount {\n        volume = \"logs\"\n        destination = \"/logs\"\n      }";
    let group = "    volume \"logs\" {\n      type = \"host\"\n      source = \"logs\"\n    }";
    let text = job("service", "t", body, group);
    for v in ["0.10.9", "0.12.12", "1.0.0", "1.5.17"] {
        let want = common::group_refusal(
            v,
            &[
                s("Task t has a volume mount (0) referencing an empty volume"),
                s("Task t has a volume mount (1) referencing undefined volume data"),
            ],
        );
        common::judge_validation(
            &mut failures,
            &format!("group-mounts-{v}"),
            "group-mounts",
            &text,
            v,
            Some(want),
        );
    }
    // Every mount defined: accepted.
    let fine = job(
        "service",
        "t",
        "      volume_mount {\n        volume = \"logs\"\n        destination = \"/logs\"\n      }",
        group,
    );
    common::judge_validation(
        &mut failures,
        "group-mounts-ok",
        "group-mounts-ok",
        &fine,
        "1.5.17",
        None,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Backported to 1.3.14, 1.4.10 and 1.5.6 (structs.go@v1.5.17
/// TaskGroup.Validate, "Validate the group's Update Strategy does not
/// conflict with the Task's kill_timeout"): the group's error, after the
/// task's own, in service jobs only, until 1.6.0 moved it into
/// Task.Validate (the `progress-deadline` row). Before, these releases
/// validated such a job.
#[test]
fn group_kill_timeout_in_patch_releases() {
    let mut failures = Vec::new();
    let group = "    update {\n      max_parallel = 1\n      progress_deadline = \"10m\"\n    }";
    let text = job("service", "t", "      kill_timeout = \"11m\"", group);
    for v in ["1.3.14", "1.4.10", "1.5.6", "1.5.17"] {
        let want = common::group_refusal(
            v,
            &[s("Task t has a kill timout (11m0s) longer than the group's progress deadline (10m0s)")],
        );
        common::judge_validation(
            &mut failures,
            &format!("group-kill-{v}"),
            "group-kill",
            &text,
            v,
            Some(want),
        );
    }
    for v in ["1.3.13", "1.4.9", "1.5.5"] {
        common::judge_validation(
            &mut failures,
            &format!("group-kill-{v}"),
            "group-kill",
            &text,
            v,
            None,
        );
    }
    // progress_deadline = 0 (none): the first backports compare with it
    // all the same, so the default 5s kill timeout is refused; 1.3.16,
    // 1.4.11 and 1.5.7 skip a zero deadline (structs.go@v1.5.7).
    let zero = "    update {\n      max_parallel = 1\n      progress_deadline = \"0s\"\n    }";
    let text = job("service", "t", "", zero);
    for v in ["1.3.14", "1.3.15", "1.4.10", "1.5.6"] {
        let want = common::group_refusal(
            v,
            &[s(
                "Task t has a kill timout (5s) longer than the group's progress deadline (0s)",
            )],
        );
        let tag = format!("group-kill-zero-{v}");
        common::judge_validation(&mut failures, &tag, "group-kill-zero", &text, v, Some(want));
    }
    for v in ["1.3.16", "1.4.11", "1.5.7", "1.5.17"] {
        let tag = format!("group-kill-zero-{v}");
        common::judge_validation(&mut failures, &tag, "group-kill-zero", &text, v, None);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// redteam8 V1: `TaskLifecycleConfig.Validate` knows `prestart` only at
/// every tag v0.11.0..v0.12.3; `poststart` joins its switch in v0.12.4 and
/// `poststop` in v1.0.0 (nomad/structs/structs.go@v0.12.3:4921-4927,
/// @v0.12.4:4926-4928, @v1.0.0:5143-5146); anything else is "invalid hook:
/// X", wrapped by Task.Validate as "Lifecycle validation failed: ..."
/// (structs.go@v0.12.4:6448). Before, 0.11.0-0.12.3 validated and planned a
/// poststart task: a false all-clear.
#[test]
fn lifecycle_hooks_by_release() {
    let mut failures = Vec::new();
    let hook = |h: &str| format!("      lifecycle {{\n        hook = \"{h}\"\n      }}");
    let rows: &[(&str, &str, bool)] = &[
        ("poststart", "0.11.8", false),
        ("poststart", "0.12.3", false),
        ("poststart", "0.12.4", true),
        ("poststop", "0.12.12", false),
        ("poststop", "1.0.0", true),
        ("prestart", "0.11.0", true),
    ];
    for &(h, v, ok) in rows {
        let text = job("service", "t", &hook(h), "");
        let want = (!ok).then(|| {
            refusal(
                v,
                "t",
                &[format!("Lifecycle validation failed: invalid hook: {h}")],
            )
        });
        common::judge_validation(
            &mut failures,
            &format!("lifecycle-{h}-{v}"),
            "lifecycle-hook",
            &text,
            v,
            want,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
