//! Reconciling a job's allocations with its spec: which to keep, update in
//! place, replace, stop, and how many to add (`scheduler/reconciler`,
//! `scheduler/util.go` tasksUpdated).

use crate::cluster::{Allocation, ClientStatus};
use crate::jobspec::{Job, Network, TaskGroup};
use crate::version::NomadVersion;

/// Would moving an allocation from `old` to `new` need a new allocation?
/// Mirrors the fields Nomad's `tasksUpdated` (scheduler/util.go) compares
/// at each release; anything else (services, checks, most of the restart
/// policy, a task's lifecycle) is updated in place.
pub fn destructive_change(
    old_job: &Job,
    old: &TaskGroup,
    new_job: &Job,
    new: &TaskGroup,
    version: NomadVersion,
) -> bool {
    let v = version;
    if old.tasks.len() != new.tasks.len() {
        return true;
    }
    // What the model does not hold could be anything: assume a replacement
    // (the plan also says which arguments it could not judge).
    if old.unmodelled != new.unmodelled {
        return true;
    }
    if old.ephemeral_disk.size_mb != new.ephemeral_disk.size_mb
        || old.ephemeral_disk.sticky != new.ephemeral_disk.sticky
        || old.ephemeral_disk.migrate != new.ephemeral_disk.migrate
    {
        return true;
    }
    if networks_differ(&old.networks, &new.networks, v) {
        return true;
    }
    // consulNamespaceUpdated (1.1), consulUpdated (1.7).
    if v.at_least(1, 1, 0) && consul_updated(old.consul.as_ref(), new.consul.as_ref(), v) {
        return true;
    }
    if super::connect_update::connect_services_updated(&old.services, &new.services, v) {
        return true;
    }
    // affinitiesUpdated and spreadsUpdated: 0.10.2 to 1.9 (1.10 made them
    // in place). The task's own affinities are part of the same check.
    let placement = v.at_least(0, 10, 2) && !v.at_least(1, 10, 0);
    if placement
        && (old_job.affinities != new_job.affinities
            || old.affinities != new.affinities
            || old_job.spreads != new_job.spreads
            || old.spreads != new.spreads)
    {
        return true;
    }
    // Volume requests and a task's volume mounts: 1.1.15, 1.2.9, 1.3.2 on.
    let mounts = v.has_since(&[
        NomadVersion::new(1, 1, 15),
        NomadVersion::new(1, 2, 9),
        NomadVersion::new(1, 3, 2),
    ]);
    if mounts && old.volumes != new.volumes {
        return true;
    }
    // renderTemplatesUpdated (1.6.2), for the group's policy and each
    // task's (which the group's stands in for when the task has none).
    let render = v.at_least(1, 6, 2);
    if render && old.restart.render_templates != new.restart.render_templates {
        return true;
    }
    let csi = v.has_since(&[
        NomadVersion::new(1, 1, 13),
        NomadVersion::new(1, 2, 7),
        NomadVersion::new(1, 3, 0),
    ]);
    for nt in &new.tasks {
        let Some(ot) = old.task(&nt.name) else {
            return true;
        };
        if ot.driver != nt.driver
            || ot.unmodelled != nt.unmodelled
            || ot.user != nt.user
            || ot.config != nt.config
            || ot.env != nt.env
            || ot.artifacts != nt.artifacts
            || ot.vault != nt.vault
            || ot.templates != nt.templates
            || (placement && ot.affinities != nt.affinities)
            || (csi && ot.csi_plugin != nt.csi_plugin)
            || (mounts && ot.volume_mounts != nt.volume_mounts)
        {
            return true;
        }
        // Meta is compared merged: job, then group, then task.
        if merged_meta_differs((old_job, old, ot), (new_job, new, nt)) {
            return true;
        }
        let (or, nr) = (&ot.resources, &nt.resources);
        if or.cpu != nr.cpu
            || or.cores != nr.cores
            || or.memory_mb != nr.memory_mb
            || or.memory_max_mb != nr.memory_max_mb
            || (v.at_least(0, 10, 2) && or.devices != nr.devices)
            || (v.at_least(1, 8, 3) && or.secrets_mb != nr.secrets_mb)
            || networks_differ(&or.networks, &nr.networks, v)
        {
            return true;
        }
        // Changing `disabled` (1.5.5; `enabled` in 1.5.4, util.go's "task
        // log enabled") restarts log collection.
        if v.at_least(1, 5, 4) && ot.log_config.disabled != nt.log_config.disabled {
            return true;
        }
        let renders = |t: &crate::jobspec::Task, g: &TaskGroup| {
            t.restart.as_ref().unwrap_or(&g.restart).render_templates
        };
        if render && renders(ot, old) != renders(nt, new) {
            return true;
        }
        if later_blocks_differ(ot, nt, v) {
            return true;
        }
    }
    false
}

