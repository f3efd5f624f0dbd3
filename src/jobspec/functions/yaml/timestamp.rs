//! go-cty-yaml's timestamps (resolve.go `parseTimestamp`): a plain
//! scalar that reads as one is the RFC 3339 string cty's stdlib uses for
//! time. Apart from [`super::decode`] for the module's size.

/// go-cty-yaml's `parseTimestamp`: `YYYY-M-D`, with `T`/`t`/space and a
/// time, formatted back as RFC 3339 (`2006-01-02T15:04:05Z07:00`).
pub(super) fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((s.as_bytes()[i], &s[i + 1..]))),
        None => (s, None),
    };
    let mut parts = date.splitn(3, '-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: u32 = short_num(parts.next()?)?;
    let day: u32 = short_num(parts.next()?)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in(year, month) {
        return None;
    }
    let Some((sep, time)) = rest else {
        return Some(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"));
    };
    // With T/t the zone is required (Z or ±hh:mm); with a space there is none.
    let (clock, zone) = if sep == b' ' {
        (time, "Z".to_string())
    } else if let Some(c) = time.strip_suffix('Z') {
        (c, "Z".to_string())
    } else {
        let i = time.rfind(['+', '-'])?;
        let z = &time[i..];
        let (h, m) = z[1..].split_once(':')?;
        if h.len() != 2
            || m.len() != 2
            || h.parse::<u32>().ok()? > 23
            || m.parse::<u32>().ok()? > 59
        {
            return None;
        }
        (
            &time[..i],
            if z == "+00:00" || z == "-00:00" {
                "Z".into()
            } else {
                z.to_string()
            },
        )
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((h, f)) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            (h, Some(f))
        }
        Some(_) => return None,
        None => (clock, None),
    };
    let mut t = hms.splitn(3, ':');
    let h: u32 = short_num(t.next()?)?;
    let mi: u32 = short_num(t.next()?)?;
    let se: u32 = short_num(t.next()?)?;
    if h > 23 || mi > 59 || se > 59 {
        return None;
    }
    // RFC3339 (not Nano): fractional seconds are dropped.
    let _ = frac;
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{mi:02}:{se:02}{zone}"
    ))
}

/// Go's short date/time fields: one or two digits.
fn short_num(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
