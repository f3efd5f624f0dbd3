//! `plan --changed`: which jobs a commit or a branch changes, each planned
//! against the running versions (the world at the base revision).
//!
//! The change set and its order are [`crate::changeset`]'s, shared with
//! `check --staged/--base`: job files in path order, each planned against
//! the cluster with the earlier files of the set already submitted (and
//! deleted jobs stopped; a job whose file defines another now runs on, as
//! `nomad job run` leaves it), as a pipeline applying the change submits them.
//! A plan made on top of earlier files names them in its header.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::changeset::{shell_vars, Action, ChangeSet, NewVersion, Sequence};
use crate::diag::{Diag, Diags};
use crate::job_loader::JobLoader;
use crate::scheduler::Simulation;

pub use crate::changeset::{FileChange, Head, Range};

use super::JobPlan;

/// What planning one changed file gave.
#[derive(Debug)]
pub enum Outcome {
    Plan(Box<JobPlan>),
    /// Nothing to plan, and why (a deleted job the world does not run).
    Note(String),
    /// The new version does not load, or its plan cannot be told.
    Invalid(Diags),
}

impl Outcome {
    /// An entry whose plan the tool cannot tell (Nomad's answer is not
    /// known: `plan::cannot-know`, a deleted file whose job is not known,
    /// `changeset::cannot-tell`, or a job file whose evaluation says
    /// `...-cannot-tell`): no fault of the file, so summaries count it
    /// apart from the invalid ones (redteam6 G8). The exit code is the
    /// same, Nomad's error.
    pub fn cannot_tell(&self) -> bool {
        match self {
            Outcome::Invalid(d) => d.iter().any(|x| {
                x.is_error()
                    && (x.code == CANNOT_KNOW
                        || x.code == crate::changeset::CANNOT_TELL
                        || x.code.ends_with("-cannot-tell"))
            }),
            _ => false,
        }
    }
}

/// The code of a plan the tool cannot make.
pub const CANNOT_KNOW: &str = "plan::cannot-know";

/// The code of a plan whose policy verdict over other node shuffles
/// cannot be told (a replay failed).
pub const POLICY_CANNOT_TELL: &str = "policy::cannot-tell";

#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub change: FileChange,
    pub outcome: Outcome,
    /// The steps of the change set applied before this plan was made
    /// (`jobs/a.nomad`, `the stop of "b"`), in submission order; empty:
    /// planned against the base as it is.
    pub after: Vec<String>,
    /// What the policy refuses over other node shuffles of this plan
    /// ([`super::policy::sample`]); None: nothing at stake, not sampled.
    /// Where nothing is refused in any shuffle sampled, the samples'
    /// bound ([`super::policy::Sampling::unseen`]).
    pub sampled: Option<super::policy::Sampling>,
    /// A stop of the job this file no longer defines: the job it defines
    /// now (namespace, ID), if any.
    pub replaced_by: Option<(String, String)>,
    /// `.nomad-preflight.hcl`'s `exclude` leaves this file out of `check`;
    /// it is planned for the policy all the same.
    pub lint_excluded: bool,
    /// Whether this entry stops the job its file defined, from its step.
    pub stops: Stops,
    /// What the gate says of this plan without refusing it
    /// ([`super::policy::notices`], judged in the state it was made in).
    pub notices: Vec<super::policy::Notice>,
    /// The file defines a job another file defines (R18-B-1): refused
    /// when the job is protected, noted when not.
    pub twice: Option<crate::changeset::Twice>,
    /// Whether another file defines it could not be looked up (the one
    /// line, [`crate::changeset::Unlisted`]): a protected job's is the
    /// gate's "cannot tell", another's a note.
    pub twice_untold: Option<crate::changeset::Untold>,
}

/// Does an entry stop a job? Read off its change set step ([`Action`]),
/// never off how the file changed: a deleted file whose base version
/// gives no job (`changeset::cannot-tell`) stops some job or none, which
/// is not known. Every format (text, JSON `"Stop"`, markdown) says it
/// from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stops {
    /// The file's new version is submitted (or does not load).
    No,
    /// The job the base ran from the file is stopped.
    Yes,
    /// Which job the file defined at the base is not known, so neither
    /// is whether the change stops one.
    Unknown,
}

impl Stops {
    pub fn of(action: &Action) -> Stops {
        match action {
            Action::Stop { .. } => Stops::Yes,
            Action::CannotTell(_) => Stops::Unknown,
            Action::Submit(_) | Action::Invalid => Stops::No,
        }
    }

