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

/// The first stderr line of a string Nomad `version`'s tables (Unicode
/// `tables`) may normalise otherwise, for code point `cp` assigned after
/// `after`.
fn nfc_untold(version: &str, cp: &str, after: &str, tables: &str) -> String {
    format!("error: cannot tell what Nomad {version} makes of this string: it holds {cp}, assigned after Unicode {after}, which the Unicode {tables} tables Nomad {version} normalises strings with (go-cty, golang.org/x/text) do not know, and NFC by nomad-preflight's Unicode 18.0.0 tables changes the string")
}

#[test]
fn a_unicode_16_composition_is_cannot_tell_at_2_0_5() {
    // redteam11 R11-3: U+11382 U+113C9 compose to U+11383 from Unicode
    // 16; Nomad 2.0.5's x/text v0.40.0 (go1.26: tables15.0.0.go) keeps
    // the pair, so the env differs and Nomad plans a destructive update.
    // We composed it and planned "(2 ignore)", exit 0.
    let w = world("");
    let old = job("", "redis", "        GREETING = \"\u{11383}\"\n");
    let new = job("", "redis", "        GREETING = \"\u{11382}\u{113C9}\"\n");
    let out = plan("tulu", "2.0.5", &w, &old, &new);
    assert_eq!(out.code, 255, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr.lines().next(),
        Some(nfc_untold("2.0.5", "U+11382", "15.0.0", "15.0.0").as_str()),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("All tasks successfully allocated."));
}

#[test]
fn a_new_code_point_our_nfc_keeps_plans_as_before() {
    // U+11383 alone is NFC in our tables and an inert starter in Nomad's:
    // the same string in both; an edit beside it plans as an edit.
    let w = world("");
    let env = "        GREETING = \"\u{11383}\"\n";
    let old = job("", "redis", env);
    let new = job("", "redis:7", env);
    let out = plan("tulu-kept", "2.0.5", &w, &old, &new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        diff(&out).contains("      +/- image: \"redis\" => \"redis:7\"\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_mark_known_from_unicode_13_is_cannot_tell_only_before() {
    // e U+0301 U+1ABF (Unicode 13, class 220): our NFC reorders and
    // composes to U+00E9 U+1ABF; Nomad 1.0.0's x/text 12.0.0 tables read
    // U+1ABF as a starter (the same result here, but not knowable in
    // general): cannot tell. From 1.1.0 (13.0.0 tables) it is one job.
    let w = world("");
    let old = job("", "redis", "        A = \"\u{e9}\u{1ABF}\"\n");
    let new = job("", "redis", "        A = \"e\u{301}\u{1ABF}\"\n");
    let out = plan("w-below", "1.0.0", &w, &old, &new);
    assert_eq!(out.code, 255, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stderr.lines().next(),
        Some(nfc_untold("1.0.0", "U+1ABF", "12.0.0", "12.0.0").as_str()),
        "{}",
        out.stderr
    );
    for v in ["1.6.0", "2.0.5"] {
        let out = plan("w-below", v, &w, &old, &new);
        assert_eq!(out.code, 0, "{v}: {}{}", out.stdout, out.stderr);
        assert_eq!(
            diff(&out),
            "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n",
            "{v}"
        );
    }
}

#[test]
fn var_file_and_var_values_holding_the_composition_are_cannot_tell() {
    // The same string given through a -var, a var file in HCL and one in
    // JSON: each is a cty.StringVal, normalised as a literal is.
    let w = world("");
    let old = job("", "redis", "        GREETING = \"\u{11383}\"\n");
    let new = format!(
        "variable \"g\" {{\n  type = string\n}}\n{}",
        job("", "redis", "        GREETING = var.g\n")
    );
    let pair = "\u{11382}\u{113C9}";
    let why = "holds U+11382, assigned after Unicode 15.0.0, which the Unicode 15.0.0 tables Nomad 2.0.5 normalises strings with (go-cty, golang.org/x/text) do not know, and NFC by nomad-preflight's Unicode 18.0.0 tables changes the string";
    let var = format!("-var=g={pair}");
    for (tag, args, who) in [
        ("var", vec![var.as_str()], "the value of -var for g"),
        ("hcl", vec!["-var-file=v.hcl"], "the value of g"),
        (
            "json",
            vec!["-var-file=v.json"],
            "the value of g in a var file",
        ),
    ] {
        let dir = edit_plan::project(&format!("hcl2-nfc-vars-{tag}"), &w, &old, &new);
        dir.put("v.hcl", &format!("g = \"{pair}\"\n"));
        dir.put("v.json", &format!("{{\"g\": \"{pair}\"}}\n"));
        let out = edit_plan::run(&dir, "2.0.5", &args);
        assert_eq!(out.code, 255, "{tag}: {}{}", out.stdout, out.stderr);
        assert_eq!(
            out.stderr.lines().next(),
            Some(format!("error: cannot tell what Nomad 2.0.5 says of the variables' values: {who} {why}").as_str()),
            "{tag}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_wide_starter_before_a_mark_is_cannot_tell() {
    // x/text's combine keys a pair on 16 bits of each code point:
    // U+10065 U+0301 is U+00E9 in Nomad (x/text 13.0.0 tables, checked
    // with Go), two code points for our NFC, so this edit is no change
    // in Nomad; we planned a destructive update.
    let w = world("");
    let old = job("", "redis", "        A = \"\u{e9}\"\n");
    let new = job("", "redis", "        A = \"\u{10065}\u{301}\"\n");
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let out = plan("wide", v, &w, &old, &new);
        assert_eq!(out.code, 255, "{v}: {}{}", out.stdout, out.stderr);
        assert_eq!(
            out.stderr.lines().next(),
            Some(format!("error: cannot tell what Nomad {v} makes of this string: it holds U+10065 followed by U+0301, which the NFC of golang.org/x/text (Nomad {v}'s go-cty) may compose as the code points' low 16 bits would (its combine cuts them to 16 bits), and nomad-preflight does not follow").as_str()),
            "{v}: {}",
            out.stderr
        );
    }
    // An emoji and a composed letter apart: as before.
    let new = job("", "redis", "        A = \"\u{1F389}e\u{301}\"\n");
    let old = job("", "redis", "        A = \"\u{1F389}\u{e9}\"\n");
    let out = plan("emoji", "2.0.5", &w, &old, &new);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}
