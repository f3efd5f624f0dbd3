//! `TaskGroup.validateNetworks` (nomad/structs/structs.go), the rules we
//! did not hold: each job below validated and planned as a false
//! all-clear under the releases that refuse it. Texts and first releases
//! read at every tag (`git show vX:nomad/structs/structs.go`):
//! - `Port mapped to %d already in use by %s`: 0.10.0 to 0.11.x;
//! - `Port %q cannot be mapped to negative value %d`: 0.10.2;
//! - `Port %s (%d) cannot be greater than %d`, `Port %q cannot be mapped to
//!   a port (%d) greater than %d`: 0.12.0;
//! - static ports indexed by host network: 1.0.4 (one index before);
//! - `Hostname is not a valid DNS name`: 1.1.5 (miekg/dns IsDomainName,
//!   whose rules follow the vendored copy);
//! - CNI args: 1.8.2; `Port %q collision may not be ignored on non-host
//!   network mode %q`: 1.9.0.
//!
//! Each is driven through `validate` and `plan` as a user runs them
//! (common::judge_validation): Nomad's words, nested under `Task group g
//! validation failed` and `Task group network validation failed`.

use crate::common;

fn s(x: &str) -> String {
    x.to_string()
}

/// A service job whose group `g` has `network` (the group's own block) and
/// one task with `task_extra` in its body.
fn job(network: &str, task_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{network}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{task_extra}\n    }}\n  }}\n}}\n"
    )
}

fn net(body: &str) -> String {
    format!("    network {{\n{body}\n    }}")
}

/// Nomad's list for a group whose network checks fail `items`.
fn refusal(v: &str, items: &[String]) -> String {
    let inner = format!(
        "Task group network validation failed: {}",
        common::go_multierror(v, items)
    );
    common::group_refusal(v, &[inner])
}

/// Judges `text` under each release: refused with `items`, or accepted
/// (an empty list).
fn judge(failures: &mut Vec<String>, name: &str, text: &str, runs: &[(&str, &[String])]) {
    for (v, items) in runs {
        let want = (!items.is_empty()).then(|| refusal(v, items));
        let tag = format!("{name}-{v}");
        common::judge_validation(failures, &tag, name, text, v, want);
    }
}

