//! What the 1.0.x to 2.0.x gate oracle (tests/jobspec_version_keys_hcl2_parser.rs)
//! found, through the binary. jobspec2 decodes every constraint and affinity
//! with hcldec specs of its own (hcl_conversions.go constraintSpec,
//! affinitySpec, decodeConstraint, decodeAffinity; the same at v1.0.0 and
//! v2.0.5), and a spread target with gohcl over api.SpreadTarget
//! (`Value string hcl:"value,label"`).

use crate::common;

use common::TempDir;

fn job(group_body: &str, job_body: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n{job_body}  group \"g\" {{\n{group_body}    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n")
}

fn run(name: &str, text: &str, cmd: &str, v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("placement-keys-{name}-{cmd}-{v}"), cmd, text, v)
}

/// From 1.0 a spread target's value is its label only: gohcl refuses a
/// `value` argument. HCL1 (before 1.0) took one. We accepted it at every
/// release: a false all-clear.
#[test]
fn a_spread_targets_value_argument_is_refused_from_1_0() {
    let spread = "    spread {\n      attribute = \"${node.datacenter}\"\n      target \"dc1\" {\n        value   = \"dc2\"\n        percent = 50\n      }\n    }\n";
    let text = job(spread, "");
    for v in ["1.0.0", "1.2.16", "2.0.5"] {
        let (code, err) = run("target", &text, "validate", v);
        assert_eq!(code, Some(1), "{v}: {err}");
        assert!(
            err.starts_with("Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:7,9-14: Unsupported argument; An argument named \"value\" is not expected here.\n"),
            "{v}: {err}"
        );
    }
    let (code, err) = run("target", &text, "validate", "0.12.12");
    assert_eq!(code, Some(0), "{err}");
}

/// affinitySpec has no `distinct_hosts` or `distinct_property` (an
/// affinity spreads nothing over hosts): hcldec refuses them. We took them
/// as an affinity's operator.
#[test]
fn an_affinity_has_no_distinct_keys_from_1_0() {
    let text = job("    affinity {\n      distinct_hosts = true\n    }\n", "");
    let (code, err) = run("affinity", &text, "validate", "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:5,7-21: Unsupported argument; An argument named \"distinct_hosts\" is not expected here.\n"),
        "{err}"
    );
}

/// constraintSpec takes `set_contains_all`, `set_contains_any`, `is_set`
/// and `is_not_set`, and decodeConstraint reads none of them: the
/// constraint keeps the default operator `=` without a value, which
/// Constraint.Validate refuses (`Operator "=" requires an RTarget`). We
/// took `set_contains_all` as the operator (a false all-clear), and refused
/// `is_set` as an unknown key (a false refusal).
#[test]
fn a_constraints_unread_keys_are_accepted_and_dropped_from_1_0() {
    let c = "  constraint {\n    attribute        = \"${meta.rack}\"\n    set_contains_all = \"a,b\"\n  }\n";
    let (code, err) = run("set-all", &job("", c), "validate", "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Job validation errors:\n1 error occurred:\n\t* Constraint 1 validation failed: 1 error occurred:\n\t* Operator \"=\" requires an RTarget\n"),
        "{err}"
    );
    let c = "  constraint {\n    attribute = \"${meta.rack}\"\n    value     = \"r1\"\n    is_set    = \"x\"\n  }\n";
    let (code, err) = run("is-set", &job("", c), "validate", "1.2.0");
    assert_eq!(code, Some(0), "{err}");
}

/// decodeConstraint applies the shorthand keys in its own order (version,
/// semver, regexp, set_contains, distinct_hosts, distinct_property): the
/// last one written wins whatever the file's order, and a string shorthand
/// counts only when not empty.
#[test]
fn the_last_shorthand_in_decodes_order_wins() {
    // A meta key, not `${attr.kernel.version}`: a value every client
    // reports that the pool does not state makes the plan cannot tell
    // (R25-1), and only the diff's words are asked here.
    let c = "  constraint {\n    attribute = \"${meta.kernel}\"\n    regexp    = \"^5\"\n    version   = \">= 1.0\"\n    semver    = \"\"\n  }\n";
    let d = TempDir::new("placement-keys-order");
    d.put("j.nomad", &job("", c));
    let o = d.run(&["plan", "--nomad-version", "1.6.0", "--verbose", "j.nomad"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Operand: \"regexp\""), "{out}");
    assert!(out.contains("RTarget: \"^5\""), "{out}");
}
