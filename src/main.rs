use std::alloc::{GlobalAlloc, Layout};

mod bump_first;
mod mi_start;

/// The binary's allocator (the library leaves the choice to its users):
/// blocks cut from one region while a run is small, mimalloc once it is
/// big; see Cargo.toml and [`Allocator`] for why.
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// Two allocators, one after the other: the main thread's blocks cut in
/// turn from a region of their own ([`bump_first`]; so are the first later
/// thread's, from a slice of it, when it is a huge page) while a run is
/// small, mimalloc from the moment it is known to be big (and for every
/// other thread from its start).
///
/// mimalloc gives every size class its own 64 KiB page per thread, so a
/// short run touches a fresh 4 KiB page for nearly every size it asks for
/// once: a `check --staged` of one file (peak ~1.2 MB live, 14,000
/// allocations) faulted ~590 pages with mimalloc alone. glibc's `malloc`,
/// which packs sizes side by side, took ~505 but spent ~2.4 M of the main
/// thread's 8.2 M instructions in its slow paths; the region takes ~290
/// (its pages made 128 KiB at a time) and a pointer bump a block. A big run
/// is the other way round: the cached 5,000-client plan took 58 ms CPU and
/// 1,150 faults with mimalloc and its huge pages, 90 ms and 21,000 faults
/// with glibc. So what the code that knows a run is big
/// ([`nomad_preflight::huge_pages`]) turns on also moves new allocations to
/// mimalloc ([`bump_first::over`]).
///
/// A block is freed by the allocator that made it, told apart by address:
/// the region's blocks lie in its one mapping ([`bump_first::owns`]).
struct Allocator;

/// The alignment of every block mimalloc hands out.
const WORD: usize = std::mem::size_of::<usize>();

extern "C" {
    fn mi_malloc(size: usize) -> *mut u8;
    fn mi_zalloc(size: usize) -> *mut u8;
}

/// mimalloc, asked the plain way when the alignment asks nothing of it.
///
/// `mimalloc::MiMalloc` passes every request to `mi_malloc_aligned`, whose
/// fast path needs a free block already at hand in the size class; without
/// one (the first block of a class, a full page) it over-allocates
/// `size + align - 1` from a larger class. That slow path was 4% of a
/// `check --staged` (1,100 of its allocations) and spread them over more
/// pages. Every mimalloc block is aligned to the machine word, so a
/// request that needs no more than that is a plain `mi_malloc`, as Rust's
/// own System allocator does with `malloc`.
mod mi {
    use super::{mi_malloc, mi_start, mi_zalloc, WORD};
    use std::alloc::{GlobalAlloc, Layout};

    #[inline]
    pub(super) unsafe fn alloc(layout: Layout) -> *mut u8 {
        mi_start::ensure();
        if layout.align() <= WORD && layout.align() <= layout.size() {
            mi_malloc(layout.size())
        } else {
            mimalloc::MiMalloc.alloc(layout)
        }
    }

    #[inline]
    pub(super) unsafe fn alloc_zeroed(layout: Layout) -> *mut u8 {
        mi_start::ensure();
        if layout.align() <= WORD && layout.align() <= layout.size() {
            mi_zalloc(layout.size())
        } else {
            mimalloc::MiMalloc.alloc_zeroed(layout)
        }
    }
}

// SAFETY: each block is made by exactly one of the two allocators and
// handed back to the one that made it ([`bump_first::owns`]); each
// allocator keeps GlobalAlloc's contract for its own blocks.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Some(p) = bump_first::alloc(layout, false) {
            return p;
        }
        mi::alloc(layout)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if let Some(p) = bump_first::alloc(layout, true) {
            return p;
        }
        mi::alloc_zeroed(layout)
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if bump_first::owns(ptr) {
            bump_first::dealloc(ptr, layout)
        } else {
            mimalloc::MiMalloc.dealloc(ptr, layout)
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !bump_first::owns(ptr) {
            return mimalloc::MiMalloc.realloc(ptr, layout, new_size);
        }
        if let Some(p) = bump_first::realloc(ptr, layout, new_size) {
            return p;
        }
        // The run is big now: the block moves to mimalloc, as any
        // realloc may move it.
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let p = mi::alloc(new_layout);
        if !p.is_null() {
            std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
            bump_first::dealloc(ptr, layout);
        }
        p
    }
}

/// Huge pages off before the first allocation ([`nomad_preflight::huge_pages`]
/// says why): Rust's runtime allocates before `main` (the main thread's
/// handle), and that first touch of the allocator's arena was already a
/// 2 MB page to zero (`perf record` call graph of 20 hooks), so this runs
/// from the C library's constructors instead. It allocates nothing. The
/// main thread's region comes first: it is the one huge page a small run
/// keeps ([`bump_first`]), made before huge pages are turned off.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static HOLD_HUGE_PAGES: extern "C" fn() = {
    extern "C" fn hold() {
        bump_first::start();
        nomad_preflight::huge_pages::hold();
        arena::small();
        glibc_arenas::one();
    }
    hold
};

