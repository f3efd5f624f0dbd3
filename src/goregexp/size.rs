//! Go's size limits on a parsed regexp (regexp/syntax parse.go
//! `checkLimits`, from Go 1.18.7 and 1.19.2, CVE-2022-41715): a tree
//! whose compiled size (`calcSize`, in instructions) passes `maxSize`, or
//! whose nodes hold more than `maxRunes` runes, is refused, as
//! `regexp/syntax: internal error` until Go 1.20 named it
//! `expression too large`.
//!
//! Go measures sizes only once a heuristic trips (the regexps it has
//! allocated, its free list reusing some, times the product of every
//! repeat count seen), and then from sizes it cached as nodes were pushed
//! (a literal that grows afterwards keeps its first size). Reproducing
//! that is reproducing the parser's allocations, so this bounds instead:
//! a pattern whose size, taken over the tree before Go's regrouping
//! (an upper bound), fits, or on which the heuristic cannot trip (at most
//! [`ALLOCS_PER_BYTE`] regexps per pattern byte), passes; so does one of
//! a Go without the limits. Any other is "cannot tell".

use crate::gorelease::go_of;
use crate::version::NomadVersion;

/// `maxSize`: 128 MiB of 40-byte instructions.
const MAX_SIZE: u64 = (128 << 20) / 40;

/// `maxRunes`: 128 MiB of 4-byte runes.
const MAX_RUNES: u64 = (128 << 20) / 4;

/// Regexps Go's parser allocates per byte of pattern, at most: one per
/// literal, class, operator or parenthesis, and the concatenations,
/// alternations and `factor` regroupings above them, each a few per
/// operand. Generous on purpose: it only decides when the heuristic
/// certainly cannot trip.
const ALLOCS_PER_BYTE: u64 = 8;

/// Runes a node may hold per byte of pattern, at most: Go's largest class
/// escape, `\pL` (1,292 runes by parse.go's own count), is three bytes;
/// case folding and negation add a handful. 1,024 is well above.
const RUNES_PER_BYTE: u64 = 1024;

/// A repetition's operator, for its size.
#[derive(Clone, Copy)]
pub(super) enum Repeat {
    /// `*`, `+` or `?`.
    Op(char),
    /// `{min,max}` (`max` -1 when open).
    Counted { min: i64, max: i64 },
}

impl Repeat {
    /// `calcSize` of the repetition of an operand of size `sub`.
    pub(super) fn size(self, sub: u64) -> u64 {
        let size = match self {
            Repeat::Op('*') => sub.saturating_add(2),
            Repeat::Op(_) => sub.saturating_add(1),
            Repeat::Counted { min, max: -1 } if min <= 0 => sub.saturating_add(2),
            Repeat::Counted { min, max: -1 } => (min as u64).saturating_mul(sub).saturating_add(1),
            Repeat::Counted { min, max } => (max as u64)
                .saturating_mul(sub)
                .saturating_add(max.saturating_sub(min).max(0) as u64),
        };
        size.max(1)
    }
}

/// `p.repeats` after a counted repetition whose bounding count is `n`.
pub(super) fn count_repeat(repeats: u64, n: u64) -> u64 {
    let n = n.max(1);
    if n > MAX_SIZE / repeats {
        MAX_SIZE
    } else {
        repeats * n
    }
}

/// Does Go `go` check sizes, and with which words?
fn limit_text(go: crate::gorelease::GoRelease) -> Option<&'static str> {
    let checks = go >= (1, 19, 2) || ((1, 18, 7)..(1, 19, 0)).contains(&go);
    checks.then_some(if go >= (1, 20, 0) {
        "expression too large"
    } else {
        "regexp/syntax: internal error"
    })
}

/// `Ok` when Go (of Nomad `v`) certainly keeps `pattern` within its size
/// limits, or has none; otherwise the "cannot tell" text. A pattern Go
/// refuses for its syntax is [`super::compile_error`]'s business and
/// passes here.
pub fn size_verdict(pattern: &str, v: NomadVersion) -> Result<(), String> {
    let go = go_of(v);
    let Some(code) = limit_text(go) else {
        return Ok(());
    };
    let Ok(tree) = super::walk(pattern, v) else {
        return Ok(());
    };
    let bytes = pattern.len() as u64 + 1;
    let runes_fit = bytes.saturating_mul(RUNES_PER_BYTE) <= MAX_RUNES;
    let never_measured = bytes.saturating_mul(ALLOCS_PER_BYTE) < MAX_SIZE / tree.repeats;
    if runes_fit && (tree.size <= MAX_SIZE || never_measured) {
        return Ok(());
    }
    let (major, minor, patch) = go;
    Err(format!(
        "cannot tell whether Go {major}.{minor}.{patch}'s regexp takes this pattern: it may compile to more than Go's {MAX_SIZE} instructions (Go then refuses with `error parsing regexp: {code}`), and whether Go measures it depends on its parser's allocations"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: NomadVersion = NomadVersion::new(2, 0, 5);

    #[test]
    fn sizes_follow_calc_size() {
        assert_eq!(Repeat::Op('*').size(3), 5);
        assert_eq!(Repeat::Op('+').size(3), 4);
        assert_eq!(Repeat::Counted { min: 0, max: -1 }.size(3), 5);
        assert_eq!(Repeat::Counted { min: 2, max: -1 }.size(3), 7);
        // x{2,5} = xx(x(x(x)?)?)?: 5 copies and 3 `?`.
        assert_eq!(Repeat::Counted { min: 2, max: 5 }.size(1), 8);
        assert_eq!(Repeat::Counted { min: 0, max: 0 }.size(7), 1);
        assert_eq!(count_repeat(1, 1000), 1000);
        assert_eq!(count_repeat(1000, 1000), 1_000_000);
        assert_eq!(count_repeat(1_000_000, 1000), MAX_SIZE);
    }

    #[test]
    fn small_patterns_pass_and_huge_ones_are_not_judged() {
        assert_eq!(size_verdict(r"^[a-z]+(-[0-9]{1,3})?$", V2), Ok(()));
        // 1000 copies of a 1000-way alternation of 4-rune strings: a
        // size of 1000 * (4000 + 999) before regrouping, and thousands of
        // regexps under a repeat product of 1000.
        let body = format!("(?:{})", vec!["abcd"; 1000].join("|"));
        let big = format!("{body}{{1000}}");
        assert!(size_verdict(&big, V2)
            .unwrap_err()
            .contains("expression too large"));
        // Go 1.19.2's words, and none before the limit (Nomad 1.3.6 and
        // 1.2.13 were built with Go 1.19.1).
        let go_1_19_3 = NomadVersion::new(1, 3, 8);
        assert!(size_verdict(&big, go_1_19_3)
            .unwrap_err()
            .contains("regexp/syntax: internal error"));
        assert_eq!(size_verdict(&big, NomadVersion::new(1, 3, 6)), Ok(()));
        // A long literal repeated: over the size; Go takes it (it
        // allocates a handful of regexps, too few for its heuristic to
        // measure), but our bound on allocations is too loose to know.
        let lit = format!("(?:{}){{1000}}", "a".repeat(4000));
        assert!(size_verdict(&lit, V2).is_err());
        // Shorter: 400,000 instructions at most, within the limit.
        let short = format!("(?:{}){{1000}}", "a".repeat(400));
        assert_eq!(size_verdict(&short, V2), Ok(()));
    }
}
