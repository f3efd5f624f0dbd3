//! `locals` blocks, evaluated the way jobspec2 evaluates them after the
//! input variables (jobspec2/types.config.go@v2.0.5, the same at every tag
//! from v1.0.0): parseLocalVariables queues every attribute of every
//! `locals` block, blocks in file order and each block's attributes in
//! Go's map order (hclsyntax Body.JustAttributes); its duplicate check
//! looks in LocalVariables, which is still empty then, so a name defined
//! in two blocks is no error. evaluateLocalVariables then takes the head
//! of the queue: a success sets the name (a later success of the same
//! name overwrites it), a failure goes to the back; it returns the
//! failing local's diagnostics when it is the only one left, or at the
//! 102nd failure in a row (`retry == 100`). So only one local's errors
//! are ever said, a self reference (`x = local.x`) is hcl's "Unsupported
//! attribute", and a reference to a local not yet evaluated fails.
//!
//! Where the queue's order within a block (a rotation of the file's order
//! for up to 8 attributes, [`crate::gomap`]) can change a value, we run
//! every order: one answer is Nomad's; different values are a "cannot
//! tell"; different errors are all said with a note (one of them is
//! Nomad's).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Attribute, Body};
use hcl_edit::visit::{visit_expr, Visit};

use super::eval::{span_of, EvalError, Scope};
use super::model::Value;
use crate::diag::{Diag, Diags, Severity};
use crate::source::{Source, Span};

/// The locals' values depend on the order Go's map yields a block's
/// attributes: what Nomad says of the file is not known.
pub const LOCALS_CANNOT_TELL: &str = "jobspec::locals-cannot-tell";
/// Several locals fail and Go's map order picks whose errors Nomad says.
pub const LOCALS_ORDER: &str = "jobspec::locals-order";

/// evaluateLocalVariables gives up at the failure where `retry` reaches
/// 100: the 102nd in a row.
const GIVE_UP: usize = 102;
/// Orders we are willing to run (each a whole evaluation of the locals).
const MAX_ORDERS: usize = 256;

struct Def<'b> {
    name: &'b str,
    attr: &'b Attribute,
}

/// What one run of jobspec2's queue leaves.
#[derive(Clone)]
struct Outcome {
    locals: BTreeMap<String, Value>,
    /// Their types where known (`Scope::local_types`).
    types: BTreeMap<String, crate::jobspec::var_convert::Exact>,
    /// Locals whose value is only known at run time (or rests on an unset
    /// variable): `local.x` in `scope.unset`.
    unknown: BTreeSet<String>,
    /// The local whose errors evaluateLocalVariables returns.
    failed: Option<(usize, EvalError)>,
    /// How many locals were left in the queue when it gave up.
    stuck: usize,
}

impl Outcome {
    fn same(&self, other: &Outcome) -> bool {
        let key = |f: &Option<(usize, EvalError)>| {
            f.as_ref().map(|(i, e)| {
                let all: Vec<(Span, String)> = e
                    .clone()
                    .all()
                    .into_iter()
                    .map(|e| (e.span, e.message))
                    .collect();
                (*i, all)
            })
        };
        self.locals == other.locals
            && self.unknown == other.unknown
            && key(&self.failed) == key(&other.failed)
    }
}

/// Does an expression's value depend on which locals are there, beyond
/// the `local.NAME` it reads (which fail while absent)? `try`/`can`
/// turn an absent local into a value; `local` read whole lists them.
#[derive(Default)]
struct OrderSensitive(bool);

impl Visit for OrderSensitive {
    fn visit_expr(&mut self, e: &Expression) {
        match e {
            Expression::Variable(v) if v.as_str() == "local" => self.0 = true,
            Expression::FuncCall(f) if matches!(f.name.name.as_str(), "try" | "can") => {
                self.0 = true
            }
            Expression::Traversal(t)
                if matches!(&t.expr, Expression::Variable(v) if v.as_str() == "local")
                    && matches!(
                        t.operators.first().map(|o| o.value()),
                        Some(TraversalOperator::GetAttr(_))
                    ) =>
            {
                for op in &t.operators {
                    self.visit_traversal_operator(op);
                }
            }
            _ => visit_expr(self, e),
        }
    }
}

