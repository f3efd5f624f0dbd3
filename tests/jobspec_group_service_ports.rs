//! Group services' ports, through `validate` and `plan` as a user runs
//! them. Nomad's TaskGroup.validateServices and Service.Validate (2.0.5,
//! and every release since group services came in 0.10) never look up a
//! group service's or its checks' port label, so a label no network
//! defines is accepted: we advise, and refuse nothing. What Service.Validate
//! does refuse of a group service: a Connect native one without its task
//! (the Connect hook infers it only in a group with a network) or, from
//! 1.9.2, without a port (structs/services.go validateConsulService).

use crate::common;

fn job(group: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n    }}\n  }}\n}}\n")
}

fn run(name: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    common::run_job(&format!("group-ports-{name}"), text, args)
}

const UNDEFINED_PORT: &str = "    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"web\"\n      port = \"api\"\n      check {\n        type = \"http\"\n        path = \"/\"\n        interval = \"10s\"\n        timeout = \"2s\"\n        port = \"metrics\"\n      }\n    }\n";

#[test]
fn a_group_service_port_no_network_defines_is_accepted_with_advice() {
    let text = job(UNDEFINED_PORT);
    for v in ["0.10.0", "1.6.0", "2.0.5"] {
        let (code, _, err) = run(
            &format!("validate-{v}"),
            &text,
            &["validate", "--nomad-version", v, "j.nomad"],
        );
        assert_eq!(code, 0, "{v}: {err}");
        assert!(
            err.contains(
                "Service \"web\" refers to port \"api\", which no network in group g defines"
            ),
            "{v}: {err}"
        );
        assert!(
            err.contains("Check \"service: \\\"web\\\" check\" refers to port \"metrics\"")
                || err.contains("refers to port \"metrics\""),
            "{v}: {err}"
        );
    }
    let (code, out, err) = run(
        "plan",
        &text,
        &["plan", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_ne!(code, 255, "{out}{err}");
    assert!(out.starts_with("+ Job: \"j\""), "{out}{err}");
}

const NATIVE: &str =
    "    service {\n      name = \"svc\"\n      connect {\n        native = true\n      }\n    }\n";

#[test]
fn a_connect_native_group_service_needs_its_port_from_1_9_2_and_its_task() {
    let with_network = job(&format!(
        "    network {{\n      mode = \"host\"\n    }}\n{NATIVE}"
    ));
    let port = "Service svc is Connect Native and requires setting the port";
    let task = "Service svc is Connect Native and requires setting the task";
    let (code, _, err) = run(
        "native-1.9.1",
        &with_network,
        &["validate", "--nomad-version", "1.9.1", "j.nomad"],
    );
    assert_eq!(code, 0, "1.9.1 wants no port: {err}");
    let (code, _, err) = run(
        "native-1.9.2",
        &with_network,
        &["validate", "--nomad-version", "1.9.2", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "* Task group service validation failed: 1 error occurred:\n\t* Service[0] svc validation failed: 1 error occurred:\n\t* {port}\n"
        )),
        "{err}"
    );
    assert!(!err.contains(task), "the hook infers the task: {err}");
    // Without a network the hook leaves the task unset.
    let (code, _, err) = run(
        "native-nonet",
        &job(NATIVE),
        &["validate", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("\t* {task}\n\t* {port}\n")), "{err}");
}
