//! Go's `sort.Sort` as the Go release that built each Nomad release runs
//! it, with Nomad's `ObjectDiff.Less` (nomad/structs/diff.go, the same at
//! every tag from v0.9.3 to v2.0.5).
//!
//! `ObjectDiff.Less` is not an order: after the name, the type and the
//! field and object counts it answers true as soon as ANY field (then any
//! child object) of the one compares below its counterpart, so two objects
//! can each be "less" than the other. The printed order is therefore the
//! sort algorithm's, step for step, on the input order Nomad built, and
//! `Less` sorts both objects' fields and children in place as it compares
//! them (`sort.Sort(FieldDiffs(o.Fields))`, `sort.Sort(ObjectDiffs(o.Objects))`),
//! which a comparison here does too.
//!
//! The algorithms (Go's src/sort): up to Go 1.18 `quickSort` (sort.go), which
//! on at most 12 elements does one Shell pass of gap 6 and then insertion
//! sort; from Go 1.19 `pdqsort` (zsortinterface.go), which on at most 12
//! elements is insertion sort alone. pdqsort's `breakPatterns` draws from
//! a xorshift seeded with the length, whose shifts were (13, 17, 5) until
//! Go 1.24 corrected them to (13, 7, 17) (golang/go#70144). Which Go built
//! a Nomad release: [`crate::gorelease`].

use super::{DiffType, FieldDiff, ObjectDiff};
use crate::gorelease::GoRelease;

/// Which of Go's `sort.Sort` implementations runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoSort {
    /// Go 1.11–1.18: quickSort with a Shell pass below 13 elements.
    Quick,
    /// Go 1.19+: pattern-defeating quicksort; `fixed_xorshift` from Go 1.24.
    Pdq { fixed_xorshift: bool },
}

impl GoSort {
    pub fn of(go: GoRelease) -> GoSort {
        if go < (1, 19, 0) {
            GoSort::Quick
        } else {
            GoSort::Pdq {
                fixed_xorshift: go >= (1, 24, 0),
            }
        }
    }

    /// The sort of the Go that built Nomad `v` (for an Enterprise-only
    /// release whose Go is open, the oldest it may be: [`Self::other_of_nomad`]).
    pub fn of_nomad(v: crate::version::NomadVersion) -> GoSort {
        GoSort::of(crate::gorelease::go_of(v))
    }

    /// For an Enterprise-only release whose changelogs leave its Go open
    /// across Go 1.24's xorshift fix (1.7.13+ent, 1.8.5 to 1.8.17+ent:
    /// [`crate::gorelease::go_span`]), the other sort it may run; `None`
    /// where the Go is known or the span holds one sort. Callers sort both
    /// ways and, when the orders differ, say the order is not known.
    pub fn other_of_nomad(v: crate::version::NomadVersion) -> Option<GoSort> {
        let first = GoSort::of_nomad(v);
        crate::gorelease::go_span(v)
            .probes()
            .into_iter()
            .map(GoSort::of)
            .find(|s| *s != first)
    }
}

/// Nomad's `DiffType.Less`: Edited, Added, Deleted, None.
fn type_less(a: DiffType, b: DiffType) -> bool {
    a != b && a.rank() < b.rank()
}

/// Nomad's `FieldDiff.Less`: name, then old, then new value (bytewise, as
/// Go compares strings); deep-equal fields are not less.
pub fn field_less(f: &FieldDiff, other: &FieldDiff) -> bool {
    if f == other {
        false
    } else if f.name != other.name {
        f.name.as_bytes() < other.name.as_bytes()
    } else if f.old != other.old {
        f.old.as_bytes() < other.old.as_bytes()
    } else {
        f.new.as_bytes() < other.new.as_bytes()
    }
}

