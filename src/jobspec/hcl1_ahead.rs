//! A job file's HCL1 check (before 1.0) run on the helper thread of
//! `check --staged` while the calling thread loads the file on.
//!
//! Issue 17's hook: after the world loads, the main thread held the whole
//! rest of the run (the staged file's HCL1 check, its evaluation, the
//! rules) while the select-ahead helper ([`crate::check::ahead`]), done
//! with its hcl-edit parse, sat idle. The HCL1 check
//! ([`super::parse::hcl1_stage`], ~0.62 M of the main thread's ~5.4 M
//! instructions judged as 0.9.3) is a pure function of the text, its byte
//! order mark and the release, and only its failure changes what follows:
//! so the caller posts it here, loads the file as if HCL1 read it, and
//! then takes the check's outcome. If HCL1 refuses the file, the load made
//! meanwhile is thrown away and the refusal is the answer, exactly as a
//! serial run gives it ([`super::load_source`]).
//!
//! One check is posted at a time, and only while a helper waits for one
//! ([`serve`]); otherwise (a plain `check`, a busy helper) the caller runs
//! the check itself. A posted check the helper has not yet started is
//! taken back by its caller and run there; a helper that panics in it
//! leaves the caller to run it again, and to meet the same panic where a
//! crash is already reported per file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::diag::Diags;
use crate::gotext::Unicode;
use crate::source::Source;
use crate::version::NomadVersion;

/// [`super::parse::hcl1_stage`]'s answer.
type Outcome = Result<bool, Diags>;

/// What a check needs: its text and release, and the `%q` edition of the
/// thread that posted it, so its words are that thread's.
struct Job {
    source: Source,
    version: NomadVersion,
    edition: Unicode,
}

enum Slot {
    Empty,
    /// Posted, not yet started by a helper.
    Posted(Job),
    /// A helper runs it.
    Running,
    /// Run; `None` when the helper panicked.
    Done(Option<Outcome>),
}

struct Board {
    slot: Mutex<(Slot, usize)>,
    changed: Condvar,
}

fn board() -> &'static Board {
    static BOARD: Board = Board {
        slot: Mutex::new((Slot::Empty, 0)),
        changed: Condvar::new(),
    };
    &BOARD
}

fn lock(b: &Board) -> Option<MutexGuard<'_, (Slot, usize)>> {
    // A poisoned board is only a lost shortcut: the caller checks itself.
    b.slot.lock().ok()
}

/// A helper that serves ([`serve`]) once its own work is done, from now
/// until it is dropped: posting is worth it meanwhile. Enlisted before its
/// parse ahead, which the calling thread's load waits for anyway (the load
/// reached the HCL1 check ~0.04 ms before that parse ended, so a helper
/// counted only once serving was almost never posted to); a check it has
/// not started when its poster takes it is taken back.
pub struct Enlisted(());

/// Count this thread as a helper that will serve (see [`Enlisted`]).
pub fn enlist() -> Enlisted {
    if let Some(mut g) = lock(board()) {
        g.1 += 1;
    }
    Enlisted(())
}

impl Drop for Enlisted {
    fn drop(&mut self) {
        if let Some(mut g) = lock(board()) {
            g.1 = g.1.saturating_sub(1);
        }
    }
}

/// Run posted checks on this (helper) thread until `stop` is set and
/// [`wake`] called.
pub fn serve(stop: &AtomicBool) {
    let b = board();
    let Some(mut g) = lock(b) else { return };
    loop {
        if stop.load(Ordering::Acquire) {
            break;
        }
        if matches!(g.0, Slot::Posted(_)) {
            let Slot::Posted(job) = std::mem::replace(&mut g.0, Slot::Running) else {
                break; // matched just above
            };
            drop(g);
            let outcome = std::panic::catch_unwind(|| {
                let _edition = crate::gotext::scope::enter(job.edition);
                super::parse::hcl1_stage(&job.source, job.version)
            })
            .ok();
            let Some(again) = lock(b) else { return };
            g = again;
            g.0 = Slot::Done(outcome);
            b.changed.notify_all();
            continue;
        }
        g = match b.changed.wait(g) {
            Ok(g) => g,
            Err(_) => return,
        };
    }
}

/// Tell waiting helpers to look at their stop flags.
pub fn wake() {
    let b = board();
    // Taking the lock orders this after a helper's check of its flag.
    drop(lock(b));
    b.changed.notify_all();
}

/// A check posted by [`post`]; [`Pending::take`] gives its outcome.
pub struct Pending(());

/// Post `source`'s HCL1 check under `version` to a waiting helper. `None`
/// when there is nothing to check (1.0 on) or no helper free: the caller
/// checks itself.
pub fn post(source: &Source, version: NomadVersion) -> Option<Pending> {
    super::hcl1_syntax::Era::of(version)?;
    let b = board();
    let mut g = lock(b)?;
    if g.1 == 0 || !matches!(g.0, Slot::Empty) {
        return None;
    }
    g.0 = Slot::Posted(Job {
        source: source.clone(),
        version,
        edition: crate::gotext::scope::current(),
    });
    b.changed.notify_all();
    Some(Pending(()))
}

impl Pending {
    /// The check's outcome: the helper's, or this thread's own when the
    /// helper had not started it or panicked in it.
    pub fn take(self, source: &Source, version: NomadVersion) -> Outcome {
        let here = || super::parse::hcl1_stage(source, version);
        let b = board();
        let Some(mut g) = lock(b) else {
            return here();
        };
        loop {
            match std::mem::replace(&mut g.0, Slot::Empty) {
                Slot::Running => {
                    g.0 = Slot::Running;
                    g = match b.changed.wait(g) {
                        Ok(g) => g,
                        Err(_) => return here(),
                    };
                }
                Slot::Done(Some(outcome)) => return outcome,
                // Not started (taken back), the helper panicked, or the
                // slot lost: run it here.
                Slot::Posted(_) | Slot::Done(None) | Slot::Empty => {
                    drop(g);
                    return here();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::sync::Arc;

    fn src(text: &str) -> Source {
        SourceFile::inline("job.nomad", text)
    }

    /// The board is global: the tests below share it, one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    #[test]
    fn a_check_posted_to_a_helper_is_the_one_made_here() {
        let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let v = NomadVersion::new(0, 9, 3);
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let helper = std::thread::spawn(move || {
            let _enlisted = enlist();
            serve(&s)
        });
        for text in [
            "job \"a\" {\n}\n",
            "job \"a\" {\n  x = \n",
            "job \"a\" { x = 1e999 }\n",
        ] {
            let source = src(text);
            let pending = loop {
                // Until the helper is enlisted, nothing is posted.
                if let Some(p) = post(&source, v) {
                    break p;
                }
                std::thread::yield_now();
            };
            let there = pending.take(&source, v);
            let here = super::super::parse::hcl1_stage(&source, v);
            assert_eq!(format!("{there:?}"), format!("{here:?}"), "{text}");
        }
        stop.store(true, Ordering::Release);
        wake();
        helper.join().unwrap();
        assert!(post(&src("job \"a\" {}\n"), v).is_none(), "no helper left");
    }

    #[test]
    fn nothing_is_posted_from_1_0_or_without_a_helper() {
        let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let source = src("job \"a\" {}\n");
        assert!(post(&source, NomadVersion::new(0, 9, 3)).is_none());
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let helper = std::thread::spawn(move || {
            let _enlisted = enlist();
            serve(&s)
        });
        assert!(post(&source, NomadVersion::new(1, 0, 0)).is_none());
        stop.store(true, Ordering::Release);
        wake();
        helper.join().unwrap();
    }
}
