//! Lower-case hex text of bytes, as Go's `hex.EncodeToString` and git write
//! it: one writer for every consumer (the hash functions job files call,
//! a generated check port's label, cache entry names, git object IDs).
//! Written here rather than taken from a crate because the one our
//! dependencies carry (faster-hex, under gix) asks the CPU for its vector
//! features first, which on a virtual machine costs a hook more than all
//! the hex it writes (see `git::hex`).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as hex written into `out`, as far as whole bytes fit; the text
/// written.
pub fn encode_into<'a>(bytes: &[u8], out: &'a mut [u8]) -> &'a str {
    let mut n = 0;
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0xf)];
        n += 2;
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&out[..n]).unwrap_or_default()
}

/// `bytes` as hex.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_two_lower_case_digits() {
        let all: Vec<u8> = (0..=255).collect();
        let text = encode(&all);
        let want: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(text, want);
        let mut buf = [0u8; 512];
        assert_eq!(encode_into(&all, &mut buf), want);
    }

    #[test]
    fn a_short_buffer_takes_whole_bytes_only() {
        let mut buf = [0u8; 5];
        assert_eq!(encode_into(&[0xab, 0xcd, 0xef], &mut buf), "abcd");
        assert_eq!(encode(&[]), "");
    }
}
