//! The "before" of a plan: the version of a planned job that the cluster
//! runs, never the file being planned.
//!
//! The world's `running` list is read from the working tree, so when the
//! file being planned is itself listed there, the simulated cluster would
//! already run the edit and the plan would compare the file with itself (a
//! false "no change"). Every consumer (`plan FILE`, `check`, the rehearsal,
//! the git modes) asks [`apply`] instead, which puts the right version in
//! the world's `running` list and says where it came from:
//!
//! - a planned file listed in `running` takes its running version from git
//!   `HEAD` (the rest of the world stays as in the working tree);
//! - `--running FILE` names the old version explicitly (no git needed);
//! - with `--base REF` / `--staged` the world, running versions included,
//!   was loaded from the revision already;
//! - an imported world holds the cluster's own jobs: those are the before;
//! - otherwise the job is new, or no earlier version can be known, and the
//!   caller must say so instead of planning against the edit.

use std::path::{Path, PathBuf};

use super::{RunningJob, World, WorldOrigin};
use crate::diag::{Diag, Diags};
use crate::job_loader::{with_namespace, JobLoader, RequestNamespace};
use crate::jobspec::Job;
use crate::vfs::Vfs;

mod running_file;
use running_file::{load_file, other_job};

/// Where the running versions of planned files are taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeforeFrom {
    /// The world as the working tree has it; planned files listed in
    /// `running` take their running version from git `HEAD`.
    Head,
    /// The world (running versions included) was loaded from this revision.
    Rev(String),
    /// `--running FILE`: the version the cluster runs, given explicitly,
    /// and the namespace the command asks for (`-namespace`, else
    /// `NOMAD_NAMESPACE`). A file that names no namespace was registered
    /// where the planned one is sent: the same command line's flags sent
    /// both (command/job_plan.go v2.0.5:208-210 forces only a written
    /// namespace). Unlike `-var`, which makes another job of the same file
    /// and so is the submitted version's alone (R17-10), the request's
    /// namespace says where the job lives, not what it is.
    File {
        old: PathBuf,
        request: RequestNamespace,
    },
}

/// Where a plan's running version came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// No running job has this namespace and ID: the plan registers a new job.
    NotRunning,
    /// A `running` entry other than the planned file defines the job.
    Running { path: PathBuf },
    /// The planned file as committed at a revision.
    Git { rev: String, path: PathBuf },
    /// `--running FILE`.
    File(PathBuf),
    /// A job of an imported cluster (its API JSON).
    Imported { path: PathBuf },
    /// The planned file is listed in `running`, and no earlier version of
    /// it can be found.
    Unknown { reason: String },
}

impl Source {
    pub fn is_unknown(&self) -> bool {
        matches!(self, Source::Unknown { .. })
    }

    /// A short machine-readable kind, for JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::NotRunning => "not-running",
            Source::Running { .. } => "running",
            Source::Git { .. } => "git",
            Source::File(_) => "file",
            Source::Imported { .. } => "imported",
            Source::Unknown { .. } => "unknown",
        }
    }

    /// In words, for notes and JSON.
    pub fn describe(&self) -> String {
        match self {
            Source::NotRunning => "no running job with this ID: a new job".into(),
            Source::Running { path } => format!("the running job of {}", path.display()),
            Source::Git { rev, path } => format!("{} at git {rev}", path.display()),
            Source::File(p) => format!("{} (--running)", p.display()),
            Source::Imported { path } => format!("the imported cluster's job ({})", path.display()),
            Source::Unknown { reason } => format!("unknown: {reason}"),
        }
    }

    /// The one line a command prints when the before cannot be known,
    /// ending with `fix`.
    pub fn unknown_line(&self, planned: &Path, fix: &str) -> Option<String> {
        let Source::Unknown { reason } = self else {
            return None;
        };
        Some(format!(
            "cannot tell what {} changes: it is listed in `running` and {reason}, so the version the cluster runs is unknown; {fix}",
            planned.display()
        ))
    }

    pub fn json(&self) -> serde_json::Value {
        let path = match self {
            Source::Running { path } | Source::Git { path, .. } | Source::Imported { path } => {
                Some(path.display().to_string())
            }
            Source::File(p) => Some(p.display().to_string()),
            _ => None,
        };
        serde_json::json!({
            "Source": self.kind(),
            "Rev": match self { Source::Git { rev, .. } => Some(rev.clone()), _ => None },
            "File": path,
            "Description": self.describe(),
            "Known": !self.is_unknown(),
        })
    }
}

