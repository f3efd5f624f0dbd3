//! Whether Nomad's `ObjectDiff.Less` (nomad/structs/diff.go, the same
//! v0.9.3 to v2.0.5) orders a list strictly, so that `sort.Sort` leaves
//! one order whatever order Go's maps built it in ([`super::set_order`]).
//! Decided in O(n log n) for objects without children and O(n²) with
//! them (redteam11 R11-11: every triple was checked, n³ on copies, and a
//! thousand `port` blocks took a minute).

use super::gosort::{field_less, sort_fields, sort_objects, GoSort};
use super::{FieldDiff, ObjectDiff};

/// Most objects of one list whose order [`strictly_ordered`] checks pair by
/// pair (objects holding objects: services, gateways); README's Limits.
pub const MAX_PAIRWISE: usize = 1000;

/// Does `Less` order these objects strictly (of every two exactly one is
/// less, and transitively), so that any input order sorts to one result?
/// `None`: more than [`MAX_PAIRWISE`] objects holding objects share a
/// name, type and counts, too many to tell.
///
/// `Less` runs on copies (it sorts the children of what it compares), and
/// what it does to a copy depends on that object alone, so each object is
/// prepared once ([`Prepared`]). Objects differing in name, type or
/// counts are ordered by those, strictly; within a run sharing them:
/// - without children, `Less` is "some field below its counterpart", so
///   it orders them strictly exactly when their fields form a chain
///   (each at or below the next's, position by position, never all
///   equal), which sorting them and comparing neighbours decides;
/// - with children, of every two exactly one must be less (a tournament),
///   and a tournament is transitive exactly when no two objects are less
///   than the same number of others: n² / 2 pairs where every triple
///   took n³.
pub(super) fn strictly_ordered(v: &[ObjectDiff], algo: GoSort) -> Option<bool> {
    let prepared: Vec<Prepared> = v.iter().map(|o| Prepared::new(o, algo)).collect();
    let mut runs: Vec<&Prepared> = prepared.iter().collect();
    runs.sort_by(|a, b| a.head().cmp(&b.head()));
    let mut ordered = true;
    for run in runs.chunk_by(|a, b| a.head() == b.head()) {
        let has_children = run.first().is_some_and(|p| !p.children.is_empty());
        ordered &= if !has_children {
            fields_form_a_chain(run)
        } else if run.len() > MAX_PAIRWISE {
            return None;
        } else {
            tournament_is_transitive(run)
        };
        if !ordered {
            break;
        }
    }
    Some(ordered)
}

/// The fields `Less` compares, as `FieldDiff.Less` sees them.
fn field_key(f: &FieldDiff) -> (&[u8], &[u8], &[u8]) {
    (f.name.as_bytes(), f.old.as_bytes(), f.new.as_bytes())
}

fn fields_form_a_chain(run: &[&Prepared]) -> bool {
    type Key<'a> = Vec<(&'a [u8], &'a [u8], &'a [u8])>;
    let mut sorted: Vec<Key> = run
        .iter()
        .map(|p| p.fields.iter().map(field_key).collect())
        .collect();
    sorted.sort_unstable();
    sorted
        .windows(2)
        .all(|w| w[0] != w[1] && w[0].iter().zip(&w[1]).all(|(a, b)| a <= b))
}

fn tournament_is_transitive(run: &[&Prepared]) -> bool {
    let n = run.len();
    let mut less_than = vec![0usize; n];
    for i in 0..n {
        for j in i + 1..n {
            let (ij, ji) = (run[i].less(run[j]), run[j].less(run[i]));
            if ij == ji {
                return false;
            }
            less_than[if ij { i } else { j }] += 1;
        }
    }
    less_than.sort_unstable();
    less_than.iter().enumerate().all(|(rank, &c)| rank == c)
}

/// An object as `Less` sees a fresh copy of it: its own fields and
/// children as they are (for the equality and count tests), then its
/// fields and children as `Less` sorts them before comparing them, the
/// children prepared in turn from the state that sort leaves them in.
struct Prepared {
    object: ObjectDiff,
    fields: Vec<FieldDiff>,
    children: Vec<Prepared>,
}

impl Prepared {
    /// What `Less` compares before any field: name, type, counts.
    fn head(&self) -> (&[u8], u8, usize, usize) {
        let o = &self.object;
        (
            o.name.as_bytes(),
            o.ty.rank(),
            o.fields.len(),
            o.objects.len(),
        )
    }

    fn new(o: &ObjectDiff, algo: GoSort) -> Prepared {
        let mut fields = o.fields.clone();
        sort_fields(&mut fields, algo);
        let mut children = o.objects.clone();
        sort_objects(&mut children, algo);
        Prepared {
            object: o.clone(),
            fields,
            children: children.iter().map(|c| Prepared::new(c, algo)).collect(),
        }
    }

