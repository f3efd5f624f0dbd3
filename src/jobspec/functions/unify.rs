//! go-cty's type unification (convert.UnifyUnsafe, cty/convert/unify.go,
//! with compare_types.go's preference order): the one type a set of types
//! all convert to, which conditionals, `coalesce`, `concat` of lists and
//! every conversion of a tuple to `list(any)` (a `list(dynamic)`
//! parameter) or of an object to `map(any)` use. Written against go-cty
//! v1.16.3's source and checked with an oracle built from go-cty 1.4.1,
//! 1.8.0, 1.12.1, 1.13.0 and 1.16.3 (hclsyntax, stdlib, typeexpr; the
//! tests below cite its answers).
//!
//! go-cty 1.8.1 (commit 90fd0d5, "unify mixtures similar of structural
//! and collection types") changed how a list meets a tuple and a map an
//! object, and how a null (dynamic) element meets collections
//! (dfcbf96): before it (Nomad 1.0.0 to 1.3.9) a unification that meets
//! those is not judged here.

use crate::jobspec::var_convert::Exact;
use crate::version::NomadVersion;

/// What unification gives: a type, none at all (go-cty's NilType: the
/// caller's error), or a case this does not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unified {
    To(Exact),
    Fails,
    CannotTell,
}

/// UnifyUnsafe(types) under go-cty release `cty` (params::cty_release).
pub fn unify(types: &[Exact], cty: NomadVersion) -> Unified {
    if !cty.at_least(1, 8, 1) && changed_in_1_8_1(types) {
        return Unified::CannotTell;
    }
    unify_new(types)
}

/// Whether these types, or the types unified under them, meet what
/// go-cty 1.8.1 changed: a list with a tuple, a map with an object, the
/// dynamic type with a collection (the same answers otherwise: the
/// oracle at go-cty 1.4.1 and 1.8.0 agrees with 1.16.3 on the tests'
/// cases).
fn changed_in_1_8_1(types: &[Exact]) -> bool {
    let has = |f: fn(&Exact) -> bool| types.iter().any(f);
    let collection = |t: &Exact| !primitive_or_dynamic(t);
    if (has(|t| matches!(t, Exact::List(_))) && has(|t| matches!(t, Exact::Tuple(_))))
        || (has(|t| matches!(t, Exact::Map(_))) && has(|t| matches!(t, Exact::Object(_))))
        || (has(|t| *t == Exact::Dynamic) && has(collection))
    {
        return true;
    }
    // Every element and attribute type, which unification meets together.
    let inner: Vec<Exact> = types
        .iter()
        .flat_map(|t| match t {
            Exact::List(e) | Exact::Set(e) | Exact::Map(e) => vec![(**e).clone()],
            Exact::Tuple(e) => e.clone(),
            Exact::Object(a) => a.values().cloned().collect(),
            _ => Vec::new(),
        })
        .collect();
    !inner.is_empty() && changed_in_1_8_1(&inner)
}

fn primitive_or_dynamic(t: &Exact) -> bool {
    matches!(
        t,
        Exact::String | Exact::Number | Exact::Bool | Exact::Dynamic
    )
}

