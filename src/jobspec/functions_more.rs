//! The rest of Nomad's jobspec2 function table (jobspec2/functions.go):
//! set products and intersections, CIDR arithmetic (go-cty-funcs/cidr),
//! hashes and URL encoding (go-cty-funcs/crypto, encoding), CSV decoding,
//! RFC 3339 date arithmetic and formatting (cty's formatdate/timeadd) and
//! filebase64. Pure functions of their arguments; cty's error texts.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::eval::{to_number, to_string, type_name};
use super::model::Value;

type Res = Result<Value, String>;

/// Nomad 2.0's jobspec function table, in its order (md5 and sha1 only
/// outside FIPS mode, as Nomad's own table).
pub const NOMAD_2_0_TABLE: &[&str] = &[
    "abs",
    "base64decode",
    "base64encode",
    "bcrypt",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "convert",
    "csvdecode",
    "distinct",
    "element",
    "flatten",
    "floor",
    "format",
    "formatdate",
    "formatlist",
    "indent",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "log",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "parseint",
    "pow",
    "range",
    "reverse",
    "replace",
    "regex_replace",
    "rsadecrypt",
    "setintersection",
    "setproduct",
    "setunion",
    "sha256",
    "sha512",
    "signum",
    "slice",
    "sort",
    "split",
    "strlen",
    "strrev",
    "substr",
    "timeadd",
    "title",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "upper",
    "urlencode",
    "uuidv4",
    "uuidv5",
    "values",
    "yamldecode",
    "yamlencode",
    "zipmap",
    "abspath",
    "basename",
    "dirname",
    "file",
    "filebase64",
    "fileexists",
    "fileset",
    "pathexpand",
    "md5",
    "sha1",
];

fn s(v: &Value) -> Result<String, String> {
    to_string(v).ok_or_else(|| format!("a string is required, got {}", type_name(v)))
}

fn n(v: &Value) -> Result<f64, String> {
    to_number(v).ok_or_else(|| format!("a number is required, got {}", type_name(v)))
}

fn arg(a: &[Value], i: usize) -> Result<&Value, String> {
    a.get(i)
        .ok_or_else(|| format!("missing argument {}", i + 1))
}

fn list(v: &Value) -> Result<&[Value], String> {
    match v {
        Value::List(l) => Ok(l),
        other => Err(format!(
            "a set or list is required, got {}",
            type_name(other)
        )),
    }
}

