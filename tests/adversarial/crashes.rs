//! Issue 14's "crashes and wrong numbers", through the binary: function
//! arguments that used to panic (`parseint` with radix 1, `format` with a
//! huge precision), abort on allocation (`indent(1e11, ...)`, a huge
//! `format` width) or overflow the stack (`templatefile` including itself)
//! now end as Nomad ends them: a located error of `validate` and `check`
//! (exit 1), or, where Go's fmt gives up on a precision past a million,
//! Nomad's own `%!(NOVERB)` value. Never a crash.

use super::{assert_clean, flat, group, job, run, tempdir, write};

/// One job file per call, in a `meta` value on line 4; the words of the
/// located error (cty's text where it has one).
const REFUSED: [(&str, &str, &str); 4] = [
    (
        "parseint.nomad",
        "parseint(\"10\", 1)",
        "base must be a whole number between 2 and 62 inclusive",
    ),
    (
        "indent.nomad",
        "indent(1e11, \"a\\nb\")",
        "Error in function call `indent`",
    ),
    (
        "width.nomad",
        "format(\"%999999999s\", \"x\")",
        "the formatted result would be longer than 16 MiB",
    ),
    // No Nomad release has templatefile (issue 13): HCL's own refusal, so
    // a template that includes itself is never evaluated.
    (
        "templatefile.nomad",
        "templatefile(\"self.tpl\", {})",
        "There is no function named \"templatefile\"",
    ),
];

fn with_meta(call: &str) -> String {
    job(&format!("  meta {{\n    k = {call}\n  }}\n{}", group("")))
}

#[test]
fn function_arguments_that_crashed_are_located_errors() {
    let d = tempdir("crashes");
    write(&d, "self.tpl", "${templatefile(\"self.tpl\", {})}");
    for (file, call, words) in REFUSED {
        write(&d, file, with_meta(call));
        for cmd in ["validate", "check"] {
            let o = run(&d, &[cmd, "--nomad-version", "1.6.0", file]);
            assert_clean(&o, &[1]);
            let all = flat(&format!("{}{}", o.stdout, o.stderr));
            assert!(all.contains(words), "{cmd} {file}: {all}");
            assert!(
                all.contains(&format!("{file}:4:")),
                "{cmd} {file}: not located at the call: {all}"
            );
        }
    }
}

/// `%.999999999f`: Go's fmt stops reading the precision past a million and
/// prints `%!(NOVERB)`, the argument then being extra. Nomad accepts the
/// job with that meta value, so we do too, and show it.
#[test]
fn a_precision_go_cannot_read_is_nomads_noverb_value() {
    let d = tempdir("noverb");
    write(&d, "j.nomad", with_meta("format(\"%.999999999f\", 1)"));
    let o = run(&d, &["validate", "--nomad-version", "1.6.0", "j.nomad"]);
    assert_clean(&o, &[0]);
    let o = run(
        &d,
        &["plan", "-verbose", "--nomad-version", "1.6.0", "j.nomad"],
    );
    assert_clean(&o, &[1]);
    assert!(
        o.stdout
            .contains("+ Meta[k]:    \"%!(NOVERB)%!(EXTRA *big.Float=1)\""),
        "{}",
        o.stdout
    );
}
