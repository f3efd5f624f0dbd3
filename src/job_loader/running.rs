//! The world's running jobs' variables, for whichever command loads their
//! files. cluster.hcl's `running_job "FILE" { var, var_file }` says how a
//! running job was submitted (none: without variables). The running
//! version of such a file (git `HEAD`, a change set's base) is evaluated
//! with exactly those; the new version with those and the command's own
//! flags on top, as `nomad job run` with both would. With no flags and no
//! `NOMAD_VAR_*` in the environment (a hook) both sides are evaluated
//! alike, so the diff shows the edit, not two sets of variables; a
//! change-set gate judges its files without the environment's values too
//! ([`JobLoader::without_shell_vars`], crate::changeset::shell_vars). The loader itself knows them
//! ([`JobLoader::with_running`]) and picks a file's options by where the
//! file was read from; no consumer (plan, check, the change set, the
//! reader scan, rehearse) chooses them on its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::JobLoader;
use crate::jobspec::{Job, LoadOptions};
use crate::source::{Origin, Source};

/// What holds running jobs (the world): its project root, and each running
/// job's file (relative to the root) with the loader of the variables it
/// was submitted with.
pub trait RunningFiles {
    fn project_root(&self) -> &Path;
    fn running_loaders(&self) -> Vec<(PathBuf, JobLoader)>;
}

impl JobLoader {
    /// Load each of `world`'s running job files with the variables it was
    /// submitted with, this loader's flags on top (the new version of the
    /// file); other files keep this loader's options. Every command that
    /// loads job files against a world builds its loader through this.
    pub fn with_running(mut self, world: &impl RunningFiles) -> JobLoader {
        let entries = world
            .running_loaders()
            .into_iter()
            .map(|(p, l)| {
                let new = planned(&l.opts, &self.opts);
                (
                    p,
                    Versions {
                        running: l.opts,
                        new,
                    },
                )
            })
            .collect();
        self.running = Arc::new(RunningOptions::new(world.project_root(), entries));
        self
    }

    /// This loader for the running versions of files (a change set's
    /// base): a running job's file with only the variables it was
    /// submitted with.
    pub fn for_running_versions(&self) -> JobLoader {
        JobLoader {
            running_version: true,
            ..self.clone()
        }
    }

    /// The shell's `NOMAD_VAR_<name>` values this loader applies (name
    /// without the prefix, value), in the environment's order.
    pub fn shell_vars(&self) -> &[(String, String)] {
        &self.opts.env_vars
    }

    /// Does the shell's `GODEBUG` change this release's job-file
    /// functions ([`crate::jobspec::fips140`])?
    pub fn shell_fips140(&self) -> bool {
        self.opts.fips140.matters(self.opts.version)
    }

    /// This loader without the shell's `NOMAD_VAR_*` and `GODEBUG`, its flags and the
    /// running jobs' own variables kept: what a deploy whose environment
    /// sets none would evaluate ([`crate::changeset::shell_vars`]). `None`
    /// when there are none to leave out.
    pub fn without_shell_vars(&self) -> Option<JobLoader> {
        if self.opts.env_vars.is_empty() && !self.shell_fips140() {
            return None;
        }
        let mut opts = self.opts.clone();
        opts.env_vars.clear();
        // GODEBUG is the shell's too: the deploy's may not turn FIPS on.
        opts.fips140 = Default::default();
        let mut running = RunningOptions::clone(&self.running);
        for (_, v) in &mut running.entries {
            v.new = planned(&v.running, &opts);
        }
        Some(JobLoader {
            opts,
            running: Arc::new(running),
            ..self.clone()
        })
    }

    /// Unit tests' stand-in for a shell's `NOMAD_VAR_*`.
    #[cfg(test)]
    pub(crate) fn set_shell_vars(&mut self, vars: impl IntoIterator<Item = (String, String)>) {
        self.opts.env_vars = vars.into_iter().collect();
    }

