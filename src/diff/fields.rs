//! Flattening of the typed job model into Nomad's `name -> string` maps
//! (`helper/flatmap`), per Nomad version: each release has its own struct
//! fields, and a field that does not exist in a version must not appear.
//!
//! A few late service fields have no place in our job model yet (Address,
//! Cluster, Kind): they print Nomad's default value, which is what a job
//! that does not set them shows; the job's unmodelled part reports them.

use std::collections::BTreeMap;

use crate::jobspec::{self as js, Duration, Value};
use crate::version::NomadVersion;

use super::engine::Flat;
use super::gofmt::format_float;

/// Which struct fields exist in the simulated Nomad version.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub version: NomadVersion,
}

impl Dialect {
    pub fn new(version: NomadVersion) -> Self {
        Dialect { version }
    }
    pub fn at(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.version.at_least(major, minor, patch)
    }
    /// 0.10 added group networks/services to the diff, Port.To, Network.Mode, Task.Kind.
    pub fn v010(&self) -> bool {
        self.at(0, 10, 0)
    }
    /// For a change backported to patch releases of older lines: the first
    /// release of each line that has it, oldest first.
    pub fn since(&self, lines: &[(u32, u32, u32)]) -> bool {
        let since: Vec<NomadVersion> = lines
            .iter()
            .map(|&(a, b, c)| NomadVersion::new(a, b, c))
            .collect();
        self.version.has_since(&since)
    }
}

/// Builder for one flattened struct.
#[derive(Default)]
pub struct F(Flat);

impl F {
    pub fn s(mut self, name: &str, v: &str) -> Self {
        self.0.insert(name.to_string(), v.to_string());
        self
    }
    pub fn b(self, name: &str, v: bool) -> Self {
        self.s(name, if v { "true" } else { "false" })
    }
    pub fn i(self, name: &str, v: i64) -> Self {
        self.s(name, &v.to_string())
    }
    pub fn d(self, name: &str, v: Duration) -> Self {
        self.s(name, &v.nanos().to_string())
    }
    /// Maps are flattened even in primitive mode: `Meta[key]`.
    pub fn map(mut self, name: &str, m: &js::Map) -> Self {
        for (k, v) in m {
            self.0.insert(format!("{name}[{k}]"), v.clone());
        }
        self
    }
    pub fn when(self, cond: bool, f: impl FnOnce(Self) -> Self) -> Self {
        if cond {
            f(self)
        } else {
            self
        }
    }
    pub fn done(self) -> Flat {
        self.0
    }
}

pub fn job(j: &js::Job, d: Dialect) -> Flat {
    F::default()
        .b("AllAtOnce", j.all_at_once)
        .b("Dispatched", j.dispatched)
        .map("Meta", &j.meta)
        .s("Name", &j.name)
        .s("Namespace", &j.namespace)
        .s("ParentID", &j.parent_id)
        .i("Priority", j.priority)
        .s("Region", &j.region)
        .b("Stop", j.stop)
        .s("Type", j.job_type.as_str())
        // Job.Diff filters it from 1.3.6; the field is gone in 1.10.
        .when(!d.at(1, 3, 6), |f| f.s("VaultToken", &j.vault_token))
        .when(d.at(0, 10, 4) && !d.at(1, 10, 0), |f| {
            f.s("ConsulToken", &j.consul_token)
        })
        .when(d.at(1, 6, 0), |f| f.s("NodePool", &j.node_pool))
        // Primitive fields of structs.Job from 1.1.0 and 0.12.2, which
        // Job.Diff flattens as any other (nomad/structs/diff.go v1.6.0
        // :76-102, no filter for them through v2.0.5).
        .when(d.at(1, 1, 0), |f| {
            f.s("ConsulNamespace", &j.consul_namespace)
        })
        .when(d.at(0, 12, 2), |f| {
            f.s("VaultNamespace", &j.vault_namespace)
        })
        .done()
}

pub fn group(g: &js::TaskGroup, d: Dialect) -> Flat {
    F::default()
        .i("Count", g.count)
        .map("Meta", &g.meta)
        .when(d.at(1, 7, 2), |f| {
            f.b("PreventRescheduleOnLost", g.prevent_reschedule_on_lost)
        })
        .done()
}

