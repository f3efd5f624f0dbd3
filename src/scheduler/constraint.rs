//! Constraint and affinity operators over node attributes
//! (`scheduler/feasible/feasible.go` checkConstraint and friends).

use std::cmp::Ordering;

use crate::cluster::Node;
use crate::jobspec::Constraint;

/// Resolve a constraint target: `${...}` interpolations against the node,
/// anything else is a literal. `None` = not found.
pub fn resolve(target: &str, node: &Node) -> Option<String> {
    let Some(inner) = target.strip_prefix("${").and_then(|t| t.strip_suffix('}')) else {
        return Some(target.to_string());
    };
    match inner {
        "node.unique.id" => Some(node.id.clone()),
        "node.datacenter" => Some(node.datacenter.clone()),
        "node.unique.name" => Some(node.name.clone()),
        "node.class" => Some(node.node_class.clone()),
        "node.pool" => Some(node.node_pool.clone()),
        _ => {
            if let Some(k) = inner.strip_prefix("attr.") {
                node.attributes.get(k).cloned()
            } else if let Some(k) = inner.strip_prefix("meta.") {
                node.meta.get(k).cloned()
            } else {
                None
            }
        }
    }
}

/// Does the constraint hold? `l`/`r` are the resolved targets.
pub fn check(operand: &str, l: Option<&str>, r: Option<&str>) -> bool {
    match operand {
        "=" | "==" | "is" => matches!((l, r), (Some(a), Some(b)) if a == b),
        "!=" | "not" => l.unwrap_or("") != r.unwrap_or(""),
        "<" | "<=" | ">" | ">=" => match (l, r) {
            (Some(a), Some(b)) => {
                let ord = lexical_order(a, b);
                match operand {
                    "<" => ord == Ordering::Less,
                    "<=" => ord != Ordering::Greater,
                    ">" => ord == Ordering::Greater,
                    _ => ord != Ordering::Less,
                }
            }
            _ => false,
        },
        "regexp" => match (l, r) {
            (Some(a), Some(b)) => regex::Regex::new(b)
                .map(|re| re.is_match(a))
                .unwrap_or(false),
            _ => false,
        },
        "set_contains" | "set_contains_all" => match (l, r) {
            (Some(a), Some(b)) => {
                let have = split_set(a);
                split_set(b).iter().all(|x| have.contains(x))
            }
            _ => false,
        },
        "set_contains_any" => match (l, r) {
            (Some(a), Some(b)) => {
                let have = split_set(a);
                split_set(b).iter().any(|x| have.contains(x))
            }
            _ => false,
        },
        "version" => match (l, r) {
            (Some(a), Some(b)) => super::version_check::go_version_matches(a, b),
            _ => false,
        },
        "semver" => match (l, r) {
            (Some(a), Some(b)) => super::version_check::semver_matches(a, b),
            _ => false,
        },
        "is_set" => l.is_some(),
        "is_not_set" => l.is_none(),
        _ => false,
    }
}

/// Nomad compares as integers when both parse, else as floats, else as strings.
fn lexical_order(a: &str, b: &str) -> Ordering {
    if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
        return x.cmp(&y);
    }
    if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
        return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    }
    a.cmp(b)
}

fn split_set(s: &str) -> Vec<&str> {
    s.split(',').map(str::trim).collect()
}

/// Does a constraint or affinity (`operand` between two targets) hold on `node`?
pub fn holds(operand: &str, ltarget: &str, rtarget: &str, node: &Node) -> bool {
    check(
        operand,
        resolve(ltarget, node).as_deref(),
        resolve(rtarget, node).as_deref(),
    )
}

/// Does `c` hold on every node of `node`'s computed class? `None` when the
/// answer is not a property of the class: targets on unique values differ
/// per node, and `distinct_hosts` / `distinct_property` depend on what is
/// already placed.
pub fn class_verdict(c: &Constraint, node: &Node) -> Option<bool> {
    if matches!(c.operand.as_str(), "distinct_hosts" | "distinct_property")
        || escapes_class(&c.ltarget)
        || escapes_class(&c.rtarget)
    {
        return None;
    }
    Some(holds(&c.operand, &c.ltarget, &c.rtarget, node))
}

