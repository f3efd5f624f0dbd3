//! The line ends a checkout writes a file with: git's smudge-side end-of-
//! line conversion (convert.c at git 2.47: convert_attrs, output_eol,
//! crlf_to_worktree), so that a file read from a blob (`--staged`,
//! `--head`, the world at HEAD) is the file Nomad reads from a checkout.
//! It matters: Nomad keeps a CR inside a heredoc (HCL2's scanner; hcl v1
//! before 0.11), so a template's `data` written CRLF is another template.
//!
//! Read here: the `.gitattributes` files of the same revision (or index)
//! from the top down to the file's folder (deeper files and later lines
//! win; `[attr]` macros and the built-in `binary`; the legacy `crlf`
//! attribute), `info/attributes` of the repository, and `core.autocrlf`
//! / `core.eol`. A pattern in quotes is not followed: "unsure".

use gix::bstr::{BStr, ByteSlice};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unspecified,
    Set,
    Unset,
    Value(Val),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Val {
    Auto,
    Crlf,
    Lf,
    Input,
    Other,
}

/// The configuration a checkout follows when no attribute decides.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Config {
    /// `core.autocrlf=true`.
    pub autocrlf: bool,
    /// `core.eol=crlf`.
    pub eol_crlf: bool,
}

/// How a checkout writes `path` (slash-separated, from the top), given
/// the attribute files that apply, shallowest first, each with the folder
/// it sits in (`""` for the top; `info/attributes` last, folder `""`).
pub(super) fn checkout(path: &BStr, files: &[(&BStr, &[u8])], config: Config) -> Checkout {
    let mut text = State::Unspecified;
    let mut crlf = State::Unspecified;
    let mut eol = State::Unspecified;
    let mut macros: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::new();
    for (dir, body) in files {
        let rel: &[u8] = if dir.is_empty() {
            path
        } else {
            match path
                .strip_prefix(dir.as_bytes())
                .and_then(|r| r.strip_prefix(b"/"))
            {
                Some(r) => r,
                None => continue,
            }
        };
        for line in body.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with(b"#") {
                continue;
            }
            let mut words = line.fields();
            let Some(pattern) = words.next() else {
                continue;
            };
            let attrs: Vec<Vec<u8>> = words.map(<[u8]>::to_vec).collect();
            if let Some(name) = pattern.strip_prefix(b"[attr]") {
                // Macros count from the top file (and info/attributes) only.
                if dir.is_empty() {
                    macros.push((name.to_vec(), attrs));
                }
                continue;
            }
            if pattern.starts_with(b"\"") {
                if attrs.iter().any(|a| touches(a, &macros)) {
                    return Checkout::Unsure;
                }
                continue;
            }
            // A negative pattern is refused by git (and ignored).
            if pattern.starts_with(b"!") || !matches(pattern, rel.as_bstr()) {
                continue;
            }
            for a in &attrs {
                apply(a, &macros, &mut [&mut text, &mut crlf, &mut eol], 0);
            }
        }
    }
    decide(text, crlf, eol, config)
}

/// Does attribute token `a` (a macro's expansion included) say anything
/// about line ends?
fn touches(a: &[u8], macros: &[(Vec<u8>, Vec<Vec<u8>>)]) -> bool {
    let name = name_of(a);
    matches!(name, b"text" | b"eol" | b"crlf" | b"binary")
        || macros.iter().any(|(m, _)| m.as_slice() == name)
}

fn name_of(a: &[u8]) -> &[u8] {
    let a = a
        .strip_prefix(b"-")
        .or_else(|| a.strip_prefix(b"!"))
        .unwrap_or(a);
    a.split(|b| *b == b'=').next().unwrap_or(a)
}

