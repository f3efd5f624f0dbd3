//! Every early exit under a machine format prints a document on stdout
//! (stop56-note, Left 2). A world that does not load, a revision git does
//! not have, a rehearsal file that cannot be read, a flag's file that
//! cannot be read: each said so on stderr and in the exit code only, and
//! left stdout empty, which a CI step parsing stdout reads as nothing to
//! report. Now `plan` (JSON, Markdown; one file or `--changed`), `check`
//! (JSON, SARIF, GitHub, Markdown) and `rehearse` (JSON) print a
//! well-formed document saying they cannot tell, naming the input
//! relative to the project and escaped as stderr escapes it, with the
//! exit code they had (255, 2, 2).

use crate::common;

use common::{git, output_text, TempDir};

const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25.3\"\n      }\n      resources {\n        cpu    = 200\n        memory = 256\n      }\n    }\n  }\n}\n";

/// A world whose cluster.hcl does not parse (line 2), beside a job file.
const BROKEN_CLUSTER: &str = "region = \"global\"\nclient \"c\" {\n";

fn broken_world(name: &str) -> TempDir {
    let d = TempDir::new(name);
    d.put("rules/cluster.hcl", BROKEN_CLUSTER);
    d.put("jobs/web.nomad", WEB);
    d
}

/// [`broken_world`] committed, with an edit of the job file staged.
fn broken_world_committed(name: &str) -> TempDir {
    let d = broken_world(name);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d.put("jobs/web.nomad", &WEB.replace("200", "300"));
    git(&d.0, &["add", "jobs/web.nomad"]);
    d
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stdout as JSON, with the exit code asserted first.
fn doc(o: &std::process::Output, code: i32, what: &str) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(code), "{what}: {}", output_text(o));
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is no JSON document ({e}): {}",
            output_text(o)
        )
    })
}

/// `plan`'s document: `Preflight.CannotTell`, the one line naming the
/// input, and the diagnostics located in it.
fn assert_plan_untold(v: &serde_json::Value, what: &str, line_start: &str, file: Option<&str>) {
    let p = &v["Preflight"];
    assert_eq!(p["CannotTell"], true, "{what}: {v}");
    let error = p["Error"].as_str().unwrap_or_default();
    assert!(error.starts_with(line_start), "{what}: {error}");
    assert!(!error.contains('\n'), "{what}: one line: {error}");
    if let Some(file) = file {
        assert!(error.contains(&format!(": {file}:2:")), "{what}: {error}");
        assert_eq!(p["Diagnostics"][0]["File"], file, "{what}: {v}");
    }
    assert!(v.get("Diff").is_none(), "{what}: no plan: {v}");
}

