//! Evaluate a block into a tree of plain values with spans, expanding
//! `dynamic` blocks on the way. Lowering to the typed model reads this tree,
//! so it never sees an unevaluated expression.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};

use super::block_labels::schema_labels;
use super::eval::{budget_refusal, hcl_error, span_of, to_string, EvalError, Scope};
use super::model::Value;
use super::vars::eval_diags;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub key_span: Span,
    /// The whole `name = value` attribute.
    pub span: Span,
    pub value_span: Span,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<(String, Span)>,
    pub span: Span,
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Node>,
}

impl Node {
    /// Do the two blocks say the same thing: the same names, labels, values
    /// and nesting, in the same order, wherever they were written? What the
    /// spans or comments of a file change is not part of the job.
    pub fn same_content(&self, other: &Node) -> bool {
        self.ident == other.ident
            && self.labels.len() == other.labels.len()
            && self
                .labels
                .iter()
                .zip(&other.labels)
                .all(|(a, b)| a.0 == b.0)
            && self.attrs.len() == other.attrs.len()
            && self
                .attrs
                .iter()
                .zip(&other.attrs)
                .all(|(a, b)| a.name == b.name && a.value == b.value)
            && self.blocks.len() == other.blocks.len()
            && self
                .blocks
                .iter()
                .zip(&other.blocks)
                .all(|(a, b)| a.same_content(b))
    }

    /// Span of the block header (`group "web"`), what diagnostics point at.
    pub fn header_span(&self) -> Span {
        let end = self
            .labels
            .last()
            .map(|l| l.1.end)
            .unwrap_or(self.ident_span.end);
        Span::new(self.ident_span.start, end)
    }
}

pub fn eval_block(b: &Block, src: &Source, scope: &mut Scope<'_>, diags: &mut Diags) -> Node {
    block_in(b, src, scope, diags, None)
}

/// [`eval_block`] inside the expansion of the `dynamic` block whose
/// `for_each` is at `dynamic` (where a spent block budget is located:
/// the expansion, not the `config` block that happened to cross it).
fn block_in(
    b: &Block,
    src: &Source,
    scope: &mut Scope<'_>,
    diags: &mut Diags,
    dynamic: Option<Span>,
) -> Node {
    Node {
        ident: scope.hcl1_name(&b.ident, b.ident.as_str()),
        ident_span: span_of(&b.ident),
        labels: b
            .labels
            .iter()
            .map(|l| (scope.hcl1_name(l, l.as_str()), span_of(l)))
            .collect(),
        span: span_of(b),
        attrs: Vec::new(),
        blocks: Vec::new(),
    }
    .fill(&b.body, src, scope, diags, dynamic)
}

impl Node {
    fn fill(
        mut self,
        body: &Body,
        src: &Source,
        scope: &mut Scope<'_>,
        diags: &mut Diags,
        dynamic: Option<Span>,
    ) -> Node {
        for st in body.iter() {
            // A spent budget stays spent for the whole file: its first
            // refusal is the answer, and every later expression or block
            // would only repeat it (range(300) x 1000 tasks printed 426).
            if super::budget::exhausted().is_some() {
                break;
            }
            match st {
                Structure::Attribute(a) => match scope.eval_known(&a.value) {
                    // Depends on an unset variable: already reported at the declaration.
                    Ok(None) if scope.depends_on_unset(&a.value) => {}
                    Ok(v) => self.attrs.push(Attr {
                        name: scope.hcl1_name(&a.key, a.key.as_str()),
                        key_span: span_of(&a.key),
                        span: span_of(a),
                        value_span: span_of(&a.value),
                        value: v.unwrap_or_else(|| {
                            Value::String(format!("${{{}}}", scope.text_of(&a.value)))
                        }),
                    }),
                    Err(e) => diags.extend(eval_diags(src, e)),
                },
                Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                    let parent = self.ident.clone();
                    self.blocks
                        .extend(expand_dynamic(&parent, b, src, scope, diags));
                }
                Structure::Block(b) => {
                    // Only blocks a `dynamic` expansion repeats are charged:
                    // a block written out once costs its own text, which the
                    // text budget bounds (a hand-written 10,000-group file
                    // still plans: tests/adversarial.rs).
                    if let Some(at) = dynamic {
                        if let Err(m) = super::budget::charge_block() {
                            diags.extend(eval_diags(src, budget_refusal(at, m)));
                            break;
                        }
                    }
                    self.blocks.push(block_in(b, src, scope, diags, dynamic));
                }
            }
        }
        self
    }
}

