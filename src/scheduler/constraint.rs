//! Constraint and affinity operators over node attributes
//! (`scheduler/feasible.go`, later `scheduler/feasible/feasible.go`:
//! `resolveTarget`, `checkConstraint` and friends), as each release has them:
//!
//! - `<`, `<=`, `>`, `>=` compare text before 1.4.0 (`checkLexicalOrder`:
//!   `"16" < "4"`); from 1.4.0 as integers when both sides parse, else as
//!   floats, else as text (`checkOrder`);
//! - `semver` exists from 0.10.2; before, it is an unknown operand and
//!   never holds (Nomad's validation of those releases accepts it);
//! - `${node.pool}` resolves from 1.6.0; before, it is not found.
//!
//! Before 1.4.0 an unknown interpolation resolves to Go's `nil` rather than
//! `""`; the two differ only for `!=` against an empty or missing value,
//! which is not modelled (both read as empty here).

use std::cmp::Ordering;

use crate::cluster::Node;
use crate::jobspec::Constraint;
use crate::version::NomadVersion;

/// Resolve a constraint target: `${...}` interpolations against the node,
/// anything else is a literal. `None` = not found.
pub fn resolve(target: &str, node: &Node, version: NomadVersion) -> Option<String> {
    resolved(target, node, version).map(str::to_string)
}

/// [`resolve`], borrowed from the target or the node: a feasibility
/// check resolves both sides of every constraint on every node it tries,
/// and copying them was most of its cost.
///
/// Nomad's `resolveTarget` looks at the prefix alone (feasible.go
/// @v0.9.3:411-444, feasible/feasible.go@v2.0.5:1096-1131): a target that
/// starts `${` is never a literal; the node's own values must be written
/// whole, an attribute or meta key is what follows `${attr.` / `${meta.`
/// less one closing `}` if there is one (`${attr.kernel.name` reads
/// `kernel.name`, `${attr.kernel.name}x` reads `kernel.name}x`), and any
/// other `${...` is not found (redteam11 R11-1).
fn resolved<'a>(target: &'a str, node: &'a Node, version: NomadVersion) -> Option<&'a str> {
    if !target.starts_with("${") {
        return Some(target);
    }
    match target {
        "${node.unique.id}" => Some(&node.id),
        "${node.datacenter}" => Some(&node.datacenter),
        "${node.unique.name}" => Some(&node.name),
        "${node.class}" => Some(&node.node_class),
        "${node.pool}" if super::feasibility::node_pools(version) => Some(&node.node_pool),
        _ => {
            if let Some(k) = target_key(target, "${attr.") {
                node.attributes.get(k).map(String::as_str)
            } else if let Some(k) = target_key(target, "${meta.") {
                node.meta.get(k).map(String::as_str)
            } else {
                None
            }
        }
    }
}

/// The key `resolveTarget` reads after `prefix`: Go's
/// `strings.TrimSuffix(strings.TrimPrefix(target, prefix), "}")`.
pub fn target_key<'a>(target: &'a str, prefix: &str) -> Option<&'a str> {
    let k = target.strip_prefix(prefix)?;
    Some(k.strip_suffix('}').unwrap_or(k))
}

