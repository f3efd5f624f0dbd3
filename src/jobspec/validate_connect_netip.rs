//! Go's `netip.ParsePrefix` (and the `ParseAddr` under it), for the error
//! text Nomad quotes when a transparent proxy's `exclude_outbound_cidrs`
//! entry does not parse. Read from Go's net/netip/netip.go as of the
//! toolchains Nomad 1.8+ builds with: the prefix bits take no sign or
//! leading zero from Go 1.22 on. Go 1.23 (Nomad 1.9.0 on) changed two
//! things, read in Go 1.22.12's and 1.23.5's sources:
//! - an IPv6 group of more than four hex digits is refused (`each group
//!   must have 4 or less digits`); Go 1.22 took any group whose value fits
//!   16 bits (`00001::`), and words a larger one `IPv6 field has value
//!   >=2^16`;
//! - an embedded IPv4 tail's error names the whole address; Go 1.22 nests
//!   the tail's own `ParseAddr` error inside the address's, at the tail.

use crate::gorelease::GoRelease;
use crate::gotext::go_quote;

/// What the Go release reads differently (module notes).
#[derive(Debug, Clone, Copy)]
struct Dialect {
    /// Go 1.23+: five hex digits are too many, whatever their value.
    four_digit_groups: bool,
    /// Go 1.23+: an embedded IPv4 error names the whole input.
    flat_v4_errors: bool,
}

impl Dialect {
    fn of(go: GoRelease) -> Dialect {
        let go_1_23 = go >= (1, 23, 0);
        Dialect {
            four_digit_groups: go_1_23,
            flat_v4_errors: go_1_23,
        }
    }
}

/// `parseAddrError`: the message and, optionally, the unparsed rest.
fn addr_error(input: &str, msg: &str, at: &str) -> String {
    if at.is_empty() {
        format!("ParseAddr({}): {msg}", go_quote(input))
    } else {
        format!(
            "ParseAddr({}): {msg} (at {})",
            go_quote(input),
            go_quote(at)
        )
    }
}

/// `parseIPv4Fields` over `s`, errors naming `input`.
fn ipv4(input: &str, s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let (mut val, mut pos, mut digits) = (0u32, 0, 0);
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            if digits == 1 && val == 0 {
                return Err(addr_error(
                    input,
                    "IPv4 field has octet with leading zero",
                    "",
                ));
            }
            val = val * 10 + u32::from(c - b'0');
            digits += 1;
            if val > 255 {
                return Err(addr_error(input, "IPv4 field has value >255", ""));
            }
        } else if c == b'.' {
            if i == 0 || i == b.len() - 1 || b[i - 1] == b'.' {
                let msg = "IPv4 field must have at least one digit";
                return Err(addr_error(input, msg, &s[i..]));
            }
            if pos == 3 {
                return Err(addr_error(input, "IPv4 address too long", ""));
            }
            pos += 1;
            val = 0;
            digits = 0;
        } else {
            return Err(addr_error(input, "unexpected character", &s[i..]));
        }
    }
    if pos < 3 {
        return Err(addr_error(input, "IPv4 address too short", ""));
    }
    Ok(())
}

