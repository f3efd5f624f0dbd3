//! `check PATHS`: every file judged alone against the world, on worker
//! threads.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{crash, findings, FileResult, Judge, Loaded, RunShared};
use crate::changeset::Step;
use crate::jobspec;

/// [`super::judge_steps`] for [`super::Judging::EachAlone`]: no file sees another, so the
/// files are judged on `judge.threads` threads (the rules were most of a
/// corpus check, on one thread). Results keep the steps' order, so the
/// thread count never shows; a panic is its file's error, and files a dead
/// worker held fail as in [`load_files`].
pub(super) fn judge(
    loaded: Vec<(PathBuf, Loaded)>,
    steps: &[Step],
    judge: &Judge<'_>,
    run: &RunShared,
) -> Vec<FileResult> {
    let mut loaded: BTreeMap<PathBuf, Loaded> = loaded.into_iter().collect();
    // In step order: each file's result once known, and the files to judge
    // with their place in that order.
    let mut out: Vec<(PathBuf, Option<FileResult>)> = Vec::new();
    let mut todo: Vec<(usize, &Step, Box<jobspec::ParsedJob>)> = Vec::new();
    for step in steps.iter().filter(|s| !s.is_stop()) {
        let path = step.path.clone();
        match loaded.remove(&path) {
            Some(Loaded::Job(p)) => {
                todo.push((out.len(), step, p));
                out.push((path, None));
            }
            Some(Loaded::Failed { diag, crashed }) => {
                let r = FileResult {
                    path: path.clone(),
                    diags: vec![diag],
                    crashed,
                };
                out.push((path, Some(r)));
            }
            None => {}
        }
    }
    let judge_one = |path: &Path, step: &Step, parsed: &jobspec::ParsedJob| -> FileResult {
        let trusted = judge.untrusted.map(|u| u.trusted(path, step));
        let judged = catch_unwind(AssertUnwindSafe(|| {
            findings(
                parsed,
                path,
                judge,
                judge.sim,
                Default::default(),
                trusted.as_ref(),
                run,
            )
        }));
        let (diags, crashed) = match judged {
            Ok(diags) => (diags, false),
            Err(p) => (vec![crash(path, "checking", p.as_ref())], true),
        };
        FileResult {
            path: path.to_path_buf(),
            diags,
            crashed,
        }
    };
    let next = AtomicUsize::new(0);
    let paths = &out;
    let worker = || {
        let mut done = Vec::new();
        while let Some((i, step, parsed)) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((*i, judge_one(&paths[*i].0, step, parsed)));
        }
        done
    };
    // One file (the pre-commit case) gets no helper thread.
    let helpers = judge.threads.for_work(todo.len()) - 1;
    let judged: Vec<(usize, FileResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers)
            .map(|_| s.spawn(crate::gotext::inherit(worker)))
            .collect();
        let mut v = worker();
        for h in handles {
            // A worker that died leaves its files without a result: each
            // fails below rather than the run looking clean.
            if let Ok(done) = h.join() {
                v.extend(done);
            }
        }
        v
    });
    for (i, r) in judged {
        out[i].1 = Some(r);
    }
    for (_, _, parsed) in todo {
        super::outlive::drop_later(parsed);
    }
    out.into_iter()
        .map(|(path, r)| {
            r.unwrap_or_else(|| FileResult {
                diags: vec![crash(&path, "checking", &"a worker thread died")],
                path,
                crashed: true,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{check_files, Judging};
    use super::*;

    /// The files come back in the order given, with the findings one
    /// thread gives, whatever the number of threads judging them.
    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let mut vfs = crate::vfs::MemVfs::new("test");
        let mut files = Vec::new();
        for i in 0..9 {
            let p = PathBuf::from(format!("jobs/j{i}.nomad"));
            // Some fit, some ask more memory than any client has, one
            // does not parse: every kind of result is in the mix.
            let text = match i {
                4 => "job \"broken\" {\n".to_string(),
                _ => format!(
                    "job \"j{i}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x\"\n      }}\n      resources {{\n        memory = {}\n      }}\n    }}\n  }}\n}}\n",
                    i % 3 + 1,
                    if i % 2 == 0 { 100 } else { 1_000_000 }
                ),
            };
            vfs.insert(&p, text);
            files.push(p);
        }
        let world = crate::rules::testing::world();
        let sim = crate::scheduler::Simulation::new(&world, 1).expect("the test world builds");
        let loader = crate::job_loader::JobLoader::plain(world.nomad_version, PathBuf::from("/p"));
        let run = |threads| {
            let judge = Judge {
                world: &world,
                sim: Some(&sim),
                judging: Judging::EachAlone,
                threads: crate::Workers::Fixed(threads),
                untrusted: None,
                namespace: None,
                plain_sampling: false,
            };
            format!("{:?}", check_files(&vfs, &files, &loader, &judge))
        };
        let one = run(1);
        assert!(
            one.contains("jobs/j8.nomad") && one.contains("NP2"),
            "{one}"
        );
        for threads in [2, 3, 8] {
            assert_eq!(run(threads), one, "threads={threads}");
        }
    }
}
