//! A `-var-file` jobspec2 (1.0+) reads as JSON: parse.go's parseHCLOrJSON
//! takes a file for JSON when its first byte other than a space is `{`
//! (a tab or a newline first makes it HCL, whatever the file's name), and
//! hcl's JSON parser reads it. Its values are evaluated with no context,
//! so a string is its text, `${...}` and all: nothing in it is refused,
//! but every value meets the variable's type (var_convert.rs). hcl's
//! JustAttributes skips a top-level `"//"` (a comment) and refuses a name
//! given twice, keeping the first; a name given twice inside a value is
//! refused too (its words are not followed here). Texts checked with
//! tests/hcl-oracle/jobvars.go.

use super::model::Value;
use super::var_file_json_parse::{parse, Node};
use super::var_file_json_scan::Range;

/// Does jobspec2 read `src` as JSON (isJSON)? It looks at the file's raw
/// bytes, skipping only ' ' (jobspec2/parse.go isJSON@v1.0.0..v2.0.5): a
/// UTF-8 byte order mark (0xEF), which our text no longer holds, is
/// neither, so a BOM'd `{...}` goes to hclsyntax, which skips the BOM
/// (scan_tokens.rl stripUTF8BOM) and refuses the `{`.
pub(super) fn is_json(src: &crate::source::SourceFile) -> bool {
    !src.bom && text_is_json(&src.text)
}

/// isJSON of text without a byte order mark.
fn text_is_json(text: &str) -> bool {
    text.bytes().find(|b| *b != b' ') == Some(b'{')
}

/// One top-level `"name": value`.
pub(super) struct Member {
    pub(super) name: String,
    pub(super) value: Value,
    /// The value's range, `file:L,C-C`, as hcl's JSON scanner counts
    /// columns (None where this tool cannot count them).
    pub(super) at: Option<String>,
    /// An object inside the value names an attribute twice: refused, in
    /// words not followed here.
    pub(super) repeats: bool,
}

pub(super) struct JsonVarFile {
    pub(super) members: Vec<Member>,
    /// jobspec2's lines before the values': the declarations a top-level
    /// `"variable"` makes, or JustAttributes's refusals of a repeated
    /// top-level name, in order.
    pub(super) first: Vec<String>,
    /// A top-level `"variable"` declared something: nothing more is read.
    pub(super) declares: bool,
    /// A top-level `"variable"` read in ways not followed here.
    pub(super) unsure: bool,
    /// hcl's JSON parser refuses the file: its diagnostics' lines, in its
    /// order; nothing else is read.
    pub(super) refused: Vec<String>,
    /// A number beyond a 64-bit float, which hcl holds as a big.Float:
    /// what Nomad makes of it is not known here.
    pub(super) unread: Option<String>,
}

/// Reads `text` (shown as `file`) as hcl's JSON parser does, or says why
/// what Nomad prints of it is not known here.
pub(super) fn read(
    text: &str,
    file: &str,
    version: crate::version::NomadVersion,
) -> Result<JsonVarFile, String> {
    let mut out = JsonVarFile {
        members: Vec::new(),
        first: Vec::new(),
        declares: false,
        unsure: false,
        refused: Vec::new(),
        unread: None,
    };
    let (root, diags) = parse(text).map_err(|at| {
        format!("its brackets nest deeper than {} levels at byte {at}, which hcl reads and nomad-preflight does not", crate::nesting::MAX_DEPTH)
    })?;
    if !diags.is_empty() {
        out.refused = diags
            .iter()
            .map(|d| d.line(file).ok_or_else(uncounted))
            .collect::<Result<_, _>>()?;
        return Ok(out);
    }
    let Node::Object { attrs: top, .. } = root else {
        // A root array: not what jobspec2's `{` test lets through.
        return Err("its root value is not an object".into());
    };
    let shown = |r: Range| r.shown(file).ok_or_else(uncounted);
    if let Some(v) = top.iter().find(|m| m.name == "variable") {
        // jobspec2's probe for declarations reads it as `variable` blocks,
        // one per label, and the file goes no further.
        let labels = match &v.value {
            Node::Object { attrs, .. } => attrs.as_slice(),
            _ => &[],
        };
        let blocks = matches!(v.value, Node::Object { .. })
            && labels
                .iter()
                .all(|l| matches!(l.value, Node::Object { .. }));
        if !blocks {
            out.unsure = true;
            return Ok(out);
        }
        out.declares = !labels.is_empty();
        for l in labels {
            out.first
                .push(declaration(&l.name, shown(v.name_range)?, file));
        }
        if out.declares {
            return Ok(out);
        }
    }
    let mut seen: Vec<(&str, Range)> = Vec::new();
    for m in &top {
        if m.name == "//" {
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == m.name) {
            out.first.push(format!(
                "{}: Duplicate attribute definition; The argument {:?} was already set at {}.",
                shown(m.name_range)?,
                m.name,
                shown(*first)?
            ));
            continue;
        }
        seen.push((&m.name, Range::between(m.name_range, m.value.range())));
        let mut repeats = false;
        let value = match value_of(&m.value, &mut repeats) {
            // hcl's JSON values are cty values: strings and keys in NFC.
            Some(v) => match super::eval::nfc::nfc_value_checked(v, version) {
                Ok(v) => v,
                Err(u) => {
                    out.unread = Some(u.why(&format!("the value of {} in a var file", m.name)));
                    return Ok(out);
                }
            },
            None => {
                out.unread = Some("a var file holds a number a 64-bit float does not hold as hcl's JSON parser does (go-cty's 512-bit big.Float): beyond its range, such as 1e400, or past its precision, such as 987654321098765432".into());
                return Ok(out);
            }
        };
        let at = m.value.range().shown(file);
        out.members.push(Member {
            name: m.name.clone(),
            value,
            at,
            repeats,
        });
    }
    Ok(out)
}

