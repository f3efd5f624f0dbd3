//! Lint rule registry: one rule per file, registered once in [`RULES`].
//!
//! Every rule is a unit struct declared with [`declare_rule!`], which keeps
//! the rule's stable code, kebab name, default severity and its documentation
//! (the doc comment, in fixed sections) together; `nomad-preflight explain
//! CODE` prints that doc comment.
//!
//! Code families: `NP0xx` the linter itself, `NP1xx` hygiene and migration,
//! `NP2xx` capacity and placement, `NP3xx` quota and namespaces, `NP4xx`
//! priority and preemption. Codes are public API: never reuse one.

use std::path::Path;

use crate::diag::{Diag, Severity};
use crate::world::{RuleLevel, World};

mod admission;
pub mod capacity;
pub mod config;
mod context;
pub mod frontend;
pub mod gate;
mod glob;
pub mod hygiene;
pub mod meta;
pub mod priority;
pub mod quota;
mod registry;
pub mod suppress;
pub mod syntax;

pub use context::RuleContext;
pub use registry::{all, find, RULES};

/// A finding is a diagnostic carrying a rule code and severity.
pub type Finding = Diag;

/// What a rule needs to run; rules whose needs are not met are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Needs {
    /// The job model, the syntax tree and the world.
    World,
    /// A simulated cluster with the world's running jobs.
    Simulation,
}

/// Where a rule is in its life, as ruff's rule groups: codes are public API
/// (policies and suppressions name them), so a rule is never deleted, only
/// deprecated and then removed, and its code is never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "status")]
pub enum Lifecycle {
    Stable,
    /// Still runs; `rules` and `explain` say why it is going and what to use.
    Deprecated {
        since: &'static str,
        reason: &'static str,
    },
    /// Never runs; `explain` says why. Naming it in a policy or a
    /// suppression does nothing.
    Removed {
        since: &'static str,
        reason: &'static str,
    },
}

impl Lifecycle {
    /// `stable`, `deprecated` or `removed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Lifecycle::Stable => "stable",
            Lifecycle::Deprecated { .. } => "deprecated",
            Lifecycle::Removed { .. } => "removed",
        }
    }

    /// The rule can report findings.
    pub fn runs(&self) -> bool {
        !matches!(self, Lifecycle::Removed { .. })
    }
}

/// What a rule's findings say of Nomad's answer. A rule whose finding
/// means "the answer depends on what nomad-preflight cannot know" is the
/// same verdict as `plan`'s "cannot tell" (exit 255): `check` exits 2 for
/// it, even below the fail level, unless a definite finding at or above
/// that level fails the run first (exit 1). A false all-clear is the worst
/// answer, and a threshold that hid a "cannot tell" would be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Each finding says what Nomad does (refuses, warns, cannot place).
    Definite,
    /// Each finding says the answer cannot be told here.
    CannotTell,
    /// Some findings cannot tell (the rule marks them,
    /// [`crate::diag::Diag::as_cannot_tell`]): the words say which.
    CannotTellWhen(&'static str),
}

impl Answer {
    /// `definite`, `cannot-tell` or `cannot-tell-when` (JSON, SARIF).
    pub fn as_str(&self) -> &'static str {
        match self {
            Answer::Definite => "definite",
            Answer::CannotTell => "cannot-tell",
            Answer::CannotTellWhen(_) => "cannot-tell-when",
        }
    }

    /// The line `explain` prints, when the rule can say "cannot tell".
    pub fn explained(&self) -> Option<String> {
        let exits = "`check` exits 2 for it (cannot tell), even below the fail level, unless a definite finding at or above that level fails the run first (exit 1)";
        match self {
            Answer::Definite => None,
            Answer::CannotTell => Some(format!(
                "Cannot tell: every finding of this rule means Nomad's answer depends on what nomad-preflight cannot know; {exits}."
            )),
            Answer::CannotTellWhen(when) => Some(format!(
                "Cannot tell {when}: such a finding means Nomad's answer depends on what nomad-preflight cannot know; {exits}."
            )),
        }
    }
}

