//! The region's allocator, served and freed from several threads, across
//! the switch to mimalloc, and on a huge page.

use super::imp::{on_helper_slice, over, over_now, owns, serve_this_thread};
use std::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

/// The helper's slice, in a process of its own (this test binary run
/// again on this test alone, so no other test's thread can take the
/// slice or cut from it): the first thread started after the main one
/// takes it and its blocks lie in it; a second later thread is
/// mimalloc's; the slice's last block is taken back when freed, by
/// whichever thread, and grows in place; and once full it serves that
/// thread no more, without making the run big for the main thread.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn the_helpers_slice_serves_the_first_later_thread_until_full() {
    const CHILD: &str = "NOMAD_PREFLIGHT_TEST_HELPER_SLICE";
    const NAME: &str =
        "bump_first::tests::the_helpers_slice_serves_the_first_later_thread_until_full";
    if std::env::var_os(CHILD).is_none() {
        use std::os::unix::process::CommandExt;
        extern "C" {
            fn prctl(option: i32, ...) -> i32;
        }
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args([NAME, "--exact", "--test-threads=1", "--nocapture"])
            .env(CHILD, "1");
        // SAFETY: between fork and exec, one prctl (async-signal-safe):
        // this process turned huge pages off at its start, and a child
        // inherits that across exec; the child's start decides anew.
        unsafe {
            child.pre_exec(|| {
                prctl(
                    41,
                    0 as std::ffi::c_ulong,
                    0 as std::ffi::c_ulong,
                    0 as std::ffi::c_ulong,
                    0 as std::ffi::c_ulong,
                );
                Ok(())
            });
        }
        let out = child.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "{text}");
        eprintln!("{text}");
        return;
    }
    let (_, huge) = super::imp::region();
    if !huge || over_now() {
        eprintln!("the region is not one huge page here: no helper's slice");
        return;
    }
    // Each test runs on a thread of the harness's, started after main:
    // this is the first one, and it asked for blocks already.
    let l = Layout::from_size_align(1000, 8).unwrap();
    let a = unsafe { alloc(l) };
    assert!(on_helper_slice(), "the first later thread takes the slice");
    let (lo, hi) = super::imp::helper_slice();
    let in_slice = |p: *mut u8| owns(p) && (lo..hi).contains(&(p as usize));
    let second = std::thread::spawn(move || {
        let p = unsafe { alloc(l) };
        let served = on_helper_slice();
        (p as usize, served)
    })
    .join()
    .unwrap();
    assert!(
        !second.1 && !owns(second.0 as *mut u8),
        "a second later thread is mimalloc's"
    );
    unsafe { dealloc(second.0 as *mut u8, l) };
    // b is the last block cut: freed by another thread, taken back. That
    // thread is started first, and told the address without allocating
    // (a thread's start and a channel's wait allocate on this thread,
    // which would cut after b).
    let addr = Arc::new(AtomicUsize::new(0));
    let freed = Arc::new(AtomicBool::new(false));
    let (at, done) = (addr.clone(), freed.clone());
    let freer = std::thread::spawn(move || loop {
        let p = at.load(SeqCst);
        if p != 0 {
            unsafe { dealloc(p as *mut u8, l) };
            done.store(true, SeqCst);
            return;
        }
        std::thread::yield_now();
    });
    let b = unsafe { alloc(l) };
    assert!(in_slice(a) && in_slice(b));
    addr.store(b as usize, SeqCst);
    while !freed.load(SeqCst) {
        std::thread::yield_now();
    }
    let c = unsafe { alloc(l) };
    assert_eq!(c, b, "the last block was taken back");
    let grown = unsafe { realloc(c, l, 2000) };
    assert_eq!(grown, c, "the last block grows in place");
    let big = Layout::from_size_align(hi - lo, 8).unwrap();
    let moved = unsafe { realloc(grown, Layout::from_size_align(2000, 8).unwrap(), big.size()) };
    assert!(
        !moved.is_null() && !owns(moved),
        "past the slice: mimalloc's"
    );
    assert!(!on_helper_slice(), "a full slice serves no more");
    assert!(!over_now(), "the main thread's part still serves");
    let after = unsafe { alloc(l) };
    assert!(!owns(after));
    unsafe {
        dealloc(after, l);
        dealloc(moved, big);
        dealloc(a, l);
    }
    freer.join().unwrap();
}

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

/// Besides the thread that started the region, one later thread at
/// most (the helper's slice, taken once) is served: any other later
/// thread is mimalloc's from its first block, even while the region
/// serves (glibc's one arena, before, was a lock the two took turns at),
/// and a block one makes the other may free.
#[test]
fn a_later_thread_allocates_from_mimalloc() {
    // The first later thread may take the helper's slice, if no test
    // thread did already; the next one cannot.
    std::thread::spawn(|| drop(vec![0u8; 32])).join().unwrap();
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
