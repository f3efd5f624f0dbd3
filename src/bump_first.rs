//! A run's first blocks cut one after the other from a region of their
//! own, until the run is known to be big ([`over`]); the binary's
//! allocator (src/main.rs) sends everything else to mimalloc.
//!
//! Why: a small run (the pre-commit hook) builds its trees and drops them
//! at the end; glibc's `malloc`, which served it before, found its
//! per-thread cache empty on nearly every build-up and full on every
//! tear-down, so most calls took its arena's slow paths: callgrind of
//! `check --staged` counted ~2.4 M of the main thread's 8.2 M instructions
//! in `_int_malloc`, `_int_free`, `malloc`, `free` and the lookup telling
//! its blocks from mimalloc's. Here a block is a pointer bump, a free is
//! nothing unless the block is the last one cut (then it is taken back, so
//! a vector grown at the end stays in place), and which allocator made a
//! block is told by one range test.
//!
//! The thread that ran [`start`] (the main thread, from `.init_array`) is
//! served; when the region is one huge page, so is the first thread
//! started after it (the hook's select-ahead helper), from a slice of its
//! own at the region's top ([`HELPER`]). Any other thread allocates from
//! mimalloc's per-thread heaps from its first block. The region is [`SIZE`] bytes reserved once
//! and touched only as it is used; when a block does not fit the run counts
//! as big. Memory freed out of order is not reused: the region bounds what
//! that costs, and a run that needs more is big.
//!
//! On x86-64 Linux the region is one transparent huge page when the kernel
//! has one free ([`huge`] says why); otherwise its pages are made as the
//! cursor reaches them.

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod huge;

#[cfg(unix)]
mod imp {
    use std::alloc::Layout;
    use std::ffi::{c_int, c_long, c_void};
    use std::sync::atomic::{
        AtomicBool, AtomicUsize, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed,
        Ordering::Release,
    };

    extern "C" {
        fn mmap(
            addr: *mut c_void,
            len: usize,
            prot: c_int,
            flags: c_int,
            fd: c_int,
            off: c_long,
        ) -> *mut c_void;
        fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
        fn munmap(addr: *mut c_void, len: usize) -> c_int;
    }

    /// `MADV_POPULATE_WRITE` (Linux 5.14): make the pages now, in one call.
    #[cfg(target_os = "linux")]
    const MADV_POPULATE_WRITE: c_int = 23;

    /// The region's pages are made this many bytes at a time, ahead of the
    /// cursor, by one `madvise` each: the first touch of each 4 KiB page
    /// was one page fault, ~100 more a hook than glibc's packed heap took,
    /// and a fault costs several times what making the page in a batch does.
    const AHEAD: usize = 128 << 10;

    /// The end of the pages made so far.
    static MADE: AtomicUsize = AtomicUsize::new(0);

    /// Make the region's pages up to `end` and a little beyond.
    #[cold]
    fn make_pages(end: usize) {
        let base = BASE.load(Relaxed);
        let target = (end - base).div_ceil(AHEAD).saturating_mul(AHEAD).min(SIZE) + base;
        let from = MADE.fetch_max(target, Relaxed).max(base);
        if from < target {
            populate(from, target - from);
        }
    }

    #[cfg(target_os = "linux")]
    fn populate(at: usize, len: usize) {
        // SAFETY: advice on pages of our own mapping; an older kernel
        // refuses it (EINVAL) and the pages are made as they are touched.
        unsafe { madvise(at as *mut c_void, len, MADV_POPULATE_WRITE) };
    }

    #[cfg(not(target_os = "linux"))]
    fn populate(_at: usize, _len: usize) {}

    const PROT_READ: c_int = 1;
    const PROT_WRITE: c_int = 2;
    const MAP_PRIVATE: c_int = 2;
    #[cfg(target_os = "linux")]
    const MAP_ANONYMOUS: c_int = 0x20;
    #[cfg(not(target_os = "linux"))]
    const MAP_ANONYMOUS: c_int = 0x1000;
    const MAP_FAILED: *mut c_void = !0usize as *mut c_void;

