//! A changed job file whose variables the committer's shell sets.
//!
//! Nomad's CLI evaluates a job file with the submitter's environment:
//! `Envs: os.Environ()` (command/helpers.go v2.0.5:566-572), of which
//! jobspec2 takes every `NOMAD_VAR_<name>` naming a variable the file
//! declares and skips the others (`VarEnvPrefix`,
//! `collectInputVariableValues`, jobspec2/types.variables.go
//! v2.0.5:450-475). So a plain `plan FILE` or `check FILE` reads them, as
//! `nomad job plan` in that shell would. A change-set gate judges the
//! cluster's deploy, whose environment is not the committer's shell: a
//! `NOMAD_VAR_id=zz` left there made a new file copying the protected
//! job's ID pass as job "zz", and `NOMAD_VAR_n=2` hid a count raised to 12
//! (the running version is evaluated with none, world/before.rs). Which
//! environment the deploy has is not the gate's to guess, as for
//! `NOMAD_NAMESPACE` ([`super::elsewhere`]): each such file is evaluated
//! with and without the shell's values. Where the job is the same, the
//! verdict is too, and a note names the variables; where it differs (its
//! identity, or anything else the rules read) the gate says "cannot
//! tell" ([`super::CANNOT_TELL`]), naming the variables and the file.
//!
//! Judging the verdict itself both ways would run every rule and plan of
//! the change twice; a job that differs in any field may change it, so
//! only an equal job is shown to agree.

use std::path::{Path, PathBuf};

use hcl_edit::structure::Body;

use super::NewVersion;
use crate::diag::Diag;
use crate::job_loader::JobLoader;
use crate::jobspec::{Job, ParsedJob};
use crate::vfs::Vfs;
use crate::world::RunningJob;
use std::collections::BTreeMap;

