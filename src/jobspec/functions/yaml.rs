//! `yamldecode` and `yamlencode` as go-cty-yaml (v1.0.2 in Nomad 1.0, v1.2.0
//! in 2.0; the resolution and emission rules below are the same in both)
//! does them. yaml-rust2 (a maintained YAML 1.2 parser) reads the events;
//! what a scalar means is go-cty-yaml's `resolveScalar`: YAML 1.1 booleans
//! (`yes`, `on`, `Y`...), `~`/`null`/empty as null, quoted scalars always
//! strings, timestamps as RFC 3339 strings, `<<` merge keys.
//!
//! Encoding writes libyaml's block style as go-cty-yaml drives it: keys
//! and strings double-quoted, multi-line strings as `|` literals, numbers
//! and booleans plain. libyaml folds a double-quoted string that runs past
//! column 80 at a space, and has its own rules for strings a literal block
//! cannot hold (leading blanks, trailing spaces); those few cases are
//! refused with a message saying so, never written differently.

use std::collections::BTreeMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::*;

pub(super) fn call(_env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "yamldecode" => Ok(decode(&s(arg(a, 0)?)?)?),
        "yamlencode" => Ok(Value::String(encode(arg(a, 0)?)?)),
        _ => Err(Miss::Skip),
    }
}

const CORE: &str = "tag:yaml.org,2002:";

struct Events(Vec<(Event, Marker)>);

impl MarkedEventReceiver for Events {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.0.push((ev, mark));
    }
}

fn at(m: &Marker, msg: impl std::fmt::Display) -> String {
    format!("on line {}, column {}: {msg}", m.line(), m.col() + 1)
}

/// `yamldecode(src)`: one document, as a cty value.
pub fn decode(src: &str) -> Result<Value, String> {
    let text = if src.is_empty() { "\n" } else { src };
    let mut events = Events(Vec::new());
    Parser::new_from_str(text)
        .load(&mut events, true)
        .map_err(|e| at(e.marker(), e.info()))?;
    let evs = events.0;
    // StreamStart, DocumentStart, the value, DocumentEnd, StreamEnd.
    let mut i = 0;
    let mut next = || {
        let e = evs.get(i).cloned();
        i += 1;
        e
    };
    let Some((Event::StreamStart, _)) = next() else {
        return Err("missing stream start token".into());
    };
    match next() {
        Some((Event::DocumentStart, _)) => {}
        Some((_, m)) => return Err(at(&m, "missing start of document")),
        None => return Err("missing start of document".into()),
    }
    let mut d = Decoder {
        anchors: BTreeMap::new(),
        pending: Vec::new(),
    };
    let v = d.value(&mut next)?;
    match next() {
        Some((Event::DocumentEnd, _)) => {}
        Some((Event::DocumentStart, m)) => return Err(at(&m, "only a single document is allowed")),
        Some((_, m)) => return Err(at(&m, "unexpected extra content after value")),
        None => {}
    }
    match next() {
        Some((Event::StreamEnd, _)) | None => Ok(v),
        Some((Event::DocumentStart, m)) => Err(at(&m, "only a single document is allowed")),
        Some((_, m)) => Err(at(&m, "unexpected extra content after value")),
    }
}

struct Decoder {
    anchors: BTreeMap<usize, Value>,
    /// Anchors whose value is still being read (an alias to one is a cycle).
    pending: Vec<usize>,
}

type Next<'a> = dyn FnMut() -> Option<(Event, Marker)> + 'a;

fn next_event(next: &mut Next<'_>) -> Result<(Event, Marker), String> {
    next().ok_or_else(|| "expecting value but found end of stream".to_string())
}

fn tag_text(t: &Option<yaml_rust2::parser::Tag>) -> String {
    t.as_ref()
        .map(|t| format!("{}{}", t.handle, t.suffix))
        .unwrap_or_default()
}

impl Decoder {
    fn value(&mut self, next: &mut Next<'_>) -> Result<Value, String> {
        let (ev, m) = next_event(next)?;
        self.remainder(ev, m, next)
    }

    /// The start of a mapping or sequence: its tag must be the core one.
    fn open(
        &mut self,
        anchor: usize,
        tag: &Option<yaml_rust2::parser::Tag>,
        core: &str,
        what: &str,
        m: &Marker,
    ) -> Result<(), String> {
        let tag = tag_text(tag);
        if !tag.is_empty() && tag != format!("{CORE}{core}") {
            return Err(at(m, format!("can't interpret {what} as {tag}")));
        }
        self.begin(anchor);
        Ok(())
    }

