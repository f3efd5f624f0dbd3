//! One job defined by two files (R18-B-1). Nomad registers a job by its
//! namespace and ID, whichever file it comes from (Job.Register looks it
//! up with `snap.JobByID`, nomad/job_endpoint.go v0.9.3:108), so a new
//! file defining a job the world runs from another file is an update of
//! that job: its groups the new file lacks are stopped (the reconciler
//! stops every allocation of a group the new version has not,
//! scheduler/reconcile.go v0.9.3:310-320), and the two files then
//! overwrite each other's registration, whichever is run last winning.
//! The change to the running job's own file is not what asks for that, so
//! the policy's "it is the job's own plan" does not excuse it.
//!
//! A file moved (renamed, or deleted and added) from the running path is
//! the same job, not a second definition; so is a job moved from a file
//! edited to define another. Used by `check` (plain and change sets: rule
//! NP229, or [`PROTECTED_DEFINED_TWICE`] for a protected job) and by `plan
//! --changed --gate` (a refusal when the job is protected, a note when
//! not), in the same words.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{Action, Standing, Step};
use crate::jobspec::Job;
use crate::vfs::Vfs;
use crate::world::{RunningJob, World};

/// The code of `check`'s finding for a job the policy protects: the plan
/// gate's refusal, an error no rule selection, configuration or comment
/// silences (no rule has the code, as `policy::stops-replaced`). A job the
/// policy does not protect gets rule NP229 (`defined-twice`), which they
/// do.
pub const PROTECTED_DEFINED_TWICE: &str = "policy::defined-twice";

/// A file defining a job that another file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twice {
    /// The file defining the job a second time.
    pub path: PathBuf,
    pub namespace: String,
    pub id: String,
    /// The other file: the one the world runs the job from, else the first
    /// in path order.
    pub first: PathBuf,
    /// `first` is the world's `running` file of the job.
    pub runs: bool,
}

impl Twice {
    /// The finding's words, after the file's name. `protected`: the
    /// policy protects the job.
    pub fn words(&self, protected: bool) -> String {
        let what = if protected { "protected job" } else { "job" };
        let (ns, id) = (
            crate::escape::one_line(&self.namespace),
            crate::escape::one_line(&self.id),
        );
        let first = crate::escape::one_line(&self.first.to_string_lossy());
        let (other, replaces) = if self.runs {
            (
                format!("which the world runs from {first}"),
                "`nomad job run` on this file updates the running job to this definition (stopping its groups this file lacks)",
            )
        } else {
            (
                format!("which {first} defines too"),
                "`nomad job run` on either file replaces what the other registered",
            )
        };
        format!(
            "defines {what} {ns}/{id}, {other}: Nomad registers a job by namespace and ID whichever file it comes from, so {replaces}, and the two files overwrite each other"
        )
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        let first = crate::escape::one_line(&self.first.to_string_lossy());
        let moved = if self.runs {
            " and its entry in rules/cluster.hcl's `running`"
        } else {
            ""
        };
        format!("give this job its own ID (or namespace); to move the job into this file, delete or rename {first} in the same change{moved}")
    }
}

/// How [`defined_twice`] tells files apart and which jobs it weighs.
pub struct Files<'a> {
    /// The file a step's path is (R18-E-2): where a read of it lands,
    /// links followed ([`lands_at`]), so one file named through a link
    /// and by its own path is one definition, as `nomad job run` opens
    /// the one file through the link (command/helpers.go
    /// `JobGetter.Get`@v1.9.7).
    pub step: &'a dyn Fn(&Path) -> PathBuf,
    /// The same for a world's `running` path (a change's paths and the
    /// world's are both the project's; a plain run's are as named).
    pub running: &'a dyn Fn(&Path) -> PathBuf,
    /// A running file that no step touches still defines its job when it
    /// is there (a change: not deleted or renamed away; a tree: on disk).
    pub still_there: &'a dyn Fn(&Path) -> bool,
    /// The job is registered in the world's region (R18-E-3). `nomad job
    /// run` sends it to its own `region` (command/job_run.go@v0.9.3:164-167
    /// `SetRegion`; Job.Register forwards it there, nomad/job_endpoint.go
    /// @v0.9.3:60), where a job of the same namespace and ID is another
    /// job. A region the world does not model is NP224's cannot tell: no
    /// claim is made about what it defines there.
    pub here: &'a dyn Fn(&Job) -> bool,
}

/// Where a read of `path` in `vfs` lands: the end of the links on its way
/// ([`Vfs::resolves_through`], which never leaves the source), named as
/// `vfs` names its files; `path` itself (normalised) with no link on it.
pub fn lands_at(vfs: &dyn Vfs, path: &Path) -> PathBuf {
    match vfs.resolves_through(path).pop() {
        Some(end) => end,
        None => crate::vfs::normalize(path),
    }
}

