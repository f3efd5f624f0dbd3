//! Date functions (cty's stdlib): `timeadd`, `formatdate` on RFC 3339
//! timestamps.

use super::*;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "timeadd" => Ok(timeadd(env, a)?),
        "formatdate" => formatdate(env, a),
        _ => Err(Miss::Skip),
    }
}

/// cty's `parseTimestamp` as Nomad `env.version` has it (rfc3339.rs).
fn timestamp(env: &FnEnv<'_>, t: &str) -> Result<(i64, u32, i32), String> {
    let strict = super::params::cty_release(env.version).at_least(1, 13, 0);
    super::rfc3339::parse(t, crate::gorelease::go_of(env.version), strict)
}

pub(super) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Civil {
    y: i64,
    mo: i64,
    d: i64,
    h: i64,
    mi: i64,
    s: i64,
    nanos: u32,
    offset: i32,
    weekday: i64,
}

fn civil(secs: i64, nanos: u32, offset: i32) -> Civil {
    let local = secs + i64::from(offset);
    let days = local.div_euclid(86400);
    let rem = local.rem_euclid(86400);
    let (y, mo, d) = civil_from_days(days);
    Civil {
        y,
        mo,
        d,
        h: rem / 3600,
        mi: rem % 3600 / 60,
        s: rem % 60,
        nanos,
        offset,
        weekday: (days + 4).rem_euclid(7),
    }
}

fn rfc3339(c: &Civil) -> String {
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    );
    if c.nanos > 0 {
        let f = format!("{:09}", c.nanos);
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out.push_str(&offset_text(c.offset, true, "Z"));
    out
}

fn offset_text(o: i32, colon: bool, zulu: &str) -> String {
    if o == 0 && !zulu.is_empty() {
        return zulu.to_string();
    }
    let sign = if o < 0 { '-' } else { '+' };
    let o = o.abs();
    if colon {
        format!("{sign}{:02}:{:02}", o / 3600, o % 3600 / 60)
    } else {
        format!("{sign}{:02}{:02}", o / 3600, o % 3600 / 60)
    }
}

