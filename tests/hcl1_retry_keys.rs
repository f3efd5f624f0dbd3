//! Issue 13: Nomad 1.0–1.8's CLI parses a file jobspec2 refused with its
//! HCL1 parser (command/helpers.go) and words the error differently if
//! that parser accepts it. Where jobspec2 refused an unknown key in a
//! block HCL1 also checks (checkHCLKeys in jobspec/parse*.go) without
//! that key, HCL1 refuses too and the text is certain. These blocks had
//! no path in the table (tests/fixtures/jobspec/parser_keys_hcl1_1x.py),
//! so we said the first line might differ.

use crate::common;

fn validate(tag: &str, text: &str, v: &str) -> String {
    let (code, _, err) = common::run_job(tag, text, &["validate", "--nomad-version", v, "j.nomad"]);
    assert_eq!(code, 1, "{v}: {err}");
    assert!(!err.contains("jobspec::hcl1-fallback"), "{v}: {err}");
    err.split("\njobspec::")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// parseTemplates checks a change_script's keys (command, args, timeout,
/// fail_on_error) from 1.3.4 (jobspec/parse_task.go).
const CHANGE_SCRIPT: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      template {\n        destination = \"local/x\"\n        data        = \"x\"\n        change_mode = \"script\"\n        change_script {\n          command = \"/bin/true\"\n          typo    = 1\n        }\n      }\n    }\n  }\n}\n";

#[test]
fn a_change_script_typo_is_refused_by_both_parsers() {
    for v in ["1.4.3", "1.6.0", "1.8.4"] {
        assert_eq!(
            validate(&format!("hcl1-retry-script-{v}"), CHANGE_SCRIPT, v),
            "Error getting job struct: Error parsing job file from j.nomad:\n\
             j.nomad:15,11-15: Unsupported argument; An argument named \"typo\" is not expected here.",
            "{v}"
        );
    }
}

/// parseTproxy checks a transparent_proxy's keys from 1.8.0
/// (jobspec/parse_service.go).
const TPROXY: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      mode = \"bridge\"\n    }\n    service {\n      name = \"web\"\n      port = \"8080\"\n      connect {\n        sidecar_service {\n          proxy {\n            transparent_proxy {\n              typo = 1\n            }\n          }\n        }\n      }\n    }\n    task \"a\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";

#[test]
fn a_transparent_proxy_typo_is_refused_by_both_parsers() {
    assert_eq!(
        validate("hcl1-retry-tproxy", TPROXY, "1.8.0"),
        "Error getting job struct: Error parsing job file from j.nomad:\n\
         j.nomad:14,15-19: Unsupported argument; An argument named \"typo\" is not expected here."
    );
}