/// Evaluate every `locals` attribute into `scope` as jobspec2 does; its
/// error (if any) goes to `diags`, a note on it to `notes` (said after
/// the stage's list). True when a local failed.
pub(super) fn resolve(
    body: &Body,
    src: &Source,
    scope: &mut Scope<'_>,
    diags: &mut Diags,
    notes: &mut Vec<Diag>,
) -> bool {
    let blocks: Vec<Vec<Def<'_>>> = body
        .blocks()
        .filter(|b| b.ident.as_str() == "locals")
        .map(|b| {
            b.body
                .attributes()
                .map(|a| Def {
                    name: a.key.as_str(),
                    attr: a,
                })
                .collect()
        })
        .collect();
    let defs: Vec<&Def<'_>> = blocks.iter().flatten().collect();
    if defs.is_empty() {
        return false;
    }
    let names: BTreeSet<&str> = defs.iter().map(|d| d.name).collect();
    let sensitive = names.len() < defs.len()
        || defs.iter().any(|d| {
            let mut v = OrderSensitive::default();
            v.visit_expr(&d.attr.value);
            v.0
        });
    let file_order: Vec<usize> = (0..defs.len()).collect();
    let first = run(&defs, &file_order, scope);
    // Without duplicates or order-sensitive reads every order reaches the
    // same values (a local's one value, once what it reads is there), and
    // a lone failing local is the one said.
    let stuck = first.stuck > 1 && !undecided(&first);
    let outcomes = if !sensitive && !stuck {
        vec![first]
    } else {
        match orders(&blocks) {
            Some(orders) => orders.iter().map(|o| run(&defs, o, scope)).collect(),
            None if !sensitive => vec![first],
            None => {
                diags.push(cannot_tell(src, &defs, None));
                return true;
            }
        }
    };
    let Some(head) = outcomes.iter().find(|o| undecided(o)).or(outcomes.first()) else {
        return false;
    };
    if undecided(head) {
        apply(head, scope);
        if let Some((_, e)) = &head.failed {
            diags.extend(said(src, e, &names));
        }
        return true;
    }
    if outcomes.iter().all(|o| o.same(head)) {
        apply(head, scope);
        if let Some((_, e)) = &head.failed {
            diags.extend(said(src, e, &names));
            return true;
        }
        return false;
    }
    if outcomes.iter().any(|o| o.failed.is_none()) {
        // Some orders load the file, others do not, or load other values.
        let differs = outcomes
            .iter()
            .flat_map(|o| o.locals.keys().chain(o.unknown.iter()))
            .find(|n| {
                let at = |o: &Outcome| (o.locals.get(*n).cloned(), o.unknown.contains(*n));
                outcomes.iter().any(|o| at(o) != at(head))
            })
            .cloned();
        diags.push(cannot_tell(src, &defs, differs.as_deref()));
        return true;
    }
    // Every order fails, at different locals: each is said, then a note.
    apply(head, scope);
    let mut picked: Vec<usize> = Vec::new();
    for o in &outcomes {
        if let Some((i, e)) = &o.failed {
            if !picked.contains(i) {
                picked.push(*i);
                diags.extend(said(src, e, &names));
            }
        }
    }
    picked.sort_unstable();
    let at = picked
        .first()
        .map(|&i| span_of(&defs[i].attr.key))
        .unwrap_or_default();
    notes.push(
        Diag::error(
            LOCALS_ORDER,
            format!(
                "{} locals fail: Nomad says the errors of only one of them, which Go's random map order picks (jobspec2's evaluateLocalVariables); all are listed here",
                picked.len()
            ),
        )
        .with_severity(Severity::Advice)
        .at(src, at, "one of the failing locals")
        .help("fix every failing local"),
    );
    true
}

/// Did the run stop at one of our own refusals (what Nomad says is then
/// not known)?
fn undecided(o: &Outcome) -> bool {
    o.failed
        .as_ref()
        .is_some_and(|(_, e)| e.clone().all().iter().any(super::eval::undecided))
}