/// `dynamic "port" { for_each = ..., iterator = p, labels = [...], content { ... } }`
fn expand_dynamic(
    parent: &str,
    b: &Block,
    src: &Source,
    scope: &mut Scope<'_>,
    diags: &mut Diags,
) -> Vec<Node> {
    let header = span_of(b);
    // dynblock's own schema: `dynamic` takes the label "type", `content`
    // none (ext/dynblock/schema.go), checked by hclsyntax's Content.
    if let Some(d) = super::block_labels::located(b, &["type"], src) {
        diags.push(d);
        return vec![];
    }
    let Some(label) = b.labels.first() else {
        return vec![];
    };
    let kind = label.as_str().to_string();
    let Some(for_each) = b.body.get_attribute("for_each") else {
        diags.push(
            Diag::error(
                "jobspec::dynamic",
                "Missing required argument \"for_each\" in dynamic block",
            )
            .at(src, header, "no for_each")
            .help("add `for_each = <collection>`"),
        );
        return vec![];
    };
    let iter_name = match b.body.get_attribute("iterator") {
        Some(a) => match &a.value {
            hcl_edit::expr::Expression::Variable(v) => v.as_str().to_string(),
            other => {
                diags.push(
                    Diag::error("jobspec::dynamic", "The iterator must be a bare name")
                        .at(src, span_of(other), "not a name")
                        .help("write `iterator = item`"),
                );
                return vec![];
            }
        },
        None => kind.clone(),
    };
    if let Some(d) = b
        .body
        .get_blocks("content")
        .find_map(|c| super::block_labels::located(c, &[], src))
    {
        diags.push(d);
        return vec![];
    }
    let Some(content) = b.body.get_blocks("content").next() else {
        diags.push(
            Diag::error(
                "jobspec::dynamic",
                "Missing \"content\" block in dynamic block",
            )
            .at(src, header, "no content block")
            .help("add `content { ... }` with the generated block's body"),
        );
        return vec![];
    };
    let coll = match scope.eval(&for_each.value) {
        Ok(v) => v,
        Err(e) => {
            diags.extend(eval_diags(src, e));
            return vec![];
        }
    };
    // hcl's dynblock (ext/dynblock/expand_spec.go:80-104@v2.20.2-nomad-1)
    // refuses a scalar, then a null, for_each: a null (a `default = null`
    // list variable) is not an empty expansion, Nomad cannot parse the file.
    let refusal = match &coll {
        Value::Null => Some("Cannot use a null value in for_each.".to_string()),
        Value::List(_) | Value::Map(_) => None,
        other => Some(format!(
            "Cannot use a {} value in for_each. An iterable collection is required.",
            super::eval::type_name(other)
        )),
    };
    if let Some(detail) = refusal {
        diags.extend(eval_diags(
            src,
            hcl_error(
                span_of(&for_each.value),
                "Invalid dynamic for_each value",
                detail,
                "for_each takes a list, set or map",
            ),
        ));
        return vec![];
    }
    // decodeSpec reads `labels` after for_each (expand_spec.go:106-130):
    // a static list, as many as the block type takes.
    let label_exprs: Vec<&Expression> = match b.body.get_attribute("labels") {
        Some(l) => match static_list(&l.value, src) {
            Ok(items) => {
                if let Some(d) = label_count_error(parent, &kind, &l.value, src) {
                    diags.push(d);
                    return vec![];
                }
                items
            }
            Err(d) => {
                diags.push(d);
                return vec![];
            }
        },
        None => Vec::new(),
    };
    // Over a set, `.key` is the element itself (R16-31: for_expr.rs
    // keyed_pairs); it matters only where the block reads `.key`.
    let key_used = || {
        let text: String = src
            .text
            .get(header.start..header.end)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        text.contains(&format!("{iter_name}.key")) || text.contains(&format!("{iter_name}["))
    };
    let items = match scope.keyed_pairs(&coll, &for_each.value, key_used) {
        Ok(items) => items,
        Err(e) => {
            diags.extend(eval_diags(src, e));
            return vec![];
        }
    };
    let mut out = Vec::new();
    for (k, v) in items {
        // Spent inside the block before (a nested dynamic block's
        // expansion): reported there.
        if super::budget::exhausted().is_some() {
            break;
        }
        // Each block it makes counts, before its content is evaluated: a
        // for_each over range(100000) stops at the budget, not after it.
        if let Err(m) = super::budget::charge_block() {
            diags.extend(eval_diags(src, budget_refusal(span_of(&for_each.value), m)));
            break;
        }
        let mut it = std::collections::BTreeMap::new();
        it.insert("key".to_string(), k);
        it.insert("value".to_string(), v);
        scope.bindings.push((iter_name.clone(), Value::Map(it)));
        // newBlock: each label in the iteration's scope; a failing one
        // drops this block (the others are still generated).
        let labels = match labels_of(&label_exprs, scope) {
            Ok(labels) => labels,
            Err(e) => {
                diags.extend(eval_diags(src, e));
                scope.bindings.pop();
                continue;
            }
        };
        let node = Node {
            ident: kind.clone(),
            ident_span: span_of(label),
            labels,
            span: header,
            attrs: Vec::new(),
            blocks: Vec::new(),
        }
        .fill(
            &content.body,
            src,
            scope,
            diags,
            Some(span_of(&for_each.value)),
        );
        scope.bindings.pop();
        out.push(node);
    }
    out
}

