//! Before 1.0 hcl v1 decodes a NUMBER token into a Go `int` (hcl
//! decoder.go decodeInterface and decodeInt, at 1804807 for Nomad 0.9.3 to
//! 0.10.9 and 914dc3f for 0.11.0 to 0.12.12), and mapstructure's weak
//! decoding prints it into a string with strconv.FormatInt (jobspec/parse.go
//! env and meta at 0.9.3, DecodeObject then WeakDecode): every digit kept.
//! We held it as an f64, so an 18-digit ID edited by one planned as "no
//! change", exit 0 (issue 13, redteam4's follow-up to F2). A driver's
//! config goes to the servers as JSON and comes back a float64
//! (command/agent/http.go decodeBody): there the f64 is Nomad's value.

use crate::common;

use common::edit_plan;
use common::Out;

const WORLD: &str = r#"nomad_version = "0.9.3"
client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 20000
  drivers    = ["docker"]
}
"#;

/// A job with job meta `BUILD`, config `args` and task env `CHANNEL_ID`.
fn job(build: &str, arg: &str, channel: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    BUILD = {build}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n        args  = [{arg}]\n      }}\n      env {{\n        CHANNEL_ID = {channel}\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan(name: &str, version: &str, old: &str, new: &str, extra: &[&str]) -> Out {
    let dir = edit_plan::project(&format!("hcl1-integers-{name}-{version}"), WORLD, old, new);
    edit_plan::run(&dir, version, extra)
}

/// The plan's text before `Job Modify Index`.
fn head(out: &Out) -> &str {
    out.stdout.split("Job Modify Index").next().unwrap_or("")
}

#[test]
fn an_id_edited_by_one_is_a_change_before_1_0() {
    let id = "987654321098765432";
    let id1 = "987654321098765433";
    let old = job(id, id, id);
    let new = job(id1, id1, id1);
    // Nomad: the two strings differ; the config's float64s do not (both
    // are 987654321098765440 after the JSON round trip).
    let want = "+/- Job: \"j\"\n+/- Meta[BUILD]: \"987654321098765432\" => \"987654321098765433\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Env[CHANNEL_ID]: \"987654321098765432\" => \"987654321098765433\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
    for v in ["0.9.3", "0.10.9", "0.11.8", "0.12.12"] {
        let out = plan("edit", v, &old, &new, &[]);
        assert_eq!(out.code, 1, "{v}: {}{}", out.stdout, out.stderr);
        assert_eq!(head(&out), want, "{v}");
    }
}

#[test]
fn long_ints_print_every_digit_and_config_prints_its_float64() {
    let old = job("1", "1", "1");
    // Hex and octal are ParseInt base 0; -(2^63 - 1) and 2^53 + 1 kept.
    let new = job(
        "-0x7FFFFFFFFFFFFFFF",
        "9007199254740993",
        "0377777777777777777777",
    );
    let want = "+/- Job: \"j\"\n+/- Meta[BUILD]: \"1\" => \"-9223372036854775807\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Env[CHANNEL_ID]: \"1\" => \"4611686018427387903\"\n    +/- Config {\n      +/- args[0]: \"1\" => \"9.007199254740992e+15\"\n          image:   \"redis\"\n        }\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
    for v in ["0.9.3", "0.12.12"] {
        let out = plan("digits", v, &old, &new, &[]);
        assert_eq!(out.code, 1, "{v}: {}{}", out.stdout, out.stderr);
        assert_eq!(head(&out), want, "{v}");
    }
}
