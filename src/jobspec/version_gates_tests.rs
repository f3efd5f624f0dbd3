//! Unit tests of version_gates.rs (HCL1 and HCL2 texts of the gates).
use super::*;
use crate::jobspec::ParsedJob;

fn parsed(text: &str, v: NomadVersion) -> ParsedJob {
    crate::jobspec::load_text(text, v)
}

/// HCL1's parser error (before 1.0), as the load keeps it
/// ([`Checked::hcl1_refusal`]).
fn error_text(text: &str, v: NomadVersion) -> Option<String> {
    parsed(text, v).hcl1_gate
}

/// From 1.0: the lines after `Error parsing job file from j.nomad:` that
/// `nomad job plan` prints, or None when the file loads.
fn hcl2_lines(text: &str, v: NomadVersion) -> Option<String> {
    let p = parsed(text, v);
    if p.is_valid() {
        return None;
    }
    let e = crate::render::job_file_error::plan_error(&p, "j.nomad", v, None);
    let lines = e
        .strip_prefix("Error getting job struct: Error parsing job file from j.nomad:\n")
        .unwrap_or(&e);
    Some(lines.trim_end().to_string())
}

const POOL: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  node_pool = \"gpu\"\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";

const NET: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"web\" {\n    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"web\"\n    }\n    task \"t\" {\n      driver = \"exec\"\n      service {\n        name = \"api\"\n        connect {\n          native = true\n        }\n      }\n    }\n  }\n}\n";

#[test]
fn node_pool_is_an_unsupported_argument_before_1_6() {
    assert_eq!(
        hcl2_lines(POOL, NomadVersion::new(1, 5, 6)).as_deref(),
        Some("j.nomad:3,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here.")
    );
    // From 1.0 the gate is a decoding error like any unknown key.
    assert_eq!(error_text(POOL, NomadVersion::new(1, 5, 6)), None);
    assert_eq!(
        error_text(POOL, NomadVersion::new(0, 12, 9)).as_deref(),
        Some(": error parsing 'job': 1 error occurred:\n\t* job: invalid key: node_pool\n\n")
    );
    assert_eq!(hcl2_lines(POOL, NomadVersion::new(1, 6, 0)), None);
    let p = parsed(POOL, NomadVersion::new(1, 5, 6));
    assert!(p.diags.iter().any(|d| d.code == CODE && d.is_error()));
}

#[test]
fn group_networks_services_and_connect_are_unknown_before_0_10() {
    // The group's own keys are checked before its tasks are parsed.
    assert_eq!(
        error_text(NET, NomadVersion::DEMO).as_deref(),
        Some(": error parsing 'job': 2 error(s) occurred:\n\n* group: 'web' -> invalid key: network\n* group: 'web' -> invalid key: service")
    );
    let connect_only = NET
        .replace("    network {\n      port \"http\" {}\n    }\n", "")
        .replace("    service {\n      name = \"web\"\n    }\n", "");
    assert_eq!(
        error_text(&connect_only, NomadVersion::DEMO).as_deref(),
        Some(": error parsing 'job': 1 error(s) occurred:\n\n* group: 'web', task: 't', service (0) -> invalid key: connect")
    );
    assert_eq!(error_text(NET, NomadVersion::new(0, 10, 0)), None);
}

#[test]
fn a_star_datacenter_before_1_5_is_advice_not_an_error() {
    let text = POOL
        .replace("[\"dc1\"]", "[\"*\"]")
        .replace("  node_pool = \"gpu\"\n", "");
    let p = parsed(&text, NomadVersion::new(1, 4, 0));
    let gate: Vec<_> = p.diags.iter().filter(|d| d.code == CODE).collect();
    assert_eq!(gate.len(), 1);
    assert_eq!(gate[0].severity, Severity::Advice);
    assert!(!p.diags.has_errors());
    let p = parsed(&text, NomadVersion::new(1, 5, 0));
    assert!(!p.diags.iter().any(|d| d.code == CODE));
}

