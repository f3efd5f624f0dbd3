//! Issue 13, continued from tests/diff_dialect.rs: objects whose first
//! release we had wrong in nomad/structs/diff.go, and the replacements
//! scheduler/util.go `tasksUpdated` (and scheduler/annotate.go) decide at
//! each release. Each plans one edit at the releases either side and
//! compares the diff text and JSON exactly.

use crate::common;

use common::dialect::{expect, group_edit, task_edit};

fn group_consul() -> (String, String) {
    group_edit("    consul {\n      namespace = \"@\"\n    }\n", "a", "b")
}

fn prevent_reschedule() -> (String, String) {
    group_edit("    prevent_reschedule_on_lost = @\n", "true", "false")
}

fn cni() -> (String, String) {
    group_edit("    network {\n      mode = \"cni/x\"\n      cni {\n        args = {\n          k = \"@\"\n        }\n      }\n    }\n", "a", "b")
}

fn numa() -> (String, String) {
    task_edit("      resources {\n        cpu = 100\n        numa {\n          affinity = \"@\"\n        }\n      }\n", "prefer", "require")
}

fn update() -> (String, String) {
    group_edit("    update {\n      max_parallel = @\n    }\n", "1", "2")
}

fn change_script() -> (String, String) {
    task_edit("      template {\n        data        = \"a\"\n        destination = \"local/a\"\n        change_mode = \"script\"\n        change_script {\n          command = \"/bin/true\"\n          timeout = \"@\"\n        }\n      }\n", "5s", "6s")
}

