//! R22-A-4: a job file's `file("/absolute/path")` (and `filebase64()`,
//! `fileexists()`, `fileset()`) read through a git revision. go-cty-funcs
//! readFileBytes, MakeFileExistsFunc and MakeFileSetFunc (filesystem.go
//! @v0.1.0, 2721b1e36840 for Nomad 1.0-1.9) take an absolute path as it
//! is, a file of the machine that runs `nomad job plan`: no revision holds
//! it. A hook reading the index answered with the staged blob at that path
//! in this clone, where `nomad` on this machine reads the disk (and a
//! deploy elsewhere its own file): "cannot tell" now, one line, in the
//! JSON and the exit code, as `abspath()` already is. Outside the project
//! the containment refusal stands; the working tree (this machine's files)
//! still reads an absolute path inside the project.

use crate::common;

use common::{flat, git, output_text, TempDir};

/// A job `name` whose memory is the number `expr` gives.
fn job(name: &str, expr: &str) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {expr}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// A 1.6.0 world of one 4000 MB client running `jobs/web.nomad` (64 MB),
/// committed; and the project's top, canonical (a job's absolute paths
/// must name it as the fence does).
fn repo(tag: &str) -> (TempDir, String) {
    let d = common::one_client_project(
        tag,
        "1.6.0",
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        &job("web", "64"),
    );
    d.put(
        "rules/cluster.hcl",
        &format!(
            "{}\nrunning = [\"jobs/web.nomad\"]\n",
            std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster")
        ),
    );
    d.put("conf/mem", "100\n");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    let top = std::fs::canonicalize(&d.0).expect("canonical");
    (d, top.to_string_lossy().into_owned())
}

const PLACED: &str = "All tasks successfully allocated.";
const NO_ROOM: &str = "Dimension \"memory\" exhausted";

/// The hook stages 200 MB at `conf/mem` and a job reading it by its
/// absolute path; the disk says 5000, which `nomad job plan` on this
/// machine reads (no room). The index's blob gave an all clear (exit 0);
/// each file function is "cannot tell" now, in `check --staged` and in
/// `plan --changed --staged --gate`, naming the index.
#[test]
fn an_absolute_path_in_the_index_cannot_tell() {
    let (d, top) = repo("abs-index");
    d.put("conf/mem", "200\n");
    let exprs = [
        format!("parseint(trimspace(file(\"{top}/conf/mem\")), 10)"),
        format!("length(filebase64(\"{top}/conf/mem\")) * 100"),
        format!("fileexists(\"{top}/conf/mem\") ? 200 : 9000"),
        format!("length(fileset(\"{top}/conf\", \"*\")) * 200"),
    ];
    for expr in &exprs {
        d.put("jobs/abs.nomad", &job("abs", expr));
        git(&d.0, &["add", "-A"]);
        d.put("conf/mem", "5000\n");

        let o = d.run(&["check", "--staged", "--format", "json"]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(2), "{expr}: {text}");
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {text}"));
        let found = v["findings"].as_array().expect("findings");
        let hit = found
            .iter()
            .find(|f| f["code"] == "jobspec::function-cannot-tell")
            .unwrap_or_else(|| panic!("{expr}: {text}"));
        assert_eq!(hit["cannot_tell"], true, "{expr}: {text}");
        assert_eq!(hit["file"], "jobs/abs.nomad", "{expr}: {text}");
        let msg = hit["message"].as_str().expect("message");
        assert!(
            msg.starts_with("cannot tell what file")
                && msg.contains(&format!("\"{top}/conf"))
                && msg.ends_with(
                    "is an absolute path, a file of the machine that runs `nomad job plan`, and this run reads the index"
                ),
            "{expr}: {msg}"
        );

        let p = d.run(&[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ]);
        let text = output_text(&p);
        assert_eq!(p.status.code(), Some(255), "{expr}: {text}");
        let v: serde_json::Value =
            serde_json::from_slice(&p.stdout).unwrap_or_else(|e| panic!("{e}: {text}"));
        let plan = &v["Plans"][0];
        assert_eq!(plan["File"], "jobs/abs.nomad", "{expr}: {text}");
        assert_eq!(plan["CannotTell"], true, "{expr}: {text}");
        assert!(
            plan["Errors"][0]
                .as_str()
                .is_some_and(|e| e.contains("is an absolute path")),
            "{expr}: {text}"
        );
        assert!(!text.contains(PLACED), "{expr}: {text}");
        d.put("conf/mem", "200\n");
    }
}

/// CI's `check --base` and `plan --changed` between two commits (the
/// pre-push hook's range) read each side from its revision: "cannot
/// tell", naming the revision, never the committed blob.
#[test]
fn an_absolute_path_between_revisions_cannot_tell() {
    let (d, top) = repo("abs-range");
    d.put(
        "jobs/abs.nomad",
        &job(
            "abs",
            &format!("parseint(trimspace(file(\"{top}/conf/mem\")), 10)"),
        ),
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "abs"]);
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    let text = flat(&output_text(&o));
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        text.contains("jobspec::function-cannot-tell")
            && text.contains("is an absolute path, a file of the machine that runs `nomad job plan`, and this run reads git HEAD"),
        "{text}"
    );
    let p = d.run(&["plan", "--changed", "--base", "HEAD~1", "--head", "HEAD"]);
    let text = output_text(&p);
    assert_eq!(p.status.code(), Some(255), "{text}");
    assert!(!text.contains(PLACED), "{text}");
}

