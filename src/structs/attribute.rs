//! Device attributes with units (`plugins/shared/structs/attribute.go`,
//! `units.go`): what a device plugin fingerprints (`memory = 11 GiB`,
//! `cuda_cores = 3584`) and what a job's device constraints compare with it.
//! `"11 GiB" > "10000 MiB"` holds because both sides are scaled to their
//! base unit before comparing; values of different bases never compare.

use std::cmp::Ordering;

use crate::gofloat::Grammar;
use crate::structs::bigfloat::BigFloat;

/// The value part of an attribute: one of Nomad's four pointers, or none.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum AttrValue {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// None of the four set: a device plugin may report an attribute with
    /// no value (`ConvertProtoAttribute` leaves every pointer nil). Nomad
    /// finds it (`d.Attributes[attr]`'s `ok`, resolveDeviceTarget,
    /// scheduler/feasible/feasible.go v2.0.5:1705-1709), so `is_set` holds
    /// and `is_not_set` fails, but it compares with nothing (its
    /// comparator is `nullComparator`, and a number beside it has no
    /// `getBigFloat`: plugins/shared/structs/attribute.go v2.0.5:330-400),
    /// so `!=` fails too, where a dropped attribute would pass it.
    Unset,
    /// Reported as JSON `null`: the server holds a nil `*Attribute`.
    /// Found, and equal to nothing (`Comparable` is false for nil,
    /// attribute.go v2.0.5:283-286), as [`AttrValue::Unset`]; a check that
    /// reads its string panics Nomad's scheduler
    /// ([`crate::scheduler::nil_attribute`]).
    Nil,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attribute {
    pub value: AttrValue,
    /// One of [`UNITS`]' names, or empty.
    pub unit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Byte,
    ByteRate,
    Hertz,
    Watt,
}

/// (name, base, multiplier, inverse): Nomad's unit table.
const UNITS: &[(&str, Base, i64, bool)] = &[
    ("KiB", Base::Byte, 1 << 10, false),
    ("MiB", Base::Byte, 1 << 20, false),
    ("GiB", Base::Byte, 1 << 30, false),
    ("TiB", Base::Byte, 1 << 40, false),
    ("PiB", Base::Byte, 1 << 50, false),
    ("EiB", Base::Byte, 1 << 60, false),
    ("kB", Base::Byte, 1_000, false),
    ("KB", Base::Byte, 1_000, false),
    ("MB", Base::Byte, 1_000_000, false),
    ("GB", Base::Byte, 1_000_000_000, false),
    ("TB", Base::Byte, 1_000_000_000_000, false),
    ("PB", Base::Byte, 1_000_000_000_000_000, false),
    ("EB", Base::Byte, 1_000_000_000_000_000_000, false),
    ("KiB/s", Base::ByteRate, 1 << 10, false),
    ("MiB/s", Base::ByteRate, 1 << 20, false),
    ("GiB/s", Base::ByteRate, 1 << 30, false),
    ("TiB/s", Base::ByteRate, 1 << 40, false),
    ("PiB/s", Base::ByteRate, 1 << 50, false),
    ("EiB/s", Base::ByteRate, 1 << 60, false),
    ("kB/s", Base::ByteRate, 1_000, false),
    ("KB/s", Base::ByteRate, 1_000, false),
    ("MB/s", Base::ByteRate, 1_000_000, false),
    ("GB/s", Base::ByteRate, 1_000_000_000, false),
    ("TB/s", Base::ByteRate, 1_000_000_000_000, false),
    ("PB/s", Base::ByteRate, 1_000_000_000_000_000, false),
    ("EB/s", Base::ByteRate, 1_000_000_000_000_000_000, false),
    ("MHz", Base::Hertz, 1_000_000, false),
    ("GHz", Base::Hertz, 1_000_000_000, false),
    ("mW", Base::Watt, 1_000, true),
    ("W", Base::Watt, 1, false),
    ("kW", Base::Watt, 1_000, false),
    ("MW", Base::Watt, 1_000_000, false),
    ("GW", Base::Watt, 1_000_000_000, false),
];

