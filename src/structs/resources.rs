//! What an allocation of a task group holds ("comparable resources").

use super::{AllocNetwork, AllocResources};
use crate::ids::Id;
use crate::jobspec::{Network, Task, TaskGroup};
use crate::version::NomadVersion;

/// The first dimension whose sum passed i64, if any.
type Overflowed = Option<&'static str>;

/// One allocation's cpu, memory and memory-max, before the lifecycle phases
/// are combined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sum {
    cpu: i64,
    memory: i64,
    memory_max: i64,
}

impl Sum {
    /// Checked: a dimension past i64 becomes `None` in `over` (and i64::MAX
    /// here, a figure no node, quota or bound holds), so the caller can say
    /// which dimension overflowed instead of using a wrapped figure.
    fn add(&mut self, o: Sum, over: &mut Overflowed) {
        let mut one = |dim: &'static str, a: &mut i64, b: i64| match a.checked_add(b) {
            Some(v) => *a = v,
            None => {
                *a = i64::MAX;
                over.get_or_insert(dim);
            }
        };
        one("cpu", &mut self.cpu, o.cpu);
        one("memory", &mut self.memory, o.memory);
        one("memory_max", &mut self.memory_max, o.memory_max);
    }
    fn max(&mut self, o: Sum) {
        self.cpu = self.cpu.max(o.cpu);
        self.memory = self.memory.max(o.memory);
        self.memory_max = self.memory_max.max(o.memory_max);
    }
    /// One task's ask. With `secrets` (1.8.3 on) the secrets tmpfs is part
    /// of the memory the scheduler reserves: `MemoryMB + SecretsMB`, and
    /// `MemoryMaxMB + SecretsMB` where a max is set (scheduler/rank.go:
    /// 373-380@v1.8.3, scheduler/feasible/rank.go:378-393@v2.0.5; absent at
    /// every tag 1.8.0-1.8.2). That figure is what the allocation stores, so
    /// `AllocsFit`, preemption and quota usage all count it.
    fn of(r: &TaskAsk<'_>, secrets: bool, over: &mut Overflowed) -> Sum {
        let extra = if secrets { r.secrets_mb } else { 0 };
        // safemath.Add clamps at MaxInt64; here that is the overflow marker.
        let mut plus = |v: i64| {
            v.checked_add(extra).unwrap_or_else(|| {
                over.get_or_insert("memory");
                i64::MAX
            })
        };
        let memory = plus(r.memory_mb);
        Sum {
            cpu: r.cpu,
            memory,
            memory_max: if r.memory_max_mb > 0 {
                plus(r.memory_max_mb)
            } else {
                memory
            },
        }
    }
}

/// Everything of one task that the group's cpu and memory sum reads
/// ([`Sum::of`], [`lifecycle_sum`]): its lifecycle hook and sidecar flag,
/// cpu, memory, memory max, secrets and cores. A rule that asks how the
/// sum moves when one task's figure changes (NP102) changes these, not a
/// copy of the whole group: a group's copy (its tasks' configs,
/// templates, services) was most of that rule's cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskAsk<'a> {
    pub hook: Option<(&'a str, bool)>,
    pub cpu: i64,
    pub memory_mb: i64,
    pub memory_max_mb: i64,
    pub secrets_mb: i64,
    pub cores: i64,
}

impl<'a> TaskAsk<'a> {
    pub fn of(t: &'a Task) -> TaskAsk<'a> {
        let r = &t.resources;
        TaskAsk {
            hook: t.lifecycle.as_ref().map(|l| (l.hook.as_str(), l.sidecar)),
            cpu: r.cpu,
            memory_mb: r.memory_mb,
            memory_max_mb: r.memory_max_mb,
            secrets_mb: r.secrets_mb,
            cores: r.cores,
        }
    }
}

/// How a release combines its tasks' asks into one allocation's usage
/// (`AllocatedResources.Comparable` in `nomad/structs/structs.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LifecycleRule {
    /// Before 0.11 there are no lifecycle hooks: every task adds.
    SumAll,
    /// 0.11.0 to 0.12.x: prestart sidecars + max(ephemeral prestart, main);
    /// any other hook is not counted.
    Prestart,
    /// 1.0.0 to 1.9.1: prestart sidecars + max(ephemeral prestart, main,
    /// poststop). Poststart tasks are counted nowhere (the bug #24297 fixed).
    Poststop,
    /// 1.9.2 and 1.9.3: as above, with poststart tasks added to main.
    PoststartInMain,
    /// 1.9.4 on (#24304): max(all prestart, main + prestart sidecars +
    /// poststart, poststop).
    Phases,
}

