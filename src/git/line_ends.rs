//! What a checkout writes for a blob: git's smudge-side conversion
//! (convert.c at git 2.47: convert_attrs, output_eol, crlf_to_worktree,
//! and whether `ident`, `working-tree-encoding` or a `filter` driver
//! apply), so that a file read from a blob (`--staged`, `--head`) is
//! known to be, or not to be, the file Nomad reads from a checkout. It
//! matters: Nomad keeps a CR inside a heredoc (HCL2's scanner; hcl v1
//! before 0.11), so a template's `data` written CRLF is another template;
//! `$Id$` written `$Id: <blob> $` is another string; UTF-16 is another
//! file.
//!
//! The attributes are read as git reads them ([`super::attributes`]);
//! the configuration read is `core.autocrlf`, `core.eol`,
//! `core.ignorecase`, the filter drivers, and `attr.tree` /
//! `GIT_ATTR_SOURCE` (attributes from another tree: not followed).

use std::collections::HashMap;

use gix::bstr::BStr;

use super::attributes::{self, Frame, Value};

/// How a checkout writes a file's line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Checkout {
    /// As the blob holds them.
    AsIs,
    /// Each lone LF written CRLF (`auto`: unless the text looks binary or
    /// already holds a CR).
    Crlf { auto: bool },
    /// What the attributes say is not followed here.
    Unsure,
}

/// What a checkout does to a file's bytes beyond its line ends
/// (convert.c convert_to_working_tree_ca_internal), each enough for the
/// checkout to differ from the blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Conversion {
    pub eol: Checkout,
    /// `ident`: each `$Id$` (or `$Id: … $`) written with the blob's name.
    pub ident: bool,
    /// A `working-tree-encoding` other than UTF-8: the file is written in
    /// it (or, for `true`/`false`, the checkout fails).
    pub encoding: bool,
    /// A `filter` whose driver the configuration defines: a program
    /// writes the file (or, `required` without one, the checkout fails).
    pub filter: bool,
}

/// `core.autocrlf`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum AutoCrlf {
    #[default]
    False,
    True,
    Input,
}

/// The configuration a checkout follows when no attribute decides.
#[derive(Debug, Clone, Default)]
pub(super) struct Config {
    pub autocrlf: AutoCrlf,
    /// `core.eol=crlf`.
    pub eol_crlf: bool,
    /// `core.ignorecase`: patterns match without case.
    pub ignore_case: bool,
    /// The filter drivers with a `smudge`, `process` or `required`.
    pub drivers: Vec<Vec<u8>>,
    /// `attr.tree` or `GIT_ATTR_SOURCE`: attributes from another tree.
    pub other_source: bool,
}

/// What a checkout does to `path` (slash-separated, from the top), given
/// the attribute frames git stacks for it, lowest first
/// ([`attributes::of`]).
pub(super) fn checkout(path: &BStr, frames: &[&Frame], config: &Config) -> Conversion {
    if config.other_source {
        return Conversion {
            eol: Checkout::Unsure,
            ident: true,
            encoding: true,
            filter: true,
        };
    }
    let case = if config.ignore_case {
        gix::glob::pattern::Case::Fold
    } else {
        gix::glob::pattern::Case::Sensitive
    };
    let attrs = attributes::of(path, frames, case);
    let text = |name: &[u8]| match attrs.get(name) {
        Some(Value::Text(v)) => Some(v.as_slice()),
        _ => None,
    };
    let encoding = match attrs.get(&b"working-tree-encoding"[..]) {
        None | Some(Value::Unspecified) => false,
        Some(Value::Set | Value::Unset) => true,
        Some(Value::Text(v)) => !v.is_empty() && !is_utf8_name(v),
    };
    let filter = text(b"filter").is_some_and(|name| config.drivers.iter().any(|d| d == name));
    Conversion {
        eol: decide(&attrs, config),
        ident: attrs.get(&b"ident"[..]) == Some(&Value::Set),
        encoding,
        filter,
    }
}

/// utf8.c same_encoding with "UTF-8": `utf` then an optional `-`, then
/// `8`, in any case.
fn is_utf8_name(v: &[u8]) -> bool {
    let Some(rest) = v.get(..3).filter(|p| p.eq_ignore_ascii_case(b"utf")) else {
        return false;
    };
    let rest = &v[rest.len()..];
    let rest = rest.strip_prefix(b"-").unwrap_or(rest);
    rest == b"8"
}

