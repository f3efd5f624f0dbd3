//! Reading plain HCL spec files (world files) into typed values with located
//! diagnostics. World files are configuration, not programs: only literals
//! are accepted, so an expression gets a clear error instead of a silent guess.

use std::collections::BTreeMap;

/// 2^53: the largest magnitude below which every whole number is an f64.
const MAX_EXACT_INT: f64 = 9_007_199_254_740_992.0;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body, Structure};

use crate::diag::{Diag, Diags};
use crate::jobspec::Spans;
use crate::source::{Source, Span};

pub(crate) fn span_of(node: &dyn hcl_edit::Span) -> Span {
    node.span().map(Span::from_range).unwrap_or_default()
}

/// Parse a whole file, turning the parser's point error into a located Diag.
pub(crate) fn parse(src: &Source) -> Result<Body, Diag> {
    crate::nesting::check(src, "world::syntax")?;
    hcl_edit::parser::parse_body(&src.text).map_err(|e| {
        let loc = e.location();
        let start = loc.offset().min(src.text.len());
        let end = (start + 1).min(src.text.len());
        Diag::error("world::syntax", format!("invalid HCL: {}", e.message()))
            .at(src, Span::new(start, end), "here")
            .help("world files are plain HCL: `key = value` and `block { ... }`")
    })
}

/// [`parse`], its refusal pushed to `diags`; `None` when the file does not
/// parse (each reader then keeps what it has: nothing of this file).
pub(crate) fn parse_reported(src: &Source, diags: &mut Diags) -> Option<Body> {
    parse(src).map_err(|d| diags.push(d)).ok()
}

/// A literal value with its location.
#[derive(Debug, Clone)]
pub(crate) enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    List(Vec<(Lit, Span)>),
    Map(Vec<(String, Span, Lit, Span)>),
    Null,
}

impl Lit {
    fn kind(&self) -> &'static str {
        match self {
            Lit::Str(_) => "a string",
            Lit::Num(_) => "a number",
            Lit::Bool(_) => "a bool",
            Lit::List(_) => "a list",
            Lit::Map(_) => "a map",
            Lit::Null => "null",
        }
    }
}

/// Evaluate an expression that must be a literal.
pub(crate) fn literal(src: &Source, expr: &Expression) -> Result<Lit, Diag> {
    let not_literal = |what: &str| {
        Diag::error(
            "world::not-literal",
            format!("{what} are not supported in world files"),
        )
        .at(src, span_of(expr), "write a literal value here")
        .help("world files hold plain values: strings, numbers, bools, lists and maps")
    };
    Ok(match expr {
        Expression::Null(_) => Lit::Null,
        Expression::Bool(b) => Lit::Bool(*b.value()),
        Expression::Number(n) => match n.value().as_f64() {
            Some(f) => Lit::Num(f),
            None => return Err(not_literal("non-finite numbers")),
        },
        Expression::String(s) => Lit::Str(s.value().clone()),
        Expression::Parenthesis(p) => literal(src, p.inner())?,
        Expression::UnaryOp(u)
            if matches!(u.operator.value(), hcl_edit::expr::UnaryOperator::Neg) =>
        {
            match literal(src, &u.expr)? {
                Lit::Num(f) => Lit::Num(-f),
                _ => return Err(not_literal("negated non-numbers")),
            }
        }
        Expression::Array(a) => Lit::List(
            a.iter()
                .map(|e| Ok((literal(src, e)?, span_of(e))))
                .collect::<Result<_, Diag>>()?,
        ),
        Expression::Object(o) => {
            let mut out = Vec::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.value().to_string(),
                    ObjectKey::Expression(e) => match literal(src, e)? {
                        Lit::Str(s) => s,
                        _ => return Err(not_literal("non-string map keys")),
                    },
                };
                out.push((key, span_of(k), literal(src, v.expr())?, span_of(v.expr())));
            }
            Lit::Map(out)
        }
        Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
            return Err(not_literal("string interpolations"))
        }
        Expression::Variable(_) | Expression::Traversal(_) => {
            return Err(not_literal("variable references"))
        }
        Expression::FuncCall(_) => return Err(not_literal("function calls")),
        _ => return Err(not_literal("expressions")),
    })
}

/// Typed access to one block body: records which keys were consumed and
/// reports unknown keys, duplicates and type errors into `diags`.
pub(crate) struct BodyReader<'a> {
    pub src: &'a Source,
    body: &'a Body,
    attrs: BTreeMap<String, &'a Attribute>,
}

pub(crate) struct Schema<'s> {
    pub attrs: &'s [&'s str],
    pub blocks: &'s [&'s str],
}

