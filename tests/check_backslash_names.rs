//! redteam11 R11-6: outside Windows `\` is a byte of a file name, not a
//! separator. `legacy\evil.nomad` is one file at the repository's top,
//! never in `legacy/`: `.nomad-preflight.hcl`'s `exclude` and
//! `per_file_ignores` globs for folders do not reach it, and every output
//! names it as itself (the text doubles the `\`, JSON writes it as JSON
//! does, SARIF percent-encodes it, a GitHub annotation keeps it), never
//! as the file `legacy/evil.nomad` or `jobs/web.nomad` beside it.
#![cfg(unix)]

use crate::common;

use common::TempDir as Dir;
use common::UNPLACEABLE_JOB as BAD;

fn run(d: &Dir, args: &[&str]) -> (i32, String) {
    let o = d.run(args);
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// The demo committed as `base` with the base's lint configuration, then
/// two unplaceable jobs whose names hold `\` added on top.
fn repo(tag: &str) -> Dir {
    let d = Dir::demo(tag);
    d.put(
        ".nomad-preflight.hcl",
        "exclude = [\"legacy/**\"]\nlint {\n  per_file_ignores = { \"jobs/batch/**\" = [\"NP201\"] }\n}\n",
    );
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "base"]);
    common::git(&d.0, &["branch", "base"]);
    d.put(
        "legacy\\evil.nomad",
        &BAD.replace("job \"bad\"", "job \"evil\""),
    );
    d.put(
        "jobs\\batch\\evil2.nomad",
        &BAD.replace("job \"bad\"", "job \"evil2\""),
    );
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "pr"]);
    d
}

#[test]
fn folder_globs_do_not_reach_a_file_named_with_backslashes() {
    let d = repo("backslash-gate");
    let (code, out) = run(
        &d,
        &["check", "--output-format", "concise", "--base", "base"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("legacy\\\\evil.nomad:3:9: NP201 [error]"),
        "{out}"
    );
    assert!(
        out.contains("jobs\\\\batch\\\\evil2.nomad:3:9: NP201 [error]"),
        "{out}"
    );
    assert!(!out.contains("legacy/evil.nomad"), "{out}");
    assert!(!out.contains("jobs/batch/evil2.nomad"), "{out}");
}

#[test]
fn every_format_names_the_file_itself() {
    let d = repo("backslash-formats");
    let (_, json) = run(&d, &["check", "--format", "json", "--base", "base"]);
    assert!(
        json.contains(r#""file": "legacy\\evil.nomad""#)
            || json.contains(r#""file":"legacy\\evil.nomad""#),
        "{json}"
    );
    let (_, sarif) = run(&d, &["check", "--format", "sarif", "--base", "base"]);
    assert!(sarif.contains("\"legacy%5Cevil.nomad\""), "{sarif}");
    assert!(sarif.contains("\"jobs%5Cbatch%5Cevil2.nomad\""), "{sarif}");
    let (_, github) = run(&d, &["check", "--format", "github", "--base", "base"]);
    assert!(github.contains("file=legacy\\evil.nomad,"), "{github}");
    assert!(
        github.contains("file=jobs\\batch\\evil2.nomad,"),
        "{github}"
    );
    assert!(!github.contains("file=legacy/evil.nomad"), "{github}");
}
