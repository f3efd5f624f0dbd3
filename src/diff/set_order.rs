//! The order of the diff lists Nomad builds by ranging over Go maps: the
//! set diffs (`primitiveObjectSetDiff` for constraints, affinities,
//! artifacts, upstreams before 1.1.1 and expose paths; `networkResourceDiffs`,
//! `portDiffs`, `requestedDevicesDiffs`, `serviceCheckDiffs`, `secretsDiffs`,
//! `idSliceDiffs`, `consulProxyUpstreamsDiff`, the gateway listeners and
//! services, multiregion regions; services before 1.2.0 and templates
//! before 1.2.4; nomad/structs/diff.go). Each fills a map per side from
//! its list, appends a diff per old entry, then per new-only entry, in
//! the maps' iteration order, and sorts with `sort.Sort(ObjectDiffs)`,
//! whose `Less` is not an order ([`super::gosort`]): the printed order
//! can rest on where each map's iteration started.
//!
//! Go's map order ([`crate::gomap`]): a map of at most 8 entries, made
//! with a size hint of at most 8, yields a rotation of its insertion
//! order from one of 8 equally likely starts. With both maps that small
//! every one of the 64 start pairs is sorted here and the outcomes
//! counted: one outcome is Nomad's order; several make the order random
//! in Nomad, the plan shows the likeliest and a note says so, with the
//! odds. Larger maps are hashed: the plan keeps the file's order and the
//! note says the odds are not established, unless `Less` orders the
//! objects strictly (then any input gives one result).

use std::cell::RefCell;

use super::fields::Dialect;
use super::gosort::{sort_objects, GoSort};
use super::less_order::{strictly_ordered, MAX_PAIRWISE};
use super::ObjectDiff;
use crate::gomap;

/// A set's key: compared with `==` as Go's map compares keys; `bucket`
/// hashes the keys that can be hashed, so a side of thousands of entries
/// is filled and looked up in linear time, not by a scan per entry
/// (redteam11 R11-11). Keys without one (a whole network) are scanned.
pub trait SetKey: PartialEq {
    fn bucket(&self) -> Option<u64> {
        None
    }
}

fn hash_of(x: &impl std::hash::Hash) -> Option<u64> {
    use std::hash::{DefaultHasher, Hasher};
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    Some(h.finish())
}

impl SetKey for String {
    fn bucket(&self) -> Option<u64> {
        hash_of(self)
    }
}

impl SetKey for &str {
    fn bucket(&self) -> Option<u64> {
        hash_of(self)
    }
}

impl SetKey for super::engine::Flat {
    fn bucket(&self) -> Option<u64> {
        hash_of(self)
    }
}

impl SetKey for (String, super::engine::Flat) {
    fn bucket(&self) -> Option<u64> {
        hash_of(self)
    }
}

impl SetKey for crate::jobspec::Network {}

impl SetKey for ObjectDiff {}

/// One side of a set as the Go map Nomad fills from its list with
/// `m[key(x)] = x`: the keys in slot order (first occurrence: a later
/// element of a key replaces the value in place) with each key's last
/// element.
struct MapSide<'a, K, T> {
    slots: Vec<(K, &'a T)>,
    by_bucket: std::collections::HashMap<u64, Vec<usize>>,
}

impl<K: SetKey, T> MapSide<'_, K, T> {
    fn position(&self, k: &K) -> Option<usize> {
        match k.bucket() {
            Some(h) => self
                .by_bucket
                .get(&h)?
                .iter()
                .copied()
                .find(|&i| self.slots.get(i).is_some_and(|(ok, _)| ok == k)),
            None => self.slots.iter().position(|(ok, _)| ok == k),
        }
    }

    fn get(&self, k: &K) -> Option<&T> {
        self.position(k)
            .and_then(|i| self.slots.get(i))
            .map(|(_, t)| *t)
    }
}

