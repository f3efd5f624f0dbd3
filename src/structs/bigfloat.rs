//! The arithmetic of Nomad's `getBigFloat` (plugins/shared/structs/
//! attribute.go v2.0.5:402-434, unchanged since v0.9.0): a device
//! attribute with a unit, compared with a float, is scaled to its base
//! unit in Go's `big.Float` at 256 bits (`floatPrecision`, :17), rounding
//! to nearest, ties to even (the zero `RoundingMode`), and compared exactly
//! (`Cmp`). In f64 `1.1 GHz` and `1100 MHz` come out equal; in Nomad
//! float64(1.1) · 10^9 is 1100000000.0000000888 and `>=` fails.
//!
//! Only what `getBigFloat` does is here: exact int64 and float64 values,
//! the product of two of them rounded to 256 bits, the reciprocal of an
//! integer rounded to 256 bits (`mW`'s multiplier, `Quo(1, 1000)`), and the
//! comparison. A finite value is `mant · 2^exp` with `mant` below 2^256
//! (every result is rounded), so a product fits in [`Limbs`].

use std::cmp::Ordering;

/// `floatPrecision` (attribute.go v2.0.5:17).
const PREC: u32 = 256;

/// Little-endian 64-bit limbs: room for the 512-bit product of two
/// rounded mantissas before it is rounded again.
type Limbs = [u64; 8];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mag {
    Zero,
    Inf,
    /// `mant · 2^exp`, `0 < mant < 2^256`.
    Finite {
        mant: Limbs,
        exp: i32,
    },
}

/// A `big.Float` of precision 256 as `getBigFloat` leaves it. Compared
/// by [`BigFloat::cmp_exact`] (no `PartialEq`: -0 and +0 are equal there
/// and differ in representation).
#[derive(Debug, Clone, Copy)]
pub struct BigFloat {
    neg: bool,
    mag: Mag,
}

fn limbs(x: u64) -> Limbs {
    let mut l = [0; 8];
    l[0] = x;
    l
}

fn bit_len(l: &Limbs) -> u32 {
    (0..l.len())
        .rev()
        .find(|&i| l[i] != 0)
        .map_or(0, |i| i as u32 * 64 + (64 - l[i].leading_zeros()))
}

fn bit(l: &Limbs, i: u32) -> bool {
    l.get((i / 64) as usize)
        .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
}

/// `l >> s`, and whether any bit shifted out was set below the top one
/// shifted out (the sticky bit), beside that top one (the guard bit).
fn shr(l: &Limbs, s: u32) -> (Limbs, bool, bool) {
    if s == 0 {
        return (*l, false, false);
    }
    let guard = bit(l, s - 1);
    let sticky = (0..s - 1).any(|i| bit(l, i));
    let (words, bits) = ((s / 64) as usize, s % 64);
    let mut out = [0; 8];
    for (i, o) in out.iter_mut().enumerate() {
        let lo = l.get(i + words).copied().unwrap_or(0);
        let hi = l.get(i + words + 1).copied().unwrap_or(0);
        *o = if bits == 0 {
            lo
        } else {
            (lo >> bits) | (hi << (64 - bits))
        };
    }
    (out, guard, sticky)
}

/// `l << s`; the caller keeps the result below 2^512.
fn shl(l: &Limbs, s: u32) -> Limbs {
    let (words, bits) = ((s / 64) as usize, s % 64);
    let mut out = [0; 8];
    for (i, o) in out.iter_mut().enumerate().skip(words) {
        let lo = l[i - words];
        let below = if i > words { l[i - words - 1] } else { 0 };
        *o = if bits == 0 {
            lo
        } else {
            (lo << bits) | (below >> (64 - bits))
        };
    }
    out
}

fn add_one(l: &mut Limbs) {
    for w in l.iter_mut() {
        let (v, carry) = w.overflowing_add(1);
        *w = v;
        if !carry {
            return;
        }
    }
}

/// Schoolbook product of two mantissas below 2^256 (so below 2^512).
fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    let mut out = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u128;
        for j in 0..4 {
            let t = a[i] as u128 * b[j] as u128 + out[i + j] as u128 + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        out[i + 4] = carry as u64;
    }
    out
}

/// `l / d` and whether a remainder is left.
fn div(l: &Limbs, d: u64) -> (Limbs, bool) {
    let mut out = [0; 8];
    let mut rem = 0u128;
    for i in (0..l.len()).rev() {
        let cur = (rem << 64) | l[i] as u128;
        out[i] = (cur / d as u128) as u64;
        rem = cur % d as u128;
    }
    (out, rem != 0)
}

