//! Reads outside the project: whatever a hostile pull request names (an
//! absolute path, `../`, a symlink), no byte of a file outside the project
//! reaches any output.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{assert_clean, group, job, run, tempdir, write};

/// A secret beside the project, shaped so that a syntax diagnostic would
/// quote it if it were ever parsed.
pub const SECRET: &str = "TOPSECRET-4c1d";

pub fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// `<tmp>/secret.nomad` outside, `<tmp>/repo` a git repository with a world.
pub fn project(name: &str) -> (super::Scratch, PathBuf) {
    let d = tempdir(name);
    write(
        &d,
        "secret.nomad",
        format!("job \"x\" {{\n  {SECRET} = \"{SECRET}\"\n  bad syntax {{{{\n"),
    );
    let repo = d.join("repo");
    write(
        &repo,
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nregion = \"global\"\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 10000\n  drivers = [\"docker\"]\n}\n",
    );
    assert!(git(&repo, &["init", "-q"]), "git init");
    (d, repo)
}

fn assert_no_secret(o: &super::Out, what: &str) {
    assert!(
        !o.stdout.contains(SECRET) && !o.stderr.contains(SECRET),
        "{what}: the outside file's content was printed:\n{}\n{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn running_entries_outside_the_project_are_refused_without_quoting_them() {
    let (d, repo) = project("running");
    let outside = d.join("secret.nomad");
    for entry in [outside.display().to_string(), "../secret.nomad".into()] {
        write(
            &repo,
            "rules/cluster.hcl",
            format!(
                "nomad_version = \"1.6.0\"\nregion = \"global\"\nclient \"c\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  drivers = [\"docker\"]\n}}\nrunning = [\"{entry}\"]\n"
            ),
        );
        write(&repo, "jobs/a.nomad", job(&group("")));
        for args in [
            &["plan", "jobs/a.nomad"][..],
            &["check"][..],
            &["status"][..],
            &["rehearse"][..],
        ] {
            let o = run(&repo, args);
            assert_clean(&o, &[1, 2, 255]);
            assert_no_secret(&o, &format!("{entry} {args:?}"));
            assert!(
                o.stderr.contains("refusing to read"),
                "{entry} {args:?}: {}",
                o.stderr
            );
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
#[test]
fn file_through_a_symlink_leaving_the_project_is_refused() {
    let (d, repo) = project("fnlink");
    write(&repo, "jobs/ok.nomad", job(&group("")));
    assert!(std::os::unix::fs::symlink(d.join("secret.nomad"), repo.join("jobs/link.txt")).is_ok());
    assert!(git(&repo, &["add", "-A"]) && git(&repo, &["commit", "-qm", "base"]));
    for (name, call) in [
        ("f.nomad", "file(\"jobs/link.txt\")"),
        ("s.nomad", "file(\"../secret.nomad\")"),
    ] {
        write(
            &repo,
            &format!("jobs/{name}"),
            job(&format!("  meta = {{ k = {call} }}\n{}", group(""))),
        );
        let file = format!("jobs/{name}");
        assert!(git(&repo, &["add", &file]));
        for args in [
            &["validate", file.as_str()][..],
            &["plan", file.as_str()][..],
            &["check", file.as_str()][..],
            &["plan", "--changed", "--base", "HEAD"][..],
            &["check", "--base", "HEAD"][..],
        ] {
            let o = run(&repo, args);
            assert_clean(&o, &[1, 2, 255]);
            assert_no_secret(&o, &format!("{name} {args:?}"));
            assert!(
                o.stdout.contains("refusing to read") || o.stderr.contains("refusing to read"),
                "{name} {args:?}: {}\n{}",
                o.stdout,
                o.stderr
            );
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(unix)]
#[test]
fn a_job_file_symlink_leaving_the_project_is_refused_on_disk_and_in_git() {
    let (d, repo) = project("joblink");
    write(&repo, "jobs/ok.nomad", job(&group("")));
    assert!(
        std::os::unix::fs::symlink(d.join("secret.nomad"), repo.join("jobs/evil.nomad")).is_ok()
    );
    for args in [
        &["validate", "jobs/evil.nomad"][..],
        &["plan", "jobs/evil.nomad"][..],
        &["check", "jobs/evil.nomad"][..],
        &["check"][..],
    ] {
        let o = run(&repo, args);
        assert_clean(&o, &[0, 1, 2, 255]);
        assert_no_secret(&o, &format!("{args:?}"));
    }
    // Staged and committed, git holds the link itself: its target is never read.
    assert!(git(&repo, &["add", "-A"]));
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"][..],
    ] {
        let o = run(&repo, args);
        assert_clean(&o, &[0, 1, 2, 255]);
        assert_no_secret(&o, &format!("{args:?}"));
    }
    assert!(git(&repo, &["commit", "-qm", "x"]));
    let o = run(&repo, &["check", "--base", "HEAD~0"]);
    assert_clean(&o, &[0, 1, 2]);
    assert_no_secret(&o, "check --base");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn rehearsal_steps_naming_files_outside_the_project_are_refused() {
    let (d, repo) = project("rehearse");
    write(&repo, "jobs/a.nomad", job(&group("")));
    let outside = d.join("secret.nomad").display().to_string();
    for target in [outside.as_str(), "../secret.nomad"] {
        write(
            &repo,
            "r.hcl",
            format!(
                "rehearsal \"r\" {{}}\nstep \"plan it\" {{\n  command = \"nomad job plan {target}\"\n  expect {{\n    exit_code = 0\n  }}\n}}\nstep \"run it\" {{\n  command = \"nomad job run {target}\"\n}}\n"
            ),
        );
        let o = run(&repo, &["rehearse", "r.hcl"]);
        assert_clean(&o, &[0, 1, 2, 255]);
        assert_no_secret(&o, target);
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_var_file_outside_the_project_named_by_a_job_path_is_not_read_but_one_named_by_the_user_is() {
    let (d, repo) = project("varfile");
    write(&d, "outside.vars", "v = \"from-outside\"\n");
    write(
        &repo,
        "jobs/a.nomad",
        format!(
            "variable \"v\" {{\n  type = string\n}}\n{}",
            job(&format!("  meta = {{ k = var.v }}\n{}", group("")))
        ),
    );
    let o = run(
        &repo,
        &["validate", "-var-file", "../outside.vars", "jobs/a.nomad"],
    );
    assert_clean(&o, &[0]);
    let _ = std::fs::remove_dir_all(&d);
}

/// A var file named by the user that is a link planted in the project
/// leading outside is not read; Nomad would read it, so `validate` and
/// `plan` cannot tell what it says (255), and never frame our refusal as
/// Nomad's parse error.
#[cfg(unix)]
#[test]
fn a_var_file_link_leading_outside_is_not_read_and_the_answer_is_cannot_tell() {
    let (d, repo) = project("varfile-link");
    write(&d, "outside.vars", "v = \"from-outside\"\n");
    assert!(std::os::unix::fs::symlink(d.join("outside.vars"), repo.join("vars.hcl")).is_ok());
    write(
        &repo,
        "jobs/a.nomad",
        format!(
            "variable \"v\" {{\n  type = string\n}}\n{}",
            job(&format!("  meta = {{ k = var.v }}\n{}", group("")))
        ),
    );
    for cmd in ["validate", "plan"] {
        let o = run(&repo, &[cmd, "-var-file", "vars.hcl", "jobs/a.nomad"]);
        assert_clean(&o, &[255]);
        assert!(!o.stdout.contains("from-outside") && !o.stderr.contains("from-outside"));
        assert!(
            o.stderr.lines().any(|l| l.starts_with(
                "error: cannot tell what Nomad says of this job file: Error reading -var-file vars.hcl: refusing to read"
            )),
            "{cmd}: {}",
            o.stderr
        );
        assert!(
            !o.stderr.contains("Error getting job struct"),
            "{cmd}: {}",
            o.stderr
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// `fileexists()` of a path outside the project gets one answer whether
/// or not something is there: through a link to a folder outside, `../`,
/// an absolute path, a dangling link. Inside, it answers as Nomad does.
/// Paths are relative to the top, where `nomad` runs here (Nomad reads
/// them from its working directory, not the job file's folder).
#[cfg(unix)]
#[test]
fn fileexists_never_tells_whether_an_outside_path_exists() {
    let (d, repo) = project("exists");
    write(&d, "outdir/there", SECRET);
    assert!(std::os::unix::fs::symlink(d.join("outdir"), repo.join("jobs-out")).is_ok());
    assert!(std::os::unix::fs::symlink(d.join("nowhere"), repo.join("dangling")).is_ok());
    write(&repo, "inside.txt", "x");
    let outside = d.display().to_string();
    let answer = |path: &str| {
        write(
            &repo,
            "jobs/e.nomad",
            job(&format!(
                "  meta = {{ k = fileexists(\"{path}\") ? \"yes\" : \"no\" }}\n{}",
                group("")
            )),
        );
        let o = run(&repo, &["validate", "jobs/e.nomad"]);
        assert_clean(&o, &[0, 1, 255]);
        assert_no_secret(&o, path);
        // The last name (`there` or `nohow`, of one length so the excerpt's
        // underline matches) appears in the message; all else must match.
        let same = |t: &str| t.replace("there", "NAME").replace("nohow", "NAME");
        (o.code, same(&o.stdout), same(&o.stderr))
    };
    let pairs = [
        ("jobs-out/there", "jobs-out/nohow"),
        ("dangling/there", "dangling/nohow"),
        ("../outdir/there", "../outdir/nohow"),
        (
            &*format!("{outside}/outdir/there"),
            &*format!("{outside}/outdir/nohow"),
        ),
    ];
    for (there, nothing) in pairs {
        let a = answer(there);
        assert_eq!(a, answer(nothing), "{there} / {nothing}");
        assert_ne!(a.0, Some(0), "{there}: {a:?}");
        assert!(
            a.1.contains("refusing to read") || a.2.contains("refusing to read"),
            "{there}: {a:?}"
        );
    }
    // Inside the project the answer is the file's own.
    assert_eq!(answer("inside.txt").0, Some(0));
    assert_eq!(answer("missing.txt").0, Some(0));
    let _ = std::fs::remove_dir_all(&d);
}
