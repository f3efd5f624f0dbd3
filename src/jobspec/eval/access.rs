//! Reading values out of the scope: traversals (`var.x[0].y`).

use super::*;

type Op = hcl_edit::Decorated<TraversalOperator>;

impl Scope<'_> {
    pub(super) fn lookup(&self, name: &str) -> Option<Value> {
        if let Some((_, v)) = self.bindings.iter().rev().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        match name {
            "var" => Some(Value::Map(self.vars.clone())),
            "local" => Some(Value::Map(self.locals.clone())),
            _ => None,
        }
    }

    /// [`Scope::lookup`], charging the copy to the budget first.
    pub(super) fn lookup_charged(&self, name: &str, sp: Span) -> Result<Option<Value>, Fail> {
        let found = if let Some((_, v)) = self.bindings.iter().rev().find(|(n, _)| n == name) {
            crate::jobspec::budget::charge_copy(v)
        } else {
            match name {
                "var" => charge_map(&self.vars),
                "local" => charge_map(&self.locals),
                _ => Ok(()),
            }
        };
        found.map_err(|m| budget_error(sp, m))?;
        Ok(self.lookup(name))
    }

    pub(super) fn traversal(&mut self, t: &hcl_edit::expr::Traversal) -> R {
        // An unset variable already has its own diagnostic; references to it
        // stay text instead of repeating the error at every use.
        if let (Expression::Variable(root), Some(op)) = (&t.expr, t.operators.first()) {
            if let TraversalOperator::GetAttr(id) = op.value() {
                let key = format!("{}.{}", root.as_str(), id.as_str());
                if self.unset.contains(&key) {
                    return Err(Fail::Runtime);
                }
                let name = id.as_str();
                let shadowed = self.bindings.iter().any(|(n, _)| n == root.as_str());
                let (declared, what) = match root.as_str() {
                    "var" => (self.vars.contains_key(name), "input variable"),
                    "local" => (self.locals.contains_key(name), "local value"),
                    _ => (true, ""),
                };
                if !declared && !shadowed {
                    let pool = if root.as_str() == "var" {
                        &self.vars
                    } else {
                        &self.locals
                    };
                    let mut help = did_you_mean_help(name, pool.keys().map(String::as_str));
                    if help.is_empty() {
                        help = if root.as_str() == "var" {
                            format!("declare it: `variable \"{name}\" {{}}`")
                        } else {
                            format!("define it in a `locals {{ {name} = ... }}` block")
                        };
                    }
                    // From 1.0 `var` and `local` are cty objects of what is
                    // declared: hcl's GetAttr refuses the step (ops.go).
                    let message = if self.hcl1.is_none() {
                        format!(
                            "Unsupported attribute; This object does not have an attribute named {}.",
                            crate::gotext::go_quote(name)
                        )
                    } else {
                        format!("Reference to undeclared {what} \"{name}\"")
                    };
                    return Err(Fail::Err(EvalError {
                        code: "jobspec::missing-variable",
                        ..EvalError::new(span_of(op), message, help)
                    }));
                }
            }
        }
        // `var.x` / `local.x`: read the one value instead of cloning the map.
        let mut ops = t.operators.iter().peekable();
        let mut kind = if literal(&t.expr) {
            Kind::Literal
        } else {
            Kind::Unknown
        };
        let cur = match (&t.expr, ops.peek().map(|o| o.value())) {
            (Expression::Variable(root), Some(TraversalOperator::GetAttr(id)))
                if matches!(root.as_str(), "var" | "local")
                    && !self.bindings.iter().any(|(n, _)| n == root.as_str()) =>
            {
                let pool = if root.as_str() == "var" {
                    &self.vars
                } else {
                    &self.locals
                };
                match pool.get(id.as_str()) {
                    Some(v) => {
                        ops.next();
                        crate::jobspec::budget::charge_copy(v)
                            .map_err(|m| budget_error(span_of(t), m))?;
                        if root.as_str() == "var" {
                            kind = Kind::Var {
                                map: self.map_vars.contains(id.as_str()),
                            };
                        }
                        v.clone()
                    }
                    None => self.ev(&t.expr)?,
                }
            }
            (Expression::Variable(root), _) => match self.undefined_value(root, Some(t)) {
                Some(r) => {
                    let (text, used) = r?;
                    for _ in 0..used {
                        ops.next();
                    }
                    text
                }
                None => self.ev(&t.expr)?,
            },
            _ => self.ev(&t.expr)?,
        };
        let rest: Vec<&Op> = ops.collect();
        self.steps(cur, &rest, kind)
    }

    /// hclsyntax's traversal steps over a value (hcl ops.go GetAttr and
    /// Index at the pin of the release, their ranges the step's own: `.a`,
    /// `[0]`); a full splat `[*]` applies every later step to each
    /// element, an attribute splat `.*` only the attribute steps right
    /// after it (SplatExpr.Value gathers every element's errors).
    fn steps(&mut self, mut cur: Value, ops: &[&Op], mut kind: Kind) -> R {
        let era = Era::of(self.fns.version);
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            i += 1;
            let sp = span_of(*op);
            match op.value() {
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => {
                    let items = match cur {
                        Value::List(l) => l,
                        Value::Null => vec![],
                        other => vec![other],
                    };
                    let each = match op.value() {
                        TraversalOperator::FullSplat(_) => ops.len(),
                        _ => {
                            let more = ops[i..]
                                .iter()
                                .take_while(|o| {
                                    matches!(
                                        o.value(),
                                        TraversalOperator::GetAttr(_)
                                            | TraversalOperator::LegacyIndex(_)
                                    )
                                })
                                .count();
                            i + more
                        }
                    };
                    let mut out = Vec::with_capacity(items.len());
                    let mut gather = Gather::default();
                    for item in items {
                        out.extend(gather.take(self.steps(item, &ops[i..each], kind.step())));
                    }
                    gather.finish()?;
                    cur = Value::List(out);
                    // The splat's result is a tuple of what each gave.
                    kind = Kind::Unknown;
                    i = each;
                }
                TraversalOperator::GetAttr(id) => {
                    cur = get_attr(cur, id.as_str(), sp, kind, era)?;
                    kind = kind.step();
                }
                TraversalOperator::Index(e) => {
                    let k = self.ev(e)?;
                    let cty = functions::params::cty_release(self.fns.version);
                    cur = index(cur, &k, sp, (kind, era, cty))?;
                    kind = kind.step();
                }
                TraversalOperator::LegacyIndex(n) => {
                    let cty = functions::params::cty_release(self.fns.version);
                    let k = Value::Number(*n.value() as f64);
                    cur = index(cur, &k, sp, (kind, era, cty))?;
                    kind = kind.step();
                }
            }
        }
        Ok(cur)
    }
}

