//! A variable's `type` as jobspec2 (1.0+) reads it: hcl's typeexpr.Type
//! (types.variables.go decodeVariableBlock), which wants an exact type. So
//! the keyword `any` is refused wherever it stands (`any`, `list(any)`,
//! `object({a = any})`; only typeexpr.TypeConstraint, which Nomad does not
//! call, takes it), and cty's unification of mixed elements never runs.
//! A refused type ends the block's decoding before its default: the
//! variable is not declared. Texts from hcl's ext/typeexpr/get_type.go at
//! 68a97f93bb48 (the same at ab3cae0737bc, Nomad 1.0.0 to 1.8.0) and at
//! v2.20.2-nomad-1 (1.8.1 on), checked with tests/hcl-oracle/jobvars.go.

use hcl_edit::expr::{Expression, FuncCall, ObjectKey};
use hcl_edit::Span as _;

use super::eval::span_of;
use super::hclsyntax::Era;
use crate::source::Span;

/// What typeexpr.Type says of a type expression.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TypeCheck {
    Exact,
    /// Its diagnostics, in its order: where, and `Summary; Detail`.
    Refused(Vec<(Span, String)>),
    /// A refusal whose words or range are not followed here, at this span.
    Unsure(Span),
}

const SUMMARY: &str = "Invalid type specification";

/// typeexpr.Type's diagnostics for `e` (the text it was parsed from is
/// `text`, for hclsyntax's ranges, which hcl-edit's spans overrun by the
/// blanks around them).
pub(super) fn check(e: &Expression, text: &str, era: Era) -> TypeCheck {
    let mut walk = Walk {
        text,
        era,
        found: Vec::new(),
        unsure: None,
    };
    walk.ty(e);
    match (walk.unsure, walk.found.is_empty()) {
        (Some(at), _) => TypeCheck::Unsure(at),
        (None, true) => TypeCheck::Exact,
        (None, false) => TypeCheck::Refused(walk.found),
    }
}

struct Walk<'t> {
    text: &'t str,
    era: Era,
    found: Vec<(Span, String)>,
    unsure: Option<Span>,
}

