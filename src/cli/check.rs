//! `nomad-preflight check`: lint job files (working tree, staged content or
//! a git range) with the rule registry and print one of the report formats.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diag::{exit, Diag, Severity};
use crate::git;
use crate::jobspec::{self, LoadOptions};
use crate::report::{self, Format};
use crate::rules::{self, Finding, RuleContext};
use crate::scheduler::Simulation;
use crate::vfs::{DiskVfs, Vfs};
use crate::world::World;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    /// Exit 1 on warnings too (default: only errors fail).
    Warnings,
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct CheckArgs {
    /// Job files or folders (default: the job files of the current directory).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// World folder (cluster, quotas, namespaces, policy); read by the caller.
    #[arg(long, value_name = "DIR")]
    pub world: Option<PathBuf>,
    /// Check the staged versions of staged files (pre-commit).
    #[arg(long, conflicts_with = "base")]
    pub staged: bool,
    /// Check files changed since this revision (CI: origin/main).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// With --base: the revision to check (default: the working tree).
    #[arg(long, value_name = "REF", requires = "base")]
    pub head: Option<String>,
    /// After the report, print how many findings each rule produced (most
    /// frequent first). JSON always carries them in `statistics`; SARIF has
    /// no place for them.
    #[arg(long)]
    pub statistics: bool,
    /// Job variables, Nomad's `-var name=value`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Job variable files, Nomad's `-var-file`.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

/// One checked file's diagnostics: the front end's and the rules'.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub diags: Vec<Finding>,
}

/// Where files are read from and which ones to check.
pub struct Selection {
    pub vfs: Box<dyn Vfs>,
    /// Candidate job files (by name), relative to the Vfs root.
    pub files: Vec<PathBuf>,
}

fn usage(msg: impl std::fmt::Display) -> Diag {
    Diag::error("check::usage", msg.to_string())
}

fn is_job_candidate(path: &Path) -> bool {
    // Lossy, not `to_str`: a non-UTF-8 name must not hide a job from a gate.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".nomad") || name.ends_with(".hcl")
}

/// Files under `dir` (or `dir` itself): git's view when inside a repository
/// (so `.gitignore` is respected), otherwise a walk skipping hidden
/// directories and `target/`.
fn expand(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    if git::repo_root(dir).is_some() {
        if let Ok(files) = git::ls_files(dir) {
            return files
                .into_iter()
                .map(|f| {
                    if dir == Path::new(".") {
                        f
                    } else {
                        dir.join(f)
                    }
                })
                .filter(|f| f.is_file())
                .collect();
        }
    }
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(e.file_type().is_dir() && (name.starts_with('.') || name == "target"))
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let p = e.into_path();
            p.strip_prefix("./").map(Path::to_path_buf).unwrap_or(p)
        })
        .collect();
    out.sort();
    out
}

