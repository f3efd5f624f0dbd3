//! One meaning of a change set, shared by `check --staged/--base` and
//! `plan --changed`: which paths a commit or a branch changes (renames and
//! deletions included), which of them are job files, which jobs the change
//! submits or stops, and in which order.
//!
//! The order is the submission order a pipeline applying the change would
//! use: job files in path order, each new version submitted (a deleted or
//! replaced job stopped) with every earlier step of the set already applied.
//! `check` judges and `plan --changed` plans every file against the state
//! the earlier steps leave ([`Sequence`]), so the two commands agree on the
//! same change set, and whatever an earlier file changed is named by it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Configs;
use crate::git::Change;
use crate::job_loader::JobLoader;
use crate::jobspec::Job;
use crate::scheduler::Simulation;
use crate::vfs::Vfs;
use crate::world::RunningJob;
use base_job::{base_job, BaseJob};

mod attributes;
mod base_job;
mod by_text;
mod configured;
mod elsewhere;
mod excluded;
mod file_change;
mod linked;
mod new_version;
mod no_job;
mod range;
mod readers;
mod relinked;
mod replaced;
mod scope;
mod sequence;
pub mod shell_vars;
mod standing;
mod standing_cache;
mod tracked_inputs;
mod twice;
mod unread_checkout;
pub use crate::rules::suppress::BaseJobIs;
pub use crate::scheduler::sim::{Submission, Submitted};
pub use base_job::{Unknown, CANNOT_TELL};
pub use by_text::{holds_job, is_job_candidate};
pub use file_change::{unreadable, FileChange};
pub use new_version::NewVersion;
pub use range::{Head, Range};
pub use readers::Reach;
pub use replaced::{stops_replaced, STOPS_REPLACED};
pub use sequence::{Before, Sequence};
pub use standing::{Standing, Unlisted, Untold};
pub use tracked_inputs::TrackedInputs;
pub use twice::{
    defined_twice, defined_twice_among, lands_at, Files, Twice, PROTECTED_DEFINED_TWICE,
};

/// The changed paths between the two sides of a [`Range`].
#[derive(Debug, Clone)]
pub struct ChangeSet {
    pub range: Range,
    pub changes: Vec<Change>,
    /// Compared with the working tree: files named like job files that
    /// `.gitignore` hides, so they are not part of the change (said on
    /// stderr, never dropped without a word).
    pub ignored: Vec<PathBuf>,
    /// `.nomad-preflight.hcl`'s say on which paths are job files
    /// ([`ChangeSet::configure`]).
    configs: Option<Configs>,
    /// Folders the set was restricted to ([`ChangeSet::restrict`]; empty:
    /// the whole repository), and the changes outside them, which can
    /// still reach a job file inside through what it reads.
    scope: Vec<PathBuf>,
    outside: Vec<Change>,
    /// Job files the change reaches only through a file they read
    /// ([`ChangeSet::add_readers`]), with how.
    readers: BTreeMap<PathBuf, Reach>,
    /// Changed files whose name is no job file's but whose text is a job
    /// ([`ChangeSet::find_jobs_by_text`]).
    by_text: BTreeSet<PathBuf>,
    /// `exclude` is a lint setting, and does not take job files out of
    /// the change's steps: `plan --changed`
    /// ([`ChangeSet::configure_for_policy`]) and `check`'s steps
    /// ([`ChangeSet::keeping_excluded`]).
    keep_excluded: bool,
}

impl ChangeSet {
    /// List what changed (`git diff --name-status -M`, plus the untracked
    /// files when the head is the working tree).
    pub fn read(range: Range) -> std::io::Result<ChangeSet> {
        let changes = range.changes()?;
        let ignored = range.ignored_jobs()?;
        let mut set = ChangeSet {
            range,
            changes,
            ignored,
            configs: None,
            scope: Vec::new(),
            outside: Vec::new(),
            readers: BTreeMap::new(),
            by_text: BTreeSet::new(),
            keep_excluded: false,
        };
        // A folder a link replaced still holds its files, read through it.
        set.keep_relinked()?;
        Ok(set)
    }

    /// Does the change touch a file whose name is no job file's? Only then
    /// is [`ChangeSet::find_jobs_by_text`] worth opening the base for.
    pub fn touches_other_names(&self) -> bool {
        let (changed, deleted) = self.split();
        changed
            .iter()
            .chain(&deleted)
            .any(|p| !self.is_candidate(p))
    }