/// Nomad's consulNamespaceUpdated (1.1 to 1.6: the namespace, an absent
/// block's being "") and consulUpdated (1.7+: also the cluster and
/// partition, when both sides have the block).
fn consul_updated(
    a: Option<&crate::jobspec::Consul>,
    b: Option<&crate::jobspec::Consul>,
    v: NomadVersion,
) -> bool {
    let ns =
        |c: Option<&crate::jobspec::Consul>| c.map(|c| c.namespace.clone()).unwrap_or_default();
    if ns(a) != ns(b) {
        return true;
    }
    match (a, b) {
        (Some(a), Some(b)) if v.at_least(1, 7, 0) => {
            a.cluster != b.cluster || a.partition != b.partition
        }
        _ => false,
    }
}

/// A task with its group and job: whose meta is merged.
type MetaLevels<'a> = (&'a Job, &'a TaskGroup, &'a crate::jobspec::Task);

/// Do two tasks' metas differ once merged over their groups' and jobs'
/// (a later level's key wins)? Key by key, without building the merged
/// maps: building them was a quarter of judging a change, in every
/// sample of `plan --samples`.
fn merged_meta_differs(old: MetaLevels<'_>, new: MetaLevels<'_>) -> bool {
    fn value<'a>((j, g, t): MetaLevels<'a>, key: &str) -> Option<&'a String> {
        t.meta
            .get(key)
            .or_else(|| g.meta.get(key))
            .or_else(|| j.meta.get(key))
    }
    [old, new]
        .into_iter()
        .flat_map(|(j, g, t)| j.meta.keys().chain(g.meta.keys()).chain(t.meta.keys()))
        .any(|k| value(old, k) != value(new, k))
}

/// The later task blocks: tasksUpdated compares identities (1.5+), Consul
/// (1.7+), secrets (1.11+) and NUMA (1.7+, resources); actions (1.7+)
/// and schedules (1.8+) are in place. Before a block existed, Nomad would
/// not know it: a change to it is judged as the worst case, as for any
/// unmodelled argument.
fn later_blocks_differ(
    ot: &crate::jobspec::Task,
    nt: &crate::jobspec::Task,
    v: NomadVersion,
) -> bool {
    let consul = if v.at_least(1, 7, 0) {
        consul_updated(ot.consul.as_ref(), nt.consul.as_ref(), v)
    } else {
        ot.consul != nt.consul
    };
    ot.identity != nt.identity
        || ot.identities != nt.identities
        || consul
        || ot.secrets != nt.secrets
        || ot.resources.numa != nt.resources.numa
        || (!v.at_least(1, 7, 0) && ot.actions != nt.actions)
        || (!v.at_least(1, 8, 0) && ot.schedule != nt.schedule)
}

/// Nomad's networkUpdated at each release: the count, mode (0.11+), MBits,
/// DNS (0.12+), hostname (1.1.5+), CNI args (1.8.3+) and the ports.
fn networks_differ(a: &[Network], b: &[Network], v: NomadVersion) -> bool {
    if a.len() != b.len() {
        return true;
    }
    a.iter().zip(b).any(|(x, y)| {
        (v.at_least(0, 11, 0) && x.mode != y.mode)
            || x.mbits != y.mbits
            || (v.at_least(0, 12, 0) && x.dns != y.dns)
            || (v.at_least(1, 1, 5) && x.hostname != y.hostname)
            || (v.at_least(1, 8, 3) && x.cni != y.cni)
            || ports_differ(x, y, v)
    })
}

