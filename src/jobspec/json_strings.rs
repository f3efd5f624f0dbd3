//! The strings of a JSON job file as the native syntax must read them to
//! agree with hcl's JSON decoder (json_body.rs): JSON unescapes a string
//! before hcl parses it as a template, the native syntax after, so an
//! escape the two read otherwise is "cannot tell", never read otherwise.

use super::json_body::{unread, R};
use super::var_file_json_parse::Node;

/// Every string of `v` (object keys too) written so the native syntax
/// reads it as hcl's JSON decoder does.
pub(super) fn check_strings(v: &Node, text: &str) -> R<()> {
    match v {
        Node::String(value, r) => {
            let raw = text.get(r.start.byte..r.end.byte).unwrap_or("");
            if let Some(bad) = bad_escape(raw) {
                return unread(
                    r.start.byte + bad,
                    "a JSON string escape the native syntax reads otherwise",
                );
            }
            trims_across_lines(value, r.start.byte)?;
        }
        Node::Array { values, .. } => {
            for x in values {
                check_strings(x, text)?;
            }
        }
        Node::Object { attrs, .. } => {
            for a in attrs {
                let r = a.name_range;
                let raw = text.get(r.start.byte..r.end.byte).unwrap_or("");
                if let Some(bad) = bad_escape(raw) {
                    return unread(
                        r.start.byte + bad,
                        "a JSON string escape the native syntax reads otherwise",
                    );
                }
                trims_across_lines(&a.name, r.start.byte)?;
                check_strings(&a.value, text)?;
            }
        }
        Node::Invalid(r) => return unread(r.start.byte, "a value hcl's JSON parser did not read"),
        _ => {}
    }
    Ok(())
}

/// hcl's JSON decoder parses a string's decoded value as a template file
/// (json/structure.go expression.Value: hclsyntax.ParseTemplate), whose
/// scanner cuts a literal at each line end (scan_tokens.rl bareTemplate:
/// `BareStringLiteral ... Newline?`), so a `~` trims one line of white
/// space; the native syntax's quoted string is one literal token across
/// its `\n` escapes, which a `~` trims whole. `"%{ for x in xs ~}\n  ${x}\n%{ endfor }"`
/// is `"  p\n  q\n"` to Nomad (hcl v2.20.2-nomad-1, an oracle's answer)
/// and was `"p\nq\n"` here: a value with a strip marker and a line end
/// is not followed (`at`: the string's first byte).
fn trims_across_lines(value: &str, at: usize) -> R<()> {
    let strips = value.contains("${~") || value.contains("%{~") || value.contains("~}");
    if strips && value.contains(['\n', '\r']) {
        return unread(
            at,
            "a string holding a `~` strip marker and a line end, which hcl's JSON decoder trims one line at a time (its template scanner cuts literals at line ends) where the native syntax's quoted string trims across them",
        );
    }
    Ok(())
}

/// The offset in a quoted JSON string `raw` of an escape the native
/// syntax's quoted template reads otherwise: `\/`, `\b`, `\f` (none in
/// HCL), a `\u` of a surrogate (HCL has no pairs) or of a character that
/// shapes a template (`$ % { } ~ \ "`: JSON unescapes before hcl parses
/// the template, HCL after).
pub(super) fn bad_escape(raw: &str) -> Option<usize> {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'"' | b'\\' | b'n' | b'r' | b't') => i += 2,
            Some(b'u') => {
                let hex = raw.get(i + 2..i + 6)?;
                let Ok(cp) = u32::from_str_radix(hex, 16) else {
                    return Some(i);
                };
                let shapes = matches!(
                    char::from_u32(cp),
                    Some('$' | '%' | '{' | '}' | '~' | '\\' | '"') | None
                );
                if shapes || (0xD800..0xE000).contains(&cp) {
                    return Some(i);
                }
                i += 6;
            }
            _ => return Some(i),
        }
    }
    None
}

/// Does `v` hold a string with `${` or `%{` (a template to the native
/// syntax)?
pub(super) fn literal_template(v: &Node, text: &str) -> bool {
    let raw = text
        .get(v.range().start.byte..v.range().end.byte)
        .unwrap_or("");
    raw.contains("${") || raw.contains("%{")
}

#[cfg(test)]
mod tests {
    use super::bad_escape;

    #[test]
    fn escapes_that_read_alike_pass() {
        assert_eq!(bad_escape(r#""a\"b\\c\n\u003c""#), None);
        assert_eq!(bad_escape(r#""a\/b""#), Some(2));
        assert_eq!(bad_escape(r#""\u0024{x}""#), Some(1));
        assert_eq!(bad_escape(r#""\ud83d\ude00""#), Some(1));
    }
}
