//! `<<-` heredocs from 1.0 are stripped as hclsyntax's
//! flushHeredocTemplateParts strips them (parser_template.go at the hcl
//! Nomad 1.0.0, 1.6.0 and 2.0.5 vendor): a line of white space only is "a
//! blank line and thus not considered for space-prefix-counting purposes",
//! and is kept as written. We counted such a line (an editor's leftover
//! `"  "` in a template indented 10) as the indent, stripping 2 from every
//! line, and emptied it (issue 13, redteam4 F8).

use crate::common;

use common::edit_plan;
use common::Out;

const WORLD: &str = r#"nomad_version = "2.0.5"
client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 20000
  drivers    = ["docker"]
}
"#;

/// A job whose template's `<<-` data holds a line of `blank`, and whose env
/// holds `env` (lines of the env block).
fn job(blank: &str, env: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      env {{\n{env}      }}\n      template {{\n        destination = \"local/nginx.conf\"\n        data        = <<-EOT\n          server {{\n            listen 80;\n{blank}\n            root /srv;\n          }}\n        EOT\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan(name: &str, version: &str, old: &str, new: &str) -> Out {
    edit_plan::plan(
        &format!("hcl2-heredoc-{name}-{version}"),
        WORLD,
        version,
        old,
        new,
    )
}

#[test]
fn a_blank_line_of_spaces_neither_sets_the_indent_nor_is_stripped() {
    let old = job("", "");
    let new = job("  ", "");
    let want = "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Template {\n          ChangeMode:    \"restart\"\n          ChangeSignal:  \"\"\n          DestPath:      \"local/nginx.conf\"\n      +/- EmbeddedTmpl:  \"server {\\n  listen 80;\\n\\n  root /srv;\\n}\\n\" => \"server {\\n  listen 80;\\n  \\n  root /srv;\\n}\\n\"\n          Envvars:       \"false\"\n          ErrMissingKey: \"false\"\n          LeftDelim:     \"{{\"\n          Once:          \"false\"\n          Perms:         \"0644\"\n          RightDelim:    \"}}\"\n          SourcePath:    \"\"\n          Splay:         \"5000000000\"\n          VaultGrace:    \"0\"\n        }\n\nScheduler dry-run:\n- All tasks successfully allocated.\n";
    let out = plan("template", "2.0.5", &old, &new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let head = out.stdout.split("\nJob Modify Index").next().unwrap_or("");
    assert_eq!(head, want);
    let out = plan("template", "1.6.0", &old, &new);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("      +/- EmbeddedTmpl:  \"server {\\n  listen 80;\\n\\n  root /srv;\\n}\\n\" => \"server {\\n  listen 80;\\n  \\n  root /srv;\\n}\\n\"\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn lines_are_stripped_by_the_shallowest_line_with_text() {
    let old = job("", "");
    // redteam4's hd_h6: `a` indented 4, a line of 3 spaces, `b` indented 6.
    let new = job(
        "",
        "        X = <<-EOT\n    a\n   \n      b\n    EOT\n        Y = <<-EOT\n  %{ if true }\n    c\n  %{ endif }\n  EOT\n",
    );
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let out = plan("env", v, &old, &new);
        assert_eq!(out.code, 1, "{v}: {}{}", out.stdout, out.stderr);
        // Y: the blanks before `%{` are a line's first literal (2); the
        // directive's body lines count and are stripped too.
        assert!(
            out.stdout
                .contains("    + Env[X]: \"a\\n   \\n  b\\n\"\n    + Env[Y]: \"\\n  c\\n\\n\"\n"),
            "{v}: {}",
            out.stdout
        );
    }
}