fn map_side<'a, T, K: SetKey>(items: &'a [T], key: &impl Fn(&T) -> K) -> MapSide<'a, K, T> {
    let mut side = MapSide {
        slots: Vec::new(),
        by_bucket: std::collections::HashMap::new(),
    };
    for it in items {
        let k = key(it);
        match side.position(&k) {
            Some(i) => {
                if let Some(slot) = side.slots.get_mut(i) {
                    slot.1 = it;
                }
            }
            None => {
                if let Some(h) = k.bucket() {
                    side.by_bucket.entry(h).or_default().push(side.slots.len());
                }
                side.slots.push((k, it));
            }
        }
    }
    side
}

/// How the maps were made: `make(map, len(list))` (most) or without a
/// size hint (`secretsDiffs`). A hint above 8 spreads even a few entries
/// over hashed buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    ListLength,
    None,
}

/// A Nomad set diff: each side a Go map keyed by `key`; `diff(old, new)`
/// for every old key (with the new value of that key, if any) and
/// `diff(None, new)` for every new-only key, in the order Nomad's sort
/// leaves them ([`order`]).
pub fn keyed_set_diff<T, K: SetKey>(
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> K,
    hint: Hint,
    diff: impl FnMut(Option<&T>, Option<&T>) -> Option<ObjectDiff>,
    d: Dialect,
) -> Vec<ObjectDiff> {
    keyed_set_diff_after(Vec::new(), old, new, key, hint, diff, d)
}

/// [`keyed_set_diff`] appended to `fixed`, objects Nomad puts in the same
/// list before ranging over the maps (multiregion's `Strategy`).
pub fn keyed_set_diff_after<T, K: SetKey>(
    fixed: Vec<ObjectDiff>,
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> K,
    hint: Hint,
    mut diff: impl FnMut(Option<&T>, Option<&T>) -> Option<ObjectDiff>,
    d: Dialect,
) -> Vec<ObjectDiff> {
    let (om, nm) = (map_side(old, &key), map_side(new, &key));
    let old_diffs: Vec<Option<ObjectDiff>> = om
        .slots
        .iter()
        .map(|(k, o)| diff(Some(o), nm.get(k)))
        .collect();
    let new_diffs: Vec<Option<ObjectDiff>> = nm
        .slots
        .iter()
        .map(|(k, n)| {
            if om.position(k).is_some() {
                None
            } else {
                diff(None, Some(n))
            }
        })
        .collect();
    let small = |list: usize, keys: usize| match hint {
        Hint::ListLength => list <= gomap::SLOTS,
        Hint::None => keys <= gomap::SLOTS,
    };
    let established = small(old.len(), om.slots.len()) && small(new.len(), nm.slots.len());
    // An Enterprise-only release whose Go is open across a change of the
    // sort: both sorts, their own notes aside; a note when they differ.
    let other = GoSort::other_of_nomad(d.version).map(|alt| {
        let (v, _) = collect(|| {
            order(
                fixed.clone(),
                old_diffs.clone(),
                new_diffs.clone(),
                established,
                alt,
            )
        });
        v
    });
    let v = order(
        fixed,
        old_diffs,
        new_diffs,
        established,
        GoSort::of_nomad(d.version),
    );
    if other.is_some_and(|o| o != v) {
        go_open_note(d.version, &v);
    }
    v
}

/// The note of a list whose order turns on which Go built an
/// Enterprise-only release ([`GoSort::other_of_nomad`]).
pub(super) fn go_open_note(v: crate::version::NomadVersion, objects: &[ObjectDiff]) {
    let span = crate::gorelease::go_span(v);
    note(|scope| {
        format!(
            "{scope}: cannot tell the order of its {} {} diffs: Nomad {} was built with {}, its changelogs do not say which, and Go's sort.Sort (ObjectDiff.Less) orders them differently across that range (Go 1.24 changed its pattern breaking); the plan shows the order under Go {}",
            objects.len(),
            kind(objects),
            v.named(),
            span.text(),
            {
                let (a, b, p) = span.lo;
                format!("{a}.{b}.{p}")
            }
        )
    });
}