/// The files `check` would look at, for a process started in `cwd`.
pub fn select(args: &CheckArgs, cwd: &Path) -> Result<Selection, Diag> {
    let wanted: Vec<PathBuf> = args
        .paths
        .iter()
        .map(|p| crate::vfs::normalize(p))
        .collect();
    let keep = |p: &Path| wanted.is_empty() || wanted.iter().any(|w| p.starts_with(w));
    if args.staged || args.base.is_some() {
        let root = git::repo_root(cwd).ok_or_else(|| {
            usage("--staged and --base need a git repository")
                .help("run inside the repository holding the job files")
        })?;
        let (base, head) = match &args.base {
            Some(b) => (b.as_str(), args.head.as_deref()),
            None => ("HEAD", None),
        };
        let changes = git::changed_files(&root, base, head, args.staged)
            .map_err(|e| usage(format!("cannot list changed files: {e}")))?;
        let files: BTreeSet<PathBuf> = changes
            .iter()
            .filter_map(|c| c.new_path())
            .filter(|p| is_job_candidate(p) && keep(p))
            .map(Path::to_path_buf)
            .collect();
        let vfs: Box<dyn Vfs> = if args.staged {
            Box::new(
                git::index_vfs_filtered(&root, |p| files.contains(p))
                    .map_err(|e| usage(format!("cannot read the index: {e}")))?,
            )
        } else if let Some(h) = head {
            Box::new(
                git::rev_vfs_filtered(&root, h, |p| files.contains(p))
                    .map_err(|e| usage(e.to_string()))?,
            )
        } else {
            Box::new(DiskVfs::new(root.clone()))
        };
        return Ok(Selection {
            vfs,
            files: files.into_iter().collect(),
        });
    }
    let roots = if args.paths.is_empty() {
        vec![cwd.to_path_buf()]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for r in &roots {
        if !r.exists() {
            return Err(usage(format!("{}: no such file or directory", r.display())));
        }
        let explicit = r.is_file();
        files.extend(
            expand(r)
                .into_iter()
                .filter(|f| explicit || is_job_candidate(f)),
        );
    }
    files.sort();
    files.dedup();
    let mut vfs = DiskVfs::new(".");
    for r in &roots {
        vfs.admit_named(r);
    }
    Ok(Selection {
        vfs: Box::new(vfs),
        files,
    })
}

fn load_options(args: &CheckArgs, world: &World) -> LoadOptions {
    LoadOptions {
        vars: args
            .vars
            .iter()
            .map(|v| match v.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (v.clone(), String::new()),
            })
            .collect(),
        var_files: args.var_files.clone(),
        env_vars: std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix("NOMAD_VAR_").map(|k| (k.to_string(), v)))
            .collect(),
        version: world.nomad_version,
        repo_root: Some(world.project_root.clone()),
    }
}

/// A job file read and parsed, before the rules run.
enum Loaded {
    Job(Box<jobspec::ParsedJob>),
    /// The file could not be read: its one diagnostic.
    Unreadable(Diag),
}

/// Read and parse one file; `None` when it is not a job file (other HCL is
/// skipped quietly).
fn load_file(vfs: &dyn Vfs, path: &Path, opts: &LoadOptions) -> Option<Loaded> {
    let source = match vfs.read(path) {
        Ok(s) => s,
        Err(e) => {
            return Some(Loaded::Unreadable(Diag::error(
                "io::read",
                format!("cannot read {}: {e}", path.display()),
            )))
        }
    };
    if !crate::jobspec::is_job_file(&source.text) {
        return None;
    }
    Some(Loaded::Job(Box::new(jobspec::load_source(
        vfs, source, opts,
    ))))
}

/// Parse files on two threads; results come back in `files` order.
fn load_files(vfs: &dyn Vfs, files: &[PathBuf], opts: &LoadOptions) -> Vec<(PathBuf, Loaded)> {
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = files.get(i) else { break };
            if let Some(r) = load_file(vfs, path, opts) {
                done.push((i, path.clone(), r));
            }
        }
        done
    };
    // Every worker pulls the next file index; the sort below restores input
    // order, so the thread count never shows in the output.
    let helpers = crate::threads().saturating_sub(1);
    let mut all: Vec<(usize, PathBuf, Loaded)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers).map(|_| s.spawn(worker)).collect();
        let mut v = worker();
        for h in handles {
            v.extend(h.join().unwrap_or_default());
        }
        v
    });
    all.sort_by_key(|(i, _, _)| *i);
    all.into_iter().map(|(_, p, r)| (p, r)).collect()
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
    match sim.state.job(&job.namespace, &job.id) {
        Some(r) if r.job == *job => None,
        _ => Some(job),
    }
}

/// Check files in order. Every planned change is registered in a copy of
/// the simulation after its own check, so a later file is judged against
/// the cluster as it would be once the earlier files are submitted (a PR
/// that changes two jobs submits both).
pub fn check_files(
    vfs: &dyn Vfs,
    files: &[PathBuf],
    opts: &LoadOptions,
    world: &World,
    sim: Option<&Simulation>,
) -> Vec<FileResult> {
    let mut cur = sim.cloned();
    let mut earlier: Vec<jobspec::Job> = Vec::new();
    let mut out = Vec::new();
    for (path, loaded) in load_files(vfs, files, opts) {
        let parsed = match loaded {
            Loaded::Job(p) => p,
            Loaded::Unreadable(d) => {
                out.push(FileResult {
                    path,
                    diags: vec![d],
                });
                continue;
            }
        };
        let ctx = RuleContext::new(&parsed, world, cur.as_ref()).with_earlier(&earlier);
        let mut diags: Vec<Finding> = parsed.diags.0.clone();
        diags.extend(rules::check_job(&ctx, &path));
        if let Some(s) = cur.as_mut() {
            if let Some(job) = planned_change(&parsed, s).cloned() {
                // A rejected submission (unknown namespace: NP302) changes nothing.
                if s.run(&job, None).is_ok() {
                    earlier.push(job);
                }
            }
        }
        out.push(FileResult { path, diags });
    }
    out
}

