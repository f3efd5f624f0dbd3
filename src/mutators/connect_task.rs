//! The tasks `jobConnectHook` injects (nomad/job_endpoint_hook_connect.go
//! `newConnectSidecarTask`, `newConnectGatewayTask`; `newConnectTask` before
//! 1.0.4), as each release builds them, and `SidecarTask.MergeIntoTask`
//! (nomad/structs/services.go), which applies a `sidecar_task` block to
//! one.

use std::collections::BTreeMap;

use crate::jobspec::{
    Constraint, Duration, Lifecycle, LogConfig, Resources, SidecarTask, Task, TaskGroup, Value,
    WorkloadIdentity,
};
use crate::version::NomadVersion;

pub(super) const PROXY_PREFIX: &str = "connect-proxy";
const ENVOY_BOOTSTRAP: &str = "${NOMAD_SECRETS_DIR}/envoy_bootstrap.json";
/// 1.0.0's `structs.EnvoyImageFormat`: the image of both tasks in that one
/// release (1.0.1 went back to the client's meta variables).
const ENVOY_IMAGE_1_0_0: &str = "envoyproxy/envoy:v${NOMAD_envoy_version}";

pub(super) fn constraint(l: &str, op: &str, r: &str) -> Constraint {
    Constraint {
        ltarget: l.into(),
        operand: op.into(),
        rtarget: r.into(),
        ..Constraint::default()
    }
}

/// `connectSidecarVersionConstraint` / `connectGatewayVersionConstraint`:
/// the sidecar's bound was `version >= 1.6.0beta1` in 0.10.0–0.10.1,
/// `semver >= 1.6.0-beta1` from 0.10.2, `>= 1.8.0` from 1.3 (as the
/// gateway's always was).
fn consul_version_constraint(gateway: bool, v: NomadVersion) -> Constraint {
    let key = "${attr.consul.version}";
    if gateway || v.at_least(1, 3, 0) {
        constraint(key, "semver", ">= 1.8.0")
    } else if v.at_least(0, 10, 2) {
        constraint(key, "semver", ">= 1.6.0-beta1")
    } else {
        constraint(key, "version", ">= 1.6.0beta1")
    }
}

/// `connectEnabledConstraint` (1.1.1–1.1.5) and `connectListenerConstraint`
/// (1.1.1+), after the Consul version one.
fn connect_constraints(v: NomadVersion) -> Vec<Constraint> {
    let mut out = Vec::new();
    if v.at_least(1, 1, 1) && !v.at_least(1, 1, 6) {
        out.push(constraint("${attr.consul.connect}", "=", "true"));
    }
    if v.at_least(1, 1, 1) {
        out.push(constraint("${attr.consul.grpc}", ">", "0"));
    }
    out
}

/// The Envoy task's driver config: the image variable, the bootstrap and
/// log-level arguments, `--concurrency` (1.0.0 for sidecars, 1.0.1 for
/// gateways), `--disable-hot-restart` (0.10.4), `network_mode = "host"`
/// for a gateway in host networking.
fn envoy_config(gateway: bool, host_network: bool, v: NomadVersion) -> BTreeMap<String, Value> {
    let s = |x: &str| Value::String(x.into());
    let image = if v == NomadVersion::new(1, 0, 0) {
        ENVOY_IMAGE_1_0_0
    } else if gateway {
        "${meta.connect.gateway_image}"
    } else {
        "${meta.connect.sidecar_image}"
    };
    let mut args = vec!["-c", ENVOY_BOOTSTRAP, "-l", "${meta.connect.log_level}"];
    let concurrency = if gateway {
        v.at_least(1, 0, 1)
    } else {
        v.at_least(1, 0, 0)
    };
    if concurrency {
        args.extend(["--concurrency", "${meta.connect.proxy_concurrency}"]);
    }
    if v.at_least(0, 10, 4) {
        args.push("--disable-hot-restart");
    }
    let mut m = BTreeMap::new();
    m.insert("image".into(), s(image));
    m.insert(
        "args".into(),
        Value::List(args.into_iter().map(s).collect()),
    );
    if host_network {
        m.insert("network_mode".into(), s("host"));
    }
    m
}

