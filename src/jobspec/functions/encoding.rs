//! Encoding functions: JSON, base64, URL encoding (CSV decoding: csv.rs).

use super::*;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "jsonencode" => Ok(Value::String(crate::jobspec::cty_json::cty_json(arg(
            a, 0,
        )?)?)),
        "jsondecode" => Ok(super::json_decode::decode(
            &s(arg(a, 0)?)?,
            super::params::cty_release(env.version),
        )?),
        "base64encode" => Ok(Value::String(b64_encode(s(arg(a, 0)?)?.as_bytes()))),
        "base64decode" => {
            // go-cty-funcs' words (encoding/base64.go, "the the" included).
            let text = s(arg(a, 0)?)?;
            let bytes = b64_decode(&text)
                .ok_or_else(|| format!("failed to decode base64 data '{text}'"))?;
            String::from_utf8(bytes).map(Value::String).map_err(|_| {
                "the result of decoding the the provided string is not valid UTF-8".into()
            })
        }
        "urlencode" => Ok(Value::String(urlencode(&s(arg(a, 0)?)?))),
        "csvdecode" => super::csv::csvdecode(env, &s(arg(a, 0)?)?),
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

/// Go's `base64.StdEncoding.DecodeString`: `\r` and `\n` are skipped
/// anywhere; the rest must be whole quanta of four, with `=` padding only
/// at the end of the last (`xx==`, `xxx=`). Anything else is refused, as
/// Go refuses it (go-cty-funcs then says `failed to decode base64 data`).
pub(super) fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    if clean.len() % 4 != 0 {
        return None;
    }
    let quanta = clean.len() / 4;
    let mut out = Vec::with_capacity(quanta * 3);
    for (i, quad) in clean.chunks(4).enumerate() {
        let data = match quad.iter().position(|b| *b == b'=') {
            None => 4,
            Some(p) if i + 1 == quanta && p >= 2 && quad[p..].iter().all(|b| *b == b'=') => p,
            Some(_) => return None,
        };
        let mut acc = 0u32;
        for c in &quad[..data] {
            acc = (acc << 6) | B64.iter().position(|x| x == c)? as u32;
        }
        acc <<= 6 * (4 - data as u32);
        out.extend_from_slice(&acc.to_be_bytes()[1..data]);
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
