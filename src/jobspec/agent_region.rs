//! The region a job is sent with and planned in: what Nomad's CLI asks for
//! ([`AskedRegion`]), and the region its HTTP agent gives the job before
//! the servers see it.
//!
//! - Before 0.9.5 the agent keeps the job's region: an absent one is api
//!   `Canonicalize`'s "global", an explicit empty one fails Job.Validate
//!   (command/agent/job_endpoint.go@v0.9.4 jobPlan, jobUpdate).
//! - 0.9.5–0.11.x: jobPlan and jobUpdate give a job whose region is absent,
//!   empty or "global" the agent's region (job_endpoint.go@v0.9.5:148-152,
//!   @v0.11.0:152-156, hashicorp/nomad#6064); the request still goes where
//!   the query says.
//! - 0.12.0+: regionForJob (job_endpoint.go@v0.12.0:708-757,
//!   @v1.7.2:950-1000): the query's region, else the job's; "" and
//!   "global" are the agent's; a multiregion job's is "global".
//!
//! The Validate endpoint does none of this (`as_sent_to_validate`).

use super::model::{AskedRegion, Job};
use super::LoadOptions;

/// Nomad's default region, of an agent that sets none and of a job that
/// writes none (api `GlobalRegion`).
pub const GLOBAL: &str = "global";

/// Record what the CLI asks for and give `job` the region the agent of
/// `opts.agent_region` gives it, per release.
pub(super) fn apply(job: &mut Job, opts: &LoadOptions) {
    let v = opts.version;
    let written = job.spans.written("region");
    job.asked_region = if written {
        AskedRegion {
            query: Some(job.region.clone()).filter(|r| !r.is_empty()),
            from_env: false,
        }
    } else {
        let env = opts.env_region.clone().filter(|r| !r.is_empty());
        AskedRegion {
            from_env: env.is_some(),
            query: env,
        }
    };
    if !v.at_least(0, 9, 5) {
        return;
    }
    let agent = opts.agent_region.as_deref().unwrap_or(GLOBAL);
    if v.at_least(0, 12, 0) {
        if let Some(q) = &job.asked_region.query {
            job.region = q.clone();
        }
        if job.multiregion.is_some() {
            job.region = GLOBAL.into();
            return;
        }
    }
    if job.region.is_empty() || job.region == GLOBAL {
        job.region = agent.into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::NomadVersion;

    fn load(head: &str, v: NomadVersion, agent: &str, env: Option<&str>) -> Job {
        let text = format!("job \"a\" {{\n{head}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n");
        let mut mem = crate::vfs::MemVfs::new("test");
        mem.insert("j.nomad", text.as_str());
        let opts = LoadOptions {
            version: v,
            agent_region: Some(agent.into()),
            env_region: env.map(str::to_string),
            ..LoadOptions::default()
        };
        super::super::load(&mem, std::path::Path::new("j.nomad"), &opts)
            .job
            .unwrap_or_else(|| panic!("{head}"))
    }

    #[test]
    fn from_0_9_5_absent_empty_and_global_are_the_agents_region() {
        for v in [(0, 9, 5), (0, 11, 0), (0, 12, 0), (1, 7, 2)] {
            let v = NomadVersion::new(v.0, v.1, v.2);
            for head in ["", "  region = \"\"\n", "  region = \"global\"\n"] {
                assert_eq!(load(head, v, "eu", None).region, "eu", "{v} {head}");
            }
            assert_eq!(load("  region = \"us\"\n", v, "eu", None).region, "us");
        }
        let old = NomadVersion::new(0, 9, 4);
        assert_eq!(load("", old, "eu", None).region, "global");
        assert_eq!(
            load("  region = \"global\"\n", old, "eu", None).region,
            "global"
        );
        assert_eq!(load("  region = \"\"\n", old, "eu", None).region, "");
    }

    #[test]
    fn the_file_s_region_is_asked_for_else_nomad_region() {
        let v = NomadVersion::new(1, 7, 2);
        let asked = |head: &str, env: Option<&str>| {
            let a = load(head, v, "eu", env).asked_region;
            (a.query, a.from_env)
        };
        assert_eq!(asked("", None), (None, false));
        assert_eq!(asked("", Some("")), (None, false));
        assert_eq!(asked("", Some("us")), (Some("us".into()), true));
        assert_eq!(
            asked("  region = \"ap\"\n", Some("us")),
            (Some("ap".into()), false)
        );
        // An empty region clears the client's (SetRegion("")).
        assert_eq!(asked("  region = \"\"\n", Some("us")), (None, false));
        // regionForJob (0.12+): the query's region is the job's.
        assert_eq!(load("", v, "eu", Some("us")).region, "us");
        assert_eq!(load("", v, "eu", Some("global")).region, "eu");
        // Before, the job's own (absent: the agent's).
        let v11 = NomadVersion::new(0, 11, 0);
        assert_eq!(load("", v11, "eu", Some("us")).region, "eu");
    }
}