impl BigFloat {
    /// `SetInt64`: exact at 256 bits.
    pub fn from_i64(i: i64) -> Self {
        BigFloat::finite(i < 0, limbs(i.unsigned_abs()), 0, false)
    }

    /// `SetFloat64`: exact (53 bits); None for NaN, where Go panics
    /// (`ErrNaN`).
    pub fn from_f64(f: f64) -> Option<Self> {
        if f.is_nan() {
            return None;
        }
        let neg = f.is_sign_negative();
        if f.is_infinite() {
            return Some(BigFloat { neg, mag: Mag::Inf });
        }
        let bits = f.to_bits();
        let field = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        let (mant, exp) = if field == 0 {
            (frac, -1074)
        } else {
            (frac | (1 << 52), field - 1075)
        };
        Some(BigFloat::finite(neg, limbs(mant), exp, false))
    }

    /// `Quo(1, d)` at 256 bits: 2^k / d with k large enough to leave guard
    /// bits, the remainder as the sticky bit, then rounded.
    pub fn one_over(d: u64) -> Self {
        let d = d.max(1);
        let k = PREC + 64 - d.leading_zeros() + 1;
        let mut num = [0; 8];
        num[(k / 64) as usize] = 1 << (k % 64);
        let (q, rem) = div(&num, d);
        BigFloat::finite(false, q, -(k as i32), rem)
    }

    /// `Mul` into a 256-bit receiver: the exact product, rounded once.
    pub fn mul(&self, o: &BigFloat) -> BigFloat {
        let neg = self.neg != o.neg;
        let mag = match (self.mag, o.mag) {
            // A multiplier is never zero (the unit table), so Go's
            // 0 · ∞ panic cannot arise; read it as zero.
            (Mag::Zero, _) | (_, Mag::Zero) => Mag::Zero,
            (Mag::Inf, _) | (_, Mag::Inf) => Mag::Inf,
            (Mag::Finite { mant: a, exp: ea }, Mag::Finite { mant: b, exp: eb }) => {
                return BigFloat::finite(neg, mul(&a, &b), ea + eb, false);
            }
        };
        BigFloat { neg, mag }
    }

    /// `mant · 2^exp` (plus a nonzero tail below `mant`'s last bit when
    /// `sticky`) rounded to 256 bits, to nearest, ties to even.
    fn finite(neg: bool, mant: Limbs, exp: i32, sticky: bool) -> Self {
        let len = bit_len(&mant);
        if len == 0 {
            return BigFloat {
                neg,
                mag: Mag::Zero,
            };
        }
        let drop = len.saturating_sub(PREC);
        let (mut m, guard, below) = shr(&mant, drop);
        let mut exp = exp + drop as i32;
        if guard && (below || sticky || m[0] & 1 == 1) {
            add_one(&mut m);
            if bit_len(&m) > PREC {
                // 2^256 exactly: one bit fewer, nothing lost.
                m = shr(&m, 1).0;
                exp += 1;
            }
        }
        BigFloat {
            neg,
            mag: Mag::Finite { mant: m, exp },
        }
    }

    /// `Cmp`: exact; -0 equals +0, infinities of one sign are equal.
    pub fn cmp_exact(&self, o: &BigFloat) -> Ordering {
        let sign = |x: &BigFloat| match x.mag {
            Mag::Zero => 0,
            _ if x.neg => -1,
            _ => 1,
        };
        match sign(self).cmp(&sign(o)) {
            Ordering::Equal if sign(self) == 0 => Ordering::Equal,
            Ordering::Equal => {
                let m = self.cmp_magnitude(o);
                if self.neg {
                    m.reverse()
                } else {
                    m
                }
            }
            other => other,
        }
    }

