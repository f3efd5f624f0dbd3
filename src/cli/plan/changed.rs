//! `plan --changed`: which jobs a commit or a branch changes, each planned
//! against the running versions (the world at the base revision).
//!
//! Every plan is made independently against the base state, not on top of
//! the plans before it: a reviewer reads each job's plan as "what happens
//! if this job is submitted now", and the order in which files are listed
//! must not change any plan.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diag::{Diag, Diags};
use crate::git::{self, Change, LazyGitVfs};
use crate::jobspec::{self, Job, LoadOptions};
use crate::scheduler::Simulation;
use crate::vfs::{DiskVfs, Vfs};

use super::JobPlan;

/// Where the new versions of job files are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// The index: what `git commit` will record.
    Index,
    /// The working tree.
    WorkTree,
    /// A revision (`--head REF`).
    Rev(String),
}

/// The two sides being compared.
#[derive(Debug, Clone)]
pub struct Range {
    /// Top of the work tree; every path below is relative to it.
    pub root: PathBuf,
    /// Where the running versions (and the world) come from.
    pub base: String,
    pub head: Head,
}

impl Range {
    /// The files holding the new versions.
    pub fn head_vfs(&self) -> std::io::Result<Box<dyn Vfs>> {
        Ok(match &self.head {
            Head::Index => Box::new(LazyGitVfs::index(&self.root)?),
            Head::Rev(r) => Box::new(LazyGitVfs::rev(&self.root, r)?),
            Head::WorkTree => Box::new(DiskVfs::new(self.root.clone())),
        })
    }

    pub fn changes(&self) -> std::io::Result<Vec<Change>> {
        let (head, staged) = match &self.head {
            Head::Index => (None, true),
            Head::WorkTree => (None, false),
            Head::Rev(r) => (Some(r.as_str()), false),
        };
        git::changed_files(&self.root, &self.base, head, staged)
    }
}

/// How a job file changed, as the header of its plan says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    Added,
    Modified,
    /// The file is gone: its job is stopped.
    Deleted,
    Renamed {
        from: PathBuf,
    },
    /// The file now defines another job (or none): the job it defined is stopped.
    JobReplaced,
}

impl std::fmt::Display for FileChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileChange::Added => f.write_str("added"),
            FileChange::Modified => f.write_str("modified"),
            FileChange::Deleted => f.write_str("deleted"),
            FileChange::Renamed { from } => write!(f, "renamed from {}", from.display()),
            FileChange::JobReplaced => f.write_str("no longer defines this job"),
        }
    }
}

/// What planning one changed file gave.
#[derive(Debug)]
pub enum Outcome {
    Plan(Box<JobPlan>),
    /// Nothing to plan, and why (a deleted job the world does not run).
    Note(String),
    /// The new version does not load.
    Invalid(Diags),
}

#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub change: FileChange,
    pub outcome: Outcome,
}

impl Entry {
    /// Is this a plan that stops a job (deleted or replaced job file)?
    pub fn is_stop(&self) -> bool {
        matches!(self.change, FileChange::Deleted | FileChange::JobReplaced)
    }
}

/// Job files are recognised by name first (cheap), then by content.
fn is_candidate(path: &Path) -> bool {
    // Lossy, not `to_str`: a non-UTF-8 name must not hide a job from a gate.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".nomad") || name.ends_with(".hcl")
}

type Key = (String, String);

fn key(job: &Job) -> Key {
    (job.namespace.clone(), job.id.clone())
}

/// Load one side of a file: `None` when it is missing or not a job file.
fn load(vfs: &dyn Vfs, path: &Path, opts: &LoadOptions) -> Option<Result<Job, Diags>> {
    let source = vfs.read(path).ok()?;
    if !jobspec::is_job_file(&source.text) {
        return None;
    }
    let parsed = jobspec::load_source(vfs, source, opts);
    Some(match parsed.job {
        Some(job) if !parsed.diags.has_errors() => Ok(job),
        _ => Err(parsed.diags),
    })
}

/// Everything `plan --changed` needs besides the world.
pub struct Inputs<'a> {
    pub range: &'a Range,
    pub sim: &'a Simulation,
    pub opts: &'a LoadOptions,
    /// `-namespace`: for job files that name none.
    pub namespace: Option<&'a str>,
}