impl<'a> BodyReader<'a> {
    /// Check keys against the schema; `what` names the block in messages.
    pub fn new(
        src: &'a Source,
        body: &'a Body,
        schema: &Schema<'_>,
        what: &str,
        diags: &mut Diags,
    ) -> Self {
        let mut attrs: BTreeMap<String, &Attribute> = BTreeMap::new();
        // A key may be both an attribute and a block (a namespace's `meta`):
        // name it once in the help.
        let mut all: Vec<&str> = Vec::new();
        for k in schema.attrs.iter().chain(schema.blocks) {
            if !all.contains(k) {
                all.push(k);
            }
        }
        for s in body.iter() {
            let (name, span, is_block) = match s {
                Structure::Attribute(a) => (a.key.value().as_str(), span_of(&a.key), false),
                Structure::Block(b) => (b.ident.value().as_str(), span_of(&b.ident), true),
            };
            let known = if is_block {
                schema.blocks.contains(&name)
            } else {
                schema.attrs.contains(&name)
            };
            if !known {
                let mut d = Diag::error(
                    "world::unknown-key",
                    format!(
                        "unknown {} `{name}` in {what}",
                        if is_block { "block" } else { "attribute" }
                    ),
                )
                .at(src, span, "not expected here");
                d = match crate::suggest::closest_in(name, &all) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("{what} accepts: {}", all.join(", "))),
                };
                diags.push(d);
                continue;
            }
            if let Structure::Attribute(a) = s {
                if let Some(prev) = attrs.get(name) {
                    diags.push(
                        Diag::error(
                            "world::duplicate-key",
                            format!("`{name}` is set twice in {what}"),
                        )
                        .at(src, span, "set again here")
                        .label(span_of(&prev.key), "first set here")
                        .help("remove one of the two"),
                    );
                    continue;
                }
                attrs.insert(name.to_string(), a);
            }
        }
        BodyReader { src, body, attrs }
    }

    /// The attribute itself, for values the typed readers do not cover.
    pub fn attr(&self, key: &str) -> Option<&'a Attribute> {
        self.attrs.get(key).copied()
    }

    pub fn attr_span(&self, key: &str) -> Option<Span> {
        self.attrs.get(key).map(|a| span_of(*a))
    }

    fn lit(&self, key: &str, diags: &mut Diags) -> Option<(Lit, Span)> {
        let a = self.attrs.get(key)?;
        match literal(self.src, &a.value) {
            Ok(l) => Some((l, span_of(&a.value))),
            Err(d) => {
                diags.push(d);
                None
            }
        }
    }

    fn wrong_type(&self, key: &str, want: &str, got: &Lit, span: Span) -> Diag {
        Diag::error(
            "world::wrong-type",
            format!("`{key}` must be {want}, found {}", got.kind()),
        )
        .at(self.src, span, format!("expected {want}"))
    }

    pub fn string(&self, key: &str, diags: &mut Diags) -> Option<String> {
        let (l, span) = self.lit(key, diags)?;
        match l {
            Lit::Str(s) => Some(s),
            other => {
                diags.push(self.wrong_type(key, "a string", &other, span));
                None
            }
        }
    }

    pub fn bool(&self, key: &str, diags: &mut Diags) -> Option<bool> {
        let (l, span) = self.lit(key, diags)?;
        match l {
            Lit::Bool(b) => Some(b),
            other => {
                diags.push(
                    self.wrong_type(key, "a bool", &other, span)
                        .help("write `true` or `false` without quotes"),
                );
                None
            }
        }
    }

    pub fn int(&self, key: &str, diags: &mut Diags) -> Option<i64> {
        let (l, span) = self.lit(key, diags)?;
        match l {
            // Every whole number up to 2^53 is exact in the f64 HCL parses.
            Lit::Num(f) if f.fract() == 0.0 && f.abs() <= MAX_EXACT_INT => Some(f as i64),
            Lit::Num(f) if f.fract() == 0.0 => {
                diags.push(
                    Diag::error(
                        "world::too-large",
                        format!("`{key}` is larger than {MAX_EXACT_INT:.0}"),
                    )
                    .at(self.src, span, "too large to be exact")
                    .help("whole numbers are exact up to 2^53 = 9007199254740992"),
                );
                None
            }
            Lit::Num(_) => {
                diags.push(
                    Diag::error(
                        "world::wrong-type",
                        format!("`{key}` must be a whole number"),
                    )
                    .at(self.src, span, "not a whole number"),
                );
                None
            }
            other => {
                diags.push(self.wrong_type(key, "a number", &other, span));
                None
            }
        }
    }

    pub fn float(&self, key: &str, diags: &mut Diags) -> Option<f64> {
        let (l, span) = self.lit(key, diags)?;
        match l {
            Lit::Num(f) => Some(f),
            other => {
                diags.push(self.wrong_type(key, "a number", &other, span));
                None
            }
        }
    }

    /// A list of strings, each with its own span.
    pub fn strings(&self, key: &str, diags: &mut Diags) -> Option<Vec<(String, Span)>> {
        let (l, span) = self.lit(key, diags)?;
        match l {
            Lit::List(items) => {
                let mut out = Vec::new();
                for (item, s) in items {
                    match item {
                        Lit::Str(v) => out.push((v, s)),
                        other => diags.push(self.wrong_type(key, "a list of strings", &other, s)),
                    }
                }
                Some(out)
            }
            other => {
                diags.push(self.wrong_type(key, "a list of strings", &other, span));
                None
            }
        }
    }

    /// A map of string values; numbers and bools are stringified the way
    /// Nomad's attribute and meta maps hold them.
    pub fn string_map(&self, key: &str, diags: &mut Diags) -> Option<BTreeMap<String, String>> {
        let m = self.map_values(key, false, diags)?;
        Some(m.into_iter().filter_map(|(k, v)| Some((k, v?))).collect())
    }

    /// [`Self::string_map`] whose values may also be `null` (`None`): a
    /// device attribute a plugin reports with no value (device_file.rs).
    pub fn nullable_string_map(
        &self,
        key: &str,
        diags: &mut Diags,
    ) -> Option<BTreeMap<String, Option<String>>> {
        self.map_values(key, true, diags)
    }

    fn map_values(
        &self,
        key: &str,
        null: bool,
        diags: &mut Diags,
    ) -> Option<BTreeMap<String, Option<String>>> {
        let (l, span) = self.lit(key, diags)?;
        match l {
            Lit::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, _, v, vs) in entries {
                    let v = match v {
                        Lit::Str(s) => Some(s),
                        Lit::Bool(b) => Some(b.to_string()),
                        Lit::Num(f) if f.fract() == 0.0 => Some(format!("{}", f as i64)),
                        Lit::Num(f) => Some(f.to_string()),
                        Lit::Null if null => None,
                        other => {
                            let wanted = if null {
                                "a map of strings or nulls"
                            } else {
                                "a map of strings"
                            };
                            diags.push(self.wrong_type(key, wanted, &other, vs));
                            continue;
                        }
                    };
                    out.insert(k, v);
                }
                Some(out)
            }
            other => {
                diags.push(self.wrong_type(key, "a map", &other, span));
                None
            }
        }
    }

    pub fn blocks(&self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.body.get_blocks(ident)
    }

    /// At most one block of a kind; extra ones are reported.
    pub fn single_block(&self, ident: &'a str, diags: &mut Diags) -> Option<&'a Block> {
        let mut it = self.body.get_blocks(ident);
        let first = it.next()?;
        for extra in it {
            diags.push(
                Diag::error(
                    "world::duplicate-block",
                    format!("only one `{ident}` block is allowed here"),
                )
                .at(self.src, span_of(&extra.ident), "second block")
                .label(span_of(&first.ident), "first block")
                .help("merge the two blocks"),
            );
        }
        Some(first)
    }
}

