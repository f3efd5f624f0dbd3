//! `plan` and `validate` print Nomad's own refusal of a job file (`Error
//! getting job struct: Error parsing job file from <path>: ...`), which
//! names the file, and quotes it again at every diagnostic's range. A
//! file name is input (a pull request adds it; a glob in CI names it): an
//! ESC, a BEL or a bidirectional override in it must reach the terminal as
//! a visible escape, as it does in the diagnostics printed beside that
//! text and in the plan's own output, never raw.

mod common;

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
