//! Scheduler timings: the demo sampled 1000 times, and generated clusters
//! of growing size (up to 5,000 clients / 100,000 allocations) planning a
//! 100-allocation service job with and without preemption.
//! Run: `cargo bench --bench scheduler` (plain Instant timing, no harness).

#[path = "../tests/scheduler_fixtures/mod.rs"]
mod fixtures;

use std::time::Instant;

use nomad_preflight::cluster::build::build_node;
use nomad_preflight::cluster::{Allocation, ClientStatus, DesiredStatus, State};
use nomad_preflight::jobspec::JobType;
use nomad_preflight::scheduler::{sample, Simulation};
use nomad_preflight::structs::resources::task_group_resources;

fn demo() {
    let t = Instant::now();
    let out = sample(&fixtures::demo_world(), 1000, 1, |sim| {
        sim.apply_namespace(fixtures::monitor_namespace());
        let _ = sim.run(&fixtures::monitoring("monitor"), None);
        sim.plan(&fixtures::sockshop(3)).preempted_allocs.len()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let preempting = out.iter().filter(|n| **n > 0).count();
    let el = t.elapsed();
    println!(
        "demo: 1000 samples (replay + namespace + run + plan) in {:.3}s ({:.2} ms/sample), {} preempt monitoring",
        el.as_secs_f64(),
        el.as_secs_f64() * 1000.0 / 1000.0,
        preempting
    );
}

/// `clients` nodes of 4600 MHz / 3951 MB, `per_node` filler allocations
/// each (priority 10, 150 MHz / 120 MB) built straight into the state.
fn cluster(clients: u32, per_node: u32) -> Simulation {
    let mut world = fixtures::demo_world();
    world.running.clear();
    world.quotas.clear();
    if let Some(p) = world.clients.first_mut() {
        p.count = clients;
    }
    let mut state = State::default();
    if let Some(pool) = world.clients.first() {
        for i in 1..=clients {
            state.index += 1;
            state
                .nodes
                .push(build_node(&world, pool, 0, i, state.index));
        }
    }
    state.namespaces = vec!["default".into()];
    let filler = fixtures::job(
        "filler",
        JobType::Batch,
        10,
        "default",
        vec![fixtures::group(
            "f",
            1,
            0,
            vec![fixtures::task("f", "docker", 150, 120, 0)],
            None,
            false,
        )],
    );
    let res = filler
        .groups
        .first()
        .map(|g| task_group_resources(g, world.nomad_version))
        .unwrap_or_default();
    for (n, node) in state.nodes.iter().enumerate() {
        for k in 0..per_node {
            let i = n as u32 * per_node + k;
            let mut r = res.clone();
            for net in &mut r.networks {
                net.device = "eth0".into();
                net.ip = (&node.networks[0].ip).into();
            }
            state.allocs.push(Allocation {
                id: format!("{i:08x}-0000-4000-8000-000000000000").into(),
                name: format!("filler-{n}.f[{k}]").into(),
                namespace: "default".into(),
                job_id: format!("filler-{n}").into(),
                job_priority: 10,
                job_type: JobType::Batch,
                task_group: "f".into(),
                node_id: node.id.as_str().into(),
                resources: r,
                desired_status: DesiredStatus::Run,
                client_status: ClientStatus::Running,
                ..Allocation::default()
            });
        }
    }
    Simulation::from_state(std::sync::Arc::new(world), state, 7)
}

fn big_job(priority: i64, mem: i64) -> nomad_preflight::jobspec::Job {
    fixtures::job(
        "big",
        JobType::Service,
        priority,
        "default",
        vec![fixtures::group(
            "web",
            100,
            300,
            vec![fixtures::task("web", "docker", 500, mem, 0)],
            None,
            true,
        )],
    )
}

fn large() {
    for (clients, per_node) in [(500u32, 20u32), (1000, 20), (2500, 20), (5000, 20)] {
        let t = Instant::now();
        let mut sim = cluster(clients, per_node);
        let built = t.elapsed();
        // 20 × 120 MB = 2400 MB used: a 1024 MB ask fits everywhere…
        let t = Instant::now();
        let fit = sim.plan(&big_job(50, 1024));
        let fit_t = t.elapsed();
        // …a 2000 MB ask fits nowhere without evicting filler.
        std::sync::Arc::make_mut(&mut sim.world)
            .scheduler
            .preemption
            .service = true;
        let t = Instant::now();
        let pre = sim.plan(&big_job(50, 2000));
        let pre_t = t.elapsed();
        println!(
            "{clients:>5} clients / {:>6} allocs: build {:>7.1} ms | plan 100 fit {:>8.1} ms ({} placed) | plan 100 with preemption {:>8.1} ms ({} placed, {} evicted)",
            clients * per_node,
            built.as_secs_f64() * 1e3,
            fit_t.as_secs_f64() * 1e3,
            fit.placements.len(),
            pre_t.as_secs_f64() * 1e3,
            pre.placements.len(),
            pre.preempted_allocs.len()
        );
    }
}

fn main() {
    demo();
    large();
}
