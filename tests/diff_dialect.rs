//! Issue 13: each Nomad release diffs the fields its own structs have.
//! Every case here is a field or object whose first (or last) release we
//! had wrong, read from Nomad's source at the tags either side:
//! `nomad/structs/diff.go` (what each Diff function flattens, filters and
//! adds by hand) and the structs it flattens (`nomad/structs/structs.go`,
//! `services.go`). Each plans one edit of a job file at the releases either
//! side of the change and compares the text `plan` prints for the diff and
//! the JSON object that carries the field.

use crate::common;

use common::dialect::{expect, group_edit, task_edit};

fn group_sacd() -> (String, String) {
    group_edit("    stop_after_client_disconnect = \"@\"\n", "1m", "2m")
}

fn group_mcd() -> (String, String) {
    group_edit("    max_client_disconnect = \"@\"\n", "1m", "2m")
}

fn restart() -> (String, String) {
    group_edit("    restart {\n      attempts = 2\n      interval = \"30m\"\n      delay    = \"15s\"\n      mode     = \"@\"\n    }\n", "fail", "delay")
}

fn service() -> (String, String) {
    task_edit(
        "      service {\n        name = \"s\"\n        tags = [\"@\"]\n      }\n",
        "a",
        "b",
    )
}

fn check() -> (String, String) {
    task_edit("      service {\n        name = \"s\"\n        check {\n          type     = \"script\"\n          command  = \"/bin/true\"\n          interval = \"@\"\n          timeout  = \"2s\"\n        }\n      }\n", "10s", "20s")
}

fn resources() -> (String, String) {
    task_edit(
        "      resources {\n        cpu    = @\n        memory = 64\n      }\n",
        "100",
        "200",
    )
}

fn network() -> (String, String) {
    group_edit("    network {\n      port \"@\" {}\n    }\n", "http", "web")
}

fn template() -> (String, String) {
    task_edit("      template {\n        data        = \"@\"\n        destination = \"local/a\"\n      }\n", "a", "b")
}

fn vault() -> (String, String) {
    task_edit(
        "      vault {\n        policies    = [\"p\"]\n        change_mode = \"@\"\n      }\n",
        "restart",
        "noop",
    )
}

fn scaling() -> (String, String) {
    group_edit("    scaling {\n      min = 1\n      max = @\n      policy {\n        cooldown = \"1m\"\n      }\n    }\n", "3", "4")
}

fn volume() -> (String, String) {
    group_edit(
        "    volume \"v\" {\n      type   = \"host\"\n      source = \"@\"\n    }\n",
        "a",
        "b",
    )
}

fn artifact() -> (String, String) {
    task_edit("      artifact {\n        source      = \"https://@/x\"\n        destination = \"local/x\"\n      }\n", "a", "b")
}

fn vault_token() -> (String, String) {
    let file = |token: &str| {
        format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  vault_token = \"{token}\"\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n      }}\n    }}\n  }}\n}}\n")
    };
    (file("a"), file("b"))
}