/// Absolute, symlinks resolved where the file exists, `..` as the kernel
/// climbs it ([`crate::project::resolved`]).
pub(super) fn absolute(path: &Path) -> PathBuf {
    crate::project::resolved(path)
}

/// Put the running version of the job planned from `planned` (whose new
/// version is `job`) into `world.running`, and say where it came from.
/// `Err` only for a `--running` file that does not load.
pub fn apply(
    world: &mut World,
    planned: &Path,
    job: &Job,
    from: &BeforeFrom,
) -> Result<Source, Diags> {
    let key = (job.namespace.as_str(), job.id.as_str());
    let by_key = world
        .running
        .iter()
        .position(|r| (r.job.namespace.as_str(), r.job.id.as_str()) == key);
    let by_path = match &world.origin {
        WorldOrigin::Dir(_) => {
            let target = absolute(planned);
            world
                .running
                .iter()
                .position(|r| absolute(&world.project_root.join(&r.path)) == target)
        }
        _ => None,
    };
    match from {
        BeforeFrom::File { old, request } => {
            // Nomad diffs against the job stored under the submitted job's
            // namespace and ID (nomad/job_endpoint.go v2.0.5:1821
            // `snap.JobByID(args.RequestNamespace(), args.Job.ID)`): that
            // entry, and no other, is what `--running` replaces. Replacing
            // the planned file's own entry whatever job it ran dropped the
            // world's job when OLD defined another one (R18-D1).
            let at = by_key;
            // `--running FILE` names the text; the variables it was
            // submitted with, and whether the cluster holds it stopped,
            // are still the world's to say (`running_job`, else none).
            // Never the command's `-var`/`NOMAD_VAR_*`: they belong to the
            // submitted version, and giving them to the running one too
            // planned a `-var` image bump as "no change" (R17-10), as
            // [`from_head`] says for the git route. A planned file the
            // world runs in another namespace still says how it was
            // submitted.
            let vars = at
                .or(by_path)
                .map(|i| world.running[i].vars.clone())
                .unwrap_or_default();
            let own = vars.loader(world);
            let (old_job, source) = load_file(old, &own)?;
            let old_job = with_namespace(old_job, request.for_unnamed_job());
            if (old_job.namespace.as_str(), old_job.id.as_str()) != key {
                let runs = at.map(|i| world.running[i].path.as_path());
                return Err(other_job(old, &old_job, &source, planned, job, runs).into());
            }
            let entry = RunningJob {
                path: old.clone(),
                job: vars.as_registered(old_job),
                vars,
            };
            match at {
                Some(i) => {
                    world.running[i] = entry;
                    super::alloc_running::follow_running(world, i);
                }
                None => world.running.push(entry),
            }
            Ok(Source::File(old.clone()))
        }
        BeforeFrom::Rev(rev) => Ok(match by_key {
            Some(i) => Source::Git {
                rev: rev.clone(),
                path: world.running[i].path.clone(),
            },
            None => Source::NotRunning,
        }),
        BeforeFrom::Head => {
            if let WorldOrigin::Import(_) = world.origin {
                return Ok(match by_key {
                    Some(i) => Source::Imported {
                        path: world.running[i].path.clone(),
                    },
                    None => Source::NotRunning,
                });
            }
            let Some(i) = by_path else {
                return Ok(by_id(world, key));
            };
            // The file's entry keeps what the cluster runs from it (its
            // `HEAD`); it is the plan's before only when it registered the
            // job planned now. Nomad diffs against the job stored under the
            // planned job's namespace and ID (nomad/job_endpoint.go
            // v2.0.5:1821 `snap.JobByID(args.RequestNamespace(),
            // args.Job.ID)`): a file that names no namespace, planned with
            // `NOMAD_NAMESPACE=other`, lands in "other", a new job there
            // while "default" runs its old version (stop 59 Left 5).
            match from_head(world, i) {
                Source::Git { .. } if running_key(&world.running[i]) != key => {
                    Ok(by_id(world, key))
                }
                source => Ok(source),
            }
        }
    }
}

