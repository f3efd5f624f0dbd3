//! Job objects added after 0.12: diff.go's `multiregionDiff` (0.12+) and
//! `uiDiff` (1.8+), with their quirks kept: a region whose only change is
//! its datacenters shows no Region object, and the Multiregion object has
//! no fields of its own.

use crate::jobspec as js;

use super::engine::{
    field_diffs, primitive_object_diff, sort_objects, string_set_diff, type_from_fields, Flat,
};
use super::fields::{Dialect, F};
use super::set_order::{keyed_set_diff_after, Hint};
use super::{DiffType, ObjectDiff};

fn strategy(m: &js::Multiregion) -> Flat {
    F::default()
        .i("MaxParallel", m.strategy_max_parallel)
        .s("OnFailure", &m.strategy_on_failure)
        .done()
}

fn region_diff(
    old: Option<&js::MultiregionRegion>,
    new: Option<&js::MultiregionRegion>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |r: &js::MultiregionRegion| {
        F::default()
            .s("Name", &r.name)
            .i("Count", r.count)
            .when(d.at(1, 6, 0), |f| f.s("NodePool", &r.node_pool))
            .map("Meta", &r.meta)
            .done()
    };
    let empty = Flat::new();
    let (of, nf) = (old.map(flat), new.map(flat));
    let fields = field_diffs(
        of.as_ref().unwrap_or(&empty),
        nf.as_ref().unwrap_or(&empty),
        ctx,
    );
    let none: Vec<String> = Vec::new();
    let objects: Vec<ObjectDiff> = string_set_diff(
        old.map(|r| &r.datacenters).unwrap_or(&none),
        new.map(|r| &r.datacenters).unwrap_or(&none),
        "Datacenters",
        ctx,
    )
    .into_iter()
    .filter(|o| o.ty != DiffType::None)
    .collect();
    // Nomad decides the region's type from its fields alone.
    let ty = type_from_fields(&fields)?;
    Some(ObjectDiff {
        ty,
        name: "Region".into(),
        fields,
        objects,
    })
}

pub(super) fn multiregion_diff(
    old: Option<&js::Multiregion>,
    new: Option<&js::Multiregion>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if !d.at(0, 12, 0) || old == new {
        return None;
    }
    let ty = super::engine::presence_type(old, new);
    // An added multiregion is compared with a canonicalised empty one
    // (zero strategy); a deleted one with an empty one (no strategy).
    let zero = strategy(&js::Multiregion::default());
    let os = old.map(strategy).unwrap_or(zero);
    let ns = new.map(strategy);
    let strategy_diff: Vec<ObjectDiff> =
        primitive_object_diff(Some(&os), ns.as_ref(), "Strategy", ctx)
            .into_iter()
            .collect();
    // The strategy, then the regions from a Go map per side keyed by name.
    let regions = |m: Option<&js::Multiregion>| m.map(|m| m.regions.clone()).unwrap_or_default();
    let objects = keyed_set_diff_after(
        strategy_diff,
        &regions(old),
        &regions(new),
        |r| r.name.clone(),
        Hint::ListLength,
        |o, n| region_diff(o, n, d, ctx),
        d,
    );
    Some(ObjectDiff {
        ty,
        name: "Multiregion".into(),
        fields: Vec::new(),
        objects,
    })
}

fn link_flat(l: &js::UiLink) -> Flat {
    F::default().s("Label", &l.label).s("Url", &l.url).done()
}

pub(super) fn ui_diff(
    old: Option<&js::JobUi>,
    new: Option<&js::JobUi>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if !d.at(1, 8, 0) || old == new {
        return None;
    }
    let ty = super::engine::presence_type(old, new);
    let flat = |u: &js::JobUi| F::default().s("Description", &u.description).done();
    let empty = Flat::new();
    let (of, nf) = (old.map(flat), new.map(flat));
    let fields = field_diffs(
        of.as_ref().unwrap_or(&empty),
        nf.as_ref().unwrap_or(&empty),
        ctx,
    );
    // Links by position; an extra one is diffed against an empty link.
    let none: Vec<js::UiLink> = Vec::new();
    let ol = old.map(|u| &u.links).unwrap_or(&none);
    let nl = new.map(|u| &u.links).unwrap_or(&none);
    let blank = js::UiLink::default();
    let mut objects = Vec::new();
    for i in 0..ol.len().max(nl.len()) {
        let (o, n) = (ol.get(i).unwrap_or(&blank), nl.get(i).unwrap_or(&blank));
        if o == n {
            continue;
        }
        let ty = if i >= nl.len() {
            DiffType::Deleted
        } else if i >= ol.len() {
            DiffType::Added
        } else {
            DiffType::Edited
        };
        objects.push(ObjectDiff {
            ty,
            name: "Link".into(),
            fields: field_diffs(&link_flat(o), &link_flat(n), ctx),
            objects: Vec::new(),
        });
    }
    // linkDiffs sorts the links, and uiDiff sorts its objects (the same
    // links) again: with a Less that is not an order the second sort can
    // move them further (diff.go uiDiff@v2.0.5).
    sort_objects(&mut objects, d);
    sort_objects(&mut objects, d);
    Some(ObjectDiff {
        ty,
        name: "UI".into(),
        fields,
        objects,
    })
}
