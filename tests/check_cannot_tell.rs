//! A rule whose finding means "the answer depends on what nomad-preflight
//! cannot know" (the rule's `answer` in the registry: NP211, NP213, NP215,
//! NP216, NP218, NP220, NP223, NP307, NP308, and NP217 for an edition the
//! world does not state) is `plan`'s "cannot tell" (exit 255). `check`
//! exited 1 for it as for any finding, and 0 once a policy lowered it to a
//! warning or `--exit-zero` was given: a false all-clear. It now exits 2,
//! at any severity, unless a definite finding fails the run first (exit
//! 1); `explain`, JSON and SARIF say which findings cannot tell.

use crate::common;

use common::{git, output_text, TempDir, UNPLACEABLE_JOB};

/// A job every world places: pinned image, written resources.
const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25.3\"\n      }\n      resources {\n        cpu    = 200\n        memory = 256\n      }\n    }\n  }\n}\n";

/// A world that states no Nomad release (NP216 for every job), one client.
fn unstated_release(name: &str) -> TempDir {
    let d = TempDir::new(name);
    d.put(
        "rules/cluster.hcl",
        "region = \"global\"\n\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n",
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d.put("jobs/web.nomad", WEB);
    d
}

/// The demo's quota-devices world: `jobs/train.nomad` asks a GPU under a
/// quota that limits devices (NP307).
fn device_quota(name: &str) -> TempDir {
    let d = TempDir::new(name);
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quota-devices");
    common::copy_dir(&fixture, &d.0);
    d
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&String::from_utf8_lossy(&o.stdout)).expect("a JSON document")
}

/// `check ARGS` on `d` exits 2 and says "cannot tell" for `code`, in the
/// stderr line, in JSON and in SARIF.
fn assert_cannot_tell(d: &TempDir, args: &[&str], code: &str, what: &str) {
    let run = |format: &str| {
        let mut a = vec!["check", "--format", format];
        a.extend_from_slice(args);
        d.run(&a)
    };
    let o = run("human");
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{what}: {text}");
    assert!(
        stderr(&o).contains(&format!(
            "error: cannot tell: 1 finding(s) ({code}) say Nomad's answer depends on what nomad-preflight cannot know"
        )),
        "{what}: {text}"
    );
    let o = run("json");
    assert_eq!(o.status.code(), Some(2), "{what}: {}", output_text(&o));
    let doc = json(&o);
    let found: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect();
    assert_eq!(found.len(), 1, "{what}: {doc}");
    assert_eq!(found[0]["cannot_tell"], true, "{what}: {doc}");
    // Definite findings carry no mark.
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] != code)
            .all(|f| f.get("cannot_tell").is_none()),
        "{what}: {doc}"
    );
    let o = run("sarif");
    assert_eq!(o.status.code(), Some(2), "{what}: {}", output_text(&o));
    let doc = json(&o);
    let run0 = &doc["runs"][0];
    let result = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == code)
        .expect("the finding in SARIF");
    assert_eq!(result["properties"]["cannotTell"], true, "{what}: {doc}");
    let rule = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == code)
        .expect("the rule in SARIF");
    assert_eq!(rule["properties"]["answer"], "cannot-tell", "{doc}");
}

