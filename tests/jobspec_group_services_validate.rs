//! Issue 13: `TaskGroup.validateServices` and
//! `validateScriptChecksInGroupServices` (nomad/structs/structs.go; the
//! function's nine forms from 0.10.0 to 2.0.5 hashed at every tag). Each
//! job validated and planned as a false all-clear before: only each group
//! service's own `Service.Validate` was run. Texts from the function at
//! v1.0.0, v1.6.0 and v2.0.5; TestTaskGroup_ValidateServices... in
//! structs_test.go carries "refers to non-existent task", "cannot use
//! address_mode=\"driver\"", "Services are not unique", "Multiple service
//! providers used".

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

fn job(group: &str, task: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{task}\n    }}\n  }}\n}}\n"
    )
}

struct Case {
    name: &'static str,
    group: &'static str,
    task: &'static str,
    /// Per release: the group's items, none when Nomad accepts the job.
    want: fn(&str) -> Option<Vec<String>>,
    versions: &'static [&'static str],
}

fn s(x: &str) -> String {
    x.to_string()
}

/// `Task group service validation failed: <multierror>`.
fn svc(v: &str, items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|i| s(i)).collect();
    format!("Task group service validation failed: {}", multi(v, &items))
}

fn cases() -> Vec<Case> {
    vec![
        // 1.3.3+ collects (task, name, port) and reports repeats once,
        // sorted; 0.10.0-1.0.8 said `Service %s is duplicate` in the loop.
        Case {
            name: "repeated",
            group: "    service {\n      name = \"web\"\n    }\n    service {\n      name = \"web\"\n    }",
            task: "",
            want: |v| {
                Some(vec![if v == "1.0.0" {
                    svc(v, &["Service web is duplicate"])
                } else {
                    svc(v, &["Services are not unique: [group->web]"])
                }])
            },
            versions: &["1.0.0", "1.6.0", "2.0.5"],
        },
        Case {
            name: "providers",
            group: "    service {\n      name     = \"a\"\n      provider = \"nomad\"\n    }",
            task: "      service {\n        name = \"b\"\n      }",
            want: |v| {
                Some(vec![svc(
                    v,
                    &["Multiple service providers used: task group services must use the same provider"],
                )])
            },
            versions: &["1.6.0", "2.0.5"],
        },
        Case {
            name: "driver-mode",
            group: "    service {\n      name         = \"web\"\n      address_mode = \"driver\"\n    }",
            task: "",
            want: |v| {
                Some(vec![svc(
                    v,
                    &["service \"web\" cannot use address_mode=\"driver\", only services defined in a \"task\" block can use this mode"],
                )])
            },
            versions: &["1.0.0", "1.6.0", "2.0.5"],
        },
        Case {
            name: "check-task",
            group: "    service {\n      name = \"web\"\n      check {\n        type     = \"script\"\n        command  = \"/bin/true\"\n        interval = \"10s\"\n        timeout  = \"2s\"\n        task     = \"nope\"\n      }\n    }",
            task: "",
            want: |v| {
                Some(vec![svc(
                    v,
                    &["Check service: \"web\" check invalid: refers to non-existent task nope"],
                )])
            },
            versions: &["1.0.0", "1.6.0", "2.0.5"],
        },
        // 1.4.0+: a task's service may name only its own task.
        Case {
            name: "task-service-task",
            group: "",
            task: "      service {\n        name = \"web\"\n        task = \"other\"\n      }",
            want: |v| {
                Some(vec![svc(
                    v,
                    &["Service web is invalid: may only specify task the service belongs to, got \"other\""],
                )])
            },
            versions: &["1.6.0", "2.0.5"],
        },
        // A task check's own `task` never reaches the server (the API
        // conversion copies it for group checks only, command/agent/
        // job_endpoint.go at every release), so Nomad's e2e job
        // consul/input/checks_task_update.nomad validates at 1.0.0 too.
        Case {
            name: "task-check-task",
            group: "",
            task: "      service {\n        name = \"web\"\n        check {\n          type     = \"script\"\n          command  = \"/bin/true\"\n          interval = \"10s\"\n          timeout  = \"2s\"\n          task     = \"elsewhere\"\n        }\n      }",
            want: |_| None,
            versions: &["1.0.0", "1.6.0", "2.0.5"],
        },
        // From 1.4.0 a task service's checks inherit its task
        // (ServiceCheck.Canonicalize), so both are refused.
        Case {
            name: "task-service-task-checks",
            group: "",
            task: "      service {\n        name = \"web\"\n        task = \"other\"\n        check {\n          name     = \"alive\"\n          type     = \"script\"\n          command  = \"/bin/true\"\n          interval = \"10s\"\n          timeout  = \"2s\"\n        }\n      }",
            want: |v| {
                Some(vec![svc(
                    v,
                    &[
                        "Service web is invalid: may only specify task the service belongs to, got \"other\"",
                        "Check alive is invalid: may only specify task the check belongs to, got \"other\"",
                    ],
                )])
            },
            versions: &["1.6.0", "2.0.5"],
        },
        // validateScriptChecksInGroupServices (1.0.0+), its own prefix.
        Case {
            name: "script-no-task",
            group: "    service {\n      name = \"web\"\n      check {\n        type     = \"script\"\n        command  = \"/bin/true\"\n        interval = \"10s\"\n        timeout  = \"2s\"\n      }\n    }",
            task: "",
            want: |v| {
                Some(vec![format!(
                    "Task group service check validation failed: {}",
                    multi(v, &[s("Service [g]->web or Check service: \"web\" check must specify task parameter")])
                )])
            },
            versions: &["1.0.0", "1.6.0", "2.0.5"],
        },
        Case {
            name: "fine",
            group: "    service {\n      name = \"web\"\n      check {\n        type     = \"script\"\n        command  = \"/bin/true\"\n        interval = \"10s\"\n        timeout  = \"2s\"\n        task     = \"t\"\n      }\n    }",
            task: "      service {\n        name = \"api\"\n      }",
            want: |_| None,
            versions: &["1.0.0", "1.6.0", "2.0.5"],
        },
    ]
}

#[test]
fn validate_and_plan_refuse_group_service_conflicts_as_each_release() {
    let mut failures = Vec::new();
    for c in cases() {
        let text = job(c.group, c.task);
        for v in c.versions {
            let want = (c.want)(v).map(|items| common::group_refusal(v, &items));
            common::judge_validation(
                &mut failures,
                &format!("group-services-{}-{v}", c.name),
                c.name,
                &text,
                v,
                want,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
