//! What the bound counts as already there: every live allocation's room
//! and ports, the per-node jobs' allocations on the nodes they do not
//! hold yet, and each allocation whole for the arrangement search.

use super::{add, room_of, static_ports, Room, Simulation, DIMS};
use crate::structs::AllocResources;

/// Live usage: the room and ports of allocations.
pub(super) struct Load<'a> {
    pub usage: Room,
    /// Each allocation's ports (one that may hold one of a group's static
    /// ports blocks at most its own node).
    pub holders: Vec<Holder>,
    /// Each allocation free to sit on any node, whole (by ID: a live one,
    /// then the plan's placements): the arrangement search's items
    /// ([`arrange`]). `None` where a per-node group holds more than one
    /// allocation a node, which [`Load::base`] does not model.
    pub items: Vec<(&'a str, Room)>,
    /// What the per-node jobs' groups may hold on any one node: one of
    /// each group, each at its largest.
    pub base: Option<Room>,
}

/// The ports one allocation holds, as they may block a group's static
/// port on its node.
#[derive(Clone, Default)]
pub(super) struct Holder {
    /// Its static ports.
    pub statics: Vec<u16>,
    /// Does it hold dynamic ports? Nomad draws each at random from the
    /// node's dynamic range (`getDynamicPortsStochastic`, nomad/structs/
    /// network.go v2.0.5:705-743), so in some history one may sit on any
    /// port of that range, and `AssignPorts` then refuses a static port
    /// there ("reserved port collision", network.go :470-494): rt21b
    /// R21-B-3.
    dynamic: bool,
}

impl Holder {
    pub(super) fn of(r: &AllocResources) -> Holder {
        Holder {
            statics: static_ports(r),
            dynamic: r.networks.iter().any(|n| !n.dynamic_ports.is_empty()),
        }
    }

    /// May it hold one of `own` on its node: a static port of its own,
    /// or (where one of `own` is inside a candidate node's dynamic range:
    /// `in_range`) a dynamic port drawn onto it?
    pub(super) fn blocks(&self, own: &[u16], in_range: bool) -> bool {
        self.statics.iter().any(|p| own.contains(p)) || (in_range && self.dynamic)
    }
}

/// The live allocations `take` keeps, and for a per-node job's group the
/// nodes it does not hold yet (another history may place it where this
/// one could not), or `None` where one reserves cores.
pub(super) fn load<'a>(
    sim: &'a Simulation,
    by_node: &[Vec<usize>],
    take: impl Fn(&crate::cluster::Allocation) -> bool,
) -> Option<Load<'a>> {
    let state = &sim.state;
    let mut usage: Room = [0; DIMS];
    let mut holders: Vec<Holder> = Vec::new();
    let mut items = Vec::new();
    let mut per_node: std::collections::BTreeMap<(&str, &str, &str), (usize, Room)> =
        Default::default();
    let mut largest: std::collections::BTreeMap<(&str, &str, &str), Room> = Default::default();
    for a in by_node
        .iter()
        .flatten()
        .filter_map(|&i| state.allocs.get(i))
        .filter(|a| take(a))
    {
        let r = room_of(&a.resources, false)?;
        add(&mut usage, &r, 1);
        holders.push(Holder::of(&a.resources));
        if a.job_type.is_per_node() {
            let key = (&*a.namespace, &*a.job_id, &*a.task_group);
            let e = per_node.entry(key).or_insert((0, r));
            e.0 += 1;
            let m = largest.entry(key).or_insert(r);
            for (m, x) in m.iter_mut().zip(r) {
                *m = (*m).max(x);
            }
        } else {
            items.push((&*a.id, r));
        }
    }
    let base = per_node
        .values()
        .all(|(held, _)| *held <= state.nodes.len())
        .then(|| {
            let mut b = [0; DIMS];
            for r in largest.values() {
                add(&mut b, r, 1);
            }
            b
        });
    for (held, r) in per_node.values() {
        add(
            &mut usage,
            r,
            state.nodes.len().saturating_sub(*held) as i64,
        );
    }
    // A per-node job's static ports on the nodes it does not hold yet.
    let missing: usize = per_node
        .values()
        .map(|(held, _)| state.nodes.len().saturating_sub(*held))
        .sum();
    let mut unheld = Holder::default();
    for a in state
        .allocs
        .iter()
        .filter(|a| a.job_type.is_per_node() && take(a))
    {
        let h = Holder::of(&a.resources);
        unheld.statics.extend(h.statics);
        unheld.dynamic |= h.dynamic;
    }
    holders.extend(std::iter::repeat_n(unheld, missing));
    Some(Load {
        usage,
        holders,
        items,
        base,
    })
}
