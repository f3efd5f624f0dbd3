//! Parse a job file with hcl-edit and turn a syntax error into a located
//! diagnostic. HCL1-only idioms get their own diagnostic: Nomad 1.0+ parses
//! job files as HCL2 and rejects them, and the fix is known.

use hcl_edit::structure::Body;

use super::hcl1_syntax;
use super::hclsyntax::{self, Era};
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Parse `source`; on failure, the errors Nomad `version`'s parser
/// reports, in its words where we can tell them (hclsyntax, 1.0 on), else
/// ours.
pub fn parse(source: &Source, version: NomadVersion) -> Result<Body, Diags> {
    // First: every check below (nesting, HCL1's, hcl-edit's) reads the
    // whole text.
    if let Some(d) = super::text_budget::over(source) {
        return Err(d);
    }
    crate::parse_ahead::nesting_check(source, TOO_DEEP).map_err(|mut d| {
        d.message = format!("cannot tell: {}, past nomad-preflight's parser", d.message);
        d.as_cannot_tell()
            .help("Nomad's parsers read any depth (hclsyntax and hcl v1 recurse on Go's growing stack), so what Nomad makes of the file is not known: flatten it (locals for intermediate values)")
    })?;
    // A file beginning with `{` is JSON to hcl v1 and to jobspec2 (1.0+).
    if let Some(read) = super::json_job::judge_if_json(source, version) {
        return read;
    }
    // Before 1.0 HCL1 judges the file first: what it refuses is refused
    // in its words, whatever hcl-edit (an HCL2 parser) makes of it.
    let literals = match hcl1_syntax::check(source, version) {
        Some(Err(d)) => return Err(d.into()),
        Some(Ok(literals)) => Some(literals),
        None => None,
    };
    let hcl1 = literals.is_some();
    // Every literal is then read as hcl v1 reads it (hcl1_syntax/literal.rs);
    // one it fails on (its Value() panics, its decoder refuses an int out
    // of range) or reads as bytes that are not text is not followed. The
    // parse above read them where it could.
    let unreadable = match (literals, hcl1_syntax::Era::of(version)) {
        (Some(hcl1_syntax::Literals::Read(at)), _) => at,
        (Some(hcl1_syntax::Literals::NotRead), Some(era)) => {
            hcl1_syntax::literal::unreadable(&source.text, era)
        }
        _ => None,
    };
    if let Some(at) = unreadable {
        return Err(unread(
            source,
            version,
            "a literal hcl v1 reads its own way",
            at,
        ));
    }
    // Made ahead on a helper thread when `check --staged` could.
    let body = crate::parse_ahead::parse_body(&source.text);
    // A key repeated in an object constructor: hclsyntax takes the last
    // one, hcl-edit refuses the text (dup_keys.rs).
    let body = if hcl1 {
        body
    } else {
        super::dup_keys::read_repeats(&source.text, body)
    };
    // A NUL hcl v1 took (before 0.11: its eof rune) ends the text or a
    // line comment to it, never to hcl-edit: read through the rewrite.
    if hcl1 && (body.is_err() || source.text.contains('\0')) {
        return hcl1_only(source, version);
    }
    let body = body.map_err(|e| {
        let offset = e.location().offset().min(source.text.len());
        let ours = syntax_diag(source, offset, e.message());
        let Some(era) = Era::of(version) else {
            return ours.into();
        };
        if let Some(worded) = nomad_worded(source, era, &ours, version) {
            return worded;
        }
        // An HCL1 idiom keeps its fix (Nomad refuses it, in words we
        // may not follow); any other text of ours is no text of Nomad's.
        if ours.code == "jobspec::hcl1" {
            return ours.into();
        }
        let reads =
            hclsyntax::diagnose(&source.text, &source.name, era).is_some_and(|d| d.is_empty());
        not_followed(source, offset, e.message(), reads, version)
    })?;
    if hcl1 {
        // HCL1 took the file as it is (the old scanner keeps a line end
        // inside quotes), so hcl-edit's blind spots below are not looked
        // for: that scan of the whole text was ~5% of a `check --staged`
        // judged as 0.9.3, for an answer thrown away.
        return Ok(body);
    }
    // hcl-edit takes a raw line end inside quotes (and `1.2.3`, `a.1.2`,
    // `a.*.*`); Nomad's parsers refuse them, so they are looked for here
    // or such a file plans as valid.
    match hclsyntax::hcl_edit_blind_spot(&source.text) {
        None => Ok(body),
        Some(at) => blind_spot(source, at, version).map_or(Ok(body), Err),
    }
}

