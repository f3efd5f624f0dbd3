//! hcl's JSON parser (json/parser.go, json/public.go `Parse`; the same at
//! every hcl Nomad vendors, see var_file_json_scan.rs), with its
//! diagnostics and its recovery: a value that fails becomes an invalid
//! node and its object or array goes on, so a file can be refused more
//! than once (jobspec2 prints the first and counts the others); an
//! object or array that fails skips ahead by hcl's own (odd) bracket
//! count. Its words, misspellings included, are hcl's; the cases are
//! checked against tests/hcl-oracle/hcljson.go at 68a97f93bb48 and
//! v2.20.2-nomad-1.

use super::var_file_json_scan::{scan, Kind, Range, Token};

/// A JSON value as hcl's parser holds it (json/ast.go).
#[derive(Debug, PartialEq)]
pub(super) enum Node {
    Object {
        attrs: Vec<Attr>,
        open: Range,
        range: Range,
    },
    Array {
        values: Vec<Node>,
        open: Range,
        range: Range,
    },
    /// The number's text, which Go's encoding/json accepts.
    Number(String, Range),
    String(String, Range),
    Bool(bool, Range),
    Null(Range),
    /// What a refused value leaves in its place.
    Invalid(Range),
}

#[derive(Debug, PartialEq)]
pub(super) struct Attr {
    pub(super) name: String,
    pub(super) name_range: Range,
    pub(super) value: Node,
}

impl Node {
    pub(super) fn range(&self) -> Range {
        match self {
            Node::Object { range, .. } | Node::Array { range, .. } => *range,
            Node::Number(_, r) | Node::String(_, r) | Node::Bool(_, r) => *r,
            Node::Null(r) | Node::Invalid(r) => *r,
        }
    }

    /// StartRange: an object's or array's opening brace or bracket, any
    /// other value's range.
    fn start_range(&self) -> Range {
        match self {
            Node::Object { open, .. } | Node::Array { open, .. } => *open,
            other => other.range(),
        }
    }
}

/// One of hcl's diagnostics (all errors).
#[derive(Debug, PartialEq)]
pub(super) struct Diag {
    pub(super) subject: Range,
    pub(super) summary: &'static str,
    pub(super) detail: String,
}

impl Diag {
    fn new(subject: Range, summary: &'static str, detail: impl Into<String>) -> Diag {
        Diag {
            subject,
            summary,
            detail: detail.into(),
        }
    }

    /// hcl.Diagnostic.Error(): `file:range: Summary; Detail`, or None
    /// where the range's columns are not known here.
    pub(super) fn line(&self, file: &str) -> Option<String> {
        let at = self.subject.shown(file)?;
        Some(format!("{at}: {}; {}", self.summary, self.detail))
    }
}

/// json.Parse: the root value and every diagnostic, in hcl's order. A
/// root that is not an object or array is refused and read as empty.
/// Err: the byte where brackets nest deeper than
/// [`crate::nesting::MAX_DEPTH`]; Go's growing stacks read any depth, this
/// recursive parser does not go there.
pub(super) fn parse(text: &str) -> Result<(Node, Vec<Diag>), usize> {
    let tokens = scan(text);
    let mut depth = 0usize;
    for t in &tokens {
        match t.kind {
            Kind::BraceO | Kind::BrackO => depth += 1,
            Kind::BraceC | Kind::BrackC => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > crate::nesting::MAX_DEPTH {
            return Err(t.range.start.byte);
        }
    }
    let mut p = Peeker {
        text,
        tokens,
        at: 0,
    };
    let (root, mut diags) = p.value();
    if diags.is_empty() && p.peek().kind != Kind::Eof {
        diags.push(Diag::new(
            p.peek().range,
            "Extraneous data after value",
            "Extra characters appear after the JSON value.",
        ));
    }
    if matches!(root, Node::Object { .. } | Node::Array { .. }) {
        return Ok((root, diags));
    }
    diags.push(Diag::new(
        root.start_range(),
        "Root value must be object",
        "The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.",
    ));
    let fake = Range {
        start: super::var_file_json_scan::Pos {
            line: 1,
            col: 1,
            byte: 0,
            exact: true,
        },
        end: super::var_file_json_scan::Pos {
            line: 1,
            col: 1,
            byte: 0,
            exact: true,
        },
    };
    let empty = Node::Object {
        attrs: vec![],
        open: fake,
        range: fake,
    };
    Ok((empty, diags))
}

const VALUE_START: &str =
    "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.";

struct Peeker<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    at: usize,
}

