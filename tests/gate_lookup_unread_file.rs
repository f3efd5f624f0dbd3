//! An unreadable job-file candidate in the judged state (a Git LFS
//! pointer named `*.hcl`, rv26-7) makes every job-submitting change
//! "cannot tell" (the lookup of R25b-1 cannot know which job it defines):
//! the line names the file, escaped, and the help gives the `exclude` of
//! `.nomad-preflight.hcl` that leaves it out; the plan gate's JSON carries
//! its path (`File`). Exit codes as before: `check` 2, the plan gate 255
//! for a protected job. With the exclude committed the gate passes.

use crate::common;

use common::{git, output_text};

fn api(group: &str) -> String {
    format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

const POINTER: &str = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";

/// The file's name holds an escape byte: shown escaped, never raw.
const NAME: &str = "assets/m\u{1b}[31m.hcl";

#[test]
fn an_unreadable_hcl_is_named_with_the_exclude_that_quiets_it() {
    let d = common::demo_repo(
        "lookup-unread-file",
        common::Demo {
            without_monitoring: true,
            protect: Some("\"api\""),
            branch: Some("pr"),
            files: &[(NAME, POINTER)],
        },
    );
    d.put("deploy/api.nomad", &api("web"));
    git(&d.0, &["add", "deploy"]);
    let json = common::run_in(&d.0, &["check", "--staged", "--format", "json"]);
    assert_eq!(json.code, 2, "{}{}", json.stdout, json.stderr);
    assert!(!json.stdout.contains('\u{1b}'), "{}", json.stdout);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let untold: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "changeset::cannot-tell")
        .collect();
    assert_eq!(untold.len(), 1, "{}", json.stdout);
    let message = untold[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("cannot tell whether another job file of the index defines a job this change submits: assets/m\\x1b[31m.hcl cannot be read there"),
        "{message}"
    );
    let help = untold[0]["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("`exclude = [\"assets/m\\u001b[31m.hcl\"]` in .nomad-preflight.hcl"),
        "{help}"
    );

    let plan = common::run_in(
        &d.0,
        &[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    assert_eq!(plan.code, 255, "{}{}", plan.stdout, plan.stderr);
    let v: serde_json::Value = serde_json::from_str(&plan.stdout).expect("json");
    let text = v.to_string();
    assert!(
        text.contains("\"File\":\"assets/m\\u001b[31m.hcl\""),
        "{text}"
    );
    assert!(!plan.stdout.contains('\u{1b}'), "{}", plan.stdout);

    // The exclude the hint gives, committed: the gate passes.
    git(&d.0, &["reset", "-q"]);
    d.put(
        ".nomad-preflight.hcl",
        "exclude = [\"assets/m\\u001b[31m.hcl\"]\n",
    );
    git(&d.0, &["add", ".nomad-preflight.hcl"]);
    git(
        &d.0,
        &["commit", "-qm", "exclude the pointer", "--no-verify"],
    );
    git(&d.0, &["add", "deploy"]);
    let out = d.run(&["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
}