/// The running version is read from git `HEAD`: an absolute path there
/// is what the cluster was submitted with on some machine, unknown; the
/// plan of the working tree's edit says "cannot tell", naming why (the
/// blob at that path in `HEAD` made a diff of it).
#[test]
fn a_running_version_reading_an_absolute_path_is_unknown() {
    let (d, top) = repo("abs-running");
    let reads = format!("parseint(trimspace(file(\"{top}/conf/mem\")), 10)");
    d.put("jobs/web.nomad", &job("web", &reads));
    git(&d.0, &["commit", "-qam", "web reads conf/mem"]);
    d.put("jobs/web.nomad", &job("web", "300"));
    let o = d.run(&["plan", "jobs/web.nomad"]);
    let text = flat(&output_text(&o));
    assert_eq!(o.status.code(), Some(255), "{text}");
    // One line, with the reason: `HEAD`'s text is fine, its read is not.
    assert!(
        text.contains("error: cannot tell what jobs/web.nomad changes: it is listed in `running` and its committed version does not load (cannot tell what file() reads: ")
            && text.contains("is an absolute path, a file of the machine that runs `nomad job plan`, and this run reads git HEAD)"),
        "{text}"
    );
    assert!(!text.contains("=> \"300\""), "{text}");
}

/// Guard: on the working tree (this machine's files) an absolute path
/// inside the project is read as `nomad job plan` here reads it; one
/// outside, or a relative path leaving the project, is refused as
/// before, quoting nothing of the file.
#[test]
fn the_working_tree_reads_inside_and_refuses_outside() {
    let (d, top) = repo("abs-worktree");
    d.put("conf/mem", "5000\n");
    let outside = TempDir::new("abs-worktree-outside");
    outside.put("mem", "4096\n");
    let out = std::fs::canonicalize(&outside.0).expect("canonical");
    let far = format!("{}/mem", out.display());
    let sibling = out.file_name().expect("name").to_string_lossy();
    let refused = "it is outside the repository";
    let cases = [
        (format!("{top}/conf/mem"), NO_ROOM),
        (far.clone(), refused),
        (format!("{top}/conf/../../{sibling}/mem"), refused),
        (format!("../{sibling}/mem"), refused),
    ];
    for (path, want) in cases {
        let expr = format!("parseint(trimspace(file(\"{path}\")), 10)");
        d.put("jobs/abs.nomad", &job("abs", &expr));
        let o = d.run(&["plan", "jobs/abs.nomad"]);
        let text = flat(&output_text(&o));
        assert!(text.contains(want), "{path}: {text}");
        assert!(!text.contains("4096"), "{path}: {text}");
        let code = if want == NO_ROOM { 1 } else { 255 };
        assert_eq!(o.status.code(), Some(code), "{path}: {text}");
    }
}

/// A gate on the working tree (`check --base REF` without `--head`,
/// `plan --changed --gate`) judges the checkout the change commits to,
/// only what git tracks: an absolute path is a file of the machine that
/// runs `nomad job run` (the operator's, not this CI clone), "cannot
/// tell" as through a revision. The runner's clone said 5000 MB, no room
/// (exit 1), or 200 MB, an all clear, whatever the operator's disk holds.
#[test]
fn an_absolute_path_in_a_gated_working_tree_cannot_tell() {
    let (d, top) = repo("abs-gate-worktree");
    d.put(
        "jobs/abs.nomad",
        &job(
            "abs",
            &format!("parseint(trimspace(file(\"{top}/conf/mem\")), 10)"),
        ),
    );
    let o = d.run(&["check", "--base", "HEAD", "--format", "json"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {text}"));
    let hit = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "jobspec::function-cannot-tell")
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(hit["file"], "jobs/abs.nomad", "{text}");
    assert!(
        hit["message"].as_str().is_some_and(|m| m.ends_with(
            "is an absolute path, a file of the machine that runs `nomad job plan`, and this run reads the working tree's tracked files"
        )),
        "{text}"
    );
    let p = d.run(&["plan", "--changed", "--gate"]);
    let text = output_text(&p);
    assert_eq!(p.status.code(), Some(255), "{text}");
    assert!(!text.contains(PLACED), "{text}");
    // A relative path is the checkout's own file: read, planned.
    d.put(
        "jobs/abs.nomad",
        &job("abs", "parseint(trimspace(file(\"conf/mem\")), 10)"),
    );
    let o = d.run(&["check", "--base", "HEAD"]);
    assert_eq!(o.status.code(), Some(0), "{}", output_text(&o));
}
