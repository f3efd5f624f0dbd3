//! A key the schema lacks in a JSON job file, in hcl's JSON words. hcl/v2
//! json/structure.go (`body.Content`, the same at every hcl Nomad 1.0.0–
//! 2.0.5 vendors: 68a97f93bb48, 3000d85e32a9, eb14f8319bdc, ab3cae0737bc,
//! 55d9c02d147d = v2.20.2-nomad-1) refuses each property of a body that no
//! argument or block type of the schema names, after PartialContent's own
//! errors and in the file's order (collectDeepAttrs), never Go's map order:
//!
//! `Extraneous JSON object property; No argument or block type is named
//! "x".` then ` Did you mean "y"?`, `y` the first name within Levenshtein
//! distance 2 (didyoumean.go nameSuggestion) of the schema's arguments not
//! written in the body, then its block types (dynblock's extended schema:
//! `dynamic` and the blocks jobspec2's own passes hid). Its subject is the
//! key's whole quoted token (`NameRange`), its columns counted as hcl's
//! JSON scanner counts them (a tab is two).
//!
//! json_body.rs writes such a key as a marked stand-in argument, which the
//! native pipeline refuses as an unknown key in gohcl's order of bodies
//! (decode_order.rs); here its words and place become hcl's JSON ones. A
//! stand-in the pipeline did not refuse is "cannot tell": a key hcl
//! refuses is never passed.

use hcl_edit::structure::Body;
use hcl_edit::Decorate;

use super::eval::span_of;
use super::json_body::{DUPLICATE, EXTRANEOUS};
use super::unknown_keys::{self, name_suggestion};
use super::var_file_json_scan::{scan, Kind};
use crate::diag::Diag;
use crate::source::Span;
use crate::version::NomadVersion;

/// hcl's JSON summary.
pub(crate) const SUMMARY: &str = "Extraneous JSON object property; ";

/// hcl's JSON summary of an argument written twice in one body.
pub(crate) const DUPLICATE_SUMMARY: &str = "Duplicate argument; ";

/// One stand-in: the key, its span (unquoted), the block path holding it
/// and the arguments written beside it; for an argument written twice,
/// the range of the first (`L,C-C`).
struct StandIn<'b> {
    key: &'b str,
    span: Span,
    path: Vec<&'b str>,
    written: Vec<&'b str>,
    first: Option<&'b str>,
}

fn stand_ins<'b>(body: &'b Body, path: &mut Vec<&'b str>, out: &mut Vec<StandIn<'b>>) {
    let written: Vec<&str> = body.attributes().map(|a| a.key.as_str()).collect();
    for a in body.attributes() {
        let mark = a.decor().suffix().map(|s| &**s).unwrap_or("");
        let first = match mark.split_once(DUPLICATE) {
            Some((_, range)) if a.key.as_str() == DUPLICATE => Some(range.trim()),
            _ => None,
        };
        if mark.contains(EXTRANEOUS) || first.is_some() {
            out.push(StandIn {
                key: a.key.as_str(),
                span: span_of(&a.key),
                path: path.clone(),
                written: written.clone(),
                first,
            });
        }
    }
    for b in body.blocks() {
        path.push(b.ident.as_str());
        stand_ins(&b.body, path, out);
        path.pop();
    }
}

/// hcl's JSON detail for `key` in a body of `path` with `written` arguments.
fn message(key: &str, path: &[&str], written: &[&str], v: NomadVersion) -> String {
    let schema = unknown_keys::schema(path, v);
    let open = schema
        .arguments
        .iter()
        .map(String::as_str)
        .filter(|a| !written.contains(a));
    let names = open.chain(schema.blocks.iter().map(String::as_str));
    let suggestion = match name_suggestion(key, names) {
        Some(s) => format!(" Did you mean {s:?}?"),
        None => String::new(),
    };
    format!("{SUMMARY}No argument or block type is named {key:?}.{suggestion}")
}

