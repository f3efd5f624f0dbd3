//! Services and their checks (`Service.Diff`, `ServiceCheck.Diff`).

use crate::jobspec as js;

use super::connect::connect_diff;
use super::engine::{
    field_diffs, primitive_object_diff, sort_objects, string_set_diff, structured_object_diff, Flat,
};
use super::fields::{self as fl, Dialect};
use super::job::Ns;
use super::workload::identity_diff;
use super::{DiffType, ObjectDiff};

/// Services are matched by name.
pub(super) fn service_diffs(
    ns: Ns<'_>,
    old: &[js::Service],
    new: &[js::Service],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for o in old {
        out.extend(service_diff(
            ns,
            Some(o),
            new.iter().find(|n| n.name == o.name),
            d,
            ctx,
        ));
    }
    for n in new {
        if !old.iter().any(|o| o.name == n.name) {
            out.extend(service_diff(ns, None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out);
    out
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

/// Checks are matched by name.
pub(super) fn check_diffs(
    old: &[js::ServiceCheck],
    new: &[js::ServiceCheck],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for o in old {
        out.extend(check_diff(
            Some(o),
            new.iter().find(|n| n.name == o.name),
            d,
            ctx,
        ));
    }
    for n in new {
        if !old.iter().any(|o| o.name == n.name) {
            out.extend(check_diff(None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out);
    out
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
