//! No silent drop (issue 13): for every block and argument Nomad's 2.0
//! jobspec accepts that the issue lists, an edit between two job files
//! shows in the diff at the right level, either as Nomad's own diff
//! object or as a "changed but not modelled" entry; never as no change.

use std::path::Path;

use nomad_preflight::diff::{job_diff, DiffType, JobDiff};
use nomad_preflight::jobspec::{load, Job, LoadOptions};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::MemVfs;

const BASE: &str = r#"job "j" {
  datacenters = ["dc1"]
  @JOB@
  group "g" {
    @GROUP@
    network {
      mode = "bridge"
      @NETWORK@
      port "http" {
        @PORT@
      }
    }
    volume "v" {
      type            = "csi"
      source          = "s"
      attachment_mode = "file-system"
      access_mode     = "single-node-writer"
      @VOLUME@
    }
    service {
      name = "s"
      port = "http"
      @SERVICE@
    }
    task "t" {
      driver = "docker"
      config {
        image = "redis:7"
      }
      @TASK@
      resources {
        cpu    = 100
        memory = 64
        @RESOURCES@
      }
      artifact {
        source = "https://example.com/a.tgz"
        @ARTIFACT@
      }
      template {
        destination = "local/x"
        data        = "x"
        @TEMPLATE@
      }
      volume_mount {
        volume      = "v"
        destination = "/v"
        @MOUNT@
      }
    }
  }
}
"#;

const SLOTS: &[&str] = &[
    "JOB",
    "GROUP",
    "NETWORK",
    "PORT",
    "VOLUME",
    "SERVICE",
    "TASK",
    "RESOURCES",
    "ARTIFACT",
    "TEMPLATE",
    "MOUNT",
];

fn job_with(slot: &str, text: &str) -> Job {
    let mut src = BASE.to_string();
    for s in SLOTS {
        let fill = if *s == slot { text } else { "" };
        src = src.replace(&format!("@{s}@"), fill);
    }
    let mut vfs = MemVfs::new("t");
    vfs.insert("j.nomad", src.as_str());
    let opts = LoadOptions {
        version: NomadVersion::new(2, 0, 5),
        ..Default::default()
    };
    let parsed = load(&vfs, Path::new("j.nomad"), &opts);
    parsed
        .job
        .unwrap_or_else(|| panic!("{slot} {text}: no job: {:?}", parsed.diags))
}

#[derive(Clone, Copy, Debug)]
enum Level {
    Job,
    Group,
    Task,
}

/// The change is visible at `level`: a changed field or object of Nomad's
/// diff there, or an unmodelled entry for it; and every level above is Edited.
fn shows(d: &JobDiff, level: Level) -> bool {
    let changed_f =
        |fs: &[nomad_preflight::diff::FieldDiff]| fs.iter().any(|f| f.ty != DiffType::None);
    let changed_o =
        |os: &[nomad_preflight::diff::ObjectDiff]| os.iter().any(|o| o.ty != DiffType::None);
    // A job-level change none of Nomad's objects shows keeps Nomad's
    // Type None (diff.go v2.0.5 Job.Diff) but is still a change.
    if !d.changed() {
        return false;
    }
    let un = |g: Option<&str>, t: Option<&str>| {
        d.unmodelled
            .iter()
            .any(|u| u.group.as_deref() == g && u.task.as_deref() == t)
    };
    match level {
        Level::Job => changed_f(&d.fields) || changed_o(&d.objects) || un(None, None),
        Level::Group => {
            let Some(g) = d.group("g") else { return false };
            g.ty == DiffType::Edited
                && (changed_f(&g.fields) || changed_o(&g.objects) || un(Some("g"), None))
        }
        Level::Task => {
            let Some(g) = d.group("g") else { return false };
            let Some(t) = g.tasks.iter().find(|t| t.name == "t") else {
                return false;
            };
            g.ty == DiffType::Edited
                && t.ty == DiffType::Edited
                && (changed_f(&t.fields) || changed_o(&t.objects) || un(Some("g"), Some("t")))
        }
    }
}

