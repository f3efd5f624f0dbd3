//! A job file's reference to anything but `var`, `local` or a binding
//! (`attr.kernel.name`, `meta.x`, `NOMAD_ALLOC_INDEX`, a shell `${HOME}`):
//! jobspec2 gives its EvalContext a hook that turns the reference into a
//! string, and evaluation goes on with that string, so `upper(attr.x)` is
//! `"${ATTR.X}"` and `attr.x == "1"` is false. The text is:
//!
//! - 1.0.0–1.0.5 (`UnknownVariable`, hcl 68a97f93bb48 traversal.go
//!   `toStringValue`): `${` + the root and each attribute name joined by
//!   dots + `}`; a traversal with an index step makes hcl's
//!   `v.(TraverseAttr)` panic, which this tool says it cannot tell.
//! - 1.0.6+ (`UndefinedVariable`, jobspec2/types.config.go, the same at
//!   every later tag; #10326, #10419): the traversal's source bytes, with
//!   the `${` before it (spaces only between) and the spaces and `}` after
//!   it kept as written, else wrapped in `${…}`. The scheduler resolves a
//!   constraint's target only when it starts `${attr.` / `${meta.` or is one
//!   of the `${node.…}` names (scheduler feasible.go resolveTarget), so
//!   `"${ attr.kernel.name }"` matches no client: the spaces must survive.
//!
//! The traversal is hcl's ScopeTraversalExpr: the root and every step that
//! follows it as a name, a legacy `.0` index or an index by a literal
//! (hclsyntax parser.go: a LiteralValueExpr or a string-literal template);
//! an index by any other expression or a splat ends it.

use hcl_edit::expr::{Expression, Traversal, TraversalOperator};

use super::{EvalError, Fail, Scope};
use crate::version::NomadVersion;

/// Which hook the evaluation context has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Undefined {
    /// None of jobspec2's (hcl v1 files, var files, validations): the
    /// expression that needs run-time data is kept whole as `${…}` text.
    #[default]
    Whole,
    /// 1.0.0–1.0.5: names joined by dots.
    Names,
    /// 1.0.6 and later: the source text.
    Source,
}

impl Undefined {
    /// The hook of a job file's context at `version` (hcl v1 before 1.0).
    pub fn of(version: NomadVersion) -> Undefined {
        if !version.at_least(1, 0, 0) {
            Undefined::Whole
        } else if version.at_least(1, 0, 6) {
            Undefined::Source
        } else {
            Undefined::Names
        }
    }
}

/// How many of `ops` belong to the scope traversal.
fn traversal_steps(ops: &[hcl_edit::Decorated<TraversalOperator>]) -> usize {
    ops.iter()
        .take_while(|op| match op.value() {
            TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_) => true,
            TraversalOperator::Index(e) => matches!(
                e,
                Expression::Number(_)
                    | Expression::Bool(_)
                    | Expression::Null(_)
                    | Expression::String(_)
            ),
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => false,
        })
        .count()
}

impl Scope<'_> {
    /// The hook's value for the bare name `root` or the traversal `t`
    /// (with the number of `t`'s operators it used), or None where this
    /// context has no hook or the root is known.
    pub(super) fn undefined_value(
        &self,
        root: &hcl_edit::Decorated<hcl_edit::Ident>,
        t: Option<&Traversal>,
    ) -> Option<Result<(super::Value, usize), Fail>> {
        if self.undefined == Undefined::Whole || self.lookup(root.as_str()).is_some() {
            return None;
        }
        let ops = t.map(|t| t.operators.as_slice()).unwrap_or_default();
        let n = traversal_steps(ops);
        let steps = &ops[..n];
        let text = match self.undefined {
            Undefined::Whole => return None,
            Undefined::Names => {
                let mut s = format!("${{{}", root.as_str());
                for op in steps {
                    match op.value() {
                        TraversalOperator::GetAttr(id) => {
                            s.push('.');
                            s.push_str(id.as_str());
                        }
                        _ => {
                            let at = super::span_of(op);
                            let e = EvalError::new(
                                at,
                                format!(
                                    "cannot tell what Nomad {} makes of this reference: its hcl turns a run-time reference into text only when every step is a name (traversal.go toStringValue at 68a97f93bb48), and an index step makes it panic",
                                    self.fns.version
                                ),
                                "index by a name (`.x`) or upgrade: from 1.0.6 jobspec2 keeps the reference's text",
                            );
                            return Some(Err(Fail::Err(e)));
                        }
                    }
                }
                s.push('}');
                s
            }
            Undefined::Source => {
                let start = hcl_edit::Span::span(root)?.start;
                let end = match steps.last() {
                    Some(op) => hcl_edit::Span::span(op)?.end,
                    None => hcl_edit::Span::span(root)?.end,
                };
                source_form(self.text.as_bytes(), start, end)?
            }
        };
        // The hook returns cty.StringVal(v): normalised as every string is.
        let root_at = hcl_edit::Span::span(root)?;
        let end = match steps.last() {
            Some(op) => hcl_edit::Span::span(op)?.end,
            None => root_at.end,
        };
        let sp = crate::source::Span::new(root_at.start, end);
        Some(match self.nfc(text, sp) {
            Ok(text) => Ok((super::Value::String(text), n)),
            Err(e) => Err(e.into()),
        })
    }
}

