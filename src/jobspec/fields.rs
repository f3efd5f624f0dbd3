//! Typed reads from an evaluated block: each getter converts like Nomad's
//! decoder (numbers from numeric strings, durations from Go strings),
//! records the written span, and reports wrong types at the value.

use super::decode_type::{self, converts, Reader};
use super::eval::{fmt_number, to_number, type_name};
use super::functions::params::Ty;
use super::model::{Duration, Map, Spans, Value};
pub use super::opaque::opaque;
use super::reads::Marks;
pub use super::reads::Reads;
use super::tree::{Attr, Node};
use super::vars::unknown;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

pub struct Cx<'a> {
    pub src: &'a Source,
    pub diags: &'a mut Diags,
    /// The release whose decoder reads the file (HCL1 before 1.0, and
    /// jobspec2's decoders differ in how they narrow numbers: lower/narrow.rs).
    pub version: crate::version::NomadVersion,
    /// What the lowering read from each block (see [`Reads`]).
    pub reads: Reads,
    /// Which of jobspec2's decoders reads the block being lowered (1.0+):
    /// their words for a value of the wrong type differ (decode_type.rs).
    pub reader: Reader,
    /// Bodies jobspec2 never decodes (or forgets the errors of): what the
    /// lowering says inside them is dropped (undecoded.rs).
    pub undecoded: Vec<super::undecoded::Undecoded>,
}

impl Cx<'_> {
    pub fn type_error(&mut self, a: &Attr, want: &str) {
        self.diags.push(
            Diag::error(
                "jobspec::type",
                format!(
                    "Inappropriate value for attribute \"{}\": {want} required, got {}",
                    a.name,
                    type_name(&a.value)
                ),
            )
            .at(self.src, a.value_span, format!("{want} required"))
            .help(format!("give \"{}\" a {want}", a.name)),
        );
    }

    /// Does jobspec2 (1.0 on) read the file, rather than HCL1's decoder?
    pub fn hcl2(&self) -> bool {
        self.version.at_least(1, 0, 0)
    }

    /// From 1.0: whether `a` converts to `want`, reported in the version's
    /// decoder's words when not (decode_type.rs). Before 1.0: true, the
    /// getters' own rules apply.
    fn converts(&mut self, a: &Attr, want: &Ty, ours: &str) -> bool {
        if !self.hcl2() || matches!(a.value, Value::Null) {
            return true;
        }
        let reader = self.reader;
        converts(self, a, want, reader, ours)
    }

    pub fn error(&mut self, code: &str, span: Span, msg: String, label: &str, help: &str) {
        self.diags
            .push(Diag::error(code, msg).at(self.src, span, label).help(help));
    }
}

/// A bool stored in a string field: before 1.0 mapstructure's weak
/// decoding writes `1` or `0` (decodeString), so `env { DEBUG = true }`
/// sets DEBUG=1; from 1.0 cty's conversion writes `true` or `false`.
fn bool_text(b: bool, cx: &Cx<'_>) -> String {
    match (cx.version.at_least(1, 0, 0), b) {
        (true, b) => b.to_string(),
        (false, true) => "1".to_string(),
        (false, false) => "0".to_string(),
    }
}

/// A primitive stored in a string field, as the version's decoder writes it.
fn string_of(v: &Value, cx: &Cx<'_>) -> Option<String> {
    match v {
        Value::Bool(b) => Some(bool_text(*b, cx)),
        v => super::eval::to_string(v),
    }
}

/// Before 1.0, a string mapstructure's weak decoding cannot turn into the
/// field's type. For a job's, group's or task's own arguments
/// hcl1_decode.rs gives Nomad's whole text (`group: 1 error(s) decoding:
/// ... 'Count' ...`) in its place; elsewhere the Go field is not known
/// here: the attribute is named, and Go's own error follows.
fn weak_refused(cx: &mut Cx<'_>, a: &Attr, ty: &str, go_error: String) {
    let v = cx.version;
    cx.error(
        "jobspec::type",
        a.value_span,
        format!("cannot parse \"{}\" as {ty}: {go_error}", a.name),
        "refused",
        &format!("Nomad {v} reads a string written for this field with Go's strconv (base 0 for numbers: `\"8\"`, `\"010\"` is 8, `\"0x10\"` 16; no blanks): write the value without quotes"),
    );
}