/// Exit 2 for the finding as the rule reports it, under a configuration
/// that lowers it to a warning, and under `--exit-zero`; exit 1 once a
/// definite error (NP201 of `jobs/bad.nomad`) is found beside it.
fn assert_precedence(d: &TempDir, file: &str, code: &str) {
    assert_cannot_tell(d, &[file], code, "as reported");
    assert_cannot_tell(d, &["--exit-zero", file], code, "--exit-zero");
    d.put(
        ".nomad-preflight.hcl",
        &format!("lint {{\n  rule \"{code}\" {{ severity = \"warning\" }}\n}}\n"),
    );
    assert_cannot_tell(d, &[file], code, "lowered to a warning");
    std::fs::remove_file(d.0.join(".nomad-preflight.hcl")).unwrap();
    d.put("jobs/bad.nomad", UNPLACEABLE_JOB);
    let o = d.run(&["check", file, "jobs/bad.nomad"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    // The definite error decides the code; the "cannot tell" is still said.
    assert!(text.contains("NP201"), "{text}");
    assert!(stderr(&o).contains(&format!("({code}) say")), "{text}");
    std::fs::remove_file(d.0.join("jobs/bad.nomad")).unwrap();
}

/// NP2xx: NP216 (the world states no release).
#[test]
fn a_capacity_cannot_tell_exits_2_at_any_level() {
    let d = unstated_release("cannot-tell-np216");
    assert_precedence(&d, "jobs/web.nomad", "NP216");
}

/// NP3xx: NP307 (a device ask under a quota that limits devices).
#[test]
fn a_quota_cannot_tell_exits_2_at_any_level() {
    let d = device_quota("cannot-tell-np307");
    assert_precedence(&d, "jobs/train.nomad", "NP307");
}

/// `explain` and `rules --format json` say which rules cannot tell.
#[test]
fn explain_and_rules_name_the_cannot_tell_rules() {
    let d = TempDir::new("cannot-tell-explain");
    let o = d.run(&["explain", "NP307"]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains("\n\nCannot tell: every finding of this rule means Nomad's answer depends on what nomad-preflight cannot know; `check` exits 2"),
        "{text}"
    );
    let o = d.run(&["explain", "NP217"]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains("\n\nCannot tell when the world does not say which edition the servers run"),
        "{text}"
    );
    let o = d.run(&["explain", "NP201"]);
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("Cannot tell"),
        "{}",
        output_text(&o)
    );
    let o = d.run(&["rules", "--format", "json"]);
    let doc = json(&o);
    let answer = |code: &str| {
        doc.as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .map(|r| r["answer"].clone())
            .unwrap()
    };
    let untold: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["answer"] == "cannot-tell")
        .filter_map(|r| r["code"].as_str())
        .filter(|c| c.starts_with("NP"))
        .collect();
    assert_eq!(
        untold,
        [
            "NP211", "NP213", "NP215", "NP216", "NP218", "NP220", "NP223", "NP224", "NP225",
            "NP307", "NP308"
        ],
        "{doc}"
    );
    assert_eq!(answer("NP217"), "cannot-tell-when");
    assert_eq!(answer("NP201"), "definite");
    // A job file diagnostic that cannot tell says so; Nomad's refusals do not.
    assert_eq!(answer("jobspec::budget"), "cannot-tell");
    assert_eq!(answer("hcl::syntax"), serde_json::Value::Null);
}

/// In `check --base`, a suppression the change adds silences no "cannot
/// tell", even one the base's policy lowers to a warning (NP002): it
/// silenced it, exit 0, as it silences a warning.
#[test]
fn a_suppression_a_change_adds_silences_no_cannot_tell() {
    let d = unstated_release("cannot-tell-np002");
    d.put(
        "rules/policy.hcl",
        "rule \"NP216\" {\n  severity = \"warning\"\n}\n",
    );
    // The policy's level alone: still "cannot tell".
    let o = d.run(&["check", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put(
        "jobs/web.nomad",
        &WEB.replace(
            "job \"web\" {",
            "job \"web\" { # preflight:ignore NP216 the release is known",
        ),
    );
    let o = d.run(&["check", "--base", "HEAD", "--format", "json"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    let doc = json(&o);
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"NP002"), "{doc}");
    assert!(codes.contains(&"NP216"), "{doc}");
    // Guard: at commit time the committer is trusted, and the suppression
    // silences it as any other.
    git(&d.0, &["add", "-A"]);
    let o = d.run(&["check", "--staged"]);
    assert_eq!(o.status.code(), Some(0), "{}", output_text(&o));
}
