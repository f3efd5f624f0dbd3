//! A group's `consul` block as 1.1–1.9 store it (redteam13 R13-2): api
//! `TaskGroup.Canonicalize` gives every group a Consul (api/tasks.go
//! @v1.9.7:554-559, `if g.Consul == nil { g.Consul = new(Consul) }`) and
//! `Consul.Canonicalize` its cluster "default" (api/consul.go, 1.7+), which
//! command/agent ApiTgToStructsTG copies as is. diff.go's `TaskGroup.Diff`
//! (`primitiveObjectDiff(tg.Consul, other.Consul, ...)`, v1.9.7:336)
//! compares the two stored blocks: a group that writes none holds the
//! default, so the unchanged cluster is a context field (fieldDiff: old ==
//! new, no marker), an empty block is no change at all, and only a group
//! added (or removed) has no Consul on its missing side (an empty
//! TaskGroup). 1.10 gives a group a Consul only when written
//! (api/tasks.go@v1.10.0:556).

use crate::common;

use common::edit_plan::{self, web, DC1};

const WORLD: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn plan(tag: &str, version: &str, old: &str, new: &str, extra: &[&str]) -> common::Out {
    let cluster = format!("nomad_version = \"{version}\"\n{WORLD}");
    let dir = edit_plan::project(&format!("gconsul-{tag}-{version}"), &cluster, old, new);
    edit_plan::run(&dir, version, extra)
}

fn none() -> String {
    web(DC1, "", "")
}

fn with(consul: &str) -> String {
    web(DC1, &format!("    consul {{\n{consul}    }}\n"), "")
}

const DRY_RUN: &str = "\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";

/// Adding or removing `consul { namespace = "x" }`: the default cluster
/// is unchanged context, the namespace the one change (Partition from
/// 1.7.3, as context).
#[test]
fn a_written_namespace_diffs_against_the_stored_default() {
    let ns = with("      namespace = \"x\"\n");
    for (v, partition) in [("1.7.0", ""), ("1.9.7", "      Partition: \"\"\n")] {
        for (tag, old, new, m) in [
            ("add", none(), ns.clone(), "+"),
            ("drop", ns.clone(), none(), "-"),
        ] {
            let o = plan(tag, v, &old, &new, &[]);
            assert_eq!(o.code, 1, "{v} {tag}: {}{}", o.stdout, o.stderr);
            let want = format!(
                "+/- Job: \"web\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  {m} Consul {{\n      Cluster:   \"default\"\n    {m} Namespace: \"x\"\n{partition}    }}\n    Task: \"t\"\n{DRY_RUN}"
            );
            assert_eq!(edit_plan::head(&o), want, "{v} {tag}");
        }
    }
}

/// An empty block, or one naming the default cluster, is the block every
/// group has: no object, the group unchanged (its task at two spaces).
#[test]
fn an_empty_or_default_block_is_no_change() {
    let want = format!("Job: \"web\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n{DRY_RUN}");
    for v in ["1.7.0", "1.9.7"] {
        for block in [with(""), with("      cluster = \"default\"\n")] {
            // Tags of their own: the test above runs beside this one
            // with "add" and "drop", and a shared folder is a race.
            for (tag, old, new) in [
                ("empty-add", none(), block.clone()),
                ("empty-drop", block.clone(), none()),
            ] {
                let o = plan(tag, v, &old, &new, &[]);
                assert_eq!(o.code, 0, "{v} {tag}: {}{}", o.stdout, o.stderr);
                assert_eq!(edit_plan::head(&o), want, "{v} {tag}\n{block}");
            }
        }
    }
}

/// The JSON diff: an Added Consul object whose Cluster is a None field;
/// an empty block leaves the group's Objects null and its Type None.
#[test]
fn the_json_diff_holds_the_stored_block() {
    let field = |ty: &str, name: &str, old: &str, new: &str| serde_json::json!({"Annotations": null, "Name": name, "New": new, "Old": old, "Type": ty});
    let o = plan(
        "json",
        "1.9.7",
        &none(),
        &with("      namespace = \"x\"\n"),
        &["--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let g = &v["Diff"]["TaskGroups"][0];
    assert_eq!(g["Type"], "Edited");
    assert_eq!(
        g["Objects"],
        serde_json::json!([{
            "Fields": [
                field("None", "Cluster", "default", "default"),
                field("Added", "Namespace", "", "x"),
                field("None", "Partition", "", ""),
            ],
            "Name": "Consul",
            "Objects": null,
            "Type": "Added",
        }])
    );
    let o = plan(
        "json-empty",
        "1.9.7",
        &none(),
        &with(""),
        &["--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let g = &v["Diff"]["TaskGroups"][0];
    assert_eq!(
        (&g["Type"], &g["Objects"]),
        (&serde_json::json!("None"), &serde_json::Value::Null)
    );
}

/// A group the plan adds has no Consul on its old side (diff.go diffs an
/// empty TaskGroup there): the stored default is an Added object, which
/// `-verbose` shows.
#[test]
fn an_added_group_shows_the_default_block_in_verbose() {
    let d = common::TempDir::new("gconsul-added");
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.9.7\"\n{WORLD}"),
    );
    d.put("new.nomad", &none());
    let o = common::run_in(
        &d.0,
        &[
            "plan",
            "--no-cache",
            "--world",
            "rules",
            "--nomad-version",
            "1.9.7",
            "-verbose",
            "new.nomad",
        ],
    );
    assert!(
        o.stdout.contains("  + Consul {\n    + Cluster:   \"default\"\n      Namespace: \"\"\n      Partition: \"\"\n    }\n  + Update {\n"),
        "{}",
        o.stdout
    );
}

/// Guard: before 1.7 the stored block has no cluster in the diff, and
/// from 1.10 a group holds only the block it writes: both printed right.
#[test]
fn other_releases_keep_their_diff() {
    let ns = with("      namespace = \"x\"\n");
    for (v, cluster) in [("1.6.0", ""), ("1.10.0", "    + Cluster:   \"default\"\n")] {
        let o = plan("other", v, &none(), &ns, &[]);
        let partition = if v == "1.10.0" {
            "      Partition: \"\"\n"
        } else {
            ""
        };
        let want = format!(
            "+/- Job: \"web\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  + Consul {{\n{cluster}    + Namespace: \"x\"\n{partition}    }}\n    Task: \"t\"\n{DRY_RUN}"
        );
        assert_eq!(edit_plan::head(&o), want, "{v}");
    }
}
