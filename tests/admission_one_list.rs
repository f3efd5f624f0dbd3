//! The servers' admission refusals and `Job.Validate`'s errors are one list
//! in Nomad (nomad/job_endpoint_hooks.go `admissionValidators`): every
//! validator's error is `multierror.Append`ed to one multierror, which
//! flattens a validator's own list, in the validators' order (job_endpoint.go
//! `NewJobEndpoints`): the Connect hook, the expose-check hook, the Vault
//! hook, the namespace (1.3+), the node pool (1.6+), then jobValidate
//! (Job.Validate's items). A failed mutator is returned alone
//! (`admissionMutators`); `nomad job validate` then validates the job
//! locally (command/job_validate.go `validateLocal`, after printing that
//! driver configuration was not validated). Before 1.3 a missing namespace
//! is the state store's error, which a refused job never reaches. `check`
//! reports each, located. Texts: the hooks' and structs.go's at each tag,
//! go-multierror's list per release (tests/common `go_multierror`), and the
//! API client's trimmed body from 1.6.0 (api/error_unexpected_response.go).

use crate::common;

use common::{go_multierror, run_in, TempDir};

/// A one-client world of `version` with `job` as jobs/web.nomad.
fn project(tag: &str, version: &str, job: &str) -> TempDir {
    common::one_client_project(
        &format!("one-list-{tag}"),
        version,
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\", \"exec\"]\n",
        job,
    )
}

