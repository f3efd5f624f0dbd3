//! An HCL1 file that hcl v1 accepted, rewritten byte for byte into the
//! HCL2 syntax hcl-edit reads, so that Nomad before 1.0 is not refused
//! what it plans.
//!
//! HCL1 and HCL2 share most of their syntax, but hcl v1's parser also
//! takes (hcl/parser/parser.go objectList, objectItem, objectKey):
//! - items separated by commas, or by nothing, on one line
//!   (`port "http" { static = 80, to = 8080 }`, `{ a = 1 b = 2 }`);
//! - quoted keys (`"count" = 1`, `"job" "x" { ... }`);
//! - keys that are not HCL2 identifiers (`"FOO.BAR" = "x"`, `foo.bar = 1`),
//!   and block syntax inside an object value (`config = { port_map { ... } }`).
//!
//! In hcl v1's tree `k { ... }` and `k = { ... }` are one ast.ObjectItem,
//! so a block holding keys HCL2 bodies cannot hold is rewritten as the
//! object argument it is to hcl v1 (`env {` becomes `env={`); the job
//! loader reads both forms alike before 1.0 (hcl1_block_args.rs).
//!
//! Every edit replaces one byte with one byte (a comma or a blank becomes
//! a line end or a comma, a quote a blank, a blank `=`), so every offset
//! hcl-edit reports is the offset in the file as written, and diagnostics
//! quote the user's own text (one exception: `}}`, see `close_line`).
//! Strings, heredocs and hex numbers HCL2 would read otherwise are
//! blanked or zeroed, and object keys that are not HCL2 identifiers
//! (`a.b`) made into ones: before 1.0 the evaluator reads every literal
//! and object key from the file's own text as hcl v1 does (literal.rs).
//! Where no such edit exists (no blank to turn into a separator, a
//! labelled block inside an object), the answer is "cannot tell", with
//! where.

use super::scan::{Kind, Scanner, Token};
use super::Era;
use names::hcl2_ident;

mod names;

/// Why a file cannot be rewritten, and the byte offset of what stops it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsure {
    pub what: &'static str,
    pub at: usize,
}

/// `text` (which hcl v1 of `era` accepted) as HCL2 of the same length.
pub fn rewrite(text: &str, era: Era) -> Result<String, Unsure> {
    let mut w = Writer::new(text.as_bytes(), era)?;
    match w.items(Ctx::Body, None) {
        // A top-level key that is no identifier (`PL-2.0 job "x" {`):
        // the file's keys as identifiers of their length (see `key`).
        Err(e) if e.what == NEEDS_OBJECT => {
            w.take_back(0);
            w.i = 0;
            w.lenient = true;
            w.items(Ctx::Body, None)?;
        }
        r => r?,
    }
    match w.peek().kind {
        Kind::Eof => {}
        _ => return Err(w.unsure("what follows the last item")),
    }
    // Only ASCII bytes were written over ASCII bytes.
    String::from_utf8(w.out).map_err(|_| Unsure {
        what: "the file's encoding",
        at: 0,
    })
}

/// Where items are: a block body (HCL2: one item a line) or an object
/// value (HCL2: items separated by commas or line ends).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Body,
    Object,
}

/// A block body that HCL2 cannot write as a body.
const NEEDS_OBJECT: &str = "a key that is not an identifier";

struct Writer<'a> {
    era: Era,
    out: Vec<u8>,
    /// (offset, byte written over) of every edit, to take back a body
    /// tried as a body before it is written as an object.
    undo: Vec<(usize, u8)>,
    /// Tokens without comments.
    toks: Vec<Token>,
    /// Block comments (`/* */`): their line ends do not end an item.
    blocks: Vec<(usize, usize)>,
    i: usize,
    src: &'a [u8],
    /// A body key that is no HCL2 identifier (`a.b`, `"x y"`) is written
    /// as an identifier of its length: set where no object can stand for
    /// the body (a labelled block's, the file's). The tree reads every
    /// key, block type and label from the file's own text before 1.0
    /// (tree.rs), so the names stay hcl v1's; a job, group or task body
    /// then refuses such a key as the key check of its parse function does.
    lenient: bool,
}