/// networkPortMap: before 1.0.4 a label-to-value map (dynamic ports -1, a
/// dynamic label overriding a reserved one); from 1.0.4 the ordered list
/// with each port's `to` and host network.
fn ports_differ(x: &Network, y: &Network, v: NomadVersion) -> bool {
    if !v.at_least(1, 0, 4) {
        fn map(n: &Network) -> std::collections::BTreeMap<&str, i64> {
            n.reserved_ports
                .iter()
                .map(|p| (p.label.as_str(), p.value))
                .chain(n.dynamic_ports.iter().map(|p| (p.label.as_str(), -1)))
                .collect()
        }
        return map(x) != map(y);
    }
    !ports(x).eq(ports(y))
}

/// Reserved then dynamic ports as (label, value, to, host network),
/// borrowed: every existing allocation of a changed job compares them.
fn ports(n: &Network) -> impl Iterator<Item = (&str, i64, i64, &str)> {
    n.reserved_ports
        .iter()
        .map(|p| (p.label.as_str(), p.value, p.to, p.host_network.as_str()))
        .chain(
            n.dynamic_ports
                .iter()
                .map(|p| (p.label.as_str(), -1, p.to, p.host_network.as_str())),
        )
}

/// Indexes `0..count` that no kept allocation holds, named on demand:
/// `count` comes from the job file and may be 2^31, far more names than
/// memory holds, while the scheduler stops naming them at the first failed
/// placement (the rest are coalesced failures, counted, not named).
#[derive(Debug, Default)]
pub struct Missing {
    prefix: String,
    count: u32,
    /// Only indexes below `count` (the reconciler keeps no others).
    taken: std::collections::BTreeSet<u32>,
}

impl Missing {
    pub fn len(&self) -> usize {
        (self.count as usize).saturating_sub(self.taken.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `(alloc name, index)` in index order.
    pub fn iter(&self) -> impl Iterator<Item = (String, u32)> + '_ {
        (0..self.count)
            .filter(|i| !self.taken.contains(i))
            .map(|i| (indexed_name(&self.prefix, i), i))
    }
}

/// `prefix[i]`, laid end to end: `format!`'s machinery was most of the
/// cost of naming every placement of every sampled replay.
fn indexed_name(prefix: &str, i: u32) -> String {
    let mut digits = [0u8; 10];
    let (mut rest, mut at) = (i, digits.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut name = String::with_capacity(prefix.len() + 2 + digits.len() - at);
    name.push_str(prefix);
    name.push('[');
    name.extend(digits[at..].iter().map(|&d| char::from(d)));
    name.push(']');
    name
}

/// Whether `version`'s reconciler stops the failed allocations it
/// reschedules now (`markStop(rescheduleNow, "", allocRescheduled)` in
/// `computeGroup`, with the stop beside a reschedule placed while a
/// deployment is paused or failed): from 0.9.4 (scheduler/reconcile.go,
/// "Stop allocs to be rescheduled"). Up to 0.9.3 the replacement is placed
/// and the failed allocation left as it is: the group's update counts no
/// stop for it.
pub fn stops_rescheduled(version: NomadVersion) -> bool {
    version.at_least(0, 9, 4)
}

/// Where an allocation stands with respect to its node (`filterByTainted`,
/// later `classifyAllocs`): marked by the drainer to move, on a node that
/// is down or gone (lost), or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taint {
    Untainted,
    /// `DesiredTransition.Migrate`: stopped and placed elsewhere.
    Migrate,
    /// Node down or garbage-collected: stopped, its name placed again.
    Lost,
}

/// What the reconciler decided for one task group.
#[derive(Debug, Default)]
pub struct GroupPlan<'s> {
    /// Allocations on down or missing nodes, and failed ones of a removed
    /// group: stopped (counted as stops), their names placed again with
    /// the missing ones.
    pub lost: Vec<&'s Allocation>,
    /// Failed allocations whose reschedule is due (`rescheduleNow`): their
    /// names placed again with the missing ones, and stopped only where
    /// the release does ([`stops_rescheduled`]).
    pub rescheduled: Vec<&'s Allocation>,
    /// Allocations the drainer marked: each stopped and replaced (counted as
    /// migrations, placed after everything else, never backed out).
    pub migrate: Vec<&'s Allocation>,
    /// Alloc names (`job.group[i]`) to place as new allocations.
    pub place: Missing,
    /// Existing allocations to replace with a new one (name kept).
    pub destructive: Vec<&'s Allocation>,
    /// Existing allocations whose spec changed without needing replacement.
    pub inplace: Vec<&'s Allocation>,
    pub stop: Vec<&'s Allocation>,
    pub ignore: u64,
    pub canary: u64,
}