/// Does the constraint hold under `version`? `l`/`r` are the resolved targets.
pub fn check(operand: &str, l: Option<&str>, r: Option<&str>, version: NomadVersion) -> bool {
    match operand {
        "=" | "==" | "is" => matches!((l, r), (Some(a), Some(b)) if a == b),
        "!=" | "not" => l.unwrap_or("") != r.unwrap_or(""),
        "<" | "<=" | ">" | ">=" => match (l, r) {
            (Some(a), Some(b)) if numeric_order(version) => number_order(operand, a, b),
            (Some(a), Some(b)) => in_order(operand, a.cmp(b)),
            _ => false,
        },
        // Go's regexp, not the `regex` crate's dialect (goregexp::compile);
        // a pattern that does not compile matches nothing (feasible.go
        // checkRegexpMatch).
        "regexp" => match (l, r) {
            (Some(a), Some(b)) => {
                crate::goregexp::compile(b, version).is_some_and(|re| re.is_match(a))
            }
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
        "semver" if semver_operand(version) => match (l, r) {
            (Some(a), Some(b)) => super::version_check::semver_matches(a, b),
            _ => false,
        },
        "is_set" => l.is_some(),
        "is_not_set" => l.is_none(),
        _ => false,
    }
}

/// Do `<`, `<=`, `>`, `>=` compare numbers as numbers (`checkOrder`, 1.4.0)?
pub fn numeric_order(version: NomadVersion) -> bool {
    version.at_least(1, 4, 0)
}

/// Is `semver` an operand the scheduler knows (0.10.2)?
pub fn semver_operand(version: NomadVersion) -> bool {
    version.at_least(0, 10, 2)
}

/// From 1.4.0 Nomad compares as integers when both parse, else as floats
/// (where NaN is in no order with anything), else as strings. Both parses
/// are Go's (`ParseInt(s, 10, 64)`, which Rust's i64 parse matches, and
/// `ParseFloat`, which Rust's f64 parse does not: [`crate::gofloat`]);
/// every release from 1.4 was built with Go 1.13 or later.
fn number_order(operand: &str, a: &str, b: &str) -> bool {
    if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
        return in_order(operand, x.cmp(&y));
    }
    let float = |s| crate::gofloat::parse_float(s, crate::gofloat::Grammar::Go113);
    if let (Ok(x), Ok(y)) = (float(a), float(b)) {
        return x.partial_cmp(&y).is_some_and(|o| in_order(operand, o));
    }
    in_order(operand, a.cmp(b))
}

/// `a operand b`, given how `a` compares with `b`.
fn in_order(operand: &str, ord: Ordering) -> bool {
    match operand {
        "<" => ord == Ordering::Less,
        "<=" => ord != Ordering::Greater,
        ">" => ord == Ordering::Greater,
        ">=" => ord != Ordering::Less,
        _ => false,
    }
}

fn split_set(s: &str) -> Vec<&str> {
    s.split(',').map(str::trim).collect()
}

/// Does a constraint or affinity (`operand` between two targets) hold on
/// `node` under `version`?
pub fn holds(
    operand: &str,
    ltarget: &str,
    rtarget: &str,
    node: &Node,
    version: NomadVersion,
) -> bool {
    check(
        operand,
        resolved(ltarget, node, version),
        resolved(rtarget, node, version),
        version,
    )
}

/// Does `c` hold on every node of `node`'s computed class? `None` when the
/// answer is not a property of the class: targets on unique values differ
/// per node, and `distinct_hosts` / `distinct_property` depend on what is
/// already placed.
pub fn class_verdict(c: &Constraint, node: &Node, version: NomadVersion) -> Option<bool> {
    if matches!(c.operand.as_str(), "distinct_hosts" | "distinct_property")
        || escapes_class(&c.ltarget, version)
        || escapes_class(&c.rtarget, version)
    {
        return None;
    }
    Some(holds(&c.operand, &c.ltarget, &c.rtarget, node, version))
}