const GROUP: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    volume \"data\" {\n      type   = \"host\"\n      source = \"data\"\n    }\n    scaling {\n      max = 3\n    }\n    task \"t\" {\n      driver = \"exec\"\n      lifecycle {\n        hook = \"prestart\"\n      }\n      volume_mount {\n        volume           = \"data\"\n        destination      = \"/data\"\n        propagation_mode = \"private\"\n      }\n    }\n  }\n}\n";

#[test]
fn a_group_volume_is_an_invalid_key_before_0_10() {
    // HCL1 stops at the group's own keys: the task's are not reached.
    assert_eq!(
        error_text(GROUP, NomadVersion::new(0, 9, 7)).as_deref(),
        Some(": error parsing 'job': 2 error(s) occurred:\n\n* group: 'g' -> invalid key: volume\n* group: 'g' -> invalid key: scaling")
    );
    let p = parsed(GROUP, NomadVersion::new(0, 9, 7));
    let gate: Vec<_> = p.diags.iter().filter(|d| d.code == CODE).collect();
    // volume, scaling, lifecycle, volume_mount (its keys below it are
    // reported too: propagation_mode arrived in 0.10.2).
    assert_eq!(gate.len(), 5, "{gate:?}");
}

/// parse.go@v0.9.3 parseTasks: `multierror.Prefix(err, "'t' ->")` on
/// the task's CheckHCLKeys error (from 0.10 parseTasks' `'t',`).
#[test]
fn a_task_key_before_0_10_is_prefixed_with_an_arrow() {
    let text = GROUP
        .replace(
            "    volume \"data\" {\n      type   = \"host\"\n      source = \"data\"\n    }\n",
            "",
        )
        .replace("    scaling {\n      max = 3\n    }\n", "");
    assert_eq!(
        error_text(&text, NomadVersion::new(0, 9, 7)).as_deref(),
        Some(": error parsing 'job': 2 error(s) occurred:\n\n* group: 'g', task: 't' -> invalid key: lifecycle\n* group: 'g', task: 't' -> invalid key: volume_mount")
    );
}

#[test]
fn scaling_and_task_lifecycle_are_invalid_keys_before_0_11() {
    assert_eq!(
        error_text(GROUP, NomadVersion::new(0, 10, 9)).as_deref(),
        Some(
            ": error parsing 'job': 1 error occurred:\n\t* group: 'g' -> invalid key: scaling\n\n"
        )
    );
    let no_scaling = GROUP.replace("    scaling {\n      max = 3\n    }\n", "");
    assert_eq!(
        error_text(&no_scaling, NomadVersion::new(0, 10, 9)).as_deref(),
        Some(": error parsing 'job': 1 error occurred:\n\t* group: 'g', task: 't', invalid key: lifecycle\n\n")
    );
    assert_eq!(error_text(GROUP, NomadVersion::new(0, 11, 0)), None);
}

#[test]
fn a_mount_propagation_mode_arrived_in_0_10_2() {
    let text = GROUP
        .replace("    scaling {\n      max = 3\n    }\n", "")
        .replace(
            "      lifecycle {\n        hook = \"prestart\"\n      }\n",
            "",
        );
    assert_eq!(
        error_text(&text, NomadVersion::new(0, 10, 1)).as_deref(),
        Some(": error parsing 'job': 1 error(s) occurred:\n\n* group: 'g', task: 't', volume_mount -> invalid key: propagation_mode")
    );
    assert_eq!(error_text(&text, NomadVersion::new(0, 10, 2)), None);
}