/// Constraints on unique node values cannot be cached per node class.
pub fn escapes_class(target: &str) -> bool {
    target.contains("${node.unique.")
        || target.contains("${attr.unique.")
        || target.contains("${meta.unique.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Node {
        let mut n = Node {
            id: "id-1".into(),
            name: "aws-1".into(),
            datacenter: "dc1".into(),
            node_pool: "default".into(),
            ..Node::default()
        };
        n.attributes.insert("kernel.name".into(), "linux".into());
        n.attributes
            .insert("os.signals".into(), "SIGHUP, SIGINT,SIGTERM".into());
        n.attributes.insert("cpu.numcores".into(), "8".into());
        n.attributes.insert("vault.version".into(), "1.2.3".into());
        n
    }

    fn holds(l: &str, op: &str, r: &str) -> bool {
        let n = node();
        check(op, resolve(l, &n).as_deref(), resolve(r, &n).as_deref())
    }

    #[test]
    fn operators_follow_nomad_semantics() {
        assert!(holds("${attr.kernel.name}", "=", "linux"));
        assert!(!holds("${attr.kernel.name}", "=", "windows"));
        assert!(holds("${attr.missing}", "!=", "x"));
        assert!(!holds("${attr.missing}", "=", ""));
        assert!(holds("${attr.cpu.numcores}", ">", "4"));
        assert!(
            !holds("${attr.cpu.numcores}", ">", "10"),
            "compared as integers, not text"
        );
        assert!(holds("${attr.kernel.name}", "regexp", "^lin"));
        assert!(holds("${attr.os.signals}", "set_contains", "SIGINT,SIGHUP"));
        assert!(!holds(
            "${attr.os.signals}",
            "set_contains",
            "SIGINT,SIGUSR1"
        ));
        assert!(holds(
            "${attr.os.signals}",
            "set_contains_any",
            "SIGUSR1,SIGTERM"
        ));
        assert!(holds("${attr.vault.version}", "semver", ">= 0.6.1"));
        assert!(holds("${attr.vault.version}", "version", ">= 1.2, < 2"));
        assert!(holds("${attr.kernel.name}", "is_set", ""));
        assert!(holds("${attr.nope}", "is_not_set", ""));
        assert!(holds("${node.unique.name}", "=", "aws-1"));
        assert!(holds("${node.datacenter}", "==", "dc1"));
        assert!(holds("${node.pool}", "is", "default"));
        assert!(!holds("${node.bogus}", "=", ""));
        assert!(!holds("a", "unknown-op", "a"));
    }

    #[test]
    fn class_verdicts_leave_per_node_questions_open() {
        let n = node();
        let c = |l: &str, op: &str, r: &str| Constraint {
            ltarget: l.into(),
            operand: op.into(),
            rtarget: r.into(),
            ..Constraint::default()
        };
        assert_eq!(
            class_verdict(&c("${attr.kernel.name}", "=", "linux"), &n),
            Some(true)
        );
        assert_eq!(
            class_verdict(&c("${attr.kernel.name}", "=", "windows"), &n),
            Some(false)
        );
        assert_eq!(
            class_verdict(&c("${attr.vault.version}", "version", ">= 2.0"), &n),
            Some(false)
        );
        assert_eq!(
            class_verdict(&c("${node.unique.name}", "=", "aws-1"), &n),
            None
        );
        assert_eq!(
            class_verdict(&c("${attr.unique.hostname}", "=", "x"), &n),
            None
        );
        assert_eq!(class_verdict(&c("", "distinct_hosts", "true"), &n), None);
        assert_eq!(
            class_verdict(&c("${meta.rack}", "distinct_property", "1"), &n),
            None
        );
    }
}
