//! Nomad 1.8.0 to 1.9.x validate the canonical group: TaskGroup.Canonicalize
//! (a mutator, run before the validators, job_endpoint_hooks.go@v1.9.3:
//! 178-193) copies `max_client_disconnect` into a `disconnect` block's unset
//! `lost_after` and `stop_after_client_disconnect` into its unset
//! `stop_on_client_after` (structs.go@v1.8.0:6855-6861, @v1.9.3:7035-7041),
//! then TaskGroup.Validate refuses the pair (structs.go@v1.9.3:7137-7144).
//! So a legacy field beside a `disconnect` block that does not set its
//! successor is refused; 1.10.0 no longer copies. Before, we judged the
//! values as written: `Job validation successful`, a clean plan, and 0
//! errors from `check --staged` (redteam24 R24-1).

use crate::common;

fn job(group: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

const BLOCK: &str = "    disconnect {\n      reconcile = \"keep_original\"\n    }";
const LOST: &str = "using both lost_after and max_client_disconnect is not allowed";
const STOP: &str =
    "using both stop_after_client_disconnect and stop_on_client_after is not allowed";

#[test]
fn a_legacy_disconnect_field_beside_the_block_is_refused_in_1_8_and_1_9() {
    let mut failures = Vec::new();
    let mcd = job(&format!("    max_client_disconnect = \"1h\"\n{BLOCK}"));
    let sacd = job(&format!(
        "    stop_after_client_disconnect = \"1h\"\n{BLOCK}"
    ));
    for v in ["1.8.0", "1.9.3", "1.9.7"] {
        for (name, text, item) in [("mcd", &mcd, LOST), ("sacd", &sacd, STOP)] {
            let want = common::group_refusal(v, &[item.to_string()]);
            let tag = format!("dcopy-{name}-{v}");
            common::judge_validation(&mut failures, &tag, name, text, v, Some(want));
        }
    }
    // Guards: 1.10.0 no longer copies (structs.go@v1.10.0:6945-), and a
    // zero max_client_disconnect copies a zero lost_after, which Validate
    // does not count (`LostAfter > 0`).
    for (name, text) in [("mcd", &mcd), ("sacd", &sacd)] {
        let tag = format!("dcopy-{name}-110");
        common::judge_validation(&mut failures, &tag, name, text, "1.10.0", None);
    }
    let zero = job(&format!("    max_client_disconnect = \"0s\"\n{BLOCK}"));
    common::judge_validation(&mut failures, "dcopy-zero", "zero", &zero, "1.9.3", None);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The same refusal in a pre-commit hook: `check --staged` counts it an
/// error at the legacy field and exits 1.
#[test]
fn check_staged_counts_the_copied_conflict_an_error() {
    let d = common::TempDir::new("dcopy-check");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.9.3\"\nclient \"a\" {\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"exec\"]\n}\n",
    );
    d.put(
        "mcd.nomad",
        &job(&format!("    max_client_disconnect = \"1h\"\n{BLOCK}")),
    );
    d.put(
        "sacd.nomad",
        &job(&format!(
            "    stop_after_client_disconnect = \"1h\"\n{BLOCK}"
        )),
    );
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "-A"]);
    let o = common::run_in(&d.0, &["--no-color", "check", "--staged"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{all}");
    for line in [
        format!("mcd.nomad:4:5: jobspec::value [error] {LOST}"),
        format!("sacd.nomad:4:5: jobspec::value [error] {STOP}"),
    ] {
        assert!(all.contains(&line), "want {line:?}\ngot {all}");
    }
    assert!(all.contains("2 errors,"), "{all}");
}