/// A file HCL1 accepts in a syntax hcl-edit refuses (commas between
/// arguments, quoted keys): read through its rewrite into HCL2, whose
/// offsets are the file's own; where there is none, or hcl-edit refuses
/// that too, what Nomad makes of the file is unknown, and said in one line.
fn hcl1_only(source: &Source, v: NomadVersion) -> Result<Body, Diags> {
    let era = hcl1_syntax::Era::of(v).unwrap_or(hcl1_syntax::Era::New);
    let (what, at) = match hcl1_syntax::rewrite(&source.text, era) {
        Ok(text) => match hcl_edit::parser::parse_body(&text) {
            Ok(body) => return Ok(body),
            Err(e) => ("HCL1 syntax", e.location().offset()),
        },
        Err(u) => (u.what, u.at),
    };
    Err(unread(source, v, what, at))
}

/// The character at byte `at` (or the one it falls inside), for a
/// one-line refusal's location.
pub(super) fn char_at(source: &Source, at: usize) -> Span {
    let mut at = at.min(source.text.len());
    while !source.text.is_char_boundary(at) {
        at -= 1;
    }
    let end = source.text[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    Span::new(at, end)
}

/// The one line for a file hcl v1 accepts and we cannot follow: `what`
/// stops us, at byte `at`.
fn unread(source: &Source, v: NomadVersion, what: &'static str, at: usize) -> Diags {
    let span = char_at(source, at);
    Diag::error(
        hcl1_syntax::UNREAD,
        format!("cannot tell what Nomad {v} makes of this file: its HCL1 parser accepts it, in HCL1 syntax nomad-preflight does not read ({what})"),
    )
    .at(source, span, what)
    .help("write it in the syntax HCL1 and HCL2 share (one argument a line, bare identifiers as keys), or judge the file on the cluster")
    .into()
}

/// Releases whose jobspec2 decodes the job file's partial body after a
/// syntax error and prints every diagnostic one a line: parse.go decode
/// from 1.0.2 (9ce4077cae, #9613, dropped the return before decodeBody)
/// until 1aa3b56108's early return (#12038: 1.0.18, 1.1.12, 1.2.6).
pub(super) fn decodes_partial(v: NomadVersion) -> bool {
    let before = |m, p| !v.at_least(1, m, p);
    v.at_least(1, 0, 2)
        && if !v.at_least(1, 1, 0) {
            before(0, 18)
        } else if !v.at_least(1, 2, 0) {
            before(1, 12)
        } else {
            before(2, 6)
        }
}

/// A job file nested past [`crate::nesting::MAX_DEPTH`]: our parser's
/// bound, not Nomad's, so "cannot tell" (job_file_error.rs's "Nesting").
pub const TOO_DEEP: &str = "hcl::too-deep";

/// The code of [`not_followed`]'s one line (job_file_error.rs's "Hcl2").
pub const HCL2_UNREAD: &str = "jobspec::hcl2-unread";

/// A file hcl-edit refuses where hclsyntax's words are not followed, or
/// which hclsyntax reads (`reads`: a number literal beyond a
/// 64-bit float, `1e400`, which go-cty holds exactly as a big.Float; an
/// operator chain past hcl-edit's depth, which Go's growing stacks take):
/// Nomad goes on with it (a `meta` value `1e+400`, a `count` out of
/// range), so our parser's words are not Nomad's; one line says so.
fn not_followed(source: &Source, at: usize, ours: &str, reads: bool, v: NomadVersion) -> Diags {
    let span = char_at(source, at);
    Diag::error(
        HCL2_UNREAD,
        if reads {
            format!("cannot tell what Nomad {v} makes of this file: its parser (hclsyntax) reads text here that nomad-preflight's does not (a number beyond a 64-bit float such as 1e400, which go-cty holds exactly, or nesting past our parser's depth; ours says: {})", crate::escape::one_line(ours))
        } else {
            format!("cannot tell what Nomad {v} makes of this file: nomad-preflight's parser stops here ({}), and whether Nomad's (hclsyntax) reads it, or in which words it refuses it, is not followed here", crate::escape::one_line(ours))
        },
    )
    .at(source, span, "not read here")
    // The numbers hint only where a number may be what hclsyntax reads
    // (R16-33: an escape it refuses got it too).
    .help(if reads {
        "keep numbers within a 64-bit float's range (about 1.8e308), or judge the file on the cluster"
    } else {
        "judge the file on the cluster (`nomad job validate`)"
    })
    .into()
}

/// A construct hcl-edit accepted that may be one hclsyntax refuses. From
/// 1.0, hclsyntax's words where we can tell them. Before, and where we
/// cannot: a string past its line end is refused in our words (HCL1's
/// scanner refuses it too, `literal not terminated` in hcl/scanner
/// scanString, but only if nothing before it failed HCL1's parse, which we
/// do not follow); the rest stays with what we read.
fn blind_spot(source: &Source, at: usize, v: NomadVersion) -> Option<Diags> {
    let quoted_newline = matches!(source.text.as_bytes().get(at), Some(b'\r' | b'\n'));
    let ours = Diag::error(
        "hcl::syntax",
        "Invalid HCL syntax: a quoted string runs past the end of its line",
    )
    .at(source, Span::new(at, at + 1), "line end inside quotes")
    .help("close the quote on this line, or write \\n or a heredoc for a multi-line string");
    if let Some(worded) = Era::of(v).and_then(|era| nomad_worded(source, era, &ours, v)) {
        return Some(worded);
    }
    // The rest are ASCII; this is an identifier character of a Unicode
    // later than hclsyntax's 9.0 (`Invalid character` there), in a file
    // whose other errors we cannot word (a malformed template directive,
    // a `for`).
    let later = source.text.get(at..).and_then(|t| t.chars().next());
    if let (Some(_), Some(c)) = (Era::of(v), later.filter(|c| !c.is_ascii())) {
        return Some(later_unicode(source, at, c, v));
    }
    // hcl-edit took a bad escape in a directive's body that hclsyntax
    // refuses: Nomad refuses the file, in words not followed here.
    if Era::of(v).is_some() && hclsyntax::bad_escape_at(&source.text, at) {
        return Some(not_followed(
            source,
            at,
            "invalid escape sequence",
            false,
            v,
        ));
    }
    quoted_newline.then(|| ours.into())
}

/// Nomad refuses the file (hclsyntax's identifiers are Unicode 9.0's:
/// hclsyntax/unicode_derived.rl), but its full text is not followed here.
fn later_unicode(source: &Source, at: usize, c: char, v: NomadVersion) -> Diags {
    let span = char_at(source, at);
    Diag::error(
        HCL2_UNREAD,
        format!("cannot tell what Nomad {v} prints for this file: its parser (hclsyntax) refuses U+{:04X} here (`Invalid character; This character is not used within the language.`: its identifiers are Unicode 9.0's), and its other diagnostics for this file are not followed here", u32::from(c)),
    )
    .at(source, span, "not an identifier character in Nomad's HCL")
    .help("spell identifiers in letters Unicode 9.0 already had (ASCII is safest); Nomad refuses this file either way")
    .into()
}

/// hclsyntax's diagnostics for a file hcl-edit refused, each located, with
/// our hint (an HCL1 idiom's fix) on the first. None when we cannot tell
/// them, or hclsyntax would accept what hcl-edit refused.
fn nomad_worded(source: &Source, era: Era, ours: &Diag, v: NomadVersion) -> Option<Diags> {
    let found = hclsyntax::diagnose(&source.text, &source.name, era)?;
    let mut out = Diags::new();
    for (i, h) in found.iter().enumerate() {
        let span = Span::new(h.start, h.end);
        // An HCL1 idiom keeps its code (check's root cause joins NP106 to
        // it) and its fix; the words are hclsyntax's.
        let (code, help) = match (i, ours.code.as_str(), &ours.help) {
            (0, "jobspec::hcl1", Some(help)) => ("jobspec::hcl1", format!("{}: {help}", ours.message)),
            _ => ("hcl::syntax", format!("Nomad {v} parses job files with HCL2 (hclsyntax), which refuses this before anything is sent")),
        };
        out.push(
            Diag::error(code, h.text())
                .at(source, span, h.summary.clone())
                .help(help),
        );
    }
    (!out.is_empty()).then_some(out)
}

fn syntax_diag(source: &Source, mut offset: usize, message: &str) -> Diag {
    let text: &str = &source.text;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let line = &text[line_start..line_end];
    let one = Span::new(offset, (offset + 1).min(text.len()).max(offset));
    if let Some((span, what, help)) = hcl1_idiom(text, offset, line_start, line, message) {
        return Diag::error(
            "jobspec::hcl1",
            format!("HCL1 syntax: {what}; Nomad 1.0 and later parse job files as HCL2 and reject this file"),
        )
        .at(source, span, what)
        .help(help);
    }
    Diag::error("hcl::syntax", format!("Invalid HCL syntax: {message}"))
        .at(source, one, message)
        .help("fix the syntax error here; everything after it was not read")
}

/// Recognise the HCL1 constructs that make the HCL2 parser stop at `offset`.
fn hcl1_idiom(
    text: &str,
    offset: usize,
    line_start: usize,
    line: &str,
    message: &str,
) -> Option<(Span, &'static str, &'static str)> {
    // A bad escape is no HCL1 idiom, wherever it stands (R16-33: `meta {
    // l = "\x" }` was taken for a single-line block of two arguments).
    if message.contains("escape sequence") {
        return None;
    }
    let indent = line.len() - line.trim_start().len();
    let trimmed = line.trim_start();
    let at = |a: usize, b: usize| Span::new(a, b.max(a + 1).min(text.len()));
    // `"key" = value` inside a block: HCL2 argument names are identifiers.
    if let Some(rest) = trimmed.strip_prefix('"') {
        if let Some(close) = rest.find('"') {
            let after = trimmed[close + 2..].trim_start();
            if after.starts_with('=') {
                let s = line_start + indent;
                return Some((
                    at(s, s + close + 2),
                    "argument names must not be quoted",
                    "remove the quotes; keys that are not identifiers belong in a map attribute: `env = { \"A.B\" = \"x\" }`",
                ));
            }
        }
    }
    // `mounts = [{ tmpfs_options { size = 1 } }]`: HCL1 let blocks nest in
    // object values; HCL2 objects need `key = value`.
    if message.contains("object value assignment") {
        return Some((
            at(offset, offset + 1),
            "block syntax inside a map or object value",
            "write the nested value as `name = { ... }`",
        ));
    }
    // `${meta.3d_printer}`: HCL1 interpolation allowed attribute names
    // that start with a digit.
    let upto = &line[..offset - line_start];
    if let Some(open) = upto.rfind("${") {
        let inner = &upto[open..];
        if !inner.contains('}') && inner.contains('.') {
            let dot_digit = inner
                .as_bytes()
                .windows(2)
                .any(|w| w[0] == b'.' && w[1].is_ascii_digit());
            if dot_digit {
                let s = line_start + open;
                return Some((
                    at(s, offset + 1),
                    "an attribute name that starts with a digit in an interpolation",
                    "use index syntax, e.g. ${meta[\"3d_printer\"]}",
                ));
            }
        }
    }
    // `port "http" { static = 80, to = 8080 }` or nested one-line blocks.
    if let Some(brace) = line[..offset - line_start].rfind('{') {
        let inside = &line[brace + 1..offset - line_start];
        if inside.contains('=') || inside.contains('{') {
            let s = line_start + brace;
            return Some((
                at(s, line_start + line.len()),
                "a single-line block may hold only one argument",
                "put each argument of this block on its own line",
            ));
        }
    }
    // `key = value,` as in HCL1 blocks: a comma after an argument.
    let before = text[..offset].trim_end_matches([' ', '\t']);
    if text[offset..].starts_with(',')
        || (before.ends_with(',') && !before.ends_with("[,") && line.contains('='))
    {
        let comma = if text[offset..].starts_with(',') {
            offset
        } else {
            before.len() - 1
        };
        return Some((
            at(comma, comma + 1),
            "unexpected comma after an argument",
            "HCL2 separates arguments with newlines: remove the comma",
        ));
    }
    // HCL1 map literal without separators between items: `{ a = 1 b = 2 }`.
    if line.contains("= {") && offset > line_start + indent {
        return Some((
            at(offset, offset + 1),
            "missing key/value separator in a map",
            "separate map items with commas or newlines",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// From 1.0, where HCL1 idioms are refused (before, HCL1 reads them).
    fn err(text: &str) -> Diag {
        let v = "2.0.5".parse::<NomadVersion>().unwrap();
        let mut d = parse(&SourceFile::inline("t.nomad", text), v).unwrap_err();
        d.0.remove(0)
    }

    #[test]
    fn nomad_1_0_and_later_get_hclsyntax_words() {
        let src = SourceFile::inline("a.nomad", "job \"a\" {\n  datacenters = [\"dc1\"] x\n}\n");
        let v = "2.0.5".parse::<NomadVersion>().unwrap();
        let d = parse(&src, v).unwrap_err();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d.0[0].message,
            "Missing newline after argument; An argument definition must end with a newline."
        );
        assert_eq!(d.0[0].primary_span(), Some(Span::new(34, 35)));
    }

    #[test]
    fn quoted_argument_names_are_hcl1() {
        let d = err("job \"x\" {\n  env {\n    \"A.B\" = \"1\"\n  }\n}\n");
        assert_eq!(d.code, "jobspec::hcl1");
        assert!(d.message.contains("must not be quoted"));
    }

    #[test]
    fn one_line_blocks_and_commas_are_hcl1() {
        assert_eq!(
            err("port \"http\" { static = 80, to = 8080 }\n").code,
            "jobspec::hcl1"
        );
        assert_eq!(
            err("job \"x\" {\n  datacenters = [\"dc1\"],\n}\n").code,
            "jobspec::hcl1"
        );
    }

    #[test]
    fn hcl1_objects_and_interpolations() {
        assert_eq!(
            err("x = [{\n  opts {\n    size = 1\n  }\n}]\n").code,
            "jobspec::hcl1"
        );
        assert_eq!(err("a = \"${meta.3d_printer}\"\n").code, "jobspec::hcl1");
    }

    /// Before 1.0 hcl v1 takes them: read through the rewrite, or
    /// "cannot tell" where it has none.
    #[test]
    fn hcl1_idioms_are_read_before_1_0() {
        let v = "0.12.0".parse::<NomadVersion>().unwrap();
        let read = |text: &str| parse(&SourceFile::inline("t.nomad", text), v);
        assert!(read("job \"x\" {\n  env {\n    \"A.B\" = \"1\"\n  }\n}\n").is_ok());
        assert!(read("port \"http\" { static = 80, to = 8080 }\n").is_ok());
        assert!(read("job \"x\" {\n  datacenters = [\"dc1\"],\n}\n").is_ok());
        assert!(read("x = [{\n  opts {\n    size = 1\n  }\n}]\n").is_ok());
        // HIL's `.3d_printer`, which HCL2 templates do not take: a
        // literal to hcl v1 (hcl1_syntax/literal.rs).
        assert!(read("a = \"${meta.3d_printer}\"\n").is_ok());
        // A labelled block inside an object value has no HCL2 form.
        let d = read("x = {\n  port \"http\" {\n  }\n}\n").unwrap_err();
        assert_eq!(d.0[0].code, hcl1_syntax::UNREAD);
        assert_eq!(d.0[0].primary_span(), Some(Span::new(8, 9)));
    }

    #[test]
    fn other_errors_are_plain_syntax_errors() {
        let d = err("job \"x\" {\n  count = \n}\n");
        assert_eq!(d.code, "hcl::syntax");
    }
}
