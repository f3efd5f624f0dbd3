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

/// `time.ParseDuration`, with the reason of a refusal.
pub fn read(s: &str) -> Result<Duration, DurErr> {
    let bad = || DurErr::Invalid;
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Ok(Duration(0));
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or(DurErr::MissingUnit)?;
        let num: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(DurErr::MissingUnit),
            u => return Err(DurErr::UnknownUnit(u.to_string())),
        };
        total += num * mult;
        rest = &rest[unit_end..];
    }
    if total > i64::MAX as f64 {
        return Err(bad());
    }
    let n = total.round() as i64;
    Ok(Duration(if neg { -n } else { n }))
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
