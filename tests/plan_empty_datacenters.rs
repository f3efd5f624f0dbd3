//! `datacenters = []` written out: from 1.5.0 the servers' structs
//! `Job.Canonicalize` (the jobCanonicalizer admission mutator) makes any
//! empty list ["*"], as for an omitted one (nomad/structs/structs.go
//! v1.5.0:4390-4391, v2.0.5:4686-4688 `if len(j.Datacenters) == 0`);
//! 1.4 has no such default and its Validate says "Missing job
//! datacenters". We defaulted only the omitted list: an explicit empty one
//! planned "Failed to place" (no client in no datacenter), `check` said
//! NP206 and `validate` passed; an edit's diff deleted the datacenters
//! where Nomad shows `+ Datacenters: "*"`.

use crate::common;

use common::edit_plan::{self, head};
use common::{run_in, TempDir};

const CLUSTER: &str = r#"region = "global"

client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 4000
  disk       = 10000
  drivers    = ["docker"]
}
"#;

fn job(datacenters: &str) -> String {
    edit_plan::web(&format!("  datacenters = [{datacenters}]\n"), "", "")
}

fn project(tag: &str) -> TempDir {
    let dir = edit_plan::project(
        &format!("empty-dcs-{tag}"),
        CLUSTER,
        &job("\"dc1\""),
        &job(""),
    );
    dir.put("job.nomad", &job(""));
    dir
}

#[test]
fn an_empty_datacenter_list_is_every_datacenter_from_1_5() {
    for version in ["1.5.0", "2.0.5"] {
        let dir = project(version);
        let v = ["--nomad-version", version];
        let o = run_in(
            &dir.0,
            &[&["plan", "--no-color"][..], &v, &["job.nomad"]].concat(),
        );
        assert_eq!(
            (o.code, head(&o)),
            (
                1,
                "+ Job: \"web\"\n+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n"
            ),
            "{version}: {}",
            o.stderr
        );
        let o = run_in(
            &dir.0,
            &[
                &["plan", "--no-color"][..],
                &v,
                &["--running", "old.nomad", "job.nomad"],
            ]
            .concat(),
        );
        assert!(
            head(&o).starts_with("+/- Job: \"web\"\n+/- Datacenters {\n  + Datacenters: \"*\"\n  - Datacenters: \"dc1\"\n    }\n"),
            "{version}: {}{}",
            o.stdout,
            o.stderr
        );
        let o = run_in(
            &dir.0,
            &[&["check", "--format", "json"][..], &v, &["job.nomad"]].concat(),
        );
        assert!(!o.stdout.contains("NP206"), "{version}: {}", o.stdout);
        let o = run_in(&dir.0, &[&["validate"][..], &v, &["job.nomad"]].concat());
        assert_eq!(o.code, 0, "{version}: {}{}", o.stdout, o.stderr);
    }
    // 1.4: no default, refused by Validate (plan and validate alike).
    let dir = project("1.4.14");
    let v = ["--nomad-version", "1.4.14"];
    let o = run_in(
        &dir.0,
        &[&["plan", "--no-color"][..], &v, &["job.nomad"]].concat(),
    );
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("Missing job datacenters"), "{}", o.stderr);
    let o = run_in(&dir.0, &[&["validate"][..], &v, &["job.nomad"]].concat());
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        format!("{}{}", o.stdout, o.stderr).contains("Missing job datacenters"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