    /// The running jobs' files, relative to the top of the repository
    /// holding the project (as a change set names paths), `..` folded;
    /// none when the project is in no repository. A change set traces
    /// each through the links on its path ([`crate::changeset`]).
    pub fn running_in_repo(&self) -> Vec<PathBuf> {
        let Some(top) = &self.running.in_repo else {
            return Vec::new();
        };
        self.running
            .entries
            .iter()
            .map(|(p, _)| crate::vfs::normalize(&top.join(p)))
            .collect()
    }

    /// The options `source` loads with: a running job's, else these.
    pub(super) fn opts_for(&self, source: &Source) -> &LoadOptions {
        match self.running.for_source(source) {
            Some(v) if self.running_version => &v.running,
            Some(v) => &v.new,
            None => &self.opts,
        }
    }

    /// What a load of a file depends on besides its text, as a key for a
    /// cache by content (`changeset::standing`): this loader's options.
    /// A running job's file ([`JobLoader::loads_as_running`]) loads with
    /// others.
    pub fn options_key(&self) -> String {
        format!("{:?}", self.opts)
    }

    /// Is the repository's file `path` a running job's, loaded with the
    /// variables it was submitted with?
    pub fn loads_as_running(&self, path: &Path) -> bool {
        self.running.in_repo_path(path).is_some()
    }

    /// Does loading `source` read files besides it (its `-var-file`s, or
    /// a running job's `var_file`s)?
    pub fn reads_var_files_of(&self, source: &Source) -> bool {
        !self.opts_for(source).var_files.is_empty()
    }

    /// [`JobLoader::known`] for `source`, with the options it loads with.
    pub fn known_source<'j>(
        &self,
        source: &Source,
        known: impl IntoIterator<Item = &'j Job>,
    ) -> Option<&'j Job> {
        known_with(self.opts_for(source), &source.text, known)
    }
}

/// The options of a running job's file's new version: the inputs it was
/// submitted with (`submitted`: its `var_file`s, then its `var`s) and the
/// command's (`flags`) on top, every source of the command's winning over
/// every one of the job's. README ("the command's for the planned one")
/// and docs/world-format.md ("the command's own flags on top") promise
/// that; within each, Nomad's order holds: jobspec2 reads the
/// environment, then each var file, then the `-var`s, later winning
/// (jobspec2/types.variables.go collectInputVariableValues, v1.9.7). So
/// the whole order is: the job's var files, the job's vars, the command's
/// `NOMAD_VAR_*`, the command's var files, the command's `-var`s. Giving
/// the job's `var`s as `-var`s ahead of the command's (R17-41) let them
/// beat the command's var files and environment: `-var-file prod.hcl`
/// setting `n = 8` planned the running `n = 1`, no change, exit 0.
///
/// With neither var files nor environment variables from the command,
/// that is the job's files and then its vars and the command's `-var`s
/// as one list of `-var`s: written so, such a load (a hook's) keeps the
/// options, and the job-load cache keys, it had before the layer.
fn planned(submitted: &LoadOptions, flags: &LoadOptions) -> LoadOptions {
    let mut new = flags.clone();
    new.var_files = submitted
        .var_files
        .iter()
        .chain(&flags.var_files)
        .cloned()
        .collect();
    if flags.var_files.is_empty() && flags.env_vars.is_empty() {
        new.vars = submitted.vars.iter().chain(&flags.vars).cloned().collect();
        return new;
    }
    new.submitted = crate::jobspec::Submitted {
        var_files: submitted.var_files.len(),
        vars: submitted.vars.clone(),
    };
    new
}

/// The job of `known` a closed load of `text` with `opts` gave.
pub(super) fn known_with<'j>(
    opts: &LoadOptions,
    text: &str,
    known: impl IntoIterator<Item = &'j Job>,
) -> Option<&'j Job> {
    known.into_iter().find(|j| {
        j.closed
            .0
            .as_ref()
            .is_some_and(|c| *c.text == *text && c.opts == *opts)
    })
}

