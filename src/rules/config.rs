//! Per-path ignores from `policy.hcl` (`ignore { paths = [...] codes = [...] }`).
//!
//! A dozen lines of glob matching instead of the `globset` crate: the
//! policy only needs `*`, `**` and `?`, and globset would pull in
//! aho-corasick/bstr for a handful of patterns matched once per file.

use std::path::Path;

use crate::diag::{Diag, Severity};
use crate::world::{Policy, RuleLevel};

use super::Finding;

/// Which findings a run reports (`--select`, `--extend-select`, `--ignore`,
/// as ruff names them, over the `lint` block of `.nomad-preflight.hcl`). A
/// selector is a rule code (`NP101`), a code prefix (`NP1`, `NP`), a rule
/// name (`image-tag-latest`), a front-end family (`jobspec`, `hcl`, or a
/// full `jobspec::...` code) or `ALL`.
///
/// Layers resolve as ruff resolves them: the configuration file first, then
/// the command line; a layer's `select` replaces what the layers before it
/// chose, `extend_select` adds, `ignore` removes. So `--select NP301` on the
/// command line reports NP301 even where the file ignores it, and
/// `--extend-select NP4` keeps the file's ignores.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    layers: Vec<Layer>,
    /// The configuration file's per-file ignores and severities.
    config: Option<crate::config::Config>,
}

#[derive(Debug, Clone, Default)]
struct Layer {
    select: Option<Vec<String>>,
    extend: Vec<String>,
    ignore: Vec<String>,
}

impl Layer {
    /// Is `code` on after this layer, when it was `before` it?
    fn decides(&self, code: &str, before: bool) -> bool {
        let hit = |sels: &[String]| sels.iter().any(|s| selector_matches(s, code));
        let mut on = self.select.as_deref().map_or(before, hit);
        if hit(&self.extend) {
            on = true;
        }
        on && !hit(&self.ignore)
    }
}

impl RuleSelection {
    /// Validate every selector: one that names nothing is an error with a
    /// did-you-mean, never a selection that silently matches nothing.
    pub fn new(
        select: &[String],
        extend: &[String],
        ignore: &[String],
    ) -> Result<RuleSelection, Diag> {
        let split = |v: &[String]| -> Vec<String> {
            v.iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let cli = Layer {
            select: (!select.is_empty()).then(|| split(select)),
            extend: split(extend),
            ignore: split(ignore),
        };
        for s in cli
            .select
            .iter()
            .flatten()
            .chain(&cli.extend)
            .chain(&cli.ignore)
        {
            known_selector(s)?;
        }
        Ok(RuleSelection {
            layers: vec![cli],
            config: None,
        })
    }

    /// The same selection under a configuration file (its selectors were
    /// checked when it was read): the file's layer comes first.
    pub fn with_config(mut self, config: &crate::config::Config) -> RuleSelection {
        self.layers.insert(
            0,
            Layer {
                select: config.select.clone(),
                extend: config.extend_select.clone(),
                ignore: config.ignore.clone(),
            },
        );
        self.config = Some(config.clone());
        self
    }

    /// Is `f` reported? Errors that are not rule findings (a file that does
    /// not parse, a world that does not load, a crash) always are: a
    /// selection never turns "cannot know" into a pass.
    pub fn keeps(&self, f: &Finding) -> bool {
        if !configurable(f) {
            return true;
        }
        self.layers
            .iter()
            .fold(true, |on, layer| layer.decides(&f.code, on))
    }

    /// `f` as this selection reports it for the file at `path` (relative
    /// to the project root): `None` when it is not reported (deselected,
    /// ignored for that file, or its rule set `off`), else with the
    /// configured severity.
    pub fn apply(&self, f: &Finding, path: &Path) -> Option<Finding> {
        if !configurable(f) {
            return Some(f.clone());
        }
        if !self.keeps(f) {
            return None;
        }
        let Some(config) = &self.config else {
            return Some(f.clone());
        };
        if let Some(rel) = config.relative(path) {
            let ignored = config.per_file_ignores.iter().any(|(glob, codes)| {
                glob_match(glob, &rel) && codes.iter().any(|c| selector_matches(c, &f.code))
            });
            if ignored {
                return None;
            }
        }
        let name = super::find(&f.code).map(|r| r.meta().name);
        let level = config
            .levels
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&f.code) || Some(k.as_str()) == name);
        match level.map(|(_, l)| *l) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(sev)) => Some(f.clone().with_severity(sev)),
            None => Some(f.clone()),
        }
    }
}

