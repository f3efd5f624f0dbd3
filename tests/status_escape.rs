//! `status` prints what an import holds as data: a job ID or node name
//! holding a newline or a tab (Nomad refuses only a space or NUL in a job
//! ID: nomad/structs/structs.go v2.0.5 Job.Validate; a node name is the
//! client's to choose) is escaped in every view, never a forged row or
//! column (redteam16 R16-25).

use crate::common;

use common::batch::{import, job_json, nodes};
use common::run_in;
use serde_json::json;

fn forged(tag: &str) -> common::TempDir {
    let job = job_json(json!({"ID": "web\nevil\tbatch", "Name": "web"}));
    let d = import(tag, "2.0.5", &job, &[]);
    d.put(
        "import/nodes.json",
        &nodes().replace("\"n1\"", "\"n1\\n0c1b2c3d\\tdefault\\tdc1\\tforged\""),
    );
    d
}

fn assert_no_forgery(tag: &str, args: &[&str]) {
    let d = forged(tag);
    let mut all = vec!["status", "--world", "import"];
    all.extend_from_slice(args);
    let o = run_in(&d.0, &all);
    assert!(o.code != 255, "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains('\t'),
        "a tab reached the output:\n{}",
        o.stdout
    );
    // Each name stays whole on its line, escaped.
    for line in o.stdout.lines() {
        assert!(
            !line.contains("forged") || line.contains("n1\\n0c1b2c3d\\tdefault\\tdc1\\tforged"),
            "a forged row:\n{}",
            o.stdout
        );
        assert!(
            !line.contains("evil") || line.contains("web\\nevil\\tbatch"),
            "a forged row:\n{}",
            o.stdout
        );
    }
}

#[test]
fn the_overview_escapes_imported_names() {
    assert_no_forgery("status-escape-overview", &[]);
}

#[test]
fn the_node_list_escapes_node_names() {
    assert_no_forgery("status-escape-nodes", &["nodes"]);
}

#[test]
fn the_job_list_escapes_job_ids() {
    assert_no_forgery("status-escape-jobs", &["jobs"]);
}