/// Constraints on unique node values cannot be cached per node class:
/// `constraintTargetEscapes` (nomad/structs/node_class.go@v2.0.5:124-137)
/// asks whether a target *starts* with `${node.unique.`, `${attr.unique.`
/// or `${meta.unique.`, and with #24942 (1.9.7, 1.10.0; Enterprise 1.7.19,
/// 1.8.11: [`crate::version::Fix::ClassUniqueAddress`]) `${unique.` too
/// (redteam11 R11-9). Anything else is cached, even a literal that holds
/// such text later on (it does not vary by node).
pub fn escapes_class(target: &str, version: NomadVersion) -> bool {
    let Some(rest) = target.strip_prefix("${") else {
        return false;
    };
    rest.starts_with("node.unique.")
        || rest.starts_with("attr.unique.")
        || rest.starts_with("meta.unique.")
        || (rest.starts_with("unique.") && version.has(crate::version::Fix::ClassUniqueAddress))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V093: NomadVersion = NomadVersion::DEMO;
    const V140: NomadVersion = NomadVersion::new(1, 4, 0);
    const V160: NomadVersion = NomadVersion::new(1, 6, 0);

    fn node() -> Node {
        let mut n = Node {
            id: "id-1".into(),
            name: "aws-1".into(),
            datacenter: "dc1".into(),
            node_class: "linux-medium-pci".into(),
            node_pool: "default".into(),
            ..Node::default()
        };
        n.attributes.insert("kernel.name".into(), "linux".into());
        n.attributes
            .insert("os.signals".into(), "SIGHUP, SIGINT,SIGTERM".into());
        n.attributes.insert("cpu.numcores".into(), "16".into());
        n.attributes.insert("vault.version".into(), "1.2.3".into());
        n.meta.insert("pci-dss".into(), "true".into());
        n
    }

    fn holds_at(version: NomadVersion, l: &str, op: &str, r: &str) -> bool {
        holds(op, l, r, &node(), version)
    }

    /// `TestResolveConstraintTarget` (feasible_test.go), on a node shaped
    /// like `mock.Node()`; `${node.pool}` from 1.6.0.
    #[test]
    fn targets_resolve_as_resolve_target_does() {
        let n = node();
        let r = |t: &str, v| resolve(t, &n, v);
        assert_eq!(r("${node.unique.id}", V160).as_deref(), Some("id-1"));
        assert_eq!(r("${node.datacenter}", V160).as_deref(), Some("dc1"));
        assert_eq!(r("${node.unique.name}", V160).as_deref(), Some("aws-1"));
        assert_eq!(
            r("${node.class}", V160).as_deref(),
            Some("linux-medium-pci")
        );
        assert_eq!(r("${node.foo}", V160), None);
        assert_eq!(r("${attr.kernel.name}", V160).as_deref(), Some("linux"));
        assert_eq!(r("${attr.rand}", V160), None);
        // The prefix decides, as resolveTarget (redteam11 R11-1).
        assert_eq!(r("${attr.kernel.name", V160).as_deref(), Some("linux"));
        assert_eq!(r("${attr.kernel.name}x", V160), None);
        assert_eq!(r("${node.class", V160), None);
        assert_eq!(r("${nonsense", V160), None);
        assert_eq!(
            r("$attr.kernel.name}", V160).as_deref(),
            Some("$attr.kernel.name}")
        );
        assert_eq!(r("${meta.pci-dss}", V160).as_deref(), Some("true"));
        assert_eq!(r("${meta.rand}", V160), None);
        assert_eq!(r("literal", V160).as_deref(), Some("literal"));
        assert_eq!(r("${node.pool}", V160).as_deref(), Some("default"));
        assert_eq!(r("${node.pool}", NomadVersion::new(1, 5, 17)), None);
    }

    /// `TestCheckConstraint`: `None` is Go's nil (a target not found).
    #[test]
    fn check_constraint_table() {
        let cases: &[(&str, Option<&str>, Option<&str>, bool)] = &[
            ("=", Some("foo"), Some("foo"), true),
            ("is", Some("foo"), Some("foo"), true),
            ("==", Some("foo"), Some("foo"), true),
            ("==", Some("foo"), None, false),
            ("==", None, Some("foo"), false),
            ("==", None, None, false),
            ("!=", Some("foo"), Some("foo"), false),
            ("!=", Some("foo"), Some("bar"), true),
            ("!=", None, Some("foo"), true),
            ("!=", Some("foo"), None, true),
            ("!=", None, None, false),
            ("not", Some("foo"), Some("bar"), true),
            ("version", Some("1.2.3"), Some("~> 1.0"), true),
            ("version", None, Some("~> 1.0"), false),
            ("regexp", Some("foobarbaz"), Some("[\\w]+"), true),
            ("regexp", None, Some("[\\w]+"), false),
            ("<", Some("foo"), Some("bar"), false),
            ("<", None, Some("bar"), false),
            (
                "set_contains",
                Some("foo,bar,baz"),
                Some("foo,  bar  "),
                true,
            ),
            ("set_contains", Some("foo,bar,baz"), Some("foo,bam"), false),
            ("is_set", Some("foo"), None, true),
            ("is_set", None, None, false),
            ("is_not_set", None, None, true),
            ("is_not_set", Some("foo"), None, false),
        ];
        for v in [V093, V140, NomadVersion::CURRENT] {
            for (op, l, r, want) in cases {
                assert_eq!(check(op, *l, *r, v), *want, "{l:?} {op} {r:?} at {v}");
            }
        }
        // An operand the scheduler does not know never holds; the two it
        // leaves to other iterators always pass here.
        assert!(!check("unknown-op", Some("a"), Some("a"), V160));
    }

    /// `TestCheckLexicalOrder` (0.9.3 to 1.3) and `TestCheckOrder` (1.4.0 on).
    #[test]
    fn order_is_textual_before_1_4_and_numeric_after() {
        let both: &[(&str, &str, &str, bool)] = &[
            ("<", "bar", "foo", true),
            ("<=", "foo", "foo", true),
            (">", "bar", "foo", false),
            (">=", "bar", "bar", true),
            (">", "1", "foo", false),
        ];
        let numeric: &[(&str, &str, &str, bool)] = &[
            ("<", "10", "1", false),
            ("<", "1", "10", true),
            ("<", "10.5", "1.5", false),
            ("<", "1.5", "10.5", true),
        ];
        for (op, l, r, want) in both {
            for v in [V093, NomadVersion::new(1, 3, 16), V140] {
                assert_eq!(check(op, Some(l), Some(r), v), *want, "{l} {op} {r} at {v}");
            }
        }
        for (op, l, r, want) in numeric {
            assert_eq!(check(op, Some(l), Some(r), V140), *want, "{l} {op} {r}");
            // Before 1.4 the same pairs compare as text: "10" < "1" is false
            // and "10.5" < "1.5" is false ('0' < '.' is false) alike.
            assert_eq!(
                check(op, Some(l), Some(r), V093),
                l < r,
                "{l} {op} {r} at 0.9.3"
            );
        }
        // The demo's false all-clear this guards against: 16 cores are not
        // `>= 4` to Nomad 0.9.3 ("16" < "4" as text), but are to 1.4.
        assert!(!holds_at(V093, "${attr.cpu.numcores}", ">=", "4"));
        assert!(holds_at(V140, "${attr.cpu.numcores}", ">=", "4"));
        assert!(holds_at(V093, "${attr.cpu.numcores}", ">", "10"));
        assert!(holds_at(V140, "${attr.cpu.numcores}", ">", "10"));
        assert!(!holds_at(V140, "${attr.cpu.numcores}", ">", "20"));
        assert!(holds_at(V093, "${attr.cpu.numcores}", ">", "100"));
        // Go's ParseFloat (redteam11 R11-2): 1e400 is out of range, so
        // the text decides ("16" < "10e400" is false); 0x1p5 is 32.
        assert!(!holds_at(V140, "${attr.cpu.numcores}", "<", "10e400"));
        assert!(holds_at(V140, "${attr.cpu.numcores}", "<", "0x1p5"));
        assert!(!holds_at(V140, "${attr.cpu.numcores}", ">=", "0x1p5"));
        assert!(holds_at(V140, "${attr.cpu.numcores}", ">", "1_0.5"));
        // Go compares floats with <, <=: NaN is in no order.
        for op in ["<", "<=", ">", ">="] {
            assert!(!check(op, Some("NaN"), Some("1.5"), V140), "NaN {op} 1.5");
        }
        assert!(check("<=", Some("2"), Some("2.0"), V140));
        assert!(!check("<", Some("2"), Some("2.0"), V140));
        assert!(check("<", Some("2"), Some("2.0"), V093));
    }

    /// `semver` is unknown before 0.10.2; `version` is known in every
    /// release. Their tables are in `version_check`'s tests.
    #[test]
    fn semver_and_version_by_release() {
        let before = NomadVersion::new(0, 10, 1);
        let from = NomadVersion::new(0, 10, 2);
        let semver = |v| check("semver", Some("1.2.3"), Some(">= 1.0, < 1.4"), v);
        assert!(!semver(before));
        assert!(semver(from));
        assert!(semver(V160));
        assert!(!check("semver", None, Some(">= 1.0"), V160));
        assert!(holds_at(
            V160,
            "${attr.vault.version}",
            "semver",
            ">= 0.6.1"
        ));
        assert!(!holds_at(
            V093,
            "${attr.vault.version}",
            "semver",
            ">= 0.6.1"
        ));
        for v in [V093, V160] {
            assert!(check("version", Some("1"), Some("~> 1.0"), v));
            assert!(!check("version", Some("2.0.1"), Some("~> 1.0"), v));
            assert!(!check("version", Some("1.2.3"), None, v));
        }
    }

    /// `TestCheckRegexpConstraint` and `TestSetContainsAny`.
    #[test]
    fn regexp_and_set_tables() {
        for (l, r, want) in [
            ("foobar", "bar", true),
            ("foobar", "^foo", true),
            ("foobar", "^bar", false),
            ("zipzap", "foo", false),
        ] {
            assert_eq!(check("regexp", Some(l), Some(r), V160), want, "{l} {r}");
        }
        assert!(!check("regexp", Some("x"), Some("("), V160), "bad regexp");
        for (l, r, want) in [
            ("a", "a", true),
            ("a,b", "a", true),
            ("  a,b  ", "a ", true),
            ("b", "a", false),
        ] {
            assert_eq!(check("set_contains_any", Some(l), Some(r), V160), want);
        }
        assert!(!check("set_contains_any", None, Some("a"), V160));
        assert!(!check("set_contains", Some("a"), None, V160));
        assert!(holds_at(
            V093,
            "${attr.os.signals}",
            "set_contains_all",
            "SIGINT,SIGHUP"
        ));
        assert!(!holds_at(
            V093,
            "${attr.os.signals}",
            "set_contains",
            "SIGINT,SIGUSR1"
        ));
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
        let v = |c: &Constraint| class_verdict(c, &n, V160);
        assert_eq!(v(&c("${attr.kernel.name}", "=", "linux")), Some(true));
        assert_eq!(v(&c("${attr.kernel.name}", "=", "windows")), Some(false));
        assert_eq!(
            v(&c("${attr.vault.version}", "version", ">= 2.0")),
            Some(false)
        );
        assert_eq!(v(&c("${node.unique.name}", "=", "aws-1")), None);
        assert_eq!(v(&c("x", "=", "${node.unique.id}")), None);
        assert_eq!(v(&c("${attr.unique.hostname}", "=", "x")), None);
        assert_eq!(v(&c("${meta.unique.rack}", "=", "x")), None);
        // Only the three `${…unique.` roots escape (structs/node_class.go
        // `constraintTargetEscapes`): a `.unique.` further in, or a
        // `.unique` with no dot after it, is a class property.
        assert_eq!(v(&c("${attr.os.unique.x}", "=", "x")), Some(false));
        assert_eq!(v(&c("${attr.unique}", "=", "x")), Some(false));
        assert_eq!(v(&c("a.b.c", "=", "${node.unique.")), None);
        // A prefix, not a substring; `${unique.` from #24942 (R11-9).
        assert_eq!(v(&c("x${node.unique.id}", "=", "x")), Some(false));
        assert_eq!(
            v(&c("${attr.kernel.name}", "=", "${unique.x}")),
            Some(false)
        );
        let at = |v| class_verdict(&c("${attr.kernel.name}", "=", "${unique.x}"), &n, v);
        assert_eq!(at(NomadVersion::new(1, 9, 6)), Some(false));
        assert_eq!(at(NomadVersion::new(1, 9, 7)), None);
        assert_eq!(at(NomadVersion::new(2, 0, 5)), None);
        assert_eq!(v(&c("", "distinct_hosts", "true")), None);
        assert_eq!(v(&c("${meta.rack}", "distinct_property", "1")), None);
        let cores = c("${attr.cpu.numcores}", ">=", "4");
        assert_eq!(class_verdict(&cores, &n, V093), Some(false));
        assert_eq!(class_verdict(&cores, &n, V140), Some(true));
    }
}
