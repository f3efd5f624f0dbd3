//! A Connect gateway under 0.12.4–0.12.12, whose HCL1 parser reads it
//! (jobspec/parse_service.go, the same file at every one of those tags):
//! parseGateway's `must have one 'proxy' block` and `must have one
//! 'ingress' block`, parseConnect's `only one 'gateway' block allowed per
//! task`, each under parseService's `'NAME',`, parseGroupServices' or
//! parseServices' `service (N):`, parseGroups' `'g',` (parseTasks' `'t',`
//! under `'g', task:`) and parseJob's `group:`; Parse's `error parsing
//! 'job': `. `plan` and `validate` print the CLI's `Error getting job
//! struct: Error parsing job file from PATH: ...` (exit 255 and 1).
//! Before, the job reached Job.Validate with the proxy the Connect hook
//! writes (`Consul Gateway Proxy connection_timeout must be set`), a
//! server's text for a file Nomad's CLI never sends.

use crate::common;

use common::TempDir;

/// Every 0.12 tag whose parser has parseGateway.
const TAGS: &[&str] = &[
    "0.12.4", "0.12.5", "0.12.6", "0.12.7", "0.12.8", "0.12.9", "0.12.10", "0.12.11", "0.12.12",
];

const INGRESS: &str = "          ingress {\n            listener {\n              port     = 8080\n              protocol = \"tcp\"\n              service {\n                name = \"api\"\n              }\n            }\n          }\n";

const PROXY: &str = "          proxy {\n            connect_timeout = \"5s\"\n          }\n";

/// A group with one ingress gateway service whose `gateway` holds `body`.
fn job(gateway: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      mode = \"bridge\"\n      port \"inbound\" {{\n        static = 8080\n        to     = 8080\n      }}\n    }}\n    service {{\n      name = \"api-ingress\"\n      port = \"8080\"\n      connect {{\n{gateway}      }}\n    }}\n  }}\n}}\n"
    )
}

fn gateway(body: &str) -> String {
    format!("        gateway {{\n{body}        }}\n")
}

/// `cmd --nomad-version v j.nomad`: exit code and stderr.
fn run(cmd: &str, name: &str, text: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(&format!("hcl1-gateway-{cmd}-{name}-{v}"));
    d.put("j.nomad", text);
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .collect::<Vec<_>>()
        .join("\n");
    (o.status.code().unwrap_or(-1), err)
}

fn refused(name: &str, text: &str, want: &str) {
    let head = format!("Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': {want}\n");
    for v in TAGS {
        let (code, err) = run("plan", name, text, v);
        assert_eq!(code, 255, "{name} plan {v}: {err}");
        assert!(err.starts_with(&head), "{name} plan {v}:\n{err}");
        let (code, err) = run("validate", name, text, v);
        assert_eq!(code, 1, "{name} validate {v}: {err}");
        assert!(err.starts_with(&head), "{name} validate {v}:\n{err}");
    }
}

#[test]
fn a_gateway_without_a_proxy_block_is_refused_by_the_parser() {
    refused(
        "no-proxy",
        &job(&gateway(INGRESS)),
        "group: 'g', service (0): 'api-ingress', gateway, must have one 'proxy' block",
    );
    // Two proxy blocks are not one either.
    refused(
        "two-proxies",
        &job(&gateway(&format!("{PROXY}{PROXY}{INGRESS}"))),
        "group: 'g', service (0): 'api-ingress', gateway, must have one 'proxy' block",
    );
    // The proxy is read first: without both, the proxy is named.
    refused(
        "empty",
        &job(&gateway("")),
        "group: 'g', service (0): 'api-ingress', gateway, must have one 'proxy' block",
    );
}

#[test]
fn a_gateway_without_an_ingress_block_is_refused_by_the_parser() {
    refused(
        "no-ingress",
        &job(&gateway(PROXY)),
        "group: 'g', service (0): 'api-ingress', gateway, must have one 'ingress' block",
    );
}

#[test]
fn two_gateways_are_refused_by_the_parser() {
    let one = gateway(&format!("{PROXY}{INGRESS}"));
    refused(
        "two-gateways",
        &job(&format!("{one}{one}")),
        "group: 'g', service (0): 'api-ingress', only one 'gateway' block allowed per task",
    );
}

/// With its proxy and ingress the gateway parses, and 0.12.4+ plan it; a
/// gateway without a proxy is not the parser's to refuse from 1.0
/// (jobspec2), nor known before 0.12.4 (the version gate).
#[test]
fn other_releases_and_a_whole_gateway_are_not_refused_by_the_parser() {
    let whole = job(&gateway(&format!("{PROXY}{INGRESS}")));
    for v in TAGS {
        let (code, err) = run("validate", "whole", &whole, v);
        assert_eq!(code, 0, "whole validate {v}: {err}");
    }
    let no_proxy = job(&gateway(INGRESS));
    for v in ["1.0.0", "0.12.3"] {
        let (_, err) = run("plan", "no-proxy-other", &no_proxy, v);
        assert!(!err.contains("must have one 'proxy' block"), "{v}: {err}");
    }
}
