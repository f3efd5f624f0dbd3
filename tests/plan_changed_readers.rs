//! A change that edits only a file a job reads (`file()`, `fileset()`)
//! changes that job: Nomad is given a new template. The hook, `check
//! --staged` and `plan --changed` used to say "no job file changed" and
//! exit 0 for such a commit.

use crate::common;

use common::{run_in as run, TempDir};

const JOB: &str = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      template {
        data        = file("jobs/tpl/app.conf")
        destination = "local/app.conf"
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

/// A repository whose 1.6.0 world runs `jobs/web.nomad`, which reads
/// `jobs/tpl/app.conf` (relative to the top, where the tests run `nomad`:
/// Nomad reads relative paths from its working directory); committed.
fn repo(name: &str) -> TempDir {
    let dir = TempDir::new(&format!("readers-{name}"));
    dir.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nregion = \"global\"\n\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 4000\n  memory     = 4000\n}\n\nrunning = [\"jobs/web.nomad\"]\n",
    );
    dir.put("jobs/web.nomad", JOB);
    dir.put("jobs/tpl/app.conf", "listen 80\n");
    dir.put("README.md", "docs\n");
    common::git(&dir.0, &["init", "-q"]);
    common::git(&dir.0, &["add", "."]);
    common::git(&dir.0, &["commit", "-qm", "web"]);
    dir
}

#[test]
fn an_edited_template_plans_the_job_that_reads_it() {
    let dir = repo("edit");
    dir.put("jobs/tpl/app.conf", "listen 8080\n");
    common::git(&dir.0, &["add", "jobs/tpl/app.conf"]);
    let o = run(&dir.0, &["plan", "--changed", "--staged"]);
    assert!(
        o.stdout
            .contains("==> jobs/web.nomad (reads jobs/tpl/app.conf, which changed)\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // structs/diff.go templateDiff: EmbeddedTmpl is the file's text.
    assert!(
        o.stdout
            .contains("+/- EmbeddedTmpl:  \"listen 80\\n\" => \"listen 8080\\n\""),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("+/- Task: \"t\" (forces create/destroy update)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr
            .contains("note: jobs/web.nomad reads jobs/tpl/app.conf, which this change touches"),
        "{}",
        o.stderr
    );
    assert_eq!(o.code, 1, "allocations change: {}", o.stdout);

    let json = run(
        &dir.0,
        &["plan", "--changed", "--staged", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["Plans"][0]["File"], "jobs/web.nomad");
    assert_eq!(
        v["Plans"][0]["Change"],
        "reads jobs/tpl/app.conf, which changed"
    );
}

#[test]
fn a_deleted_template_fails_the_hook_and_the_gate() {
    let dir = repo("delete");
    common::git(&dir.0, &["rm", "-q", "jobs/tpl/app.conf"]);
    let check = run(&dir.0, &["check", "--staged"]);
    assert!(
        check.stdout.contains("jobs/web.nomad:") && check.stdout.contains("jobspec::file"),
        "{}{}",
        check.stdout,
        check.stderr
    );
    // go-cty-funcs readFileBytes: the path joined to where `nomad` runs
    // (jobspec2 ParseConfig.BaseDir "."), cleaned, unquoted.
    assert!(
        check.stdout.contains("no file exists at jobs/tpl/app.conf"),
        "{}",
        check.stdout
    );
    assert_eq!(check.code, 1, "{}", check.stdout);
    // On disk too: the folder as typed, not the absolute path, in
    // hclsyntax's words (FunctionCallExpr.Value adds the final period).
    let one = run(&dir.0, &["plan", "jobs/web.nomad"]);
    assert!(
        one.stderr
            .contains("Call to function \"file\" failed: no file exists at jobs/tpl/app.conf.\n"),
        "{}",
        one.stderr
    );
    assert_eq!(one.code, 255, "{}", one.stderr);
    let plan = run(&dir.0, &["plan", "--changed", "--staged", "--gate"]);
    assert!(plan.stdout.contains("1 invalid"), "{}", plan.stdout);
    assert_ne!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
}

#[test]
fn a_file_added_to_a_listed_folder_reaches_the_fileset_job() {
    let dir = repo("fileset");
    dir.put(
        "jobs/web.nomad",
        &JOB.replace(
            "file(\"jobs/tpl/app.conf\")",
            "join(\",\", fileset(\"jobs/tpl\", \"*.conf\"))",
        ),
    );
    common::git(&dir.0, &["commit", "-qam", "fileset"]);
    dir.put("jobs/tpl/extra.conf", "x\n");
    common::git(&dir.0, &["add", "jobs/tpl/extra.conf"]);
    let o = run(&dir.0, &["plan", "--changed", "--staged"]);
    assert!(
        o.stdout
            .contains("==> jobs/web.nomad (reads jobs/tpl/extra.conf, which changed)\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout
            .contains("+/- EmbeddedTmpl:  \"app.conf\" => \"app.conf,extra.conf\""),
        "{}",
        o.stdout
    );
}

#[test]
fn an_unrelated_change_reaches_no_job() {
    let dir = repo("unrelated");
    dir.put("README.md", "more docs\n");
    common::git(&dir.0, &["add", "README.md"]);
    let o = run(&dir.0, &["plan", "--changed", "--staged"]);
    assert!(o.stdout.contains("no job file changed"), "{}", o.stdout);
    assert!(!o.stderr.contains("reads"), "{}", o.stderr);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

/// `-var-file` is read by every load, on each side from that side's files:
/// a change to the variables file alone changes every job that uses it.
#[test]
fn a_changed_var_file_reaches_the_jobs_loaded_with_it() {
    let dir = repo("varfile");
    dir.put(
        "jobs/web.nomad",
        &format!(
            "variable \"image\" {{\n  default = \"nginx:1.25\"\n}}\n\n{}",
            JOB.replace("\"nginx:1.25\"", "var.image")
        ),
    );
    dir.put("prod.vars", "image = \"nginx:1.25\"\n");
    common::git(&dir.0, &["add", "."]);
    common::git(&dir.0, &["commit", "-qm", "vars"]);
    dir.put("prod.vars", "image = \"nginx:1.27\"\n");
    common::git(&dir.0, &["add", "prod.vars"]);
    let o = run(
        &dir.0,
        &["plan", "--changed", "--staged", "--var-file", "prod.vars"],
    );
    assert!(
        o.stdout
            .contains("==> jobs/web.nomad (reads prod.vars, which changed)\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout
            .contains("+/- image: \"nginx:1.25\" => \"nginx:1.27\""),
        "{}",
        o.stdout
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
}