    /// JSON's `"Stop"`: `true`, `false`, or `null` when not known.
    pub fn json(self) -> serde_json::Value {
        match self {
            Stops::No => false.into(),
            Stops::Yes => true.into(),
            Stops::Unknown => serde_json::Value::Null,
        }
    }
}

impl Entry {
    /// `plan FILE`'s one plan as an entry (its markdown summary).
    pub fn single(path: PathBuf, plan: JobPlan) -> Entry {
        let change = if plan.diff.ty == crate::diff::DiffType::Added {
            FileChange::Added
        } else {
            FileChange::Modified
        };
        Entry {
            path,
            change,
            outcome: Outcome::Plan(Box::new(plan)),
            after: Vec::new(),
            sampled: None,
            replaced_by: None,
            lint_excluded: false,
            stops: Stops::No,
            notices: Vec::new(),
            twice: None,
            twice_untold: None,
        }
    }

    /// Does this entry stop a job (deleted or replaced job file)? Not when
    /// which job its file defined is unknown ([`Stops::Unknown`]).
    pub fn is_stop(&self) -> bool {
        self.stops == Stops::Yes
    }
}

/// Everything `plan --changed` needs besides the world.
pub struct Inputs<'a> {
    pub range: &'a Range,
    pub sim: &'a Simulation,
    pub loader: &'a JobLoader,
    /// `-namespace` (or `NOMAD_NAMESPACE`): for job files that name none,
    /// where the release applies it.
    pub namespace: &'a crate::job_loader::RequestNamespace,
    /// `-vault-token` (or `VAULT_TOKEN`): sent in every planned job by
    /// 1.3.4-1.9.x.
    pub vault_token: &'a crate::job_loader::RequestVaultToken,
    /// `--now` (Unix seconds), else the clock: the periodic launch's.
    pub now: i64,
    /// Say the change's notes on stderr; not when planning the same change
    /// a second time in another namespace ([`super::shell_namespace`]).
    pub notes: bool,
    /// `-diff` (Nomad's; `-diff=false` makes 1.5.0-1.5.3's CLI panic on
    /// every plan the servers answer, [`super::cli_panic`]).
    pub diff: bool,
    /// `--samples N`: the policy samples at least N shuffles of a plan
    /// it passes over samples only, for a tighter bound (as `plan FILE
    /// --gate --samples N`; [`crate::rules::priority::resample`]'s
    /// `asked`), within the job's sampling budget.
    pub samples: u32,
}

