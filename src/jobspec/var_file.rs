//! A `-var-file` read as jobspec2 (1.0+) reads it (parse.go parseFile,
//! types.variables.go collectInputVariableValues): JSON or HCL by its
//! first byte (var_file_json.rs), hclsyntax's or hcl's JSON parser's
//! refusal of its syntax (var_file_json_parse.rs), the refusal of a
//! `variable` block in it, and its values with what Nomad refuses in them
//! (var_file_values.rs). Texts from
//! tests/hcl-oracle/jobvars.go and gohcl.go `-varfile`.

use super::eval::{span_of, Scope};
use super::model::Value;
use super::var_file_values::{judge, lines, JudgedValue, Verdict};

/// A var file's values, and those Nomad refuses (from 1.0).
pub(super) struct VarFile {
    pub(super) values: Vec<VarValue>,
    pub(super) refused: Vec<JudgedValue>,
    /// jobspec2's lines before the values': a `variable` block's (its
    /// declaration probe, which then reads nothing more), or a JSON
    /// file's repeated name.
    pub(super) first: Vec<String>,
    /// The declaration probe found a `variable` block.
    pub(super) declares: bool,
    /// Something refused in words not followed here (another block, a
    /// JSON file's `"variable"`).
    pub(super) unsure: bool,
    /// hclsyntax, or hcl's JSON parser, refused the file: its
    /// diagnostics, `file:range: words`.
    pub(super) unparsed: Vec<String>,
    /// hclsyntax reads the file but this parser does not (a number
    /// literal beyond a 64-bit float, `1e400`, which go-cty holds as a
    /// big.Float): what Nomad makes of it is not known here, and why.
    pub(super) unread: Option<String>,
    /// hcl's JSON parser reads the file in ways not followed here (why):
    /// Nomad may stop there as at an hclsyntax refusal.
    pub(super) unworded: Option<String>,
}

impl VarFile {
    /// A file hclsyntax refuses: its diagnostics' lines, nothing read.
    fn unparsed(lines: Vec<String>) -> VarFile {
        VarFile {
            values: vec![],
            refused: vec![],
            first: vec![],
            declares: false,
            unsure: false,
            unparsed: lines,
            unread: None,
            unworded: None,
        }
    }
}

/// One `name = value`: the value (which may have failed to evaluate),
/// its range as jobspec2 prints it, and whether it is refused in words
/// not followed here.
pub(super) struct VarValue {
    pub(super) name: String,
    pub(super) value: Result<Value, String>,
    pub(super) at: String,
    pub(super) unsure: bool,
}

/// Why a var file was not read: our refusal to read it (outside the
/// project, not a regular file, past the size cap; Nomad reads it, so what
/// it says is not known), or a failure Nomad would meet too.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unread {
    Refused(String),
    Failed(String),
}

impl From<String> for Unread {
    fn from(why: String) -> Self {
        Unread::Failed(why)
    }
}

impl From<std::io::Error> for Unread {
    /// Ours or the file system's, by the error's type
    /// ([`crate::project::Refusal`]), never by its words: they quote a
    /// path the input chose.
    fn from(e: std::io::Error) -> Self {
        match crate::project::refusal(&e) {
            Some(_) => Unread::Refused(e.to_string()),
            None => Unread::Failed(e.to_string()),
        }
    }
}

