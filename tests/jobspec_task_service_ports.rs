//! Issue 13: a task's service and check ports, as Nomad's
//! `validateServices(task)` (nomad/structs/structs.go) and the port rule
//! of `Service.Validate` (`validateCheckPort`, structs.go at v0.9.3,
//! services.go from v0.10.0) judge them, read at v0.9.3, v0.10.0, v0.12.12,
//! v1.0.0, v1.6.0 and v2.0.5. Through `validate`, `plan` and `check` as a
//! user runs them. The fixtures (tests/fixtures/jobspec/task-service-
//! ports*.nomad) hold one service per rule:
//!
//! - a: `port = "8080"` without `address_mode = "driver"`: a numeric label
//!   is a literal port only in driver mode, so it is a label no port
//!   defines (`port label "8080" referenced by services a does not exist`);
//! - b: the same in driver mode: accepted;
//! - c: a check's numeric port 9090 without the check's own driver mode:
//!   `check "..." cannot use a numeric port 9090 without setting
//!   address_mode="driver"`;
//! - d: a tcp check with no port on it or its service: Service.Validate's
//!   `service[3] "d" validation failed: ... Check ... invalid: check
//!   requires a port but neither check nor service "d" have a port` (lower
//!   case `check` in 0.9.3), then `check "..." is missing a port`;
//! - e: a check in driver mode on port 0: `has invalid numeric port 0`; the
//!   service's own label "metrics" is missing.
//!
//! Errors come in Nomad's order: per service and check in the loop, then
//! the missing labels sorted. The port "http" of c is the task network's
//! in one fixture and the group network's in the other, which tasks'
//! services may name only from 1.0.0 (tgNetworks[0]); 0.10 to 0.12 read
//! the task's networks only.

use crate::common;

const GROUP_NETWORK: &str = include_str!("fixtures/jobspec/task-service-ports.nomad");
const TASK_NETWORK: &str = include_str!("fixtures/jobspec/task-service-ports-task-network.nomad");

fn run(name: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    common::run_job(&format!("task-service-ports-{name}"), text, args)
}

/// The innermost items of Nomad's nested multierror, in order (any
/// go-multierror format: `* x` lines, tab-indented or not).
fn items(nomad: &str) -> Vec<String> {
    nomad
        .lines()
        .map(str::trim_start)
        .filter_map(|l| l.strip_prefix("* "))
        .filter(|l| !l.ends_with("occurred:"))
        .map(str::to_string)
        .collect()
}

fn expected(v: &str, group_http_in_scope: bool) -> Vec<String> {
    let check = if v == "0.9.3" { "check" } else { "Check" };
    let mut out = vec![
        r#"check "service: \"c\" check" cannot use a numeric port 9090 without setting address_mode="driver""#.to_string(),
        format!(r#"{check} service: "d" check invalid: check requires a port but neither check nor service "d" have a port"#),
        r#"check "service: \"d\" check" is missing a port"#.to_string(),
        r#"check "service: \"e\" check" has invalid numeric port 0"#.to_string(),
        r#"port label "8080" referenced by services a does not exist"#.to_string(),
    ];
    if !group_http_in_scope {
        out.push(r#"port label "http" referenced by services c does not exist"#.to_string());
    }
    out.push(r#"port label "metrics" referenced by services e does not exist"#.to_string());
    out
}

/// The wrapper lines around the items: the task's multierror and d's
/// Service.Validate item.
fn wrappers(nomad: &str) -> Vec<String> {
    nomad
        .lines()
        .map(str::trim_start)
        .filter_map(|l| l.strip_prefix("* "))
        .filter(|l| l.ends_with("occurred:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn validate_words_and_orders_the_port_errors_as_each_release() {
    let cases = [
        ("0.9.3", TASK_NETWORK, true),
        ("0.10.0", TASK_NETWORK, true),
        ("0.10.0", GROUP_NETWORK, false),
        ("0.12.12", GROUP_NETWORK, false),
        ("1.0.0", GROUP_NETWORK, true),
        ("1.6.0", GROUP_NETWORK, true),
        ("2.0.5", GROUP_NETWORK, true),
        ("2.0.5", TASK_NETWORK, true),
    ];
    for (i, (v, text, in_scope)) in cases.into_iter().enumerate() {
        let (code, _, err) = run(
            &format!("validate-{i}"),
            text,
            &["validate", "--nomad-version", v, "j.nomad"],
        );
        assert_eq!(code, 1, "{v}: {err}");
        let nomad = err.split("\njobspec::").next().unwrap_or_default();
        assert!(nomad.contains("Job validation errors:\n"), "{v}: {err}");
        assert_eq!(items(nomad), expected(v, in_scope), "{v} #{i}: {nomad}");
        // d's Service.Validate item stands where its check's text is listed.
        let n = expected(v, in_scope).len();
        // The release's go-multierror words the counts either way.
        let one = |n: usize, plural: &str| match plural {
            "(s)" => format!("{n} error(s) occurred:"),
            _ if n == 1 => "1 error occurred:".to_string(),
            _ => format!("{n} errors occurred:"),
        };
        let style = if nomad.contains("error(s) occurred") {
            "(s)"
        } else {
            "s"
        };
        let many = one(n, style);
        let one = format!("service[3] \"d\" validation failed: {}", one(1, style));
        let w = wrappers(nomad);
        assert!(
            w.contains(&many) && w.contains(&one.to_string()),
            "{v}: {w:?}"
        );
    }
}

#[test]
fn plan_and_check_refuse_what_validate_refuses() {
    let (code, out, err) = run(
        "plan",
        GROUP_NETWORK,
        &["plan", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 255, "{out}{err}");
    assert!(
        err.contains("\nError during plan: Unexpected response code: 500 ("),
        "{err}"
    );
    let nomad = err.split("\njobspec::").next().unwrap_or_default();
    // The body ends the line: `... exist)` (trimmed by the API client from
    // 1.6.0, api/error_unexpected_response.go).
    let nomad = nomad.trim_end().strip_suffix(')').unwrap_or(nomad);
    assert_eq!(items(nomad), expected("2.0.5", true), "{err}");
    let (code, out, _) = run(
        "check",
        GROUP_NETWORK,
        &[
            "check",
            "--nomad-version",
            "2.0.5",
            "--format",
            "json",
            "j.nomad",
        ],
    );
    assert_eq!(code, 1, "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("check JSON");
    let errors: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(errors.contains(&"jobspec::port-label"), "{out}");
    assert!(errors.contains(&"jobspec::missing"), "{out}");
    assert!(errors.contains(&"jobspec::range"), "{out}");
}

/// Service b alone (driver mode, numeric port) and a check in driver mode
/// on a positive port are what Nomad accepts.
#[test]
fn a_numeric_port_in_driver_mode_is_accepted() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      service {\n        name = \"b\"\n        port = \"8080\"\n        address_mode = \"driver\"\n        check {\n          type = \"tcp\"\n          interval = \"10s\"\n          timeout = \"2s\"\n          address_mode = \"driver\"\n        }\n      }\n    }\n  }\n}\n";
    for v in ["0.9.3", "0.12.12", "2.0.5"] {
        let (code, _, err) = run(
            &format!("driver-{v}"),
            text,
            &["validate", "--nomad-version", v, "j.nomad"],
        );
        assert_eq!(code, 0, "{v}: {err}");
    }
    let (code, _, err) = run(
        "not-driver",
        &text.replace(
            "        address_mode = \"driver\"\n        check",
            "        check",
        ),
        &["validate", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("port label \"8080\" referenced by services b does not exist"),
        "{err}"
    );
}
