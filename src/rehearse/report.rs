//! How a rehearsal reads: every step's command and Nomad's text, then a
//! verdict per expectation with its likelihood, and a summary.

use serde_json::{json, Value};

use super::replay::{Likelihood, Outcome, Status};
use super::run::StepResult;
use super::{Action, Rehearsal};
use crate::world::World;

/// One line of ours, `s` holding input (a title, a command as typed, a
/// job name): escaped ([`crate::escape::one_line`]) before our colour
/// wraps it, so the only escape sequences of a painted line are ours.
fn paint(s: &str, code: &str, color: bool) -> String {
    let s = crate::escape::one_line(s);
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s
    }
}

/// Input (or text quoting it) on a line of ours: one line, escaped.
fn line(s: &str) -> String {
    crate::escape::one_line(s)
}

fn action_line(action: &Action) -> String {
    match action {
        Action::Command { line, .. } => format!("$ {line}"),
        Action::Edit { path, .. } => format!("# edit {}", path.display()),
        Action::ScaleClients(pools) => {
            let p: Vec<String> = pools.iter().map(|(n, c, _)| format!("{n} = {c}")).collect();
            format!("# scale clients: {}", p.join(", "))
        }
    }
}

fn world_line(world: &World) -> String {
    let clients: Vec<String> = world
        .clients
        .iter()
        .map(|p| format!("{} × {}", p.count, p.name))
        .collect();
    format!(
        "Nomad {}, region {}, clients: {}",
        world.nomad_version,
        world.region,
        if clients.is_empty() {
            "none".to_string()
        } else {
            clients.join(", ")
        }
    )
}

/// The human report, whole: [`header`], every step's [`step_text`], then
/// [`summary`] (what `rehearse` prints as it goes).
pub fn text(
    rehearsal: &Rehearsal,
    world: &World,
    world_note: &str,
    outcome: &Outcome,
    color: bool,
) -> String {
    let mut out = header(
        rehearsal,
        world,
        world_note,
        outcome.samples,
        outcome.confidence,
        color,
    );
    for (i, (res, likes)) in outcome.steps.iter().zip(&outcome.likelihood).enumerate() {
        out.push_str(&step_text(
            rehearsal,
            i,
            res,
            likes,
            outcome.confidence,
            color,
        ));
    }
    out.push_str(&summary(outcome));
    out
}

/// What the report opens with: the rehearsal, the world and what every
/// verdict counts (known before any replay: the run shown and `samples`).
pub fn header(
    rehearsal: &Rehearsal,
    world: &World,
    world_note: &str,
    samples: u32,
    confidence: f64,
    color: bool,
) -> String {
    let mut out = String::new();
    let title = if rehearsal.name.is_empty() {
        rehearsal.source.name.clone()
    } else {
        format!("{} ({})", rehearsal.name, rehearsal.source.name)
    };
    out.push_str(&format!(
        "{} {}\n",
        paint("Rehearsal:", "1", color),
        line(&title)
    ));
    if !rehearsal.description.is_empty() {
        // A description may run over lines; each stays text.
        out.push_str(&format!(
            "{}\n",
            crate::escape::terminal(&rehearsal.description)
        ));
    }
    out.push_str(&format!(
        "World: {}; {}\n",
        line(world_note),
        line(&world_line(world))
    ));
    out.push_str(&line(replays_line(samples, confidence, world).trim_end()));
    out.push('\n');
    out
}

