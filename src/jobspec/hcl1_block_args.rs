//! Before 1.0 the CLI parses job files with HCL1 (hashicorp/hcl v1), whose
//! parser turns `x = { ... }` and `x { ... }` into the same ast.ObjectItem:
//! the jobspec package (jobspec/parse*.go, v0.9.3 to v0.12.12) picks blocks
//! with `list.Filter("resources")` and so reads both forms alike. Our tree
//! keeps the argument form as an attribute, which the lowering (reading
//! blocks) would drop, leaving default resources in the plan. For those
//! releases the argument becomes the block it stands for, before lowering.
//! From 1.0 block_args.rs refuses the argument form, as jobspec2 does.

use super::block_args::is_block;
use super::model::Value;
use super::tree::{Attr, Node};

/// Rewrite every block key written as an object argument into a block,
/// throughout the job node.
pub fn as_blocks(job: &mut Node) {
    let mut path = Vec::new();
    walk(job, &mut path);
}

fn walk(node: &mut Node, path: &mut Vec<String>) {
    path.push(node.ident.clone());
    // A block with no object argument has nothing to move: its list is
    // left as it is (taking and refilling every block's list, with the
    // dotted path, was ~3% of a pre-1.0 `check --staged`).
    if node.attrs.iter().any(|a| matches!(a.value, Value::Map(_))) {
        let dotted = path.join(".");
        let attrs = std::mem::take(&mut node.attrs);
        for a in attrs {
            match &a.value {
                Value::Map(m) if is_block(&dotted, &a.name) => {
                    let b = block(&a, m);
                    // Source order among the blocks: repeated blocks (several
                    // `network`s) keep the order they were written in.
                    let at = node
                        .blocks
                        .iter()
                        .position(|x| x.span.start > a.span.start)
                        .unwrap_or(node.blocks.len());
                    node.blocks.insert(at, b);
                }
                _ => node.attrs.push(a),
            }
        }
    }
    for b in &mut node.blocks {
        walk(b, path);
    }
    path.pop();
}

/// The block `a` stands for; its fields are located at the argument's
/// value, the only place the evaluated object has.
fn block(a: &Attr, m: &std::collections::BTreeMap<String, Value>) -> Node {
    Node {
        ident: a.name.clone(),
        ident_span: a.key_span,
        labels: Vec::new(),
        span: a.span,
        attrs: m
            .iter()
            .map(|(k, v)| Attr {
                name: k.clone(),
                key_span: a.value_span,
                span: a.value_span,
                value_span: a.value_span,
                value: v.clone(),
            })
            .collect(),
        blocks: Vec::new(),
    }
}