/// Can a selection or a configuration touch `f`? Not an error that is no
/// rule finding.
fn configurable(f: &Finding) -> bool {
    f.severity != Severity::Error || is_rule_code(&f.code)
}

/// Findings a change's own configuration would silence. In `check --base`
/// the configuration file the change leaves (`head`) decides what is
/// reported, except that a finding the base's configuration reports at or
/// above `threshold` stays reported at the base's severity however the
/// change edits the file, with an NP002 finding saying so: a change cannot
/// silence its own gate by editing `.nomad-preflight.hcl` any more than by
/// adding a `# preflight:ignore` comment.
pub fn apply_gated(
    head: &RuleSelection,
    base: Option<&RuleSelection>,
    threshold: Severity,
    f: &Finding,
    path: &Path,
) -> Vec<Finding> {
    let now = head.apply(f, path);
    let Some(base) = base else {
        return now.into_iter().collect();
    };
    let before = base.apply(f, path);
    match (now, before) {
        (now, Some(b))
            if b.severity >= threshold && now.as_ref().is_none_or(|n| n.severity < threshold) =>
        {
            let file = head
                .config
                .as_ref()
                .and_then(|c| c.path.as_ref())
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|| crate::config::FILE_NAME.to_string());
            let meta = &super::meta::added_suppression::AddedSuppression::META;
            let mut np002 = Diag::error(
                meta.code,
                format!(
                    "{file}, as this change leaves it, would silence {} ({}) here; a change cannot silence its own gate, so it is still reported",
                    f.code, b.severity.as_str()
                ),
            )
            .help("land the configuration change through a reviewed change of its own first, or fix the finding");
            np002.source = f.source.clone();
            if let Some(span) = f.primary_span() {
                np002 = np002.label(span, "silenced by the change's configuration");
            }
            vec![b, np002]
        }
        (now, _) => now.into_iter().collect(),
    }
}

fn is_rule_code(code: &str) -> bool {
    super::find(code).is_some()
}

/// Front-end families a selector may name.
const FAMILIES: &[&str] = &["jobspec", "hcl"];

fn selector_matches(sel: &str, code: &str) -> bool {
    if sel.eq_ignore_ascii_case("ALL") {
        return true;
    }
    if let Some(r) = super::find(sel) {
        if r.meta().name == sel {
            return r.meta().code == code;
        }
    }
    let (sel, code) = (sel.to_ascii_lowercase(), code.to_ascii_lowercase());
    if FAMILIES.contains(&sel.as_str()) {
        return code.starts_with(&format!("{sel}::"));
    }
    code.starts_with(&sel)
}

/// A selector names something: `ALL`, a rule name, a prefix of a rule code,
/// a front-end family or one of its codes.
pub fn known_selector(sel: &str) -> Result<(), Diag> {
    let lower = sel.to_ascii_lowercase();
    let ok = lower == "all"
        || super::all().iter().any(|r| {
            let m = r.meta();
            m.name == sel || m.code.to_ascii_lowercase().starts_with(&lower)
        })
        || FAMILIES.iter().any(|f| lower == *f)
        || super::frontend::find(sel).is_some();
    if ok {
        return Ok(());
    }
    Err(unknown_rule(sel, format!("unknown rule selector `{sel}`")))
}

