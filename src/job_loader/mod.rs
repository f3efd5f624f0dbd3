//! The one job loader. Every command that evaluates job files (`plan` from
//! disk or git, `check`, `validate`, `rehearse`, the hook's `plan` and
//! `check`, and the world's `running` jobs behind `status`) builds its
//! options here once and loads through [`JobLoader::load`], so a file gets
//! the same containment, budgets, variables and diagnostics whichever
//! command reads it:
//!
//! - variables: `-var`/`-var-file` as Nomad's jobspec2 reads them and
//!   `NOMAD_VAR_<name>` from the environment, parsed once
//!   ([`LoadOptions::from_cli`]); a `-var` Nomad ignores is a warning. The
//!   same variables evaluate both versions of a planned file, so its diff
//!   shows the edit, not the flags. Job files nobody passes variables for
//!   (the rehearsal's steps, the world's `running` list) load with none
//!   ([`JobLoader::plain`]): the result must not depend on the shell;
//! - containment: working-tree files are read through a [`DiskVfs`] fenced
//!   at the project root, where only the files the user named (the job
//!   file, `-var-file`s) are admitted from outside ([`JobLoader::working_tree`]);
//!   files from git or memory take the project root as the boundary of
//!   `file()` and friends;
//! - budgets: every load is one `jobspec::load`, with its evaluation
//!   budgets (`jobspec/budget.rs`);
//! - diagnostics: a file that does not load gives back the whole
//!   [`ParsedJob`] ([`JobLoader::job`]), so the caller prints Nomad's text
//!   for the version and our located diagnostics;
//! - the job-load cache ([`cache`]): callers that want only the job and
//!   its diagnostics ([`JobLoader::load_job`], the world's running jobs)
//!   get a closed load's job from the previous run that loaded the same
//!   text with the same options.

mod cache;
pub mod getter;
mod request_namespace;
mod request_vault_token;
mod running;

pub use request_namespace::{Applied, Asked, RequestNamespace};
pub use request_vault_token::{plan_reads_token, plan_takes_vault_namespace, RequestVaultToken};

pub use running::RunningFiles;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diags;
use crate::jobspec::{self, ClosedInputs, ClosedLoad, Job, LoadOptions, Origin, ParsedJob};
use crate::source::Source;
use crate::version::NomadVersion;
use crate::vfs::{DiskVfs, Vfs};

/// Evaluation options built once for a command, and the loads made with them.
#[derive(Debug, Clone)]
pub struct JobLoader {
    opts: LoadOptions,
    warnings: Diags,
    /// Running jobs' own variables, by file ([`JobLoader::with_running`]).
    running: Arc<running::RunningOptions>,
    /// Load running jobs' files as they run ([`JobLoader::for_running_versions`]).
    running_version: bool,
}

impl JobLoader {
    /// From the command line: `-var`, `-var-file`, `NOMAD_VAR_*`, judged as
    /// `version` would, with `root` (the project root) as the boundary.
    pub fn from_flags(
        vars: &[String],
        var_files: &[PathBuf],
        version: NomadVersion,
        root: PathBuf,
    ) -> JobLoader {
        let (opts, warnings) = LoadOptions::from_cli(vars, var_files, version, Some(root));
        JobLoader {
            opts,
            warnings,
            running: Arc::default(),
            running_version: false,
        }
    }

    /// No variables at all, neither flags nor environment.
    pub fn plain(version: NomadVersion, root: PathBuf) -> JobLoader {
        JobLoader {
            opts: LoadOptions {
                version,
                repo_root: Some(root),
                // Not the shell's variables, but the same folder `nomad`
                // runs in: a running job was submitted by the same deploy.
                work_dir: crate::work_dir::active().map(Path::to_path_buf),
                ..LoadOptions::default()
            },
            warnings: Diags::new(),
            running: Arc::default(),
            running_version: false,
        }
    }

    /// Judge as servers of `edition` would (the world's
    /// [`crate::world::World::edition`]; `None` when it does not say).
    pub fn with_edition(mut self, edition: Option<crate::version::Edition>) -> JobLoader {
        self.opts.edition = edition;
        self
    }

