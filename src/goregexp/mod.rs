//! Whether Go's `regexp.Compile` refuses a pattern, and its error text
//! (`error parsing regexp: <code>: `<expr>``), for the `regexp` operator of
//! constraints and affinities, which `Constraint.Validate` and
//! `Affinity.Validate` compile.
//!
//! Rust's `regex` crate is not Go's dialect: it accepts `(?x)`, `a**` and
//! refuses `a{`, `x{,3}` before 1.10, all of which Go decides the other way.
//! So this walks the pattern as Go's `regexp/syntax` parser does (Perl
//! flags), keeping only what decides an error: the parse stack's shape
//! (groups, alternation bars, operands) and each operand's nested
//! repetition product (`repeatIsValid`: at most 1000 copies).
//!
//! Go's nesting limit (a parse tree over 1000 levels high: `expression
//! nests too deeply`, Go 1.19+; `regexp/syntax: internal error` in the
//! Go 1.16.15, 1.17.8 and 1.18 patch releases that brought it) is walked
//! too: each operand keeps the height of the tree Go builds for it, with
//! Go's merging of adjacent literals into one node and of alternatives
//! that are all single characters or classes into one class.
//!
//! Go's size limits (Go 1.18.7 and 1.19.2+: see size.rs) are bounded,
//! not decided: a pattern certainly within them passes, any other is
//! [`size_verdict`]'s "cannot tell". Gaps, named: the height of an alternation whose branches share a prefix
//! (Go's `factor` regroups them) is taken before that regrouping; a
//! `\p{Name}` class is judged by the `regex` crate's Unicode tables, which
//! know every name Go knows (and looser spellings Go before 1.25 refuses),
//! so only names unknown to both are refused.

mod lex;
mod names;
mod size;
mod translate;

use lex::{class_char, escape, named_class, perl_class, repeat_counts, unicode_class};

pub use names::capture_names;
pub use size::size_verdict;
pub use translate::{compile, to_rust};

use crate::gorelease::built_with_at_least;
use crate::version::NomadVersion;

/// Go's error text for `pattern`, or `None` when Go compiles it. `v` picks
/// the Go release Nomad `v` was built with (`(?<name>…)` from Go 1.22).
pub fn compile_error(pattern: &str, v: NomadVersion) -> Option<String> {
    walk(pattern, v)
        .err()
        .map(|(code, expr)| format!("error parsing regexp: {code}: `{expr}`"))
}

/// What the walk learns of Go's tree for a pattern Go parses.
#[derive(Debug, Clone, Copy)]
struct Tree {
    height: u32,
    /// An upper bound of the compiled size Go computes (`calcSize`).
    size: u64,
    /// The product of every counted repetition's count, capped as Go caps
    /// it (`p.repeats`).
    repeats: u64,
}

/// Go's parse of `pattern`: its tree's measures, or its error.
fn walk(pattern: &str, v: NomadVersion) -> Result<Tree, Fail<'_>> {
    Parser {
        whole: pattern,
        stack: Vec::new(),
        angle_names: built_with_at_least(v, (1, 22, 0)),
        depth: depth_limit(v),
        repeats: 1,
    }
    .parse()
}

/// Go's height limit, and the error it gives, for the Go `v` was built
/// with: none before the fix of CVE-2022-24921 (Go 1.16.15, 1.17.8,
/// 1.18.0); a plain internal error until Go 1.19 named it.
fn depth_limit(v: NomadVersion) -> Option<&'static str> {
    let go = crate::gorelease::go_of(v);
    let fixed = go >= (1, 17, 8) || ((1, 16, 15)..(1, 17, 0)).contains(&go);
    let named = go >= (1, 19, 0);
    fixed.then_some(if named {
        "expression nests too deeply"
    } else {
        "regexp/syntax: internal error"
    })
}

/// The highest parse tree Go accepts (parse.go `maxHeight`).
const MAX_HEIGHT: u32 = 1000;

type Fail<'a> = (&'static str, &'a str);

const MISSING_ARG: &str = "missing argument to repetition operator";
const REPEAT_OP: &str = "invalid nested repetition operator";
const REPEAT_SIZE: &str = "invalid repeat count";
const BAD_ESCAPE: &str = "invalid escape sequence";
const BAD_RANGE: &str = "invalid character class range";
const MAX_REPEAT: u64 = 1000;

