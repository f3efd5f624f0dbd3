//! The source ranges hclsyntax puts on its evaluation diagnostics, from
//! hcl-edit's spans: an expression's `Range()` and `StartRange()`
//! (hclsyntax/expression*.go), which differ by node kind, and a function
//! call's name, parentheses and start.

use hcl_edit::expr::{Expression, FuncCall, TraversalOperator};
use hcl_edit::template::Element;
use hcl_edit::Span as _;

use super::{span_of, Scope};
use crate::jobspec::hclsyntax::paren_node;
use crate::source::Span;

impl Scope<'_> {
    /// `Range()`: the whole expression. Before Nomad 1.0.6 hclsyntax has
    /// no node for parentheses, so there `(x)` is the range of `x`.
    pub(super) fn range(&self, e: &Expression) -> Span {
        match e {
            Expression::Parenthesis(p) if !paren_node(self.fns.version) => self.range(p.inner()),
            _ => self.trimmed(span_of(e)),
        }
    }

    /// `StartRange()`: where hclsyntax points at an argument.
    pub(super) fn start_range(&self, e: &Expression) -> Span {
        let sp = self.trimmed(span_of(e));
        let first = |sp: Span| Span::new(sp.start, (sp.start + 1).min(sp.end));
        match e {
            // A quoted literal is a template of one literal part: the text
            // between the quotes.
            Expression::String(_) => Span::new(
                (sp.start + 1).min(sp.end),
                sp.end.saturating_sub(1).max(sp.start),
            ),
            Expression::StringTemplate(t) => match t.iter().next() {
                // `"${x}"` alone is a TemplateWrapExpr: the whole string.
                Some(Element::Interpolation(_)) if t.as_single_element().is_some() => sp,
                Some(Element::Interpolation(ip)) => self.start_range(&ip.expr),
                Some(Element::Literal(l)) => l
                    .span()
                    .map(Span::from_range)
                    .unwrap_or_else(|| first(Span::new(sp.start + 1, sp.end))),
                _ => sp,
            },
            Expression::Array(_) | Expression::Object(_) | Expression::ForExpr(_) => first(sp),
            Expression::FuncCall(f) => self.call_start(f, sp),
            Expression::Parenthesis(p) => self.start_range(p.inner()),
            Expression::Conditional(c) => self.start_range(&c.cond_expr),
            Expression::BinaryOp(b) => self.start_range(&b.lhs_expr),
            Expression::UnaryOp(u) => span_of(&u.operator),
            Expression::Traversal(t) => {
                // A root variable with attribute and literal index steps is
                // one ScopeTraversalExpr; otherwise the outermost step
                // decides (an index: its bracket; a splat: its marker).
                let scope_traversal = matches!(t.expr, Expression::Variable(_))
                    && t.operators.iter().all(|op| {
                        matches!(
                            op.value(),
                            TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_)
                        ) || matches!(op.value(), TraversalOperator::Index(Expression::Number(_)))
                    });
                match t.operators.last().map(|op| op.value()) {
                    _ if scope_traversal => sp,
                    Some(TraversalOperator::Index(_)) => {
                        first(t.operators.last().map(span_of).unwrap_or(sp))
                    }
                    _ => sp,
                }
            }
            _ => sp,
        }
    }

    /// A function call's name (`NameRange`).
    pub(super) fn name_range(&self, f: &FuncCall, call: Span) -> Span {
        let start = self.trimmed(call).start;
        Span::new(start, start + f.name.name.as_str().len())
    }

    /// `StartRange()` of a call: its name through the open parenthesis.
    pub(super) fn call_start(&self, f: &FuncCall, call: Span) -> Span {
        let name = self.name_range(f, call);
        let open = self.text.get(name.end..).and_then(|rest| rest.find('('));
        Span::new(name.start, open.map_or(name.end, |i| name.end + i + 1))
    }

    /// `CloseParenRange`: the call's last byte.
    pub(super) fn close_paren(&self, call: Span) -> Span {
        let sp = self.trimmed(call);
        Span::new(sp.end.saturating_sub(1), sp.end)
    }

    /// hcl-edit's spans may include surrounding blanks; hclsyntax's do not.
    fn trimmed(&self, sp: Span) -> Span {
        let Some(t) = self.text.get(sp.start..sp.end) else {
            return sp;
        };
        let lead = t.len() - t.trim_start().len();
        let trail = t.len() - t.trim_end().len();
        Span::new(sp.start + lead, (sp.end - trail).max(sp.start + lead))
    }
}
