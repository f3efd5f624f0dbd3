//! A pattern Go's `regexp` accepts, rewritten in the `regex` crate's
//! syntax so that it matches what Go's matches: the scheduler's
//! `regexp` constraints and affinities (feasible.go `checkRegexpMatch`) and
//! the job file's `regex` functions run it.
//!
//! The two dialects read the same text differently:
//! - `\d`, `\s`, `\w` and `\b` are ASCII in Go and Unicode in `regex`;
//! - `\Q...\E`, octal escapes (`\012`), a `{` that starts no repetition
//!   (`a{`, `x{,3}`) and a capture name starting with a digit are Go
//!   syntax `regex` refuses or reads as a repetition (`{,3}`);
//! - `\<` and `\>` are escaped characters in Go and word boundaries in
//!   `regex`; `&&`, `--`, `~~` and `[` inside a class are characters in Go
//!   and set operations or nested classes in `regex`.
//!
//! So every character is written as `regex` cannot misread it (`\x{..}`),
//! and every class escape as the set Go means.

use super::repeat_counts;

/// `pattern` (which Go compiles) in `regex` syntax; `None` where the walk
/// meets what it does not expect (a pattern Go would refuse).
pub fn to_rust(pattern: &str) -> Option<String> {
    let mut w = Writer {
        out: String::with_capacity(pattern.len() * 2),
        pending: String::new(),
        ungreedy: vec![(false, false)],
    };
    let mut t = pattern;
    while let Some(c) = t.chars().next() {
        match c {
            '(' if t.starts_with("(?P<") || t.starts_with("(?<") => {
                // Names do not change what matches; `regex` refuses some
                // Go accepts (a leading digit).
                let end = t.find('>')?;
                w.open("(", None);
                t = &t[end + 1..];
            }
            '(' if t.starts_with("(?") => {
                // Flags `imsU` mean the same in both.
                let end = t[2..].find([')', ':'])? + 2;
                let flags = &t[2..end];
                if t.as_bytes()[end] == b':' {
                    w.open(&t[..=end], Some(flags));
                } else {
                    w.flags(&t[..=end], flags);
                }
                t = &t[end + 1..];
            }
            '(' => {
                w.open("(", None);
                t = &t[1..];
            }
            ')' => {
                w.flush();
                w.out.push(')');
                if w.ungreedy.len() > 1 {
                    w.ungreedy.pop();
                }
                t = &t[1..];
            }
            '*' | '+' | '?' => {
                t = w.repeat(&t[..1], &t[1..]);
            }
            '{' => match repeat_counts(t) {
                Some((_, _, after)) => {
                    t = w.repeat(&t[..t.len() - after.len()], after);
                }
                None => {
                    w.flush();
                    push_char(&mut w.out, '{');
                    t = &t[1..];
                }
            },
            '|' | '.' | '^' | '$' => {
                w.flush();
                w.out.push(c);
                t = &t[1..];
            }
            '[' => {
                w.flush();
                t = class(t, &mut w.out)?;
            }
            '\\' => {
                w.flush();
                t = escape_at_top(t, &mut w.out)?;
            }
            _ => {
                w.flush();
                push_char(&mut w.out, c);
                t = &t[c.len_utf8()..];
            }
        }
    }
    w.flush();
    Some(w.out)
}

/// The rewrite's output. A flag group (`(?i)`) is no node in Go, so a
/// repetition after it repeats what came before it (`a(?i)*` is `a*`);
/// `regex` refuses a repetition there. So a flag group is written after
/// the repetitions that follow it, and each repetition's greediness is
/// written for the `U` flag `regex` sees at that point.
struct Writer {
    out: String,
    /// Flag groups not yet written.
    pending: String,
    /// Per open group: whether `U` is on for Go, and for `regex` so far.
    ungreedy: Vec<(bool, bool)>,
}

impl Writer {
    fn flush(&mut self) {
        self.out.push_str(&self.pending);
        self.pending.clear();
        if let Some(top) = self.ungreedy.last_mut() {
            top.1 = top.0;
        }
    }

