//! Go's text formats that Nomad's output is made of, shared by what the
//! server answers (the planner's admission errors) and what the CLI prints
//! (render): `%q` for strings (`strconv.Quote`), which plan output uses for
//! every value and header name, go-multierror's list format, and the
//! `${KEY}` replacement of `helper/args`.
//!
//! `%q` depends on the Go release that built the Nomad being judged (its
//! Unicode tables): [`go_quote`] follows the release established for the
//! thread ([`scope`]), [`go_quote_in`] takes the edition.

pub mod humanize;
mod isprint;
mod isprint_table;
pub mod scope;

pub use isprint::{is_print, Unicode};
pub use scope::{establish, inherit, scoped};

/// Quote `s` the way Go's `strconv.Quote` does, as the Go that built the
/// Nomad established for this thread ([`scope`]).
pub fn go_quote(s: &str) -> String {
    go_quote_in(s, scope::current())
}

/// Quote `s` the way `strconv.Quote` of a Go with Unicode `edition` does.
pub fn go_quote_in(s: &str, edition: Unicode) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_quoted(&mut out, c, edition);
    }
    out.push('"');
    out
}

/// Quote bytes that need not be UTF-8 (a file name as the OS gave it) the
/// way `strconv.Quote` does: each byte that is not part of a valid UTF-8
/// sequence is written `\xNN`, so `M\xfcller.nomad` keeps the Latin-1
/// byte where a lossy conversion would print U+FFFD.
pub fn go_quote_bytes(b: &[u8]) -> String {
    let edition = scope::current();
    let mut out = String::with_capacity(b.len() + 2);
    out.push('"');
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_quoted(&mut out, c, edition);
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out.push('"');
    out
}

/// `%q` of a path, byte for byte where the OS has bytes (Unix); elsewhere
/// a path is UTF-16 and Go sees it converted, as Rust's lossy text does.
pub fn go_quote_path(p: &std::path::Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        go_quote_bytes(p.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        go_quote(&p.to_string_lossy())
    }
}

/// One character as `strconv.Quote` writes it.
fn push_quoted(out: &mut String, c: char, edition: Unicode) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
        c if is_print(c, edition) => out.push(c),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Nomad's `helper/args.ReplaceEnv`: every `${KEY}` whose KEY matches