/// The diffs in the order Nomad prints them: `old` and `new` are the
/// diffs of each map's entries in slot order (`None`: the entry yields
/// none); a note when that order is random.
fn order(
    fixed: Vec<ObjectDiff>,
    old: Vec<Option<ObjectDiff>>,
    new: Vec<Option<ObjectDiff>>,
    established: bool,
    algo: GoSort,
) -> Vec<ObjectDiff> {
    let n_old = old.len();
    let all: Vec<Option<ObjectDiff>> = old.into_iter().chain(new).collect();
    let n_new = all.len() - n_old;
    let input = |s_old: usize, s_new: usize| -> Vec<usize> {
        gomap::rotation(n_old, s_old)
            .chain(gomap::rotation(n_new, s_new).map(|j| n_old + j))
            .filter(|&i| all.get(i).is_some_and(Option::is_some))
            .collect()
    };
    let build = |order: &[usize]| -> Vec<ObjectDiff> {
        let mut v = fixed.clone();
        v.extend(order.iter().filter_map(|&i| all.get(i).cloned().flatten()));
        v
    };
    let sorted = |order: &[usize]| {
        let mut v = build(order);
        sort_objects(&mut v, algo);
        v
    };
    let in_file_order = input(0, 0);
    if in_file_order.len() < 2 {
        return sorted(&in_file_order);
    }
    if !established {
        let v = sorted(&in_file_order);
        match strictly_ordered(&v, algo) {
            Some(true) => {}
            Some(false) => note(|scope| not_established_note(scope, &v)),
            None => note(|scope| too_many_note(scope, &v)),
        }
        return v;
    }
    let mut inputs: Vec<(Vec<usize>, f64)> = Vec::new();
    let share = 1.0 / (gomap::SLOTS * gomap::SLOTS) as f64;
    for s_old in 0..gomap::SLOTS {
        for s_new in 0..gomap::SLOTS {
            add(&mut inputs, input(s_old, s_new), share);
        }
    }
    let mut outcomes: Vec<(Vec<ObjectDiff>, f64)> = Vec::new();
    for (order, p) in &inputs {
        add(&mut outcomes, sorted(order), *p);
    }
    // The likeliest first; on a tie the one met first (the file's order).
    outcomes.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
    if outcomes.len() > 1 {
        note(|scope| random_note(scope, &outcomes));
    }
    outcomes
        .into_iter()
        .next()
        .map(|(v, _)| v)
        .unwrap_or_default()
}

fn add<T: PartialEq>(list: &mut Vec<(T, f64)>, t: T, p: f64) {
    match list.iter_mut().find(|(x, _)| *x == t) {
        Some((_, q)) => *q += p,
        None => list.push((t, p)),
    }
}

/// Short names for the objects of one list: the value of the first field
/// whose values differ between them (`"${attr.kernel.name}"`), else their
/// position in the plan.
fn labels(v: &[ObjectDiff]) -> Vec<String> {
    let value = |o: &ObjectDiff, name: &str| {
        o.fields.iter().find(|f| f.name == name).map(|f| {
            if f.new.is_empty() {
                f.old.clone()
            } else {
                f.new.clone()
            }
        })
    };
    // Each name once, in the order first met: a list of n objects of f
    // fields each costs n * f lookups per name, not a pass per field.
    let mut seen = std::collections::HashSet::new();
    let names = v
        .iter()
        .flat_map(|o| o.fields.iter().map(|f| f.name.as_str()))
        .filter(|name| seen.insert(*name));
    for name in names {
        let vals: Vec<Option<String>> = v.iter().map(|o| value(o, name)).collect();
        let mut met = std::collections::HashSet::new();
        let distinct = vals.iter().all(|x| met.insert(x));
        if distinct {
            return vals
                .into_iter()
                .map(|x| format!("{:?}", x.unwrap_or_default()))
                .collect();
        }
    }
    (1..=v.len()).map(|i| format!("#{i}")).collect()
}

fn kind(v: &[ObjectDiff]) -> String {
    v.last().map(|o| o.name.clone()).unwrap_or_default()
}