/// A failing local's errors as diagnostics; a reference to a local that
/// is defined but never got a value says why.
fn said(src: &Source, e: &EvalError, names: &BTreeSet<&str>) -> Diags {
    let mut d = super::vars::eval_diags(src, e.clone());
    for d in d.0.iter_mut() {
        let named = d
            .message
            .strip_prefix("Unsupported attribute; This object does not have an attribute named \"")
            .and_then(|r| r.strip_suffix("\"."));
        if d.code == "jobspec::missing-variable" && named.is_some_and(|n| names.contains(n)) {
            d.help = Some("this local is defined, but never gets a value: jobspec2 evaluates locals one at a time, and one that reads itself (or locals that read each other in a cycle) never can".into());
        }
    }
    d
}

/// Every order the queue may start in: each block's attributes in one of
/// their rotations, blocks in file order. None when a block has more than
/// 8 attributes (Go's order is then not established) or the orders are
/// too many to run.
fn orders(blocks: &[Vec<Def<'_>>]) -> Option<Vec<Vec<usize>>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    let mut base = 0;
    for b in blocks {
        let n = b.len();
        if !crate::gomap::established(n) {
            return None;
        }
        if out.len() * n.max(1) > MAX_ORDERS {
            return None;
        }
        let mut next = Vec::with_capacity(out.len() * n.max(1));
        for prefix in &out {
            for start in 0..n.max(1) {
                let mut o = prefix.clone();
                o.extend(crate::gomap::rotation(n, start).map(|i| base + i));
                next.push(o);
            }
        }
        out = next;
        base += n;
    }
    Some(out)
}

/// One run of evaluateLocalVariables over the queue `order`, from the
/// scope as the variables left it (restored afterwards).
fn run(defs: &[&Def<'_>], order: &[usize], scope: &mut Scope<'_>) -> Outcome {
    let saved = (
        scope.locals.clone(),
        scope.unset.clone(),
        scope.local_types.clone(),
    );
    let mut queue: VecDeque<usize> = order.iter().copied().collect();
    // The failures since the last success, in order, with their errors
    // (the state does not change between them).
    let mut streak: Vec<(usize, EvalError)> = Vec::new();
    let failed = loop {
        let Some(&i) = queue.front() else { break None };
        let def = defs[i];
        let key = format!("local.{}", def.name);
        match scope.eval_known(&def.attr.value) {
            Ok(Some(v)) => {
                scope.set_local_type(def.name, &def.attr.value, &v);
                scope.locals.insert(def.name.to_string(), v);
                scope.unset.remove(&key);
            }
            Ok(None) => {
                scope.local_types.remove(def.name);
                scope.locals.remove(def.name);
                scope.unset.insert(key);
            }
            Err(e) => {
                // Our own refusal (a budget, a read we refuse, a cannot
                // tell): Nomad would go on, so nothing after it is known.
                if queue.len() == 1 || e.clone().all().iter().any(super::eval::undecided) {
                    break Some((i, e));
                }
                streak.push((i, e));
                if streak.len() == GIVE_UP {
                    break streak.pop();
                }
                queue.rotate_left(1);
                // A whole round failed: nothing changes any more, and the
                // failures go round the same queue until the 102nd.
                if streak.len() == queue.len() {
                    let k = streak.len();
                    break Some(streak.swap_remove((GIVE_UP - 1) % k));
                }
                continue;
            }
        }
        streak.clear();
        queue.pop_front();
    };
    let unknown = scope
        .unset
        .iter()
        .filter_map(|k| k.strip_prefix("local."))
        .map(str::to_string)
        .collect();
    let locals = std::mem::replace(&mut scope.locals, saved.0);
    let types = std::mem::replace(&mut scope.local_types, saved.2);
    scope.unset = saved.1;
    let stuck = if failed.is_some() { queue.len() } else { 0 };
    Outcome {
        locals,
        types,
        unknown,
        failed,
        stuck,
    }
}

fn apply(o: &Outcome, scope: &mut Scope<'_>) {
    scope.locals = o.locals.clone();
    scope.local_types = o.types.clone();
    for n in &o.unknown {
        scope.unset.insert(format!("local.{n}"));
    }
}

fn cannot_tell(src: &Source, defs: &[&Def<'_>], differs: Option<&str>) -> Diag {
    let what = match differs {
        Some(n) => format!("the value of local.{n} depends on"),
        None => "the locals' values may depend on".to_string(),
    };
    let at = differs
        .and_then(|n| defs.iter().rev().find(|d| d.name == n))
        .or(defs.first())
        .map(|d| span_of(&d.attr.key))
        .unwrap_or_default();
    Diag::error(
        LOCALS_CANNOT_TELL,
        format!("cannot tell what Nomad says of this job file: {what} the order jobspec2 evaluates locals in, which Go's random map order decides within a locals block"),
    )
    .at(src, at, "")
    .help("define each local once, and read other locals by name (not through try, can or the whole `local` object)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::functions::FnEnv;

    /// The locals of `text` as resolve leaves them, and its diagnostics.
    fn locals(text: &str) -> (BTreeMap<String, Value>, Vec<String>) {
        let body = hcl_edit::parser::parse_body(text).expect("parses");
        let src = crate::source::SourceFile::inline("l.nomad", text);
        let mut scope = Scope::bare(text, FnEnv::default());
        let mut diags = Diags::new();
        let mut notes = Vec::new();
        resolve(&body, &src, &mut scope, &mut diags, &mut notes);
        diags.0.extend(notes);
        let msgs = diags.iter().map(|d| d.message.clone()).collect();
        (scope.locals, msgs)
    }

    fn n(v: f64) -> Value {
        Value::Number(v)
    }

    #[test]
    fn a_later_block_overwrites_a_local() {
        // types.config.go@v2.0.5 parseLocalVariables: no duplicate error.
        let (l, d) = locals("locals {\n  x = 1\n}\nlocals {\n  x = 2\n}\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(l.get("x"), Some(&n(2.0)));
        // A reader in a later block sees the value set before it.
        let (l, d) =
            locals("locals {\n  x = 1\n}\nlocals {\n  y = local.x\n}\nlocals {\n  x = 3\n}\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((l.get("x"), l.get("y")), (Some(&n(3.0)), Some(&n(1.0))));
    }

    #[test]
    fn a_duplicate_waiting_for_a_later_local_is_evaluated_last() {
        // x = local.y fails, goes to the back, and wins after x = 2.
        let (l, d) =
            locals("locals {\n  x = local.y\n}\nlocals {\n  x = 2\n}\nlocals {\n  y = 5\n}\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(l.get("x"), Some(&n(5.0)));
    }

    #[test]
    fn try_sees_only_what_is_evaluated_before_it() {
        let (l, _) = locals("locals {\n  a = try(local.b, 1)\n}\nlocals {\n  b = 2\n}\n");
        assert_eq!(l.get("a"), Some(&n(1.0)));
    }

    #[test]
    fn a_value_the_map_order_picks_is_not_told() {
        // Two rotations of the second block see x = 1 or x = 2.
        let (_, d) = locals("locals {\n  x = 1\n}\nlocals {\n  x = 2\n  y = local.x\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].starts_with(
                "cannot tell what Nomad says of this job file: the value of local.y depends on"
            ),
            "{d:?}"
        );
    }

    #[test]
    fn a_self_reference_is_hcls_unsupported_attribute() {
        // types.config.go:199-207@v2.0.5: the only local left is said.
        let (_, d) = locals("locals {\n  x = local.x\n}\n");
        assert_eq!(
            d,
            ["Unsupported attribute; This object does not have an attribute named \"x\"."]
        );
    }

    #[test]
    fn two_failing_locals_in_one_block_are_both_said_with_a_note() {
        let (_, d) = locals("locals {\n  x = jsondecode(\"{\")\n  y = local.x\n}\n");
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d[2].starts_with("2 locals fail"), "{d:?}");
        // In two blocks the queue's order is fixed: the 102nd failure is
        // y's (x, y, x, y, ...).
        let (_, d) = locals("locals {\n  x = jsondecode(\"{\")\n}\nlocals {\n  y = local.x\n}\n");
        assert_eq!(
            d,
            ["Unsupported attribute; This object does not have an attribute named \"x\"."]
        );
    }

    #[test]
    fn order_independent_locals_are_evaluated_once_in_any_order() {
        let (l, d) = locals("locals {\n  a = local.b + 1\n  b = local.c * 2\n  c = 3\n}\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(l.get("a"), Some(&n(7.0)));
    }
}