#[test]
fn port_numbers_out_of_range() {
    let mut failures = Vec::new();
    let big = job(
        &net("      port \"http\" {\n        static = 70000\n      }\n      port \"db\" {\n        to = 70001\n      }"),
        "",
    );
    let both = [
        s("Port http (70000) cannot be greater than 65535"),
        s("Port \"db\" cannot be mapped to a port (70001) greater than 65535"),
    ];
    judge(
        &mut failures,
        "port-big",
        &big,
        &[
            ("0.11.8", &[]),
            ("0.12.12", &both),
            ("1.6.0", &both),
            ("2.0.5", &both),
        ],
    );
    let negative = job(&net("      port \"http\" {\n        to = -2\n      }"), "");
    let one = [s("Port \"http\" cannot be mapped to negative value -2")];
    judge(
        &mut failures,
        "port-negative",
        &negative,
        &[
            ("0.10.1", &[]),
            ("0.10.2", &one),
            ("0.12.12", &one),
            ("2.0.5", &one),
        ],
    );
    // A task's static port past 65535 (task networks: 0.x).
    let task = job(
        "",
        "      resources {\n        network {\n          port \"x\" {\n            static = 65536\n          }\n        }\n      }",
    );
    let one = [s("Port x (65536) cannot be greater than 65535")];
    judge(&mut failures, "task-port-big", &task, &[("0.12.12", &one)]);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn mapped_ports_collide_in_0_10_and_0_11() {
    let mut failures = Vec::new();
    let text = job(
        &net("      port \"a\" {\n        to = 8080\n      }\n      port \"b\" {\n        to = 8080\n      }"),
        "",
    );
    let one = [s(
        "Port mapped to 8080 already in use by taskgroup network:a",
    )];
    judge(
        &mut failures,
        "mapped",
        &text,
        &[("0.10.0", &one), ("0.11.8", &one), ("0.12.12", &[])],
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Before 1.0.4 one index held every static port, whatever its host
/// network (structs.go@v1.0.3 `staticPorts := make(map[int]string)`).
#[test]
fn static_ports_share_one_index_before_1_0_4() {
    let mut failures = Vec::new();
    let text = job(
        &net("      port \"a\" {\n        static = 8080\n        host_network = \"public\"\n      }\n      port \"b\" {\n        static = 8080\n        host_network = \"private\"\n      }"),
        "",
    );
    let one = [s(
        "Static port 8080 already reserved by taskgroup network:a",
    )];
    judge(
        &mut failures,
        "host-index",
        &text,
        &[("0.12.12", &one), ("1.0.3", &one), ("1.0.4", &[])],
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn hostnames_that_are_not_dns_names() {
    let mut failures = Vec::new();
    let at = |h: &str| job(&net(&format!("      hostname = \"{h}\"")), "");
    let one = [s("Hostname is not a valid DNS name")];
    judge(
        &mut failures,
        "hostname-dots",
        &at("web..example"),
        &[("1.1.5", &one), ("2.0.5", &one)],
    );
    // An interpolation is left to the client.
    judge(
        &mut failures,
        "hostname-interp",
        &at("${NOMAD_ALLOC_INDEX}..x"),
        &[("2.0.5", &[])],
    );
    // A leading dot: refused from miekg/dns v1.1.50 (1.2.14, 1.3.7, 1.4.2).
    judge(
        &mut failures,
        "hostname-lead",
        &at(".example"),
        &[
            ("1.2.13", &[]),
            ("1.2.14", &one),
            ("1.4.1", &[]),
            ("1.4.2", &one),
        ],
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn cni_args_and_ignored_collisions() {
    let mut failures = Vec::new();
    let two = format!(
        "{}\n{}",
        net("      mode = \"cni/a\"\n      cni {\n        args = {\n          \"x;y\" = \"1\"\n          zone = \"eu\"\n        }\n      }"),
        net("      mode = \"cni/b\"\n      cni {\n        args = {\n          zone = \"a;b\"\n        }\n      }")
    );
    let text = job(&two, "");
    let items = [
        s("invalid ';' character in CNI arg key \"x;y\""),
        s("duplicate CNI arg \"zone\""),
        s("invalid ';' character in CNI arg value \"a;b\""),
    ];
    judge(
        &mut failures,
        "cni",
        &text,
        &[("1.8.2", &items), ("2.0.5", &items)],
    );
    let bridge = job(
        &net(
            "      mode = \"bridge\"\n      port \"a\" {\n        ignore_collision = true\n      }",
        ),
        "",
    );
    let one = [s(
        "Port \"a\" collision may not be ignored on non-host network mode \"bridge\"",
    )];
    judge(
        &mut failures,
        "ignore-bridge",
        &bridge,
        &[("1.9.0", &one), ("2.0.5", &one)],
    );
    let host = job(
        &net("      port \"a\" {\n        ignore_collision = true\n      }"),
        "",
    );
    judge(&mut failures, "ignore-host", &host, &[("2.0.5", &[])]);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Two refused args in one network: Go's map order decides their order,
/// so both lines come with a note saying so (in key order).
#[test]
fn several_refused_args_of_one_network_carry_a_note() {
    let text = job(
        &net("      mode = \"cni/a\"\n      cni {\n        args = {\n          \"b;\" = \"1\"\n          \"a;\" = \"2\"\n        }\n      }"),
        "",
    );
    for cmd in ["validate", "plan"] {
        let (_, _, err) = common::run_job(
            &format!("cni-order-{cmd}"),
            &text,
            &[cmd, "--nomad-version", "2.0.5", "j.nomad"],
        );
        let a = err.find("CNI arg key \"a;\"").expect(&err);
        let b = err.find("CNI arg key \"b;\"").expect(&err);
        assert!(a < b, "{err}");
        assert!(err.contains("jobspec::validation-map-order"), "{err}");
    }
}