/// Reconcile one group. `existing` are the group's live allocations,
/// `destructive(alloc, tg)` tells whether moving an allocation from the
/// job version it runs to `tg` needs a new allocation (see
/// [`destructive_change`]; true when that version is unknown).
pub fn reconcile_group<'s>(
    job: &Job,
    tg: Option<&TaskGroup>,
    existing: Vec<&'s Allocation>,
    new_version: u64,
    destructive: &dyn Fn(&Allocation, &TaskGroup) -> bool,
    taint: &dyn Fn(&Allocation) -> Taint,
) -> GroupPlan<'s> {
    let mut plan = GroupPlan::default();
    let count = match tg {
        Some(tg) if !job.stop => u32::try_from(tg.count.max(0)).unwrap_or(u32::MAX),
        _ => 0,
    };
    let mut existing = existing;
    existing.sort_by_key(|a| (a.name_index().unwrap_or(u32::MAX), a.create_index));
    // Highest indexes go first when shrinking; duplicates of an index too.
    // Lost allocations are stopped whatever the count and hold no name.
    let mut keep: Vec<&Allocation> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for a in existing {
        // A stopped job stops its live allocations only (`handleStop`
        // filters terminal ones out first); a removed group stops all it
        // has, terminal ones too (`filterAndStopAll`).
        if job.stop && tg.is_some() && !a.is_live() {
            continue;
        }
        if let (Some(kind), Some(_)) = (a.batch_terminal, tg) {
            use crate::structs::BatchTerminal;
            // filterOldTerminalAllocs: another version's (or another
            // registration's) terminal allocation is ignored, its name free.
            if a.job_version != new_version || kind == BatchTerminal::Superseded {
                plan.ignore += 1;
                continue;
            }
            if kind == BatchTerminal::Dropped {
                continue;
            }
        }
        // A failed allocation not yet replaced is never tainted (Nomad
        // sorts terminal allocations as untainted whatever their node):
        // due to reschedule, it is stopped and its name placed again, as
        // a lost one is; otherwise it keeps its name and count.
        // A batch job's finished allocation is untainted too.
        let t = match (a.client_status, a.batch_terminal) {
            (ClientStatus::Failed, _) if a.reschedule_now => Taint::Lost,
            (ClientStatus::Failed, _) | (_, Some(_)) => Taint::Untainted,
            _ => taint(a),
        };
        if t == Taint::Lost {
            // A removed group stops what it has (`filterAndStopAll`);
            // otherwise a failed one due now is `rescheduleNow`.
            if a.reschedule_now && tg.is_some() {
                plan.rescheduled.push(a);
            } else {
                plan.lost.push(a);
            }
            continue;
        }
        let idx = a.name_index().unwrap_or(u32::MAX);
        if idx < count && seen.insert(idx) {
            if t == Taint::Migrate {
                plan.migrate.push(a);
            } else {
                keep.push(a);
            }
        } else {
            plan.stop.push(a);
        }
    }
    let Some(tg) = tg else {
        return plan;
    };
    if count == 0 {
        return plan;
    }
    for a in &keep {
        if a.job_version == new_version {
            plan.ignore += 1;
            continue;
        }
        if destructive(a, tg) {
            plan.destructive.push(a);
        } else if a.client_status.is_terminal() {
            // genericAllocUpdateFn: a terminal allocation is not updated
            // in place, only ignored.
            plan.ignore += 1;
        } else {
            plan.inplace.push(a);
        }
    }
    plan.place = Missing {
        prefix: [job.id.as_str(), ".", tg.name.as_str()].concat(),
        count,
        taken: seen,
    };
    // Rolling updates: canaries first, else at most max_parallel replacements.
    if let Some(u) = tg.update.as_ref() {
        if !plan.destructive.is_empty() && u.canary > 0 {
            plan.canary = u64::try_from(u.canary).unwrap_or(0);
            plan.ignore += plan.destructive.len() as u64;
            plan.destructive.clear();
        } else if u.max_parallel > 0 {
            let limit = usize::try_from(u.max_parallel).unwrap_or(usize::MAX);
            if plan.destructive.len() > limit {
                plan.ignore += (plan.destructive.len() - limit) as u64;
                plan.destructive.truncate(limit);
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use crate::jobspec::{
        Consul, CsiPluginConfig, Job, Network, Task, TaskGroup, Volume, VolumeMount,
    };
    use crate::version::NomadVersion;

    fn group(edit: impl Fn(&mut TaskGroup)) -> TaskGroup {
        let mut g = TaskGroup {
            name: "g".into(),
            tasks: vec![Task {
                name: "t".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        edit(&mut g);
        g
    }

    /// Is `old -> new` a replacement at each of `versions`?
    fn replaces(old: &TaskGroup, new: &TaskGroup, versions: &[(u32, u32, u32)]) -> Vec<bool> {
        let job = Job::default();
        versions
            .iter()
            .map(|&(a, b, c)| {
                super::destructive_change(&job, old, &job, new, NomadVersion::new(a, b, c))
            })
            .collect()
    }

    /// scheduler/util.go tasksUpdated compares volume requests and volume
    /// mounts in v1.1.15, v1.2.9 and from v1.3.2 (not v1.1.14, v1.2.8,
    /// v1.3.0/1), and a task's CSI plugin in v1.1.13, v1.2.7 and from v1.3.0.
    #[test]
    fn volumes_and_csi_plugins_replace_from_their_backports() {
        let old = group(|_| {});
        let vol = group(|g| {
            g.volumes.push(Volume {
                name: "v".into(),
                ..Default::default()
            })
        });
        let mount = group(|g| {
            g.tasks[0].volume_mounts.push(VolumeMount {
                volume: "v".into(),
                ..Default::default()
            })
        });
        let at = [
            (1, 1, 14),
            (1, 1, 15),
            (1, 2, 8),
            (1, 2, 9),
            (1, 3, 1),
            (1, 3, 2),
        ];
        let want = [false, true, false, true, false, true];
        assert_eq!(replaces(&old, &vol, &at), want);
        assert_eq!(replaces(&old, &mount, &at), want);
        let csi = group(|g| {
            g.tasks[0].csi_plugin = Some(CsiPluginConfig {
                id: "p".into(),
                ..Default::default()
            })
        });
        let at = [(1, 1, 12), (1, 1, 13), (1, 2, 6), (1, 2, 7), (1, 3, 0)];
        assert_eq!(replaces(&old, &csi, &at), [false, true, false, true, true]);
    }

    /// networkUpdated compares the mode from v0.11.0 and the hostname from
    /// v1.1.5.
    #[test]
    fn network_mode_and_hostname_replace_from_their_releases() {
        let net = |mode: &str, hostname: &str| {
            group(|g| {
                g.networks.push(Network {
                    mode: mode.into(),
                    hostname: hostname.into(),
                    ..Default::default()
                })
            })
        };
        let at = [(0, 10, 5), (0, 11, 0)];
        assert_eq!(
            replaces(&net("host", ""), &net("bridge", ""), &at),
            [false, true]
        );
        let at = [(1, 1, 4), (1, 1, 5)];
        assert_eq!(
            replaces(&net("bridge", "a"), &net("bridge", "b"), &at),
            [false, true]
        );
    }

    /// consulUpdated (v1.7.0): an absent block's namespace is "", and the
    /// cluster only counts when both sides have the block.
    #[test]
    fn consul_blocks_compare_as_consul_updated_does() {
        let consul = |c: Option<Consul>| group(|g| g.consul = c.clone());
        let empty = Consul::default();
        let other_cluster = Consul {
            cluster: "other".into(),
            ..Default::default()
        };
        let at = [(1, 7, 0)];
        assert_eq!(
            replaces(&consul(None), &consul(Some(empty.clone())), &at),
            [false]
        );
        assert_eq!(
            replaces(&consul(None), &consul(Some(other_cluster.clone())), &at),
            [false]
        );
        assert_eq!(
            replaces(&consul(Some(empty)), &consul(Some(other_cluster)), &at),
            [true]
        );
    }

    #[test]
    fn indexed_names_read_as_nomads_alloc_names() {
        for i in [0, 7, 10, 99, 100, 123_456, u32::MAX] {
            assert_eq!(super::indexed_name("web.api", i), format!("web.api[{i}]"));
        }
    }
}
