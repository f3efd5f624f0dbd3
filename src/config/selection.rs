//! Which findings a run reports: the rule selection of the command line
//! over the `lint` block of [`super::FILE_NAME`], each finding's per-file
//! ignores and severity, and the gate a change cannot loosen. The
//! configuration names the rules of [`crate::rules`], never the other way
//! round.

use std::path::Path;

use super::{Config, FILE_NAME};
use crate::diag::{Diag, Severity};
use crate::rules::config::{glob_match, known_selector, selector_matches};
use crate::rules::gate::{fails_run, Gate};
use crate::rules::Finding;
use crate::world::RuleLevel;

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
    config: Option<Config>,
}

#[derive(Debug, Clone, Default)]
struct Layer {
    select: Option<Vec<String>>,
    extend: Vec<String>,
    ignore: Vec<String>,
}

/// Rules a `select` list that does not name them leaves on: only an
/// explicit ignore (`ignore`, `--ignore`, a level `off`, a per-file ignore)
/// turns them off. NP229 (`defined-twice`) took over from main's
/// `job::defined-twice`, which no selection dropped: a base
/// `select = ["NP101"]` or CI's `--select` chose other rules and would
/// have silenced a second definition of a running job, which `nomad job
/// run` on either file replaces (nomad/job_endpoint.go).
const KEPT_BY_SELECT: &[&str] = &[crate::rules::capacity::defined_twice::DefinedTwice::CODE];

impl Layer {
    /// Is `code` on after this layer, when it was `before` it?
    fn decides(&self, code: &str, before: bool) -> bool {
        let hit = |sels: &[String]| sels.iter().any(|s| selector_matches(s, code));
        let mut on = match self.select.as_deref() {
            Some(sels) if hit(sels) => true,
            // A select list is a choice among rules, not an ignore.
            Some(_) if KEPT_BY_SELECT.contains(&code) => before,
            Some(_) => false,
            None => before,
        };
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
    pub fn with_config(mut self, config: &Config) -> RuleSelection {
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
    /// Is every finding of rule `code` reported as its rule makes it,
    /// wherever it is: kept by every selection layer, and no per-file
    /// ignore or severity level of the configuration names it (by code,
    /// name or prefix)? `check` then knows no finding of it is told apart
    /// by severity or place (`check::Judge::plain_sampling`).
    pub fn plainly_reports(&self, code: &str) -> bool {
        let name = crate::rules::find(code).map(|r| r.meta().name);
        let names = |sel: &str| {
            selector_matches(sel, code) || Some(sel) == name || sel.eq_ignore_ascii_case(code)
        };
        self.keeps(&Diag::warning(code, ""))
            && self.config.as_ref().is_none_or(|c| {
                !c.per_file_ignores
                    .iter()
                    .any(|(_, codes)| codes.iter().any(|s| names(s)))
                    && !c.levels.keys().any(|k| names(k))
            })
    }

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
        let name = crate::rules::find(&f.code).map(|r| r.meta().name);
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
    f.severity != Severity::Error || crate::rules::find(&f.code).is_some()
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
    let gates = |f: &Finding| fails_run(f, threshold);
    match (now, before) {
        (now, Some(b)) if gates(&b) && !now.as_ref().is_some_and(gates) => {
            let file = head
                .config
                .as_ref()
                .and_then(|c| c.path.as_ref())
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|| FILE_NAME.to_string());
            let meta = &crate::rules::meta::added_suppression::AddedSuppression::META;
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

/// The codes whose findings the sampled shuffles make (NP207's bound and
/// shares, NP304's quota shares, NP403's victims): `check::Judge::plain_sampling`.
pub const SAMPLING_CODES: [&str; 3] = ["NP207", "NP304", "NP403"];

/// A run's gate: the selection the change leaves (`head`), the base's
/// (`check --base`, unless the base's policy accepts what a change adds)
/// and the threshold `--deny` sets. It both reports findings
/// ([`apply_gated`]) and tells the suppression pass what fails the run,
/// from the same severities, so the two cannot disagree.
#[derive(Debug, Clone)]
pub struct RunGate {
    pub head: RuleSelection,
    pub base: Option<RuleSelection>,
    pub threshold: Severity,
}

impl RunGate {
    /// Are the sampling rules' findings reported by code alone, with no
    /// base configuration to read their severity against
    /// (`check::Judge::plain_sampling`)?
    pub fn samples_plainly(&self) -> bool {
        self.base.is_none() && SAMPLING_CODES.iter().all(|c| self.head.plainly_reports(c))
    }

    /// `f` as the run reports it ([`apply_gated`]).
    pub fn report(&self, f: &Finding, path: &Path) -> Vec<Finding> {
        apply_gated(&self.head, self.base.as_ref(), self.threshold, f, path)
    }
}

impl Gate for RunGate {
    /// What [`RunGate::report`] reports of `f` fails the run: at the
    /// severity the change's configuration gives it, or the base's, which
    /// the report keeps when the change's would silence it.
    fn fails(&self, f: &Finding, path: &Path) -> bool {
        let gates = |s: &RuleSelection| {
            s.apply(f, path)
                .is_some_and(|g| fails_run(&g, self.threshold))
        };
        gates(&self.head) || self.base.as_ref().is_some_and(gates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // NP229: a select that omits it leaves it on; an ignore turns it off.
        let twice = w("NP229");
        assert!(np4.keeps(&twice));
        assert!(!s(&["NP4"], &[], &["defined-twice"]).keeps(&twice));
        assert!(!s(&[], &[], &["NP2"]).keeps(&twice));
    }

    /// `check` skips a refused file's resample only where NP207, NP304
    /// and NP403 are reported by code alone (`check::Judge::plain_sampling`).
    #[test]
    fn plainly_reported_only_where_no_selection_ignore_or_level_names_the_rule() {
        let s = |sel: &[&str], ign: &[&str]| {
            let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            RuleSelection::new(&v(sel), &[], &v(ign)).unwrap()
        };
        assert!(s(&[], &[]).plainly_reports("NP207"));
        assert!(!s(&["NP4"], &[]).plainly_reports("NP207"));
        assert!(s(&["NP4"], &[]).plainly_reports("NP403"));
        assert!(!s(&[], &["NP2"]).plainly_reports("NP207"));
        let with = |c: Config| s(&[], &[]).with_config(&c);
        assert!(with(Config::default()).plainly_reports("NP304"));
        let mut levelled = Config::default();
        levelled.levels.insert(
            "NP304".into(),
            RuleLevel::On(crate::diag::Severity::Warning),
        );
        assert!(!with(levelled.clone()).plainly_reports("NP304"));
        assert!(with(levelled).plainly_reports("NP207"));
        let mut per_file = Config::default();
        per_file
            .per_file_ignores
            .push(("jobs/*".into(), vec!["NP4".into()]));
        assert!(!with(per_file).plainly_reports("NP403"));
    }

    #[test]
    fn unknown_selectors_are_errors_with_a_suggestion() {
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
        let e = RuleSelection::new(&["jobspec::unknown-kye".into()], &[], &[]).unwrap_err();
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.contains("did you mean `jobspec::unknown-key`")),
            "{e:?}"
        );
        assert!(RuleSelection::new(&["jobspec::template-path".into()], &[], &[]).is_ok());
    }
}
