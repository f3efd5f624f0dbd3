//! `rsadecrypt(ciphertext, privatekey)` as go-cty-funcs `crypto/rsa.go`
//! does it: base64 ciphertext, the first PEM block of the key (its type
//! is not checked), refused when `Proc-Type: 4,ENCRYPTED`, read as PKCS #1
//! whatever its label, and decrypted with PKCS #1 v1.5 padding. The `rsa`
//! crate does the number theory (a maintained, audited implementation
//! beats our own for key material); the framing and texts are Go's.

use rsa::pkcs1::DecodeRsaPrivateKey;

pub(super) fn decrypt(ciphertext: &str, key: &str) -> Result<String, String> {
    let data = super::encoding::b64_decode(ciphertext).ok_or_else(|| {
        format!("failed to decode input {ciphertext:?}: cipher text must be base64-encoded")
    })?;
    let block = pem_decode(key).ok_or("failed to parse key: no key found")?;
    if block.encrypted {
        return Err("failed to parse key: password protected keys are not supported. Please decrypt the key prior to use".into());
    }
    let private = rsa::RsaPrivateKey::from_pkcs1_der(&block.der).map_err(|_| {
        if rsa::pkcs8::PrivateKeyInfo::try_from(block.der.as_slice()).is_ok() {
            "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)".to_string()
        } else {
            "x509: failed to parse private key".to_string()
        }
    })?;
    let plain = private
        .decrypt(rsa::Pkcs1v15Encrypt, &data)
        .map_err(|_| "crypto/rsa: decryption error".to_string())?;
    // cty strings hold UTF-8; Go's string(out) keeps the bytes and cty
    // normalises them, so invalid sequences become U+FFFD either way.
    Ok(String::from_utf8_lossy(&plain).into_owned())
}

struct PemBlock {
    der: Vec<u8>,
    encrypted: bool,
}

/// Go's `pem.Decode`: the first `-----BEGIN X-----` ... `-----END X-----`
/// block anywhere in the text, its `Key: value` headers, then base64 lines.
fn pem_decode(text: &str) -> Option<PemBlock> {
    let mut rest = text;
    loop {
        let at = rest.find("-----BEGIN ")?;
        let after = &rest[at + "-----BEGIN ".len()..];
        let label_end = after.find("-----")?;
        let label = &after[..label_end];
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let (body, ok) = match body_start.find(&end_marker) {
            Some(e) => (&body_start[..e], !label.contains('\n')),
            None => ("", false),
        };
        if ok {
            if let Some(block) = pem_body(body) {
                return Some(block);
            }
        }
        rest = after;
    }
}

fn pem_body(body: &str) -> Option<PemBlock> {
    let mut encrypted = false;
    let lines = body.lines().skip_while(|l| l.trim().is_empty());
    let mut b64 = String::new();
    let mut in_headers = true;
    for line in lines {
        if in_headers {
            if let Some((k, v)) = line.split_once(':') {
                if k.trim() == "Proc-Type" && v.trim() == "4,ENCRYPTED" {
                    encrypted = true;
                }
                continue;
            }
            in_headers = false;
            if line.trim().is_empty() {
                continue;
            }
        }
        b64.extend(line.chars().filter(|c| !c.is_whitespace()));
    }
    let der = super::encoding::b64_decode(&b64)?;
    Some(PemBlock { der, encrypted })
}
