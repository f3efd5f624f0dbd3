//! The environment `groupConnectHook` (1.0.2+) interpolates a sidecar's or
//! gateway's service name with before naming the task it injects
//! (`connect-proxy-<name>`): `taskenv.NewBuilder(nil, alloc, nil,
//! region).Build()` for an allocation that holds only the job and the
//! group's name (client/taskenv/env.go). What it knows at submission time:
//!
//! - `NOMAD_ALLOC_INDEX` `0` (`Allocation.Index` of an empty name),
//!   `NOMAD_GROUP_NAME`, `NOMAD_JOB_ID`, `NOMAD_JOB_NAME`,
//!   `NOMAD_JOB_PARENT_ID` (when set) and `NOMAD_REGION`; no alloc ID, no
//!   namespace (the allocation's is empty), no datacenter (no node);
//! - `NOMAD_UPSTREAM_{IP,PORT,ADDR}_<destination>` of the group's sidecar
//!   upstreams, as written and with the name cleaned;
//! - `NOMAD_META_<KEY>` and `NOMAD_META_<key>` of the job's meta merged with
//!   the group's (`CombinedTaskMeta` without a task), values interpolated
//!   against what precedes them, keys cleaned (`helper.CleanEnvVar`);
//! - the node attribute `node.region`.
//!
//! Any other `${...}` stays as written, as `helper/args.ReplaceEnv` leaves
//! what it does not know.

use std::collections::HashMap;

use crate::gotext::replace_env;
use crate::jobspec::{Job, TaskGroup};

pub(super) struct SubmitEnv {
    env: HashMap<String, String>,
    region: String,
}

impl SubmitEnv {
    pub(super) fn new(job: &Job, g: &TaskGroup) -> SubmitEnv {
        let mut env = HashMap::new();
        let mut set = |k: &str, v: &str| {
            if !v.is_empty() {
                env.insert(k.to_string(), v.to_string());
            }
        };
        set("NOMAD_GROUP_NAME", &g.name);
        set("NOMAD_ALLOC_INDEX", "0");
        set("NOMAD_JOB_ID", &job.id);
        set("NOMAD_JOB_NAME", &job.name);
        set("NOMAD_JOB_PARENT_ID", &job.parent_id);
        set("NOMAD_REGION", &job.region);
        let upstreams = g
            .services
            .iter()
            .filter_map(|s| s.connect.as_ref())
            .filter(|c| c.has_sidecar())
            .filter_map(|c| c.sidecar_service.as_ref()?.proxy.as_ref())
            .flat_map(|p| &p.upstreams);
        for u in upstreams {
            let port = u.local_bind_port.to_string();
            let addr = format!("127.0.0.1:{port}");
            for name in [
                u.destination_name.clone(),
                clean_env_var(&u.destination_name),
            ] {
                env.insert(format!("NOMAD_UPSTREAM_IP_{name}"), "127.0.0.1".into());
                env.insert(format!("NOMAD_UPSTREAM_PORT_{name}"), port.clone());
                env.insert(format!("NOMAD_UPSTREAM_ADDR_{name}"), addr.clone());
            }
        }
        let mut meta = job.meta.clone();
        meta.extend(g.meta.iter().map(|(k, v)| (k.clone(), v.clone())));
        let region = job.region.clone();
        // Meta values see the variables set before them, not each other.
        let mut entries = Vec::with_capacity(meta.len() * 2);
        for (k, v) in &meta {
            // Node attributes first, then the map built so far.
            let value = replace_env(v, |key| {
                (key == "node.region")
                    .then_some(region.as_str())
                    .or_else(|| env.get(key).map(String::as_str))
            });
            for key in [k.to_uppercase(), k.clone()] {
                entries.push((clean_env_var(&format!("NOMAD_META_{key}")), value.clone()));
            }
        }
        env.extend(entries);
        SubmitEnv { env, region }
    }

    /// `TaskEnv.ReplaceEnv`: the environment first, then `node.region`.
    pub(super) fn replace(&self, arg: &str) -> String {
        replace_env(arg, |key| {
            self.env
                .get(key)
                .map(String::as_str)
                .or_else(|| (key == "node.region").then_some(self.region.as_str()))
        })
    }
}

/// `helper.CleanEnvVar(s, '_')`: every byte but letters, `_`, `.` and
/// (after the first) digits becomes `_`, one per byte.
fn clean_env_var(s: &str) -> String {
    s.bytes()
        .enumerate()
        .map(|(i, c)| match c {
            b'_' | b'.' | b'a'..=b'z' | b'A'..=b'Z' => c as char,
            b'0'..=b'9' if i > 0 => c as char,
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        let mut j = crate::jobspec::model::one_task_job(crate::jobspec::JobType::Service);
        j.id = "web".into();
        j.name = "web-app".into();
        j.region = "global".into();
        j.meta.insert("team".into(), "pay-${NOMAD_JOB_ID}".into());
        j.groups[0].meta.insert("tier-1".into(), "front".into());
        j
    }

    #[test]
    fn what_the_hook_knows_at_submission() {
        let j = job();
        let env = SubmitEnv::new(&j, &j.groups[0]);
        let g = &j.groups[0].name;
        assert_eq!(
            env.replace("${NOMAD_JOB_NAME}-${NOMAD_GROUP_NAME}-${NOMAD_ALLOC_INDEX}"),
            format!("web-app-{g}-0")
        );
        assert_eq!(g, "g");
        assert_eq!(env.replace("x"), "x");
        assert_eq!(env.replace("${NOMAD_JOB_ID}.${node.region}"), "web.global");
        // Meta: upper-cased and as written, keys cleaned, values
        // interpolated.
        assert_eq!(env.replace("${NOMAD_META_TEAM}"), "pay-web");
        assert_eq!(env.replace("${NOMAD_META_tier_1}"), "front");
        assert_eq!(env.replace("${NOMAD_META_TIER_1}"), "front");
        // Unknown at submission: left as written.
        for unknown in [
            "${NOMAD_NAMESPACE}",
            "${NOMAD_DC}",
            "${NOMAD_ALLOC_ID}",
            "${attr.x}",
        ] {
            assert_eq!(env.replace(unknown), unknown);
        }
    }

    #[test]
    fn cleans_as_helper_does() {
        assert_eq!(clean_env_var("a-b.c_9"), "a_b.c_9");
        assert_eq!(clean_env_var("9a"), "_a");
        assert_eq!(clean_env_var("é"), "__");
    }
}