    /// The region's size: the bytes the main thread may take before the run
    /// counts as big whatever it is doing (less the helper's slice on a
    /// huge page). The hook's main thread cuts ~1.2 MB with the demo's edit
    /// staged (1.36 MB asked); a run that replays the demo 1,000 times (`plan
    /// --samples`, never big by the size of its world) asks for hundreds of
    /// MB, and is better served by mimalloc soon.
    pub const SIZE: usize = 2 << 20;

    /// Blocks are cut at this alignment at least (what glibc's `malloc`
    /// gave, so the text of a run cannot change with a block's place).
    const MIN_ALIGN: usize = 16;

    /// The top of a huge region kept for the first thread started after
    /// the main one. The hook's select-ahead helper asks ~280 KB of the
    /// demo (peak ~235 KB live); served by mimalloc it took ~100 page
    /// faults of its own (its heap's pages, one at a time) and a heap's
    /// set-up (a 64 MiB reservation, `madvise`, `prctl`). The main thread
    /// keeps the rest (~1.2 MB cut with the demo's edit staged).
    /// 768 KiB since the helper also makes the world's simulation
    /// (`check::sim_cache::start`): with 512 KiB it cut 458 KB with the
    /// demo's edit and overflowed with 20,000 more committed files (read
    /// back with gdb at `_exit`), which started mimalloc on its starter
    /// thread; the main thread cut 947 KB of its 1.5 MiB.
    const HELPER: usize = 768 << 10;

    /// The region's first byte; 0 until [`start`] (nothing is ours then).
    static BASE: AtomicUsize = AtomicUsize::new(0);
    /// The main thread's first byte not yet cut.
    static CURSOR: AtomicUsize = AtomicUsize::new(0);
    /// The end of the main thread's part: the helper's slice begins there
    /// (the region's end when it has none).
    static MAIN_END: AtomicUsize = AtomicUsize::new(0);
    /// The helper's first byte not yet cut; 0 when there is no slice.
    static HELPER_CURSOR: AtomicUsize = AtomicUsize::new(0);
    /// Whether a thread has taken the helper's slice.
    static HELPER_TAKEN: AtomicBool = AtomicBool::new(false);
    /// Whether new blocks are mimalloc's (true until [`start`]).
    static OVER: AtomicBool = AtomicBool::new(true);

    /// What serves a thread: not asked yet, the main part, the helper's
    /// slice, or mimalloc.
    const ASK: u8 = 0;
    const MAIN: u8 = 1;
    const HELPER_SLICE: u8 = 2;
    const NOT_SERVED: u8 = 3;

    std::thread_local! {
        /// Which part of the region serves this thread, if any. Each
        /// served thread cuts from a part of its own: with glibc (one
        /// arena) a second thread allocating at the same time took the
        /// arena's lock turn about with the main one (~60 context switches
        /// a `check --staged` under `chrt`).
        static SERVED: std::cell::Cell<u8> = const { std::cell::Cell::new(ASK) };
    }

    /// One part of the region: its cursor and its end.
    struct Part {
        cursor: &'static AtomicUsize,
        end: usize,
        main: bool,
    }

    fn main_part() -> Part {
        Part {
            cursor: &CURSOR,
            end: MAIN_END.load(Relaxed),
            main: true,
        }
    }

    fn helper_part() -> Part {
        Part {
            cursor: &HELPER_CURSOR,
            end: BASE.load(Relaxed) + SIZE,
            main: false,
        }
    }

    /// The part that serves the calling thread; the first thread to ask
    /// after the main one takes the helper's slice when there is one.
    #[inline]
    fn mine() -> Option<Part> {
        match SERVED.with(|s| s.get()) {
            MAIN => Some(main_part()),
            HELPER_SLICE => Some(helper_part()),
            NOT_SERVED => None,
            _ => take_helper_slice(),
        }
    }

    #[cold]
    fn take_helper_slice() -> Option<Part> {
        let has_slice = HELPER_CURSOR.load(Relaxed) != 0;
        let took = has_slice && !HELPER_TAKEN.swap(true, Relaxed);
        SERVED.with(|s| s.set(if took { HELPER_SLICE } else { NOT_SERVED }));
        took.then(helper_part)
    }

    /// The part a block of ours lies in (by its first byte).
    #[inline]
    fn part_of(ptr: usize) -> Part {
        if ptr < MAIN_END.load(Relaxed) {
            main_part()
        } else {
            helper_part()
        }
    }

