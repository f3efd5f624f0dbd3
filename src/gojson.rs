//! JSON as Go's encoding/json reads a job: which objects `nomad job run
//! -json` takes for a job. A leaf beside `nesting`, so that both the job
//! text scan (jobspec) and the gates' choice of files agree on it.
//!
//! serde_json is stricter than Go where it matters to a gate: it refuses
//! bytes after the first value (command/helpers.go@v1.10.5:498-505 reads
//! a job with `json.NewDecoder(f).Decode`, the first value only), a lone
//! UTF-16 surrogate escape (encoding/json decode.go unquote and hcl's
//! json parseString decode it as U+FFFD), and nesting past 128 levels (Go
//! allows 10000, hcl's JSON parser any). A file serde refused was "not a
//! job file", so a gate passed it unread (R28-1, R28-2). [`first_object`]
//! reads as Go does, and [`names_job_anywhere`] takes a file nobody reads
//! for a job when a key names one, so that it is judged, not skipped.

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// May `text` name a job under any spelling Go's encoding/json folds to
/// `Job` or `TaskGroups` ([`names_api_job`])? A cheap look before a
/// parse: most JSON a repository holds names neither.
pub fn may_name_api_job(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["job", "taskgroup", "\\u", "\u{212a}", "\u{17f}"]
        .iter()
        .any(|w| lower.contains(w))
}

/// What a member's value is, as job-ness needs it (its contents are not
/// kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Object,
    Array,
    Other,
}

/// A top-level object's members, keys decoded, in the text's order
/// (duplicates kept).
pub type Members = Vec<(String, Shape)>;

/// The first JSON value of `text` as Go's `json.Decoder.Decode` reads it:
/// `Ok(Some)` its members when it is an object, `Ok(None)` another value,
/// `Err` where Go refuses it too (a syntax error in that value, or no
/// value). What follows the value is never read; a lone surrogate escape
/// is U+FFFD; the members' contents are skipped by serde_json's
/// `ignore_value`, a loop with a byte a level on the heap, so any depth
/// is read in bounded stack (Go stops at 10000 levels: past that we take
/// more than Go does, and the loader, whose parser has a smaller budget,
/// says it cannot tell).
pub fn first_object(text: &str) -> Result<Option<Members>, serde_json::Error> {
    let text = mend_lone_surrogates(text);
    match serde_json::Deserializer::from_str(&text)
        .into_iter::<Top>()
        .next()
    {
        Some(Ok(Top(m))) => Ok(m),
        Some(Err(e)) => Err(e),
        None => Err(serde::de::Error::custom("no JSON value")),
    }
}

/// Is the top-level JSON object `m` a job `nomad job run -json` submits?
/// command/helpers.go decodes it with Go's encoding/json into `eitherJob`
/// (a `Job` field beside an embedded api.Job): unknown keys are ignored
/// and a key matches a field in any case, folded as encoding/json's
/// foldName does (so `JOB`, and the Kelvin sign for `k`, the long s for
/// `s`). So a `Job` object, or an api.Job's `TaskGroups`, under any such
/// spelling is a job: such files passed the gates unread (exit 0, "0
/// files").
pub fn names_api_job(m: &[(String, Shape)]) -> bool {
    m.iter().any(|(k, v)| {
        let k = go_fold(k);
        (k == "JOB" && *v == Shape::Object) || k == "TASKGROUPS"
    })
}

/// For a text nobody reads as JSON: does a key anywhere in it name a job
/// (folded as Go folds: `job` or `Job` opening an object or a list, or
/// `TaskGroups`)? A file cut short or otherwise broken that does is taken
/// for a job, and judged (its parse error, located), never skipped.
/// Strings are found by a lenient scan; a key is a string followed by `:`.
pub fn names_job_anywhere(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() && b[i] != b'"' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
        let end = (i + 1).min(b.len());
        i = end;
        let rest = text.get(end..).unwrap_or("").trim_start_matches(json_space);
        let Some(value) = rest.strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start_matches(json_space);
        let key = text.get(start..end).unwrap_or("");
        let key = serde_json::from_str::<String>(&mend_lone_surrogates(key))
            .unwrap_or_else(|_| key.trim_matches('"').to_string());
        let key = go_fold(&key);
        if (key == "JOB" && value.starts_with(['{', '['])) || key == "TASKGROUPS" {
            return true;
        }
    }
    false
}

