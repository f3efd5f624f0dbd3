//! Issue 14's "crashes and wrong numbers", through the binary: function
//! arguments that used to panic (`parseint` with radix 1, `format` with a
//! huge precision), abort on allocation (`indent(1e11, ...)`, a huge
//! `format` width) or overflow the stack (`templatefile` including itself)
//! now end as Nomad ends them: a located error of `validate` and `check`
//! (exit 1), or, where Go's fmt gives up on a precision past a million,
//! Nomad's own `%!(NOVERB)` value. A result past our size caps, which
//! Nomad's process would go on to build, is a located "cannot tell"
//! (validate 255, check 2). Never a crash.

use super::{assert_clean, flat, group, job, run, tempdir, write};

/// One job file per call, in a `meta` value on line 4; the words of the
/// located error (cty's text where it has one).
const REFUSED: [(&str, &str, &str); 2] = [
    (
        "parseint.nomad",
        "parseint(\"10\", 1)",
        "base must be a whole number between 2 and 62 inclusive",
    ),
    // No Nomad release has templatefile (issue 13): HCL's own refusal, so
    // a template that includes itself is never evaluated.
    (
        "templatefile.nomad",
        "templatefile(\"self.tpl\", {})",
        "There is no function named \"templatefile\"",
    ),
];

/// Results past our size caps: Nomad would build them (or run out of
/// memory trying), so what it says is not known.
const UNTOLD: [(&str, &str, &str); 2] = [
    (
        "indent.nomad",
        "indent(1e11, \"a\\nb\")",
        "cannot tell what Nomad 1.6.0 makes of this indent() call",
    ),
    (
        "width.nomad",
        "format(\"%999999999s\", \"x\")",
        "the formatted result would be longer than 16 MiB",
    ),
];

fn with_meta(call: &str) -> String {
    job(&format!("  meta {{\n    k = {call}\n  }}\n{}", group("")))
}

#[test]
fn function_arguments_that_crashed_are_located_errors() {
    let d = tempdir("crashes");
    write(&d, "self.tpl", "${templatefile(\"self.tpl\", {})}");
    let refused = REFUSED.iter().map(|r| (r, 1, 1));
    for ((file, call, words), validate, check) in refused.chain(UNTOLD.iter().map(|r| (r, 255, 2)))
    {
        write(&d, file, with_meta(call));
        for (cmd, code) in [("validate", validate), ("check", check)] {
            let o = run(&d, &[cmd, "--nomad-version", "1.6.0", file]);
            assert_clean(&o, &[code]);
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
