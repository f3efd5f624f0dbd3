//! Go's `time.ParseDuration`, which Nomad uses for every duration field.

use super::model::Duration;

pub fn parse(s: &str) -> Result<Duration, String> {
    read(s).map_err(|e| e.text(s, true))
}

/// Why `time.ParseDuration` refuses a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurErr {
    Invalid,
    MissingUnit,
    UnknownUnit(String),
}

impl DurErr {
    /// Go's text. Go 1.15 put the value and the unit in quotes
    /// (golang/go#38295); every Nomad before 1.0 was built with Go 1.14 or
    /// earlier, whose text has none: `time: invalid duration x`.
    pub fn text(&self, orig: &str, quoted: bool) -> String {
        let q = |t: &str| {
            if quoted {
                format!("\"{t}\"")
            } else {
                t.to_string()
            }
        };
        match self {
            DurErr::Invalid => format!("time: invalid duration {}", q(orig)),
            DurErr::MissingUnit => format!("time: missing unit in duration {}", q(orig)),
            DurErr::UnknownUnit(u) => {
                format!("time: unknown unit {} in duration {}", q(u), q(orig))
            }
        }
    }
}

/// `time.ParseDuration`, with the reason of a refusal: Go's own integer
/// arithmetic (time/format.go, Go 1.18+: nanoseconds held in a uint64,
/// refused past 1<<63, a positive total past MaxInt64; the fraction a
/// float64 scaled by the unit). So "9223372036854775808ns" is refused as
/// an overflow, not read as the largest duration. Go before 1.18 (Nomad
/// before 1.3) also refused "-9223372036854775808ns", which 1.18 accepts
/// (golang/go#48629); that one value follows 1.18.
pub fn read(s: &str) -> Result<Duration, DurErr> {
    const LIMIT: u64 = 1 << 63;
    let bad = || DurErr::Invalid;
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(Duration(0));
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut d: u64 = 0;
    while !rest.is_empty() {
        let b = rest.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(bad());
        }
        // leadingInt: refused past 1<<63.
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &b[..int_len] {
            if v > LIMIT / 10 {
                return Err(bad());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return Err(bad());
            }
        }
        rest = &rest[int_len..];
        // leadingFraction: stops gaining precision where it would overflow.
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if rest.as_bytes().first() == Some(&b'.') {
            rest = &rest[1..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in rest.bytes().take(digits) {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = digits > 0;
            rest = &rest[digits..];
        }
        if int_len == 0 && !post {
            return Err(bad());
        }
        let unit_len = rest
            .bytes()
            .take_while(|c| !(*c == b'.' || c.is_ascii_digit()))
            .count();
        if unit_len == 0 {
            return Err(DurErr::MissingUnit);
        }
        let u = &rest[..unit_len];
        rest = &rest[unit_len..];
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            u => return Err(DurErr::UnknownUnit(u.to_string())),
        };
        if v > LIMIT / unit {
            return Err(bad());
        }
        v *= unit;
        if f > 0 {
            // Go's uint64(float64(f) * (float64(unit) / scale)): truncated.
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(bad());
            }
        }
        d += v;
        if d > LIMIT {
            return Err(bad());
        }
    }
    if neg {
        // -(1<<63) is i64::MIN itself.
        return Ok(Duration((d as i64).wrapping_neg()));
    }
    if d > LIMIT - 1 {
        return Err(bad());
    }
    Ok(Duration(d as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse("10s"), Ok(Duration::secs(10)));
        assert_eq!(parse("1h30m"), Ok(Duration::mins(90)));
        assert_eq!(parse("1.5s"), Ok(Duration(1_500_000_000)));
        assert_eq!(parse("250ms"), Ok(Duration(250_000_000)));
        assert_eq!(parse("0"), Ok(Duration(0)));
        assert!(parse("10").is_err());
        assert!(parse("5 minutes").is_err());
        assert!(parse("").is_err());
        assert_eq!(parse(".5s"), Ok(Duration(500_000_000)));
        assert_eq!(parse("1.0000000001h"), Ok(Duration(3_600_000_000_360)));
    }

    #[test]
    fn overflow_is_gos_invalid_duration() {
        // time/format.go ParseDuration (Go 1.18+): a positive total past
        // MaxInt64 is refused; the minimum negative one is not.
        assert_eq!(parse("9223372036854775807ns"), Ok(Duration(i64::MAX)));
        assert_eq!(
            parse("9223372036854775808ns"),
            Err("time: invalid duration \"9223372036854775808ns\"".into())
        );
        assert_eq!(parse("-9223372036854775808ns"), Ok(Duration(i64::MIN)));
        assert_eq!(
            parse("2562048h"),
            Err("time: invalid duration \"2562048h\"".into())
        );
        assert_eq!(parse("2562047h47m16.854775807s"), Ok(Duration(i64::MAX)));
        assert!(parse("2562047h47m16.854775808s").is_err());
        assert!(parse("99999999999999999999ns").is_err());
        // Go's unit follows the number's last digit or dot.
        assert_eq!(
            parse("1..2s"),
            Err("time: missing unit in duration \"1..2s\"".into())
        );
        assert_eq!(parse("."), Err("time: invalid duration \".\"".into()));
    }

    #[test]
    fn go_before_1_15_quotes_nothing() {
        assert_eq!(
            read("2x").map_err(|e| e.text("2x", false)),
            Err("time: unknown unit x in duration 2x".to_string())
        );
        assert_eq!(
            parse("2x"),
            Err("time: unknown unit \"x\" in duration \"2x\"".into())
        );
        assert_eq!(
            read("5").map_err(|e| e.text("5", false)),
            Err("time: missing unit in duration 5".to_string())
        );
        assert_eq!(
            read("").map_err(|e| e.text("", false)),
            Err("time: invalid duration ".to_string())
        );
    }
}
