//! The world is looked for no higher than the repository's top (R21-A4),
//! as `.nomad-preflight.hcl` is: README "Limits" reads every input inside
//! the project (the nearest folder holding `.git`). A repository without a
//! `rules/` of its own was judged against, and its report quoted, a world
//! found in a folder above the checkout.

use crate::common;

use common::{git, TempDir};

#[test]
fn a_world_above_the_repository_is_never_read() {
    let d = TempDir::demo("world-above");
    d.put(
        "repo/jobs/web.nomad",
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n    }\n  }\n}\n",
    );
    let repo = d.0.join("repo");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "x"]);
    // The hook's working-tree mode is a gate: no world, cannot tell.
    let o = d.run_at("repo", &["check", "--pre-commit"]);
    let s = common::output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{s}");
    assert!(s.contains("no world"), "{s}");
    let outer = d.0.join("rules").display().to_string();
    assert!(!s.contains(&outer), "{s}");
    // Plain `check` says it uses the demo, never the folder above.
    let o = d.run_at("repo", &["check"]);
    let s = common::output_text(&o);
    assert!(s.contains("no rules/cluster.hcl found in"), "{s}");
    assert!(!s.contains(&outer), "{s}");
    // Inside the repository the walk still climbs to its top.
    let o = d.run_at("repo/jobs", &["check", "--pre-commit"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::output_text(&o));
}
