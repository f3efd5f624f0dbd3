//! Feasibility as Nomad's scheduler decides it for one node, before any
//! resources are counted (`scheduler/feasible/feasible.go`,
//! `scheduler/util.go` readyNodesInDCsAndPool): which nodes a job may use at
//! all, and whether a node's drivers can run a group. The engine filters
//! with these, and the lint rules ask the same questions of the world's
//! client pools, so a rule never passes what the scheduler refuses.

use super::constraint::{escapes_class, holds};
use super::engine::{Ask, Engine};
use super::filtered::Filtered;
use crate::cluster::{Node, NodeStatus};
use crate::goglob::go_glob;
use crate::jobspec::{Constraint, Job, TaskGroup};
use crate::version::NomadVersion;

/// Datacenter match: exact before 1.5.0 (`readyNodesInDCs` looks the
/// node's datacenter up in a map of the job's, scheduler/util.go
/// v1.4.14:47-72), a go-glob `*` glob since (`Node.IsInDC`).
pub fn datacenter_matches(pattern: &str, dc: &str, version: NomadVersion) -> bool {
    if !datacenter_globs(version) {
        return pattern == dc;
    }
    go_glob(pattern, dc)
}

/// Does this release read `datacenters` entries as globs?
pub fn datacenter_globs(version: NomadVersion) -> bool {
    version.at_least(1, 5, 0)
}

/// Does this release have node pools (1.6.0)? Before, every node is in scope
/// whatever the job says.
pub fn node_pools(version: NomadVersion) -> bool {
    version.at_least(1, 6, 0)
}

pub use super::host_volumes::has_host_volumes;

/// Ready, eligible and not draining: a node the scheduler considers at all.
pub fn schedulable(n: &Node) -> bool {
    n.status == NodeStatus::Ready && n.eligible && !n.drain
}

/// Is the node in one of the job's datacenters and in its node pool (`all`
/// matches every pool; no pool means `default`), as this release matches them?
pub fn in_job_scope(version: NomadVersion, job: &Job, n: &Node) -> bool {
    let want_pool = if job.node_pool.is_empty() {
        "default"
    } else {
        job.node_pool.as_str()
    };
    job.datacenters
        .iter()
        .any(|d| datacenter_matches(d, &n.datacenter, version))
        && (!node_pools(version) || want_pool == "all" || n.node_pool == want_pool)
}

/// Does `job`'s scheduler reach the clients of `pool` at all
/// ([`schedulable`] and [`in_job_scope`], which every client of a pool
/// answers alike: `readyNodesInDCsAndPool`, scheduler/util.go v2.0.5:23-60),
/// judged without building a whole client ([`crate::cluster::build::scope_node`]).
pub fn pool_reached(version: NomadVersion, job: &Job, pool: &crate::world::ClientPool) -> bool {
    let node = crate::cluster::build::scope_node(pool);
    schedulable(&node) && in_job_scope(version, job, &node)
}

/// Releases whose in-place update refuses a node outside the job's
/// datacenters (`genericAllocUpdateFn` "The alloc is on a node that's now
/// in an ineligible DC" → destructive; `inplaceUpdate` the same → not in
/// place): scheduler/util.go v1.0.9:977 and v1.1.3:993, absent at v1.0.8
/// and v1.1.0–v1.1.2, in every later tag through v2.0.5:838.
const IN_PLACE_DC_CHECK: &[NomadVersion] =
    &[NomadVersion::new(1, 0, 9), NomadVersion::new(1, 1, 3)];

