//! `plan --changed`: which jobs a commit or a branch changes, each planned
//! against the running versions (the world at the base revision).
//!
//! The change set and its order are [`crate::changeset`]'s, shared with
//! `check --staged/--base`: job files in path order, each planned against
//! the cluster with the earlier files of the set already submitted (and
//! deleted jobs stopped), as a pipeline applying the change submits them.
//! A plan made on top of earlier files names them in its header.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::changeset::{Action, ChangeSet, NewVersion, Sequence};
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
    /// known: `plan::cannot-know`, or a job file whose evaluation says
    /// `...-cannot-tell`): no fault of the file, so summaries count it
    /// apart from the invalid ones (redteam6 G8). The exit code is the
    /// same, Nomad's error.
    pub fn cannot_tell(&self) -> bool {
        match self {
            Outcome::Invalid(d) => d.iter().any(|x| {
                x.is_error() && (x.code == CANNOT_KNOW || x.code.ends_with("-cannot-tell"))
            }),
            _ => false,
        }
    }
}

/// The code of a plan the tool cannot make.
pub const CANNOT_KNOW: &str = "plan::cannot-know";

#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub change: FileChange,
    pub outcome: Outcome,
    /// The steps of the change set applied before this plan was made
    /// (`jobs/a.nomad`, `the stop of "b"`), in submission order; empty:
    /// planned against the base as it is.
    pub after: Vec<String>,
}

impl Entry {
    /// Is this a plan that stops a job (deleted or replaced job file)?
    pub fn is_stop(&self) -> bool {
        matches!(self.change, FileChange::Deleted | FileChange::JobReplaced)
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
    // `.nomad-preflight.hcl`'s include/exclude: the change set check judges.
    let configs = inp.range.configs()?;
    set.configure(&configs);
    if let Some(note) = set.ignored_note() {
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
    {
        eprintln!("{note}");
    }

    let mut errors: BTreeMap<PathBuf, Diags> = BTreeMap::new();
    let mut new: BTreeMap<PathBuf, NewVersion> = BTreeMap::new();
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
        let v = NewVersion::of(&parsed);
        if matches!(v, NewVersion::Invalid) {
            errors.insert(path.clone(), parsed.diags);
        }
        new.insert(path, v);
    }

    let mut seq = Sequence::new(inp.sim.clone());
    let mut entries = Vec::new();
    for step in set.steps(
        &new,
        &base,
        inp.loader,
        inp.namespace.for_unnamed_job(),
        &inp.sim.world.running,
    ) {
        let after: Vec<String> = seq.earlier().iter().map(|e| e.short()).collect();
        let outcome = match &step.action {
            Action::Submit(job) => {
                let version = inp.sim.world.nomad_version;
                let written = job.spans.written("namespace");
                if let Some(note) = inp.namespace.ignored_note(written, version) {
                    eprintln!("{note}");
                }
                let job = super::with_vault_token((**job).clone(), inp.vault_token);
                let plan = super::plan_job(seq.sim(), job);
                match plan.admission.refused_body() {
                    // Nomad's Plan RPC refuses it: an error, as `nomad job plan` exits 255.
                    Some(body) => Outcome::Invalid(
                        Diag::error(
                            "plan::refused",
                            crate::render::plan::plan_refused(body).trim_end(),
                        )
                        .help("the server refuses this job before scheduling it")
                        .into(),
                    ),
                    // What we cannot know is never shown as Nomad's text.
                    _ => match (plan.cannot_know_line(), &plan.cannot_know) {
                        (Some(line), Some(what)) => Outcome::Invalid(
                            Diag::error(CANNOT_KNOW, line).help(what.hint()).into(),
                        ),
                        _ => Outcome::Plan(Box::new(plan)),
                    },
                }
            }
            Action::Invalid => Outcome::Invalid(errors.remove(&step.path).unwrap_or_default()),
            Action::Stop { namespace, id } => match seq.sim().state.job(namespace, id) {
                Some(record) => {
                    let mut stopped = (*record.job).clone();
                    stopped.stop = true;
                    Outcome::Plan(Box::new(super::plan_job(seq.sim(), stopped)))
                }
                None => Outcome::Note(format!(
                    "job {id:?} (namespace {namespace:?}) is not running at {}: nothing to stop",
                    inp.range.base
                )),
            },
        };
        seq.apply(&step);
        entries.push(Entry {
            path: step.path,
            change: step.change,
            outcome,
            after,
        });
    }
    Ok(entries)
}