/// Nomad's `ObjectDiff.Less`, sorting both objects' fields and children in
/// place on the way as Nomad's does.
pub fn object_less(o: &mut ObjectDiff, other: &mut ObjectDiff, algo: GoSort) -> bool {
    if o == other {
        return false;
    }
    if o.name != other.name {
        return o.name.as_bytes() < other.name.as_bytes();
    }
    if o.ty != other.ty {
        return type_less(o.ty, other.ty);
    }
    if o.fields.len() != other.fields.len() {
        return o.fields.len() < other.fields.len();
    }
    if o.objects.len() != other.objects.len() {
        return o.objects.len() < other.objects.len();
    }
    sort_fields(&mut o.fields, algo);
    sort_fields(&mut other.fields, algo);
    if o.fields
        .iter()
        .zip(&other.fields)
        .any(|(a, b)| field_less(a, b))
    {
        return true;
    }
    sort_objects(&mut o.objects, algo);
    sort_objects(&mut other.objects, algo);
    o.objects
        .iter_mut()
        .zip(other.objects.iter_mut())
        .any(|(a, b)| object_less(a, b, algo))
}

/// `sort.Sort(FieldDiffs(fields))`.
pub fn sort_fields(fields: &mut [FieldDiff], algo: GoSort) {
    go_sort(fields, algo, &mut |a, b| field_less(a, b));
}

/// `sort.Sort(ObjectDiffs(objects))`.
pub fn sort_objects(objects: &mut [ObjectDiff], algo: GoSort) {
    go_sort(objects, algo, &mut |a, b| object_less(a, b, algo));
}

/// A slice behind Go's `sort.Interface`: `Less(i, j)` may change both
/// elements, so it gets both mutably.
struct Data<'a, T, L> {
    v: &'a mut [T],
    less: &'a mut L,
}

impl<T, L: FnMut(&mut T, &mut T) -> bool> Data<'_, T, L> {
    fn less(&mut self, i: usize, j: usize) -> bool {
        if i == j {
            // Deep-equal to itself: never less.
            return false;
        }
        let (lo, hi) = (i.min(j), i.max(j));
        let (left, right) = self.v.split_at_mut(hi);
        let (a, b) = (&mut left[lo], &mut right[0]);
        if i < j {
            (self.less)(a, b)
        } else {
            (self.less)(b, a)
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.v.swap(i, j);
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let (first, hi) = (a, b - a);
        for i in (0..=(hi.saturating_sub(1)) / 2).rev() {
            self.sift_down(i, hi, first);
        }
        for i in (0..hi).rev() {
            self.swap(first, first + i);
            self.sift_down(0, i, first);
        }
    }
}

/// Go's `sort.Sort(data)` with `less` as `data.Less`.
pub fn go_sort<T>(v: &mut [T], algo: GoSort, less: &mut impl FnMut(&mut T, &mut T) -> bool) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let mut data = Data { v, less };
    match algo {
        GoSort::Quick => {
            // sort.go `maxDepth(n)`: twice the bit length of n.
            let depth = 2 * bit_len(n);
            super::gosort_large::quick_sort(&mut data, 0, n, depth);
        }
        GoSort::Pdq { fixed_xorshift } => {
            super::gosort_large::pdqsort(&mut data, 0, n, bit_len(n), fixed_xorshift);
        }
    }
}

/// `bits.Len(uint(n))`.
pub(super) fn bit_len(n: usize) -> usize {
    (usize::BITS - n.leading_zeros()) as usize
}

/// The pieces the two algorithms share, for their modules.
pub(super) trait SortData {
    fn less(&mut self, i: usize, j: usize) -> bool;
    fn swap(&mut self, i: usize, j: usize);
    fn insertion_sort(&mut self, a: usize, b: usize);
    fn heap_sort(&mut self, a: usize, b: usize);
}