    /// Judge as the world's servers would: their `edition`, job
    /// `settings` (default priority, priority and count bounds) and
    /// `region` (which their HTTP agent gives a job without one,
    /// `jobspec::agent_region`), as [`crate::world::World::edition`],
    /// `World::server.job_settings()` and `World::region` give them (the
    /// world sits above this module, so it passes them).
    pub fn for_servers(
        mut self,
        edition: Option<crate::version::Edition>,
        settings: crate::jobspec::ServerJobSettings,
        region: &str,
    ) -> JobLoader {
        self.opts.edition = edition;
        self.opts.servers = settings;
        self.opts.agent_region = Some(region.to_string());
        self
    }

    /// With `-var` values `vars` and `-var-file`s `var_files` given by
    /// input rather than the command line (a world's running job:
    /// `world::RunningVars`); nothing from the shell.
    pub fn with_variables(
        mut self,
        vars: Vec<(String, String)>,
        var_files: Vec<PathBuf>,
    ) -> JobLoader {
        self.opts.vars = vars;
        self.opts.var_files = var_files;
        self
    }

    /// What reading the flags found worth saying (a `-var` without `=`).
    pub fn warnings(&self) -> &Diags {
        &self.warnings
    }

    pub fn version(&self) -> NomadVersion {
        self.opts.version
    }

    /// Does every load read files besides the job file (`-var-file`)?
    pub fn reads_var_files(&self) -> bool {
        !self.opts.var_files.is_empty()
    }

    /// The working tree, fenced at the project root of the current
    /// directory; `named` (files the user typed) and the `-var-file`s are
    /// admitted as the user's choice even outside it.
    pub fn working_tree(&self, named: &[&Path]) -> DiskVfs {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let mut vfs = DiskVfs::new(cwd);
        for p in named {
            vfs.admit_named(p);
        }
        for f in &self.opts.var_files {
            vfs.admit_named(f);
        }
        // A running job's var files are inside the world folder: the fence
        // admits them as it is.
        vfs
    }

    /// A job file the user named, loaded as [`JobLoader::load`] does; one
    /// Nomad's CLI cannot get (missing, a folder) is refused in its words
    /// ([`getter`]).
    pub fn load_named(&self, vfs: &dyn Vfs, path: &Path) -> ParsedJob {
        match getter::cannot_get(path) {
            Some(text) => jobspec::unreadable(path, text, &self.opts),
            None => self.load(vfs, path),
        }
    }

    /// Load `path` as read through `vfs`: the model and every diagnostic.
    pub fn load(&self, vfs: &dyn Vfs, path: &Path) -> ParsedJob {
        if !self.running.is_empty() {
            if let Ok(source) = vfs.read(path) {
                return self.load_source(vfs, source);
            }
        }
        jobspec::load(vfs, path, &self.opts)
    }

    /// `path` when it is a job file, loaded as [`JobLoader::load`] would;
    /// `Ok(None)` for other HCL (a folder or a change set names every
    /// `.nomad`/`.hcl` file, and `check` counts the others as skipped); the
    /// read error when it cannot be read. A file named as a job file
    /// (`*.nomad`, `*.nomad.hcl`, `*.job`) is always one: a typo in its
    /// `job` block (`jbo "web" {`) must fail as Nomad fails it, not make the
    /// file "not a job file" that a hook then passes. Only other `.hcl`
    /// files are judged by their text.
    /// A Git LFS pointer is refused ([`crate::git::lfs_refusal`]).
    pub fn job_file(&self, vfs: &dyn Vfs, path: &Path) -> std::io::Result<Option<ParsedJob>> {
        let source = vfs.read(path)?;
        if let Some(refused) = crate::git::lfs_refusal(path, &source.text) {
            return Err(refused);
        }
        let is_job = |t: &str| jobspec::is_job_file(t) || jobspec::utf16::is_job(t);
        if !named_as_job_file(path) && !is_job(&source.text) {
            return Ok(None);
        }
        Ok(Some(self.load_source(vfs, source)))
    }

    /// [`JobLoader::load`] of a file already read from `vfs`.
    pub fn load_source(&self, vfs: &dyn Vfs, source: Source) -> ParsedJob {
        let opts = self.opts_for(&source);
        jobspec::load_source(vfs, source, opts)
    }

