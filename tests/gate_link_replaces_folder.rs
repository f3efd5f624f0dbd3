//! A release folder replaced by a link: `running = ["current/web.nomad"]`,
//! `current/` a folder at the base, and the change `rm -r current && ln -s
//! releases/v2 current`. git lists `D current/web.nomad` and `A current`,
//! but the path still leads to a job: Nomad's CLI opens it by its path
//! (command/helpers.go `JobGetter.Get`@v1.9.7, go-getter's file getter
//! links to the path), so `nomad job run current/web.nomad` submits
//! releases/v2's job and nothing is stopped. Every gate said the running
//! job was deleted and still listed in `running` (exit 1, a false alarm),
//! and `plan --changed` planned its stop. The job is judged as read
//! through the link now; a link out of the project is still refused.

#![cfg(unix)]

use crate::common;
use crate::gate_link_paths::{link, web, CLUSTER, POLICY};

use common::{git, output_text, TempDir};

/// `current/web.nomad` of `count` running on `main`, `releases/v2` of
/// `v2`; on branch `change`, `current` replaced by a link to `target`.
fn switched(name: &str, count: u32, v2: u32, target: &str) -> TempDir {
    let d = TempDir::new(&format!("link-replaces-{name}"));
    git(&d.0, &["init", "-q"]);
    d.put(
        "rules/cluster.hcl",
        &format!("{CLUSTER}running = [\"current/web.nomad\"]\n"),
    );
    d.put("rules/policy.hcl", POLICY);
    d.put("current/web.nomad", &web(count));
    d.put("releases/v2/web.nomad", &web(v2));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    git(&d.0, &["checkout", "-qb", "change"]);
    std::fs::remove_dir_all(d.0.join("current")).unwrap();
    link(&d, target, "current");
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "switch"]);
    d
}

const RANGES: &[&[&str]] = &[&["--base", "main"], &["--base", "main", "--head", "HEAD"]];

/// The same job behind the link: no change, every gate passes.
#[test]
fn a_folder_replaced_by_a_link_to_the_same_job_is_no_change() {
    let d = switched("same", 1, 1, "releases/v2");
    for extra in RANGES {
        let check: Vec<&str> = ["check"].iter().chain(*extra).copied().collect();
        let o = d.run(&check);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(0), "{check:?}: {text}");
        assert!(!text.contains("deleted"), "{check:?}: {text}");
        let plan: Vec<&str> = ["plan", "--changed", "--gate"]
            .iter()
            .chain(*extra)
            .copied()
            .collect();
        let o = d.run(&plan);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(0), "{plan:?}: {text}");
        assert!(
            text.contains("==> current/web.nomad (reads current, which changed)"),
            "{plan:?}: {text}"
        );
        assert!(text.contains("(1 ignore)"), "{plan:?}: {text}");
        assert!(!text.contains("Stop"), "{plan:?}: {text}");
    }
}

/// A bigger release behind the link: judged as the change of the running
/// job (count 1 to 8: 4 unplaced), not as its deletion.
#[test]
fn a_folder_replaced_by_a_link_to_a_bigger_release_is_that_change() {
    let d = switched("bigger", 1, 8, "releases/v2");
    for extra in RANGES {
        let check: Vec<&str> = ["check"].iter().chain(*extra).copied().collect();
        let o = d.run(&check);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{check:?}: {text}");
        assert!(text.contains("NP207"), "{check:?}: {text}");
        assert!(!text.contains("deleted-running-job"), "{check:?}: {text}");
        let plan: Vec<&str> = ["plan", "--changed", "--gate"]
            .iter()
            .chain(*extra)
            .copied()
            .collect();
        let o = d.run(&plan);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{plan:?}: {text}");
        assert!(text.contains("\"1\" => \"8\""), "{plan:?}: {text}");
        assert!(
            text.contains("failed to place 4 allocations"),
            "{plan:?}: {text}"
        );
    }
}

