//! What a world cannot tell about a multiregion job (one whose
//! `multiregion` block lists regions, `Job.IsMultiregion`), 0.12+. Three
//! things decide it that Nomad's public code and the world may not give:
//!
//! - **Where the plan runs.** Nomad's HTTP agent sends a multiregion job's
//!   plan to the agent's region only when the job lists it; otherwise to
//!   the first listed region (command/agent/job_endpoint.go
//!   `regionForJob`). A world describes one region, so a job that does
//!   not list it is planned by servers the world does not describe (or
//!   refused with `No path to region`). `nomad job validate` is not
//!   forwarded.
//! - **The edition.** From 0.12.4 the community build refuses every
//!   multiregion job in `Job.Validate` (`Multiregion jobs are
//!   unlicensed.`, structs_oss.go/structs_ce.go) and Enterprise accepts it
//!   (jobspec `validate_multiregion`). Before 0.12.4 both validate alike,
//!   but the plans differ, as below.
//! - **Enterprise's own rewrite.** Before planning, Enterprise's
//!   `Job.Plan` rewrites the job for its region
//!   (`interpolateMultiregionFields`, empty in the community build); that
//!   code is not public.
//!
//! In each case every command says it cannot tell, in one line, and never
//! prints Nomad's text in its place (as for the servers' Vault setting).

use crate::gotext::go_quote;
use crate::jobspec::{is_multiregion, Job};
use crate::version::{Edition, NomadVersion};
use crate::world::{World, WorldOrigin};

/// Why a multiregion job's answer cannot be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultiregionWhy {
    /// The job does not list the world's region: the plan goes to `to`.
    Forwarded { to: String },
    /// The world does not say which edition the servers run.
    Edition,
    /// Enterprise rewrites the job for the region in code not public.
    EnterpriseRewrite,
}

/// A multiregion job whose plan (or validation) depends on what the
/// world or Nomad's public source does not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiregionUnknown {
    pub why: MultiregionWhy,
    pub version: NomadVersion,
    /// The job's regions, in its order.
    pub regions: Vec<String>,
    /// The world's region.
    pub region: String,
    /// An imported world (its fix is agent-self.json, not cluster.hcl).
    pub imported: bool,
}

fn unknown(world: &World, job: &Job, why: MultiregionWhy) -> MultiregionUnknown {
    MultiregionUnknown {
        why,
        version: world.nomad_version,
        regions: regions(job),
        region: world.region.clone(),
        imported: matches!(world.origin, WorldOrigin::Import(_)),
    }
}

fn regions(job: &Job) -> Vec<String> {
    job.multiregion
        .iter()
        .flat_map(|m| &m.regions)
        .map(|r| r.name.clone())
        .collect()
}

/// What `nomad job validate` cannot be known to say: from 0.12.4 the
/// edition decides whether `Job.Validate` refuses the job.
pub fn validate_unknown(world: &World, job: &Job) -> Option<MultiregionUnknown> {
    let edition_decides = world.nomad_version.at_least(0, 12, 4);
    (is_multiregion(job) && edition_decides && world.edition().is_none())
        .then(|| unknown(world, job, MultiregionWhy::Edition))
}

/// What `nomad job plan` cannot be known to say, in the order Nomad meets
/// it: the agent's forwarding first, then the edition, then Enterprise's
/// rewrite. A community build's refusal (0.12.4+) is known and is
/// `Job.Validate`'s (jobspec), so it is not here.
pub fn plan_unknown(world: &World, job: &Job) -> Option<MultiregionUnknown> {
    if !is_multiregion(job) || !world.nomad_version.at_least(0, 12, 0) {
        return None;
    }
    let listed = regions(job);
    if !listed.contains(&world.region) {
        let to = listed.first()?.clone();
        return Some(unknown(world, job, MultiregionWhy::Forwarded { to }));
    }
    match world.edition() {
        None => Some(unknown(world, job, MultiregionWhy::Edition)),
        Some(Edition::Enterprise) => Some(unknown(world, job, MultiregionWhy::EnterpriseRewrite)),
        Some(Edition::Community) => None,
    }
}