pub fn task(t: &js::Task, d: Dialect) -> Flat {
    F::default()
        .s("Driver", &t.driver)
        .map("Env", &t.env)
        .d("KillTimeout", t.kill_timeout)
        .s("KillSignal", &t.kill_signal)
        .when(d.v010(), |f| f.s("Kind", &t.kind))
        .b("Leader", t.leader)
        .map("Meta", &t.meta)
        .d("ShutdownDelay", t.shutdown_delay)
        .s("User", &t.user)
        .done()
}

pub fn constraint(c: &js::Constraint) -> Flat {
    F::default()
        .s("LTarget", &c.ltarget)
        .s("Operand", &c.operand)
        .s("RTarget", &c.rtarget)
        .done()
}

pub fn affinity(a: &js::Affinity) -> Flat {
    F::default()
        .s("LTarget", &a.ltarget)
        .s("Operand", &a.operand)
        .s("RTarget", &a.rtarget)
        .i("Weight", a.weight)
        .done()
}

pub fn restart(r: &js::RestartPolicy, d: Dialect) -> Flat {
    F::default()
        .i("Attempts", r.attempts)
        .d("Delay", r.delay)
        .d("Interval", r.interval)
        .s("Mode", &r.mode)
        .when(d.at(1, 6, 2), |f| {
            f.b("RenderTemplates", r.render_templates)
        })
        .done()
}

pub fn reschedule(r: &js::ReschedulePolicy) -> Flat {
    F::default()
        .i("Attempts", r.attempts)
        .d("Delay", r.delay)
        .s("DelayFunction", &r.delay_function)
        .d("Interval", r.interval)
        .d("MaxDelay", r.max_delay)
        .b("Unlimited", r.unlimited)
        .done()
}

pub fn ephemeral_disk(e: &js::EphemeralDisk) -> Flat {
    F::default()
        .b("Migrate", e.migrate)
        .i("SizeMB", e.size_mb)
        .b("Sticky", e.sticky)
        .done()
}

/// `Stagger` is filtered by Nomad's group diff.
pub fn update(u: &js::UpdateStrategy, d: Dialect) -> Flat {
    F::default()
        .when(d.at(0, 9, 2), |f| f.b("AutoPromote", u.auto_promote))
        .b("AutoRevert", u.auto_revert)
        .i("Canary", u.canary)
        .s("HealthCheck", &u.health_check)
        .d("HealthyDeadline", u.healthy_deadline)
        .i("MaxParallel", u.max_parallel)
        .d("MinHealthyTime", u.min_healthy_time)
        .d("ProgressDeadline", u.progress_deadline)
        .done()
}

pub fn migrate(m: &js::MigrateStrategy) -> Flat {
    F::default()
        .s("HealthCheck", &m.health_check)
        .d("HealthyDeadline", m.healthy_deadline)
        .i("MaxParallel", m.max_parallel)
        .d("MinHealthyTime", m.min_healthy_time)
        .done()
}

pub fn periodic(p: &js::Periodic) -> Flat {
    F::default()
        .b("Enabled", p.enabled)
        .b("ProhibitOverlap", p.prohibit_overlap)
        .s(
            "Spec",
            match p.specs.as_slice() {
                [one] => one.as_str(),
                // Several crons live in `Specs` (1.8+), not in `Spec`.
                _ => "",
            },
        )
        .s("SpecType", &p.spec_type)
        .s("TimeZone", &p.time_zone)
        .done()
}

pub fn parameterized(p: &js::Parameterized) -> Flat {
    F::default().s("Payload", &p.payload).done()
}

/// Resources: Nomad flattens the whole struct (no filter), so every int shows.
pub fn resources(r: &js::Resources, d: Dialect) -> Flat {
    F::default()
        .i("CPU", r.cpu)
        .when(d.at(1, 1, 0), |f| {
            f.i("Cores", r.cores).i("MemoryMaxMB", r.memory_max_mb)
        })
        .i("DiskMB", r.disk_mb)
        .i("IOPS", r.iops)
        .i("MemoryMB", r.memory_mb)
        .when(d.at(1, 8, 3), |f| f.i("SecretsMB", r.secrets_mb))
        .done()
}

pub fn network(n: &js::Network, d: Dialect) -> Flat {
    F::default()
        // NetworkResource.Diff filters it from 1.8.2.
        .when(!d.at(1, 8, 2), |f| f.i("MBits", n.mbits))
        .when(d.v010(), |f| f.s("Mode", &n.mode))
        .when(d.at(1, 1, 5), |f| f.s("Hostname", &n.hostname))
        .done()
}