    /// The part `part` has no room left: a full main part makes the run
    /// big; a full helper slice sends that thread to mimalloc.
    #[cold]
    fn full(part: &Part) {
        if part.main {
            over();
        } else {
            SERVED.with(|s| s.set(NOT_SERVED));
        }
    }

    /// Before the program's first allocation (the binary's `.init_array`
    /// hook): reserve the region and serve this thread from it.
    pub fn start() {
        let Some(base) = reserve() else {
            return; // mimalloc serves the whole run
        };
        CURSOR.store(base, Relaxed);
        if on_huge_page(base) {
            MADE.store(base + SIZE, Relaxed);
            MAIN_END.store(base + SIZE - HELPER, Relaxed);
            HELPER_CURSOR.store(base + SIZE - HELPER, Relaxed);
        } else {
            // No slice for a helper: its pages would be made one by one,
            // as mimalloc's are.
            MADE.store(base, Relaxed);
            MAIN_END.store(base + SIZE, Relaxed);
        }
        BASE.store(base, Relaxed);
        SERVED.with(|s| s.set(MAIN));
        OVER.store(false, Relaxed);
    }

    /// A fresh private anonymous mapping of [`SIZE`] bytes, aligned to its
    /// size where a huge page could back it (Linux places a mapping this
    /// large so since 6.7; before, it is cut out of one twice as large).
    fn reserve() -> Option<usize> {
        // SAFETY: fresh private anonymous mappings, ours alone; their pages
        // are made (zeroed) by the kernel as they are first touched. Only
        // the parts outside the aligned region are unmapped.
        unsafe {
            let p = map(SIZE)?;
            if !cfg!(all(target_os = "linux", target_arch = "x86_64")) || p % SIZE == 0 {
                return Some(p);
            }
            munmap(p as *mut c_void, SIZE);
            let wide = map(2 * SIZE)?;
            let at = wide.next_multiple_of(SIZE);
            if at > wide {
                munmap(wide as *mut c_void, at - wide);
            }
            munmap((at + SIZE) as *mut c_void, wide + SIZE - at);
            Some(at)
        }
    }

    /// # Safety
    /// Maps fresh memory; nothing else is touched.
    unsafe fn map(len: usize) -> Option<usize> {
        let p = mmap(
            std::ptr::null_mut(),
            len,
            PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS,
            -1,
            0,
        );
        (p != MAP_FAILED && !p.is_null()).then_some(p as usize)
    }

    /// Whether the region at `base` is one huge page now (its pages need
    /// no making then).
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    fn on_huge_page(base: usize) -> bool {
        const { assert!(SIZE == super::huge::HUGE) };
        super::huge::back(base)
    }

    #[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
    fn on_huge_page(_base: usize) -> bool {
        false
    }

    /// Whether the region is one huge page (read back from the kernel).
    #[cfg(test)]
    pub fn region() -> (usize, bool) {
        let base = BASE.load(Relaxed);
        (base, base != 0 && MADE.load(Relaxed) >= base + SIZE)
    }

    /// Serve the calling thread as [`start`] serves the main one (a test
    /// runs on a thread of the harness's).
    #[cfg(test)]
    pub fn serve_this_thread() {
        SERVED.with(|s| s.set(MAIN));
    }

    /// Whether the helper's slice serves the calling thread.
    #[cfg(test)]
    pub fn on_helper_slice() -> bool {
        SERVED.with(|s| s.get()) == HELPER_SLICE
    }

    /// The helper's slice's bounds.
    #[cfg(test)]
    pub fn helper_slice() -> (usize, usize) {
        (MAIN_END.load(Relaxed), BASE.load(Relaxed) + SIZE)
    }

    /// Whether new blocks are mimalloc's now.
    #[cfg(test)]
    pub fn over_now() -> bool {
        OVER.load(Relaxed)
    }

    /// The run is big: new blocks are mimalloc's from now on. Blocks
    /// already cut stay here until the process ends (a resized one moves).
    pub fn over() {
        OVER.store(true, Relaxed);
    }

    /// Whether the block at `ptr` was cut here (one this allocator returned).
    #[inline]
    pub fn owns(ptr: *mut u8) -> bool {
        let base = BASE.load(Relaxed);
        base != 0 && (ptr as usize).wrapping_sub(base) < SIZE
    }