/// The link leads out of the project: refused ("cannot tell"), what lies
/// there never quoted, and no deletion claimed.
#[test]
fn a_folder_replaced_by_a_link_out_of_the_project_is_refused() {
    let name = format!("np-link-replaces-out-{}", std::process::id());
    let d = switched("outside", 1, 1, &format!("../{name}"));
    let outside = d.0.parent().unwrap().join(&name);
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("web.nomad"),
        web(1).replace("nginx:1.27", "SECRET-IMAGE"),
    )
    .unwrap();
    for extra in RANGES {
        let check: Vec<&str> = ["check"].iter().chain(*extra).copied().collect();
        let o = d.run(&check);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(2), "{check:?}: {text}");
        assert!(text.contains("current/web.nomad"), "{check:?}: {text}");
        assert!(text.contains("io::read"), "{check:?}: {text}");
        assert!(!text.contains("deleted"), "{check:?}: {text}");
        assert!(!text.contains("SECRET-IMAGE"), "{check:?}: {text}");
        let plan: Vec<&str> = ["plan", "--changed", "--gate"]
            .iter()
            .chain(*extra)
            .copied()
            .collect();
        let o = d.run(&plan);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(255), "{plan:?}: {text}");
        assert!(!text.contains("SECRET-IMAGE"), "{plan:?}: {text}");
        assert!(!text.contains("Stop"), "{plan:?}: {text}");
    }
    let _ = std::fs::remove_dir_all(&outside);
}

/// The same switch staged, not committed: the commit hook judges it too.
#[test]
fn a_folder_replaced_by_a_link_in_the_index_is_that_change() {
    let d = switched("staged", 1, 8, "releases/v2");
    git(&d.0, &["reset", "-q", "--soft", "main"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("NP207"), "{text}");
    assert!(!text.contains("deleted-running-job"), "{text}");
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("==> current/web.nomad (reads current, which changed)"),
        "{text}"
    );
    assert!(text.contains("\"1\" => \"8\""), "{text}");
}

/// R19-A3: a folder replaced by a plain file (`git rm -r extra`, `echo >
/// extra`). git lists `A extra` and `D extra/web.nomad`; reading through a
/// file meets ENOTDIR, not ENOENT, and the deletion was taken for a read
/// through `extra`: an `io::read` error (exit 1) on a job nothing runs, and
/// on a running one the read error in place of its stop. Nothing is left
/// for `nomad job run extra/web.nomad` to submit: it is a deletion.
fn folder_made_file(name: &str, running: bool) -> TempDir {
    let d = TempDir::new(&format!("folder-made-file-{name}"));
    git(&d.0, &["init", "-q"]);
    let cluster = if running {
        format!("{CLUSTER}running = [\"extra/web.nomad\"]\n")
    } else {
        CLUSTER.to_string()
    };
    d.put("rules/cluster.hcl", &cluster);
    d.put("rules/policy.hcl", POLICY);
    d.put("extra/web.nomad", &web(1));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    git(&d.0, &["checkout", "-qb", "change"]);
    std::fs::remove_dir_all(d.0.join("extra")).unwrap();
    d.put("extra", "see jobs/\n");
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "folder made a file"]);
    d
}

#[test]
fn a_folder_replaced_by_a_file_deletes_its_jobs() {
    let d = folder_made_file("idle", false);
    for extra in RANGES {
        let check: Vec<&str> = ["check"].iter().chain(*extra).copied().collect();
        let o = d.run(&check);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(0), "{check:?}: {text}");
        assert!(!text.contains("io::read"), "{check:?}: {text}");
        let plan: Vec<&str> = ["plan", "--changed"]
            .iter()
            .chain(*extra)
            .copied()
            .collect();
        let o = d.run(&plan);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(255), "{plan:?}: {text}");
        assert!(text.contains("1 do not, 0 invalid"), "{plan:?}: {text}");
    }
}

#[test]
fn a_running_folder_replaced_by_a_file_is_a_deleted_running_job() {
    let d = folder_made_file("running", true);
    for extra in RANGES {
        let check: Vec<&str> = ["check"].iter().chain(*extra).copied().collect();
        let o = d.run(&check);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{check:?}: {text}");
        assert!(text.contains("deleted-running-job"), "{check:?}: {text}");
        assert!(!text.contains("io::read"), "{check:?}: {text}");
    }
}
