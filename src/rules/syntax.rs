//! Lookups in the hcl-edit syntax tree for rules that must point at a key
//! the typed model does not keep a span for (driver `config` keys).

use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span as _;

use crate::source::Span;

/// The first attribute or block named `key` that lies inside `within`
/// (depth first, in file order): e.g. `image` inside one task's `config`.
pub fn find_key(body: &Body, within: Span, key: &str) -> Option<Span> {
    for s in body.iter() {
        let Some(range) = s.span() else { continue };
        let span = Span::from_range(range);
        if span.end <= within.start || span.start >= within.end {
            continue;
        }
        match s {
            Structure::Attribute(a) if a.has_key(key) && inside(span, within) => {
                return Some(span);
            }
            Structure::Block(b) => {
                if b.has_ident(key) && inside(span, within) {
                    return Some(span);
                }
                if let Some(found) = find_key(&b.body, within, key) {
                    return Some(found);
                }
            }
            Structure::Attribute(_) => {}
        }
    }
    None
}

fn inside(inner: Span, outer: Span) -> bool {
    inner.start >= outer.start && inner.end <= outer.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_only_inside_the_region() {
        let text = "job \"a\" {\n  task \"x\" {\n    config { image = \"a\" }\n  }\n  task \"y\" {\n    config {\n      image = \"b\"\n    }\n  }\n}\n";
        let body = hcl_edit::parser::parse_body(text).unwrap();
        let y = text.find("task \"y\"").unwrap();
        let found = find_key(&body, Span::new(y, text.len()), "image").unwrap();
        assert_eq!(&text[found.start..found.end], "image = \"b\"");
        assert!(find_key(&body, Span::new(0, 5), "image").is_none());
    }

    /// A block that only overlaps the region (it encloses it, or starts in
    /// it and ends after it) is not inside it: its body is searched instead.
    #[test]
    fn an_overlapping_block_is_searched_not_returned() {
        let text =
            "job \"a\" {\n  task \"y\" {\n    config {\n      image = \"b\"\n    }\n  }\n}\n";
        let body = hcl_edit::parser::parse_body(text).unwrap();
        let image = text.find("image").unwrap();
        let config = text.find("config").unwrap();
        // Inside the config block: the enclosing block is not the answer.
        assert!(find_key(&body, Span::new(image, image + 11), "config").is_none());
        // Ends inside the config block's header: the block starts inside
        // the region but ends after it, and `image` lies beyond the region.
        assert!(find_key(&body, Span::new(0, config + 3), "config").is_none());
        assert!(find_key(&body, Span::new(0, config + 3), "image").is_none());
        let whole = find_key(&body, Span::new(0, text.len()), "config").unwrap();
        assert_eq!(whole.start, config);
    }
}
