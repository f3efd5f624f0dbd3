//! `check` outside git says of each `running` file that its running
//! version is unknown, naming the file. A file's name is input (`import
//! --write` names a job file after a cluster's job ID): ESC, BEL and the
//! bidirectional overrides in it reached the terminal raw in every
//! `--format`, where they recolour, ring or reorder what the reader sees
//! (R26b-5). Escaped as every other name (src/escape.rs).

use crate::common;

const NAME: &str = "jobs/we\u{1b}[31mb\u{202e}\u{7}x.nomad";

#[test]
fn the_unknown_running_version_warning_escapes_the_file_name() {
    let d = common::TempDir::demo("running-name-escaped");
    std::fs::rename(d.0.join("jobs/sockshop.nomad"), d.0.join(NAME)).unwrap();
    let rules = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).unwrap();
    let listed = "\"jobs/we\\u001b[31mb\\u202e\\u0007x.nomad\"";
    d.put(
        "rules/cluster.hcl",
        &rules.replace("\"jobs/sockshop.nomad\"", listed),
    );
    for format in ["human", "json", "markdown", "github", "sarif"] {
        let o = d.run(&["check", "--format", format]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("warning: cannot tell what jobs/we\\x1b[31mb\\u{202e}\\x07x.nomad changes: it is listed in `running`"),
            "{format}: {err}"
        );
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!err.contains(raw), "{format}: {err:?}");
        }
    }
}