/// Dynamic ports filter `Value` (it is assigned at placement).
pub fn port(p: &js::Port, dynamic: bool, d: Dialect) -> Flat {
    F::default()
        .s("Label", &p.label)
        .when(!dynamic, |f| f.i("Value", p.value))
        .when(d.v010(), |f| f.i("To", p.to))
        .when(d.at(0, 12, 0), |f| f.s("HostNetwork", &p.host_network))
        // Nomad filters it out of dynamic ports.
        .when(d.at(1, 9, 0) && !dynamic, |f| {
            f.b("IgnoreCollision", p.ignore_collision)
        })
        .done()
}

/// `DNSConfig.Diff`: each list joined with commas, empty ones left out.
pub fn dns(c: &js::DnsConfig) -> Flat {
    F::default()
        .when(!c.options.is_empty(), |f| {
            f.s("Options", &c.options.join(","))
        })
        .when(!c.searches.is_empty(), |f| {
            f.s("Searches", &c.searches.join(","))
        })
        .when(!c.servers.is_empty(), |f| {
            f.s("Servers", &c.servers.join(","))
        })
        .done()
}

pub fn csi_mount_options(m: &js::CsiMountOptions) -> Flat {
    F::default().s("FSType", &m.fs_type).done()
}

/// `disconectStrategyDiffs` flattens with pointers followed ("nil" unset).
pub fn disconnect(x: &js::Disconnect) -> Flat {
    let nanos = |d: Option<Duration>| d.map(|d| d.nanos().to_string());
    F::default()
        .s("LostAfter", &nanos(x.lost_after).unwrap_or("0".into()))
        .s("Reconcile", &x.reconcile)
        .s(
            "Replace",
            &x.replace.map(|b| b.to_string()).unwrap_or("nil".into()),
        )
        .s(
            "StopOnClientAfter",
            &nanos(x.stop_on_client_after).unwrap_or("nil".into()),
        )
        .done()
}

pub fn device(r: &js::RequestedDevice) -> Flat {
    F::default().i("Count", r.count).s("Name", &r.name).done()
}

pub fn log_config(l: &js::LogConfig, d: Dialect) -> Flat {
    F::default()
        .i("MaxFileSizeMB", l.max_file_size_mb)
        .i("MaxFiles", l.max_files)
        // structs.LogConfig.Enabled in 1.5.4 alone, Disabled from 1.5.5.
        .when(d.at(1, 5, 4) && !d.at(1, 5, 5), |f| {
            f.b("Enabled", !l.disabled)
        })
        .when(d.at(1, 5, 5), |f| f.b("Disabled", l.disabled))
        .done()
}

pub fn artifact(a: &js::Artifact, d: Dialect) -> Flat {
    F::default()
        .map("GetterHeaders", &a.getter_headers)
        .when(d.at(1, 8, 0), |f| f.b("GetterInsecure", a.insecure))
        .when(d.at(1, 9, 2), |f| f.b("Chown", a.chown))
        .s("GetterMode", &a.getter_mode)
        .map("GetterOptions", &a.getter_options)
        .s("GetterSource", &a.getter_source)
        .s("RelativeDest", &a.relative_dest)
        .done()
}

pub fn template(t: &js::Template, d: Dialect) -> Flat {
    F::default()
        .s("ChangeMode", &t.change_mode)
        .s("ChangeSignal", &t.change_signal)
        .s("DestPath", &t.dest_path)
        .s("EmbeddedTmpl", &t.embedded_tmpl)
        .b("Envvars", t.envvars)
        .s("LeftDelim", &t.left_delim)
        .s("Perms", &t.perms)
        .s("RightDelim", &t.right_delim)
        .s("SourcePath", &t.source_path)
        .d("Splay", t.splay)
        .d("VaultGrace", t.vault_grace)
        .when(d.at(1, 4, 3), |f| f.b("ErrMissingKey", t.err_missing_key))
        .when(d.at(1, 10, 2), |f| f.b("Once", t.once))
        // 1.3.3 alone had them as ints, which api/tasks.go canonicalised
        // to -1 when unset, so every template flattens them.
        .when(d.version == NomadVersion::new(1, 3, 3), |f| {
            f.i("Uid", t.uid.unwrap_or(-1))
                .i("Gid", t.gid.unwrap_or(-1))
        })
        // From 1.3.4 pointers: only a set value is flattened (templateDiff
        // adds them).
        .when(d.at(1, 3, 4), |f| {
            f.when(t.uid.is_some(), |f| f.i("Uid", t.uid.unwrap_or_default()))
                .when(t.gid.is_some(), |f| f.i("Gid", t.gid.unwrap_or_default()))
        })
        .done()
}