fn uncounted() -> String {
    "a column hcl counts in grapheme clusters, after a character whose clusters this tool does not count".into()
}

/// jobspec2's refusal of a declaration in a var file, at `at`
/// (collectInputVariableValues).
pub(super) fn declaration(name: &str, at: String, file: &str) -> String {
    format!(
        "{at}: Variable declaration in a .var file; A .var file is used to assign values to variables that have already been declared in job files, not to declare new variables. To declare variable {name:?}, place this block in one of your job files\n\nTo set a value for this variable in {file}, use the definition syntax instead:\n    {name} = <value>"
    )
}

/// The value a node holds (`repeats` set where an object in it names an
/// attribute twice), or None for a number a 64-bit float does not hold as
/// go-cty does.
fn value_of(n: &Node, repeats: &mut bool) -> Option<Value> {
    Some(match n {
        Node::Null(_) | Node::Invalid(_) => Value::Null,
        Node::Bool(b, _) => Value::Bool(*b),
        Node::String(s, _) => Value::String(s.clone()),
        Node::Number(text, _) => Value::Number(number(text)?),
        Node::Array { values, .. } => Value::List(
            values
                .iter()
                .map(|v| value_of(v, repeats))
                .collect::<Option<_>>()?,
        ),
        Node::Object { attrs, .. } => {
            let mut map = std::collections::BTreeMap::new();
            for a in attrs {
                let v = value_of(&a.value, repeats)?;
                *repeats |= map.insert(a.name.clone(), v).is_some();
            }
            Value::Map(map)
        }
    })
}

/// A JSON number as a 64-bit float, or None where it overflows, or
/// underflows to zero from a number that is not zero.
fn number(text: &str) -> Option<f64> {
    let x: f64 = text.parse().ok()?;
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let zero = !mantissa.bytes().any(|c| matches!(c, b'1'..=b'9'));
    // go-cty's 512-bit parse: a number our f64 holds otherwise is not
    // read (cty_number.rs).
    (x.is_finite() && (x != 0.0 || zero) && super::cty_number::is_faithful(text, x)).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V205: crate::version::NomadVersion = crate::version::NomadVersion::new(2, 0, 5);

    #[test]
    fn only_a_brace_after_spaces_makes_json() {
        assert!(text_is_json("{\"a\": 1}"));
        assert!(text_is_json("  {}"));
        assert!(!text_is_json("\n{\"a\": 1}"));
        assert!(!text_is_json("\t{}"));
        assert!(!text_is_json("a = 1"));
        assert!(!text_is_json(""));
    }

    #[test]
    fn a_byte_order_mark_makes_hcl() {
        // isJSON sees 0xEF first: hclsyntax reads the file.
        let src = |t: &str| crate::source::SourceFile::inline("v.json", t);
        assert!(is_json(&src("{\"a\": 1}")));
        assert!(!is_json(&src("\u{feff}{\"a\": 1}")));
        assert!(!is_json(&src("\u{feff}  {}")));
    }

    #[test]
    fn values_keep_their_text_and_ranges() {
        // tests/hcl-oracle/jobvars.go: f2.json, f4.json.
        let f = read(
            "{\"n\": \"x\", \"o\": {\"a\": \"${upper(1)}\", \"b\": 2}, \"//\": 5}",
            "f.json",
            V205,
        )
        .expect("json");
        assert_eq!(f.members.len(), 2);
        assert_eq!(f.members[0].at.as_deref(), Some("f.json:1,7-10"));
        assert_eq!(
            f.members[1].value,
            Value::Map(
                [
                    ("a".to_string(), Value::String("${upper(1)}".into())),
                    ("b".to_string(), Value::Number(2.0)),
                ]
                .into_iter()
                .collect()
            )
        );
        let d = read("{\"n\": 1, \"n\": 2}", "f4.json", V205).expect("json");
        assert_eq!(
            d.first,
            vec!["f4.json:1,10-13: Duplicate attribute definition; The argument \"n\" was already set at f4.json:1,2-8."]
        );
        assert_eq!(d.members.len(), 1);
        assert_eq!(d.members[0].value, Value::Number(1.0));
        let r = read(
            "{\"o\": {\"a\": 1, \"a\": 2}, \"p\": [{\"a\": 1}, {\"a\": 2}]}",
            "f.json",
            V205,
        )
        .expect("json");
        assert!(r.members[0].repeats);
        assert!(!r.members[1].repeats);
    }

    #[test]
    fn a_variable_object_declares() {
        // tests/hcl-oracle/jobvars.go: f12.json.
        let f = read("{\"n\": 1, \"variable\": {\"x\": {}}}", "f12.json", V205).expect("json");
        assert!(f.declares);
        assert_eq!(f.first.len(), 1);
        assert!(f.first[0].starts_with("f12.json:1,10-20: Variable declaration in a .var file; "));
        let g = read("{\"variable\": {\"x\": 1}}", "f.json", V205).expect("json");
        assert!(g.unsure);
    }
}