    /// Make job files of the changed files whose name is not a job file's
    /// (`deploy/web`, `web.nomad.tpl`) but whose text, new (`head`) or old
    /// (`base`), is a job's ([`holds_job`], the test a folder walk uses),
    /// or whose content cannot be read here at all (left out of a sparse
    /// checkout, a partial clone's blob): those fail as unreadable.
    pub fn find_jobs_by_text(&mut self, head: &dyn Vfs, base: &dyn Vfs) {
        let (changed, deleted) = self.split();
        let unnamed = |p: &&PathBuf| !self.is_candidate(p);
        let work_tree = (self.range.head == Head::WorkTree).then_some(self.range.root.as_path());
        let found: Vec<PathBuf> = changed
            .iter()
            .filter(unnamed)
            .filter(|p| by_text::changed_holds_job(head, base, p, work_tree))
            .chain(
                deleted
                    .iter()
                    .filter(unnamed)
                    .filter(|p| by_text::deleted_holds_job(base, p)),
            )
            .cloned()
            .collect();
        self.by_text.extend(found);
    }

    /// The stderr line naming the ignored job files, if there are any.
    pub fn ignored_note(&self) -> Option<String> {
        let first = self.ignored.first()?;
        let more = match self.ignored.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let name = crate::escape::one_line(&first.to_string_lossy());
        Some(format!(
            "note: {name} is ignored by git (.gitignore), so it is not part of the change from {} and was not checked{more}; `git check-ignore -v {name}` says which rule",
            self.range.base,
        ))
    }

    /// Keep only the changes touching a path under one of `wanted` (all
    /// when `wanted` is empty): `check --staged jobs/`.
    pub fn restrict(&mut self, wanted: &[PathBuf]) {
        if wanted.is_empty() {
            return;
        }
        let keep = |p: &Path| wanted.iter().any(|w| p.starts_with(w));
        self.ignored.retain(|p| keep(p));
        let (inside, outside) = std::mem::take(&mut self.changes)
            .into_iter()
            .partition(|c| c.paths().any(|p| keep(p)));
        self.changes = inside;
        self.outside = outside;
        self.scope = wanted.to_vec();
    }

    /// Add the job files whose text the change leaves alone but whose
    /// evaluation reads a file it changes or deletes (a template read with
    /// `file()`, a folder listed with `fileset()`): Nomad would be given a
    /// different job, so they are planned and judged as changed
    /// ([`FileChange::Reads`]). `head` reads the new version, whose files
    /// the range lists only when the change touches a file that is not a
    /// job file. Returns the stderr notes naming what was added.
    pub fn add_readers(
        &mut self,
        head: &dyn Vfs,
        loader: &JobLoader,
    ) -> std::io::Result<Vec<String>> {
        let touched: BTreeSet<&PathBuf> = self
            .changes
            .iter()
            .chain(&self.outside)
            .flat_map(Change::paths)
            .collect();
        // Files a job may read: every touched file but the job files (a
        // `.hcl` variables file is a candidate by its name, and is read by
        // `-var-file` or a running job's `var_file`). A touched candidate
        // gone from the head is kept: what it was is not read here.
        let is_job = |p: &Path| {
            head.read(p)
                .is_ok_and(|s| crate::jobspec::is_job_file(&s.text))
        };
        let others: Vec<PathBuf> = touched
            .iter()
            .filter(|p| !self.is_candidate(p) || !is_job(p))
            .map(|p| (*p).clone())
            .collect();
        // A link on a job file's path (or where it leads) changed.
        let linked = self.linked(head, loader, &touched)?;
        if others.is_empty() && linked.is_empty() {
            return Ok(Vec::new());
        }
        let in_scope = |p: &Path| self.in_scope(p) && !linked.iter().any(|(l, _)| l == p);
        let reads_vars = |p: &Path| loader.reads_var_files_of(&self.range.place(p, true));
        // A submodule `exclude` leaves out whole is not read: none of its
        // files would be judged (as plain `check` selects nothing there);
        // one that holds files that are judged, unread, cannot be passed.
        let (listed, unread) = self
            .range
            .head_paths_listed(&|dir| self.excludes_all_below(dir))?;
        if let Some(u) = unread.first() {
            return Err(crate::git::submodule_unread_error(u));
        }
        let listed: Vec<PathBuf> = listed
            .into_iter()
            .filter(|p| !touched.contains(p) && in_scope(p) && !self.excluded(p))
            .collect();
        // Below a changed `.gitattributes`, every job file, whatever it reads.
        let work_tree = (self.range.head == Head::WorkTree).then_some(self.range.root.as_path());
        let judge = attributes::Judge {
            named: &|p| self.named_job(p),
            candidate: &|p| self.is_candidate(p),
            work_tree,
        };
        // The base's versions of a changed `.gitattributes`: only the files
        // whose attributes the edit changes are judged again.
        let base = attributes::any_changed(&others)
            .then(|| self.range.base_vfs().ok())
            .flatten();
        let base_vfs = base.as_ref().map(|b| b as &dyn Vfs);
        let (mut reached, listed) = attributes::rejudged(listed, &others, head, base_vfs, &judge);
        // A job file is one by its name, the configuration, or its text:
        // a `deploy/api` holding a job reads what a `.nomad` would (R14-10).
        let jobs: Vec<PathBuf> = listed
            .into_iter()
            .filter(|p| {
                self.is_candidate(p) || by_text::unchanged_holds_job(head, p, || reads_vars(p))
            })
            .collect();
        reached.extend(readers::reached(jobs, &others, head, loader));
        reached.extend(linked);
        reached.sort();
        let mut notes = Vec::new();
        for (path, reach) in reached {
            let shown = crate::escape::one_line(&path.to_string_lossy());
            notes.push(match &reach {
                Reach::Reads(file) => format!(
                    "note: {shown} reads {}, which this change touches: it is checked and planned as changed",
                    crate::escape::one_line(&file.to_string_lossy())
                ),
                Reach::Unreadable => format!(
                    "note: {shown} cannot be read, so whether it reads a file this change touches is unknown: it is checked as changed"
                ),
            });
            self.changes.push(Change::Modified(path.clone()));
            if !self.is_candidate(&path) {
                // Judged as the job its text is, as a changed one would be.
                self.by_text.insert(path.clone());
            }
            self.readers.insert(path, reach);
        }
        Ok(notes)
    }