#[test]
fn plan_says_a_world_that_does_not_load_in_json_and_markdown() {
    let d = broken_world("untold-plan");
    let o = d.run(&["plan", "jobs/web.nomad", "--format", "json"]);
    let v = doc(&o, 255, "plan --format json");
    assert_plan_untold(
        &v,
        "plan",
        "error: cannot tell what `nomad job plan` prints: ",
        Some("rules/cluster.hcl"),
    );
    // Named from the project, never by the folder above it.
    let root = d.0.display().to_string();
    assert!(!stdout(&o).contains(&root), "{}", stdout(&o));
    // Stderr is as it was: the located diagnostic.
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("world::syntax"),
        "{}",
        output_text(&o)
    );

    let o = d.run(&["plan", "jobs/web.nomad", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let md = stdout(&o);
    assert!(md.starts_with("### nomad-preflight: plan\n"), "{md}");
    assert!(
        md.contains("**cannot tell**: cannot tell what &#96;nomad job plan&#96; prints: rules/cluster.hcl:2:"),
        "{md}"
    );
}

#[test]
fn plan_changed_says_a_revision_git_lacks_and_a_world_that_does_not_load() {
    let d = broken_world_committed("untold-plan-changed");
    let o = d.run(&[
        "plan",
        "--changed",
        "--base",
        "no-such-ref",
        "--format",
        "json",
    ]);
    let v = doc(&o, 255, "plan --changed --base no-such-ref");
    assert_eq!(v["Base"], "no-such-ref", "{v}");
    assert_eq!(v["Plans"], serde_json::json!([]), "{v}");
    assert_plan_untold(
        &v,
        "bad ref",
        "error: cannot tell what this change does to the cluster: revision \"no-such-ref\" does not exist",
        None,
    );
    assert_eq!(v["Preflight"]["Diagnostics"][0]["Code"], "git::rev", "{v}");

    let o = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "json",
    ]);
    let v = doc(&o, 255, "plan --changed --staged");
    assert_eq!(v["Base"], "HEAD", "{v}");
    assert_plan_untold(
        &v,
        "staged",
        "error: cannot tell what this change does to the cluster: ",
        // A file read from git is named as stderr names it: `REV:path`.
        Some("HEAD:rules/cluster.hcl"),
    );

    let o = d.run(&["plan", "--changed", "--staged", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let md = stdout(&o);
    assert!(
        md.starts_with("### nomad-preflight: plans of changed jobs against &#96;HEAD&#96;"),
        "{md}"
    );
    assert!(md.contains("**cannot tell**: "), "{md}");
}

#[test]
fn check_says_a_world_that_does_not_load_in_every_machine_format() {
    let d = broken_world("untold-check");
    let o = d.run(&["check", "--format", "json"]);
    let v = doc(&o, 2, "check --format json");
    let f = &v["findings"][0];
    assert_eq!(
        (f["code"].as_str(), f["file"].as_str(), f["line"].as_u64()),
        (Some("world::syntax"), Some("rules/cluster.hcl"), Some(2)),
        "{v}"
    );
    assert_eq!(f["cannot_tell"], true, "{v}");
    assert_eq!(v["summary"]["files"], 0, "{v}");
    assert_eq!(v["summary"]["errors"], 1, "{v}");

    let o = d.run(&["check", "--format", "sarif"]);
    let v = doc(&o, 2, "check --format sarif");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "world::syntax", "{r}");
    assert_eq!(r["properties"]["cannotTell"], true, "{r}");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "rules/cluster.hcl",
        "{r}"
    );

    let o = d.run(&["check", "--format", "github"]);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    let gh = stdout(&o);
    assert!(
        gh.starts_with("::error file=rules/cluster.hcl,line=2,"),
        "{gh}"
    );
    assert!(
        gh.contains(",title=world%3A%3Asyntax (cannot tell)::invalid HCL"),
        "{gh}"
    );

    let o = d.run(&["check", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    let md = stdout(&o);
    assert!(
        md.contains("| ❌ | `world::syntax` | `rules/cluster.hcl:2` | **cannot tell**: "),
        "{md}"
    );
}

#[test]
fn check_staged_and_base_say_the_world_at_head_and_a_missing_revision() {
    let d = broken_world_committed("untold-check-git");
    let o = d.run(&["check", "--staged", "--format", "json"]);
    let v = doc(&o, 2, "check --staged");
    assert_eq!(v["findings"][0]["file"], "rules/cluster.hcl", "{v}");
    assert_eq!(v["findings"][0]["cannot_tell"], true, "{v}");

    let o = d.run(&["check", "--base", "no-such-ref", "--format", "sarif"]);
    let v = doc(&o, 2, "check --base no-such-ref --format sarif");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "git::rev", "{r}");
    assert_eq!(r["properties"]["cannotTell"], true, "{r}");
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("revision \"no-such-ref\" does not exist"),
        "{r}"
    );
}

