//! Whether an allocation's move to a new job version needs a new
//! allocation (`scheduler/util.go` tasksUpdated); the group's
//! reconciliation itself is [`super::reconcile_group`]'s.

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
    if old.tasks.len() != new.tasks.len() || group_updated(old_job, old, new_job, new, version) {
        return true;
    }
    new.tasks.iter().any(|nt| match old.task(&nt.name) {
        Some(ot) => task_updated((old_job, old, ot), (new_job, new, nt), version),
        None => true,
    })
}

/// `tasksUpdated`'s group checks, before its loop over the tasks (the
/// task counts apart).
pub(super) fn group_updated(
    old_job: &Job,
    old: &TaskGroup,
    new_job: &Job,
    new: &TaskGroup,
    v: NomadVersion,
) -> bool {
    // What the model does not hold could be anything: assume a replacement
    // (the plan also says which arguments it could not judge). Not so the
    // job's own unmodelled part: tasksUpdated reads of the job only what
    // the model holds (CombinedTaskMeta, and affinities and spreads from
    // 0.10.2 to 1.9; scheduler/util.go@v1.0.0, v1.9.7, v2.0.5), so any
    // other job-level change leaves the allocation in place there too.
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
    // in place).
    let placement = v.at_least(0, 10, 2) && !v.at_least(1, 10, 0);
    if placement && super::placement_update::placement_updated((old_job, old), (new_job, new), v) {
        return true;
    }
    // Volume requests and a task's volume mounts: 1.1.15, 1.2.9, 1.3.2 on.
    let mounts = v.has_since(&[
        NomadVersion::new(1, 1, 15),
        NomadVersion::new(1, 2, 9),
        NomadVersion::new(1, 3, 2),
    ]);
    if mounts && !volumes_equal(&old.volumes, &new.volumes, v) {
        return true;
    }
    // renderTemplatesUpdated (1.6.2), for the group's policy and each
    // task's (which the group's stands in for when the task has none).
    let render = v.at_least(1, 6, 2);
    if render && old.restart.render_templates != new.restart.render_templates {
        return true;
    }
    false
}

/// `tasksUpdated`'s checks of one task `nt` against its old `ot`.
pub(super) fn task_updated(
    (old_job, old, ot): MetaLevels<'_>,
    (new_job, new, nt): MetaLevels<'_>,
    v: NomadVersion,
) -> bool {
    let mounts = v.has_since(&[
        NomadVersion::new(1, 1, 15),
        NomadVersion::new(1, 2, 9),
        NomadVersion::new(1, 3, 2),
    ]);
    let render = v.at_least(1, 6, 2);
    let csi = v.has_since(&[
        NomadVersion::new(1, 1, 13),
        NomadVersion::new(1, 2, 7),
        NomadVersion::new(1, 3, 0),
    ]);
    if ot.driver != nt.driver
        || ot.unmodelled != nt.unmodelled
        || ot.user != nt.user
        || ot.config != nt.config
        || ot.env != nt.env
        || ot.artifacts != nt.artifacts
        || ot.vault != nt.vault
        || ot.templates != nt.templates
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
        || (v.at_least(0, 10, 2) && !devices_equal(&or.devices, &nr.devices))
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
    false
}

/// A group's volume requests as Nomad compares them: a map by name (the
/// order of `volume` blocks is no change; `reflect.DeepEqual` of the map
/// before 1.5.2, `maps.EqualFunc` with `VolumeRequest.Equal` from it,
/// util.go v1.5.2), whose CSI `mount_flags` are a set from 1.5.2
/// (`CSIMountOptions.Equal` through `helper.SliceSetEq`, csi.go v1.10.5:176).
fn volumes_equal(
    old: &[crate::jobspec::Volume],
    new: &[crate::jobspec::Volume],
    v: NomadVersion,
) -> bool {
    use crate::jobspec::Volume;
    // Every sample of `plan --samples` asks: the usual answer costs no map.
    if old == new {
        return true;
    }
    let (old, new) = (volumes_by_name(old), volumes_by_name(new));
    let flags_as_set = v.at_least(1, 5, 2);
    let same = |o: &Volume, n: &Volume| {
        if !flags_as_set {
            return o == n;
        }
        let same_flags = match (&o.mount_options, &n.mount_options) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.fs_type == b.fs_type && flag_set_eq(&a.mount_flags, &b.mount_flags)
            }
            _ => false,
        };
        let rest = |x: &Volume| Volume {
            mount_options: None,
            ..x.clone()
        };
        same_flags && rest(o) == rest(n)
    };
    old.len() == new.len()
        && old
            .iter()
            .all(|(name, o)| new.get(name).is_some_and(|n| same(o, n)))
}

/// A group's volume requests by name (the last of a name wins, as a map
/// built from them does).
fn volumes_by_name(
    vs: &[crate::jobspec::Volume],
) -> std::collections::BTreeMap<&str, &crate::jobspec::Volume> {
    vs.iter().map(|x| (x.name.as_str(), x)).collect()
}

/// `helper.SliceSetEq` (helper/funcs.go v1.10.5:490): the same length,
/// and each of `a` in `b` — both ways past ten items, where it compares
/// sets.
fn flag_set_eq(a: &[String], b: &[String]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 10 {
        let (sa, sb): (std::collections::BTreeSet<_>, std::collections::BTreeSet<_>) =
            (a.iter().collect(), b.iter().collect());
        return sa == sb;
    }
    a.iter().all(|x| b.contains(x))
}

