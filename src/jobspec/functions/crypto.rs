//! Hashes, UUIDs and keys: `md5`, `sha1`, `sha256`, `sha512`, `uuidv4`,
//! `uuidv5`, `bcrypt`, `rsadecrypt` (go-cty-funcs `crypto`, the same code
//! from the commit Nomad 1.0 pins to v0.1.0 that 2.0 pins).

use super::*;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "uuidv4" => Ok(Value::String(uuid_v4())),
        "uuidv5" => {
            let ns = match s(arg(a, 0)?)?.as_str() {
                "dns" => "6ba7b810-9dad-11d1-80b4-00c04fd430c8".to_string(),
                "url" => "6ba7b811-9dad-11d1-80b4-00c04fd430c8".to_string(),
                "oid" => "6ba7b812-9dad-11d1-80b4-00c04fd430c8".to_string(),
                "x500" => "6ba7b814-9dad-11d1-80b4-00c04fd430c8".to_string(),
                other => other.to_string(),
            };
            // go-cty-funcs' words around google/uuid's Parse error.
            let ns_bytes = parse_uuid(&ns)
                .map_err(|e| format!("uuidv5() doesn't support namespace {ns} ({e})"))?;
            let mut data = ns_bytes.to_vec();
            data.extend_from_slice(s(arg(a, 1)?)?.as_bytes());
            let h = crate::jobspec::sha1::digest(&data);
            let mut u = [0u8; 16];
            u.copy_from_slice(&h[..16]);
            u[6] = (u[6] & 0x0f) | 0x50;
            u[8] = (u[8] & 0x3f) | 0x80;
            Ok(Value::String(fmt_uuid(&u)))
        }
        "bcrypt" => Ok(bcrypt(env, a)?),
        "rsadecrypt" => {
            Ok(super::rsa_decrypt::decrypt(&s(arg(a, 0)?)?, &s(arg(a, 1)?)?).map(Value::String)?)
        }
        "sha256" => Ok(hash(a, |b| {
            crate::hex::encode(&sha2::Sha256::digest_bytes(b))
        })?),
        "sha512" => Ok(hash(a, |b| {
            crate::hex::encode(&sha2::Sha512::digest_bytes(b))
        })?),
        "md5" => Ok(hash(a, |b| crate::hex::encode(&md5::Md5::digest_bytes(b)))?),
        "sha1" => Ok(hash(a, |b| {
            crate::hex::encode(&crate::jobspec::sha1::digest(b))
        })?),
        _ => Err(Miss::Skip),
    }
}

/// `bcrypt(str, cost?)`: golang.org/x/crypto's `GenerateFromPassword`
/// (`$2a$`, a random salt, so each evaluation differs as in Nomad). A cost
/// below 4 means the default 10; above 31 is refused. From x/crypto
/// v0.5.0 (Nomad 1.4.11 and 1.5.0 on: go.mod at each tag) a password over
/// 72 bytes is refused, before that it was truncated; from v0.39.0 (Nomad
/// 1.10.3) the cost error says "inclusive range". Checked against
/// tests/hcl-oracle with the x/crypto each oracle's Nomad pins.
fn bcrypt(env: &FnEnv<'_>, a: &[Value]) -> Res {
    let text = s(arg(a, 0)?)?;
    let mut cost = 10i64;
    if let Some(c) = a.get(1) {
        cost = go_int(c)?;
    }
    if a.len() > 2 {
        return Err("bcrypt() takes no more than two arguments".into());
    }
    let v = env.version;
    let failed = |e: String| format!("error occured generating password {e}");
    let refuses_long = v.at_least(1, 5, 0) || (v.major == 1 && v.minor == 4 && v.patch >= 11);
    if text.len() > 72 && refuses_long {
        return Err(failed("bcrypt: password length exceeds 72 bytes".into()));
    }
    if cost < 4 {
        cost = 10;
    }
    if cost > 31 {
        return Err(failed(if v.at_least(1, 10, 3) {
            format!("crypto/bcrypt: cost {cost} is outside allowed inclusive range 4..31")
        } else {
            format!("crypto/bcrypt: cost {cost} is outside allowed range (4,31)")
        }));
    }
    // GenerateFromPassword draws a 16-byte salt from crypto/rand, so the
    // hash Nomad computes is a value no one can foresee: the job differs
    // on every evaluation whatever we print. Running the key schedule
    // (2^cost rounds: hours at 31) would buy nothing but the wait
    // (redteam10 R10-3), so the answer is a well-formed `$2a$` hash of
    // this cost over a random salt and random digest: 60 characters, as
    // Go's, without the work. It does not verify the password; nothing
    // nomad-preflight reports depends on that.
    Ok(Value::String(random_hash(cost)))
}

/// `$2a$NN$` then 22 characters of salt and 31 of digest in bcrypt's
/// base64 (x/crypto/bcrypt base64.go: its own alphabet, no padding).
fn random_hash(cost: i64) -> String {
    const ALPHABET: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let encode = |bytes: &[u8], len: usize| -> String {
        let mut out = String::with_capacity(len + 2);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for k in 0..=chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
            }
        }
        out.truncate(len);
        out
    };
    let bytes = random_bytes(16 + 23);
    format!(
        "$2a${cost:02}${}{}",
        encode(&bytes[..16], 22),
        encode(&bytes[16..], 31)
    )
}