/// Can an allocation on `n` stay there through an in-place update to `job`
/// (the node checks of `genericAllocUpdateFn` and `inplaceUpdate`)? From
/// 1.0.9/1.1.3 the node must be in one of the job's datacenters: an exact
/// name up to 1.5.0 (`slices.Contains`, scheduler/util.go v1.5.0:805, so
/// 1.5.0 replaces every allocation of a job whose datacenters are globs,
/// "*" included: fixed in 1.5.1, #16362), a glob from 1.5.1
/// (`Node.IsInAnyDC`); from 1.6.0 also in the job's node pool
/// (`Node.IsInPool`, v1.6.0:890, v2.0.5:841). Before, any node kept its
/// allocations.
pub fn keeps_node_in_place(version: NomadVersion, job: &Job, n: &Node) -> bool {
    if !version.has_since(IN_PLACE_DC_CHECK) {
        return true;
    }
    let in_dc = if version.at_least(1, 5, 1) {
        job.datacenters.iter().any(|d| go_glob(d, &n.datacenter))
    } else {
        job.datacenters.contains(&n.datacenter)
    };
    let pool = match job.node_pool.as_str() {
        "" => "default",
        p => p,
    };
    in_dc && (!node_pools(version) || pool == "all" || n.node_pool == pool)
}

/// Does the node have every driver the group's tasks use (the
/// `missing drivers` filter)?
pub fn has_drivers(tg: &TaskGroup, n: &Node) -> bool {
    tg.tasks
        .iter()
        .all(|t| super::driver_check::found(n, &t.driver))
}

/// The group's and its tasks' constraints the class cache covers.
fn tg_constraints(tg: &TaskGroup) -> impl Iterator<Item = &Constraint> + '_ {
    tg.constraints
        .iter()
        .chain(tg.tasks.iter().flat_map(|t| t.constraints.iter()))
        .filter(|c| !placement_bound(c))
}

/// `distinct_hosts` and `distinct_property` depend on what is placed, so
/// they are not checked (nor cached) with the others.
pub(super) fn placement_bound(c: &Constraint) -> bool {
    c.operand == "distinct_hosts" || c.operand == "distinct_property"
}

/// Is a distinct_hosts constraint enforced? From #16907 (scheduler/feasible.go
/// `hasDistinctHostsConstraint`) not when its RTarget parses as false
/// (`strconv.ParseBool`; empty or unparsable keeps it); before, always.
fn distinct_hosts_enforced(c: &Constraint, v: crate::version::NomadVersion) -> bool {
    !v.has_since(crate::jobspec::version_gates::DISTINCT_HOSTS_VALUE)
        || c.rtarget.is_empty()
        || crate::gostrconv::parse_bool(&c.rtarget) != Some(false)
}

/// Does distinct_hosts collide only with allocations of the job's own
/// namespace? From #19004 (`jobCollision := alloc.JobID == iter.job.ID &&
/// alloc.Namespace == iter.job.Namespace`, scheduler/feasible.go:629@v1.7.0,
/// backported to v1.6.4 and v1.5.11; absent at v1.6.3, v1.5.10 and every
/// 1.4.x); before, an allocation of the same job ID in any namespace
/// collides (feasible.go:250@v0.9.3, :629@v1.6.0).
fn distinct_hosts_namespaced(v: crate::version::NomadVersion) -> bool {
    use crate::version::NomadVersion as V;
    v.has_since(&[V::new(1, 5, 11), V::new(1, 6, 4), V::new(1, 7, 0)])
}

/// Is the host-volume check one of the group checks cached per computed
/// class (`tgs`, between the constraints and the devices)? Host volumes are
/// not hashed into the class (nomad/structs/node_class.go v1.6.0:44-80),
/// so the first client of a class checked decides for the others. From
/// 1.4.14, 1.5.10 and 1.6.3 (and 1.7.0) it is an `avail` check, run on
/// every node (`avail := {taskGroupHostVolumes, taskGroupCSIVolumes}`,
/// scheduler/stack.go v1.4.14:255, v1.5.10:255, v1.6.3:265, v1.7.0:265;
/// in `tgs` at v0.10.0:216, v1.4.13, v1.5.9, v1.6.2:262).
pub fn host_volumes_class_cached(v: NomadVersion) -> bool {
    !v.has_since(&[
        NomadVersion::new(1, 4, 14),
        NomadVersion::new(1, 5, 10),
        NomadVersion::new(1, 6, 3),
    ])
}

