//! The lint run behind `nomad-preflight check`, as a library: which files
//! are job files, loading them on worker threads (fail closed: a worker that
//! panics is an error naming its file, never a silently shorter report), and
//! judging each against the world with the rule registry. The CLI only
//! parses flags, resolves the world and prints.

pub mod ahead;
mod causes;
mod each_alone;
mod excluded;
mod front_end;
mod other_world;
pub mod outlive;
mod preload;
mod replaced;
mod resample;
pub(crate) use front_end::front_end_marked;
use resample::resample_moot;
mod shell_namespace;
mod twice;
pub use other_world::merge_other_world;
pub use preload::{post_standing, preload, Preloaded};
pub use shell_namespace::check_change_set;
pub mod not_got;
pub mod root_cause;
pub mod select;
pub mod sim_cache;
mod validate_only;
pub mod world_change;
pub use validate_only::validate_paths;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::changeset::{Action, Before, ChangeSet, NewVersion, Sequence, Step};
use crate::diag::{panic_text, Diag};
use crate::job_loader::JobLoader;
use crate::jobspec;
use crate::rules::{self, Finding, RuleContext};
use crate::scheduler::replay_cache::Shared;
use crate::scheduler::Simulation;
use crate::vfs::Vfs;
use crate::world::World;

/// Code of the diagnostic for a file whose check crashed (exit 2).
pub const INTERNAL: &str = "check::internal";

/// One checked file's diagnostics: the front end's and the rules'.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub diags: Vec<Finding>,
    /// The check of this file crashed: its diagnostics are incomplete and the
    /// run must fail with the error exit code, whatever the findings say.
    pub crashed: bool,
}

/// How the files of one run relate to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judging {
    /// Plain `check PATHS`: each file alone against the world, so a file's
    /// verdict never depends on which other files were named with it.
    EachAlone,
    /// A change set (`--staged`, `--base`): files are submitted in path
    /// order, each judged against the world with the earlier planned
    /// changes of the set registered (a pull request that changes two jobs
    /// submits both). See docs/ci.md, "Change sets".
    InOrder,
}

/// A job file read and parsed, before the rules run.
enum Loaded {
    Job(Box<jobspec::ParsedJob>),
    /// The file could not be read, or loading it crashed: its one diagnostic.
    Failed {
        diag: Diag,
        crashed: bool,
    },
}

/// The diagnostic for a file that cannot be read.
type Unreadable = fn(&Path, &std::io::Error) -> Diag;

/// Read and parse one file; `None` when it is not a job file (other HCL:
/// the caller counts it as skipped).
fn load_file(
    vfs: &dyn Vfs,
    path: &Path,
    loader: &JobLoader,
    unreadable: Unreadable,
) -> Option<Loaded> {
    match loader.job_file(vfs, path) {
        Ok(parsed) => parsed.map(|p| Loaded::Job(Box::new(p))),
        Err(e) => {
            // Our own refusal (outside the project, not a regular file,
            // over the size cap, what a checkout writes): Nomad reads the
            // file, so its answer is not known, as `plan` and `validate`
            // say (`jobspec::load`): "cannot tell" (exit 2), not a refusal.
            // The file system's own failure stays a definite error.
            let diag = unreadable(path, &e);
            let diag = match crate::project::refusal(&e) {
                Some(_) => diag.as_cannot_tell(),
                None => diag,
            };
            Some(Loaded::Failed {
                diag,
                crashed: false,
            })
        }
    }
}

/// The diagnostic for a file whose check panicked: the run cannot vouch for
/// it, so it fails with exit 2 and names the file.
fn crash(path: &Path, stage: &str, payload: &(dyn std::any::Any + Send)) -> Diag {
    Diag::error(
        INTERNAL,
        format!(
            "internal error while {stage} {}: {}",
            path.display(),
            panic_text(payload)
        ),
    )
    .help("this is a bug in nomad-preflight; the file was not checked, so the run fails. Please report it with the file")
}

