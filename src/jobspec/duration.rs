//! Go's `time.ParseDuration`, which Nomad uses for every duration field.

use super::model::Duration;

pub fn parse(s: &str) -> Result<Duration, String> {
    let orig = s;
    let bad = || format!("time: invalid duration \"{orig}\"");
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
            .ok_or_else(|| format!("time: missing unit in duration \"{orig}\""))?;
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
            "" => return Err(format!("time: missing unit in duration \"{orig}\"")),
            u => return Err(format!("time: unknown unit \"{u}\" in duration \"{orig}\"")),
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
}
