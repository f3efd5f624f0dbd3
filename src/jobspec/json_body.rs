//! A job file in hcl's JSON syntax turned into the body our native-syntax
//! pipeline evaluates, so validate, diff, plan and check read it as they
//! read HCL. hcl/v2's json package (structure.go at v2.20.2-nomad-1, the
//! same rules at every hcl/v2 Nomad 1.0.0–2.0.5 vendors) decides each
//! property by the schema asking for it: a block type's value is an object
//! (one block), an array of objects (several) or null (none), with one
//! level of object keys per label; anything else is an attribute whose
//! value is an expression, strings in it being templates (`${...}`),
//! object keys included. `"//"` properties of a body are comments.
//! jobspec2 reads `meta` and `env` as attributes first (hcl_conversions.go
//! decodeAsAttribute), which in JSON always finds them; a driver's
//! `config` and other maps are JustAttributes bodies (hclutil.BlocksAsAttrs
//! leaves a JSON body alone).
//!
//! Positions stay the JSON text's: each attribute or block header is
//! parsed by hcl-edit from a copy of its own bytes at their offsets in the
//! file (spaces before them, the key's quotes and the colon blanked), so
//! every span the pipeline quotes points into the JSON file. A string
//! value is used as it is written where JSON's escapes and the native
//! syntax's agree; where they do not, or where hcl's JSON decoding differs
//! from the native syntax's in a way not followed here (a duplicate
//! argument, a wrong value type, a `type` hcl reads as an expression), the
//! file is "cannot tell", never read otherwise. A key the schema lacks is
//! a marked stand-in whose refusal json_extraneous.rs words as hcl's JSON
//! decoder does; `dynamic` blocks are json_dynamic.rs's.

use hcl_edit::structure::{Block, Body, Structure};

use super::block_args;
pub(super) use super::json_labels::label_levels;
use super::json_strings::{bad_escape, check_strings, literal_template};
use super::var_file_json_parse::{Attr, Node};
use super::var_file_json_scan::Range;
use super::version_keys;
use crate::version::NomadVersion;

/// Why the JSON body is not followed, and the byte where.
pub(super) struct Unread {
    pub(super) why: String,
    pub(super) at: usize,
}

pub(super) type R<T> = Result<T, Unread>;

pub(super) fn unread<T>(at: usize, why: impl Into<String>) -> R<T> {
    Err(Unread {
        why: why.into(),
        at,
    })
}

/// The comment that marks a stand-in for a key hcl's JSON decoder
/// refuses as an "Extraneous JSON object property".
pub(super) const EXTRANEOUS: &str = "# nomad-preflight: extraneous JSON object property";

/// The name of the stand-in for an argument written twice in one body,
/// and the mark after it (with the first's range): no schema has it.
pub(super) const DUPLICATE: &str = "nomad_preflight_duplicate_json_argument";

/// Bytes of padding one file may cost (each item is parsed from its own
/// offset): past it, "cannot tell" rather than a slow hook.
const PAD_BUDGET: usize = 256 * 1024 * 1024;

/// Read as an argument before gohcl sees the rest (decodeAsAttribute).
const AS_ARGUMENT: &[(&str, &str)] = &[
    ("job", "meta"),
    ("job.group", "meta"),
    ("job.group.task", "meta"),
    ("job.group.task", "env"),
];

/// The blocks that are maps of free keys (JustAttributes bodies).
const FREE_FORM: &[&str] = &[
    "meta",
    "canary_meta",
    "header",
    "add",
    "set",
    "config",
    "env",
    "tagged_addresses",
    "headers",
    "options",
    "policy",
];

pub(super) struct Conv<'a> {
    text: &'a str,
    spaces: String,
    buf: String,
    padded: usize,
    version: NomadVersion,
    /// The strings rewritten for the native syntax: (start, text of the
    /// same length), for the evaluator's twin of the file ([`to_body`]).
    twin: Vec<(usize, String)>,
}

