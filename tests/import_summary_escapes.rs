//! `import DIR` prints a summary naming the cluster's region, and `import
//! DIR --write` lists the files it wrote, one per job, named by the job.
//! Both come from the saved JSON (a world folder a pull request may
//! edit): an ESC, a BEL or a bidirectional override in them reaches the
//! terminal as a visible escape, as in `status` and `plan`, never raw.

use crate::common;

use std::path::Path;

use common::{copy_dir, TempDir};

fn hostile_import(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-allocs/devices-multiple");
    copy_dir(&fixture, &d.0.join("saved"));
    let agent =
        r#"{"member": {"Tags": {"build": "2.0.5", "region": "glob\u001b]0;T\u0007\u202eal"}}}"#;
    d.put("saved/agent-self.json", agent);
    // Job `low` (its ID, its name, its allocations' names) renamed.
    let allocs = std::fs::read_to_string(d.0.join("saved/allocations.json")).unwrap();
    let renamed = allocs
        .replace("\"low\"", r#""lo\u001b]0;T\u0007w""#)
        .replace("\"low.web[", r#""lo\u001b]0;T\u0007w.web["#);
    assert_ne!(renamed, allocs);
    d.put("saved/allocations.json", &renamed);
    d
}

fn clean(out: &str) {
    assert!(
        !out.contains('\x1b') && !out.contains('\x07') && !out.contains('\u{202e}'),
        "{out:?}"
    );
}

#[test]
fn the_summary_and_the_written_list_escape_names_from_the_json() {
    let d = hostile_import("import-escapes");
    let o = d.run(&["import", "saved"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    assert!(
        out.contains("region glob\\x1b]0;T\\x07\\u{202e}al: 2 nodes"),
        "{out}"
    );
    clean(&out);
    let o = d.run(&["import", "saved", "--write", "out/rules"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    assert!(
        out.contains("  out/jobs/lo\\x1b]0;T\\x07w.nomad\n"),
        "{out}"
    );
    clean(&out);
}
