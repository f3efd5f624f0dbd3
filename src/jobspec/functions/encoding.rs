//! Encoding functions: JSON, base64, URL encoding, CSV decoding.

use super::*;

pub(super) fn call(_env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "jsonencode" => Ok(Value::String(crate::jobspec::format::cty_json(arg(a, 0)?))),
        "jsondecode" => {
            let j: serde_json::Value =
                serde_json::from_str(&s(arg(a, 0)?)?).map_err(|e| e.to_string())?;
            Ok(from_json(j))
        }
        "base64encode" => Ok(Value::String(b64_encode(s(arg(a, 0)?)?.as_bytes()))),
        "base64decode" => {
            let bytes = b64_decode(&s(arg(a, 0)?)?).ok_or("invalid base64 data")?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| "the result is not valid UTF-8".into())
        }
        "urlencode" => Ok(Value::String(urlencode(&s(arg(a, 0)?)?))),
        "csvdecode" => Ok(csvdecode(&s(arg(a, 0)?)?)?),
        _ => Err(Miss::Skip),
    }
}

pub fn from_json(j: serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(x) => Value::Number(x.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(x) => Value::String(x),
        serde_json::Value::Array(l) => Value::List(l.into_iter().map(from_json).collect()),
        serde_json::Value::Object(m) => {
            Value::Map(m.into_iter().map(|(k, v)| (k, from_json(v))).collect())
        }
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn b64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub(super) fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
    {
        let v = B64.iter().position(|x| *x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
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
