//! `regex_replace` (cty stdlib `RegexReplaceFunc`, the same from go-cty
//! 1.4 to 1.19): Go's `regexp.Compile(pattern)` and
//! `ReplaceAllString(str, replace)`, judged as the Go the release was
//! built with ([`crate::goregexp`]). A pattern Go refuses fails with Go's
//! own error text, which cty returns unwrapped. (`replace` takes no
//! pattern in any release: cty's `ReplaceFunc` is `strings.Replace`.)

use super::*;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "regex_replace" => {
            arity(a, 3)?;
            let (text, pattern, with) = (s(&a[0])?, s(&a[1])?, s(&a[2])?);
            Ok(Value::String(regex_replace(env, &text, &pattern, &with)?))
        }
        _ => Err(Miss::Skip),
    }
}

fn regex_replace(env: &FnEnv<'_>, text: &str, pattern: &str, with: &str) -> Result<String, String> {
    if let Some(refused) = crate::goregexp::compile_error(pattern, env.version) {
        return Err(refused);
    }
    crate::goregexp::size_verdict(pattern, env.version)?;
    let Some(re) = crate::goregexp::compile(pattern, env.version) else {
        return Err(format!(
            "cannot tell what Go's regexp does with {pattern:?}: it is beyond what nomad-preflight builds (a parse tree over 1,000 levels, or a program over 64 MiB)"
        ));
    };
    let names = crate::goregexp::capture_names(pattern);
    replace_all(&re, &names, text, with)
}

/// Go's `replaceAll`: every match left to right, an empty match right
/// after the previous match not replaced, and the search moving on by at
/// least one character. Go builds the whole string (a 10 MB text with a
/// 10 KB replacement per byte is 100 GB); ours charges each piece to the
/// job file's budget as it is appended (redteam10 R10-6), so it stops at
/// the budget, in memory and in time.
fn replace_all(
    re: &::regex::Regex,
    names: &[Option<String>],
    src: &str,
    with: &str,
) -> Result<String, String> {
    let template = parse_template(with, names);
    let mut locs = re.capture_locations();
    let mut out = String::with_capacity(src.len().min(1 << 20));
    let (mut last_end, mut search) = (0usize, 0usize);
    while search <= src.len() {
        let Some((start, end)) = re
            .captures_read_at(&mut locs, src, search)
            .map(|m| (m.start(), m.end()))
        else {
            break;
        };
        let before = out.len();
        out.push_str(&src[last_end..start]);
        if end > last_end || start == 0 {
            expand(&mut out, &template, src, &locs);
        }
        crate::jobspec::budget::charge(0, (out.len() - before) as u64)?;
        last_end = end;
        let width = src[search..].chars().next().map_or(0, char::len_utf8);
        search = if search + width > end {
            search + width
        } else if search + 1 > end {
            search + 1
        } else {
            end
        };
    }
    crate::jobspec::budget::charge(0, (src.len() - last_end) as u64)?;
    out.push_str(&src[last_end..]);
    Ok(out)
}

/// One piece of a replacement: literal text, or the first of these groups
/// that matched (a number names one group; a name, every group so named).
enum Piece<'a> {
    Text(&'a str),
    Group(Vec<usize>),
}

/// Go's `Regexp.Expand` reads the replacement: `$$` is `$`; `$name` and
/// `${name}` (letters, digits, `_`) name a group by number (no leading
/// zero) or by name, and stand for nothing when it did not match; a `$`
/// followed by no name is itself. Read once, not once per match.
fn parse_template<'a>(template: &'a str, names: &[Option<String>]) -> Vec<Piece<'a>> {
    let mut pieces = Vec::new();
    let mut t = template;
    while let Some(at) = t.find('$') {
        pieces.push(Piece::Text(&t[..at]));
        t = &t[at + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            pieces.push(Piece::Text("$"));
            t = rest;
            continue;
        }
        let Some((name, rest)) = reference(t) else {
            pieces.push(Piece::Text("$"));
            continue;
        };
        t = rest;
        let number = (!name.starts_with('0') || name.len() == 1)
            .then(|| name.parse::<usize>().ok())
            .flatten()
            .filter(|n| *n < 100_000_000);
        pieces.push(Piece::Group(match number {
            Some(n) => vec![n],
            None => names
                .iter()
                .enumerate()
                .filter(|(_, g)| g.as_deref() == Some(name))
                .map(|(i, _)| i + 1)
                .collect(),
        }));
    }
    pieces.push(Piece::Text(t));
    pieces
}

/// Go's `Regexp.Expand` of one match, from the read replacement.
fn expand(out: &mut String, template: &[Piece<'_>], src: &str, locs: &::regex::CaptureLocations) {
    for piece in template {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Group(groups) => {
                if let Some((a, b)) = groups.iter().find_map(|&i| locs.get(i)) {
                    out.push_str(&src[a..b]);
                }
            }
        }
    }
}

/// Go's `extract`: the name after a `$` (braced or not) and the rest.
fn reference(t: &str) -> Option<(&str, &str)> {
    let (braced, body) = match t.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let len: usize = body
        .chars()
        .take_while(|c| *c == '_' || is_letter_or_digit(*c))
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let rest = &body[len..];
    if braced {
        return rest.strip_prefix('}').map(|r| (name, r));
    }
    Some((name, rest))
}

/// Go's `unicode.IsLetter || unicode.IsDigit`: categories L and Nd.
fn is_letter_or_digit(c: char) -> bool {
    use std::sync::OnceLock;
    static CLASS: OnceLock<Option<::regex::Regex>> = OnceLock::new();
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    CLASS
        .get_or_init(|| ::regex::Regex::new(r"^[\p{L}\p{Nd}]$").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut [0; 4])))
}

#[cfg(test)]
mod tests;
