//! A task's `scaling "cpu"` / `scaling "mem"` blocks are read by jobspec2's
//! decodeTaskScalingPolicies (hcl_conversions.go, the same 1.0.0 to 2.0.5):
//! the label is lowercased, and each refusal is an hcl diagnostic, printed
//! as `path:range: Summary; Detail`. We printed our own words (HCL1's
//! `policy had invalid 'type'`) and refused `scaling "CPU"`.

use crate::common;

fn job(scaling: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{scaling}    }}\n  }}\n}}\n")
}

fn validate(name: &str, text: &str, v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("task-scaling-{name}-{v}"), "validate", text, v)
}

const PARSING: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";

#[test]
fn an_unknown_policy_name_is_refused_at_its_label() {
    let text = job("      scaling \"gpu\" {\n        max = 2\n      }\n");
    let (code, err) = validate("name", &text, "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(&format!("{PARSING}j.nomad:9,15-20: Invalid scaling policy name; scaling policy name must be \"cpu\" or \"mem\"\n")),
        "{err}"
    );
}

/// The label is lowercased before it is compared: `"CPU"` is the cpu
/// policy, and a second one repeats it. The subject and the earlier block's
/// place are hclsyntax's DefRange, through the open brace before hcl 2.20
/// (Nomad 1.8.1), to the label after.
#[test]
fn labels_are_lowercased_and_a_repeat_names_the_first_block() {
    let one = "      scaling \"CPU\" {\n        max = 2\n      }\n";
    let (code, err) = validate("upper", &job(one), "2.0.5");
    assert_eq!(code, Some(0), "{err}");
    let two = "      scaling \"cpu\" {\n        max = 2\n      }\n      scaling \"CPU\" {\n        max = 3\n      }\n";
    let (code, err) = validate("twice", &job(two), "2.0.5");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(&format!("{PARSING}j.nomad:12,7-20: Duplicate scaling \"cpu\" block; Only one scaling cpu block is allowed. Another was defined at j.nomad:9,7-20.\n")),
        "{err}"
    );
    let (_, err) = validate("twice", &job(two), "1.6.0");
    assert!(
        err.starts_with(&format!("{PARSING}j.nomad:12,7-22: Duplicate scaling \"cpu\" block; Only one scaling cpu block is allowed. Another was defined at j.nomad:9,7-22.\n")),
        "{err}"
    );
}

/// Nomad's own argument order: the written type is the one "expected".
#[test]
fn a_policy_of_the_other_type_is_refused_in_nomads_words() {
    let text = job(
        "      scaling \"cpu\" {\n        type = \"vertical_mem\"\n        max  = 2\n      }\n",
    );
    let (code, err) = validate("type", &text, "2.0.5");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(&format!("{PARSING}j.nomad:9,7-20: Invalid scaling policy type; Invalid policy type, expected \"vertical_mem\" but found \"vertical_cpu\"\n")),
        "{err}"
    );
}

fn group_job(scaling: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{scaling}    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n")
}

/// A group's `scaling` block: jobspec2's validateGroupScalingPolicy asks
/// the body for a required `max` (hclsyntax's `Missing required argument`
/// at the body's MissingItemRange, the empty range at its open brace),
/// then refuses a type other than horizontal at its expression.
#[test]
fn a_group_policy_is_refused_in_jobspec2s_words() {
    let text = group_job("    scaling {\n      type = \"vertical_cpu\"\n      max  = 3\n    }\n");
    let (code, err) = validate("group-type", &text, "1.6.0");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(&format!("{PARSING}j.nomad:5,14-28: Invalid group scaling type; task group scaling policy had invalid type: \"vertical_cpu\"\n")),
        "{err}"
    );
    let text = group_job("    scaling {\n      min = 1\n    }\n");
    let (code, err) = validate("group-max", &text, "2.0.5");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with(&format!("{PARSING}j.nomad:4,13-13: Missing required argument; The argument \"max\" is required, but no definition was found.\n")),
        "{err}"
    );
}