    /// [`object_less`] of fresh copies of the two objects.
    fn less(&self, other: &Prepared) -> bool {
        let (o, p) = (&self.object, &other.object);
        if o == p {
            return false;
        }
        if o.name != p.name {
            return o.name.as_bytes() < p.name.as_bytes();
        }
        if o.ty != p.ty {
            return o.ty.rank() < p.ty.rank();
        }
        if o.fields.len() != p.fields.len() {
            return o.fields.len() < p.fields.len();
        }
        if o.objects.len() != p.objects.len() {
            return o.objects.len() < p.objects.len();
        }
        self.fields
            .iter()
            .zip(&other.fields)
            .any(|(a, b)| field_less(a, b))
            || self
                .children
                .iter()
                .zip(&other.children)
                .any(|(a, b)| a.less(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::set_order::tests::constraint;
    use crate::diff::DiffType;
    use crate::version::NomadVersion;

    /// The n³ check this module ran before (every pair's `Less` on fresh
    /// copies, then every triple), kept as the reference.
    fn strictly_ordered_by_triples(v: &[ObjectDiff], algo: GoSort) -> bool {
        use super::super::gosort::object_less;
        let n = v.len();
        let less: Vec<Vec<bool>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| i != j && object_less(&mut v[i].clone(), &mut v[j].clone(), algo))
                    .collect()
            })
            .collect();
        (0..n).all(|i| (i + 1..n).all(|j| less[i][j] != less[j][i]))
            && (0..n).all(|i| {
                (0..n).all(|j| (0..n).all(|k| !(less[i][j] && less[j][k]) || i == k || less[i][k]))
            })
    }

    /// Objects whose `Less` is an order, a non-order, a tie, a cycle of
    /// three, and children `Less` sorts on the way: the O(n²) check
    /// answers as the n³ one did on every subset of up to four of them.
    #[test]
    fn the_quadratic_check_agrees_with_the_triples() {
        let child = |n: &str, v: &str| {
            let mut c = constraint(v, "=", "x");
            c.name = n.into();
            c
        };
        let with_children = |l: &str, kids: Vec<ObjectDiff>| {
            let mut o = constraint(l, "=", "x");
            o.objects = kids;
            o
        };
        let mut deleted = constraint("${attr.d}", "=", "x");
        deleted.ty = DiffType::Deleted;
        let pool = vec![
            constraint("${meta.a}", "=", "x"),
            constraint("${meta.b}", "=", "y"),
            constraint("${meta.c}", "=", "z"),
            constraint("${attr.kernel.name}", "=", "linux"),
            constraint("${attr.consul.version}", "semver", ">= 1.8.0"),
            // A cycle: a < b on LTarget, b < c on Operand, c < a on RTarget.
            constraint("1", "3", "2"),
            constraint("2", "1", "3"),
            constraint("3", "2", "1"),
            constraint("${meta.a}", "=", "x"),
            deleted,
            with_children("k", vec![child("Z", "1"), child("A", "2")]),
            with_children("k", vec![child("A", "1"), child("Z", "2")]),
            with_children("k", vec![child("A", "2"), child("Z", "1")]),
            // The same fields as the first but one's type: neither is less.
            {
                let mut c = constraint("${meta.a}", "=", "x");
                c.fields[1].ty = DiffType::Edited;
                c
            },
            // Another field name at the same position.
            {
                let mut c = constraint("${meta.a}", "=", "x");
                c.fields[1].name = "Attribute".into();
                c
            },
        ];
        let n = pool.len();
        let mut checked = 0;
        for mask in 1u32..(1 << n) {
            if mask.count_ones() > 4 {
                continue;
            }
            let v: Vec<ObjectDiff> = (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| pool[i].clone())
                .collect();
            for algo in [
                GoSort::Quick,
                GoSort::Pdq {
                    fixed_xorshift: true,
                },
            ] {
                assert_eq!(
                    strictly_ordered(&v, algo),
                    Some(strictly_ordered_by_triples(&v, algo)),
                    "{v:?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 1000);
        // 300 distinct constraints: ordered, and a cycle among them is seen.
        let mut many: Vec<ObjectDiff> = (0..300)
            .map(|i| constraint("${attr.kernel.name}", "!=", &format!("v{i:03}")))
            .collect();
        let algo = GoSort::of_nomad(NomadVersion::CURRENT);
        assert_eq!(strictly_ordered(&many, algo), Some(true));
        many.extend(pool[5..8].iter().cloned());
        assert_eq!(strictly_ordered(&many, algo), Some(false));
        // With children, pair by pair up to the bound, then cannot tell.
        let kids: Vec<ObjectDiff> = (0..=MAX_PAIRWISE)
            .map(|i| with_children(&format!("k{i:04}"), vec![child("A", "1")]))
            .collect();
        assert_eq!(strictly_ordered(&kids[1..], algo), Some(true));
        assert_eq!(strictly_ordered(&kids, algo), None);
    }
}
