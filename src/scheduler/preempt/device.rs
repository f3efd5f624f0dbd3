//! Preemption for a device request: Nomad's `PreemptForDevice`
//! (scheduler/preemption.go v0.9.3–v1.11.x, scheduler/feasible/
//! preemption.go v2.0.x), and the choices Go's map order makes in it
//! (redteam5 R3): the holders of each model are walked in the proposed
//! list's order (`p.currentAllocs`, read from `ProposedAllocs`' map) and
//! the first that covers the count is taken, and the models are tried in
//! `deviceToAllocs`' map order, the first of the cheapest options winning
//! (`selectBestAllocs`: `if netPriority < bestPriority`).

use std::collections::BTreeMap;

use super::group_order::{GroupPick, MapOdds, Outcome};
use super::{outranks, Candidate, Preemptor, ProposedOrder};
use crate::cluster::Allocation;
use crate::gomap::SLOTS;
use crate::jobspec::RequestedDevice;
use crate::scheduler::device::{device_matches, DeviceAllocator, NanCompared};
use crate::structs::device::DeviceId;
use crate::version::NomadVersion;

impl<'a> Preemptor<'a> {
    /// Victims holding instances of one device model that matches `req`
    /// (`PreemptForDevice`): per model, lowest priority first until the
    /// taken instances plus the model's free ones cover the count; then,
    /// of the models that can, the one whose victims (largest holders
    /// first, trimmed once the count is covered without the free ones) have
    /// the smallest sum of distinct job priorities. Victims never span models.
    pub fn for_device(
        &self,
        req: &RequestedDevice,
        devices: &DeviceAllocator<'_>,
        version: NomadVersion,
    ) -> Result<Option<Vec<&'a Allocation>>, NanCompared> {
        self.device_from(&self.candidates, 0, req, devices, version)
    }

    /// [`Preemptor::for_device`] over `candidates` in the order given
    /// (Nomad's: the proposed list, read from a Go map), the models tried
    /// in the order `deviceToAllocs` (another Go map, filled as the
    /// candidates are walked) yields them from slot `model_start`: the
    /// first of the options with the smallest net priority wins.
    fn device_from(
        &self,
        candidates: &[Candidate<'a>],
        model_start: usize,
        req: &RequestedDevice,
        devices: &DeviceAllocator<'_>,
        version: NomadVersion,
    ) -> Result<Option<Vec<&'a Allocation>>, NanCompared> {
        // Per model: the candidates holding it (once per holding task, as
        // Nomad lists them) and how many instances each holds in all.
        let mut models: Vec<(DeviceId, Vec<Candidate<'a>>, BTreeMap<&str, usize>)> = Vec::new();
        for c in candidates {
            for d in &c.alloc.resources.devices {
                let Some(model) = devices.model(&d.id) else {
                    continue;
                };
                if !device_matches(model, req, version)? {
                    continue;
                }
                let k = match models.iter().position(|m| m.0 == d.id) {
                    Some(k) => k,
                    None => {
                        models.push((d.id.clone(), Vec::new(), BTreeMap::new()));
                        models.len() - 1
                    }
                };
                if let Some((_, holders, counts)) = models.get_mut(k) {
                    holders.push(*c);
                    *counts.entry(c.alloc.id.as_str()).or_insert(0) += d.instance_ids.len();
                }
            }
        }
        let needed = usize::try_from(req.count).unwrap_or(0);
        let mut options: Vec<(Vec<Candidate<'a>>, &BTreeMap<&str, usize>)> = Vec::new();
        let tried = crate::gomap::rotation(models.len(), model_start);
        for (id, holders, counts) in tried.filter_map(|i| models.get(i)) {
            let free = devices.free_count(id);
            let mut taken = 0;
            let mut chosen = Vec::new();
            let mut groups: BTreeMap<i64, Vec<Candidate<'a>>> = BTreeMap::new();
            for c in holders {
                if outranks(self.job_priority, c.alloc.job_priority) {
                    groups.entry(c.alloc.job_priority).or_default().push(*c);
                }
            }
            'model: for group in groups.into_values() {
                for c in group {
                    taken += counts.get(c.alloc.id.as_str()).copied().unwrap_or(0);
                    chosen.push(c);
                    if taken + free >= needed {
                        options.push((std::mem::take(&mut chosen), counts));
                        break 'model;
                    }
                }
            }
        }
        let mut best: Option<(i64, Vec<&'a Allocation>)> = None;
        for (mut chosen, counts) in options {
            let count = |c: &Candidate<'_>| counts.get(c.alloc.id.as_str()).copied().unwrap_or(0);
            chosen.sort_by_key(|c| std::cmp::Reverse(count(c)));
            let mut kept = Vec::new();
            let mut priorities = Vec::new();
            let mut covered = 0;
            for c in chosen {
                if covered >= needed {
                    break;
                }
                covered += count(&c);
                if !priorities.contains(&c.alloc.job_priority) {
                    priorities.push(c.alloc.job_priority);
                }
                if !kept.iter().any(|a: &&Allocation| a.id == c.alloc.id) {
                    kept.push(c.alloc);
                }
            }
            let net: i64 = priorities.iter().sum();
            if best.as_ref().is_none_or(|b| net < b.0) {
                best = Some((net, kept));
            }
        }
        Ok(best.map(|(_, v)| v))
    }

    /// [`Preemptor::for_device`] with both of Nomad's map orders drawn
    /// (`draw(shape)`, [`crate::gomap::draw_in`]), and every outcome's odds
    /// when another order would have chosen other victims (or none).
    /// Empty victims: preemption cannot free the request.
    pub fn for_device_drawn(
        &self,
        req: &RequestedDevice,
        devices: &DeviceAllocator<'_>,
        version: NomadVersion,
        order: &ProposedOrder<'_>,
        draw: &mut dyn FnMut(crate::gomap::Shape) -> Vec<usize>,
    ) -> Result<GroupPick<'a>, NanCompared> {
        let shape = (order.shape)();
        let slots = self.slots(order);
        let in_order = |yielded: &[usize]| self.in_yield_order(&slots, yielded);
        // Every order compares the same models (each candidate's, whatever
        // the order): the drawn one's panic is the walk's.
        let run = |yielded: &[usize], model_start: usize| {
            self.device_from(&in_order(yielded), model_start, req, devices, version)
                .map(Option::unwrap_or_default)
        };
        let drawn_order = draw(shape);
        // The models map's start slot: the first of a drawn 8-entry order.
        let model_start = draw(crate::gomap::Shape::unhinted(SLOTS))
            .first()
            .copied()
            .unwrap_or(0);
        let victims = run(&drawn_order, model_start)?;
        // Each proposed-map order with its chance, each models-map start
        // (the models map is small: a node has few models).
        let mut outcomes: Vec<(Outcome<'a>, f64)> = Vec::new();
        let orders = crate::gomap::outcomes_in(shape, |o| o.collect::<Vec<usize>>());
        let established = orders.is_some();
        let orders = orders.unwrap_or_else(|| {
            // Not established: the order drawn and its reverse tell
            // whether the order matters at all.
            vec![
                (drawn_order.clone(), 0.5),
                (drawn_order.iter().rev().copied().collect(), 0.5),
            ]
        });
        for (yielded, p) in &orders {
            for model_start in 0..SLOTS {
                let o = Outcome::of(run(yielded, model_start)?);
                let weight = p / SLOTS as f64;
                match outcomes.iter_mut().find(|(x, _)| *x == o) {
                    Some((_, q)) => *q += weight,
                    None => outcomes.push((o, weight)),
                }
            }
        }
        let odds = match outcomes.len() {
            0 | 1 => None,
            _ if !established => Some(MapOdds::NotEstablished),
            _ => {
                outcomes.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
                Some(MapOdds::Established(
                    outcomes.into_iter().map(|(o, p)| (o.victims, p)).collect(),
                ))
            }
        };
        Ok(GroupPick { victims, odds })
    }
}
