//! The lint run behind `nomad-preflight check`, as a library: which files
//! are job files, loading them on worker threads (fail closed: a worker that
//! panics is an error naming its file, never a silently shorter report), and
//! judging each against the world with the rule registry. The CLI only
//! parses flags, resolves the world and prints.

pub mod select;
pub mod world_change;

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::diag::panic_text;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diag::Diag;
use crate::jobspec::{self, LoadOptions};
use crate::rules::{self, Finding, RuleContext};
use crate::scheduler::Simulation;
use crate::vfs::Vfs;
use crate::world::World;

/// Code of the diagnostic for a file whose check crashed (exit 2).
pub const INTERNAL: &str = "check::internal";

/// One checked file's diagnostics: the front end's and the rules'.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub diags: Vec<Finding>,
    /// The check of this file crashed: its diagnostics are incomplete and the
    /// run must fail with the error exit code, whatever the findings say.
    pub crashed: bool,
}

/// How the files of one run relate to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judging {
    /// Plain `check PATHS`: each file alone against the world, so a file's
    /// verdict never depends on which other files were named with it.
    EachAlone,
    /// A change set (`--staged`, `--base`): files are submitted in path
    /// order, each judged against the world with the earlier planned
    /// changes of the set registered (a pull request that changes two jobs
    /// submits both). See docs/ci.md, "Change sets".
    InOrder,
}

/// A job file read and parsed, before the rules run.
enum Loaded {
    Job(Box<jobspec::ParsedJob>),
    /// The file could not be read, or loading it crashed: its one diagnostic.
    Failed {
        diag: Diag,
        crashed: bool,
    },
}

/// Read and parse one file; `None` when it is not a job file (other HCL is
/// skipped quietly).
fn load_file(vfs: &dyn Vfs, path: &Path, opts: &LoadOptions) -> Option<Loaded> {
    let source = match vfs.read(path) {
        Ok(s) => s,
        Err(e) => {
            return Some(Loaded::Failed {
                diag: Diag::error("io::read", format!("cannot read {}: {e}", path.display())),
                crashed: false,
            })
        }
    };
    if !crate::jobspec::is_job_file(&source.text) {
        return None;
    }
    Some(Loaded::Job(Box::new(jobspec::load_source(
        vfs, source, opts,
    ))))
}

/// The diagnostic for a file whose check panicked: the run cannot vouch for
/// it, so it fails with exit 2 and names the file.
fn crash(path: &Path, stage: &str, payload: &(dyn std::any::Any + Send)) -> Diag {
    Diag::error(
        INTERNAL,
        format!(
            "internal error while {stage} {}: {}",
            path.display(),
            panic_text(payload)
        ),
    )
    .help("this is a bug in nomad-preflight; the file was not checked, so the run fails. Please report it with the file")
}

/// Parse files on `threads` threads; results come back in `files` order.
/// A panic while loading one file becomes that file's error, and a worker
/// that dies anyway fails every file it had not returned.
fn load_files(
    vfs: &dyn Vfs,
    files: &[PathBuf],
    opts: &LoadOptions,
    threads: usize,
) -> Vec<(PathBuf, Loaded)> {
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = files.get(i) else { break };
            match catch_unwind(AssertUnwindSafe(|| load_file(vfs, path, opts))) {
                Ok(Some(r)) => done.push((i, path.clone(), r)),
                Ok(None) => {}
                Err(p) => done.push((
                    i,
                    path.clone(),
                    Loaded::Failed {
                        diag: crash(path, "loading", p.as_ref()),
                        crashed: true,
                    },
                )),
            }
        }
        done
    };
    // Every worker pulls the next file index; the sort below restores input
    // order, so the thread count never shows in the output.
    let helpers = threads.max(1) - 1;
    let (mut all, lost): (Vec<(usize, PathBuf, Loaded)>, bool) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers).map(|_| s.spawn(worker)).collect();
        let mut v = worker();
        let mut lost = false;
        for h in handles {
            match h.join() {
                Ok(done) => v.extend(done),
                Err(_) => lost = true,
            }
        }
        (v, lost)
    });
    if lost {
        // Which files the dead worker held is unknown: fail each file that
        // has no result rather than report a shorter run as clean.
        let seen: std::collections::BTreeSet<usize> = all.iter().map(|(i, _, _)| *i).collect();
        for (i, path) in files.iter().enumerate().filter(|(i, _)| !seen.contains(i)) {
            let diag = crash(path, "loading", &"a worker thread died");
            all.push((
                i,
                path.clone(),
                Loaded::Failed {
                    diag,
                    crashed: true,
                },
            ));
        }
    }
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

/// What one `check` run judges against.
pub struct Judge<'a> {
    pub world: &'a World,
    pub sim: Option<&'a Simulation>,
    pub judging: Judging,
    /// Worker threads for loading (see [`crate::threads`]).
    pub threads: usize,
    /// `check --base`: the files at the base. Only suppressions they already
    /// hold may silence an error (a change cannot silence its own gate).
    /// `None` trusts every suppression.
    pub base_files: Option<&'a dyn Vfs>,
}

