//! A job in a file not named like a job file (`deploy/api`, found by its
//! text) that reads an input with `file()` is changed by an edit of that
//! input alone: Nomad's jobspec2 resolves `file()` from the folder
//! `nomad` runs in and lets it read the file system (jobspec2/parse.go at
//! v1.9.3, `BaseDir = filepath.Dir(Path)` of the base name command/helpers.go
//! passes it, with `AllowFS: true`).
//! Every gate let such a change through as "no job file changed" (R14-10):
//! only files named like job files were asked what they read.

use crate::common;

use common::mem_world::{committed, job, stage_huge_mem, READS_MEM};
use common::output_text;

#[test]
fn an_input_of_a_job_found_by_its_text_is_judged_again() {
    let d = committed(
        "unnamed-reader",
        &[
            ("jobs/web.nomad", job("web", "128")),
            ("deploy/api", job("api", READS_MEM)),
        ],
    );
    stage_huge_mem(&d);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("deploy/api reads conf/mem"), "{text}");
    assert!(text.contains("deploy/api:3:9: NP201"), "{text}");
    let o = d.run(&["plan", "--changed", "--staged"]);
    let text = output_text(&o);
    assert!(text.contains("==> deploy/api"), "{text}");
    assert!(!text.contains("no job file changed"), "{text}");
    common::git(&d.0, &["commit", "-qm", "mem"]);
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("deploy/api:3:9: NP201"), "{text}");
}

/// Guard: a file whose text is no job, or a job by its text that reads
/// nothing the change touches, is not judged for an input's change.
#[test]
fn unnamed_files_that_read_nothing_changed_are_left_alone() {
    let d = committed(
        "unnamed-no-reader",
        &[
            ("jobs/web.nomad", job("web", "128")),
            ("deploy/api", job("api", "256")),
        ],
    );
    d.put("docs/notes", "memory = file(\"conf/mem\")\n");
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "notes"]);
    stage_huge_mem(&d);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(!text.contains("deploy/api"), "{text}");
    assert!(!text.contains("docs/notes"), "{text}");
}