/// `stop_after_client_disconnect`: TaskGroup.Diff adds it by hand (a
/// pointer field) from v0.11.2 to v1.9.7 (nomad/structs/diff.go); from
/// v1.10.0 command/agent/job_endpoint.go no longer copies it to the server
/// (#25284), so 1.10 sees no change at all.
#[test]
fn group_legacy_disconnect_fields_are_diffed_0_11_2_to_1_9() {
    for v in ["0.11.2", "1.9.7"] {
        expect("sacd", v, &group_sacd(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- StopAfterClientDisconnect: \"60000000000\" => \"120000000000\"\n      Task: \"t\"\n", "gfields", r#"[{"Annotations":null,"Name":"StopAfterClientDisconnect","New":"120000000000","Old":"60000000000","Type":"Edited"}]"#);
    }
    expect(
        "sacd",
        "1.10.0",
        &group_sacd(),
        "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n",
        "gfields",
        r#"null"#,
    );
}

/// `max_client_disconnect`: added by hand in TaskGroup.Diff from v1.3.0
/// (nomad/structs/diff.go; the parser refuses it before 1.3.0).
#[test]
fn group_max_client_disconnect_is_diffed_from_1_3() {
    expect(
        "mcd",
        "1.3.0",
        &group_mcd(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- MaxClientDisconnect: \"60000000000\" => \"120000000000\"\n      Task: \"t\"\n",
        "gfields",
        r#"[{"Annotations":null,"Name":"MaxClientDisconnect","New":"120000000000","Old":"60000000000","Type":"Edited"}]"#,
    );
}

/// RestartPolicy.RenderTemplates: in nomad/structs/structs.go from v1.6.2
/// (not v1.6.1), flattened by primitiveObjectDiff.
#[test]
fn restart_render_templates_from_1_6_2() {
    expect(
        "restart",
        "1.6.1",
        &restart(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- RestartPolicy {\n        Attempts: \"2\"\n        Delay:    \"15000000000\"\n        Interval: \"1800000000000\"\n    +/- Mode:     \"fail\" => \"delay\"\n      }\n  +/- Task: \"t\" (forces in-place update)\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Attempts","New":"2","Old":"2","Type":"None"},{"Annotations":null,"Name":"Delay","New":"15000000000","Old":"15000000000","Type":"None"},{"Annotations":null,"Name":"Interval","New":"1800000000000","Old":"1800000000000","Type":"None"},{"Annotations":null,"Name":"Mode","New":"delay","Old":"fail","Type":"Edited"}],"Name":"RestartPolicy","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "restart",
        "1.6.2",
        &restart(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- RestartPolicy {\n        Attempts:        \"2\"\n        Delay:           \"15000000000\"\n        Interval:        \"1800000000000\"\n    +/- Mode:            \"fail\" => \"delay\"\n        RenderTemplates: \"false\"\n      }\n  +/- Task: \"t\" (forces in-place update)\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Attempts","New":"2","Old":"2","Type":"None"},{"Annotations":null,"Name":"Delay","New":"15000000000","Old":"15000000000","Type":"None"},{"Annotations":null,"Name":"Interval","New":"1800000000000","Old":"1800000000000","Type":"None"},{"Annotations":null,"Name":"Mode","New":"delay","Old":"fail","Type":"Edited"},{"Annotations":null,"Name":"RenderTemplates","New":"false","Old":"false","Type":"None"}],"Name":"RestartPolicy","Objects":null,"Type":"Edited"}]"#,
    );
}

/// Service (nomad/structs/structs.go, later services.go): EnableTagOverride
/// from v0.11.0, TaskName from v0.12.0, Namespace and OnUpdate from v1.1.0;
/// serviceDiff flattens every primitive field.
#[test]
fn service_fields_per_release() {
    expect(
        "service",
        "0.10.5",
        &service(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode: \"auto\"\n          Name:        \"s\"\n          PortLabel:   \"\"\n      +/- Tags {\n        + Tags: \"b\"\n        - Tags: \"a\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"Tags","New":"b","Old":"","Type":"Added"},{"Annotations":null,"Name":"Tags","New":"","Old":"a","Type":"Deleted"}],"Name":"Tags","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
    expect(
        "service",
        "0.11.0",
        &service(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode:       \"auto\"\n          EnableTagOverride: \"false\"\n          Name:              \"s\"\n          PortLabel:         \"\"\n      +/- Tags {\n        + Tags: \"b\"\n        - Tags: \"a\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"Tags","New":"b","Old":"","Type":"Added"},{"Annotations":null,"Name":"Tags","New":"","Old":"a","Type":"Deleted"}],"Name":"Tags","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
    for v in ["0.12.0", "1.0.0"] {
        expect("service", v, &service(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode:       \"auto\"\n          EnableTagOverride: \"false\"\n          Name:              \"s\"\n          PortLabel:         \"\"\n          TaskName:          \"\"\n      +/- Tags {\n        + Tags: \"b\"\n        - Tags: \"a\"\n          }\n        }\n", "tobjects", r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"Tags","New":"b","Old":"","Type":"Added"},{"Annotations":null,"Name":"Tags","New":"","Old":"a","Type":"Deleted"}],"Name":"Tags","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#);
    }
    expect(
        "service",
        "1.1.0",
        &service(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode:       \"auto\"\n          EnableTagOverride: \"false\"\n          Name:              \"s\"\n          Namespace:         \"default\"\n          OnUpdate:          \"require_healthy\"\n          PortLabel:         \"\"\n          TaskName:          \"\"\n      +/- Tags {\n        + Tags: \"b\"\n        - Tags: \"a\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"OnUpdate","New":"require_healthy","Old":"require_healthy","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"Tags","New":"b","Old":"","Type":"Added"},{"Annotations":null,"Name":"Tags","New":"","Old":"a","Type":"Deleted"}],"Name":"Tags","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
}

/// ServiceCheck: Expose from v0.11.0, FailuresBeforeCritical and
/// SuccessBeforePassing from v0.12.2, Body and OnUpdate from v1.1.0
/// (nomad/structs/structs.go, services.go; serviceCheckDiff).
#[test]
fn check_fields_per_release() {
    expect(
        "check",
        "0.10.5",
        &check(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode: \"auto\"\n          Name:        \"s\"\n          PortLabel:   \"\"\n      +/- Check {\n            AddressMode:   \"\"\n            Command:       \"/bin/true\"\n            GRPCService:   \"\"\n            GRPCUseTLS:    \"false\"\n            InitialStatus: \"\"\n        +/- Interval:      \"10000000000\" => \"20000000000\"\n            Method:        \"\"\n            Name:          \"service: \\\"s\\\" check\"\n            Path:          \"\"\n            PortLabel:     \"\"\n            Protocol:      \"\"\n            TLSSkipVerify: \"false\"\n            TaskName:      \"\"\n            Timeout:       \"2000000000\"\n            Type:          \"script\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Command","New":"/bin/true","Old":"/bin/true","Type":"None"},{"Annotations":null,"Name":"GRPCService","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"GRPCUseTLS","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"InitialStatus","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Interval","New":"20000000000","Old":"10000000000","Type":"Edited"},{"Annotations":null,"Name":"Method","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"service: \"s\" check","Old":"service: \"s\" check","Type":"None"},{"Annotations":null,"Name":"Path","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Protocol","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TLSSkipVerify","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Timeout","New":"2000000000","Old":"2000000000","Type":"None"},{"Annotations":null,"Name":"Type","New":"script","Old":"script","Type":"None"}],"Name":"Check","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
    expect(
        "check",
        "0.11.0",
        &check(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode:       \"auto\"\n          EnableTagOverride: \"false\"\n          Name:              \"s\"\n          PortLabel:         \"\"\n      +/- Check {\n            AddressMode:   \"\"\n            Command:       \"/bin/true\"\n            Expose:        \"false\"\n            GRPCService:   \"\"\n            GRPCUseTLS:    \"false\"\n            InitialStatus: \"\"\n        +/- Interval:      \"10000000000\" => \"20000000000\"\n            Method:        \"\"\n            Name:          \"service: \\\"s\\\" check\"\n            Path:          \"\"\n            PortLabel:     \"\"\n            Protocol:      \"\"\n            TLSSkipVerify: \"false\"\n            TaskName:      \"\"\n            Timeout:       \"2000000000\"\n            Type:          \"script\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Command","New":"/bin/true","Old":"/bin/true","Type":"None"},{"Annotations":null,"Name":"Expose","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"GRPCService","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"GRPCUseTLS","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"InitialStatus","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Interval","New":"20000000000","Old":"10000000000","Type":"Edited"},{"Annotations":null,"Name":"Method","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"service: \"s\" check","Old":"service: \"s\" check","Type":"None"},{"Annotations":null,"Name":"Path","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Protocol","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TLSSkipVerify","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Timeout","New":"2000000000","Old":"2000000000","Type":"None"},{"Annotations":null,"Name":"Type","New":"script","Old":"script","Type":"None"}],"Name":"Check","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
    expect(
        "check",
        "0.12.1",
        &check(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode:       \"auto\"\n          EnableTagOverride: \"false\"\n          Name:              \"s\"\n          PortLabel:         \"\"\n          TaskName:          \"\"\n      +/- Check {\n            AddressMode:   \"\"\n            Command:       \"/bin/true\"\n            Expose:        \"false\"\n            GRPCService:   \"\"\n            GRPCUseTLS:    \"false\"\n            InitialStatus: \"\"\n        +/- Interval:      \"10000000000\" => \"20000000000\"\n            Method:        \"\"\n            Name:          \"service: \\\"s\\\" check\"\n            Path:          \"\"\n            PortLabel:     \"\"\n            Protocol:      \"\"\n            TLSSkipVerify: \"false\"\n            TaskName:      \"\"\n            Timeout:       \"2000000000\"\n            Type:          \"script\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Command","New":"/bin/true","Old":"/bin/true","Type":"None"},{"Annotations":null,"Name":"Expose","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"GRPCService","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"GRPCUseTLS","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"InitialStatus","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Interval","New":"20000000000","Old":"10000000000","Type":"Edited"},{"Annotations":null,"Name":"Method","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"service: \"s\" check","Old":"service: \"s\" check","Type":"None"},{"Annotations":null,"Name":"Path","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Protocol","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TLSSkipVerify","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Timeout","New":"2000000000","Old":"2000000000","Type":"None"},{"Annotations":null,"Name":"Type","New":"script","Old":"script","Type":"None"}],"Name":"Check","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
    for v in ["0.12.2", "1.0.0"] {
        expect("check", v, &check(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode:       \"auto\"\n          EnableTagOverride: \"false\"\n          Name:              \"s\"\n          PortLabel:         \"\"\n          TaskName:          \"\"\n      +/- Check {\n            AddressMode:            \"\"\n            Command:                \"/bin/true\"\n            Expose:                 \"false\"\n            FailuresBeforeCritical: \"0\"\n            GRPCService:            \"\"\n            GRPCUseTLS:             \"false\"\n            InitialStatus:          \"\"\n        +/- Interval:               \"10000000000\" => \"20000000000\"\n            Method:                 \"\"\n            Name:                   \"service: \\\"s\\\" check\"\n            Path:                   \"\"\n            PortLabel:              \"\"\n            Protocol:               \"\"\n            SuccessBeforePassing:   \"0\"\n            TLSSkipVerify:          \"false\"\n            TaskName:               \"\"\n            Timeout:                \"2000000000\"\n            Type:                   \"script\"\n          }\n        }\n", "tobjects", r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Command","New":"/bin/true","Old":"/bin/true","Type":"None"},{"Annotations":null,"Name":"Expose","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"FailuresBeforeCritical","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"GRPCService","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"GRPCUseTLS","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"InitialStatus","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Interval","New":"20000000000","Old":"10000000000","Type":"Edited"},{"Annotations":null,"Name":"Method","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"service: \"s\" check","Old":"service: \"s\" check","Type":"None"},{"Annotations":null,"Name":"Path","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Protocol","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"SuccessBeforePassing","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"TLSSkipVerify","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Timeout","New":"2000000000","Old":"2000000000","Type":"None"},{"Annotations":null,"Name":"Type","New":"script","Old":"script","Type":"None"}],"Name":"Check","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#);
    }
    expect(
        "check",
        "1.1.0",
        &check(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n    +/- Service {\n          AddressMode:       \"auto\"\n          EnableTagOverride: \"false\"\n          Name:              \"s\"\n          Namespace:         \"default\"\n          OnUpdate:          \"require_healthy\"\n          PortLabel:         \"\"\n          TaskName:          \"\"\n      +/- Check {\n            AddressMode:            \"\"\n            Body:                   \"\"\n            Command:                \"/bin/true\"\n            Expose:                 \"false\"\n            FailuresBeforeCritical: \"0\"\n            GRPCService:            \"\"\n            GRPCUseTLS:             \"false\"\n            InitialStatus:          \"\"\n        +/- Interval:               \"10000000000\" => \"20000000000\"\n            Method:                 \"\"\n            Name:                   \"service: \\\"s\\\" check\"\n            OnUpdate:               \"require_healthy\"\n            Path:                   \"\"\n            PortLabel:              \"\"\n            Protocol:               \"\"\n            SuccessBeforePassing:   \"0\"\n            TLSSkipVerify:          \"false\"\n            TaskName:               \"\"\n            Timeout:                \"2000000000\"\n            Type:                   \"script\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"OnUpdate","New":"require_healthy","Old":"require_healthy","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"AddressMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Body","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Command","New":"/bin/true","Old":"/bin/true","Type":"None"},{"Annotations":null,"Name":"Expose","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"FailuresBeforeCritical","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"GRPCService","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"GRPCUseTLS","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"InitialStatus","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Interval","New":"20000000000","Old":"10000000000","Type":"Edited"},{"Annotations":null,"Name":"Method","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"service: \"s\" check","Old":"service: \"s\" check","Type":"None"},{"Annotations":null,"Name":"OnUpdate","New":"require_healthy","Old":"require_healthy","Type":"None"},{"Annotations":null,"Name":"Path","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Protocol","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"SuccessBeforePassing","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"TLSSkipVerify","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Timeout","New":"2000000000","Old":"2000000000","Type":"None"},{"Annotations":null,"Name":"Type","New":"script","Old":"script","Type":"None"}],"Name":"Check","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#,
    );
}

/// Resources.SecretsMB: nomad/structs/structs.go from v1.8.3
/// (Resources.Diff flattens the whole struct).
#[test]
fn resources_secrets_mb_from_1_8_3() {
    expect(
        "res",
        "1.8.2",
        &resources(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Resources {\n      +/- CPU:         \"100\" => \"200\"\n          Cores:       \"0\"\n          DiskMB:      \"0\"\n          IOPS:        \"0\"\n          MemoryMB:    \"64\"\n          MemoryMaxMB: \"0\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"CPU","New":"200","Old":"100","Type":"Edited"},{"Annotations":null,"Name":"Cores","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"DiskMB","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"IOPS","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"MemoryMB","New":"64","Old":"64","Type":"None"},{"Annotations":null,"Name":"MemoryMaxMB","New":"0","Old":"0","Type":"None"}],"Name":"Resources","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "res",
        "1.8.3",
        &resources(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Resources {\n      +/- CPU:         \"100\" => \"200\"\n          Cores:       \"0\"\n          DiskMB:      \"0\"\n          IOPS:        \"0\"\n          MemoryMB:    \"64\"\n          MemoryMaxMB: \"0\"\n          SecretsMB:   \"0\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"CPU","New":"200","Old":"100","Type":"Edited"},{"Annotations":null,"Name":"Cores","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"DiskMB","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"IOPS","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"MemoryMB","New":"64","Old":"64","Type":"None"},{"Annotations":null,"Name":"MemoryMaxMB","New":"0","Old":"0","Type":"None"},{"Annotations":null,"Name":"SecretsMB","New":"0","Old":"0","Type":"None"}],"Name":"Resources","Objects":null,"Type":"Edited"}]"#,
    );
}

/// NetworkResource: Hostname from v1.1.5 (structs.go); NetworkResource.Diff
/// filters MBits from v1.8.2 (diff.go `filter := []string{"_struct",
/// "Device", "CIDR", "IP", "MBits"}`).
#[test]
fn network_hostname_from_1_1_5_and_mbits_filtered_from_1_8_2() {
    expect(
        "net",
        "1.1.4",
        &network(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  + Network {\n    + MBits: \"0\"\n      Mode:  \"\"\n    + Dynamic Port {\n      + HostNetwork: \"default\"\n      + Label:       \"web\"\n      + To:          \"0\"\n      }\n    }\n  - Network {\n    - MBits: \"0\"\n      Mode:  \"\"\n    - Dynamic Port {\n      - HostNetwork: \"default\"\n      - Label:       \"http\"\n      - To:          \"0\"\n      }\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"MBits","New":"0","Old":"","Type":"Added"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"default","Old":"","Type":"Added"},{"Annotations":null,"Name":"Label","New":"web","Old":"","Type":"Added"},{"Annotations":null,"Name":"To","New":"0","Old":"","Type":"Added"}],"Name":"Dynamic Port","Objects":null,"Type":"Added"}],"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"MBits","New":"","Old":"0","Type":"Deleted"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"","Old":"default","Type":"Deleted"},{"Annotations":null,"Name":"Label","New":"","Old":"http","Type":"Deleted"},{"Annotations":null,"Name":"To","New":"","Old":"0","Type":"Deleted"}],"Name":"Dynamic Port","Objects":null,"Type":"Deleted"}],"Type":"Deleted"}]"#,
    );
    for v in ["1.1.5", "1.8.1"] {
        expect("net", v, &network(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  + Network {\n      Hostname: \"\"\n    + MBits:    \"0\"\n      Mode:     \"\"\n    + Dynamic Port {\n      + HostNetwork: \"default\"\n      + Label:       \"web\"\n      + To:          \"0\"\n      }\n    }\n  - Network {\n      Hostname: \"\"\n    - MBits:    \"0\"\n      Mode:     \"\"\n    - Dynamic Port {\n      - HostNetwork: \"default\"\n      - Label:       \"http\"\n      - To:          \"0\"\n      }\n    }\n    Task: \"t\"\n", "gobjects", r#"[{"Fields":[{"Annotations":null,"Name":"Hostname","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"MBits","New":"0","Old":"","Type":"Added"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"default","Old":"","Type":"Added"},{"Annotations":null,"Name":"Label","New":"web","Old":"","Type":"Added"},{"Annotations":null,"Name":"To","New":"0","Old":"","Type":"Added"}],"Name":"Dynamic Port","Objects":null,"Type":"Added"}],"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"Hostname","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"MBits","New":"","Old":"0","Type":"Deleted"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"","Old":"default","Type":"Deleted"},{"Annotations":null,"Name":"Label","New":"","Old":"http","Type":"Deleted"},{"Annotations":null,"Name":"To","New":"","Old":"0","Type":"Deleted"}],"Name":"Dynamic Port","Objects":null,"Type":"Deleted"}],"Type":"Deleted"}]"#);
    }
    expect(
        "net",
        "1.8.2",
        &network(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  + Network {\n      Hostname: \"\"\n      Mode:     \"\"\n    + Dynamic Port {\n      + HostNetwork: \"default\"\n      + Label:       \"web\"\n      + To:          \"0\"\n      }\n    }\n  - Network {\n      Hostname: \"\"\n      Mode:     \"\"\n    - Dynamic Port {\n      - HostNetwork: \"default\"\n      - Label:       \"http\"\n      - To:          \"0\"\n      }\n    }\n    Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Hostname","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"default","Old":"","Type":"Added"},{"Annotations":null,"Name":"Label","New":"web","Old":"","Type":"Added"},{"Annotations":null,"Name":"To","New":"0","Old":"","Type":"Added"}],"Name":"Dynamic Port","Objects":null,"Type":"Added"}],"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"Hostname","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Mode","New":"","Old":"","Type":"None"}],"Name":"Network","Objects":[{"Fields":[{"Annotations":null,"Name":"HostNetwork","New":"","Old":"default","Type":"Deleted"},{"Annotations":null,"Name":"Label","New":"","Old":"http","Type":"Deleted"},{"Annotations":null,"Name":"To","New":"","Old":"0","Type":"Deleted"}],"Name":"Dynamic Port","Objects":null,"Type":"Deleted"}],"Type":"Deleted"}]"#,
    );
}