/// Check files. With [`Judging::InOrder`] every planned change is registered
/// in a copy of the simulation after its own check, so a later file is
/// judged against the cluster as it would be once the earlier files are
/// submitted; with [`Judging::EachAlone`] every file sees the world as is.
pub fn check_files(
    vfs: &dyn Vfs,
    files: &[PathBuf],
    opts: &LoadOptions,
    judge: &Judge<'_>,
) -> Vec<FileResult> {
    let mut cur = judge.sim.cloned();
    let mut earlier: Vec<jobspec::Job> = Vec::new();
    let mut out = Vec::new();
    for (path, loaded) in load_files(vfs, files, opts, judge.threads) {
        let parsed = match loaded {
            Loaded::Job(p) => p,
            Loaded::Failed { diag, crashed } => {
                out.push(FileResult {
                    path,
                    diags: vec![diag],
                    crashed,
                });
                continue;
            }
        };
        let trusted = judge.base_files.map(|base| {
            let text = base.read(&path).ok().map(|s| s.text.clone());
            rules::suppress::Trusted::from_base(text.as_deref())
        });
        let judged = catch_unwind(AssertUnwindSafe(|| {
            let ctx = RuleContext::new(&parsed, judge.world, cur.as_ref())
                .with_earlier(&earlier)
                .with_trusted(trusted.as_ref());
            let mut diags: Vec<Finding> = parsed.diags.0.clone();
            diags.extend(rules::check_job(&ctx, &path));
            diags
        }));
        let diags = match judged {
            Ok(d) => d,
            Err(p) => {
                out.push(FileResult {
                    diags: vec![crash(&path, "checking", p.as_ref())],
                    path,
                    crashed: true,
                });
                continue;
            }
        };
        if judge.judging == Judging::InOrder {
            if let Some(s) = cur.as_mut() {
                if let Some(job) = planned_change(&parsed, s).cloned() {
                    // A submission the server refuses (NP302, NP306, NP208)
                    // changes nothing.
                    let admitted =
                        crate::planner::admission::refusals(&s.world, &s.state, &job).is_empty();
                    if admitted && s.run(&job, None).is_ok() {
                        earlier.push(job);
                    }
                }
            }
        }
        out.push(FileResult {
            path,
            diags,
            crashed: false,
        });
    }
    out
}

/// Add to `base` the findings the same files get against another world
/// (the world as the change leaves it) that they do not get against the
/// base's, each saying which world produced it.
pub fn merge_other_world(base: &mut [FileResult], other: Vec<FileResult>, which: &str) {
    let key = |d: &Diag| (d.code.clone(), d.message.clone(), d.primary_span());
    for (b, o) in base.iter_mut().zip(other) {
        let known: Vec<_> = b.diags.iter().map(key).collect();
        for mut d in o.diags {
            if !known.contains(&key(&d)) {
                d.message = format!("{} ({which})", d.message);
                b.diags.push(d);
            }
        }
        b.crashed |= o.crashed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    /// Reads the demo's files, but panics on one path: a stand-in for any
    /// input that crashes the front end.
    struct PanickingVfs {
        inner: crate::vfs::MemVfs,
        bomb: PathBuf,
    }

    impl Vfs for PanickingVfs {
        fn read(&self, path: &Path) -> std::io::Result<Source> {
            if path == self.bomb {
                panic!("boom in the front end");
            }
            self.inner.read(path)
        }
        fn is_file(&self, path: &Path) -> bool {
            self.inner.is_file(path)
        }
        fn is_dir(&self, path: &Path) -> bool {
            self.inner.is_dir(path)
        }
        fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
            self.inner.list(dir)
        }
        fn root(&self) -> &Path {
            self.inner.root()
        }
        fn describe(&self) -> String {
            self.inner.describe()
        }
    }

    #[test]
    fn a_panicking_file_fails_the_run_and_is_named_whatever_the_thread_count() {
        let mut inner = crate::vfs::MemVfs::new("test");
        let mut files = Vec::new();
        for i in 0..12 {
            let p = PathBuf::from(format!("jobs/j{i:02}.nomad"));
            inner.insert(
                &p,
                format!("job \"j{i}\" {{\n  datacenters = [\"dc1\"]\n}}\n"),
            );
            files.push(p);
        }
        let bomb = PathBuf::from("jobs/j07.nomad");
        let vfs = PanickingVfs {
            inner,
            bomb: bomb.clone(),
        };
        let world = crate::rules::testing::world();
        let opts = LoadOptions::default();
        // The panic hook is process-wide: swapping it here raced with other
        // tests doing the same. The expected panic's message is only noise.
        for threads in [1, 2, 3, 4, 8] {
            let judge = Judge {
                world: &world,
                sim: None,
                judging: Judging::EachAlone,
                threads,
                base_files: None,
            };
            let results = check_files(&vfs, &files, &opts, &judge);
            let paths: Vec<&PathBuf> = results.iter().map(|r| &r.path).collect();
            assert_eq!(paths, files.iter().collect::<Vec<_>>(), "threads={threads}");
            let crashed: Vec<&FileResult> = results.iter().filter(|r| r.crashed).collect();
            assert_eq!(crashed.len(), 1, "threads={threads}");
            assert_eq!(crashed[0].path, bomb);
            assert_eq!(crashed[0].diags[0].code, INTERNAL);
            assert!(crashed[0].diags[0].message.contains("jobs/j07.nomad"));
        }
    }
}
