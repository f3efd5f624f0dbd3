//! Transparent huge pages, off until a run is big enough to want them.
//!
//! The allocator (mimalloc, src/main.rs) asks the kernel for huge pages on
//! its arena (`MADV_HUGEPAGE`). The first touch of each 2 MB region is
//! then one fault that zeroes 2 MB, and, with the kernel's usual `defrag =
//! madvise`, may first compact memory to find them. A `check --staged` of
//! one file touches a few hundred KB spread over several such regions:
//! profiled on the 2-core machine of stop 33 (`perf record`, 40 cold hooks
//! each way, the machine loaded by five builders), `clear_page_erms` alone
//! was 1.5–2.7 ms of a 7–9 ms hook, and the process's kernel time fell
//! from 4.53 to 2.93 ms a run with huge pages off (faults 181 → ~560 4 KB
//! ones, which cost far less than zeroing whole huge pages).
//!
//! A big run is the other way round: the cached plan at 5,000 clients /
//! 100,000 allocations took ~40 ms with huge pages and ~77 ms without
//! (19,764 faults), the 500 / 10,000 one ~8 against ~11 ms. So the binary
//! turns them off at start ([`hold`]: `PR_SET_THP_DISABLE`, which the
//! kernel checks at each fault, over the allocator's advice) and the code
//! that knows a run is big turns them back on ([`allow`]) before it
//! allocates: a simulation with many placements, a check over many files,
//! many samples. Memory already faulted keeps its small pages; what is
//! touched after uses huge ones. Only a question of speed: nothing
//! computed depends on it.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether [`allow`] has already turned them back on (once is enough).
static ALLOWED: AtomicBool = AtomicBool::new(false);

#[cfg(target_os = "linux")]
fn set_disabled(off: bool) {
    extern "C" {
        fn prctl(option: i32, ...) -> i32;
    }
    const PR_SET_THP_DISABLE: i32 = 41;
    // SAFETY: PR_SET_THP_DISABLE takes one integer flag and the rest zero;
    // it only changes how the kernel backs later page faults. A kernel
    // that does not know it returns EINVAL, which changes nothing.
    unsafe {
        prctl(
            PR_SET_THP_DISABLE,
            std::ffi::c_ulong::from(off),
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn set_disabled(_off: bool) {}

/// Huge pages off for this process, until [`allow`]. The binary calls it
/// first thing; the library leaves the choice to its users.
pub fn hold() {
    if !ALLOWED.load(Ordering::Relaxed) {
        set_disabled(true);
    }
}

/// What the binary's allocator does when a run turns out big (see
/// [`on_allow`]); the library leaves the allocator to its users.
static ON_ALLOW: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Run `f` once when [`allow`] first turns huge pages back on: the binary
/// serves a small run with glibc's malloc and a small mimalloc arena, and
/// there hands a big run to mimalloc with its own defaults.
/// (At once, when they are already back on.)
pub fn on_allow(f: fn()) {
    let _ = ON_ALLOW.set(f);
    if ALLOWED.load(Ordering::Relaxed) {
        f();
    }
}

/// Huge pages back on: the run is about to allocate a lot.
pub fn allow() {
    if !ALLOWED.swap(true, Ordering::Relaxed) {
        set_disabled(false);
        if let Some(f) = ON_ALLOW.get() {
            f();
        }
    }
}

#[cfg(test)]
mod tests {
    /// What the binary registers runs once the run is known to be big,
    /// whether [`super::allow`] came before or after.
    #[test]
    fn the_big_run_hook_runs_when_huge_pages_come_back() {
        use std::sync::atomic::{AtomicBool, Ordering};
        static RAN: AtomicBool = AtomicBool::new(false);
        fn ran() {
            RAN.store(true, Ordering::Relaxed);
        }
        super::on_allow(ran);
        super::allow();
        assert!(RAN.load(Ordering::Relaxed));
    }

    /// Reads the process's flag back (`PR_GET_THP_DISABLE`): [`hold`]
    /// sets it, [`allow`] clears it for good.
    #[cfg(target_os = "linux")]
    #[test]
    fn hold_then_allow_clears_the_flag_for_good() {
        extern "C" {
            fn prctl(option: i32, ...) -> i32;
        }
        const PR_GET_THP_DISABLE: i32 = 42;
        let get = || unsafe { prctl(PR_GET_THP_DISABLE, 0 as std::ffi::c_ulong) };
        super::hold();
        let held = get();
        if held < 0 {
            return; // a kernel without the flag: nothing to read back
        }
        // Another test may have allowed them first (a big simulation).
        assert!(held == 1 || super::ALLOWED.load(super::Ordering::Relaxed));
        super::allow();
        assert_eq!(get(), 0);
        super::hold();
        assert_eq!(get(), 0, "once allowed, a later hold changes nothing");
    }
}