/// Plan every job file that differs between the two sides, in path order.
pub fn plan_changed(inp: &Inputs) -> Result<Vec<Entry>, Diags> {
    let git_err = |what: &str, e: std::io::Error| {
        Diags::from(
            Diag::error("git::read", format!("cannot read {what}: {e}"))
                .help("check that git works here and that the revisions exist"),
        )
    };
    let changes = inp
        .range
        .changes()
        .map_err(|e| git_err("the changed files", e))?;
    let head = inp
        .range
        .head_vfs()
        .map_err(|e| git_err("the new versions", e))?;
    let base =
        LazyGitVfs::rev(&inp.range.root, &inp.range.base).map_err(|e| git_err("the base", e))?;

    let mut new_jobs: Vec<(PathBuf, FileChange, Result<Job, Diags>)> = Vec::new();
    // (path, change, old job key) of the versions the changes replace.
    let mut old_jobs: Vec<(PathBuf, FileChange, Key)> = Vec::new();
    for change in &changes {
        let (new_path, old_path, file_change) = match change {
            Change::Added(p) => (Some(p), None, FileChange::Added),
            Change::Modified(p) => (Some(p), Some(p), FileChange::Modified),
            Change::Deleted(p) => (None, Some(p), FileChange::Deleted),
            Change::Renamed { from, to } => (
                Some(to),
                Some(from),
                FileChange::Renamed { from: from.clone() },
            ),
        };
        let new = new_path
            .filter(|p| is_candidate(p))
            .and_then(|p| load(head.as_ref(), p, inp.opts).map(|r| (p, r)));
        let old = old_path
            .filter(|p| is_candidate(p))
            .and_then(|p| load(&base, p, inp.opts))
            .and_then(Result::ok);
        let new_key = match &new {
            Some((_, Ok(job))) => Some(key(&with_namespace(job.clone(), inp.namespace))),
            _ => None,
        };
        // An invalid new version gives no key: its error fails the run, and
        // guessing a stop for it would only add noise.
        let invalid_new = matches!(&new, Some((_, Err(_))));
        if let (Some(old), false) = (old, invalid_new) {
            let old_key = key(&with_namespace(old, inp.namespace));
            if new_key.as_ref() != Some(&old_key) {
                let (path, why) = match (new_path, old_path) {
                    (Some(p), _) if new_key.is_some() => (p, FileChange::JobReplaced),
                    (_, Some(p)) if file_change == FileChange::Deleted => (p, FileChange::Deleted),
                    (Some(p), _) => (p, FileChange::JobReplaced),
                    (None, _) => continue,
                };
                old_jobs.push((path.clone(), why, old_key));
            }
        }
        if let Some((p, r)) = new {
            new_jobs.push((p.clone(), file_change, r));
        }
    }

    // A job moved to another file (git saw a delete and an add) is a change
    // of that job, not a stop and a new job.
    let defined: BTreeSet<Key> = new_jobs
        .iter()
        .filter_map(|(_, _, r)| r.as_ref().ok())
        .map(|j| key(&with_namespace(j.clone(), inp.namespace)))
        .collect();
    let mut entries = Vec::new();
    for (path, change, r) in new_jobs {
        let outcome = match r {
            Ok(job) => {
                let plan = super::plan_job(inp.sim, with_namespace(job, inp.namespace));
                match &plan.admission {
                    // Nomad's Plan RPC refuses it: an error, as `nomad job plan` exits 255.
                    crate::planner::Admission::Refused { body, .. } => Outcome::Invalid(
                        Diag::error(
                            "plan::refused",
                            crate::render::plan::plan_refused(body).trim_end(),
                        )
                        .help("the server refuses this job before scheduling it")
                        .into(),
                    ),
                    _ => Outcome::Plan(Box::new(plan)),
                }
            }
            Err(d) => Outcome::Invalid(d),
        };
        entries.push(Entry {
            path,
            change,
            outcome,
        });
    }
    for (path, change, (ns, id)) in old_jobs {
        if defined.contains(&(ns.clone(), id.clone())) {
            continue;
        }
        let outcome = match inp.sim.state.job(&ns, &id) {
            Some(record) => {
                let mut stopped = record.job.clone();
                stopped.stop = true;
                Outcome::Plan(Box::new(super::plan_job(inp.sim, stopped)))
            }
            None => Outcome::Note(format!(
                "job {id:?} (namespace {ns:?}) is not running at {}: nothing to stop",
                inp.range.base
            )),
        };
        entries.push(Entry {
            path,
            change,
            outcome,
        });
    }
    entries.sort_by(|a, b| (&a.path, a.is_stop()).cmp(&(&b.path, b.is_stop())));
    Ok(entries)
}

pub(super) fn with_namespace(mut job: Job, namespace: Option<&str>) -> Job {
    if let Some(ns) = namespace {
        if !job.spans.written("namespace") {
            job.namespace = ns.to_string();
        }
    }
    job
}
