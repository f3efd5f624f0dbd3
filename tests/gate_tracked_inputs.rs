//! A gate judging the working tree (`check --base REF`, `plan --changed
//! --base REF`: the form CI runs) gives a pull request's job only the
//! repository's files (redteam6 G9). `.git/` holds the checkout's persisted
//! token and the workspace holds the runner's untracked files; a job's
//! `file()` of either is refused with our reason ("cannot tell"), never
//! quoted into annotations, SARIF, markdown or JSON.

use crate::common;

use common::TempDir as Dir;

const TOKEN: &str = "eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVFRPS0VO";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn job(read: &str) -> String {
    format!(
        "job \"leak\" {{\n  datacenters = [trimspace(file(\"{read}\"))]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// The demo at Nomad 1.6.0+ent committed on `main`, the runner's token in
/// `.git/config` as actions/checkout persists it, an untracked credentials
/// file in the workspace, and a branch `pr` adding `jobs/leak.nomad`.
fn repo(name: &str, read: &str) -> Dir {
    let d = Dir::demo(name);
    let cluster = d.0.join("rules/cluster.hcl");
    let world = std::fs::read_to_string(&cluster).unwrap();
    let world = world.replacen(
        "nomad_version = \"0.9.3\"",
        "nomad_version = \"1.6.0+ent\"",
        1,
    );
    assert!(world.contains("1.6.0+ent"), "the demo's version line moved");
    std::fs::write(&cluster, world).unwrap();
    d.put("conf/dc", "dc1\n");
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    common::git(
        &d.0,
        &[
            "config",
            "http.https://github.com/.extraheader",
            &format!("AUTHORIZATION: basic {TOKEN}"),
        ],
    );
    d.put(
        "gha-creds-1234.json",
        &format!("{{\"token\": \"{TOKEN}\"}}\n"),
    );
    common::git(&d.0, &["checkout", "-q", "-b", "pr"]);
    d.put("jobs/leak.nomad", &job(read));
    common::git(&d.0, &["add", "jobs/leak.nomad"]);
    common::git(&d.0, &["commit", "-qm", "pr"]);
    d
}

fn assert_unquoted(d: &Dir, what: &str) {
    for args in [
        &["check", "--base", "main", "--format", "github"][..],
        &["check", "--base", "main", "--format", "sarif"],
        &["check", "--base", "main", "--format", "markdown"],
        &["plan", "--changed", "--base", "main", "--format", "json"],
        &["plan", "--changed", "--base", "main", "--gate"],
    ] {
        let out = d.run(args);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            !all.contains(TOKEN),
            "{what}: {args:?} printed the token:\n{all}"
        );
        assert_ne!(
            out.status.code(),
            Some(0),
            "{what}: {args:?} passed:\n{all}"
        );
        assert!(all.contains("refusing to read"), "{what}: {args:?}:\n{all}");
    }
}

#[test]
fn a_jobs_read_of_the_git_folder_is_refused_not_printed() {
    let d = repo("tracked-gitdir", ".git/config");
    assert_unquoted(&d, ".git/config");
}

#[test]
fn a_jobs_read_of_an_untracked_workspace_file_is_refused_not_printed() {
    let d = repo("tracked-untracked", "gha-creds-1234.json");
    assert_unquoted(&d, "untracked file");
}

#[test]
fn a_jobs_read_of_a_tracked_file_is_judged() {
    let d = repo("tracked-ok", "conf/dc");
    let out = d.run(&["plan", "--changed", "--base", "main"]);
    let stdout = text(&out.stdout);
    assert!(
        !stdout.contains("refusing to read"),
        "{stdout}{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("==> jobs/leak.nomad (added)"), "{stdout}");
    assert!(stdout.contains("+ Job: \"leak\""), "{stdout}");
}