impl MultiregionUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let v = self.version;
        let id = go_quote(&job.id);
        let listed: Vec<String> = self.regions.iter().map(|r| go_quote(r)).collect();
        let listed = listed.join(", ");
        match &self.why {
            MultiregionWhy::Forwarded { to } => format!(
                "cannot tell what Nomad {v} plans for job {id}: it is a multiregion job whose regions ({listed}) do not include the world's region {}, so Nomad's agent sends the plan to region {}, which the world does not describe; plan it against a world of that region, or list region {} in the job",
                go_quote(&self.region),
                go_quote(to),
                go_quote(&self.region),
            ),
            MultiregionWhy::Edition => {
                let fix = if self.imported {
                    "save agent-self.json from a server into the import (its build tag tells the edition)"
                } else {
                    "state it in rules/cluster.hcl: `edition = \"community\"` or `edition = \"enterprise\"` (or nomad_version = \"X.Y.Z+ent\")"
                };
                let what = if v.at_least(0, 12, 4) {
                    "which the community edition refuses (`Multiregion jobs are unlicensed.`) and Nomad Enterprise accepts"
                } else {
                    "which Nomad Enterprise rewrites for the region it plans in and the community edition plans as written"
                };
                format!(
                    "cannot tell whether Nomad {v}'s servers accept job {id}: it is a multiregion job (regions {listed}), {what}, and the world does not say which edition the servers run; {fix}"
                )
            }
            MultiregionWhy::EnterpriseRewrite => format!(
                "cannot tell what Nomad {v} Enterprise plans for job {id}: before planning a multiregion job its servers rewrite it for their region {} (datacenters, count, meta) in Enterprise's own code, which is not public; judge it on the cluster (`nomad job plan`)",
                go_quote(&self.region),
            ),
        }
    }

    /// `Preflight.Multiregion` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        let why = match &self.why {
            MultiregionWhy::Forwarded { to } => {
                serde_json::json!({"ForwardedTo": to, "WorldRegion": self.region})
            }
            MultiregionWhy::Edition => serde_json::json!({"EditionStated": false}),
            MultiregionWhy::EnterpriseRewrite => {
                serde_json::json!({"Edition": "enterprise", "RegionRewriteModelled": false})
            }
        };
        serde_json::json!({"Known": false, "Why": why, "Regions": self.regions})
    }

    /// A hint for diagnostics that carry the line.
    pub fn hint(&self) -> &'static str {
        match self.why {
            MultiregionWhy::Forwarded { .. } => {
                "list the world's region in the job, or plan against that region's world"
            }
            MultiregionWhy::Edition => {
                "state the servers' edition in the world: `edition = \"community\"` or `\"enterprise\"` in rules/cluster.hcl"
            }
            MultiregionWhy::EnterpriseRewrite => "judge the job on the cluster (`nomad job plan`)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Multiregion, MultiregionRegion};

    fn job(regions: &[&str]) -> Job {
        Job {
            id: "web".into(),
            multiregion: Some(Multiregion {
                regions: regions
                    .iter()
                    .map(|r| MultiregionRegion {
                        name: r.to_string(),
                        ..MultiregionRegion::default()
                    })
                    .collect(),
                ..Multiregion::default()
            }),
            ..Job::default()
        }
    }

    fn world(v: NomadVersion, edition: Option<Edition>) -> World {
        let mut w = World::empty(WorldOrigin::Embedded, std::path::PathBuf::from("/p"));
        w.nomad_version = v;
        w.stated_edition = edition;
        w
    }

    #[test]
    fn forwarding_comes_first_then_the_edition() {
        let v = NomadVersion::new(1, 6, 0);
        let why = |w: &World, j: &Job| plan_unknown(w, j).map(|u| u.why);
        // "global" is the world's region.
        assert_eq!(
            why(
                &world(v, Some(Edition::Community)),
                &job(&["east", "global"])
            ),
            None
        );
        assert_eq!(
            why(&world(v, Some(Edition::Community)), &job(&["east", "west"])),
            Some(MultiregionWhy::Forwarded { to: "east".into() })
        );
        assert_eq!(
            why(&world(v, None), &job(&["global"])),
            Some(MultiregionWhy::Edition)
        );
        assert_eq!(
            why(&world(v, Some(Edition::Enterprise)), &job(&["global"])),
            Some(MultiregionWhy::EnterpriseRewrite)
        );
        // A block listing no region is not multiregion.
        assert_eq!(why(&world(v, None), &job(&[])), None);
    }

    #[test]
    fn validate_needs_the_edition_from_0_12_4_only() {
        let j = job(&["east"]);
        assert!(validate_unknown(&world(NomadVersion::new(0, 12, 3), None), &j).is_none());
        assert!(validate_unknown(&world(NomadVersion::new(0, 12, 4), None), &j).is_some());
        let community = world(NomadVersion::new(0, 12, 4), Some(Edition::Community));
        assert!(validate_unknown(&community, &j).is_none());
    }

    #[test]
    fn quotas_imply_enterprise() {
        let mut w = world(NomadVersion::new(1, 6, 0), None);
        assert_eq!(w.edition(), None);
        w.quotas.insert("q".into(), Default::default());
        assert_eq!(w.edition(), Some(Edition::Enterprise));
    }
}