    /// The paths given new content (added, modified, renamed to), in path order.
    pub fn changed(&self) -> Vec<PathBuf> {
        self.split().0
    }

    /// The paths removed (deleted, renamed from), in path order.
    pub fn deleted(&self) -> Vec<PathBuf> {
        self.split().1
    }

    /// The path a file git renamed to `to` had at the base: the base's
    /// suppressions of a renamed file are read there.
    pub fn renamed_from(&self, to: &Path) -> Option<&Path> {
        self.changes.iter().find_map(|c| match c {
            Change::Renamed { from, to: t } if t == to => Some(from.as_path()),
            _ => None,
        })
    }

    fn split(&self) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let mut changed = BTreeSet::new();
        let mut deleted = BTreeSet::new();
        for c in &self.changes {
            match c {
                Change::Added(p) | Change::Modified(p) => {
                    changed.insert(p.clone());
                }
                Change::Deleted(p) => {
                    deleted.insert(p.clone());
                }
                Change::Renamed { from, to } => {
                    changed.insert(to.clone());
                    deleted.insert(from.clone());
                }
            }
        }
        (changed.into_iter().collect(), deleted.into_iter().collect())
    }

    /// Changed paths with new content whose name makes them job-file
    /// candidates, in path order.
    pub fn candidates(&self) -> Vec<PathBuf> {
        self.changed()
            .into_iter()
            .filter(|p| self.is_candidate(p))
            .collect()
    }

    /// The steps of the change in submission order: every new version that
    /// is a job file (`new` holds them; a path missing there is not a job
    /// file), then a stop for every job the base ran from a deleted or
    /// replaced file that no file of the change defines any more. A job
    /// moved to another file (git saw a delete and an add) is a change of
    /// that job, not a stop and a new job. `namespace` (`-namespace`)
    /// applies to job files that name none. `known` are jobs already
    /// loaded (the world's running jobs): a base version with the same text
    /// is not loaded again ([`JobLoader::known`]).
    pub fn steps(
        &self,
        new: &BTreeMap<PathBuf, NewVersion>,
        base: &dyn Vfs,
        loader: &JobLoader,
        asked: Option<crate::job_loader::Applied<'_>>,
        known: &[RunningJob],
    ) -> Vec<Step> {
        let namespace = asked.map(|a| a.namespace);
        let mut files = Vec::new();
        let mut stops: Vec<(PathBuf, FileChange, Key)> = Vec::new();
        let mut untold: Vec<Step> = Vec::new();
        // The base holds what runs: a running job's file as it was run.
        let base_loader = loader.for_running_versions();
        // Other old versions read the shell's `NOMAD_VAR_*` ([`shell_vars`]).
        let plain_base = loader
            .without_shell_vars()
            .map(|l| l.for_running_versions());
        for change in &self.changes {
            let (new_path, old_path, file_change) = match change {
                Change::Added(p) => (Some(p), None, FileChange::Added),
                Change::Modified(p) => (
                    Some(p),
                    Some(p),
                    match self.readers.get(p) {
                        Some(Reach::Reads(file)) => FileChange::Reads { file: file.clone() },
                        _ => FileChange::Modified,
                    },
                ),
                Change::Deleted(p) => (None, Some(p), FileChange::Deleted),
                Change::Renamed { from, to } => (
                    Some(to),
                    Some(from),
                    FileChange::Renamed { from: from.clone() },
                ),
            };
            let now = new_path.and_then(|p| new.get(p).map(|v| (p, v)));
            let new_key = match now {
                Some((_, NewVersion::Job(job))) => Some(key_in(job, namespace)),
                _ => None,
            };
            // An invalid new version gives no key: its error fails the run,
            // and guessing a stop for it would only add noise.
            let invalid_new = matches!(now, Some((_, NewVersion::Invalid)));
            let old = match old_path.filter(|p| self.is_candidate(p)) {
                Some(p) => base_job(base, p, self.named_job(p), &base_loader, known),
                None => BaseJob::NotAJob,
            };
            let old = match old {
                BaseJob::Job(job) => Some(job),
                BaseJob::NotAJob => None,
                // A file deleted or moved away stops the job it defined:
                // not knowing which is no all-clear. A modified file keeps
                // its path (fixing a broken file is the usual edit).
                BaseJob::Unknown(why) => {
                    if let (Some(from), true) = (old_path, new_path != old_path) {
                        let at = new_path.unwrap_or(from);
                        let d = why.diag(from, &self.range.base.to_string());
                        let d = d.in_source(&self.range.place(at, new_path.is_some()));
                        untold.push(Step {
                            path: at.clone(),
                            change: file_change.clone(),
                            action: Action::CannotTell(Box::new(d)),
                            base_job: None,
                        });
                    }
                    None
                }
            };
            // The job the base's suppressions were reviewed for.
            let held = old.as_deref().map(|j| key_in(j, namespace));
            // A running file (or a copy of a running job's ID) the request
            // sends to another namespace than the world runs it in: which
            // one the deploy uses is not known ([`elsewhere`]).
            let shell = match now {
                Some((_, NewVersion::Untold(d))) => Some(crate::diag::Diag::clone(d)),
                _ => old_path
                    .zip(old.as_deref())
                    .zip(plain_base.as_ref())
                    .and_then(|((p, j), plain)| {
                        shell_vars::old_version(self, base, p, j, loader, plain, known)
                    }),
            };
            let elsewhere = shell.or_else(|| {
                asked.and_then(|asked| {
                    let new = now.and_then(|(p, v)| match v {
                        NewVersion::Job(j) => Some((p, &**j, elsewhere::Version::New)),
                        NewVersion::Invalid | NewVersion::Untold(_) => None,
                    });
                    let base = old_path.zip(old.as_deref());
                    let base = base.map(|(p, j)| (p, j, elsewhere::Version::Old));
                    new.into_iter().chain(base).find_map(|(p, j, v)| {
                        let runs = elsewhere::lands_elsewhere(p, j, v, asked, known)?;
                        Some(elsewhere::diag(p, runs, asked))
                    })
                })
            });
            if let Some(d) = elsewhere {
                let at = new_path.or(old_path);
                if let Some(at) = at {
                    let d = d.in_source(&self.range.place(at, new_path.is_some()));
                    untold.push(Step {
                        path: at.clone(),
                        change: file_change.clone(),
                        action: Action::CannotTell(Box::new(d)),
                        base_job: None,
                    });
                }
                continue;
            }
            if let (Some(old), false) = (old, invalid_new) {
                let old_key = key_in(old.as_ref(), namespace);
                if new_key.as_ref() != Some(&old_key) {
                    let at = match (new_path, old_path) {
                        (Some(p), _) if new_key.is_some() => Some((p, FileChange::JobReplaced)),
                        (_, Some(p)) if file_change == FileChange::Deleted => {
                            Some((p, FileChange::Deleted))
                        }
                        (Some(p), _) => Some((p, FileChange::JobReplaced)),
                        (None, _) => None,
                    };
                    if let Some((p, why)) = at {
                        stops.push((p.clone(), why, old_key));
                    }
                }
            }
            if let Some((p, v)) = now {
                let action = match v {
                    NewVersion::Job(job) => Action::Submit(with_namespace(job, namespace)),
                    NewVersion::Invalid => Action::Invalid,
                    NewVersion::Untold(d) => Action::CannotTell(d.clone()),
                };
                files.push(Step {
                    path: p.clone(),
                    change: file_change,
                    action,
                    base_job: held,
                });
            }
        }
        let defined: BTreeSet<Key> = files
            .iter()
            .filter_map(|s| match &s.action {
                Action::Submit(j) => Some(key(j)),
                _ => None,
            })
            .collect();
        let mut out = files;
        out.extend(
            stops
                .into_iter()
                .filter(|(_, _, k)| !defined.contains(k))
                .map(|(path, change, (namespace, id))| Step {
                    path,
                    change,
                    action: Action::Stop { namespace, id },
                    base_job: None,
                }),
        );
        out.extend(untold);
        // At one path, the job the file no longer defines is stopped (or
        // said unknown) before its replacement is submitted: the two never
        // compete for room.
        out.sort_by(|a, b| (&a.path, !a.goes_first()).cmp(&(&b.path, !b.goes_first())));
        out
    }
}

