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
    o.arr(key)
        .iter()
        .filter(|x| x.is_object())
        .enumerate()
        .map(|(n, x)| (n, Obj::new(x)))
}

pub(crate) fn constraints(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<Constraint> {
    each(o, "Constraints")
        .map(|(n, c)| {
            let out = Constraint {
                ltarget: c.s("LTarget"),
                rtarget: c.s("RTarget"),
                operand: c.s("Operand"),
                spans: Default::default(),
            };
            sink.keep(&c, &format!("{prefix}Constraints[{n}]."));
            out
        })
        .collect()
}

pub(crate) fn affinities(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<Affinity> {
    each(o, "Affinities")
        .map(|(n, a)| {
            let out = Affinity {
                ltarget: a.s("LTarget"),
                rtarget: a.s("RTarget"),
                operand: a.s("Operand"),
                weight: a.i("Weight"),
                spans: Default::default(),
            };
            sink.keep(&a, &format!("{prefix}Affinities[{n}]."));
            out
        })
        .collect()
}

pub(crate) fn restart(v: &Value, prefix: &str, sink: &mut Sink<'_>) -> RestartPolicy {
    let r = Obj::new(v);
    let out = RestartPolicy {
        attempts: r.i("Attempts"),
        interval: r.dur("Interval"),
        delay: r.dur("Delay"),
        mode: r.s("Mode"),
        render_templates: r.b("RenderTemplates"),
        spans: Default::default(),
    };
    sink.keep(&r, prefix);
    out
}

pub(crate) fn networks(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<Network> {
    each(o, "Networks")
        .map(|(n, net)| {
            let p = format!("{prefix}Networks[{n}].");
            let ports = |key: &'static str, sink: &mut Sink<'_>| -> Vec<Port> {
                each(&net, key)
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
            let dns = net.nested("DNS", &p, sink, |d, _, _| DnsConfig {
                servers: d.strs("Servers"),
                searches: d.strs("Searches"),
                options: d.strs("Options"),
            });
            let cni = net.nested("CNI", &p, sink, |c, _, _| c.smap("Args"));
            let out = Network {
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
            };
            sink.keep(&net, &p);
            out
        })
        .collect()
}

/// A task's (or a sidecar task's) `Resources`.
pub(crate) fn resources(v: &Value, prefix: &str, sink: &mut Sink<'_>) -> Resources {
    let r = Obj::new(v);
    let devices = each(&r, "Devices")
        .map(|(n, d)| {
            let p = format!("{prefix}Devices[{n}].");
            let out = RequestedDevice {
                name: d.s("Name"),
                count: d.opt_i("Count").unwrap_or(1),
                constraints: constraints(&d, &p, sink),
                affinities: affinities(&d, &p, sink),
                spans: Default::default(),
            };
            sink.keep(&d, &p);
            out
        })
        .collect();
    let numa = r.nested("NUMA", prefix, sink, |n, _, _| Numa {
        affinity: n.s("Affinity"),
        devices: n.strs("Devices"),
        spans: Default::default(),
    });
    let out = Resources {
        cpu: r.i("CPU"),
        cores: r.i("Cores"),
        memory_mb: r.i("MemoryMB"),
        memory_max_mb: r.i("MemoryMaxMB"),
        disk_mb: r.i("DiskMB"),
        iops: r.i("IOPS"),
        secrets_mb: r.i("SecretsMB"),
        networks: networks(&r, prefix, sink),
        devices,
        numa,
        spans: Default::default(),
    };
    sink.keep(&r, prefix);
    out
}

pub(crate) fn log_config(v: &Value, prefix: &str, sink: &mut Sink<'_>) -> LogConfig {
    let l = Obj::new(v);
    // `Enabled` is the pre-1.5.4 spelling of `!Disabled` (api/tasks.go).
    let disabled = match (l.opt_b("Disabled"), l.opt_b("Enabled")) {
        (Some(d), _) => d,
        (None, Some(e)) => !e,
        (None, None) => false,
    };
    let out = LogConfig {
        max_files: l.i("MaxFiles"),
        max_file_size_mb: l.i("MaxFileSizeMB"),
        disabled,
        spans: Default::default(),
    };
    sink.keep(&l, prefix);
    out
}

pub(crate) fn volume_mounts(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<VolumeMount> {
    each(o, "VolumeMounts")
        .map(|(n, m)| {
            let out = VolumeMount {
                volume: m.s("Volume"),
                destination: m.s("Destination"),
                read_only: m.b("ReadOnly"),
                propagation_mode: m.s("PropagationMode"),
                selinux_label: m.s("SELinuxLabel"),
            };
            sink.keep(&m, &format!("{prefix}VolumeMounts[{n}]."));
            out
        })
        .collect()
}

pub(crate) fn identity(v: &Value, prefix: &str, sink: &mut Sink<'_>) -> WorkloadIdentity {
    let w = Obj::new(v);
    let out = WorkloadIdentity {
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
    };
    sink.keep(&w, prefix);
    out
}

pub(crate) fn identities(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<WorkloadIdentity> {
    o.arr("Identities")
        .iter()
        .filter(|x| x.is_object())
        .enumerate()
        .map(|(n, x)| identity(x, &format!("{prefix}Identities[{n}]."), sink))
        .collect()
}

pub(crate) fn consul(v: &Value, prefix: &str, sink: &mut Sink<'_>) -> Consul {
    let c = Obj::new(v);
    let out = Consul {
        namespace: c.s("Namespace"),
        cluster: c.s("Cluster"),
        partition: c.s("Partition"),
        spans: Default::default(),
    };
    sink.keep(&c, prefix);
    out
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

/// A list of objects read by `read`, leftovers under `key[n].`.
fn many<T>(
    o: &Obj<'_>,
    key: &'static str,
    sink: &mut Sink<'_>,
    mut read: impl FnMut(&Obj<'_>, &str, &mut Sink<'_>) -> T,
) -> Vec<T> {
    each(o, key)
        .map(|(n, x)| {
            let p = format!("{key}[{n}].");
            let out = read(&x, &p, sink);
            sink.keep(&x, &p);
            out
        })
        .collect()
}

/// A task; `group_restart` is the group's policy, for versions whose
/// tasks carry none of their own.
pub(crate) fn task(v: &Value) -> Task {
    let t = Obj::new(v);
    let mut unmodelled = Unmodelled::default();
    let sink = &mut Sink {
        out: &mut unmodelled,
    };
    let resources = t
        .obj("Resources")
        .map(|r| resources(r, "Resources.", sink))
        .unwrap_or_default();
    let lifecycle = t.nested("Lifecycle", "", sink, |l, _, _| Lifecycle {
        hook: l.s("Hook"),
        sidecar: l.b("Sidecar"),
        spans: Default::default(),
    });
    let log_config = t
        .obj("LogConfig")
        .map(|l| log_config(l, "LogConfig.", sink))
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
        services: services(&t, "", sink),
        templates: many(&t, "Templates", sink, template),
        artifacts: many(&t, "Artifacts", sink, |a, _, _| artifact(a)),
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
        restart: t
            .obj("RestartPolicy")
            .map(|r| restart(r, "RestartPolicy.", sink)),
        identity: t.obj("Identity").map(|w| identity(w, "Identity.", sink)),
        identities: identities(&t, "", sink),
        actions: many(&t, "Actions", sink, |a, _, _| Action {
            name: a.s("Name"),
            command: a.s("Command"),
            args: a.strs("Args"),
            spans: Default::default(),
        }),
        secrets: many(&t, "Secrets", sink, |s, _, _| Secret {
            name: s.s("Name"),
            provider: s.s("Provider"),
            path: s.s("Path"),
            config: s.value_map("Config"),
            env: s.smap("Env"),
            spans: Default::default(),
        }),
        schedule: t.nested("Schedule", "", sink, schedule),
        consul: t.obj("Consul").map(|c| consul(c, "Consul.", sink)),
        csi_plugin: t.nested("CSIPluginConfig", "", sink, |c, _, _| csi_plugin(c)),
        scaling: many(&t, "ScalingPolicies", sink, |s, _, _| {
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
        resources: s
            .obj("Resources")
            .map(|r| resources(r, &format!("{prefix}Resources."), sink)),
        meta: s.smap("Meta"),
        kill_timeout: s.opt_dur("KillTimeout"),
        log_config: s
            .obj("LogConfig")
            .map(|l| log_config(l, &format!("{prefix}LogConfig."), sink)),
        shutdown_delay: s.opt_dur("ShutdownDelay"),
        kill_signal: s.s("KillSignal"),
        volume_mounts: volume_mounts(s, prefix, sink),
        identities: identities(s, prefix, sink),
        spans: Default::default(),
    }
}
