//! How a rehearsal reads: every step's command and Nomad's text, then a
//! verdict per expectation with its likelihood, and a summary.

use serde_json::{json, Value};

use super::replay::Outcome;
use super::{Action, Rehearsal};
use crate::world::World;

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
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

/// The human report.
pub fn text(
    rehearsal: &Rehearsal,
    world: &World,
    world_note: &str,
    outcome: &Outcome,
    color: bool,
) -> String {
    let mut out = String::new();
    let title = if rehearsal.name.is_empty() {
        rehearsal.source.name.clone()
    } else {
        format!("{} ({})", rehearsal.name, rehearsal.source.name)
    };
    out.push_str(&format!("{} {title}\n", paint("Rehearsal:", "1", color)));
    if !rehearsal.description.is_empty() {
        out.push_str(&format!("{}\n", rehearsal.description));
    }
    out.push_str(&format!("World: {world_note}; {}\n", world_line(world)));
    if outcome.samples > 0 {
        out.push_str(&format!(
            "Likelihoods over {} replays with different node shuffles.\n",
            outcome.samples
        ));
    }
    let total = rehearsal.steps.len();
    for (i, (step, res)) in rehearsal.steps.iter().zip(&outcome.steps).enumerate() {
        out.push('\n');
        out.push_str(&paint(
            &format!("── Step {} of {total}: {}", i + 1, step.title),
            "1",
            color,
        ));
        out.push('\n');
        out.push_str(&paint(&action_line(&step.action), "36", color));
        out.push('\n');
        let body = &res.observation.output;
        if !body.is_empty() {
            out.push_str(body);
            if !body.ends_with('\n') {
                out.push('\n');
            }
        }
        for (ei, (exp, verdict)) in step.expect.iter().zip(&res.verdicts).enumerate() {
            let like = outcome.likelihood.get(i).and_then(|l| l.get(ei));
            let odds = like
                .map(|l| format!(" [{}/{} replays]", l.held, l.total))
                .unwrap_or_default();
            if verdict.held {
                out.push_str(&format!(
                    "{} {}{odds}\n",
                    paint("✓ as expected:", "32", color),
                    exp.kind.describe()
                ));
            } else {
                out.push_str(&format!(
                    "{} expected {}, but {}{odds}\n",
                    paint("✗ not as expected:", "31", color),
                    exp.kind.describe(),
                    verdict.seen
                ));
            }
            if let Some(l) = like.filter(|l| !l.certain() && l.total > 0) {
                let pct = l.share() * 100.0;
                let what = if verdict.held {
                    format!("holds in {pct:.1}% of replays, so it can fail on the day")
                } else {
                    format!("fails here but holds in {pct:.1}% of replays")
                };
                out.push_str(&format!("  {} {what}\n", paint("⚠ risk:", "33", color)));
                if let Some(c) = &l.cause {
                    out.push_str(&format!("    why: {c}\n"));
                }
                if let Some(f) = &l.fix {
                    out.push_str(&format!("    fix: {f}\n"));
                }
            }
        }
    }
    out.push('\n');
    let risks = outcome.risks().len();
    out.push_str(&format!(
        "{} passed, {} failed{}\n",
        outcome.passed(),
        outcome.failed(),
        if outcome.samples > 0 {
            format!(
                "; {risks} risk{} over {} replays",
                if risks == 1 { "" } else { "s" },
                outcome.samples
            )
        } else {
            String::new()
        }
    ));
    out
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
                        "held": v.held,
                        "seen": v.seen,
                        "likelihood": like.map(|l| json!({
                            "held": l.held,
                            "samples": l.total,
                            "share": l.share(),
                            "certain": l.certain(),
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
        "steps": steps,
        "summary": {
            "passed": outcome.passed(),
            "failed": outcome.failed(),
            "risks": outcome.risks().len(),
        },
    })
}
