//! A pull request whose only change is a `.gitattributes` line such as
//! `jobs/*.nomad working-tree-encoding=UTF-16LE-BOM` changes no blob, yet
//! every checkout then holds UTF-16 job files Nomad's parser refuses
//! (`error parsing: At 1:2: illegal char`). The change re-judges every job
//! file below it on every gate: the blob sides (`--staged`, `--head`)
//! refuse what they cannot read ("cannot tell"), and the working tree (the
//! CI form, `check --base REF` in a fresh checkout) judges the UTF-16 files
//! it holds. That gate dropped them as "not a job" by their text: "0
//! errors ... in 0 files" and "0 job file(s) changed", exit 0 (R26b-1).

use crate::common;

use common::{committed_demo, git, output_text, TempDir};

const ENCODED: &str = "working-tree-encoding=UTF-16LE-BOM";

/// `d` cloned as CI checks a pull request out: a fresh checkout, written
/// through the `.gitattributes` the head commit holds.
fn ci_checkout(d: &TempDir, name: &str) -> TempDir {
    let ci = TempDir::new(name);
    std::fs::remove_dir(&ci.0).unwrap();
    let (from, to) = (d.0.to_string_lossy(), ci.0.to_string_lossy());
    git(&d.0, &["clone", "-q", &from, &to]);
    ci
}

/// `args`' exit code and output, asserting the run names `path` and is
/// no all-clear.
fn judged(d: &TempDir, args: &[&str], code: i32, path: &str, said: &str) {
    let o = d.run(args);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {text}");
    assert!(common::flat(&text).contains(said), "{args:?}: {text}");
    assert!(text.contains(path), "{args:?}: {text}");
    for pass in ["in 0 files", "0 job file(s) changed", "no job file changed"] {
        assert!(!text.contains(pass), "{args:?}: {text}");
    }
}

#[test]
fn an_encoding_set_alone_fails_the_working_tree_gate_of_a_checkout() {
    let d = committed_demo("attr-rejudge-encoding");
    d.put(".gitattributes", &format!("jobs/*.nomad {ENCODED}\n"));
    git(&d.0, &["add", ".gitattributes"]);
    git(&d.0, &["commit", "-qm", "attributes"]);
    let ci = ci_checkout(&d, "attr-rejudge-encoding-ci");
    let job = std::fs::read(ci.0.join("jobs/sockshop.nomad")).unwrap();
    assert_eq!(job[..2], [0xFF, 0xFE], "the checkout is UTF-16");
    // What Nomad's parser says of each checked-out job file: exit 1.
    judged(
        &ci,
        &["check", "--base", "HEAD~1"],
        1,
        "jobs/sockshop.nomad:1:2: hcl::encoding [error] error parsing: At 1:2: illegal char",
        "3 errors",
    );
    // `nomad job plan` of each exits 255 with the parser's error.
    judged(
        &ci,
        &["plan", "--changed", "--base", "HEAD~1", "--gate"],
        255,
        "==> jobs/sockshop.nomad (reads .gitattributes, which changed)",
        "error parsing: At 1:2: illegal char",
    );
    // Guard: read from git, the blob is not what a checkout holds.
    judged(
        &ci,
        &["check", "--base", "HEAD~1", "--head", "HEAD"],
        2,
        "jobs/sockshop.nomad",
        "a .gitattributes `working-tree-encoding`",
    );
}

/// A job file of any name (`deploy/web`, taken by its text) that reads no
/// file was not among the files a `.gitattributes` change re-judged: only
/// job files that may read files were listed, so every gate passed it.
#[test]
fn a_job_of_any_name_below_a_changed_gitattributes_is_rejudged() {
    let d = committed_demo("attr-rejudge-unnamed");
    d.put(
        "deploy/web",
        &common::BAD_COUNT_JOB.replace("\"many\"", "1"),
    );
    git(&d.0, &["add", "deploy/web"]);
    git(&d.0, &["commit", "-qm", "web"]);
    // In its own folder: the demo's jobs, judged again below a top
    // .gitattributes, hold the demo's own quota error.
    d.put("deploy/.gitattributes", &format!("web {ENCODED}\n"));
    git(&d.0, &["add", "deploy/.gitattributes"]);
    let refusal = "refusing to read deploy/web: a checkout of the index may write it otherwise than its blob (a .gitattributes `working-tree-encoding`";
    judged(&d, &["check", "--staged"], 2, "deploy/web", refusal);
    judged(
        &d,
        &["plan", "--changed", "--staged", "--gate"],
        255,
        "deploy/web",
        refusal,
    );
    git(&d.0, &["commit", "-qm", "attributes"]);
    let ci = ci_checkout(&d, "attr-rejudge-unnamed-ci");
    judged(
        &ci,
        &["check", "--base", "HEAD~1"],
        1,
        "deploy/web:1:2: hcl::encoding",
        "1 error",
    );
}

/// gate28: a `.gitattributes` change re-judges only the job files whose
/// attributes it changes (its two versions' lines matching each file,
/// compared: git's attr.c reads nothing else of the file for it). A root
/// `*.png binary` re-judged every job file of the repository, on every
/// gate, where no checkout of a job file changes.
#[test]
fn only_job_files_whose_attributes_change_are_rejudged() {
    let d = committed_demo("attr-rejudge-only");
    d.put(".gitattributes", "*.png binary\n");
    git(&d.0, &["add", ".gitattributes"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(!text.contains("reads .gitattributes"), "{text}");
    assert!(text.contains("in 0 files"), "{text}");
    git(&d.0, &["commit", "-qm", "png"]);
    // A line reaching one job file re-judges that one alone.
    d.put(
        ".gitattributes",
        &format!("*.png binary\njobs/sockshop.nomad {ENCODED}\n"),
    );
    git(&d.0, &["add", ".gitattributes"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("jobs/sockshop.nomad"), "{text}");
    assert!(!text.contains("jobs/monitoring.nomad"), "{text}");
}