/// Plan every job file that differs between the two sides, in the change
/// set's order.
pub fn plan_changed(inp: &Inputs) -> Result<Vec<Entry>, Diags> {
    let git_err = |what: &str, e: std::io::Error| {
        Diags::from(
            Diag::error("git::read", format!("cannot read {what}: {e}"))
                .help("check that git works here and that the revisions exist"),
        )
    };
    let mut set =
        ChangeSet::read(inp.range.clone()).map_err(|e| git_err("the changed files", e))?;
    // `.nomad-preflight.hcl`'s include; its `exclude` is the lint's, and
    // leaves no changed job file out of the policy's plans (redteam6 G10).
    let configs = inp.range.configs()?;
    set.configure_for_policy(&configs);
    if let Some(note) = set.ignored_note().filter(|_| inp.notes) {
        eprintln!("{note}");
    }
    // Where the job files that name no namespace are planned, when the
    // shell's `NOMAD_NAMESPACE` (or `-namespace`) sends them off "default".
    if let Some(note) = inp.namespace.gate_note().filter(|_| inp.notes) {
        eprintln!("{note}");
    }
    let head = inp
        .range
        .head_vfs()
        .map_err(|e| git_err("the new versions", e))?;
    crate::config::refuse_unread(head.as_ref(), &configs.head, &set.changed())?;
    let base = inp.range.base_vfs().map_err(|e| git_err("the base", e))?;
    set.find_jobs_by_text(head.as_ref(), &base);
    // Job files the change reaches through a file they read are planned too.
    for note in set
        .add_readers(head.as_ref(), inp.loader)
        .map_err(|e| git_err("the new versions' files", e))?
        .into_iter()
        .filter(|_| inp.notes)
    {
        eprintln!("{note}");
    }

    let mut errors: BTreeMap<PathBuf, Diags> = BTreeMap::new();
    let mut new: BTreeMap<PathBuf, NewVersion> = BTreeMap::new();
    // Each new version with and without the shell's `NOMAD_VAR_*`.
    let plain = inp.loader.without_shell_vars();
    let mut same = Vec::new();
    for path in set.candidates() {
        let parsed = match inp.loader.job_file(head.as_ref(), &path) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => continue,
            Err(e) => {
                // A changed file the gate cannot read is never skipped quietly.
                let d = crate::changeset::unreadable(&path, &e);
                errors.insert(path.clone(), d.into());
                new.insert(path, NewVersion::Invalid);
                continue;
            }
        };
        let (head, loader) = (head.as_ref(), inp.loader);
        let v = shell_vars::new_version(head, &path, &parsed, loader, plain.as_ref(), &mut same);
        if matches!(v, NewVersion::Invalid) {
            errors.insert(path.clone(), parsed.diags);
        }
        new.insert(path, v);
    }
    if let Some(note) = shell_vars::note(&same).filter(|_| inp.notes) {
        eprintln!("{note}");
    }

    let mut seq = Sequence::new(inp.sim.clone());
    // The Vault token's note names no file and says the same of every
    // job sent: once per run, and not again in the "default" namespace's
    // judgement (`notes` off there), which printed it per job twice.
    let mut token_unsaid = inp.notes;
    let mut entries: Vec<Entry> = Vec::new();
    // Every plan samples the same world under the same seeds (the earlier
    // steps are replayed on a copy): each replay is built once.
    let replays = crate::scheduler::replay_cache::Shared::reused(&inp.sim.world);
    let steps = set.steps(
        &new,
        &base,
        inp.loader,
        inp.namespace.applied(),
        &inp.sim.world.running,
    );
    // The excluded files are steps too (`configure_for_policy`): a copy of
    // a protected job in one is a second definition (R19-C-2).
    // The head's job files the change leaves alone define their jobs too (R25b-1).
    let (standing, untold) = match set.standing(head.as_ref(), inp.loader, inp.namespace.applied())
    {
        Ok(s) => (s, None),
        Err(u) => (
            Vec::new(),
            Some(u.untold(&inp.range.head, set.config_in_force())),
        ),
    };
    let twice = set.defined_twice(&steps, &inp.sim.world, head.as_ref(), &standing);
    for step in steps {
        let after: Vec<String> = seq.earlier().iter().map(|e| e.short()).collect();
        let outcome = match &step.action {
            Action::Submit(job) => {
                let version = inp.sim.world.nomad_version;
                let written = job.spans.written("namespace");
                let note = inp.namespace.ignored_note(written, version);
                if let Some(note) = note.filter(|_| inp.notes) {
                    eprintln!("{note}");
                }
                let (job, note) = inp.vault_token.apply((**job).clone());
                if let Some(note) = note.filter(|_| std::mem::take(&mut token_unsaid)) {
                    eprintln!("{note}");
                }
                let mut plan =
                    super::plan_job_after(seq.sim(), Some(&replays), seq.earlier(), job, inp.now);
                // Jobs whose files define another job now run on (`Sequence::apply`).
                plan.assumed.extend(seq.kept().iter().cloned());
                match plan.admission.refused_error() {
                    // Nomad's Plan RPC refuses it: an error, as `nomad job plan` exits 255.
                    Some(error) => Outcome::Invalid(
                        Diag::error(
                            "plan::refused",
                            crate::render::plan::error_during_plan(&error).trim_end(),
                        )
                        .help("the servers answer the plan with this error (the job refused, or its scheduler failing): nothing is planned")
                        .into(),
                    ),
                    // What we cannot know is never shown as Nomad's text.
                    _ => match (plan.cannot_know_line(), &plan.cannot_know) {
                        (Some(line), Some(what)) => Outcome::Invalid(
                            Diag::error(CANNOT_KNOW, line).help(what.hint()).into(),
                        ),
                        // Answered by the servers, then Nomad's CLI panics.
                        _ if super::cli_panic::diff_off_panics(version, inp.diff) => {
                            let line = super::cli_panic::line(version, &plan.job.id);
                            Outcome::Invalid(
                                Diag::error(CANNOT_KNOW, line)
                                    .help("plan without -diff=false")
                                    .into(),
                            )
                        }
                        _ => Outcome::Plan(Box::new(plan)),
                    },
                }
            }
            Action::Invalid => Outcome::Invalid(errors.remove(&step.path).unwrap_or_default()),
            // Its `changeset::cannot-tell` counts and exits as every other.
            Action::CannotTell(d) => Outcome::Invalid(Diag::clone(d).into()),
            Action::Stop { namespace, id } => match seq.sim().state.job(namespace, id) {
                Some(record) => {
                    let mut stopped = (*record.job).clone();
                    stopped.stop = true;
                    Outcome::Plan(Box::new(super::plan_job(seq.sim(), stopped, inp.now)))
                }
                None => Outcome::Note(format!(
                    "job {id:?} (namespace {namespace:?}) is not running at {}: nothing to stop",
                    inp.range.base
                )),
            },
        };
        // The policy is judged over other node shuffles too (redteam6 G5);
        // a sampling that fails leaves the gate unable to tell.
        let sampled = match &outcome {
            Outcome::Plan(p) => {
                match super::policy::sample(
                    seq.sim(),
                    Some(&replays),
                    seq.earlier(),
                    p,
                    inp.samples,
                ) {
                    Ok(t) => t,
                    Err(e) => {
                        let d = Diag::error(POLICY_CANNOT_TELL, e.to_string())
                            .help("the policy cannot be judged over other node shuffles; this is a bug in nomad-preflight when the plan itself succeeds");
                        entries.push(Entry {
                            path: step.path.clone(),
                            change: step.change.clone(),
                            outcome: Outcome::Invalid(d.into()),
                            after,
                            sampled: None,
                            replaced_by: None,
                            lint_excluded: set.lint_excludes(&step.path),
                            stops: Stops::of(&step.action),
                            notices: Vec::new(),
                            twice: None,
                            twice_untold: None,
                        });
                        seq.apply(&step);
                        continue;
                    }
                }
            }
            _ => None,
        };
        let notices = match &outcome {
            Outcome::Plan(p) => super::policy::notices(seq.sim(), p),
            _ => Vec::new(),
        };
        seq.apply(&step);
        entries.push(Entry {
            notices,
            lint_excluded: set.lint_excludes(&step.path),
            stops: Stops::of(&step.action),
            path: step.path,
            change: step.change,
            outcome,
            after,
            sampled,
            replaced_by: None,
            twice: None,
            twice_untold: None,
        });
    }
    say_twice(&mut entries, twice, untold, &inp.sim.world.policy.protected);
    // Name the job each replaced one gives way to (the submission at the
    // same path), for the refusal's words.
    let now: BTreeMap<PathBuf, (String, String)> = entries
        .iter()
        .filter_map(|e| match &e.outcome {
            Outcome::Plan(p) if !e.is_stop() => {
                Some((e.path.clone(), (p.job.namespace.clone(), p.job.id.clone())))
            }
            _ => None,
        })
        .collect();
    for e in &mut entries {
        if e.change == FileChange::JobReplaced {
            e.replaced_by = now.get(&e.path).cloned();
        }
    }
    Ok(entries)
}

