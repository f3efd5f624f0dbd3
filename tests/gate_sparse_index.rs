//! A sparse index (`git sparse-checkout init --cone --sparse-index`)
//! holds a folder outside the cone as one entry naming its tree (mode
//! 040000), which git expands whenever it needs the files below
//! (sparse-index.c `ensure_full_index`). Read as it was, `jobs/` hid
//! `jobs/web.nomad`: its read of a changed `conf/mem` was never judged and
//! the gate passed (R14-11).

use crate::common;

use common::mem_world::{committed, job, stage_huge_mem, READS_MEM};
use common::{git, output_text};

#[test]
fn a_job_in_a_collapsed_folder_is_judged_when_its_input_changes() {
    let d = committed(
        "sparse-reader",
        &[("jobs/web.nomad", job("web", READS_MEM))],
    );
    git(
        &d.0,
        &["sparse-checkout", "init", "--cone", "--sparse-index"],
    );
    git(&d.0, &["sparse-checkout", "set", "conf", "rules"]);
    assert!(
        !d.0.join("jobs/web.nomad").exists(),
        "jobs/ is outside the cone"
    );
    stage_huge_mem(&d);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("jobs/web.nomad reads conf/mem"), "{text}");
    assert!(text.contains("jobs/web.nomad:3:9: NP201"), "{text}");
}

/// Guard: a staged job in the cone of a sparse index is judged as ever.
#[test]
fn a_staged_job_in_the_cone_of_a_sparse_index_is_judged() {
    let d = committed("sparse-cone", &[("jobs/web.nomad", job("web", "128"))]);
    git(
        &d.0,
        &["sparse-checkout", "init", "--cone", "--sparse-index"],
    );
    git(&d.0, &["sparse-checkout", "set", "jobs", "rules"]);
    d.put("jobs/web.nomad", &job("web", "999999"));
    git(&d.0, &["add", "jobs/web.nomad"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("jobs/web.nomad:3:9: NP201"), "{text}");
}