    fn remainder(&mut self, ev: Event, m: Marker, next: &mut Next<'_>) -> Result<Value, String> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let v = resolve(&tag_text(&tag), &text, style).map_err(|e| at(&m, e))?;
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::Alias(id) => {
                if self.pending.contains(&id) {
                    return Err(at(
                        &m,
                        "cannot refer to anchor from inside its own definition",
                    ));
                }
                self.anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| at(&m, "reference to undefined anchor"))
            }
            Event::MappingStart(anchor, tag) => {
                self.open(anchor, &tag, "map", "mapping", &m)?;
                let mut vals = BTreeMap::new();
                loop {
                    let (ev, km) = next_event(next)?;
                    let (key, style, ktag) = match ev {
                        Event::MappingEnd => break,
                        Event::Scalar(k, style, _, t) => (k, style, tag_text(&t)),
                        _ => return Err(at(&km, "only strings are allowed as mapping keys")),
                    };
                    if ktag.is_empty() && key == "<<" && style == TScalarStyle::Plain {
                        self.merge(&mut vals, &km, next)?;
                        continue;
                    }
                    let k = match resolve(&ktag, &key, style).map_err(|e| at(&km, e))? {
                        Value::Null => return Err(at(&km, "mapping key cannot be null")),
                        Value::String(x) => x,
                        Value::Number(n) => crate::jobspec::eval::fmt_number(n),
                        Value::Bool(b) => b.to_string(),
                        _ => return Err(at(&km, "only strings are allowed as mapping keys")),
                    };
                    let v = self.value(next)?;
                    vals.insert(k, v);
                }
                let v = Value::Map(vals);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(anchor, &tag, "seq", "sequence", &m)?;
                let mut vals = Vec::new();
                loop {
                    let (ev, em) = next_event(next)?;
                    if ev == Event::SequenceEnd {
                        break;
                    }
                    vals.push(self.remainder(ev, em, next)?);
                }
                let v = Value::List(vals);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::DocumentStart => Err(at(&m, "only a single document is allowed")),
            Event::StreamEnd => Err(at(&m, "expecting value but found end of stream")),
            Event::MappingEnd => Err(at(&m, "expecting value but found end of mapping")),
            Event::SequenceEnd => Err(at(&m, "expecting value but found end of sequence")),
            _ => Err(at(&m, "unexpected parser event")),
        }
    }

    fn merge(
        &mut self,
        vals: &mut BTreeMap<String, Value>,
        m: &Marker,
        next: &mut Next<'_>,
    ) -> Result<(), String> {
        match self.value(next)? {
            Value::Map(src) => vals.extend(src),
            Value::List(items) => {
                for item in items {
                    match item {
                        Value::Map(src) => vals.extend(src),
                        other => {
                            return Err(at(
                                m,
                                format!(
                                    "cannot merge {} (from sequence) into mapping",
                                    friendly(&other)
                                ),
                            ))
                        }
                    }
                }
            }
            other => {
                return Err(at(
                    m,
                    format!("cannot merge {} into mapping", friendly(&other)),
                ))
            }
        }
        Ok(())
    }

    fn begin(&mut self, anchor: usize) {
        if anchor > 0 {
            self.pending.push(anchor);
        }
    }

    fn complete(&mut self, anchor: usize, v: &Value) {
        if anchor > 0 {
            self.pending.retain(|a| *a != anchor);
            self.anchors.insert(anchor, v.clone());
        }
    }
}

fn friendly(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::List(_) => "tuple",
        Value::Map(_) => "object",
        Value::Null => "dynamic",
    }
}

const BOOLS: &[(&str, bool)] = &[
    ("y", true),
    ("Y", true),
    ("yes", true),
    ("Yes", true),
    ("YES", true),
    ("true", true),
    ("True", true),
    ("TRUE", true),
    ("on", true),
    ("On", true),
    ("ON", true),
    ("n", false),
    ("N", false),
    ("no", false),
    ("No", false),
    ("NO", false),
    ("false", false),
    ("False", false),
    ("FALSE", false),
    ("off", false),
    ("Off", false),
    ("OFF", false),
];
const NULLS: &[&str] = &["", "~", "null", "Null", "NULL"];

