//! Identifier characters as Nomad's HCL knows them (redteam11 R11-7): from
//! 1.0, hclsyntax's scanner tables are Unicode 9.0.0's ID_Start and
//! ID_Continue (hclsyntax/unicode_derived.rl, the same in every hcl Nomad
//! vendors), so a letter assigned later (U+0860, Unicode 10; U+A7C0,
//! Unicode 14) or ZWJ (ID_Continue from Unicode 15.1) is `Invalid
//! character`, never an identifier. Before 1.0, hcl v1's isLetter is the
//! building Go's unicode.IsLetter: such a letter is "cannot tell".

use crate::common;

use common::{flat, run_in, TempDir};

const JOB: &str = "locals {\n  @ID@ = 2\n}\njob \"web\" {\n  datacenters = [\"dc1\"]\n  meta {\n    m = \"${local.@ID@}\"\n  }\n  group \"g\" {\n    count = local.@ID@\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// Before 1.0: no locals, the identifier is a meta key.
const JOB_HCL1: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  meta {\n    @ID@ = \"v\"\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn project(tag: &str, version: &str, template: &str, id: &str) -> TempDir {
    let dir = common::one_client_project(
        tag,
        version,
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        "",
    );
    std::fs::write(dir.0.join("jobs/web.nomad"), template.replace("@ID@", id)).expect("write job");
    dir
}

const INVALID: &str =
    "jobs/web.nomad:2,4-5: Invalid character; This character is not used within the language.";

/// hclsyntax refuses the later letter where it stands, in its words, at
/// every HCL2 era (hcl 2.7 at 1.0.0, 2.9 at 1.6.0, 2.20 at 2.0.5).
#[test]
fn a_letter_after_unicode_9_is_an_invalid_character_from_1_0() {
    for (n, version) in ["1.0.0", "1.6.0", "2.0.5"].into_iter().enumerate() {
        for (m, id) in ["a\u{A7C0}", "b\u{860}", "a\u{200D}b"]
            .into_iter()
            .enumerate()
        {
            let dir = project(&format!("uni-{n}{m}"), version, JOB, id);
            let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
            assert_eq!(o.code, 1, "{version} {id:?}: {}{}", o.stdout, o.stderr);
            assert!(o.stderr.contains(INVALID), "{version} {id:?}: {}", o.stderr);
            assert!(!o.stdout.contains("Job validation successful"));
            let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
            assert_eq!(o.code, 255, "{version} {id:?}: {}{}", o.stdout, o.stderr);
            assert!(o.stderr.contains(INVALID), "{version} {id:?}: {}", o.stderr);
            assert!(!o.stdout.contains("All tasks successfully allocated"));
            let o = run_in(&dir.0, &["check", "jobs/web.nomad"]);
            assert_eq!(o.code, 1, "{version} {id:?}: {}{}", o.stdout, o.stderr);
            assert!(
                o.stdout
                    .contains("jobs/web.nomad:2:4: hcl::syntax [error] Invalid character"),
                "{version} {id:?}: {}",
                o.stdout
            );
        }
    }
}

/// Letters Unicode 9 had stay identifiers, in HCL2 and in HCL1.
#[test]
fn unicode_9_letters_still_validate() {
    for (n, version) in ["1.0.0", "1.6.0", "2.0.5", "0.9.3"].into_iter().enumerate() {
        let template = if version == "0.9.3" { JOB_HCL1 } else { JOB };
        for (m, id) in ["größe", "名前", "λ_1"].into_iter().enumerate() {
            let dir = project(&format!("uni9-{n}{m}"), version, template, id);
            let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
            assert_eq!(o.code, 0, "{version} {id:?}: {}{}", o.stdout, o.stderr);
            assert!(o.stdout.contains("Job validation successful"));
        }
    }
}