/// The native-syntax body of the JSON job file `text` (parsed by hcl's
/// JSON parser into `root` without a diagnostic), as Nomad `version`
/// decodes it, and the text its expressions are to be read from where a
/// string was rewritten (SourceFile::set_eval_text).
pub(super) fn to_body(text: &str, root: &Node, version: NomadVersion) -> R<(Body, Option<String>)> {
    let mut c = Conv {
        text,
        spaces: " ".repeat(text.len()),
        buf: String::new(),
        padded: 0,
        version,
        twin: Vec::new(),
    };
    let body = c.top(root)?;
    if c.twin.is_empty() {
        return Ok((body, None));
    }
    let mut twin = text.to_string();
    for (at, q) in &c.twin {
        twin.replace_range(*at..at + q.len(), q);
    }
    Ok((body, Some(twin)))
}

impl Conv<'_> {
    fn top(&mut self, root: &Node) -> R<Body> {
        let c = self;
        let Node::Object { attrs, .. } = root else {
            return unread(root.range().start.byte, "its top level is not an object");
        };
        let mut body = Body::new();
        for a in attrs {
            let at = a.name_range.start.byte;
            match a.name.as_str() {
            "//" => {}
            "job" | "variable" => c.blocks(&mut body, a, &a.name, &[""], "")?,
            "locals" | "variables" => c.blocks(&mut body, a, &a.name, &[], "")?,
            _ => return unread(at, format!("the top-level property {:?} is none of jobspec2's (job, variable, variables, locals); hcl's JSON decoder words that refusal its own way", a.name)),
        }
        }
        Ok(body)
    }
}