impl LifecycleRule {
    fn of(v: NomadVersion) -> LifecycleRule {
        if v.has(crate::version::Fix::LifecyclePhases) {
            LifecycleRule::Phases
        } else if v.has(crate::version::Fix::PoststartInMain) {
            LifecycleRule::PoststartInMain
        } else if v.at_least(1, 0, 0) {
            LifecycleRule::Poststop
        } else if v.at_least(0, 11, 0) {
            LifecycleRule::Prestart
        } else {
            LifecycleRule::SumAll
        }
    }
}

/// cpu, memory and memory-max of one allocation of `tg` under `rule`.
fn lifecycle_sum<'a>(
    tasks: impl Iterator<Item = TaskAsk<'a>>,
    rule: LifecycleRule,
    secrets: bool,
    over: &mut Overflowed,
) -> Sum {
    let (mut main, mut sidecar, mut ephemeral) = (Sum::default(), Sum::default(), Sum::default());
    let (mut poststart, mut poststop) = (Sum::default(), Sum::default());
    // From 1.9.4 a task's reserved cores and their MHz are "not fungible":
    // `Comparable` adds its cpu outside the phases (nomad/structs/
    // structs.go `AllocatedResources.Comparable`@v1.9.4, @v2.0.5). What an
    // import reads (`Cpu.CpuShares` of a task with `ReservedCores`).
    let mut fixed_cpu = Sum::default();
    for t in tasks {
        let mut s = Sum::of(&t, secrets, over);
        if rule == LifecycleRule::Phases && t.cores > 0 {
            fixed_cpu.add(
                Sum {
                    cpu: s.cpu,
                    ..Sum::default()
                },
                over,
            );
            s.cpu = 0;
        }
        let hook = match rule {
            LifecycleRule::SumAll => None,
            _ => t.hook,
        };
        match hook {
            None => main.add(s, over),
            Some(("prestart", true)) => sidecar.add(s, over),
            Some(("prestart", false)) => ephemeral.add(s, over),
            Some(("poststart", _)) => poststart.add(s, over),
            Some(("poststop", _)) => poststop.add(s, over),
            // A hook the release does not know is rejected by validation;
            // Nomad's sum skips it.
            Some(_) => {}
        }
    }
    match rule {
        LifecycleRule::SumAll => main,
        LifecycleRule::Phases => {
            let mut prestart = sidecar;
            prestart.add(ephemeral, over);
            main.add(sidecar, over);
            main.add(poststart, over);
            main.max(prestart);
            main.max(poststop);
            main.add(fixed_cpu, over);
            main
        }
        older => {
            if older == LifecycleRule::PoststartInMain {
                main.add(poststart, over);
            }
            ephemeral.max(main);
            if older != LifecycleRule::Prestart {
                ephemeral.max(poststop);
            }
            sidecar.add(ephemeral, over);
            sidecar
        }
    }
}

/// What one allocation of `tg` holds under the world's release: cpu and
/// memory combined across lifecycle phases as that release does (see
/// [`LifecycleRule`]); reserved cores always add up. Disk is the group's
/// ephemeral disk; networks are the first network of each task plus group
/// networks. The scheduler places with this and the rules judge with it.
pub fn task_group_resources(tg: &TaskGroup, version: NomadVersion) -> AllocResources {
    // A job's ask past i64 stays i64::MAX, more than any node, quota or
    // bound holds, so it is never placed; NP301 names the overflow by its
    // bound. Figures read from a world use [`checked_task_group_resources`].
    checked_task_group_resources(tg, version).unwrap_or_else(|(r, _)| r)
}