/// Parse files on `threads` threads; results come back in `files` order,
/// with the files that are not job files listed apart. A panic while
/// loading one file becomes that file's error, and a worker that dies
/// anyway fails every file it had not returned.
fn load_files(
    vfs: &dyn Vfs,
    files: &[PathBuf],
    loader: &JobLoader,
    threads: crate::Workers,
    unreadable: Unreadable,
) -> (Vec<(PathBuf, Loaded)>, Vec<PathBuf>) {
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = files.get(i) else { break };
            match catch_unwind(AssertUnwindSafe(|| {
                load_file(vfs, path, loader, unreadable)
            })) {
                Ok(Some(r)) => done.push((i, path.clone(), Some(r))),
                Ok(None) => done.push((i, path.clone(), None)),
                Err(p) => done.push((
                    i,
                    path.clone(),
                    Some(Loaded::Failed {
                        diag: crash(path, "loading", p.as_ref()),
                        crashed: true,
                    }),
                )),
            }
        }
        done
    };
    // Every worker pulls the next file index; the sort below restores input
    // order, so the thread count never shows in the output.
    // No helper for a single file (the pre-commit case): starting a thread
    // costs more than the file.
    let helpers = threads.for_work(files.len()) - 1;
    type Done = Vec<(usize, PathBuf, Option<Loaded>)>;
    let (mut all, lost): (Done, bool) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers)
            .map(|_| s.spawn(crate::gotext::inherit(worker)))
            .collect();
        let mut v = worker();
        let mut lost = false;
        for h in handles {
            match h.join() {
                Ok(done) => v.extend(done),
                Err(_) => lost = true,
            }
        }
        (v, lost)
    });
    if lost {
        // Which files the dead worker held is unknown: fail each file that
        // has no result rather than report a shorter run as clean.
        let seen: std::collections::BTreeSet<usize> = all.iter().map(|(i, _, _)| *i).collect();
        for (i, path) in files.iter().enumerate().filter(|(i, _)| !seen.contains(i)) {
            let diag = crash(path, "loading", &"a worker thread died");
            all.push((
                i,
                path.clone(),
                Some(Loaded::Failed {
                    diag,
                    crashed: true,
                }),
            ));
        }
    }
    all.sort_by_key(|(i, _, _)| *i);
    let mut loaded = Vec::new();
    let mut skipped = Vec::new();
    for (_, p, r) in all {
        match r {
            Some(r) => loaded.push((p, r)),
            None => skipped.push(p),
        }
    }
    (loaded, skipped)
}

/// The job a file plans to submit: a job that parsed without errors and
/// differs from (or is absent in) what the simulation runs. Files equal to
/// the running version change nothing.
pub fn planned_change<'p>(
    parsed: &'p jobspec::ParsedJob,
    sim: &Simulation,
) -> Option<&'p jobspec::Job> {
    let job = parsed.job.as_ref()?;
    if parsed.diags.has_errors() {
        return None;
    }
    crate::changeset::changes_what_runs(job, sim).then_some(job)
}

/// What one `check` run judges against.
pub struct Judge<'a> {
    pub world: &'a World,
    pub sim: Option<&'a Simulation>,
    pub judging: Judging,
    /// Worker threads for loading and judging.
    pub threads: crate::Workers,
    /// `check --base`: the change is untrusted. `None` trusts every
    /// suppression (commit time, plain `check`).
    pub untrusted: Option<Untrusted<'a>>,
    /// The namespace a job file that names none is sent to, as `nomad job
    /// plan` sends it (`-namespace`, else `NOMAD_NAMESPACE`, where the
    /// release applies it: [`crate::job_loader::RequestNamespace`]);
    /// `None`: "default". Where it came from, for a change set's "cannot
    /// tell" when the world runs such a file elsewhere.
    pub namespace: Option<crate::job_loader::Applied<'a>>,
    /// Every finding of the sampling rules (NP207, NP304, NP403) is
    /// reported by its code alone: no selection, per-file ignore, severity
    /// level or base configuration names them
    /// ([`crate::config::RuleSelection::plainly_reports`]). Then a file
    /// Nomad refuses is not sampled again ([`resample_moot`]); `false`
    /// always samples as the rules ask.
    pub plain_sampling: bool,
}

/// What `check --base` needs to keep a change from silencing its own gate.
#[derive(Clone, Copy)]
pub struct Untrusted<'a> {
    /// The files at the base: only suppressions they already hold may
    /// silence a finding that fails the run.
    pub base_files: &'a dyn Vfs,
    /// The change (a renamed file's base is where it came from).
    pub set: &'a crate::changeset::ChangeSet,
    /// What fails the run, with the run's configuration and threshold.
    pub gate: &'a dyn rules::gate::Gate,
}