/// What cty types a value's maps and lists are, which changes hcl's words
/// for a missing attribute (object or map) and for attributes of a list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    /// Built of constructors and literals: objects and tuples throughout.
    Literal,
    /// `var.NAME`'s value: a map when the variable is typed `map(...)`,
    /// else its value's own type (shape.rs).
    Var {
        map: bool,
    },
    Unknown,
}

impl Kind {
    /// The kind of an element or attribute of a value of this kind.
    fn step(self) -> Kind {
        match self {
            Kind::Literal => Kind::Literal,
            _ => Kind::Unknown,
        }
    }

    /// Is a map of this kind a cty object (Some(true)) or map (Some(false))?
    fn object(self) -> Option<bool> {
        match self {
            Kind::Literal => Some(true),
            Kind::Var { map } => Some(!map),
            Kind::Unknown => None,
        }
    }
}

/// The releases' two texts of hcl ops.go: Nomad 1.9.0 moved to hcl
/// 55d9c02d147d (v2.20.2-nomad-1), which words sequences' bad indexes,
/// objects' numeric keys, and attributes of lists and primitives apart;
/// 1.0-1.8 pinned 68a97f93bb48, eb14f8319bdc, ab3cae0737bc, which do not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Era {
    Before2_20,
    Hcl2_20,
}

impl Era {
    fn of(v: crate::version::NomadVersion) -> Era {
        if v.at_least(1, 9, 0) {
            Era::Hcl2_20
        } else {
            Era::Before2_20
        }
    }
}

/// An expression whose value holds only objects and tuples (constructors
/// of literals; a conditional unifies its results, so it is not one).
fn literal(e: &Expression) -> bool {
    match e {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_)
        | Expression::UnaryOp(_)
        | Expression::BinaryOp(_) => true,
        Expression::Array(a) => a.iter().all(literal),
        Expression::Object(o) => o.iter().all(|(_, v)| literal(v.expr())),
        Expression::Parenthesis(p) => literal(p.inner()),
        Expression::StringTemplate(t) => match t.as_single_element() {
            Some(Element::Interpolation(ip)) => literal(&ip.expr),
            _ => true,
        },
        Expression::HeredocTemplate(_) => true,
        _ => false,
    }
}

fn err(sp: Span, summary: &str, detail: impl Into<String>) -> Fail {
    Fail::Err(hcl_error(sp, summary, detail, ""))
}

/// Neither of hcl's texts is known: the value may be a cty object or a
/// map (or a tuple or a list). Nomad refuses it either way; these words
/// are ours (kept from "cannot tell", which try() would pass on: the
/// failure itself is certain).
fn unsure(sp: Span, what: String) -> Fail {
    Fail::Err(EvalError::new(
        sp,
        what,
        "hcl words this refusal by the value's cty type, which is not known here: Nomad refuses it too",
    ))
}

const NOT_IDENTIFIED: &str = "The given key does not identify an element in this collection value";