#[test]
fn hcl2_words_unknown_blocks_and_arguments_apart() {
    // The job's Content (ui) before the template's (uid), gohcl's walk.
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  ui {\n    description = \"x\"\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      template {\n        data        = \"x\"\n        destination = \"local/x\"\n        uid         = 1000\n      }\n    }\n  }\n}\n";
    assert_eq!(
        hcl2_lines(text, NomadVersion::new(1, 3, 2)).as_deref(),
        Some("j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.\nj.nomad:12,9-12: Unsupported argument; An argument named \"uid\" is not expected here.")
    );
    assert_eq!(
        hcl2_lines(text, NomadVersion::new(1, 7, 7)).as_deref(),
        Some("j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.")
    );
    assert_eq!(hcl2_lines(text, NomadVersion::new(1, 8, 0)), None);
    let p = parsed(text, NomadVersion::new(1, 7, 7));
    let d = p.diags.iter().find(|d| d.code == CODE).expect("gate");
    // hcl's words; the release that has it is in the label and the help.
    assert!(d.message.starts_with(unknown_keys::BLOCK), "{}", d.message);
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("arrived in Nomad 1.8.0")),
        "{:?}",
        d.help
    );
}

#[test]
fn a_backported_key_follows_its_release_line() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      csi_plugin {\n        id             = \"ebs\"\n        type           = \"node\"\n        mount_dir      = \"/csi\"\n        health_timeout = \"1m\"\n      }\n    }\n  }\n}\n";
    assert!(hcl2_lines(text, NomadVersion::new(1, 2, 8)).is_some());
    assert_eq!(hcl2_lines(text, NomadVersion::new(1, 2, 9)), None);
    assert!(hcl2_lines(text, NomadVersion::new(1, 3, 1)).is_some());
    assert_eq!(hcl2_lines(text, NomadVersion::new(1, 3, 2)), None);
    let p = parsed(text, NomadVersion::new(1, 2, 8));
    let d = p.diags.iter().find(|d| d.code == CODE).expect("gate");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("arrived in Nomad 1.2.9")),
        "{:?}",
        d.help
    );
}

#[test]
fn vault_token_is_gone_from_1_10() {
    let text = POOL.replace("  node_pool = \"gpu\"\n", "  vault_token = \"s.x\"\n");
    assert_eq!(hcl2_lines(&text, NomadVersion::new(1, 9, 7)), None);
    assert_eq!(
        hcl2_lines(&text, NomadVersion::new(1, 10, 0)).as_deref(),
        Some("j.nomad:3,3-14: Unsupported argument; An argument named \"vault_token\" is not expected here.")
    );
    let p = parsed(&text, NomadVersion::new(1, 10, 0));
    let d = p.diags.iter().find(|d| d.code == CODE).expect("gate");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("removed in Nomad 1.10.0")),
        "{:?}",
        d.help
    );
}

/// gohcl decodes only what Content accepted (hcl gohcl/decode.go
/// decodeBodyToStruct): nothing inside a gated block or argument is
/// reported, neither a value, a nested unknown key, a block written as an
/// argument, a label, nor a nested gated key.
#[test]
fn nothing_inside_a_gated_key_is_reported_from_1_0() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  ui {\n    description = [1]\n    link = {\n      label = \"a\"\n    }\n    bogus \"x\" {}\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";
    let v = NomadVersion::new(1, 6, 0);
    assert_eq!(
        hcl2_lines(text, v).as_deref(),
        Some("j.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.")
    );
    let p = parsed(text, v);
    let errors: Vec<&str> = p
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    // 1.8 has ui: its body is read, and refused.
    let lines = hcl2_lines(text, NomadVersion::new(1, 8, 0)).expect("refused");
    assert!(lines.contains("named \"link\""), "{lines}");
    // A gated block inside a gated block: only the outer one (a group
    // consul block, 1.1, holding a task-level key it never reads).
    let nested = text.replace(
        "    task \"t\" {\n",
        "    consul {\n      cluster = \"x\"\n    }\n    task \"t\" {\n",
    );
    let lines = hcl2_lines(&nested, NomadVersion::new(1, 0, 0)).expect("refused");
    assert!(!lines.contains("cluster"), "{lines}");
    assert!(lines.contains("Blocks of type \"consul\""), "{lines}");
}
