//! Issue 13: the rules Nomad 1.7+ applies to workload identities, actions
//! secrets and NUMA (nomad/structs/structs.go `Task.Validate`, workload_id.go
//! `WorkloadIdentity.Validate`, actions.go `Action.Validate`,
//! services.go `validateIdentity`, structs.go `Secret.Validate`), read at
//! v1.7.0, v1.8.4, v1.9.0, v1.11.0 and v2.0.5. Each row planned and
//! validated as a false all-clear before.
//!
//! Texts: workload_id_test.go TestWorkloadIdentity_Validate ("an empty
//! string is an invalid audience (2)", "ttl must be >= 0", "file parameter
//! must be true in order to specify filepath", "can only use
//! change_signal=", "change_signal must be specified", "invalid name");
//! actions_test.go TestAction_Validate ("command cannot be empty",
//! "invalid name 'invalid name with spaces'"); structs_test.go
//! TestTask_Validate_Resources ("numa device \"bad/bad\" not requested as task
//! resource", "numa affinity must be one of none, prefer, or require");
//! TestTask_Validate_Secret ("has provider \"vault\" but no vault block"),
//! TestSecrets_Validate ("secret path cannot be empty", "custom plugin
//! provider test cannot use the config block"); NUMA rules 1.9.0+; the rest from the Validate functions themselves.

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

fn nest(v: &str, prefix: &str, items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|x| x.to_string()).collect();
    format!("{prefix}: {}", multi(v, &items))
}

/// A job with one group `g` and one task `t` holding `body`.
fn job(body: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n{body}\n    }}\n  }}\n}}\n"
    )
}

fn refusal(v: &str, items: &[String]) -> String {
    let t = format!("Task t validation failed: {}", multi(v, items));
    common::group_refusal(v, &[t])
}

struct Case {
    name: &'static str,
    body: &'static str,
    /// Per release: Nomad's items for the task, none when it accepts.
    want: fn(&str) -> Option<Vec<String>>,
    versions: &'static [&'static str],
}

fn at_least(v: &str, min: (u32, u32)) -> bool {
    let mut p = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    let (a, b) = (p.next().unwrap_or(0), p.next().unwrap_or(0));
    (a, b) >= min
}