/// One parse-stack entry: an operand, or a pseudo-operator (`(`, with
/// whether it captures, or `|`).
#[derive(Clone, Copy, PartialEq)]
enum Item {
    Operand(Node),
    LeftParen(bool),
    Bar,
}

/// What an operand's subtree decides: the largest product of nested
/// counted repetitions along any path inside it (`repeatIsValid`), the
/// height of Go's tree for it, and what Go may merge it with.
#[derive(Clone, Copy, PartialEq)]
struct Node {
    product: u64,
    height: u32,
    /// Go's `calcSize` of the node, taken before `factor` regroups an
    /// alternation (which only shrinks it): an upper bound.
    size: u64,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// One literal character: adjacent ones become one node (maybeConcat).
    Char,
    /// Several literal characters, one node: it takes in adjacent ones.
    Str,
    /// A class (or `.`): alternatives that are all classes or single
    /// characters become one class (swapVerticalBar, factor).
    Class,
    Other,
}

impl Node {
    const fn leaf(kind: Kind) -> Node {
        Node {
            product: 1,
            height: 1,
            size: 1,
            kind,
        }
    }
}

struct Parser<'a> {
    whole: &'a str,
    stack: Vec<Item>,
    angle_names: bool,
    /// Go's error when the tree grows past [`MAX_HEIGHT`], if its Go has
    /// the limit.
    depth: Option<&'static str>,
    /// [`Tree::repeats`] so far.
    repeats: u64,
}