/// A running entry's namespace and ID.
fn running_key(r: &RunningJob) -> (&str, &str) {
    (r.job.namespace.as_str(), r.job.id.as_str())
}

/// The before of a job planned under `key` (namespace, ID) that is no
/// planned file's own entry: the entry registered under that key, or none.
fn by_id(world: &World, key: (&str, &str)) -> Source {
    match world.running.iter().find(|r| running_key(r) == key) {
        Some(r) => Source::Running {
            path: r.path.clone(),
        },
        None => Source::NotRunning,
    }
}

/// `running[i]` is being planned: its running version is its git `HEAD`,
/// evaluated with the variables the world says it was submitted with
/// (`running_job`, else none), never with the command's. The world's state
/// was scheduled from exactly that evaluation; taking the command's `-var`
/// for the running version too would hide the very change a `-var` makes
/// (`plan -var image=v2` against a job running its default `v1` showed no
/// change while the same edit through `--changed` showed one).
fn from_head(world: &mut World, i: usize) -> Source {
    let rel = world.running[i].path.clone();
    let own = world.running[i].vars.loader(world);
    match committed(&world.project_root.join(&rel), &own) {
        Ok(old) => {
            world.running[i].job = world.running[i].vars.as_registered(old);
            super::alloc_running::follow_running(world, i);
            Source::Git {
                rev: "HEAD".into(),
                path: rel,
            }
        }
        Err(reason) => Source::Unknown { reason },
    }
}

/// For commands that judge many files at once (`check`): every `running`
/// entry whose file is among `files` takes its running version from git
/// `HEAD`. Returns each such file with where its running version came from;
/// for an `Unknown` one the world keeps the working-tree version and the
/// caller says so.
pub fn running_from_head(world: &mut World, files: &[PathBuf]) -> Vec<(PathBuf, Source)> {
    if !matches!(world.origin, WorldOrigin::Dir(_)) {
        return Vec::new();
    }
    let wanted: Vec<(PathBuf, &PathBuf)> = files.iter().map(|f| (absolute(f), f)).collect();
    let mut out = Vec::new();
    for i in 0..world.running.len() {
        let abs = absolute(&world.project_root.join(&world.running[i].path));
        if let Some((_, file)) = wanted.iter().find(|(a, _)| *a == abs) {
            out.push(((*file).clone(), from_head(world, i)));
        }
    }
    out
}

/// The job a file defined at git `HEAD`, or why there is none. `named`
/// is the path as the world or the command names it (relative to the
/// current folder, or absolute): it is looked up inside the `HEAD`
/// revision, through the links `HEAD` holds on it, as a checkout of `HEAD`
/// would open it. Resolving it through the working tree's links first
/// read the file an uncommitted retarget leads to, at `HEAD`: the edit
/// compared with itself, "no change" (R17-42).
pub(super) fn committed(named: &Path, loader: &JobLoader) -> Result<Job, String> {
    let abs = crate::project::absolute(named);
    let dir = abs.parent().unwrap_or(Path::new("."));
    let root = crate::git::repo_root(dir).ok_or("the project is not a git repository")?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let head = crate::git::LazyGitVfs::rev(&root, "HEAD")
        .map_err(|e| format!("git HEAD cannot be read ({e})"))?;
    let rel = in_repo(named, &root).ok_or("the file is outside the git repository")?;
    if !head.is_file(&rel) {
        return Err(if head.is_empty() {
            "the repository has no commit yet".into()
        } else {
            "the file is not committed (untracked or newly added)".into()
        });
    }
    loader
        .job(&head, &rel)
        .map_err(|failed| match head.read(&rel) {
            // A link `HEAD` does not follow (out of the project, into a
            // submodule): its refusal, which never names the target.
            Err(e) => format!("its committed version cannot be read ({e})"),
            // Why, in the load's first error: "commit it" is no help where
            // `HEAD`'s text is fine and only its reads are unknown (an
            // absolute `file()` path, R22-A-4).
            Ok(_) => match failed.diags.iter().find(|d| d.is_error()) {
                Some(d) => format!(
                    "its committed version does not load ({})",
                    crate::escape::one_line(&d.message)
                ),
                None => "its committed version does not load".into(),
            },
        })
}

