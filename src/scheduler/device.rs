//! Devices in the scheduler, as Nomad treats them at each release:
//! the feasibility check (`DeviceChecker`, filter reason `missing devices`),
//! matching a request against a node's device models and their attributes
//! (`nodeDeviceMatches`, `resolveDeviceTarget`, `checkAttributeConstraint`),
//! and the per-node accounting of instances that chooses what a placement
//! gets (`deviceAllocator`, `scheduler/feasible/device.go`).
//!
//! Nomad walks device models in Go map order (random): the feasibility
//! check's `available` map and the allocator's `Devices` map. Both walks
//! here take the order as an argument, drawn by the caller from the
//! evaluation's map-order stream ([`super::device_order`], redteam5 R5);
//! instances within a model are taken in the node's order.

use std::cmp::Ordering;

use crate::cluster::{Allocation, Node};
use crate::jobspec::{RequestedDevice, TaskGroup};
use crate::structs::attribute::Attribute;
use crate::structs::device::{AllocDevice, DeviceId, NodeDevice};
use crate::version::{Fix, NomadVersion};

/// `resolveDeviceTarget`: a literal (parsed as an attribute), or one of the
/// `${device.*}` interpolations; None = not found. `${device.ids}` is every
/// instance of the model, healthy or not, joined by commas, from 1.4.5 and
/// 1.5.0 ([`Fix::DeviceIdsTarget`], scheduler/feasible.go v1.4.5:1376,
/// v1.6.5:1398); before, it is not found, which `!=` counts as a match.
fn resolve(target: &str, d: &NodeDevice, version: NomadVersion) -> Option<Attribute> {
    if !target.starts_with("${") {
        return Some(Attribute::parse_at(target, version));
    }
    match target {
        "${device.ids}" if version.has(Fix::DeviceIdsTarget) => Some(Attribute::string(
            &d.instances
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
        )),
        "${device.model}" => Some(Attribute::string(&d.id.name)),
        "${device.vendor}" => Some(Attribute::string(&d.id.vendor)),
        "${device.type}" => Some(Attribute::string(&d.id.device_type)),
        "${device.ids}" => None,
        _ => {
            let key = target.strip_prefix("${device.attr.")?;
            let key = key.strip_suffix('}').unwrap_or(key);
            d.attributes.get(key).cloned()
        }
    }
}

/// A comparison Nomad's server panics on ([`Attribute::compare_panics`]:
/// `big.Float.SetFloat64(NaN)`, plugins/shared/structs/attribute.go
/// v2.0.5:360-434): the walk that meets it ends there, as the evaluation
/// does, and the caller words the crash
/// ([`super::server_crash::nan_attribute`]). A value every check returns,
/// not a flag beside the walk: a caller between the walk and its reader
/// could not misread it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NanCompared;

/// The ordering of `a` and `b`, or the panic Nomad meets comparing them.
fn compare(a: &Attribute, b: &Attribute) -> Result<Option<Ordering>, NanCompared> {
    if a.compare_panics(b) {
        return Err(NanCompared);
    }
    Ok(a.compare(b))
}

/// `checkAttributeConstraint` (and `checkAttributeAffinity`, the same).
fn check(
    operand: &str,
    l: Option<&Attribute>,
    r: Option<&Attribute>,
    version: NomadVersion,
) -> Result<bool, NanCompared> {
    use super::constraint::check as check_strings;
    Ok(match operand {
        "distinct_hosts" | "distinct_property" => true,
        "!=" | "not" => match (l, r) {
            (None, None) => false,
            (Some(a), Some(b)) => compare(a, b)?.is_some_and(|o| o != Ordering::Equal),
            _ => true,
        },
        "<" | "<=" | ">" | ">=" | "=" | "==" | "is" => {
            let (Some(a), Some(b)) = (l, r) else {
                return Ok(false);
            };
            let Some(o) = compare(a, b)? else {
                return Ok(false);
            };
            match operand {
                "<" => o == Ordering::Less,
                "<=" => o != Ordering::Greater,
                ">" => o == Ordering::Greater,
                ">=" => o != Ordering::Less,
                _ => o == Ordering::Equal,
            }
        }
        "version" | "semver" => {
            let (Some(a), Some(b)) = (l, r) else {
                return Ok(false);
            };
            // Whole numbers are read as versions too.
            let v = match (a.as_str(), a.as_int()) {
                (Some(s), _) => s.to_string(),
                (None, Some(i)) => i.to_string(),
                _ => return Ok(false),
            };
            b.as_str()
                .is_some_and(|c| check_strings(operand, Some(&v), Some(c), version))
        }
        "regexp" | "set_contains" | "set_contains_all" | "set_contains_any" => {
            match (l.and_then(Attribute::as_str), r.and_then(Attribute::as_str)) {
                (Some(a), Some(b)) => check_strings(operand, Some(a), Some(b), version),
                _ => false,
            }
        }
        "is_set" => l.is_some(),
        "is_not_set" => l.is_none(),
        _ => false,
    })
}

