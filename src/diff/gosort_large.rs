//! Go's `sort.Sort` on more than 12 elements, step for step (the order of
//! `Less` calls and swaps decides the outcome when `Less` is not an order,
//! [`super::gosort`]): Go 1.11–1.18's `quickSort`/`doPivot` (src/sort/sort.go)
//! and Go 1.19+'s `pdqsort` (src/sort/zsortinterface.go, with `choosePivot`,
//! `partition`, `partitionEqual`, `partialInsertionSort`, `breakPatterns`).
//! On 12 or fewer elements both end in the caller's insertion sort.

use super::gosort::{bit_len, SortData};

/// `medianOfThree(data, m1, m0, m2)` (sort.go, Go ≤ 1.18): the median of
/// the three into `m1`.
fn median_of_three(d: &mut impl SortData, m1: usize, m0: usize, m2: usize) {
    if d.less(m1, m0) {
        d.swap(m1, m0);
    }
    if d.less(m2, m1) {
        d.swap(m2, m1);
        if d.less(m1, m0) {
            d.swap(m1, m0);
        }
    }
}

/// `doPivot` (Go ≤ 1.18): partitions `[lo, hi)` around a median pivot,
/// with its guard against many elements equal to the pivot.
fn do_pivot(d: &mut impl SortData, lo: usize, hi: usize) -> (usize, usize) {
    let m = (lo + hi) / 2;
    if hi - lo > 40 {
        let s = (hi - lo) / 8;
        median_of_three(d, lo, lo + s, lo + 2 * s);
        median_of_three(d, m, m - s, m + s);
        median_of_three(d, hi - 1, hi - 1 - s, hi - 1 - 2 * s);
    }
    median_of_three(d, lo, m, hi - 1);
    let pivot = lo;
    let (mut a, mut c) = (lo + 1, hi - 1);
    while a < c && d.less(a, pivot) {
        a += 1;
    }
    let mut b = a;
    loop {
        while b < c && !d.less(pivot, b) {
            b += 1;
        }
        while b < c && d.less(pivot, c - 1) {
            c -= 1;
        }
        if b >= c {
            break;
        }
        d.swap(b, c - 1);
        b += 1;
        c -= 1;
    }
    let mut protect = hi - c < 5;
    if !protect && hi - c < (hi - lo) / 4 {
        let mut dups = 0;
        if !d.less(pivot, hi - 1) {
            d.swap(c, hi - 1);
            c += 1;
            dups += 1;
        }
        if !d.less(b - 1, pivot) {
            b -= 1;
            dups += 1;
        }
        if !d.less(m, pivot) {
            d.swap(m, b - 1);
            b -= 1;
            dups += 1;
        }
        protect = dups > 1;
    }
    if protect {
        loop {
            while a < b && !d.less(b - 1, pivot) {
                b -= 1;
            }
            while a < b && d.less(a, pivot) {
                a += 1;
            }
            if a >= b {
                break;
            }
            d.swap(a, b - 1);
            a += 1;
            b -= 1;
        }
    }
    d.swap(pivot, b - 1);
    (b - 1, c)
}