/// Step `i` of the run shown: its command, Nomad's text, and a verdict per
/// expectation over every replay (`likes`).
pub fn step_text(
    rehearsal: &Rehearsal,
    i: usize,
    res: &StepResult,
    likes: &[Likelihood],
    confidence: f64,
    color: bool,
) -> String {
    let mut out = String::new();
    let Some(step) = rehearsal.steps.get(i) else {
        return out;
    };
    let total = rehearsal.steps.len();
    out.push('\n');
    out.push_str(&paint(
        &format!("── Step {} of {total}: {}", i + 1, step.title),
        "1",
        color,
    ));
    out.push('\n');
    out.push_str(&paint(&action_line(&step.action), "36", color));
    out.push('\n');
    // Nomad's text quotes job, group, task, node and namespace names:
    // its lines stay, every control character of theirs is shown.
    let body = &crate::escape::terminal(&res.observation.output);
    if !body.is_empty() {
        out.push_str(body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
    }
    // After Nomad's text, as `plan` says them: what the text rests on.
    for a in &res.observation.assumed {
        out.push_str(&format!("note: {}\n", crate::escape::one_line(&a.line)));
    }
    if let Some(n) = crate::diff::secrets::note(&res.observation.masked) {
        out.push_str(&format!("note: {}\n", line(&n)));
    }
    for n in &res.observation.map_order {
        out.push_str(&format!("note: {}\n", crate::escape::one_line(n)));
    }
    if let Some(n) = &res.observation.simulated_times {
        out.push_str(&format!("note: {}\n", line(n)));
    }
    for ((exp, verdict), like) in step.expect.iter().zip(&res.verdicts).zip(likes) {
        let odds = format!("[{}/{} replays]", like.held, like.total);
        let what = line(&exp.kind.describe());
        match Status::of(like, confidence) {
            Status::Holds => out.push_str(&format!(
                "{} {what} {odds}\n",
                paint("✓ as expected:", "32", color)
            )),
            Status::Accepted => out.push_str(&format!(
                "{} {what} {odds}, at or above the {} confidence asked\n",
                paint("✓ as expected:", "32", color),
                percent(confidence)
            )),
            Status::AtRisk => out.push_str(&format!(
                "{} {what} {odds}\n",
                paint("⚠ at risk:", "33", color)
            )),
            Status::Fails => out.push_str(&format!(
                "{} expected {what}, but {} {odds}\n",
                paint("✗ not as expected:", "31", color),
                line(&verdict.seen)
            )),
        }
        if like.certain() || like.held == 0 {
            continue;
        }
        out.push_str(&format!(
            "    share: holds in {} of replays, fails in {}\n",
            percent(like.share()),
            percent(1.0 - like.share())
        ));
        out.push_str(&format!(
            "    in the run shown: {}\n",
            if verdict.held {
                "it held".to_string()
            } else {
                line(&verdict.seen)
            }
        ));
        if let Some(c) = &like.cause {
            out.push_str(&format!("    why: {}\n", line(c)));
        }
        if let Some(f) = &like.fix {
            out.push_str(&format!("    fix: {}\n", line(f)));
        }
    }
    out
}

/// The closing line (after a blank line): how many verdicts held.
pub fn summary(outcome: &Outcome) -> String {
    format!("\n{}", summary_line(outcome))
}

/// A share as a percentage with one decimal (`48.5%`).
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// What every verdict is counted over, and what the sampled replays draw
/// again beside the node shuffles (`sample::history_redrawn`: a written
/// world's running jobs, placed anew by each replay's session), as `plan
/// --samples` says it.
fn replays_line(samples: u32, confidence: f64, world: &World) -> String {
    let asked = if confidence < 1.0 {
        format!(
            "; an expectation passes when it holds in at least {} of them",
            percent(confidence)
        )
    } else {
        "; an expectation passes when it holds in every one".to_string()
    };
    if samples == 0 {
        format!(
            "Verdicts over 1 replay, the run shown (--samples 0: other node shuffles not measured){asked}.\n"
        )
    } else {
        let redrawn = crate::scheduler::sample::history_redrawn(world)
            .map_or(String::new(), |r| format!("; {r}"));
        format!(
            "Verdicts over {} replays, the run shown and {samples} with other node shuffles{redrawn}{asked}.\n",
            u64::from(samples) + 1
        )
    }
}

fn summary_line(outcome: &Outcome) -> String {
    let accepted = outcome.count(Status::Accepted);
    let mut parts = vec![format!("{} held", outcome.count(Status::Holds) + accepted)];
    if accepted > 0 {
        parts[0].push_str(&format!(
            " ({accepted} at or above the {} confidence asked)",
            percent(outcome.confidence)
        ));
    }
    parts.push(format!("{} at risk", outcome.count(Status::AtRisk)));
    parts.push(format!("{} failed", outcome.count(Status::Fails)));
    format!(
        "{} over {} replay{}\n",
        parts.join(", "),
        outcome.replays,
        if outcome.replays == 1 { "" } else { "s" }
    )
}

/// The machine-readable report.
pub fn json(rehearsal: &Rehearsal, world: &World, outcome: &Outcome) -> Value {
    let steps: Vec<Value> = rehearsal
        .steps
        .iter()
        .zip(&outcome.steps)
        .enumerate()
        .map(|(i, (step, res))| {
            let expectations: Vec<Value> = step
                .expect
                .iter()
                .zip(&res.verdicts)
                .enumerate()
                .map(|(ei, (e, v))| {
                    let like = outcome.likelihood.get(i).and_then(|l| l.get(ei));
                    let (line, col) = rehearsal.source.line_col(e.span.start);
                    json!({
                        "expectation": e.kind.describe(),
                        "line": line,
                        "column": col,
                        "verdict": outcome.status(i, ei).as_str(),
                        "held_in_run_shown": v.held,
                        "seen": v.seen,
                        "likelihood": like.map(|l| json!({
                            "held": l.held,
                            "replays": l.total,
                            "share": l.share(),
                            "cause": l.cause,
                            "fix": l.fix,
                        })),
                    })
                })
                .collect();
            json!({
                "step": i + 1,
                "title": step.title,
                "action": action_line(&step.action),
                "output": res.observation.output,
                "exit_code": res.observation.exit_code,
                "assumed": crate::planner::assumed::json(&res.observation.assumed),
                // What the text's `note:` lines say of its random orders and
                // masked values, as `plan`'s `Preflight.Nondeterminism` and
                // `Preflight.Masked` say them.
                "nondeterminism": res.observation.map_order,
                "masked": crate::diff::secrets::note(&res.observation.masked)
                    .map(|note| json!({"Fields": res.observation.masked, "Note": note})),
                // The text's note on its times: the simulation's clock.
                "simulated_times": res.observation.simulated_times,
                "expectations": expectations,
            })
        })
        .collect();
    json!({
        "version": 1,
        "rehearsal": rehearsal.name,
        "file": rehearsal.source.name,
        "nomad_version": world.nomad_version.to_string(),
        "samples": outcome.samples,
        "replays": outcome.replays,
        "confidence": outcome.confidence,
        // What the sampled replays draw again beside the node shuffles, as
        // `plan --samples`' `Preflight.Samples.History` says it.
        "history": (outcome.samples > 0)
            .then(|| crate::scheduler::sample::history_redrawn(world))
            .flatten(),
        "steps": steps,
        "summary": {
            "held": outcome.count(Status::Holds) + outcome.count(Status::Accepted),
            "accepted": outcome.count(Status::Accepted),
            "at_risk": outcome.count(Status::AtRisk),
            "failed": outcome.count(Status::Fails),
            "all_clear": outcome.all_clear(),
        },
    })
}