/// Exit code for findings: 1 if any is at or above the threshold.
pub fn exit_code(findings: &[Finding], deny: Option<Deny>) -> i32 {
    let threshold = match deny {
        Some(Deny::Warnings) => Severity::Warning,
        None => Severity::Error,
    };
    if findings.iter().any(|f| f.severity >= threshold) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// Run `check`. The caller loads the world (from `--world` or the default
/// search) and, when it can, a simulation of it for the NP2xx-NP4xx rules
/// that need one.
pub fn run(args: &CheckArgs, world: &World, sim: Option<&Simulation>, color: bool) -> i32 {
    if args.statistics && args.format == Format::Sarif {
        let d = usage("--statistics cannot be combined with --format sarif").help(
            "SARIF has no place for counts: use --format json, whose `statistics` holds them",
        );
        eprint!("{}", crate::diag::render(&[d], color));
        return exit::INVALID;
    }
    let sel = match select(args, Path::new(".")) {
        Ok(s) => s,
        Err(d) => {
            eprint!("{}", crate::diag::render(&[d], color));
            return exit::INVALID;
        }
    };
    let opts = load_options(args, world);
    let results = check_files(sel.vfs.as_ref(), &sel.files, &opts, world, sim);
    let findings: Vec<Finding> = results
        .iter()
        .flat_map(|r| r.diags.iter().cloned())
        .collect();
    print!(
        "{}",
        report::render(args.format, &findings, results.len(), color)
    );
    if args.statistics && args.format != Format::Json {
        print!(
            "{}",
            report::statistics_text(&report::statistics(&findings))
        );
    }
    exit_code(&findings, args.deny)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_job_files() {
        assert!(crate::jobspec::is_job_file("job \"a\" {\n}\n"));
        assert!(crate::jobspec::is_job_file(
            "# c\njob \"a\" {\n  count = \n}\n"
        ));
        assert!(!crate::jobspec::is_job_file(
            "client \"a\" {\n  count = 3\n}\n"
        ));
        assert!(!crate::jobspec::is_job_file("variable \"job\" {}\n"));
        assert!(is_job_candidate(Path::new("a/b.nomad.hcl")));
        assert!(is_job_candidate(Path::new("b.nomad")));
        assert!(!is_job_candidate(Path::new("b.md")));
    }

    #[test]
    fn threshold_follows_deny() {
        let w = vec![Diag::warning("NP101", "m")];
        assert_eq!(exit_code(&w, None), exit::OK);
        assert_eq!(exit_code(&w, Some(Deny::Warnings)), exit::FINDINGS);
        assert_eq!(
            exit_code(&[Diag::error("NP201", "m")], None),
            exit::FINDINGS
        );
        assert_eq!(exit_code(&[], Some(Deny::Warnings)), exit::OK);
    }

    #[test]
    fn walks_without_git_skipping_hidden_and_target() {
        let dir = std::env::temp_dir().join(format!("np-walk-{}", std::process::id()));
        for p in [
            "a.nomad",
            ".hidden/b.nomad",
            "target/c.nomad",
            "sub/d.nomad.hcl",
        ] {
            let f = dir.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, "job \"x\" {}\n").unwrap();
        }
        let in_repo = git::repo_root(&dir).is_some();
        let got: Vec<_> = expand(&dir)
            .into_iter()
            .map(|p| p.strip_prefix(&dir).unwrap().to_path_buf())
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        if !in_repo {
            assert_eq!(
                got,
                vec![PathBuf::from("a.nomad"), PathBuf::from("sub/d.nomad.hcl")]
            );
        }
    }
}