/// Apply one attribute token to (text, crlf, eol), expanding macros.
fn apply(a: &[u8], macros: &[(Vec<u8>, Vec<Vec<u8>>)], states: &mut [&mut State; 3], depth: usize) {
    let (state, name) = if let Some(n) = a.strip_prefix(b"-") {
        (State::Unset, n)
    } else if let Some(n) = a.strip_prefix(b"!") {
        (State::Unspecified, n)
    } else if let Some(i) = a.iter().position(|b| *b == b'=') {
        let v = match &a[i + 1..] {
            b"auto" => Val::Auto,
            b"crlf" => Val::Crlf,
            b"lf" => Val::Lf,
            b"input" => Val::Input,
            _ => Val::Other,
        };
        (State::Value(v), &a[..i])
    } else {
        (State::Set, a)
    };
    match name {
        b"text" => *states[0] = state,
        b"crlf" => *states[1] = state,
        b"eol" => *states[2] = state,
        // Built in: `-diff -merge -text`.
        b"binary" if state == State::Set => *states[0] = State::Unset,
        _ if state == State::Set && depth < 8 => {
            // The last definition of a macro is the one in force.
            if let Some((_, expands)) = macros.iter().rev().find(|(m, _)| m.as_slice() == name) {
                for e in expands.clone() {
                    apply(&e, macros, states, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// gitattributes patterns: gitignore's, without negation or folders.
fn matches(pattern: &[u8], rel: &BStr) -> bool {
    let Some(p) = gix::glob::parse(pattern) else {
        return false;
    };
    p.matches_repo_relative_path(
        rel,
        rel.rfind_byte(b'/').map(|i| i + 1),
        Some(false),
        gix::glob::pattern::Case::Sensitive,
        gix::glob::wildmatch::Mode::NO_MATCH_SLASH_LITERAL,
    )
}

/// convert.c convert_attrs and output_eol, on a system whose native line
/// end is LF.
fn decide(text: State, crlf: State, eol: State, config: Config) -> Checkout {
    #[derive(PartialEq)]
    enum Action {
        Undefined,
        Binary,
        Text,
        Input,
        Auto,
    }
    let of = |s: State| match s {
        State::Set => Action::Text,
        State::Unset => Action::Binary,
        State::Value(Val::Input) => Action::Input,
        State::Value(Val::Auto) => Action::Auto,
        _ => Action::Undefined,
    };
    let mut action = of(text);
    if action == Action::Undefined {
        action = of(crlf);
    }
    match (action, eol) {
        (Action::Binary | Action::Input, _) => Checkout::AsIs,
        (Action::Text | Action::Undefined, State::Value(Val::Crlf)) => {
            Checkout::Crlf { auto: false }
        }
        (Action::Auto, State::Value(Val::Crlf)) => Checkout::Crlf { auto: true },
        (_, State::Value(Val::Lf)) => Checkout::AsIs,
        // No eol attribute: core.autocrlf, then core.eol.
        (Action::Text, _) if config.autocrlf || config.eol_crlf => Checkout::Crlf { auto: false },
        (Action::Auto, _) if config.autocrlf || config.eol_crlf => Checkout::Crlf { auto: true },
        (Action::Undefined, _) if config.autocrlf => Checkout::Crlf { auto: true },
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
            0 => nul += 1,
            127 => other += 1,
            8 | 9 | 27 | 12 => printable += 1,
            c if c < 32 => other += 1,
            _ => printable += 1,
        }
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

    fn at(path: &str, files: &[(&str, &str)], config: Config) -> Checkout {
        let files: Vec<(&BStr, &[u8])> = files
            .iter()
            .map(|(d, b)| (d.as_bytes().as_bstr(), b.as_bytes()))
            .collect();
        checkout(path.as_bytes().as_bstr(), &files, config)
    }

    #[test]
    fn attributes_decide_as_git_does() {
        let none = Config::default();
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
        assert_eq!(
            at(
                "a.nomad",
                &[("", "[attr]win text eol=crlf\n*.nomad win\n")],
                none
            ),
            crlf
        );
        assert_eq!(
            at(
                "d/a.nomad",
                &[("d", "[attr]win eol=crlf\n*.nomad win\n")],
                none
            ),
            Checkout::AsIs
        );
        // The configuration, where no eol attribute decides.
        let autocrlf = Config {
            autocrlf: true,
            eol_crlf: false,
        };
        let eol = Config {
            autocrlf: false,
            eol_crlf: true,
        };
        assert_eq!(at("a.nomad", &[], autocrlf), auto);
        assert_eq!(at("a.nomad", &[], eol), Checkout::AsIs);
        assert_eq!(at("a.nomad", &[("", "* text\n")], eol), crlf);
        assert_eq!(at("a.nomad", &[("", "* crlf\n")], eol), crlf);
        assert_eq!(
            at("a.nomad", &[("", "* -crlf\n")], autocrlf),
            Checkout::AsIs
        );
        assert_eq!(
            at("a.nomad", &[("", "* crlf=input\n")], autocrlf),
            Checkout::AsIs
        );
        assert_eq!(
            at("a.nomad", &[("", "\"a b\" eol=crlf\n")], none),
            Checkout::Unsure
        );
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
    }
}