/// The options of one running job's file, by version.
#[derive(Debug, Clone)]
pub(super) struct Versions {
    /// What it was submitted with (cluster.hcl's `running_job`, or none).
    running: LoadOptions,
    /// The same, and the command's flags after them.
    new: LoadOptions,
}

/// The running jobs' files, by path below the project root.
#[derive(Debug, Clone, Default)]
pub(super) struct RunningOptions {
    /// The project root on disk, as written and with links followed: a
    /// world's on disk, or the working tree's copy of one read from git
    /// (none outside a repository).
    disk_roots: Vec<PathBuf>,
    /// The project root relative to the repository (or to the embedded
    /// files), for files read from git: from the world's own path when it
    /// was read from git, else from the repository holding it on disk.
    in_repo: Option<PathBuf>,
    /// Normalised project-relative path, and the options to load it with.
    entries: Vec<(PathBuf, Versions)>,
}

/// A project root on disk as written and with links followed.
fn disk_roots(root: &Path) -> Vec<PathBuf> {
    let mut roots = vec![crate::vfs::normalize(root)];
    roots.extend(crate::project::canonical(root).ok());
    roots
}

impl RunningOptions {
    pub(super) fn new(root: &Path, entries: Vec<(PathBuf, Versions)>) -> RunningOptions {
        if entries.is_empty() {
            return RunningOptions::default();
        }
        let entries = entries
            .into_iter()
            .map(|(p, o)| (crate::vfs::normalize(&p), o))
            .collect();
        if !root.is_absolute() {
            let in_repo = crate::vfs::normalize(root);
            // A world read from git is the current folder's repository's
            // (cli::common::resolve_world_at), and a command may read the
            // running files from its working tree all the same: `check
            // --base REF` and `plan --changed --base REF` without `--head`
            // take the head's files from disk (R17-43: they loaded with
            // the command's flags alone, `--head` with the job's own).
            let disk_roots = std::env::current_dir()
                .ok()
                .and_then(|cwd| crate::git::repo_root(&cwd))
                .map(|repo| disk_roots(&repo.join(&in_repo)))
                .unwrap_or_default();
            return RunningOptions {
                disk_roots,
                in_repo: Some(in_repo),
                entries,
            };
        }
        let disk_roots = disk_roots(root);
        // A world on disk whose running files a command reads from git
        // (`HEAD` for the running version): their paths are the repository's.
        let in_repo = crate::git::repo_root(root).and_then(|repo| {
            let repo = crate::project::canonical(&repo).unwrap_or(repo);
            disk_roots
                .iter()
                .find_map(|r| r.strip_prefix(&repo).ok())
                .map(Path::to_path_buf)
        });
        RunningOptions {
            disk_roots,
            in_repo,
            entries,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The options of the running job read as `source`, if it is one
    /// with its own variables.
    pub(super) fn for_source(&self, source: &Source) -> Option<&Versions> {
        if self.entries.is_empty() {
            return None;
        }
        match &source.origin {
            Origin::Disk(full) => self.for_path(full),
            Origin::Git { path, .. } => self.in_repo_path(path),
            Origin::Embedded(name) | Origin::Inline(name) => self.in_repo_path(Path::new(name)),
        }
    }

    /// The options for `path`: absolute, or relative to the repository.
    fn for_path(&self, path: &Path) -> Option<&Versions> {
        if self.entries.is_empty() {
            return None;
        }
        if !path.is_absolute() {
            return self.in_repo_path(path);
        }
        let path = crate::vfs::normalize(path);
        let rel = self
            .disk_roots
            .iter()
            .find_map(|root| path.strip_prefix(root).ok())?;
        self.entry(rel)
    }

    fn in_repo_path(&self, path: &Path) -> Option<&Versions> {
        let path = crate::vfs::normalize(path);
        let rel = path.strip_prefix(self.in_repo.as_ref()?).ok()?;
        self.entry(rel)
    }

    fn entry(&self, rel: &Path) -> Option<&Versions> {
        self.entries.iter().find(|(p, _)| p == rel).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::version::NomadVersion;

    fn opts(n: &str) -> Versions {
        let running = LoadOptions {
            vars: vec![("n".into(), n.into())],
            version: NomadVersion::CURRENT,
            ..LoadOptions::default()
        };
        Versions {
            new: running.clone(),
            running,
        }
    }

    /// [`planned`]'s order, every source against every other: each
    /// source sets `n` to its rank (1: the job's var file, 2: its `var`,
    /// 3: the command's NOMAD_VAR_n, 4: its var file, 5: its `-var`), and
    /// the group's count is the highest rank given (the default 0 when
    /// none is).
    #[test]
    fn the_commands_every_source_is_on_top_of_the_running_jobs_every_one() {
        let job = "variable \"n\" {\n  type    = number\n  default = 0\n}\njob \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = var.n\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx\"\n      }\n    }\n  }\n}\n";
        let mut mem = crate::vfs::MemVfs::new("test");
        mem.insert("j.nomad", job);
        mem.insert("running.hcl", "n = 1\n");
        mem.insert("command.hcl", "n = 4\n");
        let n = |v: &str| vec![("n".to_string(), v.to_string())];
        for given in 0u8..32 {
            let has = |rank: u8| given & (1 << (rank - 1)) != 0;
            let mut submitted = LoadOptions {
                version: NomadVersion::CURRENT,
                ..LoadOptions::default()
            };
            let mut flags = submitted.clone();
            if has(1) {
                submitted.var_files.push("running.hcl".into());
            }
            if has(2) {
                submitted.vars = n("2");
            }
            if has(3) {
                flags.env_vars = n("3");
            }
            if has(4) {
                flags.var_files.push("command.hcl".into());
            }
            if has(5) {
                flags.vars = n("5");
            }
            let parsed =
                crate::jobspec::load(&mem, Path::new("j.nomad"), &planned(&submitted, &flags));
            let count = parsed
                .job
                .as_ref()
                .and_then(|j| j.groups.first())
                .map(|g| g.count);
            let top = (1..=5).rev().find(|r| has(*r)).unwrap_or(0);
            assert_eq!(
                count,
                Some(i64::from(top)),
                "sources {given:05b}: {:?}",
                parsed.diags
            );
        }
    }

    #[test]
    fn a_file_is_matched_by_where_it_was_read_from_below_the_project_root() {
        let disk = RunningOptions::new(Path::new("/p"), vec![("jobs/./a.nomad".into(), opts("1"))]);
        let src = |origin: Origin| SourceFile::new(origin, "shown", "");
        assert!(disk
            .for_source(&src(Origin::Disk("/p/jobs/a.nomad".into())))
            .is_some());
        assert!(disk
            .for_source(&src(Origin::Disk("/p/jobs/b.nomad".into())))
            .is_none());
        assert!(disk
            .for_source(&src(Origin::Disk("/q/jobs/a.nomad".into())))
            .is_none());
        // A world read from git: its root is relative to the repository.
        let git = RunningOptions::new(
            Path::new("deploy"),
            vec![("jobs/a.nomad".into(), opts("2"))],
        );
        let at = |p: &str| {
            src(Origin::Git {
                rev: "HEAD".into(),
                path: p.into(),
            })
        };
        assert_eq!(
            git.for_source(&at("deploy/jobs/a.nomad"))
                .map(|o| &o.running.vars),
            Some(&opts("2").running.vars)
        );
        assert!(git.for_source(&at("jobs/a.nomad")).is_none());
        let top = RunningOptions::new(Path::new(""), vec![("jobs/a.nomad".into(), opts("3"))]);
        assert!(top.for_source(&at("jobs/a.nomad")).is_some());
    }
}
