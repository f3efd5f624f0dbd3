//! A group network's `hostname` (1.1.5+): `validateNetworks` refuses one
//! that miekg/dns's `IsDomainName` rejects, unless it holds `${` (an
//! interpolation, resolved on the client), with `Hostname is not a valid
//! DNS name`.
//!
//! `IsDomainName` is liberal (any byte may be in a label): it refuses two
//! dots in a row, a label of 64 bytes or more, a name past the 255-byte
//! wire limit, and, by release, a leading dot or a trailing lone escape.
//! Its rules changed with the copy of miekg/dns each Nomad release
//! vendors (go.mod, read at every tag):
//! - v1.1.26/v1.1.41 (1.1.5 to 1.2.13, 1.3.0 to 1.3.6, 1.4.0, 1.4.1): the
//!   first rules;
//! - v1.1.50 (1.2.14+, 1.3.7+, 1.4.2+, 1.5 to 1.7): a leading dot is refused
//!   (`.example`; a lone `.` is the root and passes);
//! - v1.1.56 (1.8.0 to 1.9.3): `IsFqdn` reads the byte before the final dot
//!   instead of the rune (a name ending in a multi-byte character then a dot
//!   was counted unqualified, a dot added: two dots, refused);
//! - v1.1.62+ (1.9.4 on): a name ending in a lone backslash is refused.

use crate::version::NomadVersion;

/// Which of `IsDomainName`'s rules release `v`'s copy has.
#[derive(Debug, Clone, Copy)]
struct Rules {
    leading_dot: bool,
    byte_fqdn: bool,
    trailing_escape: bool,
}

impl Rules {
    fn of(v: NomadVersion) -> Rules {
        Rules {
            leading_dot: v.has_since(&[
                NomadVersion::new(1, 2, 14),
                NomadVersion::new(1, 3, 7),
                NomadVersion::new(1, 4, 2),
            ]),
            byte_fqdn: v.at_least(1, 8, 0),
            trailing_escape: v.at_least(1, 9, 4),
        }
    }
}

/// Does release `v`'s `validateNetworks` refuse `hostname`?
pub(super) fn refused(hostname: &str, v: NomadVersion) -> bool {
    v.at_least(1, 1, 5)
        && !hostname.is_empty()
        && !hostname.contains("${")
        && !is_domain_name(hostname, Rules::of(v))
}

/// `IsFqdn`: a final dot that no odd run of backslashes escapes. Go's
/// `strings.LastIndexFunc` answers the byte index of the last rune that is
/// not a backslash, so a multi-byte last rune counts as its byte length.
fn is_fqdn(s: &str, r: Rules) -> bool {
    let Some(s2) = s.strip_suffix('.') else {
        return false;
    };
    if r.byte_fqdn && !s2.ends_with('\\') {
        return true;
    }
    let last = s2
        .char_indices()
        .rev()
        .find(|&(_, c)| c != '\\')
        .map_or(-1, |(i, _)| i as i64);
    (s2.len() as i64 - last) % 2 != 0
}

/// `IsDomainName`'s answer (its label count is not needed).
fn is_domain_name(s: &str, r: Rules) -> bool {
    const LENMSG: usize = 256;
    if s.is_empty() {
        return false;
    }
    let owned;
    let s = if is_fqdn(s, r) {
        s
    } else {
        owned = format!("{s}.");
        &owned
    };
    let b = s.as_bytes();
    let ddd = |i: usize| i + 3 < b.len() && b[i + 1..i + 4].iter().all(u8::is_ascii_digit);
    let (mut off, mut begin, mut was_dot, mut escape) = (0usize, 0usize, false, false);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                escape = !escape;
                if off + 1 > LENMSG {
                    return false;
                }
                let skip = if ddd(i) { 3 } else { 1 };
                i += skip;
                begin += skip;
                was_dot = false;
            }
            b'.' => {
                escape = false;
                if r.leading_dot && i == 0 && b.len() > 1 {
                    return false;
                }
                if was_dot {
                    return false;
                }
                was_dot = true;
                let label = i.saturating_sub(begin);
                if label >= 1 << 6 {
                    return false;
                }
                off += 1 + label;
                if off > LENMSG {
                    return false;
                }
                begin = i + 1;
            }
            _ => {
                escape = false;
                was_dot = false;
            }
        }
        i += 1;
    }
    !(r.trailing_escape && escape)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(v: (u32, u32, u32), s: &str) -> bool {
        !refused(s, NomadVersion::new(v.0, v.1, v.2))
    }

    /// miekg/dns v1.1.72's TestIsDomainName table (labels_test.go), with
    /// its longest names (msg_test.go), under 2.0.5.
    #[test]
    fn upstream_table() {
        let v = (2, 0, 5);
        let label = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789x";
        let unprintable: String = (0..label.len())
            .map(|i| format!("\\{:03}", i % 32))
            .collect();
        let longest = format!("{}.{label}.{label}.{label}.", &label[..61]);
        let longest_unprintable = format!(
            "{}.{unprintable}.{unprintable}.{unprintable}.",
            &unprintable[..61 * 4]
        );
        for (name, ok) in [
            (".", true),
            ("..", false),
            ("double-dot..test", false),
            (".leading-dot.test", false),
            ("@.", true),
            ("www.example.com", true),
            ("www.e%ample.com", true),
            ("www.example.com.", true),
            ("mi\\k.nl.", true),
            ("mi\\k.nl", true),
            (&longest, true),
            (&longest_unprintable, true),
        ] {
            assert_eq!(at(v, name), ok, "{name}");
        }
        // Its wire-length count leaves out the root's byte: 256 counted
        // bytes pass, 257 do not. A 64-byte label never does.
        assert!(at(v, &format!("a.{longest}")));
        assert!(!at(v, &format!("ab.{longest}")));
        assert!(!at(v, &format!("{label}x.example")));
    }

    #[test]
    fn rules_follow_each_release_copy() {
        // Before 1.1.5 no hostname is checked; an interpolation never is.
        assert!(at((1, 1, 4), "a..b"));
        assert!(at((2, 0, 5), "${NOMAD_ALLOC_ID}..x"));
        // A leading dot: refused by the v1.1.50 copy (1.2.14, 1.3.7, 1.4.2).
        for (v, ok) in [
            ((1, 2, 13), true),
            ((1, 2, 14), false),
            ((1, 3, 6), true),
            ((1, 3, 7), false),
            ((1, 4, 1), true),
            ((1, 4, 2), false),
            ((1, 5, 0), false),
        ] {
            assert_eq!(at(v, ".example"), ok, "{v:?}");
        }
        assert!(at((2, 0, 5), "."));
        // A multi-byte rune before the final dot: two dots before 1.8.0.
        assert!(!at((1, 7, 7), "caf\u{e9}."));
        assert!(at((1, 8, 0), "caf\u{e9}."));
        assert!(at((1, 7, 7), "caf\u{e9}"));
        // A lone final backslash: refused from 1.9.4.
        assert!(at((1, 9, 3), "a\\"));
        assert!(!at((1, 9, 4), "a\\"));
    }
}