    fn top(&self) -> (bool, bool) {
        self.ungreedy.last().copied().unwrap_or((false, false))
    }

    /// `(`, `(?flags:` (with its flags) or a named group's `(`.
    fn open(&mut self, text: &str, flags: Option<&str>) {
        self.flush();
        self.out.push_str(text);
        let u = flags.map_or(self.top().0, |f| ungreedy_after(self.top().0, f));
        self.ungreedy.push((u, u));
    }

    /// `(?flags)`: written before the next thing that is not a repetition.
    fn flags(&mut self, text: &str, flags: &str) {
        self.pending.push_str(text);
        if let Some(top) = self.ungreedy.last_mut() {
            top.0 = ungreedy_after(top.0, flags);
        }
    }

    /// A repetition operator (`op`), its optional lazy `?` at the start of
    /// `after`; returns the text after both.
    fn repeat<'a>(&mut self, op: &str, after: &'a str) -> &'a str {
        let (lazy, rest) = match after.strip_prefix('?') {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        let (go_u, rust_u) = self.top();
        self.out.push_str(op);
        // Go: non-greedy when U and `?` differ; `regex` the same way.
        if (go_u != lazy) != rust_u {
            self.out.push('?');
        }
        rest
    }
}

/// The `U` flag after flags `f` (`i-U`, `U`, `-sU`...).
fn ungreedy_after(mut u: bool, f: &str) -> bool {
    let mut on = true;
    for c in f.chars() {
        match c {
            '-' => on = false,
            'U' => u = on,
            _ => {}
        }
    }
    u
}

/// A character as `regex` reads only it: alphanumerics and non-ASCII as
/// they are, everything else as `\x{..}`.
fn push_char(out: &mut String, c: char) {
    if c.is_alphanumeric() {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

/// Go's Perl classes (perl_groups.go): ASCII only.
fn perl_set(c: u8) -> Option<(&'static str, bool)> {
    Some(match c {
        b'd' => ("0-9", false),
        b'D' => ("0-9", true),
        b's' => ("\\x{9}\\x{A}\\x{C}\\x{D}\\x{20}", false),
        b'S' => ("\\x{9}\\x{A}\\x{C}\\x{D}\\x{20}", true),
        b'w' => ("0-9A-Za-z_", false),
        b'W' => ("0-9A-Za-z_", true),
        _ => return None,
    })
}

fn escape_at_top<'a>(t: &'a str, out: &mut String) -> Option<&'a str> {
    let b = t.as_bytes();
    match b.get(1)? {
        b'A' | b'z' => {
            out.push_str(&t[..2]);
            return Some(&t[2..]);
        }
        // Go's word boundary is ASCII's.
        b'b' => {
            out.push_str("(?-u:\\b)");
            return Some(&t[2..]);
        }
        b'B' => {
            out.push_str("(?-u:\\B)");
            return Some(&t[2..]);
        }
        b'Q' => {
            let body = &t[2..];
            let (lit, rest) = match body.find("\\E") {
                Some(i) => (&body[..i], &body[i + 2..]),
                None => (body, ""),
            };
            for c in lit.chars() {
                push_char(out, c);
            }
            return Some(rest);
        }
        b'p' | b'P' => return unicode_class(t, out),
        c => {
            if let Some((set, negated)) = perl_set(*c) {
                out.push_str(if negated { "[^" } else { "[" });
                out.push_str(set);
                out.push(']');
                return Some(&t[2..]);
            }
        }
    }
    let (r, rest) = super::escape(t).ok()?;
    push_char(out, char::from_u32(r)?);
    Some(rest)
}

