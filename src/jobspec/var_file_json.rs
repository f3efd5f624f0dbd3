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

use super::hclsyntax::range_string;
use super::model::Value;

/// Does jobspec2 read `text` as JSON (isJSON)?
pub(super) fn is_json(text: &str) -> bool {
    text.bytes().find(|b| *b != b' ') == Some(b'{')
}

/// One top-level `"name": value`.
pub(super) struct Member {
    pub(super) name: String,
    pub(super) value: Value,
    /// The value's range, `file:L,C-C`.
    pub(super) at: String,
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
}

/// Reads `text` (shown as `file`), or says why it is not JSON.
pub(super) fn read(text: &str, file: &str) -> Result<JsonVarFile, String> {
    // serde_json judges the syntax; the scan below only finds ranges.
    serde_json::from_str::<serde_json::Value>(text).map_err(|e| e.to_string())?;
    let mut out = JsonVarFile {
        members: Vec::new(),
        first: Vec::new(),
        declares: false,
        unsure: false,
    };
    let top = members(text, 0)?;
    if let Some(v) = top.iter().find(|m| m.name == "variable") {
        // jobspec2's probe for declarations reads it as `variable` blocks,
        // one per label, and the file goes no further.
        let labels = members(text, v.value.0)?;
        let blocks = text[v.value.0..].starts_with('{')
            && labels.iter().all(|l| text[l.value.0..].starts_with('{'));
        if !blocks {
            out.unsure = true;
            return Ok(out);
        }
        out.declares = !labels.is_empty();
        out.first = labels
            .iter()
            .map(|l| declaration(&l.name, range_string(text, file, v.key), file))
            .collect();
        if out.declares {
            return Ok(out);
        }
    }
    let mut seen: Vec<(&str, (usize, usize))> = Vec::new();
    for m in &top {
        if m.name == "//" {
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == m.name) {
            out.first.push(format!(
                "{}: Duplicate attribute definition; The argument {:?} was already set at {}.",
                range_string(text, file, m.key),
                m.name,
                range_string(text, file, *first)
            ));
            continue;
        }
        seen.push((&m.name, (m.key.0, m.value.1)));
        let json: serde_json::Value =
            serde_json::from_str(&text[m.value.0..m.value.1]).map_err(|e| e.to_string())?;
        out.members.push(Member {
            name: m.name.clone(),
            value: super::functions::from_json(json),
            at: range_string(text, file, m.value),
            repeats: m.repeats,
        });
    }
    Ok(out)
}

/// jobspec2's refusal of a declaration in a var file, at `at`
/// (collectInputVariableValues).
pub(super) fn declaration(name: &str, at: String, file: &str) -> String {
    format!(
        "{at}: Variable declaration in a .var file; A .var file is used to assign values to variables that have already been declared in job files, not to declare new variables. To declare variable {name:?}, place this block in one of your job files\n\nTo set a value for this variable in {file}, use the definition syntax instead:\n    {name} = <value>"
    )
}

/// One `"name": value` of an object, by byte ranges.
struct Raw {
    name: String,
    key: (usize, usize),
    value: (usize, usize),
    repeats: bool,
}

/// The members of the object at or after `at`, in order (none when the
/// value there is not an object).
fn members(text: &str, at: usize) -> Result<Vec<Raw>, String> {
    let mut sc = Scan {
        b: text.as_bytes(),
        i: at,
    };
    sc.ws();
    let mut out = Vec::new();
    if sc.peek() != Some(b'{') {
        return Ok(out);
    }
    sc.i += 1;
    loop {
        sc.ws();
        if sc.peek() != Some(b'"') {
            break; // `}`
        }
        let key = sc.string();
        let name: String = serde_json::from_str(&text[key.0..key.1]).map_err(|e| e.to_string())?;
        sc.ws();
        sc.i += 1; // `:`
        sc.ws();
        let mut repeats = false;
        let value = sc.value(&mut repeats);
        sc.ws();
        if sc.peek() == Some(b',') {
            sc.i += 1;
        }
        out.push(Raw {
            name,
            key,
            value,
            repeats,
        });
    }
    Ok(out)
}

/// A scan over text serde_json has accepted, for byte ranges only.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A string's range, quotes included.
    fn string(&mut self) -> (usize, usize) {
        let start = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += if c == b'\\' { 2 } else { 1 };
            if c == b'"' {
                break;
            }
        }
        (start, self.i.min(self.b.len()))
    }

    /// A value's range; `repeats` is set when an object in it names an
    /// attribute twice.
    fn value(&mut self, repeats: &mut bool) -> (usize, usize) {
        let start = self.i;
        match self.peek() {
            Some(b'"') => {
                self.string();
            }
            Some(open @ (b'{' | b'[')) => {
                self.i += 1;
                let mut keys: Vec<&[u8]> = Vec::new();
                loop {
                    self.ws();
                    match self.peek() {
                        None => break,
                        Some(b'}' | b']') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => self.i += 1,
                        Some(b'"') if open == b'{' => {
                            let (ks, ke) = self.string();
                            let key = &self.b[ks..ke];
                            *repeats |= keys.contains(&key);
                            keys.push(key);
                            self.ws();
                            self.i += 1; // `:`
                            self.ws();
                            self.value(repeats);
                        }
                        Some(_) => {
                            self.value(repeats);
                        }
                    }
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.i += 1;
                }
            }
        }
        (start, self.i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_brace_after_spaces_makes_json() {
        assert!(is_json("{\"a\": 1}"));
        assert!(is_json("  {}"));
        assert!(!is_json("\n{\"a\": 1}"));
        assert!(!is_json("\t{}"));
        assert!(!is_json("a = 1"));
        assert!(!is_json(""));
    }

    #[test]
    fn values_keep_their_text_and_ranges() {
        // tests/hcl-oracle/jobvars.go: f2.json, f4.json.
        let f = read(
            "{\"n\": \"x\", \"o\": {\"a\": \"${upper(1)}\", \"b\": 2}, \"//\": 5}",
            "f.json",
        )
        .expect("json");
        assert_eq!(f.members.len(), 2);
        assert_eq!(f.members[0].at, "f.json:1,7-10");
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
        let d = read("{\"n\": 1, \"n\": 2}", "f4.json").expect("json");
        assert_eq!(
            d.first,
            vec!["f4.json:1,10-13: Duplicate attribute definition; The argument \"n\" was already set at f4.json:1,2-8."]
        );
        assert_eq!(d.members.len(), 1);
        assert_eq!(d.members[0].value, Value::Number(1.0));
        let r = read(
            "{\"o\": {\"a\": 1, \"a\": 2}, \"p\": [{\"a\": 1}, {\"a\": 2}]}",
            "f.json",
        )
        .expect("json");
        assert!(r.members[0].repeats);
        assert!(!r.members[1].repeats);
    }

    #[test]
    fn a_variable_object_declares() {
        // tests/hcl-oracle/jobvars.go: f12.json.
        let f = read("{\"n\": 1, \"variable\": {\"x\": {}}}", "f12.json").expect("json");
        assert!(f.declares);
        assert_eq!(f.first.len(), 1);
        assert!(f.first[0].starts_with("f12.json:1,10-20: Variable declaration in a .var file; "));
        let g = read("{\"variable\": {\"x\": 1}}", "f.json").expect("json");
        assert!(g.unsure);
    }
}