/// A job whose group `g` has a negative count (TaskGroup.Validate: `Task
/// group count can't be negative`), with `head` at the job's top and
/// `group` in its group.
fn job(head: &str, group: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n{head}  group \"g\" {{\n    count = -1\n{group}    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// The group's refusal as Job.Validate nests it.
fn negative_count(v: &str) -> String {
    let inner = go_multierror(v, &["Task group count can't be negative".to_string()]);
    format!("Task group g validation failed: {inner}")
}

/// `validate` (exit 1, `Job validation errors:` and the list) and `plan`
/// (exit 255, the list as the API client's error) both print `items`.
fn assert_one_list(dir: &TempDir, v: &str, items: &[String]) {
    let list = go_multierror(v, items);
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
    let want = format!("Job validation errors:\n{list}\n");
    assert!(
        o.stderr.starts_with(&want),
        "{v} validate:\nwant {want:?}\ngot  {:?}",
        o.stderr
    );
    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
    let body = if common::at_least(v, 1, 6) {
        list.trim()
    } else {
        &list
    };
    let want = format!("Error during plan: Unexpected response code: 500 ({body})\n");
    assert!(
        o.stderr.starts_with(&want),
        "{v} plan:\nwant {want:?}\ngot  {:?}",
        o.stderr
    );
}

/// The error codes `check` reports for jobs/web.nomad.
fn check_codes(dir: &TempDir) -> Vec<String> {
    let o = run_in(&dir.0, &["check", "--format", "json", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).expect("check JSON");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The namespace and node pool validators run before jobValidate: their
/// refusals come first, each as one item (job_endpoint_hooks.go
/// jobNamespaceConstraintCheckHook, job_endpoint_hook_node_pool.go).
#[test]
fn a_missing_namespace_and_node_pool_join_the_validation_errors() {
    let text = job("  namespace = \"nope\"\n  node_pool = \"gpu\"\n", "");
    for v in ["2.0.5", "1.6.0"] {
        let dir = project(&format!("ns-pool-{v}"), v, &text);
        let items = [
            "job \"web\" is in nonexistent namespace \"nope\"".to_string(),
            "job \"web\" is in nonexistent node pool \"gpu\"".to_string(),
            negative_count(v),
        ];
        assert_one_list(&dir, v, &items);
        let codes = check_codes(&dir);
        for code in ["jobspec::range", "NP208", "NP302"] {
            assert!(codes.iter().any(|c| c == code), "{v}: {code} in {codes:?}");
        }
    }
    // 1.3: the namespace validator, no node pools yet.
    let text = job("  namespace = \"nope\"\n", "");
    let v = "1.3.0";
    let dir = project("ns-1.3.0", v, &text);
    let items = [
        "job \"web\" is in nonexistent namespace \"nope\"".to_string(),
        negative_count(v),
    ];
    assert_one_list(&dir, v, &items);
    // Before 1.3 only the state store knows namespaces: the refused job
    // never reaches it, and check does not report what Nomad does not say.
    let v = "1.0.0";
    let dir = project("ns-1.0.0", v, &text);
    assert_one_list(&dir, v, &[negative_count(v)]);
    let codes = check_codes(&dir);
    assert!(!codes.iter().any(|c| c == "NP302"), "{codes:?}");
    assert!(codes.iter().any(|c| c == "jobspec::range"), "{codes:?}");
}

/// The Connect hook's validator is the first: a sidecar in a group without
/// a network (job_endpoint_hook_connect.go groupConnectSidecarValidate; the
/// mutator skips a group without networks). Its text changed in 1.11
/// (groupConnectNetworkModeValidate).
#[test]
fn the_connect_hooks_refusal_comes_first() {
    let service = "    service {\n      name = \"api\"\n      port = \"9090\"\n      connect {\n        sidecar_service {}\n      }\n    }\n";
    let text = job("", service);
    for (v, connect) in [
        (
            "2.0.5",
            "connect sidecar: must have exactly one network for Consul Connect: group \"g\" has 0 networks",
        ),
        (
            "1.6.0",
            "Consul Connect sidecars require exactly 1 network, found 0 in group \"g\"",
        ),
        (
            "1.0.0",
            "Consul Connect sidecars require exactly 1 network, found 0 in group \"g\"",
        ),
    ] {
        let dir = project(&format!("connect-{v}"), v, &text);
        assert_one_list(&dir, v, &[connect.to_string(), negative_count(v)]);
        let codes = check_codes(&dir);
        for code in ["jobspec::range", "NP209"] {
            assert!(codes.iter().any(|c| c == code), "{v}: {code} in {codes:?}");
        }
    }
}

/// The expose-check mutator refuses a host-mode group (0.12.5+): its error
/// is returned alone, without the job's validation errors; `validate`'s
/// RPC fails, so the CLI validates locally: Job.Validate's list after its
/// notice, or its success (and our warning that the plan fails).
#[test]
fn a_failed_mutator_is_alone_and_validate_falls_back_to_local_validation() {
    let group = "    network {\n      mode = \"host\"\n      port \"healthz\" {\n        to = -1\n      }\n    }\n    service {\n      name = \"count-api\"\n      port = \"9001\"\n      check {\n        name     = \"api-health\"\n        type     = \"http\"\n        path     = \"/health\"\n        port     = \"healthz\"\n        interval = \"10s\"\n        timeout  = \"3s\"\n        expose   = true\n      }\n      connect {\n        sidecar_service {}\n      }\n    }\n";
    let text = job("", group);
    let v = "1.6.0";
    let dir = project("mutator-1.6.0", v, &text);
    let mutator = "error in job mutator expose-check: group \"g\" must use bridge network for exposing service check(s)";
    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let want = format!("Error during plan: Unexpected response code: 500 ({mutator})\n");
    assert!(o.stderr.starts_with(&want), "{:?}", o.stderr);
    let notice = "Driver configuration not validated since connection to Nomad agent couldn't be established.\n\n";
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.starts_with(notice), "{:?}", o.stdout);
    let list = go_multierror(v, &[negative_count(v)]);
    let want = format!("Job validation errors:\n{list}\n");
    assert!(o.stderr.starts_with(&want), "{:?}", o.stderr);
    // Valid as written: the local validation passes.
    let valid = text.replace("    count = -1\n", "");
    let dir = project("mutator-valid-1.6.0", v, &valid);
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    let success = format!("{notice}Job validation successful\n");
    assert!(o.stdout.starts_with(&success), "{:?}", o.stdout);
    assert!(
        o.stdout.contains(mutator),
        "our warning names the plan's error: {}",
        o.stdout
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
}
