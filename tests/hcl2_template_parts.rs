//! Templates and for-loops as hclsyntax evaluates them (rt16c R16-30..33;
//! repros /work/rt/rt16c/r1..r4, values from its Go oracle of hclsyntax
//! v2.20.2-nomad-1 and go-cty 1.13.0):
//! - a `~` in a heredoc trims the one adjacent literal token, a heredoc
//!   having one a line (parser_template.go parseTemplateParts), so the
//!   body's indentation is kept; `<<-` stripping runs after it;
//! - a quoted string's escapes are decoded inside `%{ if }`/`%{ for }`
//!   bodies too (ParseStringLiteralToken on every literal token), and a
//!   bad one there refuses the file;
//! - over a set, the key of a `for`, a `%{ for }` and a dynamic block is
//!   the element itself (go-cty setElementIterator.Element).

use crate::common::{git, output_text, TempDir};

const CLUSTER: &str = "nomad_version = \"2.0.5\"\nregion = \"global\"\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 100000\n  network_mbits = 1000\n  drivers = [\"docker\"]\n}\nrunning = [\"jobs/web.nomad\"]\n";

/// Job "web" whose task holds `task` (whole lines); `head` goes before
/// the job.
fn web(head: &str, task: &str) -> String {
    format!("{head}job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1.27\" }}\n{task}      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

/// A repository whose commit holds `files` and jobs/web.nomad as `base`
/// (the running job).
fn repo(tag: &str, base: &str, files: &[(&str, &str)]) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("jobs/web.nomad", base);
    for (path, body) in files {
        d.put(path, body);
    }
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-q", "-m", "base"]);
    d
}

fn run(d: &TempDir, args: &[&str]) -> (i32, String) {
    let o = d.run(args);
    (o.status.code().unwrap_or(-1), output_text(&o))
}

fn template(data: &str) -> String {
    format!("      template {{\n        destination = \"local/hosts\"\n        data        = {data}      }}\n")
}

#[test]
fn indenting_a_heredoc_for_body_changes_the_template() {
    // r4: `%{ for ~}` trims to its own line end, not the next line's
    // indentation: "    server 10.0.0.1\n    server 10.0.0.2\n".
    let body = |line: &str| {
        template(&format!(
            "<<EOT\n%{{ for h in [\"10.0.0.1\", \"10.0.0.2\"] ~}}\n{line}\n%{{ endfor ~}}\nEOT\n"
        ))
    };
    let d = repo("tp-r4", &web("", &body("server ${h}")), &[]);
    d.put("jobs/web.nomad", &web("", &body("    server ${h}")));
    let (code, out) = run(&d, &["plan", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("+/- EmbeddedTmpl:  \"server 10.0.0.1\\nserver 10.0.0.2\\n\" => \"    server 10.0.0.1\\n    server 10.0.0.2\\n\"\n"),
        "{out}"
    );
    assert!(out.contains("(1 create/destroy update)"), "{out}");
}

#[test]
fn reindenting_a_flush_heredoc_with_a_trimmed_for_is_a_change_at_the_gate() {
    // r3: `<<-` strips after the `~` trimming, over the trimmed tokens.
    let body = |pad: &str| {
        template(&format!(
            "<<-EOF\n{pad}upstream app {{\n{pad}  %{{ for u in local.upstreams ~}}\n{pad}  server ${{u}};\n{pad}  %{{ endfor ~}}\n{pad}}}\n        EOF\n"
        ))
    };
    let head = "locals {\n  upstreams = [\"10.0.0.1:8080\", \"10.0.0.2:8080\"]\n}\n";
    let d = repo("tp-r3", &web(head, &body("          ")), &[]);
    d.put("jobs/web.nomad", &web(head, &body("            ")));
    git(&d.0, &["add", "jobs/web.nomad"]);
    let (code, out) = run(&d, &["plan", "--no-cache", "--changed", "--staged"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("+/- EmbeddedTmpl:  \"upstream app {\\n              server 10.0.0.1:8080;\\n              server 10.0.0.2:8080;\\n            }\\n\" => \"upstream app {\\n                server 10.0.0.1:8080;\\n                server 10.0.0.2:8080;\\n              }\\n\"\n"),
        "{out}"
    );
    assert!(out.contains("1 change allocations, 0 do not"), "{out}");
}

#[test]
fn escapes_in_a_quoted_if_body_are_decoded() {
    // r2: "%{ if var.debug }--debug\n%{ endif }--port=80" is the string
    // it replaces, a real line end: no change.
    let head = "variable \"debug\" {\n  type    = bool\n  default = true\n}\n";
    let env = |v: &str| format!("      env {{\n        OPTS = {v}\n      }}\n");
    let d = repo("tp-r2", &web(head, &env("\"--debug\\n--port=80\"")), &[]);
    d.put(
        "jobs/web.nomad",
        &web(
            head,
            &env("\"%{ if var.debug }--debug\\n%{ endif }--port=80\""),
        ),
    );
    let (code, out) = run(&d, &["plan", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Task Group: \"g\" (1 ignore)"), "{out}");
}

#[test]
fn a_bad_escape_in_a_directive_body_refuses_the_file_in_nomads_words() {
    // R16-32/33: hcl-edit takes `\x` in a directive's body; hclsyntax
    // refuses it (oracle: `1,19-21: Invalid escape sequence; ...`).
    let env = "      env {\n        A = \"%{ if true }a\\x%{ endif }\"\n      }\n";
    let d = repo("tp-escape", &web("", ""), &[]);
    d.put("jobs/web.nomad", &web("", env));
    let (code, out) = run(&d, &["plan", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 255, "{out}");
    assert!(
        out.contains("jobs/web.nomad:8,27-29: Invalid escape sequence; The symbol \"x\" is not a valid escape sequence selector."),
        "{out}"
    );
    // With a directive elsewhere in the file, a plain bad escape is worded
    // too, not "cannot tell" with a hint about numbers.
    let env =
        "      env {\n        A = \"\\x\"\n        B = \"%{ if true }b%{ endif }\"\n      }\n";
    d.put("jobs/web.nomad", &web("", env));
    let (code, out) = run(&d, &["check", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "Invalid escape sequence; The symbol \"x\" is not a valid escape sequence selector."
        ),
        "{out}"
    );
    assert!(!out.contains("64-bit float"), "{out}");
    // In a single-line block: Nomad's words, and no HCL1 idiom's fix (the
    // block holds one argument).
    let d = repo("tp-escape-line", &web("", ""), &[]);
    let job = web("", "").replace(
        "  datacenters = [\"dc1\"]\n",
        "  datacenters = [\"dc1\"]\n  meta { l = \"\\x\" }\n",
    );
    d.put("jobs/web.nomad", &job);
    let (code, out) = run(&d, &["check", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("jobs/web.nomad:3:15: hcl::syntax [error] Invalid escape sequence; The symbol \"x\" is not a valid escape sequence selector."),
        "{out}"
    );
    assert!(!out.contains("single-line block"), "{out}");
}

#[test]
fn a_fileset_key_is_the_path_itself() {
    // r1: renaming conf/b.tpl to conf/c.tpl renames the template's
    // destination, built from template.key.
    let task = "      dynamic \"template\" {\n        for_each = fileset(\".\", \"conf/*.tpl\")\n        content {\n          data        = file(template.value)\n          destination = \"local/${basename(template.key)}\"\n        }\n      }\n";
    let d = repo(
        "tp-r1",
        &web("", task),
        &[("conf/a.tpl", "a\n"), ("conf/b.tpl", "b\n")],
    );
    git(&d.0, &["mv", "conf/b.tpl", "conf/c.tpl"]);
    let (code, out) = run(&d, &["plan", "--no-cache", "--changed", "--staged"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+ DestPath:      \"local/c.tpl\""), "{out}");
    assert!(out.contains("- DestPath:      \"local/b.tpl\""), "{out}");
}

#[test]
fn set_keys_in_for_expressions_and_directives_are_the_elements() {
    // repro/set_keys.hcl (oracle): ["e","y","z","é"], {"a":"a","b":"b"},
    // "a=a,b=b,".
    let meta = "      meta {\n        a = join(\",\", [for k, v in convert([\"z\",\"y\",\"é\",\"e\"], set(string)) : k])\n        b = jsonencode({for k, v in convert([\"b\",\"a\"], set(string)) : k => v})\n        c = \"%{ for k, v in setunion([\"b\"], [\"a\"]) }${k}=${v},%{ endfor }\"\n      }\n";
    let d = repo("tp-sets", &web("", ""), &[]);
    d.put("jobs/web.nomad", &web("", meta));
    let (code, out) = run(&d, &["plan", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+ Meta[a]: \"e,y,z,é\""), "{out}");
    assert!(
        out.contains("+ Meta[b]: \"{\\\"a\\\":\\\"a\\\",\\\"b\\\":\\\"b\\\"}\""),
        "{out}"
    );
    assert!(out.contains("+ Meta[c]: \"a=a,b=b,\""), "{out}");
}

#[test]
fn a_key_over_a_list_of_unknown_kind_cannot_tell() {
    // An element of a local: a set or a list is not known here, and the
    // key is read, so the answer is "cannot tell", never the index.
    let head = "locals {\n  sets = [setunion([\"b\", \"a\"])]\n}\n";
    let meta = "      meta {\n        a = join(\",\", [for k, v in local.sets[0] : k])\n      }\n";
    let d = repo("tp-unknown", &web(head, ""), &[]);
    d.put("jobs/web.nomad", &web(head, meta));
    let (code, out) = run(&d, &["plan", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 255, "{out}");
    assert!(out.contains("cannot tell"), "{out}");
    assert!(!out.contains("Meta[a]"), "{out}");
    // The key unread: the value is the same either way.
    let meta = "      meta {\n        a = join(\",\", [for k, v in local.sets[0] : v])\n      }\n";
    d.put("jobs/web.nomad", &web(head, meta));
    let (code, out) = run(&d, &["plan", "--no-cache", "jobs/web.nomad"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+ Meta[a]: \"a,b\""), "{out}");
}
