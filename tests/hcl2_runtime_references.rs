//! A reference to run-time data in an HCL2 job file (`attr.x`, `meta.x`,
//! `NOMAD_*`) becomes the string jobspec2's EvalContext hook makes of it,
//! and evaluation goes on with that string (src/jobspec/eval/undefined.rs):
//! 1.0.0–1.0.5 `${` + the names joined by dots + `}` (hcl 68a97f93bb48
//! traversal.go toStringValue); from 1.0.6 the reference's own text with
//! the `${`, spaces and `}` around it as written (jobspec2/types.config.go
//! UndefinedVariable, v1.0.6–v2.0.5). Before, the tool kept the whole
//! expression as text and dropped spaces, so `"${ attr.kernel.name }"`
//! matched every client where Nomad's scheduler resolves no target
//! (feasible.go resolveTarget needs `${attr.` exactly): a false all-clear.

use crate::common;
use common::TempDir;

const CLUSTER: &str = r#"nomad_version = "2.0.5"
edition = "community"
region = "global"
client "c" {
  count = 3
  datacenter = "dc1"
  cpu = 8000
  memory = 16000
  disk = 50000
  drivers = ["docker"]
  attributes = { "kernel.name" = "linux", "unique.hostname" = "h" }
}
running = []
"#;

fn job(constraint_attr: &str, env_x: &str) -> String {
    format!(
        r#"job "web" {{
  datacenters = ["dc1"]
  constraint {{
    attribute = {constraint_attr}
    value     = "linux"
  }}
  group "g" {{
    count = 2
    task "t" {{
      driver = "docker"
      config {{
        image = "nginx:1"
      }}
      env {{
        X = {env_x}
      }}
      resources {{
        cpu    = 100
        memory = 128
      }}
    }}
  }}
}}
"#
    )
}

fn project(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", CLUSTER);
    d
}

fn plan(d: &TempDir, v: &str, file: &str) -> (i32, String, String) {
    let o = d.run(&["plan", "--no-cache", "--nomad-version", v, "-verbose", file]);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The value the verbose diff shows for `+ Env[X]:` (aligned by spaces).
fn env_x(out: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.trim_start().strip_prefix("+ Env[X]:"))
        .map(|v| v.trim().to_string())
}

#[test]
fn spaces_inside_the_interpolation_are_kept_and_resolve_no_client() {
    let d = project("rt-spaces");
    d.put("spaced.nomad", &job("\"${ attr.kernel.name }\"", "\"a\""));
    // 1.6.0: accepted; the target keeps its spaces, matches no client.
    // Each of the three is filtered by name: a class of its own, its
    // `nomad.advertise.address` hashed until 1.9.7 (redteam8 S1).
    let (_, out, _) = plan(&d, "1.6.0", "spaced.nomad");
    assert!(out.contains("LTarget: \"${ attr.kernel.name }\""), "{out}");
    assert!(
        out.contains("- WARNING: Failed to place all allocations."),
        "{out}"
    );
    assert!(
        out.contains(
            "    * Constraint \"${ attr.kernel.name } = linux\": 3 nodes excluded by filter\n"
        ),
        "{out}"
    );
    // 1.11.2+: validateConstraintAttribute refuses the target
    // (structs/constraint.go), as for any other target it cannot resolve.
    let (code, _, err) = plan(&d, "2.0.5", "spaced.nomad");
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains("unsupported attribute \\\"${ attr.kernel.name }\\\"")
            || err.contains("unsupported attribute \"${ attr.kernel.name }\""),
        "{err}"
    );
    // 1.0.0–1.0.5 rebuilt the names without the spaces: placed.
    let (_, out, _) = plan(&d, "1.0.5", "spaced.nomad");
    assert!(out.contains("LTarget: \"${attr.kernel.name}\""), "{out}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    // Without spaces, placed at every release.
    d.put("plain.nomad", &job("\"${attr.kernel.name}\"", "\"a\""));
    for v in ["1.0.5", "1.6.0", "2.0.5"] {
        let (_, out, _) = plan(&d, v, "plain.nomad");
        assert!(
            out.contains("- All tasks successfully allocated."),
            "{v}: {out}"
        );
    }
}

#[test]
fn the_hook_s_string_goes_on_through_functions_operators_and_conditionals() {
    let d = project("rt-values");
    for (expr, want) in [
        // cty's upper of the hook's text.
        ("upper(attr.kernel.name)", "${ATTR.KERNEL.NAME}"),
        ("\"${attr.x == \"1\" ? \"a\" : \"b\"}\"", "b"),
        ("join(\",\", [attr.a, \"x\"])", "${attr.a},x"),
        ("\"${ attr.a }\"", "${ attr.a }"),
        ("\"n-${NOMAD_ALLOC_INDEX}\"", "n-${NOMAD_ALLOC_INDEX}"),
        ("meta.team", "${meta.team}"),
    ] {
        let file = format!("j{}.nomad", want.len());
        d.put(&file, &job("\"${attr.kernel.name}\"", expr));
        let (_, out, err) = plan(&d, "2.0.5", &file);
        let quoted = nomad_preflight::gotext::go_quote(want);
        assert_eq!(env_x(&out), Some(quoted), "{expr}\n{out}{err}");
    }
}

#[test]
fn before_1_0_6_an_index_step_is_cannot_tell() {
    let d = project("rt-index");
    d.put(
        "idx.nomad",
        &job("\"${attr.kernel.name}\"", "\"${meta[\"x\"]}\""),
    );
    let (code, out, err) = plan(&d, "1.0.5", "idx.nomad");
    assert_eq!(code, 255, "{out}{err}");
    assert!(err.contains("cannot tell"), "{err}");
    assert!(!out.contains("successfully allocated"), "{out}");
    let (_, out, _) = plan(&d, "1.0.6", "idx.nomad");
    assert_eq!(
        env_x(&out).as_deref(),
        Some("\"${meta[\\\"x\\\"]}\""),
        "{out}"
    );
}