/// (what, slot, old text, new text, level the change belongs to)
const CASES: &[(&str, &str, &str, &str, Level)] = &[
    ("job ui", "JOB", "", "ui {\n description = \"d\"\n }", Level::Job),
    ("job ui link", "JOB", "ui {\n link {\n label = \"a\"\n url = \"https://a\"\n }\n }", "ui {\n link {\n label = \"b\"\n url = \"https://a\"\n }\n }", Level::Job),
    ("multiregion", "JOB", "multiregion {\n region \"east\" {\n count = 1\n }\n }", "multiregion {\n region \"east\" {\n count = 2\n }\n }", Level::Job),
    // A key Nomad refuses (R13-1: api.Job tags it for no job file) is
    // still never dropped from the diff the lowering hands on.
    ("job consul", "JOB", "", "consul_namespace = \"x\"", Level::Job),
    ("group network cni", "NETWORK", "cni {\n args = {\n a = \"1\"\n }\n }", "cni {\n args = {\n a = \"2\"\n }\n }", Level::Group),
    ("group network dns", "NETWORK", "", "dns {\n servers = [\"1.1.1.1\"]\n }", Level::Group),
    ("port ignore_collision", "PORT", "", "ignore_collision = true", Level::Group),
    ("port host_network", "PORT", "", "host_network = \"public\"", Level::Group),
    ("group disconnect", "GROUP", "disconnect {\n lost_after = \"1h\"\n }", "disconnect {\n lost_after = \"2h\"\n }", Level::Group),
    ("group restart", "GROUP", "restart {\n attempts = 2\n }", "restart {\n attempts = 3\n }", Level::Group),
    ("group consul", "GROUP", "", "consul {\n namespace = \"x\"\n }", Level::Group),
    ("csi mount_options", "VOLUME", "", "mount_options {\n fs_type = \"ext4\"\n }", Level::Group),
    ("service task name", "SERVICE", "", "task = \"t\"", Level::Group),
    ("connect sidecar", "SERVICE", "connect {\n sidecar_service {}\n }", "connect {\n sidecar_service {\n port = \"9000\"\n }\n }", Level::Group),
    ("connect empty sidecar", "SERVICE", "", "connect {\n sidecar_service {}\n }", Level::Group),
    ("connect upstream", "SERVICE", "connect {\n sidecar_service {\n proxy {\n upstreams {\n destination_name = \"a\"\n local_bind_port = 1\n }\n }\n }\n }", "connect {\n sidecar_service {\n proxy {\n upstreams {\n destination_name = \"a\"\n local_bind_port = 2\n }\n }\n }\n }", Level::Group),
    ("service identity", "SERVICE", "", "identity {\n aud = [\"a\"]\n }", Level::Group),
    // The default identity's audience is always Nomad's own (1.7+
    // canonicalisation), so an edit of it is an edit of another field.
    ("task identity", "TASK", "identity {\n env = false\n }", "identity {\n env = true\n }", Level::Task),
    ("task identities", "TASK", "", "identity {\n name = \"vault\"\n aud = [\"v\"]\n }", Level::Task),
    ("task action", "TASK", "action \"a\" {\n command = \"x\"\n }", "action \"a\" {\n command = \"y\"\n }", Level::Task),
    ("task secret", "TASK", "secret \"s\" {\n provider = \"nomad\"\n path = \"p\"\n }", "secret \"s\" {\n provider = \"nomad\"\n path = \"q\"\n }", Level::Task),
    ("task schedule", "TASK", "", "schedule {\n cron {\n start = \"0 1 * * *\"\n end = \"0 2\"\n timezone = \"UTC\"\n }\n }", Level::Task),
    ("task consul", "TASK", "", "consul {\n cluster = \"b\"\n }", Level::Task),
    ("task vault role", "TASK", "vault {\n role = \"a\"\n }", "vault {\n role = \"b\"\n }", Level::Task),
    ("artifact chown", "ARTIFACT", "", "chown = true", Level::Task),
    ("resources secrets", "RESOURCES", "", "secrets = 20", Level::Task),
    ("resources numa", "RESOURCES", "", "numa {\n affinity = \"require\"\n }", Level::Task),
    ("volume_mount selinux_label", "MOUNT", "", "selinux_label = \"z\"", Level::Task),
    ("template uid", "TEMPLATE", "", "uid = 1000", Level::Task),
    ("template gid", "TEMPLATE", "", "gid = 1000", Level::Task),
    ("template error_on_missing_key", "TEMPLATE", "", "error_on_missing_key = true", Level::Task),
    ("template wait", "TEMPLATE", "", "wait {\n min = \"5s\"\n }", Level::Task),
    ("template vault_grace", "TEMPLATE", "", "vault_grace = \"10s\"", Level::Task),
    ("template once", "TEMPLATE", "", "once = true", Level::Task),
    ("template change_script", "TEMPLATE", "", "change_mode = \"script\"\n change_script {\n command = \"/x\"\n }", Level::Task),
    ("task csi_plugin", "TASK", "", "csi_plugin {\n id = \"p\"\n type = \"node\"\n mount_dir = \"/csi\"\n }", Level::Task),
    // Only a group takes it (R13-1): refused in a task, never dropped.
    ("task max_run_duration", "TASK", "", "max_run_duration = \"1h\"", Level::Task),
];

#[test]
fn every_listed_edit_shows_at_its_level() {
    let v = NomadVersion::new(2, 0, 5);
    let mut silent = Vec::new();
    for (what, slot, old, new, level) in CASES {
        let (o, n) = (job_with(slot, old), job_with(slot, new));
        assert_ne!(o, n, "{what}: the two files must differ once evaluated");
        let d = job_diff(Some(&o), Some(&n), v);
        if !shows(&d, *level) {
            silent.push(format!("{what} ({level:?}): {d:#?}"));
        }
        // And the same edit undone.
        let back = job_diff(Some(&n), Some(&o), v);
        if !shows(&back, *level) {
            silent.push(format!("{what} undone ({level:?})"));
        }
    }
    assert!(
        silent.is_empty(),
        "silently dropped:\n{}",
        silent.join("\n")
    );
}

#[test]
fn an_unchanged_file_stays_unchanged() {
    let v = NomadVersion::new(2, 0, 5);
    for (what, slot, _, new, _) in CASES {
        let (a, b) = (job_with(slot, new), job_with(slot, new));
        let d = job_diff(Some(&a), Some(&b), v);
        assert_eq!(d.ty, DiffType::None, "{what}");
        assert!(!d.changed(), "{what}");
    }
}
