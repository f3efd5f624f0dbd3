//! redteam7 D7: dirname()/basename() are Go's filepath.Dir/Base
//! (hashicorp/go-cty-funcs filesystem/filesystem.go:178,193@v0.1.0, mapped by
//! jobspec2/functions.go:104-113@v2.0.5); abspath()/pathexpand() depend on
//! the machine that runs `nomad job plan`: "cannot tell", never ours.

use crate::common;

#[test]
fn dirname_and_basename_follow_gos_filepath() {
    let meta = "jsonencode([dirname(\"conf/app/\"), dirname(\"//a//b\"), dirname(\"./a/./b/..\"), basename(\"\"), basename(\"//\")])";
    let (code, out, err) = common::run_job(
        "path-fns",
        &common::meta_job(meta),
        &[
            "plan",
            "--nomad-version",
            "2.0.5",
            "--format",
            "json",
            "--verbose",
            "j.nomad",
        ],
    );
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(
        out.contains(r#"[\"conf/app\",\"/a\",\"a/b\",\".\",\"/\"]"#),
        "{out}{err}"
    );
}

#[test]
fn abspath_and_pathexpand_cannot_tell() {
    for meta in ["abspath(\".\")", "pathexpand(\"~/x\")"] {
        let (code, out, err) = common::run_job(
            "path-fns-ct",
            &common::meta_job(meta),
            &["plan", "--nomad-version", "2.0.5", "j.nomad"],
        );
        assert_eq!(code, 255, "{meta}: {out}{err}");
        assert!(err.contains("cannot tell"), "{meta}: {err}");
        assert!(
            !out.contains("All tasks successfully allocated"),
            "{meta}: {out}"
        );
    }
}

/// What needs neither the working directory nor the home is answered as Go
/// answers it: homedir.Expand returns a path without a leading `~` as it is
/// and refuses `~user`; filepath.Abs cleans an absolute path.
#[test]
fn pathexpand_and_abspath_answer_what_needs_no_machine() {
    let (code, out, err) = common::run_job(
        "path-fns-det",
        &common::meta_job(
            "jsonencode([pathexpand(\"conf/x\"), pathexpand(\"\"), abspath(\"/a//b/../c\")])",
        ),
        &["plan", "--nomad-version", "2.0.5", "-verbose", "j.nomad"],
    );
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(out.contains(r#"[\"conf/x\",\"\",\"/a/c\"]"#), "{out}{err}");
    let (code, out, err) = common::run_job(
        "path-fns-user",
        &common::meta_job("pathexpand(\"~root/x\")"),
        &["plan", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 255, "{out}{err}");
    assert!(
        err.contains("cannot expand user-specific home dir") && !err.contains("cannot tell"),
        "{err}"
    );
}