/// go-cty-yaml's `resolveScalar`.
fn resolve(tag: &str, src: &str, style: TScalarStyle) -> Result<Value, String> {
    let short = tag.strip_prefix(CORE);
    let known = matches!(
        short,
        Some("str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary")
    ) || tag.is_empty();
    if !known {
        return Err(format!("unsupported tag {tag:?}"));
    }
    let mut short = short.unwrap_or("");
    if short != "str" && short != "binary" {
        if matches!(
            style,
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
        ) {
            return Ok(Value::String(src.to_string()));
        }
        if let Some((_, b)) = BOOLS.iter().find(|(t, _)| *t == src) {
            return Ok(Value::Bool(*b));
        }
        if NULLS.contains(&src) {
            return Ok(Value::Null);
        }
        if [
            ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ]
        .contains(&src)
        {
            return Err("cannot represent infinity in a job file value".into());
        }
        if short.is_empty() && [".nan", ".NaN", ".NAN"].contains(&src) {
            return Err("floating point NaN is not supported".into());
        }
        let first = src.as_bytes().first().copied().unwrap_or(b'N');
        if first == b'.' {
            if let Ok(n) = src.parse::<f64>() {
                return Ok(Value::Number(n));
            }
        }
        if first.is_ascii_digit() || first == b'+' || first == b'-' {
            if short.is_empty() || short == "timestamp" {
                if let Some(t) = timestamp(src) {
                    return Ok(Value::String(t));
                }
            }
            if short.is_empty() {
                if is_int(src) {
                    short = "int";
                } else if is_float(src) {
                    short = "float";
                }
            }
        }
    }
    match short {
        "str" => Ok(Value::String(src.to_string())),
        "binary" => super::encoding::b64_decode(src)
            .map(|_| Value::String(src.to_string()))
            .ok_or_else(|| format!("cannot parse {src:?} as {tag}: not valid base64")),
        "bool" => BOOLS
            .iter()
            .find(|(t, _)| *t == src)
            .map(|(_, b)| Value::Bool(*b))
            .ok_or_else(|| format!("cannot parse {src:?} as {tag}")),
        "int" | "float" => number(&src.replace('_', ""))
            .map(Value::Number)
            .ok_or_else(|| format!("cannot parse {src:?} as {tag}")),
        "timestamp" => timestamp(src)
            .map(Value::String)
            .ok_or_else(|| format!("cannot parse {src:?} as {tag}")),
        "null" => Ok(Value::Null),
        _ => Ok(Value::String(src.to_string())),
    }
}

/// YAML 1.2 integers: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn is_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        || s.strip_prefix("0o")
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| (b'0'..=b'7').contains(&b)))
        || s.strip_prefix("0x")
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mant_ok = match mant.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && digits(frac),
        Some((int, frac)) => !int.is_empty() && digits(int) && digits(frac),
        None => !mant.is_empty() && digits(mant),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mant_ok && exp_ok
}

/// cty's decimal parse, then Go's `ParseInt(s, 0, 64)` (`0x`, `0o`, `0b`,
/// a leading `0` for octal).
fn number(s: &str) -> Option<f64> {
    if let Ok(n) = s.parse::<f64>() {
        if !s.starts_with("0x") && !s.starts_with("0o") && !s.starts_with("0b") {
            // A leading-zero decimal parses as decimal in cty first.
            return n.is_finite().then_some(n);
        }
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (radix, digits) = if let Some(r) = body.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = body.strip_prefix("0o") {
        (8, r)
    } else if let Some(r) = body.strip_prefix("0b") {
        (2, r)
    } else {
        (8, body.strip_prefix('0')?)
    };
    let v = u64::from_str_radix(digits, radix).ok()? as f64;
    Some(if neg { -v } else { v })
}

/// go-cty-yaml's `parseTimestamp`: `YYYY-M-D`, with `T`/`t`/space and a
/// time, formatted back as RFC 3339 (`2006-01-02T15:04:05Z07:00`).
fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((s.as_bytes()[i], &s[i + 1..]))),
        None => (s, None),
    };
    let mut parts = date.splitn(3, '-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: u32 = short_num(parts.next()?)?;
    let day: u32 = short_num(parts.next()?)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in(year, month) {
        return None;
    }
    let Some((sep, time)) = rest else {
        return Some(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"));
    };
    // With T/t the zone is required (Z or ±hh:mm); with a space there is none.
    let (clock, zone) = if sep == b' ' {
        (time, "Z".to_string())
    } else if let Some(c) = time.strip_suffix('Z') {
        (c, "Z".to_string())
    } else {
        let i = time.rfind(['+', '-'])?;
        let z = &time[i..];
        let (h, m) = z[1..].split_once(':')?;
        if h.len() != 2
            || m.len() != 2
            || h.parse::<u32>().ok()? > 23
            || m.parse::<u32>().ok()? > 59
        {
            return None;
        }
        (
            &time[..i],
            if z == "+00:00" || z == "-00:00" {
                "Z".into()
            } else {
                z.to_string()
            },
        )
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((h, f)) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            (h, Some(f))
        }
        Some(_) => return None,
        None => (clock, None),
    };
    let mut t = hms.splitn(3, ':');
    let h: u32 = short_num(t.next()?)?;
    let mi: u32 = short_num(t.next()?)?;
    let se: u32 = short_num(t.next()?)?;
    if h > 23 || mi > 59 || se > 59 {
        return None;
    }
    // RFC3339 (not Nano): fractional seconds are dropped.
    let _ = frac;
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{mi:02}:{se:02}{zone}"
    ))
}

