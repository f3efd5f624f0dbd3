//! `plan FILE`, `check FILE` and `rehearse` take the running version of a
//! file listed in `running` from git `HEAD`: the file at its path as
//! named, read inside the `HEAD` revision through `HEAD`'s own links
//! (README: "a link is followed inside the revision"), as a checkout of
//! `HEAD` would give it to `nomad job run` (command/helpers.go
//! `JobGetter.Get`@v1.9.7 opens the path). The working tree's link was
//! followed first, so a link retargeted but not committed read the new
//! target's committed text as the running version: the edit compared with
//! itself, "(2 ignore)", exit 0, JSON `Before: jobs/web.nomad at git
//! HEAD` (R17-42).

#![cfg(unix)]

use crate::common;

use crate::gate_link_paths::{link, web, CLUSTER, POLICY};
use common::{git, output_text, TempDir};

/// jobs/web.nomad -> ../releases/v1/web.nomad (count 1) committed, then
/// pointed at releases/v2 (count `v2`, committed too) in the working tree;
/// `web` is protected, so `plan --gate` fails on what it leaves unplaced.
fn retargeted(name: &str, v2: u32) -> TempDir {
    let d = TempDir::new(name);
    git(&d.0, &["init", "-q"]);
    d.put(
        "rules/cluster.hcl",
        &format!("{CLUSTER}running = [\"jobs/web.nomad\"]\n"),
    );
    d.put("rules/policy.hcl", POLICY);
    d.put("releases/v1/web.nomad", &web(1));
    d.put("releases/v2/web.nomad", &web(v2));
    link(&d, "../releases/v1/web.nomad", "jobs/web.nomad");
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    link(&d, "../releases/v2/web.nomad", "jobs/web.nomad");
    d
}

#[test]
fn plan_file_takes_the_before_through_heads_link() {
    let d = retargeted("link-before-plan", 8);
    let o = d.run(&["plan", "jobs/web.nomad", "--gate"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("(7 create, 1 in-place update)"), "{text}");
    assert!(text.contains("Failed to place all allocations"), "{text}");
    let o = d.run(&["plan", "jobs/web.nomad", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let before = &json["Preflight"]["Before"];
    assert_eq!(
        before["Description"], "jobs/web.nomad at git HEAD",
        "{json}"
    );
    let updates = &json["Annotations"]["DesiredTGUpdates"]["g"];
    assert_eq!(updates["Ignore"], 0, "{json}");
    assert_eq!(updates["InPlaceUpdate"], 1, "{json}");
}

/// `check FILE` takes the same before: the cluster runs HEAD's count 1,
/// which fits; taken through the working tree's link it ran count 8, and
/// the world itself was said not to fit (`world::running-unplaced`).
#[test]
fn check_file_takes_the_before_through_heads_link() {
    let d = retargeted("link-before-check", 8);
    let o = d.run(&["check", "jobs/web.nomad"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("4 allocation(s) of group \"g\" cannot be placed"),
        "{text}"
    );
    assert!(!text.contains("running-unplaced"), "{text}");
}

#[test]
fn rehearse_starts_from_heads_link() {
    let d = retargeted("link-before-rehearse", 2);
    d.put(
        "rehearsals/r.hcl",
        "step \"plan\" {\n  command = \"nomad job plan jobs/web.nomad\"\n  expect {\n    placed    = true\n    exit_code = 1\n  }\n}\n",
    );
    let o = d.run(&["rehearse", "rehearsals/r.hcl", "--samples", "0"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("(1 create, 1 in-place update)"), "{text}");
    assert!(!text.contains("not as expected"), "{text}");
}