impl<T, L: FnMut(&mut T, &mut T) -> bool> SortData for Data<'_, T, L> {
    fn less(&mut self, i: usize, j: usize) -> bool {
        Data::less(self, i, j)
    }
    fn swap(&mut self, i: usize, j: usize) {
        Data::swap(self, i, j)
    }
    fn insertion_sort(&mut self, a: usize, b: usize) {
        Data::insertion_sort(self, a, b)
    }
    fn heap_sort(&mut self, a: usize, b: usize) {
        Data::heap_sort(self, a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUICK: GoSort = GoSort::Quick;
    const PDQ: GoSort = GoSort::Pdq {
        fixed_xorshift: true,
    };

    fn field(name: &str, new: &str) -> FieldDiff {
        FieldDiff {
            ty: DiffType::Added,
            name: name.into(),
            old: String::new(),
            new: new.into(),
            annotations: Vec::new(),
        }
    }

    fn obj(fields: &[(&str, &str)]) -> ObjectDiff {
        ObjectDiff {
            ty: DiffType::Added,
            name: "Constraint".into(),
            fields: fields.iter().map(|(n, v)| field(n, v)).collect(),
            objects: Vec::new(),
        }
    }

    fn values(v: &[ObjectDiff], field: usize) -> Vec<String> {
        v.iter().map(|o| o.fields[field].new.clone()).collect()
    }

    #[test]
    fn go_releases_pick_their_sort() {
        assert_eq!(GoSort::of((1, 18, 10)), GoSort::Quick);
        assert_eq!(
            GoSort::of((1, 19, 0)),
            GoSort::Pdq {
                fixed_xorshift: false
            }
        );
        assert_eq!(GoSort::of((1, 26, 5)), PDQ);
        // Nomad 1.2.10 was built with Go 1.18.5, 1.2.11 with Go 1.19.0.
        use crate::version::NomadVersion as V;
        assert_eq!(GoSort::of_nomad(V::new(1, 2, 10)), GoSort::Quick);
        assert_ne!(GoSort::of_nomad(V::new(1, 2, 11)), GoSort::Quick);
    }

    /// Less is not an order: each of these is less than the other
    /// (LTarget one way, Operand the other), and insertion sort swaps them
    /// whatever their order, on every Go release.
    #[test]
    fn mutually_less_objects_swap_either_way() {
        let a = obj(&[("LTarget", "${attr.kernel.name}"), ("Operand", "=")]);
        let b = obj(&[("LTarget", "${attr.consul.version}"), ("Operand", "semver")]);
        assert!(object_less(&mut a.clone(), &mut b.clone(), PDQ));
        assert!(object_less(&mut b.clone(), &mut a.clone(), PDQ));
        for algo in [QUICK, PDQ] {
            let mut v = vec![a.clone(), b.clone()];
            sort_objects(&mut v, algo);
            assert_eq!(v, vec![b.clone(), a.clone()]);
            sort_objects(&mut v, algo);
            assert_eq!(v, vec![a.clone(), b.clone()]);
        }
    }

    #[test]
    fn a_consistent_pair_sorts_the_same_from_either_order() {
        let a = obj(&[("LTarget", "${meta.a}"), ("RTarget", "x")]);
        let b = obj(&[("LTarget", "${meta.b}"), ("RTarget", "y")]);
        for algo in [QUICK, PDQ] {
            for start in [vec![a.clone(), b.clone()], vec![b.clone(), a.clone()]] {
                let mut v = start;
                sort_objects(&mut v, algo);
                assert_eq!(values(&v, 0), ["${meta.a}", "${meta.b}"]);
            }
        }
    }

    /// Type, then counts, come before the fields: Edited < Added < Deleted.
    #[test]
    fn type_and_counts_first() {
        let mut edited = obj(&[("A", "z")]);
        edited.ty = DiffType::Edited;
        let mut deleted = obj(&[("A", "a")]);
        deleted.ty = DiffType::Deleted;
        let two = obj(&[("A", "a"), ("B", "b")]);
        let mut v = vec![deleted.clone(), two.clone(), edited.clone()];
        sort_objects(&mut v, PDQ);
        assert_eq!(v, vec![edited, two, deleted]);
    }

    /// Go 1.11–1.18 run a Shell pass of gap 6 before the insertion sort:
    /// with seven mutually-less objects that pass decides the outcome.
    #[test]
    fn the_shell_pass_of_old_go() {
        // Each object is less than every other on some field: x_i has
        // field A = i and field B = 6 - i, so Less(x_i, x_j) holds for all
        // i != j (the lower A or the lower B).
        let seven: Vec<ObjectDiff> = (0..7)
            .map(|i| obj(&[("A", &i.to_string()), ("B", &(6 - i).to_string())]))
            .collect();
        let mut quick = seven.clone();
        sort_objects(&mut quick, QUICK);
        let mut pdq = seven.clone();
        sort_objects(&mut pdq, PDQ);
        // Insertion sort alone moves each new element to the front: the
        // input reversed.
        assert_eq!(values(&pdq, 0), ["6", "5", "4", "3", "2", "1", "0"]);
        // The Shell pass first swaps 6 and 0 (Less(6, 0)), then the
        // insertion sort reverses [6 1 2 3 4 5 0].
        assert_eq!(values(&quick, 0), ["0", "5", "4", "3", "2", "1", "6"]);
    }

    /// Less sorts the children of objects it compares, in place.
    #[test]
    fn less_sorts_children_it_reaches() {
        let child = |n: &str| ObjectDiff {
            ty: DiffType::Added,
            name: n.into(),
            fields: Vec::new(),
            objects: Vec::new(),
        };
        let mut a = obj(&[("A", "1")]);
        a.objects = vec![child("Tags"), child("Check")];
        let mut b = obj(&[("A", "1")]);
        b.objects = vec![child("Tags"), child("Z")];
        assert!(object_less(&mut a, &mut b, PDQ));
        assert_eq!(a.objects[0].name, "Check");
    }

    /// Go 1.19.8's own `sort.Sort` (go run, this machine) on the input
    /// `(i*37+11) % 97` with `Less(a, b) = a != b && (7a+3b) % 5 < 2`, not
    /// an order: the same permutation step for step, through insertion
    /// sort (7, 12), median-of-three pivots (13, 20), the ninther and
    /// partial insertion sort (50, 64, 70).
    #[test]
    fn pdqsort_matches_go_1_19_on_a_non_order() {
        let go = [
            (7, "11 48 25 85 2 62 39"),
            (12, "11 48 25 85 2 62 39 16 76 53 30 90"),
            (13, "2 67 62 39 85 25 16 76 11 48 53 30 90"),
            (20, "30 95 25 85 35 90 67 7 62 2 76 16 53 44 39 11 21 81 48 58"),
            (50, "49 39 54 59 44 4 64 81 21 11 86 91 31 36 76 96 41 16 26 53 3 63 73 58 13 48 78 8 68 2 85 30 90 35 25 45 50 95 40 72 12 67 77 27 87 82 22 7 62 17"),
            (64, "44 59 54 39 69 9 49 74 14 64 4 46 26 76 91 11 16 21 81 41 96 36 86 31 2 63 3 40 48 85 0 35 95 68 8 45 60 23 58 83 25 73 13 50 55 18 30 90 53 78 67 17 37 72 82 22 87 27 62 12 32 92 77 7"),
            (70, "21 46 36 16 91 41 11 51 86 26 31 81 96 76 63 28 88 68 23 48 53 73 58 18 78 3 13 83 8 67 5 65 40 85 25 45 0 60 90 55 35 95 30 50 59 27 42 77 7 17 12 72 92 32 62 37 87 82 2 22 64 54 4 49 44 69 14 74 9 39"),
        ];
        let go_1_19 = GoSort::Pdq {
            fixed_xorshift: false,
        };
        for (n, want) in go {
            let mut v: Vec<i64> = (0..n).map(|i| (i * 37 + 11) % 97).collect();
            go_sort(&mut v, go_1_19, &mut |a, b| {
                *a != *b && (*a * 7 + *b * 3) % 5 < 2
            });
            let got: Vec<String> = v.iter().map(i64::to_string).collect();
            assert_eq!(got.join(" "), want, "n = {n}");
        }
    }

    /// More than 12 elements: both quicksorts sort a real order fully.
    #[test]
    fn large_inputs_sort_a_real_order() {
        for algo in [
            QUICK,
            PDQ,
            GoSort::Pdq {
                fixed_xorshift: false,
            },
        ] {
            for n in [13usize, 20, 41, 64, 100] {
                let mut v: Vec<u64> = (0..n as u64).map(|i| (i * 7919) % 101).collect();
                let mut want = v.clone();
                want.sort_unstable();
                go_sort(&mut v, algo, &mut |a, b| *a < *b);
                assert_eq!(v, want, "{algo:?} {n}");
                let mut rev: Vec<u64> = (0..n as u64).rev().collect();
                go_sort(&mut rev, algo, &mut |a, b| *a < *b);
                assert_eq!(rev, (0..n as u64).collect::<Vec<_>>());
            }
        }
    }
}
