//! Constraint evaluation against a client pool's attributes, with Nomad's
//! operand semantics (`scheduler/feasible`): written here because the
//! scheduler's checker works on nodes of a built cluster, and lint rules
//! must answer "could any client ever satisfy this" from the world alone.
//! Answers are three-valued: targets that differ per node
//! (`${node.unique.*}`) or operands we do not model give `Unknown`, and
//! rules only report what is `No` on every pool.

use crate::jobspec::Constraint;
use crate::world::ClientPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Yes,
    No,
    Unknown,
}

enum Target {
    Found(String),
    Missing,
    PerNode,
}

fn resolve(pool: &ClientPool, target: &str) -> Target {
    let Some(inner) = target.strip_prefix("${").and_then(|t| t.strip_suffix('}')) else {
        return Target::Found(target.to_string());
    };
    let found = |v: Option<&String>| v.map_or(Target::Missing, |s| Target::Found(s.clone()));
    let non_empty = |s: &str| {
        if s.is_empty() {
            Target::Missing
        } else {
            Target::Found(s.to_string())
        }
    };
    match inner {
        "node.datacenter" => non_empty(super::pool_datacenter(pool)),
        "node.class" => non_empty(&pool.node_class),
        "node.pool" => Target::Found(if pool.node_pool.is_empty() {
            "default".into()
        } else {
            pool.node_pool.clone()
        }),
        "node.unique.id" | "node.unique.name" => Target::PerNode,
        _ => {
            if let Some(k) = inner.strip_prefix("attr.") {
                // Per-node values, and the version the world simulates
                // (which the builder fingerprints from the world, not the pool).
                if (k.starts_with("unique.") || k == "nomad.version")
                    && !pool.attributes.contains_key(k)
                {
                    return Target::PerNode;
                }
                super::pool_attribute(pool, k).map_or(Target::Missing, Target::Found)
            } else if let Some(k) = inner.strip_prefix("meta.") {
                found(pool.meta.get(k))
            } else {
                Target::Missing
            }
        }
    }
}

/// Does every client of `pool` satisfy `c`?
pub fn check(pool: &ClientPool, c: &Constraint) -> Verdict {
    let op = c.operand.as_str();
    if matches!(op, "distinct_hosts" | "distinct_property") {
        return Verdict::Unknown; // decided across allocations, not per node
    }
    let (l, r) = match (resolve(pool, &c.ltarget), resolve(pool, &c.rtarget)) {
        (Target::PerNode, _) | (_, Target::PerNode) => return Verdict::Unknown,
        (l, r) => (l, r),
    };
    let (lv, rv) = match (&l, &r) {
        (Target::Found(a), Target::Found(b)) => (Some(a.as_str()), Some(b.as_str())),
        (Target::Found(a), _) => (Some(a.as_str()), None),
        (_, Target::Found(b)) => (None, Some(b.as_str())),
        _ => (None, None),
    };
    let both = || lv.zip(rv);
    let yes = |b: bool| if b { Verdict::Yes } else { Verdict::No };
    match op {
        "=" | "==" | "is" => yes(both().is_some_and(|(a, b)| a == b)),
        "!=" | "not" => yes(lv.unwrap_or("") != rv.unwrap_or("")),
        "<" | "<=" | ">" | ">=" => yes(both().is_some_and(|(a, b)| order(op, a, b))),
        "is_set" => yes(lv.is_some()),
        "is_not_set" => yes(lv.is_none()),
        "regexp" => match both() {
            None => Verdict::No,
            Some((a, b)) => match regex::Regex::new(b) {
                Ok(re) => yes(re.is_match(a)),
                Err(_) => Verdict::No,
            },
        },
        "set_contains" | "set_contains_all" => yes(both().is_some_and(|(a, b)| {
            let have = set(a);
            set(b).iter().all(|x| have.contains(x))
        })),
        "set_contains_any" => yes(both().is_some_and(|(a, b)| {
            let have = set(a);
            set(b).iter().any(|x| have.contains(x))
        })),
        // go-version / semver constraint grammars are not modelled here.
        "version" | "semver" => match both() {
            None => Verdict::No,
            Some(_) => Verdict::Unknown,
        },
        _ => Verdict::No,
    }
}

fn set(s: &str) -> Vec<&str> {
    s.split(',').map(str::trim).collect()
}

/// int64 if both parse, else float64 if both parse, else lexical.
fn order(op: &str, a: &str, b: &str) -> bool {
    use std::cmp::Ordering;
    let ord = match (a.parse::<i64>(), b.parse::<i64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => match x.partial_cmp(&y) {
                Some(o) => o,
                None => return false,
            },
            _ => a.cmp(b),
        },
    };
    match op {
        "<" => ord == Ordering::Less,
        "<=" => ord != Ordering::Greater,
        ">" => ord == Ordering::Greater,
        ">=" => ord != Ordering::Less,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(l: &str, op: &str, r: &str) -> Constraint {
        Constraint {
            ltarget: l.into(),
            operand: op.into(),
            rtarget: r.into(),
            ..Constraint::default()
        }
    }

    #[test]
    fn operands_follow_nomad() {
        let mut pool = crate::rules::testing::world().clients.remove(0);
        pool.meta.insert("tags".into(), "a, b,c".into());
        pool.attributes.insert("os.version".into(), "10".into());
        use Verdict::*;
        assert_eq!(check(&pool, &c("${attr.kernel.name}", "=", "linux")), Yes);
        assert_eq!(check(&pool, &c("${attr.kernel.name}", "=", "windows")), No);
        assert_eq!(check(&pool, &c("${attr.missing}", "!=", "x")), Yes);
        // Fingerprint defaults every built client has.
        assert_eq!(check(&pool, &c("${attr.os.name}", "=", "ubuntu")), Yes);
        assert_eq!(check(&pool, &c("${attr.driver.docker}", "=", "1")), Yes);
        assert_eq!(check(&pool, &c("${attr.driver.qemu}", "is_set", "")), No);
        assert_eq!(
            check(&pool, &c("${attr.nomad.version}", "version", ">= 1.0")),
            Unknown
        );
        assert_eq!(check(&pool, &c("${attr.missing}", "!=", "")), No);
        assert_eq!(check(&pool, &c("${attr.missing}", "is_not_set", "")), Yes);
        assert_eq!(check(&pool, &c("${attr.cpu.arch}", "is_set", "")), Yes);
        assert_eq!(
            check(&pool, &c("${attr.cpu.arch}", "regexp", "^(amd|arm)64$")),
            Yes
        );
        assert_eq!(check(&pool, &c("${meta.tags}", "set_contains", "a,c")), Yes);
        assert_eq!(check(&pool, &c("${meta.tags}", "set_contains", "a,d")), No);
        assert_eq!(
            check(&pool, &c("${meta.tags}", "set_contains_any", "d,b")),
            Yes
        );
        // 10 > 9 numerically even though "10" < "9" lexically.
        assert_eq!(check(&pool, &c("${attr.os.version}", ">", "9")), Yes);
        assert_eq!(
            check(&pool, &c("${node.unique.name}", "=", "small-1")),
            Unknown
        );
        assert_eq!(check(&pool, &c("${node.datacenter}", "=", "dc1")), Yes);
        assert_eq!(check(&pool, &c("${attr.x}", "bogus", "y")), No);
        assert_eq!(check(&pool, &c("", "distinct_hosts", "true")), Unknown);
    }
}
