//! jobspec2's strings are go-cty's, NFC-normalised on entry
//! (cty.StringVal, go-cty cty/value_init.go:97-113 at v1.4.1 and v1.12.1;
//! hcl's templates and literals are built with it): "café" written with
//! U+00E9 and with `e` + U+0301 is one job from Nomad 1.0 (redteam4 F1).
//! HCL1 (before 1.0) keeps the bytes; so does a world's node meta (the
//! agent's config is no cty value).

use crate::common;

use common::edit_plan;
use common::Out;

const HCL2: [&str; 3] = ["1.0.0", "1.6.0", "2.0.5"];
const COMPOSED: &str = "caf\u{e9}";
const DECOMPOSED: &str = "cafe\u{301}";

fn world(meta: &str) -> String {
    format!(
        "nomad_version = \"2.0.5\"\nclient \"c\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 20000\n  drivers    = [\"docker\"]\n{meta}}}\n"
    )
}

/// A job with `job_lines` in its job block and `image` as its image.
fn job(job_lines: &str, image: &str, env: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n{job_lines}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{image}\"\n      }}\n      env {{\n{env}      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan(name: &str, version: &str, world: &str, old: &str, new: &str) -> Out {
    edit_plan::plan(
        &format!("hcl2-nfc-{name}-{version}"),
        world,
        version,
        old,
        new,
    )
}

fn diff(out: &Out) -> &str {
    out.stdout
        .split("\nScheduler dry-run:")
        .next()
        .unwrap_or("")
}

#[test]
fn composed_and_decomposed_strings_are_one_job_from_1_0() {
    let w = world("");
    // A literal, a template, a function's result and an object key.
    let env = |s: &str| {
        format!("        A = \"{s}\"\n        B = \"${{upper(\"{s}\")}}-x\"\n        C = jsonencode({{ \"{s}\" = lower(\"{s}\") }})\n")
    };
    let old = job("", COMPOSED, &env(COMPOSED));
    let new = job("", DECOMPOSED, &env(DECOMPOSED));
    for v in HCL2 {
        let out = plan("same", v, &w, &old, &new);
        assert_eq!(out.code, 0, "{v}: {}{}", out.stdout, out.stderr);
        assert_eq!(
            diff(&out),
            "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n",
            "{v}"
        );
    }
    // A real edit still shows, in NFC.
    let edited = job("", &format!("{DECOMPOSED}s"), &env(COMPOSED));
    let out = plan("edit", "2.0.5", &w, &old, &edited);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        diff(&out).contains(&format!(
            "      +/- image: \"{COMPOSED}\" => \"{COMPOSED}s\"\n"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn hcl1_before_1_0_keeps_the_bytes() {
    let w = world("");
    let old = job("", COMPOSED, "");
    let new = job("", DECOMPOSED, "");
    let out = plan("hcl1", "0.9.3", &w, &old, &new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        diff(&out).contains(&format!(
            "      +/- image: \"{COMPOSED}\" => \"{DECOMPOSED}\"\n"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn a_constraint_against_unnormalised_node_meta_fails_as_nomad_s_does() {
    // The node's meta is the agent's bytes (decomposed); the job's value
    // is NFC (composed) in Nomad, so no node matches: not an all-clear.
    let w = world(&format!(
        "  meta       = {{ \"site\" = \"{DECOMPOSED}\" }}\n"
    ));
    let old = job("", "redis", "");
    let constraint = format!("  constraint {{\n    attribute = \"${{meta.site}}\"\n    value     = \"{DECOMPOSED}\"\n  }}\n");
    let new = job(&constraint, "redis", "");
    for v in HCL2 {
        let out = plan("meta", v, &w, &old, &new);
        assert!(
            !out.stdout.contains("All tasks successfully allocated."),
            "{v}: {}{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stdout.contains("Failed to place"),
            "{v}: {}",
            out.stdout
        );
    }
}
