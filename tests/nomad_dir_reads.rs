//! A job file's relative `file()` paths are read from the folder `nomad`
//! runs in, not from the job file's folder (redteam15 R15-40): Nomad's CLI
//! hands jobspec2 only the file's base name (command/helpers.go
//! JobGetter.Get, `filepath.Base(jpath)`, v2.0.5:474), so its BaseDir is
//! `.` (jobspec2/parse.go normalize, v2.0.5:126-128). `nomad job plan
//! jobs/web.nomad` at the repository's top reads `file("conf/mem")` from
//! `./conf/mem`. A leading `~` is the home of whoever runs `nomad`
//! (go-cty-funcs readFileBytes and MakeFileExistsFunc call homedir.Expand,
//! v0.1.0:229 and :69): "cannot tell" (R15-41).

use crate::common;

use common::{run_in as run, TempDir};

/// A job whose memory is the number `conf/mem` holds, relative to where
/// `nomad` runs.
const JOB: &str = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      resources {
        cpu    = 100
        memory = parseint(trimspace(file("conf/mem")), 10)
      }
    }
  }
}
"#;

/// A 1.6.0 world of one client with 4000 MB, running `running`; the top's
/// `conf/mem` says 5000 (no room), `jobs/conf/mem` 100; committed.
fn repo(name: &str, running: &str) -> TempDir {
    let dir = TempDir::new(&format!("nomad-dir-{name}"));
    dir.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.6.0\"\nregion = \"global\"\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n}}\n\nrunning = [{running}]\n"),
    );
    dir.put("jobs/web.nomad", JOB);
    dir.put("conf/mem", "5000\n");
    dir.put("jobs/conf/mem", "100\n");
    common::git(&dir.0, &["init", "-q"]);
    common::git(&dir.0, &["add", "."]);
    common::git(&dir.0, &["commit", "-qm", "web"]);
    dir
}

const NO_ROOM: &str = "Dimension \"memory\" exhausted";
const PLACED: &str = "All tasks successfully allocated.";