fn random_note(scope: &str, outcomes: &[(Vec<ObjectDiff>, f64)]) -> String {
    let first = outcomes
        .first()
        .map(|(v, _)| v.as_slice())
        .unwrap_or_default();
    let names = labels(first);
    let label_of = |o: &ObjectDiff| {
        first
            .iter()
            .position(|x| x.name == o.name && x.ty == o.ty && x.fields == o.fields)
            .and_then(|i| names.get(i).cloned())
            .unwrap_or_else(|| "?".into())
    };
    let odds: Vec<String> = outcomes
        .iter()
        .map(|(v, p)| {
            let order: Vec<String> = v.iter().map(label_of).collect();
            format!("{} {}", order.join(", "), gomap::percent(*p))
        })
        .collect();
    format!(
        "{scope}: the order of its {} {} diffs is random in Nomad: it builds them in Go's map order and its sort (ObjectDiff.Less) does not order them ({}); the plan shows the likeliest",
        first.len(),
        kind(first),
        odds.join("; ")
    )
}

fn not_established_note(scope: &str, v: &[ObjectDiff]) -> String {
    format!(
        "{scope}: the order of its {} {} diffs is random in Nomad: it builds them from Go maps of more than 8 entries, whose order is not established here, and its sort (ObjectDiff.Less) does not order them ({}); the plan shows one order",
        v.len(),
        kind(v),
        labels(v).join(", ")
    )
}

fn too_many_note(scope: &str, v: &[ObjectDiff]) -> String {
    format!(
        "{scope}: cannot tell the order of its {} {} diffs: Nomad builds them from Go maps of more than 8 entries and sorts them with ObjectDiff.Less, and whether that orders more than {MAX_PAIRWISE} objects holding objects is not checked here; the plan shows one order",
        v.len(),
        kind(v)
    )
}

/// The notes of one diff, gathered while it is built (the set diffs sit
/// deep in the diff's recursion, which returns objects Nomad's JSON
/// defines, with no room for them).
#[derive(Default)]
struct Notes {
    scope: Vec<String>,
    lines: Vec<String>,
}

thread_local! {
    static NOTES: RefCell<Option<Notes>> = const { RefCell::new(None) };
}

/// Run `f`, returning the notes of the random orders it met.
pub fn collect<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let outer = NOTES.with(|n| n.replace(Some(Notes::default())));
    let r = f();
    let lines = NOTES
        .with(|n| n.replace(outer))
        .map(|n| n.lines)
        .unwrap_or_default();
    (r, lines)
}

/// Run `f` with its notes placed under `label` (`group "g"`).
pub fn scoped<R>(label: impl FnOnce() -> String, f: impl FnOnce() -> R) -> R {
    let pushed = NOTES.with(|n| match n.borrow_mut().as_mut() {
        Some(x) => {
            x.scope.push(label());
            true
        }
        None => false,
    });
    let r = f();
    if pushed {
        NOTES.with(|n| {
            if let Some(x) = n.borrow_mut().as_mut() {
                x.scope.pop();
            }
        });
    }
    r
}

