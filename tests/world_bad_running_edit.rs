//! A `running` file edited in the working tree so that it no longer loads
//! (redteam12 R12-9): README's "demo by hand" edits jobs/sockshop.nomad,
//! which the demo world runs, and plans it. Nomad refuses such an edit with
//! its own text (`Error getting job struct: …` for a file it cannot parse,
//! `Error during plan: …` for one Job.Validate refuses; command/job_plan.go)
//! and exit 255, while the cluster runs the version last submitted. The
//! world takes that version from git HEAD and says so; the plan of the file
//! is Nomad's refusal, exactly, never `world::bad-running-job`.

use crate::common;

use common::{git, TempDir};

/// The demo at Nomad `version` (cluster.hcl's `nomad_version`), committed
/// in a new repository.
fn demo_at(name: &str, version: &str) -> TempDir {
    let d = TempDir::demo(name);
    let cluster = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&cluster).expect("cluster.hcl");
    let text = text.replace(
        "nomad_version = \"0.9.3\"",
        &format!("nomad_version = \"{version}\""),
    );
    std::fs::write(&cluster, text).expect("write");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d
}

/// Edits of jobs/sockshop.nomad (working tree only).
enum Edit {
    /// A block left open at the end: HCL refuses to parse the file.
    Syntax,
    /// `count = -1` in group "user": it parses, Job.Validate refuses it.
    NegativeCount,
}

fn edit(d: &TempDir, e: Edit) {
    let path = d.0.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&path).expect("read");
    let edited = match e {
        Edit::Syntax => format!("{text}job \"x\" {{\n"),
        Edit::NegativeCount => text.replacen("count = 1", "count = -1", 1),
    };
    std::fs::write(&path, edited).expect("write");
}

/// Nomad's refusal of each edit at each release, as `nomad job plan`
/// prints it (the first stderr lines; what follows is our diagnostic).
fn refusal(version: &str, e: &Edit) -> &'static str {
    match (version, e) {
        ("0.9.3", Edit::Syntax) => "Error getting job struct: Error parsing job file from jobs/sockshop.nomad: error parsing: object expected closing RBRACE got: EOF",
        ("0.9.3", Edit::NegativeCount) => "Error during plan: Unexpected response code: 500 (1 error(s) occurred:\n\n* Task group user validation failed: 1 error(s) occurred:\n\n* Task group count can't be negative)",
        (_, Edit::Syntax) => "Error getting job struct: Error parsing job file from jobs/sockshop.nomad:\njobs/sockshop.nomad:475,9-10: Unclosed configuration block; There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
        (_, Edit::NegativeCount) => "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Task group user validation failed: 1 error occurred:\n\t* Task group count can't be negative)",
    }
}

