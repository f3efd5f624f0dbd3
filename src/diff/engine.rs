//! The generic pieces of Nomad's diff: flattened field maps compared field by
//! field, primitive objects, sets of objects and string sets, and the sort
//! orders Nomad applies to each.

use std::collections::BTreeMap;

use super::fields::Dialect;
use super::set_order::{keyed_set_diff, Hint};
use super::{DiffType, FieldDiff, ObjectDiff};

/// A flattened struct: field name (`Meta[owner]`, `port_map[0][db]`) to value.
/// A missing key compares like an empty string, as Go's map lookup does.
pub type Flat = BTreeMap<String, String>;

/// Nomad's `fieldDiff`.
pub fn field_diff(old: &str, new: &str, name: &str, contextual: bool) -> Option<FieldDiff> {
    let (ty, o, n) = if old == new {
        if !contextual {
            return None;
        }
        (DiffType::None, old, new)
    } else if old.is_empty() {
        (DiffType::Added, "", new)
    } else if new.is_empty() {
        (DiffType::Deleted, old, "")
    } else {
        (DiffType::Edited, old, new)
    };
    Some(FieldDiff {
        ty,
        name: name.to_string(),
        old: o.to_string(),
        new: n.to_string(),
        annotations: Vec::new(),
    })
}

/// Nomad's `fieldDiffs`: every key of either map, sorted.
pub fn field_diffs(old: &Flat, new: &Flat, contextual: bool) -> Vec<FieldDiff> {
    let mut out: Vec<FieldDiff> = Vec::new();
    for (k, o) in old {
        let n = new.get(k).map(String::as_str).unwrap_or("");
        out.extend(field_diff(o, n, k, contextual));
    }
    for (k, n) in new {
        if !old.contains_key(k) {
            out.extend(field_diff("", n, k, contextual));
        }
    }
    sort_fields(&mut out);
    out
}

pub fn sort_fields(fields: &mut [FieldDiff]) {
    fields.sort_by(|a, b| {
        a.name
            .as_bytes()
            .cmp(b.name.as_bytes())
            .then_with(|| a.old.as_bytes().cmp(b.old.as_bytes()))
            .then_with(|| a.new.as_bytes().cmp(b.new.as_bytes()))
    });
}

/// Nomad's `sort.Sort(ObjectDiffs(objects))` for a list it builds in a
/// fixed order (from lists, by position or by matching), run as the Go
/// that built the release runs it: `ObjectDiff.Less` is not an order, so
/// the result is the algorithm's on this input order ([`super::gosort`]).
/// Lists built from Go maps go through [`super::set_order`] instead.
///
/// An Enterprise-only release whose Go is open across a change of the
/// sort ([`super::gosort::GoSort::other_of_nomad`]) is sorted both ways;
/// when the orders differ a note says the order is not known.
pub fn sort_objects(objects: &mut [ObjectDiff], d: Dialect) {
    use super::gosort::{sort_objects, GoSort};
    let other = GoSort::other_of_nomad(d.version).map(|alt| {
        let mut v = objects.to_vec();
        sort_objects(&mut v, alt);
        v
    });
    sort_objects(objects, GoSort::of_nomad(d.version));
    if other.is_some_and(|o| o != objects) {
        super::set_order::go_open_note(d.version, objects);
    }
}

/// The type of an object diff from which side has the object: Nomad's
/// `Added`/`Deleted`/`Edited` for a block present on one or both sides.
pub fn presence_type<T>(old: Option<T>, new: Option<T>) -> DiffType {
    match (old, new) {
        (None, _) => DiffType::Added,
        (_, None) => DiffType::Deleted,
        _ => DiffType::Edited,
    }
}

/// [`presence_type`] for a map diffed as one object (an opaque `Config`,
/// gateway bind addresses): an empty map is an absent block, as Nomad's
/// `configDiff` and `connectGatewayProxyEnvoyBindAddrsDiff` read it.
pub fn map_presence_type<K, V>(
    old: &std::collections::BTreeMap<K, V>,
    new: &std::collections::BTreeMap<K, V>,
) -> DiffType {
    presence_type(
        (!old.is_empty()).then_some(old),
        (!new.is_empty()).then_some(new),
    )
}