/// The shell's `NOMAD_VAR_<name>` values whose names `body` declares
/// (`variable "name" {}` or an attribute of `variables {}`), in the
/// environment's order; none before 1.0, whose HCL1 has no variables.
pub(super) fn applied(body: Option<&Body>, loader: &JobLoader) -> Vec<String> {
    let (Some(body), true) = (body, loader.version().at_least(1, 0, 0)) else {
        return Vec::new();
    };
    let declares = |name: &str| {
        body.blocks().any(|b| match b.ident.as_str() {
            "variable" => b.labels.first().is_some_and(|l| l.as_str() == name),
            "variables" => b.body.attributes().any(|a| a.key.as_str() == name),
            _ => false,
        })
    };
    let mut names: Vec<String> = Vec::new();
    for (name, _) in loader.shell_vars() {
        if declares(name) && !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

/// What the shell's variables do to one changed file.
#[derive(Debug)]
pub enum Judged {
    /// They set none of its variables.
    Unset,
    /// They set `names`, and the job is the same without them.
    Same(Vec<String>),
    /// They set `names`, and the job differs: the gate's one line.
    Differs(Box<Diag>),
}

/// `with` is the new version of `path` (read from `head`) as `loader`
/// loaded it, the shell's variables applied; `plain` is the same loader
/// without them ([`JobLoader::without_shell_vars`]).
pub fn judge_new(
    head: &dyn Vfs,
    path: &Path,
    with: &ParsedJob,
    loader: &JobLoader,
    plain: &JobLoader,
) -> Judged {
    let names = applied(with.body.as_ref(), loader);
    // GODEBUG's FIPS mode takes md5 and sha1 away (2.0.5): any file may
    // call them, so every file is loaded both ways.
    let fips = loader.shell_fips140();
    if names.is_empty() && !fips {
        return Judged::Unset;
    }
    let without = plain.job_file(head, path).ok().flatten();
    fn job(p: &ParsedJob) -> Option<&Job> {
        p.is_valid().then_some(p.job.as_ref()).flatten()
    }
    let (a, b) = (job(with), without.as_ref().and_then(job));
    if a.is_some() && a == b {
        return match names.is_empty() {
            true => Judged::Unset,
            false => Judged::Same(names),
        };
    }
    let shown = crate::escape::one_line(&path.to_string_lossy());
    let what = match (a, b) {
        (Some(a), Some(b)) if identity(a) != identity(b) => format!(
            "with those values it defines job {}, without them job {}, so whether this change updates that job or adds another is unknown",
            named(a),
            named(b)
        ),
        _ => "its job differs with and without those values, so the gate's verdict on it is unknown".into(),
    };
    Judged::Differs(Box::new(
        Diag::error(
            super::CANNOT_TELL,
            format!(
                "cannot tell what {shown} submits: the shell's {}, and the deploy's environment is not known here; {what}",
                shell_values(&names, fips),
            ),
        )
        .help(match names.is_empty() {
            true => GODEBUG_HELP.to_string(),
            false => help(&names),
        })
        .as_cannot_tell(),
    ))
}

/// The new version `parsed` of `path` (read from `head`) as a gate takes
/// it: [`NewVersion::of`], or [`NewVersion::Untold`] where the shell's
/// variables change its job. `plain` is `loader` without them (`None`:
/// the shell sets none); a file they leave as it is joins `same`.
pub fn new_version(
    head: &dyn Vfs,
    path: &Path,
    parsed: &ParsedJob,
    loader: &JobLoader,
    plain: Option<&JobLoader>,
    same: &mut Vec<(PathBuf, Vec<String>)>,
) -> NewVersion {
    match plain.map(|plain| judge_new(head, path, parsed, loader, plain)) {
        Some(Judged::Differs(d)) => NewVersion::Untold(d),
        Some(Judged::Same(names)) => {
            same.push((path.to_path_buf(), names));
            NewVersion::of(parsed)
        }
        Some(Judged::Unset) | None => NewVersion::of(parsed),
    }
}

/// [`new_version`] of every loaded file (`None`: it did not load), the
/// note on those the shell's variables leave as they are said on stderr.
pub fn new_versions<'p>(
    head: &dyn Vfs,
    files: impl IntoIterator<Item = (&'p PathBuf, Option<&'p ParsedJob>)>,
    loader: &JobLoader,
) -> BTreeMap<PathBuf, NewVersion> {
    let plain = loader.without_shell_vars();
    let mut same = Vec::new();
    let new = files
        .into_iter()
        .map(|(p, parsed)| {
            let v = match parsed {
                Some(parsed) => new_version(head, p, parsed, loader, plain.as_ref(), &mut same),
                None => NewVersion::Invalid,
            };
            (p.clone(), v)
        })
        .collect();
    // A change that edits the world is checked a second time against the
    // world it leaves (cli::check `gate_world_change`): one note is enough.
    static SAID: std::sync::Once = std::sync::Once::new();
    if let Some(note) = note(&same) {
        SAID.call_once(|| eprintln!("{note}"));
    }
    new
}

/// The old version of `path` in `base` gave `with` (the shell's
/// variables of `loader` applied where it applies them); `plain_base`
/// loads the running versions without them. Their one line when the two define
/// different jobs: which one the change stops is unknown.
pub(super) fn old_version(
    set: &super::ChangeSet,
    base: &dyn Vfs,
    path: &Path,
    with: &Job,
    loader: &JobLoader,
    plain_base: &JobLoader,
    known: &[RunningJob],
) -> Option<Diag> {
    let named = set.named_job(path);
    let without = match super::base_job(base, path, named, plain_base, known) {
        super::BaseJob::Job(j) => Some(j),
        _ => None,
    };
    if without
        .as_deref()
        .is_some_and(|w| identity(w) == identity(with))
    {
        return None;
    }
    // Read as the loader reads it: a file jobspec2 takes for hcl's JSON
    // syntax (its first byte other than a space `{`, whatever its name:
    // parse.go v2.0.5:201-218) declares its variables there, and hcl-edit
    // alone named none of them.
    let body = base
        .read(path)
        .ok()
        .and_then(|s| crate::jobspec::parse::parse(&s, loader.version()).ok());
    let names = applied(body.as_ref(), loader);
    old_differs(
        path,
        &set.range.base.to_string(),
        with,
        without.as_deref(),
        &names,
    )
}

/// The job a changed file's old version defined is another with the
/// shell's variables (`with`) than without (`without`): which one the
/// change stops is unknown. `None` when they agree.
pub(super) fn old_differs(
    path: &Path,
    base: &str,
    with: &Job,
    without: Option<&Job>,
    names: &[String],
) -> Option<Diag> {
    if without.is_some_and(|w| identity(w) == identity(with)) {
        return None;
    }
    let other = without.map_or("no job".into(), |w| format!("job {}", named(w)));
    Some(
        Diag::error(
            super::CANNOT_TELL,
            format!(
                "cannot tell which job {} defined at {}: the shell's {}, with those values it is job {}, without them {other}, so which job this change stops is unknown",
                crate::escape::one_line(&path.to_string_lossy()),
                crate::escape::one_line(base),
                sets(names),
                named(with),
            ),
        )
        .help(help(names))
        .as_cannot_tell(),
    )
}

/// The stderr line for the files whose job the shell's variables leave
/// as it is: `same` holds each file and the names it declares.
pub fn note(same: &[(PathBuf, Vec<String>)]) -> Option<String> {
    let (first, _) = same.first()?;
    let mut names: Vec<String> = Vec::new();
    for n in same.iter().flat_map(|(_, n)| n) {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    let more = match same.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(format!(
        "note: the shell's {} of {}{more}; the job is the same with and without those values, so the verdict does not depend on them (the deploy's environment is not known here)",
        sets(&names),
        crate::escape::one_line(&first.to_string_lossy()),
    ))
}

fn identity(job: &Job) -> (&str, &str) {
    (&job.namespace, &job.id)
}

fn named(job: &Job) -> String {
    let q = |s: &str| crate::escape::one_line(&format!("{s:?}"));
    format!("{} in namespace {}", q(&job.id), q(&job.namespace))
}

/// `NOMAD_VAR_a, NOMAD_VAR_b`, escaped: a name is the environment's.
fn listed(names: &[String]) -> String {
    let all: Vec<String> = names
        .iter()
        .map(|n| crate::escape::one_line(&format!("NOMAD_VAR_{n}")))
        .collect();
    all.join(", ")
}

/// `NOMAD_VAR_a sets a variable` / `NOMAD_VAR_a, NOMAD_VAR_b set variables`.
fn sets(names: &[String]) -> String {
    match names.len() {
        1 => format!("{} sets a variable", listed(names)),
        _ => format!("{} set variables", listed(names)),
    }
}

/// What the shell sets that the deploy may not: its variables, and
/// GODEBUG where it turns on the FIPS mode that drops md5 and sha1.
fn shell_values(names: &[String], fips: bool) -> String {
    const FIPS: &str = "GODEBUG turns on Go's FIPS mode, in which Nomad 2.0.5 offers job files no md5 or sha1 (jobspec2/functions.go)";
    match (names.is_empty(), fips) {
        (true, _) => FIPS.to_string(),
        (false, false) => sets(names),
        (false, true) => format!("{} and its {FIPS}", sets(names)),
    }
}

const GODEBUG_HELP: &str = "the gate judges the cluster's deploy, not this shell: unset GODEBUG's fips140 in the hook's shell to judge the file as a deploy without FIPS mode does";

fn help(names: &[String]) -> String {
    format!(
        "the gate judges the cluster's deploy, not this shell: unset {} in the hook's shell to judge the file with its own defaults (and the world's `running_job` values), or write the value in the file",
        listed(names)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::NomadVersion;
    use crate::vfs::MemVfs;

    const TEXT: &str = "variable \"id\" {\n  default = \"web\"\n}\nvariables {\n  n = 1\n}\njob \"x\" {\n  id = var.id\n  group \"g\" {\n    count = var.n\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n    }\n  }\n}\n";

    fn loader(env: &[(&str, &str)], v: NomadVersion) -> JobLoader {
        let mut l = JobLoader::plain(v, "/".into());
        l.set_shell_vars(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        l
    }

    fn judged(env: &[(&str, &str)]) -> Judged {
        let mut mem = MemVfs::new("test");
        mem.insert("j.nomad", TEXT);
        let l = loader(env, NomadVersion::CURRENT);
        let with = l.load(&mem, Path::new("j.nomad"));
        let plain = l.without_shell_vars().expect("shell vars were set");
        judge_new(&mem, Path::new("j.nomad"), &with, &l, &plain)
    }

    #[test]
    fn only_declared_names_apply_and_none_before_hcl2() {
        let body: Body = TEXT.parse().expect("test text parses");
        let env = [("n", "2"), ("other", "1"), ("id", "zz"), ("n", "3")];
        let l = loader(&env, NomadVersion::CURRENT);
        assert_eq!(applied(Some(&body), &l), ["n", "id"]);
        let old = loader(&env, NomadVersion::new(0, 12, 0));
        assert!(applied(Some(&body), &old).is_empty());
    }

    #[test]
    fn a_changed_identity_or_job_cannot_tell_an_equal_job_is_noted() {
        match judged(&[("id", "zz")]) {
            Judged::Differs(d) => {
                assert!(d.cannot_tell && d.message.contains("NOMAD_VAR_id"));
                assert!(d.message.contains("\"zz\"") && d.message.contains("\"web\""));
            }
            other => panic!("{other:?}"),
        }
        match judged(&[("n", "4")]) {
            Judged::Differs(d) => assert!(d.message.contains("verdict"), "{}", d.message),
            other => panic!("{other:?}"),
        }
        match judged(&[("n", "1"), ("id", "web")]) {
            Judged::Same(n) => assert_eq!(n, ["n", "id"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(judged(&[("other", "1")]), Judged::Unset));
    }
}
