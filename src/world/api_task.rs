//! A task of an `api.Job` (api/tasks.go, api/resources.go) to the model:
//! every field the model has, read under Nomad's JSON names; what the
//! model has no field for is kept in the task's unmodelled part.

use serde_json::Value;

use super::api_read::{value, Obj, Sink};
use super::api_service::services;
use crate::jobspec::{
    Action, Affinity, Artifact, ChangeScript, Constraint, Consul, CsiPluginConfig, DnsConfig,
    Lifecycle, LogConfig, Network, Numa, Port, RequestedDevice, Resources, RestartPolicy,
    ScheduleCron, Secret, SidecarTask, Task, TaskScaling, TaskSchedule, Template, Unmodelled,
    Vault, VolumeMount, WaitConfig, WorkloadIdentity,
};

/// `key: [...]` as objects, each with its index for leftover paths.
pub(crate) fn each<'v>(
    o: &Obj<'v>,
    key: &'static str,
) -> impl Iterator<Item = (usize, Obj<'v>)> + 'v {
    o.objects(key)
        .into_iter()
        .enumerate()
        .map(|(n, x)| (n, Obj::new(x)))
}

pub(crate) fn constraints(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<Constraint> {
    o.nested_each("Constraints", prefix, sink, |c, _, _| Constraint {
        ltarget: c.s("LTarget"),
        rtarget: c.s("RTarget"),
        operand: c.s("Operand"),
        spans: Default::default(),
    })
}

pub(crate) fn affinities(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<Affinity> {
    o.nested_each("Affinities", prefix, sink, |a, _, _| Affinity {
        ltarget: a.s("LTarget"),
        rtarget: a.s("RTarget"),
        operand: a.s("Operand"),
        weight: a.i("Weight"),
        spans: Default::default(),
    })
}

pub(crate) fn restart(r: &Obj<'_>) -> RestartPolicy {
    RestartPolicy {
        attempts: r.i("Attempts"),
        interval: r.dur("Interval"),
        delay: r.dur("Delay"),
        mode: r.s("Mode"),
        render_templates: r.b("RenderTemplates"),
        spans: Default::default(),
    }
}

pub(crate) fn networks(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<Network> {
    o.nested_each("Networks", prefix, sink, |net, p, sink| {
        let ports = |key: &'static str, sink: &mut Sink<'_>| -> Vec<Port> {
            each(net, key)
                .map(|(i, port)| {
                    let out = Port {
                        label: port.s("Label"),
                        value: port.i("Value"),
                        to: port.i("To"),
                        host_network: port.s("HostNetwork"),
                        ignore_collision: port.b("IgnoreCollision"),
                        spans: Default::default(),
                    };
                    sink.keep(&port, &format!("{p}{key}[{i}]."));
                    out
                })
                .collect()
        };
        let reserved_ports = ports("ReservedPorts", sink);
        let dynamic_ports = ports("DynamicPorts", sink);
        let dns = net.nested("DNS", p, sink, |d, _, _| DnsConfig {
            servers: d.strs("Servers"),
            searches: d.strs("Searches"),
            options: d.strs("Options"),
        });
        let cni = net.nested("CNI", p, sink, |c, _, _| c.smap("Args"));
        Network {
            mode: net.s("Mode"),
            device: net.s("Device"),
            cidr: net.s("CIDR"),
            ip: net.s("IP"),
            mbits: net.i("MBits"),
            hostname: net.s("Hostname"),
            reserved_ports,
            dynamic_ports,
            dns,
            cni,
            spans: Default::default(),
        }
    })
}

/// A task's (or a sidecar task's) `Resources`.
pub(crate) fn resources(r: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Resources {
    let devices = r.nested_each("Devices", prefix, sink, |d, p, sink| RequestedDevice {
        name: d.s("Name"),
        count: d.opt_i("Count").unwrap_or(1),
        constraints: constraints(d, p, sink),
        affinities: affinities(d, p, sink),
        spans: Default::default(),
    });
    let numa = r.nested("NUMA", prefix, sink, |n, _, _| Numa {
        affinity: n.s("Affinity"),
        devices: n.strs("Devices"),
        spans: Default::default(),
    });
    Resources {
        cpu: r.i("CPU"),
        cores: r.i("Cores"),
        memory_mb: r.i("MemoryMB"),
        memory_max_mb: r.i("MemoryMaxMB"),
        disk_mb: r.i("DiskMB"),
        iops: r.i("IOPS"),
        secrets_mb: r.i("SecretsMB"),
        networks: networks(r, prefix, sink),
        devices,
        numa,
        spans: Default::default(),
    }
}

pub(crate) fn log_config(l: &Obj<'_>) -> LogConfig {
    // `Enabled` is the pre-1.5.4 spelling of `!Disabled` (api/tasks.go).
    let disabled = match (l.opt_b("Disabled"), l.opt_b("Enabled")) {
        (Some(d), _) => d,
        (None, Some(e)) => !e,
        (None, None) => false,
    };
    LogConfig {
        max_files: l.i("MaxFiles"),
        max_file_size_mb: l.i("MaxFileSizeMB"),
        disabled,
        spans: Default::default(),
    }
}

pub(crate) fn volume_mounts(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<VolumeMount> {
    o.nested_each("VolumeMounts", prefix, sink, |m, _, _| VolumeMount {
        volume: m.s("Volume"),
        destination: m.s("Destination"),
        read_only: m.b("ReadOnly"),
        propagation_mode: m.s("PropagationMode"),
        selinux_label: m.s("SELinuxLabel"),
    })
}

pub(crate) fn identity(w: &Obj<'_>) -> WorkloadIdentity {
    WorkloadIdentity {
        name: w.s("Name"),
        audience: w.strs("Audience"),
        change_mode: w.s("ChangeMode"),
        change_signal: w.s("ChangeSignal"),
        env: w.b("Env"),
        file: w.b("File"),
        filepath: w.s("Filepath"),
        service_name: w.s("ServiceName"),
        ttl: w.dur("TTL"),
        extra_claims: w.strs("ExtraClaims"),
        spans: Default::default(),
    }
}

pub(crate) fn identities(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<WorkloadIdentity> {
    o.nested_each("Identities", prefix, sink, |x, _, _| identity(x))
}

pub(crate) fn consul(c: &Obj<'_>) -> Consul {
    Consul {
        namespace: c.s("Namespace"),
        cluster: c.s("Cluster"),
        partition: c.s("Partition"),
        spans: Default::default(),
    }
}

fn template(t: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Template {
    let wait = t.nested("Wait", prefix, sink, |w, _, _| WaitConfig {
        min: w.opt_dur("Min"),
        max: w.opt_dur("Max"),
    });
    let change_script = t.nested("ChangeScript", prefix, sink, |c, _, _| ChangeScript {
        command: c.s("Command"),
        args: c.strs("Args"),
        timeout: c.dur("Timeout"),
        fail_on_error: c.b("FailOnError"),
        run_on_first_render: c.b("RunOnFirstRender"),
    });
    Template {
        source_path: t.s("SourcePath"),
        dest_path: t.s("DestPath"),
        embedded_tmpl: t.s("EmbeddedTmpl"),
        change_mode: t.s("ChangeMode"),
        change_signal: t.s("ChangeSignal"),
        splay: t.dur("Splay"),
        perms: t.s("Perms"),
        left_delim: t.s("LeftDelim"),
        right_delim: t.s("RightDelim"),
        envvars: t.b("Envvars"),
        vault_grace: t.dur("VaultGrace"),
        uid: t.opt_i("Uid"),
        gid: t.opt_i("Gid"),
        err_missing_key: t.b("ErrMissingKey"),
        once: t.b("Once"),
        wait,
        change_script,
        spans: Default::default(),
    }
}

fn artifact(a: &Obj<'_>) -> Artifact {
    Artifact {
        getter_source: a.s("GetterSource"),
        getter_options: a.smap("GetterOptions"),
        getter_headers: a.smap("GetterHeaders"),
        getter_mode: a.s("GetterMode"),
        relative_dest: a.s("RelativeDest"),
        insecure: a.b("GetterInsecure"),
        chown: a.b("Chown"),
        spans: Default::default(),
    }
}

fn vault(v: &Obj<'_>) -> Vault {
    Vault {
        policies: v.strs("Policies"),
        namespace: v.s("Namespace"),
        env: v.b("Env"),
        change_mode: v.s("ChangeMode"),
        change_signal: v.s("ChangeSignal"),
        role: v.s("Role"),
        cluster: v.s("Cluster"),
        disable_file: v.b("DisableFile"),
        allow_token_expiration: v.b("AllowTokenExpiration"),
        spans: Default::default(),
    }
}

fn csi_plugin(c: &Obj<'_>) -> CsiPluginConfig {
    CsiPluginConfig {
        id: c.s("ID"),
        plugin_type: c.s("Type"),
        mount_dir: c.s("MountDir"),
        stage_publish_base_dir: c.s("StagePublishBaseDir"),
        health_timeout: c.dur("HealthTimeout"),
        spans: Default::default(),
    }
}

fn schedule(s: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> TaskSchedule {
    let cron = s.nested("Cron", p, sink, |c, _, _| ScheduleCron {
        start: c.s("Start"),
        end: c.s("End"),
        timezone: c.s("Timezone"),
        spans: Default::default(),
    });
    TaskSchedule {
        cron,
        spans: Default::default(),
    }
}

/// A task; `group_restart` is the group's policy, for versions whose
/// tasks carry none of their own.
/// A task of a job in namespace `job_ns` (its services' derived namespace).
pub(crate) fn task(v: &Value, job_ns: &str) -> Task {
    let t = Obj::new(v);
    let mut unmodelled = Unmodelled::default();
    let sink = &mut Sink {
        out: &mut unmodelled,
    };
    let resources = t
        .nested("Resources", "", sink, resources)
        .unwrap_or_default();
    let lifecycle = t.nested("Lifecycle", "", sink, |l, _, _| Lifecycle {
        hook: l.s("Hook"),
        sidecar: l.b("Sidecar"),
        spans: Default::default(),
    });
    let log_config = t
        .nested("LogConfig", "", sink, |l, _, _| log_config(l))
        .unwrap_or_default();
    let dispatch_payload_file = t.nested("DispatchPayload", "", sink, |d, _, _| d.s("File"));
    let out = Task {
        name: t.s("Name"),
        driver: t.s("Driver"),
        user: t.s("User"),
        config: t.value_map("Config"),
        env: t.smap("Env"),
        meta: t.smap("Meta"),
        resources,
        constraints: constraints(&t, "", sink),
        affinities: affinities(&t, "", sink),
        services: services(&t, "", sink, job_ns),
        templates: t.nested_each("Templates", "", sink, template),
        artifacts: t.nested_each("Artifacts", "", sink, |a, _, _| artifact(a)),
        vault: t.nested("Vault", "", sink, |x, _, _| vault(x)),
        lifecycle,
        log_config,
        volume_mounts: volume_mounts(&t, "", sink),
        kill_timeout: t.dur("KillTimeout"),
        kill_signal: t.s("KillSignal"),
        shutdown_delay: t.dur("ShutdownDelay"),
        leader: t.b("Leader"),
        kind: t.s("Kind"),
        dispatch_payload_file,
        restart: t.nested("RestartPolicy", "", sink, |r, _, _| restart(r)),
        identity: t.nested("Identity", "", sink, |w, _, _| identity(w)),
        identities: identities(&t, "", sink),
        actions: t.nested_each("Actions", "", sink, |a, _, _| Action {
            name: a.s("Name"),
            command: a.s("Command"),
            args: a.strs("Args"),
            spans: Default::default(),
        }),
        secrets: t.nested_each("Secrets", "", sink, |s, _, _| Secret {
            name: s.s("Name"),
            provider: s.s("Provider"),
            path: s.s("Path"),
            config: s.value_map("Config"),
            env: s.smap("Env"),
            spans: Default::default(),
        }),
        schedule: t.nested("Schedule", "", sink, schedule),
        consul: t.nested("Consul", "", sink, |c, _, _| consul(c)),
        csi_plugin: t.nested("CSIPluginConfig", "", sink, |c, _, _| csi_plugin(c)),
        scaling: t.nested_each("ScalingPolicies", "", sink, |s, _, _| {
            // Set by the servers from the task (api ScalingPolicy): its ID,
            // target and indexes.
            s.skip(&["ID", "Namespace", "Target", "CreateIndex", "ModifyIndex"]);
            TaskScaling {
                policy_type: s.s("Type"),
                min: s.opt_i("Min"),
                max: s.opt_i("Max"),
                enabled: s.opt_b("Enabled"),
                policy: s.obj("Policy").map(value),
            }
        }),
        unmodelled: Unmodelled::default(),
        spans: Default::default(),
    };
    sink.keep(&t, "");
    Task { unmodelled, ..out }
}

/// `connect { sidecar_task { ... } }` (`SidecarTask`): its pointer fields
/// stay unset when the JSON leaves them out.
pub(crate) fn sidecar_task(s: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> SidecarTask {
    SidecarTask {
        name: s.s("Name"),
        driver: s.s("Driver"),
        user: s.s("User"),
        config: s.value_map("Config"),
        env: s.smap("Env"),
        resources: s.nested("Resources", prefix, sink, resources),
        meta: s.smap("Meta"),
        kill_timeout: s.opt_dur("KillTimeout"),
        log_config: s.nested("LogConfig", prefix, sink, |l, _, _| log_config(l)),
        shutdown_delay: s.opt_dur("ShutdownDelay"),
        kill_signal: s.s("KillSignal"),
        volume_mounts: volume_mounts(s, prefix, sink),
        identities: identities(s, prefix, sink),
        spans: Default::default(),
    }
}
