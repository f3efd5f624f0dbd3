//! A job file Nomad's CLI cannot get, in its words. `nomad job plan` /
//! `validate` fetch FILE with go-getter before parsing (command/helpers.go
//! `JobGetter.Get`, v0.9.3-v2.0.5): a missing file is FileGetter's
//! `source path error: stat ABS: no such file or directory` (the path
//! joined to the working directory and cleaned), a folder `source path
//! must be a file` (go-getter get_file_unix.go, the vendored copy at 0.9.3
//! to v1.8.6 at 2.0.5), wrapped as `Error getting jobfile from "FILE": `
//! after `Error getting job struct: `. Validate exits 1, plan 255.

use crate::common;

fn stderr_lines(o: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .map(String::from)
        .collect()
}

#[test]
fn a_missing_file_and_a_folder_in_go_getters_words() {
    let d = common::TempDir::demo("getter-words");
    std::fs::create_dir_all(d.0.join("jobs/dir.nomad")).expect("folder");
    let abs = std::fs::canonicalize(&d.0).expect("canonical");
    let missing = format!(
        "Error getting job struct: Error getting jobfile from \"jobs/x/../nope.nomad\": source path error: stat {}/jobs/nope.nomad: no such file or directory",
        abs.display()
    );
    let folder = "Error getting job struct: Error getting jobfile from \"jobs/dir.nomad\": source path must be a file";
    for v in ["0.9.3", "1.6.0", "2.0.5"] {
        let o = d.run(&["validate", "--nomad-version", v, "jobs/x/../nope.nomad"]);
        assert_eq!(o.status.code(), Some(1), "{v}");
        assert_eq!(stderr_lines(&o), std::slice::from_ref(&missing), "{v}");
        let o = d.run(&["validate", "--nomad-version", v, "jobs/dir.nomad"]);
        assert_eq!(o.status.code(), Some(1), "{v}");
        assert_eq!(stderr_lines(&o), [folder], "{v}");
        let o = d.run(&["plan", "--nomad-version", v, "jobs/x/../nope.nomad"]);
        assert_eq!(o.status.code(), Some(255), "{v}");
        assert_eq!(stderr_lines(&o).first(), Some(&missing), "{v}");
    }
}

#[test]
fn a_path_through_a_file_is_not_a_directory() {
    let d = common::TempDir::demo("getter-notdir");
    let abs = std::fs::canonicalize(&d.0).expect("canonical");
    let o = d.run(&["validate", "jobs/sockshop.nomad/x.nomad"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr_lines(&o),
        [format!("Error getting job struct: Error getting jobfile from \"jobs/sockshop.nomad/x.nomad\": source path error: stat {}/jobs/sockshop.nomad/x.nomad: not a directory", abs.display())]
    );
}
