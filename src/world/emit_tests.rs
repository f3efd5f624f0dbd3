//! Unit tests of [`super`] (world files written back).

use super::*;

#[test]
fn quoting_neutralises_templates_and_escapes() {
    assert_eq!(quote("a\"b"), "\"a\\\"b\"");
    assert_eq!(quote("${x} %{y} $z"), "\"$${x} %%{y} $z\"");
    // Not printable in Go: escaped as hclwrite escapes them.
    assert_eq!(
        quote("a\u{1b}[31mb\u{7}\u{202e}c\u{e0001}"),
        "\"a\\u001b[31mb\\u0007\\u202ec\\U000e0001\""
    );
    // ... and read back as the same string.
    let raw = "x\u{1b}]0;t\u{7}\u{202e}${y}\\\u{e0001}\u{85}";
    let body: hcl_edit::structure::Body = format!("v = {}\n", quote(raw))
        .parse()
        .expect("an HCL body");
    let read = body
        .get_attribute("v")
        .and_then(|a| a.value.as_str())
        .map(str::to_owned);
    assert_eq!(read.as_deref(), Some(raw));
    assert_eq!(key("kernel.name"), "\"kernel.name\"");
    assert_eq!(key("image"), "image");
}