/// One block being lowered; `known` lists every argument and block name the
/// block accepts, so anything else is reported with a suggestion.
pub struct F<'n> {
    pub node: &'n Node,
    pub spans: Spans,
    marks: Marks<'n>,
}

impl<'n> F<'n> {
    pub fn new(node: &'n Node, cx: &mut Cx<'_>, known: &[&str], what: &str) -> F<'n> {
        for a in &node.attrs {
            if !known.contains(&a.name.as_str()) {
                cx.diags
                    .push(unknown(cx.src, a.key_span, &a.name, known, what));
            }
        }
        for b in &node.blocks {
            if !known.contains(&b.ident.as_str()) {
                cx.diags
                    .push(unknown(cx.src, b.ident_span, &b.ident, known, what));
            }
        }
        let mut spans = Spans::new(Some(node.span));
        spans.label = node.labels.first().map(|l| l.1);
        F {
            node,
            spans,
            marks: Marks::new(node, cx.reads.clone()),
        }
    }

    pub fn label(&self) -> Option<&'n str> {
        self.node.labels.first().map(|l| l.0.as_str())
    }

    pub fn attr(&self, name: &str) -> Option<&'n Attr> {
        self.marks.mark(name);
        self.node.attrs.iter().find(|a| a.name == name)
    }

    pub fn blocks(&self, name: &'n str) -> impl Iterator<Item = &'n Node> + 'n {
        self.marks.mark(name);
        self.node.blocks.iter().filter(move |b| b.ident == name)
    }

    /// A block that may appear once; repeats are reported.
    pub fn block(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<&'n Node> {
        self.marks.mark(name);
        self.single(cx, name)
    }

    fn single(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<&'n Node> {
        let mut it = self.node.blocks.iter().filter(|b| b.ident == name);
        let first = it.next()?;
        if cx.hcl2() {
            if let Some(second) = it.next() {
                gohcl_duplicate(cx, name, first, second);
                let copies: Vec<&Node> = self
                    .node
                    .blocks
                    .iter()
                    .filter(|b| b.ident == name)
                    .collect();
                super::undecoded::mark(cx, &copies);
            }
            self.spans.set(name, first.span);
            return Some(first);
        }
        for dup in it {
            cx.error(
                "jobspec::duplicate",
                dup.ident_span,
                format!("Duplicate {name} block: only one \"{name}\" block is allowed here"),
                "repeated here",
                "merge the blocks into one",
            );
        }
        self.spans.set(name, first.span);
        Some(first)
    }

    /// The attribute, if written. Its span is recorded by [`F::ok`] only
    /// when the value converts, so a badly typed field keeps its default.
    fn mark(&mut self, name: &'static str) -> Option<&'n Attr> {
        self.attr(name)
    }

    fn ok<T>(&mut self, name: &'static str, v: Option<T>) -> Option<T> {
        if v.is_some() {
            if let Some(a) = self.attr(name) {
                self.spans.set(name, a.span);
            }
        }
        v
    }

    pub fn str(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<String> {
        let v = self.str_raw(cx, name);
        self.ok(name, v)
    }

    fn str_raw(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<String> {
        let a = self.mark(name)?;
        if !cx.converts(a, &Ty::String, "string") {
            return None;
        }
        match &a.value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(fmt_number(*n)),
            // mapstructure's weak decodeString: strconv.FormatInt.
            Value::Int(n) => Some(n.to_string()),
            Value::Bool(b) => Some(bool_text(*b, cx)),
            Value::Null => None,
            _ => {
                cx.type_error(a, "string");
                None
            }
        }
    }

    pub fn int(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<i64> {
        let v = self.int_raw(cx, name);
        self.ok(name, v)
    }

    fn int_raw(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<i64> {
        let a = self.mark(name)?;
        let hcl1 = !cx.hcl2();
        // go-cty's string to number takes no spaces (to_number does).
        if !cx.converts(a, &Ty::Number, "number") {
            return None;
        }
        // Before 1.0 a string is read by Go's strconv.ParseInt with base 0
        // (mapstructure's weak decoding; hcl v1's own decodeInt alike):
        // `"010"` is 8, `"0x10"` 16, `" 3"` refused.
        if let (true, Value::String(s)) = (hcl1, &a.value) {
            let go = crate::gorelease::go_of(cx.version);
            return match crate::gostrconv::parse_int(s, 64, go) {
                Ok(n) => Some(n),
                Err(e) => {
                    weak_refused(cx, a, "int", e.text("ParseInt", s));
                    None
                }
            };
        }
        // hcl v1's NUMBER token, read by strconv.ParseInt into a Go int
        // (64 bits on amd64): every int64 is Nomad's value.
        if let Value::Int(n) = a.value {
            return Some(n);
        }
        // 2^63: the first f64 past int64.
        const TWO_63: f64 = 9_223_372_036_854_775_808.0;
        match to_number(&a.value) {
            // From 1.0 a number is exact here: one go-cty may hold
            // otherwise than an f64 is "cannot tell" where it is read
            // (cty_number.rs). gocty's FromCtyValue takes a whole number
            // within int64 (cty/gocty/out.go fromCtyNumberInt).
            Some(n) if !hcl1 && n.fract() == 0.0 && (-TWO_63..TWO_63).contains(&n) => {
                Some(n as i64)
            }
            // Before 1.0 every int field of a job file goes through
            // mapstructure's weak decoding, whose decodeInt stores
            // `int64(f)` of a float (0.9.0-0.12.12, jobspec/parse*.go):
            // `count = 2.7` is 2, never refused; past int64 amd64 gives
            // MinInt64.
            Some(n) if hcl1 && matches!(a.value, Value::Number(_)) => {
                Some(super::lower::go_amd64_int64(n))
            }
            // From 1.0 gohcl's FromCtyValue refuses a fraction or a number
            // past int64 in its own words.
            Some(_) if !hcl1 => {
                super::lower::not_whole(cx, a);
                None
            }
            Some(_) => {
                cx.type_error(a, "whole number");
                None
            }
            // mapstructure's weak decoding also takes a bool as 1 or 0.
            None if hcl1 && matches!(a.value, Value::Bool(_)) => {
                Some(i64::from(matches!(a.value, Value::Bool(true))))
            }
            None if matches!(a.value, Value::Null) => None,
            None => {
                cx.type_error(a, "number");
                None
            }
        }
    }

    pub fn bool(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<bool> {
        let v = self.bool_raw(cx, name);
        self.ok(name, v)
    }

    fn bool_raw(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<bool> {
        let a = self.mark(name)?;
        if !cx.converts(a, &Ty::Bool, "bool") {
            return None;
        }
        if !cx.hcl2() {
            // mapstructure's weak decoding (decodeBool): strconv.ParseBool,
            // an empty string is false, a number is true unless 0.
            match &a.value {
                Value::String(s) => {
                    return match crate::gostrconv::parse_bool(s) {
                        Some(b) => Some(b),
                        None if s.is_empty() => Some(false),
                        None => {
                            let e = crate::gostrconv::NumErr::Syntax;
                            weak_refused(cx, a, "bool", e.text("ParseBool", s));
                            None
                        }
                    };
                }
                Value::Number(n) => return Some(*n != 0.0),
                Value::Int(n) => return Some(*n != 0),
                _ => {}
            }
        }
        match &a.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
            // go-cty's string to bool also takes "1" and "0".
            Value::String(s) if cx.hcl2() && (s == "1" || s == "0") => Some(s == "1"),
            Value::Null => None,
            _ => {
                cx.type_error(a, "bool");
                None
            }
        }
    }

    pub fn dur(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<Duration> {
        let v = self.dur_raw(cx, name);
        self.ok(name, v)
    }

    fn dur_raw(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<Duration> {
        let a = self.mark(name)?;
        if cx.hcl2() {
            return decode_type::hcl2_duration(cx, a);
        }
        match &a.value {
            Value::String(s) => match super::duration::parse(s) {
                Ok(d) => Some(d),
                Err(m) => {
                    cx.error(
                        "jobspec::type",
                        a.value_span,
                        format!("Invalid duration for \"{name}\": {m}"),
                        "not a duration",
                        "use Go duration syntax such as \"30s\", \"5m\" or \"1h30m\"",
                    );
                    None
                }
            },
            // Nomad's HCL decoder takes bare numbers as nanoseconds.
            Value::Number(n) => Some(Duration(*n as i64)),
            Value::Int(n) => Some(Duration(*n)),
            // mapstructure's weak decodeInt: a bool is 1 or 0 (1ns).
            Value::Bool(b) => Some(Duration(i64::from(*b))),
            Value::Null => None,
            _ => {
                cx.type_error(a, "duration string");
                None
            }
        }
    }

    /// A list of strings mapstructure decodes: its v1.3.1 (Nomad 0.12.0 to
    /// 0.12.12) wraps a lone string, number or bool in a list, so
    /// `datacenters = "dc1"` is `["dc1"]`; the older one refuses it
    /// (hcl1_decode.rs words that). Otherwise as [`F::strs`]. Only for the
    /// fields checked against the jobspec oracles: a field hcl v1 decodes
    /// itself refuses a lone value (`unknown slice type`).
    pub fn strs_weak(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<Vec<String>> {
        if !cx.hcl2() && cx.version.at_least(0, 12, 0) {
            let lone = self.mark(name).and_then(|a| match &a.value {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(fmt_number(*n)),
                Value::Int(n) => Some(n.to_string()),
                Value::Bool(b) => Some(bool_text(*b, cx)),
                _ => None,
            });
            if let Some(one) = lone {
                return self.ok(name, Some(vec![one]));
            }
        }
        self.strs(cx, name)
    }

    pub fn strs(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<Vec<String>> {
        let v = self.strs_raw(cx, name);
        self.ok(name, v)
    }

    fn strs_raw(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Option<Vec<String>> {
        let a = self.mark(name)?;
        if !cx.converts(a, &Ty::List(Box::new(Ty::String)), "list of strings") {
            return None;
        }
        match &a.value {
            Value::List(l) => {
                let mut out = Vec::new();
                for v in l {
                    match v {
                        Value::String(s) => out.push(s.clone()),
                        Value::Number(n) => out.push(fmt_number(*n)),
                        Value::Int(n) => out.push(n.to_string()),
                        Value::Bool(b) => out.push(bool_text(*b, cx)),
                        v => {
                            super::null_decode::list_element(cx, a, v);
                            return None;
                        }
                    }
                }
                Some(out)
            }
            Value::Null => None,
            _ => {
                cx.type_error(a, "list of strings");
                None
            }
        }
    }

    /// `env`, `meta` and friends: written as a map attribute or as a block.
    pub fn map(&mut self, cx: &mut Cx<'_>, name: &'static str) -> Map {
        let mut out = Map::new();
        // Before 1.0.4 (no decodeAsAttribute) jobspec2's schema has these
        // as blocks only: gohcl refuses the argument's name
        // (block_args.rs) and never reads its value.
        let ident = self.node.ident.as_str();
        let block_only = cx.hcl2()
            && !cx.version.at_least(1, 0, 4)
            && matches!(
                (ident, name),
                ("job" | "group" | "task", "meta") | ("task", "env")
            );
        if let Some(a) = self.mark(name) {
            self.spans.set(name, a.span);
            match &a.value {
                _ if block_only => {}
                // jobspec2's decoders (decode_type.rs).
                _ if cx.hcl2() && !decode_type::map_converts(cx, a) => {}
                Value::Map(m) => {
                    for (k, v) in m {
                        match string_of(v, cx) {
                            Some(s) => {
                                out.insert(k.clone(), s);
                            }
                            None => cx.type_error(a, "map of strings"),
                        }
                    }
                }
                Value::Null => {}
                _ => cx.type_error(a, "map of strings"),
            }
        }
        let blocks: Vec<&Node> = self.blocks(name).collect();
        if cx.hcl2() {
            self.map_duplicates(cx, name, &blocks);
        } else if let (Some(b), Some(_)) = (blocks.first(), self.attr(name)) {
            cx.error(
                "jobspec::duplicate",
                b.ident_span,
                format!("Duplicate {name}: it is set both as an attribute and as a block"),
                "block here",
                "keep either the attribute or the block",
            );
        }
        for b in blocks {
            self.spans.set(name, b.span);
            for a in &b.attrs {
                if cx.hcl2() && !decode_type::map_element_converts(cx, a) {
                    continue;
                }
                match string_of(&a.value, cx) {
                    Some(s) => {
                        out.insert(a.name.clone(), s);
                    }
                    None => cx.type_error(a, "string"),
                }
            }
        }
        out
    }

    /// jobspec2's refusals of a map written twice (1.0+). A job's, group's
    /// or task's `meta` and a task's `env` are read as an argument first
    /// from 1.0.4 (hcl_conversions.go decodeAsAttribute), which refuses a
    /// block beside the argument at the first block's DefRange; the group's
    /// decoder then returns (decodeTaskGroup), the others decode on. gohcl
    /// refuses a second block of a map it reads as a block (decode.go
    /// decodeBodyToStruct), once, at the second. An argument where the
    /// schema has a block (or the reverse) is hclsyntax's refusal of the
    /// key (block_args.rs, unknown_keys.rs), not one of these.
    fn map_duplicates(&self, cx: &mut Cx<'_>, name: &str, blocks: &[&Node]) {
        let ident = self.node.ident.as_str();
        let as_argument = cx.version.at_least(1, 0, 4)
            && matches!(
                (ident, name),
                ("job" | "group" | "task", "meta") | ("task", "env")
            );
        let attr = self.node.attrs.iter().find(|a| a.name == name);
        if let (true, Some(a), Some(first)) = (as_argument, attr, blocks.first()) {
            let at = super::hclsyntax::range_string(
                &cx.src.text,
                &cx.src.name,
                (a.span.start, a.span.end),
            );
            cx.error(
                "jobspec::duplicate",
                def_range(first, cx),
                format!("Duplicate {name} block; {name} may not be defined more than once. Another definition is defined at {at}."),
                "defined again here",
                "keep either the argument or the block",
            );
            if ident == "group" {
                super::undecoded::mark_all_but_last(cx, self.node);
                return;
            }
        }
        let is_block = super::block_args::is_block_under(&[ident], name);
        if let (true, [first, second, ..]) = (is_block, blocks) {
            gohcl_duplicate(cx, name, first, second);
            super::undecoded::mark(cx, blocks);
        }
    }

    /// A map Nomad keeps as `map[string]interface{}` (a driver's config):
    /// as the servers decode it ([`Value::through_json`]).
    pub fn value(&mut self, name: &'static str) -> Option<Value> {
        let v = self.mark(name).map(|a| a.value.clone().through_json());
        self.ok(name, v)
    }
}

/// hclsyntax Block.DefRange(): the header to its last label from hcl 2.20
/// (Nomad 1.8.1), through the open brace before.
pub fn def_range(b: &Node, cx: &Cx<'_>) -> Span {
    // A block dynblock generated (its type is the `dynamic` block's quoted
    // label) has its `dynamic` block's DefRange (ext/dynblock
    // expand_spec.go newBlock, every hcl Nomad vendors).
    let generated = cx
        .src
        .text
        .get(b.ident_span.start..b.ident_span.end)
        .is_some_and(|t| t.starts_with('"'));
    let header = if generated {
        Span::new(b.span.start, b.ident_span.end)
    } else {
        b.header_span()
    };
    let hcl2_7 = matches!(
        super::hclsyntax::Era::of(cx.version),
        Some(super::hclsyntax::Era::Hcl2_7)
    );
    let brace = cx
        .src
        .text
        .get(header.end..)
        .and_then(|t| t.find('{'))
        .map(|i| header.end + i + 1);
    match brace.filter(|_| hcl2_7) {
        Some(end) => Span::new(header.start, end),
        None => header,
    }
}

/// gohcl's refusal of a second block where its field holds one (decode.go
/// decodeBodyToStruct, every hcl Nomad vendors): at the second block's
/// DefRange, naming the first's.
fn gohcl_duplicate(cx: &mut Cx<'_>, name: &str, first: &Node, second: &Node) {
    let prev = def_range(first, cx);
    let at = super::hclsyntax::range_string(&cx.src.text, &cx.src.name, (prev.start, prev.end));
    cx.error(
        "jobspec::duplicate",
        def_range(second, cx),
        format!("Duplicate {name} block; Only one {name} block is allowed. Another was defined at {at}."),
        "defined again here",
        "merge the blocks into one",
    );
}
