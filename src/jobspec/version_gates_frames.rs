//! HCL1's prefixes of a refused key's error (hcl1_key_errors.rs) for the
//! blocks on the version gates' way down: built only for a block with a
//! gated key.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use super::Level;
use crate::jobspec::eval::span_of;
use crate::jobspec::hcl1_key_errors::Frame;
use crate::source::Source;

/// The frames of HCL1's prefixes for the blocks of `path`.
pub(super) fn frames(path: &[Level<'_>], src: &Source) -> Vec<Frame> {
    path.iter()
        .map(|l| Frame {
            ident: l.ident.to_string(),
            ..frame(l.block, l.index, src)
        })
        .collect()
}

/// A block as HCL1's prefixes name it: its label as written (HCL1 keeps
/// `${...}` in a label as text; the copy hcl_edit parsed has it blanked).
fn frame(b: &Block, index: usize, src: &Source) -> Frame {
    let label = b.labels.first().map(|l| {
        let raw = src.slice(span_of(l));
        match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) if !inner.contains('\\') => inner.to_string(),
            _ => l.as_str().to_string(),
        }
    });
    Frame {
        ident: b.ident.as_str().to_string(),
        label,
        index,
        name: decoded_name(&b.body),
    }
}

/// A block's `name` argument as mapstructure's weak decode makes it a
/// string ("" when absent); `None` for what is not read here.
fn decoded_name(body: &Body) -> Option<String> {
    let Some(a) = body.attributes().find(|a| a.key.as_str() == "name") else {
        return Some(String::new());
    };
    match &a.value {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::Bool(b) => Some(if *b.value() { "1" } else { "0" }.to_string()),
        Expression::Number(n) => {
            let n = n.value();
            n.as_i64().map(|i| i.to_string())
        }
        _ => None,
    }
}
