//! `dynamic` blocks in a JSON job file. jobspec2 expands every body with
//! hcl's dynblock (jobspec2/parse.go decodeBody `dynblock.Expand`), which
//! reads a JSON body as it reads any: a `dynamic` property is a block type
//! with one label level, the type of the blocks it makes
//! (`"dynamic": {"constraint": {...}}`, an array for several), whose body
//! has the arguments `for_each`, `iterator` (a JSON string read as a
//! traversal, hcl.AbsTraversalForExpr) and `labels`, and one `content`
//! block (hcl/v2 ext/dynblock/schema.go, expand_body.go; the same at every
//! hcl Nomad 1.0.0–2.0.5 vendors). Each is written as the native
//! `dynamic "TYPE" { ... content { ... } }` the rest of the pipeline
//! expands, `content`'s body read by the schema of TYPE at its parent.
//! Any other key, or a type that is no block there, is dynblock's or
//! Content's refusal in words not matched here: "cannot tell".

use hcl_edit::structure::Body;

use super::json_body::{label_levels, unread, Conv, R};
use super::var_file_json_parse::{Attr, Node};

impl Conv<'_> {
    /// The `dynamic` blocks of property `a` in the body at `parent`.
    pub(super) fn dynamic(&mut self, out: &mut Body, a: &Attr, parent: &str) -> R<()> {
        let mut found = Vec::new();
        label_levels(&a.value, 1, &mut Vec::new(), &mut found)?;
        for (labels, value) in found {
            let Node::Object { attrs, .. } = value else {
                return unread(
                    value.range().start.byte,
                    "a `dynamic` block whose value is not a JSON object; dynblock words that refusal its own way",
                );
            };
            let Some(kind) = labels.first() else {
                return unread(
                    a.name_range.start.byte,
                    "a `dynamic` block without its type",
                );
            };
            let at = kind.name_range.start.byte;
            if !self.is_block(parent, &kind.name, at)? {
                return unread(
                    at,
                    format!(
                        "a `dynamic` block of type {:?}, no block of this body; hcl refuses it in words not matched here",
                        kind.name
                    ),
                );
            }
            let close = value.range().end.byte.saturating_sub(1);
            let mut block = self.header(a, &labels, close)?;
            let content_path = format!("{parent}.{}", kind.name);
            let mut body = Body::new();
            let mut seen: Vec<&str> = Vec::new();
            for x in attrs {
                let name = x.name.as_str();
                if name == "//" {
                    continue;
                }
                if seen.contains(&name) {
                    return unread(
                        x.name_range.start.byte,
                        format!("{name:?} written twice in a `dynamic` block; hcl refuses it in words not matched here"),
                    );
                }
                seen.push(name);
                match name {
                    "for_each" | "iterator" | "labels" => body.push(self.attribute(x, "dynamic")?),
                    "content" => {
                        let mut contents = Vec::new();
                        label_levels(&x.value, 0, &mut Vec::new(), &mut contents)?;
                        for (_, c) in contents {
                            let Node::Object { attrs, .. } = c else {
                                return unread(
                                    c.range().start.byte,
                                    "a `content` block whose value is not a JSON object",
                                );
                            };
                            let close = c.range().end.byte.saturating_sub(1);
                            let mut content = self.header(x, &[], close)?;
                            content.body = self.body(attrs, &content_path)?;
                            body.push(content);
                        }
                    }
                    _ => {
                        return unread(
                            x.name_range.start.byte,
                            format!("{name:?} is no argument or block of a `dynamic` block; dynblock refuses it in words not matched here"),
                        )
                    }
                }
            }
            block.body = body;
            out.push(block);
        }
        Ok(())
    }
}