/// `named` (relative to the current folder, or absolute; `..` folded as
/// written) relative to the repository's top `root` (resolved), its links
/// unresolved: the links above the top are the file system's (a `/tmp`
/// that is a link), the ones below it a revision's to follow. The shortest
/// ancestor that is the top is taken, so a link inside the repository
/// leading back to its top is still a link of the path.
pub(super) fn in_repo(named: &Path, root: &Path) -> Option<PathBuf> {
    let abs = crate::project::absolute(named);
    let mut ups: Vec<&Path> = abs.ancestors().collect();
    ups.reverse();
    ups.into_iter()
        .find(|a| a == &root || std::fs::canonicalize(a).is_ok_and(|c| c == root))
        .and_then(|top| abs.strip_prefix(top).ok())
        .map(Path::to_path_buf)
}

/// `check FILES` (working tree): the checked files listed in `running` take
/// their running version from git `HEAD`. Returns one warning line per file
/// whose earlier version cannot be found (it then stays as it is). The
/// running version loads with the world's variables for it, as `plan`'s
/// does; the checked version with the check's own.
pub fn for_check(world: &mut World, files: &[PathBuf]) -> Vec<String> {
    let fix = "commit it to judge the edit; judged here as if the cluster ran this file";
    running_from_head(world, files)
        .into_iter()
        .filter_map(|(file, source)| source.unknown_line(&file, fix))
        .collect()
}

/// Where a rehearsal's starting cluster came from: the running version of
/// every `running` file, with its source.
#[derive(Debug, Clone, Default)]
pub struct Starting {
    pub files: Vec<(PathBuf, Source)>,
}

impl Starting {
    /// The one line a rehearsal prints when some running file has no
    /// earlier version (not a git repository, untracked, never committed).
    pub fn unknown_line(&self) -> Option<String> {
        // Files grouped by reason, in `running` order.
        let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
        for (path, source) in &self.files {
            let Source::Unknown { reason } = source else {
                continue;
            };
            let name = path.display().to_string();
            match groups.iter_mut().find(|(r, _)| r == reason) {
                Some((_, names)) => names.push(name),
                None => groups.push((reason, vec![name])),
            }
        }
        if groups.is_empty() {
            return None;
        }
        let why: Vec<String> = groups
            .iter()
            .map(|(reason, names)| format!("{} ({reason})", names.join(", ")))
            .collect();
        Some(format!(
            "cannot tell what the cluster runs before the rehearsal: no earlier version of {}, so the rehearsal starts from the files as they are and edits made to them do not show as changes; commit them, or pass --running OLD_FILE",
            why.join("; ")
        ))
    }

    pub fn is_known(&self) -> bool {
        self.files.iter().all(|(_, s)| !s.is_unknown())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.files
                .iter()
                .map(|(path, source)| {
                    serde_json::json!({
                        "file": path.display().to_string(),
                        "source": source.json(),
                    })
                })
                .collect(),
        )
    }
}

