//! Which in-place updates stay where they are in every history
//! (redteam19 R19-B-1): the room bound counts an in-place update as
//! needing no room only where whichever node holds the allocation in a
//! history keeps it through the update.

use super::super::engine::{Ask, Engine};
use super::super::feasibility::keeps_node_in_place;
use super::super::generic::update::kept_as_is;
use super::super::Simulation;
use crate::jobspec::Job;

/// Does the live allocation `a`, updated in place to `job` here, stay in
/// place in every history? Where it sits depends on the history, and
/// Nomad keeps it there only if that node is still in the job's
/// datacenters (1.0.9/1.1.3+) and node pool (1.6+) and (unless 2.0.3's
/// `max_run_duration` shortcut skips it: [`kept_as_is`]) the new group's
/// `stack.Select` on that one node finds it feasible; else the update is
/// destructive and its replacement needs room somewhere
/// (`genericAllocUpdateFn`, scheduler/util.go v0.9.3:747-794,
/// v2.0.5:805-876), while `tasksUpdated` (v2.0.5:167) never compares
/// constraints or datacenters. So it stays where the group asks of a node
/// what the version it runs asked (a node that took that takes this), or
/// where every node takes the new version, and never where the group has
/// no network and `carried` ([`super::network_order_matters`]): its
/// `Select` judges it with the network of whichever group Go's map order
/// placed before it (rt21b R21-B-1). `memo`: the answers so far, by
/// group and the version the allocation runs.
pub(super) fn stays_put<'s>(
    sim: &'s Simulation,
    engine: &mut Engine<'_>,
    job: &Job,
    a: &'s crate::cluster::Allocation,
    carried: bool,
    memo: &mut Vec<(&'s str, u64, Kept)>,
) -> Kept {
    let key = (&*a.task_group, a.job_version);
    // An earlier registration's version N is another spec: not memoized.
    let memoized = a.earlier_registration.is_none();
    let found = memo.iter().find(|(g, v, _)| memoized && (*g, *v) == key);
    if let Some(&(.., kept)) = found {
        return kept;
    }
    let Some(tg) = job.group(&a.task_group) else {
        return Kept::default();
    };
    let old = super::super::generic::old_spec(&sim.job_versions, &sim.state, a);
    let same = old.is_some_and(|(oj, og)| same_node_scope((oj, og), (job, tg)));
    let version = sim.world.nomad_version;
    let as_is = old.is_some_and(|(oj, og)| kept_as_is(version, oj, og));
    // Under 2.0.3's shortcut no `stack.Select` runs: only the datacenters
    // and node pool decide, checked before it (scheduler/util.go
    // v2.0.5:838-858).
    let stays = if as_is {
        old.is_some_and(|(oj, _)| {
            oj.datacenters == job.datacenters && oj.node_pool == job.node_pool
        }) || sim
            .state
            .nodes
            .iter()
            .all(|n| keeps_node_in_place(version, job, n))
    } else if carried && tg.networks.is_empty() {
        false
    } else {
        same || takes_everywhere(sim, engine, job, tg)
    };
    let kept = Kept { stays, as_is };
    if memoized {
        memo.push((key.0, key.1, kept));
    }
    kept
}

/// What [`stays_put`] tells of an in-place update.
#[derive(Clone, Copy, Default)]
pub(super) struct Kept {
    /// It stays on its node in every history.
    pub stays: bool,
    /// It keeps its old resources, never fitted anew (2.0.3's shortcut,
    /// [`kept_as_is`]): placed anew in a history that left it unplaced,
    /// it asks the new group's resources instead.
    pub as_is: bool,
}