/// Give each submitted entry its second definition: a protected job's is
/// refused ([`super::policy::judge`]); another's is noted. Its plan is no
/// longer "the job's own plan", so that note goes. `untold`: the lookup
/// could not be made, which each planned submission says (a protected
/// job's is the gate's "cannot tell", as its refusal would be the gate's).
fn say_twice(
    entries: &mut [Entry],
    twice: Vec<crate::changeset::Twice>,
    untold: Option<crate::changeset::Untold>,
    protected: &crate::world::Protected,
) {
    if let Some(line) = untold {
        for e in entries.iter_mut().filter(|e| e.stops == Stops::No) {
            let Outcome::Plan(p) = &e.outcome else {
                continue;
            };
            if !protected.covers(&p.job.namespace, &p.job.id) {
                e.notices
                    .push(super::policy::Notice::TwiceUntold(line.clone()));
            }
            e.twice_untold = Some(line.clone());
        }
    }
    for t in twice {
        let Some(e) = entries
            .iter_mut()
            .find(|e| e.path == t.path && e.stops == Stops::No)
        else {
            continue;
        };
        e.notices.clear();
        if !protected.covers(&t.namespace, &t.id) {
            e.notices
                .push(super::policy::Notice::DefinedTwice(Box::new(t.clone())));
        }
        e.twice = Some(t);
    }
}
