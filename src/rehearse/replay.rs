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
    /// Replays with other node shuffles, besides the run that is shown.
    pub samples: u32,
    /// Share of replays (0.0..=1.0) an expectation must hold in to pass;
    /// 1.0 (the default) asks for every replay.
    pub confidence: f64,
}

impl Options {
    pub fn new(seed: u64, samples: u32) -> Self {
        Options {
            seed,
            samples,
            confidence: 1.0,
        }
    }
}

/// How often one expectation held over all replays (the run shown and the
/// sampled ones).
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

/// The verdict on one expectation, from every replay rather than one seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Held in every replay.
    Holds,
    /// Failed in some replays, but held in at least the share `--confidence` asks.
    Accepted,
    /// Held in some replays only: the demo can go either way on the day.
    AtRisk,
    /// Held in no replay.
    Fails,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Holds => "holds",
            Status::Accepted => "accepted",
            Status::AtRisk => "at_risk",
            Status::Fails => "fails",
        }
    }
    /// Whether this verdict lets the rehearsal exit 0.
    pub fn passes(self) -> bool {
        matches!(self, Status::Holds | Status::Accepted)
    }
}

/// The result of a rehearsal.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The deterministic run, step by step (the one whose text is shown).
    pub steps: Vec<StepResult>,
    /// `likelihood[step][expectation]` over every replay: the run shown and
    /// the sampled ones.
    pub likelihood: Vec<Vec<Likelihood>>,
    /// Sampled replays asked for besides the run shown.
    pub samples: u32,
    /// Replays every verdict counts: the run shown and the sampled ones.
    pub replays: u32,
    pub confidence: f64,
}

impl Outcome {
    /// The verdict on expectation `ei` of step `si`.
    pub fn status(&self, si: usize, ei: usize) -> Status {
        let Some(l) = self.likelihood.get(si).and_then(|l| l.get(ei)) else {
            return Status::Fails;
        };
        if l.certain() {
            Status::Holds
        } else if l.held == 0 {
            Status::Fails
        } else if l.share() >= self.confidence {
            Status::Accepted
        } else {
            Status::AtRisk
        }
    }

    /// Every verdict, step by step.
    pub fn statuses(&self) -> Vec<(usize, usize, Status)> {
        self.likelihood
            .iter()
            .enumerate()
            .flat_map(|(si, l)| (0..l.len()).map(move |ei| (si, ei)))
            .map(|(si, ei)| (si, ei, self.status(si, ei)))
            .collect()
    }

    /// How many expectations got `status`.
    pub fn count(&self, status: Status) -> usize {
        self.statuses()
            .iter()
            .filter(|(_, _, s)| *s == status)
            .count()
    }

    /// Every expectation holds (or holds at the confidence asked): the
    /// rehearsal exits 0.
    pub fn all_clear(&self) -> bool {
        self.statuses().iter().all(|(_, _, s)| s.passes())
    }

    /// Expectations that held in some replays and failed in others.
    pub fn risks(&self) -> Vec<(usize, usize, &Likelihood)> {
        let mut out = Vec::new();
        for (si, step) in self.likelihood.iter().enumerate() {
            for (ei, l) in step.iter().enumerate() {
                if !l.certain() && l.held > 0 {
                    out.push((si, ei, l));
                }
            }
        }
        out
    }
}

/// One replay: per step, per expectation, held or not, plus the cluster
/// features seen just before each step.
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