/// Template (nomad/structs/structs.go): v1.3.3 alone had Uid and Gid as
/// ints, which api/tasks.go canonicalised to -1 (v1.3.4 made them
/// pointers that diff.go adds only when set); ErrMissingKey from v1.4.3,
/// Once from v1.10.2.
#[test]
fn template_fields_per_release() {
    expect(
        "tpl",
        "1.3.3",
        &template(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Template {\n          ChangeMode:   \"restart\"\n          ChangeSignal: \"\"\n          DestPath:     \"local/a\"\n      +/- EmbeddedTmpl: \"a\" => \"b\"\n          Envvars:      \"false\"\n          Gid:          \"-1\"\n          LeftDelim:    \"{{\"\n          Perms:        \"0644\"\n          RightDelim:   \"}}\"\n          SourcePath:   \"\"\n          Splay:        \"5000000000\"\n          Uid:          \"-1\"\n          VaultGrace:   \"0\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"restart","Old":"restart","Type":"None"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"local/a","Old":"local/a","Type":"None"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"b","Old":"a","Type":"Edited"},{"Annotations":null,"Name":"Envvars","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Gid","New":"-1","Old":"-1","Type":"None"},{"Annotations":null,"Name":"LeftDelim","New":"{{","Old":"{{","Type":"None"},{"Annotations":null,"Name":"Perms","New":"0644","Old":"0644","Type":"None"},{"Annotations":null,"Name":"RightDelim","New":"}}","Old":"}}","Type":"None"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"5000000000","Old":"5000000000","Type":"None"},{"Annotations":null,"Name":"Uid","New":"-1","Old":"-1","Type":"None"},{"Annotations":null,"Name":"VaultGrace","New":"0","Old":"0","Type":"None"}],"Name":"Template","Objects":null,"Type":"Edited"}]"#,
    );
    for v in ["1.3.4", "1.4.2"] {
        expect("tpl", v, &template(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Template {\n          ChangeMode:   \"restart\"\n          ChangeSignal: \"\"\n          DestPath:     \"local/a\"\n      +/- EmbeddedTmpl: \"a\" => \"b\"\n          Envvars:      \"false\"\n          LeftDelim:    \"{{\"\n          Perms:        \"0644\"\n          RightDelim:   \"}}\"\n          SourcePath:   \"\"\n          Splay:        \"5000000000\"\n          VaultGrace:   \"0\"\n        }\n", "tobjects", r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"restart","Old":"restart","Type":"None"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"local/a","Old":"local/a","Type":"None"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"b","Old":"a","Type":"Edited"},{"Annotations":null,"Name":"Envvars","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"LeftDelim","New":"{{","Old":"{{","Type":"None"},{"Annotations":null,"Name":"Perms","New":"0644","Old":"0644","Type":"None"},{"Annotations":null,"Name":"RightDelim","New":"}}","Old":"}}","Type":"None"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"5000000000","Old":"5000000000","Type":"None"},{"Annotations":null,"Name":"VaultGrace","New":"0","Old":"0","Type":"None"}],"Name":"Template","Objects":null,"Type":"Edited"}]"#);
    }
    for v in ["1.4.3", "1.10.1"] {
        expect("tpl", v, &template(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Template {\n          ChangeMode:    \"restart\"\n          ChangeSignal:  \"\"\n          DestPath:      \"local/a\"\n      +/- EmbeddedTmpl:  \"a\" => \"b\"\n          Envvars:       \"false\"\n          ErrMissingKey: \"false\"\n          LeftDelim:     \"{{\"\n          Perms:         \"0644\"\n          RightDelim:    \"}}\"\n          SourcePath:    \"\"\n          Splay:         \"5000000000\"\n          VaultGrace:    \"0\"\n        }\n", "tobjects", r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"restart","Old":"restart","Type":"None"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"local/a","Old":"local/a","Type":"None"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"b","Old":"a","Type":"Edited"},{"Annotations":null,"Name":"Envvars","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"ErrMissingKey","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"LeftDelim","New":"{{","Old":"{{","Type":"None"},{"Annotations":null,"Name":"Perms","New":"0644","Old":"0644","Type":"None"},{"Annotations":null,"Name":"RightDelim","New":"}}","Old":"}}","Type":"None"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"5000000000","Old":"5000000000","Type":"None"},{"Annotations":null,"Name":"VaultGrace","New":"0","Old":"0","Type":"None"}],"Name":"Template","Objects":null,"Type":"Edited"}]"#);
    }
    expect(
        "tpl",
        "1.10.2",
        &template(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Template {\n          ChangeMode:    \"restart\"\n          ChangeSignal:  \"\"\n          DestPath:      \"local/a\"\n      +/- EmbeddedTmpl:  \"a\" => \"b\"\n          Envvars:       \"false\"\n          ErrMissingKey: \"false\"\n          LeftDelim:     \"{{\"\n          Once:          \"false\"\n          Perms:         \"0644\"\n          RightDelim:    \"}}\"\n          SourcePath:    \"\"\n          Splay:         \"5000000000\"\n          VaultGrace:    \"0\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"restart","Old":"restart","Type":"None"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"local/a","Old":"local/a","Type":"None"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"b","Old":"a","Type":"Edited"},{"Annotations":null,"Name":"Envvars","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"ErrMissingKey","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"LeftDelim","New":"{{","Old":"{{","Type":"None"},{"Annotations":null,"Name":"Once","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Perms","New":"0644","Old":"0644","Type":"None"},{"Annotations":null,"Name":"RightDelim","New":"}}","Old":"}}","Type":"None"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"5000000000","Old":"5000000000","Type":"None"},{"Annotations":null,"Name":"VaultGrace","New":"0","Old":"0","Type":"None"}],"Name":"Template","Objects":null,"Type":"Edited"}]"#,
    );
}

/// Vault (nomad/structs/structs.go): Namespace from v0.12.2,
/// AllowTokenExpiration from v1.7.3; vaultDiff flattens every primitive.
#[test]
fn vault_fields_per_release() {
    expect(
        "vault",
        "0.12.1",
        &vault(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Vault {\n      +/- ChangeMode:   \"restart\" => \"noop\"\n          ChangeSignal: \"SIGHUP\"\n          Env:          \"true\"\n          Policies {\n            Policies: \"p\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"noop","Old":"restart","Type":"Edited"},{"Annotations":null,"Name":"ChangeSignal","New":"SIGHUP","Old":"SIGHUP","Type":"None"},{"Annotations":null,"Name":"Env","New":"true","Old":"true","Type":"None"}],"Name":"Vault","Objects":[{"Fields":[{"Annotations":null,"Name":"Policies","New":"p","Old":"p","Type":"None"}],"Name":"Policies","Objects":null,"Type":"None"}],"Type":"Edited"}]"#,
    );
    expect(
        "vault",
        "0.12.2",
        &vault(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Vault {\n      +/- ChangeMode:   \"restart\" => \"noop\"\n          ChangeSignal: \"SIGHUP\"\n          Env:          \"true\"\n          Namespace:    \"\"\n          Policies {\n            Policies: \"p\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"noop","Old":"restart","Type":"Edited"},{"Annotations":null,"Name":"ChangeSignal","New":"SIGHUP","Old":"SIGHUP","Type":"None"},{"Annotations":null,"Name":"Env","New":"true","Old":"true","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"","Old":"","Type":"None"}],"Name":"Vault","Objects":[{"Fields":[{"Annotations":null,"Name":"Policies","New":"p","Old":"p","Type":"None"}],"Name":"Policies","Objects":null,"Type":"None"}],"Type":"Edited"}]"#,
    );
    expect(
        "vault",
        "1.7.2",
        &vault(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Vault {\n      +/- ChangeMode:   \"restart\" => \"noop\"\n          ChangeSignal: \"SIGHUP\"\n          Cluster:      \"default\"\n          DisableFile:  \"false\"\n          Env:          \"true\"\n          Namespace:    \"\"\n          Role:         \"\"\n          Policies {\n            Policies: \"p\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"noop","Old":"restart","Type":"Edited"},{"Annotations":null,"Name":"ChangeSignal","New":"SIGHUP","Old":"SIGHUP","Type":"None"},{"Annotations":null,"Name":"Cluster","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"DisableFile","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Env","New":"true","Old":"true","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Role","New":"","Old":"","Type":"None"}],"Name":"Vault","Objects":[{"Fields":[{"Annotations":null,"Name":"Policies","New":"p","Old":"p","Type":"None"}],"Name":"Policies","Objects":null,"Type":"None"}],"Type":"Edited"}]"#,
    );
    expect(
        "vault",
        "1.7.3",
        &vault(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Vault {\n          AllowTokenExpiration: \"false\"\n      +/- ChangeMode:           \"restart\" => \"noop\"\n          ChangeSignal:         \"SIGHUP\"\n          Cluster:              \"default\"\n          DisableFile:          \"false\"\n          Env:                  \"true\"\n          Namespace:            \"\"\n          Role:                 \"\"\n          Policies {\n            Policies: \"p\"\n          }\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AllowTokenExpiration","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"ChangeMode","New":"noop","Old":"restart","Type":"Edited"},{"Annotations":null,"Name":"ChangeSignal","New":"SIGHUP","Old":"SIGHUP","Type":"None"},{"Annotations":null,"Name":"Cluster","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"DisableFile","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Env","New":"true","Old":"true","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Role","New":"","Old":"","Type":"None"}],"Name":"Vault","Objects":[{"Fields":[{"Annotations":null,"Name":"Policies","New":"p","Old":"p","Type":"None"}],"Name":"Policies","Objects":null,"Type":"None"}],"Type":"Edited"}]"#,
    );
}

/// diff.go's scalingDiff exists in v1.4.13 (not v1.4.12), v1.5.9 (not
/// v1.5.0 to v1.5.8) and from v1.6.2 (not v1.6.0/1): before, a scaling
/// edit shows no object and we say so on stderr.
#[test]
fn scaling_policy_diffed_in_1_4_13_1_5_9_and_from_1_6_2() {
    expect(
        "scaling",
        "1.4.12",
        &scaling(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  Task: \"t\"\n",
        "gobjects",
        r#"null"#,
    );
    expect(
        "scaling",
        "1.4.13",
        &scaling(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Scaling {\n    +/- Max: \"3\" => \"4\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Max","New":"4","Old":"3","Type":"Edited"}],"Name":"Scaling","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "scaling",
        "1.5.0",
        &scaling(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  Task: \"t\"\n",
        "gobjects",
        r#"null"#,
    );
    expect(
        "scaling",
        "1.5.9",
        &scaling(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Scaling {\n    +/- Max: \"3\" => \"4\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Max","New":"4","Old":"3","Type":"Edited"}],"Name":"Scaling","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "scaling",
        "1.6.1",
        &scaling(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  Task: \"t\"\n",
        "gobjects",
        r#"null"#,
    );
    expect(
        "scaling",
        "1.6.2",
        &scaling(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Scaling {\n    +/- Max: \"3\" => \"4\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Max","New":"4","Old":"3","Type":"Edited"}],"Name":"Scaling","Objects":null,"Type":"Edited"}]"#,
    );
}

/// diff.go's volumeDiffs: from v1.0.4 (not v1.0.3); VolumeRequest's
/// AccessMode, AttachmentMode and PerAlloc from v1.1.0 (structs.go).
#[test]
fn group_volumes_diffed_from_1_0_4() {
    expect(
        "vol",
        "1.0.3",
        &volume(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create)\n  Task: \"t\"\n",
        "gobjects",
        r#"null"#,
    );
    expect(
        "vol",
        "1.0.4",
        &volume(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create)\n  +/- Volume {\n        Name:     \"v\"\n        ReadOnly: \"false\"\n    +/- Source:   \"a\" => \"b\"\n        Type:     \"host\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Name","New":"v","Old":"v","Type":"None"},{"Annotations":null,"Name":"ReadOnly","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Source","New":"b","Old":"a","Type":"Edited"},{"Annotations":null,"Name":"Type","New":"host","Old":"host","Type":"None"}],"Name":"Volume","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "vol",
        "1.1.0",
        &volume(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create)\n  +/- Volume {\n        AccessMode:     \"\"\n        AttachmentMode: \"\"\n        Name:           \"v\"\n        PerAlloc:       \"false\"\n        ReadOnly:       \"false\"\n    +/- Source:         \"a\" => \"b\"\n        Type:           \"host\"\n      }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"AccessMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"AttachmentMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"v","Old":"v","Type":"None"},{"Annotations":null,"Name":"PerAlloc","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"ReadOnly","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Source","New":"b","Old":"a","Type":"Edited"},{"Annotations":null,"Name":"Type","New":"host","Old":"host","Type":"None"}],"Name":"Volume","Objects":null,"Type":"Edited"}]"#,
    );
}