/// `ResourceDevices.Equal` (`Equals` from 0.10.2; structs.go v1.10.5):
/// the old devices keyed by name (a later one of the same name wins),
/// each new one found there with its count, and its constraints and
/// affinities compared as sets. Reordering device blocks, or the
/// constraints inside one, changes nothing (R28b-1: it was planned as a
/// create/destroy update, which with canaries left the canary unplaced).
fn devices_equal(
    old: &[crate::jobspec::RequestedDevice],
    new: &[crate::jobspec::RequestedDevice],
) -> bool {
    old.len() == new.len()
        && new.iter().all(|n| {
            old.iter()
                .rev()
                .find(|o| o.name == n.name)
                .is_some_and(|o| {
                    o.count == n.count
                        && as_set(&o.constraints, &n.constraints)
                        && as_set(&o.affinities, &n.affinities)
                })
        })
}

/// `Constraints.Equal` / `Affinities.Equal` (structs.go v1.10.5:9970,
/// :10117): the same length, and each of `xs` has an equal in `ys` — not
/// the other way round, so `[a, a]` equals `[a, b]`, as in Nomad.
fn as_set<T: PartialEq>(xs: &[T], ys: &[T]) -> bool {
    xs.len() == ys.len() && xs.iter().all(|x| ys.contains(x))
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

    /// ResourceDevices.Equal keys devices by name and compares their
    /// constraints as a set (R28b-1): reordering is no change; a changed
    /// count, name or constraint is.
    #[test]
    fn devices_compare_by_name_and_constraints_as_sets() {
        use crate::jobspec::{Constraint, RequestedDevice};
        let c = |r: &str| Constraint {
            ltarget: "${device.model}".into(),
            rtarget: r.into(),
            operand: "=".into(),
            ..Default::default()
        };
        let dev = |name: &str, count, cs: Vec<Constraint>| RequestedDevice {
            name: name.into(),
            count,
            constraints: cs,
            ..Default::default()
        };
        let with = |devices: Vec<RequestedDevice>| {
            group(move |g| g.tasks[0].resources.devices = devices.clone())
        };
        let old = with(vec![
            dev("nvidia/gpu", 1, vec![c("a"), c("b")]),
            dev("intel/fpga", 1, vec![]),
        ]);
        let v = [(1, 10, 5), (0, 10, 2)];
        let swapped = with(vec![
            dev("intel/fpga", 1, vec![]),
            dev("nvidia/gpu", 1, vec![c("b"), c("a")]),
        ]);
        assert_eq!(replaces(&old, &swapped, &v), [false, false]);
        let counted = with(vec![
            dev("intel/fpga", 2, vec![]),
            dev("nvidia/gpu", 1, vec![c("a"), c("b")]),
        ]);
        assert_eq!(replaces(&old, &counted, &v), [true, true]);
        let constrained = with(vec![
            dev("nvidia/gpu", 1, vec![c("a"), c("z")]),
            dev("intel/fpga", 1, vec![]),
        ]);
        assert_eq!(replaces(&old, &constrained, &v), [true, true]);
        let renamed = with(vec![
            dev("nvidia/gpu", 1, vec![c("a"), c("b")]),
            dev("amd/gpu", 1, vec![]),
        ]);
        assert_eq!(replaces(&old, &renamed, &v), [true, true]);
        // Nomad's one-way set test: each old constraint has an equal.
        let one = with(vec![dev("x", 1, vec![c("a"), c("a")])]);
        let two = with(vec![dev("x", 1, vec![c("a"), c("b")])]);
        assert_eq!(replaces(&one, &two, &v), [false, false]);
        assert_eq!(replaces(&two, &one, &v), [true, true]);
    }

    /// Group volumes are a map in Nomad (order of blocks is no change at
    /// any release); CSI mount flags are a set from 1.5.2 (VolumeRequest.Equal
    /// through CSIMountOptions.Equal), ordered before (reflect.DeepEqual).
    #[test]
    fn volumes_compare_by_name_and_mount_flags_as_a_set_from_1_5_2() {
        use crate::jobspec::CsiMountOptions;
        let vol = |name: &str, flags: &[&str]| Volume {
            name: name.into(),
            volume_type: "csi".into(),
            source: name.into(),
            mount_options: Some(CsiMountOptions {
                fs_type: "ext4".into(),
                mount_flags: flags.iter().map(|f| f.to_string()).collect(),
            }),
            ..Default::default()
        };
        let with = |vs: Vec<Volume>| group(move |g| g.volumes = vs.clone());
        let old = with(vec![vol("a", &["ro", "noatime"]), vol("b", &[])]);
        let v = [(1, 10, 5), (1, 5, 2), (1, 5, 1), (1, 3, 2)];
        let swapped = with(vec![vol("b", &[]), vol("a", &["ro", "noatime"])]);
        assert_eq!(replaces(&old, &swapped, &v), [false; 4]);
        let flags = with(vec![vol("a", &["noatime", "ro"]), vol("b", &[])]);
        assert_eq!(replaces(&old, &flags, &v), [false, false, true, true]);
        let other = with(vec![vol("a", &["ro", "sync"]), vol("b", &[])]);
        assert_eq!(replaces(&old, &other, &v), [true; 4]);
        let fewer = with(vec![vol("a", &["ro", "noatime"])]);
        assert_eq!(replaces(&old, &fewer, &v), [true; 4]);
    }
}