/// JSON's white space (RFC 8259; Go's scanner's isSpace).
fn json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A JSON key as encoding/json compares it (fold.go foldName: each rune
/// lowered, then raised).
fn go_fold(key: &str) -> String {
    key.chars()
        .flat_map(char::to_lowercase)
        .flat_map(char::to_uppercase)
        .collect()
}

/// `text` with each `\uXXXX` escape of a UTF-16 surrogate that is not
/// half of a pair written `\ufffd`: what encoding/json's unquote (and so
/// hcl's parseString) decodes it to, in the same six bytes, so offsets
/// hold. A high half followed by an escape that does not complete it is
/// replaced alone, the next escape read afresh, as unquote does.
fn mend_lone_surrogates(text: &str) -> Cow<'_, str> {
    if !text.contains("\\u") {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        match b[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                match hex_escape(b, i) {
                    Some(0xD800..=0xDBFF)
                        if hex_escape(b, i + 6).is_some_and(|l| (0xDC00..=0xDFFF).contains(&l)) =>
                    {
                        i += 12;
                        continue;
                    }
                    Some(0xD800..=0xDFFF) => {
                        let o = out.get_or_insert_with(|| b.to_vec());
                        o[i..i + 6].copy_from_slice(b"\\ufffd");
                        i += 6;
                        continue;
                    }
                    Some(_) => i += 6,
                    None => i += 2,
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    match out {
        // Only ASCII was replaced by ASCII.
        Some(o) => Cow::Owned(String::from_utf8(o).unwrap_or_else(|_| text.to_string())),
        None => Cow::Borrowed(text),
    }
}

/// The value of the `\uXXXX` escape at `at`, if one is there.
fn hex_escape(b: &[u8], at: usize) -> Option<u32> {
    let e = b.get(at..at + 6)?;
    if e[0] != b'\\' || e[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&e[2..]).ok()?;
    u32::from_str_radix(hex, 16).ok()
}

/// The first value: an object's members, or None for another value.
struct Top(Option<Members>);

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                let mut members = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    members.push((k, map.next_value::<Shape>()?));
                }
                Ok(Top(Some(members)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Top(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_unit<E>(self) -> Result<Top, E> {
                Ok(Top(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Shape;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Shape::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Shape::Array)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::Other)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's reading of a whole text: an object that names a job.
    fn reads_api_job(text: &str) -> bool {
        may_name_api_job(text) && matches!(first_object(text), Ok(Some(m)) if names_api_job(&m))
    }

    #[test]
    fn api_jobs_in_any_spelling_go_reads() {
        for yes in [
            "{\"JOB\": {\"ID\": \"x\"}}",
            "{\"jOb\": {}}",
            "{\"Name\": \"x\", \"TaskGroups\": []}",
            "{\"taskgroups\": null}",
            "{\"Ta\u{17f}\u{212a}Group\u{17f}\": []}",
            "{\"\\u004aob\": {}}",
        ] {
            assert!(reads_api_job(yes), "{yes:?}");
        }
        for no in [
            "{\"job\": \"web\"}",
            "{\"jobs\": {}}",
            "{\"panels\": [{\"expr\": \"job\"}]}",
            "[{\"Job\": {}}]",
            "{\"JOB\": {",
        ] {
            assert!(!reads_api_job(no), "{no:?}");
        }
    }

    #[test]
    fn reads_the_first_value_as_go_does() {
        let job = "{\"ID\": \"web\", \"TaskGroups\": []}";
        // Bytes after the value are never read (json.Decoder.Decode).
        assert!(reads_api_job(&format!("{job}\n# generated by deploy.sh\n")));
        assert!(reads_api_job(&format!("{job} {{ ] garbage")));
        // A lone surrogate is U+FFFD, in a value or a key.
        assert!(reads_api_job(
            "{\"Meta\": {\"n\": \"\\ud800\"}, \"ID\": \"w\", \"TaskGroups\": []}"
        ));
        assert!(reads_api_job("{\"\\udc00\": 1, \"TaskGroups\": []}"));
        // Any depth, in bounded stack (Go: 10000; hcl: any).
        let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(reads_api_job(&format!(
            "{{\"X\": {deep}, \"TaskGroups\": []}}"
        )));
        // What Go refuses stays refused.
        assert!(first_object("{\"TaskGroups\": [}").is_err());
        assert!(first_object("").is_err());
        assert!(matches!(first_object("[1] {}"), Ok(None)));
    }

    #[test]
    fn lone_surrogates_are_mended_in_place() {
        let m = |s: &str| mend_lone_surrogates(s).into_owned();
        assert_eq!(m(r#"["\ud800"]"#), r#"["\ufffd"]"#);
        assert_eq!(m(r#"["\ud83d\ude00"]"#), r#"["\ud83d\ude00"]"#);
        // A high half not completed: replaced alone, the next read afresh.
        assert_eq!(m(r#"["\ud800\ud83d\ude00"]"#), r#"["\ufffd\ud83d\ude00"]"#);
        assert_eq!(m(r#"["\ud800\u0041"]"#), r#"["\ufffd\u0041"]"#);
        // An escaped backslash before `u` is no escape.
        assert_eq!(m(r#"["\\ud800"]"#), r#"["\\ud800"]"#);
        assert_eq!(
            serde_json::from_str::<Vec<String>>(&m(r#"["a\udfffb"]"#)).ok(),
            Some(vec!["a\u{fffd}b".to_string()])
        );
    }

    #[test]
    fn a_broken_text_names_a_job_by_its_keys() {
        assert!(names_job_anywhere(
            "{\"variable\": {}, \"job\": {\"web\": {"
        ));
        assert!(names_job_anywhere(
            "{\"a\": [1,, 2], \"Job\" : {\"ID\": \"x\"}}"
        ));
        assert!(names_job_anywhere("{\"ID\": \"x\", \"TaskGroups\": [{]"));
        assert!(names_job_anywhere("{\"x\": 1e, \"\\u006aob\": ["));
        assert!(!names_job_anywhere("{\"job\": \"web\",, }"));
        assert!(!names_job_anywhere(
            "{\"a\": \"job\", \"b\": \"TaskGroups\" ]"
        ));
        assert!(!names_job_anywhere("{\"jobs\": {"));
    }
}