fn unify_new(types: &[Exact]) -> Unified {
    let Some(first) = types.first() else {
        return Unified::Fails;
    };
    if types.iter().all(|t| t == first) {
        return Unified::To(first.clone());
    }
    let count = |f: fn(&Exact) -> bool| types.iter().filter(|t| f(t)).count();
    let maps = count(|t| matches!(t, Exact::Map(_)));
    let lists = count(|t| matches!(t, Exact::List(_)));
    let sets = count(|t| matches!(t, Exact::Set(_)));
    let objects = count(|t| matches!(t, Exact::Object(_)));
    let tuples = count(|t| matches!(t, Exact::Tuple(_)));
    let dynamic = count(|t| matches!(t, Exact::Dynamic));
    let n = types.len();
    // A collection or structural kind met with the dynamic type: go-cty
    // unifies to dynamic (unifyAllAsDynamic), whatever the others.
    let all_of = |k: usize| k > 0 && k + dynamic == n;
    if all_of(maps) || all_of(lists) || all_of(sets) || all_of(objects) || all_of(tuples) {
        if dynamic > 0 {
            return Unified::To(Exact::Dynamic);
        }
        if all_of(objects) {
            return objects_together(types);
        }
        if all_of(tuples) {
            return tuples_together(types);
        }
        let elems: Vec<Exact> = types.iter().filter_map(element).collect();
        return match unify_new(&elems) {
            Unified::To(e) => Unified::To(rewrap(first, e)),
            other => other,
        };
    }
    if maps > 0 && maps + objects + dynamic == n {
        // unifyObjectsAsMaps: the objects as one map type, then again.
        if let Unified::To(m @ Exact::Map(_)) = objects_to_map(types) {
            let swapped = replace(types, |t| matches!(t, Exact::Object(_)), &m);
            if let Unified::To(r @ Exact::Map(_)) = unify_new(&swapped) {
                return Unified::To(r);
            }
        }
    } else if lists > 0 && lists + tuples + dynamic == n {
        if let Unified::To(l @ Exact::List(_)) = tuples_to_list(types) {
            let swapped = replace(types, |t| matches!(t, Exact::Tuple(_)), &l);
            if let Unified::To(r @ Exact::List(_)) = unify_new(&swapped) {
                return Unified::To(r);
            }
        }
    } else if objects > 0 && tuples > 0 {
        return Unified::Fails;
    }
    general(types)
}

/// The general path: the most general type first (sortTypes), the first
/// every other type converts to. Only primitives and the dynamic type
/// are followed here: a string takes every primitive, number and bool
/// have no conversion between them, and everything converts to dynamic
/// (which sorts last).
fn general(types: &[Exact]) -> Unified {
    let has = |t: Exact| types.contains(&t);
    if !types.iter().all(primitive_or_dynamic) {
        // A primitive and a collection: no conversion between them either
        // way, so only the dynamic type, when one is there, takes both.
        let prim = types
            .iter()
            .any(|t| primitive_or_dynamic(t) && *t != Exact::Dynamic);
        return match (prim, has(Exact::Dynamic)) {
            (true, true) => Unified::To(Exact::Dynamic),
            (true, false) => Unified::Fails,
            _ => Unified::CannotTell,
        };
    }
    if has(Exact::String) {
        return Unified::To(Exact::String);
    }
    let prims: Vec<&Exact> = types.iter().filter(|t| **t != Exact::Dynamic).collect();
    match prims.first() {
        None => Unified::To(Exact::Dynamic),
        Some(p) if prims.iter().all(|q| q == p) => Unified::To((*p).clone()),
        // Number and bool: neither converts to the other, but both to
        // the dynamic type when one is there.
        Some(_) if has(Exact::Dynamic) => Unified::To(Exact::Dynamic),
        Some(_) => Unified::Fails,
    }
}

fn element(t: &Exact) -> Option<Exact> {
    match t {
        Exact::List(e) | Exact::Set(e) | Exact::Map(e) => Some((**e).clone()),
        _ => None,
    }
}

fn rewrap(like: &Exact, e: Exact) -> Exact {
    match like {
        Exact::Map(_) => Exact::Map(Box::new(e)),
        Exact::Set(_) => Exact::Set(Box::new(e)),
        _ => Exact::List(Box::new(e)),
    }
}

fn replace(types: &[Exact], which: fn(&Exact) -> bool, with: &Exact) -> Vec<Exact> {
    types
        .iter()
        .map(|t| if which(t) { with.clone() } else { t.clone() })
        .collect()
}

