//! git's attributes of a path, read as git 2.47 reads them (attr.c:
//! read_attr_from_buf, parse_attr_line, parse_attr, prepare_attr_stack,
//! fill, fill_one, macroexpand_one, determine_macros; dir.c
//! parse_path_pattern, match_basename, match_pathname; quote.c
//! unquote_c_style). A checkout decides a file's bytes by them
//! ([`super::line_ends`]), and a pull request writes them: every line git
//! drops (a name it refuses, a line of 2048 bytes or more, whatever
//! follows a NUL, a negative pattern, a macro outside the top file) is
//! dropped here, and every line git reads (a quoted pattern, a macro
//! defined after its use or redefining `binary`) is read.

use std::collections::HashMap;

use gix::bstr::{BStr, ByteSlice};

/// git's white space between a pattern and attributes (attr.c `blank`):
/// nothing else (a vertical tab or a no-break space is part of a word).
const BLANK: &[u8] = b" \t\r\n";
/// attr.c ATTR_MAX_LINE_LENGTH: a longer line is ignored.
const MAX_LINE: usize = 2048;
/// attr.c ATTR_MAX_FILE_SIZE: a larger file is ignored whole.
pub(super) const MAX_FILE: usize = 100 * 1024 * 1024;

/// The value an attribute file gives an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    /// `name`.
    Set,
    /// `-name`.
    Unset,
    /// `!name`: back to unspecified, which hides what lower files say.
    Unspecified,
    /// `name=value`.
    Text(Vec<u8>),
}

type States = Vec<(Vec<u8>, Value)>;

#[derive(Debug)]
enum Rule {
    Macro(Vec<u8>, States),
    Match(gix::glob::Pattern, States),
}

/// One attribute file as git keeps it: its rules, and the folder its
/// patterns are relative to (`""` for the top and the files outside the
/// tree).
#[derive(Debug)]
pub(super) struct Frame {
    base: Vec<u8>,
    rules: Vec<Rule>,
}

/// How the bytes of an attribute file were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// A blob of the index or a tree (read_attr_from_buf): nothing after a
    /// NUL is read, lines end at LF only.
    Blob,
    /// A file on disk (read_attr_from_file: `info/attributes`, the global
    /// and system files): a UTF-8 byte order mark and each line's CR are
    /// dropped, a NUL ends its line only.
    Disk,
}

impl Frame {
    /// The rules of the file `body` in folder `base`; `macros` for the
    /// files git reads `[attr]` lines from (the top `.gitattributes`,
    /// `info/attributes`, the global and system files).
    pub(super) fn parse(base: &[u8], body: &[u8], from: Found, macros: bool) -> Frame {
        let mut rules = Vec::new();
        if body.len() < MAX_FILE {
            let body = match from {
                Found::Blob => body.split(|b| *b == 0).next().unwrap_or_default(),
                Found::Disk => body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body),
            };
            for line in body.split(|b| *b == b'\n') {
                let line = match from {
                    Found::Blob => line,
                    Found::Disk => {
                        let line = line.strip_suffix(b"\r").unwrap_or(line);
                        line.split(|b| *b == 0).next().unwrap_or_default()
                    }
                };
                rules.extend(rule(line, macros));
            }
        }
        Frame {
            base: base.to_vec(),
            rules,
        }
    }

    /// The macro definitions of this file, in order.
    pub(super) fn macros(&self) -> Vec<(&[u8], &States)> {
        (self.rules.iter())
            .filter_map(|r| match r {
                Rule::Macro(name, states) => Some((name.as_slice(), states)),
                Rule::Match(..) => None,
            })
            .collect()
    }

    /// What this file says of `path` (slash-separated, from the top): the
    /// states of its lines whose pattern matches it, in order. All that
    /// [`of`] reads of this file for `path`, macros aside.
    pub(super) fn said_of(&self, path: &BStr, case: gix::glob::pattern::Case) -> Vec<&States> {
        let rel: &[u8] = if self.base.is_empty() {
            path
        } else {
            match path
                .strip_prefix(self.base.as_slice())
                .and_then(|r| r.strip_prefix(b"/"))
            {
                Some(r) => r,
                None => return Vec::new(),
            }
        };
        (self.rules.iter())
            .filter_map(|r| match r {
                Rule::Match(pattern, states) if matches(pattern, rel.as_bstr(), case) => {
                    Some(states)
                }
                _ => None,
            })
            .collect()
    }

    /// The built-in frame: `[attr]binary -diff -merge -text`.
    pub(super) fn builtin() -> Frame {
        Frame::parse(b"", b"[attr]binary -diff -merge -text", Found::Disk, true)
    }
}

