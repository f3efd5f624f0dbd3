//! The worked examples of the format notes (section 3.9): jobs built in Rust,
//! diffed and annotated, rendered byte for byte.

use crate::builder;

use builder::*;
use nomad_preflight::diff::{job_diff, JobDiff};
use nomad_preflight::jobspec::{Job, Value};
use nomad_preflight::planner::annotate::annotate;
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::scheduler::DesiredUpdates;
use nomad_preflight::version::NomadVersion;

fn diff(
    old: Option<&Job>,
    new: Option<&Job>,
    ver: NomadVersion,
    u: &[(&str, DesiredUpdates)],
) -> JobDiff {
    let mut d = job_diff(old, new, ver);
    annotate(&mut d, &updates(u));
    d
}

fn place(n: u64) -> DesiredUpdates {
    DesiredUpdates {
        place: n,
        ..Default::default()
    }
}

#[test]
fn count_one_to_three() {
    let ver = v("0.10.5");
    let old = init_short(ver);
    let mut new = old.clone();
    new.groups[0].count = 3;
    let u = DesiredUpdates {
        place: 2,
        in_place_update: 1,
        ..Default::default()
    };
    let d = diff(Some(&old), Some(&new), ver, &[("cache", u)]);
    assert_eq!(
        render_diff(&d, false, false),
        "+/- Job: \"example\"\n\
         +/- Task Group: \"cache\" (2 create, 1 in-place update)\n  \
           +/- Count: \"1\" => \"3\" (forces create)\n      \
               Task: \"redis\""
    );
}

#[test]
fn docker_image_change() {
    let ver = v("0.10.5");
    let mut old = init_short(ver);
    old.groups[0].count = 3;
    let mut new = old.clone();
    new.groups[0].tasks[0]
        .config
        .insert("image".into(), Value::String("redis:4.0".into()));
    let u = DesiredUpdates {
        destructive_update: 1,
        ignore: 2,
        ..Default::default()
    };
    let d = diff(Some(&old), Some(&new), ver, &[("cache", u)]);
    assert_eq!(
        render_diff(&d, false, false),
        r#"+/- Job: "example"
+/- Task Group: "cache" (1 create/destroy update, 2 ignore)
  +/- Task: "redis" (forces create/destroy update)
    +/- Config {
      +/- image:           "redis:3.2" => "redis:4.0"
          port_map[0][db]: "6379"
        }"#
    );
}

#[test]
fn job_meta_added_pads_unchanged_group() {
    let ver = v("0.10.5");
    let old = init_short(ver);
    let mut new = old.clone();
    new.meta.insert("owner".into(), "ops".into());
    let u = DesiredUpdates {
        destructive_update: 1,
        ..Default::default()
    };
    let d = diff(Some(&old), Some(&new), ver, &[("cache", u)]);
    assert_eq!(
        render_diff(&d, false, false),
        "+/- Job: \"example\"\n+ Meta[owner]: \"ops\"\n  Task Group: \"cache\" (1 create/destroy update)\n    Task: \"redis\""
    );
}

#[test]
fn unchanged_replan() {
    let ver = v("0.10.5");
    let old = init_short(ver);
    let u = DesiredUpdates {
        ignore: 1,
        ..Default::default()
    };
    let d = diff(Some(&old), Some(&old.clone()), ver, &[("cache", u)]);
    assert_eq!(
        render_diff(&d, false, false),
        "Job: \"example\"\nTask Group: \"cache\" (1 ignore)\n  Task: \"redis\""
    );
}

#[test]
fn two_new_groups_separated_by_blank_line() {
    let ver = v("0.10.5");
    let mut new = init_short(ver);
    let mut api = group("api", ver);
    api.count = 2;
    api.tasks.push(task("server", "docker"));
    new.groups.insert(0, api);
    let d = diff(
        None,
        Some(&new),
        ver,
        &[("api", place(2)), ("cache", place(1))],
    );
    assert_eq!(
        render_diff(&d, false, false),
        r#"+ Job: "example"
+ Task Group: "api" (2 create)
  + Task: "server" (forces create)

+ Task Group: "cache" (1 create)
  + Task: "redis" (forces create)"#
    );
}