impl<'a> Parser<'a> {
    fn parse(mut self) -> Result<Tree, Fail<'a>> {
        let mut t = self.whole;
        let mut last_repeat: &'a str = "";
        while let Some(c) = t.chars().next() {
            let mut repeat: &'a str = "";
            match c {
                '(' if t.as_bytes().get(1) == Some(&b'?') => t = self.perl_flags(t)?,
                '(' => {
                    self.stack.push(Item::LeftParen(true));
                    t = &t[1..];
                }
                '|' => {
                    self.concat()?;
                    if !self.swap_bar() {
                        self.stack.push(Item::Bar);
                    }
                    t = &t[1..];
                }
                ')' => {
                    self.right_paren()?;
                    t = &t[1..];
                }
                '[' => t = self.class(t)?,
                '*' | '+' | '?' => {
                    let before = t;
                    let sized = size::Repeat::Op(c);
                    t = self.repeat(None, sized, before, &t[1..], last_repeat)?;
                    repeat = before;
                }
                '{' => match repeat_counts(t) {
                    None => {
                        self.operand(Kind::Char);
                        t = &t[1..];
                    }
                    Some((min, max, after)) => {
                        let before = t;
                        let bad = min < 0
                            || min > MAX_REPEAT as i64
                            || max > MAX_REPEAT as i64
                            || (max >= 0 && min > max);
                        if bad {
                            return Err((REPEAT_SIZE, cut(before, after)));
                        }
                        // The count that bounds copies: max, or min when open.
                        let m = if max == -1 { min } else { max } as u64;
                        let counted = (min >= 2 || max >= 2).then_some(m);
                        self.repeats = size::count_repeat(self.repeats, m);
                        let sized = size::Repeat::Counted { min, max };
                        t = self.repeat(Some((m, counted)), sized, before, after, last_repeat)?;
                        repeat = before;
                    }
                },
                '\\' => t = self.escape_at_top(t)?,
                // `.` is a class to Go's merging; `^` and `$` are not.
                '.' => {
                    self.operand(Kind::Class);
                    t = &t[1..];
                }
                '^' | '$' => {
                    self.operand(Kind::Other);
                    t = &t[1..];
                }
                _ => {
                    self.operand(Kind::Char);
                    t = &t[c.len_utf8()..];
                }
            }
            last_repeat = repeat;
        }
        self.concat()?;
        if self.swap_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        match self.stack[..] {
            [Item::Operand(root)] => Ok(Tree {
                height: root.height,
                size: root.size,
                repeats: self.repeats,
            }),
            _ => Err(("missing closing )", self.whole)),
        }
    }

    fn operand(&mut self, kind: Kind) {
        self.stack.push(Item::Operand(Node::leaf(kind)));
    }

    /// A node Go builds: refused once the tree is too high (Go checks every
    /// node it pushes, and names the whole pattern).
    fn push_node(&mut self, node: Node) -> Result<(), Fail<'a>> {
        if let Some(code) = self.depth.filter(|_| node.height > MAX_HEIGHT) {
            return Err((code, self.whole));
        }
        self.stack.push(Item::Operand(node));
        Ok(())
    }

    /// The operands above the topmost pseudo-operator, bottom first.
    fn take_operands(&mut self) -> Vec<Node> {
        let mut out = Vec::new();
        while let Some(Item::Operand(n)) = self.stack.last().copied() {
            self.stack.pop();
            out.push(n);
        }
        out.reverse();
        out
    }

    /// Go's concatenation: adjacent characters are one literal node; one
    /// piece is itself; none is an empty match.
    fn concat(&mut self) -> Result<(), Fail<'a>> {
        let literal = |k: Kind| matches!(k, Kind::Char | Kind::Str);
        let mut pieces: Vec<Node> = Vec::new();
        for n in self.take_operands() {
            match pieces.last_mut() {
                Some(last) if literal(last.kind) && literal(n.kind) => {
                    last.kind = Kind::Str;
                    last.size = last.size.saturating_add(n.size);
                }
                _ => pieces.push(n),
            }
        }
        let node = match pieces.len() {
            0 => Node::leaf(Kind::Other),
            1 => pieces[0],
            _ => Node {
                size: pieces.iter().fold(0, |a, n| a.saturating_add(n.size)),
                ..joined(&pieces)
            },
        };
        self.push_node(node)
    }

    /// Go's alternation: alternatives that are all single characters or
    /// classes are one class; one alternative is itself.
    fn alternate(&mut self) -> Result<(), Fail<'a>> {
        let alts = self.take_operands();
        let node = match alts.len() {
            0 => Node::leaf(Kind::Other),
            1 => alts[0],
            _ if alts
                .iter()
                .all(|n| matches!(n.kind, Kind::Char | Kind::Class)) =>
            {
                Node::leaf(Kind::Class)
            }
            _ => Node {
                size: alts
                    .iter()
                    .fold(alts.len() as u64 - 1, |a, n| a.saturating_add(n.size)),
                ..joined(&alts)
            },
        };
        self.push_node(node)
    }

    /// Go's `swapVerticalBar`: keep the bar on top of its group's operands.
    fn swap_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 2 && self.stack[n - 2] == Item::Bar {
            self.stack.swap(n - 2, n - 1);
            return true;
        }
        false
    }

    fn right_paren(&mut self) -> Result<(), Fail<'a>> {
        self.concat()?;
        if self.swap_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        let unexpected = ("unexpected )", self.whole);
        let (Some(Item::Operand(n)), Some(Item::LeftParen(capture))) =
            (self.stack.pop(), self.stack.pop())
        else {
            return Err(unexpected);
        };
        // A non-capturing group is no node: its operand is pushed again
        // (and may merge as before).
        if capture {
            self.push_node(Node {
                product: n.product,
                height: n.height + 1,
                size: n.size.saturating_add(2),
                kind: Kind::Other,
            })
        } else {
            self.push_node(n)
        }
    }

    /// `*`, `+`, `?` (`count` None) or `{n,m}` (the bounding count, and
    /// whether Go checks nested products: only when min or max ≥ 2).
    fn repeat(
        &mut self,
        count: Option<(u64, Option<u64>)>,
        sized: size::Repeat,
        before: &'a str,
        mut after: &'a str,
        last_repeat: &'a str,
    ) -> Result<&'a str, Fail<'a>> {
        if let Some(rest) = after.strip_prefix('?') {
            after = rest;
        }
        if !last_repeat.is_empty() {
            return Err((REPEAT_OP, cut(last_repeat, after)));
        }
        let Some(Item::Operand(node)) = self.stack.last().copied() else {
            return Err((MISSING_ARG, cut(before, after)));
        };
        // Go checks the new node's height before its count.
        let height = node.height + 1;
        if let Some(code) = self.depth.filter(|_| height > MAX_HEIGHT) {
            return Err((code, self.whole));
        }
        let sub = node.product;
        let product = match count {
            None => sub,
            // `x{0}` drops its operand from every product.
            Some((0, _)) => 1,
            Some((m, checked)) => {
                let product = m.saturating_mul(sub);
                if checked.is_some() && product > MAX_REPEAT {
                    return Err((REPEAT_SIZE, cut(before, after)));
                }
                product
            }
        };
        if let Some(top) = self.stack.last_mut() {
            *top = Item::Operand(Node {
                product,
                height,
                size: sized.size(node.size),
                kind: Kind::Other,
            });
        }
        Ok(after)
    }

    /// `(?flags)`, `(?flags:`, `(?P<name>` and, from Go 1.22, `(?<name>`.
    fn perl_flags(&mut self, s: &'a str) -> Result<&'a str, Fail<'a>> {
        let b = s.as_bytes();
        let with_p = b.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let with_angle = self.angle_names && b.len() > 3 && b[2] == b'<';
        if with_p || with_angle {
            let start = if with_p { 4 } else { 3 };
            let Some(end) = s.find('>') else {
                return Err(("invalid named capture", s));
            };
            let name = &s[start..end];
            let valid =
                !name.is_empty() && name.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric());
            if !valid {
                return Err(("invalid named capture", &s[..=end]));
            }
            self.stack.push(Item::LeftParen(true));
            return Ok(&s[end + 1..]);
        }
        let mut t = &s[2..];
        let mut negated = false;
        let mut saw_flag = false;
        while let Some(c) = t.chars().next() {
            t = &t[c.len_utf8()..];
            match c {
                'i' | 'm' | 's' | 'U' => saw_flag = true,
                '-' if !negated => {
                    negated = true;
                    saw_flag = false;
                }
                ':' | ')' if !negated || saw_flag => {
                    if c == ':' {
                        self.stack.push(Item::LeftParen(false));
                    }
                    return Ok(t);
                }
                _ => break,
            }
        }
        Err(("invalid or unsupported Perl syntax", cut(s, t)))
    }

    /// A backslash outside a class.
    fn escape_at_top(&mut self, t: &'a str) -> Result<&'a str, Fail<'a>> {
        match t.as_bytes().get(1) {
            Some(b'A' | b'b' | b'B' | b'z') => {
                self.operand(Kind::Other);
                return Ok(&t[2..]);
            }
            Some(b'C') => return Err((BAD_ESCAPE, &t[..2])),
            Some(b'Q') => {
                let body = &t[2..];
                let (lit, rest) = match body.find("\\E") {
                    Some(i) => (&body[..i], &body[i + 2..]),
                    None => (body, ""),
                };
                for _ in lit.chars() {
                    self.operand(Kind::Char);
                }
                return Ok(rest);
            }
            _ => {}
        }
        if let Some(rest) = unicode_class(t)? {
            self.operand(Kind::Class);
            return Ok(rest);
        }
        if let Some(rest) = perl_class(t) {
            self.operand(Kind::Class);
            return Ok(rest);
        }
        let (_, rest) = escape(t)?;
        self.operand(Kind::Char);
        Ok(rest)
    }

    /// A bracketed class (`parseClass`, Perl mode: `-` anywhere).
    fn class(&mut self, s: &'a str) -> Result<&'a str, Fail<'a>> {
        let mut t = &s[1..];
        // Go turns a class of one character into that literal (push).
        let mut one_char = true;
        if let Some(rest) = t.strip_prefix('^') {
            t = rest;
            one_char = false;
        }
        let mut first = true;
        let mut members = 0;
        while t.is_empty() || !t.starts_with(']') || first {
            first = false;
            members += 1;
            if t.len() > 2 && t.starts_with("[:") {
                if let Some(rest) = named_class(t)? {
                    t = rest;
                    one_char = false;
                    continue;
                }
            }
            if let Some(rest) = unicode_class(t)? {
                t = rest;
                one_char = false;
                continue;
            }
            if let Some(rest) = perl_class(t) {
                t = rest;
                one_char = false;
                continue;
            }
            let range = t;
            let (lo, rest) = class_char(t, s)?;
            t = rest;
            if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                let (hi, rest) = class_char(&t[1..], s)?;
                t = rest;
                if hi < lo {
                    return Err((BAD_RANGE, cut(range, t)));
                }
                one_char &= hi == lo;
            }
        }
        self.operand(if one_char && members == 1 {
            Kind::Char
        } else {
            Kind::Class
        });
        Ok(&t[1..])
    }
}

/// A concatenation or alternation of `parts`: one level above the highest.
fn joined(parts: &[Node]) -> Node {
    Node {
        product: parts.iter().map(|n| n.product).max().unwrap_or(1),
        height: 1 + parts.iter().map(|n| n.height).max().unwrap_or(0),
        size: 1,
        kind: Kind::Other,
    }
}

/// `before` up to where `after` starts (`before[:len(before)-len(after)]`).
fn cut<'a>(before: &'a str, after: &str) -> &'a str {
    &before[..before.len() - after.len()]
}

#[cfg(test)]
mod tests;