/// Static description of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line, shown by `rules` and in SARIF `shortDescription`.
    pub summary: &'static str,
    /// The rule's doc comment (What it does / Why is this bad? / Example / Use instead).
    pub doc: &'static str,
    pub needs: Needs,
    pub lifecycle: Lifecycle,
    /// Whether its findings can be "cannot tell" ([`Answer`]).
    pub answer: Answer,
}

impl RuleMeta {
    /// The doc comment as written, without the one leading space rustdoc keeps.
    pub fn doc_text(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>);
}

/// Declare a rule: `declare_rule! { /// docs... pub struct Name { code, name, severity, summary, needs[, answer][, lifecycle] } }`.
/// The doc comment is captured into `RuleMeta::doc`, so the docs that
/// rustdoc shows and the text `explain` prints are the same words. A rule
/// is stable unless it says `lifecycle: Lifecycle::Deprecated { .. }` or
/// `Lifecycle::Removed { .. }`, and definite unless it says `answer:
/// Answer::CannotTell` (or `CannotTellWhen("...")`).
#[macro_export]
macro_rules! declare_rule {
    (@lifecycle) => { $crate::rules::Lifecycle::Stable };
    (@lifecycle $life:expr) => { $life };
    (@answer) => { $crate::rules::Answer::Definite };
    (@answer $answer:expr) => { $answer };
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $kebab:literal,
            severity: $sev:ident,
            summary: $summary:literal,
            needs: $needs:ident
            $(, answer: $answer:expr)?
            $(, lifecycle: $life:expr)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $kebab,
                default_severity: $crate::diag::Severity::$sev,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
                needs: $crate::rules::Needs::$needs,
                lifecycle: $crate::declare_rule!(@lifecycle $($life)?),
                answer: $crate::declare_rule!(@answer $($answer)?),
            };
        }
    };
}

/// Effective severity of a rule under the world's policy (`None` = off; a
/// removed rule is always off).
pub fn level(world: &World, meta: &RuleMeta) -> Option<Severity> {
    if !meta.lifecycle.runs() {
        return None;
    }
    match configured(world, meta) {
        Some(RuleLevel::Off) => None,
        Some(RuleLevel::On(sev)) => Some(*sev),
        None => Some(meta.default_severity),
    }
}

/// The severity the policy sets explicitly for a rule, if any.
fn policy_level(world: &World, meta: &RuleMeta) -> Option<Severity> {
    match configured(world, meta) {
        Some(RuleLevel::On(sev)) => Some(*sev),
        _ => None,
    }
}

fn configured<'w>(world: &'w World, meta: &RuleMeta) -> Option<&'w RuleLevel> {
    world
        .policy
        .rules
        .get(meta.code)
        .or_else(|| world.policy.rules.get(meta.name))
}

