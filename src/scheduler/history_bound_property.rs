//! The room bound against sampling: over random small written worlds and
//! edits of their running jobs, wherever the bound says a plan fits in
//! every history, 200 sampled histories (the seeds `plan --samples` and
//! NP207 draw) never fail it. The bound must never prove what is not so.
//! Clients differ in network modes and have small dynamic port ranges;
//! groups ask bridge networks, dynamic ports, static ports inside and
//! outside that range, or no network (rt21b R21-B-1, R21-B-3); a new job
//! may keep its allocations one a node (`distinct_hosts`, job or group).

use super::*;
use crate::ids::SplitMix64;

/// One group: name, count, memory MB, the client role it is pinned to,
/// its network block (empty: none).
struct Group {
    name: &'static str,
    count: u64,
    memory: u64,
    pin: Option<u64>,
    net: &'static str,
}

/// The networks a group may ask: none, bridge, a dynamic port, a static
/// port inside the clients' dynamic range, one outside it.
const NETS: [&str; 5] = [
    "",
    "    network {\n      mode = \"bridge\"\n    }\n",
    "    network {\n      port \"http\" {}\n    }\n",
    "    network {\n      port \"http\" {\n        static = 30001\n      }\n    }\n",
    "    network {\n      port \"http\" {\n        static = 8080\n      }\n    }\n",
];

/// `distinct_hosts` at job level and in a group.
const DISTINCT_JOB: &str =
    "  constraint {\n    operator = \"distinct_hosts\"\n    value = \"true\"\n  }\n";
const DISTINCT_GROUP: &str =
    "    constraint {\n      operator = \"distinct_hosts\"\n      value = \"true\"\n    }\n";

fn pick<T: Copy>(rng: &mut SplitMix64, from: &[T]) -> T {
    from[rng.below(from.len() as u64) as usize]
}

/// A service job `name` of `groups`, with `head` inside its first group
/// and `job_line` inside the job.
fn job_text(name: &str, groups: &[Group], head: &str, job_line: &str) -> String {
    let mut s = format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n{job_line}");
    for (i, g) in groups.iter().enumerate() {
        s.push_str(&format!(
            "  group \"{}\" {{\n    count = {}\n",
            g.name, g.count
        ));
        if i == 0 {
            s.push_str(head);
        }
        s.push_str(g.net);
        if let Some(n) = g.pin {
            s.push_str(&format!(
                "    constraint {{\n      attribute = \"${{attr.role}}\"\n      value     = \"n{n}\"\n    }}\n"
            ));
        }
        s.push_str(&format!(
            "    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{name}:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {}\n      }}\n    }}\n  }}\n",
            g.memory
        ));
    }
    s.push_str("}\n");
    s
}

fn groups(rng: &mut SplitMix64, clients: u64) -> Vec<Group> {
    let n = 1 + rng.below(2);
    (0..n)
        .map(|i| Group {
            name: ["a", "b"][i as usize],
            count: 1 + rng.below(2),
            memory: pick(rng, &[300, 700, 1200, 1800, 2500]),
            pin: (rng.below(3) == 0).then(|| 1 + rng.below(clients)),
            net: if rng.below(2) == 0 {
                ""
            } else {
                pick(rng, &NETS)
            },
        })
        .collect()
}

