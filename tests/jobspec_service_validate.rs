//! Issue 13: Nomad's `Service.Validate` and the checks' own rules
//! (`ServiceCheck.validate`, `validateCommon`/`validateConsul` from 1.4.0;
//! nomad/structs/services.go, structs.go in 0.9), for task and group
//! services, driven through `validate` and `plan`. Each row is a service
//! Nomad refuses; before, every one validated and planned as a false
//! all-clear.
//!
//! Texts: services.go@v2.0.5 / @v1.0.0 and structs.go@v0.9.3; the same
//! words in structs_test.go's TestService_Validate ("Service name must be
//! valid per RFC 1123"), TestServiceCheck_validate_* / TestService_Validate
//! ("invalid check type", "interval (…) cannot be lower than",
//! "missing required value interval"), services_test.go
//! TestService_Validate_AddressMode.

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

/// A group `g` with `group_body`, one task `t` with `task_body`.
fn job(group_body: &str, task_body: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group_body}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{task_body}\n    }}\n  }}\n}}\n"
    )
}

/// A task service `name` with `extra`, and one script check with `check`.
fn task_service(name: &str, extra: &str, check: &str) -> String {
    format!(
        "      service {{\n        name = \"{name}\"\n{extra}\n        check {{\n          name = \"c\"\n          type = \"script\"\n          command = \"/bin/true\"\n{check}\n        }}\n      }}"
    )
}

const OK_TIMING: &str = "          interval = \"10s\"\n          timeout = \"2s\"";

/// Nomad's text for a task service `svc` (index 0) failing `items`:
/// validateServices's multierror is one item of Task.Validate's.
fn task_refusal(v: &str, svc: &str, items: &[String]) -> String {
    let s = format!(
        "service[0] \"{svc}\" validation failed: {}",
        multi(v, items)
    );
    let t = format!("Task t validation failed: {}", multi(v, &[multi(v, &[s])]));
    common::group_refusal(v, &[t])
}

fn check_prefix(v: &str) -> &'static str {
    if v == "0.9.3" {
        "check c invalid"
    } else {
        "Check c invalid"
    }
}

fn name_text(v: &str, name: &str) -> String {
    match v {
        "0.9.3" => format!("service name must be valid per RFC 1123 and can contain only alphanumeric characters or dashes: \"{name}\""),
        "1.0.0" => format!("Service name must be valid per RFC 1123 and can contain only alphanumeric characters or dashes: \"{name}\""),
        _ => format!("Service name must be valid per RFC 1123 and can contain only alphanumeric characters or dashes and must be no longer than 63 characters: \"{name}\""),
    }
}

