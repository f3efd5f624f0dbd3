//! hcl-edit's parse of a job file's text, made ahead on a second thread.
//!
//! A pre-commit hook's critical path was one thread doing, in turn, the
//! world at HEAD (git, the world cache), the staged file's HCL1 check and
//! its hcl-edit parse, while the machine's other core sat idle. The parse
//! is a pure function of the text, needed only once the world is known
//! (which Nomad release judges the file, so which checks come first), so
//! a helper can make it as soon as the staged text is read, while the
//! world loads and the HCL1 check runs ([`crate::cli`]'s `check
//! --staged`). The load then takes the helper's result instead of
//! parsing: [`parse_body`] is `hcl_edit::parser::parse_body` with that
//! shortcut, so its answer is the same whichever thread made it.
//!
//! A text is parsed ahead only once the nesting pre-scan
//! ([`crate::nesting`]) accepts it, as every parse of user input is, so a
//! helper never meets the input that makes hcl-edit backtrack for
//! seconds. A helper that panics leaves no result behind: the load then
//! parses on its own thread, and meets the same panic where a crash is
//! already reported per file.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use hcl_edit::parser::Error;
use hcl_edit::structure::Body;

type Parsed = Result<Body, Error>;

enum State {
    /// A helper is parsing it now.
    Parsing,
    Done(Parsed),
}

struct Ahead {
    text: Arc<str>,
    state: State,
}

/// Texts parsed, or being parsed, ahead: a handful at most (the files of
/// one change set), each taken once.
struct Board {
    entries: Mutex<Vec<Ahead>>,
    done: Condvar,
}

fn board() -> &'static Board {
    static BOARD: Board = Board {
        entries: Mutex::new(Vec::new()),
        done: Condvar::new(),
    };
    &BOARD
}

fn lock(b: &Board) -> Option<MutexGuard<'_, Vec<Ahead>>> {
    // A poisoned board is only a lost shortcut: the caller parses itself.
    b.entries.lock().ok()
}

/// Parse `text` now, on this (helper) thread, for a later [`parse_body`]
/// of the same text on another. Nothing is parsed when the text nests past
/// what any parse of user input accepts, or is already on the board (nor,
/// by its caller, a text past the job parse budget).
pub fn parse(text: &Arc<str>) {
    if crate::nesting::too_deep(text, crate::nesting::MAX_DEPTH).is_some() {
        return;
    }
    let b = board();
    {
        let Some(mut entries) = lock(b) else { return };
        if entries.iter().any(|e| *e.text == **text) {
            return;
        }
        entries.push(Ahead {
            text: text.clone(),
            state: State::Parsing,
        });
    }
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        hcl_edit::parser::parse_body(text)
    }));
    if let Some(mut entries) = lock(b) {
        let at = entries
            .iter()
            .position(|e| Arc::ptr_eq(&e.text, text) && matches!(e.state, State::Parsing));
        if let Some(at) = at {
            match parsed {
                Ok(p) => entries[at].state = State::Done(p),
                // Nothing to hand over: the taker parses, and panics, itself.
                Err(_) => {
                    entries.swap_remove(at);
                }
            }
        }
    }
    b.done.notify_all();
}

/// Drop what was parsed ahead of `texts` and never taken (a file that
/// failed a check before its parse): the board outlives the run that
/// filled it, and a process may check again.
pub fn forget(texts: &[Arc<str>]) {
    if let Some(mut entries) = lock(board()) {
        entries.retain(|e| {
            matches!(e.state, State::Parsing) || !texts.iter().any(|t| Arc::ptr_eq(t, &e.text))
        });
    }
}

/// [`crate::nesting::check`] of `source`, unless a helper already made it:
/// a text is on the board only once [`parse`] found it nested within
/// [`crate::nesting::MAX_DEPTH`], the check's own bound, so the check
/// would pass (it was 0.165 M instructions of an 8.7 KB job file, on the
/// thread that waits for the parse).
pub fn nesting_check(
    source: &crate::source::Source,
    code: &'static str,
) -> Result<(), crate::diag::Diag> {
    if on_board(&source.text) {
        return Ok(());
    }
    crate::nesting::check(source, code)
}

fn on_board(text: &str) -> bool {
    lock(board()).is_some_and(|entries| entries.iter().any(|e| *e.text == *text))
}

/// `hcl_edit::parser::parse_body(text)`: the parse made ahead when there is
/// one (waiting for it if a helper is making it now), else made here.
pub fn parse_body(text: &str) -> Parsed {
    take(text).unwrap_or_else(|| hcl_edit::parser::parse_body(text))
}

