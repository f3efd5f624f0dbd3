//! A system or sysbatch group's `count` is per node (rt15a R15-11, R15-12):
//! `materializeSystemTaskGroups` names `job.group[0]` to
//! `job.group[count-1]` for every group (scheduler/util.go v0.9.3:22-35,
//! scheduler/system_util.go v1.9.7:21-34, reconciler/reconcile_node.go
//! v2.0.5:549-560) and the diff places each name missing on each node, and
//! stops every live allocation whose name is not asked (system_util.go
//! v1.9.7:60-75). Nomad refuses count > 1 only for `type = "system"`
//! (nomad/structs/structs.go v1.9.7:4920, v2.0.5:4839), so a sysbatch
//! group of count 2 places two per node, and a system group scaled to
//! count 0 stops everything it runs.

use crate::common::TempDir;

/// Two clients of 4000 MHz; `running` the world's running job files.
fn world(version: &str, running: &str) -> String {
    format!(
        "nomad_version = \"{version}\"\nregion = \"global\"\nedition = \"community\"\nsentinel = \"none\"\nclient \"c\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\" }}\n}}\nrunning = [{running}]\n"
    )
}

/// A job `id` of `kind` whose group "g" asks `count` and `cpu` MHz.
fn job(id: &str, kind: &str, count: &str, cpu: u32) -> String {
    format!(
        "job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  type = \"{kind}\"\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x:1\"\n      }}\n      resources {{\n        cpu = {cpu}\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn text(o: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// R15-11: count = 2 on two nodes that each hold one: four placements
/// asked, two fail, under the non-system header (job_plan.go v1.9.7:432,
/// v1.2.0:356: only "system" gets "on all nodes"). Before 1.11 the
/// "create" count is every name asked; from 1.11 the candidates less the
/// failed selects (scheduler_system.go v2.0.5:370, :507).
#[test]
fn sysbatch_places_count_names_on_every_node() {
    for (version, create) in [("1.2.0", 4), ("1.9.7", 4), ("2.0.5", 2)] {
        let d = TempDir::new(&format!("sysbatch-count-{version}"));
        d.put("rules/cluster.hcl", &world(version, ""));
        d.put("jobs/sweep.nomad", &job("sweep", "sysbatch", "2", 3000));
        let o = d.run(&["plan", "--no-cache", "jobs/sweep.nomad"]);
        let (out, err) = text(&o);
        assert!(
            out.contains(&format!("+ Task Group: \"g\" ({create} create)")),
            "{version}: {out}{err}"
        );
        assert!(
            out.contains("- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 2 allocations):"),
            "{version}: {out}{err}"
        );
        assert_eq!(o.status.code(), Some(1), "{version}: {out}{err}");
    }
}

/// R15-11: where both fit, both names are placed on each node, and the
/// second is named `g[1]`.
#[test]
fn sysbatch_names_each_placement_by_its_index() {
    let d = TempDir::new("sysbatch-count-names");
    d.put("rules/cluster.hcl", &world("1.9.7", ""));
    d.put("jobs/sweep.nomad", &job("sweep", "sysbatch", "2", 1000));
    let o = d.run(&["plan", "--no-cache", "--format", "json", "jobs/sweep.nomad"]);
    let (out, err) = text(&o);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let mut names: Vec<&str> = v["Preflight"]["Placements"]
        .as_array()
        .unwrap_or_else(|| panic!("no placements: {out}"))
        .iter()
        .filter_map(|p| p["Name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["sweep.g[0]", "sweep.g[0]", "sweep.g[1]", "sweep.g[1]"],
        "{out}"
    );
    assert!(v["FailedTGAllocs"].is_null(), "{out}");
}

/// R15-12: a running system job scaled to count = 0 stops both of its
/// allocations (no name is asked: system_util.go v1.9.7:60-75;
/// reconcile_node.go v2.0.5:143-152; util.go v0.9.3:85-93), and the plan
/// exits 1 as allocations change (job_plan.go v1.9.7:395-407).
#[test]
fn system_count_zero_stops_every_allocation() {
    for version in ["0.9.3", "1.9.7", "2.0.5"] {
        let d = TempDir::new(&format!("system-count-zero-{version}"));
        d.put("rules/cluster.hcl", &world(version, "\"jobs/agent.nomad\""));
        d.put("old.nomad", &job("agent", "system", "1", 100));
        d.put("jobs/agent.nomad", &job("agent", "system", "0", 100));
        let o = d.run(&[
            "plan",
            "--no-cache",
            "--running",
            "old.nomad",
            "jobs/agent.nomad",
        ]);
        let (out, err) = text(&o);
        assert!(
            out.contains("+/- Task Group: \"g\" (2 destroy)\n"),
            "{version}: {out}{err}"
        );
        assert_eq!(o.status.code(), Some(1), "{version}: {out}{err}");
    }
}

/// R15-12: a new system job of count = 0 places nothing: no "create",
/// exit 0 (no allocation changes).
#[test]
fn new_system_job_of_count_zero_places_nothing() {
    let d = TempDir::new("system-count-zero-new");
    d.put("rules/cluster.hcl", &world("1.9.7", ""));
    d.put("jobs/zero.nomad", &job("zero", "system", "0", 3000));
    let o = d.run(&["plan", "--no-cache", "jobs/zero.nomad"]);
    let (out, err) = text(&o);
    assert!(out.contains("+ Task Group: \"g\"\n"), "{out}{err}");
    assert!(!out.contains("Task Group: \"g\" ("), "{out}{err}");
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
}

/// R15-12: NP205 flags a system group of count = 0 as it does a service
/// group's: it runs on no node.
#[test]
fn count_zero_rule_flags_a_system_group() {
    let d = TempDir::new("system-count-zero-np205");
    d.put("rules/cluster.hcl", &world("1.9.7", ""));
    d.put("jobs/zero.nomad", &job("zero", "system", "0", 3000));
    let o = d.run(&["check", "--no-cache", "jobs/zero.nomad"]);
    let (out, err) = text(&o);
    assert!(
        out.contains(
            "NP205 [warning] group \"g\" has count = 0: no allocation will run on any node"
        ),
        "{out}{err}"
    );
}

/// A sysbatch count the simulation would take hours over (a select per
/// node per name) is said not to be known, in one line, at once.
#[test]
fn sysbatch_count_past_the_bound_cannot_be_told() {
    let d = TempDir::new("sysbatch-count-huge");
    d.put("rules/cluster.hcl", &world("1.9.7", ""));
    d.put(
        "jobs/sweep.nomad",
        &job("sweep", "sysbatch", "4294967295", 3000),
    );
    let o = d.run(&["plan", "--no-cache", "jobs/sweep.nomad"]);
    let (out, err) = text(&o);
    assert!(
        err.contains("cannot tell what Nomad 1.9.7 plans for job \"sweep\": group \"g\" asks count = 4294967295 on each of up to 2 clients"),
        "{out}{err}"
    );
    assert!(!out.contains("Task Group: \"g\" ("), "{out}{err}");
    assert_eq!(o.status.code(), Some(255), "{out}{err}");
}

/// R15-51: the system stack has no DistinctHostsIterator (scheduler/
/// stack.go v1.9.7 NewSystemStack, scheduler/feasible/stack.go v2.0.5), so
/// a sysbatch group's `distinct_hosts` filters nothing: its second name
/// asks each node and fails there as without the constraint (we filtered
/// it and printed "All tasks successfully allocated").
#[test]
fn sysbatch_distinct_hosts_filters_nothing() {
    for version in ["1.9.7", "2.0.5"] {
        let d = TempDir::new(&format!("sysbatch-distinct-hosts-{version}"));
        d.put("rules/cluster.hcl", &world(version, ""));
        let plain = job("sweep", "sysbatch", "2", 3000);
        let with = plain.replace(
            "    count = 2\n",
            "    count = 2\n    constraint {\n      operator = \"distinct_hosts\"\n    }\n",
        );
        assert_ne!(plain, with);
        d.put("jobs/plain.nomad", &plain);
        d.put("jobs/sweep.nomad", &with);
        let (want, _) = text(&d.run(&["plan", "--no-cache", "jobs/plain.nomad"]));
        let o = d.run(&["plan", "--no-cache", "jobs/sweep.nomad"]);
        let (out, err) = text(&o);
        assert!(
            out.contains("Task Group \"g\" (failed to place 2 allocations)"),
            "{version}: {out}{err}"
        );
        assert!(
            !out.contains("All tasks successfully allocated"),
            "{version}: {out}"
        );
        assert_eq!(out, want.replace("plain.nomad", "sweep.nomad"), "{version}");
        assert_eq!(o.status.code(), Some(1), "{version}: {out}{err}");
    }
}
