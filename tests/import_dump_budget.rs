//! An import dump is bounded as a whole, not only file by file
//! (src/world/import/budget.rs; red team rt21a, stop 62: one saved job of
//! 40,000 small groups under the 16 MiB file cap took ~1 GB to plan, three
//! 1.6 GB, and nothing bounded the total). Nomad bounds none of it: the
//! bounds are ours, so crossing one is "cannot tell" (plan 255, import 2),
//! never a plan with Nomad's success text.

use crate::common;
use crate::import_field_types::{import, placed};

use common::{flat, run_in, run_in_env, TempDir};

/// A saved job (`/v1/job/:id`'s shape) of `groups` one-task groups, its
/// tasks' meta padded with `pad` bytes.
fn job(id: &str, groups: usize, pad: usize) -> String {
    let meta = "v".repeat(pad);
    let tgs: Vec<String> = (0..groups)
        .map(|i| {
            format!(
                r#"{{"Name":"g{i}","Count":1,"Tasks":[{{"Name":"t","Driver":"docker","Config":{{"image":"nginx:1"}},"Resources":{{"CPU":1,"MemoryMB":1}},"Meta":{{"k":"{meta}"}}}}]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"ID":"{id}","Name":"{id}","Namespace":"default","Type":"service","Priority":50,"Datacenters":["dc1"],"TaskGroups":[{}],"Status":"running","Version":0,"CreateIndex":100,"ModifyIndex":100,"JobModifyIndex":100}}"#,
        tgs.join(",")
    )
}

/// The basic import with `jobs` saved jobs of `groups` groups each.
fn dump(tag: &str, jobs: usize, groups: usize, pad: usize) -> TempDir {
    let d = import(tag);
    for n in 0..jobs {
        d.put(
            &format!("imp/jobs/default/big{n}.json"),
            &job(&format!("big{n}"), groups, pad),
        );
    }
    d
}

fn assert_cannot_tell(o: &common::Out, words: &str) {
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!placed(o), "{}", o.stdout);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let err = flat(&o.stderr);
    assert!(err.contains("cannot tell what the cluster"), "{err}");
    assert!(err.contains(words), "{err}");
}

#[test]
fn a_saved_job_past_the_group_bound_is_refused_before_it_is_decoded() {
    let d = dump("dump-one-job", 1, 10_001, 0);
    let o = run_in(&d.0, &["plan", "--world", "imp", "probe.nomad"]);
    assert_cannot_tell(&o, "job \"big0\" has 10001 task groups");
    // Located at the job's file.
    assert!(o.stderr.contains("big0.json"), "{}", o.stderr);
    let i = run_in(&d.0, &["import", "imp"]);
    assert_eq!(i.code, 2, "{}{}", i.stdout, i.stderr);
    assert!(
        flat(&i.stderr).contains("import::too-many-groups"),
        "{}",
        i.stderr
    );
}

#[test]
fn the_groups_of_all_saved_jobs_together_are_bounded() {
    // 6 × 8,400 = 50,400 groups, each job within the per-job bound.
    let d = dump("dump-groups", 6, 8_400, 0);
    let o = run_in(&d.0, &["plan", "--world", "imp", "probe.nomad"]);
    assert_cannot_tell(&o, "hold more than 50000 task groups together");
    assert!(o.stderr.contains("import::too-many-groups"), "{}", o.stderr);
}

#[test]
fn the_bytes_of_all_saved_files_together_are_bounded() {
    // A 16 KiB file cap: the whole dump may hold 64 × 16 KiB = 1 MiB.
    let env = [("NOMAD_PREFLIGHT_MAX_FILE_BYTES", "16384")];
    let plan = ["plan", "--world", "imp", "probe.nomad"];
    // 40 files of ~15 KB: within every file's cap and the dump's.
    let under = dump("dump-bytes-under", 40, 1, 15_000);
    let o = run_in_env(&under.0, &env, &plan);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
    // 80 files of ~15 KB: each within its cap, together past the dump's.
    let over = dump("dump-bytes-over", 80, 1, 15_000);
    let o = run_in_env(&over.0, &env, &plan);
    assert_cannot_tell(&o, "the import's files together pass the 1048576 bytes");
    assert!(o.stderr.contains("import::too-large"), "{}", o.stderr);
}