impl<'a> Untrusted<'a> {
    /// The suppressions trusted in the file at `path`, which `step` submits.
    pub(crate) fn trusted(&self, path: &Path, step: &Step) -> rules::suppress::Trusted<'a> {
        let at_base = self.set.renamed_from(path).unwrap_or(path);
        let text = self.base_files.read(at_base).ok().map(|s| s.text.clone());
        rules::suppress::Trusted::from_base(text.as_deref(), step.base_job_is(), self.gate, path)
    }
}

/// The outcome of one run: the files judged, and the files looked at that
/// turned out not to be job files (counted in the summary, never dropped
/// silently).
#[derive(Debug, Default)]
pub struct Checked {
    pub results: Vec<FileResult>,
    pub skipped: Vec<PathBuf>,
}

/// Check files. With [`Judging::InOrder`] the files are the steps of a
/// change set in path order (see [`check_change_set`]); with
/// [`Judging::EachAlone`] every file sees the world as is.
pub fn check_files(
    vfs: &dyn Vfs,
    files: &[PathBuf],
    loader: &JobLoader,
    judge: &Judge<'_>,
) -> Vec<FileResult> {
    check_paths(vfs, files, loader, judge).results
}

/// [`check_files`], also listing the files skipped as not job files.
/// Files from which a check's memory is worth huge pages
/// ([`crate::huge_pages`]): over the 658-file corpus they were a few
/// percent faster (medians of 8 paired runs, 114 against 120 ms); one
/// file is the hook, where they cost.
const MANY_FILES: usize = 16;

pub fn check_paths(
    vfs: &dyn Vfs,
    files: &[PathBuf],
    loader: &JobLoader,
    judge: &Judge<'_>,
) -> Checked {
    if files.len() >= MANY_FILES {
        crate::huge_pages::allow();
    }
    let (mut loaded, skipped) =
        load_files(vfs, files, loader, judge.threads, crate::diag::unreadable);
    in_request_namespace(&mut loaded, judge.namespace.map(|a| a.namespace));
    let steps: Vec<Step> = loaded
        .iter()
        .map(|(path, l)| Step {
            path: path.clone(),
            change: crate::changeset::FileChange::Added,
            action: match l {
                Loaded::Job(p) => match NewVersion::of(p) {
                    NewVersion::Job(j) => Action::Submit(j),
                    NewVersion::Invalid => Action::Invalid,
                    NewVersion::Untold(d) => Action::CannotTell(d),
                },
                Loaded::Failed { .. } => Action::Invalid,
            },
            base_job: None,
        })
        .collect();
    // A file defining a job the world runs from another file that is
    // still there, or that another named file defines (R18-B-1). Named
    // paths are the command line's; the world's, its project's. Each is
    // the file a read of it lands at, links followed (R18-E-2).
    let in_world = |r: &Path| judge.world.project_root.join(r);
    // Canonically, as the kernel opens the path: outside the root the
    // source names no link (`--world ../link/rules`, `check
    // ../link/jobs/x.nomad`, `../jobs-link/../jobs/x.nomad`), and a
    // lexical path made the running file itself a second definition.
    let is = |p: &Path| {
        let end = vfs.resolves_through(p).pop();
        crate::project::resolved(&vfs.root().join(end.as_deref().unwrap_or(p)))
    };
    let world_is = |r: &Path| is(&in_world(r));
    // A world outside the checked folder's project (`--world ../p/rules`)
    // is beyond the source's fence: its running file is looked for on
    // disk, where `nomad job run` would open it, never taken as gone.
    let on_disk = |r: &Path| {
        let at = in_world(r);
        vfs.is_file(&at) || std::fs::metadata(&at).is_ok_and(|m| m.is_file())
    };
    let here = |j: &crate::jobspec::Job| {
        crate::mutators::region_forward::plan_unknown(judge.world, j).is_none()
    };
    let files = crate::changeset::Files {
        step: &is,
        running: &world_is,
        still_there: &on_disk,
        here: &here,
    };
    let twice = crate::changeset::defined_twice(&steps, &judge.world.running, &files);
    let twice = twice::findings(loaded.iter().map(|(p, l)| (p, l)), twice, judge.world);
    Checked {
        results: twice::merge(
            judge_steps(loaded, &steps, judge, twice.cross),
            twice.refused,
        ),
        skipped,
    }
}