/// `plan jobs/web.nomad` at the top reads `./conf/mem`, as `nomad job plan
/// jobs/web.nomad` there does; `plan web.nomad` in `jobs/` reads
/// `jobs/conf/mem`. Each says, once, which folder it read from.
#[test]
fn plan_reads_relative_paths_from_the_current_folder() {
    let dir = repo("plain", "");
    let top = run(&dir.0, &["plan", "jobs/web.nomad"]);
    assert!(top.stdout.contains(NO_ROOM), "{}{}", top.stdout, top.stderr);
    let note = "note: read the job file's relative file paths from ., where `nomad job plan` is taken to run";
    assert_eq!(top.stderr.matches(note).count(), 1, "{}", top.stderr);

    let sub = run(&dir.0.join("jobs"), &["plan", "web.nomad"]);
    assert!(sub.stdout.contains(PLACED), "{}{}", sub.stdout, sub.stderr);
    assert!(
        sub.stderr
            .contains("note: read the job file's relative file paths from jobs, where"),
        "{}",
        sub.stderr
    );

    let json = run(&dir.0, &["plan", "--format", "json", "jobs/web.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let assumed = v["Preflight"]["Assumed"].as_array().expect("Assumed");
    let entry = assumed
        .iter()
        .find(|a| a["Setting"] == "nomad_dir")
        .unwrap_or_else(|| panic!("{}", json.stdout));
    assert_eq!(entry["Folder"], ".");
}

/// A file missing from where `nomad` runs is named as Nomad names it:
/// relative to that folder, not the job file's.
#[test]
fn a_missing_file_is_named_from_where_nomad_runs() {
    let dir = repo("missing", "");
    std::fs::remove_file(dir.0.join("conf/mem")).expect("remove");
    let o = run(&dir.0, &["plan", "jobs/web.nomad"]);
    assert!(
        o.stderr.contains("no file exists at conf/mem."),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_ne!(o.code, 0);
}

/// `--nomad-dir` states where the deploy runs `nomad`, wherever the tool
/// runs; one that is no folder is a usage error.
#[test]
fn nomad_dir_names_where_the_deploy_runs_nomad() {
    let dir = repo("flag", "");
    let o = run(&dir.0, &["plan", "--nomad-dir", "jobs", "jobs/web.nomad"]);
    assert!(o.stdout.contains(PLACED), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("relative file paths from jobs, where `nomad job plan` is taken to run"),
        "{}",
        o.stderr
    );
    let bad = run(
        &dir.0,
        &["plan", "--nomad-dir", "nowhere", "jobs/web.nomad"],
    );
    assert!(
        bad.stderr.contains("--nomad-dir nowhere: no such folder"),
        "{}",
        bad.stderr
    );
    assert!(!bad.stdout.contains("Job:"), "{}", bad.stdout);
    assert_ne!(bad.code, 0);
}

/// The gates track the input at the path `nomad` reads: a staged edit of
/// `./conf/mem` changes `jobs/web.nomad`, in `check --staged` and in
/// `plan --changed --staged --gate`, read from the index.
#[test]
fn an_edit_of_the_top_folders_file_rejudges_the_job() {
    let dir = repo("gate", "\"jobs/web.nomad\"");
    // Committed: 100 at the top (room); the change stages 5000 (none).
    dir.put("conf/mem", "100\n");
    common::git(&dir.0, &["commit", "-qam", "room"]);
    dir.put("conf/mem", "5000\n");
    common::git(&dir.0, &["add", "conf/mem"]);
    // The working tree says 100 again: the index is what is judged.
    dir.put("conf/mem", "100\n");

    let check = run(&dir.0, &["check", "--staged"]);
    assert!(
        check
            .stderr
            .contains("note: jobs/web.nomad reads conf/mem, which this change touches"),
        "{}{}",
        check.stdout,
        check.stderr
    );
    assert!(check.stdout.contains("NP201"), "{}", check.stdout);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);

    let plan = run(&dir.0, &["plan", "--changed", "--staged", "--gate"]);
    assert!(
        plan.stdout
            .contains("==> jobs/web.nomad (reads conf/mem, which changed)\n"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    assert!(
        plan.stdout.contains("MemoryMB:    \"100\" => \"5000\""),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains(NO_ROOM), "{}", plan.stdout);
}

/// Against a base revision (CI's `check --base`), the edit of the top's
/// file in a commit reaches the job too.
#[test]
fn check_base_reads_the_top_folders_file_at_each_revision() {
    let dir = repo("base", "\"jobs/web.nomad\"");
    dir.put("conf/mem", "100\n");
    common::git(&dir.0, &["commit", "-qam", "room"]);
    dir.put("conf/mem", "5000\n");
    common::git(&dir.0, &["commit", "-qam", "no room"]);
    let o = run(&dir.0, &["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert!(
        o.stderr
            .contains("note: jobs/web.nomad reads conf/mem, which this change touches"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
}

/// `file("~/mem")` and `fileexists("~/mem")` read the home of whoever runs
/// `nomad`: "cannot tell", never a folder of the project named `~`;
/// `~user` is Nomad's own refusal.
#[test]
fn a_leading_tilde_is_the_home_of_whoever_runs_nomad() {
    let dir = repo("tilde", "");
    dir.put("~/mem", "100\n");
    for call in [
        "file(\"~/mem\")",
        "fileexists(\"~/mem\") ? \"100\" : \"200\"",
    ] {
        dir.put("jobs/home.nomad", &JOB.replace("file(\"conf/mem\")", call));
        let o = run(&dir.0, &["plan", "jobs/home.nomad"]);
        assert!(
            o.stderr.contains("cannot tell what ")
                && o.stderr
                    .contains("to the home directory of the machine that runs `nomad job plan`"),
            "{call}: {}{}",
            o.stdout,
            o.stderr
        );
        assert!(!o.stdout.contains(PLACED), "{call}: {}", o.stdout);
        assert_eq!(o.code, 255, "{call}: {}", o.stderr);
    }
    dir.put(
        "jobs/home.nomad",
        &JOB.replace("file(\"conf/mem\")", "file(\"~root/mem\")"),
    );
    let o = run(&dir.0, &["plan", "jobs/home.nomad"]);
    assert!(
        o.stderr
            .contains("failed to expand ~: cannot expand user-specific home dir"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
