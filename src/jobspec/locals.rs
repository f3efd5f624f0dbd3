//! `locals` blocks, as jobspec2 evaluates them after the input variables:
//! in dependency order, a duplicate or a cycle reported where it is
//! written, a failed local unknown to its references.

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Body;
use hcl_edit::visit::Visit;

use super::eval::{span_of, Scope};
use crate::diag::{Diag, Diags};
use crate::source::Source;

struct LocalRefs(BTreeSet<String>);

impl Visit for LocalRefs {
    fn visit_traversal(&mut self, node: &hcl_edit::expr::Traversal) {
        if let (Expression::Variable(v), Some(op)) = (&node.expr, node.operators.first()) {
            if v.as_str() == "local" {
                if let TraversalOperator::GetAttr(id) = op.value() {
                    self.0.insert(id.as_str().to_string());
                }
            }
        }
        hcl_edit::visit::visit_traversal(self, node);
    }
}

/// Evaluate every `locals` attribute into `scope`, dependencies first.
pub(super) fn resolve(body: &Body, src: &Source, scope: &mut Scope<'_>, diags: &mut Diags) {
    let mut defs: BTreeMap<String, &hcl_edit::structure::Attribute> = BTreeMap::new();
    for b in body.blocks().filter(|b| b.ident.as_str() == "locals") {
        for a in b.body.attributes() {
            if defs.insert(a.key.as_str().to_string(), a).is_some() {
                diags.push(
                    Diag::error(
                        "jobspec::duplicate",
                        format!("Duplicate local value definition \"{}\"", a.key.as_str()),
                    )
                    .at(src, span_of(&a.key), "defined again here")
                    .help("each local may be defined once across all locals blocks"),
                );
            }
        }
    }
    // Depth-first in dependency order; a local on the current path again is a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Visiting,
        Done,
    }
    let mut state: BTreeMap<String, State> = BTreeMap::new();
    fn visit(
        name: &str,
        defs: &BTreeMap<String, &hcl_edit::structure::Attribute>,
        state: &mut BTreeMap<String, State>,
        path: &mut Vec<String>,
        src: &Source,
        scope: &mut Scope<'_>,
        diags: &mut Diags,
    ) {
        let Some(attr) = defs.get(name) else { return };
        match state.get(name) {
            Some(State::Done) => return,
            Some(State::Visiting) => {
                let start = path.iter().position(|p| p == name).unwrap_or(0);
                let mut cycle: Vec<String> = path[start..].to_vec();
                cycle.push(name.to_string());
                diags.push(
                    Diag::error(
                        "jobspec::locals-cycle",
                        format!(
                            "Cycle in local values: {}",
                            cycle
                                .iter()
                                .map(|c| format!("local.{c}"))
                                .collect::<Vec<_>>()
                                .join(" -> ")
                        ),
                    )
                    .at(src, span_of(&attr.key), "this local depends on itself")
                    .help(
                        "break the cycle: a local cannot refer back to itself through other locals",
                    ),
                );
                return;
            }
            None => {}
        }
        state.insert(name.to_string(), State::Visiting);
        path.push(name.to_string());
        let mut refs = LocalRefs(BTreeSet::new());
        refs.visit_expr(&attr.value);
        for r in &refs.0 {
            visit(r, defs, state, path, src, scope, diags);
        }
        path.pop();
        state.insert(name.to_string(), State::Done);
        // Only evaluate when every dependency resolved; otherwise the missing
        // dependency already has its diagnostic.
        if refs.0.iter().all(|r| {
            scope.locals.contains_key(r)
                || scope.unset.contains(&format!("local.{r}"))
                || !defs.contains_key(r)
        }) {
            match scope.eval_known(&attr.value) {
                Ok(Some(v)) => {
                    scope.locals.insert(name.to_string(), v);
                }
                // Depends on an unset variable (already reported) or on run-time data.
                Ok(None) => {
                    scope.unset.insert(format!("local.{name}"));
                }
                // The failure is this local's one diagnostic: references to
                // it are unknown (as hcl leaves a failed local dynamic), not
                // "undeclared", which would blame the reference instead.
                Err(e) => {
                    scope.unset.insert(format!("local.{name}"));
                    diags.extend(super::vars::eval_diags(src, e));
                }
            }
        }
    }
    let names: Vec<String> = defs.keys().cloned().collect();
    for n in names {
        visit(&n, &defs, &mut state, &mut Vec::new(), src, scope, diags);
    }
}