/// jobspec2's UndefinedVariable text for the traversal at `start..end` of
/// the file `body`, byte for byte as its loops build it (the loop after
/// the traversal starts one byte past its end and keeps going after a
/// `}`, as written).
fn source_form(body: &[u8], start: usize, end: usize) -> Option<String> {
    let mut v: Vec<u8> = body.get(start..end)?.to_vec();
    let mut bracketed = false;
    let mut i = start;
    while i >= 2 {
        i -= 1;
        if body[i] == b'{' && body[i - 1] == b'$' {
            bracketed = true;
            let mut head = body[i - 1..start].to_vec();
            head.extend_from_slice(&v);
            v = head;
            break;
        } else if body[i] != b' ' {
            break;
        }
    }
    if bracketed {
        let mut i = end + 1;
        while i < body.len() {
            if body[i] == b'}' {
                v.extend_from_slice(&body[end..i]);
            } else if body[i] != b' ' {
                v.push(b'}');
                break;
            }
            i += 1;
        }
    } else {
        let mut w = b"${".to_vec();
        w.extend_from_slice(&v);
        w.push(b'}');
        v = w;
    }
    Some(String::from_utf8_lossy(&v).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str, what: &str) -> String {
        let start = text.find(what).unwrap();
        source_form(text.as_bytes(), start, start + what.len()).unwrap()
    }

    /// jobspec2/parse_test.go TestParse_UndefinedVariables (v2.0.5): each
    /// region survives as written.
    #[test]
    fn nomad_s_own_cases_survive_as_written() {
        for (c, what) in [
            ("foo-${BAR}", "BAR"),
            (
                "foo-${attr.network.dev-us-east1-relay-vpc.external-ip.0}",
                "attr.network.dev-us-east1-relay-vpc.external-ip.0",
            ),
            ("${env[\"BLAH\"]}", "env[\"BLAH\"]"),
            (
                "${mixed-indexing.0[3][\"FOO\"].5}",
                "mixed-indexing.0[3][\"FOO\"].5",
            ),
            (
                "with spaces ${   root.  field[  \"FOO\"].5  }",
                "root.  field[  \"FOO\"].5",
            ),
        ] {
            let text = format!("job \"example\" {{\n  region = \"{c}\"\n}}");
            let want = &c[c.find("${").unwrap()..];
            assert_eq!(form(&text, what), want, "{c}");
        }
    }

    #[test]
    fn outside_an_interpolation_it_is_wrapped() {
        assert_eq!(
            form("x = attr.kernel.name\n", "attr.kernel.name"),
            "${attr.kernel.name}"
        );
        assert_eq!(form("x = \"${upper(attr.a)}\"", "attr.a"), "${attr.a}");
        assert_eq!(form("x = \"%{ if attr.a == 1 }\"", "attr.a"), "${attr.a}");
        // After the name, another token: the `}` is added.
        assert_eq!(form("x = \"${attr.a + 1}\"", "attr.a"), "${attr.a}");
        assert_eq!(form("x = \"${ attr.a}}\"", "attr.a"), "${ attr.a}}");
    }
}