/// The object's type from its field changes, as `primitiveObjectDiff` decides.
pub fn type_from_fields(fields: &[FieldDiff]) -> Option<DiffType> {
    let edited = fields.iter().any(|f| f.ty == DiffType::Edited);
    let added = fields.iter().any(|f| f.ty == DiffType::Added);
    let deleted = fields.iter().any(|f| f.ty == DiffType::Deleted);
    if edited || (added && deleted) {
        Some(DiffType::Edited)
    } else if added {
        Some(DiffType::Added)
    } else if deleted {
        Some(DiffType::Deleted)
    } else {
        None
    }
}

/// Nomad's `primitiveObjectDiff`: `None` when nothing changed.
pub fn primitive_object_diff(
    old: Option<&Flat>,
    new: Option<&Flat>,
    name: &str,
    contextual: bool,
) -> Option<ObjectDiff> {
    let empty = Flat::new();
    let fields = field_diffs(old.unwrap_or(&empty), new.unwrap_or(&empty), contextual);
    let ty = type_from_fields(&fields)?;
    Some(ObjectDiff {
        ty,
        name: name.to_string(),
        fields,
        objects: Vec::new(),
    })
}

/// Nomad's `primitiveObjectSetDiff`: objects matched by content (hash or
/// a `DiffID` made of all their fields), so a changed element shows as
/// one Deleted and one Added object, in the order Nomad's maps and sort
/// leave them ([`super::set_order`]).
pub fn primitive_object_set_diff(
    old: &[Flat],
    new: &[Flat],
    name: &str,
    contextual: bool,
    d: Dialect,
) -> Vec<ObjectDiff> {
    keyed_set_diff(
        old,
        new,
        |f| f.clone(),
        Hint::ListLength,
        |o, n| primitive_object_diff(o, n, name, contextual),
        d,
    )
}

/// Nomad's `stringSetDiff`.
pub fn string_set_diff(
    old: &[String],
    new: &[String],
    name: &str,
    contextual: bool,
) -> Option<ObjectDiff> {
    let old_set: std::collections::BTreeSet<&str> = old.iter().map(String::as_str).collect();
    let new_set: std::collections::BTreeSet<&str> = new.iter().map(String::as_str).collect();
    if old_set == new_set && !contextual {
        return None;
    }
    let mut fields = Vec::new();
    let (mut added, mut removed) = (false, false);
    for k in &old_set {
        if !new_set.contains(k) {
            fields.extend(field_diff(k, "", name, contextual));
            removed = true;
        } else if contextual {
            fields.extend(field_diff(k, k, name, contextual));
        }
    }
    for k in &new_set {
        if !old_set.contains(k) {
            fields.extend(field_diff("", k, name, contextual));
            added = true;
        }
    }
    sort_fields(&mut fields);
    let ty = match (added, removed) {
        (true, true) => DiffType::Edited,
        (true, false) => DiffType::Added,
        (false, true) => DiffType::Deleted,
        (false, false) if fields.is_empty() => return None,
        (false, false) => DiffType::None,
    };
    Some(ObjectDiff {
        ty,
        name: name.to_string(),
        fields,
        objects: Vec::new(),
    })
}