const VERBOSE_HEAD: &str = r#"+ Job: "example"
+ AllAtOnce:  "false"
+ Dispatched: "false"
+ Name:       "example"
+ Namespace:  "default"
+ Priority:   "50"
+ Region:     "global"
+ Stop:       "false"
+ Type:       "service"
+ Datacenters {
  + Datacenters: "dc1"
  }
+ Task Group: "cache" (1 create)
  + Count: "1" (forces create)
  + RestartPolicy {
    + Attempts: "2"
    + Delay:    "15000000000"
    + Interval: "1800000000000"
    + Mode:     "fail"
    }
  + ReschedulePolicy {
    + Attempts:      "0"
    + Delay:         "30000000000"
    + DelayFunction: "exponential"
    + Interval:      "0"
    + MaxDelay:      "3600000000000"
    + Unlimited:     "true"
    }
  + EphemeralDisk {
    + Migrate: "false"
    + SizeMB:  "300"
    + Sticky:  "false"
    }
"#;

const VERBOSE_UPDATE: &str = r#"  + Update {
    + AutoPromote:      "false"
    + AutoRevert:       "false"
    + Canary:           "0"
    + HealthCheck:      "checks"
    + HealthyDeadline:  "300000000000"
    + MaxParallel:      "1"
    + MinHealthyTime:   "10000000000"
    + ProgressDeadline: "600000000000"
    }
"#;

const VERBOSE_TASK_HEAD: &str = r#"  + Task: "redis" (forces create)
    + Driver:        "docker"
    + KillTimeout:   "5000000000"
    + Leader:        "false"
    + ShutdownDelay: "0"
    + Config {
      + image:           "redis:3.2"
      + port_map[0][db]: "6379"
      }
    + Resources {
      + CPU:      "500"
      + DiskMB:   "0"
      + IOPS:     "0"
      + MemoryMB: "256"
      + Network {
"#;

const VERBOSE_TAIL: &str = r#"    + LogConfig {
      + MaxFileSizeMB: "10"
      + MaxFiles:      "10"
      }"#;

#[test]
fn verbose_new_job_on_0_10() {
    let ver = v("0.10.5");
    let d = diff(None, Some(&init_short(ver)), ver, &[("cache", place(1))]);
    let expected = format!(
        "{VERBOSE_HEAD}{VERBOSE_UPDATE}{VERBOSE_TASK_HEAD}{}{VERBOSE_TAIL}",
        r#"        + MBits: "10"
          Mode:  ""
        + Dynamic Port {
          + Label: "db"
          + To:    "0"
          }
        }
      }
"#
    );
    assert_eq!(render_diff(&d, true, false), expected);
}

#[test]
fn verbose_new_job_on_0_9() {
    let ver = NomadVersion::DEMO;
    let d = diff(None, Some(&init_short(ver)), ver, &[("cache", place(1))]);
    let expected = format!(
        "{VERBOSE_HEAD}{VERBOSE_TASK_HEAD}{}{VERBOSE_TAIL}",
        r#"        + MBits: "10"
        + Dynamic Port {
          + Label: "db"
          }
        }
      }
"#
    );
    assert_eq!(render_diff(&d, true, false), expected);
}

#[test]
fn removed_job_is_deleted_with_destroy_annotations() {
    let ver = v("0.10.5");
    let old = init_short(ver);
    let u = DesiredUpdates {
        stop: 1,
        ..Default::default()
    };
    let d = diff(Some(&old), None, ver, &[("cache", u)]);
    assert_eq!(
        render_diff(&d, false, false),
        "- Job: \"example\"\n- Task Group: \"cache\" (1 destroy)\n  - Task: \"redis\" (forces destroy)"
    );
}

