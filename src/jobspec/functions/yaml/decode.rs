//! `yamldecode`: yaml-rust2's events resolved as go-cty-yaml's
//! `resolveScalar` does (see the parent module).

use std::collections::BTreeMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::super::Value;
use super::timestamp::timestamp;

const CORE: &str = "tag:yaml.org,2002:";

/// Every event of the stream, as yaml-rust2's `load` (many documents)
/// gives them, without its recursion: `load` recurses once per level of
/// nesting, and a line of 100,000 `- ` (block sequences within each other)
/// overflows the stack. Nesting past the budget's depth is refused as it
/// opens (go-cty-yaml keeps no such limit: "cannot tell", the budget's).
fn events(text: &str) -> Result<Vec<(Event, Marker)>, String> {
    let mut parser = Parser::new_from_str(text);
    let mut out = Vec::new();
    let mut depth = 0usize;
    loop {
        let (ev, m) = parser.next_token().map_err(|e| {
            // yaml-rust2's scanner stops at 255 levels of flow brackets,
            // scanning ahead of the events: its limit, not libyaml's.
            if e.info() == "recursion limit exceeded" {
                crate::jobspec::budget::too_deep()
            } else {
                at(e.marker(), problem(e.info()))
            }
        })?;
        match ev {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                crate::jobspec::budget::refuse_depth(depth)?;
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        let end = ev == Event::StreamEnd;
        out.push((ev, m));
        if end {
            return Ok(out);
        }
    }
}

/// go-cty-yaml's position prefix: libyaml counts lines from 0 (the
/// marker, from 1), and an error on the first line carries none at all
/// (error.go `parseEventErrorWrap`: a zero line means "no mark").
fn at(m: &Marker, msg: impl std::fmt::Display) -> String {
    match m.line().saturating_sub(1) {
        0 => msg.to_string(),
        line => format!("on line {line}, column {}: {msg}", m.col() + 1),
    }
}

/// libyaml's `problem` alone: yaml-rust2 puts the context first
/// (`while parsing a node, did not find expected node content`).
fn problem(info: &str) -> &str {
    match info.split_once(", ") {
        Some((context, rest)) if context.starts_with("while ") => rest,
        _ => info,
    }
}

/// What the go-cty-yaml release reads differently (read from its tags and
/// run through the oracle, tests/fixtures/hcl_eval `fn_yamldecode_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Before 1.1.0 (Nomad 1.9.3 and older): an integer may have `_`
    /// between digits and a sign before `0x`/`0o`, and a lone sign is an
    /// integer that does not parse (`\A[-+]?(|0o[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)\z`).
    pub underscore_ints: bool,
    /// From 1.2.0 (Nomad 1.11.2 on): `<<` merges a sequence of mappings,
    /// and a `!!merge`-tagged key merges too.
    pub merge_sequences: bool,
}

impl Dialect {
    /// The newest release's.
    #[cfg(test)]
    pub const CURRENT: Dialect = Dialect {
        underscore_ints: false,
        merge_sequences: true,
    };

    /// The go-cty-yaml Nomad `v` builds with (go.mod at each tag): 1.0.2,
    /// 1.0.3 from 1.4.13, 1.1.0 from 1.9.4, 1.2.0 from 1.11.2.
    pub fn of(v: crate::version::NomadVersion) -> Dialect {
        Dialect {
            underscore_ints: !v.at_least(1, 9, 4),
            merge_sequences: v.at_least(1, 11, 2),
        }
    }
}

/// `yamldecode(src)` as the newest go-cty-yaml reads it.
#[cfg(test)]
pub fn decode(src: &str) -> Result<Value, String> {
    decode_as(src, Dialect::CURRENT)
}