/// `nodeDeviceMatches`: the name parts the request gives are the model's,
/// and every constraint holds on the model (counts are not checked), in
/// order up to the first that fails, as Nomad's loop returns there.
pub fn device_matches(
    d: &NodeDevice,
    req: &RequestedDevice,
    version: NomadVersion,
) -> Result<bool, NanCompared> {
    if !d.id.matches(&DeviceId::from_request(&req.name)) {
        return Ok(false);
    }
    for c in &req.constraints {
        let (l, r) = (
            resolve(&c.ltarget, d, version),
            resolve(&c.rtarget, d, version),
        );
        if !check(&c.operand, l.as_ref(), r.as_ref(), version)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `DeviceChecker`: can the node's healthy instances cover every device
/// request of the group's tasks, requests taken in order? From 1.11.0 a
/// request takes instances greedily from every model that matches it
/// (`for desiredCount > 0 && available[d] > 0`,
/// scheduler/feasible/feasible.go v1.11.0, v2.0.5:1619-1646); before, one
/// model must hold its whole count (`if unused < desiredCount { continue
/// }`, scheduler/feasible.go v0.9.0 to v1.10.5; v1.6.0:1324-1345), else
/// `missing devices`.
///
/// The models with a healthy instance are walked in node order here;
/// [`has_devices_in`] takes Nomad's map order per request.
pub fn has_devices(tg: &TaskGroup, n: &Node, version: NomadVersion) -> Result<bool, NanCompared> {
    has_devices_in(tg, n, version, &mut |len| (0..len).collect())
}

/// The group's device requests, in order.
pub fn requests(tg: &TaskGroup) -> Vec<&RequestedDevice> {
    tg.tasks
        .iter()
        .flat_map(|t| t.resources.devices.iter())
        .collect()
}

/// The models of `n` with a healthy instance (the keys of Nomad's
/// `available` map, inserted in node order) and their healthy counts.
pub fn available(n: &Node) -> Vec<(&NodeDevice, usize)> {
    n.devices
        .iter()
        .map(|d| (d, d.healthy()))
        .filter(|(_, h)| *h > 0)
        .collect()
}

/// [`has_devices`] with each request walking the `available` map in the
/// order `order(len)` gives (a fresh `range` per request, as Nomad's loop).
pub fn has_devices_in(
    tg: &TaskGroup,
    n: &Node,
    version: NomadVersion,
    order: &mut dyn FnMut(usize) -> Vec<usize>,
) -> Result<bool, NanCompared> {
    let required = requests(tg);
    if required.is_empty() {
        return Ok(true);
    }
    let mut available = available(n);
    if available.is_empty() {
        return Ok(false);
    }
    for req in required {
        let walk = order(available.len());
        if !take_request(req, &mut available, &walk, version)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// One request of the feasibility check against `available`, walked in
/// `walk`: takes its instances and says whether it was met.
pub fn take_request(
    req: &RequestedDevice,
    available: &mut [(&NodeDevice, usize)],
    walk: &[usize],
    version: NomadVersion,
) -> Result<bool, NanCompared> {
    let one_model = !version.has(Fix::DeviceModelsMixed);
    let mut desired = usize::try_from(req.count).unwrap_or(0);
    for &k in walk {
        let Some((d, unused)) = available.get_mut(k) else {
            continue;
        };
        if *unused == 0 || (one_model && *unused < desired) || !device_matches(d, req, version)? {
            continue;
        }
        let take = desired.min(*unused);
        *unused -= take;
        desired -= take;
        if desired == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Use count of each healthy instance of each model on one node
/// (`DeviceAccounter`).
#[derive(Debug, Clone)]
pub struct DeviceAllocator<'n> {
    node: &'n Node,
    /// Parallel to `node.devices`: (instance ID, times used) of the healthy ones.
    used: Vec<Vec<(&'n str, u32)>>,
}

impl<'n> DeviceAllocator<'n> {
    pub fn new(node: &'n Node) -> Self {
        let used = node
            .devices
            .iter()
            .map(|d| {
                d.instances
                    .iter()
                    .filter(|i| i.healthy)
                    .map(|i| (i.id.as_str(), 0))
                    .collect()
            })
            .collect();
        DeviceAllocator { node, used }
    }

    /// `AddAllocs`: what the allocations hold (unknown models and
    /// instances, e.g. unhealthy ones, are ignored).
    pub fn add_allocs<'a>(&mut self, allocs: impl IntoIterator<Item = &'a Allocation>) {
        for a in allocs {
            for d in &a.resources.devices {
                self.reserve(d);
            }
        }
    }

    /// `AddReserved`: one offer.
    pub fn reserve(&mut self, d: &AllocDevice) {
        let Some(k) = self.node.devices.iter().position(|n| n.id == d.id) else {
            return;
        };
        if let Some(slots) = self.used.get_mut(k) {
            for id in &d.instance_ids {
                if let Some(slot) = slots.iter_mut().find(|(i, _)| i == id) {
                    slot.1 += 1;
                }
            }
        }
    }

    /// `FreeCount` of one model.
    pub fn free_count(&self, id: &DeviceId) -> usize {
        self.node
            .devices
            .iter()
            .position(|n| &n.id == id)
            .and_then(|k| self.used.get(k))
            .map_or(0, |slots| slots.iter().filter(|(_, c)| *c == 0).count())
    }

    pub fn model(&self, id: &DeviceId) -> Option<&'n NodeDevice> {
        self.node.devices.iter().find(|d| &d.id == id)
    }

    /// `createOffer` / `AssignDevice`: the best-scoring model (device
    /// affinities) with enough free instances; ties go to the later model.
    /// Returns the offer and the sum of the matched affinity weights, or
    /// Nomad's error text; outside, the panic a comparison meets.
    pub fn offer(
        &self,
        req: &RequestedDevice,
        version: NomadVersion,
    ) -> Result<Offered, NanCompared> {
        let walk: Vec<usize> = (0..self.node.devices.len()).collect();
        self.offer_in(req, version, &walk)
    }

    /// The models of the node, the keys of Nomad's `Devices` map (every
    /// model, healthy or not, inserted in node order).
    pub fn models(&self) -> usize {
        self.node.devices.len()
    }

    /// [`DeviceAllocator::offer`] walking the models in `walk` (positions
    /// in node order): Go's map order of `Devices`, a fresh `range` per
    /// `AssignDevice` (scheduler/device.go v0.9.0-v1.10.5,
    /// scheduler/feasible/device.go v1.11.0-v2.0.5), where the later of
    /// equal scores wins.
    pub fn offer_in(
        &self,
        req: &RequestedDevice,
        version: NomadVersion,
        walk: &[usize],
    ) -> Result<Offered, NanCompared> {
        if self.node.devices.is_empty() {
            return Ok(Err("no devices available"));
        }
        let want = usize::try_from(req.count).unwrap_or(0);
        if want == 0 {
            return Ok(Err("invalid request of zero devices"));
        }
        // #18141 (1.4.13, 1.5.9, 1.6.2, 1.7.0) hands out only the
        // instances a request's `${device.ids}` constraints allow; until
        // #27177 (1.11.1, ent 1.10.7) the model is judged on every free
        // instance, so an offer may carry fewer IDs than asked, even none
        // (scheduler/device.go v1.6.5:54-62 counts, :118-122 hands out;
        // scheduler/feasible/device.go v1.11.1:129-150 counts the allowed).
        let by_id = version.has(Fix::DeviceIdsFiltered);
        let filtered_count = version.has(Fix::DeviceIdsCounted);
        let mut best: Option<(AllocDevice, f64, f64)> = None;
        let models = walk
            .iter()
            .filter_map(|&k| Some((self.node.devices.get(k)?, self.used.get(k)?)));
        for (d, slots) in models {
            let free = slots.iter().filter(|(_, c)| *c == 0);
            let allowed = |id: &str| match by_id {
                true => instance_allowed(id, req, d, version),
                false => Ok(true),
            };
            let enough = if filtered_count {
                let mut n = 0;
                for (id, _) in free.clone() {
                    n += usize::from(allowed(id)?);
                }
                n >= want
            } else {
                free.clone().count() >= want
            };
            if !enough || !device_matches(d, req, version)? {
                continue;
            }
            let mut score = 0.0;
            let mut matched = 0.0;
            if !req.affinities.is_empty() {
                let mut total = 0.0;
                for a in &req.affinities {
                    total += (a.weight as f64).abs();
                    let (l, r) = (
                        resolve(&a.ltarget, d, version),
                        resolve(&a.rtarget, d, version),
                    );
                    if check(&a.operand, l.as_ref(), r.as_ref(), version)? {
                        score += a.weight as f64;
                        matched += a.weight as f64;
                    }
                }
                score /= total;
            }
            if best.as_ref().is_some_and(|b| score < b.1) {
                continue;
            }
            // Handed out up to `want`: Nomad's loop stops there, and asks
            // no later instance.
            let mut ids = Vec::new();
            for (id, _) in free {
                if ids.len() == want {
                    break;
                }
                if allowed(id)? {
                    ids.push(id.to_string());
                }
            }
            let offer = AllocDevice {
                id: d.id.clone(),
                instance_ids: ids,
            };
            best = Some((offer, score, matched));
        }
        Ok(best
            .map(|(o, _, m)| (o, m))
            .ok_or("no devices match request"))
    }
}

/// An offer and the sum of its matched affinity weights, or Nomad's error.
pub type Offered = Result<(AllocDevice, f64), &'static str>;

/// The words of the note that a placement got fewer device instances
/// than it asked (`Engine::note_short_devices`): not a draw, so the plan
/// prints it beside its text where the scheduler's other notes stay in
/// the JSON ([`said_in_text`]).
pub(super) const SHORT_OFFER: &str = " judges the model on every free instance but hands out only those its `${device.ids}` constraint allows (hashicorp/nomad#27177, fixed in 1.11.1 and Enterprise 1.10.7)";

/// Is the scheduler's note `n` one the plan's text says too (a short
/// device offer)?
pub fn said_in_text(n: &str) -> bool {
    n.contains(SHORT_OFFER)
}

/// `deviceIDMatchesConstraint`: the request's constraints on
/// `${device.ids}` allow this instance.
fn instance_allowed(
    id: &str,
    req: &RequestedDevice,
    d: &NodeDevice,
    version: NomadVersion,
) -> Result<bool, NanCompared> {
    let this = Attribute::string(id);
    for c in &req.constraints {
        let other = if c.ltarget == "${device.ids}" {
            &c.rtarget
        } else if c.rtarget == "${device.ids}" {
            &c.ltarget
        } else {
            continue;
        };
        // Nomad passes the resolved other side first, the instance second,
        // both as found even when the other side resolved to nothing
        // (`target, _ = resolveDeviceTarget(...)`, then `true, true`:
        // scheduler/device.go v1.6.5:153-161, feasible/device.go
        // v2.0.5:230). A nil never compares, so then only `is_set` (and
        // the operands the checker skips) allow the instance; `!=` and
        // `is_not_set`, which let the model through, refuse it.
        let Some(other) = resolve(other, d, version) else {
            if matches!(
                c.operand.as_str(),
                "is_set" | "distinct_hosts" | "distinct_property"
            ) {
                continue;
            }
            return Ok(false);
        };
        if !check(&c.operand, Some(&other), Some(&this), version)? {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
#[path = "device_tests.rs"]
mod tests;
