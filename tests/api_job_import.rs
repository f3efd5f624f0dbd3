//! An imported running job (the API Job JSON `nomad job inspect` prints)
//! and its own job file are the same job: their plan diff is empty, block
//! by block; an edit of the file shows as Nomad's diff shows it; and what
//! the JSON holds that the model does not read is reported, never dropped.
//!
//! The JSON of each case is written from Nomad's API structs and their
//! canonicalisation at 2.0.5 (api/jobs.go, api/tasks.go, api/services.go,
//! api/resources.go `Canonicalize`, structs `Task.Canonicalize`), as the
//! servers store the job after `nomad job run` of the file.

use std::path::Path;

use serde_json::{json, Value};

use nomad_preflight::diff::{job_diff, DiffType, JobDiff, ObjectDiff};
use nomad_preflight::jobspec::{load, Job, LoadOptions};
use nomad_preflight::mutators;
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::MemVfs;
use nomad_preflight::world::import::job_from_api_json;

const V: NomadVersion = NomadVersion::new(2, 0, 5);

/// A job file with `job`, `group` and `task` text added to a minimal
/// service job.
fn hcl(job: &str, group: &str, task: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n{job}\n  group \"g\" {{\n{group}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n{task}\n    }}\n  }}\n}}\n"
    )
}

fn ns(secs: i64) -> Value {
    json!(secs * 1_000_000_000)
}

/// The stored form of `hcl("", "", "")` at 2.0.5.
fn base_json() -> Value {
    let restart = json!({"Interval": ns(1800), "Attempts": 2, "Delay": ns(15), "Mode": "fail", "RenderTemplates": false});
    json!({
        "Region": "global", "Namespace": "default", "ID": "web", "Name": "web",
        "Type": "service", "Priority": 50, "AllAtOnce": false, "Datacenters": ["dc1"],
        "NodePool": "default", "Constraints": null, "Affinities": null, "Spreads": null,
        "Update": {"Stagger": ns(30), "MaxParallel": 1, "HealthCheck": "", "MinHealthyTime": 0,
            "HealthyDeadline": 0, "ProgressDeadline": 0, "Canary": 0, "AutoRevert": false, "AutoPromote": false},
        "Multiregion": null, "Periodic": null, "ParameterizedJob": null, "Reschedule": null,
        "Migrate": null, "Meta": null, "UI": null, "Stop": false, "ParentID": "",
        "Dispatched": false, "DispatchIdempotencyToken": "", "Payload": null,
        "ConsulNamespace": "", "VaultNamespace": "", "NomadTokenID": "", "Status": "running",
        "StatusDescription": "", "Stable": true, "Version": 0, "SubmitTime": 1_733_000_000_000_000_000_i64,
        "CreateIndex": 11, "ModifyIndex": 14, "JobModifyIndex": 11, "VersionTag": null,
        "TaskGroups": [{
            "Name": "g", "Count": 1, "Constraints": null, "Affinities": null, "Spreads": null,
            "Volumes": null, "RestartPolicy": restart.clone(), "Disconnect": null,
            "ReschedulePolicy": {"Attempts": 0, "Interval": 0, "Delay": ns(30), "DelayFunction": "exponential",
                "MaxDelay": ns(3600), "Unlimited": true},
            "EphemeralDisk": {"Sticky": false, "Migrate": false, "SizeMB": 300},
            "Update": {"Stagger": ns(30), "MaxParallel": 1, "HealthCheck": "checks", "MinHealthyTime": ns(10),
                "HealthyDeadline": ns(300), "ProgressDeadline": ns(600), "Canary": 0, "AutoRevert": false, "AutoPromote": false},
            "Migrate": {"MaxParallel": 1, "HealthCheck": "checks", "MinHealthyTime": ns(10), "HealthyDeadline": ns(300)},
            "Networks": null, "Meta": null, "Services": null, "ShutdownDelay": null,
            "MaxRunDuration": null, "StopAfterClientDisconnect": null, "MaxClientDisconnect": null,
            "Scaling": null, "Consul": null, "PreventRescheduleOnLost": false,
            "Tasks": [{
                "Name": "t", "Driver": "docker", "User": "", "Lifecycle": null,
                "Config": {"image": "nginx:1.25"}, "Constraints": null, "Affinities": null,
                "Env": null, "Services": null,
                "Resources": {"CPU": 100, "Cores": 0, "MemoryMB": 300, "MemoryMaxMB": 0, "DiskMB": 0,
                    "Networks": null, "Devices": null, "NUMA": null, "SecretsMB": null, "IOPS": 0},
                "RestartPolicy": restart, "Meta": null, "KillTimeout": ns(5),
                "LogConfig": {"MaxFiles": 10, "MaxFileSizeMB": 10, "Enabled": null, "Disabled": false},
                "Artifacts": null, "Vault": null, "Consul": null, "Templates": null,
                "DispatchPayload": null, "VolumeMounts": null, "Leader": false, "ShutdownDelay": 0,
                "KillSignal": "", "Kind": "", "ScalingPolicies": null, "Secrets": null,
                "Identity": {"Name": "default", "Audience": ["nomadproject.io"], "ChangeMode": "",
                    "ChangeSignal": "", "Env": false, "File": false, "Filepath": "", "ServiceName": "",
                    "TTL": 0, "ExtraClaims": null},
                "Identities": null, "Actions": null, "Schedule": null
            }]
        }]
    })
}