/// cpu, memory and memory max of one allocation of a group whose tasks
/// ask `tasks`, as [`task_group_resources`] gives them (a dimension past
/// i64 is i64::MAX).
pub fn phase_sum(tasks: &[TaskAsk<'_>], version: NomadVersion) -> (i64, i64, i64) {
    let mut over = None;
    let secrets = version.at_least(1, 8, 3);
    let s = lifecycle_sum(
        tasks.iter().copied(),
        LifecycleRule::of(version),
        secrets,
        &mut over,
    );
    (s.cpu, s.memory, s.memory_max)
}

/// [`task_group_resources`], or the dimension whose sum passes i64 (with
/// the resources, that dimension at i64::MAX): for allocations read from a
/// world, whose overflow is an error of the file they come from.
pub fn checked_task_group_resources(
    tg: &TaskGroup,
    version: NomadVersion,
) -> Result<AllocResources, (AllocResources, &'static str)> {
    let mut over = None;
    let secrets = version.at_least(1, 8, 3);
    let sum = lifecycle_sum(
        tg.tasks.iter().map(TaskAsk::of),
        LifecycleRule::of(version),
        secrets,
        &mut over,
    );
    let mut cores: i64 = 0;
    let mut networks = Vec::new();
    for t in &tg.tasks {
        cores = cores.checked_add(t.resources.cores).unwrap_or_else(|| {
            over.get_or_insert("cores");
            i64::MAX
        });
        if let Some(n) = t.resources.networks.first() {
            networks.push(ask_network(n, n.mbits, false));
        }
    }
    // Group networks hold ports only: Nomad does not account their bandwidth.
    for n in &tg.networks {
        networks.push(ask_network(n, 0, true));
    }
    let r = AllocResources {
        cpu: sum.cpu,
        cores,
        memory_mb: sum.memory,
        memory_max_mb: sum.memory_max,
        disk_mb: tg.ephemeral_disk.size_mb,
        networks,
        // Device instances are chosen per node when the placement is ranked.
        devices: Vec::new(),
    };
    match over {
        None => Ok(r),
        Some(dim) => Err((r, dim)),
    }
}

/// A network ask before placement: device and IP are filled by the node
/// chosen, dynamic ports get numbers then (0 until placed).
fn ask_network(n: &Network, mbits: i64, group: bool) -> AllocNetwork {
    AllocNetwork {
        device: Id::default(),
        ip: Id::default(),
        mbits,
        reserved_ports: n
            .reserved_ports
            .iter()
            .map(|p| (Id::from(&p.label), u16::try_from(p.value).unwrap_or(0)))
            .collect(),
        dynamic_ports: n
            .dynamic_ports
            .iter()
            .map(|p| (Id::from(&p.label), 0))
            .collect(),
        group,
        port_ips: Vec::new(),
        ignore_collision: n
            .reserved_ports
            .iter()
            .chain(n.dynamic_ports.iter())
            .filter(|p| group && p.ignore_collision)
            .map(|p| Id::from(&p.label))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Lifecycle, Resources};

    fn t(cpu: i64, hook: Option<(&str, bool)>) -> Task {
        Task {
            resources: Resources {
                cpu,
                memory_mb: cpu * 10,
                ..Resources::default()
            },
            lifecycle: hook.map(|(hook, sidecar)| Lifecycle {
                hook: hook.into(),
                sidecar,
                ..Lifecycle::default()
            }),
            ..Task::default()
        }
    }

    fn group(tasks: Vec<Task>) -> TaskGroup {
        TaskGroup {
            tasks,
            ..TaskGroup::default()
        }
    }

    /// Each release's `AllocatedResources.Comparable` (see [`LifecycleRule`]),
    /// worked by hand on two groups whose totals tell the rules apart.
    #[test]
    fn lifecycle_phases_combine_as_each_release_combines_them() {
        let every_hook = group(vec![
            t(100, None),
            t(10, Some(("prestart", true))),
            t(300, Some(("prestart", false))),
            t(350, Some(("poststart", false))),
            t(400, Some(("poststop", false))),
        ]);
        let big_poststop = group(vec![
            t(100, None),
            t(10, Some(("prestart", true))),
            t(1000, Some(("poststop", false))),
        ]);
        let cases = [
            ((0, 9, 3), 1160, 1110),
            ((0, 11, 0), 310, 110),
            ((0, 12, 9), 310, 110),
            ((1, 0, 0), 410, 1010),
            ((1, 9, 1), 410, 1010),
            ((1, 9, 2), 460, 1010),
            ((1, 9, 3), 460, 1010),
            ((1, 9, 4), 460, 1000),
            ((2, 0, 5), 460, 1000),
        ];
        for ((a, b, c), every, poststop) in cases {
            let v = NomadVersion::new(a, b, c);
            let r = task_group_resources(&every_hook, v);
            assert_eq!((r.cpu, r.memory_mb), (every, every * 10), "{v}");
            assert_eq!(r.memory_max_mb, every * 10, "{v}: max defaults to memory");
            assert_eq!(task_group_resources(&big_poststop, v).cpu, poststop, "{v}");
        }
    }

    /// Sums past i64 name their dimension, never wrap (a debug build
    /// panicked on `cores`); the job-ask form keeps i64::MAX as its marker.
    #[test]
    fn sums_past_i64_name_their_dimension() {
        let v = NomadVersion::CURRENT;
        let mut g = group(vec![t(1, None), t(1, None), t(1, None)]);
        for task in &mut g.tasks[..2] {
            task.resources.cpu = i64::MAX / 2;
        }
        assert!(checked_task_group_resources(&g, v).is_ok());
        g.tasks[2].resources.cpu = 2;
        let (r, dim) = checked_task_group_resources(&g, v).unwrap_err();
        assert_eq!((dim, r.cpu), ("cpu", i64::MAX));
        assert_eq!(task_group_resources(&g, v).cpu, i64::MAX);
        let mut g = group(vec![t(1, None), t(1, None)]);
        g.tasks[0].resources.cores = i64::MAX;
        g.tasks[1].resources.cores = 1;
        assert_eq!(checked_task_group_resources(&g, v).unwrap_err().1, "cores");
    }

    /// From 1.8.3 each task's secrets tmpfs adds to its memory and, where
    /// set, its memory max (scheduler/rank.go:373-380@v1.8.3); before, a
    /// job could not ask for it and the figure is not counted.
    #[test]
    fn secrets_add_to_memory_from_1_8_3() {
        let mut g = group(vec![t(100, None), t(10, Some(("prestart", true)))]);
        g.tasks[0].resources.secrets_mb = 200;
        g.tasks[1].resources.secrets_mb = 5;
        g.tasks[1].resources.memory_max_mb = 300;
        let at = |v| {
            let r = task_group_resources(&g, v);
            (r.memory_mb, r.memory_max_mb)
        };
        assert_eq!(at(NomadVersion::new(1, 8, 2)), (1100, 1300));
        assert_eq!(at(NomadVersion::new(1, 8, 3)), (1305, 1505));
        assert_eq!(at(NomadVersion::CURRENT), (1305, 1505));
        g.tasks[0].resources.memory_mb = i64::MAX - 100;
        let err = checked_task_group_resources(&g, NomadVersion::CURRENT).unwrap_err();
        assert_eq!(err.1, "memory");
    }

    /// From 1.9.4 the cpu of a task with reserved cores adds up outside
    /// the phases (an imported allocation's `CpuShares`); before, it is
    /// phased as any.
    #[test]
    fn the_cpu_of_reserved_cores_adds_outside_phases_from_1_9_4() {
        let mut g = group(vec![t(100, None), t(300, Some(("prestart", false)))]);
        g.tasks[1].resources.cores = 1;
        let cpu = |v| task_group_resources(&g, v).cpu;
        assert_eq!(cpu(NomadVersion::new(1, 9, 3)), 300);
        assert_eq!(cpu(NomadVersion::new(1, 9, 4)), 400);
        assert_eq!(cpu(NomadVersion::CURRENT), 400);
    }

    #[test]
    fn cores_disk_and_networks_do_not_depend_on_phases() {
        let mut g = group(vec![t(100, None), t(50, Some(("prestart", false)))]);
        g.tasks[1].resources.cores = 2;
        g.tasks[0].resources.memory_max_mb = 5000;
        g.ephemeral_disk.size_mb = 300;
        let r = task_group_resources(&g, NomadVersion::CURRENT);
        // The cores' 50 MHz add to main's 100 (not fungible, 1.9.4+).
        assert_eq!((r.cpu, r.cores, r.disk_mb), (150, 2, 300));
        assert_eq!((r.memory_mb, r.memory_max_mb), (1000, 5000));
    }
}