#[test]
fn changed_constraint_is_added_plus_deleted() {
    let ver = v("0.9.3");
    let mut old = init_short(ver);
    old.constraints.push(nomad_preflight::jobspec::Constraint {
        ltarget: "${attr.kernel.name}".into(),
        operand: "=".into(),
        rtarget: "linux".into(),
        ..Default::default()
    });
    let mut new = old.clone();
    new.constraints[0].rtarget = "windows".into();
    let d = diff(Some(&old), Some(&new), ver, &[]);
    assert_eq!(
        render_diff(&d, false, false),
        r#"+/- Job: "example"
+ Constraint {
  + LTarget: "${attr.kernel.name}"
  + Operand: "="
  + RTarget: "windows"
  }
- Constraint {
  - LTarget: "${attr.kernel.name}"
  - Operand: "="
  - RTarget: "linux"
  }
  Task Group: "cache"
    Task: "redis""#
    );
}

#[test]
fn config_numbers_print_like_go_floats() {
    let ver = v("0.10.5");
    let old = init_short(ver);
    let mut new = old.clone();
    new.groups[0].tasks[0]
        .config
        .insert("shm_size".into(), Value::Number(1_000_000.0));
    let d = diff(Some(&old), Some(&new), ver, &[]);
    let text = render_diff(&d, false, false);
    assert!(
        text.contains("\n      + shm_size:        \"1e+06\"\n"),
        "{text}"
    );
}

#[test]
fn verbose_new_job_on_2_0_has_current_field_sets() {
    let ver = v("2.0.5");
    let mut job = init_short(ver);
    job.groups[0].networks = std::mem::take(&mut job.groups[0].tasks[0].resources.networks);
    let d = diff(None, Some(&job), ver, &[("cache", place(1))]);
    let text = render_diff(&d, true, false);
    // Present from 1.6 / 1.8 / 1.10 respectively.
    assert!(text.contains("\n+ NodePool:   \"default\"\n"), "{text}");
    assert!(text.contains("\n  + Count:                   \"1\" (forces create)\n  + PreventRescheduleOnLost: \"false\"\n"), "{text}");
    // IgnoreCollision (1.9) exists, but portDiffs filters it (and Value)
    // out of dynamic ports.
    assert!(
        text.contains(
            "\n    + Dynamic Port {\n        HostNetwork: \"\"\n      + Label:       \"db\"\n"
        ),
        "{text}"
    );
    assert!(!text.contains("IgnoreCollision"), "{text}");
    assert!(text.contains("\n  + Migrate {\n"), "{text}");
    // MBits left the network diff in 1.9; VaultToken and ConsulToken in 1.10.
    assert!(!text.contains("MBits"), "{text}");
    assert!(!text.contains("VaultToken"), "{text}");
}

#[test]
fn volumes_and_scaling_join_the_diff_in_later_versions() {
    use nomad_preflight::jobspec::{Scaling, Volume};
    let add = |ver: NomadVersion| {
        let old = init_short(ver);
        let mut new = old.clone();
        new.groups[0].volumes.push(Volume {
            name: "data".into(),
            volume_type: "host".into(),
            source: "data".into(),
            ..Default::default()
        });
        new.groups[0].scaling = Some(Scaling {
            min: Some(1),
            max: 5,
            enabled: true,
            ..Default::default()
        });
        render_diff(&diff(Some(&old), Some(&new), ver, &[]), false, false)
    };
    // 0.10: the group is edited (deep equality) but nothing is shown.
    assert_eq!(
        add(v("0.10.5")),
        "+/- Job: \"example\"\n+/- Task Group: \"cache\"\n  Task: \"redis\""
    );
    assert_eq!(
        add(v("1.8.0")),
        r#"+/- Job: "example"
+/- Task Group: "cache"
  + Scaling {
    + Enabled: "true"
    + Max:     "5"
    + Min:     "1"
    }
  + Volume {
      AccessMode:     ""
      AttachmentMode: ""
    + Name:           "data"
    + PerAlloc:       "false"
    + ReadOnly:       "false"
    + Source:         "data"
    + Type:           "host"
    }
    Task: "redis""#
    );
}