/// (row, job text, per release: Nomad's error list).
type Row = (&'static str, String, fn(&str) -> String);

fn rows() -> Vec<Row> {
    vec![
        (
            "name",
            job("", &task_service("bad_name!", "", OK_TIMING)),
            |v| task_refusal(v, "bad_name!", &[name_text(v, "bad_name!")]),
        ),
        (
            "address-mode",
            job(
                "",
                &task_service("web", "        address_mode = \"bogus\"", OK_TIMING),
            ),
            |v| {
                let service = if v == "0.9.3" { "service" } else { "Service" };
                task_refusal(v, "web", &[format!("{service} address_mode must be \"auto\", \"host\", or \"driver\"; not \"bogus\"")])
            },
        ),
        (
            "check-type",
            job(
                "",
                &task_service(
                    "web",
                    "",
                    &format!("{OK_TIMING}\n          type = \"bogus\""),
                )
                .replace("          type = \"script\"\n", ""),
            ),
            |v| {
                let e = if v == "1.6.0" || v == "2.0.5" {
                    "invalid check type (\"bogus\"), must be one of grpc, tcp, http, script"
                        .to_string()
                } else {
                    "invalid type (\"bogus\"), must be one of \"http\", \"tcp\", or \"script\" type"
                        .to_string()
                };
                task_refusal(v, "web", &[format!("{}: {e}", check_prefix(v))])
            },
        ),
        (
            "interval",
            job(
                "",
                &task_service(
                    "web",
                    "",
                    "          interval = \"500ms\"\n          timeout = \"1s\"",
                ),
            ),
            |v| {
                task_refusal(
                    v,
                    "web",
                    &[format!(
                        "{}: interval (500ms) cannot be lower than 1s",
                        check_prefix(v)
                    )],
                )
            },
        ),
        (
            "no-interval",
            job("", &task_service("web", "", "          timeout = \"1s\"")),
            |v| {
                task_refusal(
                    v,
                    "web",
                    &[format!(
                        "{}: missing required value interval. Interval cannot be less than 1s",
                        check_prefix(v)
                    )],
                )
            },
        ),
        (
            "together",
            job(
                "",
                &task_service(
                    "bad_name!",
                    "        address_mode = \"bogus\"",
                    "          interval = \"500ms\"\n          timeout = \"1s\"",
                ),
            ),
            // Service.Validate's order: name, address mode, checks.
            |v| {
                let service = if v == "0.9.3" { "service" } else { "Service" };
                task_refusal(v, "bad_name!", &[
                    name_text(v, "bad_name!"),
                    format!("{service} address_mode must be \"auto\", \"host\", or \"driver\"; not \"bogus\""),
                    format!("{}: interval (500ms) cannot be lower than 1s", check_prefix(v)),
                ])
            },
        ),
    ]
}

#[test]
fn validate_and_plan_refuse_task_services_as_each_release() {
    let mut failures = Vec::new();
    for (row, text, want) in rows() {
        for v in ["0.9.3", "1.0.0", "1.6.0", "2.0.5"] {
            let tag = format!("service-validate-{row}-{v}");
            check(&tag, &text, v, &want(v), &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A group service (1.0+) goes through the same Service.Validate, nested
/// under TaskGroup.validateServices: `Service[i] <name> validation failed`.
#[test]
fn group_services_are_validated_alike() {
    let group = "    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"grp_bad\"\n      port = \"http\"\n      check {\n        type = \"http\"\n        path = \"/health\"\n        interval = \"500ms\"\n        timeout = \"2s\"\n      }\n    }";
    let text = job(group, "");
    let mut failures = Vec::new();
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let s = format!(
            "Service[0] grp_bad validation failed: {}",
            multi(v, &[
                name_text(v, "grp_bad"),
                "Check service: \"grp_bad\" check invalid: interval (500ms) cannot be lower than 1s".to_string(),
            ])
        );
        let g = format!("Task group service validation failed: {}", multi(v, &[s]));
        let want = common::group_refusal(v, &[g]);
        check(
            &format!("service-validate-group-{v}"),
            &text,
            v,
            &want,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `validate` prints Nomad's list under `Job validation errors:` and exits
/// 1; `plan` gets it back as the 500 of the register call and exits 255.
fn check(tag: &str, text: &str, v: &str, want: &str, failures: &mut Vec<String>) {
    let args = ["--nomad-version", v, "j.nomad"];
    let (code, _, err) = common::run_job(
        &format!("{tag}-v"),
        text,
        &[&["validate"], &args[..]].concat(),
    );
    let block = format!("Job validation errors:\n{want}");
    if code != 1 || !err.contains(&block) {
        failures.push(format!(
            "{tag} validate ({code}):\nwant {block:?}\ngot  {err:?}"
        ));
    }
    let (code, _, err) =
        common::run_job(&format!("{tag}-p"), text, &[&["plan"], &args[..]].concat());
    // From 1.6.0 the API client trims the body (api/error_unexpected_response.go).
    let body = if common::at_least(v, 1, 6) {
        want.trim()
    } else {
        want
    };
    let plan = format!("Error during plan: Unexpected response code: 500 ({body})");
    if code != 255 || !err.contains(&plan) {
        failures.push(format!("{tag} plan ({code}):\nwant {plan:?}\ngot  {err:?}"));
    }
}