/// `plan jobs/sockshop.nomad` after `e` at `version`: Nomad's refusal in
/// text and JSON, exit 255, no world error.
fn assert_refused(version: &str, e: Edit) {
    let tag = format!("bad-running-{version}-{}", matches!(e, Edit::Syntax));
    let d = demo_at(&tag, version);
    let want = refusal(version, &e);
    edit(&d, e);

    let o = d.run(&["plan", "jobs/sockshop.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(err.starts_with(&format!("{want}\n")), "{version}: {err}");
    assert!(!err.contains("bad-running-job"), "{version}: {err}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    let o = d.run(&["plan", "--format", "json", "jobs/sockshop.nomad"]);
    assert_eq!(o.status.code(), Some(255));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Error"], want, "{v}");
    let diags = v["Preflight"]["Diagnostics"].to_string();
    assert!(!diags.contains("bad-running-job"), "{diags}");
}

// Fails on main 9f5e7a1f: the world does not load (`world::bad-running-job`).
#[test]
fn a_syntax_error_in_a_running_file_is_nomads_parse_refusal_at_0_9_3() {
    assert_refused("0.9.3", Edit::Syntax);
}

// Fails on main 9f5e7a1f, as above.
#[test]
fn a_validation_error_in_a_running_file_is_nomads_plan_error_at_0_9_3() {
    assert_refused("0.9.3", Edit::NegativeCount);
}

// Fails on main 9f5e7a1f, as above (HCL2's parser, multierror's new list).
#[test]
fn a_syntax_error_in_a_running_file_is_nomads_parse_refusal_at_2_0_0() {
    assert_refused("2.0.0", Edit::Syntax);
}

// Fails on main 9f5e7a1f, as above.
#[test]
fn a_validation_error_in_a_running_file_is_nomads_plan_error_at_2_0_0() {
    assert_refused("2.0.0", Edit::NegativeCount);
}

const NOTE: &str = "note: the cluster is taken to run jobs/sockshop.nomad as git HEAD has it: the working tree's jobs/sockshop.nomad, listed in `running`, does not load";

// Fails on main 9f5e7a1f: every plan failed on the world. Another file
// planned (1.6.0 by --nomad-version: the world read again at it) is
// planned against HEAD's sockshop, said once on stderr and in
// `Preflight.Assumed`, with its usual exit code.
#[test]
fn another_plan_runs_the_committed_version_and_says_so() {
    let d = demo_at("bad-running-other", "0.9.3");
    let clean = d.run(&["plan", "jobs/monitoring.nomad"]);
    edit(&d, Edit::NegativeCount);
    let o = d.run(&["plan", "jobs/monitoring.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches(NOTE).count(), 1, "{err}");
    assert_eq!(o.status.code(), clean.status.code(), "{err}");
    assert_eq!(o.stdout, clean.stdout, "the plan is the committed world's");

    let o = d.run(&[
        "plan",
        "--nomad-version",
        "1.6.0",
        "--format",
        "json",
        "jobs/monitoring.nomad",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let assumed = v["Preflight"]["Assumed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let a = assumed
        .iter()
        .find(|a| a["Setting"] == "running_from_head")
        .unwrap_or_else(|| panic!("not assumed: {v}"));
    assert!(
        a["Note"].as_str().is_some_and(|n| NOTE
            .strip_prefix("note: ")
            .is_some_and(|t| n.starts_with(t))),
        "{a}"
    );
}

// Fails on main 9f5e7a1f: `check` on the edited file was a world error.
// Now the file's own finding, located, exit 1 (an error in the file), at
// two releases.
#[test]
fn check_on_the_edited_file_gives_its_own_findings() {
    for version in ["0.9.3", "2.0.0"] {
        let d = demo_at(&format!("bad-running-check-{version}"), version);
        edit(&d, Edit::NegativeCount);
        let o = d.run(&["check", "jobs/sockshop.nomad"]);
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{version}: {out}{err}");
        assert!(
            out.contains(
                "jobs/sockshop.nomad:16:5: jobspec::range [error] Task group user count can't be negative"
            ),
            "{version}: {out}"
        );
        assert!(
            !format!("{out}{err}").contains("bad-running-job"),
            "{out}{err}"
        );

        let o = d.run(&["check", "--format", "json", "jobs/sockshop.nomad"]);
        assert_eq!(o.status.code(), Some(1));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("jobspec::range"), "{text}");
        assert!(!text.contains("bad-running-job"), "{text}");
    }
}

// A guard (passes before and after): with no loadable version at HEAD
// (the broken edit committed) or without git, nothing else can be known of
// what runs, and the world error stands.
#[test]
fn without_a_loadable_head_the_world_error_stands() {
    let d = demo_at("bad-running-head", "0.9.3");
    edit(&d, Edit::NegativeCount);
    git(&d.0, &["commit", "-qam", "broken"]);
    let o = d.run(&["plan", "jobs/sockshop.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(err.contains("world::bad-running-job"), "{err}");

    let d = TempDir::demo("bad-running-nogit");
    edit(&d, Edit::Syntax);
    let o = d.run(&["plan", "jobs/monitoring.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(err.contains("world::bad-running-job"), "{err}");
}