/// What a change does with one file.
#[derive(Debug, Clone)]
pub enum Action {
    /// Submit the file's new version.
    Submit(Arc<Job>),
    /// The new version does not load: nothing is submitted.
    Invalid,
    /// Stop a job the base runs whose file is gone or defines another job.
    Stop { namespace: String, id: String },
    /// A file deleted or moved away whose base version gives no job
    /// ([`Unknown`]): what the change stops is not known. Its one line.
    CannotTell(Box<crate::diag::Diag>),
}

/// One step of a change set, in submission order.
#[derive(Debug, Clone)]
pub struct Step {
    pub path: PathBuf,
    pub change: FileChange,
    pub action: Action,
    /// The job (namespace, ID) the file's base version defined (where git
    /// says it was renamed from), in the request's namespace as the
    /// submission is; `None` where it defined none or none is known.
    pub base_job: Option<Key>,
}

impl Step {
    pub fn is_stop(&self) -> bool {
        matches!(self.action, Action::Stop { .. })
    }

    /// Does this step submit the job its file defined at the base? What a
    /// base suppression was reviewed for is that job, so a file that now
    /// defines another (its label, `id` or namespace changed) trusts no
    /// file-wide suppression of its base ([`crate::rules::suppress`]).
    pub fn base_job_is(&self) -> BaseJobIs {
        match (&self.action, &self.base_job) {
            (Action::Submit(job), Some(k)) if key(job) == *k => BaseJobIs::Same,
            (Action::Submit(_), Some(_)) => BaseJobIs::Other,
            _ => BaseJobIs::Unknown,
        }
    }