fn skip_blank(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| BLANK.contains(b)).count();
    &s[n..]
}

fn word_len(s: &[u8]) -> usize {
    s.iter().take_while(|b| !BLANK.contains(b)).count()
}

/// attr.c parse_attr_line: `None` for a line git ignores.
fn rule(line: &[u8], macros_ok: bool) -> Option<Rule> {
    let cp = skip_blank(line);
    if cp.is_empty() || cp[0] == b'#' || line.len() >= MAX_LINE {
        return None;
    }
    let (name, states) = match unquote(cp) {
        Some((name, rest)) => (name, rest),
        None => {
            let n = word_len(cp);
            (cp[..n].to_vec(), &cp[n..])
        }
    };
    let states = parse_states(skip_blank(states))?;
    match name.strip_prefix(b"[attr]") {
        Some(rest) if !rest.is_empty() => {
            if !macros_ok {
                return None;
            }
            let rest = skip_blank(rest);
            let macro_name = &rest[..word_len(rest)];
            valid_name(macro_name).then(|| Rule::Macro(macro_name.to_vec(), states))
        }
        _ => {
            // A NUL a quoted pattern held ends it (parse_path_pattern
            // reads it as a C string).
            let pattern = name.split(|b| *b == 0).next().unwrap_or_default();
            let parsed = gix::glob::parse(pattern);
            match parsed {
                // A negative pattern drops the line; one gix reads as no
                // pattern (all white space) matches nothing, as here.
                Some(p) if p.mode.contains(gix::glob::pattern::Mode::NEGATIVE) => None,
                Some(p) => Some(Rule::Match(p, states)),
                None => None,
            }
        }
    }
}

/// attr.c parse_attr over a line's attributes: `None` when one name is
/// not valid (the whole line is dropped).
fn parse_states(mut cp: &[u8]) -> Option<States> {
    let mut out = Vec::new();
    while !cp.is_empty() {
        let end = word_len(cp);
        let word = &cp[..end];
        let (name, value) = match word.iter().position(|b| *b == b'=') {
            Some(i) => (&word[..i], Some(&word[i + 1..])),
            None => (word, None),
        };
        let (name, value) = match name.first() {
            Some(b'-') => (&name[1..], Value::Unset),
            Some(b'!') => (&name[1..], Value::Unspecified),
            _ => match value {
                Some(v) => (name, Value::Text(v.to_vec())),
                None => (name, Value::Set),
            },
        };
        if !valid_name(name) {
            return None;
        }
        out.push((name.to_vec(), value));
        cp = skip_blank(&cp[end..]);
    }
    Some(out)
}

/// attr.c attr_name_valid and attr_name_reserved.
fn valid_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name[0] != b'-'
        && !name.starts_with(b"builtin_")
        && name
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
}

