//! `plan` and `validate` print Nomad's own refusal of a job file (`Error
//! getting job struct: Error parsing job file from <path>: ...`), which
//! names the file, and quotes it again at every diagnostic's range. A
//! file name is input (a pull request adds it; a glob in CI names it): an
//! ESC, a BEL or a bidirectional override in it must reach the terminal as
//! a visible escape, as it does in the diagnostics printed beside that
//! text and in the plan's own output, never raw.

use crate::common;

use common::TempDir;

/// Two `update` blocks: jobspec2's `Duplicate update block` refusal,
/// which names the file twice.
const TWICE: &str = "job \"a\" {\n  datacenters = [\"dc1\"]\n  update {\n  }\n  update {\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n    }\n  }\n}\n";

const NAME: &str = "e\x1b]0;T\x07\u{202e}.nomad";

/// `cmd`'s stderr; its exit code is the README's for a refused file
/// (`plan`: invalid input, 255; `validate`: invalid, 1).
fn refused(cmd: &str, code: i32) -> String {
    let d = TempDir::new(&format!("refusal-escapes-{cmd}"));
    d.put(NAME, TWICE);
    let o = d.run(&[cmd, "--nomad-version", "1.9.0", NAME]);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{cmd}: {}",
        common::output_text(&o)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn nomad_refusal_text_escapes_the_file_name() {
    for (cmd, code) in [("plan", 255), ("validate", 1)] {
        let err = refused(cmd, code);
        assert!(
            err.contains(
                "Error getting job struct: Error parsing job file from e\\x1b]0;T\\x07\\u{202e}.nomad:\n"
            ),
            "{cmd}: {err}"
        );
        assert!(
            err.contains("Another was defined at e\\x1b]0;T\\x07\\u{202e}.nomad:3,3-9."),
            "{cmd}: {err}"
        );
        assert!(
            !err.contains('\x1b') && !err.contains('\x07') && !err.contains('\u{202e}'),
            "{cmd}: {err:?}"
        );
    }
}

/// `plan --changed` names each changed file in a `==>` header and in its
/// diagnostics' headers: a newline in a file name a pull request adds
/// started a line of its own there (a forged `==>` line in a CI log;
/// `check` already showed it as `\n`).
#[cfg(unix)]
#[test]
fn plan_changed_keeps_a_file_name_on_its_line() {
    let d = common::committed_demo("plan-changed-newline");
    let name = "jobs/a\n==> 0 job file(s) changed.nomad";
    d.put(
        name,
        "job \"x\" {\n  group \"g\" {\n    count = \"many\"\n  }\n}\n",
    );
    common::git(&d.0, &["add", "-A"]);
    let o = d.run(&["plan", "--changed", "--staged"]);
    let text = common::output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("==> jobs/a\\n==> 0 job file(s) changed.nomad (added)"),
        "{text}"
    );
    for line in text.lines() {
        assert!(
            !line.starts_with("==> 0 job file(s) changed.nomad"),
            "{text}"
        );
        // A diagnostic's header names the file on one line too.
        assert!(!line.ends_with("[jobs/a"), "{text}");
    }
}