fn note(text: impl FnOnce(&str) -> String) {
    NOTES.with(|n| {
        if let Some(x) = n.borrow_mut().as_mut() {
            // The innermost group and task; the job alone at its level.
            let scope = match x.scope.as_slice() {
                [job] => job.clone(),
                [_, rest @ ..] => rest.join(" "),
                [] => "the job".to_string(),
            };
            let line = text(&scope);
            if !x.lines.contains(&line) {
                x.lines.push(line);
            }
        }
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::diff::{DiffType, FieldDiff};
    use crate::version::NomadVersion;

    /// A constraint's object as the diff adds it (less_order's tests too).
    pub(in crate::diff) fn constraint(l: &str, op: &str, r: &str) -> ObjectDiff {
        let f = |name: &str, v: &str| FieldDiff {
            ty: DiffType::Added,
            name: name.into(),
            old: String::new(),
            new: v.into(),
            annotations: Vec::new(),
        };
        ObjectDiff {
            ty: DiffType::Added,
            name: "Constraint".into(),
            fields: vec![f("LTarget", l), f("Operand", op), f("RTarget", r)],
            objects: Vec::new(),
        }
    }

    fn d() -> Dialect {
        Dialect::new(NomadVersion::CURRENT)
    }

    fn added(list: &[ObjectDiff]) -> (Vec<ObjectDiff>, Vec<String>) {
        collect(|| {
            scoped(
                || "group \"g\"".into(),
                || {
                    keyed_set_diff(
                        &[],
                        list,
                        |o| o.clone(),
                        Hint::ListLength,
                        |_, n| n.cloned(),
                        d(),
                    )
                },
            )
        })
    }

    /// redteam7 D2 cn1: whatever the map order, meta.a ends first.
    #[test]
    fn a_consistent_set_has_one_order_and_no_note() {
        let (v, notes) = added(&[
            constraint("${meta.b}", "=", "y"),
            constraint("${meta.a}", "=", "x"),
        ]);
        assert_eq!(v[0].fields[0].new, "${meta.a}");
        assert!(notes.is_empty(), "{notes:?}");
    }

    /// redteam7 D2 go1: each is less than the other, so insertion sort
    /// reverses the map's order; the map yields the file's order 7 times
    /// in 8, so the implied constraint (second in the file) comes first.
    #[test]
    fn a_coin_flip_shows_the_likelier_order_and_says_so() {
        let (v, notes) = added(&[
            constraint("${attr.kernel.name}", "=", "linux"),
            constraint("${attr.consul.version}", "semver", ">= 1.8.0"),
        ]);
        assert_eq!(v[0].fields[0].new, "${attr.consul.version}");
        assert_eq!(
            notes,
            vec!["group \"g\": the order of its 2 Constraint diffs is random in Nomad: it builds them in Go's map order and its sort (ObjectDiff.Less) does not order them (\"${attr.consul.version}\", \"${attr.kernel.name}\" 87.5%; \"${attr.kernel.name}\", \"${attr.consul.version}\" 12.5%); the plan shows the likeliest".to_string()]
        );
    }

    /// Old entries come before new ones whatever the starts: a deleted
    /// and an added constraint are ordered by type alone.
    #[test]
    fn old_map_then_new_map() {
        let a = constraint("${attr.a}", "=", "1");
        let mut b = constraint("${attr.b}", "=", "2");
        b.ty = DiffType::Deleted;
        let (v, notes) = collect(|| {
            keyed_set_diff(
                std::slice::from_ref(&b),
                std::slice::from_ref(&a),
                |o| o.clone(),
                Hint::ListLength,
                |o, n| o.or(n).cloned(),
                d(),
            )
        });
        assert_eq!(v, vec![a, b]);
        assert!(notes.is_empty());
    }

    /// Nine entries are hashed: no odds, a note unless Less orders them.
    #[test]
    fn large_maps_are_not_established() {
        let ordered: Vec<ObjectDiff> = (0..9)
            .map(|i| constraint(&format!("${{meta.k{i}}}"), "=", "x"))
            .collect();
        let (v, notes) = added(&ordered);
        assert_eq!(v.len(), 9);
        assert!(notes.is_empty(), "{notes:?}");
        let mut coin: Vec<ObjectDiff> = ordered.clone();
        coin.push(constraint("${attr.zzz}", ">", "a"));
        let (_, notes) = added(&coin);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("not established"), "{notes:?}");
    }

    /// redteam11 R11-11: a thousand entries that are mutually less in
    /// pairs, with no field whose values differ across all of them, are
    /// decided and named at once (the check was n³, the labels n³ too).
    #[test]
    fn a_thousand_entries_are_decided_quickly() {
        let list: Vec<ObjectDiff> = (0..1000)
            .map(|i| {
                constraint(
                    if i % 2 == 0 { "${meta.a}" } else { "${meta.b}" },
                    "=",
                    &format!("v{:03}", 999 - i / 2),
                )
            })
            .collect();
        let (v, notes) = added(&list);
        assert_eq!(v.len(), 1000);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("group \"g\": the order of its 1000 Constraint diffs is random in Nomad: it builds them from Go maps of more than 8 entries, whose order is not established here, and its sort (ObjectDiff.Less) does not order them (#1, #2, #3,"),
            "{}",
            &notes[0][..300]
        );
    }

    #[test]
    fn last_of_a_key_wins_in_the_first_slot() {
        let side = map_side(&[("a", 1), ("b", 2), ("a", 3)], &|x: &(&str, i32)| x.0);
        assert_eq!(side.slots.len(), 2);
        assert_eq!((side.slots[0].0, side.slots[0].1 .1), ("a", 3));
        assert_eq!(side.get(&"b").map(|x| x.1), Some(2));
        assert!(side.get(&"c").is_none());
    }
}
