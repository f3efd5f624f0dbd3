//! mimalloc started on its first use rather than at load, always as
//! mimalloc's "main thread" on a thread that never ends.
//!
//! build.rs drops mimalloc's constructor from the link (it says why: 112 µs
//! of every process's start, for an allocator a small run never asks), so
//! the first request routed to mimalloc starts it here, with the very
//! function the constructor calls (`_mi_auto_process_init`: its options,
//! its page map, the calling thread's heap). Every block mimalloc frees or
//! resizes it made after this, so only the paths that ask it for a new
//! block (src/main.rs `mi::alloc`, `mi::alloc_zeroed`) need to ask. A run
//! that turns big starts it at once (`arena::big`).
//!
//! Which thread starts it matters. mimalloc takes the thread that starts
//! it for the process's main thread (mimalloc 3 `init.c`:
//! `mi_tld_main_init` keeps its thread pointer in `tld_main.thread_id`, and
//! `mi_process_setup_auto_thread_done` gives it the static main heap), and
//! when that thread ends, its thread-exit hook frees that heap
//! (`_mi_thread_done` → `_mi_theap_free`). A later thread that glibc starts
//! on the ended thread's cached stack has the same thread pointer, so
//! mimalloc takes it for the main thread again and hands it the freed
//! heap (BENCHMARKS.md hook round 8: the hook's select-ahead helper, whose
//! slice overflows in a repository of 20,000 files, was such a thread).
//! So only a thread that lives as long as the process may start it: the
//! process's own main thread (it ends the process, src/main.rs
//! `exit_now`), or, when another thread asks first, a thread of our own
//! started for this alone, which starts mimalloc and then sleeps until the
//! process ends. The asking thread waits for it (a few hundred µs, once,
//! in a run big enough to need mimalloc off the main thread) and then gets
//! an ordinary thread heap of its own, as every later thread does.
//!
//! When the constructor was kept (a linker that did not apply the script),
//! mimalloc reports itself started and this does nothing. The functions are
//! libmimalloc-sys's C symbols (mimalloc 3, `init.c`) and glibc's; a
//! version that renamed them would fail to link, not run unstarted.

#[cfg(target_os = "linux")]
mod imp {
    use std::ffi::{c_int, c_ulong, c_void};
    use std::sync::{Condvar, Mutex, Once};

    extern "C" {
        fn _mi_auto_process_init();
        fn _mi_preloading() -> bool;
        fn gettid() -> c_int;
        fn getpid() -> c_int;
        fn pthread_create(
            thread: *mut c_ulong,
            attr: *const c_void,
            start: extern "C" fn(*mut c_void) -> *mut c_void,
            arg: *mut c_void,
        ) -> c_int;
        fn pthread_sigmask(how: c_int, set: *const SigSet, old: *mut SigSet) -> c_int;
        fn sigfillset(set: *mut SigSet) -> c_int;
        fn pause() -> c_int;
        fn abort() -> !;
    }

    /// glibc's `sigset_t`: 1,024 bits.
    #[repr(C)]
    struct SigSet([u64; 16]);

    /// `SIG_BLOCK` (bits/sigaction.h).
    const SIG_BLOCK: c_int = 0;

    static START: Once = Once::new();
    /// Set by the starting thread once mimalloc is started. std's `Mutex`
    /// and `Condvar` on Linux are futex words: they allocate nothing, so
    /// waiting here cannot recurse into the allocator.
    static STARTED: Mutex<bool> = Mutex::new(false);
    static STARTED_CV: Condvar = Condvar::new();

    #[inline]
    pub(crate) fn ensure() {
        if START.is_completed() {
            return;
        }
        // SAFETY: `_mi_preloading` reads one flag. Nothing in here
        // allocates through Rust's allocator (the thread is glibc's
        // `pthread_create`, the wait a futex), so this cannot recurse into
        // `ensure`, whose Once would then deadlock.
        START.call_once(|| unsafe {
            if !_mi_preloading() {
                return;
            }
            if gettid() == getpid() {
                // The process's main thread: it lives until `_exit`.
                _mi_auto_process_init();
            } else {
                start_on_a_thread_of_its_own();
            }
        });
    }

    /// Start mimalloc on a new thread that never ends, and wait for it.
    ///
    /// # Safety
    /// Runs once (the caller's Once), before mimalloc is started.
    unsafe fn start_on_a_thread_of_its_own() {
        let mut thread: c_ulong = 0;
        if pthread_create(&mut thread, std::ptr::null(), starter, std::ptr::null_mut()) != 0 {
            // No thread to start it on: starting it on this one could hand
            // a freed heap to a later thread (the module's comment), and
            // running on without it has no memory to give. A process that
            // cannot start a thread stops here rather than risk either.
            abort();
        }
        let mut started = STARTED.lock().unwrap_or_else(|e| e.into_inner());
        while !*started {
            started = STARTED_CV.wait(started).unwrap_or_else(|e| e.into_inner());
        }
    }

    extern "C" fn starter(_: *mut c_void) -> *mut c_void {
        // SAFETY: the thread blocks every signal for itself (a signal for
        // the process then goes to a thread that runs our code), starts
        // mimalloc once (the Once of `ensure`, whose caller waits below)
        // and then sleeps until the process ends: it never returns, so its
        // thread-exit hook never frees mimalloc's main heap.
        unsafe {
            let mut all = SigSet([0; 16]);
            sigfillset(&mut all);
            pthread_sigmask(SIG_BLOCK, &all, std::ptr::null_mut());
            _mi_auto_process_init();
        }
        *STARTED.lock().unwrap_or_else(|e| e.into_inner()) = true;
        STARTED_CV.notify_all();
        loop {
            // SAFETY: sleeps; with every signal blocked it does not return.
            unsafe { pause() };
        }
    }
}

#[cfg(target_os = "linux")]
pub(crate) use imp::ensure;

/// Elsewhere mimalloc keeps its constructor (build.rs drops it on Linux
/// only).
#[cfg(not(target_os = "linux"))]
pub(crate) fn ensure() {}
