//! A `-var-file` read as jobspec2 (1.0+) reads it (parse.go parseFile,
//! types.variables.go collectInputVariableValues): JSON or HCL by its
//! first byte (var_file_json.rs), hclsyntax's or hcl's JSON parser's
//! refusal of its syntax (var_file_json_parse.rs), the refusal of a
//! `variable` block in it, and its values with what Nomad refuses in them
//! (var_file_values.rs). Texts from
//! tests/hcl-oracle/jobvars.go and gohcl.go `-varfile`.

use super::eval::{span_of, Scope};
use super::model::Value;
use super::var_file_values::{judge_in, lines, JudgedValue, Verdict};

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
/// project, not a regular file, past the size cap, or a file system
/// error whose Go words are not known here; Nomad reads it, so what it
/// says is not known), a failure Nomad would meet too, or the file
/// system's refusal in Go's words (`open v.hcl: no such file or
/// directory`), as Nomad's os.ReadFile meets it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unread {
    Refused(String),
    Failed(String),
    Os(String),
}

impl Unread {
    /// Reading `path` failed with `e`: Go's words where the failure is
    /// one os.ReadFile (ioutil.ReadFile before 1.3) words the same way on
    /// every Unix (*PathError: `open <path>: <errno text>`), else ours.
    fn reading(path: &std::path::Path, e: std::io::Error) -> Unread {
        use std::io::ErrorKind as K;
        let errno = match e.kind() {
            _ if crate::project::refusal(&e).is_some() => return Unread::from(e),
            K::NotFound => "no such file or directory",
            K::PermissionDenied => "permission denied",
            K::NotADirectory => "not a directory",
            _ => return Unread::Refused(e.to_string()),
        };
        Unread::Os(format!("open {}: {errno}", path.display()))
    }
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
    // os.ReadFile opens a folder and fails on its first read; we refuse
    // to open one (not a regular file), so it is known by its kind.
    if vfs.is_dir(path) {
        return Err(Unread::Os(format!(
            "read {}: is a directory",
            path.display()
        )));
    }
    let src = vfs.read(path).map_err(|e| Unread::reading(path, e))?;
    let hcl2 = scope.fns.version.at_least(1, 0, 0);
    let shown = path.display().to_string();
    let json = if hcl2 {
        super::var_file_json::is_json(&src)
    } else {
        path.extension().is_some_and(|e| e == "json")
    };
    if json {
        let f = match super::var_file_json::read(&src.text, &shown, scope.fns.version) {
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
    // hclsyntax refuses an identifier character of a later Unicode than
    // its 9.0 (`Invalid character`), which hcl-edit takes; its words were
    // not found above (a malformed template directive, a `for`), so say so.
    if era.is_some()
        && super::hclsyntax::hcl_edit_blind_spot(&src.text)
            .and_then(|at| src.text.get(at..)?.chars().next())
            .is_some_and(|c| !c.is_ascii())
    {
        return Ok(VarFile {
            unread: Some("a var file holds an identifier character hclsyntax refuses (its identifiers are Unicode 9.0's), in a file whose other diagnostics are not followed here".into()),
            ..VarFile::unparsed(vec![])
        });
    }
    // A repeated object key is hclsyntax's last one, as in a job file.
    let parsed = hcl_edit::parser::parse_body(&src.text);
    let body = match super::dup_keys::read_repeats(&src.text, parsed) {
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
            let verdict = match judge_in(&a.value, Some(&*src.text)) {
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
    // A number go-cty holds otherwise than our f64 (cty_number.rs): the
    // variables' values are not known.
    let mut number_unread = None;
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
                s.eval(&a.value).map_err(|e| {
                    if e.code == super::cty_number::NUMBER_CANNOT_TELL {
                        number_unread = Some(super::cty_number::VAR_FILE_WHY.to_string());
                    }
                    // A string Nomad's Unicode tables may normalise
                    // otherwise (eval/nfc.rs): likewise not known.
                    if e.code == super::eval::nfc::NFC_CANNOT_TELL {
                        let why = e.message.split_once(": ").map_or("", |(_, w)| w);
                        let why =
                            why.replacen("it holds", &format!("the value of {name} holds"), 1);
                        number_unread.get_or_insert(why);
                    }
                    e.message
                })
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
        unread: number_unread,
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

/// What jobspec2's parse of the var files says, when it stops there.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Said {
    /// Its error, as the CLI prints it after `Error parsing job file from
    /// <path>:`.
    Line(String),
    /// Not known here (why).
    Untold(String),
    /// A file not read here (its path as given, and why): what Nomad
    /// would read in it is not known.
    NotRead(String, String),
}

/// One var file as jobspec2's parse meets it: refused (its diagnostics'
/// lines), in words not followed, not read here, or fine (None).
enum Met {
    Lines(Vec<String>),
    Untold(String),
    NotRead(String, String),
}

fn met(path: &std::path::Path, file: &Result<VarFile, Unread>) -> Option<Met> {
    match file {
        // parse.go parseFile: a diagnostic without a subject, whose
        // Error() prints the nil range as `<nil>`.
        Err(Unread::Os(err)) => Some(Met::Lines(vec![format!(
            "<nil>: Failed to read file; failed to read {}: {err}",
            crate::gotext::go_quote_path(path)
        )])),
        Err(Unread::Refused(why) | Unread::Failed(why)) => {
            Some(Met::NotRead(path.display().to_string(), why.clone()))
        }
        Ok(f) => match (&f.unworded, f.unparsed.is_empty()) {
            (Some(why), _) => Some(Met::Untold(why.clone())),
            (None, false) => Some(Met::Lines(f.unparsed.clone())),
            (None, true) => None,
        },
    }
}

/// jobspec2's refusal of the var files it could not read or parse (parse.go
/// decode), per release: from 1.0.6 the first such file's diagnostics
/// (`unable to parse var file: `, then hcl.Diagnostics.Error(): the first,
/// and how many others), at once; 1.0.1 (1.0.0 does not pass `-var-file`
/// on) every file's, joined to the job file's, returned before the job is
/// decoded (none here: it parsed); 1.0.2 to 1.0.5 list them too but go on
/// to decode the job with the files read in part, or crash on one not read
/// at all (a nil file in collectInputVariableValues): not followed here.
pub(super) fn unparsed(
    files: &[(&std::path::PathBuf, Result<VarFile, Unread>)],
    v: crate::version::NomadVersion,
) -> Option<Said> {
    let mut each = files.iter().filter_map(|(p, f)| met(p, f));
    if v.at_least(1, 0, 6) {
        return each.next().map(|m| match m {
            Met::Lines(lines) => Said::Line(error_text("unable to parse var file: ", &lines)),
            Met::Untold(why) => Said::Untold(why),
            Met::NotRead(p, why) => Said::NotRead(p, why),
        });
    }
    let all: Vec<Met> = each.collect();
    if let Some((p, why)) = all.iter().find_map(|m| match m {
        Met::NotRead(p, why) => Some((p, why)),
        _ => None,
    }) {
        return Some(Said::NotRead(p.clone(), why.clone()));
    }
    if let Some(why) = all.iter().find_map(|m| match m {
        Met::Untold(why) => Some(why),
        _ => None,
    }) {
        return Some(Said::Untold(why.clone()));
    }
    if all.is_empty() {
        return None;
    }
    if v.at_least(1, 0, 2) {
        return Some(Said::Untold(DECODES_ON.to_string()));
    }
    let lines: Vec<String> = all
        .into_iter()
        .flat_map(|m| match m {
            Met::Lines(l) => l,
            _ => vec![],
        })
        .collect();
    Some(Said::Line(error_text("", &lines)))
}

/// Why 1.0.2 to 1.0.5's words for a var file refused are not told.
pub(super) const DECODES_ON: &str = "jobspec2 of 1.0.2 to 1.0.5 lists a var file's diagnostics after the job file's and goes on to decode the job with what it read of the file (parse.go decode, until #10569 in 1.0.6), one line a diagnostic; with a file it could not read at all, the CLI crashes (a nil file in collectInputVariableValues) unless the job file's top level is refused first; what that decoding adds is not followed here";

/// hcl.Diagnostics.Error() of the lines, after `prefix`.
fn error_text(prefix: &str, lines: &[String]) -> String {
    match lines {
        [] => prefix.to_string(),
        [one] => format!("{prefix}{one}"),
        [first, rest @ ..] => {
            format!("{prefix}{first}, and {} other diagnostic(s)", rest.len())
        }
    }
}

/// The diagnostics 1.0.1's parse of the var files adds to a job file's
/// own parse errors (jobspec2 returns them as one list, the job file's
/// first: parse.go decode), or None when one of them is not known here.
pub(super) fn listed(
    files: &[(&std::path::PathBuf, Result<VarFile, Unread>)],
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for (p, f) in files {
        match met(p, f) {
            Some(Met::Lines(l)) => out.extend(l),
            Some(Met::Untold(_) | Met::NotRead(..)) => return None,
            None => {}
        }
    }
    Some(out)
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