    fn cmp_magnitude(&self, o: &BigFloat) -> Ordering {
        match (self.mag, o.mag) {
            (Mag::Inf, Mag::Inf) => Ordering::Equal,
            (Mag::Inf, _) => Ordering::Greater,
            (_, Mag::Inf) => Ordering::Less,
            (Mag::Finite { mant: a, exp: ea }, Mag::Finite { mant: b, exp: eb }) => {
                let top = |m: &Limbs, e: i32| bit_len(m) as i64 + e as i64;
                match top(&a, ea).cmp(&top(&b, eb)) {
                    Ordering::Equal => {}
                    other => return other,
                }
                // Same leading bit: the one with the larger exponent has
                // fewer bits, and shifted up to the other's it stays
                // below 2^256.
                let (a, b) = if ea >= eb {
                    (shl(&a, (ea - eb) as u32), b)
                } else {
                    (a, shl(&b, (eb - ea) as u32))
                };
                a.iter().rev().cmp(b.iter().rev())
            }
            // Zeros were settled by the sign.
            _ => Ordering::Equal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> BigFloat {
        BigFloat::from_f64(x).expect("not NaN")
    }

    fn mant_exp(b: &BigFloat) -> (Limbs, i32) {
        match b.mag {
            Mag::Finite { mant, exp } => (mant, exp),
            other => panic!("not finite: {other:?}"),
        }
    }

    #[test]
    fn one_over_1000_is_rounded_to_256_bits_as_go_does() {
        // round(2^265 / 1000), to nearest, from Python's exact fractions:
        // 0x83126e978d4fdf3b645a1cac083126e978d4fdf3b645a1cac083126e978d4fdf;
        // 1/1000 lies in [2^-10, 2^-9), so its last bit is 2^-265.
        let (mant, exp) = mant_exp(&BigFloat::one_over(1000));
        assert_eq!(exp, -265);
        assert_eq!(
            mant,
            [
                0xc083_126e_978d_4fdf,
                0x78d4_fdf3_b645_a1ca,
                0x645a_1cac_0831_26e9,
                0x8312_6e97_8d4f_df3b,
                0,
                0,
                0,
                0
            ]
        );
    }

    #[test]
    fn rounding_is_to_nearest_ties_to_even() {
        let two_256 = shl(&limbs(1), 256);
        let plus = |k: u64| {
            let mut m = two_256;
            m[0] = k;
            m
        };
        let half = shl(&limbs(1), 255);
        let rounded = |m: Limbs, sticky: bool| mant_exp(&BigFloat::finite(false, m, 0, sticky));
        // 2^256 + 1: exactly halfway, the even neighbour (2^255) stays.
        assert_eq!(rounded(plus(1), false), (half, 1));
        // With anything below: up.
        let mut up = half;
        up[0] = 1;
        assert_eq!(rounded(plus(1), true), (up, 1));
        // 2^256 + 3: halfway between odd 2^255 + 1 and even 2^255 + 2.
        let mut even = half;
        even[0] = 2;
        assert_eq!(rounded(plus(3), false), (even, 1));
        // 2^257 - 1 rounds up to 2^257, kept as 2^255 · 2^2.
        let all = {
            let mut m = [u64::MAX; 8];
            m[4] = 1;
            m[5..].fill(0);
            m
        };
        assert_eq!(bit_len(&all), 257);
        assert_eq!(rounded(all, false), (half, 2));
        // Below 2^256: exact, untouched.
        assert_eq!(rounded(limbs(12345), false), (limbs(12345), 0));
    }

    #[test]
    fn products_compare_as_nomads_256_bit_floats() {
        let milli = BigFloat::one_over(1000);
        let int = BigFloat::from_i64;
        // 3 mW: 0.003 - 2.9e-80; float64(0.003) is 0.003 + 6.2e-20.
        assert_eq!(int(3).mul(&milli).cmp_exact(&f(0.003)), Ordering::Less);
        // 1000 · round(1/1000) rounds back to 1 at 256 bits.
        assert_eq!(int(1000).mul(&milli).cmp_exact(&int(1)), Ordering::Equal);
        assert_eq!(f(1000.0).mul(&milli).cmp_exact(&f(1.0)), Ordering::Equal);
        // float64(1.1) is above 1.1: 1.1 GHz > 1100 MHz.
        let giga = int(1_000_000_000);
        let mega = int(1_000_000);
        assert_eq!(
            f(1.1).mul(&giga).cmp_exact(&int(1100).mul(&mega)),
            Ordering::Greater
        );
        assert_eq!(
            f(1.5).mul(&giga).cmp_exact(&int(1500).mul(&mega)),
            Ordering::Equal
        );
        // Signs, zeros and infinities as `Cmp`.
        assert_eq!(f(-0.0).cmp_exact(&int(0)), Ordering::Equal);
        assert_eq!(int(-3).mul(&milli).cmp_exact(&f(-0.003)), Ordering::Greater);
        assert_eq!(int(-1).cmp_exact(&int(1)), Ordering::Less);
        assert_eq!(
            f(f64::INFINITY).mul(&milli).cmp_exact(&f(f64::INFINITY)),
            Ordering::Equal
        );
        assert_eq!(
            f(f64::NEG_INFINITY).cmp_exact(&int(i64::MIN)),
            Ordering::Less
        );
        assert_eq!(
            int(i64::MIN).cmp_exact(&f(-(2f64.powi(63)))),
            Ordering::Equal
        );
        assert_eq!(f(5e-324).cmp_exact(&int(0)), Ordering::Greater);
        assert_eq!(f(5e-324).mul(&milli).cmp_exact(&f(5e-324)), Ordering::Less);
        assert!(BigFloat::from_f64(f64::NAN).is_none());
    }
}