/// Does the group ask the same of a node in both versions: what
/// `genericAllocUpdateFn` reads of the node (datacenters, node pool) and
/// what `stack.Select` checks (scheduler/feasible/stack.go v2.0.5
/// `Select`: job and group constraints, the tasks' drivers, devices and
/// secrets providers, host and CSI volumes, the group's network)?
/// Affinities and spreads only score; anything unmodelled may matter.
fn same_node_scope(
    old: (&Job, &crate::jobspec::TaskGroup),
    new: (&Job, &crate::jobspec::TaskGroup),
) -> bool {
    let ((oj, og), (nj, ng)) = (old, new);
    oj.datacenters == nj.datacenters
        && oj.node_pool == nj.node_pool
        && oj.constraints == nj.constraints
        && oj.unmodelled == nj.unmodelled
        && og.constraints == ng.constraints
        && og.volumes == ng.volumes
        && og.networks == ng.networks
        && og.unmodelled == ng.unmodelled
        && og.tasks.len() == ng.tasks.len()
        && og.tasks.iter().zip(&ng.tasks).all(|(o, n)| {
            o.name == n.name
                && o.driver == n.driver
                && o.constraints == n.constraints
                && o.resources == n.resources
                && o.secrets == n.secrets
                && o.volume_mounts == n.volume_mounts
                && o.unmodelled == n.unmodelled
        })
}

/// Does every node, whatever its state, keep an allocation of the group
/// through an in-place update to `job` (any history's node among them)?
/// Only for checks that are facts of the node: a group with volumes or
/// `distinct_*` constraints, or a verdict Go's map order draws, answers no.
fn takes_everywhere(
    sim: &Simulation,
    engine: &mut Engine<'_>,
    job: &Job,
    tg: &crate::jobspec::TaskGroup,
) -> bool {
    if super::reads_placed(tg) {
        return false;
    }
    let world = &*sim.world;
    let ask = Ask::of_group(job, tg, world);
    let version = world.nomad_version;
    sim.state.nodes.iter().enumerate().all(|(pos, n)| {
        // By class, as Nomad judges it: a class split is noted as drawn
        // (rt21b R21-B-2) and answers no below.
        keeps_node_in_place(version, job, n) && engine.infeasible(&ask, pos, n, true).is_none()
    }) && engine.drawn.is_empty()
}

#[cfg(test)]
mod tests {
    use super::super::unproven;
    use super::*;