/// hcl.ExprList (expr_list.go@v2.20.2-nomad-1): `labels` must be written
/// as a list (`[...]`), not computed; its refusal sits at the expression's
/// StartRange (where we know it; elsewhere our own words).
fn static_list<'e>(e: &'e Expression, src: &Source) -> Result<Vec<&'e Expression>, Diag> {
    if let Expression::Array(items) = e {
        return Ok(items.iter().collect());
    }
    let d = match super::start_range::start_range(&src.text, span_of(e)) {
        Some(at) => Diag::error(
            "jobspec::dynamic",
            "Invalid expression; A static list expression is required.",
        )
        .at(src, at, "not a list written out"),
        None => Diag::error(
            "jobspec::dynamic",
            "dynamic block labels must be a static list expression",
        )
        .at(src, span_of(e), "not a list written out"),
    };
    Err(d.help("write the labels as a list: `labels = [each.value]`"))
}

/// A generated block's labels (expand_spec.go newBlock): each evaluated,
/// converted to a string, never null; the first refusal ends the block.
fn labels_of(
    exprs: &[&Expression],
    scope: &mut Scope<'_>,
) -> Result<Vec<(String, Span)>, EvalError> {
    let cty = super::functions::params::cty_release(scope.fns.version);
    let mut out = Vec::with_capacity(exprs.len());
    for e in exprs {
        let at = span_of(*e);
        let v = scope.eval(e)?;
        let refused = |detail: String| {
            hcl_error(
                at,
                "Invalid dynamic block label",
                detail,
                "a dynamic block's label must be a string (or a number or bool)",
            )
        };
        if let Some(why) =
            super::functions::mismatch(&v, &super::functions::params::Ty::String, cty)
        {
            return Err(refused(format!(
                "Cannot use this value as a dynamic block label: {why}."
            )));
        }
        match to_string(&v) {
            Some(label) if !matches!(v, Value::Null) => out.push((label, at)),
            _ => {
                return Err(refused(
                    "Cannot use a null value as a dynamic block label.".into(),
                ))
            }
        }
    }
    Ok(out)
}