impl Walk<'_> {
    fn refuse(&mut self, at: Span, detail: impl std::fmt::Display) {
        self.found.push((at, format!("{SUMMARY}; {detail}")));
    }

    fn unsure(&mut self, at: Span) {
        self.unsure.get_or_insert(at);
    }

    fn range(&self, e: &Expression) -> Span {
        trimmed(self.text, span_of(e))
    }

    /// getType with `constraint` false.
    fn ty(&mut self, e: &Expression) {
        let at = self.range(e);
        match e {
            Expression::Variable(kw) => match kw.as_str() {
                "bool" | "string" | "number" => {}
                "any" => self.refuse(at, "The keyword \"any\" cannot be used in this type specification: an exact type is required."),
                k @ ("list" | "map" | "set") => self.refuse(
                    at,
                    format!("The {k} type constructor requires one argument specifying the element type."),
                ),
                "object" => self.refuse(at, "The object type constructor requires one argument specifying the attribute types and values as a map."),
                "tuple" => self.refuse(at, "The tuple type constructor requires one argument specifying the element types as a list."),
                k => self.refuse(
                    at,
                    format!("The keyword {} is not a valid type specification.", crate::gotext::go_quote(k)),
                ),
            },
            Expression::FuncCall(f) => self.call(f, at),
            // hcl.ExprAsKeyword and hcl.ExprCall see through parentheses
            // in some releases and not others: not followed.
            Expression::Parenthesis(_) => self.unsure(at),
            _ => self.refuse(at, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string)."),
        }
    }

    fn call(&mut self, f: &FuncCall, at: Span) {
        let name = f.name.name.as_str();
        if !f.name.namespace.is_empty() || f.args.expand_final() {
            // A namespaced name or `...`: hcl.ExprCall's own refusals.
            return self.unsure(at);
        }
        // ArgsRange: the open parenthesis through the close.
        let open = self
            .text
            .get(at.start..at.end)
            .and_then(|t| t.find('('))
            .map_or(at.start, |i| at.start + i);
        let args_range = Span::new(open, at.end);
        let args: Vec<&Expression> = f.args.iter().collect();
        match name {
            "bool" | "string" | "number" => {
                return self.refuse(
                    args_range,
                    format!("Primitive type keyword {name:?} does not expect arguments."),
                )
            }
            "any" => {
                let detail = match self.era {
                    Era::Hcl2_7 => "Primitive type keyword \"any\" does not expect arguments.",
                    Era::Hcl2_20 => "Type constraint keyword \"any\" does not expect arguments.",
                };
                return self.refuse(args_range, detail);
            }
            _ => {}
        }
        let constructor = matches!(name, "list" | "set" | "map" | "object" | "tuple");
        if constructor && args.len() != 1 {
            let subject = match (args.get(1), args.last()) {
                (Some(second), Some(last)) => {
                    Span::new(self.range(second).start, self.range(last).end)
                }
                _ => args_range,
            };
            let detail = match name {
                "object" => "The object type constructor requires one argument specifying the attribute types and values as a map.".to_string(),
                "tuple" => "The tuple type constructor requires one argument specifying the element types as a list.".to_string(),
                _ => format!("The {name} type constructor requires one argument specifying the element type."),
            };
            return self.refuse(subject, detail);
        }
        match (name, args.first()) {
            ("list" | "set" | "map", Some(elem)) => self.ty(elem),
            ("object", Some(Expression::Object(o))) => {
                let mut seen: Vec<&str> = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str(),
                        // hcl.ExprAsKeyword through parentheses: not followed.
                        ObjectKey::Expression(e @ Expression::Parenthesis(_)) => {
                            return self.unsure(self.range(e))
                        }
                        ObjectKey::Expression(e) => {
                            let at = self.range(e);
                            self.refuse(at, "Object constructor map keys must be attribute names.");
                            continue;
                        }
                    };
                    // hcl 2.20 refuses a repeated name; 2.7 lets the last win.
                    if seen.contains(&key) && self.era == Era::Hcl2_20 {
                        let at = trimmed(
                            self.text,
                            k.span().map_or(Span::default(), Span::from_range),
                        );
                        self.refuse(at, "Object constructor map keys must be unique.");
                        continue;
                    }
                    seen.push(key);
                    self.attribute(v.expr());
                }
            }
            ("tuple", Some(Expression::Array(a))) => {
                for t in a.iter() {
                    self.ty(t);
                }
            }
            ("object", Some(other)) => {
                let at = self.range(other);
                self.refuse(at, "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.")
            }
            ("tuple", Some(other)) => {
                let at = self.range(other);
                self.refuse(
                    at,
                    "Tuple type constructor requires a list of element types.",
                )
            }
            ("optional", _) if self.era == Era::Hcl2_20 => {
                let name_at = Span::new(at.start, at.start + name.len());
                self.refuse(
                    name_at,
                    "Keyword \"optional\" is valid only as a modifier for object type attributes.",
                )
            }
            _ => self.refuse(
                at,
                format!("Keyword {name:?} is not a valid type constructor."),
            ),
        }
    }
}

impl Walk<'_> {
    /// An object attribute's type: hcl 2.20 unwraps `optional(T)` and
    /// refuses it in an exact type (at its name); 2.7 knows no such
    /// modifier and refuses it as any unknown constructor.
    fn attribute(&mut self, t: &Expression) {
        let Expression::FuncCall(c) = t else {
            return self.ty(t);
        };
        if c.name.name.as_str() != "optional"
            || self.era == Era::Hcl2_7
            || !c.name.namespace.is_empty()
        {
            return self.ty(t);
        }
        let at = self.range(t);
        match c.args.iter().next() {
            Some(inner) if !c.args.expand_final() => {
                let name_at = Span::new(at.start, at.start + "optional".len());
                self.refuse(
                    name_at,
                    "Optional attribute modifier is only for type constraints, not for exact types.",
                );
                self.ty(inner);
            }
            // No argument, or `...`: words not followed here.
            _ => self.unsure(at),
        }
    }
}