/// `n` bytes nobody can predict (std's per-process random hasher keys
/// over the clock): `uuidv4`'s and `bcrypt`'s.
fn random_bytes(n: usize) -> Vec<u8> {
    use std::hash::{BuildHasher, Hasher};
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_usize(out.len());
        out.extend_from_slice(&h.finish().to_le_bytes());
    }
    out.truncate(n);
    out
}

/// google/uuid's `Parse` (v1.3.1 to v1.6.0 alike): 36 characters with
/// dashes at 8, 13, 18 and 23, the same after `urn:uuid:` (any case) or
/// inside one character each side (not checked to be braces), or 32 hex
/// digits; its error texts.
fn parse_uuid(text: &str) -> Result<[u8; 16], String> {
    let b = text.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let pair = |x: usize, s: &[u8]| -> Result<u8, String> {
        match (hex(s[x]), hex(s[x + 1])) {
            (Some(h), Some(l)) => Ok(h << 4 | l),
            _ => Err("invalid UUID format".into()),
        }
    };
    let mut out = [0u8; 16];
    let s: &[u8] = match b.len() {
        36 => b,
        45 => {
            if !b[..9].eq_ignore_ascii_case(b"urn:uuid:") {
                let prefix = crate::gotext::go_quote_bytes(&b[..9]);
                return Err(format!("invalid urn prefix: {prefix}"));
            }
            &b[9..]
        }
        38 => &b[1..],
        32 => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = pair(i * 2, b)?;
            }
            return Ok(out);
        }
        n => return Err(format!("invalid UUID length: {n}")),
    };
    if s[8] != b'-' || s[13] != b'-' || s[18] != b'-' || s[23] != b'-' {
        return Err("invalid UUID format".into());
    }
    let at = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    for (o, x) in out.iter_mut().zip(at) {
        *o = pair(x, s)?;
    }
    Ok(out)
}

fn fmt_uuid(u: &[u8; 16]) -> String {
    let h = crate::hex::encode(u);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Random per evaluation, as in Nomad (each parse yields a new UUID).
fn uuid_v4() -> String {
    let mut u = [0u8; 16];
    u.copy_from_slice(&random_bytes(16));
    u[6] = (u[6] & 0x0f) | 0x40;
    u[8] = (u[8] & 0x3f) | 0x80;
    fmt_uuid(&u)
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

#[cfg(test)]
mod tests {
    use super::super::tests::{c, num, st};
    use super::super::*;

    #[test]
    fn bcrypt_hashes_as_go_and_refuses_go_s_limits() {
        let h = c("bcrypt", &[st("hello world")]);
        let Ok(Value::String(h)) = h else {
            panic!("{h:?}")
        };
        // $2a$, the default cost 10, 22 salt and 31 hash characters.
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
        // bcrypt's own reader takes it (a 16-byte salt, a 23-byte digest);
        // the salt is random, so two calls differ.
        assert!(h.parse::<::bcrypt::HashParts>().is_ok(), "{h}");
        assert_ne!(c("bcrypt", &[st("hello world")]), Ok(Value::String(h)));
        // The highest cost answers at once (redteam10 R10-3: np10 ran 2^31
        // rounds).
        let start = std::time::Instant::now();
        let top = c("bcrypt", &[st("x"), num(31.0)]);
        assert!(
            matches!(&top, Ok(Value::String(x)) if x.starts_with("$2a$31$") && x.len() == 60),
            "{top:?}"
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        let low = c("bcrypt", &[st("x"), num(2.0)]);
        assert!(
            matches!(&low, Ok(Value::String(x)) if x.starts_with("$2a$10$")),
            "{low:?}"
        );
        assert_eq!(
            c("bcrypt", &[st("x"), num(32.0)]),
            Err("error occured generating password crypto/bcrypt: cost 32 is outside allowed inclusive range 4..31".into())
        );
        let old = FnEnv {
            version: crate::version::NomadVersion::new(1, 6, 0),
            ..FnEnv::default()
        };
        assert_eq!(
            call(&old, "bcrypt", vec![st("x"), num(32.0)]),
            Err("error occured generating password crypto/bcrypt: cost 32 is outside allowed range (4,31)".into())
        );
        let long = "a".repeat(73);
        assert_eq!(
            c("bcrypt", &[st(&long)]),
            Err(
                "error occured generating password bcrypt: password length exceeds 72 bytes".into()
            )
        );
        // x/crypto v0.5.0 came with Nomad 1.4.11 on the 1.4 line.
        let at = |minor, patch| FnEnv {
            version: crate::version::NomadVersion::new(1, minor, patch),
            ..FnEnv::default()
        };
        assert!(call(&at(4, 10), "bcrypt", vec![st(&long), num(4.0)]).is_ok());
        assert!(call(&at(4, 11), "bcrypt", vec![st(&long), num(4.0)]).is_err());
        assert_eq!(
            c("bcrypt", &[st("x"), num(4.0), num(5.0)]),
            Err("bcrypt() takes no more than two arguments".into())
        );
    }
}
