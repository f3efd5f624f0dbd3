//! Before 1.0, a key a release's HCL1 parser does not know is refused with
//! that parser's own text: CheckHCLKeys' `invalid key: K` list at the
//! first block (in parse order) that has one, through the prefixes and
//! folds of every parse function on the way up (jobspec/parse*.go). We
//! printed our own sentence for keys below a task, and HCL2's words
//! nowhere near Nomad's.
//!
//! Every expected text is what jobspec.ParseFile built from the Nomad tag
//! named printed for the same file (tests/hcl-oracle/build.sh's
//! oracle-jobspec-vX, tests/hcl-oracle/gate_sweep.py for the sweep of every
//! gated key at every tag).

use crate::common;

const PARSING: &str =
    "Error getting job struct: Error parsing job file from j.nomad: error parsing 'job': ";

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/version_gates_hcl1/{name}.nomad",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// `validate --nomad-version v` of `text`: exit code and stderr without
/// the world note.
fn validate(name: &str, text: &str, v: &str) -> (Option<i32>, String) {
    common::run_job_file(&format!("gates-hcl1-{name}-{v}"), "validate", text, v)
}

/// The fixture is refused under `v` with Nomad's `text` (after `error
/// parsing 'job': `).
fn refused(name: &str, v: &str, text: &str) {
    let (code, err) = validate(name, &fixture(name), v);
    assert_eq!(code, Some(1), "{name} {v}: {err}");
    let want = format!("{PARSING}{text}\n");
    assert!(err.starts_with(&want), "{name} {v}:\n{err}\nwant:\n{want}");
}

/// parseTask: a template's keys under `template ->` and the task's name;
/// two unknown keys of one block are one list. At 0.12.1 the service's
/// check comes first: parseTask reads services before templates, whatever
/// the order written.
#[test]
fn a_task_blocks_keys_are_listed_under_its_prefixes() {
    refused(
        "tmpl",
        "0.12.12",
        "2 errors occurred:\n\t* group: 'g', task: 't', template -> invalid key: uid\n\t* group: 'g', task: 't', template -> invalid key: gid\n\n",
    );
    refused(
        "tmpl",
        "0.12.1",
        "1 error occurred:\n\t* group: 'g', task: 't', service (0): 'api', check -> invalid key: success_before_passing\n\n",
    );
    // go-multierror before 0.10.4, and 0.9's `service: 'api',`.
    refused(
        "tmpl",
        "0.10.3",
        "1 error(s) occurred:\n\n* group: 'g', task: 't', service (0): 'api', check -> invalid key: success_before_passing",
    );
    refused(
        "tmpl",
        "0.9.7",
        "1 error(s) occurred:\n\n* group: 'g', task: 't', service: 'api', check -> invalid key: success_before_passing",
    );
}

/// parseResources folds ParseNetwork's list into `resource, ...` (0.10
/// on); 0.9's parseResources prefixes it itself.
#[test]
fn a_task_networks_keys_are_folded_into_one_error() {
    refused(
        "resnet",
        "0.11.8",
        "group: 'g', task: 't', resources -> resource, 1 error occurred:\n\t* network -> invalid key: cidr\n\n",
    );
    refused(
        "resnet",
        "0.10.3",
        "group: 'g', task: 't', resources -> resource, 1 error(s) occurred:\n\n* network -> invalid key: cidr",
    );
    refused(
        "resnet",
        "0.9.7",
        "1 error(s) occurred:\n\n* group: 'g', task: 't', resources, network -> invalid key: cidr",
    );
}

/// A group network's keys come before its services (parseGroups); a
/// sidecar's upstream is folded twice (parseSidecarService, parseConnect).
#[test]
fn group_network_then_connect_upstream() {
    refused(
        "upstream",
        "0.12.12",
        "1 error occurred:\n\t* group: network -> invalid key: hostname\n\n",
    );
    let text = fixture("upstream").replace("      hostname = \"web\"\n", "");
    let (code, err) = validate("upstream-dc", &text, "0.12.12");
    assert_eq!(code, Some(1), "{err}");
    let want = format!("{PARSING}group: 'g', service (0): 'api', sidecar_service, proxy, 1 error occurred:\n\t* upstream -> invalid key: datacenter\n\n\n");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
}