impl Conv<'_> {
    /// The blocks of type `kind` written by property `a`, with `labels`
    /// label levels, pushed onto `out`; `parent` is the enclosing block
    /// path (`job.group`), empty at the top.
    pub(super) fn blocks(
        &mut self,
        out: &mut Body,
        a: &Attr,
        kind: &str,
        labels: &[&str],
        parent: &str,
    ) -> R<()> {
        let mut found = Vec::new();
        label_levels(&a.value, labels.len(), &mut Vec::new(), &mut found)?;
        let path = if parent.is_empty() {
            kind.to_string()
        } else {
            format!("{parent}.{kind}")
        };
        for (label_attrs, body) in found {
            let Node::Object { attrs, .. } = body else {
                return unread(body.range().start.byte, format!("a {kind} block's value is not a JSON object; hcl's JSON decoder words that refusal its own way"));
            };
            let close = body.range().end.byte.saturating_sub(1);
            let mut block = self.header(a, &label_attrs, close)?;
            block.body = self.body(attrs, &path)?;
            out.push(block);
        }
        Ok(())
    }

    /// A block header: the ident at `a`'s key, each label at its own key,
    /// and its closing brace at the JSON object's (`close`), so the
    /// block's span holds its body's as the native syntax's does (gohcl's
    /// order of errors is read from which blocks hold them).
    pub(super) fn header(&mut self, a: &Attr, labels: &[&Attr], close: usize) -> R<Block> {
        self.start(a.name_range.start.byte)?;
        self.buf.push(' ');
        self.ident(a)?;
        self.buf.push(' ');
        for l in labels {
            self.pad_to(l.name_range.start.byte)?;
            self.string(l.name_range.start.byte, l.name_range.end.byte)?;
        }
        self.buf.push_str(" {");
        self.pad_to(close)?;
        self.buf.push_str("}\n");
        match hcl_edit::parser::parse_body(&self.buf) {
            Ok(b) => match b.into_iter().next() {
                Some(Structure::Block(block)) => Ok(block),
                _ => unread(a.name_range.start.byte, "a block header not read here"),
            },
            Err(_) => unread(
                a.name_range.start.byte,
                "a block label nomad-preflight's parser does not take as written",
            ),
        }
    }

    /// The body of a block at `path`.
    pub(super) fn body(&mut self, attrs: &[Attr], path: &str) -> R<Body> {
        let kind = path.rsplit('.').next().unwrap_or(path);
        let free = match path {
            "locals" | "variables" => true,
            "variable" | "variable.validation" => false,
            _ => !self.has_schema(path),
        };
        // A block of no keys (a gateway's `mesh`) written empty is read.
        let empty = attrs.iter().all(|a| a.name == "//");
        if free && !empty && !FREE_FORM.contains(&kind) && !matches!(path, "locals" | "variables") {
            return unread(
                attrs.first().map_or(0, |a| a.name_range.start.byte),
                format!("jobspec2 decodes a `{kind}` block here by its own schema, which nomad-preflight does not follow in JSON"),
            );
        }
        let mut body = Body::new();
        let mut seen: Vec<&Attr> = Vec::new();
        for a in attrs {
            let name = a.name.as_str();
            let at = a.name_range.start.byte;
            if name == "//" {
                continue;
            }
            if name == "dynamic" && !free {
                if !path.starts_with("job") {
                    return unread(
                        at,
                        "a `dynamic` block in JSON, which nomad-preflight does not follow",
                    );
                }
                self.dynamic(&mut body, a, path)?;
                continue;
            }
            // A key this release's schema lacks: hcl's Content refuses it
            // (Extraneous JSON object property) and gohcl never reads its
            // value. The native body gets a marked stand-in argument, which
            // our pipeline refuses as an unknown key, in gohcl's order;
            // json_job.rs words it as hcl's JSON decoder does.
            if !free && path.starts_with("job") && !self.known_here(path, name) {
                body.push(self.extraneous(a, kind)?);
                continue;
            }
            let block = !free && self.is_block(path, name, at)?;
            if block {
                let labels = self.labels(path, name);
                self.blocks(&mut body, a, name, labels, path)?;
                continue;
            }
            if !free && !self.is_attr(path, name, at)? {
                return unread(at, format!("{name:?} is no argument or block of this `{kind}` block; hcl's JSON decoder refuses it in words nomad-preflight has not matched"));
            }
            if let Some(first) = seen.iter().find(|s| s.name == name) {
                // hcl's PartialContent keeps the first and refuses the
                // other (Duplicate argument): a marked stand-in, as for an
                // extraneous key. decodeAsAttribute's keys and free-form
                // bodies (JustAttributes' own words) are not followed.
                if free || !path.starts_with("job") || AS_ARGUMENT.contains(&(path, name)) {
                    return unread(at, format!("{name:?} is written twice; hcl's JSON decoder refuses that in words nomad-preflight has not matched"));
                }
                body.push(self.duplicate(a, first)?);
                continue;
            }
            seen.push(a);
            body.push(self.attribute(a, path)?);
        }
        Ok(body)
    }

    /// Is `key` an argument or block of the body at `path` (a `job...`
    /// path) in this release's schema?
    fn known_here(&self, path: &str, key: &str) -> bool {
        let at = schema_path(path);
        let in_schema = block_args::is_block(&at, key)
            || block_args::is_argument(&at, key)
            || AS_ARGUMENT.contains(&(path, key));
        let segs: Vec<&str> = path.split('.').collect();
        in_schema && version_keys::lookup(&segs, key).is_none_or(|k| k.known(self.version))
    }

    /// The stand-in for the key `a` hcl refuses: `key = null` at the
    /// key's own offsets, marked [`EXTRANEOUS`] so json_job.rs can tell it
    /// from an argument the file wrote.
    fn extraneous(&mut self, a: &Attr, kind: &str) -> R<Structure> {
        let at = a.name_range.start.byte;
        self.start(at)?;
        self.buf.push(' ');
        self.ident(a)?;
        self.buf.push_str(" = null ");
        self.buf.push_str(EXTRANEOUS);
        self.buf.push('\n');
        match hcl_edit::parser::parse_body(&self.buf) {
            Ok(b) => match b.into_iter().next() {
                Some(s @ Structure::Attribute(_)) => Ok(s),
                _ => unread(
                    at,
                    format!(
                        "{:?} is no argument or block of this `{kind}` block",
                        a.name
                    ),
                ),
            },
            Err(_) => unread(
                at,
                format!(
                    "{:?} is no argument or block of this `{kind}` block",
                    a.name
                ),
            ),
        }
    }

    /// The stand-in for `a`, an argument `first` already set: an argument
    /// no schema has ([`DUPLICATE`]), so the pipeline refuses it where
    /// hcl's PartialContent does, marked with the range of `first`
    /// (hcl.RangeBetween of its key and value, as hcl counts columns).
    fn duplicate(&mut self, a: &Attr, first: &Attr) -> R<Structure> {
        let at = a.name_range.start.byte;
        let raw = self.text.get(at..a.name_range.end.byte).unwrap_or("");
        let range = Range {
            start: first.name_range.start,
            end: first.value.range().end,
        };
        let Some(shown) = range.shown("") else {
            return unread(at, format!("{:?} is written twice, and hcl's message names the first at a column it counts in grapheme clusters after a character whose clusters nomad-preflight does not count", a.name));
        };
        if raw.contains('\\') {
            return unread(at, "a key written twice, with escapes");
        }
        self.start(at)?;
        self.buf.push(' ');
        self.buf.push_str(DUPLICATE);
        self.buf.push_str(" = null # ");
        self.buf.push_str(DUPLICATE);
        self.buf.push(' ');
        self.buf.push_str(shown.trim_start_matches(':'));
        self.buf.push('\n');
        match hcl_edit::parser::parse_body(&self.buf) {
            Ok(b) => match b.into_iter().next() {
                Some(s @ Structure::Attribute(_)) => Ok(s),
                _ => unread(at, "a key written twice"),
            },
            Err(_) => unread(at, "a key written twice"),
        }
    }

    /// For a key jobspec2 reads as an argument first from 1.0.4
    /// (decodeAsAttribute, hcl_conversions.go v1.0.4), whether this
    /// release does; `None` for any other key.
    fn as_argument(&self, path: &str, key: &str) -> Option<bool> {
        AS_ARGUMENT
            .contains(&(path, key))
            .then(|| self.version.at_least(1, 0, 4))
    }

    fn has_schema(&self, path: &str) -> bool {
        block_args::has_keys(&schema_path(path))
    }

    /// Is `key` a block at `path` for this release? A key the release
    /// does not have is not followed (hcl's JSON words for it differ).
    pub(super) fn is_block(&self, path: &str, key: &str, at: usize) -> R<bool> {
        if matches!(path, "variable") {
            return Ok(key == "validation");
        }
        if path == "variable.validation" {
            return Ok(false);
        }
        // Before 1.0.4 (no decodeAsAttribute) `meta` and `env` are
        // gohcl blocks of a map: JSON's object there is one block, whose
        // JustAttributes are the map (api/tasks.go v1.0.0 `hcl:"env,block"`).
        let b = block_args::is_block(&schema_path(path), key)
            || (self.as_argument(path, key) == Some(false));
        if b {
            self.known(path, key, at)?;
        }
        Ok(b)
    }

    fn is_attr(&self, path: &str, key: &str, at: usize) -> R<bool> {
        let a = match path {
            "variable" => matches!(key, "description" | "default" | "type"),
            "variable.validation" => matches!(key, "condition" | "error_message"),
            _ => {
                let at = schema_path(path);
                block_args::is_argument(&at, key) || self.as_argument(path, key) == Some(true)
            }
        };
        if a && !path.starts_with("variable") {
            self.known(path, key, at)?;
        }
        Ok(a)
    }

    /// Refuse to follow a key this release's parser does not have.
    fn known(&self, path: &str, key: &str, at: usize) -> R<()> {
        let segs: Vec<&str> = path.split('.').collect();
        match version_keys::lookup(&segs, key) {
            Some(k) if !k.known(self.version) => unread(
                at,
                format!("{key:?} is not in Nomad {}'s schema here, and hcl's JSON decoder words that refusal its own way", self.version),
            ),
            _ => Ok(()),
        }
    }

    fn labels(&self, path: &str, kind: &str) -> &'static [&'static str] {
        let path = schema_path(path);
        let segs: Vec<&str> = path.split('.').collect();
        super::block_labels::schema_labels(&segs, kind).unwrap_or(&[])
    }

    /// One attribute, its value an expression at its own offsets.
    pub(super) fn attribute(&mut self, a: &Attr, path: &str) -> R<Structure> {
        let at = a.name_range.start.byte;
        let v = &a.value;
        let (vs, ve) = (v.range().start.byte, v.range().end.byte);
        self.start(at)?;
        self.buf.push(' ');
        self.ident(a)?;
        self.buf.push(' ');
        // The colon (and white space) between the key and the value.
        self.buf.push('=');
        self.pad_to(vs)?;
        let as_expression = matches!(
            (path, a.name.as_str()),
            ("variable", "type") | ("dynamic", "iterator")
        );
        if as_expression {
            // typeexpr reads the string's text as an expression.
            let Node::String(..) = v else {
                return unread(vs, "a variable's `type` that is not a JSON string");
            };
            let raw = self.text.get(vs..ve).unwrap_or("");
            if raw.contains('\\') {
                return unread(vs, "an escape in a variable's `type`");
            }
            self.buf.push(' ');
            self.buf
                .push_str(raw.get(1..raw.len().saturating_sub(1)).unwrap_or(""));
        } else {
            if (path, a.name.as_str()) == ("variable", "description")
                && literal_template(v, self.text)
            {
                return unread(vs, "a variable's description holding `${` or `%{`, which jobspec2 reads without templates in JSON");
            }
            self.value(v)?;
        }
        self.buf.push('\n');
        match hcl_edit::parser::parse_body(&self.buf) {
            Ok(b) => match b.into_iter().next() {
                Some(s @ Structure::Attribute(_)) => Ok(s),
                _ => unread(at, "an argument not read here"),
            },
            Err(_) => unread(
                vs,
                "a value nomad-preflight's parser does not read as hcl's JSON decoder does (a template it refuses, or a key that is no identifier)",
            ),
        }
    }

    /// A JSON value as a native expression of the same bytes, but for
    /// its strings the native syntax reads otherwise, each rewritten in
    /// place and padded to its length (json_strings.rs).
    fn value(&mut self, v: &Node) -> R<()> {
        let (s, e) = (v.range().start.byte, v.range().end.byte);
        let mut rewrites = Vec::new();
        check_strings(v, self.text, &mut rewrites)?;
        let mut at = s;
        for (rs, re, mut q) in rewrites {
            self.buf.push_str(self.text.get(at..rs).unwrap_or(""));
            q.push_str(&self.spaces[..(re - rs).saturating_sub(q.len())]);
            self.buf.push_str(&q);
            self.twin.push((rs, q));
            at = re;
        }
        self.buf.push_str(self.text.get(at..e).unwrap_or(""));
        Ok(())
    }

    fn ident(&mut self, a: &Attr) -> R<()> {
        let at = a.name_range.start.byte;
        if !super::hclsyntax::valid_identifier(&a.name) {
            return unread(
                at,
                format!(
                    "the key {:?} is no identifier, which a native body cannot hold",
                    a.name
                ),
            );
        }
        let raw = self
            .text
            .get(a.name_range.start.byte..a.name_range.end.byte)
            .unwrap_or("");
        if raw.len() != a.name.len() + 2 {
            return unread(at, "a key written with escapes");
        }
        self.buf.push_str(&a.name);
        Ok(())
    }

    fn string(&mut self, s: usize, e: usize) -> R<()> {
        let raw = self.text.get(s..e).unwrap_or("");
        if let Some(bad) = bad_escape(raw) {
            return unread(
                s + bad,
                "a JSON string escape the native syntax reads otherwise",
            );
        }
        self.buf.push_str(raw);
        Ok(())
    }

    /// Begin a fragment: spaces up to byte `at` (less the one the caller
    /// writes in place of the key's opening quote).
    fn start(&mut self, at: usize) -> R<()> {
        self.buf.clear();
        self.pad_n(at)
    }

    fn pad_to(&mut self, at: usize) -> R<()> {
        let have = self.buf.len();
        if at < have {
            return unread(at, "an item out of order");
        }
        self.pad_n(at - have)
    }

    fn pad_n(&mut self, n: usize) -> R<()> {
        self.padded += n;
        if self.padded > PAD_BUDGET {
            return unread(
                0,
                "the file is too large for nomad-preflight's JSON reading",
            );
        }
        self.buf.push_str(&self.spaces[..n.min(self.spaces.len())]);
        Ok(())
    }
}

/// The path whose keys a block at `path` has: jobspec2 decodes a job's and
/// a group's `vault` and `secret` (types.config.go jobConfig,
/// hcl_conversions.go decodeTaskGroup), and a job-level `task`, into the
/// api structs a group's task's are, which keys-2.0.5.txt lists at the
/// task's path only.
fn schema_path(path: &str) -> std::borrow::Cow<'_, str> {
    for from in [
        "job.group.vault",
        "job.group.secret",
        "job.vault",
        "job.secret",
        "job.task",
    ] {
        if let Some(rest) = path.strip_prefix(from) {
            if rest.is_empty() || rest.starts_with('.') {
                return match from.rsplit('.').next() {
                    Some("task") | None => format!("job.group.task{rest}"),
                    Some(kind) => format!("job.group.task.{kind}{rest}"),
                }
                .into();
            }
        }
    }
    path.into()
}