/// `quickSort(data, a, b, maxDepth)` (Go ≤ 1.18).
pub(super) fn quick_sort(d: &mut impl SortData, mut a: usize, mut b: usize, mut depth: usize) {
    while b - a > 12 {
        if depth == 0 {
            d.heap_sort(a, b);
            return;
        }
        depth -= 1;
        let (mlo, mhi) = do_pivot(d, a, b);
        // The smaller side recursively, the larger in the loop.
        if mlo - a < b - mhi {
            quick_sort(d, a, mlo, depth);
            a = mhi;
        } else {
            quick_sort(d, mhi, b, depth);
            b = mlo;
        }
    }
    if b - a > 1 {
        // One Shell pass of gap 6, then insertion sort.
        for i in a + 6..b {
            if d.less(i, i - 6) {
                d.swap(i, i - 6);
            }
        }
        d.insertion_sort(a, b);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

/// `pdqsort(data, a, b, limit)` (Go ≥ 1.19).
pub(super) fn pdqsort(
    d: &mut impl SortData,
    mut a: usize,
    mut b: usize,
    mut limit: usize,
    fixed_xorshift: bool,
) {
    const MAX_INSERTION: usize = 12;
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            d.insertion_sort(a, b);
            return;
        }
        if limit == 0 {
            d.heap_sort(a, b);
            return;
        }
        if !was_balanced {
            break_patterns(d, a, b, fixed_xorshift);
            limit -= 1;
        }
        let (mut pivot, mut hint) = choose_pivot(d, a, b);
        if hint == Hint::Decreasing {
            reverse_range(d, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }
        if was_balanced
            && was_partitioned
            && hint == Hint::Increasing
            && partial_insertion_sort(d, a, b)
        {
            return;
        }
        if a > 0 && !d.less(a - 1, pivot) {
            a = partition_equal(d, a, b, pivot);
            continue;
        }
        let (mid, already) = partition(d, a, b, pivot);
        was_partitioned = already;
        let (left, right) = (mid - a, b - mid);
        let threshold = length / 8;
        if left < right {
            was_balanced = left >= threshold;
            pdqsort(d, a, mid, limit, fixed_xorshift);
            a = mid + 1;
        } else {
            was_balanced = right >= threshold;
            pdqsort(d, mid + 1, b, limit, fixed_xorshift);
            b = mid;
        }
    }
}

fn partition(d: &mut impl SortData, a: usize, b: usize, pivot: usize) -> (usize, bool) {
    d.swap(a, pivot);
    // i and j as Go has them, j one above (j may reach a - 1 in Go's ints).
    let (mut i, mut j) = (a + 1, b);
    while i < j && d.less(i, a) {
        i += 1;
    }
    while i < j && !d.less(j - 1, a) {
        j -= 1;
    }
    if i >= j {
        d.swap(j - 1, a);
        return (j - 1, true);
    }
    d.swap(i, j - 1);
    i += 1;
    j -= 1;
    loop {
        while i < j && d.less(i, a) {
            i += 1;
        }
        while i < j && !d.less(j - 1, a) {
            j -= 1;
        }
        if i >= j {
            break;
        }
        d.swap(i, j - 1);
        i += 1;
        j -= 1;
    }
    d.swap(j - 1, a);
    (j - 1, false)
}

fn partition_equal(d: &mut impl SortData, a: usize, b: usize, pivot: usize) -> usize {
    d.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b);
    loop {
        while i < j && !d.less(a, i) {
            i += 1;
        }
        while i < j && d.less(a, j - 1) {
            j -= 1;
        }
        if i >= j {
            break;
        }
        d.swap(i, j - 1);
        i += 1;
        j -= 1;
    }
    i
}

fn partial_insertion_sort(d: &mut impl SortData, a: usize, b: usize) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !d.less(i, i - 1) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        d.swap(i, i - 1);
        if i - a >= 2 {
            // Go's loop runs down to index 1, not a + 1.
            let mut j = i - 1;
            while j >= 1 {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
                j -= 1;
            }
        }
        if b - i >= 2 {
            for j in i + 1..b {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
            }
        }
    }
    false
}

fn break_patterns(d: &mut impl SortData, a: usize, b: usize, fixed_xorshift: bool) {
    let length = b - a;
    if length < 8 {
        return;
    }
    let mut random = length as u64;
    let mut next = || {
        random ^= random << 13;
        if fixed_xorshift {
            random ^= random >> 7;
            random ^= random << 17;
        } else {
            random ^= random >> 17;
            random ^= random << 5;
        }
        random
    };
    let modulus = 1u64 << bit_len(length);
    let centre = a + (length / 4) * 2;
    for idx in centre - 1..=centre + 1 {
        let mut other = (next() & (modulus - 1)) as usize;
        if other >= length {
            other -= length;
        }
        d.swap(idx, a + other);
    }
}

fn choose_pivot(d: &mut impl SortData, a: usize, b: usize) -> (usize, Hint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            i = median(d, i - 1, i, i + 1, &mut swaps);
            j = median(d, j - 1, j, j + 1, &mut swaps);
            k = median(d, k - 1, k, k + 1, &mut swaps);
        }
        j = median(d, i, j, k, &mut swaps);
    }
    let hint = match swaps {
        0 => Hint::Increasing,
        MAX_SWAPS => Hint::Decreasing,
        _ => Hint::Unknown,
    };
    (j, hint)
}

fn order2(d: &mut impl SortData, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
    if d.less(b, a) {
        *swaps += 1;
        (b, a)
    } else {
        (a, b)
    }
}

fn median(d: &mut impl SortData, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
    let (a, b) = order2(d, a, b, swaps);
    let (b, _) = order2(d, b, c, swaps);
    let (_, b) = order2(d, a, b, swaps);
    b
}

fn reverse_range(d: &mut impl SortData, a: usize, b: usize) {
    let (mut i, mut j) = (a, b - 1);
    while i < j {
        d.swap(i, j);
        i += 1;
        j -= 1;
    }
}