type Parsed = (Option<Node>, Vec<Diag>);

impl Peeker<'_> {
    fn peek(&self) -> Token {
        // scan always ends with Eof, and `read` never passes it.
        self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn read(&mut self) -> Token {
        let t = self.peek();
        if t.kind != Kind::Eof {
            self.at += 1;
        }
        t
    }

    /// parseValue: a value, or an invalid node at the token it began at.
    fn value(&mut self) -> (Node, Vec<Diag>) {
        let tok = self.peek();
        let refuse = |summary, detail: &str| (None, vec![Diag::new(tok.range, summary, detail)]);
        let (node, diags) = match tok.kind {
            Kind::BraceO => self.object(),
            Kind::BrackO => self.array(),
            Kind::Number => self.number(),
            Kind::String => self.string(),
            Kind::Keyword => self.keyword(),
            Kind::BraceC => refuse("Missing JSON value", VALUE_START),
            Kind::BrackC => refuse("Missing array element value", VALUE_START),
            Kind::Eof => refuse("Missing value", "The JSON data ends prematurely."),
            _ => refuse("Invalid start of value", VALUE_START),
        };
        (node.unwrap_or(Node::Invalid(tok.range)), diags)
    }

    /// Moves past what seems the end of an object or array after an
    /// error: hcl counts `open` from 1 and stops as soon as a close
    /// brings it back to 1, so after a nested pair it stops early.
    fn recover(&mut self, mut tok: Token, open_kind: Kind, close_kind: Kind) {
        let mut open = 1;
        loop {
            if tok.kind == open_kind {
                open += 1;
            } else if tok.kind == close_kind {
                open -= 1;
                if open <= 1 {
                    return;
                }
            } else if tok.kind == Kind::Eof {
                return;
            }
            tok = self.read();
        }
    }

    fn object(&mut self) -> Parsed {
        let mut diags = Vec::new();
        let open = self.read();
        let mut attrs = Vec::new();
        let fail = |mut diags: Vec<Diag>, at, summary, detail: &str| {
            diags.push(Diag::new(at, summary, detail));
            (None, diags)
        };
        while self.peek().kind != Kind::BraceC {
            let (key, more) = self.value();
            diags.extend(more);
            let Node::String(name, name_range) = key else {
                return fail(
                    diags,
                    key.start_range(),
                    "Invalid object property name",
                    "A JSON object property name must be a string",
                );
            };
            let colon = self.read();
            if colon.kind != Kind::Colon {
                self.recover(colon, Kind::BraceO, Kind::BraceC);
                let (summary, detail) = match colon.kind {
                    Kind::BraceC | Kind::Comma => (
                        "Missing object value",
                        "A JSON object attribute must have a value, introduced by a colon.",
                    ),
                    Kind::Equals => (
                        "Missing property value colon",
                        "JSON uses a colon as its name/value delimiter, not an equals sign.",
                    ),
                    _ => (
                        "Missing property value colon",
                        "A colon must appear between an object property's name and its value.",
                    ),
                };
                return fail(diags, colon.range, summary, detail);
            }
            let (value, more) = self.value();
            diags.extend(more);
            attrs.push(Attr {
                name,
                name_range,
                value,
            });
            match self.peek().kind {
                Kind::Comma => {
                    let comma = self.read();
                    if self.peek().kind == Kind::BraceC {
                        return fail(diags, comma.range, "Trailing comma in object", "JSON does not permit a trailing comma after the final property in an object.");
                    }
                }
                Kind::Eof => {
                    return fail(
                        diags,
                        open.range,
                        "Unclosed object",
                        "No closing brace was found for this JSON object.",
                    )
                }
                Kind::BrackC => {
                    // The bracket is taken; the token after it is named.
                    self.read();
                    return fail(
                        diags,
                        self.peek().range,
                        "Mismatched braces",
                        "A JSON object must be closed with a brace, not a bracket.",
                    );
                }
                Kind::BraceC => break,
                _ => {
                    let t = self.read();
                    self.recover(t, Kind::BraceO, Kind::BraceC);
                    return fail(
                        diags,
                        self.peek().range,
                        "Missing attribute seperator comma",
                        "A comma must appear between each property definition in an object.",
                    );
                }
            }
        }
        let close = self.read();
        let node = Node::Object {
            attrs,
            open: open.range,
            range: Range::between(open.range, close.range),
        };
        (Some(node), diags)
    }

    fn array(&mut self) -> Parsed {
        let mut diags = Vec::new();
        let open = self.read();
        let mut values = Vec::new();
        let fail = |mut diags: Vec<Diag>, at, summary, detail: &str| {
            diags.push(Diag::new(at, summary, detail));
            (None, diags)
        };
        while self.peek().kind != Kind::BrackC {
            let (value, more) = self.value();
            diags.extend(more);
            values.push(value);
            let next = self.peek().kind;
            let (summary, detail) = match next {
                Kind::Comma => {
                    let comma = self.read();
                    if self.peek().kind == Kind::BrackC {
                        return fail(diags, comma.range, "Trailing comma in array", "JSON does not permit a trailing comma after the final value in an array.");
                    }
                    continue;
                }
                Kind::BrackC => break,
                Kind::Colon => (
                    "Invalid array value",
                    "A colon is not used to introduce values in a JSON array.",
                ),
                Kind::Eof => (
                    "Unclosed object",
                    "No closing bracket was found for this JSON array.",
                ),
                Kind::BraceC => (
                    "Mismatched brackets",
                    "A JSON array must be closed with a bracket, not a brace.",
                ),
                _ => (
                    "Missing attribute seperator comma",
                    "A comma must appear between each value in an array.",
                ),
            };
            let t = self.read();
            self.recover(t, Kind::BrackO, Kind::BrackC);
            // The unclosed array is named at its bracket, the others at
            // the token recovery stopped before.
            let at = if next == Kind::Eof {
                open.range
            } else {
                self.peek().range
            };
            return fail(diags, at, summary, detail);
        }
        let close = self.read();
        let node = Node::Array {
            values,
            open: open.range,
            range: Range::between(open.range, close.range),
        };
        (Some(node), diags)
    }

    /// parseNumber: Go's encoding/json judges the syntax.
    fn number(&mut self) -> Parsed {
        let tok = self.read();
        let text = tok.text(self.text);
        if !go_json_number(text) {
            let d = Diag::new(
                tok.range,
                "Invalid JSON number",
                "There is a syntax error in the given JSON number.",
            );
            return (None, vec![d]);
        }
        (Some(Node::Number(text.to_string(), tok.range)), vec![])
    }

    /// parseString: Go's encoding/json unquotes it; a syntax error is
    /// named one byte wide at the byte after the one refused (the error's
    /// Offset counts the refused byte), its byte offset added to the
    /// column as hcl does.
    fn string(&mut self) -> Parsed {
        let tok = self.read();
        match super::var_file_json_string::unquote(tok.text(self.text)) {
            Ok(s) => (Some(Node::String(s, tok.range)), vec![]),
            Err(offset) => {
                let mut start = tok.range.start;
                start.byte += offset;
                start.col += offset;
                let mut end = start;
                end.byte += 1;
                end.col += 1;
                let d = Diag::new(
                    Range { start, end },
                    "Invalid JSON string",
                    "There is a syntax error in the given JSON string.",
                );
                (None, vec![d])
            }
        }
    }

    fn keyword(&mut self) -> Parsed {
        let tok = self.read();
        let word = tok.text(self.text);
        let node = match word {
            "true" => Node::Bool(true, tok.range),
            "false" => Node::Bool(false, tok.range),
            "null" => Node::Null(tok.range),
            _ => {
                let detail = if matches!(word, "undefined" | "NaN" | "Infinity") {
                    format!("The JavaScript identifier {word:?} cannot be used in JSON.")
                } else {
                    // didyoumean.go keywordSuggestion, in its order.
                    let dym = ["false", "true", "null"]
                        .into_iter()
                        .find(|k| super::functions::levenshtein(word, k) < 3)
                        .map(|k| format!(" Did you mean {k:?}?"))
                        .unwrap_or_default();
                    format!("{word:?} is not a valid JSON keyword.{dym}")
                };
                let d = Diag::new(tok.range, "Invalid JSON keyword", detail);
                return (None, vec![d]);
            }
        };
        (Some(node), vec![])
    }
}

/// Go's encoding/json number grammar:
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn go_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
#[path = "var_file_json_parse_tests.rs"]
mod tests;
