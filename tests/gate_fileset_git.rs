//! R9-6: the working-tree gate (`check --base REF`, `plan --changed
//! --base REF`) gives a job only what git tracks, and never a repository's
//! `.git` folder. `fileset(".", "*.json")` at the repository's top was
//! refused for `.git/COMMIT_EDITMSG` (`jobspec::file-access`, exit 1),
//! though the pattern cannot match anything in `.git`: doublestar v1's
//! Glob (go-cty-funcs `MakeFileSetFunc`, Nomad's `fileset`) matches
//! `*.json` against the top folder's names only, and `.git` is a folder
//! fileset never lists. A `.git` folder the pattern cannot enter is
//! skipped now; one it can enter (a segment matching `.git`, since `*`
//! matches a leading dot as Go's `filepath.Match` does, or a `**`) is
//! still refused, and so is a walk that starts inside it, which returned
//! an empty set. `nomad` runs at the top here: the job's relative paths
//! are read from there (command/helpers.go JobGetter.Get).

use crate::common;

use common::{git, output_text, TempDir};

fn job(pattern: &str) -> String {
    format!(
        "job \"leak\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    cfg = join(\",\", fileset({pattern}))\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7.2.4\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// A repository whose base commit holds a one-client world, `top.json`
/// and `conf/a.json`; the working tree adds `jobs/leak.nomad` listing
/// `pattern` (the untracked job file is the change under review).
fn repo(tag: &str, pattern: &str) -> TempDir {
    let d = common::one_client_project(
        tag,
        "1.7.2",
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        // Another job ID: the committed file and the change's own must
        // not define one job, which the gates now find in the head tree
        // (R25b-1) as plain `check` of the folder does.
        &job("\".\", \"conf/*.json\"").replacen("job \"leak\"", "job \"web\"", 1),
    );
    d.put("top.json", "{}\n");
    d.put("conf/a.json", "{}\n");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("jobs/leak.nomad", &job(pattern));
    d
}

const REFUSED: &str = "inside a repository's .git folder, which no checkout holds";

/// Patterns that cannot reach into `.git` are judged; the gate and plain
/// `check` agree.
#[test]
fn a_pattern_that_cannot_enter_git_is_not_refused_for_it() {
    // The last two are guards: their walk starts below the top.
    for pattern in [
        "\".\", \"*.json\"",
        "\".\", \"*\"",
        "\".\", \"conf/*.json\"",
        "\"conf\", \"*.json\"",
    ] {
        let d = repo("fileset-git-top", pattern);
        for args in [
            &["check", "--base", "HEAD"][..],
            &["check", "jobs/leak.nomad"][..],
        ] {
            let o = d.run(args);
            let text = output_text(&o);
            assert_eq!(o.status.code(), Some(0), "{pattern} {args:?}: {text}");
            assert!(!text.contains("file-access"), "{pattern} {args:?}: {text}");
        }
        let o = d.run(&["plan", "--changed", "--base", "HEAD", "-verbose"]);
        let text = output_text(&o);
        assert!(!text.contains("refusing"), "{pattern}: {text}");
        let want = match pattern {
            "\".\", \"conf/*.json\"" => "\"conf/a.json\"",
            "\"conf\", \"*.json\"" => "\"a.json\"",
            _ => "\"top.json\"",
        };
        assert!(
            text.contains(&format!("+ Meta[cfg]:  {want}")),
            "{pattern}: {text}"
        );
    }
}

/// Adversarial: patterns that can lead the walk inside `.git` are refused,
/// naming the path and quoting nothing of it, by the gate and by plain
/// `check` alike (mendb15 5): plain `check` listed `.git/config` for
/// `*/config`, names that differ between this clone and the deploy's. A
/// walk starting in `.git` was refused by plain `check` before (guards:
/// the first three), and `**/*` and the like by the gate.
#[test]
fn a_pattern_that_can_enter_git_is_still_refused() {
    for pattern in [
        "\".\", \".git/*\"",
        "\".\", \".git/**\"",
        "\".git\", \"*\"",
        "\".\", \"**/*\"",
        "\".\", \"**/*.json\"",
        "\".\", \".*/*\"",
        "\".\", \"*/config\"",
        "\".\", \"*/a.json\"",
        "\".\", \"{conf,.git}/*\"",
    ] {
        let d = repo("fileset-git-enter", pattern);
        for args in [
            &["check", "--base", "HEAD"][..],
            &["check", "jobs/leak.nomad"][..],
        ] {
            let o = d.run(args);
            let text = output_text(&o);
            // A read we refuse leaves Nomad's answer unknown: "cannot
            // tell" (exit 2), as `plan` says (255), never a pass.
            assert_eq!(o.status.code(), Some(2), "{pattern} {args:?}: {text}");
            assert!(text.contains("jobspec::file-access"), "{pattern}: {text}");
            assert!(common::flat(&text).contains(REFUSED), "{pattern}: {text}");
            assert!(!text.contains("[core]"), "{pattern}: {text}");
        }
        let o = d.run(&["plan", "--changed", "--base", "HEAD"]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(255), "{pattern}: {text}");
        assert!(!text.contains("Meta[cfg]"), "{pattern}: {text}");
    }
}

/// mendb15 3: an untracked link leading nowhere is no checkout's. The
/// working-tree gate stat()ed it as go-cty-funcs MakeFileSetFunc does
/// (filesystem.go v0.1.0:131-137) and failed the job with Nomad's
/// "failed to stat", where the deploy's checkout has no such link and
/// lists `conf/a.json`: refused now, "cannot tell" (exit 2). Plain
/// `check` reads the folder as it is and keeps Nomad's error (a guard).
#[test]
fn an_untracked_link_leading_nowhere_is_refused_not_quoted() {
    let d = repo("fileset-untracked-dangling", "\".\", \"conf/*.json\"");
    std::os::unix::fs::symlink("nowhere.json", d.0.join("conf/gone.json")).expect("symlink");
    let o = d.run(&["check", "--base", "HEAD"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        common::flat(&text).contains("git does not track it"),
        "{text}"
    );
    assert!(!text.contains("failed to stat"), "{text}");
    let plain = output_text(&d.run(&["check", "jobs/leak.nomad"]));
    assert!(
        common::flat(&plain).contains("failed to stat (conf/gone.json)"),
        "{plain}"
    );
}

/// rv23-3: a git revision (the index, `--staged`) holds no `.git` folder,
/// so its walk never met one and listed the rest, where the disk reader
/// refuses the pattern: `fileset(".", "**")` planned normally through
/// `plan --changed --staged --gate`. A pattern that can enter `.git` (any
/// case) from the top is refused by the revision's walk too now.
#[test]
fn a_revision_walk_refuses_what_the_disk_walk_refuses() {
    for pattern in [
        "\".\", \"**\"",
        "\".\", \".[gG]it/*\"",
        "\".\", \"{.git,conf}/*\"",
        "\".\", \"*/config\"",
    ] {
        let d = repo("fileset-git-staged", pattern);
        git(&d.0, &["add", "-A"]);
        let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(255), "{pattern}: {text}");
        assert!(common::flat(&text).contains(REFUSED), "{pattern}: {text}");
        assert!(!text.contains("Meta[cfg]"), "{pattern}: {text}");
        let o = d.run(&["check", "--staged"]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(2), "{pattern}: {text}");
        assert!(common::flat(&text).contains(REFUSED), "{pattern}: {text}");
    }
}
