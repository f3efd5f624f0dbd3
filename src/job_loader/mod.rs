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

pub use request_namespace::RequestNamespace;
pub use request_vault_token::{plan_reads_token, RequestVaultToken};

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

    /// Judge as the world's servers would: their `edition` and job
    /// `settings` (default priority, priority and count bounds), as
    /// [`crate::world::World::edition`] and `World::server.job_settings()`
    /// give them (the world sits above this module, so it passes them).
    pub fn for_servers(
        mut self,
        edition: Option<crate::version::Edition>,
        settings: crate::jobspec::ServerJobSettings,
    ) -> JobLoader {
        self.opts.edition = edition;
        self.opts.servers = settings;
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
mod tests {
    use super::*;
    use crate::vfs::MemVfs;

    const JOB: &str = r#"
variable "n" {
  type = number
}
job "web" {
  datacenters = ["dc1"]
  group "g" {
    count = var.n
    task "t" {
      driver = "docker"
      config { image = "nginx:1" }
    }
  }
}
"#;

    fn files() -> MemVfs {
        let mut m = MemVfs::new("loader test");
        m.insert("web.nomad", JOB);
        m
    }

    #[test]
    fn flags_set_variables_and_a_var_without_equals_is_a_warning() {
        let l = JobLoader::from_flags(
            &["n=3".to_string(), "m".to_string()],
            &[],
            NomadVersion::CURRENT,
            PathBuf::from("/p"),
        );
        let job = l.job(&files(), Path::new("web.nomad")).unwrap();
        assert_eq!(job.groups[0].count, 3);
        assert_eq!(l.warnings().len(), 1);
        assert_eq!(l.opts.repo_root.as_deref(), Some(Path::new("/p")));
    }

    #[test]
    fn a_plain_loader_sets_no_variable_and_the_failure_keeps_its_diagnostics() {
        let l = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
        let failed = l.job(&files(), Path::new("web.nomad")).unwrap_err();
        assert!(failed.diags.has_errors());
        assert!(failed.diags.iter().any(|d| d.message.contains('n')));
    }

    #[test]
    fn job_file_loads_job_files_skips_other_hcl_and_returns_the_read_error() {
        let l = JobLoader::from_flags(
            &["n=2".to_string()],
            &[],
            NomadVersion::CURRENT,
            PathBuf::from("/p"),
        );
        let mut m = files();
        m.insert(
            "policy.hcl",
            "namespace \"ops\" {\n  policy = \"read\"\n}\n",
        );
        let parsed = l.job_file(&m, Path::new("web.nomad")).unwrap().unwrap();
        assert_eq!(parsed.job.unwrap().groups[0].count, 2);
        assert!(l.job_file(&m, Path::new("policy.hcl")).unwrap().is_none());
        assert!(l.job_file(&m, Path::new("gone.nomad")).is_err());
    }

    /// [`JOB`] without its variable, its image written as `image`.
    fn fixed(image: &str) -> String {
        JOB.replace("variable \"n\" {\n  type = number\n}\n", "")
            .replace("var.n", "2")
            .replace("\"nginx:1\"", image)
    }

    /// `known` stands in for a load only when the load could not have come
    /// out otherwise: same text, same options, nothing read besides them.
    #[test]
    fn a_known_job_stands_in_only_for_the_same_closed_load() {
        let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
        let text = fixed("\"nginx:1\"");
        let mut m = MemVfs::new("loader test");
        m.insert("a.nomad", text.as_str());
        // Another path, same text: the path reaches only functions and
        // diagnostics, so the job is the same.
        m.insert("other/b.nomad", text.as_str());
        let job = plain.job(&m, Path::new("a.nomad")).unwrap();
        let from_b = plain.job(&m, Path::new("other/b.nomad")).unwrap();
        assert!(plain.known(&text, [&job]).is_some());
        assert!(plain.known(&text, [&from_b]).is_some());
        // Other text, other options (a variable, another version), a copy.
        assert!(plain
            .known(&text.replace("nginx:1", "nginx:2"), [&job])
            .is_none());
        let with_var =
            JobLoader::from_flags(&["n=2".into()], &[], NomadVersion::CURRENT, "/p".into());
        assert!(with_var.known(&text, [&job]).is_none());
        let older = JobLoader::plain(NomadVersion::new(1, 6, 0), PathBuf::from("/p"));
        assert!(older.known(&text, [&job]).is_none());
        assert!(plain.known(&text, [&job.clone()]).is_none());
    }

    /// A load that read a file, the clock, randomness or a variables file
    /// depends on more than its text: it is never known.
    #[test]
    fn a_load_that_reads_outside_its_text_is_never_known() {
        let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
        let mut m = MemVfs::new("loader test");
        m.insert("img.txt", "nginx:1");
        m.insert("vars.hcl", "n = 2\n");
        for call in [
            "file(\"img.txt\")",
            "fileexists(\"img.txt\") ? \"a\" : \"b\"",
            "basename(\"x\")",
            "uuidv4()",
        ] {
            let text = fixed(call);
            m.insert("a.nomad", text.as_str());
            let job = plain.job(&m, Path::new("a.nomad")).unwrap();
            assert!(job.closed.0.is_none(), "{call}");
            assert!(plain.known(&text, [&job]).is_none(), "{call}");
        }
        // A pure function keeps the load closed.
        let text = fixed("upper(\"nginx:1\")");
        m.insert("a.nomad", text.as_str());
        assert!(plain
            .job(&m, Path::new("a.nomad"))
            .unwrap()
            .closed
            .0
            .is_some());
        // The variables file's content is not in the options, only its name.
        let var_file = JobLoader::from_flags(
            &[],
            &[PathBuf::from("vars.hcl")],
            NomadVersion::CURRENT,
            "/p".into(),
        );
        m.insert("a.nomad", JOB);
        let job = var_file.job(&m, Path::new("a.nomad")).unwrap();
        assert_eq!(job.groups[0].count, 2);
        assert!(job.closed.0.is_none());
    }

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("np-job-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn entries(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// Load `a.nomad` of `m` through the cache in `dir`.
    fn through(l: &JobLoader, dir: &Path, m: &MemVfs) -> LoadedJob {
        let source = m.read(Path::new("a.nomad")).unwrap();
        l.load_job_in(Some(dir), m, source)
    }

    /// A miss loads and keeps the job; a hit gives the same job, spans,
    /// file and proof of closedness included (the `Debug` form holds all
    /// but the proof, which `known` tests).
    #[test]
    fn a_cache_hit_is_the_load_it_stands_for() {
        let dir = scratch("hit");
        let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
        let text = fixed("\"nginx:1\"");
        let mut m = MemVfs::new("loader test");
        m.insert("a.nomad", text.as_str());
        let fresh = plain.load(&m, Path::new("a.nomad"));
        let miss = through(&plain, &dir, &m);
        assert_eq!(entries(&dir).len(), 1, "the miss kept its job");
        let hit = through(&plain, &dir, &m);
        for got in [&miss, &hit] {
            assert_eq!(format!("{:?}", got.job), format!("{:?}", fresh.job));
            assert!(got.diags.is_empty());
            assert!(plain.known(&text, got.job.as_ref()).is_some());
        }
        // The hit really came from the entry: the file's own job is not
        // what an edited entry holds.
        let key = cache::key(&text, &plain.opts).unwrap();
        let mut edited = fresh.job.clone().unwrap();
        edited.priority = 77;
        cache::store(&dir, &key, &edited);
        assert_eq!(through(&plain, &dir, &m).job.unwrap().priority, 77);
        // Other options are another key: loaded, not read.
        let older = JobLoader::plain(NomadVersion::new(1, 6, 0), PathBuf::from("/p"));
        assert_ne!(through(&older, &dir, &m).job.unwrap().priority, 77);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A damaged, truncated or foreign entry is passed over: the file is
    /// loaded (and the entry written again).
    #[test]
    fn a_damaged_entry_is_ignored() {
        let dir = scratch("damaged");
        let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
        let text = fixed("\"nginx:1\"");
        let mut m = MemVfs::new("loader test");
        m.insert("a.nomad", text.as_str());
        let fresh = format!("{:?}", plain.load(&m, Path::new("a.nomad")).job);
        through(&plain, &dir, &m);
        let path = entries(&dir).pop().unwrap();
        let good = std::fs::read(&path).unwrap();
        let key = cache::key(&text, &plain.opts).unwrap();
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 0x55;
        let mut other_key = good.clone();
        other_key[8] ^= 1;
        for bad in [
            good[..good.len() / 2].to_vec(),
            good[..10].to_vec(),
            flipped,
            other_key,
            Vec::new(),
        ] {
            assert!(cache::decode(&bad, &key).is_none());
            std::fs::write(&path, &bad).unwrap();
            let got = through(&plain, &dir, &m);
            assert_eq!(format!("{:?}", got.job), fresh);
        }
        // A payload with a right checksum that does not decode.
        let junk = crate::cache_dir::seal(cache::MAGIC, &key, b"\xff\xff\xff");
        assert!(cache::decode(&junk, &key).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A load that read a file, or said anything, is never kept: its job
    /// is not the whole of what its text and options give.
    #[test]
    fn only_closed_loads_without_diagnostics_are_kept() {
        let dir = scratch("closed");
        let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
        let mut m = MemVfs::new("loader test");
        m.insert("img.txt", "nginx:1");
        m.insert("a.nomad", fixed("file(\"img.txt\")").as_str());
        let read_a_file = through(&plain, &dir, &m);
        assert_eq!(
            read_a_file.job.unwrap().groups[0].tasks[0].config["image"],
            crate::jobspec::Value::String("nginx:1".into())
        );
        // Unset variable: an error, and no job worth keeping.
        m.insert("a.nomad", JOB);
        assert!(through(&plain, &dir, &m).diags.has_errors());
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
        // The file changes: the next load reads the new content.
        m.insert("img.txt", "nginx:2");
        m.insert("a.nomad", fixed("file(\"img.txt\")").as_str());
        let again = through(&plain, &dir, &m).job.unwrap();
        assert_eq!(
            again.groups[0].tasks[0].config["image"],
            crate::jobspec::Value::String("nginx:2".into())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_file_s_namespace_wins_over_the_flag() {
        let l = JobLoader::from_flags(
            &["n=1".to_string()],
            &[],
            NomadVersion::CURRENT,
            PathBuf::from("/p"),
        );
        let job = l.job(&files(), Path::new("web.nomad")).unwrap();
        assert_eq!(with_namespace(job.clone(), Some("ops")).namespace, "ops");
        let mut m = MemVfs::new("loader test");
        m.insert(
            "ns.nomad",
            JOB.replace("job \"web\" {", "job \"web\" {\n  namespace = \"team\""),
        );
        let written = l.job(&m, Path::new("ns.nomad")).unwrap();
        assert_eq!(with_namespace(written, Some("ops")).namespace, "team");
    }
}