/// An object whose type is decided by presence and deep equality, as Nomad's
/// hand-written `Diff` methods (Resources, Network, Service, Check...) do:
/// `None` when both sides are equal, otherwise Added/Deleted/Edited even if
/// only sub-objects differ.
pub fn structured_object_diff(
    old: Option<&Flat>,
    new: Option<&Flat>,
    equal: bool,
    name: &str,
    contextual: bool,
    objects: Vec<ObjectDiff>,
) -> Option<ObjectDiff> {
    if equal {
        return None;
    }
    let empty = Flat::new();
    let (ty, of, nf) = match (old, new) {
        (None, None) => return None,
        (None, Some(n)) => (DiffType::Added, &empty, n),
        (Some(o), None) => (DiffType::Deleted, o, &empty),
        (Some(o), Some(n)) => (DiffType::Edited, o, n),
    };
    Some(ObjectDiff {
        ty,
        name: name.to_string(),
        fields: field_diffs(of, nf, contextual),
        objects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(pairs: &[(&str, &str)]) -> Flat {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn empty_old_means_added_and_contextual_keeps_equal_fields() {
        let d = primitive_object_diff(
            None,
            Some(&flat(&[("Sticky", "false"), ("Path", "")])),
            "X",
            true,
        )
        .unwrap();
        assert_eq!(d.ty, DiffType::Added);
        assert_eq!(d.fields[0].name, "Path");
        assert_eq!(d.fields[0].ty, DiffType::None);
        assert_eq!(d.fields[1].ty, DiffType::Added);
    }

    /// 40 constraints each "less" than every other (A rises, B falls):
    /// pdqsort's pattern breaking runs, and Go 1.24's xorshift moves other
    /// elements than Go 1.23's.
    fn mutually_less(n: usize) -> Vec<ObjectDiff> {
        (0..n)
            .map(|i| ObjectDiff {
                ty: DiffType::Added,
                name: "Constraint".into(),
                fields: [("A", i), ("B", n - 1 - i)]
                    .iter()
                    .map(|(k, x)| FieldDiff {
                        ty: DiffType::Added,
                        name: (*k).into(),
                        old: String::new(),
                        new: format!("{x:03}"),
                        annotations: Vec::new(),
                    })
                    .collect(),
                objects: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn an_order_that_turns_on_an_open_go_release_is_said() {
        use crate::version::NomadVersion as V;
        let sorted = |v: V| {
            let mut objs = mutually_less(40);
            let (_, notes) = super::super::set_order::collect(|| {
                sort_objects(&mut objs, Dialect::new(v));
            });
            (objs, notes)
        };
        // 1.8.4 (Go 1.22.6) and 1.8.18+ent (Go 1.25.3): known, no note,
        // and the two sorts differ on this input.
        let (old, notes) = sorted(V::new(1, 8, 4));
        assert!(notes.is_empty(), "{notes:?}");
        let (new, notes) = sorted(V::new(1, 8, 18));
        assert!(notes.is_empty(), "{notes:?}");
        assert_ne!(old, new);
        // 1.8.5+ent: Go 1.22.6 to 1.25.3; the plan shows Go 1.22.6's order
        // and says it cannot tell.
        let (open, notes) = sorted(V::new(1, 8, 5));
        assert_eq!(open, old);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("cannot tell the order of its 40 Constraint diffs: Nomad 1.8.5+ent was built with Go 1.22.6 to 1.25.3"),
            "{notes:?}"
        );
    }

    #[test]
    fn unchanged_object_is_absent() {
        let a = flat(&[("A", "1")]);
        assert!(primitive_object_diff(Some(&a), Some(&a), "X", true).is_none());
    }

    #[test]
    fn changed_set_member_is_deleted_plus_added_added_first() {
        let a = flat(&[("LTarget", "a"), ("RTarget", "1")]);
        let b = flat(&[("LTarget", "a"), ("RTarget", "2")]);
        let v = Dialect::new(crate::version::NomadVersion::CURRENT);
        let d = primitive_object_set_diff(&[a], &[b], "Constraint", true, v);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].ty, DiffType::Added);
        assert_eq!(d[1].ty, DiffType::Deleted);
    }

    #[test]
    fn field_names_sort_bytewise() {
        let d = field_diffs(
            &Flat::new(),
            &flat(&[("MaxFiles", "10"), ("MaxFileSizeMB", "10")]),
            false,
        );
        assert_eq!(d[0].name, "MaxFileSizeMB");
    }

    #[test]
    fn string_sets() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(string_set_diff(&s(&["a"]), &s(&["a"]), "D", false).is_none());
        let d = string_set_diff(&s(&["a"]), &s(&["b"]), "D", false).unwrap();
        assert_eq!(d.ty, DiffType::Edited);
        let d = string_set_diff(&s(&["a"]), &s(&["a"]), "Tags", true).unwrap();
        assert_eq!(d.ty, DiffType::None);
    }
}
