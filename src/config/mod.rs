//! `.nomad-preflight.hcl`: the lint configuration that needs no world, as
//! ruff users know it from `ruff.toml` (top-level `include`/`exclude`, a
//! `lint` block with `select`, `extend_select`, `ignore`,
//! `per_file_ignores` and per-rule severities).
//!
//! It is found in the current folder or the nearest folder above it, up to
//! the top of the project (the repository, or the folder holding
//! `rules/cluster.hcl`): never above it, so a file outside the project the
//! run judges never configures it. One file applies per run; a checked file
//! whose nearest file is another is refused ([`refuse_unread`]). Every key and rule code is checked: an
//! unknown one is a located error with a did-you-mean, never a setting that
//! silently does nothing.

mod selection;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use selection::{apply_gated, RuleSelection, RunGate, SAMPLING_CODES};

use crate::diag::{Diag, Diags, Severity};
use crate::source::{Source, Span};
use crate::vfs::Vfs;
use crate::world::hclread::{one_label, parse_reported, BodyReader, Schema};
use crate::world::RuleLevel;

/// The file's name.
pub const FILE_NAME: &str = ".nomad-preflight.hcl";

/// One rule list as written, each entry with its location.
pub type Selectors = Vec<(String, Span)>;

/// A parsed `.nomad-preflight.hcl`. The default is no file: every rule on.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file, relative to the project root (`None`: no file found).
    pub path: Option<PathBuf>,
    /// The folder its globs are relative to (relative to the project root).
    pub dir: PathBuf,
    /// Extra files a folder walk or a change set takes as job-file
    /// candidates (globs), besides `*.nomad`, `*.nomad.hcl`, `*.hcl`, `*.job`.
    pub include: Vec<String>,
    /// Files folder walks and change sets leave out (globs). A file named
    /// on the command line is checked anyway, as ruff does.
    pub exclude: Vec<String>,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `(glob, codes)`: rules not reported for the files a glob matches.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// Per-rule severity (`off` drops the rule), keyed by code or name.
    pub levels: BTreeMap<String, RuleLevel>,
}

impl Config {
    /// `path` (relative to the project root) as the config's globs are
    /// written: relative to its folder, `/`-separated. `None` when the file
    /// is outside that folder, where the config's globs never match.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let p = crate::vfs::normalize(path);
        let rel = p.strip_prefix(&self.dir).ok()?;
        Some(crate::rules::config::path_text(rel))
    }

    /// Does a folder walk or a change set leave `path` out?
    pub fn excludes(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|p| {
            self.exclude
                .iter()
                .any(|g| crate::rules::config::glob_match(g, &p))
        })
    }

    /// Does `exclude` leave out every file below the folder `dir` (a
    /// submodule the change set cannot read: nothing in it is selected)?
    pub fn excludes_all_below(&self, dir: &Path) -> bool {
        self.relative(dir).is_some_and(|p| {
            self.exclude
                .iter()
                .any(|g| crate::rules::config::glob_takes_all_below(g, &p))
        })
    }

    /// Does `include` make `path` a job-file candidate?
    pub fn includes(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|p| {
            self.include
                .iter()
                .any(|g| crate::rules::config::glob_match(g, &p))
        })
    }
}