/// HCL's dynblock refuses a `labels` list longer or shorter than the
/// generated block type takes (ext/dynblock/expand_spec.go), before any
/// iteration: without this a second label was dropped and the edit planned
/// as no change.
fn label_count_error(
    parent: &str,
    kind: &str,
    labels: &hcl_edit::expr::Expression,
    src: &Source,
) -> Option<Diag> {
    // The generated block's parent alone names its place well enough: no
    // two paths ending in the same block give one type two label counts
    // (tests/jobspec_block_labels.rs holds the table to that).
    let want = schema_labels(&[parent], kind)?.len();
    let hcl_edit::expr::Expression::Array(items) = labels else {
        return None;
    };
    let detail = format!("Blocks of type \"{kind}\" require {want} label(s).");
    if items.len() > want {
        let extra = items
            .iter()
            .nth(want)
            .map(span_of)
            .unwrap_or(span_of(labels));
        Some(
            Diag::error(
                "jobspec::dynamic",
                format!("Extraneous dynamic block label; {detail}"),
            )
            .at(src, extra, "extra label")
            .help(format!(
                "a {kind} block takes {want} label(s): remove this one"
            )),
        )
    } else if items.len() < want {
        Some(
            Diag::error(
                "jobspec::dynamic",
                format!("Insufficient dynamic block labels; {detail}"),
            )
            .at(src, span_of(labels), "too few labels")
            .help(format!("a {kind} block takes {want} label(s)")),
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::jobspec::tests::load_text;

    fn evaluated(text: &str) -> super::Node {
        let mut mem = crate::vfs::MemVfs::new("test");
        mem.insert("j.nomad", text);
        let opts = crate::jobspec::LoadOptions::default();
        crate::jobspec::load_evaluated(&mem, std::path::Path::new("j.nomad"), &opts)
            .1
            .expect("evaluated")
    }

    /// ext/dynblock/expand_spec.go: a label count other than the block
    /// type's is an error before any iteration, never a dropped label.
    #[test]
    fn dynamic_label_counts_are_hcls_errors() {
        let job = |labels: &str| {
            format!(
                "job \"j\" {{\n  dynamic \"group\" {{\n    for_each = [\"a\"]\n    labels = {labels}\n    content {{\n      count = 1\n    }}\n  }}\n}}\n"
            )
        };
        let errors = |text: &str| {
            let l = load_text(text);
            l.diags
                .iter()
                .map(|d| d.message.clone())
                .filter(|m| m.contains("dynamic block label"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            errors(&job("[group.value, \"zz\"]")),
            ["Extraneous dynamic block label; Blocks of type \"group\" require 1 label(s)."]
        );
        assert_eq!(
            errors(&job("[]")),
            ["Insufficient dynamic block labels; Blocks of type \"group\" require 1 label(s)."]
        );
        assert!(errors(&job("[group.value]")).is_empty());
        let g = evaluated(&job("[group.value]"));
        assert_eq!(g.blocks[0].labels[0].0, "a");
    }

    #[test]
    fn same_content_ignores_layout_and_unused_variables_but_not_values() {
        let a = evaluated("job \"j\" {\n  group \"g\" {\n    count = 2\n  }\n}\n");
        let moved = evaluated(
            "variable \"v\" {\n  description = \"unused\"\n  default = 1\n}\n\n# a comment\njob \"j\" {\n\n  group \"g\" { count = 2 }\n}\n",
        );
        assert!(a.same_content(&moved));
        let via_var = evaluated(
            "variable \"n\" {\n  default = 2\n}\njob \"j\" {\n  group \"g\" {\n    count = var.n\n  }\n}\n",
        );
        assert!(a.same_content(&via_var));
        for other in [
            "job \"j\" {\n  group \"g\" {\n    count = 3\n  }\n}\n",
            "job \"k\" {\n  group \"g\" {\n    count = 2\n  }\n}\n",
            "job \"j\" {\n  group \"g\" {\n    count = 2\n    meta {}\n  }\n}\n",
            "job \"j\" {\n  group \"g\" {\n    counts = 2\n  }\n}\n",
        ] {
            assert!(!a.same_content(&evaluated(other)), "{other}");
        }
    }
}
