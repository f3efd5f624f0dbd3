//! NP207's share over other node shuffles names apart the draws whose
//! plan Nomad's plan applier rejects in part and whose retries end
//! neither placed nor blocked (stop 60 Left 4): how `nomad job run` of
//! such a draw ends depends on plans of other evaluations the model does
//! not hold (the worker fails the evaluation after `retryMax` plans in a
//! row without progress, scheduler/util.go v2.0.5:67-97; the applier's
//! rejection, nomad/plan_apply.go v2.0.5:776-843), as `plan` of such a
//! draw exits 255. They were counted as failures ("it fails in 44 of 100
//! other evaluations sampled", exit 1); a group no draw fails for sure is
//! a "cannot tell" (exit 2), not an error that claims Nomad fails it.
//!
//! The world is plan_applier_retries.rs's, with one empty job registered
//! first: it moves the state's index, so `check`'s own draw places
//! everything (c-2 or c-4) and other shuffles draw c-1, where the
//! preemptor leaves the job's own allocation out and the applier
//! rejects the plan.

use crate::common::applier::out;
use crate::plan_applier_retries::world_padded;

/// `N of M cannot tell` in `text`: (N, M).
fn untold(text: &str) -> Option<(u32, u32)> {
    let at = text.find(" cannot tell (Nomad's plan applier rejects part of the plan there")?;
    let words: Vec<&str> = text.get(..at)?.rsplit(' ').take(3).collect();
    match words.as_slice() {
        [m, "of", n] => Some((n.parse().ok()?, m.parse().ok()?)),
        _ => None,
    }
}

#[test]
fn draws_whose_retries_end_untold_are_no_failures() {
    let d = world_padded("np207-untold", &[("b", 1, 1800, "")], 1);
    let (code, stdout, stderr) = out(&d.run(&["check", "jobs/high.nomad"]));
    // The finding is "cannot tell" (exit 2), not an error (exit 1).
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot tell: 2 finding(s) (NP207)"),
        "{stderr}"
    );
    let np207: Vec<&str> = stdout.lines().filter(|l| l.contains(" NP207 ")).collect();
    assert_eq!(np207.len(), 2, "{stdout}");
    let mut counts = Vec::new();
    for (line, group) in np207.iter().zip(["a", "b"]) {
        assert!(
            line.contains(&format!("group \"{group}\" is placed in this evaluation and fails in none of 100 other evaluations sampled")),
            "{line}"
        );
        assert!(!line.contains("it fails in"), "{line}");
        let (n, m) = untold(line).unwrap_or_else(|| panic!("no share: {line}"));
        assert!(n > 0 && n < m && m == 100, "{line}");
        counts.push(n);
    }
    // `plan --samples` of the same shuffles counts the same draws so.
    let (_, plan, stderr) = out(&d.run(&["plan", "--samples", "100", "jobs/high.nomad"]));
    let row = plan
        .lines()
        .find(|l| l.contains("cannot tell how `nomad job run` ends"))
        .unwrap_or_else(|| panic!("{plan}{stderr}"));
    assert!(
        row.ends_with(&format!("({}/100)", counts[0])),
        "{row} vs {counts:?}"
    );
    // The JSON says it in the finding's message and flag.
    let (code, json, stderr) = out(&d.run(&["check", "--format", "json", "jobs/high.nomad"]));
    assert_eq!(code, Some(2), "{json}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).expect(&stderr);
    let found: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "NP207")
        .collect();
    assert_eq!(found.len(), 2, "{json}");
    for f in found {
        assert_eq!(f["cannot_tell"], true, "{f}");
        let message = f["message"].as_str().unwrap_or_default();
        assert_eq!(untold(message).map(|(_, m)| m), Some(100), "{f}");
    }
}
