//! The C library's `malloc` for a run's first allocations, until the run
//! is known to be big ([`over`]); the binary's allocator (src/main.rs)
//! sends everything else to mimalloc.
//!
//! Which allocator made a block is told by its address: glibc's blocks
//! lie in its heap, which grows up from the program break, a little above
//! the program's data ([`start`]). glibc is told never to `mmap` a block
//! (`M_MMAP_MAX` 0), so only a heap that cannot grow in place (`brk`
//! refused) puts a block elsewhere: such a block is given back at once and
//! the run goes on with mimalloc alone. mimalloc maps its memory with
//! `mmap`, away from the break, and its page map ([`owns`]) settles any
//! doubt.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use std::alloc::Layout;
    use std::ffi::{c_int, c_void};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

    extern "C" {
        fn malloc(size: usize) -> *mut c_void;
        fn calloc(count: usize, size: usize) -> *mut c_void;
        fn memalign(align: usize, size: usize) -> *mut c_void;
        #[link_name = "realloc"]
        fn c_realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
        fn free(ptr: *mut c_void);
        /// The end of the program's data and bss (GNU ld and lld).
        static _end: u8;
        fn mallopt(param: c_int, value: c_int) -> c_int;
        fn mi_is_in_heap_region(ptr: *const c_void) -> bool;
    }

    /// `M_MMAP_MAX` and `M_TRIM_THRESHOLD` (malloc.h).
    const M_MMAP_MAX: c_int = -4;
    const M_TRIM_THRESHOLD: c_int = -1;

    /// The alignment of every block glibc's `malloc` returns on 64-bit
    /// targets (`MALLOC_ALIGNMENT`, twice a `size_t`).
    const ALIGN: usize = 16;

    /// How far above the program's data glibc's heap may reach and still
    /// be told apart: the kernel starts the break up to 1 GiB above it on
    /// 64-bit (`arch_randomize_brk`; 953 MiB seen here), and a small run
    /// uses a few MB more.
    const SPAN: usize = 4 << 30;

    /// The lowest address of glibc's heap: the end of the program's data;
    /// 0 until [`start`].
    static LOW: AtomicUsize = AtomicUsize::new(0);

    /// Whether new blocks are mimalloc's (true until [`start`]).
    static OVER: AtomicBool = AtomicBool::new(true);

    /// Bytes one thread may ask of glibc before the run counts as big
    /// whatever it is doing. The hook's main thread asks ~1.7 MB of the
    /// demo (its helper ~0.5 MB); a run that replays the demo 1,000 times
    /// (`plan --samples`, never big by the size of its world) asks for
    /// hundreds of MB, and with 4 MiB here it took ~5% more CPU than on
    /// mimalloc alone (glibc's one arena), with 2 MiB the same.
    const BUDGET: usize = 2 << 20;

    /// [`ASKED`] of a thread glibc does not serve: every thread but the
    /// one that ran [`start`] (the main thread).
    const NOT_SERVED: usize = usize::MAX;

    std::thread_local! {
        /// Bytes this thread has asked of glibc; [`NOT_SERVED`] on a thread
        /// that allocates from mimalloc from its start.
        ///
        /// Why only the main thread: glibc is held to one arena (src/main.rs,
        /// `glibc_arenas`), so a second thread allocating at the same time
        /// (`check --staged`'s select-ahead helper, parsing while the main
        /// thread loads the world) took the arena's lock turn about with
        /// it: `perf sched timehist` showed the two threads handing the CPU
        /// to each other ~30 times a run, each wake-up ~13 us. mimalloc's
        /// heaps are per thread, with no lock to share.
        static ASKED: std::cell::Cell<usize> = const { std::cell::Cell::new(NOT_SERVED) };
    }

    /// Count `size` against this thread's budget; false once it is spent
    /// (the run is then big from here on), and on a thread glibc does not
    /// serve.
    #[inline]
    fn within_budget(size: usize) -> bool {
        let asked = ASKED.try_with(|a| {
            let was = a.get();
            if was == NOT_SERVED {
                return None;
            }
            let now = was.saturating_add(size);
            a.set(now);
            Some(now)
        });
        match asked {
            Ok(Some(now)) if now <= BUDGET => true,
            Ok(None) => false,
            _ => {
                over();
                false
            }
        }
    }

    /// Before the program's first allocation (the binary's `.init_array`
    /// hook): let glibc serve.
    pub fn start() {
        // SAFETY: two tuning parameters of glibc's malloc, set before any
        // thread starts; neither changes what an allocation returns but
        // where: no block of its own mapping, no heap handed back at the
        // top (the heap keeps its place for the address test).
        unsafe {
            mallopt(M_MMAP_MAX, 0);
            mallopt(M_TRIM_THRESHOLD, c_int::MAX);
        }
        // The heap starts at the program break, which the kernel places a
        // little above the end of the program's data (`_end`, from the
        // linker); glibc has already taken its first bytes by now, for
        // itself, so the break of this moment is too high a floor.
        let end = std::ptr::addr_of!(_end) as usize;
        LOW.store(end, Relaxed);
        // This thread (the main one: `.init_array` runs before any other
        // starts) is served; threads started later are mimalloc's.
        let _ = ASKED.try_with(|a| a.set(0));
        OVER.store(false, Relaxed);
    }

    /// Whether new blocks are mimalloc's now.
    #[cfg(test)]
    pub fn over_now() -> bool {
        OVER.load(Relaxed)
    }

    /// Serve the calling thread as [`start`] serves the main one (a test
    /// runs on a thread of the harness's).
    #[cfg(test)]
    pub fn serve_this_thread() {
        let _ = ASKED.try_with(|a| a.set(0));
    }

    /// The run is big: new blocks are mimalloc's from now on. Blocks
    /// already made stay glibc's until freed (a resized one moves).
    pub fn over() {
        OVER.store(true, Relaxed);
    }

    #[inline]
    fn in_heap(ptr: *mut u8) -> bool {
        let low = LOW.load(Relaxed);
        low != 0 && (ptr as usize).wrapping_sub(low) < SPAN
    }

    /// Whether glibc made the block at `ptr` (one this allocator returned).
    #[inline]
    pub fn owns(ptr: *mut u8) -> bool {
        // SAFETY: a lookup in mimalloc's page map, for any address.
        in_heap(ptr) && !unsafe { mi_is_in_heap_region(ptr.cast()) }
    }

    /// A block from glibc, or `None` when mimalloc is to make it.
    ///
    /// # Safety
    /// `layout` has a non-zero size (GlobalAlloc's contract).
    #[inline]
    pub unsafe fn alloc(layout: Layout, zeroed: bool) -> Option<*mut u8> {
        if OVER.load(Relaxed) || !within_budget(layout.size()) {
            return None;
        }
        let ptr = make(layout, zeroed);
        if ptr.is_null() {
            return None; // mimalloc may still have room
        }
        if in_heap(ptr) {
            return Some(ptr);
        }
        // The heap could not grow in place: this block is not told apart.
        free(ptr.cast());
        OVER.store(true, Relaxed);
        None
    }

    /// glibc's block for `layout` (null when it has none).
    #[inline]
    unsafe fn make(layout: Layout, zeroed: bool) -> *mut u8 {
        if layout.align() <= ALIGN {
            return if zeroed {
                calloc(1, layout.size())
            } else {
                malloc(layout.size())
            }
            .cast();
        }
        // Rare (cache-line aligned queues and the like): `memalign` serves
        // any power of two, which a Layout's alignment is.
        let ptr = memalign(layout.align(), layout.size()).cast::<u8>();
        if zeroed && !ptr.is_null() {
            std::ptr::write_bytes(ptr, 0, layout.size());
        }
        ptr
    }

    /// Give back a block [`owns`] says is glibc's.
    ///
    /// # Safety
    /// `ptr` was returned by [`alloc`] or [`realloc`] and not freed since.
    #[inline]
    pub unsafe fn dealloc(ptr: *mut u8) {
        free(ptr.cast());
    }

    /// Resize glibc's block in place or within its heap. `None`: the block
    /// at `ptr` is untouched and mimalloc is to take it (`move_to` makes
    /// the new block when glibc's heap moved it out of reach).
    ///
    /// # Safety
    /// `ptr` is glibc's ([`owns`]) block of `layout`; `new_size` is
    /// non-zero.
    #[inline]
    pub unsafe fn realloc(
        ptr: *mut u8,
        layout: Layout,
        new_size: usize,
        move_to: impl FnOnce(Layout) -> *mut u8,
    ) -> Option<*mut u8> {
        if OVER.load(Relaxed) || !within_budget(new_size) {
            return None;
        }
        if layout.align() > ALIGN {
            // glibc's `realloc` keeps only its own alignment: a new block.
            let new_layout = Layout::from_size_align(new_size, layout.align()).ok()?;
            let moved = make(new_layout, false);
            if moved.is_null() || !in_heap(moved) {
                if !moved.is_null() {
                    free(moved.cast());
                    OVER.store(true, Relaxed);
                }
                return None; // `ptr` untouched: mimalloc takes it
            }
            std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
            free(ptr.cast());
            return Some(moved);
        }
        let grown = c_realloc(ptr.cast(), new_size).cast::<u8>();
        if grown.is_null() {
            return None; // `ptr` is still valid: mimalloc takes it
        }
        if in_heap(grown) {
            return Some(grown);
        }
        OVER.store(true, Relaxed);
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            std::process::abort();
        };
        let moved = move_to(new_layout);
        if moved.is_null() {
            // Neither allocator has room: what Rust does on running out.
            std::process::abort();
        }
        std::ptr::copy_nonoverlapping(grown, moved, new_size);
        free(grown.cast());
        Some(moved)
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
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
    pub unsafe fn dealloc(_ptr: *mut u8) {}
    #[inline]
    pub unsafe fn realloc(
        _ptr: *mut u8,
        _layout: Layout,
        _new_size: usize,
        _move_to: impl FnOnce(Layout) -> *mut u8,
    ) -> Option<*mut u8> {
        None
    }
}

