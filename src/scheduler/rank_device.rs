//! Device offers inside bin-packing (`BinPackIterator`, "Acquire devices"
//! in `scheduler/feasible/rank.go`): each task's device requests, in order,
//! get instances of one model from a per-node allocator that has seen what
//! the node's allocations hold; when a request cannot be offered and
//! eviction is on, device preemption frees instances and the offer is
//! retried. The release decides the failure text and two quirks:
//! before 1.8 a node whose device preemption fails is dropped without a
//! metric, and until 2.0.1 (Enterprise 1.10.11, 1.11.5) the allocator
//! rebuilt after an eviction is thrown away (before 1.9 a Go shadowed
//! variable, then an offer reserved on the old allocator, #27880), so later
//! requests still see the victims' instances as held.

use super::device::{DeviceAllocator, NanCompared};
use super::engine::{Ask, Engine};
use super::preempt::Preemptor;
use crate::cluster::{Allocation, Node};
use crate::structs::device::AllocDevice;

/// The dimension of a node bin-packing dropped without recording it
/// (`exhaust` skips it): Nomad before 1.8 logged and moved on.
pub const UNRECORDED: &str = "";

/// Why a node gets no device offers: Nomad's reason, or a comparison that
/// panics Nomad's server ([`NanCompared`]), which ends the evaluation and
/// which the caller words as the crash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unassigned {
    Refused(String),
    Panics(NanCompared),
}

impl From<String> for Unassigned {
    fn from(reason: String) -> Self {
        Unassigned::Refused(reason)
    }
}

impl From<NanCompared> for Unassigned {
    fn from(nan: NanCompared) -> Self {
        Unassigned::Panics(nan)
    }
}

impl Unassigned {
    /// The panic, if that is why.
    pub(super) fn panic(&self) -> Option<NanCompared> {
        match self {
            Unassigned::Panics(p) => Some(*p),
            Unassigned::Refused(_) => None,
        }
    }

    /// The node's reason: Nomad's, or (moot beside the crash the caller
    /// records) the panic's.
    pub(super) fn reason(self) -> String {
        match self {
            Unassigned::Refused(r) => r,
            Unassigned::Panics(_) => "devices: comparing a NaN attribute panics".to_string(),
        }
    }
}