/// An error for a name that is no rule, with the closest code or name.
fn unknown_rule(sel: &str, message: String) -> Diag {
    let mut known: Vec<&str> = Vec::new();
    for r in super::all() {
        known.push(r.meta().code);
        known.push(r.meta().name);
    }
    known.extend(super::frontend::CODES.iter().map(|c| c.code));
    let hint = match crate::suggest::closest(sel, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? `nomad-preflight rules` lists every rule"),
        None => "`nomad-preflight rules` lists every rule; a selector is a code, a code prefix (NP1), a rule name, `jobspec`, `hcl` or ALL".into(),
    };
    Diag::error("check::unknown-rule", message).help(hint)
}

/// The rule codes and names a policy configures (`rule "X"` blocks and
/// `ignore { rules = [...] }`) that name no rule: errors, so a typo never
/// leaves a rule quietly on.
pub fn unknown_in_policy(policy: &Policy) -> Vec<Diag> {
    let named = policy
        .rules
        .keys()
        .chain(policy.ignores.iter().flat_map(|i| i.codes.iter()));
    named
        .filter_map(|code| {
            if super::find(code).is_some() {
                return None;
            }
            match super::frontend::find(code) {
                None => Some(unknown_rule(code, format!("policy.hcl configures unknown rule `{code}`"))),
                // Nomad refuses the file: no policy may hide that.
                Some(c) if c.severity == Severity::Error => Some(
                    Diag::error(
                        "check::unknown-rule",
                        format!("policy.hcl configures `{code}`, an error Nomad reports: it cannot be switched off or ignored"),
                    )
                    .help("fix the job files instead; only the front end's warnings can be configured"),
                ),
                Some(_) => None,
            }
        })
        .collect()
}

/// Is `code` ignored for `path` (relative to the project root) by the policy?
pub fn path_ignored(policy: &Policy, path: &Path, code: &str) -> bool {
    let path = path_text(path);
    policy.ignores.iter().any(|ig| {
        let code_matches = ig.codes.is_empty()
            || ig.codes.iter().any(|c| {
                c.eq_ignore_ascii_case(code)
                    || super::find(c).is_some_and(|r| r.meta().code == code)
            });
        code_matches && glob_match(&ig.glob, &path)
    })
}

/// `a/b/c` with forward slashes and no leading `./`, as globs are written.
pub fn path_text(path: &Path) -> String {
    let s = crate::vfs::normalize(path)
        .to_string_lossy()
        .replace('\\', "/");
    s.trim_start_matches("./").to_string()
}

/// Match a path against a glob: `*` and `?` stay inside one path segment,
/// `**` spans any number of segments (including none).
pub fn glob_match(glob: &str, path: &str) -> bool {
    matches(glob.as_bytes(), path.as_bytes())
}

