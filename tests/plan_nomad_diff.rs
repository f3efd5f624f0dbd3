//! Cross-check with the PyPI `nomad-diff` package (a Python port of Nomad's
//! plan diff renderer): it reads our `--format json` Diff and must print our
//! text diff, up to its one documented deviation (task headers of a group run
//! together and the blank line between groups is lost) and the fact that it
//! does not %q-quote values (so the jobs here use plain values).
//! `#[ignore]`d because it needs the package (`pip install nomad-diff==1.0.1`):
//! `.ci/run` installs it and runs this with `--ignored`; run without the
//! package, it fails rather than passing unrun.

use crate::builder;

use std::process::Command;

use builder::*;
use nomad_preflight::diff::{job_diff, JobDiff};
use nomad_preflight::jobspec::{Duration, Job};
use nomad_preflight::planner::annotate::annotate;
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::render::plan::PlanView;
use nomad_preflight::render::plan_json::plan_json;
use nomad_preflight::scheduler::{DesiredUpdates, PlanResult};
use nomad_preflight::version::NomadVersion;

const SCRIPT: &str = r#"
import json, sys
import nomad_diff
diff = json.load(open(sys.argv[1]))["Diff"]
sys.stdout.write(nomad_diff.format(diff, colors=False, verbose=sys.argv[2] == "1"))
"#;

fn have_nomad_diff() -> bool {
    Command::new("python3")
        .args(["-c", "import nomad_diff"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Undo nomad-diff's deviation: put each task header back on its own line.
fn normalise_python(text: &str) -> String {
    let re = regex::Regex::new(r#"([")}])( +(?:(?:\+/-|\+|-) +)?Task: ")"#).expect("regex");
    let mut t = text.to_string();
    // Two passes: adjacent matches share the boundary character.
    for _ in 0..2 {
        t = re.replace_all(&t, "$1\n$2").into_owned();
    }
    t.trim().to_string()
}

/// Our text without the blank lines nomad-diff cannot produce.
fn normalise_ours(text: &str) -> String {
    text.lines()
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(name: &str, job: &Job, d: &JobDiff, r: &PlanResult, verbose: bool, ver: NomadVersion) {
    let mut view = PlanView::new(job, r, "example.nomad", ver);
    view.diff = Some(d);
    let json = plan_json(&view);
    let path = std::env::temp_dir().join(format!(
        "nomad-preflight-plan-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_vec(&json).expect("json")).expect("write temp file");
    let out = Command::new("python3")
        .args([
            "-c",
            SCRIPT,
            &path.to_string_lossy(),
            if verbose { "1" } else { "0" },
        ])
        .output()
        .expect("run python3");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = normalise_python(&String::from_utf8_lossy(&out.stdout));
    let ours = normalise_ours(&render_diff(d, verbose, false));
    assert_eq!(ours, theirs, "{name}");
}

fn annotated(
    old: Option<&Job>,
    new: Option<&Job>,
    ver: NomadVersion,
    u: &[(&str, DesiredUpdates)],
) -> (JobDiff, PlanResult) {
    let r = PlanResult {
        desired_tg_updates: updates(u),
        ..Default::default()
    };
    let mut d = job_diff(old, new, ver);
    annotate(&mut d, &r.desired_tg_updates);
    (d, r)
}

#[test]
#[ignore = "needs the PyPI package nomad-diff (pip install nomad-diff==1.0.1); .ci/run installs it and runs this"]
fn nomad_diff_renders_our_json_like_our_text() {
    assert!(
        have_nomad_diff(),
        "python3 cannot import nomad_diff: pip install nomad-diff==1.0.1 (.ci/run does it in target/ci-venv)"
    );
    for ver in [v("0.9.3"), v("0.10.5"), v("2.0.5")] {
        // New job with two groups, default and verbose.
        let mut new = init_short(ver);
        let mut api = group("api", ver);
        api.count = 2;
        api.tasks.push(task("server", "exec"));
        api.tasks.push(task("sidecar", "exec"));
        new.groups.insert(0, api);
        let place = |n| DesiredUpdates {
            place: n,
            ..Default::default()
        };
        let (d, r) = annotated(
            None,
            Some(&new),
            ver,
            &[("api", place(2)), ("cache", place(1))],
        );
        check("new", &new, &d, &r, false, ver);
        check("new-verbose", &new, &d, &r, true, ver);

        // Edits at every level.
        let old = new.clone();
        let mut edited = new.clone();
        edited.meta.insert("owner".into(), "ops".into());
        edited.groups[1].count = 3;
        edited.groups[1].tasks[0]
            .config
            .insert("image".into(), s("redis:4.0"));
        edited.groups[0].tasks[1].kill_timeout = Duration::secs(9);
        edited.groups[0].tasks[0].env.insert("A".into(), "1".into());
        let u = [
            (
                "api",
                DesiredUpdates {
                    destructive_update: 1,
                    ignore: 1,
                    ..Default::default()
                },
            ),
            (
                "cache",
                DesiredUpdates {
                    place: 2,
                    destructive_update: 1,
                    ..Default::default()
                },
            ),
        ];
        let (d, r) = annotated(Some(&old), Some(&edited), ver, &u);
        check("edited", &edited, &d, &r, false, ver);
        check("edited-verbose", &edited, &d, &r, true, ver);

        // Stopped job.
        let (d, r) = annotated(
            Some(&old),
            None,
            ver,
            &[(
                "cache",
                DesiredUpdates {
                    stop: 1,
                    ..Default::default()
                },
            )],
        );
        check("deleted", &old, &d, &r, true, ver);
    }
}
