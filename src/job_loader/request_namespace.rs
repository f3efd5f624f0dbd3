//! The namespace `nomad job plan` asks for, and whether the servers apply
//! it to a job file that names none.
//!
//! The CLI sends its `-namespace` flag, else `NOMAD_NAMESPACE` (api.go
//! `DefaultConfig`, every release), as the request's namespace; a job that
//! writes `namespace` replaces it ("Force the namespace to be that of the
//! job", command/job_plan.go). What the agent does with it for a job that
//! names none changed in 1.0.9 and 1.1.3 (#10875, "`-namespace` should
//! override job namespace"): before, `jobPlan` canonicalised the job
//! (`Namespace` nil → "default") and then overwrote the request's namespace
//! with the job's (`planReq.Namespace = sJob.Namespace`, command/agent/
//! job_endpoint.go v0.9.3–v1.0.8, v1.1.0–v1.1.2), so such a job was planned
//! in "default" whatever the flag said; from then `namespaceForJob` puts
//! the query's namespace first. `nomad job validate` never applies it
//! (`args.Namespace = job.Namespace` after canonicalising, v0.9.3–v2.0.5).

use crate::version::NomadVersion;

/// Where the asked-for namespace came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    Flag,
    Env,
}

impl Asked {
    /// How a user names it: the flag, or the environment variable.
    pub fn name(self) -> &'static str {
        match self {
            Asked::Flag => "-namespace",
            Asked::Env => "NOMAD_NAMESPACE",
        }
    }
}

/// The namespace a job file that names none is planned in, and who asked
/// for it ([`RequestNamespace::applied`]): a gate names both when it
/// cannot tell where the cluster's own deploy puts such a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied<'a> {
    pub namespace: &'a str,
    pub asked: Asked,
}

impl Applied<'_> {
    /// Asked by the shell's `NOMAD_NAMESPACE`, off "default": the deploy's
    /// own environment may send it or not ([`RequestNamespace::from_shell`]).
    pub fn from_shell(&self) -> bool {
        self.asked == Asked::Env && self.namespace != "default"
    }
}

/// The request's namespace, judged for one release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestNamespace {
    asked: Option<(Asked, String)>,
    applies: bool,
}

/// The releases whose agent applies the request's namespace to a job that
/// names none (the first of each release line that has it).
const APPLIED_SINCE: &[NomadVersion] = &[NomadVersion::new(1, 0, 9), NomadVersion::new(1, 1, 3)];

impl RequestNamespace {
    /// `flag` is `-namespace`, `env` is `NOMAD_NAMESPACE`; an empty value is
    /// unset, as the CLI's `if m.namespace != ""` and api's `if v != ""`.
    pub fn new(flag: Option<&str>, env: Option<&str>, version: NomadVersion) -> RequestNamespace {
        let asked = match (flag, env) {
            (Some(f), _) if !f.is_empty() => Some((Asked::Flag, f.to_string())),
            (_, Some(e)) if !e.is_empty() => Some((Asked::Env, e.to_string())),
            _ => None,
        };
        RequestNamespace {
            asked,
            applies: version.has_since(APPLIED_SINCE),
        }
    }

    /// The command line's: its `-namespace` `flag`, else the process's
    /// `NOMAD_NAMESPACE` (api.go `DefaultConfig`), judged for `version`.
    pub fn from_command(flag: Option<&str>, version: NomadVersion) -> RequestNamespace {
        let env = std::env::var("NOMAD_NAMESPACE").ok();
        RequestNamespace::new(flag, env.as_deref(), version)
    }

    /// The namespace a job file that names none is planned in, when it is
    /// not "default".
    pub fn for_unnamed_job(&self) -> Option<&str> {
        self.applied().map(|a| a.namespace)
    }