/// TaskArtifact.Chown: nomad/structs/structs.go from v1.9.2.
#[test]
fn artifact_chown_from_1_9_2() {
    expect(
        "art",
        "1.9.1",
        &artifact(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Artifact {\n          GetterInsecure: \"false\"\n          GetterMode:     \"any\"\n      +/- GetterSource:   \"https://a/x\" => \"https://b/x\"\n          RelativeDest:   \"local/x\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"GetterInsecure","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"GetterMode","New":"any","Old":"any","Type":"None"},{"Annotations":null,"Name":"GetterSource","New":"https://b/x","Old":"https://a/x","Type":"Edited"},{"Annotations":null,"Name":"RelativeDest","New":"local/x","Old":"local/x","Type":"None"}],"Name":"Artifact","Objects":null,"Type":"Edited"}]"#,
    );
    expect(
        "art",
        "1.9.2",
        &artifact(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Artifact {\n          Chown:          \"false\"\n          GetterInsecure: \"false\"\n          GetterMode:     \"any\"\n      +/- GetterSource:   \"https://a/x\" => \"https://b/x\"\n          RelativeDest:   \"local/x\"\n        }\n",
        "tobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Chown","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"GetterInsecure","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"GetterMode","New":"any","Old":"any","Type":"None"},{"Annotations":null,"Name":"GetterSource","New":"https://b/x","Old":"https://a/x","Type":"Edited"},{"Annotations":null,"Name":"RelativeDest","New":"local/x","Old":"local/x","Type":"None"}],"Name":"Artifact","Objects":null,"Type":"Edited"}]"#,
    );
}

/// Job.Diff filters VaultToken from v1.3.6 (diff.go's filter list).
/// Job.Register cleared the running job's token, so before 1.3.6 the
/// file's token shows as added.
#[test]
fn job_vault_token_filtered_from_1_3_6() {
    expect(
        "vt",
        "1.3.5",
        &vault_token(),
        "+/- Job: \"j\"\n+ VaultToken: \"<masked>\"\n  Task Group: \"g\" (1 in-place update)\n    Task: \"t\"\n",
        "job",
        r#"[{"Annotations":null,"Name":"VaultToken","New":"<masked>","Old":"","Type":"Added"}]"#,
    );
    expect(
        "vt",
        "1.3.6",
        &vault_token(),
        "Job: \"j\"\nTask Group: \"g\" (1 in-place update)\n  Task: \"t\"\n",
        "job",
        r#"null"#,
    );
}
