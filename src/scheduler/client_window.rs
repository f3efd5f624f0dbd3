//! Values a hand-written client takes from what its pool states, where a
//! real host's lie in a window around it (redteam27 R27-4): its
//! `memory.totalbytes` anywhere within the MiB the pool's `memory` rounds
//! down to, its `cpu.totalcompute` before 1.1.0 either the pool's `cpu`
//! or not reported ([`crate::cluster::reported_host::derived`]).
//!
//! The build gives the window's low end. A constraint (or an affinity
//! that decides, or a spread or `distinct_property` on the value) whose
//! answer differs somewhere in the window cannot be told; one whose
//! answer is the same everywhere in it is planned as built.

use crate::cluster::reported_host::{derived, Window};
use crate::version::NomadVersion;
use crate::world::ClientPool;

/// One read of a placement block: `operand` between `l` and `r` (targets
/// as the job writes them), one of which reads the value (`window_left`:
/// the left one). `block` is `constraint`, `affinity` or `spread`.
#[derive(Debug, Clone, Copy)]
pub struct Comparison<'a> {
    pub block: &'a str,
    pub operand: &'a str,
    pub l: &'a str,
    pub r: &'a str,
    pub window_left: bool,
}

/// Does the answer of `c` differ across the window of `key` on a client
/// of `pool`?
pub fn differs(v: NomadVersion, pool: &ClientPool, key: &str, c: &Comparison) -> bool {
    let Comparison {
        block,
        operand,
        l,
        r,
        window_left,
    } = *c;
    let Some(w) = derived(v, pool, key) else {
        return false;
    };
    if w.lo == w.hi && !w.or_absent {
        return false;
    }
    let other = if window_left { r } else { l };
    // A spread or distinct_property counts each client's own value, and
    // two real hosts need not share theirs; another node value on the
    // other side is not known here.
    if block == "spread" || operand == "distinct_property" || other.starts_with("${") {
        return true;
    }
    let answer = |x: Option<&str>| {
        let (a, b) = if window_left {
            (x, Some(other))
        } else {
            (Some(other), x)
        };
        super::constraint::check(operand, a, b, v)
    };
    let Some(points) = points(operand, &w, other) else {
        return true;
    };
    let first = answer(Some(&w.lo.to_string()));
    points.iter().any(|x| answer(Some(&x.to_string())) != first)
        || (w.or_absent && answer(None) != first)
}

/// The values of the window where an operand's answer can change, or
/// `None` when no finite set tells (a `regexp`, `version`, a set).
///
/// Equality holds at one value: the other side's, if in the window. An
/// order holds on a run of the window: numbers compare as numbers
/// (1.4.0+, when both parse; `checkOrder`), monotone over the window, so
/// its ends tell; as text (before 1.4.0, or against a word), decimal
/// numbers of one length compare as the numbers do, so the ends of each
/// length's run tell (the powers of ten inside the window split them).
fn points(operand: &str, w: &Window, other: &str) -> Option<Vec<i64>> {
    let mut out = vec![w.lo, w.hi];
    let at = |x: i64| (w.lo..=w.hi).contains(&x);
    match operand {
        "=" | "==" | "is" | "!=" | "not" => {
            out.extend(other.parse::<i64>().ok().filter(|x| at(*x)));
        }
        "<" | "<=" | ">" | ">=" => {
            let mut p: i64 = 1;
            while let Some(next) = p.checked_mul(10) {
                p = next;
                if at(p) {
                    out.push(p);
                    out.push(p - 1);
                }
            }
            if let Ok(c) = other.parse::<i64>() {
                out.extend(
                    [c.saturating_sub(1), c, c.saturating_add(1)]
                        .into_iter()
                        .filter(|x| at(*x)),
                );
            }
        }
        "is_set" | "is_not_set" => {}
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp<'a>(operand: &'a str, l: &'a str, r: &'a str, window_left: bool) -> Comparison<'a> {
        Comparison {
            block: "constraint",
            operand,
            l,
            r,
            window_left,
        }
    }

    fn pool() -> ClientPool {
        ClientPool {
            memory: 8192,
            cpu: 4000,
            ..ClientPool::default()
        }
    }

    fn mem(op: &str, value: &str) -> bool {
        let v = NomadVersion::new(1, 10, 5);
        let l = "${attr.memory.totalbytes}";
        differs(v, &pool(), "memory.totalbytes", &cmp(op, l, value, true))
    }

    #[test]
    fn memory_bytes_within_the_mib() {
        // 8192 MiB: 8589934592 up to 8590983167.
        assert!(!mem("<=", "8590983167"));
        assert!(mem("<=", "8589934592"));
        assert!(mem("=", "8589934592"));
        assert!(mem(">", "8589934592"));
        assert!(!mem(">", "8000000000"));
        assert!(!mem(">=", "8589934592"));
        assert!(!mem("!=", "1"));
        assert!(mem("!=", "8590000000"));
        assert!(!mem("is_set", ""));
        assert!(mem("regexp", "^8"));
        assert!(mem("distinct_property", ""));
        // Stated on the other side.
        let v = NomadVersion::new(1, 10, 5);
        let r = "${attr.memory.totalbytes}";
        assert!(differs(
            v,
            &pool(),
            "memory.totalbytes",
            &cmp("<", "8589934592", r, false)
        ));
        assert!(!differs(
            v,
            &pool(),
            "memory.totalbytes",
            &cmp("<", "100", r, false)
        ));
    }

    #[test]
    fn text_order_splits_at_powers_of_ten() {
        // Before 1.4.0 `<` compares text: 9999 MiB's window crosses 10^10.
        let v = NomadVersion::new(1, 3, 0);
        let p = ClientPool {
            memory: 9536,
            ..ClientPool::default()
        };
        let lo = 9536_i64 << 20;
        assert!(lo < 10_000_000_000 && lo + (1 << 20) > 10_000_000_000);
        let l = "${attr.memory.totalbytes}";
        assert!(differs(v, &p, "memory.totalbytes", &cmp("<", l, "5", true)));
    }

    #[test]
    fn total_compute_before_1_1_may_be_missing() {
        let l = "${attr.cpu.totalcompute}";
        let old = NomadVersion::new(1, 0, 18);
        assert!(differs(
            old,
            &pool(),
            "cpu.totalcompute",
            &cmp("is_set", l, "", true)
        ));
        assert!(differs(
            old,
            &pool(),
            "cpu.totalcompute",
            &cmp(">=", l, "1000", true)
        ));
        assert!(!differs(
            old,
            &pool(),
            "cpu.totalcompute",
            &cmp("!=", l, "9", true)
        ));
        let new = NomadVersion::new(1, 1, 0);
        assert!(!differs(
            new,
            &pool(),
            "cpu.totalcompute",
            &cmp(">=", l, "1000", true)
        ));
    }
}