/// `None` when `name` is not one of these functions.
pub fn call(
    name: &str,
    a: &[Value],
    read_bytes: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> Option<Res> {
    Some(match name {
        "setproduct" => setproduct(a),
        "setintersection" => setintersection(a),
        "strlen" => arg(a, 0)
            .and_then(s)
            .map(|x| Value::Number(x.chars().count() as f64)),
        "urlencode" => arg(a, 0).and_then(s).map(|x| Value::String(urlencode(&x))),
        "sha256" => hash(a, |b| hex(&sha2::Sha256::digest_bytes(b))),
        "sha512" => hash(a, |b| hex(&sha2::Sha512::digest_bytes(b))),
        "md5" => hash(a, |b| hex(&md5::Md5::digest_bytes(b))),
        "sha1" => hash(a, |b| hex(&super::sha1::digest(b))),
        "csvdecode" => arg(a, 0).and_then(s).and_then(|x| csvdecode(&x)),
        "cidrhost" => cidrhost(a),
        "cidrnetmask" => cidrnetmask(a),
        "cidrsubnet" => cidrsubnet(a),
        "cidrsubnets" => cidrsubnets(a),
        "timeadd" => timeadd(a),
        "formatdate" => formatdate(a),
        "filebase64" => arg(a, 0)
            .and_then(s)
            .and_then(|p| read_bytes(&p))
            .map(|b| Value::String(super::functions::b64_encode(&b))),
        "bcrypt" | "rsadecrypt" | "yamldecode" | "yamlencode" | "fileset" | "convert" => Err(
            format!("function \"{name}\" is not implemented by nomad-preflight yet"),
        ),
        _ => return None,
    })
}

trait DigestBytes {
    fn digest_bytes(b: &[u8]) -> Vec<u8>;
}

impl<D: sha2::Digest> DigestBytes for D {
    fn digest_bytes(b: &[u8]) -> Vec<u8> {
        D::digest(b).to_vec()
    }
}

fn hash(a: &[Value], f: impl Fn(&[u8]) -> String) -> Res {
    let text = s(arg(a, 0)?)?;
    Ok(Value::String(f(text.as_bytes())))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// cty's `setproduct`: every combination, first set varying slowest.
fn setproduct(a: &[Value]) -> Res {
    if a.len() < 2 {
        return Err("at least two arguments are required".into());
    }
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for set in a {
        let items = list(set)?;
        let size = out.len().saturating_mul(items.len());
        if size > super::format::MAX_RESULT_BYTES / 16 {
            return Err(format!("the product would have {size} elements, too many"));
        }
        let mut next = Vec::with_capacity(size);
        for prefix in &out {
            for item in items {
                let mut row = prefix.clone();
                row.push(item.clone());
                next.push(row);
            }
        }
        out = next;
    }
    Ok(Value::List(out.into_iter().map(Value::List).collect()))
}

fn setintersection(a: &[Value]) -> Res {
    let first = list(arg(a, 0)?)?;
    let mut out: Vec<Value> = Vec::new();
    for v in first {
        if !out.contains(v) && a[1..].iter().all(|o| list(o).is_ok_and(|l| l.contains(v))) {
            out.push(v.clone());
        }
    }
    for o in &a[1..] {
        list(o)?;
    }
    Ok(Value::List(out))
}

/// Go's `url.QueryEscape`: spaces as `+`, unreserved characters kept.
fn urlencode(x: &str) -> String {
    let mut out = String::new();
    for b in x.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// cty's `csvdecode`: a header row, then one object per row.
fn csvdecode(text: &str) -> Res {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                line += 1;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "parse error on line {line}, column 0: extraneous or missing \" in quoted-field"
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    let mut it = rows.into_iter();
    let Some(header) = it.next() else {
        return Err("missing header line".into());
    };
    let mut out = Vec::new();
    for (i, r) in it.enumerate() {
        if r.len() != header.len() {
            return Err(format!(
                "record on line {} has wrong number of fields: expected {}, got {}",
                i + 2,
                header.len(),
                r.len()
            ));
        }
        let m: BTreeMap<String, Value> = header
            .iter()
            .cloned()
            .zip(r.into_iter().map(Value::String))
            .collect();
        out.push(Value::Map(m));
    }
    Ok(Value::List(out))
}

/// A parsed `addr/len` prefix, as the network address and its length.
fn prefix(text: &str) -> Result<(u128, u32, bool), String> {
    let bad = || format!("invalid CIDR expression: invalid CIDR address: {text}");
    let (addr, len) = text.split_once('/').ok_or_else(bad)?;
    let ip: IpAddr = addr.parse().map_err(|_| bad())?;
    let len: u32 = len.parse().map_err(|_| bad())?;
    let (bits, v4, raw) = match ip {
        IpAddr::V4(a) => (32, true, u128::from(u32::from(a))),
        IpAddr::V6(a) => (128, false, u128::from(a)),
    };
    if len > bits {
        return Err(bad());
    }
    let host_bits = bits - len;
    let net = if host_bits >= 128 {
        0
    } else {
        raw >> host_bits << host_bits
    };
    Ok((net, len, v4))
}

fn addr_text(x: u128, v4: bool) -> String {
    if v4 {
        Ipv4Addr::from(x as u32).to_string()
    } else {
        Ipv6Addr::from(x).to_string()
    }
}

fn whole(v: &Value) -> Result<i128, String> {
    let x = n(v)?;
    if x.fract() != 0.0 {
        return Err("value must be a whole number".into());
    }
    Ok(x as i128)
}

fn cidrhost(a: &[Value]) -> Res {
    let (net, len, v4) = prefix(&s(arg(a, 0)?)?)?;
    let bits = if v4 { 32 } else { 128 };
    let host_bits = bits - len;
    let num = whole(arg(a, 1)?)?;
    let size: i128 = if host_bits >= 127 {
        i128::MAX
    } else {
        1i128 << host_bits
    };
    let idx = if num < 0 { size + num } else { num };
    if idx < 0 || idx >= size {
        return Err(format!(
            "prefix of {len} does not accommodate a host numbered {num}"
        ));
    }
    Ok(Value::String(addr_text(net + idx as u128, v4)))
}

fn cidrnetmask(a: &[Value]) -> Res {
    let (_, len, v4) = prefix(&s(arg(a, 0)?)?)?;
    if !v4 {
        return Err("only IPv4 networks are supported".into());
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Ok(Value::String(Ipv4Addr::from(mask).to_string()))
}

fn subnet(net: u128, len: u32, v4: bool, newbits: i128, num: i128) -> Result<(u128, u32), String> {
    let bits = if v4 { 32 } else { 128 };
    if newbits < 0 || len as i128 + newbits > bits as i128 {
        return Err(format!(
            "insufficient address space to extend prefix of {len} by {newbits}"
        ));
    }
    let newlen = len + newbits as u32;
    if num < 0 || (newbits < 127 && num >= 1i128 << newbits) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        ));
    }
    let shift = bits - newlen;
    let add = if shift >= 128 {
        0
    } else {
        (num as u128) << shift
    };
    Ok((net | add, newlen))
}

fn cidrsubnet(a: &[Value]) -> Res {
    let (net, len, v4) = prefix(&s(arg(a, 0)?)?)?;
    let (sub, newlen) = subnet(net, len, v4, whole(arg(a, 1)?)?, whole(arg(a, 2)?)?)?;
    Ok(Value::String(format!("{}/{newlen}", addr_text(sub, v4))))
}

/// go-cty-funcs `cidrsubnets`: consecutive subnets of the given sizes.
fn cidrsubnets(a: &[Value]) -> Res {
    let text = s(arg(a, 0)?)?;
    let (net, len, v4) = prefix(&text)?;
    let bits: u32 = if v4 { 32 } else { 128 };
    let mut out = Vec::new();
    let mut next = net;
    for (i, nb) in a[1..].iter().enumerate() {
        let newbits = whole(nb)?;
        if newbits < 1 || len as i128 + newbits > bits as i128 {
            return Err(format!(
                "would extend prefix to {} bits, which is too long for an IPv{} address",
                len as i128 + newbits,
                if v4 { 4 } else { 6 }
            ));
        }
        let newlen = len + newbits as u32;
        let size: u128 = 1u128 << (bits - newlen).min(127);
        // Align to the new prefix length.
        let start = next.div_ceil(size) * size;
        let end = start + size - 1;
        let top = if bits - len >= 128 {
            u128::MAX
        } else {
            net + ((1u128 << (bits - len)) - 1)
        };
        if end > top || start < net {
            return Err(format!(
                "not enough remaining address space for a subnet with a prefix of {newlen} bits after {}",
                out.last().and_then(|v: &Value| v.as_str().map(str::to_string)).unwrap_or_else(|| text.clone())
            ));
        }
        let _ = i;
        out.push(Value::String(format!("{}/{newlen}", addr_text(start, v4))));
        next = end.wrapping_add(1);
    }
    Ok(Value::List(out))
}

/// An RFC 3339 timestamp as seconds since the epoch, its nanoseconds and
/// its UTC offset in seconds.
fn parse_rfc3339(t: &str) -> Result<(i64, u32, i32), String> {
    let bad = || format!("not a valid RFC3339 timestamp: cannot use {t:?} as year");
    let b = t.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't') {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        t.get(r).and_then(|x| x.parse().ok()).ok_or_else(bad)
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let frac = &t[start..i];
        let padded = format!("{frac:0<9}");
        nanos = padded[..9].parse().map_err(|_| bad())?;
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let o = (oh * 3600 + om * 60) as i32;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return Err(bad());
    }
    let days = days_from_civil(y, mo, d);
    Ok((
        days * 86400 + h * 3600 + mi * 60 + s - i64::from(offset),
        nanos,
        offset,
    ))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Civil {
    y: i64,
    mo: i64,
    d: i64,
    h: i64,
    mi: i64,
    s: i64,
    nanos: u32,
    offset: i32,
    weekday: i64,
}

fn civil(secs: i64, nanos: u32, offset: i32) -> Civil {
    let local = secs + i64::from(offset);
    let days = local.div_euclid(86400);
    let rem = local.rem_euclid(86400);
    let (y, mo, d) = civil_from_days(days);
    Civil {
        y,
        mo,
        d,
        h: rem / 3600,
        mi: rem % 3600 / 60,
        s: rem % 60,
        nanos,
        offset,
        weekday: (days + 4).rem_euclid(7),
    }
}

fn rfc3339(c: &Civil) -> String {
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    );
    if c.nanos > 0 {
        let f = format!("{:09}", c.nanos);
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out.push_str(&offset_text(c.offset, true, "Z"));
    out
}

fn offset_text(o: i32, colon: bool, zulu: &str) -> String {
    if o == 0 && !zulu.is_empty() {
        return zulu.to_string();
    }
    let sign = if o < 0 { '-' } else { '+' };
    let o = o.abs();
    if colon {
        format!("{sign}{:02}:{:02}", o / 3600, o % 3600 / 60)
    } else {
        format!("{sign}{:02}{:02}", o / 3600, o % 3600 / 60)
    }
}

/// cty's `timeadd`: a Go duration added to an RFC 3339 timestamp.
fn timeadd(a: &[Value]) -> Res {
    let (secs, nanos, offset) = parse_rfc3339(&s(arg(a, 0)?)?)?;
    let dur = super::duration::parse(&s(arg(a, 1)?)?)?;
    let total = i128::from(secs) * 1_000_000_000 + i128::from(nanos) + i128::from(dur.nanos());
    let secs = total.div_euclid(1_000_000_000) as i64;
    let nanos = total.rem_euclid(1_000_000_000) as u32;
    Ok(Value::String(rfc3339(&civil(secs, nanos, offset))))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// cty's `formatdate` spec: runs of letters are directives, quoted text
/// is literal ('' is a quote).
fn formatdate(a: &[Value]) -> Res {
    let spec = s(arg(a, 0)?)?;
    let (secs, nanos, offset) = parse_rfc3339(&s(arg(a, 1)?)?)?;
    let c = civil(secs, nanos, offset);
    let mut out = String::new();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == '\'' {
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => return Err("unterminated literal '".into()),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(x) => {
                        out.push(*x);
                        j += 1;
                    }
                }
            }
            if j == i + 1 {
                out.push('\'');
            }
            i = j + 1;
            continue;
        }
        if !ch.is_ascii_alphabetic() {
            out.push(ch);
            i += 1;
            continue;
        }
        let mut j = i;
        while chars.get(j) == Some(&ch) {
            j += 1;
        }
        let run: String = chars[i..j].iter().collect();
        let h12 = if c.h % 12 == 0 { 12 } else { c.h % 12 };
        out.push_str(&match run.as_str() {
            "YYYY" => format!("{:04}", c.y),
            "YY" => format!("{:02}", c.y % 100),
            "MMMM" => MONTHS[(c.mo - 1) as usize].to_string(),
            "MMM" => MONTHS[(c.mo - 1) as usize][..3].to_string(),
            "MM" => format!("{:02}", c.mo),
            "M" => c.mo.to_string(),
            "DD" => format!("{:02}", c.d),
            "D" => c.d.to_string(),
            "EEEE" => DAYS[c.weekday as usize].to_string(),
            "EEE" => DAYS[c.weekday as usize][..3].to_string(),
            "hh" => format!("{:02}", c.h),
            "h" => c.h.to_string(),
            "HH" => format!("{h12:02}"),
            "H" => h12.to_string(),
            "AA" => if c.h < 12 { "AM" } else { "PM" }.to_string(),
            "aa" => if c.h < 12 { "am" } else { "pm" }.to_string(),
            "mm" => format!("{:02}", c.mi),
            "m" => c.mi.to_string(),
            "ss" => format!("{:02}", c.s),
            "s" => c.s.to_string(),
            "ZZZZZ" => offset_text(c.offset, true, ""),
            "ZZZZ" => offset_text(c.offset, false, ""),
            "ZZZ" => offset_text(c.offset, false, "UTC"),
            "Z" => offset_text(c.offset, true, "Z"),
            other => {
                return Err(format!(
                    "invalid date format verb {other:?}: unsupported format verb"
                ))
            }
        });
        i = j;
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(x: &str) -> Value {
        Value::String(x.into())
    }
    fn num(x: f64) -> Value {
        Value::Number(x)
    }
    fn c(name: &str, a: &[Value]) -> Res {
        call(name, a, &|_| Err("no files".into())).expect("known function")
    }
    fn l(items: &[&str]) -> Value {
        Value::List(items.iter().map(|x| st(x)).collect())
    }

    /// Examples from each function's documentation (Terraform's function
    /// reference, which documents the same go-cty / go-cty-funcs code).
    #[test]
    fn documented_examples() {
        assert_eq!(
            c(
                "setproduct",
                &[l(&["development", "staging"]), l(&["app1", "app2"])]
            ),
            Ok(Value::List(vec![
                l(&["development", "app1"]),
                l(&["development", "app2"]),
                l(&["staging", "app1"]),
                l(&["staging", "app2"]),
            ]))
        );
        assert_eq!(
            c(
                "setintersection",
                &[l(&["a", "b"]), l(&["b", "c"]), l(&["b", "d"])]
            ),
            Ok(l(&["b"]))
        );
        assert_eq!(c("strlen", &[st("héllo")]), Ok(num(5.0)));
        assert_eq!(
            c("urlencode", &[st("Hello World!")]),
            Ok(st("Hello+World%21"))
        );
        assert_eq!(
            c("sha256", &[st("hello world")]),
            Ok(st(
                "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
            ))
        );
        assert_eq!(
            c("md5", &[st("hello world")]),
            Ok(st("5eb63bbbe01eeed093cb22bb8f5acdc3"))
        );
        assert_eq!(
            c("sha1", &[st("hello world")]),
            Ok(st("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"))
        );
        assert!(c("sha512", &[st("hello world")])
            .is_ok_and(|v| v.as_str().is_some_and(|x| x
                .starts_with("309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f"))));
        let rows = c("csvdecode", &[st("a,b,c\n1,2,3\n4,5,6\n")]).expect("csv");
        assert_eq!(
            rows,
            Value::List(vec![
                Value::Map(BTreeMap::from([
                    ("a".into(), st("1")),
                    ("b".into(), st("2")),
                    ("c".into(), st("3"))
                ])),
                Value::Map(BTreeMap::from([
                    ("a".into(), st("4")),
                    ("b".into(), st("5")),
                    ("c".into(), st("6"))
                ])),
            ])
        );
        assert_eq!(
            c("cidrhost", &[st("10.12.112.0/20"), num(16.0)]),
            Ok(st("10.12.112.16"))
        );
        assert_eq!(
            c("cidrhost", &[st("10.12.112.0/20"), num(268.0)]),
            Ok(st("10.12.113.12"))
        );
        assert_eq!(
            c(
                "cidrhost",
                &[st("fd00:fd12:3456:7890:00a2::/72"), num(34.0)]
            ),
            Ok(st("fd00:fd12:3456:7890::22"))
        );
        assert_eq!(
            c("cidrnetmask", &[st("172.16.0.0/12")]),
            Ok(st("255.240.0.0"))
        );
        assert_eq!(
            c("cidrsubnet", &[st("172.16.0.0/12"), num(4.0), num(2.0)]),
            Ok(st("172.18.0.0/16"))
        );
        assert_eq!(
            c("cidrsubnet", &[st("10.1.2.0/24"), num(4.0), num(15.0)]),
            Ok(st("10.1.2.240/28"))
        );
        assert_eq!(
            c(
                "cidrsubnet",
                &[st("fd00:fd12:3456:7890::/56"), num(16.0), num(162.0)]
            ),
            Ok(st("fd00:fd12:3456:7800:a200::/72"))
        );
        assert_eq!(
            c(
                "cidrsubnets",
                &[st("10.1.0.0/16"), num(4.0), num(4.0), num(8.0), num(4.0)]
            ),
            Ok(l(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ]))
        );
        assert_eq!(
            c("timeadd", &[st("2017-11-22T00:00:00Z"), st("10m")]),
            Ok(st("2017-11-22T00:10:00Z"))
        );
        assert_eq!(
            c(
                "formatdate",
                &[st("DD MMM YYYY hh:mm ZZZ"), st("2018-01-02T23:12:01Z")]
            ),
            Ok(st("02 Jan 2018 23:12 UTC"))
        );
        assert_eq!(
            c(
                "formatdate",
                &[
                    st("EEEE, DD-MMM-YY hh:mm:ss ZZZ"),
                    st("2018-01-02T23:12:01Z")
                ]
            ),
            Ok(st("Tuesday, 02-Jan-18 23:12:01 UTC"))
        );
        assert_eq!(
            c(
                "formatdate",
                &[
                    st("EEE, DD MMM YYYY hh:mm:ss ZZZ"),
                    st("2018-01-02T23:12:01-08:00")
                ]
            ),
            Ok(st("Tue, 02 Jan 2018 23:12:01 -0800"))
        );
        assert_eq!(
            c(
                "formatdate",
                &[st("MMM DD, YYYY"), st("2018-01-02T23:12:01Z")]
            ),
            Ok(st("Jan 02, 2018"))
        );
        assert_eq!(
            c("formatdate", &[st("HH:mmaa"), st("2018-01-02T23:12:01Z")]),
            Ok(st("11:12pm"))
        );
        assert_eq!(
            c(
                "formatdate",
                &[st("h 'o''clock'"), st("2018-01-02T23:12:01Z")]
            ),
            Ok(st("23 o'clock"))
        );
    }

    #[test]
    fn argument_errors() {
        assert!(c("cidrhost", &[st("10.0.0.0/30"), num(9.0)]).is_err());
        assert!(c("cidrsubnet", &[st("10.0.0.0/30"), num(8.0), num(0.0)]).is_err());
        assert!(c("cidrhost", &[st("nonsense"), num(1.0)]).is_err());
        assert!(c("timeadd", &[st("yesterday"), st("1h")]).is_err());
        assert!(c("setproduct", &[l(&["a"])]).is_err());
    }

    /// Every function of Nomad 2.0's table, called once through the same
    /// entry point the evaluator uses (`try` and `can` are evaluated lazily
    /// by the evaluator itself and are called from a job file below). The
    /// functions listed in `NOT_YET` answer that they are not implemented.
    #[test]
    fn every_function_of_nomads_table_is_called() {
        const NOT_YET: &[&str] = &[
            "bcrypt",
            "rsadecrypt",
            "yamldecode",
            "yamlencode",
            "fileset",
            "convert",
        ];
        let mut mem = crate::vfs::MemVfs::new("t");
        mem.insert("repo/x.txt", "hi");
        let env = super::super::functions::FnEnv {
            vfs: Some(&mem),
            base_dir: Some(std::path::Path::new("repo")),
            repo_root: Some(std::path::Path::new("repo")),
        };
        let args = |name: &str| -> Vec<Value> {
            let two = || vec![l(&["a", "b"]), l(&["b", "c"])];
            match name {
                "abs" | "ceil" | "floor" | "signum" => vec![num(-1.5)],
                "chunklist" => vec![l(&["a", "b", "c"]), num(2.0)],
                "cidrhost" => vec![st("10.0.0.0/8"), num(1.0)],
                "cidrnetmask" => vec![st("10.0.0.0/8")],
                "cidrsubnet" => vec![st("10.0.0.0/8"), num(8.0), num(1.0)],
                "cidrsubnets" => vec![st("10.0.0.0/8"), num(8.0), num(8.0)],
                "coalesce" => vec![st(""), st("a")],
                "coalescelist" | "concat" | "setintersection" | "setproduct" | "setunion" => two(),
                "compact" | "distinct" | "flatten" | "reverse" | "sort" => vec![l(&["b", "", "a"])],
                "contains" | "index" => vec![l(&["a", "b"]), st("b")],
                "csvdecode" => vec![st("a\n1\n")],
                "element" => vec![l(&["a", "b"]), num(3.0)],
                "format" => vec![st("%s-%d"), st("a"), num(1.0)],
                "formatdate" => vec![st("YYYY"), st("2020-01-01T00:00:00Z")],
                "formatlist" => vec![st("%s!"), l(&["a", "b"])],
                "indent" => vec![num(2.0), st("a\nb")],
                "join" => vec![st(","), l(&["a", "b"])],
                "jsondecode" => vec![st("{\"a\":1}")],
                "keys" | "values" | "length" => {
                    vec![Value::Map(BTreeMap::from([("a".into(), st("1"))]))]
                }
                "log" => vec![num(8.0), num(2.0)],
                "pow" => vec![num(2.0), num(3.0)],
                "lookup" => vec![Value::Map(BTreeMap::from([("a".into(), st("1"))])), st("a")],
                "max" | "min" => vec![num(1.0), num(2.0)],
                "merge" => vec![
                    Value::Map(BTreeMap::new()),
                    Value::Map(BTreeMap::from([("a".into(), st("1"))])),
                ],
                "parseint" => vec![st("ff"), num(16.0)],
                "range" => vec![num(3.0)],
                "replace" | "regex_replace" => vec![st("abc"), st("b"), st("x")],
                "slice" => vec![l(&["a", "b", "c"]), num(0.0), num(2.0)],
                "split" => vec![st(","), st("a,b")],
                "substr" => vec![st("hello"), num(1.0), num(3.0)],
                "timeadd" => vec![st("2020-01-01T00:00:00Z"), st("1h")],
                "trim" => vec![st("?!a?!"), st("?!")],
                "trimprefix" | "trimsuffix" => vec![st("ab"), st("a")],
                "uuidv5" => vec![st("dns"), st("example.com")],
                "uuidv4" => vec![],
                "zipmap" => vec![l(&["a"]), l(&["1"])],
                "file" | "filebase64" | "fileexists" | "abspath" | "basename" | "dirname"
                | "pathexpand" => vec![st("x.txt")],
                "fileset" => vec![st("."), st("*.txt")],
                "jsonencode" | "yamlencode" => vec![l(&["a"])],
                "yamldecode" => vec![st("a: 1")],
                "bcrypt" | "rsadecrypt" => vec![st("x"), st("y")],
                "convert" => vec![st("x")],
                "base64decode" => vec![st("aGk=")],
                _ => vec![st("Hello World")],
            }
        };
        for name in NOMAD_2_0_TABLE {
            if *name == "try" || *name == "can" {
                continue;
            }
            let r = super::super::functions::call(&env, name, args(name));
            if NOT_YET.contains(name) {
                assert_eq!(
                    r,
                    Err(format!(
                        "function \"{name}\" is not implemented by nomad-preflight yet"
                    ))
                );
            } else {
                assert!(r.is_ok(), "{name}: {r:?}");
            }
        }
        let p = crate::jobspec::tests::load_text(
            "job \"j\" {\n  meta {\n    a = try(parseint(\"x\", 10), \"fallback\")\n    b = can(parseint(\"x\", 10))\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n",
        );
        let job = p.job.expect("job");
        assert_eq!(job.meta["a"], "fallback");
        assert_eq!(job.meta["b"], "false");
    }
}