/// `waitConfigDiff` flattens with pointers followed: an unset bound is "nil".
pub fn wait_config(w: &js::WaitConfig) -> Flat {
    let dur = |d: Option<Duration>| d.map(|d| d.nanos().to_string()).unwrap_or("nil".into());
    F::default()
        .s("Max", &dur(w.max))
        .s("Min", &dur(w.min))
        .done()
}

pub fn change_script(c: &js::ChangeScript, d: Dialect) -> Flat {
    F::default()
        .s("Command", &c.command)
        .b("FailOnError", c.fail_on_error)
        .d("Timeout", c.timeout)
        .when(d.at(2, 0, 5), |f| {
            f.b("RunOnFirstRender", c.run_on_first_render)
        })
        .done()
}

pub fn vault(v: &js::Vault, d: Dialect) -> Flat {
    F::default()
        .s("ChangeMode", &v.change_mode)
        .s("ChangeSignal", &v.change_signal)
        .b("Env", v.env)
        .when(d.at(0, 12, 2), |f| f.s("Namespace", &v.namespace))
        .when(d.at(1, 6, 0), |f| f.b("DisableFile", v.disable_file))
        .when(d.at(1, 7, 0), |f| {
            f.s("Role", &v.role).s("Cluster", &v.cluster)
        })
        .when(d.at(1, 7, 3), |f| {
            f.b("AllowTokenExpiration", v.allow_token_expiration)
        })
        .done()
}

pub fn volume(v: &js::Volume, d: Dialect) -> Flat {
    F::default()
        .when(d.at(1, 1, 0), |f| {
            f.s("AccessMode", &v.access_mode)
                .s("AttachmentMode", &v.attachment_mode)
                .b("PerAlloc", v.per_alloc)
        })
        .s("Name", &v.name)
        .b("ReadOnly", v.read_only)
        .s("Source", &v.source)
        .s("Type", &v.volume_type)
        .when(d.at(1, 10, 0), |f| f.b("Sticky", v.sticky))
        .done()
}

pub fn volume_mount(m: &js::VolumeMount, d: Dialect) -> Flat {
    F::default()
        .s("Destination", &m.destination)
        .s("PropagationMode", &m.propagation_mode)
        .b("ReadOnly", m.read_only)
        .s("Volume", &m.volume)
        .when(d.at(1, 8, 0), |f| f.s("SELinuxLabel", &m.selinux_label))
        .done()
}

/// Scaling policy primitives (ID, Type, Target and indexes are filtered).
pub fn scaling(s: &js::Scaling) -> Flat {
    F::default()
        .b("Enabled", s.enabled)
        .i("Max", s.max)
        .i("Min", s.min.unwrap_or(0))
        .done()
}

/// `job_namespace` matters for Nomad-provider services, which take the job's
/// namespace; Consul services get Consul's `default` (Service.Canonicalize).
pub fn service(s: &js::Service, job_namespace: &str, d: Dialect) -> Flat {
    let namespace = if s.provider == "nomad" {
        job_namespace
    } else {
        "default"
    };
    F::default()
        .s("AddressMode", &s.address_mode)
        .s("Name", &s.name)
        .s("PortLabel", &s.port_label)
        .when(d.v010(), |f| f.map("Meta", &s.meta))
        .when(d.at(0, 10, 4), |f| f.map("CanaryMeta", &s.canary_meta))
        .when(d.at(0, 11, 0), |f| {
            f.b("EnableTagOverride", s.enable_tag_override)
        })
        .when(d.at(0, 12, 0), |f| f.s("TaskName", &s.task_name))
        .when(d.at(1, 1, 0), |f| {
            f.s("Namespace", namespace).s("OnUpdate", &s.on_update)
        })
        .when(d.at(1, 3, 0), |f| {
            f.s("Provider", &s.provider).s("Address", &s.address)
        })
        .when(d.at(1, 4, 0), |f| {
            f.map("TaggedAddresses", &s.tagged_addresses)
        })
        .when(d.at(1, 7, 0), |f| f.s("Cluster", &s.cluster))
        .when(d.at(1, 10, 3), |f| f.s("Kind", &s.kind))
        .done()
}