fn matches(g: &[u8], p: &[u8]) -> bool {
    match g {
        [] => p.is_empty(),
        [b'*', b'*', b'/', rest @ ..] => {
            // `**/` matches zero segments, or one segment and recurse.
            matches(rest, p)
                || p.iter()
                    .enumerate()
                    .any(|(i, c)| *c == b'/' && matches(rest, &p[i + 1..]))
        }
        [b'*', b'*'] => true,
        [b'*', rest @ ..] => {
            let mut i = 0;
            loop {
                if matches(rest, &p[i..]) {
                    return true;
                }
                match p.get(i) {
                    Some(b'/') | None => return false,
                    Some(_) => i += 1,
                }
            }
        }
        [b'?', rest @ ..] => matches!(p.first(), Some(c) if *c != b'/') && matches(rest, &p[1..]),
        [c, rest @ ..] => p.first() == Some(c) && matches(rest, &p[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::PathIgnore;

    #[test]
    fn selection_by_code_prefix_name_and_family() {
        let s = |sel: &[&str], ext: &[&str], ign: &[&str]| {
            let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            RuleSelection::new(&v(sel), &v(ext), &v(ign)).unwrap()
        };
        let w = |code: &str| Diag::warning(code, "m");
        let np4 = s(&["NP4"], &[], &[]);
        assert!(np4.keeps(&w("NP403")) && !np4.keeps(&w("NP101")));
        // Parse errors are never selected away.
        assert!(np4.keeps(&Diag::error("hcl::syntax", "m")));
        assert!(!np4.keeps(&w("jobspec::unknown-key")));
        let ign = s(&[], &[], &["image-tag-latest", "jobspec"]);
        assert!(!ign.keeps(&w("NP101")) && ign.keeps(&w("NP102")));
        assert!(!ign.keeps(&w("jobspec::unknown-key")));
        let ext = s(&["NP1"], &["NP304"], &["NP102"]);
        assert!(ext.keeps(&w("NP304")) && ext.keeps(&w("NP101")) && !ext.keeps(&w("NP102")));
    }

    #[test]
    fn unknown_selectors_and_policy_codes_are_errors_with_a_suggestion() {
        let e = RuleSelection::new(&["NP1O1".into()], &[], &[]).unwrap_err();
        assert_eq!(e.code, "check::unknown-rule");
        assert!(
            e.help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `NP101`"),
            "{e:?}"
        );
        assert!(RuleSelection::new(&[], &[], &["image-tag-lates".into()]).is_err());
        let mut policy = Policy::default();
        policy
            .rules
            .insert("NP999".into(), crate::world::RuleLevel::Off);
        policy
            .rules
            .insert("NP101".into(), crate::world::RuleLevel::Off);
        // A front-end warning may be configured; an error Nomad reports may
        // not, and an unknown front-end code is a typo like any other.
        policy.rules.insert(
            "jobspec::template-path".into(),
            crate::world::RuleLevel::Off,
        );
        policy
            .rules
            .insert("jobspec::missing".into(), crate::world::RuleLevel::Off);
        let d = unknown_in_policy(&policy);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|d| d.message.contains("`NP999`")));
        assert!(d.iter().any(|d| d
            .message
            .contains("`jobspec::missing`, an error Nomad reports")));
        let e = RuleSelection::new(&["jobspec::unknown-kye".into()], &[], &[]).unwrap_err();
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.contains("did you mean `jobspec::unknown-key`")),
            "{e:?}"
        );
        assert!(RuleSelection::new(&["jobspec::template-path".into()], &[], &[]).is_ok());
    }

    #[test]
    fn globs() {
        assert!(glob_match("jobs/*.nomad", "jobs/a.nomad"));
        assert!(!glob_match("jobs/*.nomad", "jobs/x/a.nomad"));
        assert!(glob_match("jobs/**/*.nomad", "jobs/a.nomad"));
        assert!(glob_match("jobs/**/*.nomad", "jobs/x/y/a.nomad"));
        assert!(glob_match("**/legacy/**", "a/legacy/b.hcl"));
        assert!(glob_match("?.hcl", "a.hcl"));
        assert!(!glob_match("?.hcl", "ab.hcl"));
        assert!(!glob_match("jobs/*.nomad", "jobs/a.nomad.hcl"));
    }

    #[test]
    fn ignores_by_code_or_name_or_all() {
        let mut policy = Policy::default();
        policy.ignores.push(PathIgnore {
            glob: "legacy/**".into(),
            codes: vec!["image-tag-latest".into()],
            ..PathIgnore::default()
        });
        policy.ignores.push(PathIgnore {
            glob: "vendor/*".into(),
            codes: vec![],
            ..PathIgnore::default()
        });
        assert!(path_ignored(
            &policy,
            Path::new("./legacy/a.nomad"),
            "NP101"
        ));
        assert!(!path_ignored(&policy, Path::new("legacy/a.nomad"), "NP102"));
        assert!(path_ignored(&policy, Path::new("vendor/a.nomad"), "NP999"));
        assert!(!path_ignored(&policy, Path::new("jobs/a.nomad"), "NP101"));
    }
}
