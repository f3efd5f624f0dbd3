//! `check --staged` of a file judged as a release before 1.0: what HCL1
//! refuses must be the file's only finding, in HCL1's words (Nomad
//! 0.9.3's jobspec.Parse stops there: jobspec/parse.go), and what it reads
//! keeps the load's findings. Guards (both hold on c3b2303d) for any
//! reordering of the staged file's load across threads, as hook15 tried
//! (the HCL1 check on the select-ahead helper while the load went on;
//! BENCHMARKS.md, hook round 4): they fail if a load made meanwhile leaks
//! past a refusal, or a refusal is lost.

use crate::common;

use common::{committed_demo, output_text, stage_edit};

#[test]
fn a_staged_file_hcl1_refuses_has_only_hcl1_s_words() {
    let d = committed_demo("hcl1-ahead-refused");
    // hcl-edit reads `1 + 2`; HCL1's parser (0.9.3) stops at the `+`.
    stage_edit(&d.0, "count = 1 + 2");
    for _ in 0..3 {
        let o = d.run(&["check", "--staged"]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert!(
            text.contains("hcl::syntax [error] error parsing: At 16:15: expected: IDENT | STRING | ASSIGN | LBRACE got: ADD"),
            "{text}"
        );
        // The load's own findings (NP105 for sockshop's `stagger`) are
        // not the refused file's.
        assert!(!text.contains("NP105"), "{text}");
        assert!(
            text.contains("1 error, 0 warnings, 0 advices in 1 file"),
            "{text}"
        );
    }
}

#[test]
fn a_staged_file_hcl1_reads_keeps_its_load_s_findings() {
    let d = committed_demo("hcl1-ahead-read");
    stage_edit(&d.0, "count = 2");
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("NP105 [warning] `stagger = \"10s\"` has no effect on service jobs"),
        "{text}"
    );
    assert!(!text.contains("hcl::syntax"), "{text}");
    // A literal HCL1 reads its own way is "cannot tell", as before.
    stage_edit(&d.0, "count = 08");
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("hcl::hcl1-cannot-tell"), "{text}");
    assert!(!text.contains("NP105"), "{text}");
}