/// Objects merge key by key; anything else replaces.
fn merge(into: &mut Value, patch: &Value) {
    match (into, patch) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

fn api(job: Value, group: Value, task: Value) -> Value {
    let mut j = base_json();
    merge(&mut j["TaskGroups"][0]["Tasks"][0], &task);
    merge(&mut j["TaskGroups"][0], &group);
    merge(&mut j, &job);
    j
}

fn file_job(text: &str) -> Job {
    let mut mem = MemVfs::new("test");
    mem.insert("web.nomad", text);
    let opts = LoadOptions {
        version: V,
        ..LoadOptions::default()
    };
    let p = load(&mem, Path::new("web.nomad"), &opts);
    assert!(!p.diags.has_errors(), "{text}\n{:?}", p.diags);
    p.job.expect("job")
}

/// The plan's diff: the running (imported) job against the file, both as
/// the admission mutators leave them.
fn plan_diff(running: &Job, file: &Job) -> JobDiff {
    let old = mutators::applied(running, V, &Default::default());
    let new = mutators::applied(file, V, &Default::default());
    job_diff(Some(&old), Some(&new), V)
}

fn imported(v: &Value) -> Job {
    job_from_api_json(v).expect("imported")
}

/// Every field change as `Path: Name "old" => "new"`, the object path
/// joined by `/` (task groups and tasks by name).
fn changes(d: &JobDiff) -> Vec<String> {
    fn objs(prefix: &str, os: &[ObjectDiff], out: &mut Vec<String>) {
        for o in os {
            let p = format!("{prefix}/{}", o.name);
            for f in o.fields.iter().filter(|f| f.ty != DiffType::None) {
                out.push(format!("{p}: {} {:?} => {:?}", f.name, f.old, f.new));
            }
            objs(&p, &o.objects, out);
        }
    }
    let mut out = Vec::new();
    for f in d.fields.iter().filter(|f| f.ty != DiffType::None) {
        out.push(format!("Job: {} {:?} => {:?}", f.name, f.old, f.new));
    }
    objs("Job", &d.objects, &mut out);
    for g in &d.task_groups {
        let gp = format!("Group[{}]", g.name);
        for f in g.fields.iter().filter(|f| f.ty != DiffType::None) {
            out.push(format!("{gp}: {} {:?} => {:?}", f.name, f.old, f.new));
        }
        objs(&gp, &g.objects, &mut out);
        for t in &g.tasks {
            let tp = format!("{gp}/Task[{}]", t.name);
            for f in t.fields.iter().filter(|f| f.ty != DiffType::None) {
                out.push(format!("{tp}: {} {:?} => {:?}", f.name, f.old, f.new));
            }
            objs(&tp, &t.objects, &mut out);
        }
    }
    out
}

/// The file and the JSON are the same job: the model is the same and the
/// plan diff is empty.
fn assert_same(text: &str, json: &Value) {
    let file = file_job(text);
    let running = imported(json);
    let d = plan_diff(&running, &file);
    assert!(
        d.ty == DiffType::None && d.unmodelled.is_empty(),
        "diff {:?}\nchanges {:#?}\nunmodelled {:#?}\nfile {file:#?}\nimported {running:#?}",
        d.ty,
        changes(&d),
        d.unmodelled
    );
}

/// The edited file against the imported job shows `expected` among the
/// changes (and the job is edited).
fn assert_edit(edited: &str, json: &Value, expected: &str) {
    let d = plan_diff(&imported(json), &file_job(edited));
    assert_eq!(d.ty, DiffType::Edited);
    let c = changes(&d);
    assert!(c.iter().any(|l| l == expected), "{expected}\nnot in {c:#?}");
}

#[test]
fn the_minimal_job_and_its_json_are_the_same_job() {
    assert_same(&hcl("", "", ""), &base_json());
}

#[test]
fn an_edit_of_the_minimal_job_shows_as_nomad_shows_it() {
    assert_edit(
        &hcl("", "    count = 3", ""),
        &base_json(),
        "Group[g]: Count \"1\" => \"3\"",
    );
}

#[test]
fn job_ui() {
    let text = hcl(
        "  ui {\n    description = \"The web\"\n    link {\n      label = \"Docs\"\n      url   = \"https://docs\"\n    }\n  }",
        "",
        "",
    );
    let j = api(
        json!({"UI": {"Description": "The web", "Links": [{"Label": "Docs", "URL": "https://docs"}]}}),
        json!({}),
        json!({}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("The web", "Our web"),
        &j,
        "Job/UI: Description \"The web\" => \"Our web\"",
    );
}

#[test]
fn job_multiregion() {
    let text = hcl(
        "  multiregion {\n    strategy {\n      max_parallel = 1\n      on_failure   = \"fail_all\"\n    }\n    region \"west\" {\n      count       = 2\n      datacenters = [\"w1\"]\n    }\n  }",
        "",
        "",
    );
    let j = api(
        json!({"Multiregion": {"Strategy": {"MaxParallel": 1, "OnFailure": "fail_all"},
            "Regions": [{"Name": "west", "Count": 2, "Datacenters": ["w1"], "NodePool": "", "Meta": null}]}}),
        json!({}),
        json!({}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("fail_all", "fail_local"),
        &j,
        "Job/Multiregion/Strategy: OnFailure \"fail_all\" => \"fail_local\"",
    );
}

#[test]
fn task_identities() {
    let text = hcl(
        "",
        "",
        "      identity {\n        env  = true\n        file = true\n      }\n      identity {\n        name          = \"vault_default\"\n        aud           = [\"vault.io\"]\n        ttl           = \"1h\"\n        change_mode   = \"signal\"\n        change_signal = \"sighup\"\n      }",
    );
    let j = api(
        json!({}),
        json!({}),
        json!({
            "Identity": {"Name": "default", "Audience": ["nomadproject.io"], "Env": true, "File": true},
            "Identities": [{"Name": "vault_default", "Audience": ["vault.io"], "ChangeMode": "signal",
                "ChangeSignal": "SIGHUP", "Env": false, "File": false, "Filepath": "", "ServiceName": "",
                "TTL": ns(3600), "ExtraClaims": null}]
        }),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("\"1h\"", "\"2h\""),
        &j,
        "Group[g]/Task[t]/Identity: TTL \"3600000000000\" => \"7200000000000\"",
    );
}

#[test]
fn task_actions_secrets_and_schedule() {
    let text = hcl(
        "",
        "",
        "      action \"dump\" {\n        command = \"/bin/dump\"\n        args    = [\"-v\"]\n      }\n      secret \"db\" {\n        provider = \"nomad\"\n        path     = \"db/creds\"\n      }\n      schedule {\n        cron {\n          start    = \"0 9 * * 1-5\"\n          end      = \"0 17\"\n          timezone = \"Europe/Paris\"\n        }\n      }",
    );
    let j = api(
        json!({}),
        json!({}),
        json!({
            "Actions": [{"Name": "dump", "Command": "/bin/dump", "Args": ["-v"]}],
            "Secrets": [{"Name": "db", "Provider": "nomad", "Path": "db/creds", "Config": null, "Env": null}],
            "Schedule": {"Cron": {"Start": "0 9 * * 1-5", "End": "0 17", "Timezone": "Europe/Paris"}}
        }),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("/bin/dump", "/bin/dump2"),
        &j,
        "Group[g]/Task[t]/Action: Command \"/bin/dump\" => \"/bin/dump2\"",
    );
}

#[test]
fn group_and_task_consul_and_disconnect() {
    let text = hcl(
        "",
        "    consul {\n      namespace = \"team\"\n    }\n    disconnect {\n      lost_after = \"1h\"\n      reconcile  = \"keep_original\"\n    }",
        "      consul {\n        partition = \"p1\"\n      }",
    );
    let j = api(
        json!({}),
        json!({
            "Consul": {"Namespace": "team", "Cluster": "default", "Partition": ""},
            "Disconnect": {"LostAfter": ns(3600), "StopOnClientAfter": null, "Replace": true, "Reconcile": "keep_original"}
        }),
        json!({"Consul": {"Namespace": "", "Cluster": "default", "Partition": "p1"}}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("keep_original", "keep_replacement"),
        &j,
        "Group[g]/Disconnect: Reconcile \"keep_original\" => \"keep_replacement\"",
    );
}

#[test]
fn volumes_and_mounts() {
    let text = hcl(
        "",
        "    volume \"data\" {\n      type      = \"host\"\n      source    = \"data\"\n      read_only = true\n    }\n    volume \"csi\" {\n      type            = \"csi\"\n      source          = \"ebs\"\n      access_mode     = \"single-node-writer\"\n      attachment_mode = \"file-system\"\n      mount_options {\n        fs_type     = \"ext4\"\n        mount_flags = [\"noatime\"]\n      }\n    }",
        "      volume_mount {\n        volume        = \"data\"\n        destination   = \"/data\"\n        selinux_label = \"z\"\n      }",
    );
    let j = api(
        json!({}),
        json!({"Volumes": {
            "csi": {"Name": "csi", "Type": "csi", "Source": "ebs", "ReadOnly": false, "Sticky": false,
                "AccessMode": "single-node-writer", "AttachmentMode": "file-system",
                "MountOptions": {"FSType": "ext4", "MountFlags": ["noatime"]}, "PerAlloc": false},
            "data": {"Name": "data", "Type": "host", "Source": "data", "ReadOnly": true, "Sticky": false,
                "AccessMode": "", "AttachmentMode": "", "MountOptions": null, "PerAlloc": false}
        }}),
        json!({"VolumeMounts": [{"Volume": "data", "Destination": "/data", "ReadOnly": false,
            "PropagationMode": "private", "SELinuxLabel": "z"}]}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("\"z\"", "\"Z\""),
        &j,
        "Group[g]/Task[t]/VolumeMount: SELinuxLabel \"z\" => \"Z\"",
    );
}

#[test]
fn template_fields() {
    let text = hcl(
        "",
        "",
        "      template {\n        data                 = \"x={{ key \\\"x\\\" }}\"\n        destination          = \"local/x\"\n        uid                  = 1000\n        gid                  = 1000\n        error_on_missing_key = true\n        wait {\n          min = \"5s\"\n          max = \"10s\"\n        }\n      }",
    );
    let j = api(
        json!({}),
        json!({}),
        json!({"Templates": [{
            "SourcePath": "", "DestPath": "local/x", "EmbeddedTmpl": "x={{ key \"x\" }}",
            "ChangeMode": "restart", "ChangeScript": null, "ChangeSignal": "", "Once": false,
            "Splay": ns(5), "Perms": "0644", "Uid": 1000, "Gid": 1000, "LeftDelim": "{{",
            "RightDelim": "}}", "Envvars": false, "VaultGrace": 0,
            "Wait": {"Min": ns(5), "Max": ns(10)}, "ErrMissingKey": true
        }]}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("= 1000\n        gid", "= 1001\n        gid"),
        &j,
        "Group[g]/Task[t]/Template: Uid \"1000\" => \"1001\"",
    );
}

#[test]
fn artifact_chown_and_resources_secrets() {
    let text = hcl(
        "",
        "",
        "      artifact {\n        source = \"https://x/a.tgz\"\n        chown  = true\n      }\n      resources {\n        cpu     = 200\n        memory  = 128\n        secrets = 2\n      }",
    );
    let j = api(
        json!({}),
        json!({}),
        json!({
            "Artifacts": [{"GetterSource": "https://x/a.tgz", "GetterOptions": null, "GetterHeaders": null,
                "GetterMode": "any", "GetterInsecure": false, "RelativeDest": "local/", "Chown": true}],
            "Resources": {"CPU": 200, "MemoryMB": 128, "SecretsMB": 2}
        }),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("chown  = true", "chown  = false"),
        &j,
        "Group[g]/Task[t]/Artifact: Chown \"true\" => \"false\"",
    );
}

#[test]
fn group_network_service_and_connect() {
    let text = hcl(
        "",
        "    network {\n      mode = \"bridge\"\n      port \"http\" {\n        to = 8080\n      }\n      dns {\n        servers = [\"1.1.1.1\"]\n      }\n    }\n    service {\n      name = \"web\"\n      port = \"http\"\n      check {\n        type     = \"http\"\n        path     = \"/health\"\n        interval = \"10s\"\n        timeout  = \"2s\"\n      }\n      connect {\n        sidecar_service {\n          proxy {\n            upstreams {\n              destination_name = \"db\"\n              local_bind_port  = 5432\n            }\n          }\n        }\n      }\n    }",
        "",
    );
    let j = api(
        json!({}),
        json!({
            "Networks": [{"Mode": "bridge", "Device": "", "CIDR": "", "IP": "", "Hostname": "",
                "MBits": 0, "DNS": {"Servers": ["1.1.1.1"], "Searches": null, "Options": null},
                "ReservedPorts": null,
                "DynamicPorts": [{"Label": "http", "Value": 0, "To": 8080, "HostNetwork": "default", "IgnoreCollision": false}],
                "CNI": null}],
            "Services": [{
                "Name": "web", "Tags": null, "CanaryTags": null, "EnableTagOverride": false,
                "PortLabel": "http", "AddressMode": "auto", "Address": "",
                "Checks": [{"Name": "service: \"web\" check", "Type": "http", "Path": "/health",
                    "Interval": ns(10), "Timeout": ns(2), "OnUpdate": "require_healthy",
                    "CheckRestart": null}],
                "CheckRestart": null,
                "Connect": {"Native": false, "Gateway": null, "SidecarTask": null,
                    "SidecarService": {"Tags": null, "Port": "", "DisableDefaultTCPCheck": false, "Meta": null,
                        "Proxy": {"LocalServiceAddress": "", "LocalServicePort": 0, "Expose": null,
                            "ExposeConfig": null, "TransparentProxy": null, "Config": null,
                            "Upstreams": [{"DestinationName": "db", "LocalBindPort": 5432, "MeshGateway": {"Mode": ""}}]}}},
                "Meta": null, "CanaryMeta": null, "TaggedAddresses": null, "TaskName": "",
                "OnUpdate": "require_healthy", "Identity": null, "Weights": null,
                "Provider": "consul", "Cluster": "default", "Kind": ""
            }]
        }),
        json!({}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("5432", "5433"),
        &j,
        "Group[g]/Service/ConsulConnect/SidecarService/ConsulProxy/ConsulUpstreams: LocalBindPort \"5432\" => \"5433\"",
    );
}

#[test]
fn group_scaling() {
    let text = hcl(
        "",
        "    count = 2\n    scaling {\n      min = 1\n      max = 5\n    }",
        "",
    );
    let j = api(
        json!({}),
        json!({"Count": 2, "Scaling": {"ID": "0d6b8a3e-6b4b-4c4a-9d58-3b7e3c4a2f10", "Namespace": "default",
            "Target": {"Namespace": "default", "Job": "web", "Group": "g"}, "Type": "horizontal",
            "Min": 1, "Max": 5, "Policy": null, "Enabled": true, "CreateIndex": 11, "ModifyIndex": 11}}),
        json!({}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("max = 5", "max = 6"),
        &j,
        "Group[g]/Scaling: Max \"5\" => \"6\"",
    );
}

#[test]
fn what_the_model_does_not_read_is_reported_not_dropped() {
    // Keys of a later release (none of 2.0's is left unread), in a group
    // and in a task network, are not in the model: the imported job keeps
    // them, so a file without them is not "unchanged".
    let j = api(
        json!({}),
        json!({"MaxRunDuration": ns(3600), "LaterReleaseKey": "x"}),
        json!({"Resources": {"Networks": [{"LaterNetworkKey": "eth0"}]}}),
    );
    let running = imported(&j);
    assert_eq!(
        running.groups[0].max_run_duration.map(|d| d.nanos()),
        Some(3_600_000_000_000),
        "max_run_duration is modelled now"
    );
    assert!(running.groups[0]
        .unmodelled
        .0
        .contains_key("LaterReleaseKey"));
    assert!(running.groups[0].tasks[0]
        .unmodelled
        .0
        .contains_key("Resources.Networks[0].LaterNetworkKey"));
    let d = plan_diff(&running, &file_job(&hcl("", "", "")));
    assert_ne!(d.ty, DiffType::None);
    assert!(!d.unmodelled.is_empty());
    // Fields the servers set are no part of the job file: skipped.
    assert!(imported(&base_json()).unmodelled.is_empty());
}

#[test]
fn scaling_without_min_takes_the_count() {
    // api TaskGroup.Canonicalize: `ScalingPolicy.Canonicalize(*g.Count)`
    // sets an unset Min to the group's count.
    let text = hcl("", "    count = 2\n    scaling {\n      max = 5\n    }", "");
    let j = api(
        json!({}),
        json!({"Count": 2, "Scaling": {"Type": "horizontal", "Min": 2, "Max": 5, "Policy": null, "Enabled": true}}),
        json!({}),
    );
    assert_same(&text, &j);
    // A group without `count` takes the policy's `min`.
    let text = hcl("", "    scaling {\n      min = 3\n      max = 5\n    }", "");
    let j = api(
        json!({}),
        json!({"Count": 3, "Scaling": {"Type": "horizontal", "Min": 3, "Max": 5, "Policy": null, "Enabled": true}}),
        json!({}),
    );
    assert_same(&text, &j);
}

#[test]
fn job_level_strategies_live_in_the_groups() {
    // api TaskGroup.Canonicalize merges the job's update, reschedule and
    // migrate into every group; the stored job keeps only the legacy
    // stagger/max_parallel of `Update`, which diff.go filters. A service
    // job's reschedule with attempts must say `unlimited = false`: the
    // default is true, and ReschedulePolicy.Validate refuses both.
    let text = hcl(
        "  update {\n    max_parallel = 2\n    canary       = 1\n  }\n  reschedule {\n    attempts  = 5\n    interval  = \"1h\"\n    unlimited = false\n  }\n  migrate {\n    max_parallel = 3\n  }",
        "",
        "",
    );
    let j = api(
        json!({"Update": {"Stagger": ns(30), "MaxParallel": 2}}),
        json!({
            "Update": {"MaxParallel": 2, "Canary": 1},
            "ReschedulePolicy": {"Attempts": 5, "Interval": ns(3600), "Unlimited": false},
            "Migrate": {"MaxParallel": 3}
        }),
        json!({}),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("canary       = 1", "canary       = 2"),
        &j,
        "Group[g]/Update: Canary \"1\" => \"2\"",
    );
}

#[test]
fn task_lifecycle_logs_vault_restart_and_resources() {
    let text = hcl(
        "",
        "",
        "      lifecycle {\n        hook    = \"prestart\"\n        sidecar = true\n      }\n      logs {\n        max_files     = 3\n        max_file_size = 20\n      }\n      vault {\n        policies = [\"web\"]\n      }\n      restart {\n        attempts = 5\n      }\n      kill_timeout = \"20s\"\n      kill_signal  = \"SIGINT\"\n      env {\n        A = \"1\"\n      }\n      meta {\n        team = \"web\"\n      }\n      resources {\n        cores      = 2\n        memory     = 512\n        memory_max = 1024\n        device \"nvidia/gpu\" {\n          count = 2\n        }\n        numa {\n          affinity = \"require\"\n        }\n      }",
    );
    let j = api(
        json!({}),
        json!({}),
        json!({
            "Lifecycle": {"Hook": "prestart", "Sidecar": true},
            "LogConfig": {"MaxFiles": 3, "MaxFileSizeMB": 20, "Disabled": false},
            // structs.Vault has no Policies from 1.10 (the file's are
            // dropped by the agent), so the API's job has none.
            "Vault": {"Role": "", "Namespace": "", "Cluster": "default", "Env": true,
                "DisableFile": false, "ChangeMode": "restart", "ChangeSignal": "SIGHUP",
                "AllowTokenExpiration": false},
            "RestartPolicy": {"Attempts": 5},
            "KillTimeout": ns(20), "KillSignal": "SIGINT",
            "Env": {"A": "1"}, "Meta": {"team": "web"},
            "Resources": {"CPU": 0, "Cores": 2, "MemoryMB": 512, "MemoryMaxMB": 1024,
                "Devices": [{"Name": "nvidia/gpu", "Count": 2, "Constraints": null, "Affinities": null}],
                "NUMA": {"Affinity": "require", "Devices": null}}
        }),
    );
    assert_same(&text, &j);
    assert_edit(
        &text.replace("count = 2", "count = 1"),
        &j,
        "Group[g]/Task[t]/Resources/Device: Count \"2\" => \"1\"",
    );
}

#[test]
fn periodic_and_parameterized_batch_jobs() {
    let text = hcl(
        "  type = \"batch\"\n  periodic {\n    crons            = [\"*/5 * * * *\"]\n    prohibit_overlap = true\n  }\n  parameterized {\n    meta_required = [\"x\"]\n  }",
        "",
        "",
    );
    let batch_restart = json!({"Interval": ns(86400), "Attempts": 3, "Delay": ns(15), "Mode": "fail", "RenderTemplates": false});
    let j = api(
        json!({"Type": "batch", "Update": {"Stagger": 0, "MaxParallel": 0},
            "Periodic": {"Enabled": true, "Spec": "*/5 * * * *", "Specs": null, "SpecType": "cron",
                "ProhibitOverlap": true, "TimeZone": "UTC"},
            "ParameterizedJob": {"Payload": "optional", "MetaRequired": ["x"], "MetaOptional": null}}),
        json!({"RestartPolicy": batch_restart.clone(), "Update": null, "Migrate": null,
            "ReschedulePolicy": {"Attempts": 1, "Interval": ns(86400), "Delay": ns(5),
                "DelayFunction": "constant", "MaxDelay": 0, "Unlimited": false}}),
        json!({"RestartPolicy": batch_restart}),
    );
    assert_same(&text, &j);
}