fn unit(name: &str) -> Option<(Base, i64, bool)> {
    UNITS
        .iter()
        .find(|u| u.0 == name)
        .map(|&(_, b, m, inv)| (b, m, inv))
}

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` in the grammar of the Go that reads
/// the text: a finite spelling past the largest float (`1e400`) is Go's
/// range error and stays a string at every release; hexadecimal floats
/// (`0x1p3`) and `_` separators are numbers from Go 1.13 (Nomad 0.11+).
fn parse_float(s: &str, grammar: Grammar) -> Option<f64> {
    crate::gofloat::parse_float(s, grammar).ok()
}

impl Attribute {
    /// An attribute set with no value ([`AttrValue::Unset`]).
    pub fn unset() -> Self {
        Attribute {
            value: AttrValue::Unset,
            unit: String::new(),
        }
    }

    pub fn string(s: &str) -> Self {
        Attribute {
            value: AttrValue::Str(s.to_string()),
            unit: String::new(),
        }
    }

    /// `ParseAttribute` as Go 1.12 reads it: the world files' notation for
    /// what a device plugin reports (plugins report typed values; the text
    /// is ours, and stays decimal).
    pub fn parse(input: &str) -> Self {
        Attribute::parse_as(input, Grammar::Before113)
    }

    /// `ParseAttribute` as the Nomad server of `version` runs it on a job's
    /// device constraint target: its Go's `ParseFloat` grammar decides
    /// whether `0x1p3` or `1_000.5` is a number or a string, and so which
    /// comparisons hold.
    pub fn parse_at(input: &str, version: crate::version::NomadVersion) -> Self {
        let grammar = if crate::gorelease::built_with_at_least(version, (1, 13, 0)) {
            Grammar::Go113
        } else {
            Grammar::Before113
        };
        Attribute::parse_as(input, grammar)
    }

    /// `ParseAttribute`: a number with an optional unit suffix (longest unit
    /// first, spaces before it allowed), a bool, or else a string.
    fn parse_as(input: &str, grammar: Grammar) -> Self {
        if input.is_empty() {
            return Attribute::string(input);
        }
        let mut unit_name = "";
        let mut numeric = input;
        // Nomad looks for a unit only after a trailing letter; every unit
        // ends in an ASCII one.
        if input.as_bytes().last().is_some_and(u8::is_ascii_alphabetic) {
            // Longest unit first, as Nomad sorts them.
            let mut names: Vec<&str> = UNITS.iter().map(|u| u.0).collect();
            names.sort_by_key(|n| std::cmp::Reverse(n.len()));
            if let Some(u) = names.into_iter().find(|u| input.ends_with(u)) {
                unit_name = u;
                numeric = input[..input.len() - u.len()].trim();
            }
        }
        if let Ok(i) = numeric.parse::<i64>() {
            return Attribute {
                value: AttrValue::Int(i),
                unit: unit_name.to_string(),
            };
        }
        if let Some(f) = parse_float(numeric, grammar) {
            return Attribute {
                value: AttrValue::Float(f),
                unit: unit_name.to_string(),
            };
        }
        if let Some(b) = parse_bool(input) {
            return Attribute {
                value: AttrValue::Bool(b),
                unit: String::new(),
            };
        }
        Attribute::string(input)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            AttrValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self.value {
            AttrValue::Int(i) => Some(i),
            _ => None,
        }
    }

    /// `Comparable`: units of the same base, or both without a unit and of
    /// compatible kinds (strings with strings, bools with bools, numbers
    /// with numbers).
    fn comparable(&self, o: &Attribute) -> bool {
        // A nil attribute compares with nothing (`a == nil || b == nil`).
        if self.value == AttrValue::Nil || o.value == AttrValue::Nil {
            return false;
        }
        match (unit(&self.unit), unit(&o.unit)) {
            (Some(a), Some(b)) => return a.0 == b.0,
            (None, None) => {}
            _ => return false,
        }
        match (&self.value, &o.value) {
            (AttrValue::Str(_), b) => matches!(b, AttrValue::Str(_)),
            (AttrValue::Bool(_), b) => matches!(b, AttrValue::Bool(_)),
            _ => true,
        }
    }

    /// `Compare`: the ordering, or None when the two do not compare. Bools
    /// only say equal (0) or not (1), as Nomad's comparator does.
    pub fn compare(&self, o: &Attribute) -> Option<Ordering> {
        if !self.comparable(o) {
            return None;
        }
        match (&self.value, &o.value) {
            (AttrValue::Bool(a), AttrValue::Bool(b)) => Some(if a == b {
                Ordering::Equal
            } else {
                Ordering::Greater
            }),
            (AttrValue::Str(a), AttrValue::Str(b)) => Some(a.as_str().cmp(b.as_str())),
            (AttrValue::Int(_), AttrValue::Int(_)) => {
                Some(self.scaled_int()?.cmp(&o.scaled_int()?))
            }
            _ => Some(self.scaled_float()?.cmp_exact(&o.scaled_float()?)),
        }
    }

    /// Does `Compare` panic? Numbers that are not both ints go through
    /// `getBigFloat` (plugins/shared/structs/attribute.go v2.0.5:402-434,
    /// this side's first), whose `SetFloat64` panics with `big.ErrNaN`
    /// ("Float.SetFloat64(NaN)", math/big float.go) on a NaN, which
    /// `ParseAttribute` reads from "NaN" (`strconv.ParseFloat`,
    /// attribute.go v1.6.0:92). Nothing guards it up to 2.0.5 (v2.0.5:408).
    pub fn compare_panics(&self, o: &Attribute) -> bool {
        let nan = |a: &Attribute| matches!(a.value, AttrValue::Float(f) if f.is_nan());
        let both_ints = matches!(
            (&self.value, &o.value),
            (AttrValue::Int(_), AttrValue::Int(_))
        );
        self.comparable(o) && !both_ints && (nan(self) || nan(o))
    }

    /// `getInt`: the value in the base unit, with Go's wrapping arithmetic.
    fn scaled_int(&self) -> Option<i64> {
        let AttrValue::Int(i) = self.value else {
            return None;
        };
        Some(match unit(&self.unit) {
            None => i,
            Some((_, m, true)) => i / m,
            Some((_, m, false)) => i.wrapping_mul(m),
        })
    }

    /// `getBigFloat` (plugins/shared/structs/attribute.go v2.0.5:402-434):
    /// the value exactly, times the unit's multiplier (`1/1000` for `mW`,
    /// itself rounded) rounded to 256 bits. Not f64: there `1.1 GHz` and
    /// `1100 MHz`, or `3 mW` and `0.003 W`, come out equal where Nomad
    /// finds them apart. None for NaN, where Go's `SetFloat64` panics.
    fn scaled_float(&self) -> Option<BigFloat> {
        let f = match self.value {
            AttrValue::Int(i) => BigFloat::from_i64(i),
            AttrValue::Float(f) => BigFloat::from_f64(f)?,
            _ => return None,
        };
        Some(match unit(&self.unit) {
            None => f,
            Some((_, m, true)) => f.mul(&BigFloat::one_over(m.unsigned_abs())),
            Some((_, m, false)) => f.mul(&BigFloat::from_i64(m)),
        })
    }
}

impl std::fmt::Display for Attribute {
    /// `GoString`: the value then its unit, no space (`11GiB`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.value {
            AttrValue::Int(i) => write!(f, "{i}")?,
            AttrValue::Float(x) => write!(f, "{x}")?,
            AttrValue::Str(s) => write!(f, "{s}")?,
            AttrValue::Bool(b) => write!(f, "{b}")?,
            AttrValue::Unset | AttrValue::Nil => {}
        }
        write!(f, "{}", self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from Nomad's plugins/shared/structs/attribute_test.go.
    #[test]
    fn parse_reads_numbers_units_bools_and_strings() {
        let p = Attribute::parse;
        assert_eq!(p("11 GiB").value, AttrValue::Int(11));
        assert_eq!(p("11 GiB").unit, "GiB");
        assert_eq!(p("1.5GHz").value, AttrValue::Float(1.5));
        assert_eq!(p("1.5GHz").unit, "GHz");
        assert_eq!(p("100MiB/s").unit, "MiB/s");
        assert_eq!(p("true").value, AttrValue::Bool(true));
        assert_eq!(p("1").value, AttrValue::Int(1));
        assert_eq!(p("foo").value, AttrValue::Str("foo".into()));
        assert_eq!(p("10 foo").value, AttrValue::Str("10 foo".into()));
        assert_eq!(p("").value, AttrValue::Str(String::new()));
        assert_eq!(p("3mW").unit, "mW");
    }

    #[test]
    fn go_1_13_float_spellings_are_numbers_only_where_nomad_s_go_reads_them() {
        use crate::version::NomadVersion;
        let (old, new) = (NomadVersion::new(0, 10, 5), NomadVersion::new(0, 11, 0));
        for text in ["0x1p3 GiB", "1_000.5 MiB", "0x1p-2"] {
            assert!(
                matches!(Attribute::parse_at(text, old).value, AttrValue::Str(_)),
                "{text} at 0.10.5"
            );
            assert!(
                matches!(Attribute::parse_at(text, new).value, AttrValue::Float(_)),
                "{text} at 0.11.0"
            );
        }
        assert_eq!(
            Attribute::parse_at("0x1p3 GiB", new).value,
            AttrValue::Float(8.0)
        );
        // ParseInt(s, 10, 64) takes no `_` at any release: a float here.
        assert_eq!(
            Attribute::parse_at("1_000", new).value,
            AttrValue::Float(1000.0)
        );
        assert!(matches!(
            Attribute::parse_at("1e400", new).value,
            AttrValue::Str(_)
        ));
    }

    #[test]
    fn compare_scales_to_the_base_unit() {
        let c = |a: &str, b: &str| Attribute::parse(a).compare(&Attribute::parse(b));
        assert_eq!(c("1 GiB", "1024 MiB"), Some(Ordering::Equal));
        assert_eq!(c("11 GiB", "10000 MiB"), Some(Ordering::Greater));
        assert_eq!(c("1 GB", "1 GiB"), Some(Ordering::Less));
        assert_eq!(c("1.5 GHz", "1500 MHz"), Some(Ordering::Equal));
        assert_eq!(c("1000 mW", "1 W"), Some(Ordering::Equal));
        assert_eq!(c("1 GiB", "1 GHz"), None, "different bases");
        assert_eq!(c("1 GiB", "1"), None, "unit against none");
        assert_eq!(c("a", "b"), Some(Ordering::Less));
        assert_eq!(c("a", "1"), None);
        assert_eq!(c("true", "false"), Some(Ordering::Greater));
        assert_eq!(c("2", "1.5"), Some(Ordering::Greater));
    }

    // Expected orders from exact rationals emulating big.Float at 256 bits,
    // ties to even (float64 values exact, 1/1000 rounded, each product
    // rounded): the red team's oracle, /work/rt23b/R23-5.
    #[test]
    fn float_against_units_compares_as_nomads_256_bit_floats() {
        let c = |a: &str, b: &str| Attribute::parse(a).compare(&Attribute::parse(b));
        use Ordering::{Equal, Greater, Less};
        for (a, b, want) in [
            ("1100 MHz", "1.1 GHz", Less),
            ("1100.0 MHz", "1.1 GHz", Less),
            ("2200 MHz", "2.2 GHz", Less),
            ("3 mW", "0.003 W", Less),
            ("1 mW", "0.001 W", Less),
            ("2.5 mW", "0.0025 W", Less),
            ("0.5 mW", "0.0005 W", Less),
            ("7 mW", "0.007 W", Less),
            ("1 mW", "0.001 kW", Less),
            ("-3 mW", "-0.003 W", Greater),
            // Guards: equal in Nomad as in f64.
            ("1000 mW", "1.0 W", Equal),
            ("1000.0 mW", "1 W", Equal),
            ("1500 mW", "1.5 W", Equal),
            ("3.0 mW", "3 mW", Equal),
            ("1.5 GHz", "1500 MHz", Equal),
            ("1.25 GHz", "1250 MHz", Equal),
        ] {
            assert_eq!(c(a, b), Some(want), "{a} vs {b}");
            assert_eq!(c(b, a), Some(want.reverse()), "{b} vs {a}");
        }
        // Two ints stay in getInt's integer arithmetic (intComparator):
        // 1999 mW is 1 W there, truncated.
        assert_eq!(c("1999 mW", "1 W"), Some(Equal));
        assert_eq!(c("1999 mW", "1.0 W"), Some(Greater));
        assert_eq!(c("NaN MHz", "1 GHz"), None);
        let panics = |a: &str, b: &str| Attribute::parse(a).compare_panics(&Attribute::parse(b));
        assert!(panics("NaN MHz", "1 GHz"));
        assert!(panics("2 GHz", "NaN GHz"));
        assert!(panics("NaN", "3"));
        // Not comparable (other bases, a unit on one side only): no compare.
        assert!(!panics("NaN MHz", "1 GiB"));
        assert!(!panics("NaN", "1 GHz"));
        assert!(!panics("1.5 GHz", "2 GHz"));
    }
}
