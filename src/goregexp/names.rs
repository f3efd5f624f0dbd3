//! The capture groups of a pattern Go compiles, in order, with their
//! names (`Regexp.SubexpNames` without its leading entry): a replacement's
//! `${name}` reads them. The `regex` crate cannot hold every name Go
//! takes (a leading digit), so [`super::to_rust`] drops them and the
//! names come from here.

/// Each capture group's name (`None`: unnamed), by opening parenthesis.
/// Meant for a pattern Go accepts; for any other the list is best effort.
pub fn capture_names(pattern: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut t = pattern;
    while let Some(c) = t.chars().next() {
        t = &t[c.len_utf8()..];
        match c {
            '\\' if t.starts_with('Q') => {
                t = t.find("\\E").map_or("", |i| &t[i + 2..]);
            }
            '\\' => {
                // The escaped character: nothing after it opens a group.
                if let Some(e) = t.chars().next() {
                    t = &t[e.len_utf8()..];
                }
            }
            '[' => t = skip_class(t),
            '(' => {
                let named = t
                    .strip_prefix("?P<")
                    .or_else(|| t.strip_prefix("?<"))
                    .and_then(|rest| rest.find('>').map(|end| rest[..end].to_string()));
                match named {
                    Some(name) => out.push(Some(name)),
                    None if t.starts_with('?') => {}
                    None => out.push(None),
                }
            }
            _ => {}
        }
    }
    out
}

/// Past a class's closing `]` (`t` starts after its `[`): a `]` first
/// (after any `^`) is a member, as are `[:name:]` and escapes.
fn skip_class(mut t: &str) -> &str {
    t = t.strip_prefix('^').unwrap_or(t);
    t = t.strip_prefix(']').unwrap_or(t);
    while let Some(c) = t.chars().next() {
        if t.starts_with("[:") {
            if let Some(end) = t.find(":]") {
                t = &t[end + 2..];
                continue;
            }
        }
        t = &t[c.len_utf8()..];
        match c {
            ']' => return t,
            '\\' => {
                if let Some(e) = t.chars().next() {
                    t = &t[e.len_utf8()..];
                }
            }
            _ => {}
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::capture_names;

    #[test]
    fn groups_are_counted_as_go_counts_them() {
        let n = |p: &str| capture_names(p);
        assert_eq!(
            n("(a)(?P<x>b)(?:c)(?i)(?<y>d)"),
            vec![None, Some("x".into()), Some("y".into())]
        );
        assert_eq!(n(r"\((a)[(]\Q(\E[^]()][[:alpha:]()]"), vec![None]);
        assert_eq!(n(r"(?P<1st>a)"), vec![Some("1st".into())]);
    }
}
