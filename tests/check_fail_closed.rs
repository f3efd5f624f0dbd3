//! `check` never turns "cannot know" into "all clear": a world that cannot
//! be simulated, a base revision without a world, and the demo world used
//! in place of a missing one are all said out loud (exit 2, or a note).

use crate::common;

use std::path::Path;

use common::TempDir as Dir;

trait Files {
    fn write(&self, rel: &str, text: &str);
    fn git(&self, args: &[&str]);
}

impl Files for Dir {
    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn git(&self, args: &[&str]) {
        common::git(&self.0, args);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_world_whose_running_job_cannot_be_registered_is_an_error_not_a_clean_run() {
    let d = Dir::demo("fail-closed-unsim");
    // monitoring.nomad runs in namespace "monitor", which the world lacks.
    let monitoring = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    let uncommented = monitoring.replace("#namespace=", "namespace =");
    assert_ne!(monitoring, uncommented, "the demo's namespace line moved");
    d.write("jobs/monitoring.nomad", &uncommented);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).unwrap();
    d.write(
        "rules/cluster.hcl",
        &cluster.replace(
            "\"jobs/sockshopui.nomad\",",
            "\"jobs/sockshopui.nomad\",\n  \"jobs/monitoring.nomad\",",
        ),
    );
    let out = d.run(&["check", "jobs/sockshop.nomad"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}{}", text(&out.stdout));
    assert!(stderr.contains("cannot be simulated"), "{stderr}");
    assert!(stderr.contains("monitoring"), "{stderr}");
}

/// Plain `check` says it uses the demo; a gate (`--staged`, `--base`)
/// has no world to judge the change against and says it cannot tell
/// (exit 2), never a clean run on the demo (tests/gate_no_world.rs).
#[test]
fn the_embedded_world_is_announced_and_gates_without_a_world_cannot_tell() {
    let d = Dir::new("fail-closed-embedded");
    d.write("web.nomad", "job \"web\" {\n  datacenters = [\"dc1\"]\n}\n");
    let out = d.run(&["check", "web.nomad"]);
    assert!(
        text(&out.stderr).contains("using the demo world compiled into nomad-preflight"),
        "{}",
        text(&out.stderr)
    );
    d.git(&["init", "-q"]);
    d.git(&["add", "."]);
    let out = d.run(&["check", "--staged"]);
    // web.nomad has no group: Nomad refuses it, a definite finding (exit 1)
    // beside the "cannot tell".
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot tell what this change does to the cluster: there is no world (rules/cluster.hcl) at HEAD"),
        "{}",
        text(&out.stderr)
    );
    d.git(&["commit", "-qm", "web"]);
    // A job file changed since HEAD (a change of no job file passes).
    d.write("web.nomad", "job \"web\" {\n  datacenters = [\"dc2\"]\n}\n");
    let out = d.run(&["check", "--base", "HEAD"]);
    // Still no group: Nomad's refusal is definite (exit 1), and the
    // "cannot tell" line is printed beside it.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("there is no world (rules/cluster.hcl) at HEAD"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_rules_folder_with_only_a_policy_configures_the_embedded_world() {
    let d = Dir::new("fail-closed-policy-only");
    d.write(
        "web.nomad",
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:latest\"\n      }\n    }\n  }\n}\n",
    );
    let out = d.run(&["check", "--format", "json", "web.nomad"]);
    assert!(
        text(&out.stdout).contains("\"NP101\""),
        "{}",
        text(&out.stdout)
    );
    d.write(
        "rules/policy.hcl",
        "rule \"NP101\" {\n  severity = \"off\"\n}\n",
    );
    let out = d.run(&["check", "--format", "json", "web.nomad"]);
    assert!(
        !text(&out.stdout).contains("\"NP101\""),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("with the policy of"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_base_without_the_world_the_working_tree_has_is_an_error() {
    let d = Dir::new("fail-closed-base-noworld");
    d.write("README.md", "x\n");
    d.git(&["init", "-q"]);
    d.git(&["add", "."]);
    d.git(&["commit", "-qm", "base"]);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&manifest.join("rules"), &d.0.join("rules"));
    common::copy_dir(&manifest.join("jobs"), &d.0.join("jobs"));
    let out = d.run(&["check", "--base", "HEAD"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not exist at HEAD"), "{stderr}");
}

#[test]
fn files_named_together_get_the_findings_each_gets_alone() {
    // Two jobs competing for the same quota: judged together as a change
    // set the second would see the first submitted; named on the command
    // line each is judged alone against the world.
    let d = Dir::demo("fail-closed-each-alone");
    let monitoring = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    d.write(
        "jobs/monitoring2.nomad",
        &monitoring.replacen("job \"monitoring\"", "job \"monitoring2\"", 1),
    );
    let findings = |files: &[&str]| -> Vec<(String, String, String)> {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(files);
        let out = d.run(&args);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["findings"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
                (s("file"), s("code"), s("message"))
            })
            .collect()
    };
    let together = findings(&["jobs/monitoring.nomad", "jobs/monitoring2.nomad"]);
    let mut alone = findings(&["jobs/monitoring.nomad"]);
    alone.extend(findings(&["jobs/monitoring2.nomad"]));
    assert!(!together.is_empty());
    assert_eq!(together, alone);
}
