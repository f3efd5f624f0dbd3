//! Whether an expression's value may be a cty set. Our values do not
//! carry their types, and a set is a `Value::List` like a list or a
//! tuple; but go-cty refuses a set where it reads a list or a tuple:
//! `element(fileset(".", "*"), 0)` is "cannot read elements from set of
//! string" (stdlib collection.go ElementFunc's Type, go-cty 1.4.1 to
//! 1.18.1), `reverse(fileset(...))` names "set of string" as the type it
//! got. Where a set may reach such a call and its type is not known
//! (arg_type.rs), the call is "cannot tell", never answered as a list's.
//!
//! The sets a job file can make: `fileset` (go-cty-funcs filesystem's
//! return type, `set(string)`), `setunion` and `setintersection` (always
//! a set), `setproduct` (a set when any argument is one: collection.go
//! SetProductFunc), `convert(x, set(...))`, a variable declared with a
//! set in its type, and whatever passes such a value on (a local, `try`,
//! `lookup`, an index into a collection holding sets...).

use hcl_edit::expr::{Expression, TraversalOperator};

use super::Scope;
use crate::jobspec::var_convert::Exact;
use crate::jobspec::var_type::VarType;

/// The functions whose result is a set whatever their arguments.
const SET_MAKERS: &[&str] = &["fileset", "setunion", "setintersection"];

/// The functions whose result is one of their arguments, or an element
/// of one (a set held in a collection): a set may pass through them.
/// `yamldecode` is here too: go-cty-yaml decodes a `!!set` to a set.
const PASS_ON: &[&str] = &[
    "try",
    "coalesce",
    "coalescelist",
    "lookup",
    "element",
    "yamldecode",
    "merge",
    "values",
    "concat",
    "flatten",
    "zipmap",
    "slice",
    "chunklist",
    "distinct",
];

/// What may be a set in an expression's value: the value itself
/// (`is`), or something at any depth in it (`holds`, which `is`
/// implies). One walk gives both, so each node is visited once.
#[derive(Clone, Copy)]
struct Kind {
    is: bool,
    holds: bool,
}

impl Kind {
    const NONE: Kind = Kind {
        is: false,
        holds: false,
    };
    const SET: Kind = Kind {
        is: true,
        holds: true,
    };

    fn holds(holds: bool) -> Kind {
        Kind { is: false, holds }
    }

    fn or(self, o: Kind) -> Kind {
        Kind {
            is: self.is || o.is,
            holds: self.holds || o.holds,
        }
    }
}

impl Scope<'_> {
    /// May the value of `e` itself be a set?
    pub(crate) fn may_be_set(&self, e: &Expression) -> bool {
        self.set_kind(e).is
    }

    /// May the value of `e` be a set, or hold one at any depth?
    pub(crate) fn may_hold_set(&self, e: &Expression) -> bool {
        self.set_kind(e).holds
    }

    /// The walk is as deep as the expression, which the parser bounds
    /// (parse_ahead::nesting_check); each node is visited once.
    fn set_kind(&self, e: &Expression) -> Kind {
        match e {
            Expression::Parenthesis(p) => self.set_kind(p.inner()),
            Expression::Conditional(c) => {
                self.set_kind(&c.true_expr).or(self.set_kind(&c.false_expr))
            }
            Expression::Array(a) => Kind::holds(a.iter().any(|x| self.set_kind(x).holds)),
            Expression::Object(o) => {
                Kind::holds(o.iter().any(|(_, v)| self.set_kind(v.expr()).holds))
            }
            Expression::ForExpr(f) => Kind::holds(self.set_kind(&f.value_expr).holds),
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                if !f.name.namespace.is_empty() || SET_MAKERS.contains(&name) {
                    return Kind::SET;
                }
                let args = || {
                    f.args
                        .iter()
                        .map(|a| self.set_kind(a))
                        .fold(Kind::NONE, Kind::or)
                };
                match name {
                    "setproduct" => {
                        let a = args();
                        Kind {
                            is: a.is,
                            holds: a.holds,
                        }
                    }
                    "convert" => match f.args.iter().nth(1).map(VarType::parse) {
                        Some(Some(t)) if !matches!(t, VarType::Any) => Kind {
                            is: matches!(t, VarType::Set(_)),
                            holds: var_type_holds_set(&t),
                        },
                        _ => Kind::SET,
                    },
                    // A set held in an argument may come out as the result
                    // or inside it.
                    _ if PASS_ON.contains(&name) => {
                        let h = args().holds;
                        Kind { is: h, holds: h }
                    }
                    _ => Kind::NONE,
                }
            }
            Expression::Traversal(t) => {
                let root = match (&t.expr, t.operators.first().map(|o| o.value())) {
                    (Expression::Variable(r), Some(TraversalOperator::GetAttr(id)))
                        if !self.bound(r.as_str()) && matches!(r.as_str(), "var" | "local") =>
                    {
                        let (known, flagged) = if r.as_str() == "var" {
                            (
                                self.var_types.get(id.as_str()),
                                self.set_vars.contains(id.as_str()),
                            )
                        } else {
                            (
                                self.local_types.get(id.as_str()),
                                self.set_locals.contains(id.as_str()),
                            )
                        };
                        match known {
                            Some(t) => Kind {
                                is: matches!(t, Exact::Set(_)),
                                holds: holds_set(t),
                            },
                            None => Kind {
                                is: flagged,
                                holds: flagged,
                            },
                        }
                    }
                    _ => {
                        let h = self.set_kind(&t.expr).holds;
                        Kind { is: h, holds: h }
                    }
                };
                if t.operators.len() > 1 || !matches!(&t.expr, Expression::Variable(_)) {
                    // An attribute, index or splat of a value holding a
                    // set anywhere may be one.
                    Kind {
                        is: root.holds,
                        holds: root.holds,
                    }
                } else {
                    root
                }
            }
            // A loop's or a dynamic block's binding: what it was bound to
            // is not traced here.
            Expression::Variable(v) if self.bound(v.as_str()) => Kind::SET,
            // `var["x"]`, `local["x"]`: not traced either.
            Expression::Variable(v) if matches!(v.as_str(), "var" | "local") => Kind::holds(true),
            _ => Kind::NONE,
        }
    }

    fn bound(&self, name: &str) -> bool {
        self.bindings.iter().any(|(n, _)| n == name)
    }
}

/// Does cty type `t` have a set anywhere in it?
fn holds_set(t: &Exact) -> bool {
    match t {
        Exact::Set(_) => true,
        Exact::List(e) | Exact::Map(e) => holds_set(e),
        Exact::Tuple(es) => es.iter().any(holds_set),
        Exact::Object(m) => m.values().any(holds_set),
        Exact::String | Exact::Number | Exact::Bool | Exact::Dynamic => false,
    }
}

/// Does a declared variable type have a set anywhere in it?
pub(crate) fn var_type_holds_set(t: &VarType) -> bool {
    match t {
        VarType::Set(_) => true,
        VarType::List(e) | VarType::Map(e) => var_type_holds_set(e),
        VarType::Object(m) => m.values().any(var_type_holds_set),
        VarType::Any | VarType::String | VarType::Number | VarType::Bool => false,
    }
}