/// The fields every injected Envoy task shares: 250 MHz, 128 MB, two 2 MB
/// log files, a 5 s shutdown delay.
fn envoy_task(name: String, kind: String, driver: String, config: BTreeMap<String, Value>) -> Task {
    Task {
        name,
        kind,
        driver,
        config,
        shutdown_delay: Duration::secs(5),
        log_config: LogConfig {
            max_files: 2,
            max_file_size_mb: 2,
            ..LogConfig::default()
        },
        resources: Resources {
            cpu: 250,
            memory_mb: 128,
            ..Resources::default()
        },
        ..Task::default()
    }
}

/// The sidecar of `service`: a prestart sidecar task from 0.11.0 (before,
/// a plain task that runs beside the others).
pub(super) fn new_sidecar_task(service: &str, driver: String, v: NomadVersion) -> Task {
    let mut t = envoy_task(
        format!("{PROXY_PREFIX}-{service}"),
        format!("{PROXY_PREFIX}:{service}"),
        driver,
        envoy_config(false, false, v),
    );
    if v.at_least(0, 11, 0) {
        t.lifecycle = Some(Lifecycle {
            hook: "prestart".into(),
            sidecar: true,
            ..Lifecycle::default()
        });
    }
    t.constraints = vec![consul_version_constraint(false, v)];
    t.constraints.extend(connect_constraints(v));
    t
}

/// The gateway task of `service` (0.12.4+), named by the gateway's prefix.
pub(super) fn new_gateway_task(
    prefix: &str,
    service: &str,
    driver: String,
    host_network: bool,
    customized_tls: bool,
    v: NomadVersion,
) -> Task {
    let mut t = envoy_task(
        format!("{prefix}-{service}"),
        format!("{prefix}:{service}"),
        driver,
        envoy_config(true, host_network, v),
    );
    t.constraints = vec![consul_version_constraint(true, v)];
    t.constraints.extend(connect_constraints(v));
    if customized_tls && v.at_least(1, 4, 0) {
        t.constraints
            .push(constraint("${attr.consul.version}", "semver", ">= 1.11.2"));
    }
    t
}