/// Check a change set in one request namespace (`judge.namespace`; see
/// [`check_change_set`]): its job files are loaded from `vfs` (the
/// change's head), and judged in the set's submission order, each against
/// the cluster with the earlier steps applied (jobs submitted, deleted
/// jobs stopped). `base` holds the files at the base, for the running
/// versions of renamed and deleted files.
fn change_set_in(
    vfs: &dyn Vfs,
    set: &ChangeSet,
    base: &dyn Vfs,
    loader: &JobLoader,
    judge: &Judge<'_>,
    preloaded: Option<Preloaded>,
) -> Checked {
    // Named paths choose the files reported; each is judged after the whole
    // change's earlier steps (R17-52: b.nomad without a.nomad staged too),
    // the files `exclude` leaves out of the lint among them (R21-A3).
    let whole = set.whole().keeping_excluded();
    let candidates = whole.candidates();
    let (preloaded, standing) = preload::standing(preloaded, judge.namespace);
    let (mut loaded, skipped) =
        preload::or_load(preloaded, vfs, &candidates, loader, judge.threads);
    // Each new version with and without the shell's `NOMAD_VAR_*`, as
    // loaded: `steps` puts the request's namespace on both alike.
    let files = loaded.iter().map(|(p, l)| match l {
        Loaded::Job(parsed) => (p, Some(&**parsed)),
        Loaded::Failed { .. } => (p, None),
    });
    let new = crate::changeset::shell_vars::new_versions(vfs, files, loader);
    in_request_namespace(&mut loaded, judge.namespace.map(|a| a.namespace));
    let skipped = skipped
        .into_iter()
        .filter(|p| set.reports(p) && !set.lint_excludes(p))
        .collect();
    let steps = whole.steps(&new, base, loader, judge.namespace, &judge.world.running);
    // A running job's file the change leaves in place still defines it.
    let reports = |p: &Path| set.reports(p);
    let head = (vfs, loader, standing);
    let twice = twice::of_change(&whole, &steps, &loaded, judge, head, &reports);
    let judged = one_per_path(judge_steps(loaded, &steps, judge, twice.cross));
    let mut results = twice::merge(judged, twice.refused);
    results.retain(|r| set.reports(&r.path));
    excluded::keep_gate_findings(set, &mut results);
    // Copies of the new jobs, each a tree of allocations.
    outlive::drop_later(Box::new((new, steps)));
    Checked { results, skipped }
}

/// Each loaded job that names no namespace, in the request's namespace
/// `ns` ([`Judge::namespace`]): Nomad's CLI forces only a namespace the job
/// writes (command/job_plan.go v2.0.5:208-210 `SetNamespace`), so such a
/// job is planned, and its quota and its running version looked up, in the
/// namespace the command names. Every rule then reads the job as `plan`
/// submits it, and the change set's keys are the plan gate's.
fn in_request_namespace(loaded: &mut [(PathBuf, Loaded)], ns: Option<&str>) {
    let Some(ns) = ns else { return };
    for (_, l) in loaded.iter_mut() {
        if let Loaded::Job(parsed) = l {
            if let Some(job) = parsed.job.take() {
                parsed.job = Some(crate::job_loader::with_namespace(job, Some(ns)));
            }
        }
    }
}

/// One result per file: what a renamed file's old version leaves unknown
/// (its step goes first at the new path) is said with its new version's
/// findings.
fn one_per_path(results: Vec<FileResult>) -> Vec<FileResult> {
    let mut out: Vec<FileResult> = Vec::with_capacity(results.len());
    for r in results {
        match out.last_mut() {
            Some(last) if last.path == r.path => {
                last.diags.extend(r.diags);
                last.crashed |= r.crashed;
            }
            _ => out.push(r),
        }
    }
    out
}

/// What every file of one run shares: the replays of the world under other
/// seeds and the first client of each pool (both made on first use), and
/// the findings a pass over all the run's files made for each file
/// (NP229), which its rules pass reports.
pub(super) struct RunShared {
    replays: OnceLock<Shared>,
    pool_nodes: OnceLock<Vec<std::sync::Arc<crate::cluster::Node>>>,
    cross: twice::Cross,
}