/// cty's `timeadd`: a Go duration added to an RFC 3339 timestamp.
fn timeadd(env: &FnEnv<'_>, a: &[Value]) -> Res {
    let (secs, nanos, offset) = timestamp(env, &s(arg(a, 0)?)?)?;
    let dur = crate::jobspec::duration::parse(&s(arg(a, 1)?)?)?;
    let total = i128::from(secs) * 1_000_000_000 + i128::from(nanos) + i128::from(dur.nanos());
    let secs = total.div_euclid(1_000_000_000) as i64;
    // time.RFC3339 has no fraction: Go's Format drops it.
    Ok(Value::String(rfc3339(&civil(secs, 0, offset))))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// cty's `formatdate` spec: runs of letters are directives, quoted text
/// is literal ('' is a quote). Its errors are cty's argument errors: the
/// timestamp's first, then the format's.
fn formatdate(env: &FnEnv<'_>, a: &[Value]) -> Try {
    let spec = s(arg(a, 0)?)?;
    let (secs, nanos, offset) = timestamp(env, &s(arg(a, 1)?)?).map_err(|e| Miss::Arg(1, e))?;
    let c = civil(secs, nanos, offset);
    let mut out = String::new();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == '\'' {
            // cty's splitDateFormat token: `''`, or a quote up to its
            // closing quote (doubled quotes inside are escapes), or to the
            // end of the format where none closes it.
            let mut end = chars.len();
            if chars.get(i + 1) == Some(&'\'') {
                end = i + 2;
            } else {
                let mut k = i + 1;
                while k < chars.len() {
                    if chars[k] == '\'' {
                        if k + 1 == chars.len() {
                            // go-cty before 1.7.0 (commit 4cc7873) asks
                            // the scanner for one byte more here even at
                            // EOF, so bufio.Scanner stops and the quoted
                            // literal that ends the format is dropped:
                            // formatdate("YYYY'x'", ...) is "2018".
                            if !super::params::cty_release(env.version).at_least(1, 7, 0) {
                                return Ok(Value::String(out));
                            }
                            end = k + 1;
                            break;
                        }
                        if chars[k + 1] == '\'' {
                            k += 2;
                            continue;
                        }
                        end = k + 1;
                        break;
                    }
                    k += 1;
                }
            }
            let tok = &chars[i..end];
            // FormatDate's Impl: a token not closed by a quote (or a lone
            // quote) is refused; inside, each doubled quote is one quote.
            if tok.len() == 1 || tok.last() != Some(&'\'') {
                return Err(Miss::Arg(0, "unterminated literal '".into()));
            }
            if tok.len() == 2 {
                out.push('\'');
            } else {
                let raw = &tok[1..tok.len() - 1];
                let mut r = 0;
                while r < raw.len() {
                    out.push(raw[r]);
                    r += if raw[r] == '\'' { 2 } else { 1 };
                }
            }
            i = end;
            continue;
        }
        if !ch.is_ascii_alphabetic() {
            out.push(ch);
            i += 1;
            continue;
        }
        let mut j = i;
        while chars.get(j) == Some(&ch) {
            j += 1;
        }
        let run: String = chars[i..j].iter().collect();
        let h12 = if c.h % 12 == 0 { 12 } else { c.h % 12 };
        out.push_str(&match run.as_str() {
            "YYYY" => format!("{:04}", c.y),
            "YY" => format!("{:02}", c.y % 100),
            "MMMM" => MONTHS[(c.mo - 1) as usize].to_string(),
            "MMM" => MONTHS[(c.mo - 1) as usize][..3].to_string(),
            "MM" => format!("{:02}", c.mo),
            "M" => c.mo.to_string(),
            "DD" => format!("{:02}", c.d),
            "D" => c.d.to_string(),
            "EEEE" => DAYS[c.weekday as usize].to_string(),
            "EEE" => DAYS[c.weekday as usize][..3].to_string(),
            "hh" => format!("{:02}", c.h),
            "h" => c.h.to_string(),
            "HH" => format!("{h12:02}"),
            "H" => h12.to_string(),
            "AA" => if c.h < 12 { "AM" } else { "PM" }.to_string(),
            "aa" => if c.h < 12 { "am" } else { "pm" }.to_string(),
            "mm" => format!("{:02}", c.mi),
            "m" => c.mi.to_string(),
            "ss" => format!("{:02}", c.s),
            "s" => c.s.to_string(),
            "ZZZZZ" => offset_text(c.offset, true, ""),
            "ZZZZ" => offset_text(c.offset, false, ""),
            "ZZZ" => offset_text(c.offset, false, "UTC"),
            "Z" => offset_text(c.offset, true, "Z"),
            other => {
                return Err(Miss::Arg(
                    0,
                    format!("invalid date format verb {other:?}: unsupported format verb"),
                ))
            }
        });
        i = j;
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::NomadVersion;

    fn at(v: NomadVersion, spec: &str) -> Res {
        let env = FnEnv {
            version: v,
            ..FnEnv::default()
        };
        super::super::call(
            &env,
            "formatdate",
            vec![
                Value::String(spec.into()),
                Value::String("2018-01-02T15:04:05Z".into()),
            ],
        )
    }

    /// What the rt14a oracle (go-cty v1.4.1's stdlib.FormatDate) prints,
    /// and go-cty 1.7.0's fix of the trailing literal.
    #[test]
    fn a_trailing_quoted_literal_follows_each_cty_release() {
        let (old, new) = (NomadVersion::new(1, 0, 5), NomadVersion::new(1, 0, 6));
        let s = |x: &str| Ok(Value::String(x.into()));
        assert_eq!(at(old, "YYYY'x'"), s("2018"));
        assert_eq!(at(new, "YYYY'x'"), s("2018x"));
        assert_eq!(at(old, "H 'o''clock'"), s("3 "));
        assert_eq!(at(new, "H 'o''clock'"), s("3 o'clock"));
        assert_eq!(at(old, "'a'''"), s(""));
        assert_eq!(at(new, "'a'''"), s("a'"));
        // Not at the end, or no closing quote last: the same everywhere.
        for v in [old, new] {
            assert_eq!(at(v, "'x'YYYY"), s("x2018"));
            assert_eq!(at(v, "YYYY''"), s("2018'"));
            assert_eq!(at(v, "'a''"), s("a'"));
            assert!(at(v, "'abc").is_err());
            assert!(at(v, "'").is_err());
        }
    }
}