/// `SidecarTask.MergeIntoTask`: what the `sidecar_task` block sets wins.
pub(super) fn merge_into_task(st: &SidecarTask, t: &mut Task) {
    if !st.name.is_empty() {
        t.name = st.name.clone();
    }
    if !st.driver.is_empty() && st.driver != t.driver {
        t.driver = st.driver.clone();
        t.config = st.config.clone();
    } else {
        t.config
            .extend(st.config.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if !st.user.is_empty() {
        t.user = st.user.clone();
    }
    t.env
        .extend(st.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(r) = &st.resources {
        // structs `Resources.Merge`: non-zero values win.
        let tr = &mut t.resources;
        let pick = |mine: &mut i64, theirs: i64| {
            if theirs != 0 {
                *mine = theirs;
            }
        };
        pick(&mut tr.cpu, r.cpu);
        pick(&mut tr.cores, r.cores);
        pick(&mut tr.memory_mb, r.memory_mb);
        pick(&mut tr.memory_max_mb, r.memory_max_mb);
        pick(&mut tr.disk_mb, r.disk_mb);
        pick(&mut tr.secrets_mb, r.secrets_mb);
        if !r.networks.is_empty() {
            tr.networks = r.networks.clone();
        }
        if !r.devices.is_empty() {
            tr.devices = r.devices.clone();
        }
    }
    t.meta
        .extend(st.meta.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(k) = st.kill_timeout {
        t.kill_timeout = k;
    }
    if let Some(l) = &st.log_config {
        if l.max_files > 0 {
            t.log_config.max_files = l.max_files;
        }
        if l.max_file_size_mb > 0 {
            t.log_config.max_file_size_mb = l.max_file_size_mb;
        }
    }
    if let Some(d) = st.shutdown_delay {
        t.shutdown_delay = d;
    }
    if !st.kill_signal.is_empty() {
        t.kill_signal = st.kill_signal.clone();
    }
    if !st.volume_mounts.is_empty() {
        t.volume_mounts = st.volume_mounts.clone();
    }
    if !st.identities.is_empty() {
        t.identities = st.identities.clone();
    }
}

/// `Task.Canonicalize` on the injected task: default kill timeout, the
/// group's restart policy (0.11+), the default workload identity (1.7+).
/// The hook calls it itself from 0.10.2; before, it ran ahead of the job
/// canonicaliser, which then did the same.
pub(super) fn canonicalize(t: &mut Task, g: &TaskGroup, v: NomadVersion) {
    if t.kill_timeout == Duration(0) {
        t.kill_timeout = Duration::secs(5);
    }
    if v.at_least(0, 11, 0) && t.restart.is_none() {
        t.restart = Some(g.restart.clone());
    }
    if v.at_least(1, 7, 0) && t.identity.is_none() {
        t.identity = Some(WorkloadIdentity {
            name: "default".into(),
            audience: vec!["nomadproject.io".into()],
            ..WorkloadIdentity::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(t: &Task) -> Vec<String> {
        match t.config.get("args") {
            Some(Value::List(l)) => l
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => format!("{other:?}"),
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn image(t: &Task) -> &Value {
        t.config.get("image").expect("image")
    }

    #[test]
    fn sidecar_task_follows_each_release() {
        let v = NomadVersion::new;
        let t = new_sidecar_task("api", "docker".into(), v(0, 10, 0));
        assert_eq!(
            args(&t),
            ["-c", ENVOY_BOOTSTRAP, "-l", "${meta.connect.log_level}"]
        );
        assert_eq!(t.lifecycle, None);
        assert_eq!(
            t.constraints,
            [constraint(
                "${attr.consul.version}",
                "version",
                ">= 1.6.0beta1"
            )]
        );
        let t = new_sidecar_task("api", "docker".into(), v(0, 10, 4));
        assert_eq!(
            args(&t).last().map(String::as_str),
            Some("--disable-hot-restart")
        );
        assert_eq!(t.constraints[0].rtarget, ">= 1.6.0-beta1");
        assert_eq!(t.constraints[0].operand, "semver");
        let t = new_sidecar_task("api", "docker".into(), v(0, 11, 0));
        assert!(t.lifecycle.as_ref().is_some_and(|l| l.sidecar));
        let t = new_sidecar_task("api", "docker".into(), v(1, 0, 0));
        assert_eq!(*image(&t), Value::String(ENVOY_IMAGE_1_0_0.into()));
        assert!(args(&t).contains(&"--concurrency".to_string()));
        let t = new_sidecar_task("api", "docker".into(), v(1, 0, 1));
        assert_eq!(
            *image(&t),
            Value::String("${meta.connect.sidecar_image}".into())
        );
        assert_eq!(t.constraints.len(), 1);
        let t = new_sidecar_task("api", "docker".into(), v(1, 1, 0));
        assert_eq!(t.constraints.len(), 1);
        // 1.1.1-1.1.5 also required Connect to be enabled.
        let t = new_sidecar_task("api", "docker".into(), v(1, 1, 1));
        assert_eq!(t.constraints.len(), 3);
        assert_eq!(t.constraints[1].ltarget, "${attr.consul.connect}");
        let t = new_sidecar_task("api", "docker".into(), v(1, 1, 6));
        assert_eq!(t.constraints.len(), 2);
        assert_eq!(t.constraints[1].ltarget, "${attr.consul.grpc}");
    }

    fn bridge_ingress(v: NomadVersion) -> Task {
        new_gateway_task("connect-ingress", "ig", "docker".into(), false, false, v)
    }

    #[test]
    fn gateway_task_follows_each_release() {
        let v = NomadVersion::new;
        let t = new_gateway_task(
            "connect-ingress",
            "ig",
            "docker".into(),
            true,
            false,
            v(0, 12, 4),
        );
        assert_eq!(t.name, "connect-ingress-ig");
        assert_eq!(
            *image(&t),
            Value::String("${meta.connect.gateway_image}".into())
        );
        assert!(!args(&t).contains(&"--concurrency".to_string()));
        assert_eq!(
            t.config.get("network_mode"),
            Some(&Value::String("host".into()))
        );
        assert_eq!(t.lifecycle, None);
        // 1.0.0 gave the gateway the image format but not yet --concurrency.
        let t = bridge_ingress(v(1, 0, 0));
        assert_eq!(*image(&t), Value::String(ENVOY_IMAGE_1_0_0.into()));
        assert!(!args(&t).contains(&"--concurrency".to_string()));
        assert_eq!(t.config.get("network_mode"), None);
        let t = bridge_ingress(v(1, 0, 1));
        assert!(args(&t).contains(&"--concurrency".to_string()));
        assert_eq!(t.constraints[0].rtarget, ">= 1.8.0");
    }
}