/// The group's Consul object: primitiveObjectDiff(tg.Consul, ...) in
/// TaskGroup.Diff from v1.1.0 (diff.go); Consul.Partition from v1.7.3
/// (nomad/structs/structs.go).
#[test]
fn group_consul_from_1_1_and_its_partition_from_1_7_3() {
    expect(
        "gconsul",
        "1.1.0",
        &group_consul(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Consul {\n    +/- Namespace: \"a\" => \"b\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Namespace","New":"b","Old":"a","Type":"Edited"}],"Name":"Consul","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "gconsul",
        "1.7.2",
        &group_consul(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Consul {\n        Cluster:   \"default\"\n    +/- Namespace: \"a\" => \"b\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Cluster","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"b","Old":"a","Type":"Edited"}],"Name":"Consul","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "gconsul",
        "1.7.3",
        &group_consul(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Consul {\n        Cluster:   \"default\"\n    +/- Namespace: \"a\" => \"b\"\n        Partition: \"\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Cluster","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"b","Old":"a","Type":"Edited"},{"Annotations":null,"Name":"Partition","New":"","Old":"","Type":"None"}],"Name":"Consul","Objects":null,"Type":"Edited"}]"#,
    );
}

/// TaskGroup.PreventRescheduleOnLost: a primitive field from v1.7.2
/// (structs.go); from v1.10.0 command/agent/job_endpoint.go no longer
/// copies it (#25284), so 1.10 sees no change.
#[test]
fn prevent_reschedule_on_lost_from_1_7_2_until_1_10() {
    expect(
        "prol",
        "1.7.2",
        &prevent_reschedule(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- PreventRescheduleOnLost: \"true\" => \"false\"\n      Task: \"t\"\n",
        "gfields",
        r#"[{"Annotations":null,"Name":"PreventRescheduleOnLost","New":"false","Old":"true","Type":"Edited"}]"#,
    );
    expect(
        "prol",
        "1.10.0",
        &prevent_reschedule(),
        "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n",
        "gfields",
        r#"null"#,
    );
}

/// NetworkResource.Diff diffs the CNI args from v1.8.2 (diff.go
/// `n.CNI.Diff`; the parser refuses `cni` before 1.8.2).
#[test]
fn cni_config_diffed_from_1_8_2() {
    expect(
        "cni",
        "1.8.2",
        &cni(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create)\n  + Network {\n      Hostname: \"\"\n    + Mode:     \"cni/x\"\n    + CNIConfig {\n      + k: \"b\"\n      }\n    }\n  - Network {\n      Hostname: \"\"\n    - Mode:     \"cni/x\"\n    - CNIConfig {\n      - k: \"a\"\n      }\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Hostname","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Mode","New":"cni/x","Old":"","Type":"Added"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"k","New":"b","Old":"","Type":"Added"}],"Name":"CNIConfig","Objects":null,"Type":"Added"}],"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"Hostname","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Mode","New":"","Old":"cni/x","Type":"Deleted"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"k","New":"","Old":"a","Type":"Deleted"}],"Name":"CNIConfig","Objects":null,"Type":"Deleted"}],"Type":"Deleted"}]"#,
    );
}

/// Resources.Diff diffs NUMA from v1.7.0 (diff.go `r.NUMA.Diff`; the
/// parser refuses `numa` before 1.7.0).
#[test]
fn numa_diffed_from_1_7_0() {
    expect(
        "numa",
        "1.7.0",
        &numa(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Resources {\n          CPU:         \"100\"\n          Cores:       \"0\"\n          DiskMB:      \"0\"\n          IOPS:        \"0\"\n          MemoryMB:    \"300\"\n          MemoryMaxMB: \"0\"\n      +/- NUMA {\n        +/- Affinity: \"prefer\" => \"require\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"CPU","New":"100","Old":"100","Type":"None"},{"Annotations":null,"Name":"Cores","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"DiskMB","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"IOPS","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"MemoryMB","New":"300","Old":"300","Type":"None"},{"Annotations":null,"Name":"MemoryMaxMB","New":"0","Old":"0","Type":"None"}],"Name":"Resources","Objects":[{"Fields":[{"Annotations":null,"Name":"Affinity","New":"require","Old":"prefer","Type":"Edited"}],"Name":"NUMA","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
}

/// UpdateStrategy.AutoPromote: nomad/structs/structs.go from v0.9.2.
#[test]
fn update_auto_promote_from_0_9_2() {
    expect(
        "update",
        "0.9.1",
        &update(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Update {\n        AutoRevert:       \"false\"\n        Canary:           \"0\"\n        HealthCheck:      \"checks\"\n        HealthyDeadline:  \"300000000000\"\n    +/- MaxParallel:      \"1\" => \"2\"\n        MinHealthyTime:   \"10000000000\"\n        ProgressDeadline: \"600000000000\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AutoRevert","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Canary","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"HealthCheck","New":"checks","Old":"checks","Type":"None"},{"Annotations":null,"Name":"HealthyDeadline","New":"300000000000","Old":"300000000000","Type":"None"},{"Annotations":null,"Name":"MaxParallel","New":"2","Old":"1","Type":"Edited"},{"Annotations":null,"Name":"MinHealthyTime","New":"10000000000","Old":"10000000000","Type":"None"},{"Annotations":null,"Name":"ProgressDeadline","New":"600000000000","Old":"600000000000","Type":"None"}],"Name":"Update","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "update",
        "0.9.2",
        &update(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Update {\n        AutoPromote:      \"false\"\n        AutoRevert:       \"false\"\n        Canary:           \"0\"\n        HealthCheck:      \"checks\"\n        HealthyDeadline:  \"300000000000\"\n    +/- MaxParallel:      \"1\" => \"2\"\n        MinHealthyTime:   \"10000000000\"\n        ProgressDeadline: \"600000000000\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AutoPromote","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"AutoRevert","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Canary","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"HealthCheck","New":"checks","Old":"checks","Type":"None"},{"Annotations":null,"Name":"HealthyDeadline","New":"300000000000","Old":"300000000000","Type":"None"},{"Annotations":null,"Name":"MaxParallel","New":"2","Old":"1","Type":"Edited"},{"Annotations":null,"Name":"MinHealthyTime","New":"10000000000","Old":"10000000000","Type":"None"},{"Annotations":null,"Name":"ProgressDeadline","New":"600000000000","Old":"600000000000","Type":"None"}],"Name":"Update","Objects":null,"Type":"Edited"}]"#,
    );
}

/// diff.go's changeScriptDiff: from v1.3.4 (the parser refuses
/// `change_script` before 1.3.4).
#[test]
fn change_script_diffed_from_1_3_4() {
    expect(
        "cscript",
        "1.3.4",
        &change_script(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Template {\n          ChangeMode:   \"script\"\n          ChangeSignal: \"\"\n          DestPath:     \"local/a\"\n          EmbeddedTmpl: \"a\"\n          Envvars:      \"false\"\n          LeftDelim:    \"{{\"\n          Perms:        \"0644\"\n          RightDelim:   \"}}\"\n          SourcePath:   \"\"\n          Splay:        \"5000000000\"\n          VaultGrace:   \"0\"\n      +/- ChangeScript {\n            Command:     \"/bin/true\"\n            FailOnError: \"false\"\n        +/- Timeout:     \"5000000000\" => \"6000000000\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"script","Old":"script","Type":"None"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"local/a","Old":"local/a","Type":"None"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"a","Old":"a","Type":"None"},{"Annotations":null,"Name":"Envvars","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"LeftDelim","New":"{{","Old":"{{","Type":"None"},{"Annotations":null,"Name":"Perms","New":"0644","Old":"0644","Type":"None"},{"Annotations":null,"Name":"RightDelim","New":"}}","Old":"}}","Type":"None"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"5000000000","Old":"5000000000","Type":"None"},{"Annotations":null,"Name":"VaultGrace","New":"0","Old":"0","Type":"None"}],"Name":"Template","Objects":[{"Fields":[{"Annotations":null,"Name":"Command","New":"/bin/true","Old":"/bin/true","Type":"None"},{"Annotations":null,"Name":"FailOnError","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Timeout","New":"6000000000","Old":"5000000000","Type":"Edited"}],"Name":"ChangeScript","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
}

fn affinity() -> (String, String) {
    group_edit("    affinity {\n      attribute = \"${node.datacenter}\"\n      value     = \"dc1\"\n      weight    = @\n    }\n", "50", "60")
}

fn lifecycle() -> (String, String) {
    task_edit(
        "      lifecycle {\n        hook = \"@\"\n      }\n",
        "prestart",
        "poststart",
    )
}

fn logs() -> (String, String) {
    task_edit(
        "      logs {\n        disabled = @\n      }\n",
        "false",
        "true",
    )
}

fn render_templates() -> (String, String) {
    group_edit(
        "    restart {\n      render_templates = @\n    }\n",
        "false",
        "true",
    )
}

fn secrets_mb() -> (String, String) {
    task_edit(
        "      resources {\n        cpu     = 100\n        secrets = @\n      }\n",
        "1",
        "2",
    )
}

fn port_to() -> (String, String) {
    group_edit(
        "    network {\n      port \"http\" {\n        to = @\n      }\n    }\n",
        "80",
        "81",
    )
}

fn dns() -> (String, String) {
    group_edit("    network {\n      mode = \"bridge\"\n      dns {\n        servers = [\"@\"]\n      }\n    }\n", "1.1.1.1", "8.8.8.8")
}

/// scheduler/util.go tasksUpdated: affinitiesUpdated and spreadsUpdated
/// make an affinity edit a replacement from v0.10.2 to v1.9.7; v1.10.0
/// dropped both checks, so the same edit is an in-place update.
#[test]
fn affinity_edits_replace_until_1_10() {
    expect(
        "aff",
        "1.9.7",
        &affinity(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  + Affinity {\n    + LTarget: \"${node.datacenter}\"\n    + Operand: \"=\"\n    + RTarget: \"dc1\"\n    + Weight:  \"60\"\n    }\n  - Affinity {\n    - LTarget: \"${node.datacenter}\"\n    - Operand: \"=\"\n    - RTarget: \"dc1\"\n    - Weight:  \"50\"\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"LTarget","New":"${node.datacenter}","Old":"","Type":"Added"},{"Annotations":null,"Name":"Operand","New":"=","Old":"","Type":"Added"},{"Annotations":null,"Name":"RTarget","New":"dc1","Old":"","Type":"Added"},{"Annotations":null,"Name":"Weight","New":"60","Old":"","Type":"Added"}],"Name":"Affinity","Objects":null,"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"LTarget","New":"","Old":"${node.datacenter}","Type":"Deleted"},{"Annotations":null,"Name":"Operand","New":"","Old":"=","Type":"Deleted"},{"Annotations":null,"Name":"RTarget","New":"","Old":"dc1","Type":"Deleted"},{"Annotations":null,"Name":"Weight","New":"","Old":"50","Type":"Deleted"}],"Name":"Affinity","Objects":null,"Type":"Deleted"}]"#,
    );
    expect(
        "aff",
        "1.10.0",
        &affinity(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  + Affinity {\n    + LTarget: \"${node.datacenter}\"\n    + Operand: \"=\"\n    + RTarget: \"dc1\"\n    + Weight:  \"60\"\n    }\n  - Affinity {\n    - LTarget: \"${node.datacenter}\"\n    - Operand: \"=\"\n    - RTarget: \"dc1\"\n    - Weight:  \"50\"\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"LTarget","New":"${node.datacenter}","Old":"","Type":"Added"},{"Annotations":null,"Name":"Operand","New":"=","Old":"","Type":"Added"},{"Annotations":null,"Name":"RTarget","New":"dc1","Old":"","Type":"Added"},{"Annotations":null,"Name":"Weight","New":"60","Old":"","Type":"Added"}],"Name":"Affinity","Objects":null,"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"LTarget","New":"","Old":"${node.datacenter}","Type":"Deleted"},{"Annotations":null,"Name":"Operand","New":"","Old":"=","Type":"Deleted"},{"Annotations":null,"Name":"RTarget","New":"","Old":"dc1","Type":"Deleted"},{"Annotations":null,"Name":"Weight","New":"","Old":"50","Type":"Deleted"}],"Name":"Affinity","Objects":null,"Type":"Deleted"}]"#,
    );
}

/// tasksUpdated never compares a task's lifecycle (v0.10.0 to v2.0.5):
/// an edit of it is an in-place update, not the replacement we planned.
#[test]
fn a_lifecycle_edit_is_in_place() {
    for v in ["1.0.0", "2.0.5"] {
        expect("lifecycle", v, &lifecycle(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n", "tobjects", r#"null"#);
    }
}

/// LogConfig.Disabled (structs.go v1.5.5) is diffed, and both
/// tasksUpdated and annotate.go make changing it a replacement from
/// v1.5.5 (we had 1.6.0 for all three).
#[test]
fn disabling_logs_replaces_from_1_5_5() {
    for v in ["1.5.5", "1.6.0"] {
        expect("logs", v, &logs(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- LogConfig {\n      +/- Disabled:      \"false\" => \"true\"\n          MaxFileSizeMB: \"10\"\n          MaxFiles:      \"10\"\n        }\n", "tobjects", r#"[{"Fields":[{"Annotations":null,"Name":"Disabled","New":"true","Old":"false","Type":"Edited"},{"Annotations":null,"Name":"MaxFileSizeMB","New":"10","Old":"10","Type":"None"},{"Annotations":null,"Name":"MaxFiles","New":"10","Old":"10","Type":"None"}],"Name":"LogConfig","Objects":null,"Type":"Edited"}]"#);
    }
}

/// tasksUpdated's renderTemplatesUpdated (v1.6.2, the release that added
/// `render_templates`): the group is replaced; the task, whose diff shows
/// nothing of its own, is annotated in place as annotate.go does.
#[test]
fn render_templates_replaces_from_1_6_2() {
    expect(
        "rt",
        "1.6.2",
        &render_templates(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- RestartPolicy {\n        Attempts:        \"2\"\n        Delay:           \"15000000000\"\n        Interval:        \"1800000000000\"\n        Mode:            \"fail\"\n    +/- RenderTemplates: \"false\" => \"true\"\n      }\n  +/- Task: \"t\" (forces in-place update)\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Attempts","New":"2","Old":"2","Type":"None"},{"Annotations":null,"Name":"Delay","New":"15000000000","Old":"15000000000","Type":"None"},{"Annotations":null,"Name":"Interval","New":"1800000000000","Old":"1800000000000","Type":"None"},{"Annotations":null,"Name":"Mode","New":"fail","Old":"fail","Type":"None"},{"Annotations":null,"Name":"RenderTemplates","New":"true","Old":"false","Type":"Edited"}],"Name":"RestartPolicy","Objects":null,"Type":"Edited"}]"#,
    );
}

/// nonNetworkResourcesUpdated compares SecretsMB from v1.8.3 (the
/// release that added `secrets`).
#[test]
fn secrets_size_replaces_from_1_8_3() {
    expect(
        "secrets",
        "1.8.3",
        &secrets_mb(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Resources {\n          CPU:         \"100\"\n          Cores:       \"0\"\n          DiskMB:      \"0\"\n          IOPS:        \"0\"\n          MemoryMB:    \"300\"\n          MemoryMaxMB: \"0\"\n      +/- SecretsMB:   \"1\" => \"2\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"CPU","New":"100","Old":"100","Type":"None"},{"Annotations":null,"Name":"Cores","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"DiskMB","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"IOPS","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"MemoryMB","New":"300","Old":"300","Type":"None"},{"Annotations":null,"Name":"MemoryMaxMB","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"SecretsMB","New":"2","Old":"1","Type":"Edited"}],"Name":"Resources","Objects":null,"Type":"Edited"}]"#,
    );
}

/// networkPortMap: before v1.0.4 a label-to-value map (a dynamic port
/// -1), so a `to` edit was in place; from v1.0.4 each port's `to` and
/// host network are compared too.
#[test]
fn a_port_to_edit_replaces_from_1_0_4() {
    expect(
        "to",
        "1.0.3",
        &port_to(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  + Network {\n    + MBits: \"0\"\n      Mode:  \"\"\n    + Dynamic Port {\n      + HostNetwork: \"default\"\n      + Label:       \"http\"\n      + To:          \"81\"\n      }\n    }\n  - Network {\n    - MBits: \"0\"\n      Mode:  \"\"\n    - Dynamic Port {\n      - HostNetwork: \"default\"\n      - Label:       \"http\"\n      - To:          \"80\"\n      }\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"MBits","New":"0","Old":"","Type":"Added"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"default","Old":"","Type":"Added"},{"Annotations":null,"Name":"Label","New":"http","Old":"","Type":"Added"},{"Annotations":null,"Name":"To","New":"81","Old":"","Type":"Added"}],"Name":"Dynamic Port","Objects":null,"Type":"Added"}],"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"MBits","New":"","Old":"0","Type":"Deleted"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"","Old":"default","Type":"Deleted"},{"Annotations":null,"Name":"Label","New":"","Old":"http","Type":"Deleted"},{"Annotations":null,"Name":"To","New":"","Old":"80","Type":"Deleted"}],"Name":"Dynamic Port","Objects":null,"Type":"Deleted"}],"Type":"Deleted"}]"#,
    );
    expect(
        "to",
        "1.0.4",
        &port_to(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  + Network {\n    + MBits: \"0\"\n      Mode:  \"\"\n    + Dynamic Port {\n      + HostNetwork: \"default\"\n      + Label:       \"http\"\n      + To:          \"81\"\n      }\n    }\n  - Network {\n    - MBits: \"0\"\n      Mode:  \"\"\n    - Dynamic Port {\n      - HostNetwork: \"default\"\n      - Label:       \"http\"\n      - To:          \"80\"\n      }\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"MBits","New":"0","Old":"","Type":"Added"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"default","Old":"","Type":"Added"},{"Annotations":null,"Name":"Label","New":"http","Old":"","Type":"Added"},{"Annotations":null,"Name":"To","New":"81","Old":"","Type":"Added"}],"Name":"Dynamic Port","Objects":null,"Type":"Added"}],"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"MBits","New":"","Old":"0","Type":"Deleted"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"","Old":"default","Type":"Deleted"},{"Annotations":null,"Name":"Label","New":"","Old":"http","Type":"Deleted"},{"Annotations":null,"Name":"To","New":"","Old":"80","Type":"Deleted"}],"Name":"Dynamic Port","Objects":null,"Type":"Deleted"}],"Type":"Deleted"}]"#,
    );
}

/// networkUpdated compares the network's DNS from v0.12.0 (the release
/// that added `dns`); we compared no DNS at all.
#[test]
fn a_dns_edit_replaces_from_0_12() {
    expect(
        "dns",
        "0.12.0",
        &dns(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  + Network {\n    + MBits: \"10\"\n    + Mode:  \"bridge\"\n    + DNS {\n      + Servers: \"8.8.8.8\"\n      }\n    }\n  - Network {\n    - MBits: \"10\"\n    - Mode:  \"bridge\"\n    - DNS {\n      - Servers: \"1.1.1.1\"\n      }\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"MBits","New":"10","Old":"","Type":"Added"},{"Annotations":null,"Name":"Mode","New":"bridge","Old":"","Type":"Added"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"Servers","New":"8.8.8.8","Old":"","Type":"Added"}],"Name":"DNS","Objects":null,"Type":"Added"}],"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"MBits","New":"","Old":"10","Type":"Deleted"},{"Annotations":null,"Name":"Mode","New":"","Old":"bridge","Type":"Deleted"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"Servers","New":"","Old":"1.1.1.1","Type":"Deleted"}],"Name":"DNS","Objects":null,"Type":"Deleted"}],"Type":"Deleted"}]"#,
    );
}
