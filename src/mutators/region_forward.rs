//! A job sent to a region the world does not describe (redteam9 R9-3).
//!
//! Nomad's CLI asks for the region the file writes, else `NOMAD_REGION`
//! ([`crate::jobspec::AskedRegion`]), and the request is answered there:
//!
//! - `nomad job plan`: before 0.12.0 the agent forwards the Plan RPC to
//!   the query's region, else plans in its own (command/agent/http.go@v0.9.3
//!   :432-438 parseRegion, job_endpoint.go@v0.11.0:160-170) — except
//!   0.9.4, which sends a job without region to its canonical region
//!   "global" (job_endpoint.go@v0.9.4:144-160, hashicorp/nomad#5664; fixed
//!   in 0.9.5 by #6064); from 0.12.0
//!   regionForJob takes the query's region, else the job's, where "" and
//!   "global" are the agent's own (job_endpoint.go@v1.7.2:950-1000), and
//!   sends a multiregion job to a region it lists;
//! - `nomad job validate`: the query's region, else the agent's ("global"
//!   included: ValidateJobRequest has no regionForJob, job_endpoint.go
//!   @v1.7.2:196-226).
//!
//! The servers forward an RPC for another region (nomad/rpc.go@v1.7.2
//! forward, findRegionServer :695-702). A federation without that region
//! answers `No path to region` (structs.ErrNoRegionPath): `nomad job plan`
//! prints `Error during plan: Unexpected response code: 500 (No path to
//! region)` and exits 255; `nomad job validate` validates locally
//! (validateLocal, after `Driver configuration not validated since
//! connection to Nomad agent couldn't be established.`). A federation
//! with it answers from that region's clients, jobs, namespaces and
//! settings. A world describes one region and not the federation, so
//! neither answer is known here: every command says so in one line.

use crate::gotext::go_quote;
use crate::jobspec::agent_region::GLOBAL;
use crate::jobspec::{is_multiregion, Job};
use crate::version::NomadVersion;
use crate::world::{World, WorldOrigin};

/// The command whose request goes elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Plan,
    Validate,
}

/// Who asked for the region the request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskedBy {
    /// The job file's `region`.
    File,
    /// `NOMAD_REGION`, the file writing none.
    Env,
    /// Nobody: the release's agent sends a job without region there.
    Default,
}

/// A request the agent sends to a region the world does not describe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionUnknown {
    pub sent: Sent,
    pub asked_by: AskedBy,
    pub version: NomadVersion,
    /// The region the request goes to.
    pub to: String,
    /// The world's region.
    pub region: String,
    /// An imported world (its region is agent-self.json's).
    pub imported: bool,
}

/// The region a plan of `job` is made in, by an agent of region `agent`.
pub fn plan_region(job: &Job, version: NomadVersion, agent: &str) -> String {
    let asked = match job.asked_region.query.as_deref() {
        // 0.9.4: the canonical region ("global"; an empty one is the
        // agent's, parseRegion).
        None if version.at_least(0, 9, 4) && !version.at_least(0, 9, 5) => {
            Some(job.region.as_str())
                .filter(|r| !r.is_empty())
                .unwrap_or(agent)
        }
        None => agent,
        Some(GLOBAL) if version.at_least(0, 12, 0) => agent,
        Some(r) => r,
    };
    // regionForJob: a multiregion job goes to a region it lists.
    if version.at_least(0, 12, 0) && is_multiregion(job) {
        let listed = job.multiregion.iter().flat_map(|m| &m.regions);
        let names: Vec<&str> = listed.map(|r| r.name.as_str()).collect();
        if !names.contains(&asked) {
            return names.first().copied().unwrap_or(asked).to_string();
        }
    }
    asked.to_string()
}

/// A plan of `job` that the agent sends to another region than the
/// world's. A multiregion job that does not list the world's region is
/// [`super::multiregion`]'s to say.
pub fn plan_unknown(world: &World, job: &Job) -> Option<RegionUnknown> {
    let v = world.nomad_version;
    let listed = |r: &str| {
        job.multiregion
            .iter()
            .flat_map(|m| &m.regions)
            .any(|l| l.name == r)
    };
    if v.at_least(0, 12, 0) && is_multiregion(job) && !listed(&world.region) {
        return None;
    }
    let to = plan_region(job, v, &world.region);
    unknown(world, job, Sent::Plan, to)
}

/// A validation of `job` that the agent sends to another region than the
/// world's.
pub fn validate_unknown(world: &World, job: &Job) -> Option<RegionUnknown> {
    let to = job
        .asked_region
        .query
        .clone()
        .unwrap_or_else(|| world.region.clone());
    unknown(world, job, Sent::Validate, to)
}

