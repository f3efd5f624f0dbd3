//! Service scheduler preemption, rebuilt from hashicorp/nomad
//! `scheduler/generic_sched_test.go` `TestServiceSched_Preemption`.

use crate::scheduler_fixtures;

use nomad_preflight::jobspec::JobType;
use nomad_preflight::scheduler::Simulation;
use nomad_preflight::world::{Reserved, World};
use scheduler_fixtures::*;

/// One node: 1000 MHz / 2048 MB / 100 GiB, reserving 50 MHz, 256 MB,
/// 4 GiB and port 22; service preemption on (the harness has no scheduler
/// configuration, which Nomad treats as "enabled").
fn world() -> World {
    let mut w = demo_world();
    w.running.clear();
    w.quotas.clear();
    w.namespaces.values_mut().for_each(|n| n.quota = None);
    w.nomad_version = nomad_preflight::version::NomadVersion::CURRENT;
    if let Some(p) = w.clients.first_mut() {
        p.count = 1;
        p.cpu = 1000;
        p.memory = 2048;
        p.disk = 100 * 1024;
        p.network_mbits = 1000;
        p.reserved = Reserved {
            cpu: 50,
            memory: 256,
            disk: 4 * 1024,
            ports: vec![22],
        };
    }
    w
}

fn mock_job(id: &str, priority: i64, cpu: i64, mem: i64) -> nomad_preflight::jobspec::Job {
    let mut t = task("web", "docker", cpu, mem, 0);
    for n in &mut t.resources.networks {
        n.mbits = 50;
    }
    job(
        id,
        JobType::Service,
        priority,
        "default",
        vec![group("web", 1, 150, vec![t], None, true)],
    )
}

#[test]
fn service_job_preempts_both_lower_priority_jobs() {
    let mut sim = Simulation::new(&world(), 1).expect("world");
    let a = sim
        .run(&mock_job("job1", 30, 500, 1024), None)
        .expect("job1");
    let b = sim
        .run(&mock_job("job2", 50, 350, 512), None)
        .expect("job2");
    assert!(a.blocked_eval_id.is_none() && b.blocked_eval_id.is_none());
    let mut expected: Vec<String> = a
        .plan
        .placements
        .iter()
        .chain(b.plan.placements.iter())
        .map(|p| p.alloc.id.to_string())
        .collect();
    expected.sort();
    let out = sim
        .run(&mock_job("job3", 100, 900, 1700), None)
        .expect("job3");
    assert_eq!(out.plan.placements.len(), 1);
    let mut victims = out
        .plan
        .placements
        .first()
        .map(|p| {
            p.preempts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    victims.sort();
    assert_eq!(victims, expected);
    // The victims' jobs were re-evaluated and now wait for capacity.
    assert_eq!(sim.state.blocked.len(), 2);
}

#[test]
fn without_preemption_the_job_blocks() {
    let mut w = world();
    w.scheduler.preemption.service = false;
    let mut sim = Simulation::new(&w, 1).expect("world");
    sim.run(&mock_job("job1", 30, 500, 1024), None)
        .expect("job1");
    sim.run(&mock_job("job2", 50, 350, 512), None)
        .expect("job2");
    let out = sim
        .run(&mock_job("job3", 100, 900, 1700), None)
        .expect("job3");
    assert!(out.plan.placements.is_empty());
    let m = out.plan.failed_tg_allocs.get("web").expect("fails");
    assert_eq!(m.dimension_exhausted.get("cpu"), Some(&1), "{m:?}");
    assert!(out.blocked_eval_id.is_some());
}

/// Before 0.9.2 service jobs could not preempt at all, whatever the flag.
#[test]
fn old_versions_never_preempt_service_jobs() {
    let mut w = world();
    w.nomad_version = nomad_preflight::version::NomadVersion::new(0, 9, 1);
    let mut sim = Simulation::new(&w, 1).expect("world");
    sim.run(&mock_job("job1", 30, 500, 1024), None)
        .expect("job1");
    let out = sim
        .run(&mock_job("job3", 100, 900, 1700), None)
        .expect("job3");
    assert!(out.plan.preempted_allocs.is_empty());
    assert!(out.plan.placements.is_empty());
}