    /// redteam19 R19-B-1's world: clients "web" (dc2) and "db" (dc1) of
    /// 4096 MB each, `app` and `other` (3000 MB each) running in both
    /// datacenters, then `app`'s group head `from` edited to `to`. The bound's
    /// answer for each seed whose plan updates `app` in place and fails
    /// nothing (`app` sits on "db" then; on "web" the update is destructive).
    fn in_place_app(from: &str, to: &str) -> Vec<Option<&'static str>> {
        let job = |name: &str| {
            format!(
                "job \"{name}\" {{\n  datacenters = [\"dc1\", \"dc2\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 3000\n      }}\n    }}\n  }}\n}}\n"
            )
        };
        let client = |name: &str, dc: &str| {
            format!(
                "client \"{name}\" {{\n  count = 1\n  datacenter = \"{dc}\"\n  cpu = 4000\n  memory = 4096\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\", \"role\" = \"{name}\" }}\n}}\n"
            )
        };
        let mut vfs = crate::vfs::MemVfs::new("in place");
        vfs.insert(
            "rules/cluster.hcl",
            format!(
                "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}{}running = [\"jobs/app.nomad\", \"jobs/other.nomad\"]\n",
                client("web", "dc2"),
                client("db", "dc1")
            ),
        );
        vfs.insert("jobs/app.nomad", job("app"));
        vfs.insert("jobs/other.nomad", job("other"));
        let text = job("app");
        assert!(text.contains(from), "{from}");
        let (world, job) =
            super::super::tests::admitted(&vfs, "jobs/app.nomad", &text.replacen(from, to, 1));
        let answers: Vec<_> = (1..=12)
            .filter_map(|seed| {
                let sim = Simulation::new(&world, seed).expect("simulates");
                let plan = sim.plan_admitted(&job);
                let in_place = plan.placements.iter().any(|p| p.in_place);
                (in_place && plan.failed_tg_allocs.is_empty()).then(|| unproven(&sim, &job, &plan))
            })
            .collect();
        assert!(!answers.is_empty(), "no seed updates app in place");
        answers
    }

    /// An in-place update whose group asks the same of a node (an affinity
    /// only scores), or whose new datacenter no client is in, stays put
    /// in every history, and `app`, registered first on two empty
    /// clients, is there in every history: it needs no room
    /// ([`super::own`]). One that leaves out a datacenter or adds a
    /// constraint a node of some history fails is destructive there
    /// (`genericAllocUpdateFn`), and a second 3000 MB allocation beside
    /// two on two 4096 MB clients has no room in some history: sampled.
    #[test]
    fn an_in_place_update_is_shown_to_stay_only_where_every_node_keeps_it() {
        let head = "  group \"g\" {\n";
        let affinity = "  group \"g\" {\n    affinity {\n      attribute = \"${attr.role}\"\n      value     = \"web\"\n    }\n";
        let dcs = "datacenters = [\"dc1\", \"dc2\"]";
        let unused = "datacenters = [\"dc1\", \"dc2\", \"dc3\"]";
        let dc1 = "datacenters = [\"dc1\"]";
        let no_room = |answers: Vec<Option<&str>>| {
            answers
                .iter()
                .all(|a| *a == Some("no room in some history"))
        };
        let shown = |answers: Vec<Option<&str>>| answers.iter().all(Option::is_none);
        assert!(shown(in_place_app(head, affinity)));
        assert!(shown(in_place_app(dcs, unused)));
        assert!(no_room(in_place_app(dcs, dc1)));
        let pinned = "  group \"g\" {\n    constraint {\n      attribute = \"${attr.role}\"\n      value     = \"db\"\n    }\n";
        assert!(no_room(in_place_app(head, pinned)));
    }

    /// 2.0.3's shortcut keeps a running batch allocation with a
    /// `max_run_duration` as it is: 1000 MB (`init` a prestart task, not
    /// added to `main`'s). In a history that left it unplaced it is placed
    /// anew with the new group's 2000 MB (the lifecycle removed). Here
    /// that history does not exist: on one 2600 MB client `etl`, replayed
    /// after `other`'s 1500 MB, fits in every history and nothing evicts
    /// it ([`super::super::own`]), and under the shortcut only its
    /// datacenters and pool decide whether it stays: shown to fit, with
    /// no slot asked. (Where it is not there in every history, its slot
    /// asks the larger of the two rooms: `history_bound.rs`.)
    #[test]
    fn a_kept_as_is_allocation_there_in_every_history_needs_no_slot() {
        let task = |name: &str| {
            format!("    task \"{name}\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 1000\n      }}\n    }}\n")
        };
        let hook = "      lifecycle {\n        hook = \"prestart\"\n      }\n";
        let init = task("init").replacen("      config", &format!("{hook}      config"), 1);
        let job = |init: &str| {
            format!("job \"etl\" {{\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n  group \"g\" {{\n    max_run_duration = \"1h\"\n{init}{}  }}\n}}\n", task("main"))
        };
        let mut vfs = crate::vfs::MemVfs::new("as is");
        vfs.insert(
            "rules/cluster.hcl",
            "nomad_version = \"2.0.5\"\nregion = \"global\"\nclient \"a\" {\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 2600\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\nrunning = [\"jobs/other.nomad\", \"jobs/etl.nomad\"]\n",
        );
        vfs.insert("jobs/etl.nomad", job(&init));
        let other = task("t").replace("memory = 1000", "memory = 1500");
        vfs.insert(
            "jobs/other.nomad",
            format!(
                "job \"other\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{other}  }}\n}}\n"
            ),
        );
        let world = match crate::world::load(&vfs, std::path::Path::new("rules")) {
            Ok((w, _)) => w,
            Err(d) => panic!("world: {d:?}"),
        };
        let parsed = crate::rules::testing::load_at(
            "jobs/etl.nomad",
            &job(&task("init")),
            world.nomad_version,
        );
        let job = parsed.job.expect("job");
        let job =
            crate::mutators::apply(&job, world.nomad_version, &world.server).expect("admitted");
        let sim = Simulation::new(&world, 1).expect("simulates");
        let plan = sim.plan_admitted(&job);
        let kept: Vec<i64> = plan
            .placements
            .iter()
            .filter(|p| p.in_place)
            .map(|p| p.alloc.resources.memory_mb)
            .collect();
        assert_eq!(kept, [1000], "kept with its old resources");
        assert_eq!(unproven(&sim, &job, &plan), None);
    }
}