/// hcl.GetAttr (ops.go).
fn get_attr(v: Value, name: &str, sp: Span, kind: Kind, era: Era) -> Result<Value, Fail> {
    const UNSUPPORTED: &str = "Unsupported attribute";
    const NONE: &str = "This value does not have any attributes.";
    match v {
        Value::Null => Err(err(
            sp,
            "Attempt to get attribute from null value",
            "This value is null, so it does not have any attributes.",
        )),
        Value::Map(mut m) => match m.remove(name) {
            Some(v) => Ok(v),
            None => match kind.object() {
                Some(true) => Err(err(
                    sp,
                    UNSUPPORTED,
                    format!(
                        "This object does not have an attribute named {}.",
                        crate::gotext::go_quote(name)
                    ),
                )),
                Some(false) => Err(err(
                    sp,
                    "Missing map element",
                    format!(
                        "This map does not have an element with the key {}.",
                        crate::gotext::go_quote(name)
                    ),
                )),
                None => Err(unsure(
                    sp,
                    format!("no attribute or element named {name:?} here: Nomad refuses it as hcl's \"Unsupported attribute\" of an object or \"Missing map element\" of a map"),
                )),
            },
        },
        Value::List(items) => {
            // A tuple has no attributes; a list of objects says more
            // (2.20 only).
            let objects = !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_)));
            if era == Era::Before2_20 || kind == Kind::Literal || (!objects && !items.is_empty()) {
                return Err(err(sp, UNSUPPORTED, NONE));
            }
            Err(unsure(
                sp,
                format!("cannot read attribute {name:?} of a list: Nomad refuses it as hcl's \"Unsupported attribute\", worded by whether the value is a tuple or a list of objects"),
            ))
        }
        other => match era {
            Era::Before2_20 => Err(err(sp, UNSUPPORTED, NONE)),
            Era::Hcl2_20 => Err(err(
                sp,
                UNSUPPORTED,
                format!(
                    "Can't access attributes on a primitive-typed value ({}).",
                    type_name(&other)
                ),
            )),
        },
    }
}

/// hcl.Index (ops.go).
fn index(
    v: Value,
    k: &Value,
    sp: Span,
    (kind, era, cty): (Kind, Era, crate::version::NomadVersion),
) -> Result<Value, Fail> {
    const INVALID: &str = "Invalid index";
    if matches!(v, Value::Null) {
        return Err(err(
            sp,
            "Attempt to index null value",
            "This value is null, so it does not have any indices.",
        ));
    }
    if matches!(k, Value::Null) {
        return Err(err(
            sp,
            INVALID,
            "Can't use a null value as an indexing key.",
        ));
    }
    let not_converted = |want: &functions::params::Ty| {
        functions::mismatch(k, want, cty)
            .map(|why| err(sp, INVALID, format!("{NOT_IDENTIFIED}: {why}.")))
    };
    match v {
        Value::List(l) => {
            if let Some(e) = not_converted(&functions::params::Ty::Number) {
                return Err(e);
            }
            let n = to_number(k).unwrap_or(f64::NAN);
            let len = l.len();
            if n.fract() == 0.0 && n >= 0.0 && (n as usize) < len {
                return l
                    .into_iter()
                    .nth(n as usize)
                    .ok_or_else(|| err(sp, INVALID, format!("{NOT_IDENTIFIED}.")));
            }
            let why = match era {
                _ if n.is_nan() => None,
                Era::Before2_20 if n.fract() != 0.0 => Some(format!(
                    "indexing a sequence requires a whole number, but the given index ({}) has a fractional part",
                    crate::gostrconv::format_float(n)
                )),
                Era::Before2_20 => None,
                Era::Hcl2_20 if n.fract() != 0.0 => Some(
                    "indexing a sequence requires a whole number, but the given index has a fractional part".to_string(),
                ),
                Era::Hcl2_20 if n < 0.0 => {
                    Some("a negative number is not a valid index for a sequence".to_string())
                }
                Era::Hcl2_20 if len == 0 => Some("the collection has no elements".to_string()),
                Era::Hcl2_20 => Some(
                    "the given index is greater than or equal to the length of the collection"
                        .to_string(),
                ),
            };
            Err(match why {
                Some(why) => err(sp, INVALID, format!("{NOT_IDENTIFIED}: {why}.")),
                None => err(sp, INVALID, format!("{NOT_IDENTIFIED}.")),
            })
        }
        Value::Map(mut m) => {
            if let Some(e) = not_converted(&functions::params::Ty::String) {
                return Err(e);
            }
            let key = to_string(k).unwrap_or_default();
            if let Some(v) = m.remove(&key) {
                return Ok(v);
            }
            let numeric = matches!(k, Value::Number(_) | Value::Int(_));
            if era == Era::Before2_20 || !numeric {
                return Err(err(sp, INVALID, format!("{NOT_IDENTIFIED}.")));
            }
            match kind.object() {
                Some(true) => Err(err(
                    sp,
                    INVALID,
                    format!("{NOT_IDENTIFIED}. An object only supports looking up attributes by name, not by numeric index."),
                )),
                Some(false) => Err(err(sp, INVALID, format!("{NOT_IDENTIFIED}."))),
                None => Err(unsure(
                    sp,
                    format!("no element {key:?} here: Nomad refuses it as hcl's \"Invalid index\", worded by whether the value is an object or a map"),
                )),
            }
        }
        _ => Err(err(sp, INVALID, "This value does not have any indices.")),
    }
}