    /// Is this step taken before a submission at the same path?
    fn goes_first(&self) -> bool {
        matches!(self.action, Action::Stop { .. } | Action::CannotTell(_))
    }
}

type Key = (String, String);

fn key(job: &Job) -> Key {
    (job.namespace.clone(), job.id.clone())
}

/// [`key`] of the job [`with_namespace`] would give, without copying the
/// job for it (that copy was ~5% of a `check --staged`).
fn key_in(job: &Job, namespace: Option<&str>) -> Key {
    match namespace {
        Some(ns) if !job.spans.written("namespace") => (ns.to_string(), job.id.clone()),
        _ => key(job),
    }
}

/// `job` as [`crate::job_loader::with_namespace`] leaves it, copied only
/// when the namespace changes.
fn with_namespace(job: &Arc<Job>, namespace: Option<&str>) -> Arc<Job> {
    match namespace {
        Some(ns) if !job.spans.written("namespace") && job.namespace != ns => Arc::new(
            crate::job_loader::with_namespace((**job).clone(), namespace),
        ),
        _ => Arc::clone(job),
    }
}

/// Does `job` change what the simulation runs? A job equal to the running
/// version is no change.
pub fn changes_what_runs(job: &Job, sim: &Simulation) -> bool {
    // The registered job went through the admission mutators: compare like with like.
    !matches!(sim.state.job(&job.namespace, &job.id),
    Some(r) if crate::structs::spec_changed::same_spec(
        &r.job,
        &crate::mutators::applied(job, sim.world.nomad_version, &sim.world.server),
        sim.world.nomad_version,
    ))
}

#[cfg(test)]
mod tests;
