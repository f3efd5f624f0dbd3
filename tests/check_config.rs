//! `.nomad-preflight.hcl`, the standalone lint configuration: found from
//! the current folder upwards (never above the project), usable without a
//! world, every key and rule checked, and in `check --base` unable to
//! silence the change that edits it.

use crate::common;

use common::TempDir as Dir;

use common::UNPLACEABLE_JOB as BAD;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run_at(d: &Dir, sub: &str, args: &[&str]) -> (i32, String, String) {
    let args: Vec<&str> = ["check", "--output-format", "concise"]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    let o = d.run_at(sub, &args);
    (
        o.status.code().unwrap_or(-1),
        text(&o.stdout),
        text(&o.stderr),
    )
}

#[test]
fn without_a_world_the_file_selects_ignores_and_sets_severities() {
    let d = Dir::new("config-noworld");
    d.put("jobs/bad.nomad", BAD);
    let (code, out, _) = run_at(&d, "", &["jobs"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("NP201 [error]") && out.contains("NP102"),
        "{out}"
    );
    d.put(
        ".nomad-preflight.hcl",
        "lint {\n  ignore = [\"NP102\"]\n  rule \"NP201\" { severity = \"warning\" }\n}\n",
    );
    let (code, out, _) = run_at(&d, "", &["jobs"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("NP201 [warning]") && !out.contains("NP102"),
        "{out}"
    );
    // Found from a sub-folder too.
    let (code, out, _) = run_at(&d, "jobs", &["bad.nomad"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("NP102"), "{out}");
    // The command line's --select replaces the file's selection (ruff).
    let (_, out, _) = run_at(&d, "", &["--select", "NP102", "jobs"]);
    assert!(out.contains("NP102") && !out.contains("NP201"), "{out}");
    // --extend-select keeps the file's ignores it does not name.
    let (_, out, _) = run_at(&d, "", &["--extend-select", "NP2", "jobs"]);
    assert!(!out.contains("NP102") && out.contains("NP201"), "{out}");
    let (_, out, _) = run_at(&d, "", &["--extend-select", "NP102", "jobs"]);
    assert!(out.contains("NP102"), "{out}");
}

#[test]
fn unknown_keys_and_rules_are_located_errors_with_did_you_mean() {
    let d = Dir::new("config-unknown");
    d.put("a.nomad", BAD);
    d.put(
        ".nomad-preflight.hcl",
        "lint {\n  extend-select = [\"NP101\"]\n  ignore = [\"NP1O2\"]\n}\n",
    );
    let (code, out, err) = run_at(&d, "", &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(".nomad-preflight.hcl:2:3"), "{err}");
    assert!(err.contains("did you mean `extend_select`?"), "{err}");
    assert!(err.contains(".nomad-preflight.hcl:3:"), "{err}");
    assert!(err.contains("did you mean `NP102`?"), "{err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn exclude_and_include_shape_folder_walks_but_not_named_files() {
    let d = Dir::new("config-walk");
    d.put("legacy/old.nomad", BAD);
    d.put("deploy/web.tpl", BAD);
    d.put(
        ".nomad-preflight.hcl",
        "include = [\"deploy/*.tpl\"]\nexclude = [\"legacy/**\"]\n",
    );
    let (_, out, _) = run_at(&d, "", &[]);
    assert!(out.contains("deploy/web.tpl:"), "{out}");
    assert!(!out.contains("legacy/old.nomad"), "{out}");
    let (_, out, _) = run_at(&d, "", &["legacy/old.nomad"]);
    assert!(out.contains("legacy/old.nomad:"), "{out}");
}

#[test]
fn a_file_above_the_repository_does_not_configure_it() {
    let d = Dir::new("config-above");
    d.put(".nomad-preflight.hcl", "lint {\n  ignore = [\"ALL\"]\n}\n");
    d.put("repo/a.nomad", BAD);
    common::git(&d.0.join("repo"), &["init", "-q"]);
    let (code, out, _) = run_at(&d, "repo", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NP201"), "{out}");
}

#[test]
fn a_change_cannot_silence_its_own_gate_by_editing_the_file() {
    let d = Dir::demo("config-base");
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d.put("jobs/bad.nomad", BAD);
    d.put(
        ".nomad-preflight.hcl",
        "exclude = [\"jobs/bad.nomad\"]\nlint {\n  ignore = [\"NP201\", \"NP002\"]\n  rule \"NP201\" { severity = \"advice\" }\n}\n",
    );
    let (code, out, err) = run_at(&d, "", &["--base", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("jobs/bad.nomad:3:9: NP201 [error]"), "{out}");
    assert!(out.contains("NP002 [error] .nomad-preflight.hcl"), "{out}");
    // At commit time the committer is trusted.
    common::git(&d.0, &["add", "-A"]);
    let (code, out, _) = run_at(&d, "", &["--staged"]);
    assert_eq!(code, 0, "{out}");
    // The same configuration landed on the base first works.
    common::git(&d.0, &["reset", "-q"]);
    common::git(&d.0, &["add", ".nomad-preflight.hcl"]);
    common::git(&d.0, &["commit", "-qm", "config"]);
    let (code, out, _) = run_at(&d, "", &["--base", "main"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("in 0 files"), "{out}");
}

/// `plan --changed` follows the file's `include` as `check` does, but not
/// its `exclude`: that is a lint setting, and the policy gate still plans
/// an excluded changed job file, naming it (redteam6 G10;
/// tests/plan_gate_excluded.rs). A changed `.tpl` that opens a job block is
/// a job file by its text, with or without an `include`
/// (tests/gate_job_files_by_text.rs).
#[test]
fn plan_changed_follows_include_and_plans_what_exclude_leaves_out_of_check() {
    let d = Dir::demo("config-plan-changed");
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d.put("deploy/web.tpl", &BAD.replace("job \"bad\"", "job \"web\""));
    d.put(
        "legacy/old.nomad",
        &BAD.replace("job \"bad\"", "job \"old\""),
    );
    let plan = |args: &[&str]| {
        let o = d.run(&[&["plan", "--changed"][..], args].concat());
        format!("{}{}", text(&o.stdout), text(&o.stderr))
    };
    // No configuration: both are job files, the .tpl by its text.
    common::git(&d.0, &["add", "-A"]);
    for out in [plan(&["--staged"]), plan(&["--base", "main"])] {
        assert!(out.contains("legacy/old.nomad"), "{out}");
        assert!(out.contains("deploy/web.tpl"), "{out}");
    }
    d.put(
        ".nomad-preflight.hcl",
        "include = [\"deploy/*.tpl\"]\nexclude = [\"legacy/**\"]\n",
    );
    common::git(&d.0, &["add", "-A"]);
    let out = plan(&["--staged"]);
    assert!(out.contains("deploy/web.tpl"), "{out}");
    assert!(out.contains("==> legacy/old.nomad (added"), "{out}");
    assert!(
        out.contains("legacy/old.nomad: .nomad-preflight.hcl's `exclude` leaves it out of `check`"),
        "{out}"
    );
    let (_, checked, _) = run_at(&d, "", &["--staged"]);
    assert!(checked.contains("deploy/web.tpl:"), "{checked}");
    assert!(!checked.contains("legacy/old.nomad"), "{checked}");
    // Under --base the base's file (none) must exclude a path too, so the
    // change cannot drop its own job file.
    let out = plan(&["--base", "main"]);
    assert!(out.contains("deploy/web.tpl"), "{out}");
    assert!(out.contains("legacy/old.nomad"), "{out}");
}

/// A sub-folder's own file is never silently left unread: run from the
/// top it is refused (exit 2, naming both files), run from the sub-folder
/// it applies.
#[test]
fn a_nearer_file_than_the_one_read_is_refused_not_ignored() {
    let d = Dir::new("config-nested");
    d.put(".nomad-preflight.hcl", "exclude = [\"z/**\"]\n");
    d.put(
        "team/.nomad-preflight.hcl",
        "lint {\n  ignore = [\"ALL\"]\n}\n",
    );
    d.put("team/a.nomad", BAD);
    let (code, out, err) = run_at(&d, "", &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("config::unread"), "{err}");
    assert!(
        err.contains("team/.nomad-preflight.hcl is the configuration nearest to team/a.nomad"),
        "{err}"
    );
    let (code, out, err) = run_at(&d, "team", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("NP201"), "{out}");
}