    /// [`Self::for_unnamed_job`] with where it came from.
    pub fn applied(&self) -> Option<Applied<'_>> {
        match &self.asked {
            Some((asked, ns)) if self.applies => Some(Applied {
                namespace: ns,
                asked: *asked,
            }),
            _ => None,
        }
    }

    /// The shell's `NOMAD_NAMESPACE`, where it sends a job file that names
    /// none off "default" (R21-A1). The CLI reads it from its own process
    /// (api/api.go v2.0.5:348-350 `DefaultConfig`), so the cluster's deploy
    /// sends whatever ITS environment holds: this shell's value when the
    /// pipeline sets it for both, none (the agent's `namespaceForJob`,
    /// command/agent/job_endpoint.go v2.0.5:1109, then puts the job in
    /// "default") when it does not. A change-set gate judges such files in
    /// both and refuses what either refuses. A `--namespace` flag is the
    /// gate's caller saying what the deploy sends: judged in it alone.
    pub fn from_shell(&self) -> Option<Applied<'_>> {
        self.applied().filter(|a| a.from_shell())
    }

    /// A line for stderr when a change-set gate plans the job files that
    /// name no namespace somewhere other than "default": a hook run in a
    /// shell with `NOMAD_NAMESPACE` set says so, never silently, and that
    /// they are judged in "default" too ([`Self::from_shell`]).
    pub fn gate_note(&self) -> Option<String> {
        let a = self.applied().filter(|a| a.namespace != "default")?;
        let ns = crate::escape::one_line(&format!("{:?}", a.namespace));
        Some(match self.from_shell() {
            Some(_) => format!(
                "note: job files that name no namespace are judged in namespace {ns} (from {}, as `nomad job plan` in this shell sends them) and in \"default\" (where a deploy whose environment sets none puts them); the gate refuses what either refuses",
                a.asked.name(),
            ),
            None => format!(
                "note: job files that name no namespace are judged in namespace {ns} (from {}), as `nomad job plan` in this shell sends them",
                a.asked.name(),
            ),
        })
    }

    /// A line for stderr when the release plans a job that names no
    /// namespace in "default" though one was asked for: Nomad says nothing,
    /// so an operator who typed `-namespace monitor` would otherwise read
    /// the default namespace's quota failure (or success) as monitor's.
    pub fn ignored_note(
        &self,
        job_writes_namespace: bool,
        version: NomadVersion,
    ) -> Option<String> {
        let (how, ns) = self.asked.as_ref()?;
        if self.applies || job_writes_namespace || ns == "default" {
            return None;
        }
        let how = how.name();
        Some(format!(
            "note: Nomad {version} plans a job that names no namespace in \"default\", whatever {how} says (the servers apply {how} to such a job from 1.0.9 and 1.1.3); to plan it in {}, write `namespace = {}` in the job",
            crate::escape::one_line(ns),
            crate::escape::one_line(&format!("{ns:?}")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: u32, b: u32, c: u32) -> NomadVersion {
        NomadVersion::new(a, b, c)
    }

    #[test]
    fn the_flag_applies_from_1_0_9_and_1_1_3() {
        for (version, applies) in [
            (v(0, 9, 3), false),
            (v(0, 12, 12), false),
            (v(1, 0, 8), false),
            (v(1, 0, 9), true),
            (v(1, 1, 0), false),
            (v(1, 1, 2), false),
            (v(1, 1, 3), true),
            (v(1, 2, 0), true),
            (v(2, 0, 5), true),
        ] {
            let r = RequestNamespace::new(Some("monitor"), None, version);
            let want = applies.then_some("monitor");
            assert_eq!(r.for_unnamed_job(), want, "{version}");
            assert_eq!(
                r.ignored_note(false, version).is_some(),
                !applies,
                "{version}"
            );
        }
    }

    #[test]
    fn the_flag_wins_over_the_environment_and_empty_is_unset() {
        let at = v(1, 6, 0);
        assert_eq!(
            RequestNamespace::new(Some("a"), Some("b"), at).for_unnamed_job(),
            Some("a")
        );
        assert_eq!(
            RequestNamespace::new(None, Some("b"), at).for_unnamed_job(),
            Some("b")
        );
        assert_eq!(
            RequestNamespace::new(Some(""), Some("b"), at).for_unnamed_job(),
            Some("b")
        );
        assert_eq!(
            RequestNamespace::new(None, Some(""), at).for_unnamed_job(),
            None
        );
    }

    #[test]
    fn a_gate_names_a_namespace_off_default_and_its_source() {
        let at = v(2, 0, 5);
        let env = RequestNamespace::new(None, Some("dev"), at).gate_note();
        assert!(env.is_some_and(
            |n| n.contains("\"dev\" (from NOMAD_NAMESPACE") && n.contains("\"default\"")
        ));
        assert!(RequestNamespace::new(None, Some("dev"), at)
            .from_shell()
            .is_some());
        assert!(RequestNamespace::new(Some("dev"), None, at)
            .from_shell()
            .is_none());
        let flag = RequestNamespace::new(Some("dev"), None, at).gate_note();
        assert!(flag.is_some_and(|n| n.contains("(from -namespace)")));
        for r in [
            RequestNamespace::new(Some("default"), Some("dev"), at),
            RequestNamespace::new(None, None, at),
            // Not applied: `ignored_note` says so instead.
            RequestNamespace::new(None, Some("dev"), v(0, 9, 3)),
        ] {
            assert_eq!(r.gate_note(), None, "{r:?}");
        }
    }

    #[test]
    fn no_note_where_nothing_is_lost() {
        let old = v(0, 9, 3);
        let r = RequestNamespace::new(Some("monitor"), None, old);
        assert!(r.ignored_note(true, old).is_none(), "the job names its own");
        let d = RequestNamespace::new(Some("default"), None, old);
        assert!(d.ignored_note(false, old).is_none());
        let e = RequestNamespace::new(None, Some("ops\u{1b}[31m"), old);
        let note = e.ignored_note(false, old).unwrap();
        assert!(note.contains("NOMAD_NAMESPACE"), "{note}");
        assert!(!note.contains('\u{1b}'), "{note}");
    }
}
