//! A second definition of a job is rule NP229 (`defined-twice`, stop 59
//! Left 2): `explain` prints it, and the operator's `--ignore`, the
//! policy's levels and a trusted suppression comment silence it as any
//! rule's, while a pull request's own `.nomad-preflight.hcl` or comment
//! cannot (NP002). For a protected job it is the plan gate's refusal
//! (`policy::defined-twice`), which nothing in the change and no
//! `--ignore` silences. Before, it was `job::defined-twice`, no rule:
//! `--ignore` refused the code, `explain` knew nothing of it.

use crate::common;
use crate::gate_defined_twice::{protected_repo, repo, WORDS, ZZ};

use common::{git, output_text, TempDir};

/// `check ARGS --format json`'s (code, severity) pairs and exit code.
fn codes(d: &TempDir, args: &[&str]) -> (Vec<(String, String)>, Option<i32>, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = d.run(&all);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", output_text(&out)));
    let found = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (found, out.status.code(), output_text(&out))
}

fn has(found: &[(String, String)], code: &str) -> bool {
    found.iter().any(|(c, _)| c == code)
}

#[test]
fn explain_and_rules_know_np229() {
    let d = TempDir::new("twice-explain");
    for name in ["NP229", "defined-twice"] {
        let out = d.run(&["explain", name]);
        let s = output_text(&out);
        assert_eq!(out.status.code(), Some(0), "{s}");
        assert!(s.starts_with("NP229 defined-twice (default: error)"), "{s}");
        assert!(s.contains("policy::defined-twice"), "{s}");
    }
    let out = d.run(&["rules"]);
    assert!(
        output_text(&out).contains("NP229  defined-twice"),
        "{}",
        output_text(&out)
    );
}

/// An unprotected job: the operator's `--ignore` and the policy's level
/// silence it; a comment already committed does too.
#[test]
fn an_unprotected_second_definition_is_a_rule_the_operator_can_silence() {
    let d = repo("twice-rule-ignore", "\"sockshopui\"");
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let (found, code, text) = codes(&d, &["--staged"]);
    assert!(has(&found, "NP229"), "{text}");
    assert_eq!(code, Some(1), "{text}");
    let (found, code, text) = codes(&d, &["--staged", "--ignore", "NP229"]);
    assert!(!has(&found, "NP229"), "{text}");
    assert_eq!(code, Some(0), "{text}");
    // The world's policy lowers it to a warning.
    let policy = std::fs::read_to_string(d.0.join("rules/policy.hcl")).expect("policy");
    d.put(
        "rules/policy.hcl",
        &format!("{policy}\nrule \"defined-twice\" {{\n  severity = \"warning\"\n}}\n"),
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "zz, policy"]);
    let (found, code, text) = codes(&d, &[]);
    assert!(
        found.contains(&("NP229".into(), "warning".into())),
        "{text}"
    );
    assert_eq!(code, Some(0), "{text}");
}

/// On a pull request (`--base`), the change's own `.nomad-preflight.hcl`
/// and comment do not silence an unprotected job's NP229 (NP002), and do
/// not silence a protected job's refusal at all; nor does `--ignore`.
#[test]
fn a_change_cannot_silence_a_second_definition_and_ignore_never_opens_the_gate() {
    let d = repo("twice-rule-pr", "\"sockshopui\"");
    d.put(
        "jobs/zz.nomad",
        &format!("# preflight:ignore-file NP229\n{ZZ}"),
    );
    d.put(
        ".nomad-preflight.hcl",
        "exclude = [\"jobs/zz.nomad\"]\n\nlint {\n  ignore = [\"NP229\"]\n}\n",
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "zz"]);
    let (found, code, text) = codes(&d, &["--base", "main"]);
    assert!(has(&found, "NP229"), "{text}");
    assert!(has(&found, "NP002"), "{text}");
    assert_eq!(code, Some(1), "{text}");

    let d = protected_repo("twice-rule-protected");
    d.put(
        "jobs/zz.nomad",
        &format!("# preflight:ignore-file NP229\n{ZZ}"),
    );
    d.put(
        ".nomad-preflight.hcl",
        "lint {\n  ignore = [\"NP229\"]\n}\n",
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "zz"]);
    for args in [
        &["--base", "main"][..],
        &["--base", "main", "--ignore", "NP229"][..],
        &["--ignore", "NP229"][..],
    ] {
        let (found, code, text) = codes(&d, args);
        assert!(
            found.contains(&("policy::defined-twice".into(), "error".into())),
            "{args:?}: {text}"
        );
        assert_eq!(code, Some(1), "{args:?}: {text}");
    }
    let out = d.run(&["check", "--ignore", "NP229", "--output-format", "concise"]);
    let s = output_text(&out);
    assert!(
        s.contains(&format!(
            "jobs/zz.nomad:2:5: policy::defined-twice [error] {WORDS}"
        )),
        "{s}"
    );
}

/// A `select` list that does not name NP229 leaves it on (rv19-4): the
/// base's `.nomad-preflight.hcl` `select = ["NP101"]` and CI's
/// `--select NP4` chose other rules, and a second definition of a running
/// job passed, where main's `job::defined-twice` was always reported. An
/// explicit ignore still turns it off.
#[test]
fn a_select_that_omits_np229_does_not_silence_it() {
    let d = repo("twice-rule-select", "\"sockshopui\"");
    git(&d.0, &["checkout", "-q", "main"]);
    d.put(
        ".nomad-preflight.hcl",
        "lint {\n  select = [\"NP101\"]\n}\n",
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "select NP101"]);
    git(&d.0, &["checkout", "-q", "-B", "pr", "main"]);
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "zz"]);
    for args in [
        &["--base", "main"][..],
        &["--base", "main", "--select", "NP4"][..],
        &["--select", "NP4"][..],
    ] {
        let (found, code, text) = codes(&d, args);
        assert!(has(&found, "NP229"), "{args:?}: {text}");
        assert_eq!(code, Some(1), "{args:?}: {text}");
    }
    let (found, code, text) = codes(&d, &["--base", "main", "--ignore", "NP229"]);
    assert!(!has(&found, "NP229"), "{text}");
    assert_eq!(code, Some(0), "{text}");
}