/// Run a rehearsal: the run shown (seed `opts.seed`), then `opts.samples`
/// replays under other node shuffles; every verdict counts them all.
pub fn rehearse(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<Outcome, Diags> {
    let mut session = Session::new(base, world, opts.seed, true)?;
    let mut steps = Vec::with_capacity(rehearsal.steps.len());
    let mut shown = SampleRun {
        held: Vec::with_capacity(rehearsal.steps.len()),
        features: Vec::with_capacity(rehearsal.steps.len()),
    };
    for step in &rehearsal.steps {
        shown.features.push(cluster_features(&session.sim.state));
        let r = session.step(step, rehearsal)?;
        shown.held.push(r.verdicts.iter().map(|v| v.held).collect());
        steps.push(r);
    }
    let mut runs = vec![shown];
    if opts.samples > 0 {
        runs.extend(
            sampled(rehearsal, base, world, opts, &BTreeMap::new(), progress)
                // A failed replay fails the rehearsal: its shares would be over fewer runs.
                .map_err(|e| Diags::from(e.to_diag()))?,
        );
    }
    let mut likelihood = tally(rehearsal, &runs);
    for (si, step) in likelihood.iter_mut().enumerate() {
        for (ei, l) in step.iter_mut().enumerate() {
            if !l.certain() && l.held > 0 {
                l.cause = explain(&runs, si, ei);
            }
        }
    }
    // Search for a fix once, at the first step with an expectation that does
    // not hold in every replay: that step is the cause of the later ones. A
    // fix is verified against every expectation of the rehearsal, so the
    // later ones point back to it.
    if let Some((si, _)) = likelihood
        .iter()
        .enumerate()
        .find(|(_, l)| l.iter().any(|x| !x.certain()))
    {
        if let Some(fix) = find_fix(rehearsal, base, world, opts, &steps, si) {
            for (k, step) in likelihood.iter_mut().enumerate().skip(si) {
                for l in step.iter_mut().filter(|l| !l.certain()) {
                    l.fix = Some(if k == si {
                        fix.clone()
                    } else {
                        format!("the change named at step {} makes this hold too", si + 1)
                    });
                }
            }
        }
    }
    Ok(Outcome {
        steps,
        likelihood,
        samples: opts.samples,
        replays: u32::try_from(runs.len()).unwrap_or(u32::MAX),
        confidence: opts.confidence,
    })
}

fn sampled(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    edits: &BTreeMap<PathBuf, Arc<str>>,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<Vec<SampleRun>, crate::scheduler::sample::SampleError> {
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
/// each job's allocations occupied, which groups shared a client, and how
/// many clients still had room for an allocation of each size that runs.
fn cluster_features(state: &State) -> Vec<String> {
    let mut by_node: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut nodes_of_job: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let mut used: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut sizes: std::collections::BTreeSet<(i64, i64)> = std::collections::BTreeSet::new();
    for a in state.allocs.iter().filter(|a| a.is_live()) {
        by_node
            .entry(a.node_id.as_str())
            .or_default()
            .push(format!("{}/{}", a.job_id, a.task_group));
        nodes_of_job
            .entry(a.job_id.as_str())
            .or_default()
            .insert(a.node_id.as_str());
        let u = used.entry(a.node_id.as_str()).or_default();
        u.0 += a.resources.cpu;
        u.1 += a.resources.memory_mb;
        sizes.insert((a.resources.cpu, a.resources.memory_mb));
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
    // Room left, measured in the sizes of allocations that exist: "2 clients
    // had room for another 1152 MB" is what decides where the next one goes.
    let free: Vec<(i64, i64)> = state
        .nodes
        .iter()
        .map(|n| {
            let (c, m) = used.get(n.id.as_str()).copied().unwrap_or_default();
            (
                n.cpu - n.reserved_cpu - c,
                n.memory_mb - n.reserved_memory_mb - m,
            )
        })
        .collect();
    let mems: std::collections::BTreeSet<i64> = sizes.iter().map(|s| s.1).collect();
    for m in mems.into_iter().filter(|m| *m > 0) {
        let k = free.iter().filter(|f| f.1 >= m).count();
        out.push(format!(
            "{k} of the {ready} clients had at least {m} MB of memory free"
        ));
        // How many more allocations of this size fit, one client at a time:
        // the question a scale-up asks.
        let fit: i64 = free.iter().map(|f| (f.1 / m).max(0)).sum();
        for j in 1..=fit.min(8) {
            out.push(format!(
                "the clients had room for at least {j} more allocation{} of {m} MB",
                if j == 1 { "" } else { "s" }
            ));
        }
    }
    let cpus: std::collections::BTreeSet<i64> = sizes.iter().map(|s| s.0).collect();
    for c in cpus {
        let k = free.iter().filter(|f| f.0 >= c).count();
        out.push(format!(
            "{k} of the {ready} clients had at least {c} MHz of cpu free"
        ));
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
        "it failed in every replay where, just before this step, {feature} ({} of {} replays; the same was true in {in_pass} of the {} where it held)",
        failing.len(),
        runs.len(),
        passing.len()
    ))
}

/// Replays tried per candidate fix: enough to trust "every replay", few
/// enough that the search stays well under a second in a release build.
const FIX_SAMPLES: u32 = 50;

/// A change to try: a different value in one of the rehearsal's own edits,
/// or a different memory ask for a task in a job file.
#[derive(Debug, Clone)]
enum Candidate {
    EditValue {
        step: usize,
        edit: usize,
        value: i64,
    },
    TaskMemory {
        file: PathBuf,
        group: String,
        task: String,
        memory: i64,
    },
}

/// Look for a change that makes expectation `ei` of step `si` hold in every
/// replay without making any other expectation fail: first a larger value
/// in a numeric edit the script already makes (carts 1 → 4 instead of 3),
/// then more memory for the tasks of the groups that step's plan places
/// (binary search up to the largest client). Only verified changes are named.
fn find_fix(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    steps: &[StepResult],
    si: usize,
) -> Option<String> {
    let fix_opts = Options {
        samples: opts.samples.min(FIX_SAMPLES),
        ..opts.clone()
    };
    let quiet = |_: u32, _: u32| {};
    let works = |c: &Candidate| -> bool {
        let (r, edits) = match apply_candidate(rehearsal, base, c) {
            Some(x) => x,
            None => return false,
        };
        // A candidate whose replays fail is not a verified fix.
        let Ok(runs) = sampled(&r, base, world, &fix_opts, &edits, &quiet) else {
            return false;
        };
        !runs.is_empty() && runs.iter().all(|run| run.held.iter().flatten().all(|h| *h))
    };
    // Numeric edits made before the step, raised by up to three.
    for (k, step) in rehearsal.steps.iter().enumerate().take(si) {
        if let super::Action::Edit { edits, .. } = &step.action {
            for (ei, e) in edits.iter().enumerate() {
                if let super::Edit::Set { value, path, .. } = e {
                    let Ok(n) = value.trim().parse::<i64>() else {
                        continue;
                    };
                    for v in n + 1..=n + 3 {
                        let c = Candidate::EditValue {
                            step: k,
                            edit: ei,
                            value: v,
                        };
                        if works(&c) {
                            return Some(format!(
                                "set {path} = {v} instead of {n} in step {} ({:?}): every expectation then holds in all {} replays tried",
                                k + 1,
                                step.title,
                                fix_opts.samples
                            ));
                        }
                    }
                }
            }
        }
    }
    // More memory for the tasks of the groups the step's plan places.
    let file = match &rehearsal.steps.get(si)?.action {
        super::Action::Command {
            command:
                super::NomadCommand::JobPlan { file, .. } | super::NomadCommand::JobRun { file, .. },
            ..
        } => PathBuf::from(file),
        _ => return None,
    };
    let placed: Vec<String> = steps
        .get(si)?
        .observation
        .plans
        .iter()
        .flat_map(|p| p.desired_tg_updates.iter())
        .filter(|(_, u)| u.place > 0)
        .map(|(g, _)| g.clone())
        .collect();
    let opts_load = crate::jobspec::LoadOptions {
        version: world.nomad_version,
        ..Default::default()
    };
    let job = crate::jobspec::load(base, &file, &opts_load).job?;
    let ceiling = world
        .clients
        .iter()
        .map(|p| p.memory - p.reserved.memory)
        .max()?;
    for g in &placed {
        let group = job.group(g)?;
        for t in &group.tasks {
            let now = t.resources.memory_mb;
            let mk = |m: i64| Candidate::TaskMemory {
                file: file.clone(),
                group: g.clone(),
                task: t.name.clone(),
                memory: m,
            };
            if now >= ceiling || !works(&mk(ceiling)) {
                continue;
            }
            let (mut lo, mut hi) = (now, ceiling);
            while hi - lo > 16 {
                let mid = lo + (hi - lo) / 2;
                if works(&mk(mid)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return Some(format!(
                "memory = {hi} (now {now}) for task {:?} of group {g:?} in {}: every expectation then holds in all {} replays tried",
                t.name,
                file.display(),
                fix_opts.samples
            ));
        }
    }
    None
}

/// The rehearsal and base-file edits a candidate stands for.
fn apply_candidate(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    c: &Candidate,
) -> Option<(Rehearsal, BTreeMap<PathBuf, Arc<str>>)> {
    let mut r = rehearsal.clone();
    let mut edits = BTreeMap::new();
    match c {
        Candidate::EditValue { step, edit, value } => {
            if let super::Action::Edit { edits: es, .. } = &mut r.steps.get_mut(*step)?.action {
                if let Some(super::Edit::Set { value: v, .. }) = es.get_mut(*edit) {
                    *v = value.to_string();
                }
            }
        }
        Candidate::TaskMemory {
            file,
            group,
            task,
            memory,
        } => {
            let text = base.read(file).ok()?.text.to_string();
            let edit = super::Edit::Set {
                path: format!("group.{group}.task.{task}.resources.memory"),
                value: memory.to_string(),
                span: crate::source::Span::default(),
            };
            let new = super::edit::apply(&text, &edit).ok()?;
            edits.insert(crate::vfs::normalize(file), Arc::from(new));
        }
    }
    Some((r, edits))
}