pub fn check(c: &js::ServiceCheck, d: Dialect) -> Flat {
    F::default()
        .s("AddressMode", &c.address_mode)
        .s("Command", &c.command)
        .s("GRPCService", &c.grpc_service)
        .b("GRPCUseTLS", c.grpc_use_tls)
        .s("InitialStatus", &c.initial_status)
        .d("Interval", c.interval)
        .s("Method", &c.method)
        .s("Name", &c.name)
        .s("Path", &c.path)
        .s("PortLabel", &c.port_label)
        .s("Protocol", &c.protocol)
        .b("TLSSkipVerify", c.tls_skip_verify)
        .d("Timeout", c.timeout)
        .s("Type", &c.check_type)
        .when(d.v010(), |f| f.s("TaskName", &c.task_name))
        .when(d.at(0, 11, 0), |f| f.b("Expose", c.expose))
        .when(d.at(0, 12, 2), |f| {
            f.i("FailuresBeforeCritical", c.failures_before_critical)
                .i("SuccessBeforePassing", c.success_before_passing)
        })
        .when(d.at(1, 1, 0), |f| {
            f.s("Body", &c.body).s("OnUpdate", &c.on_update)
        })
        .when(d.at(1, 6, 0), |f| f.s("TLSServerName", &c.tls_server_name))
        .when(d.at(1, 7, 3), |f| {
            f.i("FailuresBeforeWarning", c.failures_before_warning)
        })
        .when(d.at(1, 8, 1), |f| f.s("Notes", &c.notes))
        .done()
}

pub fn check_restart(c: &js::CheckRestart) -> Flat {
    F::default()
        .d("Grace", c.grace)
        .b("IgnoreWarnings", c.ignore_warnings)
        .i("Limit", c.limit)
        .done()
}

/// Task `config`, flattened in full mode: `key[sub]`, `list[0]`.
pub fn config(c: &BTreeMap<String, Value>) -> Flat {
    let mut out = Flat::new();
    for (k, v) in c {
        flatten_value(k, v, &mut out);
    }
    out
}

fn flatten_value(prefix: &str, v: &Value, out: &mut Flat) {
    match v {
        // A nil interface element: flatmap writes "nil" for it
        // (helper/flatmap/flatmap.go `case reflect.Interface`, the same
        // from v0.9.3 to v2.0.5), so `args = ["a", null]` diffs as
        // `args[1]: "nil"` (R17-11).
        Value::Null => {
            out.insert(prefix.to_string(), "nil".to_string());
        }
        Value::Bool(b) => {
            out.insert(prefix.to_string(), b.to_string());
        }
        Value::Number(n) => {
            out.insert(prefix.to_string(), format_float(*n));
        }
        // The lowering makes a config's hcl v1 integers float64s, as the
        // servers decode them (Value::through_json); were one left, it
        // would be the same float64.
        Value::Int(n) => {
            out.insert(prefix.to_string(), format_float(*n as f64));
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_value(&format!("{prefix}[{i}]"), item, out);
            }
        }
        Value::Map(m) => {
            for (k, item) in m {
                flatten_value(&format!("{prefix}[{k}]"), item, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_flattens_nested_lists_and_maps() {
        let mut pm = BTreeMap::new();
        pm.insert("db".to_string(), Value::Number(6379.0));
        let mut c = BTreeMap::new();
        c.insert("port_map".to_string(), Value::List(vec![Value::Map(pm)]));
        c.insert(
            "args".to_string(),
            Value::List(vec![Value::String("-v".into()), Value::Number(1e6)]),
        );
        c.insert("privileged".to_string(), Value::Bool(true));
        let f = config(&c);
        assert_eq!(f.get("port_map[0][db]").map(String::as_str), Some("6379"));
        assert_eq!(f.get("args[0]").map(String::as_str), Some("-v"));
        assert_eq!(f.get("args[1]").map(String::as_str), Some("1e+06"));
        assert_eq!(f.get("privileged").map(String::as_str), Some("true"));
    }

    #[test]
    fn version_field_sets() {
        let p = js::Port {
            label: "db".into(),
            ..Default::default()
        };
        let v09 = port(&p, true, Dialect::new(NomadVersion::new(0, 9, 3)));
        assert_eq!(v09.keys().collect::<Vec<_>>(), vec!["Label"]);
        let v010 = port(&p, true, Dialect::new(NomadVersion::new(0, 10, 5)));
        assert_eq!(v010.keys().collect::<Vec<_>>(), vec!["Label", "To"]);
        let n = network(
            &js::Network::default(),
            Dialect::new(NomadVersion::new(0, 9, 3)),
        );
        assert_eq!(n.keys().collect::<Vec<_>>(), vec!["MBits"]);
    }
}
