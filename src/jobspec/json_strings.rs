//! The strings of a JSON job file as the native syntax must read them to
//! agree with hcl's JSON decoder (json_body.rs): JSON unescapes a string
//! before hcl parses it as a template, the native syntax after, so an
//! escape the two read otherwise is "cannot tell", never read otherwise.

use super::json_body::{unread, R};
use super::var_file_json_parse::Node;
use crate::jobspec::hclsyntax::parts::Held;

/// A string of the JSON text rewritten for the native syntax: its byte
/// range and the quoted template that takes its place.
pub(super) type Rewrite = (usize, usize, String);

/// Every string of `v` (object keys too) written so the native syntax
/// reads it as hcl's JSON decoder does: as it is, or rewritten (`out`).
pub(super) fn check_strings(v: &Node, text: &str, out: &mut Vec<Rewrite>) -> R<()> {
    match v {
        Node::String(value, r) => {
            let (s, e) = (r.start.byte, r.end.byte);
            trims_across_lines(value, s)?;
            rewrite(text, s, e, value, out)?;
        }
        Node::Array { values, .. } => {
            for x in values {
                check_strings(x, text, out)?;
            }
        }
        Node::Object { attrs, .. } => {
            for a in attrs {
                let r = a.name_range;
                trims_across_lines(&a.name, r.start.byte)?;
                rewrite(text, r.start.byte, r.end.byte, &a.name, out)?;
                check_strings(&a.value, text, out)?;
            }
        }
        Node::Invalid(r) => return unread(r.start.byte, "a value hcl's JSON parser did not read"),
        _ => {}
    }
    Ok(())
}

/// The JSON string at `s..e` of `text`, whose value is `value`: as it
/// is where the native syntax reads its escapes alike, else its
/// [`native_twin`] in `out`; "cannot tell" where there is none.
fn rewrite(text: &str, s: usize, e: usize, value: &str, out: &mut Vec<Rewrite>) -> R<()> {
    let raw = text.get(s..e).unwrap_or("");
    // An escape inside a `${...}` is JSON's, decoded before hcl reads the
    // sequence (`\"k\"` is a string there), which the native syntax
    // refuses: such a string is rewritten too.
    let in_sequence = raw.contains('\\') && (raw.contains("${") || raw.contains("%{"));
    let Some(bad) = bad_escape(raw).or(in_sequence.then_some(0)) else {
        return Ok(());
    };
    match native_twin(value) {
        Some(q) if q.len() <= raw.len() => {
            out.push((s, e, q));
            Ok(())
        }
        // The twin replaces the JSON text in place, padded, so that every
        // position after it stays the file's: a longer one would not fit
        // (none is: each character is written no longer than JSON's).
        Some(_) => unread(
            s + bad,
            "a JSON string whose native form is longer than its JSON text, which the positions kept here do not allow",
        ),
        None => unread(
            s + bad,
            "a JSON string the native syntax reads otherwise (a control character among a `${...}` sequence's tokens, which hcl's template parser refuses in words that depend on where it stood, or a line end inside a string or comment of one)",
        ),
    }
}

/// The heredoc marker the template scan of a string's value is wrapped in.
const MARKER: &str = "NOMAD_PREFLIGHT_JSON_TEMPLATE";

