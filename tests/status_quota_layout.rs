//! `status quota` lays the `Quota Limits` table out as the world's release
//! does (command/quota_status.go formatQuotaLimits): v0.9.0
//! `Region|CPU Usage|Memory Usage`; v0.10.2 adds `Network Usage`; v1.1.0
//! `Memory Max Usage` before it; v1.4.0 `Variables Usage` in its place;
//! v1.8.2 `Core Usage` after CPU. An unset limit is a 0 on the servers
//! (structs.Resources' plain ints), which `formatQuotaLimitInt` prints
//! "inf"; the variables limit is a pointer, "-" when unset. The network
//! cell's usage is Nomad Enterprise's sum of the counted allocations'
//! networks, so with any such allocation (or a network limit) it is
//! "cannot tell"; with none it is `- / inf` (no limit: MBits 0).

use crate::common;

use common::{run_in as run, TempDir};

fn demo_at(tag: &str, version: &str) -> TempDir {
    let d = TempDir::demo(&format!("quota-layout-{tag}"));
    let path = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("cluster.hcl");
    let line = text
        .lines()
        .find(|l| l.starts_with("nomad_version"))
        .expect("nomad_version line")
        .to_string();
    std::fs::write(
        &path,
        text.replace(&line, &format!("nomad_version = \"{version}\"")),
    )
    .expect("write");
    d
}

const HEAD: &str =
    "Name        = default\nDescription = web team quota\nLimits      = 1\n\nQuota Limits\n";

fn quota(d: &TempDir, world: &str) -> common::Out {
    run(&d.0, &["status", "quota", "default", "--world", world])
}

#[test]
fn each_release_prints_its_own_columns() {
    let cases = [
        ("0.9.3", "Region  CPU Usage    Memory Usage\nglobal  1500 / 3000  5584 / 9500\n"),
        ("0.10.1", "Region  CPU Usage    Memory Usage\nglobal  1500 / 3000  5584 / 9500\n"),
        ("1.4.0", "Region  CPU Usage    Memory Usage  Memory Max Usage  Variables Usage\nglobal  1500 / 3000  5584 / 9500   5584 / inf        0 / -\n"),
        ("1.8.1", "Region  CPU Usage    Memory Usage  Memory Max Usage  Variables Usage\nglobal  1500 / 3000  5584 / 9500   5584 / inf        0 / -\n"),
        ("1.8.2", "Region  CPU Usage    Core Usage  Memory Usage  Memory Max Usage  Variables Usage\nglobal  1500 / 3000  0 / inf     5584 / 9500   5584 / inf        0 / -\n"),
        ("2.0.5", "Region  CPU Usage    Core Usage  Memory Usage  Memory Max Usage  Variables Usage\nglobal  1500 / 3000  0 / inf     5584 / 9500   5584 / inf        0 / -\n"),
    ];
    for (v, table) in cases {
        let o = quota(&demo_at(v, v), "rules");
        assert_eq!(o.code, 0, "{v}: {}", o.stderr);
        assert_eq!(o.stdout, format!("{HEAD}{table}"), "{v}");
    }
}

#[test]
fn the_network_column_is_inf_without_a_limit_and_cannot_tell_with_networks() {
    // The demo's running allocations hold networks (ports): their usage
    // is Nomad Enterprise's to sum.
    for v in ["0.10.2", "1.0.0", "1.1.0", "1.3.0"] {
        let o = quota(&demo_at(&format!("net-{v}"), v), "rules");
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, "", "{v}");
        assert!(
            common::flat(&o.stderr).contains(&format!("cannot tell what Nomad {v}'s `nomad quota status default` prints: its network usage or limit (MBits) is not simulated")),
            "{v}: {}",
            o.stderr
        );
    }
    // No allocation counted: no network in the usage, no limit: `- / inf`.
    let d = TempDir::new("quota-layout-empty");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.1.0\"\nregion = \"global\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n",
    );
    d.put(
        "rules/quotas/default.hcl",
        "name        = \"default\"\ndescription = \"web team quota\"\n\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu    = 3000\n    memory = 9500\n  }\n}\n",
    );
    d.put(
        "rules/namespaces/default.hcl",
        "name  = \"default\"\nquota = \"default\"\n",
    );
    let o = quota(&d, "rules");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        format!("{HEAD}Region  CPU Usage  Memory Usage  Memory Max Usage  Network Usage\nglobal  0 / 3000   0 / 9500      0 / inf           - / inf\n")
    );
}

#[test]
fn an_imported_zero_limit_is_inf() {
    // tests/fixtures/import/basic (1.7.2+ent): "Cores": 0, "MemoryMaxMB": 0.
    // Its device limit, which Nomad 1.7.2 does not print and nomad-preflight
    // does not count, is listed after Nomad's table under our own title.
    let d = TempDir::new("quota-layout-import");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic");
    common::copy_dir(&src, &d.0.join("imp"));
    let o = quota(&d, "imp");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        format!("{HEAD}Region  CPU Usage  Memory Usage  Memory Max Usage  Variables Usage\nglobal  0 / 3000   0 / 9500      0 / inf           0 / -\n\n\
Quota Limits Not Simulated (nomad-preflight)\n\
Region  Limit                API Field            Value\n\
global  device \"nvidia/gpu\"  RegionLimit.Devices  count 2\n")
    );
}
