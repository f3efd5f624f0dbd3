//! Before 1.0: a value the decoder of a block below the job, group and
//! task refuses (restart, update, resources and its network, ports and
//! devices, constraint, template, logs, spread targets, periodic, a
//! service, its checks and their check_restart) is refused with Nomad's
//! whole text: the block's prefix chain, mapstructure's `N error(s)
//! decoding:` list sorted, the api struct's field names, per release.
//! We gave our own words for these (or, before, the lowering's type error).
//!
//! Every expected text is what jobspec.ParseFile built from Nomad 0.9.3,
//! 0.10.9, 0.11.8 and 0.12.12 printed for the same file
//! (tests/hcl-oracle/build.sh, oracle-jobspec-*), but for durations: the
//! oracles are built with Go 1.19, which quotes the value in
//! time.ParseDuration's error (`time: invalid duration "zz"`); the Go
//! 1.11 to 1.14 that built these releases does not, and neither do we
//! (src/jobspec/duration.rs).

use crate::common;

use common::TempDir;

fn job(job: &str, group: &str, task: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n{job}\n  group \"g\" {{\n{group}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{task}\n    }}\n  }}\n}}\n")
}

const PARSING: &str =
    "Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': ";

/// `validate --nomad-version v` refuses the file with Nomad's text.
fn refused(name: &str, text: &str, v: &str, nomad: &str) {
    let d = TempDir::new(&format!("hcl1-block-decode-{name}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
    let err: String = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(o.status.code(), Some(1), "{name} {v}: {err}");
    let want = format!("{PARSING}{nomad}\n");
    assert!(err.starts_with(&want), "{name} {v}:\n{err}\nwant:\n{want}");
}

const OLD: [&str; 3] = ["0.9.3", "0.10.9", "0.11.8"];

#[test]
fn a_groups_restart_lists_every_field_it_refuses() {
    let text = job(
        "",
        "    restart {\n      attempts = \"zz\"\n      interval = [1]\n      mode = \"fail\"\n    }",
        "",
    );
    for v in OLD.iter().chain(&["0.12.12"]) {
        refused("restart", &text, v, "group: 'g', restart -> 2 error(s) decoding:\n\n* 'Interval' expected type 'time.Duration', got unconvertible type '[]interface {}'\n* cannot parse 'Attempts' as int: strconv.ParseInt: parsing \"zz\": invalid syntax");
    }
}

#[test]
fn resources_their_network_ports_and_devices() {
    let text = job(
        "",
        "",
        "      resources {\n        cpu = \"zz\"\n        memory = [1]\n      }",
    );
    let both = "2 error(s) decoding:\n\n* 'memory' expected type 'int', got unconvertible type '[]interface {}'\n* cannot parse 'CPU' as int: strconv.ParseInt: parsing \"zz\": invalid syntax";
    refused(
        "res",
        &text,
        "0.9.3",
        &format!("group: 'g', task: 't', {both}"),
    );
    for v in ["0.10.9", "0.11.8", "0.12.12"] {
        refused(
            "res",
            &text,
            v,
            &format!("group: 'g', task: 't', resources -> {both}"),
        );
    }
    let mbits = "1 error(s) decoding:\n\n* cannot parse 'MBits' as int: strconv.ParseInt: parsing \"x\": invalid syntax";
    let text = job("", "", "      resources {\n        cpu = 100\n        network {\n          mbits = \"x\"\n          port \"http\" {\n            static = \"x\"\n          }\n        }\n      }");
    refused(
        "net",
        &text,
        "0.9.3",
        &format!("group: 'g', task: 't', {mbits}"),
    );
    refused(
        "net",
        &text,
        "0.12.12",
        &format!("group: 'g', task: 't', resources -> resource, {mbits}"),
    );
    let port = "1 error(s) decoding:\n\n* cannot parse 'static' as int: strconv.ParseInt: parsing \"x\": invalid syntax";
    let text = job("", "", "      resources {\n        network {\n          port \"http\" {\n            static = \"x\"\n          }\n        }\n      }");
    refused(
        "port",
        &text,
        "0.9.3",
        &format!("group: 'g', task: 't', resources, network, ports -> {port}"),
    );
    refused(
        "port",
        &text,
        "0.11.8",
        &format!("group: 'g', task: 't', resources -> resource, network, ports -> {port}"),
    );
    let count = "1 error(s) decoding:\n\n* cannot parse 'Count' as uint: strconv.ParseUint: parsing \"x\": invalid syntax";
    let text = job(
        "",
        "",
        "      resources {\n        device \"gpu\" {\n          count = \"x\"\n        }\n      }",
    );
    refused(
        "device",
        &text,
        "0.9.3",
        &format!("group: 'g', task: 't', {count}"),
    );
    refused(
        "device",
        &text,
        "0.12.12",
        &format!("group: 'g', task: 't', resources -> {count}"),
    );
}

#[test]
fn update_at_the_job_and_in_a_group_and_durations_per_mapstructure() {
    let text = job(
        "  update {\n    max_parallel = \"x\"\n    stagger = \"1x\"\n  }",
        "",
        "",
    );
    let int =
        "* cannot parse 'max_parallel' as int: strconv.ParseInt: parsing \"x\": invalid syntax";
    for v in OLD {
        refused(
            "update",
            &text,
            v,
            &format!(
                "update -> 2 error(s) decoding:\n\n{int}\n* time: unknown unit x in duration 1x"
            ),
        );
    }
    // mapstructure v1.3.1 (0.12) names the field in a duration's error.
    refused("update", &text, "0.12.12", &format!("update -> 2 error(s) decoding:\n\n{int}\n* error decoding 'stagger': time: unknown unit x in duration 1x"));
    // parseGroups prefixes its update's error without the group's name.
    let text = job("", "    update {\n      canary = [1]\n    }", "");
    for v in ["0.9.3", "0.12.12"] {
        refused("gupdate", &text, v, "group: update -> 1 error(s) decoding:\n\n* 'canary' expected type 'int', got unconvertible type '[]interface {}'");
    }
}

#[test]
fn constraints_are_decoded_after_their_keys_are_renamed() {
    let text = job(
        "  constraint {\n    attribute = [1]\n    version = \">= 1\"\n    operator = [2]\n  }",
        "",
        "",
    );
    // `version` makes the operand a constant: only LTarget is refused.
    for v in ["0.9.3", "0.12.12"] {
        refused("constraint", &text, v, "constraint -> 1 error(s) decoding:\n\n* 'LTarget' expected type 'string', got unconvertible type '[]interface {}'");
    }
    let text = job("  constraint {\n    distinct_hosts = \"zz\"\n  }", "", "");
    for v in ["0.9.3", "0.12.12"] {
        refused("distinct", &text, v, "constraint -> distinct_hosts should be set to true or false; strconv.ParseBool: parsing \"zz\": invalid syntax");
    }
    // parseBool's `%v`: a float as Go prints a float64, a list with its
    // elements, an object as a map.
    for (value, v) in [
        ("1.0e6", "1e+06"),
        ("[1.5, \"a\", {b = 2}]", "[1.5 a map[b:2]]"),
    ] {
        let text = job(
            &format!("  constraint {{\n    distinct_hosts = {value}\n  }}"),
            "",
            "",
        );
        refused("distinct-v", &text, "0.12.12", &format!("constraint -> distinct_hosts should be set to true or false; {v} couldn't be converted to boolean value"));
    }
    let text = job(
        "  periodic {\n    cron = \"* * * * *\"\n    enabled = [1]\n  }",
        "",
        "",
    );
    for v in ["0.9.3", "0.12.12"] {
        refused("periodic", &text, v, "periodic -> periodic.enabled should be set to true or false; [1] couldn't be converted to boolean value");
    }
}

#[test]
fn task_blocks_template_logs_and_a_spread_target() {
    let text = job("", "", "      template {\n        data = \"x\"\n        splay = \"zz\"\n        env = \"x\"\n      }");
    let env = "* cannot parse 'env' as bool: strconv.ParseBool: parsing \"x\": invalid syntax";
    refused("template", &text, "0.10.9", &format!("group: 'g', task: 't', template -> 2 error(s) decoding:\n\n{env}\n* time: invalid duration zz"));
    refused("template", &text, "0.12.12", &format!("group: 'g', task: 't', template -> 2 error(s) decoding:\n\n{env}\n* error decoding 'splay': time: invalid duration zz"));
    // logs are decoded inline: no `logs ->`, and before 0.10 no task name.
    let text = job("", "", "      logs {\n        max_files = \"x\"\n      }");
    let logs = "1 error(s) decoding:\n\n* cannot parse 'max_files' as int: strconv.ParseInt: parsing \"x\": invalid syntax";
    refused("logs", &text, "0.9.3", &format!("group: 'g', task: {logs}"));
    refused(
        "logs",
        &text,
        "0.12.12",
        &format!("group: 'g', task: 't', {logs}"),
    );
    let text = job("", "    spread {\n      attribute = \"${node.datacenter}\"\n      target \"dc1\" {\n        percent = \"x\"\n      }\n    }", "");
    for v in ["0.9.3", "0.12.12"] {
        refused("spread", &text, v, "group: spread -> target -> 1 error(s) decoding:\n\n* cannot parse 'Percent' as uint: strconv.ParseUint: parsing \"x\": invalid syntax");
    }
}

#[test]
fn services_checks_and_check_restarts() {
    let text = job(
        "",
        "",
        "      service {\n        name = \"web\"\n        port = [1]\n      }",
    );
    let port = "1 error(s) decoding:\n\n* 'port' expected type 'string', got unconvertible type '[]interface {}'";
    refused(
        "service",
        &text,
        "0.9.3",
        &format!("group: 'g', task: 't', {port}"),
    );
    refused(
        "service",
        &text,
        "0.12.12",
        &format!("group: 'g', task: 't', service (0): {port}"),
    );
    let text = job("", "", "      service {\n        name = \"web\"\n        check {\n          type = \"http\"\n          interval = \"zz\"\n        }\n      }");
    refused("check", &text, "0.9.3", "group: 'g', task: 't', service: 'web', 1 error(s) decoding:\n\n* time: invalid duration zz");
    refused("check", &text, "0.12.12", "group: 'g', task: 't', service (0): 'web', 1 error(s) decoding:\n\n* error decoding 'Interval': time: invalid duration zz");
    let text = job("", "", "      service {\n        name = \"web\"\n        check {\n          name = \"alive\"\n          type = \"tcp\"\n          check_restart {\n            limit = \"x\"\n          }\n        }\n      }");
    let limit = "1 error(s) decoding:\n\n* cannot parse 'limit' as int: strconv.ParseInt: parsing \"x\": invalid syntax";
    refused(
        "cr",
        &text,
        "0.9.3",
        &format!("group: 'g', task: 't', service: 'web', check: 'alive', {limit}"),
    );
    refused(
        "cr",
        &text,
        "0.10.9",
        &format!("group: 'g', task: 't', service (0): 'web', check: 'alive', {limit}"),
    );
}

/// 0.10's parseVolumes decodes a group's volume with mapstructure under
/// parseGroups' `volume ->` (from 0.11 hcl v1's decoder reads it instead,
/// and its error is dropped: not judged here).
#[test]
fn a_group_volume_at_0_10() {
    let text = job(
        "",
        "    volume \"data\" {\n      type = \"host\"\n      source = [1]\n      read_only = \"zz\"\n    }",
        "",
    );
    refused("volume", &text, "0.10.9", "group: volume -> 2 error(s) decoding:\n\n* 'Source' expected type 'string', got unconvertible type '[]interface {}'\n* cannot parse 'read_only' as bool: strconv.ParseBool: parsing \"zz\": invalid syntax");
}