    /// Cut `size` bytes at `align` off `part`; `None` when it has no room
    /// left ([`full`]).
    #[inline]
    fn cut(part: &Part, size: usize, align: usize) -> Option<*mut u8> {
        let align = align.max(MIN_ALIGN);
        let mut cur = part.cursor.load(Relaxed);
        loop {
            let at = cur.checked_add(align - 1)? & !(align - 1);
            let end = match at.checked_add(size) {
                Some(end) if end <= part.end => end,
                _ => {
                    full(part);
                    return None;
                }
            };
            // One thread cuts from a part, but a test may serve a second
            // from it, and another thread may free its last block: the
            // cursor moves by compare-and-swap so two never share a block,
            // and a block taken back from another thread is cut again only
            // after that thread's last use of it (its free's Release).
            match part
                .cursor
                .compare_exchange_weak(cur, end, Acquire, Relaxed)
            {
                Ok(_) => {
                    if end > MADE.load(Relaxed) {
                        make_pages(end);
                    }
                    return Some(at as *mut u8);
                }
                Err(now) => cur = now,
            }
        }
    }

    /// A block from the region, or `None` when mimalloc is to make it.
    ///
    /// # Safety
    /// `layout` has a non-zero size (GlobalAlloc's contract).
    #[inline]
    pub unsafe fn alloc(layout: Layout, zeroed: bool) -> Option<*mut u8> {
        if OVER.load(Relaxed) {
            return None;
        }
        let p = cut(&mine()?, layout.size(), layout.align())?;
        if zeroed {
            // A block taken back may be cut again: not always fresh zeroes.
            std::ptr::write_bytes(p, 0, layout.size());
        }
        Some(p)
    }

    /// Give back a block [`owns`] says is ours: taken back when it is the
    /// last one cut from its part (whichever thread frees it), else left
    /// as it is.
    ///
    /// # Safety
    /// `ptr` was returned by [`alloc`] or [`realloc`] for `layout` (its
    /// current size) and not freed since.
    #[inline]
    pub unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
        let end = ptr as usize + layout.size();
        let part = part_of(ptr as usize);
        let _ = part
            .cursor
            .compare_exchange(end, ptr as usize, Release, Relaxed);
    }

    /// Resize a block of ours: in place when it is the last one cut (or it
    /// shrinks), else a new block here. `None`: the block at `ptr` is
    /// untouched and mimalloc is to take it.
    ///
    /// # Safety
    /// `ptr` is ours ([`owns`]) block of `layout`; `new_size` is non-zero.
    #[inline]
    pub unsafe fn realloc(ptr: *mut u8, layout: Layout, new_size: usize) -> Option<*mut u8> {
        if OVER.load(Relaxed) {
            return None;
        }
        let mine = mine()?;
        let at = ptr as usize;
        let end = at + layout.size();
        let part = part_of(at);
        if let Some(new_end) = at.checked_add(new_size) {
            if new_end <= part.end
                && part
                    .cursor
                    .compare_exchange(end, new_end, AcqRel, Relaxed)
                    .is_ok()
            {
                if new_end > MADE.load(Relaxed) {
                    make_pages(new_end);
                }
                return Some(ptr);
            }
        }
        if new_size <= layout.size() {
            return Some(ptr); // not the last block: the tail stays unused
        }
        let moved = cut(&mine, new_size, layout.align())?;
        std::ptr::copy_nonoverlapping(ptr, moved, layout.size());
        Some(moved)
    }
}

#[cfg(not(unix))]
mod imp {
    use std::alloc::Layout;

    pub fn start() {}
    pub fn over() {}
    #[inline]
    pub fn owns(_ptr: *mut u8) -> bool {
        false
    }
    #[inline]
    pub unsafe fn alloc(_layout: Layout, _zeroed: bool) -> Option<*mut u8> {
        None
    }
    #[inline]
    pub unsafe fn dealloc(_ptr: *mut u8, _layout: Layout) {}
    #[inline]
    pub unsafe fn realloc(_ptr: *mut u8, _layout: Layout, _new_size: usize) -> Option<*mut u8> {
        None
    }
}

pub use imp::*;

#[cfg(all(test, unix))]
mod tests;