pub(super) fn var_file(scope: &Scope<'_>, path: &std::path::Path) -> Result<VarFile, Unread> {
    // The file's content is not in the load options, only its name.
    scope.fns.open();
    let vfs = scope
        .fns
        .vfs
        .ok_or_else(|| Unread::Failed("no file system".into()))?;
    let src = vfs.read(path)?;
    let hcl2 = scope.fns.version.at_least(1, 0, 0);
    let shown = path.display().to_string();
    let json = if hcl2 {
        super::var_file_json::is_json(&src.text)
    } else {
        path.extension().is_some_and(|e| e == "json")
    };
    if json {
        let f = match super::var_file_json::read(&src.text, &shown) {
            Ok(f) => f,
            // What Nomad prints of it is not known here (why): it stops
            // there as at a refusal.
            Err(why) if hcl2 => {
                return Ok(VarFile {
                    unworded: Some(format!("it reads var file {} (JSON, by its first byte `{{`) in ways this tool does not follow: {why}", crate::escape::one_line(&shown))),
                    ..VarFile::unparsed(vec![])
                })
            }
            Err(e) => return Err(e.into()),
        };
        if !f.refused.is_empty() {
            // hcl's JSON parser refuses it (parse.go parseFile).
            return Ok(VarFile::unparsed(f.refused));
        }
        return Ok(VarFile {
            values: f
                .members
                .into_iter()
                .map(|m| VarValue {
                    name: m.name,
                    value: Ok(m.value),
                    unsure: m.repeats || m.at.is_none(),
                    at: m.at.unwrap_or_default(),
                })
                .collect(),
            refused: vec![],
            first: f.first,
            declares: f.declares,
            unsure: f.unsure,
            unparsed: vec![],
            unread: f.unread,
            unworded: None,
        });
    }
    if let Some(at) = crate::nesting::too_deep(&src.text, crate::nesting::MAX_DEPTH) {
        return Err(format!("nesting too deep at byte {at}").into());
    }
    // hclsyntax's own refusal, where its words are known.
    let era = super::hclsyntax::Era::of(scope.fns.version);
    let found = era.and_then(|era| super::hclsyntax::diagnose(&src.text, &shown, era));
    if let Some(found) = found.filter(|f| !f.is_empty()) {
        let lines = found
            .iter()
            .map(|h| {
                let at = super::hclsyntax::range_string(&src.text, &shown, (h.start, h.end));
                format!("{at}: {}", h.text())
            })
            .collect();
        return Ok(VarFile::unparsed(lines));
    }
    let body = match hcl_edit::parser::parse_body(&src.text) {
        Ok(body) => body,
        // hclsyntax's refusals are worded above: it reads this file, and
        // Nomad goes on with values not known here.
        Err(_) if era.is_some() => {
            return Ok(VarFile {
                unread: Some("a var file holds text its parser reads and this tool's does not (a number beyond a 64-bit float, such as 1e400, which go-cty holds exactly)".into()),
                ..VarFile::unparsed(vec![])
            })
        }
        Err(e) => {
            return Err(format!("{} at line {}", e.message(), e.location().line()).into())
        }
    };
    let mut s = Scope::bare(&src.text, scope.fns);
    let mut refused = Vec::new();
    let mut first = Vec::new();
    let mut unsure = false;
    if hcl2 {
        for b in body.blocks() {
            match (b.ident.as_str(), b.labels.as_slice()) {
                ("variable", [label]) => {
                    first.push(declaration(b, label.as_str(), &src.text, &shown))
                }
                // JustAttributes refuses it: not followed here.
                _ => unsure = true,
            }
        }
        for a in body.attributes() {
            let verdict = match judge(&a.value) {
                Verdict::Clean => continue,
                Verdict::CannotTell => Err(()),
                Verdict::Refused { errors, unknown } => {
                    Ok((lines(&errors, &src.text, &shown), unknown))
                }
            };
            refused.push(JudgedValue {
                name: a.key.as_str().to_string(),
                verdict,
            });
        }
    }
    let values = body
        .attributes()
        .map(|a| {
            let name = a.key.as_str().to_string();
            let sp = span_of(&a.value);
            let at = super::hclsyntax::range_string(&src.text, &shown, (sp.start, sp.end));
            // Not evaluated here: Nomad never calls its functions.
            let value = if refused.iter().any(|r| r.name == name) {
                Ok(Value::Null)
            } else {
                s.eval(&a.value).map_err(|e| e.message)
            };
            VarValue {
                name,
                value,
                at,
                unsure: false,
            }
        })
        .collect();
    Ok(VarFile {
        values,
        refused,
        declares: !first.is_empty(),
        // The probe's refusals come first and end the file's reading.
        unsure: unsure && first.is_empty(),
        first,
        unparsed: vec![],
        unread: None,
        unworded: None,
    })
}

/// jobspec2's refusal of a `variable` block in a var file, at its type
/// name.
fn declaration(b: &hcl_edit::structure::Block, name: &str, text: &str, file: &str) -> String {
    let sp = span_of(&b.ident);
    let at = super::hclsyntax::range_string(text, file, (sp.start, sp.end));
    super::var_file_json::declaration(name, at, file)
}

/// hclsyntax's refusal of a var file as jobspec2 returns it: from 1.0.6
/// the first such file's diagnostics (`unable to parse var file: `, then
/// hcl.Diagnostics.Error(): the first, and how many others); before, every
/// file's, joined to the job file's (none here, it parsed). Err (why) where
/// that file's, or before 1.0.6 any file's, words are not followed.
pub(super) fn unparsed(
    files: &[(&std::path::PathBuf, Result<VarFile, Unread>)],
    v: crate::version::NomadVersion,
) -> Option<Result<String, String>> {
    let read = || files.iter().filter_map(|(_, f)| f.as_ref().ok());
    let refused = |f: &&VarFile| !f.unparsed.is_empty() || f.unworded.is_some();
    let untold = if v.at_least(1, 0, 6) {
        read().find(refused).and_then(|f| f.unworded.clone())
    } else {
        read().find_map(|f| f.unworded.clone())
    };
    if let Some(why) = untold {
        return Some(Err(why));
    }
    let each = read().map(|f| &f.unparsed);
    let (prefix, lines): (&str, Vec<&String>) = if v.at_least(1, 0, 6) {
        (
            "unable to parse var file: ",
            each.into_iter().find(|u| !u.is_empty())?.iter().collect(),
        )
    } else {
        ("", each.flatten().collect())
    };
    let (first, rest) = lines.split_first()?;
    Some(Ok(match rest.len() {
        0 => format!("{prefix}{first}"),
        n => format!("{prefix}{first}, and {n} other diagnostic(s)"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A var file we refuse is known by the error's type: words that read
    /// like a refusal (a path the input chose) are the file system's
    /// answer, and a refusal in other words is still ours.
    #[test]
    fn a_refusal_is_known_by_its_type_not_its_words() {
        let ours = crate::project::refused(std::io::ErrorKind::InvalidInput, "too big".into());
        assert_eq!(Unread::from(ours), Unread::Refused("too big".into()));
        let lookalike =
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "refusing to read x");
        assert_eq!(
            Unread::from(lookalike),
            Unread::Failed("refusing to read x".into())
        );
    }
}