/// `\pL`, `\p{Greek}`, `\P{^Lu}` as `regex` writes them (negation by `\P`).
fn unicode_class<'a>(t: &'a str, out: &mut String) -> Option<&'a str> {
    let negated = t.as_bytes()[1] == b'P';
    let body = &t[2..];
    let (name, rest) = if let Some(inner) = body.strip_prefix('{') {
        let end = inner.find('}')?;
        (&inner[..end], &inner[end + 1..])
    } else {
        let c = body.chars().next()?;
        (&body[..c.len_utf8()], &body[c.len_utf8()..])
    };
    let (name, negated) = match name.strip_prefix('^') {
        Some(n) => (n, !negated),
        None => (name, negated),
    };
    out.push_str(if negated { "\\P{" } else { "\\p{" });
    out.push_str(name);
    out.push('}');
    Some(rest)
}

/// A bracketed class, every member written as `regex` cannot misread it.
fn class<'a>(s: &'a str, out: &mut String) -> Option<&'a str> {
    let mut t = &s[1..];
    out.push('[');
    if let Some(rest) = t.strip_prefix('^') {
        out.push('^');
        t = rest;
    }
    let mut first = true;
    while first || !t.starts_with(']') {
        first = false;
        if t.starts_with("[:") {
            if let Ok(Some(rest)) = super::named_class(t) {
                out.push_str(&t[..t.len() - rest.len()]);
                t = rest;
                continue;
            }
        }
        if t.starts_with("\\p") || t.starts_with("\\P") {
            t = unicode_class(t, out)?;
            continue;
        }
        if let Some((set, negated)) = t
            .strip_prefix('\\')
            .and_then(|r| perl_set(*r.as_bytes().first()?))
        {
            if negated {
                out.push_str("[^");
                out.push_str(set);
                out.push(']');
            } else {
                out.push_str(set);
            }
            t = &t[2..];
            continue;
        }
        let (lo, rest) = member(t)?;
        t = rest;
        push_class_char(out, lo);
        if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
            let (hi, rest) = member(&t[1..])?;
            t = rest;
            out.push('-');
            push_class_char(out, hi);
        }
    }
    out.push(']');
    Some(&t[1..])
}

fn member(t: &str) -> Option<(u32, &str)> {
    match t.chars().next()? {
        '\\' => super::escape(t).ok(),
        c => Some((c as u32, &t[c.len_utf8()..])),
    }
}

fn push_class_char(out: &mut String, r: u32) {
    out.push_str(&format!("\\x{{{r:X}}}"));
}

/// Deepest nesting `regex`'s parser is let read. Its parser and
/// translator keep their stacks on the heap; its compiler recurses over
/// the tree, whose height [`compile`] bounds as Go does (1000). The
/// syntax's nesting counts Go's non-capturing groups too, which are no
/// nodes (Go takes any number of them).
const NEST_LIMIT: u32 = 1 << 20;

/// Largest compiled program `regex` is let build (its default is 10 MiB,
/// which `\pL{1000}`, valid in Go, passes).
const SIZE_LIMIT: usize = 64 << 20;

/// Compiled patterns per thread: the scheduler asks once per node, as
/// Nomad's evaluation context caches its compiled regexps.
const CACHE_ENTRIES: usize = 256;

/// `pattern` compiled to match as Go's `regexp.Compile(pattern)` does, or
/// `None` when Go refuses it (judged as Nomad `v`'s Go) or `regex` cannot
/// build it within the limits above.
pub fn compile(pattern: &str, v: crate::version::NomadVersion) -> Option<regex::Regex> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<(String, crate::version::NomadVersion), Option<regex::Regex>>> =
            RefCell::new(HashMap::new());
    }
    let key = (pattern.to_string(), v);
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    // Go's releases before the depth limit take any height; `regex`'s
    // compiler recurses over the tree, so a tree Go 1.19 would refuse is
    // not built (the scheduler then matches nothing, as Nomad does for a
    // pattern that does not compile).
    let built = super::walk(pattern, v)
        .ok()
        .filter(|tree| tree.height <= super::MAX_HEIGHT)
        .and_then(|_| to_rust(pattern))
        .and_then(|rust| {
            regex::RegexBuilder::new(&rust)
                .nest_limit(NEST_LIMIT)
                .size_limit(SIZE_LIMIT)
                .build()
                .ok()
        });
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, built.clone());
    });
    built
}