/// Run every enabled rule on one job file, apply the policy's severities and
/// path ignores, then inline suppressions. `path` is the file's path
/// relative to the project root, as the policy's globs are written.
pub fn check_job(ctx: &RuleContext<'_>, path: &Path) -> Vec<Finding> {
    let policy = &ctx.world.policy;
    let unused_meta = &meta::unused_suppression::UnusedSuppression::META;
    let runs = |meta: &RuleMeta| {
        level(ctx.world, meta).is_some() && (meta.needs == Needs::World || ctx.sim.is_some())
    };
    // The front end's warnings take part like rule findings: the policy may
    // set their level, and suppressions and path ignores apply. Its errors
    // are Nomad's refusals and stay out of reach (the caller reports them).
    // With them, the servers' warnings for the world's settings (`plan`'s
    // `Job Warnings:` in full).
    let admitted = admission::warnings(ctx);
    let mut findings: Vec<Finding> = ctx
        .parsed
        .diags
        .iter()
        .chain(&admitted)
        .filter(|d| d.severity < Severity::Error && frontend::find(&d.code).is_some())
        .filter_map(|d| match policy.rules.get(&d.code) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(sev)) => Some(d.clone().with_severity(*sev)),
            None => Some(d.clone()),
        })
        .collect();
    let plan_untold = std::cell::OnceCell::new();
    for rule in RULES {
        let meta = rule.meta();
        // The meta rules (NP001, NP002) are reported by the suppression pass.
        if !runs(meta) {
            continue;
        }
        let mut out = Vec::new();
        rule.check(ctx, &mut out);
        if meta.answer == Answer::CannotTell {
            out.iter_mut().for_each(|f| f.cannot_tell = true);
        }
        // An explicit policy level wins; otherwise a rule may escalate a
        // finding itself (a protected preemption victim is an error).
        if let Some(sev) = policy_level(ctx.world, meta) {
            out = out.into_iter().map(|f| f.with_severity(sev)).collect();
        }
        // Where `plan` says "cannot tell" for the job (NP225's question),
        // what a rule reads from the simulation is the plan `plan` refuses
        // to state: each such verdict (a warning or an error, at the level
        // the policy gives it) depends on it, so it cannot tell either
        // (exit 2), never a definite one (exit 1). Advice decides no run,
        // but `.nomad-preflight.hcl` may raise it after this pass: every
        // such finding is marked, and its level decides (`on_untold_plan`).
        let dependent = || {
            meta.needs == Needs::Simulation
                && *plan_untold.get_or_init(|| capacity::plan_cannot_tell::plan_untold(ctx))
        };
        if out.iter().any(|f| !f.cannot_tell) && dependent() {
            out = out.into_iter().map(Finding::on_untold_plan).collect();
        }
        findings.extend(out);
    }
    let report_unused = level(ctx.world, unused_meta);
    let added_meta = &meta::added_suppression::AddedSuppression::META;
    // The base's policy may accept what a change adds (or turn NP002 off).
    let trusted = ctx
        .trusted
        .filter(|_| !policy.allow_added_suppressions && level(ctx.world, added_meta).is_some());
    let mut findings = suppress::apply(
        ctx.source(),
        findings,
        report_unused.is_some(),
        |code| find(code).is_some_and(|r| runs(r.meta())) || frontend::find(code).is_some(),
        trusted,
    );
    if let Some(sev) = level(ctx.world, added_meta) {
        for f in findings.iter_mut().filter(|f| f.code == added_meta.code) {
            f.severity = sev;
        }
    }
    if let Some(sev) = report_unused {
        for f in findings.iter_mut().filter(|f| f.code == unused_meta.code) {
            f.severity = sev;
        }
    }
    findings.retain(|f| !config::path_ignored(policy, path, &f.code));
    findings.sort_by_key(|f| (f.primary_span().map(|s| s.start), f.code.clone()));
    findings
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::NomadVersion;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<_> = RULES.iter().map(|r| r.meta().code).collect();
        let sorted = {
            let mut c = codes.clone();
            c.sort();
            c
        };
        assert_eq!(codes, sorted, "register rules in code order");
        codes.dedup();
        assert_eq!(codes.len(), RULES.len(), "duplicate rule code");
        let mut names: Vec<_> = RULES.iter().map(|r| r.meta().name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "duplicate rule name");
        for r in RULES {
            let m = r.meta();
            assert!(
                m.code.len() == 5 && m.code.starts_with("NP"),
                "{}: code must be NPnnn",
                m.code
            );
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{}: name must be kebab-case",
                m.name
            );
        }
    }

    #[test]
    fn every_doc_has_the_fixed_sections() {
        for r in RULES {
            let doc = r.meta().doc_text();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(doc.contains(section), "{} lacks {section:?}", r.meta().code);
            }
        }
    }

    #[test]
    fn a_removed_rule_never_runs_even_when_the_policy_turns_it_on() {
        let mut world = testing::world();
        let meta = &priority::priority_out_of_range::PriorityOutOfRange::META;
        assert_eq!(meta.lifecycle.as_str(), "removed");
        assert_eq!(level(&world, meta), None);
        world
            .policy
            .rules
            .insert("NP401".into(), RuleLevel::On(Severity::Error));
        assert_eq!(level(&world, meta), None);
        // Every other rule is stable today and runs at its default.
        for r in RULES.iter().filter(|r| r.meta().code != "NP401") {
            assert_eq!(r.meta().lifecycle, Lifecycle::Stable, "{}", r.meta().code);
            assert_eq!(
                level(&testing::world(), r.meta()),
                Some(r.meta().default_severity)
            );
        }
    }

    #[test]
    fn find_accepts_code_and_name() {
        assert_eq!(
            find("np101").map(|r| r.meta().name),
            Some("image-tag-latest")
        );
        assert_eq!(
            find("image-tag-latest").map(|r| r.meta().code),
            Some("NP101")
        );
        assert!(find("NP999").is_none());
    }

    #[test]
    fn policy_overrides_and_disables() {
        let mut world = testing::world();
        let meta = &hygiene::image_tag_latest::ImageTagLatest::META;
        assert_eq!(level(&world, meta), Some(Severity::Warning));
        world
            .policy
            .rules
            .insert("NP101".into(), RuleLevel::On(Severity::Error));
        assert_eq!(level(&world, meta), Some(Severity::Error));
        world
            .policy
            .rules
            .insert("image-tag-latest".into(), RuleLevel::Off);
        world.policy.rules.remove("NP101");
        assert_eq!(level(&world, meta), None);
    }

    #[test]
    fn pipeline_applies_policy_ignores_and_suppressions() {
        use crate::world::PathIgnore;
        use testing::*;
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 0 # preflight:ignore NP205 parked\n    task \"a\" {\n      driver = \"docker\"\n      config {\n        image = \"redis\" # preflight:ignore NP102\n      }\n    }\n  }\n}\n";
        let p = load_at("jobs/web.nomad", text, NomadVersion::new(1, 3, 0));
        let mut world = world();
        let codes = |world: &World, path: &str| -> Vec<(String, Severity)> {
            let ctx = RuleContext::new(&p, world, None);
            check_job(&ctx, Path::new(path))
                .into_iter()
                .map(|f| (f.code, f.severity))
                .collect()
        };
        // NP205 is suppressed; NP102 is reported on the task label (line 4),
        // so the NP102 comment on line 7 is unused. The front end's warning
        // (max_parallel 1 > count 0, which Nomad warns about before 1.4)
        // goes through the same pipeline.
        assert_eq!(
            codes(&world, "jobs/web.nomad"),
            vec![
                ("jobspec::update-parallel".to_string(), Severity::Warning),
                ("NP102".to_string(), Severity::Warning),
                ("NP101".to_string(), Severity::Warning),
                ("NP001".to_string(), Severity::Warning),
            ]
        );
        world
            .policy
            .rules
            .insert("NP101".into(), RuleLevel::On(Severity::Error));
        world
            .policy
            .rules
            .insert("default-resources".into(), RuleLevel::Off);
        // A front-end warning is configured like a rule.
        world
            .policy
            .rules
            .insert("jobspec::update-parallel".into(), RuleLevel::Off);
        // With NP102 off its suppression can no longer be judged unused.
        assert_eq!(
            codes(&world, "jobs/web.nomad"),
            vec![("NP101".to_string(), Severity::Error)]
        );
        world.policy.ignores.push(PathIgnore {
            glob: "jobs/**".into(),
            codes: vec![],
            ..PathIgnore::default()
        });
        assert!(codes(&world, "jobs/web.nomad").is_empty());
        assert_eq!(codes(&world, "other/web.nomad").len(), 1);
    }

    #[test]
    fn a_front_end_warning_is_suppressed_like_a_rule() {
        use testing::*;
        let text = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" { # preflight:ignore jobspec::update-parallel parked\n    count = 0 # preflight:ignore NP205 parked\n    task \"a\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu = 100\n        memory = 64\n      }\n    }\n  }\n}\n";
        let p = load_at("jobs/web.nomad", text, NomadVersion::new(1, 3, 0));
        assert!(p.diags.iter().any(|d| d.code == "jobspec::update-parallel"));
        let world = world();
        let ctx = RuleContext::new(&p, &world, None);
        let got: Vec<String> = check_job(&ctx, Path::new("jobs/web.nomad"))
            .into_iter()
            .map(|f| format!("{} {}", f.code, f.message))
            .collect();
        assert!(got.is_empty(), "{got:?}");
    }
}