/// 0.9.3 was built with Go 1.11.6 (Unicode 10): U+A7C0 is `illegal char`
/// there, U+0860 a letter; which Go knows which is not followed, so both
/// are "cannot tell" (validate/plan 255, check 2), never a success.
#[test]
fn before_1_0_a_later_letter_cannot_be_told() {
    for (m, id) in ["a\u{A7C0}", "b\u{860}"].into_iter().enumerate() {
        let dir = project(&format!("uni1-{m}"), "0.9.3", JOB_HCL1, id);
        for (cmd, code) in [("validate", 255), ("plan", 255), ("check", 2)] {
            let o = run_in(&dir.0, &[cmd, "jobs/web.nomad"]);
            assert_eq!(o.code, code, "{cmd} {id:?}: {}{}", o.stdout, o.stderr);
            let all = flat(&format!("{}{}", o.stdout, o.stderr));
            assert!(
                all.contains("cannot tell what Nomad 0.9.3 makes of this file"),
                "{cmd} {id:?}: {all}"
            );
            assert!(!all.contains("successful") && !all.contains("successfully allocated"));
        }
    }
}

/// Beside a template directive (followed since R16-33: the reduced
/// parser reads well-formed, balanced directives), the later letter is
/// refused in hclsyntax's words too: the Go oracle (hcl v2.20.2-nomad-1
/// and 68a97f93bb48) gives `2,4-5: Invalid character; ..., and 3 other
/// diagnostic(s)` for this file. Never a success.
#[test]
fn a_later_letter_beside_a_template_directive_is_never_a_success() {
    let job = JOB.replace(
        "    m = \"${local.@ID@}\"\n",
        "    m = \"${local.@ID@}\"\n    n = \"%{ if true }x%{ endif }\"\n",
    );
    let dir = project("uni-tmpl", "2.0.5", &job, "a\u{A7C0}");
    for (cmd, code) in [("validate", 1), ("plan", 255), ("check", 1)] {
        let o = run_in(&dir.0, &[cmd, "jobs/web.nomad"]);
        assert_eq!(o.code, code, "{cmd}: {}{}", o.stdout, o.stderr);
        let all = flat(&format!("{}{}", o.stdout, o.stderr));
        let words = if cmd == "check" {
            "jobs/web.nomad:2:4: hcl::syntax [error] Invalid character; This character is not used within the language."
        } else {
            "jobs/web.nomad:2,4-5: Invalid character; This character is not used within the language., and 3 other diagnostic(s)"
        };
        assert!(all.contains(words), "{cmd}: {all}");
        assert!(!all.contains("successful") && !all.contains("successfully allocated"));
    }
}

/// A var file is parsed by hclsyntax too: the later letter is refused in
/// its words, beside a directive too.
#[test]
fn a_later_letter_in_a_var_file_is_refused() {
    let job = "variable \"x\" {\n  type = string\n}\njob \"web\" {\n  datacenters = [\"dc1\"]\n  meta {\n    m = var.x\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";
    let dir = project("uni-var", "2.0.5", job, "");
    std::fs::write(dir.0.join("plain.hcl"), "x = \"a\"\na\u{A7C0} = 1\n").expect("write");
    std::fs::write(
        dir.0.join("tmpl.hcl"),
        "x = \"%{ if true }a%{ endif }\"\na\u{A7C0} = 1\n",
    )
    .expect("write");
    let o = run_in(
        &dir.0,
        &["validate", "-var-file=plain.hcl", "jobs/web.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("unable to parse var file: plain.hcl:2,2-3: Invalid character; This character is not used within the language."),
        "{}",
        o.stderr
    );
    let o = run_in(
        &dir.0,
        &["validate", "-var-file=tmpl.hcl", "jobs/web.nomad"],
    );
    // Beside a directive too, since directives are followed (R16-33);
    // the Go oracle: `tmpl.hcl:2,2-3: Invalid character; ..., and 1 other
    // diagnostic(s)`.
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("unable to parse var file: tmpl.hcl:2,2-3: Invalid character; This character is not used within the language., and 1 other diagnostic(s)"),
        "{}",
        o.stderr
    );
}
