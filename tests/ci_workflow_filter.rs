//! The shipped GitHub workflow (docs/github-workflow.yml) runs on every
//! pull request (R16-42). Nomad runs a job from a file of any name
//! (command/helpers.go v2.0.5:472-523 `JobGetter.Get`), and a job reads
//! files of any name, so no `paths:` glob list covers what the gate
//! judges: its `["**/*.nomad", "**/*.hcl", ...]` filter never ran on a
//! `*.job`, a `deploy/web` or an edited `file()` input, and a required
//! check it skipped stayed Pending.

use yaml_rust2::{Yaml, YamlLoader};

fn workflow() -> Yaml {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/github-workflow.yml");
    let text = std::fs::read_to_string(&path).expect("the shipped workflow");
    let mut docs = YamlLoader::load_from_str(&text).expect("the workflow is YAML");
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

#[test]
fn the_shipped_workflow_filters_no_pull_request_by_path() {
    let doc = workflow();
    let on = &doc["on"];
    // Every event that can run the gate on a change.
    let events = ["pull_request", "pull_request_target", "push", "merge_group"];
    let present: Vec<&str> = events
        .iter()
        .copied()
        .filter(|e| !on[*e].is_badvalue())
        .collect();
    assert!(present.contains(&"pull_request"), "{on:?}");
    for event in present {
        for key in ["paths", "paths-ignore"] {
            assert!(
                on[event][key].is_badvalue(),
                "`on.{event}.{key}` can skip a change to a job file of any name: {:?}",
                on[event][key]
            );
        }
    }
    // The gate's steps run unconditionally on the pull request's jobs
    // (a step filtered by changed files would skip it the same way).
    let steps = doc["jobs"]["preflight"]["steps"]
        .as_vec()
        .expect("the preflight job's steps");
    for step in steps {
        if let Some(cond) = step["if"].as_str() {
            assert!(
                !cond.contains("files") && !cond.contains("paths"),
                "a step conditioned on changed paths: {cond}"
            );
        }
    }
}