/// Does a node of a class already found eligible, failing the `avail`
/// checks (CSI), end the `FeasibilityWrapper`'s walk? From 0.11.0 (CSI) its
/// fast path did `return nil` ("We match the class but are temporarily
/// unavailable, the eval should be blocked", scheduler/feasible.go
/// v0.11.0:1000-1005, v1.3.0:1133-1140), so the select saw no further
/// node; #13274 made it `continue OUTER` (b74712321b: v1.1.15, v1.2.9,
/// v1.3.2, v1.4.0; `return nil` still at v1.1.14, v1.2.8, v1.3.1). The
/// node checked in full (class unknown) always went on to the next.
pub fn fast_path_unavailable_ends_walk(v: NomadVersion) -> bool {
    v.at_least(0, 11, 0)
        && !v.has_since(&[
            NomadVersion::new(1, 1, 15),
            NomadVersion::new(1, 2, 9),
            NomadVersion::new(1, 3, 2),
            NomadVersion::new(1, 4, 0),
        ])
}

/// The feasibility stage of one evaluation (`FeasibilityWrapper`): job
/// constraints, then group drivers, constraints, host volumes (until
/// 1.4.14/1.5.10/1.6.3), devices and networks, cached per computed class,
/// then the `avail` checks run on every node, then the checks that depend
/// on what is placed.
impl Engine<'_> {
    /// Job- and group-level feasibility for one node; why it fails.
    pub(super) fn infeasible(
        &mut self,
        ask: &Ask<'_>,
        pos: usize,
        n: &Node,
        cache: bool,
    ) -> Option<Filtered> {
        self.net_ask.select(ask.tg);
        // Computed once per node for every copy of the state (all replays
        // of a sampling run share its clients), not once per evaluation.
        let class = match self.state.nodes.get(pos) {
            Some(stored) if std::ptr::eq(stored, n) => self.state.nodes.class(pos),
            _ => None,
        }
        .unwrap_or_else(|| crate::structs::node_class::computed_class(n));
        // Constraints that depend on what is placed are checked later
        // (`distinct`); the rest are walked in place, not collected, on
        // every check.
        let job_cs = || ask.job.constraints.iter().filter(|c| !placement_bound(c));
        // Whether the job's and the group's constraints name a unique
        // value: once per group and evaluation, not per node checked.
        let (job_escapes, tg_escapes) =
            match self.escapes.iter().find(|(name, ..)| *name == ask.tg.name) {
                Some(&(_, job, tg)) => (job, tg),
                None => {
                    let v = self.world.nomad_version;
                    let any = |c: &Constraint| {
                        escapes_class(&c.ltarget, v) || escapes_class(&c.rtarget, v)
                    };
                    let (job, tg) = (job_cs().any(any), tg_constraints(ask.tg).any(any));
                    self.escapes.push((ask.tg.name.clone(), job, tg));
                    (job, tg)
                }
            };
        if cache && !job_escapes {
            if let Some(ok) = self.job_class_ok.get(&class) {
                if !ok {
                    return Some(Filtered::of("computed class ineligible"));
                }
            }
        }
        let mut job_fail = None;
        if !(cache && !job_escapes && self.job_class_ok.get(&class) == Some(&true)) {
            job_fail = self.first_failed(job_cs(), n);
            if cache && !job_escapes {
                self.job_class_ok.insert(class, job_fail.is_none());
            }
        }
        if let Some(reason) = job_fail {
            return Some(Filtered::of(reason));
        }
        let version = self.world.nomad_version;
        if cache && !tg_escapes {
            let known = self
                .tg_class_ok
                .get(&class)
                .and_then(|v| v.iter().find(|(name, _)| *name == ask.tg.name))
                .map(|(_, ok)| *ok);
            if let Some(ok) = known {
                self.note_class_split(ask, pos, n, ok);
                if !ok {
                    return Some(Filtered::of("computed class ineligible"));
                }
                // The fast path of an eligible class.
                if let Some(reason) = self.available(ask, pos, n) {
                    return Some(Filtered {
                        reason,
                        ends_walk: fast_path_unavailable_ends_walk(version),
                        reads_placed: true,
                    });
                }
                return self.distinct_seen(ask, pos, n).map(Filtered::placed);
            }
        }
        let fail = self.tg_checks(ask, pos, n, None);
        if cache && !tg_escapes {
            self.tg_class_ok
                .entry(class)
                .or_default()
                .push((ask.tg.name.clone(), fail.is_none()));
            self.note_class_members(ask, pos, n, fail.is_none());
        }
        if let Some(reason) = fail {
            return Some(Filtered::of(reason));
        }
        if let Some(reason) = self.available(ask, pos, n) {
            return Some(Filtered::placed(reason));
        }
        self.distinct_seen(ask, pos, n).map(Filtered::placed)
    }

    /// The group checks Nomad caches per computed class (`tgs`), in its
    /// order: drivers, constraints, host volumes (while cached), devices,
    /// network. The first failure's metric key. `class_ok` is the class's
    /// cached verdict when the node is checked only for the class-split
    /// note: a driver or device check Go's map order decides then takes
    /// the class's verdict rather than a draw of its own (one draw decided
    /// the class in Nomad; a second would split it by chance alone).
    pub(super) fn tg_checks(
        &mut self,
        ask: &Ask<'_>,
        pos: usize,
        n: &Node,
        class_ok: Option<bool>,
    ) -> Option<String> {
        let version = self.world.nomad_version;
        if !self.drivers_pass(ask, n, class_ok) {
            return Some("missing drivers".to_string());
        }
        if let Some(fail) = self.first_failed(tg_constraints(ask.tg), n) {
            return Some(fail);
        }
        if host_volumes_class_cached(version) {
            if let Some(fail) = self.host_volume_check(ask, pos, n) {
                return Some(fail);
            }
        }
        let passed = match class_ok {
            // Checked for the class-split note: a check Go's map order
            // decides takes the class's verdict, as for the drivers.
            Some(ok) => match super::device_order::feasible_odds(ask.tg, n, version) {
                p if super::device_order::uncertain(p) => ok,
                p => p.is_some_and(|p| p > 0.5),
            },
            None => {
                let checked = super::device::has_devices_in(ask.tg, n, version, &mut |len| {
                    self.draw_map_order(len)
                });
                // A panicking compare ends Nomad's evaluation: the node's
                // verdict is moot.
                self.crash_if(super::server_crash::nan_attribute(
                    version,
                    n,
                    checked.err(),
                ));
                checked.unwrap_or(false)
            }
        };
        if class_ok.is_none() && self.wants_note(super::engine::Note::Device("check"), &ask.tg.name)
        {
            let p = super::device_order::feasible_odds(ask.tg, n, version);
            if super::device_order::uncertain(p) {
                self.note_drawn(super::engine::Note::Device("check"), &ask.tg.name, || {
                    super::device_order::feasible_note(&ask.tg.name, &n.name, p, passed)
                });
            }
        }
        if !passed {
            return Some("missing devices".to_string());
        }
        // The node's networks are not part of its computed class (Nomad
        // hashes only `NodeResources.Devices`), so this verdict is cached
        // per class like the others, as Nomad caches it.
        let fail = super::network_check::network_infeasible(self.net_ask.network(), n, version);
        if super::network_check::order_dependent(ask.job, ask.tg, fail.as_deref(), n, version) {
            self.note(super::engine::Note::Network, &ask.tg.name, || format!(
                "group {:?}: it has no network, so Nomad checks it against the network of whichever group it placed before (the NetworkChecker keeps it), in Go's map order",
                ask.tg.name
            ));
        }
        if let Some(text) =
            super::network_check::alias_by_chance(self.net_ask.network(), n, version)
        {
            self.note(super::engine::Note::Alias, &ask.tg.name, || {
                format!("group {:?}: {text}", ask.tg.name)
            });
        }
        fail
    }

    /// Nomad's `DriverChecker` ([`super::driver_check`]): where Go's map
    /// order decides it, the walk is drawn from the evaluation's stream
    /// and the plan notes the odds.
    fn drivers_pass(&mut self, ask: &Ask<'_>, n: &Node, class_ok: Option<bool>) -> bool {
        use super::driver_check;
        let version = self.world.nomad_version;
        if !driver_check::drawn(ask.tg, n, version) {
            return has_drivers(ask.tg, n);
        }
        if let Some(ok) = class_ok {
            return ok;
        }
        let passed = driver_check::passes(ask.tg, n, version, &mut |len| self.draw_map_order(len));
        self.note_drawn(super::engine::Note::Drivers, &ask.tg.name, || {
            driver_check::note(ask.tg, n, version, passed)
        });
        passed
    }

    /// The metric key of the first of `cs` that `n` does not meet, in
    /// order (Nomad's `ConstraintChecker` stops at the first).
    fn first_failed<'c>(
        &self,
        cs: impl Iterator<Item = &'c Constraint>,
        n: &Node,
    ) -> Option<String> {
        let mut cs = cs;
        cs.find(|c| {
            !holds(
                &c.operand,
                &c.ltarget,
                &c.rtarget,
                n,
                self.world.nomad_version,
            )
        })
        .map(|c| c.metric_key())
    }

    /// Nomad's `HostVolumeChecker` for the placement's allocation.
    fn host_volume_check(&self, ask: &Ask<'_>, _pos: usize, n: &Node) -> Option<String> {
        (!has_host_volumes(ask.tg, ask.alloc_suffix(), n, self.world.nomad_version))
            .then(|| "missing compatible host volumes".to_string())
    }

    /// The `avail` checks, run on every node whatever its class: host
    /// volumes once uncached ([`host_volumes_class_cached`]), then CSI.
    fn available(&self, ask: &Ask<'_>, pos: usize, n: &Node) -> Option<String> {
        if !host_volumes_class_cached(self.world.nomad_version) {
            if let Some(fail) = self.host_volume_check(ask, pos, n) {
                return Some(fail);
            }
        }
        super::csi::infeasible(self.csi.as_ref(), self.world, ask, pos, n)
    }

    /// distinct_hosts / distinct_property: depend on what is already placed.
    /// Every release's generic stack chains the DistinctHostsIterator
    /// before the DistinctPropertyIterator (scheduler/stack_oss.go
    /// v0.9.3:43-46, scheduler/stack.go v1.9.3:421-424,
    /// feasible/stack.go v2.0.5:449-452), so a node failing both is
    /// charged to `distinct_hosts` (feasible.go v2.0.5:906), whatever
    /// order or level the constraints are written in; the property sets
    /// are then asked job-level first, then the group's (:1016-1017).
    /// The system stack (system and sysbatch jobs) has no
    /// DistinctHostsIterator at any release (scheduler/stack.go v0.9.3,
    /// v1.9.7 NewSystemStack; scheduler/feasible/stack.go v2.0.5), and the
    /// constraint checker passes `distinct_hosts` through (feasible.go
    /// v1.9.7:836): a sysbatch group's second name asks every node as if
    /// the constraint were not written (redteam R15-51: we filtered it).
    pub(super) fn distinct(&self, ask: &Ask<'_>, pos: usize, n: &Node) -> Option<String> {
        let levels = [(&ask.job.constraints, true), (&ask.tg.constraints, false)];
        if !ask.job.job_type.is_per_node()
            && levels
                .iter()
                .any(|(cs, job_level)| self.hosts_collide(ask, pos, cs, *job_level))
        {
            return Some("distinct_hosts".into());
        }
        for (cs, job_level) in levels {
            for c in cs.iter().filter(|c| c.operand == "distinct_property") {
                if let Some(fail) = self.property_fails(ask, n, c, job_level) {
                    return Some(fail);
                }
            }
        }
        None
    }

    /// Does one level's distinct_hosts keep the placement off this node: is
    /// the level's first distinct_hosts constraint enforced
    /// (`hasDistinctHostsConstraint` answers there), and does the node hold
    /// an allocation of the job (of the group, at group level)?
    fn hosts_collide(&self, ask: &Ask<'_>, pos: usize, cs: &[Constraint], job_level: bool) -> bool {
        let version = self.world.nomad_version;
        let Some(c) = cs.iter().find(|c| c.operand == "distinct_hosts") else {
            return false;
        };
        let ns_scoped = distinct_hosts_namespaced(version);
        distinct_hosts_enforced(c, version)
            && self.proposed_iter(pos).any(|a| {
                (!ns_scoped || a.namespace == ask.job.namespace)
                    && a.job_id == ask.job.id
                    && (job_level || a.task_group == ask.tg.name)
            })
    }

    /// One distinct_property constraint's verdict on the node: the filter
    /// reason `SatisfiesDistinctProperties` gives, or `None` when it passes.
    fn property_fails(
        &self,
        ask: &Ask<'_>,
        n: &Node,
        c: &Constraint,
        job_level: bool,
    ) -> Option<String> {
        // The propertySet counts the job's allocations in its own
        // namespace at every release (`AllocsByJob`), even where
        // distinct_hosts looks across namespaces.
        let set = super::property_set::PropertySet {
            attribute: &c.ltarget,
            namespace: &ask.job.namespace,
            job_id: &ask.job.id,
            group: (!job_level).then_some(ask.tg.name.as_str()),
            targets: Vec::new(),
        };
        let Some(value) = set.value_of(n, self.world.nomad_version) else {
            // propertyset.go: `missing property %q`.
            let target = crate::gotext::go_quote(&c.ltarget);
            return Some(format!("missing property {target}"));
        };
        let limit: u64 = c.rtarget.parse().unwrap_or(1);
        let used = self.combined_use(&set).get(&value).copied().unwrap_or(0);
        (used >= limit).then(|| {
            format!(
                "distinct_property: {}={} used by {} allocs",
                c.ltarget, value, used
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datacenter_globs_only_when_supported() {
        let new = NomadVersion::new(1, 5, 0);
        let old = NomadVersion::new(1, 4, 9);
        assert!(datacenter_matches("dc*", "dc1", new));
        assert!(!datacenter_matches("dc*", "dc1", old));
        assert!(datacenter_matches("dc1", "dc1", old));
        // go-glob knows only `*`.
        assert!(!datacenter_matches("d?1", "dc1", new));
        assert!(datacenter_matches("d?1", "d?1", new));
        assert!(datacenter_matches("*-1", "us-1", new));
        assert!(!datacenter_matches("*-1", "us-2", new));
        // The prefix is consumed before the suffix test (redteam R23-1).
        assert!(!datacenter_matches("dc*1", "dc", new));
        assert!(!datacenter_matches("dc*1", "dc", old));
        assert!(datacenter_matches("*", "anything", new));
        assert!(datacenter_matches("*", "", new));
        assert!(!datacenter_matches("eu-*", "us-1", new));
        assert!(datacenter_matches("eu-*-a", "eu-west-a", new));
    }

    #[test]
    fn node_pools_count_from_1_6() {
        let n = Node {
            datacenter: "dc1".into(),
            node_pool: "gpu".into(),
            ..Node::default()
        };
        let job = |pool: &str| Job {
            datacenters: vec!["dc1".into()],
            node_pool: pool.into(),
            ..Job::default()
        };
        let v16 = NomadVersion::new(1, 6, 0);
        let v15 = NomadVersion::new(1, 5, 6);
        assert!(!in_job_scope(v16, &job(""), &n));
        assert!(!in_job_scope(v16, &job("default"), &n));
        assert!(in_job_scope(v16, &job("gpu"), &n));
        assert!(in_job_scope(v16, &job("all"), &n));
        assert!(in_job_scope(v15, &job(""), &n), "no pools before 1.6");
        let elsewhere = Job {
            datacenters: vec!["dc2".into()],
            ..job("gpu")
        };
        assert!(!in_job_scope(v16, &elsewhere, &n));
    }

    #[test]
    fn drivers_are_judged_per_node() {
        use crate::jobspec::Task;
        let n = Node {
            drivers: vec!["docker".into(), "exec".into()],
            ..Node::default()
        };
        let tg = |drivers: &[&str]| TaskGroup {
            tasks: drivers
                .iter()
                .map(|d| Task {
                    driver: d.to_string(),
                    ..Task::default()
                })
                .collect(),
            ..TaskGroup::default()
        };
        assert!(has_drivers(&tg(&["docker", "exec"]), &n));
        assert!(!has_drivers(&tg(&["docker", "java"]), &n));
        assert!(has_drivers(&tg(&[]), &n));
    }
}
