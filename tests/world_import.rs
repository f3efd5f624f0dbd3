//! Import of saved API JSON: pools, quotas, namespaces, scheduler config,
//! jobs converted from api.Job, and the round trip through written rules/.

use std::path::{Path, PathBuf};

use nomad_preflight::cli::import::{run_import, write_world, ImportArgs};
use nomad_preflight::jobspec::Spans;
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::DiskVfs;
use nomad_preflight::world::{self, emit, import, World};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn imported() -> World {
    let vfs = DiskVfs::new(fixture());
    // `load` detects the import folder by its nodes.json.
    let (w, warnings) = world::load(&vfs, Path::new("basic")).unwrap();
    // Its quota limits a device, which the tool cannot count: said once.
    let codes: Vec<&str> = warnings.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["world::quota-devices"]);
    w
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("np-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Spans, origin and root say where a model came from, not what it is.
fn normalized(mut w: World) -> World {
    w.origin = world::WorldOrigin::Embedded;
    w.project_root = PathBuf::new();
    w.scheduler.spans = Spans::default();
    w.policy.spans = Spans::default();
    for c in &mut w.clients {
        c.spans = Spans::default();
    }
    for q in w.quotas.values_mut() {
        q.spans = Spans::default();
        for l in &mut q.limits {
            l.spans = Spans::default();
            l.region_limit.spans = Spans::default();
        }
    }
    for ns in w.namespaces.values_mut() {
        ns.spans = Spans::default();
    }
    w.running.clear();
    w
}

#[test]
fn import_groups_nodes_and_reads_every_file() {
    let w = imported();
    assert_eq!(w.nomad_version, NomadVersion::new(1, 7, 2));
    assert_eq!(w.clients.len(), 2);
    let batch = &w.clients[0];
    assert_eq!(
        (batch.name.as_str(), batch.count, batch.node_class.as_str()),
        ("batch", 1, "batch")
    );
    let web = &w.clients[1];
    assert_eq!((web.name.as_str(), web.count), ("web", 3));
    assert_eq!(
        (web.cpu, web.memory, web.disk, web.network_mbits),
        (4600, 3951, 18000, 1000)
    );
    assert_eq!(
        (
            web.reserved.cpu,
            web.reserved.memory,
            web.reserved.ports.clone()
        ),
        (100, 256, vec![22])
    );
    assert_eq!(web.drivers, vec!["docker", "exec"]);
    assert_eq!(web.meta.get("rack").map(String::as_str), Some("r1"));
    assert!(!web.attributes.keys().any(|k| k.starts_with("unique.")));
    let q = &w.quotas["default"];
    let rl = &q.limits[0].region_limit;
    assert_eq!(
        (rl.cpu, rl.memory, rl.cores),
        (Some(3000), Some(9500), None)
    );
    assert_eq!(rl.devices.get("nvidia/gpu"), Some(&2));
    assert_eq!(w.namespaces["default"].quota.as_deref(), Some("default"));
    assert_eq!(
        w.namespaces["monitor"].disabled_task_drivers,
        vec!["raw_exec"]
    );
    assert!(w.scheduler.preemption.service);
    // Registration order follows CreateIndex, across namespaces.
    let ids: Vec<&str> = w.running.iter().map(|r| r.job.id.as_str()).collect();
    assert_eq!(ids, vec!["agent", "web", "report"]);
}

#[test]
fn api_job_converts_to_the_model() {
    let w = imported();
    let web = &w.running[1].job;
    assert_eq!(web.priority, 50);
    assert_eq!(web.constraints[0].ltarget, "${attr.kernel.name}");
    let g = &web.groups[0];
    assert_eq!(
        (g.name.as_str(), g.count, g.ephemeral_disk.size_mb),
        ("frontend", 2, 300)
    );
    assert_eq!(g.networks[0].dynamic_ports[0].to, 8080);
    let t = &g.tasks[0];
    assert_eq!((t.resources.cpu, t.resources.memory_mb), (200, 256));
    assert_eq!(web.affinities[0].operand, "!=");
    assert_eq!(g.spreads[0].targets[0].percent, 100);
    assert_snap!("import_job_web_hcl", emit::job_hcl(web));
    let report = &w.running[2].job;
    assert_eq!(
        report.periodic.as_ref().map(|p| p.specs.clone()),
        Some(vec!["0 3 * * *".to_string()])
    );
    assert_eq!(
        report.groups[0].tasks[0].resources.devices[0].name,
        "nvidia/gpu"
    );
    assert_snap!("import_job_report_hcl", emit::job_hcl(report));
}

#[test]
fn written_rules_load_back_to_the_same_world() {
    let mut w = imported();
    w.running.clear();
    // Its allocations.json holds none: the round trip is of the rest.
    w.pinned = None;
    let dir = tempdir("import-roundtrip");
    let written = write_world(&w, &dir.join("rules"), false).unwrap();
    assert_eq!(written.len(), 4, "cluster, 1 quota, 2 namespaces");
    let cluster = std::fs::read_to_string(dir.join("rules/cluster.hcl")).unwrap();
    assert_snap!("import_cluster_hcl", cluster);
    let (back, warnings) = world::load(&DiskVfs::new(&dir), Path::new("rules")).unwrap();
    let codes: Vec<&str> = warnings.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["world::quota-devices"]);
    let (a, b) = (normalized(w), normalized(back));
    assert_eq!(a.clients, b.clients);
    assert_eq!(a.quotas, b.quotas);
    assert_eq!(a.namespaces, b.namespaces);
    assert_eq!(a.scheduler, b.scheduler);
    assert_eq!((a.nomad_version, a.region), (b.nomad_version, b.region));
    // The servers' build tag says `+ent`: the written world keeps it.
    assert_eq!(
        (a.stated_edition, b.stated_edition),
        (
            Some(nomad_preflight::version::Edition::Enterprise),
            Some(nomad_preflight::version::Edition::Enterprise)
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A community build's tag carries no metadata: the written world says
/// `edition = "community"`, and reads back so.
#[test]
fn a_community_import_writes_its_edition() {
    let mut w = imported();
    w.running.clear();
    w.pinned = None;
    w.quotas.clear();
    for ns in w.namespaces.values_mut() {
        ns.quota = None;
    }
    w.stated_edition = Some(nomad_preflight::version::Edition::Community);
    let dir = tempdir("import-community");
    write_world(&w, &dir.join("rules"), false).unwrap();
    let cluster = std::fs::read_to_string(dir.join("rules/cluster.hcl")).unwrap();
    assert!(
        cluster.starts_with("nomad_version = \"1.7.2\"\nedition       = \"community\"\n"),
        "{cluster}"
    );
    let (back, _) = world::load(&DiskVfs::new(&dir), Path::new("rules")).unwrap();
    assert_eq!(
        back.edition(),
        Some(nomad_preflight::version::Edition::Community)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn write_refuses_to_overwrite_without_force() {
    let mut w = imported();
    w.running.clear();
    let dir = tempdir("import-force");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/cluster.hcl"), "keep me").unwrap();
    let err = write_world(&w, &dir.join("rules"), false).unwrap_err();
    assert_eq!(err.code, "import::exists");
    // Nothing was written, not even the files that did not exist yet.
    assert!(!dir.join("rules/quotas").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("rules/cluster.hcl")).unwrap(),
        "keep me"
    );
    write_world(&w, &dir.join("rules"), true).unwrap();
    assert!(dir.join("rules/quotas/default.hcl").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn print_commands_lists_every_api_call() {
    let args = ImportArgs {
        dir: Some(PathBuf::from("cluster-dump")),
        print_commands: true,
        ..ImportArgs::default()
    };
    let (text, _) = run_import(&DiskVfs::new("."), &args).unwrap();
    for (file, path) in import::IMPORT_FILES {
        assert!(
            text.contains(&format!("'{path}' </dev/null > 'cluster-dump'/{file}")),
            "{file}"
        );
    }
    // The lists, one namespace at a time (`namespace=*` is `[]` on older
    // servers), each saved whole or not at all.
    for (file, path) in import::NAMESPACE_LISTS {
        assert!(text.contains(&format!("\"{path}namespace=$ns\"")), "{file}");
        assert!(
            text.contains(&format!("> 'cluster-dump'/{file}\n")),
            "{file}"
        );
    }
    let commands = text.lines().filter(|l| !l.starts_with('#'));
    assert!(
        commands.clone().all(|l| !l.contains("namespace=*")),
        "{text}"
    );
    assert_snap!("import_print_commands", text);
}

#[test]
fn broken_json_is_located() {
    let dir = tempdir("import-broken");
    std::fs::write(dir.join("nodes.json"), "[\n  {\"ID\": \"x\",,}\n]\n").unwrap();
    let err = world::load(&DiskVfs::new(&dir), Path::new("")).unwrap_err();
    let d = err.iter().find(|d| d.code == "import::json").unwrap();
    assert_eq!(d.location().map(|(_, l, _)| l), Some(2));
    assert!(err.iter().any(|d| d.code == "import::no-nodes"));
    std::fs::remove_dir_all(&dir).unwrap();
}