/// quote.c unquote_c_style: the text inside `"…"` and what follows the
/// closing quote, or `None` (the pattern is then read as a plain word).
fn unquote(s: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut it = s.strip_prefix(b"\"")?.iter().enumerate();
    let body = &s[1..];
    let mut out = Vec::new();
    while let Some((i, &c)) = it.next() {
        match c {
            b'"' => return Some((out, &body[i + 1..])),
            b'\\' => {}
            0 => return None,
            c => {
                out.push(c);
                continue;
            }
        }
        let (_, &e) = it.next()?;
        out.push(match e {
            b'a' => 7,
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 11,
            b'\\' | b'"' => e,
            b'0'..=b'3' => {
                let mut v = e - b'0';
                for _ in 0..2 {
                    let (_, &d) = it.next()?;
                    if !(b'0'..=b'7').contains(&d) {
                        return None;
                    }
                    v = (v << 3) | (d - b'0');
                }
                v
            }
            _ => return None,
        });
    }
    None
}

/// The attributes of `path` (slash-separated, from the top) given the
/// frames git stacks for it, lowest first: built-in, system, global, the
/// top `.gitattributes`, each deeper folder's, `info/attributes`. Every
/// attribute any frame gives it, with its value; `Unspecified` for `!`.
pub(super) fn of(
    path: &BStr,
    frames: &[&Frame],
    case: gix::glob::pattern::Case,
) -> HashMap<Vec<u8>, Value> {
    // determine_macros: the highest frame's last definition is in force.
    let mut macros: HashMap<&[u8], &States> = HashMap::new();
    for f in frames.iter().rev() {
        for r in f.rules.iter().rev() {
            if let Rule::Macro(name, states) = r {
                macros.entry(name.as_slice()).or_insert(states);
            }
        }
    }
    let mut out = HashMap::new();
    for f in frames.iter().rev() {
        let rel: &[u8] = if f.base.is_empty() {
            path
        } else {
            match path
                .strip_prefix(f.base.as_slice())
                .and_then(|r| r.strip_prefix(b"/"))
            {
                Some(r) => r,
                None => continue,
            }
        };
        for r in f.rules.iter().rev() {
            let Rule::Match(pattern, states) = r else {
                continue;
            };
            if matches(pattern, rel.as_bstr(), case) {
                fill(states, &macros, &mut out, 0);
            }
        }
    }
    out
}

/// attr.c fill_one and macroexpand_one: the last attribute of a line
/// first; the first value an attribute gets is kept; a macro set expands
/// where it is set.
fn fill(
    states: &States,
    macros: &HashMap<&[u8], &States>,
    out: &mut HashMap<Vec<u8>, Value>,
    depth: usize,
) {
    for (name, value) in states.iter().rev() {
        if out.contains_key(name) {
            continue;
        }
        out.insert(name.clone(), value.clone());
        // git expands without a bound, but a macro cannot set itself
        // twice: a cycle ends when every name in it has a value.
        if *value == Value::Set && depth < 64 {
            if let Some(expands) = macros.get(name.as_slice()) {
                fill(expands, macros, out, depth + 1);
            }
        }
    }
}