fn unknown(world: &World, job: &Job, sent: Sent, to: String) -> Option<RegionUnknown> {
    let asked_by = match &job.asked_region {
        a if a.query.is_none() => AskedBy::Default,
        a if a.from_env => AskedBy::Env,
        _ => AskedBy::File,
    };
    (to != world.region).then(|| RegionUnknown {
        sent,
        asked_by,
        version: world.nomad_version,
        to,
        region: world.region.clone(),
        imported: matches!(world.origin, WorldOrigin::Import(_)),
    })
}

impl RegionUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let v = self.version;
        let id = go_quote(&job.id);
        let to = go_quote(&self.to);
        let whose = match self.asked_by {
            AskedBy::File => format!("the job file asks for region {to}"),
            AskedBy::Env => format!("NOMAD_REGION asks for region {to}"),
            AskedBy::Default => format!(
                "it names no region, and this release's agent sends such a job to its default region {to} (hashicorp/nomad#6064, fixed in 0.9.5)"
            ),
        };
        let world = if self.imported {
            "the imported cluster's region"
        } else {
            "the world's region"
        };
        let here = go_quote(&self.region);
        match self.sent {
            Sent::Plan => format!(
                "cannot tell what Nomad {v} plans for job {id}: {whose}, not {world} {here}, so the agent sends the plan there; that region's servers plan it on clients and jobs the world does not describe, or answer `No path to region` if the federation has no such region"
            ),
            Sent::Validate => format!(
                "cannot tell what Nomad {v} says of job {id}: {whose}, not {world} {here}, so the agent sends the validation there; that region's servers validate it, or, if the federation has no such region, Nomad validates it locally (`Driver configuration not validated since connection to Nomad agent couldn't be established.`)"
            ),
        }
    }

    /// `Preflight.Region` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "ForwardedTo": self.to,
            "WorldRegion": self.region,
            "FromEnv": self.asked_by == AskedBy::Env,
        })
    }

    /// A hint for diagnostics that carry the line.
    pub fn hint(&self) -> &'static str {
        if self.asked_by == AskedBy::Env {
            "unset NOMAD_REGION (or set it to the world's region), or judge the job against a world of that region"
        } else {
            "judge the job against a world of that region, or give it the world's region"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{AskedRegion, Multiregion, MultiregionRegion};

    fn job(query: Option<&str>, regions: &[&str]) -> Job {
        Job {
            id: "web".into(),
            asked_region: AskedRegion {
                query: query.map(str::to_string),
                from_env: false,
            },
            multiregion: (!regions.is_empty()).then(|| Multiregion {
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

    fn world(v: NomadVersion) -> World {
        let mut w = World::empty(WorldOrigin::Embedded, std::path::PathBuf::from("/p"));
        w.nomad_version = v;
        w.region = "eu".into();
        w
    }

    fn to(v: NomadVersion, j: &Job) -> Option<String> {
        plan_unknown(&world(v), j).map(|u| u.to)
    }

    #[test]
    fn the_plan_goes_where_the_agent_sends_it() {
        let new = NomadVersion::new(1, 7, 2);
        let old = NomadVersion::new(0, 11, 0);
        for v in [new, old] {
            assert_eq!(to(v, &job(None, &[])), None, "{v}");
            assert_eq!(to(v, &job(Some("eu"), &[])), None, "{v}");
            assert_eq!(to(v, &job(Some("us"), &[])), Some("us".into()), "{v}");
        }
        // "global" is the agent's own only from regionForJob (0.12.0).
        assert_eq!(to(new, &job(Some("global"), &[])), None);
        assert_eq!(to(old, &job(Some("global"), &[])), Some("global".into()));
        // Validation never maps "global".
        let u = validate_unknown(&world(new), &job(Some("global"), &[]));
        assert_eq!(u.map(|u| u.to), Some("global".into()));
    }

    #[test]
    fn at_0_9_4_a_job_without_region_goes_to_global() {
        let mut j = job(None, &[]);
        j.region = "global".into();
        let v = NomadVersion::new(0, 9, 4);
        assert_eq!(to(v, &j), Some("global".into()));
        assert_eq!(to(NomadVersion::new(0, 9, 5), &j), None);
        assert_eq!(to(NomadVersion::new(0, 9, 3), &j), None);
        j.region.clear();
        assert_eq!(to(v, &j), None);
    }

    #[test]
    fn a_multiregion_job_goes_to_a_region_it_lists() {
        let v = NomadVersion::new(1, 7, 2);
        // Listing the world's region: the asked one if listed.
        assert_eq!(to(v, &job(None, &["us", "eu"])), None);
        assert_eq!(to(v, &job(Some("us"), &["us", "eu"])), Some("us".into()));
        assert_eq!(to(v, &job(Some("ap"), &["eu", "us"])), None);
        // Not listing it: multiregion's own cannot-tell.
        assert_eq!(to(v, &job(None, &["us"])), None);
    }
}