/// convert.c convert_attrs, text_eol_is_crlf and output_eol, on a system
/// whose native line end is LF.
fn decide(attrs: &HashMap<Vec<u8>, Value>, config: &Config) -> Checkout {
    #[derive(Clone, Copy, PartialEq)]
    enum Action {
        Undefined,
        Binary,
        Text,
        TextInput,
        TextCrlf,
        Auto,
        AutoInput,
        AutoCrlf,
    }
    // git_path_check_crlf, for `text` then the legacy `crlf`.
    let of = |name: &[u8]| match attrs.get(name) {
        Some(Value::Set) => Action::Text,
        Some(Value::Unset) => Action::Binary,
        Some(Value::Text(v)) if v == b"input" => Action::TextInput,
        Some(Value::Text(v)) if v == b"auto" => Action::Auto,
        _ => Action::Undefined,
    };
    let mut action = of(b"text");
    if action == Action::Undefined {
        action = of(b"crlf");
    }
    if action != Action::Binary {
        let eol = match attrs.get(&b"eol"[..]) {
            Some(Value::Text(v)) if v == b"lf" => Some(false),
            Some(Value::Text(v)) if v == b"crlf" => Some(true),
            _ => None,
        };
        action = match (action, eol) {
            (Action::Auto, Some(false)) => Action::AutoInput,
            (Action::Auto, Some(true)) => Action::AutoCrlf,
            (_, Some(false)) => Action::TextInput,
            (_, Some(true)) => Action::TextCrlf,
            (a, None) => a,
        };
    }
    let eol_is_crlf = match config.autocrlf {
        AutoCrlf::True => true,
        AutoCrlf::Input => false,
        AutoCrlf::False => config.eol_crlf,
    };
    if action == Action::Text {
        action = if eol_is_crlf {
            Action::TextCrlf
        } else {
            Action::TextInput
        };
    }
    if action == Action::Undefined {
        action = match config.autocrlf {
            AutoCrlf::False => Action::Binary,
            AutoCrlf::True => Action::AutoCrlf,
            AutoCrlf::Input => Action::AutoInput,
        };
    }
    match action {
        Action::TextCrlf => Checkout::Crlf { auto: false },
        Action::AutoCrlf => Checkout::Crlf { auto: true },
        Action::Auto if eol_is_crlf => Checkout::Crlf { auto: true },
        _ => Checkout::AsIs,
    }
}

