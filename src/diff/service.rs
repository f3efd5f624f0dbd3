//! Services and their checks (`Service.Diff`, `ServiceCheck.Diff`).

use crate::jobspec as js;

use super::connect::connect_diff;
use super::engine::{
    field_diffs, primitive_object_diff, sort_objects, string_set_diff, structured_object_diff, Flat,
};
use super::fields::{self as fl, Dialect};
use super::job::Ns;
use super::set_order::{keyed_set_diff, Hint};
use super::workload::identity_diff;
use super::{DiffType, ObjectDiff};

/// Nomad's `serviceDiffs`. Before 1.2.0 each side is a Go map keyed by
/// name, the last service of a name winning (diff.go serviceDiffs@v1.1.0).
/// From 1.2.0 (75cd30c548, #10965) one service on each side is always one
/// diff, and otherwise each old service, in order, takes the unmatched new
/// service of the highest score above 2 (same position 1, port label 2,
/// name 3; the first of equal scores), the rest being deleted or added
/// (serviceDiffs and findServiceMatch, diff.go@v2.0.5).
pub(super) fn service_diffs(
    ns: Ns<'_>,
    old: &[js::Service],
    new: &[js::Service],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    if !d.at(1, 2, 0) {
        return keyed_set_diff(
            old,
            new,
            |s| s.name.clone(),
            Hint::ListLength,
            |o, n| service_diff(ns, o, n, d, ctx),
            d,
        );
    }
    let mut out = Vec::new();
    if old.len() == 1 && new.len() == 1 {
        return service_diff(ns, old.first(), new.first(), d, ctx)
            .into_iter()
            .collect();
    } else {
        let mut new_matched = vec![false; new.len()];
        for (i, o) in old.iter().enumerate() {
            let j = find_service_match(o, i, new, &new_matched);
            if let Some(j) = j {
                new_matched[j] = true;
            }
            out.extend(service_diff(
                ns,
                Some(o),
                j.and_then(|j| new.get(j)),
                d,
                ctx,
            ));
        }
        for (n, _) in new.iter().zip(&new_matched).filter(|(_, m)| !**m) {
            out.extend(service_diff(ns, None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out, d);
    out
}

/// diff.go `findServiceMatch`@v2.0.5: the first unmatched candidate of the
/// highest score, if that score is above the threshold of 2.
fn find_service_match(
    s: &js::Service,
    index: usize,
    candidates: &[js::Service],
    matched: &[bool],
) -> Option<usize> {
    let mut best: Option<(u32, usize)> = None;
    for (i, c) in candidates.iter().enumerate() {
        if matched.get(i).copied().unwrap_or(true) {
            continue;
        }
        let score = u32::from(i == index)
            + 2 * u32::from(c.port_label == s.port_label)
            + 3 * u32::from(c.name == s.name);
        if score > 2 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

pub(super) fn service_diff(
    ns: Ns<'_>,
    old: Option<&js::Service>,
    new: Option<&js::Service>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::Service::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    objects.extend(string_set_diff(
        &o.canary_tags,
        &n.canary_tags,
        "CanaryTags",
        ctx,
    ));
    objects.extend(string_set_diff(&o.tags, &n.tags, "Tags", ctx));
    objects.extend(check_diffs(&o.checks, &n.checks, d, ctx));
    objects.extend(connect_diff(o.connect.as_ref(), n.connect.as_ref(), d, ctx));
    // diff.go serviceDiff: the service's identity (1.7+) and weights
    // (1.9.2+) objects.
    if d.at(1, 7, 0) {
        objects.extend(identity_diff(
            o.identity.as_ref(),
            n.identity.as_ref(),
            d,
            ctx,
        ));
    }
    if d.at(1, 9, 2) {
        objects.extend(weights_diff(o.weights.as_ref(), n.weights.as_ref(), ctx));
    }
    structured_object_diff(
        old.map(|s| fl::service(s, ns.0, d)).as_ref(),
        new.map(|s| fl::service(s, ns.1, d)).as_ref(),
        false,
        "Service",
        ctx,
        objects,
    )
}

/// diff.go `weightsDiff`: only positive weights are flattened.
fn weights_diff(
    old: Option<&js::ServiceWeights>,
    new: Option<&js::ServiceWeights>,
    ctx: bool,
) -> Option<ObjectDiff> {
    let flat = |w: &js::ServiceWeights| -> Flat {
        let mut f = Flat::new();
        if w.passing > 0 {
            f.insert("Passing".into(), w.passing.to_string());
        }
        if w.warning > 0 {
            f.insert("Warning".into(), w.warning.to_string());
        }
        f
    };
    structured_object_diff(
        old.map(flat).as_ref(),
        new.map(flat).as_ref(),
        old == new,
        "Weights",
        ctx,
        Vec::new(),
    )
}

/// Nomad's `serviceCheckDiffs` (diff.go@v0.9.3 to v2.0.5): each side is a
/// Go map keyed by name, the last check of a name winning, so of two checks
/// with one name (unnamed checks all get `service: "NAME" check`) only the
/// last is diffed (redteam7 D9).
pub(super) fn check_diffs(
    old: &[js::ServiceCheck],
    new: &[js::ServiceCheck],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    keyed_set_diff(
        old,
        new,
        |c| c.name.clone(),
        Hint::ListLength,
        |o, n| check_diff(o, n, d, ctx),
        d,
    )
}

pub(super) fn check_diff(
    old: Option<&js::ServiceCheck>,
    new: Option<&js::ServiceCheck>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::ServiceCheck::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    if o.header != n.header {
        let flat = |h: &std::collections::BTreeMap<String, Vec<String>>| -> Flat {
            let mut f = Flat::new();
            for (k, vs) in h {
                for (i, v) in vs.iter().enumerate() {
                    f.insert(format!("{k}[{i}]"), v.clone());
                }
            }
            f
        };
        let ty = if o.header.is_empty() {
            DiffType::Added
        } else if n.header.is_empty() {
            DiffType::Deleted
        } else {
            DiffType::Edited
        };
        objects.push(ObjectDiff {
            ty,
            name: "Header".into(),
            fields: field_diffs(&flat(&o.header), &flat(&n.header), ctx),
            objects: Vec::new(),
        });
    }
    objects.extend(primitive_object_diff(
        o.check_restart.as_ref().map(fl::check_restart).as_ref(),
        n.check_restart.as_ref().map(fl::check_restart).as_ref(),
        "CheckRestart",
        ctx,
    ));
    structured_object_diff(
        old.map(|c| fl::check(c, d)).as_ref(),
        new.map(|c| fl::check(c, d)).as_ref(),
        false,
        "Check",
        ctx,
        objects,
    )
}
