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
//! Only the thread that ran [`start`] (the main thread, from `.init_array`)
//! is served: a thread started later allocates from mimalloc's per-thread
//! heaps from its first block. The region is [`SIZE`] bytes reserved once
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
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

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
    /// counts as big whatever it is doing. The hook's main thread asks ~1.7
    /// MB of the demo; a run that replays the demo 1,000 times (`plan
    /// --samples`, never big by the size of its world) asks for hundreds of
    /// MB, and is better served by mimalloc soon.
    pub const SIZE: usize = 2 << 20;

    /// Blocks are cut at this alignment at least (what glibc's `malloc`
    /// gave, so the text of a run cannot change with a block's place).
    const MIN_ALIGN: usize = 16;

    /// The region's first byte; 0 until [`start`] (nothing is ours then).
    static BASE: AtomicUsize = AtomicUsize::new(0);
    /// The first byte not yet cut.
    static CURSOR: AtomicUsize = AtomicUsize::new(0);
    /// Whether new blocks are mimalloc's (true until [`start`]).
    static OVER: AtomicBool = AtomicBool::new(true);

    std::thread_local! {
        /// Whether this thread's blocks are cut here: only the thread that
        /// ran [`start`]. With glibc (one arena) a second thread allocating
        /// at the same time took the arena's lock turn about with the main
        /// one (~60 context switches a `check --staged` under `chrt`).
        static SERVED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn served() -> bool {
        SERVED.with(|s| s.get())
    }

    /// Before the program's first allocation (the binary's `.init_array`
    /// hook): reserve the region and serve this thread from it.
    pub fn start() {
        let Some(base) = reserve() else {
            return; // mimalloc serves the whole run
        };
        CURSOR.store(base, Relaxed);
        let made = if on_huge_page(base) {
            base + SIZE
        } else {
            base
        };
        MADE.store(made, Relaxed);
        BASE.store(base, Relaxed);
        SERVED.with(|s| s.set(true));
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
        SERVED.with(|s| s.set(true));
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

    /// Cut `size` bytes at `align` off the region; `None` when the region
    /// has no room left (the run is then big).
    #[inline]
    fn cut(size: usize, align: usize) -> Option<*mut u8> {
        let align = align.max(MIN_ALIGN);
        let limit = BASE.load(Relaxed) + SIZE;
        let mut cur = CURSOR.load(Relaxed);
        loop {
            let at = cur.checked_add(align - 1)? & !(align - 1);
            let end = match at.checked_add(size) {
                Some(end) if end <= limit => end,
                _ => {
                    over();
                    return None;
                }
            };
            // One thread is served, but a test may serve a second: the
            // cursor moves by compare-and-swap so two never share a block.
            match CURSOR.compare_exchange_weak(cur, end, Relaxed, Relaxed) {
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
        if OVER.load(Relaxed) || !served() {
            return None;
        }
        let p = cut(layout.size(), layout.align())?;
        if zeroed {
            // A block taken back may be cut again: not always fresh zeroes.
            std::ptr::write_bytes(p, 0, layout.size());
        }
        Some(p)
    }

    /// Give back a block [`owns`] says is ours: taken back when it is the
    /// last one cut, else left as it is.
    ///
    /// # Safety
    /// `ptr` was returned by [`alloc`] or [`realloc`] for `layout` (its
    /// current size) and not freed since.
    #[inline]
    pub unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
        let end = ptr as usize + layout.size();
        let _ = CURSOR.compare_exchange(end, ptr as usize, Relaxed, Relaxed);
    }

    /// Resize a block of ours: in place when it is the last one cut (or it
    /// shrinks), else a new block here. `None`: the block at `ptr` is
    /// untouched and mimalloc is to take it.
    ///
    /// # Safety
    /// `ptr` is ours ([`owns`]) block of `layout`; `new_size` is non-zero.
    #[inline]
    pub unsafe fn realloc(ptr: *mut u8, layout: Layout, new_size: usize) -> Option<*mut u8> {
        if OVER.load(Relaxed) || !served() {
            return None;
        }
        let at = ptr as usize;
        let end = at + layout.size();
        if let Some(new_end) = at.checked_add(new_size) {
            if new_end <= BASE.load(Relaxed) + SIZE
                && CURSOR
                    .compare_exchange(end, new_end, Relaxed, Relaxed)
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
        let moved = cut(new_size, layout.align())?;
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
mod tests {
    use super::imp::{over, over_now, owns, serve_this_thread};
    use std::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};

    /// The region this test binary's start made (its `.init_array` runs
    /// the binary's): when it says it is one huge page, the kernel's own
    /// account agrees (`AnonHugePages` of its mapping in
    /// `/proc/self/smaps`), after huge pages were turned off for the rest
    /// of the process (which must not split it).
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    #[test]
    fn a_region_said_huge_is_one_huge_page_in_the_kernels_account() {
        let (base, huge) = super::imp::region();
        assert_ne!(base, 0, "the region was reserved at start");
        assert_eq!(base % super::huge::HUGE, 0, "aligned for a huge page");
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        let mut anon_huge_kb = None;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ') {
                if let Some((lo, hi)) = range.split_once('-') {
                    if let (Ok(lo), Ok(hi)) =
                        (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
                    {
                        inside = lo <= base && base < hi;
                        continue;
                    }
                }
            }
            if inside {
                if let Some(kb) = line.strip_prefix("AnonHugePages:") {
                    anon_huge_kb = kb
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<usize>()
                        .ok();
                }
            }
        }
        let kb = anon_huge_kb.expect("the region's mapping in smaps");
        assert_eq!(huge, kb >= 2048, "region says huge={huge}, smaps {kb} kB");
        if !huge {
            eprintln!("no free huge page at start (or THP off): the small-page path ran");
        }
    }

    fn fill(p: *mut u8, n: usize, seed: u8) {
        for i in 0..n {
            unsafe { p.add(i).write(seed.wrapping_add(i as u8)) };
        }
    }

    fn holds(p: *const u8, n: usize, seed: u8) -> bool {
        (0..n).all(|i| unsafe { p.add(i).read() } == seed.wrapping_add(i as u8))
    }

    /// Only the thread that started the region is served: a thread started
    /// later is mimalloc's from its first block, even while the region
    /// serves (glibc's one arena, before, was a lock the two took turns at),
    /// and a block one makes the other may free.
    #[test]
    fn a_later_thread_allocates_from_mimalloc() {
        let l = Layout::from_size_align(48, 8).unwrap();
        let (theirs, was_on) = std::thread::spawn(move || {
            let on = !over_now();
            let p = unsafe { alloc(l) };
            assert!(!p.is_null());
            (p as usize, on)
        })
        .join()
        .unwrap();
        if was_on {
            assert!(
                !owns(theirs as *mut u8),
                "a later thread's block is mimalloc's"
            );
        }
        serve_this_thread();
        let on = !over_now();
        let ours = unsafe { alloc(l) };
        if on && !over_now() {
            assert!(owns(ours), "the served thread's block is the region's");
        }
        unsafe {
            dealloc(theirs as *mut u8, l);
            dealloc(ours, l);
        }
    }

    /// Blocks of every kind cut before and after the switch, resized
    /// across it and freed after it: each goes back to the allocator that
    /// made it (a wrong one aborts the test process), keeps its bytes and
    /// its alignment, a zeroed block is zeroed even where a freed one lay,
    /// and the region's blocks are its own.
    #[test]
    fn every_block_goes_back_to_its_maker_across_the_switch() {
        serve_this_thread();
        let layouts: Vec<Layout> = [
            (1, 1),
            (24, 8),
            (100, 16),
            (4000, 8),
            (300, 64),
            (5000, 4096),
        ]
        .iter()
        .map(|&(size, align)| Layout::from_size_align(size, align).unwrap())
        .collect();
        // A freed last block is cut again: dirty it first.
        let scratch = Layout::from_size_align(256, 8).unwrap();
        let s = unsafe { alloc(scratch) };
        fill(s, 256, 7);
        unsafe { dealloc(s, scratch) };
        let mut before = Vec::new();
        for (k, l) in layouts.iter().enumerate() {
            let on = !over_now();
            let zeroed = k % 2 == 0;
            let p = unsafe {
                if zeroed {
                    alloc_zeroed(*l)
                } else {
                    alloc(*l)
                }
            };
            assert!(!p.is_null());
            assert_eq!(p as usize % l.align(), 0, "{l:?}");
            if zeroed {
                assert!((0..l.size()).all(|i| unsafe { p.add(i).read() } == 0));
            }
            if on && !over_now() {
                assert!(owns(p), "a small run's block is the region's: {l:?}");
            }
            fill(p, l.size(), k as u8);
            before.push((p, *l, k as u8));
        }
        // Grown while the region serves (the last in place, the others
        // moved within it).
        for (p, l, seed) in before.iter_mut() {
            let n = unsafe { realloc(*p, *l, l.size() * 3) };
            assert!(!n.is_null());
            assert_eq!(n as usize % l.align(), 0);
            assert!(holds(n, l.size(), *seed), "bytes kept: {l:?}");
            *p = n;
            *l = Layout::from_size_align(l.size() * 3, l.align()).unwrap();
            fill(*p, l.size(), *seed);
        }
        over();
        assert!(over_now());
        let mut after = Vec::new();
        for (k, l) in layouts.iter().enumerate() {
            let p = unsafe { alloc(*l) };
            assert!(!p.is_null());
            assert!(!owns(p), "after the switch, mimalloc's: {l:?}");
            fill(p, l.size(), 100 + k as u8);
            after.push((p, *l, 100 + k as u8));
        }
        // A block of the small phase resized after it moves to mimalloc.
        for (p, l, seed) in before.iter_mut() {
            let n = unsafe { realloc(*p, *l, l.size() / 2 + 1) };
            assert!(!n.is_null());
            assert_eq!(n as usize % l.align(), 0);
            assert!(holds(n, l.size() / 2 + 1, *seed), "bytes kept: {l:?}");
            assert!(!owns(n));
            *l = Layout::from_size_align(l.size() / 2 + 1, l.align()).unwrap();
            *p = n;
        }
        for (p, l, seed) in after.iter().chain(before.iter()) {
            assert!(holds(*p, l.size(), *seed));
            unsafe { dealloc(*p, *l) };
        }
    }
}
