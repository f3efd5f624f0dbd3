//! `yamlencode`: libyaml's block style as go-cty-yaml drives it (see the
//! parent module).

use super::super::Value;

/// libyaml's best width: double-quoted scalars fold past this column.
const WIDTH: usize = 80;

/// `yamlencode(value)`.
pub fn encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    node(v, 0, Place::Root, &mut out)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    // libyaml leaves a document whose root is a plain scalar (a number,
    // a bool, null) open-ended (emitterc.go write_plain_scalar sets
    // open_ended in the root context), so the stream's end writes `...`:
    // `yamlencode(5)` is "5\n...\n" (go-cty-yaml v1.0.2-v1.2.0, the same
    // emitter; rt15c's oracle). A root string is double-quoted or a
    // literal: no marker.
    if matches!(
        v,
        Value::Number(_) | Value::Int(_) | Value::Bool(_) | Value::Null
    ) {
        out.push_str("...\n");
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Root,
    /// After `"key":` (a scalar follows on the same line).
    MapValue,
    /// After `- ` (the node starts on the same line).
    SeqItem,
}

fn node(v: &Value, indent: usize, place: Place, out: &mut String) -> Result<(), String> {
    match v {
        Value::Map(m) if m.is_empty() => scalar_inline("{}", place, out),
        Value::List(l) if l.is_empty() => scalar_inline("[]", place, out),
        Value::Map(m) => {
            // A mapping under a key starts on the next line, indented; as a
            // sequence item it starts after `- `.
            let inner = match place {
                Place::Root => 0,
                Place::MapValue => indent + 2,
                Place::SeqItem => indent + 2,
            };
            if place == Place::MapValue {
                out.push('\n');
            }
            for (i, (k, val)) in m.iter().enumerate() {
                if i > 0 || place == Place::MapValue {
                    out.push_str(&" ".repeat(inner));
                }
                let key = quoted(k, inner, false)?;
                if key.chars().count() > 128 {
                    return Err("a mapping key over 128 characters: libyaml writes it as a complex key, which nomad-preflight does not reproduce".into());
                }
                out.push_str(&key);
                out.push(':');
                node(val, inner, Place::MapValue, out)?;
            }
            Ok(())
        }
        Value::List(l) => {
            // libyaml does not indent a sequence under a mapping key.
            let inner = match place {
                Place::Root | Place::MapValue => indent,
                Place::SeqItem => indent + 2,
            };
            if place == Place::MapValue {
                out.push('\n');
            }
            for (i, item) in l.iter().enumerate() {
                if i > 0 || place == Place::MapValue {
                    out.push_str(&" ".repeat(inner));
                }
                out.push_str("- ");
                node(item, inner, Place::SeqItem, out)?;
            }
            Ok(())
        }
        Value::String(text) if text.contains('\n') => {
            let lit = literal(text, indent, place)?;
            if place == Place::MapValue {
                out.push(' ');
            }
            out.push_str(&lit);
            Ok(())
        }
        Value::String(text) => {
            let col = current_column(out) + usize::from(place == Place::MapValue);
            let q = quoted(text, col, true)?;
            scalar_inline(&q, place, out)
        }
        Value::Number(n) => scalar_inline(&crate::jobspec::eval::fmt_number(*n), place, out),
        Value::Int(n) => scalar_inline(&n.to_string(), place, out),
        Value::Bool(b) => scalar_inline(if *b { "true" } else { "false" }, place, out),
        Value::Null => scalar_inline("null", place, out),
    }
}

fn current_column(out: &str) -> usize {
    out.rsplit('\n').next().map_or(0, |l| l.chars().count())
}

fn scalar_inline(text: &str, place: Place, out: &mut String) -> Result<(), String> {
    if place == Place::MapValue {
        out.push(' ');
    }
    out.push_str(text);
    out.push('\n');
    Ok(())
}

/// libyaml's double-quoted scalar (unicode output on): escapes for what is
/// not printable, `"` and `\`.
fn quoted(text: &str, column: usize, may_fold: bool) -> Result<String, String> {
    let mut q = String::from("\"");
    for c in text.chars() {
        match c {
            '\0' => q.push_str("\\0"),
            '\u{7}' => q.push_str("\\a"),
            '\u{8}' => q.push_str("\\b"),
            '\t' => q.push_str("\\t"),
            '\n' => q.push_str("\\n"),
            '\u{b}' => q.push_str("\\v"),
            '\u{c}' => q.push_str("\\f"),
            '\r' => q.push_str("\\r"),
            '\u{1b}' => q.push_str("\\e"),
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\u{85}' => q.push_str("\\N"),
            '\u{a0}' => q.push_str("\\_"),
            '\u{2028}' => q.push_str("\\L"),
            '\u{2029}' => q.push_str("\\P"),
            c if printable(c) => q.push(c),
            c if (c as u32) <= 0xff => q.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xffff => q.push_str(&format!("\\u{:04X}", c as u32)),
            c => q.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    q.push('"');
    // libyaml breaks the line at a space once past the width.
    if may_fold && column + q.chars().count() > WIDTH && text.trim_end().contains(' ') {
        return Err(format!(
            "a string that runs past column {WIDTH}: libyaml folds it across lines, which nomad-preflight does not reproduce"
        ));
    }
    Ok(q)
}

fn printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0a
        || (0x20..=0x7e).contains(&u)
        || u == 0x85
        || ((0xa0..=0xd7ff).contains(&u))
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
        || (0x10000..=0x10ffff).contains(&u)
}

/// A `|` literal block for a multi-line string, as libyaml writes the
/// ones it allows: chomping `-` without a final newline, `+` with more
/// than one.
fn literal(text: &str, indent: usize, place: Place) -> Result<String, String> {
    let plain_lines = text
        .split('\n')
        .all(|l| !l.ends_with(' ') && l.chars().all(|c| c != '\t' && printable(c)));
    if text.starts_with([' ', '\n']) || !plain_lines {
        return Err("a multi-line string with leading blanks, trailing spaces or special characters: libyaml chooses its style by rules nomad-preflight does not reproduce".into());
    }
    let chomp = if !text.ends_with('\n') {
        "-"
    } else if text.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    let pad = " ".repeat(match place {
        Place::Root => 2,
        _ => indent + 2,
    });
    let mut out = format!("|{chomp}\n");
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    Ok(out)
}