#[test]
fn job_level_blocks() {
    refused(
        "periodic",
        "0.9.3",
        "1 error(s) occurred:\n\n* periodic -> invalid key: crons",
    );
    refused(
        "region",
        "0.12.12",
        "1 error occurred:\n\t* multiregion -> regions -> 'east' -> invalid key: node_pool\n\n",
    );
    refused(
        "region",
        "0.11.8",
        "1 error occurred:\n\t* job: invalid key: multiregion\n\n",
    );
}

/// parseTask decodes a csi_plugin into a map and weakly into its struct,
/// without a key check (0.11.0 to 0.12.12): keys it has no field for are
/// dropped, the file accepted. Before 0.11 the block itself is unknown.
#[test]
fn a_csi_plugins_later_keys_are_dropped_not_refused() {
    let (code, err) = validate("csi", &fixture("csi"), "0.12.12");
    assert_eq!(code, Some(0), "{err}");
    refused(
        "csi",
        "0.10.3",
        "1 error(s) occurred:\n\n* group: 'g', task: 't', invalid key: csi_plugin",
    );
}

/// What is dropped is not planned either: the job holds no health timeout
/// Nomad 0.12 never read.
#[test]
fn a_dropped_csi_key_is_not_in_the_job() {
    let p = common::parse_job(&fixture("csi"), "0.12.12".parse().expect("version"));
    let plugin = p.job.as_ref().expect("job").groups[0].tasks[0]
        .csi_plugin
        .clone()
        .expect("csi_plugin");
    assert_eq!(plugin.health_timeout, Default::default());
    assert!(plugin.stage_publish_base_dir.is_empty());
    assert_eq!(plugin.mount_dir, "/csi");
    assert!(p
        .diags
        .iter()
        .any(|d| d.code == "jobspec::hcl1-skipped" && d.message.contains("health_timeout")));
}

/// A key no release has there (a misspelling) is the same `invalid key`
/// (hcl1_keys.rs reads each release's lists), not HCL2's `Unsupported
/// argument`; at 0.9.7 the group's network, an earlier block, stops the
/// parser first (parseGroups checks the group's keys before its tasks).
#[test]
fn a_misspelt_key_is_an_invalid_key_in_its_block() {
    refused(
        "typo",
        "0.12.12",
        "1 error occurred:\n\t* group: 'g', task: 't', resources -> resources -> invalid key: memroy\n\n",
    );
    refused(
        "typo",
        "0.9.7",
        "1 error(s) occurred:\n\n* group: 'g' -> invalid key: network",
    );
}

/// parseConnect returns before it reads a sidecar_task beside no
/// sidecar_service: a later key there is never checked (jobspec.ParseFile
/// at 0.12.12 parses this and Nomad's own test fixture
/// jobspec/test-fixtures/tg-service-connect-resources.hcl). We refused it.
#[test]
fn a_sidecar_task_nomad_never_reads_has_no_unknown_keys() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      mode = \"bridge\"\n    }\n    service {\n      name = \"example\"\n      port = \"9090\"\n      connect {\n        sidecar_task {\n          resources {\n            cpu        = 111\n            memory_max = 333\n          }\n        }\n      }\n    }\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";
    let (_, err) = validate("unread-sidecar", text, "0.12.12");
    // Parsed (the servers then judge the empty connect), memory_max unread.
    assert!(!err.contains("Error getting job struct"), "{err}");
    assert!(err.contains("Job validation errors:"), "{err}");
    assert!(!err.contains("invalid key"), "{err}");
}

/// HCL1 keeps `${...}` in a label as text, and its prefixes name the group
/// so (`group: '${org}', ...`); we printed the blanks our HCL2 reading
/// put there.
#[test]
fn a_label_is_named_as_written() {
    refused(
        "label",
        "0.10.9",
        "1 error occurred:\n\t* group: '${org}', task: 't', invalid key: lifecycle\n\n",
    );
}

/// parseGroups checks a group's keys before it parses anything inside
/// (jobspec/parse.go checkHCLKeys, 0.9.x): a wrong type or a block written
/// twice in its task is never read, so the gate's text is the whole error.
/// We printed our own sentence for the gate beside the type error.
#[test]
fn nothing_inside_the_block_a_gate_stops_is_said() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port \"db\" {}\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu = \"abc\"\n      }\n      resources {\n        memory = 64\n      }\n    }\n  }\n}\n";
    let (code, err) = validate("gate-inside", text, "0.9.3");
    assert_eq!(code, Some(1), "{err}");
    let want = format!("{PARSING}1 error(s) occurred:\n\n* group: 'g' -> invalid key: network\n");
    assert!(err.starts_with(&want), "{err}\nwant:\n{want}");
}