/// A flag's file named with a control sequence: the annotation escapes it
/// as stderr does, and the run still exits 2.
#[test]
fn check_says_an_unreadable_var_file_escaped() {
    let d = TempDir::demo("untold-check-var");
    let o = d.run(&[
        "check",
        "--format",
        "github",
        "--var-file",
        "vars\u{1b}[31m.hcl",
        "jobs",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    let gh = stdout(&o);
    assert!(
        gh.starts_with("::error title=check%3A%3Ausage (cannot tell)::cannot read --var-file vars\\x1b[31m.hcl: "),
        "{gh}"
    );
    assert!(!gh.contains('\u{1b}'), "{gh}");
}

#[test]
fn rehearse_says_a_world_that_does_not_load_and_an_unreadable_rehearsal() {
    let d = broken_world("untold-rehearse");
    let o = d.run(&["rehearse", "--format", "json", "--samples", "0"]);
    let v = doc(&o, 2, "rehearse, broken world");
    assert_eq!(v["cannot_tell"], true, "{v}");
    assert_eq!(v["summary"]["all_clear"], false, "{v}");
    assert_eq!(v["steps"], serde_json::json!([]), "{v}");
    assert_eq!(v["diagnostics"][0]["file"], "rules/cluster.hcl", "{v}");
    assert!(
        v["error"].as_str().unwrap_or_default().starts_with(
            "error: cannot tell whether the rehearsal goes as scripted: rules/cluster.hcl:2:"
        ),
        "{v}"
    );

    let d = TempDir::demo("untold-rehearse-file");
    let o = d.run(&[
        "rehearse",
        "missing.hcl",
        "--format",
        "json",
        "--samples",
        "0",
    ]);
    let v = doc(&o, 2, "rehearse, no rehearsal file");
    assert_eq!(v["diagnostics"][0]["code"], "io::read", "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot read the rehearsal file"),
        "{v}"
    );
}

/// A guard (the text formats were already so): the human and text
/// formats say an exit on stderr only.
#[test]
fn text_formats_keep_stdout_empty() {
    let d = broken_world("untold-text");
    for args in [
        &["plan", "jobs/web.nomad"][..],
        &["check"],
        &["rehearse", "--samples", "0"],
    ] {
        let o = d.run(args);
        assert_ne!(o.status.code(), Some(0), "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
}

/// `--nomad-dir` that is no folder is refused once the command line is
/// read, before any command runs: said in the command's format too, with
/// the usage exit code it had.
#[test]
fn a_nomad_dir_that_is_no_folder_is_said_in_the_format_asked() {
    let d = TempDir::demo("untold-nomad-dir");
    let o = d.run(&[
        "plan",
        "--nomad-dir",
        "nowhere",
        "jobs/sockshop.nomad",
        "--format",
        "json",
    ]);
    let v = doc(&o, 255, "plan --nomad-dir nowhere");
    assert_plan_untold(
        &v,
        "plan --nomad-dir",
        "error: cannot tell what `nomad job plan` prints: --nomad-dir nowhere: no such folder",
        None,
    );
    let o = d.run(&["check", "--nomad-dir", "nowhere", "--format", "json"]);
    let v = doc(&o, 2, "check --nomad-dir nowhere");
    assert_eq!(v["findings"][0]["code"], "cli::nomad-dir", "{v}");
    assert_eq!(v["findings"][0]["cannot_tell"], true, "{v}");
}

/// One client, `cluster_extra` among cluster.hcl's settings, and
/// `web.nomad` (in namespace `namespace` when given).
fn one_client(name: &str, cluster_extra: &str, namespace: Option<&str>) -> TempDir {
    let d = TempDir::new(name);
    d.put(
        "rules/cluster.hcl",
        &format!("region = \"global\"\n{cluster_extra}\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n"),
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    let job = match namespace {
        Some(ns) => WEB.replacen(
            "job \"web\" {\n",
            &format!("job \"web\" {{\n  namespace = \"{ns}\"\n"),
            1,
        ),
        None => WEB.to_string(),
    };
    d.put("web.nomad", &job);
    d
}

/// `plan FILE --format markdown` printed nothing for a plan it cannot
/// tell, or one the servers refuse: its table's heading and the line now.
#[test]
fn plan_markdown_says_a_plan_it_cannot_tell_and_a_refusal() {
    // No nomad_version: whether the job is accepted cannot be known.
    let d = one_client("untold-md-version", "", None);
    let o = d.run(&["plan", "web.nomad", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let md = stdout(&o);
    assert!(md.starts_with("### nomad-preflight: plan\n\n**cannot tell**: the world does not say which Nomad release it runs"), "{md}");
    let v = doc(
        &d.run(&["plan", "web.nomad", "--format", "json"]),
        255,
        "plan --format json, no release",
    );
    assert_eq!(v["Preflight"]["CannotTell"], true, "{v}");

    // Nomad's own refusal is known: said as Nomad says it, no "cannot tell".
    let d = one_client(
        "untold-md-refused",
        "nomad_version = \"1.9.7\"",
        Some("nope"),
    );
    let o = d.run(&["plan", "web.nomad", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let md = stdout(&o);
    assert!(md.contains("**invalid**: Error during plan: "), "{md}");
    assert!(md.contains("nonexistent namespace \"nope\""), "{md}");
    let v = doc(
        &d.run(&["plan", "web.nomad", "--format", "json"]),
        255,
        "plan --format json, refused",
    );
    assert!(v["Preflight"].get("CannotTell").is_none(), "{v}");
    assert_eq!(v["Preflight"]["Admission"]["Admitted"], false, "{v}");
}

/// `--pre-commit` in the pre-push stage of a history whose root the
/// remote lacks (pre-commit exports the branch's names, no refs), with no
/// `refs/remotes/origin/HEAD` here: the run cannot tell (R16-41). `check`
/// said so on stderr only and exited 255, `plan`'s code, with stdout empty
/// under every machine format (rv-b); `plan`'s document named `"Base":
/// "HEAD"`, a revision nothing was judged against.
fn unranged_push(d: &TempDir, args: &[&str]) -> std::process::Output {
    std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .arg("--no-color")
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("PRE_COMMIT_FROM_REF")
        .env_remove("PRE_COMMIT_TO_REF")
        .env("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/master")
        .env("PRE_COMMIT_REMOTE_NAME", "origin")
        .output()
        .expect("the binary runs")
}

fn committed_demo(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    git(&d.0, &["init", "-q", "-b", "master"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "demo"]);
    d
}

#[test]
fn check_pre_commit_push_without_a_range_says_it_in_every_machine_format() {
    let d = committed_demo("untold-push-check");
    let o = unranged_push(&d, &["check", "--pre-commit", "--format", "json"]);
    let v = doc(&o, 2, "check --pre-commit --format json");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "pre_commit::no-range", "{v}");
    assert_eq!(f["cannot_tell"], true, "{v}");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("refs/heads/master was not judged")),
        "{v}"
    );
    assert_eq!(v["summary"]["files"], 0, "{v}");

    let o = unranged_push(&d, &["check", "--pre-commit", "--format", "sarif"]);
    let v = doc(&o, 2, "check --pre-commit --format sarif");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "pre_commit::no-range", "{r}");
    assert_eq!(r["properties"]["cannotTell"], true, "{r}");

    let o = unranged_push(&d, &["check", "--pre-commit", "--format", "github"]);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    let gh = stdout(&o);
    assert!(gh.starts_with("::error "), "{gh}");
    assert!(
        gh.contains("pre_commit%3A%3Ano-range (cannot tell)"),
        "{gh}"
    );

    let o = unranged_push(&d, &["check", "--pre-commit", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    let md = stdout(&o);
    assert!(
        md.contains("`pre_commit::no-range`") && md.contains("**cannot tell**"),
        "{md}"
    );
}

#[test]
fn plan_pre_commit_push_without_a_range_names_no_base() {
    let d = committed_demo("untold-push-plan");
    let args = ["plan", "--changed", "--pre-commit", "--gate", "--format"];
    let o = unranged_push(&d, &[&args[..], &["json"]].concat());
    let v = doc(&o, 255, "plan --changed --pre-commit --format json");
    assert_eq!(v["Base"], serde_json::Value::Null, "{v}");
    assert_eq!(v["Plans"], serde_json::json!([]), "{v}");
    assert_eq!(v["Preflight"]["CannotTell"], true, "{v}");
    assert_eq!(
        v["Preflight"]["Diagnostics"][0]["Code"], "pre_commit::no-range",
        "{v}"
    );
    let o = unranged_push(&d, &[&args[..], &["markdown"]].concat());
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let md = stdout(&o);
    assert!(
        md.starts_with("### nomad-preflight: plans of changed jobs\n"),
        "{md}"
    );
    assert!(!md.contains("HEAD"), "{md}");
}
