//! The blocks of a file (`job "web" { group "a" { ... } }`) and their byte
//! ranges, from hclsyntax's tokens alone, for what needs to know which
//! block a line sits in without a parse: a suppression comment is trusted
//! for the block it silenced at the base of a change, not for any line of
//! the same text ([`crate::rules::suppress`], R24b-3). Like the comment
//! scan it takes any text: a file that does not parse still has its
//! blocks, as far as its braces go (an unclosed block runs to the end).
//!
//! A block is an identifier at the start of a body item followed by labels
//! (quoted or bare) and `{`, as hclsyntax's parseBodyItem reads one
//! (hclsyntax/parser.go@v2.20.1); any other brace, bracket or parenthesis
//! belongs to an expression (an object, a list, a call, an interpolation)
//! and names no block. HCL1 (Nomad before 1.0) writes blocks alike.

use super::scan::{scan, Tok, Token};

/// One block: its type, its labels as written (quoted ones without the
/// quotes, escapes undecoded), and the bytes from its type to its `}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub start: usize,
    pub end: usize,
    /// The enclosing block, an index into the same list.
    pub parent: Option<usize>,
}

enum Frame {
    Block(usize),
    /// A brace, bracket, parenthesis or interpolation of an expression.
    Expr,
}

/// Every block of `text`, in the order their headers appear (a parent
/// before its children).
pub fn blocks(text: &str) -> Vec<Block> {
    let toks = scan(text, true);
    let mut out: Vec<Block> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // At the start of a body item (a body's first token or a line's).
    let mut item_start = true;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        let in_body = !matches!(stack.last(), Some(Frame::Expr));
        match t.tok {
            Tok::Ident if in_body && item_start => {
                item_start = false;
                if let Some((labels, brace)) = header(text, &toks, i + 1) {
                    let parent = stack.iter().rev().find_map(|f| match f {
                        Frame::Block(b) => Some(*b),
                        Frame::Expr => None,
                    });
                    out.push(Block {
                        kind: text[t.start..t.end].to_string(),
                        labels,
                        start: t.start,
                        end: text.len(),
                        parent,
                    });
                    stack.push(Frame::Block(out.len() - 1));
                    item_start = true;
                    i = brace + 1;
                    continue;
                }
            }
            // A line comment ends its line (the scanner keeps the newline
            // in the comment token); a block comment does not.
            Tok::Newline if in_body => item_start = true,
            Tok::Comment if in_body && text[t.start..t.end].ends_with('\n') => item_start = true,
            Tok::Comment | Tok::Newline => {}
            Tok::OBrace
            | Tok::OBrack
            | Tok::OParen
            | Tok::TemplateInterp
            | Tok::TemplateControl => {
                stack.push(Frame::Expr);
                item_start = false;
            }
            Tok::CBrace => {
                // A stray `}` in a broken file closes what is open.
                if let Some(Frame::Block(b)) = stack.pop() {
                    if let Some(block) = out.get_mut(b) {
                        block.end = t.end;
                    }
                    item_start = true;
                }
            }
            Tok::CBrack | Tok::CParen | Tok::TemplateSeqEnd => {
                if matches!(stack.last(), Some(Frame::Expr)) {
                    stack.pop();
                }
            }
            _ => item_start = false,
        }
        i += 1;
    }
    out
}

/// After a body item's identifier at `toks[from..]`: its labels and the
/// index of its `{` when it is a block header, `None` when it is anything
/// else (an attribute, a broken line).
fn header(text: &str, toks: &[Token], mut from: usize) -> Option<(Vec<String>, usize)> {
    let mut labels = Vec::new();
    loop {
        let t = toks.get(from)?;
        match t.tok {
            Tok::OBrace => return Some((labels, from)),
            Tok::Ident => {
                labels.push(text[t.start..t.end].to_string());
                from += 1;
            }
            Tok::OQuote => {
                let close = from
                    + 1
                    + toks[from + 1..]
                        .iter()
                        .position(|t| t.tok != Tok::QuotedLit)?;
                if toks[close].tok != Tok::CQuote {
                    return None; // an interpolation: no label holds one
                }
                labels.push(text[t.end..toks[close].start].to_string());
                from = close + 1;
            }
            _ => return None,
        }
    }
}

/// The blocks around byte `at`, outermost first: indexes into `blocks`
/// (in header order, so sorted by `start`, each nested in its parent).
/// The innermost is the last block starting at or before `at` or one of
/// its ancestors: a binary search and a walk up, not a scan per call.
/// `None` past `max_depth` blocks deep (or a walk of twice that).
pub fn around(blocks: &[Block], at: usize, max_depth: usize) -> Option<Vec<usize>> {
    let last = blocks.partition_point(|b| b.start <= at).checked_sub(1);
    let mut inner = last;
    let mut out = Vec::new();
    // Up to the first ancestor that holds `at`, then every one above it;
    // either walk is at most `max_depth` long in a file that nests less.
    let mut steps = 0;
    while let Some(i) = inner {
        let b = blocks.get(i)?;
        steps += 1;
        if steps > 2 * max_depth {
            return None;
        }
        if b.start <= at && at < b.end {
            if out.len() == max_depth {
                return None;
            }
            out.push(i);
        } else if !out.is_empty() {
            // An enclosing block always holds what its child holds.
            return None;
        }
        inner = b.parent;
    }
    out.reverse();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str, needle: &str) -> Vec<String> {
        let bs = blocks(text);
        let at = text.find(needle).unwrap();
        around(&bs, at, 64)
            .expect("shallow")
            .into_iter()
            .map(|i| format!("{} {}", bs[i].kind, bs[i].labels.join(" ")))
            .collect()
    }

    #[test]
    fn blocks_nest_and_expressions_do_not_count() {
        let text = "job \"web\" {\n  meta = {\n    a = \"${x}\"\n  }\n  group \"a\" {\n    count = 6 # c\n    task t {\n      config { args = [\"{\", {b = 1}] }\n      env { K = \"v\" }\n    }\n  }\n  group \"b\" {\n    count = 0\n  }\n}\n";
        assert_eq!(path(text, "a = \"$"), ["job web"]);
        assert_eq!(path(text, "count = 6"), ["job web", "group a"]);
        assert_eq!(
            path(text, "args"),
            ["job web", "group a", "task t", "config "]
        );
        assert_eq!(path(text, "K ="), ["job web", "group a", "task t", "env "]);
        assert_eq!(path(text, "count = 0"), ["job web", "group b"]);
        // The header and the closing brace are the block's own.
        assert_eq!(path(text, "group \"b\""), ["job web", "group b"]);
        let close_b = text.rfind("  }\n}").unwrap() + 2;
        assert_eq!(path(text, &text[close_b..]), ["job web", "group b"]);
        assert_eq!(blocks(text).len(), 6);
    }

    /// A broken file still has the blocks its braces open; heredocs and
    /// comments hold none.
    #[test]
    fn broken_files_heredocs_and_comments() {
        let text = "job \"j\" {\n  x = <<EOT\ngroup \"h\" {\nEOT\n  # group \"c\" {\n  group \"g\" {\n    count = = 1\n";
        assert_eq!(path(text, "count"), ["job j", "group g"]);
        let kinds: Vec<_> = blocks(text).into_iter().map(|b| b.kind).collect();
        assert_eq!(kinds, ["job", "group"]);
        assert_eq!(blocks("}}} a {\n b = 1\n}\n").len(), 1);
    }
}