/// A rehearsal replays the demo from what the cluster runs: each `running`
/// entry starts from the version `--running` names for its job (namespace
/// and ID), else from its committed version (git `HEAD`), so the working
/// tree's edits show where the steps plan the file. Where neither exists,
/// the entry starts from the file as it is and [`Starting::unknown_line`]
/// says so. `notes` gets a line per file started from its commit that the
/// working tree has edited. `on_disk` is false for the demo world compiled
/// into the binary, whose files are their own before. `Err` for a
/// `--running` file that does not load or defines a job no `running` entry
/// runs.
pub fn for_rehearsal(
    world: &mut World,
    given: &[PathBuf],
    on_disk: bool,
    notes: &mut Vec<String>,
) -> Result<Starting, Diags> {
    // The rehearsal's steps pass no variables: neither do their starts,
    // but a running job's own (`running_job`) are how it was submitted.
    let loader = JobLoader::plain(world.nomad_version, world.project_root.clone())
        .for_servers(world.edition(), world.server.job_settings(), &world.region)
        .with_running(world);
    let mut explicit = Vec::new();
    for old in given {
        let (job, _) = load_file(old, &loader)?;
        let key = (job.namespace.as_str(), job.id.as_str());
        let Some(i) = world
            .running
            .iter()
            .position(|r| (r.job.namespace.as_str(), r.job.id.as_str()) == key)
        else {
            return Err(Diags(vec![Diag::error(
                "cli::running",
                format!(
                    "--running {} defines job \"{}\" in namespace \"{}\", which no `running` entry of the world runs",
                    old.display(),
                    job.id,
                    job.namespace
                ),
            )
            .help("--running names the version the cluster runs of a job listed in `running`")]));
        };
        world.running[i].job = world.running[i].vars.as_registered(job);
        super::alloc_running::follow_running(world, i);
        explicit.push((i, old.clone()));
    }
    let mut starting = Starting::default();
    let mut replaced = Vec::new();
    let from_files = on_disk && matches!(world.origin, WorldOrigin::Dir(_));
    for (i, r) in world.running.iter_mut().enumerate() {
        if let Some((_, old)) = explicit.iter().find(|(j, _)| *j == i) {
            starting
                .files
                .push((r.path.clone(), Source::File(old.clone())));
            continue;
        }
        if !from_files {
            continue;
        }
        let source = match committed(&world.project_root.join(&r.path), &loader) {
            Ok(old) => {
                let old = r.vars.as_registered(old);
                if old != r.job {
                    notes.push(format!(
                        "note: the rehearsal starts from {} as committed (git HEAD); its uncommitted edits show where the steps plan it",
                        r.path.display()
                    ));
                    r.job = old;
                    replaced.push(i);
                }
                Source::Git {
                    rev: "HEAD".into(),
                    path: r.path.clone(),
                }
            }
            Err(reason) => Source::Unknown { reason },
        };
        starting.files.push((r.path.clone(), source));
    }
    for i in replaced {
        super::alloc_running::follow_running(world, i);
    }
    Ok(starting)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_the_file_and_the_fix() {
        let s = Source::Unknown {
            reason: "the project is not a git repository".into(),
        };
        let line = s
            .unknown_line(
                Path::new("jobs/a.nomad"),
                "commit it, or pass --running OLD_FILE",
            )
            .unwrap_or_default();
        assert!(
            line.starts_with("cannot tell what jobs/a.nomad changes"),
            "{line}"
        );
        assert!(
            line.ends_with("commit it, or pass --running OLD_FILE"),
            "{line}"
        );
        assert!(!line.contains('\n'));
        assert_eq!(s.json()["Known"], false);
        assert!(Source::NotRunning
            .unknown_line(Path::new("x"), "")
            .is_none());
    }

    #[test]
    fn a_rehearsal_names_every_unknown_start_once_grouped_by_reason() {
        let unknown = |r: &str| Source::Unknown { reason: r.into() };
        let starting = Starting {
            files: vec![
                (PathBuf::from("jobs/a.nomad"), unknown("not committed")),
                (
                    PathBuf::from("jobs/b.nomad"),
                    Source::File(PathBuf::from("old/b.nomad")),
                ),
                (PathBuf::from("jobs/c.nomad"), unknown("no git")),
                (PathBuf::from("jobs/d.nomad"), unknown("not committed")),
            ],
        };
        assert!(!starting.is_known());
        let line = starting.unknown_line().unwrap_or_default();
        assert!(
            line.contains("no earlier version of jobs/a.nomad, jobs/d.nomad (not committed); jobs/c.nomad (no git), so"),
            "{line}"
        );
        assert!(line.ends_with("commit them, or pass --running OLD_FILE"));
        let known = Starting {
            files: vec![(PathBuf::from("jobs/b.nomad"), Source::NotRunning)],
        };
        assert!(known.is_known() && known.unknown_line().is_none());
    }
}
