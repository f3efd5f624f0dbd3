//! Which Go release's text rules `go_quote` follows on this thread.
//!
//! Why a per-thread setting and not a parameter: `%q` is called from some
//! two hundred places (validators, mutators, the scheduler, renderers), most
//! of which have no Nomad version at hand, and every one of them means "as
//! the Nomad being judged". That Nomad is decided once per command, by the
//! world (`cli::common::judge_as`), so the command establishes it there;
//! code that judges under another world (the world as a change leaves it)
//! scopes it for that work, and the worker threads `check` and sampling
//! start inherit it through [`inherit`], so the thread count never shows.
//! Code that never establishes one (unit tests of a validator) quotes as
//! the newest Nomad we track.

use std::cell::Cell;
use std::marker::PhantomData;

use super::isprint::Unicode;
use crate::version::NomadVersion;

/// The edition of the newest Nomad we track (`NomadVersion::CURRENT`,
/// checked by a test), for threads where nothing was established.
const DEFAULT: Unicode = Unicode::U15;

thread_local! {
    static CURRENT: Cell<Unicode> = const { Cell::new(DEFAULT) };
}

/// The Unicode edition `%q` follows on this thread.
pub fn current() -> Unicode {
    CURRENT.with(Cell::get)
}

/// From now on this thread quotes as the Go that built `nomad`. For a
/// command's whole run; nested work under another release uses [`scoped`].
pub fn establish(nomad: NomadVersion) {
    CURRENT.with(|c| c.set(Unicode::of_nomad(nomad)));
}

/// Until the returned guard drops, this thread quotes as the Go that
/// built `nomad`; then as before.
#[must_use = "the release applies only while the guard lives"]
pub fn scoped(nomad: NomadVersion) -> Scope {
    enter(Unicode::of_nomad(nomad))
}

/// [`scoped`], by edition.
#[must_use = "the edition applies only while the guard lives"]
pub fn enter(edition: Unicode) -> Scope {
    let previous = CURRENT.with(|c| c.replace(edition));
    Scope {
        previous,
        _this_thread: PhantomData,
    }
}

/// Restores the edition that was in force when it was made.
pub struct Scope {
    previous: Unicode,
    // Not Send: it restores this thread's setting.
    _this_thread: PhantomData<*const ()>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.previous));
    }
}

/// `work`, to run on another thread with this thread's edition: what a
/// worker thread is spawned with (`s.spawn(gotext::inherit(worker))`).
pub fn inherit<T>(work: impl FnOnce() -> T + Send) -> impl FnOnce() -> T + Send {
    let edition = current();
    move || {
        let _scope = enter(edition);
        work()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_newest_nomads() {
        std::thread::spawn(|| {
            assert_eq!(current(), Unicode::of_nomad(NomadVersion::CURRENT));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn scopes_nest_and_restore() {
        std::thread::spawn(|| {
            establish(NomadVersion::new(0, 9, 3));
            assert_eq!(current(), Unicode::U10);
            {
                let _s = scoped(NomadVersion::new(1, 2, 0));
                assert_eq!(current(), Unicode::U13);
                {
                    let _t = enter(Unicode::U17);
                    assert_eq!(current(), Unicode::U17);
                }
                assert_eq!(current(), Unicode::U13);
            }
            assert_eq!(current(), Unicode::U10);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn worker_threads_inherit_the_edition() {
        std::thread::spawn(|| {
            let _s = scoped(NomadVersion::new(0, 11, 0));
            let seen = std::thread::scope(|s| {
                let plain = s.spawn(current).join().unwrap();
                let inherited = s.spawn(inherit(current)).join().unwrap();
                (plain, inherited)
            });
            assert_eq!(seen, (DEFAULT, Unicode::U12));
        })
        .join()
        .unwrap();
    }
}