/// `parseIPv6`: whether it parsed with a zone, or the error.
fn ipv6(input: &str, d: Dialect) -> Result<bool, String> {
    let (mut s, zone) = match input.find('%') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => (input, ""),
    };
    if input.contains('%') && zone.is_empty() {
        return Err(addr_error(input, "zone must be a non-empty string", ""));
    }
    let has_zone = !zone.is_empty();
    let mut ellipsis: Option<usize> = None;
    if s.starts_with("::") {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Ok(has_zone);
        }
    }
    let mut i = 0;
    while i < 16 {
        let b = s.as_bytes();
        let mut off = 0;
        let mut acc: u32 = 0;
        while off < b.len() {
            let Some(digit) = (b[off] as char).to_digit(16) else {
                break;
            };
            acc = (acc << 4) + digit;
            if off > 3 && d.four_digit_groups {
                return Err(addr_error(
                    input,
                    "each group must have 4 or less digits",
                    s,
                ));
            }
            if acc > 0xffff {
                return Err(addr_error(input, "IPv6 field has value >=2^16", s));
            }
            off += 1;
        }
        if off == 0 {
            let msg = "each colon-separated field must have at least one digit";
            return Err(addr_error(input, msg, s));
        }
        if off < b.len() && b[off] == b'.' {
            if ellipsis.is_none() && i != 12 {
                let msg = "embedded IPv4 address must replace the final 2 fields of the address";
                return Err(addr_error(input, msg, s));
            }
            if i + 4 > 16 {
                let msg = "too many hex fields to fit an embedded IPv4 at the end of the address";
                return Err(addr_error(input, msg, s));
            }
            if d.flat_v4_errors {
                ipv4(input, s)?;
            } else {
                ipv4(s, s).map_err(|e| addr_error(input, &e, s))?;
            }
            s = "";
            i += 4;
            break;
        }
        i += 2;
        s = &s[off..];
        if s.is_empty() {
            break;
        }
        if !s.starts_with(':') {
            return Err(addr_error(input, "unexpected character, want colon", s));
        } else if s.len() == 1 {
            let msg = "colon must be followed by more characters";
            return Err(addr_error(input, msg, s));
        }
        s = &s[1..];
        if s.starts_with(':') {
            if ellipsis.is_some() {
                return Err(addr_error(input, "multiple :: in address", s));
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return Err(addr_error(input, "trailing garbage after address", s));
    }
    if i < 16 && ellipsis.is_none() {
        return Err(addr_error(input, "address string too short", ""));
    }
    if i >= 16 && ellipsis.is_some() {
        let msg = "the :: must expand to at least one field of zeros";
        return Err(addr_error(input, msg, ""));
    }
    Ok(has_zone)
}

/// `ParseAddr`: `Some(zoned)` for IPv6, `None` for IPv4, or the error.
fn parse_addr(s: &str, d: Dialect) -> Result<Option<bool>, String> {
    for c in s.bytes() {
        match c {
            b'.' => return ipv4(s, s).map(|()| None),
            b':' => return ipv6(s, d).map(Some),
            b'%' => return Err(addr_error(s, "missing IPv6 address", "")),
            _ => {}
        }
    }
    Err(addr_error(s, "unable to parse IP", ""))
}

/// `netip.ParsePrefix(s)`'s error text under Go `go`, or `None` when `s`
/// parses.
pub(super) fn parse_prefix_error(s: &str, go: GoRelease) -> Option<String> {
    let fail = |msg: &str| Some(format!("netip.ParsePrefix({}): {msg}", go_quote(s)));
    let Some(i) = s.rfind('/') else {
        return fail("no '/'");
    };
    let v6 = match parse_addr(&s[..i], Dialect::of(go)) {
        Ok(v6) => v6,
        Err(e) => return fail(&e),
    };
    if v6 == Some(true) {
        return fail("IPv6 zones cannot be present in a prefix");
    }
    let bits = &s[i + 1..];
    let bad = || fail(&format!("bad bits after slash: {}", go_quote(bits)));
    let first = bits.as_bytes().first().copied().unwrap_or(b'0');
    if bits.len() > 1 && !(b'1'..=b'9').contains(&first) {
        return bad();
    }
    // strconv.Atoi: an optional sign and digits, within an int.
    let digits = bits.strip_prefix(['+', '-']).unwrap_or(bits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return bad();
    }
    let Ok(n) = bits.parse::<i64>() else {
        return bad();
    };
    let max = if v6.is_some() { 128 } else { 32 };
    if (0..=max).contains(&n) {
        None
    } else {
        fail("prefix length out of range")
    }
}

#[cfg(test)]
mod tests {
    use super::parse_prefix_error as under;
    use crate::gorelease::GoRelease;

    /// Nomad 1.9.0's Go.
    const GO_1_23: GoRelease = (1, 23, 2);
    /// Nomad 1.8.4's Go.
    const GO_1_22: GoRelease = (1, 22, 6);

    fn parse_prefix_error(s: &str) -> Option<String> {
        under(s, GO_1_23)
    }

    /// Go's netip_test.go `TestParsePrefixError` cases.
    #[test]
    fn prefix_errors_are_gos() {
        for ok in [
            "10.0.0.0/8",
            "::1/128",
            "::/0",
            "1.2.3.4/0",
            "::ffff:1.2.3.4/96",
        ] {
            assert_eq!(parse_prefix_error(ok), None, "{ok}");
        }
        let cases = [
            ("192.168.0.0", "no '/'"),
            ("1.1.1.0/q", "bad bits after slash: \"q\""),
            ("1.1.1.0/-1", "bad bits after slash: \"-1\""),
            ("1.1.1.0/08", "bad bits after slash: \"08\""),
            ("1.1.1.0/33", "prefix length out of range"),
            ("2001::/129", "prefix length out of range"),
            (
                "fe80::1%eth0/64",
                "IPv6 zones cannot be present in a prefix",
            ),
            ("1.2.3/8", "ParseAddr(\"1.2.3\"): IPv4 address too short"),
            (
                "01.2.3.4/8",
                "ParseAddr(\"01.2.3.4\"): IPv4 field has octet with leading zero",
            ),
            (
                "1.2.3.256/8",
                "ParseAddr(\"1.2.3.256\"): IPv4 field has value >255",
            ),
            (
                "1..2.3/8",
                "ParseAddr(\"1..2.3\"): IPv4 field must have at least one digit (at \".2.3\")",
            ),
            ("abc/8", "ParseAddr(\"abc\"): unable to parse IP"),
            ("1:2:3/8", "ParseAddr(\"1:2:3\"): address string too short"),
            (
                "12345::/8",
                "ParseAddr(\"12345::\"): each group must have 4 or less digits (at \"12345::\")",
            ),
        ];
        for (input, msg) in cases {
            let want = format!("netip.ParsePrefix(\"{input}\"): {msg}");
            assert_eq!(
                parse_prefix_error(input).as_deref(),
                Some(want.as_str()),
                "{input}"
            );
        }
    }

    /// Go 1.22 (Nomad 1.8) took a long group whose value fits and nested
    /// an embedded IPv4 error; 1.23 refuses the one and flattens the other
    /// (netip.go of Go 1.22.12 and 1.23.5).
    #[test]
    fn go_1_22_reads_groups_by_value_and_nests_ipv4_errors() {
        assert_eq!(under("00001::/64", GO_1_22), None);
        assert_eq!(
            under("00001::/64", GO_1_23).as_deref(),
            Some("netip.ParsePrefix(\"00001::/64\"): ParseAddr(\"00001::\"): each group must have 4 or less digits (at \"00001::\")")
        );
        assert_eq!(
            under("12345::/8", GO_1_22).as_deref(),
            Some("netip.ParsePrefix(\"12345::/8\"): ParseAddr(\"12345::\"): IPv6 field has value >=2^16 (at \"12345::\")")
        );
        assert_eq!(
            under("::ffff:1.2.3.256/120", GO_1_22).as_deref(),
            Some("netip.ParsePrefix(\"::ffff:1.2.3.256/120\"): ParseAddr(\"::ffff:1.2.3.256\"): ParseAddr(\"1.2.3.256\"): IPv4 field has value >255 (at \"1.2.3.256\")")
        );
        assert_eq!(
            under("::ffff:1.2.3.256/120", GO_1_23).as_deref(),
            Some("netip.ParsePrefix(\"::ffff:1.2.3.256/120\"): ParseAddr(\"::ffff:1.2.3.256\"): IPv4 field has value >255")
        );
        assert_eq!(
            under("::ffff:1..3.4/120", GO_1_22).as_deref(),
            Some("netip.ParsePrefix(\"::ffff:1..3.4/120\"): ParseAddr(\"::ffff:1..3.4\"): ParseAddr(\"1..3.4\"): IPv4 field must have at least one digit (at \".3.4\") (at \"1..3.4\")")
        );
    }
}
