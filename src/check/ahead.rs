//! `check --staged` / `--base`: the change set selected, and its first job
//! files parsed, on a helper thread while the world loads.
//!
//! The world (at HEAD or the base) and the change set are independent
//! reads of the repository, and the selection needs nothing of the world;
//! the parse of a changed file needs the world's Nomad release for its
//! checks, but not for hcl-edit's parse, which is a pure function of the
//! text ([`crate::parse_ahead`]). A hook ran all of it on one thread while
//! the machine's other core sat idle: here the helper selects, hands the
//! selection over, then parses the candidates' texts ahead, while the
//! calling thread loads the world and the replay, and then runs the HCL1
//! check the file meets first before 1.0.
//!
//! The helper's chain (open the repository, select, read the staged text,
//! parse it) is the longer one, so the hook's own command line starts it
//! before the command line is parsed ([`start_early`]): the scope it guesses
//! is used only if it is the one the parsed command line asks for.
//!
//! Once its parse is done the helper takes the work the run posts
//! ([`Post`]), in the order posted: the world's simulation, and the head's
//! other job files looked up for the "defined twice" test, made there
//! while the calling thread loads the staged files (`cli::check`, which
//! says when).
//!
//! Nothing the helper does shows in the output: the selection is the one
//! [`select`] makes on the calling thread (taken only where the serial run
//! took it, after the usage checks, so an earlier error still wins), and a
//! parse made ahead is the one made here. A helper that has not started
//! when the selection is wanted (a loaded machine) is not waited for: the
//! calling thread selects itself, and the helper finds the work taken. A
//! helper that panics while selecting leaves the calling thread to select,
//! and to meet the same panic there.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use super::select::{select, Scope, Selection};
use crate::diag::Diags;

/// Job files parsed ahead at most: a commit's few. A larger change set
/// is loaded on the check's own worker threads, where a helper parsing
/// the same files in turn would only compete with them.
const PARSED_AHEAD: usize = 4;

/// What the run calls, once, when it wants the selection.
pub type Take<'a> = &'a mut dyn FnMut() -> Result<Selection, Diags>;

/// Work the run hands the helper, done after its parse.
pub type Job = Box<dyn FnOnce() + Send>;

/// What the run calls to hand the helper a [`Job`], run after the jobs
/// posted before it: the job back when no helper will run it (none was
/// started, or it has ended: it found its work taken, or it died), for
/// the caller to run itself.
pub type Post<'a> = &'a dyn Fn(Job) -> Result<(), Job>;

type Selected = Result<Selection, Diags>;

/// The helper's work: select `scope` (unless the calling thread claimed
/// it first), hand the selection over, then parse the candidates ahead
/// until told to stop. Returns the texts it parsed, for
/// [`crate::parse_ahead::forget`].
fn help(
    scope: &Scope,
    claimed: &AtomicBool,
    stop: &AtomicBool,
    tx: mpsc::SyncSender<Selected>,
    later: mpsc::Receiver<Job>,
) -> Vec<Arc<str>> {
    if claimed.swap(true, Ordering::AcqRel) {
        return Vec::new(); // the calling thread got there first
    }
    let sel = select(scope, Path::new("."));
    let texts: Vec<Arc<str>> = match &sel {
        Ok(sel) => sel
            .files
            .iter()
            .take(PARSED_AHEAD)
            .filter_map(|p| sel.vfs.read(p).ok())
            // Past the parse budget the load parses nothing
            // (`hcl::too-large`): none is made ahead either.
            .filter(|src| !crate::jobspec::text_budget::exceeds(src.text.len()))
            .map(|src| src.text.clone())
            .collect(),
        Err(_) => Vec::new(),
    };
    if tx.send(sel).is_err() {
        return Vec::new();
    }
    for text in &texts {
        if stop.load(Ordering::Acquire) {
            break;
        }
        crate::parse_ahead::parse(text);
    }
    // The run's posted jobs, in order; the run ends the wait by dropping
    // its sender (`with_early`).
    while let Ok(job) = later.recv() {
        job();
    }
    texts
}