/// hcl-edit's spans may include the blanks around an expression;
/// hclsyntax's ranges do not.
fn trimmed(text: &str, sp: Span) -> Span {
    let Some(t) = text.get(sp.start..sp.end) else {
        return sp;
    };
    let lead = t.len() - t.trim_start().len();
    let trail = t.len() - t.trim_end().len();
    Span::new(sp.start + lead, (sp.end - trail).max(sp.start + lead))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(ty: &str, era: Era) -> Vec<String> {
        let e = hcl_edit::parser::parse_expr(ty).expect("parses");
        match check(&e, ty, era) {
            TypeCheck::Exact => vec![],
            TypeCheck::Refused(found) => found
                .into_iter()
                .map(|(at, m)| format!("{}-{}: {m}", at.start, at.end))
                .collect(),
            TypeCheck::Unsure(at) => vec![format!("unsure at {}-{}", at.start, at.end)],
        }
    }

    #[test]
    fn exact_types_pass_and_any_is_refused_wherever_it_stands() {
        for ty in [
            "string",
            "list(number)",
            "map(set(bool))",
            "object({a = string, b = list(number)})",
            "tuple([string, number])",
        ] {
            assert_eq!(checked(ty, Era::Hcl2_20), Vec::<String>::new(), "{ty}");
        }
        let any = "Invalid type specification; The keyword \"any\" cannot be used in this type specification: an exact type is required.";
        assert_eq!(checked("any", Era::Hcl2_7), vec![format!("0-3: {any}")]);
        assert_eq!(
            checked("list(any)", Era::Hcl2_7),
            vec![format!("5-8: {any}")]
        );
        // Every attribute's refusal, in source order.
        assert_eq!(
            checked("object({a = any, b = map(any)})", Era::Hcl2_20),
            vec![format!("12-15: {any}"), format!("25-28: {any}")]
        );
    }

    #[test]
    fn constructors_and_keywords_are_worded_as_typeexpr_words_them() {
        assert_eq!(
            checked("list", Era::Hcl2_7),
            vec!["0-4: Invalid type specification; The list type constructor requires one argument specifying the element type."]
        );
        assert_eq!(
            checked("map(string, number, bool)", Era::Hcl2_7),
            vec!["12-24: Invalid type specification; The map type constructor requires one argument specifying the element type."]
        );
        assert_eq!(
            checked("string(1)", Era::Hcl2_7),
            vec!["6-9: Invalid type specification; Primitive type keyword \"string\" does not expect arguments."]
        );
        assert_eq!(
            checked("any()", Era::Hcl2_20),
            vec!["3-5: Invalid type specification; Type constraint keyword \"any\" does not expect arguments."]
        );
        assert_eq!(
            checked("strng", Era::Hcl2_7),
            vec!["0-5: Invalid type specification; The keyword \"strng\" is not a valid type specification."]
        );
        assert_eq!(
            checked("lst(string)", Era::Hcl2_7),
            vec!["0-11: Invalid type specification; Keyword \"lst\" is not a valid type constructor."]
        );
        // `optional` is hcl 2.20's modifier, an unknown constructor to 2.7.
        assert_eq!(
            checked("object({a = optional(string)})", Era::Hcl2_7),
            vec!["12-28: Invalid type specification; Keyword \"optional\" is not a valid type constructor."]
        );
        assert_eq!(
            checked("object({a = optional(string)})", Era::Hcl2_20),
            vec!["12-20: Invalid type specification; Optional attribute modifier is only for type constraints, not for exact types."]
        );
        assert_eq!(
            checked("object({\"a\" = string})", Era::Hcl2_20),
            vec!["8-11: Invalid type specification; Object constructor map keys must be attribute names."]
        );
        assert_eq!(
            checked("tuple(string)", Era::Hcl2_20),
            vec!["6-12: Invalid type specification; Tuple type constructor requires a list of element types."]
        );
        assert_eq!(
            checked("\"string\"", Era::Hcl2_7),
            vec!["0-8: Invalid type specification; A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string)."]
        );
    }
}