fn take(text: &str) -> Option<Parsed> {
    let b = board();
    let mut entries = lock(b)?;
    loop {
        let at = entries.iter().position(|e| *e.text == *text)?;
        if let State::Done(_) = entries[at].state {
            return match entries.swap_remove(at).state {
                State::Done(p) => Some(p),
                State::Parsing => None,
            };
        }
        // Being parsed: that thread started before this one got here, so
        // waiting for it is never longer than parsing again.
        entries = b.done.wait(entries).ok()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts of their own: the board is the process's, shared by tests
    /// running at once.
    fn text(tag: &str) -> Arc<str> {
        Arc::from(format!("job \"{tag}\" {{\n  datacenters = [\"dc1\"]\n}}\n"))
    }

    #[test]
    fn a_parse_made_ahead_is_the_one_made_here_and_is_taken_once() {
        let t = text("ahead-once");
        std::thread::scope(|s| {
            s.spawn(|| parse(&t));
        });
        let direct = hcl_edit::parser::parse_body(&t).expect("parses");
        assert!(lock(board()).unwrap().iter().any(|e| e.text == t));
        let ahead = parse_body(&t).expect("parses");
        assert_eq!(ahead.to_string(), direct.to_string());
        assert_eq!(format!("{ahead:?}"), format!("{direct:?}"));
        assert!(!lock(board()).unwrap().iter().any(|e| e.text == t));
        // Taken: the next parse of it is made here.
        assert_eq!(
            parse_body(&t).expect("parses").to_string(),
            direct.to_string()
        );
    }

    #[test]
    fn what_was_not_taken_is_forgotten() {
        let t = text("ahead-forgotten");
        parse(&t);
        assert!(lock(board()).unwrap().iter().any(|e| e.text == t));
        forget(std::slice::from_ref(&t));
        assert!(!lock(board()).unwrap().iter().any(|e| e.text == t));
    }

    #[test]
    fn a_refused_text_is_refused_in_the_same_words() {
        let t: Arc<str> = Arc::from("job \"ahead-bad\" {\n  count = \n");
        parse(&t);
        let direct = hcl_edit::parser::parse_body(&t).expect_err("refused");
        let ahead = parse_body(&t).expect_err("refused");
        assert_eq!(ahead.to_string(), direct.to_string());
        assert_eq!(ahead.location().offset(), direct.location().offset());
    }

    #[test]
    fn a_text_nested_too_deep_is_never_parsed_ahead() {
        let t: Arc<str> = Arc::from(format!("x = {}1\n", "(".repeat(40)));
        parse(&t);
        assert!(!lock(board()).unwrap().iter().any(|e| e.text == t));
        // So its nesting is still checked, and refused, on the load's thread.
        let src = crate::source::SourceFile::inline("deep.nomad", &t);
        let direct = crate::nesting::check(&src, "hcl::syntax").expect_err("too deep");
        let here = nesting_check(&src, "hcl::syntax").expect_err("too deep");
        assert_eq!(here.message, direct.message);
        assert_eq!(here.primary_span(), direct.primary_span());
    }

    #[test]
    fn a_text_parsed_ahead_needs_no_second_nesting_scan() {
        let t = text("ahead-nesting");
        parse(&t);
        assert!(on_board(&t));
        let src = crate::source::SourceFile::inline("n.nomad", &t);
        assert!(nesting_check(&src, "hcl::syntax").is_ok());
        parse_body(&t).expect("parses");
        assert!(!on_board(&t), "taken");
    }

    #[test]
    fn the_taker_waits_for_a_parse_under_way() {
        let t = text("ahead-wait");
        let direct = hcl_edit::parser::parse_body(&t).expect("parses");
        // Stand in for a helper that has started: the entry is on the
        // board, its result comes later.
        lock(board()).unwrap().push(Ahead {
            text: t.clone(),
            state: State::Parsing,
        });
        std::thread::scope(|s| {
            let taker = s.spawn(|| parse_body(&t).expect("parses").to_string());
            std::thread::sleep(std::time::Duration::from_millis(20));
            {
                let mut entries = lock(board()).unwrap();
                let e = entries.iter_mut().find(|e| e.text == t).unwrap();
                e.state = State::Done(Ok(direct.clone()));
            }
            board().done.notify_all();
            assert_eq!(taker.join().unwrap(), direct.to_string());
        });
    }
}
