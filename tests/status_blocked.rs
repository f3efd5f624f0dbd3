//! `status` on the demo's blocked state, done as a user would: monitoring
//! (namespace monitor) registered after sockshop with carts raised to 3, so
//! it cannot be placed. Nomad's `nomad job status` (command/job_status.go,
//! 0.9.3 and 2.0) then prints the `Placement Failure` block from the
//! latest failed evaluation, and the deployment it created has placed
//! nothing: it is still running, with no progress deadline yet.

use crate::common;

use std::path::{Path, PathBuf};

use common::run_in as run;

fn blocked_demo(version: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "np-status-blocked-{version}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&src.join("jobs"), &dir.join("jobs"));
    common::copy_dir(&src.join("rules"), &dir.join("rules"));
    let edit = |file: &str, from: &str, to: &str| {
        let p = dir.join(file);
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains(from), "{file} holds {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
    };
    edit("jobs/monitoring.nomad", "#namespace", "namespace");
    edit(
        "jobs/sockshop.nomad",
        "group \"carts\" {\n    count = 1\n",
        "group \"carts\" {\n    count = 3\n",
    );
    edit(
        "rules/cluster.hcl",
        "  \"jobs/sockshopui.nomad\",\n",
        "  \"jobs/sockshopui.nomad\",\n  \"jobs/monitoring.nomad\",\n",
    );
    edit(
        "rules/cluster.hcl",
        "nomad_version = \"0.9.3\"",
        &format!("nomad_version = \"{version}\""),
    );
    std::fs::write(
        dir.join("rules/namespaces/monitor.hcl"),
        "name = \"monitor\"\n",
    )
    .expect("namespace");
    dir
}

#[test]
fn a_blocked_job_shows_its_placement_failure_and_no_placed_deployment() {
    for (version, snap) in [
        ("0.9.3", "status_job_monitoring_placement_failure_0_9"),
        ("2.0.0", "status_job_monitoring_placement_failure_2_0"),
    ] {
        let dir = blocked_demo(version);
        let o = run(
            &dir,
            &["status", "job", "monitoring", "-namespace", "monitor"],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        let out = &o.stdout;
        let failure = out.find("\n\nPlacement Failure\nTask Group \"foundation\":\n  * ");
        let deployment = out.find("\n\nLatest Deployment\n");
        assert!(failure.is_some() && failure < deployment, "{out}");
        assert!(
            out.contains("Status      = running\nDescription = Deployment is running"),
            "{out}"
        );
        assert!(
            out.contains("\nfoundation  1        0       0        0          N/A\n"),
            "{out}"
        );
        assert!(!out.contains("successful"), "{out}");
        assert_snap!(snap, out.clone());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
