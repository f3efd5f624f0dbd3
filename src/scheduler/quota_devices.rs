//! Device limits of a quota: what nomad-preflight cannot know.
//!
//! A quota's `region_limit` may hold `device "NAME" { count = N }` blocks
//! (`RegionLimit.Devices` in the API). Nomad Enterprise counts them in its
//! private quota code: which device asks a limit's name matches (`gpu`
//! against `nvidia/gpu/1080ti`), what `count = 0` or a negative count means,
//! and the words of the refusal are not public. So a job that asks for a
//! device in a namespace whose quota limits devices cannot be judged: the
//! plan, `check` (NP307) and the world's loading each say so from this one
//! function, and no plan prints Nomad's success text in its place.

use crate::jobspec::Job;
use crate::world::World;

/// One `device` ask of the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAsk {
    pub group: String,
    pub task: String,
    pub name: String,
    pub count: i64,
}

/// A job whose device asks meet a quota's device limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceQuotaUnknown {
    pub quota: String,
    pub region: String,
    pub namespace: String,
    /// The quota's device limits in the region, by name.
    pub limits: Vec<(String, i64)>,
    pub asks: Vec<DeviceAsk>,
}

/// Every `device` ask of `job`, in job order.
pub fn device_asks(job: &Job) -> Vec<DeviceAsk> {
    job.groups
        .iter()
        .flat_map(|g| g.tasks.iter().map(move |t| (g, t)))
        .flat_map(|(g, t)| {
            t.resources.devices.iter().map(move |d| DeviceAsk {
                group: g.name.clone(),
                task: t.name.clone(),
                name: d.name.clone(),
                count: d.count,
            })
        })
        .collect()
}

/// The device limits of `job`'s quota that its device asks meet, if any.
/// A stopped job asks for nothing; a job without device asks is judged on
/// cpu and memory alone, which we count as Nomad does.
pub fn device_quota_unknown(world: &World, job: &Job) -> Option<DeviceQuotaUnknown> {
    if job.stop {
        return None;
    }
    let (quota, limit) = super::quota::binding_limit(world, &job.namespace)?;
    if limit.devices.is_empty() {
        return None;
    }
    let asks = device_asks(job);
    if asks.is_empty() {
        return None;
    }
    Some(DeviceQuotaUnknown {
        quota: quota.to_string(),
        region: world.region.clone(),
        namespace: job.namespace.clone(),
        limits: limit.devices.iter().map(|(n, c)| (n.clone(), *c)).collect(),
        asks,
    })
}

/// `device "nvidia/gpu" count 1, device "fpga" count 2`: a quota's limits.
pub fn limits_text(limits: &[(String, i64)]) -> String {
    limits
        .iter()
        .map(|(n, c)| format!("device {} count {c}", crate::gotext::go_quote(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl DeviceQuotaUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let asks: Vec<String> = self
            .asks
            .iter()
            .map(|a| {
                format!(
                    "{} × {} (group {}, task {})",
                    a.count,
                    crate::gotext::go_quote(&a.name),
                    crate::gotext::go_quote(&a.group),
                    crate::gotext::go_quote(&a.task)
                )
            })
            .collect();
        format!(
            "cannot tell whether job {} fits quota {}: it asks for devices ({}) and the quota limits {} in region {}, but Nomad Enterprise's device quota counting is not public; judge it on the cluster (`nomad job plan`), or remove the quota's device limits from the world",
            crate::gotext::go_quote(&job.id),
            crate::gotext::go_quote(&self.quota),
            asks.join(", "),
            limits_text(&self.limits),
            crate::gotext::go_quote(&self.region),
        )
    }

    /// `Preflight.DeviceQuota` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "Quota": self.quota,
            "Region": self.region,
            "Namespace": self.namespace,
            "Limits": self.limits.iter().map(|(n, c)| serde_json::json!({"Name": n, "Count": c})).collect::<Vec<_>>(),
            "Asks": self.asks.iter().map(|a| serde_json::json!({
                "TaskGroup": a.group, "Task": a.task, "Name": a.name, "Count": a.count,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::RegionLimit;

    fn world(devices: &[(&str, i64)], region: &str) -> World {
        let limit = RegionLimit {
            cpu: Some(100_000),
            devices: devices.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
            ..RegionLimit::default()
        };
        crate::rules::testing::quota_world("gpu", region, limit)
    }

    fn job(ns: &str, device: Option<&str>) -> Job {
        let dev = device
            .map(|d| format!("device \"{d}\" {{\n count = 2\n }}\n"))
            .unwrap_or_default();
        let text = format!(
            "job \"train\" {{\n namespace = \"{ns}\"\n datacenters = [\"dc1\"]\n group \"g\" {{\n task \"t\" {{\n driver = \"docker\"\n resources {{\n cpu = 100\n {dev} }}\n }}\n }}\n}}\n"
        );
        let p = crate::rules::testing::load("train.nomad", &text);
        p.job.expect("the test job loads")
    }

    #[test]
    fn a_device_ask_under_a_device_limit_is_unknown() {
        let w = world(&[("nvidia/gpu", 1)], "global");
        let u = device_quota_unknown(&w, &job("ml", Some("nvidia/gpu"))).expect("unknown");
        assert_eq!(u.quota, "gpu");
        assert_eq!(u.limits, vec![("nvidia/gpu".to_string(), 1)]);
        assert_eq!(u.asks.len(), 1);
        assert_eq!(u.asks[0].count, 2);
        let line = u.line(&job("ml", Some("nvidia/gpu")));
        assert!(
            line.starts_with("cannot tell whether job \"train\" fits quota \"gpu\": it asks for devices (2 × \"nvidia/gpu\" (group \"g\", task \"t\")) and the quota limits device \"nvidia/gpu\" count 1 in region \"global\""),
            "{line}"
        );
        assert_eq!(u.json()["Known"], false);
        assert_eq!(u.json()["Limits"][0]["Name"], "nvidia/gpu");
    }

    #[test]
    fn known_when_nothing_meets_a_device_limit() {
        let w = world(&[("nvidia/gpu", 1)], "global");
        // No device asked: cpu and memory are counted as Nomad counts them.
        assert_eq!(device_quota_unknown(&w, &job("ml", None)), None);
        // Another namespace, without the quota.
        assert_eq!(
            device_quota_unknown(&w, &job("default", Some("nvidia/gpu"))),
            None
        );
        // The quota limits devices in another region only.
        let other = world(&[("nvidia/gpu", 1)], "europe");
        assert_eq!(
            device_quota_unknown(&other, &job("ml", Some("nvidia/gpu"))),
            None
        );
        // No device limit at all.
        let none = world(&[], "global");
        assert_eq!(
            device_quota_unknown(&none, &job("ml", Some("nvidia/gpu"))),
            None
        );
        // A stop frees devices: nothing to count.
        let mut stopped = job("ml", Some("nvidia/gpu"));
        stopped.stop = true;
        assert_eq!(device_quota_unknown(&w, &stopped), None);
    }
}