/// Go's short date/time fields: one or two digits.
fn short_num(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// libyaml's best width: double-quoted scalars fold past this column.
const WIDTH: usize = 80;

/// `yamlencode(value)`.
pub fn encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    node(v, 0, Place::Root, &mut out)?;
    if !out.ends_with('\n') {
        out.push('\n');
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

#[cfg(test)]
mod tests {
    use super::*;

    fn m(items: &[(&str, Value)]) -> Value {
        Value::Map(
            items
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
    fn st(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn decode_follows_go_cty_yaml_resolution() {
        // Terraform's yamldecode documentation examples.
        assert_eq!(decode("hello: world"), Ok(m(&[("hello", st("world"))])));
        assert_eq!(decode("true"), Ok(Value::Bool(true)));
        assert_eq!(
            decode("{a: &foo [1, 2, 3], b: *foo}"),
            Ok(m(&[
                (
                    "a",
                    Value::List(vec![
                        Value::Number(1.0),
                        Value::Number(2.0),
                        Value::Number(3.0)
                    ])
                ),
                (
                    "b",
                    Value::List(vec![
                        Value::Number(1.0),
                        Value::Number(2.0),
                        Value::Number(3.0)
                    ])
                ),
            ]))
        );
        // YAML 1.1 booleans, quoted scalars stay strings, nulls.
        assert_eq!(
            decode("a: yes\nb: \"yes\"\nc: ~\nd: 0x1F\ne: 2001-12-14t21:59:43.10-05:00\nf: 1_000"),
            Ok(m(&[
                ("a", Value::Bool(true)),
                ("b", st("yes")),
                ("c", Value::Null),
                ("d", Value::Number(31.0)),
                ("e", st("2001-12-14T21:59:43-05:00")),
                // Neither YAML 1.2 pattern allows `_`: a string.
                ("f", st("1_000")),
            ]))
        );
        assert_eq!(
            decode("base: &b {x: 1}\nd:\n  <<: *b\n  z: 2"),
            Ok(m(&[
                ("base", m(&[("x", Value::Number(1.0))])),
                (
                    "d",
                    m(&[("x", Value::Number(1.0)), ("z", Value::Number(2.0))])
                ),
            ]))
        );
        // A key resolves like any scalar, then becomes a string: `y` is
        // YAML 1.1's true.
        assert_eq!(decode("y: 1"), Ok(m(&[("true", Value::Number(1.0))])));
        assert_eq!(
            decode("--- a\n--- b").map_err(|e| e.contains("only a single document is allowed")),
            Err(true)
        );
        assert_eq!(
            decode(".nan"),
            Err("on line 1, column 1: floating point NaN is not supported".into())
        );
        assert!(decode("a: [1, 2").is_err());
        assert_eq!(
            decode("!!binary 'not base64!'").map_err(|e| e.contains("not valid base64")),
            Err(true)
        );
    }

    #[test]
    fn encode_writes_libyamls_block_style() {
        // Terraform's yamlencode documentation examples.
        assert_eq!(
            encode(&m(&[("a", st("b")), ("c", st("d"))])),
            Ok("\"a\": \"b\"\n\"c\": \"d\"\n".into())
        );
        assert_eq!(
            encode(&m(&[
                (
                    "foo",
                    Value::List(vec![
                        Value::Number(1.0),
                        Value::Number(2.0),
                        Value::Number(3.0)
                    ])
                ),
                ("bar", st("baz")),
            ])),
            Ok("\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n".into())
        );
        assert_eq!(
            encode(&m(&[
                (
                    "foo",
                    Value::List(vec![
                        Value::Number(1.0),
                        m(&[("a", st("b")), ("c", st("d"))])
                    ])
                ),
                ("bar", st("baz")),
            ])),
            Ok("\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n".into())
        );
        assert_eq!(
            encode(&m(&[
                ("x", m(&[("y", Value::Bool(true)), ("z", Value::Null)])),
                ("e", m(&[]))
            ])),
            Ok("\"e\": {}\n\"x\":\n  \"y\": true\n  \"z\": null\n".into())
        );
        assert_eq!(
            encode(&m(&[("s", st("line1\nline2\n"))])),
            Ok("\"s\": |\n  line1\n  line2\n".into())
        );
        assert_eq!(encode(&st("tab\there")), Ok("\"tab\\there\"\n".into()));
        assert!(encode(&st(&"word ".repeat(30))).is_err());
    }
}