/// The bytes a checkout writes for `blob` (convert.c crlf_to_worktree):
/// every lone LF made CRLF; with `auto`, nothing when the text holds a CR
/// already or looks binary (gather_stats, convert_is_binary).
pub(super) fn smudge(blob: &[u8], auto: bool) -> Option<Vec<u8>> {
    let (mut lone_lf, mut lone_cr, mut crlf, mut nul, mut printable, mut other) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    for (i, &c) in blob.iter().enumerate() {
        match c {
            b'\r' if blob.get(i + 1) == Some(&b'\n') => crlf += 1,
            b'\r' => lone_cr += 1,
            b'\n' if i == 0 || blob[i - 1] != b'\r' => lone_lf += 1,
            b'\n' => {}
            0 => {
                nul += 1;
                other += 1;
            }
            127 => other += 1,
            8 | 9 | 27 | 12 => printable += 1,
            c if c < 32 => other += 1,
            _ => printable += 1,
        }
    }
    // gather_stats: a file's closing ^Z (DOS's end of file) is not
    // counted as unprintable.
    if blob.last() == Some(&0x1a) {
        other = other.saturating_sub(1);
    }
    if lone_lf == 0 {
        return None;
    }
    if auto && (lone_cr > 0 || crlf > 0 || nul > 0 || (printable >> 7) < other) {
        return None;
    }
    let mut out = Vec::with_capacity(blob.len() + lone_lf);
    for (i, &c) in blob.iter().enumerate() {
        if c == b'\n' && (i == 0 || blob[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::attributes::Found;
    use gix::bstr::ByteSlice;

    /// The frames of `files` (folder, body; the top file first, then
    /// deeper ones; macros from the top only) on the built-in one.
    fn at(path: &str, files: &[(&str, &str)], config: &Config) -> Checkout {
        let mut frames = vec![Frame::builtin()];
        for (d, b) in files {
            frames.push(Frame::parse(
                d.as_bytes(),
                b.as_bytes(),
                Found::Blob,
                d.is_empty(),
            ));
        }
        let frames: Vec<&Frame> = frames.iter().collect();
        checkout(path.as_bytes().as_bstr(), &frames, config).eol
    }

    #[test]
    fn attributes_decide_as_git_does() {
        let none = &Config::default();
        let crlf = Checkout::Crlf { auto: false };
        let auto = Checkout::Crlf { auto: true };
        assert_eq!(
            at("jobs/a.nomad", &[("", "*.nomad eol=crlf\n")], none),
            crlf
        );
        assert_eq!(
            at("jobs/a.nomad", &[("", "*.bat eol=crlf\n")], none),
            Checkout::AsIs
        );
        assert_eq!(
            at("jobs/a.nomad", &[("", "* text=auto eol=crlf\n")], none),
            auto
        );
        assert_eq!(
            at("jobs/a.nomad", &[("", "*.nomad -text eol=crlf\n")], none),
            Checkout::AsIs
        );
        assert_eq!(
            at("jobs/a.nomad", &[("", "*.nomad eol=crlf binary\n")], none),
            Checkout::AsIs
        );
        // Deeper files and later lines win.
        let files = [("", "* eol=crlf\n"), ("jobs", "*.nomad eol=lf\n")];
        assert_eq!(at("jobs/a.nomad", &files, none), Checkout::AsIs);
        assert_eq!(at("b.nomad", &files, none), crlf);
        assert_eq!(
            at("a.nomad", &[("", "* eol=crlf\n*.nomad !eol\n")], none),
            Checkout::AsIs
        );
        // Patterns with a slash are from the file's folder.
        assert_eq!(
            at("jobs/a.nomad", &[("", "/jobs/*.nomad eol=crlf\n")], none),
            crlf
        );
        assert_eq!(
            at("x/jobs/a.nomad", &[("", "/jobs/*.nomad eol=crlf\n")], none),
            Checkout::AsIs
        );
        assert_eq!(
            at("x/jobs/a.nomad", &[("", "**/jobs/* eol=crlf\n")], none),
            crlf
        );
        // Macros, from the top file only.
        let win = "[attr]win text eol=crlf\n*.nomad win\n";
        assert_eq!(at("a.nomad", &[("", win)], none), crlf);
        assert_eq!(
            at(
                "d/a.nomad",
                &[("d", "[attr]win eol=crlf\n*.nomad win\n")],
                none
            ),
            Checkout::AsIs
        );
        // The configuration, where no eol attribute decides.
        let autocrlf = &Config {
            autocrlf: AutoCrlf::True,
            ..Config::default()
        };
        let eol = &Config {
            eol_crlf: true,
            ..Config::default()
        };
        let input_eol = &Config {
            autocrlf: AutoCrlf::Input,
            eol_crlf: true,
            ..Config::default()
        };
        assert_eq!(at("a.nomad", &[], autocrlf), auto);
        assert_eq!(at("a.nomad", &[], eol), Checkout::AsIs);
        assert_eq!(at("a.nomad", &[("", "* text\n")], eol), crlf);
        assert_eq!(
            at("a.nomad", &[("", "* text\n")], input_eol),
            Checkout::AsIs
        );
        assert_eq!(at("a.nomad", &[("", "* crlf\n")], eol), crlf);
        assert_eq!(
            at("a.nomad", &[("", "* -crlf\n")], autocrlf),
            Checkout::AsIs
        );
        assert_eq!(
            at("a.nomad", &[("", "* crlf=input\n")], autocrlf),
            Checkout::AsIs
        );
        // convert_attrs: an eol attribute wins over `input`.
        assert_eq!(
            at("a.nomad", &[("", "* crlf=input eol=crlf\n")], none),
            crlf
        );
        assert_eq!(
            at("a.nomad", &[("", "* text=input eol=crlf\n")], none),
            crlf
        );
    }

    /// Lines a pull request writes that git reads otherwise than a plain
    /// reading would: each was judged by its LF blob (a checkout by git
    /// 2.47 writes CRLF; `git check-attr --cached eol` agrees).
    #[test]
    fn attribute_lines_read_as_git_reads_them() {
        let none = &Config::default();
        let crlf = Checkout::Crlf { auto: false };
        let top = "* eol=crlf\n";
        for (line, want) in [
            // git drops a line with a name it refuses...
            ("*.nomad eol=lf b@d\n", crlf),
            // ...one 2048 bytes long or more...
            (&*format!("*.nomad eol=lf {}=1\n", "x".repeat(2100)), crlf),
            // ...and all that follows a NUL.
            ("\0\n*.nomad eol=lf\n", crlf),
            // Only space, tab, CR and LF part words.
            ("\u{a0}*.nomad eol=lf\n", crlf),
            ("\u{b}*.nomad eol=lf\n", crlf),
            // (a value runs to the next of them: `lf\u{a0}x` is no eol git
            // knows, and hides the top file's `crlf`)
            ("*.nomad eol=lf\u{a0}x\n", Checkout::AsIs),
            // A negative pattern drops its line.
            ("!x.nomad eol=lf\n", crlf),
            // Quoted patterns, C escapes.
            ("\"a\\056nomad\"eol=lf\n", Checkout::AsIs),
            ("\"a b\" eol=lf\n", crlf),
            // A folder pattern matches no file; `**` does.
            ("d/ eol=lf\n", crlf),
            ("** eol=lf\n", Checkout::AsIs),
        ] {
            assert_eq!(
                at("d/a.nomad", &[("", top), ("d", line)], none),
                want,
                "{line:?}"
            );
        }
        for top in [
            "*.nomad win\n[attr]win eol=crlf\n",
            "[attr]binary eol=crlf\n*.nomad binary\n",
            "\"[attr]win\" eol=crlf\n*.nomad win\n",
            "\"*.nomad\" eol=crlf\n",
        ] {
            assert_eq!(at("a.nomad", &[("", top)], none), crlf, "{top:?}");
        }
        // `-win` above a `win` below: the macro is not set.
        let files = [("", "[attr]win eol=crlf\n* win\n"), ("d", "*.nomad -win\n")];
        assert_eq!(at("d/a.nomad", &files, none), Checkout::AsIs);
        // An unclosed quote is part of the pattern.
        assert_eq!(
            at("a.nomad", &[("", "\"*.nomad eol=crlf\n")], none),
            Checkout::AsIs
        );
    }

    #[test]
    fn other_conversions() {
        let of = |body: &str, config: &Config| {
            let frames = [
                Frame::builtin(),
                Frame::parse(b"", body.as_bytes(), Found::Blob, true),
            ];
            checkout(b"a.nomad".as_bstr(), &[&frames[0], &frames[1]], config)
        };
        let none = &Config::default();
        assert!(of("* ident\n", none).ident);
        assert!(!of("* ident\n*.nomad -ident\n", none).ident);
        assert!(of("* working-tree-encoding=UTF-16LE\n", none).encoding);
        assert!(of("* working-tree-encoding\n", none).encoding);
        assert!(!of("* working-tree-encoding=utf8\n", none).encoding);
        assert!(!of("* working-tree-encoding=UTF-8\n", none).encoding);
        assert!(!of("* filter=lfs\n", none).filter);
        let lfs = &Config {
            drivers: vec![b"lfs".to_vec()],
            ..Config::default()
        };
        assert!(of("* filter=lfs\n", lfs).filter);
        let elsewhere = &Config {
            other_source: true,
            ..Config::default()
        };
        assert_eq!(of("", elsewhere).eol, Checkout::Unsure);
    }

    #[test]
    fn smudge_writes_lone_lfs_as_crlf() {
        assert_eq!(
            smudge(b"a\nb\r\nc\n", false).as_deref(),
            Some(&b"a\r\nb\r\nc\r\n"[..])
        );
        assert_eq!(smudge(b"a\nb\r\nc\n", true), None);
        assert_eq!(smudge(b"a\0\nb", true), None);
        assert_eq!(smudge(b"a\r\n", false), None);
        assert_eq!(smudge(b"\n", true).as_deref(), Some(&b"\r\n"[..]));
        // A closing ^Z is not what makes a short text binary.
        assert!(smudge(b"a\nb\x1a", true).is_some());
        assert_eq!(smudge(b"a\nb\x1a\x1a", true), None);
    }
}
