//! Replaying a whole rehearsal: once deterministically (the run whose text
//! is printed), then N times under other node shuffles to measure how
//! likely every expectation is, and why it fails when it does.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::features::{cluster_features, explain, FeatureTable};
use super::run::{Session, StepResult};
use super::{ExpectKind, Rehearsal};
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
    /// The instant (Unix seconds) a periodic job's next launch is counted
    /// from in a plan's `- If submitted now, ...` line: one instant for the
    /// whole rehearsal, so every replay prints the same line.
    pub now: i64,
    /// The zone `nomad job status` steps print dates in (Nomad's CLI: the
    /// local zone of the machine running it).
    pub zone: crate::render::status::TimeZone,
}

impl Options {
    /// Options counting periodic launches from the clock, dates in UTC
    /// (text that does not depend on the machine's zone).
    pub fn new(seed: u64, samples: u32) -> Self {
        Options {
            seed,
            samples,
            confidence: 1.0,
            now: jiff::Timestamp::now().as_second(),
            zone: crate::render::status::TimeZone::UTC,
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
    /// The verdict on an expectation with likelihood `l`, when it must hold
    /// in at least the share `confidence` of the replays.
    pub fn of(l: &Likelihood, confidence: f64) -> Status {
        if l.certain() {
            Status::Holds
        } else if l.held == 0 {
            Status::Fails
        } else if l.share() >= confidence {
            Status::Accepted
        } else {
            Status::AtRisk
        }
    }
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
        match self.likelihood.get(si).and_then(|l| l.get(ei)) {
            Some(l) => Status::of(l, self.confidence),
            None => Status::Fails,
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

/// One sampled replay: per step, per expectation, held or not, plus the
/// facts seen just before each step that has expectations (numbers into the
/// rehearsal's [`FeatureTable`]; empty for other steps, which are never
/// explained).
struct SampleRun {
    held: Vec<Vec<bool>>,
    features: Vec<Box<[u32]>>,
}

fn needs_text(r: &Rehearsal) -> bool {
    r.steps
        .iter()
        .flat_map(|s| s.expect.iter())
        .any(|e| matches!(e.kind, ExpectKind::OutputContains(_)))
}

/// Run a rehearsal: the run shown (seed `opts.seed`) and `opts.samples`
/// replays under other node shuffles; every verdict counts them all. Keeps
/// every step of the run shown in [`Outcome::steps`]; see
/// [`rehearse_streaming`] to hand each one on instead.
pub fn rehearse(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<Outcome, Diags> {
    let mut steps = Vec::with_capacity(rehearsal.steps.len());
    let mut outcome = rehearse_streaming(rehearsal, base, world, opts, progress, &mut |r, _| {
        steps.push(r)
    })?;
    outcome.steps = steps;
    Ok(outcome)
}

/// [`rehearse`], handing each step of the run shown to `shown` with its
/// verdicts over every replay as soon as it has run, so a long rehearsal is
/// printed as it goes and its text is never held whole ([`Outcome::steps`]
/// stays empty). The sampled replays run first: a step's verdict needs them.
pub fn rehearse_streaming(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    progress: &(dyn Fn(u32, u32) + Sync),
    shown: &mut dyn FnMut(StepResult, &[Likelihood]),
) -> Result<Outcome, Diags> {
    let mut session = Session::new(base, world, opts.seed, true)?
        .at(opts.now)
        .in_zone(opts.zone.clone());
    let table = FeatureTable::default();
    let samples = if opts.samples > 0 {
        sampled(
            rehearsal,
            base,
            world,
            opts,
            &BTreeMap::new(),
            progress,
            Some(&table),
        )
        // A failed replay fails the rehearsal: its shares would be over fewer runs.
        .map_err(|e| Diags::from(e.to_diag()))?
    } else {
        Vec::new()
    };
    let total = u32::try_from(samples.len() + 1).unwrap_or(u32::MAX);
    let mut likelihood = Vec::with_capacity(rehearsal.steps.len());
    // The fix is searched for once, at the first step with an expectation
    // that does not hold in every replay: that step is the cause of the
    // later ones. A fix is verified against every expectation of the
    // rehearsal, so the later ones point back to it.
    let mut fix: Option<(usize, Option<String>)> = None;
    for (si, step) in rehearsal.steps.iter().enumerate() {
        let facts = if step.expect.is_empty() {
            Box::default()
        } else {
            table.intern(cluster_features(&session.sim.state))
        };
        let r = session.step(step, rehearsal)?;
        let mut likes: Vec<Likelihood> = r
            .verdicts
            .iter()
            .enumerate()
            .map(|(ei, v)| {
                let held_in = |s: &SampleRun| s.held.get(si).and_then(|h| h.get(ei)) == Some(&true);
                let held = u32::from(v.held) + samples.iter().filter(|s| held_in(s)).count() as u32;
                let mut l = Likelihood {
                    held,
                    total,
                    cause: None,
                    fix: None,
                };
                if !l.certain() && l.held > 0 {
                    let runs: Vec<(bool, &[u32])> =
                        std::iter::once((v.held, &facts[..]))
                            .chain(samples.iter().map(|s| {
                                (held_in(s), s.features.get(si).map_or(&[][..], |f| &f[..]))
                            }))
                            .collect();
                    l.cause = explain(&table, &runs);
                }
                l
            })
            .collect();
        if likes.iter().any(|l| !l.certain()) {
            let (at, found) =
                fix.get_or_insert_with(|| (si, find_fix(rehearsal, base, world, opts, &r, si)));
            if let Some(found) = found {
                for l in likes.iter_mut().filter(|l| !l.certain()) {
                    l.fix = Some(if *at == si {
                        found.clone()
                    } else {
                        format!("the change named at step {} makes this hold too", *at + 1)
                    });
                }
            }
        }
        shown(r, &likes);
        likelihood.push(likes);
    }
    Ok(Outcome {
        steps: Vec::new(),
        likelihood,
        samples: opts.samples,
        replays: total,
        confidence: opts.confidence,
    })
}

/// `opts.samples` replays of the rehearsal; with a table, each keeps the
/// facts before every step that has expectations (the fix search needs
/// verdicts only).
fn sampled(
    rehearsal: &Rehearsal,
    base: &dyn Vfs,
    world: &World,
    opts: &Options,
    edits: &BTreeMap<PathBuf, Arc<str>>,
    progress: &(dyn Fn(u32, u32) + Sync),
    table: Option<&FeatureTable>,
) -> Result<Vec<SampleRun>, crate::scheduler::sample::SampleError> {
    let text = needs_text(rehearsal);
    let done = std::sync::atomic::AtomicU32::new(0);
    sample(world, opts.samples, opts.seed, |sim| {
        let mut session = Session::from_sim(base, sim.clone(), text)
            .with_edits(edits)
            .at(opts.now)
            .in_zone(opts.zone.clone());
        let mut held = Vec::with_capacity(rehearsal.steps.len());
        let mut features = Vec::with_capacity(rehearsal.steps.len());
        let mut broken = false;
        for step in &rehearsal.steps {
            features.push(match table {
                Some(t) if !step.expect.is_empty() => {
                    t.intern(cluster_features(&session.sim.state))
                }
                _ => Box::default(),
            });
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
    shown: &StepResult,
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
        let Ok(runs) = sampled(&r, base, world, &fix_opts, &edits, &quiet, None) else {
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
    let placed: Vec<String> = shown
        .observation
        .plans
        .iter()
        .flat_map(|p| p.desired_tg_updates.iter())
        .filter(|(_, u)| u.place > 0)
        .map(|(g, _)| g.clone())
        .collect();
    let loader =
        crate::job_loader::JobLoader::plain(world.nomad_version, world.project_root.clone())
            .for_servers(world.edition(), world.server.job_settings(), &world.region)
            .with_running(world);
    let job = loader.load(base, &file).job?;
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