/// World `case`: its files and the edited job's path and text; where
/// `apart`, always a new job kept one a node by `distinct_hosts`.
fn world(case: u64, apart: bool) -> (crate::vfs::MemVfs, String, String) {
    let mut rng = SplitMix64::new(case);
    let clients = 2 + rng.below(2);
    let mut cluster = String::from("nomad_version = \"2.0.5\"\nregion = \"global\"\n");
    for n in 1..=clients {
        let memory = pick(&mut rng, &[2048, 3072, 4096]);
        let modes = pick(&mut rng, &["\"host\"", "\"host\", \"bridge\""]);
        let max_port = 30002 + rng.below(4);
        cluster.push_str(&format!(
            "client \"n{n}\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = {memory}\n  disk = 10000\n  drivers = [\"docker\"]\n  network_modes = [{modes}]\n  min_dynamic_port = 30000\n  max_dynamic_port = {max_port}\n  attributes = {{ \"kernel.name\" = \"linux\", \"role\" = \"n{n}\" }}\n}}\n"
        ));
    }
    let jobs = 1 + rng.below(3);
    let mut vfs = crate::vfs::MemVfs::new("property");
    let mut running = Vec::new();
    let mut specs = Vec::new();
    for j in 0..jobs {
        let gs = groups(&mut rng, clients);
        let path = format!("jobs/j{j}.nomad");
        vfs.insert(&path, job_text(&format!("j{j}"), &gs, "", ""));
        running.push(format!("\"{path}\""));
        specs.push(gs);
    }
    cluster.push_str(&format!("running = [{}]\n", running.join(", ")));
    vfs.insert("rules/cluster.hcl", cluster);
    let j = rng.below(jobs);
    let mut gs = std::mem::take(&mut specs[j as usize]);
    let (mut head, mut job_line) = ("", "");
    let path = match if apart { 0 } else { rng.below(5) } {
        // A new job beside them.
        0 => {
            gs = groups(&mut rng, clients);
            // Kept one a node by `distinct_hosts`, at job or group level
            // (the bound's one slot a node), or not.
            let (head, job_line) = match rng.below(if apart { 2 } else { 3 }) {
                0 => ("", DISTINCT_JOB),
                1 => (DISTINCT_GROUP, ""),
                _ => ("", ""),
            };
            // Forced, a job that may fit: no pins, and at job level
            // one allocation a group (at most two clients' worth).
            if apart {
                for g in &mut gs {
                    g.pin = None;
                    if !job_line.is_empty() {
                        g.count = 1;
                    }
                }
            }
            return (
                vfs,
                "jobs/new.nomad".into(),
                job_text("new", &gs, head, job_line),
            );
        }
        1 => {
            gs[0].count += 1;
            format!("jobs/j{j}.nomad")
        }
        // In place: an affinity only scores, a priority is the job's.
        2 => {
            head = "    affinity {\n      attribute = \"${attr.role}\"\n      value     = \"n1\"\n    }\n";
            format!("jobs/j{j}.nomad")
        }
        3 => {
            job_line = "  priority = 55\n";
            format!("jobs/j{j}.nomad")
        }
        _ => {
            gs[0].memory += 400;
            format!("jobs/j{j}.nomad")
        }
    };
    let text = job_text(&format!("j{j}"), &gs, head, job_line);
    (vfs, path, text)
}

/// Does the bound say the edit of world `case` fits in every history, and
/// if so, do 200 sampled histories agree? `Some(true)`: proven and
/// confirmed; `Some(false)`: not proven; `None`: no plan to judge.
fn judge(case: u64, apart: bool) -> Option<bool> {
    let (vfs, path, text) = world(case, apart);
    let world = crate::world::load(&vfs, std::path::Path::new("rules"))
        .ok()?
        .0;
    let parsed = crate::rules::testing::load_at(&path, &text, world.nomad_version);
    let job = crate::mutators::apply(&parsed.job?, world.nomad_version, &world.server).ok()?;
    let sim = Simulation::new(&world, 1).ok()?;
    let plan = sim.plan_admitted(&job);
    if unproven(&sim, &job, &plan).is_some() {
        return Some(false);
    }
    for i in 0..200 {
        let seed = crate::scheduler::sample::sample_seed(1, i);
        let other = Simulation::new(&world, seed).expect("replays");
        let p = other.plan_admitted(&job);
        assert!(
            p.failed_tg_allocs.is_empty() && p.unplaced_groups().is_empty(),
            "case {case}: the bound says {path} fits in every history, seed {seed} fails it\n{text}\n{:?}",
            p.failed_tg_allocs.keys().collect::<Vec<_>>()
        );
    }
    Some(true)
}

/// Many worlds, some proven and some not (so the check is not vacuous);
/// among them new jobs kept one a node by `distinct_hosts`.
#[test]
fn what_the_bound_proves_no_sampled_history_fails() {
    for (apart, cases, least) in [(false, 60, (10, 5)), (true, 40, (5, 2))] {
        let (mut proven, mut not) = (0, 0);
        for case in 0..cases {
            match judge(case, apart) {
                Some(true) => proven += 1,
                Some(false) => not += 1,
                None => {}
            }
        }
        assert!(
            proven >= least.0 && not >= least.1,
            "distinct_hosts only: {apart}: proven {proven}, not {not}"
        );
    }
}
