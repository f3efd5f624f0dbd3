//! Go's `time.Time` where Nomad's JSON and CLI meet it: the zero time and
//! the RFC 3339 text `encoding/json` writes. One copy for every reader
//! (an import's node events and deployments, its reschedule times, the
//! cron walk and the status views), so they agree on both.

/// `0001-01-01T00:00:00Z`, Go's zero `time.Time`, in Unix seconds.
pub const ZERO_UNIX_SECS: i64 = -62_135_596_800;

/// A time as Go's `time.Time.UnmarshalJSON` reads it (RFC 3339, any
/// fraction): the instant and the UTC offset written, in seconds, which
/// the decoded time keeps (`Z` is UTC) and `Format` prints.
pub fn parse_json_time(text: &str) -> Option<(jiff::Timestamp, i32)> {
    let t: jiff::Timestamp = text.parse().ok()?;
    if text.ends_with(['Z', 'z']) {
        return Some((t, 0));
    }
    let tail = text.get(text.len().checked_sub(6)?..)?;
    let sign = match tail.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = tail.get(1..3)?.parse().ok()?;
    let minutes: i32 = tail.get(4..6)?.parse().ok()?;
    Some((t, sign * (hours * 3600 + minutes * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_offset_is_kept_and_the_zero_time_reads() {
        let (t, off) = parse_json_time("2024-11-30T20:50:00.9+05:30").expect("parses");
        assert_eq!((t.as_second(), off), (1_732_980_000, 19_800));
        let (z, off) = parse_json_time("0001-01-01T00:00:00Z").expect("parses");
        assert_eq!((z.as_second(), off), (ZERO_UNIX_SECS, 0));
        assert_eq!(parse_json_time("yesterday"), None);
    }
}
