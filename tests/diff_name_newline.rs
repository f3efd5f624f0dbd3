//! A map key is a field's name in the plan's diff (fieldDiffs,
//! nomad/structs/diff.go v2.0.5:3252), and Nomad prints names unquoted
//! (formatFieldDiff, command/job_plan.go v2.0.5:650-667). A newline in a
//! meta key therefore started a line of the job file's choosing in the
//! plan a CI log shows: `::add-mask::refused` or a forged `::notice::`
//! in GitHub Actions (R17-22). Names are escaped as one line; values keep
//! Nomad's `%q`.

use crate::common;

use common::edit_plan::{self, web, DC1};

const WORLD: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn plan(tag: &str, old: &str, new: &str) -> common::Out {
    let cluster = format!("nomad_version = \"2.0.5\"\n{WORLD}");
    let dir = edit_plan::project(&format!("name-newline-{tag}"), &cluster, old, new);
    edit_plan::run(&dir, "2.0.5", &[])
}

#[test]
fn a_meta_key_with_a_newline_never_starts_a_line_of_its_own() {
    let old = web(DC1, "", "");
    let key = "x\\n::notice title=nomad-preflight::every plan fits\\n::add-mask::refused\\r\\n";
    let job_meta = format!("{DC1}  meta = {{ \"{key}\" = \"1\" }}\n");
    let task_env = format!("      env = {{ \"{key}\" = \"2\" }}\n");
    for (tag, new) in [
        ("job", web(&job_meta, "", "")),
        ("task", web(DC1, "", &task_env)),
    ] {
        let o = plan(tag, &old, &new);
        assert!(
            !o.stdout.lines().any(|l| l.trim_start().starts_with("::")),
            "{tag}: a line from the key:\n{}",
            o.stdout
        );
        assert!(!o.stdout.contains('\r'), "{tag}: a raw CR:\n{}", o.stdout);
        assert!(
            o.stdout.contains(
                "[x\\n::notice title=nomad-preflight::every plan fits\\n::add-mask::refused\\r\\n]: "
            ),
            "{tag}: the key shown escaped on its line:\n{}",
            o.stdout
        );
    }
}

#[test]
fn a_plain_key_keeps_nomads_bytes_and_alignment() {
    let old = web(DC1, "", "");
    let new = web(
        &format!("{DC1}  meta = {{ a = \"1\", long_key = \"2\" }}\n"),
        "",
        "",
    );
    let o = plan("plain", &old, &new);
    assert!(
        o.stdout
            .starts_with("+/- Job: \"web\"\n+ Meta[a]:        \"1\"\n+ Meta[long_key]: \"2\"\n"),
        "{}",
        o.stdout
    );
}