/// The size of mimalloc's arena reservations: small until a run is big.
///
/// mimalloc reserves its first arena at the first allocation, 1 GiB by
/// default, and keeps a bitmap per size class over all of the arena's
/// 64 KiB slices: for 1 GiB, 40 of the ~560 pages a `check --staged`
/// faults are that bookkeeping (`perf record -e page-faults -d`, by
/// address). A 64 MiB arena holds a small run whole with a sixteenth of
/// the bookkeeping: 559 -> 519 faults a hook. A big run (a simulation of
/// many placements, many files, many samples; [`nomad_preflight::huge_pages`]
/// decides) gets the default back for every later arena, so it is
/// reserved and laid out as before. `MIMALLOC_ARENA_RESERVE` set by the
/// user is left alone.
#[cfg(target_os = "linux")]
mod arena {
    use std::ffi::{c_char, c_int, c_long};

    extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
        fn getenv(name: *const c_char) -> *mut c_char;
    }

    /// `mi_option_arena_reserve` (mimalloc.h of mimalloc 3, as built by
    /// libmimalloc-sys 0.1.49); its value is in KiB.
    const ARENA_RESERVE: c_int = 23;
    const SMALL_KIB: c_long = 64 * 1024;
    const DEFAULT_KIB: c_long = 1024 * 1024;

    fn user_set() -> bool {
        // SAFETY: a NUL-terminated name; getenv allocates nothing (this
        // runs before the allocator's first arena, and must not make it).
        unsafe { !getenv(c"MIMALLOC_ARENA_RESERVE".as_ptr()).is_null() }
    }

    pub(super) fn small() {
        if !user_set() {
            // SAFETY: sets one option's value; runs before any thread.
            unsafe { mi_option_set(ARENA_RESERVE, SMALL_KIB) };
        }
        nomad_preflight::huge_pages::on_allow(big);
    }

    fn big() {
        super::mi_start::ensure();
        super::bump_first::over();
        if !user_set() {
            // SAFETY: sets one option's value, read when mimalloc next
            // reserves an arena.
            unsafe { mi_option_set(ARENA_RESERVE, DEFAULT_KIB) };
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod arena {
    pub(super) fn small() {}
}

/// The C library's own allocator, kept to one arena.
///
/// A small run's allocations are not glibc's ([`bump_first`]), but the C
/// library mallocs for itself: Rust's runtime asks `pthread_getattr_np` about every thread it
/// starts (its stack guard), which allocates a CPU-set buffer, and glibc
/// gives each new thread's first `malloc` an arena of its own: a 128 MiB
/// reservation trimmed by two `munmap`s, an `mprotect` and the faults of
/// its header (`strace -f` of `check --staged`: the select-ahead helper's
/// first four system calls). One arena is plenty for what glibc allocates
/// for itself: Rust's blocks are the region's or mimalloc's.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc_arenas {
    use std::ffi::c_int;

    extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }

    /// `M_ARENA_MAX` (malloc.h).
    const M_ARENA_MAX: c_int = -8;

    pub(super) fn one() {
        // SAFETY: sets one tuning parameter of glibc's malloc, before any
        // thread is started; it changes where glibc's own blocks go, not
        // what any allocation returns.
        unsafe { mallopt(M_ARENA_MAX, 1) };
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod glibc_arenas {
    pub(super) fn one() {}
}

fn main() {
    restore_sigpipe();
    // The process ends in `exit_now`, without destructors: a checked
    // file's parse can be left to it.
    nomad_preflight::check::outlive::enable();
    exit_now(nomad_preflight::cli::main());
}

/// End the process without the C library's exit handlers. The one that
/// costs is mimalloc's: at exit it hands every page back to the kernel,
/// two dozen `madvise` calls that each split a huge page, for memory the
/// kernel reclaims at exit anyway (50 K instructions of a `check --staged`
/// and the page splits).
/// Nothing of ours waits for them: when `cli::main` returns, every file
/// is written and closed and every thread joined; stdout is flushed here
/// as `std::process::exit` would.
#[cfg(unix)]
fn exit_now(code: i32) -> ! {
    use std::io::Write;
    extern "C" {
        fn _exit(status: i32) -> !;
    }
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process at once; no Rust state is observed
    // after it.
    unsafe { _exit(code) }
}

#[cfg(not(unix))]
fn exit_now(code: i32) -> ! {
    std::process::exit(code)
}

/// Rust ignores SIGPIPE, so `nomad-preflight plan ... | head` would make
/// `print!` panic on a closed pipe. Behave like every other Unix filter
/// instead: die quietly when the reader goes away.
#[cfg(unix)]
fn restore_sigpipe() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: resetting a signal to its default disposition before any
    // thread is started has no memory-safety implications.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