/// unifyObjectTypes: the same attribute names unify attribute by
/// attribute (one that does not fails the whole); other names make a map
/// of every attribute's type.
fn objects_together(types: &[Exact]) -> Unified {
    let attrs: Vec<_> = types
        .iter()
        .filter_map(|t| match t {
            Exact::Object(a) => Some(a),
            _ => None,
        })
        .collect();
    let first = attrs[0];
    let same_names = attrs
        .iter()
        .all(|a| a.len() == first.len() && a.keys().all(|k| first.contains_key(k)));
    if !same_names {
        return objects_to_map(types);
    }
    let mut out = std::collections::BTreeMap::new();
    for name in first.keys() {
        let across: Vec<Exact> = attrs.iter().map(|a| a[name].clone()).collect();
        match unify_new(&across) {
            Unified::To(t) => {
                out.insert(name.clone(), t);
            }
            other => return other,
        }
    }
    Unified::To(Exact::Object(out))
}

/// unifyObjectTypesToMap: one element type for every attribute.
fn objects_to_map(types: &[Exact]) -> Unified {
    let atys: Vec<Exact> = types
        .iter()
        .flat_map(|t| match t {
            Exact::Object(a) => a.values().cloned().collect(),
            _ => Vec::new(),
        })
        .collect();
    if atys.is_empty() {
        // No attribute anywhere: go-cty unifies nothing (NilType).
        return Unified::Fails;
    }
    match unify_new(&atys) {
        Unified::To(e) => Unified::To(Exact::Map(Box::new(e))),
        other => other,
    }
}

/// unifyTupleTypes: tuples of one length unify element by element (one
/// that does not fails the whole); other lengths make a list.
fn tuples_together(types: &[Exact]) -> Unified {
    let etys: Vec<_> = types
        .iter()
        .filter_map(|t| match t {
            Exact::Tuple(e) => Some(e),
            _ => None,
        })
        .collect();
    let len = etys[0].len();
    if etys.iter().any(|e| e.len() != len) {
        return tuples_to_list(types);
    }
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let across: Vec<Exact> = etys.iter().map(|e| e[i].clone()).collect();
        match unify_new(&across) {
            Unified::To(t) => out.push(t),
            other => return other,
        }
    }
    Unified::To(Exact::Tuple(out))
}

/// unifyTupleTypesToList: one element type for every element.
fn tuples_to_list(types: &[Exact]) -> Unified {
    let etys: Vec<Exact> = types
        .iter()
        .flat_map(|t| match t {
            Exact::Tuple(e) => e.clone(),
            _ => Vec::new(),
        })
        .collect();
    if etys.is_empty() {
        return Unified::Fails;
    }
    match unify_new(&etys) {
        Unified::To(e) => Unified::To(Exact::List(Box::new(e))),
        other => other,
    }
}

