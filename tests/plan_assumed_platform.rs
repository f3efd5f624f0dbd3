//! A hand-written client's platform is a stand-in (redteam13 R13-21,
//! R13-20): it reports `kernel.name` linux, `os.name` ubuntu, `cpu.arch`
//! amd64 and the `os.signals` list of its release's Linux client
//! (client/fingerprint/host.go, arch.go, signal.go) unless the world says
//! otherwise. A plan whose placement reads one the world does not state
//! says so (`note:`, `Preflight.Assumed` "client_platform", `check`
//! NP221); the placement answer stays the stand-in's.

use crate::common::TempDir;

/// Two hand-written clients of `version` (with `attributes`, a line or
/// none) and `jobs/j.nomad` with `job_body` at the job's top level and
/// `task_body` in its task.
fn project(tag: &str, version: &str, attributes: &str, job_body: &str, task_body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"c\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"docker\"]\n{attributes}}}\n"),
    );
    d.put(
        "jobs/j.nomad",
        &format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n{job_body}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n{task_body}      config {{ image = \"nginx:1\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn constraint(attr: &str, value: &str) -> String {
    format!(
        "  constraint {{\n    attribute = \"${{attr.{attr}}}\"\n    value = \"{value}\"\n  }}\n"
    )
}

const NOTE: &str = "note: planned as if every hand-written client is a Linux amd64 Ubuntu host: the job's placement reads ";

#[test]
fn a_constraint_on_the_stand_in_arch_is_placed_with_a_note() {
    let d = project(
        "platform-arch",
        "1.9.7",
        "",
        &constraint("cpu.arch", "amd64"),
        "",
    );
    let o = d.run(&["plan", "jobs/j.nomad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("- All tasks successfully allocated."));
    assert_eq!(
        text(&o.stderr),
        format!("{NOTE}${{attr.cpu.arch}} (\"amd64\"), which the world does not state and each client reports from its own host (state them in each `client` block's `attributes`, as `nomad node status -verbose` shows them)\n")
    );
    let o = d.run(&["plan", "--format", "json", "jobs/j.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["Assumed"][0]["Setting"], "client_platform",
        "{v}"
    );
    let o = d.run(&["check", "jobs/j.nomad"]);
    assert!(
        text(&o.stdout).contains(
            "NP221 [advice] planned as if every hand-written client is a Linux amd64 Ubuntu host"
        ),
        "{}",
        text(&o.stdout)
    );
}

/// The refusal reads the stand-in just as much: a Windows job's filter
/// lines stay, with the note.
#[test]
fn a_windows_job_and_a_spread_on_os_name_say_it_too() {
    let d = project(
        "platform-windows",
        "1.6.0",
        "",
        &constraint("kernel.name", "windows"),
        "",
    );
    let o = d.run(&["plan", "jobs/j.nomad"]);
    assert!(
        text(&o.stdout)
            .contains("* Constraint \"${attr.kernel.name} = windows\": 2 nodes excluded by filter"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stderr).contains(&format!("{NOTE}${{attr.kernel.name}} (\"linux\")")),
        "{}",
        text(&o.stderr)
    );
    let spread = "  spread {\n    attribute = \"${attr.os.name}\"\n  }\n";
    let d = project("platform-spread", "1.6.0", "", spread, "");
    let o = d.run(&["plan", "jobs/j.nomad"]);
    assert!(
        text(&o.stderr).contains(&format!("{NOTE}${{attr.os.name}} (\"ubuntu\")")),
        "{}",
        text(&o.stderr)
    );
}

/// Guard (passes on the baseline too): the world states them, or the job
/// reads none of them: no note.
#[test]
fn stated_or_unread_platform_has_no_note() {
    let stated = "  attributes = { \"cpu.arch\" = \"arm64\" }\n";
    let d = project(
        "platform-stated",
        "1.9.7",
        stated,
        &constraint("cpu.arch", "arm64"),
        "",
    );
    let o = d.run(&["plan", "jobs/j.nomad"]);
    assert!(text(&o.stdout).contains("- All tasks successfully allocated."));
    assert_eq!(text(&o.stderr), "");
    let d = project("platform-unread", "1.9.7", "", "", "");
    let o = d.run(&["plan", "jobs/j.nomad"]);
    assert_eq!(text(&o.stderr), "");
}

/// `kill_signal` implies `${attr.os.signals} set_contains SIG...`
/// (Job.RequiredSignals): placed, or filtered on every node, as the
/// release's Linux client reports its signals.
fn signal(version: &str, sig: &str) -> (bool, String) {
    let tag = format!("platform-sig-{version}-{sig}");
    let d = project(
        &tag,
        version,
        "",
        "",
        &format!("      kill_signal = \"{sig}\"\n"),
    );
    let o = d.run(&["plan", "jobs/j.nomad"]);
    let out = text(&o.stdout);
    let placed = out.contains("- All tasks successfully allocated.");
    let filtered = out.contains(&format!(
        // The wording is the release's ("filtered 2 nodes" at 0.9.3).
        "* Constraint \"${{attr.os.signals}} set_contains {sig}\""
    ));
    assert!(placed != filtered, "{version} {sig}: {out}");
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "{NOTE}${{attr.os.signals}} (Nomad {version}'s Linux list)"
        )),
        "{version} {sig}: {err}"
    );
    (placed, out)
}

#[test]
fn signals_follow_the_release_at_0_9_3() {
    for (sig, placed) in [
        ("SIGVTALRM", false),
        ("SIGNULL", false),
        ("SIGURG", true),
        ("SIGCHLD", true),
        ("SIGHUP", true),
    ] {
        assert_eq!(signal("0.9.3", sig).0, placed, "0.9.3 {sig}");
    }
}

#[test]
fn signals_follow_the_release_at_1_3_3_and_1_9_7() {
    for v in ["1.3.3", "1.9.7"] {
        for (sig, placed) in [
            ("SIGVTALRM", false),
            ("SIGNULL", true),
            ("SIGURG", false),
            ("SIGCHLD", false),
            ("SIGHUP", true),
        ] {
            assert_eq!(signal(v, sig).0, placed, "{v} {sig}");
        }
    }
}