const V17: &[&str] = &["1.7.0", "1.8.4", "1.9.0", "2.0.5"];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "identity-rules",
            body: "      identity {\n        name          = \"a b\"\n        aud           = [\"ok\", \"\"]\n        change_mode   = \"restart\"\n        change_signal = \"sighup\"\n        ttl           = \"-1h\"\n      }",
            want: |v| {
                let items = [
                    "invalid name \"a b\". Must match regex ^[a-zA-Z0-9-_]{1,128}$",
                    "an empty string is an invalid audience (2)",
                    // Canonicalize upper-cases the signal.
                    "can only use change_signal=\"SIGHUP\" with change_mode=\"signal\"",
                    "ttl must be >= 0",
                ];
                Some(vec![nest(v, "Identity \"a b\" is invalid", &items)])
            },
            versions: V17,
        },
        // `filepath` (and its rule) arrived in 1.9.0.
        Case {
            name: "identity-filepath",
            body: "      identity {\n        name     = \"x\"\n        aud      = [\"a\"]\n        filepath = \"x\"\n      }",
            want: |v| {
                Some(vec![nest(
                    v,
                    "Identity \"x\" is invalid",
                    &["file parameter must be true in order to specify filepath"],
                )])
            },
            versions: &["1.9.0", "2.0.5"],
        },
        Case {
            name: "identity-modes",
            body: "      identity {\n        name        = \"x\"\n        aud         = [\"a\"]\n        change_mode = \"bogus\"\n      }\n      identity {\n        name        = \"y\"\n        aud         = [\"a\"]\n        change_mode = \"signal\"\n      }",
            want: |v| {
                Some(vec![
                    nest(v, "Identity \"x\" is invalid", &["invalid change_mode: bogus"]),
                    nest(
                        v,
                        "Identity \"y\" is invalid",
                        &["change_signal must be specified when using change_mode=\"signal\""],
                    ),
                ])
            },
            versions: V17,
        },
        // The default identity is validated from 1.9.0 only.
        Case {
            name: "default-ttl",
            body: "      identity {\n        ttl = \"1h\"\n      }",
            want: |v| {
                at_least(v, (1, 9)).then(|| {
                    vec![nest(
                        v,
                        "Identity \"default\" is invalid",
                        &["ttl for default identity not yet supported"],
                    )]
                })
            },
            versions: V17,
        },
        // jobspec2 moves the first default away and the server keeps the
        // last: two defaults pass, a third is a duplicate.
        Case {
            name: "two-defaults",
            body: "      identity {\n        env = true\n      }\n      identity {\n        name = \"default\"\n        file = true\n      }",
            want: |_| None,
            versions: V17,
        },
        Case {
            name: "three-defaults",
            body: "      identity {\n        env = true\n      }\n      identity {\n        name = \"default\"\n        file = true\n      }\n      identity {\n        env = true\n      }",
            want: |_| Some(vec!["Duplicate default identities found".to_string()]),
            versions: V17,
        },
        Case {
            name: "service-identity",
            // Named: the servers' identities hook names only a Consul
            // service's identity, and jobValidate refuses a Nomad service's
            // unnamed one (tests/plan_identities_validated.rs).
            body: "      service {\n        name     = \"web\"\n        provider = \"nomad\"\n        identity {\n          name = \"web\"\n          env  = true\n        }\n      }",
            // validateServices's multierror is one item of the task's.
            want: |v| {
                let service = nest(
                    v,
                    "service[0] \"web\" validation failed",
                    &["Service identity must provide at least one target aud value"],
                );
                Some(vec![multi(v, &[service])])
            },
            versions: V17,
        },
        Case {
            name: "actions",
            body: "      action \"a b\" {\n        command = \"x\"\n      }\n      action \"c\" {\n        args = [\"1\"]\n      }\n      action \"c\" {\n        command = \"y\"\n      }\n      action \"c\" {\n        command = \"y\"\n      }\n      action \"c\" {\n        command = \"y\"\n      }",
            want: |v| {
                Some(vec![
                    nest(v, "Action a b validation failed", &["invalid name 'a b'"]),
                    nest(v, "Action c validation failed", &["command cannot be empty"]),
                    // Reported at the second and fourth "c", not the third.
                    "Action c defined multiple times".to_string(),
                    "Action c defined multiple times".to_string(),
                ])
            },
            versions: V17,
        },
        Case {
            name: "secrets",
            body: "      secret \"s-1\" {\n        provider = \"vault\"\n        env {\n          A = \"b\"\n        }\n      }\n      secret \"p\" {\n        provider = \"test\"\n        path     = \"x\"\n        config {\n          a = 1\n        }\n      }",
            want: |v| {
                Some(vec![
                    "Secret \"s-1\" has provider \"vault\" but no vault block".to_string(),
                    nest(
                        v,
                        "Secret \"s-1\" is invalid",
                        &[
                            "secret name must match regex ^[a-zA-Z0-9_]{1,128}$",
                            "secret path cannot be empty",
                            "vault provider cannot use the env block",
                        ],
                    ),
                    nest(
                        v,
                        "Secret \"p\" is invalid",
                        &["custom plugin provider test cannot use the config block"],
                    ),
                ])
            },
            versions: &["2.0.5"],
        },
        // Resources.Validate's multierror is one item of the task's;
        // 1.7 and 1.8 did not look at the numa block.
        Case {
            name: "numa",
            body: "      resources {\n        cpu = 100\n        device \"nvidia/gpu\" {}\n        numa {\n          affinity = \"always\"\n          devices  = [\"nvidia/gpu\", \"bad/bad\"]\n        }\n      }",
            want: |v| {
                Some(vec![multi(
                    v,
                    &[
                        "numa device \"bad/bad\" not requested as task resource".to_string(),
                        "numa affinity must be one of none, prefer, or require".to_string(),
                    ],
                )])
            },
            versions: &["1.9.0", "2.0.5"],
        },
        Case {
            name: "numa-1.7",
            body: "      resources {\n        cpu = 100\n        numa {\n          affinity = \"always\"\n        }\n      }",
            want: |v| {
                at_least(v, (1, 9)).then(|| {
                    vec![multi(
                        v,
                        &["numa affinity must be one of none, prefer, or require".to_string()],
                    )]
                })
            },
            versions: V17,
        },
        Case {
            name: "fine",
            body: "      identity {\n        env = true\n      }\n      identity {\n        name        = \"vault_default\"\n        aud         = [\"vault.io\"]\n        change_mode = \"signal\"\n        change_signal = \"SIGHUP\"\n        file        = true\n        ttl         = \"1h\"\n      }\n      action \"env\" {\n        command = \"env\"\n      }",
            want: |_| None,
            versions: V17,
        },
    ]
}

#[test]
fn validate_and_plan_refuse_bad_identities_actions_and_secrets_as_each_release() {
    let mut failures = Vec::new();
    for c in cases() {
        let text = job(c.body);
        for v in c.versions {
            let want = (c.want)(v).map(|items| refusal(v, &items));
            common::judge_validation(
                &mut failures,
                &format!("wl-{}-{v}", c.name),
                c.name,
                &text,
                v,
                want,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