/// `[a-zA-Z0-9_\-.]+` and that `lookup` knows is replaced by its value;
/// any other text, unknown keys included, stays as written.
pub fn replace_env<'v>(arg: &str, lookup: impl Fn(&str) -> Option<&'v str>) -> String {
    let key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(i) = rest.find("${") {
        let inner = &rest[i + 2..];
        let n = inner.find(|c: char| !key_char(c)).unwrap_or(inner.len());
        if n > 0 && inner[n..].starts_with('}') {
            out.push_str(&rest[..i]);
            match lookup(&inner[..n]) {
                Some(v) => out.push_str(v),
                None => out.push_str(&rest[i..i + n + 3]),
            }
            rest = &inner[n + 1..];
        } else {
            // Not a key: Go's regexp moves on one byte and tries again.
            out.push_str(&rest[..i + 1]);
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Nomad's multierror text for the version (go-multierror changed in 0.10.4).
pub fn multierror(errors: &[String], version: crate::version::NomadVersion) -> String {
    if version.at_least(0, 10, 4) {
        let head = if errors.len() == 1 {
            "1 error occurred:".to_string()
        } else {
            format!("{} errors occurred:", errors.len())
        };
        let items: String = errors.iter().map(|e| format!("\n\t* {e}")).collect();
        format!("{head}{items}\n\n")
    } else {
        let items: Vec<String> = errors.iter().map(|e| format!("* {e}")).collect();
        format!(
            "{} error(s) occurred:\n\n{}",
            errors.len(),
            items.join("\n")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{go_quote, go_quote_in, Unicode};

    #[test]
    fn quotes_like_strconv_quote() {
        let _newest = super::scoped(crate::version::NomadVersion::CURRENT);
        assert_eq!(go_quote("redis:3.2"), "\"redis:3.2\"");
        assert_eq!(go_quote(""), "\"\"");
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(go_quote("l1\nl2\tx\r"), "\"l1\\nl2\\tx\\r\"");
        assert_eq!(go_quote("\u{1}\u{7f}"), "\"\\x01\\x7f\"");
        assert_eq!(go_quote("\u{7}\u{8}\u{b}\u{c}"), "\"\\a\\b\\v\\f\"");
        assert_eq!(go_quote("héllo ✓"), "\"héllo ✓\"");
        assert_eq!(go_quote("a\u{a0}b"), "\"a\\u00a0b\"");
        assert_eq!(go_quote("\u{feff}"), "\"\\ufeff\"");
        assert_eq!(go_quote("\u{f0000}"), "\"\\U000f0000\"");
        assert_eq!(go_quote("a\\d"), "\"a\\\\d\"");
        // Unassigned code points are escaped, as Go escapes them.
        assert_eq!(go_quote("\u{378}"), "\"\\u0378\"");
        assert_eq!(go_quote("\u{e0001}"), "\"\\U000e0001\"");
    }

    #[test]
    fn a_character_newer_than_the_release_is_escaped() {
        // U+1FAE0 (Unicode 14): Nomad 1.4.12 (Go 1.20, Unicode 13) escapes
        // it, 1.4.13 (Go 1.21, Unicode 15) prints it.
        let melting = "a\u{1fae0}";
        assert_eq!(go_quote_in(melting, Unicode::U13), "\"a\\U0001fae0\"");
        assert_eq!(go_quote_in(melting, Unicode::U15), "\"a\u{1fae0}\"");
        let v = crate::version::NomadVersion::new;
        let _old = super::scoped(v(1, 4, 12));
        assert_eq!(go_quote(melting), "\"a\\U0001fae0\"");
        {
            let _new = super::scoped(v(1, 4, 13));
            assert_eq!(go_quote(melting), "\"a\u{1fae0}\"");
        }
        assert_eq!(go_quote(melting), "\"a\\U0001fae0\"");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_quoted_one_by_one() {
        let _newest = super::scoped(crate::version::NomadVersion::CURRENT);
        // Go: fmt.Sprintf("%q", "M\xfcller.nomad").
        assert_eq!(
            super::go_quote_bytes(b"M\xfcller.nomad"),
            "\"M\\xfcller.nomad\""
        );
        // A cut sequence is one escape per byte; valid text around it
        // is quoted as go_quote quotes it.
        assert_eq!(
            super::go_quote_bytes(b"\xe2\x9c\"\xff\xc3\xa9\n"),
            "\"\\xe2\\x9c\\\"\\xff\u{e9}\\n\""
        );
        assert_eq!(
            super::go_quote_bytes("héllo ✓".as_bytes()),
            go_quote("héllo ✓")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_path_is_quoted_from_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let _newest = super::scoped(crate::version::NomadVersion::CURRENT);
        let p = std::path::Path::new(std::ffi::OsStr::from_bytes(b"jobs/M\xfcller.nomad"));
        assert_eq!(super::go_quote_path(p), "\"jobs/M\\xfcller.nomad\"");
    }

    #[test]
    fn replace_env_as_helper_args_does() {
        let env = |k: &str| match k {
            "JOB" => Some("web"),
            "a.b-c_1" => Some("X"),
            _ => None,
        };
        assert_eq!(super::replace_env("${JOB}-api", env), "web-api");
        assert_eq!(super::replace_env("${a.b-c_1}${JOB}", env), "Xweb");
        // Unknown keys, empty keys and keys with other characters stay.
        assert_eq!(
            super::replace_env("${NOPE}-${}-${a b}", env),
            "${NOPE}-${}-${a b}"
        );
        assert_eq!(super::replace_env("$${JOB}", env), "$web");
        assert_eq!(super::replace_env("${${JOB}}", env), "${web}");
    }
}
