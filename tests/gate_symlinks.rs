//! A symbolic link in the index or a commit is what Nomad reads through:
//! `nomad job run deploy/web` opens the file the link leads to. A gate
//! judges the link's target inside the tree under the link's name, as a
//! folder walk does on disk; a link out of the tree, dangling or looping
//! stays refused, never read and never quoted.

#![cfg(unix)]

use crate::common;

use common::{committed_demo, git, output_text, TempDir, BAD_COUNT_JOB as BAD_JOB};

fn link(d: &TempDir, target: &str, at: &str) {
    let at = d.0.join(at);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&at);
    std::os::unix::fs::symlink(target, &at).unwrap();
}

/// A link not named like a job file, turned to a committed file whose
/// text is a job no gate had judged (it was never run): the link was read
/// as a link, "not a job file", and every gate passed it with exit 0.
#[test]
fn a_link_not_named_like_a_job_file_is_judged_by_its_target() {
    let d = committed_demo("link-unnamed");
    d.put("templates/web.txt", "just notes\n");
    d.put("templates/next.txt", BAD_JOB);
    link(&d, "../templates/web.txt", "deploy/web");
    // The bad job is committed while nothing runs it.
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "templates"]);
    link(&d, "../templates/next.txt", "deploy/web");
    git(&d.0, &["add", "deploy/web"]);
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        assert!(text.contains("deploy/web"), "{args:?}: {text}");
    }
    git(&d.0, &["commit", "-qm", "turn the link"]);
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("deploy/web:4:"), "{text}");
}

/// A link named like a job file leading to a job inside the tree is
/// planned as the job it leads to (it was refused: "links are not
/// followed"), named by the link.
#[test]
fn a_job_file_link_inside_the_tree_is_planned_under_its_name() {
    let d = committed_demo("link-named");
    let monitoring = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    d.put("templates/monitoring.txt", &monitoring);
    link(
        &d,
        "../templates/./monitoring.txt",
        "deploy/monitoring.nomad",
    );
    git(&d.0, &["add", "-A"]);
    let o = d.run(&["plan", "--changed", "--staged"]);
    let text = output_text(&o);
    assert!(
        text.contains("==> deploy/monitoring.nomad (added)"),
        "{text}"
    );
    assert!(text.contains("Quota limit hit"), "{text}");
    assert!(!text.contains("symbolic link"), "{text}");
}

/// Links that leave the tree, dangle, loop or lead to a folder stay
/// refused where they are named like a job file, in words naming the link
/// only.
#[test]
fn links_out_of_the_tree_dangling_or_looping_stay_refused() {
    let d = committed_demo("link-refused");
    for (target, at) in [
        ("/etc/hostname", "jobs/abs.nomad"),
        ("../../outside.nomad", "jobs/up.nomad"),
        ("missing.nomad", "jobs/dangling.nomad"),
        ("loop-b.nomad", "jobs/loop-a.nomad"),
        ("loop-a.nomad", "jobs/loop-b.nomad"),
        (".", "jobs/dir.nomad"),
    ] {
        link(&d, target, at);
    }
    git(&d.0, &["add", "-A"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    let flat = common::flat(&text);
    for at in [
        "jobs/abs.nomad",
        "jobs/up.nomad",
        "jobs/dangling.nomad",
        "jobs/dir.nomad",
    ] {
        assert!(
            flat.contains(&format!(
                "refusing to read {at}: it is a symbolic link in the index"
            )),
            "{at}: {text}"
        );
    }
    // A loop is the kernel's ELOOP, as a checkout's read meets it (and
    // the working tree's reader words it): no refusal of ours.
    assert!(
        flat.contains("cannot read jobs/loop-a.nomad: Too many levels of symbolic links"),
        "{text}"
    );
    assert!(!text.contains("/etc/hostname"), "{text}");
    assert!(!text.contains("outside.nomad"), "{text}");
}

/// A link out of the tree whatever its name: Nomad would read what it
/// leads to (a job on the machine running it), which a gate never reads,
/// so the gate fails as `check DIR` does on it; it had passed as "not a
/// job file". A link leading nowhere or to a folder is no job Nomad runs.
#[test]
fn a_link_out_of_the_tree_fails_whatever_its_name() {
    let d = committed_demo("link-out");
    link(&d, "/etc/hostname", "deploy/web");
    link(&d, "nothing-here", "deploy/dangling");
    link(&d, "../jobs", "deploy/folder");
    git(&d.0, &["add", "-A"]);
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        assert!(text.contains("deploy/web"), "{args:?}: {text}");
        assert!(!text.contains("deploy/dangling"), "{args:?}: {text}");
        assert!(!text.contains("deploy/folder"), "{args:?}: {text}");
        assert!(!text.contains("/etc/hostname"), "{args:?}: {text}");
    }
}