/// A helper started before the command line was parsed.
struct Early {
    scope: Scope,
    claimed: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    rx: mpsc::Receiver<Selected>,
    later: mpsc::Sender<Job>,
    handle: std::thread::JoinHandle<Vec<Arc<str>>>,
}

static EARLY: Mutex<Option<Early>> = Mutex::new(None);

/// Start selecting `scope` now, for a [`selecting`] of the same scope
/// later: the binary calls it for the command line a pre-commit hook runs
/// (`check --staged`), before clap has read it. A later [`selecting`] of
/// another scope leaves this helper's work unused.
pub fn start_early(scope: Scope) {
    let Some(early) = spawn(scope) else {
        return;
    };
    if let Ok(mut slot) = EARLY.lock() {
        *slot = Some(early);
    }
}

/// A helper thread selecting `scope` (and parsing ahead); `None` when the
/// system refused a thread.
fn spawn(scope: Scope) -> Option<Early> {
    let claimed = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::sync_channel::<Selected>(1);
    let (later, later_rx) = mpsc::channel::<Job>();
    let (c, s, sc) = (claimed.clone(), stop.clone(), scope.clone());
    // Owns the sender: a helper that dies drops it, which ends the calling
    // thread's wait.
    let work = move || help(&sc, &c, &s, tx, later_rx);
    let handle = std::thread::Builder::new()
        .name("select-ahead".into())
        .spawn(crate::gotext::inherit(work))
        .ok()?;
    Some(Early {
        scope,
        claimed,
        stop,
        rx,
        later,
        handle,
    })
}

/// The helper [`start_early`] started, if it selects `scope`. One that
/// selects another is told to stop and left to end on its own.
fn take_early(scope: &Scope) -> Option<Early> {
    let early = EARLY.lock().ok()?.take()?;
    if early.scope == *scope {
        return Some(early);
    }
    early.claimed.store(true, Ordering::Release);
    early.stop.store(true, Ordering::Release);
    None
}

/// `run` with a helper thread selecting `scope` from the current folder
/// (and parsing the candidates ahead) from the start; `run` takes the
/// selection through its first argument and may hand the helper one job
/// through its second.
pub fn selecting<R>(scope: &Scope, run: impl FnOnce(Take<'_>, Post<'_>) -> R) -> R {
    match take_early(scope).or_else(|| spawn(scope.clone())) {
        Some(early) => with_early(early, run),
        // No thread (the system refused one): the run selects itself,
        // and runs what it would post.
        None => run(&mut || select(scope, Path::new(".")), &Err::<(), Job>),
    }
}

/// [`selecting`] with its helper: the one [`start_early`] started, or its own.
fn with_early<R>(early: Early, run: impl FnOnce(Take<'_>, Post<'_>) -> R) -> R {
    let Early {
        scope,
        claimed,
        stop,
        rx,
        later,
        handle,
    } = early;
    let here = || select(&scope, Path::new("."));
    let mut take = || {
        if !claimed.swap(true, Ordering::AcqRel) {
            return here();
        }
        rx.recv().unwrap_or_else(|_| here())
    };
    // A helper that has ended dropped its receiver, and the send gives
    // the job back.
    let post = |job: Job| later.send(job).map_err(|e| e.0);
    let out = run(&mut take, &post);
    stop.store(true, Ordering::Release);
    // A helper waiting for more jobs: its wait ends here.
    drop(later);
    // A panic of the helper's (its selection) was met again by the run:
    // joined here, it is not raised a second time.
    if let Ok(texts) = handle.join() {
        crate::parse_ahead::forget(&texts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_early_helper_of_another_scope_is_left_unused() {
        let ours = Scope {
            staged: true,
            ..Scope::default()
        };
        let other = Scope {
            paths: vec!["no-such-folder-early".into()],
            ..ours.clone()
        };
        start_early(other);
        assert!(take_early(&ours).is_none());
        assert!(EARLY.lock().unwrap().is_none(), "taken off, not kept");
    }
}