    /// [`JobLoader::load`] for a caller that reads only the job and the
    /// diagnostics, through the job-load cache when the run has one.
    pub fn load_job(&self, vfs: &dyn Vfs, path: &Path) -> LoadedJob {
        match vfs.read(path) {
            Ok(source) => self.load_job_source(vfs, source),
            // The read error as `load` words it.
            Err(_) => LoadedJob::from(self.load(vfs, path)),
        }
    }

    /// [`JobLoader::load_job`] of a file already read from `vfs`.
    pub fn load_job_source(&self, vfs: &dyn Vfs, source: Source) -> LoadedJob {
        self.load_job_in(crate::cache_dir::active(), vfs, source)
    }

    /// [`JobLoader::load_job_source`] with the cache in `dir`, if any.
    fn load_job_in(&self, dir: Option<&Path>, vfs: &dyn Vfs, source: Source) -> LoadedJob {
        let cached = dir.and_then(|d| Some((d, cache::key(&source.text, self.opts_for(&source))?)));
        if let Some((dir, key)) = &cached {
            if let Some(mut job) = cache::load(dir, key) {
                self.restore(&mut job, &source);
                return LoadedJob {
                    source,
                    job: Some(job),
                    diags: Diags::new(),
                };
            }
        }
        let loaded = LoadedJob::from(self.load_source(vfs, source));
        if let (Some((dir, key)), Some(job)) = (&cached, &loaded.job) {
            // Only a job that is the whole result: nothing read but the
            // key's inputs, and no diagnostic (a cached entry holds none).
            if job.closed.0.is_some() && loaded.diags.is_empty() {
                cache::store(dir, key, job);
            }
        }
        loaded
    }

    /// Give a job kept by a cache what an entry does not hold: its file,
    /// and the proof that it is all `source`'s text loads to with these
    /// options. Only for a job a closed load of that text with these
    /// options gave, without a diagnostic.
    pub fn restore(&self, job: &mut Job, source: &Source) {
        job.source = Origin(Some(source.clone()));
        job.closed = ClosedLoad(Some(Arc::new(ClosedInputs {
            text: source.text.clone(),
            opts: self.opts_for(source).clone(),
        })));
    }

    /// The job of `known` that loading `text` here would give, when one
    /// was loaded from the same text with the same options and read
    /// nothing else ([`jobspec::ClosedLoad`]): the same computation, so its
    /// result, validity included, is that job's. A `check --staged` loads
    /// each staged file's HEAD version for the world's running jobs and
    /// again for the change set's base; this skips the second parse.
    pub fn known<'j>(
        &self,
        text: &str,
        known: impl IntoIterator<Item = &'j Job>,
    ) -> Option<&'j Job> {
        running::known_with(&self.opts, text, known)
    }

    /// The job when `path` loads without errors, else the whole failed load.
    pub fn job(&self, vfs: &dyn Vfs, path: &Path) -> Result<Job, Box<ParsedJob>> {
        let parsed = self.load(vfs, path);
        match parsed.job {
            Some(job) if !parsed.diags.has_errors() => Ok(job),
            _ => Err(Box::new(parsed)),
        }
    }
}

/// A load's job and diagnostics, without the syntax trees a
/// [`ParsedJob`] also carries (a cached load has none to give).
#[derive(Debug)]
pub struct LoadedJob {
    pub source: Source,
    pub job: Option<Job>,
    pub diags: Diags,
}

impl From<ParsedJob> for LoadedJob {
    fn from(p: ParsedJob) -> LoadedJob {
        LoadedJob {
            source: p.source,
            job: p.job,
            diags: p.diags,
        }
    }
}

/// Nomad's `-namespace` flag: it names the namespace of a job file that
/// does not write one; a namespace the file writes wins.
pub fn with_namespace(mut job: Job, namespace: Option<&str>) -> Job {
    if let Some(ns) = namespace {
        if !job.spans.written("namespace") {
            job.namespace = ns.to_string();
        }
    }
    job
}

/// Whether `path`'s name says it holds a Nomad job (`*.nomad`,
/// `*.nomad.hcl`, `*.job`), as `nomad job init` and the docs name them.
pub fn named_as_job_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".nomad") || name.ends_with(".nomad.hcl") || name.ends_with(".job")
}

#[cfg(test)]
mod tests;