/// `yamldecode(src)`: one document, as a cty value.
pub fn decode_as(src: &str, dialect: Dialect) -> Result<Value, String> {
    let text = if src.is_empty() { "\n" } else { src };
    let evs = events(text)?;
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
        dialect,
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
    dialect: Dialect,
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
                let v =
                    resolve(&tag_text(&tag), &text, style, self.dialect).map_err(|e| at(&m, e))?;
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
                let v = self
                    .anchors
                    .get(&id)
                    .ok_or_else(|| at(&m, "reference to undefined anchor"))?;
                // go-cty-yaml hands back the anchor's one value; ours is a
                // copy, so nested aliases would grow as 10^depth from a few
                // hundred bytes of text (redteam10 R10-2): each copy is
                // charged to the job file's budget before it is made, and
                // the walk stops where the budget does.
                crate::jobspec::budget::charge_copy(v)?;
                Ok(v.clone())
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
                    // A quoted `<<` merges too: go-cty-yaml looks at the
                    // text and tag, not the style.
                    let merge_tag = self.dialect.merge_sequences && ktag == format!("{CORE}merge");
                    if (ktag.is_empty() && key == "<<") || merge_tag {
                        self.merge(&mut vals, &km, next)?;
                        continue;
                    }
                    let k =
                        match resolve(&ktag, &key, style, self.dialect).map_err(|e| at(&km, e))? {
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
            Value::List(items) if self.dialect.merge_sequences => {
                for item in items {
                    match item {
                        Value::Map(src) => vals.extend(src),
                        other => {
                            return Err(at(
                                m,
                                format!(
                                    "cannot merge {} (from sequence) into mapping",
                                    super::super::friendly_name(&other)
                                ),
                            ))
                        }
                    }
                }
            }
            other => {
                return Err(at(
                    m,
                    format!(
                        "cannot merge {} into mapping",
                        super::super::friendly_name(&other)
                    ),
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
fn resolve(tag: &str, src: &str, style: TScalarStyle, d: Dialect) -> Result<Value, String> {
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
        // go-cty-yaml's resolve.go maps these to cty's infinities (only
        // NaN is refused), which `1/0` makes too (redteam10 R10-8).
        if [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].contains(&src) {
            return Ok(Value::Number(f64::INFINITY));
        }
        if ["-.inf", "-.Inf", "-.INF"].contains(&src) {
            return Ok(Value::Number(f64::NEG_INFINITY));
        }
        if short.is_empty() && [".nan", ".NaN", ".NAN"].contains(&src) {
            return Err("floating point NaN is not supported".into());
        }
        let first = src.as_bytes().first().copied().unwrap_or(b'N');
        if first == b'.' {
            if let Ok(n) = src.parse::<f64>() {
                return held(src, Parsed::Decimal(n));
            }
        }
        if first.is_ascii_digit() || first == b'+' || first == b'-' {
            if short.is_empty() || short == "timestamp" {
                if let Some(t) = timestamp(src) {
                    return Ok(Value::String(t));
                }
            }
            if short.is_empty() {
                if is_int(src, d) {
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
        "int" | "float" => {
            let clean = src.replace('_', "");
            let n =
                number(&clean).ok_or_else(|| format!("cannot parse {src:?} as {CORE}{short}"))?;
            held(&clean, n)
        }
        "timestamp" => timestamp(src)
            .map(Value::String)
            .ok_or_else(|| format!("cannot parse {src:?} as {tag}")),
        "null" => Ok(Value::Null),
        _ => Ok(Value::String(src.to_string())),
    }
}

/// YAML 1.2 integers: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`; before
/// go-cty-yaml 1.1.0 the sign goes before any form, `_` may sit among
/// the digits, and a sign alone matches ([`Dialect::underscore_ints`]).
fn is_int(s: &str, d: Dialect) -> bool {
    if d.underscore_ints {
        let body = s.strip_prefix(['-', '+']).unwrap_or(s);
        let all =
            |t: &str, ok: fn(u8) -> bool| !t.is_empty() && t.bytes().all(|b| b == b'_' || ok(b));
        return body.is_empty()
            || body
                .strip_prefix("0o")
                .is_some_and(|r| all(r, |b| (b'0'..=b'7').contains(&b)))
            || all(body, |b| b.is_ascii_digit())
            || body
                .strip_prefix("0x")
                .is_some_and(|r| all(r, |b| b.is_ascii_hexdigit()));
    }
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

/// A YAML number as go-cty-yaml read it, before we judge our f64 of it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Parsed {
    /// `cty.ParseNumberVal`: a decimal at 512 bits (or `Inf`).
    Decimal(f64),
    /// Go's `ParseInt`/`ParseUint` of `0x`, `0o`, `0b` or a leading `0`:
    /// an integer, which an f64 holds exactly below 2^53.
    Radix(f64),
}

/// A YAML number as go-cty-yaml holds it: "cannot tell" where our f64 may
/// differ (cty_number.rs). A decimal must read back as written: past an
/// f64's range (`1e400`, which a 512-bit big.Float holds and Rust makes
/// an infinity), below it (`1e-400`, our 0) or past its digits
/// (`1.00000000000000000001`, our 1) it is not known.
fn held(text: &str, n: Parsed) -> Result<Value, String> {
    use crate::jobspec::cty_number::{is_exact_int, is_faithful, reason_unversioned, shown};
    let known = match n {
        // `!!float inf`: big.ParseFloat's own spelling of an infinity.
        Parsed::Decimal(x) if x.is_infinite() => is_big_inf(text).then_some(x),
        Parsed::Decimal(x) => is_faithful(text, x).then_some(x),
        Parsed::Radix(x) => is_exact_int(x).then_some(x),
    };
    if let Some(x) = known {
        Ok(Value::Number(x))
    } else {
        Err(reason_unversioned(&format!(
            "the YAML number {}",
            shown(text)
        )))
    }
}

/// `Inf` or `inf`, signed or not: the infinities `big.ParseFloat` reads
/// (math/big floatconv.go Parse), so `cty.ParseNumberVal` too. Rust's
/// parse also takes `infinity` and `INF`, which Go refuses.
fn is_big_inf(s: &str) -> bool {
    matches!(s.strip_prefix(['+', '-']).unwrap_or(s), "Inf" | "inf")
}

/// cty's decimal parse, then Go's `ParseInt(s, 0, 64)` (`0x`, `0o`, `0b`,
/// a leading `0` for octal). A decimal past an f64's range is the
/// infinity Rust reads, which [`held`] says is not known: go-cty-yaml's
/// `cty.ParseNumberVal` (512 bits, resolve.go v1.0.3:201, v1.2.0:213)
/// decodes `1e400` where Rust overflows, never Go's `cannot parse`.
fn number(s: &str) -> Option<Parsed> {
    if let Ok(n) = s.parse::<f64>() {
        if !s.starts_with("0x") && !s.starts_with("0o") && !s.starts_with("0b") {
            // A leading-zero decimal parses as decimal in cty first.
            let decimal = s.bytes().any(|b| b.is_ascii_digit());
            if n.is_finite() || (n.is_infinite() && (decimal || is_big_inf(s))) {
                return Some(Parsed::Decimal(n));
            }
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
    Some(Parsed::Radix(if neg { -v } else { v }))
}
