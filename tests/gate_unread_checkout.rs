//! A changed file whose checkout is not its blob, through what the tool
//! does not follow, is refused ("cannot tell") under any name, not judged
//! by its blob: `nomad job run deploy/web` reads the checkout. A filter
//! the git configuration defines (git-lfs, git-crypt; here a rot13
//! program), a `working-tree-encoding` the pull request's own
//! .gitattributes sets, and a Git LFS pointer blob each made a job under
//! another name "0 files" / "no job file changed", exit 0 (redteam6 G15).
//! A file named as a job file was already refused so.

use crate::common;

use common::{committed_demo, git, output_text, BAD_COUNT_JOB};

/// `check --staged` and `plan --changed --staged --gate` both refuse
/// `path` (the words of the refusal, `why` flattened out of boxes).
fn refused(d: &common::TempDir, path: &str, why: &str) {
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged", "--gate"],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        let flat = common::flat(&text);
        assert!(
            flat.contains(&format!("refusing to read {path}: a checkout of the index may write it otherwise than its blob ({why}")),
            "{args:?}: {text}"
        );
        assert!(!text.contains("no job file changed"), "{args:?}: {text}");
    }
}

const ROT13: &str = "tr a-zA-Z n-za-mN-ZA-M";

#[test]
fn a_job_a_configured_filter_writes_is_refused_under_any_name() {
    let d = committed_demo("unread-filter");
    git(&d.0, &["config", "filter.rot.clean", ROT13]);
    git(&d.0, &["config", "filter.rot.smudge", ROT13]);
    d.put(
        ".gitattributes",
        "deploy/* filter=rot\nassets/* filter=rot\n",
    );
    git(&d.0, &["add", ".gitattributes"]);
    git(&d.0, &["commit", "-qm", "attributes"]);
    d.put("deploy/web", BAD_COUNT_JOB);
    git(&d.0, &["add", "deploy/web"]);
    refused(&d, "deploy/web", "a .gitattributes `filter`");
    // An image's name says it is no job: judged by its blob, passed.
    let d = committed_demo("unread-filter-png");
    git(&d.0, &["config", "filter.rot.clean", ROT13]);
    git(&d.0, &["config", "filter.rot.smudge", ROT13]);
    d.put(".gitattributes", "assets/* filter=rot\n");
    d.put("assets/logo.png", "not an image\n");
    git(&d.0, &["add", "-A"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    // The changed .gitattributes changes no job file's attributes
    // (gate28: only those it changes are judged again): nothing judged.
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("in 0 files"), "{text}");
    assert!(!text.contains("logo.png"), "{text}");
}

#[test]
fn a_job_a_working_tree_encoding_writes_is_refused_under_any_name() {
    let d = committed_demo("unread-encoding");
    d.put(".gitattributes", "deploy/* working-tree-encoding=IBM037\n");
    git(&d.0, &["add", ".gitattributes"]);
    git(&d.0, &["commit", "-qm", "attributes"]);
    // git reads the checkout as IBM037: the blob is its UTF-8 reading,
    // no job; a checkout writes these bytes back.
    d.put("deploy/web", BAD_COUNT_JOB);
    git(&d.0, &["add", "deploy/web"]);
    refused(&d, "deploy/web", "a .gitattributes `working-tree-encoding`");
}

#[test]
fn an_lfs_pointer_blob_is_refused_where_its_name_may_be_a_jobs() {
    let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 312\n";
    let d = committed_demo("unread-lfs");
    // No git-lfs here: the blob is written as it is, but a checkout where
    // git-lfs is installed (GitHub's runners) writes the object.
    d.put(
        ".gitattributes",
        "deploy/** filter=lfs diff=lfs merge=lfs -text\n",
    );
    d.put("deploy/web", pointer);
    d.put("deploy/logo.png", pointer);
    git(&d.0, &["add", "-A"]);
    refused(&d, "deploy/web", "a Git LFS pointer");
    let o = d.run(&["check", "--staged"]);
    assert!(!output_text(&o).contains("logo.png"), "{}", output_text(&o));
}

/// A working tree checked out without LFS objects (actions/checkout's
/// default) holds the pointer: judged as its text it was "not a job" to
/// `check DIR` and `check --base REF`; a checkout with git-lfs writes the
/// job.
#[test]
fn an_lfs_pointer_in_the_working_tree_is_refused() {
    let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 312\n";
    let d = committed_demo("unread-lfs-tree");
    d.put("deploy/web", pointer);
    for args in [&["check", "deploy"][..], &["check", "--base", "HEAD"]] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        assert!(
            common::flat(&text).contains("refusing to read deploy/web: it is a Git LFS pointer"),
            "{args:?}: {text}"
        );
    }
}