/// The files among `steps` that define a job of the world's region
/// another file defines: the world's running file of the job (`running`,
/// by the namespace and ID it was registered with) or another submitted
/// step. A step at the running file says what it defines now. One finding
/// per file past the first; files are told apart by what they are
/// ([`Files`]).
pub fn defined_twice(steps: &[Step], running: &[RunningJob], files: &Files<'_>) -> Vec<Twice> {
    defined_twice_among(steps, running, &[], files)
}

/// [`defined_twice`] in a tree whose other job files are `standing` (a
/// change's head files no step touches, R25b-1): a step defining a job one
/// of them defines is a second definition, told as that file's (the
/// world's running file, when it still defines the job, is named first).
pub fn defined_twice_among(
    steps: &[Step],
    running: &[RunningJob],
    standing: &[Standing],
    files: &Files<'_>,
) -> Vec<Twice> {
    // What every step's file is, once: a lookup resolves links on disk
    // (an `lstat` and a `readlink` per folder of the path), and each
    // submitted step asked it a second time below.
    let is: Vec<PathBuf> = steps.iter().map(|s| (files.step)(&s.path)).collect();
    let touched: BTreeSet<&Path> = is.iter().map(PathBuf::as_path).collect();
    let mut by_key: BTreeMap<(&str, &str), Vec<(&Path, PathBuf)>> = BTreeMap::new();
    for (s, is) in steps.iter().zip(&is) {
        if let Action::Submit(job) = &s.action {
            if !(files.here)(job) {
                continue;
            }
            let paths = by_key.entry((&job.namespace, &job.id)).or_default();
            if !paths.iter().any(|(_, p)| p == is) {
                paths.push((&s.path, is.clone()));
            }
        }
    }
    // The first standing file (in path order) of each job a step defines,
    // as the file it is; one a step reads (through a link) is that step's.
    let step_is: BTreeSet<&Path> = by_key
        .values()
        .flatten()
        .map(|(_, is)| is.as_path())
        .collect();
    let mut stands: BTreeMap<(&str, &str), (&Path, PathBuf)> = BTreeMap::new();
    for s in standing {
        let key = (s.job.namespace.as_str(), s.job.id.as_str());
        if !by_key.contains_key(&key) || stands.contains_key(&key) || !(files.here)(&s.job) {
            continue;
        }
        let is = (files.step)(&s.path);
        if !touched.contains(is.as_path()) && !step_is.contains(is.as_path()) {
            stands.insert(key, (&s.path, is));
        }
    }
    let mut out = Vec::new();
    for ((namespace, id), paths) in &by_key {
        let (namespace, id) = (*namespace, *id);
        let running = running
            .iter()
            .find(|r| r.job.namespace == namespace && r.job.id == id)
            .map(|r| (r.path.as_path(), (files.running)(&r.path)));
        // The running file, when it still defines the job: as a step of
        // this run, or untouched by any step and still there.
        let runs_from = running.and_then(|(r, is)| {
            let own = paths.iter().find(|(_, p)| *p == is);
            let untouched = !touched.contains(is.as_path());
            match own {
                Some((_, p)) => Some((p.clone(), r)),
                None if untouched && (files.still_there)(r) => Some((is, r)),
                None => None,
            }
        });
        // `first` as the file it is; `shown` as the world (or this run) names it.
        let (first, shown, runs) = match (runs_from, stands.get(&(namespace, id)), paths.first()) {
            (Some((is, r)), _, _) => (is, r, true),
            (None, Some((p, is)), _) => (is.clone(), *p, false),
            (None, None, Some((p, is))) => (is.clone(), *p, false),
            (None, None, None) => continue,
        };
        for (p, _) in paths.iter().filter(|(_, is)| *is != first) {
            out.push(Twice {
                path: p.to_path_buf(),
                namespace: namespace.to_string(),
                id: id.to_string(),
                first: shown.to_path_buf(),
                runs,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

impl super::ChangeSet {
    /// [`defined_twice`] of this change's `steps`, read at `head` (the
    /// change's new version): a running file the change neither deletes
    /// nor renames away still defines its job, and a path read through a
    /// link is the file the head's links lead to (a folder replaced by a
    /// link lists each file twice: R18-E-2). `standing`: the head's job
    /// files the change leaves as they are ([`ChangeSet::standing`]).
    pub fn defined_twice(
        &self,
        steps: &[Step],
        world: &World,
        head: &dyn Vfs,
        standing: &[Standing],
    ) -> Vec<Twice> {
        let gone = self.deleted();
        let norm = crate::vfs::normalize;
        let kept = |r: &Path| !gone.iter().any(|g| norm(g) == norm(r));
        let is = |p: &Path| lands_at(head, p);
        let here = |j: &Job| crate::mutators::region_forward::plan_unknown(world, j).is_none();
        let files = Files {
            step: &is,
            running: &is,
            still_there: &kept,
            here: &here,
        };
        defined_twice_among(steps, &world.running, standing, &files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changeset::FileChange;
    use std::sync::Arc;

    fn job(ns: &str, id: &str) -> Job {
        Job {
            id: id.into(),
            namespace: ns.into(),
            ..Default::default()
        }
    }

    fn submit(path: &str, ns: &str, id: &str) -> Step {
        Step {
            path: path.into(),
            change: FileChange::Added,
            action: Action::Submit(Arc::new(job(ns, id))),
            base_job: None,
        }
    }

    /// Paths as named, every job here; `there`: an untouched running
    /// file is still there.
    fn twice(steps: &[Step], running: &[RunningJob], there: bool) -> Vec<Twice> {
        let is = |p: &Path| p.to_path_buf();
        let still = |_: &Path| there;
        let here = |_: &Job| true;
        let files = Files {
            step: &is,
            running: &is,
            still_there: &still,
            here: &here,
        };
        defined_twice(steps, running, &files)
    }

    fn runs(path: &str, ns: &str, id: &str) -> RunningJob {
        RunningJob {
            path: path.into(),
            job: job(ns, id),
            vars: Default::default(),
        }
    }

    #[test]
    fn a_new_file_defining_a_running_job_is_a_second_definition() {
        let running = [runs("jobs/shop.nomad", "default", "shop")];
        let steps = [submit("jobs/zz.nomad", "default", "shop")];
        let got = twice(&steps, &running, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].path, Path::new("jobs/zz.nomad"));
        assert_eq!(got[0].first, Path::new("jobs/shop.nomad"));
        assert!(got[0].runs);
        // The running file is gone (a move): one definition.
        assert!(twice(&steps, &running, false).is_empty());
        // Another namespace is another job.
        let other = [submit("jobs/zz.nomad", "ops", "shop")];
        assert!(twice(&other, &running, true).is_empty());
    }

    #[test]
    fn a_step_at_the_running_path_says_what_it_defines_now() {
        let running = [runs("jobs/shop.nomad", "default", "shop")];
        // The running file now defines another job: the job moved.
        let moved = [
            submit("jobs/shop.nomad", "default", "other"),
            submit("jobs/zz.nomad", "default", "shop"),
        ];
        assert!(twice(&moved, &running, true).is_empty());
        // Both still define it: the new file is the second, whatever the order.
        let both = [
            submit("jobs/a.nomad", "default", "shop"),
            submit("jobs/shop.nomad", "default", "shop"),
        ];
        let got = twice(&both, &running, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].path, Path::new("jobs/a.nomad"));
    }

    #[test]
    fn two_new_files_defining_one_job_name_the_first() {
        let steps = [
            submit("jobs/a.nomad", "default", "x"),
            submit("jobs/b.nomad", "default", "x"),
            submit("jobs/c.nomad", "default", "y"),
        ];
        let got = twice(&steps, &[], true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].path, Path::new("jobs/b.nomad"));
        assert_eq!(got[0].first, Path::new("jobs/a.nomad"));
        assert!(!got[0].runs);
        assert!(got[0].words(false).starts_with(
            "defines job default/x, which jobs/a.nomad defines too: Nomad registers a job by namespace and ID"
        ));
    }

    #[test]
    fn one_file_through_a_link_and_another_regions_job_are_no_second_definition() {
        let running = [runs("jobs/shop.nomad", "default", "shop")];
        // `jobs` is a link to `releases/v1`: both names are one file.
        let is = |p: &Path| match p.strip_prefix("jobs") {
            Ok(rest) => Path::new("releases/v1").join(rest),
            Err(_) => p.to_path_buf(),
        };
        let (there, all) = (|_: &Path| true, |_: &Job| true);
        let files = Files {
            step: &is,
            running: &is,
            still_there: &there,
            here: &all,
        };
        let steps = [
            submit("jobs/shop.nomad", "default", "shop"),
            submit("releases/v1/shop.nomad", "default", "shop"),
        ];
        assert!(defined_twice(&steps, &running, &files).is_empty());
        assert!(defined_twice(&steps[1..], &running, &files).is_empty());
        // A job another region registers is no definition here.
        let elsewhere = |j: &Job| j.region.is_empty();
        let files = Files {
            here: &elsewhere,
            ..files
        };
        let mut eu = job("default", "shop");
        eu.region = "eu".into();
        let step = Step {
            action: Action::Submit(Arc::new(eu)),
            ..submit("envs/eu/shop.nomad", "default", "shop")
        };
        assert!(defined_twice(&[step], &running, &files).is_empty());
        let step = submit("envs/g/shop.nomad", "default", "shop");
        assert_eq!(defined_twice(&[step], &running, &files).len(), 1);
    }
}