impl<'a> Writer<'a> {
    fn new(src: &'a [u8], era: Era) -> Result<Self, Unsure> {
        let mut sc = Scanner::new(src, era);
        let mut toks = Vec::new();
        let mut blocks = Vec::new();
        loop {
            let t = sc.scan();
            if sc.error.is_some() || sc.panicked || sc.unsure || t.kind == Kind::Illegal {
                return Err(Unsure {
                    what: "a token hcl v1 reads its own way",
                    at: t.start,
                });
            }
            match t.kind {
                Kind::Comment => {
                    if src.get(t.start..t.start + 2) == Some(b"/*") {
                        blocks.push((t.start, t.end));
                    } else if src.get(t.end.saturating_sub(1)) == Some(&0) {
                        // The old scanner ends a line comment at a NUL (its
                        // eof rune) and reads the rest of the line as code;
                        // HCL2 reads the whole line as comment: `# \0
                        // count = 500` would be planned at count 1.
                        return Err(Unsure {
                            what: "a NUL byte in a `#` or `//` comment",
                            at: t.end - 1,
                        });
                    }
                }
                Kind::Eof => {
                    toks.push(t);
                    break;
                }
                _ => toks.push(t),
            }
        }
        let mut out = src.to_vec();
        // A NUL byte reads as the end of the text (the old scanner's rune
        // 0): what follows it is not the file's, to hcl v1.
        if let Some(end) = toks
            .last()
            .map(|t| t.start)
            .filter(|at| src.get(*at) == Some(&0))
        {
            out[end..].fill(b' ');
        }
        Ok(Writer {
            era,
            out,
            undo: Vec::new(),
            toks,
            blocks,
            i: 0,
            src,
            lenient: false,
        })
    }

    fn peek(&self) -> Token {
        self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek();
        self.i = (self.i + 1).min(self.toks.len() - 1);
        t
    }

    fn unsure(&self, what: &'static str) -> Unsure {
        Unsure {
            what,
            at: self.peek().start,
        }
    }

