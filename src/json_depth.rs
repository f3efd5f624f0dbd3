//! How deep a JSON text nests, found by a linear scan before any parser
//! builds it. serde_json refuses past 128 levels with its own "recursion
//! limit exceeded" (a guard for its recursion, not a JSON rule): read as
//! "invalid JSON" that would call a valid document broken. A reader that
//! scans first refuses in its own words, naming the limit as ours.

/// Deepest nesting a reader of saved API JSON takes: below serde_json's
/// recursion limit (128), far above the dozen levels Nomad's API answers
/// nest.
pub const MAX_DEPTH: usize = 100;

/// Byte offset of the first `[` or `{` that opens past `limit` levels, if
/// any. Brackets inside strings do not count; the text need not be valid
/// JSON (the parser judges that afterwards).
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_outside_strings_only() {
        assert_eq!(too_deep("[[]]", 2), None);
        assert_eq!(too_deep("[[[]]]", 2), Some(2));
        assert_eq!(too_deep(r#"{"a":{"b":[1]}}"#, 2), Some(10));
        assert_eq!(too_deep(r#"["[[[\"[[", {}]"#, 2), None);
        assert_eq!(too_deep("[] [] []", 1), None);
    }

    #[test]
    fn the_limit_is_below_serde_jsons() {
        let at = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        // Everything the scan lets through, serde_json reads.
        assert!(serde_json::from_str::<serde_json::Value>(&at(MAX_DEPTH)).is_ok());
        assert_eq!(too_deep(&at(MAX_DEPTH), MAX_DEPTH), None);
        assert!(too_deep(&at(MAX_DEPTH + 1), MAX_DEPTH).is_some());
        assert!(serde_json::from_str::<serde_json::Value>(&at(1000)).is_err());
    }
}
