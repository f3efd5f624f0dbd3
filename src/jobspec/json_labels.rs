//! A JSON block property's label levels (hcl json/structure.go
//! unpackBlock, collectDeepAttrs): one level of object keys per label.

use super::json_body::{unread, R};
use super::var_file_json_parse::{Attr, Node};

/// The bodies a block property holds after its `n` label levels, each with
/// its labels' properties (hcl json unpackBlock, collectDeepAttrs).
pub(super) fn label_levels<'a>(
    v: &'a Node,
    n: usize,
    used: &mut Vec<&'a Attr>,
    out: &mut Vec<(Vec<&'a Attr>, &'a Node)>,
) -> R<()> {
    if n == 0 {
        match v {
            Node::Null(_) => {}
            Node::Object { .. } => out.push((used.clone(), v)),
            Node::Array { values, .. } => {
                for x in values {
                    out.push((used.clone(), x));
                }
            }
            _ => return unread(v.range().start.byte, "a block written as a JSON value other than an object or array; hcl's JSON decoder refuses it in words nomad-preflight has not matched"),
        }
        return Ok(());
    }
    let objects: Vec<&Node> = match v {
        Node::Object { .. } => vec![v],
        Node::Array { values, .. } => values.iter().collect(),
        _ => return unread(v.range().start.byte, "a block's labels written as a JSON value other than an object; hcl's JSON decoder refuses it in words nomad-preflight has not matched"),
    };
    let mut any = false;
    for o in objects {
        let Node::Object { attrs, .. } = o else {
            return unread(o.range().start.byte, "a block's labels written as a JSON value other than an object; hcl's JSON decoder refuses it in words nomad-preflight has not matched");
        };
        for a in attrs {
            any = true;
            used.push(a);
            label_levels(&a.value, n - 1, used, out)?;
            used.pop();
        }
    }
    if !any {
        return unread(
            v.range().start.byte,
            "a block without its label (hcl's `Missing block label`, not matched here)",
        );
    }
    Ok(())
}