    fn text(&self, t: &Token) -> &'a [u8] {
        self.src.get(t.start..t.end).unwrap_or(&[])
    }

    /// Is there a line end (outside block comments) in `out[a..b]`; else
    /// the last blank there that may be written over.
    fn gap(&self, a: usize, b: usize) -> (bool, Option<usize>) {
        let mut blank = None;
        let mut at = a;
        while at < b {
            if let Ok(k) = self.blocks.binary_search_by_key(&at, |(s, _)| *s) {
                at = self.blocks[k].1;
                continue;
            }
            match self.out[at] {
                b'\n' => return (true, None),
                b' ' | b'\t' => blank = Some(at),
                _ => {}
            }
            at += 1;
        }
        (false, blank)
    }

    /// Make `out[a..b]` separate two things with `sep` (a line end in a
    /// body, a comma in an object) unless a line end already does.
    fn separate(&mut self, a: usize, b: usize, sep: u8) -> Result<(), Unsure> {
        match self.gap(a, b) {
            (true, _) => Ok(()),
            (false, Some(blank)) => {
                self.set(blank, sep);
                Ok(())
            }
            (false, None) => Err(Unsure {
                what: "items with no blank between them",
                at: b,
            }),
        }
    }

    /// The items of a body or object up to its `}` (or the end of the
    /// file): `open` is the index of its `{` token.
    fn items(&mut self, ctx: Ctx, open: Option<usize>) -> Result<(), Unsure> {
        // The end of the previous item, when a separator must follow it.
        let mut prev: Option<usize> = None;
        // The end of the last item (a comma after it not counted).
        let mut last = 0;
        let mut count = 0;
        let mut single_attr = false;
        let mut commas = false;
        loop {
            let t = self.peek();
            if t.kind == Kind::Eof || (open.is_some() && t.kind == Kind::RBrace) {
                break;
            }
            if let Some(end) = prev {
                let sep = match ctx {
                    Ctx::Body => b'\n',
                    Ctx::Object => b',',
                };
                self.separate(end, t.start, sep)?;
            }
            let is_attr = self.item(ctx)?;
            if count == 0 {
                single_attr = is_attr;
            }
            count += 1;
            let end = self.toks[self.i - 1].end;
            prev = Some(end);
            last = end;
            if self.peek().kind == Kind::Comma {
                let c = self.next();
                commas = true;
                match ctx {
                    // The comma becomes a blank the line end may take.
                    Ctx::Body => self.set(c.start, b' '),
                    // HCL2's own separator.
                    Ctx::Object => prev = None,
                }
            }
        }
        // A body on several lines: its first item after a line end, its
        // `}` on a line of its own. One argument alone on one line
        // (`port "http" { static = 80 }`) is HCL2 as it is.
        if let (Ctx::Body, Some(open)) = (ctx, open) {
            let (open_end, close) = (self.toks[open].end, self.peek().start);
            let one_line = count == 1 && single_attr && !commas && !self.gap(open_end, close).0;
            if count > 0 && !one_line {
                let first = self.toks[open + 1].start;
                self.separate(open_end, first, b'\n')?;
                self.close_line(last, close)?;
            }
        }
        Ok(())
    }

    /// A line end before a body's `}` at `close`, its last item ending at
    /// `last`. `}}` (a block's last item a block, its `}` touching ours)
    /// has no byte between them to write over; where a blank precedes the
    /// inner `}` (`b { c = 1 }}`), that `}` moves onto the blank and the
    /// line end takes its place: the inner block's span then ends one
    /// byte early, what hcl-edit reads is otherwise the same.
    fn close_line(&mut self, last: usize, close: usize) -> Result<(), Unsure> {
        let shifted = last == close
            && last >= 2
            && self.out[last - 1] == b'}'
            && matches!(self.out[last - 2], b' ' | b'\t')
            && !self.in_block_comment(last - 2);
        if shifted {
            self.set(last - 2, b'}');
            self.set(last - 1, b'\n');
            return Ok(());
        }
        self.separate(last, close, b'\n')
    }

    /// Undo every edit after the first `keep`.
    fn take_back(&mut self, keep: usize) {
        while self.undo.len() > keep {
            if let Some((k, byte)) = self.undo.pop() {
                self.out[k] = byte;
            }
        }
    }

    /// Write `byte` at `at`, undoably.
    fn set(&mut self, at: usize, byte: u8) {
        self.undo.push((at, self.out[at]));
        self.out[at] = byte;
    }

    /// One item; true when it is an argument (`k = v`).
    fn item(&mut self, ctx: Ctx) -> Result<bool, Unsure> {
        let mut keys = Vec::new();
        loop {
            let t = self.peek();
            match t.kind {
                Kind::Ident | Kind::Str => {
                    keys.push(self.next());
                }
                Kind::Assign | Kind::LBrace if !keys.is_empty() => break,
                _ => return Err(self.unsure("an item hcl v1 reads its own way")),
            }
        }
        let open = self.next();
        for k in 1..keys.len() {
            self.one_line(keys[k - 1].end, keys[k].start);
        }
        if let Some(last) = keys.last() {
            self.one_line(last.end, open.start);
        }
        if open.kind == Kind::Assign {
            let [key] = keys[..] else {
                return Err(self.unsure("an argument with several keys"));
            };
            self.key(key, ctx)?;
            self.value_after(open)?;
            return Ok(true);
        }
        // `k ... {`.
        self.key(keys[0], ctx)?;
        let open_at = self.i - 1;
        if ctx == Ctx::Object {
            // Block syntax inside an object value: `k {` becomes `k={`.
            // (A body tried as an object is tried again as a body with
            // its keys written as identifiers, below.)
            if keys.len() > 1 {
                return Err(Unsure {
                    what: "a labelled block inside an object value",
                    at: keys[0].start,
                });
            }
            self.assign_before(keys[0], open)?;
            self.items(Ctx::Object, Some(open_at))?;
            self.close()?;
            return Ok(false);
        }
        // A label hcl-edit would read otherwise (`started.`, `"%{x"`) is
        // written so it parses; tree.rs reads its value from the file.
        for label in &keys[1..] {
            match label.kind {
                Kind::Ident if !hcl2_ident(self.text(label)) => self.identifier(*label),
                Kind::Str => self.literal_text(*label),
                _ => {}
            }
        }
        // Try the body as a body; if it holds keys only an object can,
        // write the block as the object argument it is to hcl v1.
        let (at, undo) = (self.i, self.undo.len());
        match self.items(Ctx::Body, Some(open_at)) {
            Err(e) if e.what == NEEDS_OBJECT => {
                self.i = at;
                self.take_back(undo);
                let object = keys.len() == 1
                    && self.assign_before(keys[0], open).is_ok()
                    && self.items(Ctx::Object, Some(open_at)).is_ok();
                if !object {
                    // A labelled block (no object writes its labels), or
                    // a body no object writes either: a body whose keys
                    // are written as identifiers.
                    self.i = at;
                    self.take_back(undo);
                    let was = std::mem::replace(&mut self.lenient, true);
                    self.items(Ctx::Body, Some(open_at))?;
                    self.lenient = was;
                }
            }
            r => r?,
        }
        self.close()?;
        Ok(false)
    }

    /// A key as HCL2 takes it here: a body's argument names and block
    /// types are identifiers (a quoted one loses its quotes); an object's
    /// keys are identifiers or strings (without templates, which hcl v1
    /// keeps literal).
    fn key(&mut self, t: Token, ctx: Ctx) -> Result<(), Unsure> {
        let text = self.text(&t);
        let needs = |what| Unsure { what, at: t.start };
        match (t.kind, ctx) {
            (Kind::Ident, _) if hcl2_ident(text) => Ok(()),
            (Kind::Ident | Kind::Str, Ctx::Body) if self.lenient && !self.plain_quoted(t) => {
                self.identifier(t);
                Ok(())
            }
            (Kind::Ident, Ctx::Body) => Err(needs(NEEDS_OBJECT)),
            // `a.b = 1`: an identifier of the same length for hcl-edit; the
            // evaluator reads the key hcl v1 reads, from the file's text.
            (Kind::Ident, Ctx::Object) => {
                for (k, &c) in text.iter().enumerate() {
                    let ok = c.is_ascii_alphabetic()
                        || c == b'_'
                        || (k > 0 && (c.is_ascii_digit() || c == b'-'));
                    if !ok {
                        self.set(t.start + k, b'_');
                    }
                }
                Ok(())
            }
            (_, Ctx::Object) => {
                self.literal_text(t);
                Ok(())
            }
            (_, Ctx::Body) => {
                let inner = &text[1..text.len().saturating_sub(1).max(1)];
                if text.len() >= 2 && hcl2_ident(inner) {
                    self.set(t.start, b' ');
                    self.set(t.end - 1, b' ');
                    Ok(())
                } else {
                    Err(needs(NEEDS_OBJECT))
                }
            }
        }
    }

    /// `k {` as `k={`: the blank before the brace becomes the `=`.
    fn assign_before(&mut self, key: Token, open: Token) -> Result<(), Unsure> {
        match self.gap(key.end, open.start) {
            (_, Some(blank)) if !self.in_block_comment(blank) => {
                self.set(blank, b'=');
                Ok(())
            }
            _ => Err(Unsure {
                what: "a block inside an object value with no blank before its `{`",
                at: open.start,
            }),
        }
    }

    /// A string or heredoc HCL2 may read otherwise than hcl v1 (a `${`
    /// or `%{` template, `$${` and `%%{` escapes, Go's `\x41`; before 0.11
    /// a terminator line with text before its anchor): blanked inside,
    /// so hcl-edit sees a plain literal at the same place. Its value is
    /// read from the file's own text before 1.0 (literal.rs), never from
    /// what hcl-edit parsed.
    fn literal_text(&mut self, t: Token) {
        let text = self.text(&t);
        let plain = !text.iter().any(|c| matches!(c, b'$' | b'%' | b'\\'));
        match t.kind {
            Kind::Str if !plain && text.len() >= 2 => {
                for at in t.start + 1..t.end - 1 {
                    self.set(at, b' ');
                }
            }
            Kind::Heredoc if !plain || self.era == Era::Old => {
                // `<<EOF\n` ... the terminator line, which ends in `\n`.
                let Some(first) = text.iter().position(|c| *c == b'\n') else {
                    return;
                };
                let mut body = &text[..text.len().saturating_sub(1)];
                while let [rest @ .., b'\r'] = body {
                    body = rest;
                }
                let last = body.iter().rposition(|c| *c == b'\n').unwrap_or(first);
                let anchor = text[2..first]
                    .strip_prefix(b"-")
                    .unwrap_or(&text[2..first])
                    .trim_ascii_end();
                let term_end = t.start + body.len();
                let term_start = t.start + last + 1;
                let lead_end = term_end.saturating_sub(anchor.len()).max(term_start);
                for at in t.start + first + 1..lead_end {
                    if !matches!(self.out[at], b'\n' | b'\r') {
                        self.set(at, b' ');
                    }
                }
            }
            _ => {}
        }
    }

    fn in_block_comment(&self, at: usize) -> bool {
        let k = self.blocks.partition_point(|(s, _)| *s <= at);
        k > 0 && at < self.blocks[k - 1].1
    }

    fn close(&mut self) -> Result<(), Unsure> {
        match self.next().kind {
            Kind::RBrace => Ok(()),
            _ => Err(self.unsure("an object hcl v1 closes its own way")),
        }
    }

    /// The value after `=`, which hcl v1 also takes on a later line:
    /// HCL2 wants it on the same one, so the line ends between become
    /// blanks (with a comment between, the value would join it: unknown).
    fn value_after(&mut self, assign: Token) -> Result<(), Unsure> {
        let start = self.peek().start;
        let gap = assign.end..start;
        if self.src[gap.clone()].contains(&b'\n') {
            let blank = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
            if !self.src[gap.clone()].iter().all(blank) {
                return Err(Unsure {
                    what: "a comment between `=` and its value",
                    at: assign.start,
                });
            }
            for at in gap {
                if matches!(self.src[at], b'\r' | b'\n') {
                    self.set(at, b' ');
                }
            }
        }
        self.value()
    }

    fn value(&mut self) -> Result<(), Unsure> {
        let t = self.next();
        match t.kind {
            Kind::Number => {
                // strconv.ParseInt(s, 0, 64): `0x1f` is 31. HCL2 has no
                // such number; hcl-edit reads `0010` and the evaluator the
                // file's own `0x1f` (literal.rs), as it reads `010` as 8.
                let text = self.text(&t);
                let digits = text.strip_prefix(b"-").unwrap_or(text);
                if digits.len() > 1 && matches!(digits[1], b'x' | b'X') {
                    let from = t.start + (text.len() - digits.len()) + 1;
                    for at in from..t.end {
                        self.set(at, b'0');
                    }
                }
                Ok(())
            }
            Kind::Float | Kind::Bool => Ok(()),
            Kind::Str | Kind::Heredoc => {
                self.literal_text(t);
                Ok(())
            }
            Kind::LBrace => {
                self.items(Ctx::Object, Some(t.end))?;
                self.close()
            }
            Kind::LBrack => self.list(),
            _ => Err(Unsure {
                what: "a value hcl v1 reads its own way",
                at: t.start,
            }),
        }
    }

    fn list(&mut self) -> Result<(), Unsure> {
        loop {
            let t = self.peek();
            match t.kind {
                Kind::RBrack => {
                    self.next();
                    return Ok(());
                }
                Kind::Comma => {
                    self.next();
                }
                // The old parser drops booleans from a list and reads `[`
                // as nothing: not what HCL2 reads.
                Kind::Bool | Kind::LBrack if self.era == Era::Old => {
                    return Err(Unsure {
                        what: "a list hcl v1 0.8.0-0.10.9 reads its own way",
                        at: t.start,
                    })
                }
                _ => self.value()?,
            }
        }
    }
}
