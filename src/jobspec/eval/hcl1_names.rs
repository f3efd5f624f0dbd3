//! Before 1.0, the names of a body (argument names, block types, labels)
//! as hcl v1 reads them from the file.

use super::Scope;

impl Scope<'_> {
    /// A body's argument name, block type or label: before 1.0 as hcl v1
    /// reads it from the file (the HCL2 rewrite may have written a key such
    /// as `a.b` or a label such as `"%{x"` otherwise, to_hcl2.rs); else as
    /// `parsed` holds it. Text that reads as written costs one comparison.
    pub fn hcl1_name(&self, item: &impl hcl_edit::Span, parsed: &str) -> String {
        if self.hcl1.is_some() {
            let span = hcl_edit::Span::span(item);
            let as_written = span
                .as_ref()
                .and_then(|r| self.text.get(r.clone()))
                .is_some_and(|t| t == parsed);
            if !as_written {
                if let Some(k) = self.hcl1_key(item) {
                    return k;
                }
            }
        }
        parsed.to_string()
    }
}
