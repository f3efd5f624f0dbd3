//! An allocation saved without `AllocatedResources` (the list form of
//! `/v1/allocations` before 1.0: `AllocListStub` has no resources there)
//! holds what its group asks at the job version it runs, as the servers'
//! `AllocsFit` counts it, never 0 MHz / 0 MB; when the import does not
//! hold that version the import is refused, located (redteam8 I5).

use crate::common;

use common::{run_in, TempDir};

/// stored-update-1.6 saved from a 0.12.12 cluster: five allocations of
/// 100 MHz / 300 MB on n1 (4000 MB), in list form without resources.
fn project(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    common::copy_dir(&src, &d.0.join("imp"));
    d.put(
        "imp/agent-self.json",
        r#"{"member": {"Tags": {"build": "0.12.12", "region": "global"}}}"#,
    );
    d.put("big.nomad", &BIG.replace("MEM", "3000"));
    d
}

fn strip(d: &TempDir, edit: impl Fn(&mut serde_json::Value)) {
    let p = d.0.join("imp/allocations.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    for a in v.as_array_mut().unwrap() {
        a.as_object_mut().unwrap().remove("AllocatedResources");
        edit(a);
    }
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

const BIG: &str = "job \"big\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu    = 500\n        memory = MEM\n      }\n    }\n  }\n}\n";

#[test]
fn a_list_form_allocation_holds_its_groups_ask() {
    let d = project("stub-holds");
    strip(&d, |_| {});
    // 1500 MB held + 3000 asked > 4000.
    let o = run_in(&d.0, &["plan", "--no-color", "--world", "imp", "big.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Dimension \"memory\" exhausted on 1 nodes"),
        "{}",
        o.stdout
    );
    let s = run_in(&d.0, &["status", "--world", "imp"]);
    assert!(s.stdout.contains("1500 / 4000 MB"), "{}", s.stdout);
    assert!(
        s.stdout.contains("web.g[0]  100 MHz  300 MB"),
        "{}",
        s.stdout
    );
    // What fits still fits.
    d.put(
        "small.nomad",
        &BIG.replace("MEM", "2000").replace("\"big\"", "\"small\""),
    );
    let o = run_in(
        &d.0,
        &["plan", "--no-color", "--world", "imp", "small.nomad"],
    );
    assert!(
        o.stdout.contains("- All tasks successfully allocated."),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn a_list_form_allocation_of_a_version_not_held_cannot_tell() {
    let d = project("stub-unknown");
    strip(&d, |a| {
        if a["ID"] == "a0000001-0000-4000-8000-000000000000" {
            a["JobVersion"] = 7.into();
        }
    });
    let o = run_in(&d.0, &["plan", "--no-color", "--world", "imp", "big.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Scheduler dry-run"), "{}", o.stdout);
    let err = common::flat(&o.stderr);
    assert!(
        err.contains("import::alloc-resources")
            && err.contains("allocation a0000001-0000-4000-8000-000000000000 is saved without its AllocatedResources and the import does not hold version 7 of its job"),
        "{err}"
    );
    assert!(err.contains("allocations.json:"), "located: {err}");
}