/// The native quoted template hclsyntax reads as hcl's JSON decoder reads
/// the string of value `value` (hclsyntax.ParseTemplate of the decoded
/// text, json/structure.go): its literals escaped for a quoted string
/// (`\\`, `\"`, `\n`, `\r`; `$${` and `%%{` mean the same in both),
/// its `${...}` and `%{...}` sequences as written, their own strings
/// included (`${lookup(var.m, "k")}`, which JSON writes `\"k\"`). A
/// control character is written raw, as both scanners read it: in a
/// literal or a string inside a sequence it is literal text (scan_tokens.rl
/// StringLiteralChars is any UTF-8 but a line end, v2.20.2-nomad-1), and a
/// line end between a sequence's tokens is skipped by both parsers (the
/// interpolation parses with PushIncludeNewlines(false)); raw, it is never
/// longer than its JSON escape (`\b` is two bytes, its `\u0008` six).
/// None where that is not followed: a control character the expression
/// scanner reads as a token (TokenInvalid, which Nomad's template parser
/// refuses with a message that depends on where the parse stood), a line
/// end inside a sequence's string or comment, a value the scan does not
/// read as one template.
///
/// Nomad's text for such a control character is fixed (stop 62, hcl
/// v2.20.2-nomad-1): json/structure.go expression.Value parses the decoded
/// value with hclsyntax.ParseTemplate from the string's start + 1 (its
/// columns count the decoded text, blind to JSON's escapes); the lexer says
/// `Invalid character; This character is not used within the language.`
/// at the character (token.go checkInvalidTokens), the parser its own
/// error where it stood (`Invalid expression` before a term, `Extra
/// characters after interpolation expression` after one), and for a field
/// gocty decodes (no custom convertor) gohcl's DecodeExpression adds
/// `Unsuitable value type; Unsuitable value: value must be known` (the
/// DynamicVal returned; gocty/out.go) at the string's StartRange; jobspec2 prints every diagnostic of the decode, a line each
/// (parse.go decode). Its twin is no use (the native syntax's ParseConfig
/// prints one line and a count), and a JSON job's decode errors are never
/// worded here (json_job.rs `front_end_refusal`): modelling those comes
/// first.
pub(super) fn native_twin(value: &str) -> Option<String> {
    if value.contains(MARKER) {
        return None;
    }
    // A template file's scanner and a heredoc's cut the same tokens
    // (scan_tokens.rl bareTemplate, heredocTemplate).
    let wrapped = format!("<<{MARKER}\n{value}\n{MARKER}\n");
    let base = MARKER.len() + 3;
    let (parts, _) = crate::jobspec::hclsyntax::parts::template_parts(&wrapped, 0)?;
    let mut literal = vec![false; value.len()];
    for p in parts {
        if let crate::jobspec::hclsyntax::parts::Part::Literal { start, end } = p {
            for i in start.max(base)..end.min(base + value.len()) {
                literal[i - base] = true;
            }
        }
    }
    let held = crate::jobspec::hclsyntax::parts::held(&wrapped);
    let mut q = String::with_capacity(value.len() + 2);
    q.push('"');
    for (i, c) in value.char_indices() {
        let at = held.get(base + i).copied()?;
        match (literal.get(i).copied()?, c) {
            (_, '\t') => q.push(c),
            (true, '\\') => q.push_str("\\\\"),
            (true, '"') => q.push_str("\\\""),
            (true, '\n') => q.push_str("\\n"),
            (true, '\r') => q.push_str("\\r"),
            (true, c) if c.is_control() => q.push(c),
            (false, '\n' | '\r') if at == Held::LineEnd => q.push(c),
            (false, c) if c.is_control() && at != Held::Text => return None,
            (false, '\n' | '\r') => return None,
            (_, c) => q.push(c),
        }
    }
    q.push('"');
    Some(q)
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
    use super::{bad_escape, native_twin};

    #[test]
    fn a_json_strings_value_is_written_as_a_quoted_template() {
        // Literals escaped, sequences as written, their strings included.
        assert_eq!(
            native_twin(r#"a\b "q" ${lookup(m, "k")}"#).as_deref(),
            Some(r#""a\\b \"q\" ${lookup(m, "k")}""#)
        );
        assert_eq!(
            native_twin("$${x} %%{y}\n").as_deref(),
            Some(r#""$${x} %%{y}\n""#)
        );
        // A control character is written raw (never longer than JSON's
        // escape): in a literal, or in a string inside a sequence.
        assert_eq!(
            native_twin("a\u{8}b\u{c}${x}").as_deref(),
            Some("\"a\u{8}b\u{c}${x}\"")
        );
        assert_eq!(
            native_twin("${upper(\"a\u{1}\")}").as_deref(),
            Some("\"${upper(\"a\u{1}\")}\"")
        );
        // A line end between a sequence's tokens, which both parsers skip.
        assert_eq!(native_twin("${\n1}").as_deref(), Some("\"${\n1}\""));
        assert_eq!(native_twin("${\r\n1}").as_deref(), Some("\"${\r\n1}\""));
        // A control character as a token of the expression (TokenInvalid),
        // a lone carriage return there, a line end inside a sequence's
        // string: not followed.
        assert_eq!(native_twin("${x\u{8}}"), None);
        assert_eq!(native_twin("${\u{c}x}"), None);
        assert_eq!(native_twin("${\r1}"), None);
        assert_eq!(native_twin("${\"a\nb\"}"), None);
    }

    #[test]
    fn escapes_that_read_alike_pass() {
        assert_eq!(bad_escape(r#""a\"b\\c\n\u003c""#), None);
        assert_eq!(bad_escape(r#""a\/b""#), Some(2));
        assert_eq!(bad_escape(r#""\u0024{x}""#), Some(1));
        assert_eq!(bad_escape(r#""\ud83d\ude00""#), Some(1));
    }
}
