//! `ServiceCheck.validateNomad` (nomad/structs/services.go): a Nomad
//! service's check with `tls_skip_verify` is refused as the last of its
//! Consul-only fields in 1.4.13-1.4.x, 1.5.9-1.5.x and 1.6.2-1.9.5
//! (`tls_skip_verify may only be set for Consul service checks`; 1.9.6
//! supports it, #24863). Before, those releases validated such a job: a
//! false all-clear.

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

const JOB: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port \"http\" {}\n    }\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n      service {\n        name     = \"a\"\n        provider = \"nomad\"\n        port     = \"http\"\n        check {\n          type            = \"http\"\n          path            = \"/\"\n          interval        = \"10s\"\n          timeout         = \"2s\"\n          tls_skip_verify = true\n@        }\n      }\n    }\n  }\n}\n";

/// Task.Validate's validateServices multierror is one item of the task's;
/// the check's error is listed bare in the service's.
fn refusal(v: &str, item: &str) -> String {
    let s = format!(
        "service[0] \"a\" validation failed: {}",
        multi(v, &[item.to_string()])
    );
    let t = format!("Task t validation failed: {}", multi(v, &[multi(v, &[s])]));
    common::group_refusal(v, &[t])
}

#[test]
fn tls_skip_verify_is_consul_only_in_the_releases_that_say_so() {
    let mut failures = Vec::new();
    let text = JOB.replace('@', "");
    let skip = "tls_skip_verify may only be set for Consul service checks";
    for v in ["1.4.13", "1.5.9", "1.6.2", "1.9.5"] {
        let tag = format!("skip-{v}");
        common::judge_validation(
            &mut failures,
            &tag,
            "skip",
            &text,
            v,
            Some(refusal(v, skip)),
        );
    }
    for v in ["1.4.12", "1.5.8", "1.6.1", "1.9.6", "2.0.5"] {
        common::judge_validation(&mut failures, &format!("skip-{v}"), "skip", &text, v, None);
    }
    // After tls_server_name (1.6.0+), whose error wins.
    let both = JOB.replace('@', "          tls_server_name = \"x\"\n");
    let sni = "tls_server_name may only be set for Consul service checks";
    common::judge_validation(
        &mut failures,
        "sni-1.9.5",
        "sni",
        &both,
        "1.9.5",
        Some(refusal("1.9.5", sni)),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