pub use imp::*;

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::imp::{over, owns, serve_this_thread};
    use std::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};

    fn phase_on() -> bool {
        !super::imp::over_now()
    }

    /// Only the thread that started the phase is glibc's: a thread started
    /// later is mimalloc's from its first block, even while the phase lasts
    /// (glibc's one arena would be a lock the two threads take turns at),
    /// and a block one makes the other may free.
    #[test]
    fn a_later_thread_allocates_from_mimalloc() {
        let l = Layout::from_size_align(48, 8).unwrap();
        let (theirs, was_on) = std::thread::spawn(move || {
            let on = phase_on();
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
        let on = phase_on();
        let ours = unsafe { alloc(l) };
        if on && phase_on() {
            assert!(owns(ours), "the served thread's block is glibc's");
        }
        unsafe {
            dealloc(theirs as *mut u8, l);
            dealloc(ours, l);
        }
    }

    /// Blocks of every kind made before and after the switch, resized
    /// across it and freed after it: each goes back to the allocator that
    /// made it (a wrong one aborts the test process), keeps its bytes and
    /// its alignment, and the small phase's blocks are glibc's.
    #[test]
    fn every_block_goes_back_to_its_maker_across_the_switch() {
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
        serve_this_thread();
        let fill = |p: *mut u8, n: usize, seed: u8| {
            for i in 0..n {
                unsafe { p.add(i).write(seed.wrapping_add(i as u8)) };
            }
        };
        let holds = |p: *const u8, n: usize, seed: u8| {
            (0..n).all(|i| unsafe { p.add(i).read() } == seed.wrapping_add(i as u8))
        };
        let mut before = Vec::new();
        for (k, l) in layouts.iter().enumerate() {
            let on = phase_on();
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
            if on && phase_on() {
                assert!(owns(p), "a small run's block is glibc's: {l:?}");
            }
            fill(p, l.size(), k as u8);
            before.push((p, *l, k as u8));
        }
        // Grown while the phase lasts (in place or within glibc's heap).
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
        assert!(super::imp::over_now());
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