impl Engine<'_> {
    /// Offers for every device request of the group's tasks, and the
    /// "devices" score (matched affinity weight over total weight) when any
    /// request has affinities. Victims chosen here join `victims`; where
    /// Go's map order drew them, `drawn` gets the note saying so.
    pub(super) fn assign_devices<'a>(
        &'a self,
        ask: &Ask<'_>,
        n: &'a Node,
        evict: bool,
        victims: &mut Vec<&'a Allocation>,
        make: &dyn Fn(&[&'a Allocation]) -> Preemptor<'a>,
        drawn: &mut Option<String>,
    ) -> Result<(Vec<AllocDevice>, Option<f64>), Unassigned> {
        let requests = ask.tg.tasks.iter().flat_map(|t| t.resources.devices.iter());
        let mut requests = requests.peekable();
        if requests.peek().is_none() {
            return Ok((Vec::new(), None));
        }
        let v = self.world.nomad_version;
        let proposed = self.proposed_on(n);
        let live = |victims: &[&Allocation]| -> Vec<&'a Allocation> {
            proposed
                .iter()
                .copied()
                .filter(|a| !victims.iter().any(|x| x.id == a.id))
                .collect()
        };
        let fail = |e: &str| {
            if v.at_least(1, 8, 0) {
                format!("devices: {e}")
            } else {
                UNRECORDED.to_string()
            }
        };
        let mut allocator = DeviceAllocator::new(n);
        allocator.add_allocs(live(victims));
        // The chance every request is offered over Go's map orders, when
        // the note is still to be written (redteam5 R5).
        let odds = self
            .wants_note(super::engine::Note::Device("offer"), &ask.tg.name)
            .then(|| {
                let reqs = super::device::requests(ask.tg);
                super::device_order::offered_odds(&allocator, &reqs, v)
            })
            .filter(|p| super::device_order::uncertain(*p));
        let note = |offered: bool| {
            if let Some(p) = odds {
                let text = super::device_order::offered_note(&ask.tg.name, &n.name, p, offered);
                self.pend_device_note(&ask.tg.name, text);
            }
        };
        // The odds walk orders Nomad does not: only the offers below may
        // meet a NaN compare, which they return ([`Unassigned::Panics`]).
        let mut offers = Vec::new();
        let (mut total_weight, mut matched) = (0.0, 0.0);
        for req in requests {
            let walk = self.draw_map_order(allocator.models());
            let (offer, weight) = match allocator.offer_in(req, v, &walk)? {
                Ok(o) => o,
                Err(e) if !evict => {
                    note(false);
                    return Err(format!("devices: {e}").into());
                }
                Err(e) => {
                    let pos = self.node_position(&n.id);
                    let position = |a: &Allocation| pos.map_or(0, |p| self.proposed_slot(p, a));
                    let shape = || match pos {
                        Some(p) => self.proposed_shape(p),
                        None => crate::gomap::Shape::unhinted(proposed.len()),
                    };
                    let order = super::preempt::ProposedOrder {
                        position: &position,
                        shape: &shape,
                    };
                    let pick =
                        make(victims).for_device_drawn(req, &allocator, v, &order, &mut |len| {
                            self.draw_map_order_in(len)
                        })?;
                    if pick.victims.is_empty() {
                        note(false);
                        return Err(fail(e).into());
                    }
                    let what = format!("device {:?}", req.name);
                    if let Some(note) = super::preempt::group_order_note(&n.name, &what, &pick) {
                        drawn.get_or_insert(note);
                    }
                    for a in pick.victims {
                        if !victims.iter().any(|x| x.id == a.id) {
                            victims.push(a);
                        }
                    }
                    let mut fresh = DeviceAllocator::new(n);
                    fresh.add_allocs(live(victims));
                    let walk = self.draw_map_order(fresh.models());
                    let offer = fresh.offer_in(req, v, &walk)?.map_err(&fail)?;
                    // Keeping the rebuilt allocator is 375134e88a (#27880):
                    // 2.0.1, Enterprise 1.10.11 and 1.11.5 (ent-changelog-1.10.14,
                    // -1.11.8; releases of those lines past the community's last
                    // are Enterprise's alone). Before, the offer is reserved on
                    // the old allocator, which still holds the victims.
                    if v.has(crate::version::Fix::DeviceFreshAllocator) {
                        allocator = fresh;
                    }
                    offer
                }
            };
            allocator.reserve(&offer);
            if !req.affinities.is_empty() {
                total_weight += req
                    .affinities
                    .iter()
                    .map(|a| (a.weight as f64).abs())
                    .sum::<f64>();
                matched += weight;
            }
            offers.push(offer);
        }
        note(true);
        let score = (total_weight != 0.0).then(|| matched / total_weight);
        Ok((offers, score))
    }

    /// The allocations a node would hold with the plan so far.
    fn proposed_on(&self, n: &Node) -> Vec<&Allocation> {
        self.node_position(&n.id)
            .map(|p| self.proposed(p))
            .unwrap_or_default()
    }
}

impl Engine<'_> {
    /// Where the release hands out only the instances a request's
    /// `${device.ids}` constraints allow (#18141: 1.4.13, 1.5.9, 1.6.2,
    /// 1.7.0) but judges the model on every free instance (until #27177:
    /// 1.11.1, ent 1.10.7; scheduler/device.go v1.6.5:54-62 counts,
    /// :118-122 hands out), the allocation placed on `node` may carry fewer
    /// instances than asked, even none: Nomad places it and says nothing,
    /// so the plan's notes say it (once per group).
    pub(super) fn note_short_devices(&mut self, ask: &Ask<'_>, node: &str, offers: &[AllocDevice]) {
        let v = self.world.nomad_version;
        if !v.has(crate::version::Fix::DeviceIdsFiltered)
            || v.has(crate::version::Fix::DeviceIdsCounted)
        {
            return;
        }
        let requests = super::device::requests(ask.tg);
        let short = requests
            .iter()
            .zip(offers)
            .find(|(r, o)| usize::try_from(r.count).is_ok_and(|want| o.instance_ids.len() < want));
        let Some((req, offer)) = short else {
            return;
        };
        let (got, want) = (offer.instance_ids.len(), req.count);
        self.note(super::engine::Note::Device("short"), &ask.tg.name, || format!(
            "group {:?}: its device request {:?} asks {want} instance(s), and Nomad {v}{}: the allocation placed on client {:?} gets {got} of them, which Nomad places without a word",
            ask.tg.name, req.name, super::device::SHORT_OFFER, node
        ));
    }
}
