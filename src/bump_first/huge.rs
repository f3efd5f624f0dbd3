//! The region on one transparent huge page, when the kernel has one free.
//!
//! Why: the region's pages are most of what a small run asks of the
//! kernel. The hook's main thread cuts ~1.2 MB from it (the demo's edit
//! staged), so ~300 4 KiB pages were made, 128 KiB at a time by
//! `MADV_POPULATE_WRITE`: `perf record` of 200 cold `check --staged` put
//! 18% of the process's CPU in those `madvise` calls (page allocation,
//! memory-cgroup charging and zeroing, page by page), about 1 µs a page on
//! this 2-core VM (a C loop: 1.25 MB made that way, median 313 µs). One
//! 2 MiB huge page is one fault: median 39 µs in the same loop, the
//! zeroing done by one `clear_page` pass.
//!
//! Only when the kernel has a free 2 MiB block already (`/proc/buddyinfo`,
//! 7 µs to read): with the usual `defrag = madvise`, a fault in a region
//! advised `MADV_HUGEPAGE` that finds none compacts memory first, which
//! can take milliseconds. That is also why the rest of the process keeps
//! huge pages off ([`nomad_preflight::huge_pages`]): this one page is
//! touched before they are turned off, and the kernel keeps it as it is.
//! Whether the page is huge is read back ([`back`]); when it is not, the
//! region's pages are made as before.

use std::ffi::{c_char, c_int, c_void};

extern "C" {
    fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
    fn mincore(addr: *mut c_void, len: usize, vec: *mut u8) -> c_int;
    fn open(path: *const c_char, flags: c_int, ...) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    fn close(fd: c_int) -> c_int;
}

/// A transparent huge page on x86-64 (the PMD size with 4 KiB pages).
pub const HUGE: usize = 2 << 20;
/// Its order in the kernel's buddy allocator: 2 MiB / 4 KiB = 2^9.
const HUGE_ORDER: usize = 9;
const PAGE: usize = 4 << 10;
const MADV_HUGEPAGE: c_int = 14;
const O_RDONLY: c_int = 0;
const O_CLOEXEC: c_int = 0o2_000_000;

/// Back the `HUGE` bytes at `base` (aligned to `HUGE`, mapped, untouched)
/// with one huge page when the kernel has one free; whether it did. This
/// runs before the program's first allocation and allocates nothing.
pub fn back(base: usize) -> bool {
    if base % HUGE != 0 || !free_block_now() {
        return false;
    }
    // SAFETY: advice and a first write on a private anonymous mapping of
    // ours, `HUGE` bytes at `base`, that nothing else uses yet.
    unsafe {
        if madvise(base as *mut c_void, HUGE, MADV_HUGEPAGE) != 0 {
            return false;
        }
        (base as *mut u8).write_volatile(0);
    }
    // One fault made either one huge page (then the region's last 4 KiB
    // page is resident too) or one small page (then it is not).
    let mut resident = 0u8;
    // SAFETY: `mincore` writes one byte per page asked about: one here.
    let asked = unsafe {
        mincore(
            (base + HUGE - PAGE) as *mut c_void,
            PAGE,
            &mut resident as *mut u8,
        )
    };
    asked == 0 && resident & 1 == 1
}

/// Whether `/proc/buddyinfo` lists a free block of 2 MiB or more now.
fn free_block_now() -> bool {
    let mut buf = [0u8; 4096];
    // SAFETY: a NUL-terminated path; the descriptor is closed below.
    let fd = unsafe { open(c"/proc/buddyinfo".as_ptr(), O_RDONLY | O_CLOEXEC) };
    if fd < 0 {
        return false;
    }
    let mut len = 0;
    while len < buf.len() {
        // SAFETY: reads into the unfilled tail of `buf`.
        let n = unsafe { read(fd, buf[len..].as_mut_ptr() as *mut c_void, buf.len() - len) };
        match usize::try_from(n) {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    // SAFETY: our own descriptor, closed once.
    unsafe { close(fd) };
    has_free_huge_block(&buf[..len])
}

/// Whether a `/proc/buddyinfo` text counts a free block of order
/// [`HUGE_ORDER`] or more in a zone a process's pages come from. Each line
/// reads `Node 0, zone   Normal   n0 n1 ... n10`, `nK` the free blocks of
/// 2^K pages. The `DMA` zone (the first 16 MB) is left out: the kernel
/// keeps it for devices that need it. A line cut short (the buffer's end)
/// counts only as far as it goes.
pub fn has_free_huge_block(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n').any(|line| {
        let mut words = line
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let Some(zone) = words.by_ref().skip_while(|w| *w != b"zone").nth(1) else {
            return false;
        };
        zone != b"DMA"
            && words
                .skip(HUGE_ORDER)
                .any(|n| n.iter().all(u8::is_ascii_digit) && n.iter().any(|&d| d != b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::has_free_huge_block;

    /// This machine's text at two moments: free 2 MiB blocks in Normal,
    /// then none outside DMA (whose order-10 block does not count).
    #[test]
    fn a_free_block_counts_from_order_nine_outside_dma() {
        let some = b"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n\
Node 0, zone    DMA32   9133   6635   6849   3172   1130    470    137     26     10      4      4 \n\
Node 0, zone   Normal 134115  45977  14584   3953   1399    461     86     39     13     14      1 \n";
        assert!(has_free_huge_block(some));
        let none = b"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n\
Node 0, zone    DMA32   9133   6635   6849   3172   1130    470    137     26     10      0      0 \n\
Node 0, zone   Normal 134115  45977  14584   3953   1399    461     86     39     13      0      0 \n";
        assert!(!has_free_huge_block(none));
        // Order 8 alone (1 MiB blocks) is not enough; order 10 alone is.
        assert!(!has_free_huge_block(
            b"Node 0, zone Normal 1 1 1 1 1 1 1 1 5 0 0\n"
        ));
        assert!(has_free_huge_block(
            b"Node 1, zone Normal 0 0 0 0 0 0 0 0 0 0 2\n"
        ));
        // Cut short before order 9, empty, or not the expected shape.
        assert!(!has_free_huge_block(b"Node 0, zone Normal 1 1 1 1 1"));
        assert!(!has_free_huge_block(b""));
        assert!(!has_free_huge_block(
            b"zone\nNode 0, zone Normal x x x x x x x x x y z\n"
        ));
    }
}
