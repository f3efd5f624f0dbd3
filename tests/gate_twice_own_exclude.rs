//! A change that adds an `exclude` for the folder holding a job's other
//! file, and a second file for that job (stop 69, gate28's Left 1): the
//! gates' "defined twice" lookup (NP229) took the head's `exclude` alone,
//! so the change's own word hid the other definition and every gate
//! passed. `check` of a change selects by both sides' `exclude`
//! (`ChangeSet::excluded`); the lookup now does too. (`--staged` judges
//! under the index's configuration alone, by design: the author is the
//! one running the hook.)

use crate::common;

use common::{git, output_text};

fn api(group: &str) -> String {
    format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

#[test]
fn an_exclude_the_change_adds_does_not_hide_the_other_definition() {
    let shared = api("web");
    let d = common::demo_repo(
        "twice-own-exclude",
        common::Demo {
            without_monitoring: true,
            protect: Some("\"sockshop\""),
            files: &[("shared/api.nomad", &shared)],
            branch: Some("pr"),
        },
    );
    d.put(".nomad-preflight.hcl", "exclude = [\"shared/**\"]\n");
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "second api", "--no-verify"]);
    let out = d.run(&["check", "--base", "main", "--head", "pr"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("shared/api.nomad defines too"), "{text}");

    // Guard: an `exclude` both sides hold is the project's selection.
    let c = common::demo_repo(
        "twice-both-exclude",
        common::Demo {
            without_monitoring: true,
            protect: Some("\"sockshop\""),
            files: &[
                ("shared/api.nomad", &shared),
                (".nomad-preflight.hcl", "exclude = [\"shared/**\"]\n"),
            ],
            branch: Some("pr"),
        },
    );
    c.put("deploy/api.nomad", &api("other"));
    git(&c.0, &["add", "-A"]);
    git(&c.0, &["commit", "-qm", "second api", "--no-verify"]);
    let out = c.run(&["check", "--base", "main", "--head", "pr"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
}