/// Rewords the pipeline's refusals of the stand-ins in `body` (the native
/// body of the JSON file `text`) among `diags`. Err: why a stand-in is not
/// told (not refused by the pipeline, or a place hcl counts otherwise).
pub(super) fn reword(
    body: &Body,
    text: &str,
    file: &str,
    v: NomadVersion,
    diags: &mut [Diag],
) -> Result<(), (String, Span)> {
    let mut found = Vec::new();
    stand_ins(body, &mut Vec::new(), &mut found);
    for s in &found {
        // The whole quoted token: json_body.rs writes a key only where it
        // has no escapes, one byte of quote on each side; a duplicate's
        // stand-in starts one byte into the key it stands for.
        let (quoted, key) = match s.first {
            None => (
                Span::new(s.span.start.saturating_sub(1), s.span.end + 1),
                s.key,
            ),
            Some(_) => {
                let start = s.span.start.saturating_sub(1);
                let token = scan(text)
                    .into_iter()
                    .find(|t| t.kind == Kind::String && t.range.start.byte == start);
                let Some(t) = token else {
                    return Err(("an argument written twice, not read here".into(), s.span));
                };
                let (a, b) = (t.range.start.byte, t.range.end.byte);
                let key = text.get(a + 1..b.saturating_sub(1)).unwrap_or("");
                (Span::new(a, b), key)
            }
        };
        if json_range(text, "", quoted).is_none() {
            return Err((
                format!("{:?} is refused by hcl's JSON decoder (Extraneous JSON object property) at a column it counts in grapheme clusters after a character whose clusters nomad-preflight does not count", s.key),
                s.span,
            ));
        }
        let mut refused = false;
        for d in diags
            .iter_mut()
            .filter(|d| d.is_error() && d.primary_span() == Some(s.span))
            .filter(|d| unknown_keys::is_hcl_unknown(d))
        {
            refused = true;
            d.message = match s.first {
                None => message(s.key, &s.path, &s.written, v),
                Some(first) => format!(
                    "{DUPLICATE_SUMMARY}The argument {key:?} was already set at {file}:{first}."
                ),
            };
            if let Some(l) = d.labels.first_mut() {
                l.span = quoted;
                l.text = Some(match s.first {
                    None => "no argument or block type of this name here".into(),
                    Some(_) => "set a second time".into(),
                });
            }
            // The version gate's help (when the key arrived) stands; the
            // others speak of the native syntax (`=`, block bodies).
            if d.code != super::version_gates::CODE {
                let kind = s.path.last().copied().unwrap_or("job");
                d.help = Some(match s.first {
                    None => format!(
                        "Nomad {v}'s `{kind}` block has no argument or block named `{key}`: remove it or fix its name"
                    ),
                    Some(_) => format!(
                        "`{key}` is set twice in this `{kind}` block; Nomad keeps the first: remove one"
                    ),
                });
            }
        }
        if !refused {
            return Err((
                format!("{key:?} is refused by hcl's JSON decoder, and nomad-preflight's reading of this release's schema did not refuse it"),
                s.span,
            ));
        }
    }
    Ok(())
}

/// Is `d` a refusal worded by [`reword`]?
pub(crate) fn is_extraneous(d: &Diag) -> bool {
    d.message.starts_with(SUMMARY) || is_duplicate(d)
}

/// Is `d` hcl's JSON refusal of an argument written twice ([`reword`])?
pub(crate) fn is_duplicate(d: &Diag) -> bool {
    d.code == unknown_keys::CODE && d.message.starts_with(DUPLICATE_SUMMARY)
}

/// hcl.Range.String() of the JSON string token at `span` in `text`, as
/// hcl's JSON scanner counts lines and columns (json/scanner.go: a tab is
/// two columns, a carriage return none, a string's text one a grapheme
/// cluster), or None where that count is not known here.
pub(crate) fn json_range(text: &str, path: &str, span: Span) -> Option<String> {
    scan(text)
        .into_iter()
        .find(|t| {
            t.kind == Kind::String
                && t.range.start.byte == span.start
                && t.range.end.byte == span.end
        })
        .and_then(|t| t.range.shown(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_hcl_json_scanners() {
        let text = "{\n\t\"job\": {}}";
        // The tab counts two columns: the key's quote is at column 3.
        assert_eq!(
            json_range(text, "j.json", Span::new(3, 8)).as_deref(),
            Some("j.json:2,3-8")
        );
        assert_eq!(json_range(text, "j.json", Span::new(4, 8)), None);
    }

    #[test]
    fn suggestions_take_arguments_not_written_then_blocks() {
        let v = NomadVersion::new(2, 0, 5);
        assert_eq!(
            message("priorty", &["job"], &[], v),
            "Extraneous JSON object property; No argument or block type is named \"priorty\". Did you mean \"priority\"?"
        );
        // `priority` written already: no argument is offered, and no
        // block type is near.
        assert_eq!(
            message("priorty", &["job"], &["priority"], v),
            "Extraneous JSON object property; No argument or block type is named \"priorty\"."
        );
        // A block type is offered where hclsyntax would say "Did you
        // mean to define a block".
        assert_eq!(
            message("grop", &["job"], &[], v),
            "Extraneous JSON object property; No argument or block type is named \"grop\". Did you mean \"group\"?"
        );
    }
}
