//! Every world-only rule against its triggering and clean fixture
//! (`tests/fixtures/rules/<CODE>/{fail,pass}.nomad`), loaded through the real
//! job front end (`jobspec::load`) and checked with the full pipeline
//! (policy, suppressions). The triggering fixture's rendered output is
//! snapshotted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nomad_preflight::diag::Severity;
use nomad_preflight::jobspec::{self, LoadOptions, Spans};
use nomad_preflight::rules::{self, RuleContext};
use nomad_preflight::vfs::DiskVfs;
use nomad_preflight::world::{
    ClientPool, Namespace, NotSimulated, Policy, PoolLimit, PriorityBand, QuotaLimit, QuotaSpec,
    RegionLimit, Reserved, RuleLevel, SchedulerConfig, Unsimulated, World, WorldOrigin,
};

/// Three demo-sized docker/java clients in dc1; namespace `default` with a
/// 3000 MHz / 9500 MB / 1 `nvidia/gpu` quota, `scratch` without one; quotas required;
/// priority band 30..=70 for `default`.
fn world() -> World {
    let pool = ClientPool {
        name: "client".into(),
        count: 3,
        datacenter: "dc1".into(),
        node_pool: "default".into(),
        cpu: 4600,
        memory: 3900,
        disk: 20_000,
        network_mbits: 300,
        drivers: vec!["docker".into(), "java".into()],
        attributes: BTreeMap::from([("kernel.name".to_string(), "linux".to_string())]),
        reserved: Reserved {
            ports: vec![22],
            ..Reserved::default()
        },
        ..ClientPool::default()
    };
    let ns = |name: &str, quota: Option<&str>| {
        (
            name.to_string(),
            Namespace {
                name: name.into(),
                quota: quota.map(str::to_string),
                ..Namespace::default()
            },
        )
    };
    let quota = QuotaSpec {
        name: "default".into(),
        limits: vec![QuotaLimit {
            region: "global".into(),
            region_limit: RegionLimit {
                cpu: Some(3000),
                memory: Some(9500),
                // Counted by no rule but NP307: no other fixture asks a device.
                devices: BTreeMap::from([("nvidia/gpu".to_string(), 1)]),
                // Counted by no rule but NP308 (NP208's fixture places in
                // pool `gpu` too, but each run keeps its own rule's findings).
                unsimulated: vec![NotSimulated {
                    limit: Unsimulated::NodePool(PoolLimit {
                        pool: "gpu".into(),
                        cpu: Some(1500),
                        ..PoolLimit::default()
                    }),
                    at: Default::default(),
                }],
                ..RegionLimit::default()
            },
            spans: Spans::default(),
        }],
        ..QuotaSpec::default()
    };
    World {
        origin: WorldOrigin::Dir(PathBuf::from("rules")),
        project_root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        nomad_version: Default::default(),
        region: "global".into(),
        scheduler: SchedulerConfig::default(),
        clients: vec![pool],
        quotas: BTreeMap::from([("default".to_string(), quota)]),
        namespace_list: Default::default(),
        namespaces: BTreeMap::from([ns("default", Some("default")), ns("scratch", None)]),
        policy: Policy {
            require_quota: true,
            bands: vec![PriorityBand {
                namespace: "default".into(),
                min: 30,
                max: 70,
                ..PriorityBand::default()
            }],
            ..Policy::default()
        },
        running: Vec::new(),
        pinned: None,
        csi_volumes: Default::default(),
        server: Default::default(),
        stated_edition: None,
        sentinel: None,
        alloc_states: Default::default(),
        read_through: Vec::new(),
        stand_ins: Vec::new(),
        deployments: Default::default(),
        status_facts: None,
        nil_deployment_states: Default::default(),
        // Counted by no rule but NP216: a guess that concerns jobs with ports.
        warnings: nomad_preflight::diag::Diags(vec![nomad_preflight::diag::Diag::warning(
            "world::host-network-unknown",
            "client `client`: host_network \"public\": cannot tell; taken as carried",
        )]),
    }
}

/// Every stable rule that needs no simulation (those are in
/// tests/check_sim_rules.rs): the registry decides, not a list here.
fn world_rules() -> Vec<&'static rules::RuleMeta> {
    rules::all()
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.needs == rules::Needs::World && m.lifecycle.runs())
        // Fires only against a base revision: tests/check_added_suppression.rs.
        .filter(|m| m.code != "NP002")
        // Fires only across files (a second definition of a running job):
        // tests/check_sim_rules.rs runs its fixture through `check`.
        .filter(|m| m.code != "NP229")
        .collect()
}

fn load(code: &str, case: &str) -> jobspec::ParsedJob {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let vfs = DiskVfs::new(root);
    let path = PathBuf::from(format!("{code}/{case}.nomad"));
    jobspec::load(&vfs, &path, &LoadOptions::default())
}

/// Findings of `code` for one fixture, through the full pipeline, with the
/// world's policy changed by `policy`. Only findings of the rule count: the
/// front end's own diagnostics are not the rule's.
fn run_with(
    code: &str,
    case: &str,
    policy: impl FnOnce(&mut Policy),
) -> (Vec<nomad_preflight::diag::Diag>, String) {
    let path = PathBuf::from(format!("{code}/{case}.nomad"));
    let parsed = load(code, case);
    let mut world = world();
    policy(&mut world.policy);
    let ctx = RuleContext::new(&parsed, &world, None);
    let mine: Vec<_> = rules::check_job(&ctx, &path)
        .into_iter()
        .filter(|f| f.code == code)
        .collect();
    let rendered = nomad_preflight::diag::render(&mine, false);
    (mine, rendered)
}

fn run(code: &str, case: &str) -> (Vec<nomad_preflight::diag::Diag>, String) {
    run_with(code, case, |_| {})
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_the_clean_one() {
    let metas = world_rules();
    assert!(metas.len() >= 15, "{} world rules", metas.len());
    for m in metas {
        let code = m.code;
        let (fail, rendered) = run(code, "fail");
        assert!(!fail.is_empty(), "{code}: fail.nomad triggers nothing");
        assert_snap!(format!("rule_fixture_{code}"), rendered);
        let (pass, rendered) = run(code, "pass");
        assert!(pass.is_empty(), "{code}: pass.nomad triggers:\n{rendered}");
        // The findings are the rule's: turned off, it reports nothing.
        let (off, _) = run_with(code, "fail", |p| {
            p.rules.insert(code.to_string(), RuleLevel::Off);
        });
        assert!(off.is_empty(), "{code} reports while turned off");
    }
}

/// NP401 was removed: the front end rejects an out-of-range priority with
/// Nomad's text before any rule runs. Its fixture proves both halves.
#[test]
fn the_removed_np401_never_fires_and_the_front_end_reports_instead() {
    let parsed = load("NP401", "fail");
    let front: Vec<_> = parsed
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        front,
        [("jobspec::range", "Job priority must be between [1, 100]")]
    );
    let (found, _) = run_with("NP401", "fail", |p| {
        p.rules
            .insert("NP401".into(), RuleLevel::On(Severity::Error));
    });
    assert!(found.is_empty(), "{found:?}");
}