/// The nearest `.nomad-preflight.hcl` at or above `start` (a folder
/// relative to the root of `vfs`, the project root), parsed. `Ok(None)`:
/// there is none.
pub fn discover(vfs: &dyn Vfs, start: &Path) -> Result<Option<Config>, Diags> {
    let start = crate::vfs::normalize(start);
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        let path = d.join(FILE_NAME);
        match vfs.read(&path) {
            Ok(src) => return read(&src, d.to_path_buf(), path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(
                    Diag::error("config::read", crate::project::read_failure(&path, &e))
                        .help("the configuration must be a regular file inside the project")
                        .into(),
                )
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

/// One configuration per run: the one [`discover`] finds from where the run
/// starts. A file whose own nearest `.nomad-preflight.hcl` (at or above its
/// folder, up to the project top, the file ruff would apply to it) is
/// another one would be judged without the settings meant for it (an
/// `include` that never adds its files, an `exclude` that never holds), so
/// the run refuses with a located hint instead. `files` are relative to
/// the project root, every file the run looks at before `include` and
/// `exclude` are applied.
///
/// Why not apply each file's own: a change set is one unit. `check` and
/// `plan --changed` must select the same files from it, and with `--base`
/// the head's file is compared with the base's, which is one pair of files
/// only when there is one file per side.
pub fn refuse_unread(vfs: &dyn Vfs, used: &Config, files: &[PathBuf]) -> Result<(), Diags> {
    let used = used.path.as_deref().map(crate::vfs::normalize);
    let mut seen = std::collections::HashSet::new();
    for f in files {
        let f = crate::vfs::normalize(f);
        // Outside the project (an absolute path): no file there configures
        // it. A configuration file configures the files around it, not itself.
        if f.is_absolute() || f.file_name().is_some_and(|n| n == FILE_NAME) {
            continue;
        }
        for dir in f.parent().into_iter().flat_map(Path::ancestors) {
            // Every folder above one already walked was walked with it.
            if !seen.insert(dir.to_path_buf()) {
                break;
            }
            let candidate = dir.join(FILE_NAME);
            if !vfs.is_file(&candidate) {
                continue;
            }
            if Some(&candidate) == used.as_ref() {
                break;
            }
            // Refused (a link on the way leads out of the project): the
            // file's own read is refused for it too and says so
            // (`io::read`), and a configuration there is no more known
            // than the file (a folder replaced by such a link).
            if vfs.probe(&candidate).is_err() && vfs.probe(&f).is_err() {
                break;
            }
            let reads = used.as_ref().map_or_else(
                || "no configuration".to_string(),
                |u| crate::escape::one_line(&u.to_string_lossy()),
            );
            return Err(Diag::error(
                "config::unread",
                format!(
                    "{} is the configuration nearest to {}, but this run reads {reads} (found from the current folder)",
                    crate::escape::one_line(&candidate.to_string_lossy()),
                    crate::escape::one_line(&f.to_string_lossy()),
                ),
            )
            .help(format!(
                "one {FILE_NAME} applies per run: run from {} to judge those files, or move its settings into the one this run reads (globs are relative to its folder)",
                crate::escape::one_line(&dir.to_string_lossy())
            ))
            .into());
        }
    }
    Ok(())
}

/// The configurations a change set is judged under: the head's (the
/// index with `--staged`, the working tree, or `--head REF2`) decides, and
/// with a base other than the commit being made (`--base`: CI on an
/// untrusted change) the base's too, so the change cannot loosen its own
/// gate (see [`apply_gated`]).
#[derive(Debug, Clone, Default)]
pub struct Configs {
    pub head: Config,
    pub base: Option<Config>,
}

/// The folder a plain run's search stops at: the project's top (the
/// repository, or the folder holding `rules/cluster.hcl`); outside any
/// project, the nearest folder above holding the file (as ruff finds
/// `ruff.toml`), else `cwd`.
pub fn search_root(cwd: &Path) -> PathBuf {
    let root = crate::project::root_of(cwd);
    let marked = root.join(".git").exists() || root.join("rules").join("cluster.hcl").is_file();
    if marked {
        return root;
    }
    root.ancestors()
        .find(|d| d.join(FILE_NAME).is_file())
        .map_or(root.clone(), Path::to_path_buf)
}

/// Where to look from: the current folder relative to the project `root`
/// (the root itself when the current folder is outside it).
pub fn start_in(root: &Path) -> PathBuf {
    let cwd = crate::project::canonical_cwd();
    let root = crate::project::canonical(root).unwrap_or_else(|_| root.to_path_buf());
    cwd.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

const TOP: &[&str] = &["include", "exclude"];
const LINT: &[&str] = &["select", "extend_select", "ignore", "per_file_ignores"];

/// Parse the file's text. Errors (syntax, unknown keys, unknown rules,
/// bad severities) are located in it.
pub fn read(src: &Source, dir: PathBuf, path: PathBuf) -> Result<Config, Diags> {
    let mut diags = Diags::default();
    let config = read_into(src, dir, path, &mut diags);
    // The shared HCL reader names its codes for world files.
    let mut out = Diags::default();
    for mut d in diags.into_iter() {
        if let Some(rest) = d.code.strip_prefix("world::") {
            d.code = format!("config::{rest}");
        }
        out.push(d);
    }
    if out.has_errors() {
        Err(out)
    } else {
        Ok(config)
    }
}

fn read_into(src: &Source, dir: PathBuf, path: PathBuf, diags: &mut Diags) -> Config {
    let mut c = Config {
        path: Some(path),
        dir,
        ..Config::default()
    };
    let Some(body) = parse_reported(src, diags) else {
        return c;
    };
    let r = BodyReader::new(
        src,
        &body,
        &Schema {
            attrs: TOP,
            blocks: &["lint"],
        },
        FILE_NAME,
        diags,
    );
    c.include = globs(&r, "include", diags);
    c.exclude = globs(&r, "exclude", diags);
    let Some(lint) = r.single_block("lint", diags) else {
        return c;
    };
    crate::world::hclread::no_label(src, lint, diags);
    let lr = BodyReader::new(
        src,
        &lint.body,
        &Schema {
            attrs: LINT,
            blocks: &["rule"],
        },
        "lint",
        diags,
    );
    c.select = lr
        .strings("select", diags)
        .map(|v| selectors(src, v, diags));
    c.extend_select = selectors(
        src,
        lr.strings("extend_select", diags).unwrap_or_default(),
        diags,
    );
    c.ignore = selectors(src, lr.strings("ignore", diags).unwrap_or_default(), diags);
    c.per_file_ignores = per_file_ignores(src, &lr, diags);
    for b in lr.blocks("rule") {
        let Ok((code, span)) = one_label(src, b, "rule \"NP102\" { severity = \"advice\" }")
            .map_err(|e| diags.push(e))
        else {
            continue;
        };
        let Some(level) = crate::world::policy_file::rule_level(src, b, &code, span, diags) else {
            continue;
        };
        if let Some(d) = configurable(&code) {
            diags.push(d.at(src, span, "not configurable"));
            continue;
        }
        if c.levels.insert(code.clone(), level).is_some() {
            diags.push(
                Diag::error(
                    "config::duplicate-rule",
                    format!("rule `{code}` is configured twice"),
                )
                .at(src, span, "configured again here"),
            );
        }
    }
    c
}

fn globs(r: &BodyReader<'_>, key: &str, diags: &mut Diags) -> Vec<String> {
    r.strings(key, diags)
        .unwrap_or_default()
        .into_iter()
        .map(|(g, _)| g)
        .collect()
}

/// Keep the selectors that name something; the others are located errors.
fn selectors(src: &Source, v: Selectors, diags: &mut Diags) -> Vec<String> {
    v.into_iter()
        .filter_map(|(s, span)| match crate::rules::config::known_selector(&s) {
            Ok(()) => Some(s),
            Err(d) => {
                diags.push(d.at(src, span, "no such rule"));
                None
            }
        })
        .collect()
}

fn per_file_ignores(
    src: &Source,
    r: &BodyReader<'_>,
    diags: &mut Diags,
) -> Vec<(String, Vec<String>)> {
    let Some(a) = r.attr("per_file_ignores") else {
        return Vec::new();
    };
    let example = "per_file_ignores = { \"legacy/**\" = [\"NP101\"] }";
    let lit = match crate::world::hclread::literal(src, &a.value) {
        Ok(l) => l,
        Err(d) => {
            diags.push(d);
            return Vec::new();
        }
    };
    let crate::world::hclread::Lit::Map(entries) = lit else {
        diags.push(
            Diag::error("config::bad-value", "`per_file_ignores` must be a map")
                .at(src, crate::world::hclread::span_of(&a.value), "not a map")
                .help(format!("write it as `{example}`")),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (glob, _, value, vspan) in entries {
        let crate::world::hclread::Lit::List(items) = value else {
            diags.push(
                Diag::error(
                    "config::bad-value",
                    format!("`per_file_ignores` entry `{glob}` must be a list of rules"),
                )
                .at(src, vspan, "not a list")
                .help(format!("write it as `{example}`")),
            );
            continue;
        };
        let mut codes = Vec::new();
        for (item, span) in items {
            match item {
                crate::world::hclread::Lit::Str(s) => codes.push((s, span)),
                _ => diags.push(Diag::error("config::bad-value", "a rule is a string").at(
                    src,
                    span,
                    "not a string",
                )),
            }
        }
        out.push((glob, selectors(src, codes, diags)));
    }
    out
}

/// Why a `rule "CODE"` block cannot configure `code`, if it cannot: it
/// names no rule, or an error Nomad itself reports.
fn configurable(code: &str) -> Option<Diag> {
    if crate::rules::find(code).is_some() {
        return None;
    }
    match crate::rules::frontend::find(code) {
        Some(c) if c.severity == Severity::Error => Some(
            Diag::error(
                "config::unknown-rule",
                format!("`{code}` is an error Nomad reports: it cannot be switched off or lowered"),
            )
            .help("fix the job files instead; only the front end's warnings can be configured"),
        ),
        Some(_) => None,
        None => Some(
            crate::rules::config::known_selector(code)
                .err()
                .unwrap_or_else(|| {
                    Diag::error(
                        "config::unknown-rule",
                        format!("`{code}` names a group of rules: a severity is set per rule"),
                    )
                    .help("write one `rule` block per code, e.g. `rule \"NP102\"`")
                }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemVfs;

    fn parse_text(text: &str) -> Result<Config, Diags> {
        let mut vfs = MemVfs::new("t");
        vfs.insert(Path::new(FILE_NAME), text.to_string());
        let src = vfs.read(Path::new(FILE_NAME)).unwrap();
        read(&src, PathBuf::new(), PathBuf::from(FILE_NAME))
    }

    #[test]
    fn reads_every_key() {
        let c = parse_text(
            r#"
include = ["deploy/*.tpl"]
exclude = ["legacy/**"]
lint {
  select           = ["NP1", "jobspec"]
  extend_select    = ["NP403"]
  ignore           = ["image-tag-latest"]
  per_file_ignores = { "tests/**" = ["NP102"] }
  rule "NP102" { severity = "advice" }
  rule "NP101" { severity = "off" }
}
"#,
        )
        .expect("valid");
        assert_eq!(c.include, vec!["deploy/*.tpl"]);
        assert!(c.excludes(Path::new("legacy/a/b.nomad")));
        assert!(!c.excludes(Path::new("jobs/b.nomad")));
        assert!(c.includes(Path::new("deploy/web.tpl")));
        assert_eq!(
            c.select.as_deref(),
            Some(&["NP1".into(), "jobspec".into()][..])
        );
        assert_eq!(c.extend_select, vec!["NP403"]);
        assert_eq!(c.ignore, vec!["image-tag-latest"]);
        assert_eq!(
            c.per_file_ignores,
            vec![("tests/**".into(), vec!["NP102".into()])]
        );
        assert_eq!(c.levels.get("NP101"), Some(&RuleLevel::Off));
        assert_eq!(
            c.levels.get("NP102"),
            Some(&RuleLevel::On(Severity::Advice))
        );
    }

    fn errors(text: &str) -> Vec<Diag> {
        parse_text(text).expect_err("invalid").into_iter().collect()
    }

    #[test]
    fn unknown_keys_and_rules_are_located_errors_with_a_suggestion() {
        let e = errors("lint {\n  extend-select = [\"NP101\"]\n}\n");
        assert_eq!(e[0].code, "config::unknown-key");
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("`extend_select`"),
            "{e:?}"
        );
        assert_eq!(e[0].primary_span().map(|s| s.start), Some(9));
        let e = errors("lint {\n  ignore = [\"NP1O2\"]\n}\n");
        assert_eq!(e[0].code, "check::unknown-rule");
        assert!(
            e[0].help.as_deref().unwrap_or("").contains("`NP102`"),
            "{e:?}"
        );
        assert!(e[0].primary_span().is_some());
        let e = errors("lint {\n  rule \"NP9999\" { severity = \"off\" }\n}\n");
        assert!(e[0].message.contains("NP9999"), "{e:?}");
        let e = errors("lint {\n  rule \"jobspec::missing\" { severity = \"off\" }\n}\n");
        assert!(e[0].message.contains("an error Nomad reports"), "{e:?}");
        let e = errors("lint {\n  rule \"NP1\" { severity = \"off\" }\n}\n");
        assert!(e[0].message.contains("group of rules"), "{e:?}");
        let e = errors("lint {\n  per_file_ignores = { \"a/*\" = [\"NP10\", \"nope\"] }\n}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        let e = errors("selct = []\n");
        assert!(
            e[0].help.as_deref().unwrap_or("").contains("`select`")
                || e[0].help.as_deref().unwrap_or("").contains("accepts"),
            "{e:?}"
        );
        let e = errors("lint {\n  rule \"NP101\" { severity = \"loud\" }\n}\n");
        assert_eq!(e[0].code, "config::bad-value");
    }

    #[test]
    fn found_in_the_nearest_folder_up_to_the_root_only() {
        let mut vfs = MemVfs::new("t");
        vfs.insert(Path::new("a/.nomad-preflight.hcl"), "exclude = [\"x\"]\n");
        vfs.insert(Path::new(".nomad-preflight.hcl"), "exclude = [\"y\"]\n");
        let c = discover(&vfs, Path::new("a/b/c")).unwrap().unwrap();
        assert_eq!(c.dir, PathBuf::from("a"));
        assert_eq!(c.exclude, vec!["x"]);
        assert!(c.excludes(Path::new("a/x")) && !c.excludes(Path::new("x")));
        let c = discover(&vfs, Path::new("b")).unwrap().unwrap();
        assert_eq!(c.exclude, vec!["y"]);
        let empty = MemVfs::new("t");
        assert!(discover(&empty, Path::new("a/b")).unwrap().is_none());
    }

    #[test]
    fn a_nearer_configuration_than_the_one_read_is_refused() {
        let mut vfs = MemVfs::new("t");
        vfs.insert(Path::new(".nomad-preflight.hcl"), "exclude = [\"y\"]\n");
        vfs.insert(Path::new("a/.nomad-preflight.hcl"), "exclude = [\"x\"]\n");
        let top = discover(&vfs, Path::new("")).unwrap().unwrap();
        let sub = discover(&vfs, Path::new("a")).unwrap().unwrap();
        let files = |fs: &[&str]| fs.iter().map(PathBuf::from).collect::<Vec<_>>();
        // From the top: files beside and below it are its own; a file
        // under a/ is a/'s.
        assert!(refuse_unread(&vfs, &top, &files(&["j.nomad", "b/c/j.nomad"])).is_ok());
        let e = refuse_unread(&vfs, &top, &files(&["j.nomad", "a/b/j.nomad"])).unwrap_err();
        let e: Vec<_> = e.into_iter().collect();
        assert_eq!(e[0].code, "config::unread");
        assert!(
            e[0].message.starts_with("a/.nomad-preflight.hcl is the configuration nearest to a/b/j.nomad, but this run reads .nomad-preflight.hcl"),
            "{e:?}"
        );
        // From a/: its own files are fine, a file beside the top one is not.
        assert!(refuse_unread(&vfs, &sub, &files(&["a/j.nomad"])).is_ok());
        assert!(refuse_unread(&vfs, &sub, &files(&["j.nomad"])).is_err());
        // No configuration read at all: any file on the way is unread.
        let none = Config::default();
        let empty = MemVfs::new("t");
        assert!(refuse_unread(&empty, &none, &files(&["a/j.nomad"])).is_ok());
        assert!(refuse_unread(&vfs, &none, &files(&["z/j.nomad"])).is_err());
    }
}
