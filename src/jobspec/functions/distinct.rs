//! go-cty's `distinct` keeps each value's first occurrence, in order
//! (cty/function/stdlib/collection.go DistinctFunc, go-cty v1.4.1 to
//! v1.19.0: `appendIfMissing` over the list built so far, quadratic). The
//! same answer from a set of keys: a list of 100,000 values takes
//! milliseconds, not minutes (redteam9 R9-9).

use std::collections::HashSet;

use super::Value;

/// `items` without repeats, each kept where it first appears. Values are
/// the same when `==` says so: -0 and 0 are one number, and a NaN (which
/// cty never holds) is never a repeat.
pub(super) fn distinct(items: Vec<Value>) -> Vec<Value> {
    let mut seen: HashSet<Vec<u8>> = HashSet::with_capacity(items.len());
    let mut out = Vec::new();
    for v in items {
        let mut k = Vec::new();
        if !key(&v, &mut k) || seen.insert(k) {
            out.push(v);
        }
    }
    out
}

/// Write `v`'s identity into `out`: equal values (by `==`) write equal
/// bytes and unequal ones different bytes (every part is tagged and every
/// string and collection length-prefixed). False when `v` holds a NaN,
/// equal to nothing.
fn key(v: &Value, out: &mut Vec<u8>) -> bool {
    match v {
        Value::Null => out.push(0),
        Value::Bool(b) => out.extend([1, u8::from(*b)]),
        Value::Number(n) if n.is_nan() => return false,
        Value::Number(n) => {
            out.push(2);
            // -0 == 0: one key.
            let n = if *n == 0.0 { 0.0f64 } else { *n };
            out.extend(n.to_bits().to_le_bytes());
        }
        Value::Int(i) => {
            out.push(3);
            out.extend(i.to_le_bytes());
        }
        Value::String(s) => {
            out.push(4);
            text(s, out);
        }
        Value::List(l) => {
            out.push(5);
            out.extend(l.len().to_le_bytes());
            return l.iter().all(|x| key(x, out));
        }
        Value::Map(m) => {
            out.push(6);
            out.extend(m.len().to_le_bytes());
            return m.iter().all(|(k, x)| {
                text(k, out);
                key(x, out)
            });
        }
    }
    true
}

fn text(s: &str, out: &mut Vec<u8>) {
    out.extend(s.len().to_le_bytes());
    out.extend(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn keeps_first_occurrences_in_order_as_equality_says() {
        let s = |x: &str| Value::String(x.into());
        let got = distinct(vec![
            n(1.0),
            s("1"),
            n(1.0),
            n(-0.0),
            n(0.0),
            Value::List(vec![s("a"), s("b")]),
            Value::List(vec![s("ab")]),
            Value::List(vec![s("a"), s("b")]),
            n(f64::NAN),
            n(f64::NAN),
        ]);
        assert_eq!(got.len(), 7, "{got:?}");
        assert_eq!(got[0], n(1.0));
        assert_eq!(got[1], s("1"));
        assert_eq!(got[2], n(-0.0));
        // The quadratic answer, for a sample with repeats.
        let items: Vec<Value> = (0..2000).map(|i| n(f64::from(i % 700))).collect();
        let mut slow: Vec<Value> = Vec::new();
        for v in &items {
            if !slow.contains(v) {
                slow.push(v.clone());
            }
        }
        assert_eq!(distinct(items), slow);
    }
}