pub(crate) fn label_str(label: &BlockLabel) -> &str {
    match label {
        BlockLabel::Ident(i) => i.value().as_str(),
        BlockLabel::String(s) => s.value().as_str(),
    }
}

/// The single label of a labelled block, or a diagnostic.
pub(crate) fn one_label(
    src: &Source,
    block: &Block,
    example: &str,
) -> Result<(String, Span), Diag> {
    match block.labels.as_slice() {
        [l] => Ok((label_str(l).to_string(), span_of(l))),
        _ => Err(Diag::error(
            "world::block-label",
            format!("`{}` needs exactly one label", block.ident.value().as_str()),
        )
        .at(src, span_of(&block.ident), "label missing or extra")
        .help(format!("write it as `{example}`"))),
    }
}

/// Unlabelled blocks must not carry labels.
pub(crate) fn no_label(src: &Source, block: &Block, diags: &mut Diags) {
    if let Some(l) = block.labels.first() {
        diags.push(
            Diag::error(
                "world::block-label",
                format!("`{}` takes no label", block.ident.value().as_str()),
            )
            .at(src, span_of(l), "remove this label"),
        );
    }
}

pub(crate) fn spans_for(block: Option<&Block>) -> Spans {
    let mut s = Spans::new(block.map(|b| span_of(b)));
    if let Some(l) = block.and_then(|b| b.labels.first()) {
        s.label = Some(span_of(l));
    }
    s
}

pub(crate) fn record(spans: &mut Spans, r: &BodyReader<'_>, fields: &[&'static str]) {
    for f in fields {
        if let Some(s) = r.attr_span(f) {
            spans.set(f, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn literals_and_rejections() {
        let src = SourceFile::inline(
            "t.hcl",
            "a = [1, \"x\"]\nb = -3\nc = \"${x}\"\nd = upper(\"x\")\n",
        );
        let body = parse(&src).unwrap();
        let get = |k: &str| body.get_attribute(k).map(|a| literal(&src, &a.value));
        assert!(matches!(get("a"), Some(Ok(Lit::List(v))) if v.len() == 2));
        assert!(matches!(get("b"), Some(Ok(Lit::Num(f))) if f == -3.0));
        let err = get("c").unwrap().unwrap_err();
        assert_eq!(err.code, "world::not-literal");
        assert!(err.message.contains("interpolation"));
        assert!(get("d").unwrap().unwrap_err().message.contains("function"));
    }
}