/// The element type a tuple converts to for a `list(dynamic)` (or
/// `set(dynamic)`) parameter (conversionTupleToList): its element types
/// unified, where a dynamic result only serves elements all dynamic.
/// Fails: no conversion (go-cty's "all list elements must have the same
/// type").
pub fn tuple_element(etys: &[Exact], cty: NomadVersion) -> Unified {
    if etys.is_empty() {
        return Unified::To(Exact::Dynamic);
    }
    match unify(etys, cty) {
        Unified::To(Exact::Dynamic) if etys.iter().any(|t| *t != Exact::Dynamic) => Unified::Fails,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: NomadVersion = NomadVersion::new(1, 16, 3);
    const OLD: NomadVersion = NomadVersion::new(1, 8, 0);

    fn tup(e: Vec<Exact>) -> Exact {
        Exact::Tuple(e)
    }

    fn obj(pairs: &[(&str, Exact)]) -> Exact {
        Exact::Object(
            pairs
                .iter()
                .map(|(k, t)| (k.to_string(), t.clone()))
                .collect(),
        )
    }

    fn list(e: Exact) -> Exact {
        Exact::List(Box::new(e))
    }

    fn map(e: Exact) -> Exact {
        Exact::Map(Box::new(e))
    }

    use Exact::{Bool, Dynamic, Number, String as Str};

    #[test]
    fn primitives_unify_to_string_or_not_at_all() {
        // Oracle (go-cty 1.4.1 to 1.16.3): coalesce(1, "x") is "1";
        // coalesce(1, true) "all arguments must have the same type";
        // coalesce(null, 1, "x") "1"; coalesce(1, null) 1.
        assert_eq!(unify(&[Number, Str], OLD), Unified::To(Str));
        assert_eq!(unify(&[Bool, Str], NEW), Unified::To(Str));
        assert_eq!(unify(&[Number, Bool], NEW), Unified::Fails);
        assert_eq!(unify(&[Dynamic, Number, Str], NEW), Unified::To(Str));
        assert_eq!(unify(&[Number, Dynamic], NEW), Unified::To(Number));
        assert_eq!(unify(&[Number, Bool, Dynamic], NEW), Unified::To(Dynamic));
    }

    #[test]
    fn structural_types_unify_as_go_cty_unifies_them() {
        // Oracle: coalesce([1], ["a"]) is ["1"], a tuple; coalesce([1, 2],
        // ["a"]) ["1","2"], a list of string; coalesce({a=1}, {a="x"})
        // {"a":"1"}, an object; coalesce({a=1}, {b="x"}) a map of string;
        // coalesce([1], [true]) fails; true ? {a = 1} : {a = true} fails.
        assert_eq!(
            unify(&[tup(vec![Number]), tup(vec![Str])], NEW),
            Unified::To(tup(vec![Str]))
        );
        assert_eq!(
            unify(&[tup(vec![Number, Number]), tup(vec![Str])], NEW),
            Unified::To(list(Str))
        );
        assert_eq!(
            unify(&[obj(&[("a", Number)]), obj(&[("a", Str)])], NEW),
            Unified::To(obj(&[("a", Str)]))
        );
        assert_eq!(
            unify(&[obj(&[("a", Number)]), obj(&[("b", Str)])], NEW),
            Unified::To(map(Str))
        );
        assert_eq!(
            unify(&[tup(vec![Number]), tup(vec![Bool])], NEW),
            Unified::Fails
        );
        assert_eq!(
            unify(&[obj(&[("a", Number)]), obj(&[("a", Bool)])], NEW),
            Unified::Fails
        );
        // `true ? [1] : []`: a list of number.
        assert_eq!(
            unify(&[tup(vec![Number]), tup(vec![])], NEW),
            Unified::To(list(Number))
        );
        // A list among tuples (go-cty 1.8.1 on).
        assert_eq!(
            unify(&[list(Str), tup(vec![Number])], NEW),
            Unified::To(list(Str))
        );
        assert_eq!(
            unify(&[list(Str), tup(vec![Number])], OLD),
            Unified::CannotTell
        );
        assert_eq!(
            unify(&[tup(vec![Number]), tup(vec![Str])], OLD),
            Unified::To(tup(vec![Str]))
        );
        // distinct([[1], null]) at go-cty 1.4.1: a list of tuple (1.8.1
        // on: refused).
        assert_eq!(
            unify(&[tup(vec![Number]), Dynamic], OLD),
            Unified::CannotTell
        );
        // coalesce(null, [1]): the dynamic type.
        assert_eq!(
            unify(&[Dynamic, tup(vec![Number])], NEW),
            Unified::To(Dynamic)
        );
        assert_eq!(unify(&[obj(&[]), tup(vec![])], NEW), Unified::Fails);
    }

    #[test]
    fn a_tuple_for_a_list_parameter() {
        // Oracle: distinct([null, "a"]) [null,"a"], a list of string;
        // distinct([[1], null]) and distinct([1, [1]]) "all list elements
        // must have the same type"; distinct([[1], ["a", 2]]) a list of
        // list of string.
        assert_eq!(tuple_element(&[Dynamic, Str], NEW), Unified::To(Str));
        assert_eq!(
            tuple_element(&[tup(vec![Number]), Dynamic], NEW),
            Unified::Fails
        );
        assert_eq!(
            tuple_element(&[Number, tup(vec![Number])], NEW),
            Unified::Fails
        );
        assert_eq!(
            tuple_element(&[tup(vec![Number]), tup(vec![Str, Number])], NEW),
            Unified::To(list(Str))
        );
        assert_eq!(
            tuple_element(&[Dynamic, Dynamic], NEW),
            Unified::To(Dynamic)
        );
    }
}
