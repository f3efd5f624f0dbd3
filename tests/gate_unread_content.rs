//! A changed file whose content the checkout does not hold (R16-40): a
//! sparse checkout leaves it off the disk, a partial clone leaves its blob
//! out. `nomad job run` takes a job from any file name (command/helpers.go
//! v2.0.5:472-523 `JobGetter.Get`), so such a file is never "not a job
//! file": a sparse checkout's is read as git takes it (its staged blob,
//! skip-worktree), a missing blob fails the run naming the path, whatever
//! the file is called.

use crate::common;

use common::TempDir as Dir;
use common::UNPLACEABLE_JOB as BAD;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The demo committed on `main`, then on branch `pr` `deploy/web` (no job
/// file's name) holding an unplaceable job and `docs/README` edited;
/// `main` checked out again.
fn repo_with_pr(name: &str) -> Dir {
    let d = Dir::demo(name);
    d.put("docs/README", "docs\n");
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    common::git(&d.0, &["checkout", "-q", "-b", "pr"]);
    d.put("deploy/web", BAD);
    d.put("docs/README", "docs, edited\n");
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "pr"]);
    common::git(&d.0, &["checkout", "-q", "main"]);
    d
}

#[test]
fn a_job_in_an_unnamed_file_outside_the_sparse_cone_is_judged() {
    let d = repo_with_pr("unread-sparse");
    common::git(&d.0, &["checkout", "-q", "pr"]);
    common::git(&d.0, &["sparse-checkout", "set", "--cone", "jobs", "rules"]);
    assert!(!d.0.join("deploy/web").exists());
    let out = d.run(&["check", "--base", "main", "--output-format", "concise"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("deploy/web:"), "{stdout}");
    assert!(stdout.contains("NP201"), "{stdout}");
    // The README outside the cone is read too, and is no job.
    assert!(stdout.contains("in 1 file"), "{stdout}");
    // Planned (the policy protects no such job: `--gate` passes it, as
    // it would the same job in a full checkout).
    let out = d.run(&["plan", "--changed", "--base", "main", "--gate"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("==> deploy/web (added)"), "{stdout}");
    assert!(
        stdout.contains("Failed to place all allocations"),
        "{stdout}"
    );
    assert!(stdout.contains("1 job file(s) changed"), "{stdout}");
}

/// A blob:none clone of `d` holding `main` checked out and `origin/pr`.
fn partial_clone(d: &Dir, name: &str) -> std::path::PathBuf {
    common::git(&d.0, &["config", "uploadpack.allowFilter", "true"]);
    let to = d.0.join(name);
    let url = format!("file://{}", d.0.display());
    let ok = common::git_command(&d.0)
        .args(["clone", "-q", "--filter=blob:none", &url])
        .arg(&to)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git clone --filter=blob:none");
    to
}

#[test]
fn a_blob_a_partial_clone_lacks_fails_naming_the_path_and_the_fetch() {
    let d = repo_with_pr("unread-partial");
    let clone = partial_clone(&d, "pc");
    let run = |args: &[&str]| {
        std::process::Command::new(common::bin())
            .current_dir(&clone)
            .arg("--no-color")
            .args(args)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("the binary runs")
    };
    let range = ["--base", "origin/main", "--head", "origin/pr"];
    let out = run(&[&["check"][..], &range, &["--output-format", "full"]].concat());
    let stdout = common::flat(&text(&out.stdout));
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("cannot read deploy/web: its content (object"),
        "{stdout}"
    );
    assert!(stdout.contains("is not in this clone"), "{stdout}");
    assert!(stdout.contains("or clone without `--filter`"), "{stdout}");
    // The README's content is not here either: whether it is a job cannot
    // be told, so it fails too, named.
    assert!(stdout.contains("cannot read docs/README"), "{stdout}");
    let out = run(&[&["plan", "--changed"][..], &range, &["--gate"]].concat());
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(255),
        "{stdout}{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("==> deploy/web (added)"), "{stdout}");
    // Git fetches the blob on demand; then the job is judged.
    let ok = common::git_command(&clone)
        .args(["cat-file", "-p", "origin/pr:deploy/web"])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("git runs")
        .success();
    assert!(ok);
    let out = run(&[&["check"][..], &range, &["--output-format", "concise"]].concat());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("deploy/web:") && stdout.contains("NP201"),
        "{stdout}"
    );
}