/// The rules' findings for one parsed file against one state of the cluster.
fn findings(
    parsed: &jobspec::ParsedJob,
    path: &Path,
    judge: &Judge<'_>,
    sim: Option<&Simulation>,
    before: Before<'_>,
    trusted: Option<&rules::suppress::Trusted<'_>>,
    run: &RunShared,
) -> Vec<Finding> {
    let ctx = RuleContext::new(parsed, judge.world, sim)
        .with_before(before.applied, before.kept)
        .with_trusted(trusted)
        .with_replays(&run.replays)
        .with_pool_nodes(&run.pool_nodes)
        .with_cross_file(run.cross.get(path).map_or(&[], Vec::as_slice));
    let ctx = if resample_moot(parsed, judge) {
        ctx.without_resample()
    } else {
        ctx
    };
    // The front end's errors as they are; its warnings come back from the
    // rules pass, which applies policy and suppressions to them.
    let mut diags: Vec<Finding> = parsed
        .diags
        .iter()
        .filter(|d| {
            d.severity == crate::diag::Severity::Error || rules::frontend::find(&d.code).is_none()
        })
        .cloned()
        .collect();
    front_end_marked(&mut diags);
    diags.extend(rules::check_job(&ctx, path));
    diags
}

/// Judge every step in order. [`Judging::InOrder`] applies each step to a
/// copy of the simulation after its own check, so a later file is judged
/// against the cluster as it will be once the earlier steps are applied,
/// and a finding only that state gives names the earlier files causing it.
fn judge_steps(
    loaded: Vec<(PathBuf, Loaded)>,
    steps: &[Step],
    judge: &Judge<'_>,
    cross: twice::Cross,
) -> Vec<FileResult> {
    let run = RunShared {
        replays: OnceLock::new(),
        pool_nodes: OnceLock::new(),
        cross,
    };
    if judge.judging == Judging::EachAlone {
        return each_alone::judge(loaded, steps, judge, &run);
    }
    let mut loaded: BTreeMap<PathBuf, Loaded> = loaded.into_iter().collect();
    let mut seq = judge.sim.cloned().map(Sequence::new);
    // A step changes the cluster only for the steps judged after it: the
    // last judged file's own step (a hook's one edit: a tenth of its
    // instructions, admission and a scheduler run) and the stops after it
    // are read by nobody.
    let last_judged = steps.iter().rposition(|s| !s.is_stop());
    let read_later = |i: usize| last_judged.is_some_and(|last| i < last);
    let mut out = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        if step.is_stop() {
            // Judged against the cluster before the stop, as the plan gate does.
            let sim = seq.as_ref().map(Sequence::sim).or(judge.sim);
            if let Some(r) = replaced::refusal(steps, i, &loaded, sim, judge.world) {
                out.push(r);
            }
            if judge.judging == Judging::InOrder && read_later(i) {
                if let Some(seq) = seq.as_mut() {
                    seq.apply(step);
                }
            }
            continue;
        }
        let path = step.path.clone();
        if let Action::CannotTell(d) = &step.action {
            out.push(FileResult {
                path,
                diags: vec![Diag::clone(d)],
                crashed: false,
            });
            continue;
        }
        let parsed = match loaded.remove(&path) {
            Some(Loaded::Job(p)) => p,
            Some(Loaded::Failed { diag, crashed }) => {
                out.push(FileResult {
                    path,
                    diags: vec![diag],
                    crashed,
                });
                continue;
            }
            None => continue,
        };
        let trusted = judge.untrusted.map(|u| u.trusted(&path, step));
        let in_order = judge.judging == Judging::InOrder;
        let judged = catch_unwind(AssertUnwindSafe(|| {
            let (sim, before) = match (&seq, in_order) {
                (Some(s), true) => (Some(s.sim()), s.before()),
                _ => (judge.sim, Before::default()),
            };
            let mut diags = findings(&parsed, &path, judge, sim, before, trusted.as_ref(), &run);
            if !before.applied.is_empty() {
                let trusted = trusted.as_ref();
                causes::name_causes(&mut diags, &parsed, &path, judge, before, trusted, &run);
            }
            diags
        }));
        let diags = match judged {
            Ok(d) => d,
            Err(p) => {
                out.push(FileResult {
                    diags: vec![crash(&path, "checking", p.as_ref())],
                    path,
                    crashed: true,
                });
                continue;
            }
        };
        if in_order && read_later(i) {
            if let Some(seq) = seq.as_mut() {
                seq.apply(step);
            }
        }
        outlive::drop_later(parsed);
        out.push(FileResult {
            path,
            diags,
            crashed: false,
        });
    }
    out
}

#[cfg(test)]
mod tests;