/// attr.c path_matches: a pattern without a slash on the file's name, one
/// with a slash on the path below the file's folder; a folder pattern
/// (`dir/`) matches no file.
fn matches(pattern: &gix::glob::Pattern, rel: &BStr, case: gix::glob::pattern::Case) -> bool {
    pattern.matches_repo_relative_path(
        rel,
        rel.rfind_byte(b'/').map(|i| i + 1),
        Some(false),
        case,
        gix::glob::wildmatch::Mode::NO_MATCH_SLASH_LITERAL,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Every pattern and attribute line here, read by `git check-attr
    /// --cached` (the index, as a checkout reads it) and by [`of`]: the
    /// same values for every path.
    #[test]
    fn agrees_with_git_check_attr() {
        let top = concat!(
            "*.nomad text\n",
            "\"q uoted.nomad\" eol=crlf\n",
            "\"\\x.nomad\" eol=crlf\n",
            "\"oct\\141l.nomad\"ident\n",
            "/abs.nomad eol=lf\n",
            "d/**/deep.nomad filter=f\n",
            "d/ eol=crlf\n",
            "**/e/*.nomad working-tree-encoding=UTF-16\n",
            "[ab]c.nomad crlf=input\n",
            "*.NOMAD eol=crlf\n",
            "\\!bang.nomad eol=crlf\n",
            "!neg.nomad -text\n",
            "m.nomad win\n",
            "[attr]win eol=crlf ident\n",
            "[attr]binary eol=crlf\n",
            "bin.nomad binary\n",
            "\x0bvt.nomad eol=crlf\n",
            "nbsp.nomad eol=crlf\u{a0}x\n",
            "bad.nomad eol=crlf b@d\n",
            "# x.nomad eol=lf\n",
            "  tab.nomad\teol=crlf  -text\r\n",
        );
        let sub = concat!(
            "[attr]win2 eol=lf\n",
            "*.nomad !text win2\n",
            "/abs.nomad eol=crlf\n",
            "deep.nomad -win\n",
        );
        let paths = [
            "a.nomad",
            "q uoted.nomad",
            "x.nomad",
            "octal.nomad",
            "abs.nomad",
            "d/abs.nomad",
            "d/x/deep.nomad",
            "d/deep.nomad",
            "d/e/f.nomad",
            "e/g.nomad",
            "ac.nomad",
            "bc.nomad",
            "A.NOMAD",
            "!bang.nomad",
            "neg.nomad",
            "m.nomad",
            "bin.nomad",
            "vt.nomad",
            "nbsp.nomad",
            "bad.nomad",
            "tab.nomad",
            "d/m.nomad",
        ];
        let dir = std::env::temp_dir().join(format!("np-attr-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("d")).unwrap();
        let git = |args: &[&str], input: Option<&[u8]>| {
            let mut c = Command::new("git");
            c.current_dir(&dir)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_ATTR_NOSYSTEM", "1")
                .env("HOME", &dir)
                .env_remove("XDG_CONFIG_HOME")
                .args(args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null());
            let mut child = c.spawn().expect("git runs");
            if let Some(i) = input {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(i).unwrap();
            }
            drop(child.stdin.take());
            child.wait_with_output().unwrap().stdout
        };
        git(&["init", "-q"], None);
        std::fs::write(dir.join(".gitattributes"), top).unwrap();
        std::fs::write(dir.join("d/.gitattributes"), sub).unwrap();
        git(&["add", ".gitattributes", "d/.gitattributes"], None);
        let names = [
            "text",
            "eol",
            "crlf",
            "ident",
            "filter",
            "working-tree-encoding",
            "win",
        ];
        let mut input = Vec::new();
        for p in paths {
            input.extend_from_slice(p.as_bytes());
            input.push(0);
        }
        let mut args = vec!["check-attr", "--cached", "-z", "--stdin"];
        args.extend(names);
        let out = git(&args, Some(&input));
        let fields: Vec<&[u8]> = out.split(|b| *b == 0).collect();
        assert_eq!(fields.len(), paths.len() * names.len() * 3 + 1, "{out:?}");
        let frames = [
            Frame::builtin(),
            Frame::parse(b"", top.as_bytes(), Found::Blob, true),
            Frame::parse(b"d", sub.as_bytes(), Found::Blob, false),
        ];
        for row in fields.chunks(3).filter(|r| r.len() == 3) {
            let (path, name, want) = (row[0], row[1], row[2]);
            let used: Vec<&Frame> = frames
                .iter()
                .filter(|f| f.base.is_empty() || path.starts_with(b"d/"))
                .collect();
            let got = of(path.as_bstr(), &used, gix::glob::pattern::Case::Sensitive);
            let got: &[u8] = match got.get(name) {
                None | Some(Value::Unspecified) => b"unspecified",
                Some(Value::Set) => b"set",
                Some(Value::Unset) => b"unset",
                Some(Value::Text(v)) => v,
            };
            assert_eq!(
                got.as_bstr(),
                want.as_bstr(),
                "{} {}",
                path.as_bstr(),
                name.as_bstr()
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
