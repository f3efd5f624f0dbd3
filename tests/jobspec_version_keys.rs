//! Issue 13's version keys re-check: every key of every jobspec2 release
//! (1.0.0 to 2.0.5, all 153 tags), read from Nomad's api hcl tags at each
//! tag (tests/fixtures/jobspec/parser-keys-hcl2.txt, written by
//! parser_keys.py beside it), against what our parser accepts at that
//! release: the 2.0.5 key table (src/jobspec/keys-2.0.5.txt) with the
//! release gates of src/jobspec/version_keys.rs and the model's own gate
//! (`node_pool` from 1.6). A key is compared only where its enclosing block
//! exists in that release (a block's new keys come with it).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use nomad_preflight::jobspec::block_args::KEYS_2_0_5;
use nomad_preflight::jobspec::version_keys::{self, Kind};
use nomad_preflight::version::NomadVersion;

const PARSER_KEYS: &str = include_str!("fixtures/jobspec/parser-keys-hcl2.txt");

type Key = (String, String, String);

/// (releases in order, for each key the releases whose parser has it).
fn nomad() -> (Vec<NomadVersion>, BTreeMap<Key, BTreeSet<NomadVersion>>) {
    let mut releases = Vec::new();
    let mut keys = BTreeMap::new();
    for line in PARSER_KEYS.lines().filter(|l| !l.starts_with('#')) {
        let mut w = line.split_whitespace();
        if line.starts_with("RELEASES ") {
            releases = w.skip(1).map(|v| v.parse().expect("release")).collect();
            continue;
        }
        let key: Key = (
            w.next().expect("path").into(),
            w.next().expect("key").into(),
            w.next().expect("kind").into(),
        );
        let runs: Vec<&str> = w.collect();
        let has = common::release_runs(&releases, &runs);
        keys.insert(key, has);
    }
    assert_eq!(releases.len(), 153, "every 1.x and 2.x release tag");
    (releases, keys)
}

/// The (path, key) of every 2.0.5 key.
fn keys_2_0_5() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for line in KEYS_2_0_5.lines().filter(|l| !l.starts_with('#')) {
        let w: Vec<&str> = line.split_whitespace().collect();
        for path in w.iter().skip(3) {
            out.insert((path.to_string(), w[1].to_string()));
        }
    }
    out
}

/// Does our parser accept `key` at `path` under `v`?
fn ours(
    path: &str,
    key: &str,
    kind: &str,
    v: NomadVersion,
    all: &BTreeSet<(String, String)>,
) -> bool {
    let segments: Vec<&str> = path.split('.').collect();
    if let Some(k) = version_keys::lookup(&segments, key) {
        let same_kind = matches!(
            (k.kind, kind),
            (Kind::Attr, "attr") | (Kind::Block, "block")
        );
        return same_kind && k.known(v);
    }
    if (path, key) == ("job", "node_pool") {
        return v >= NomadVersion::new(1, 6, 0);
    }
    all.contains(&(path.to_string(), key.to_string()))
}

#[test]
fn every_key_is_accepted_by_exactly_the_releases_whose_parser_has_it() {
    let (releases, keys) = nomad();
    let all = keys_2_0_5();
    let mut wrong = Vec::new();
    for ((path, key, kind), has) in &keys {
        // jobspec2 decodes constraints and affinities with hcldec specs of
        // its own (hcl_conversions.go), which our lowering lists, not the
        // key tables: tests/jobspec_version_keys_hcl2_parser.rs checks those
        // blocks through the parser.
        if path.ends_with(".constraint") || path.ends_with(".affinity") {
            continue;
        }
        // The enclosing block, in the release's parser: the key is only
        // written inside it.
        let parent = path
            .rsplit_once('.')
            .map(|(p, last)| keys.get(&(p.to_string(), last.to_string(), "block".to_string())));
        let mut differ = Vec::new();
        for v in &releases {
            if let Some(parent) = parent {
                if !parent.is_some_and(|p| p.contains(v)) {
                    continue;
                }
            }
            if has.contains(v) != ours(path, key, kind, *v, &all) {
                differ.push(v.to_string());
            }
        }
        if !differ.is_empty() {
            wrong.push(format!(
                "{path} {key} ({kind}): Nomad {} at {}",
                if has.contains(&NomadVersion::new(2, 0, 5)) {
                    "has it (2.0.5)"
                } else {
                    "lacks it at 2.0.5"
                },
                differ.join(" ")
            ));
        }
    }
    common::assert_keys_agree(&wrong);
}

/// The disagreements this test found, through the parser itself: a
/// service's and a check's `id` (api.Service/ServiceCheck `hcl:"id"`,
/// 1.0.0 to 1.2.16 only) and a reserved port's `ignore_collision` (the
/// Port struct's, from 1.9.0, at a network's reserved_ports too).
#[test]
fn the_keys_found_missing_load_exactly_where_nomad_has_them() {
    let service = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      service {\n        name = \"s\"\n        id = \"s1\"\n        port = \"8080\"\n        address_mode = \"driver\"\n        check {\n          id = \"c1\"\n          type = \"tcp\"\n          address_mode = \"driver\"\n          interval = \"10s\"\n          timeout = \"2s\"\n        }\n      }\n    }\n  }\n}\n";
    let reserved = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      reserved_ports \"r\" {\n        static = 8080\n        ignore_collision = true\n      }\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";
    let gated = |text: &str, v: NomadVersion| {
        let mut vfs = nomad_preflight::vfs::MemVfs::new("t");
        vfs.insert("j.nomad", text);
        let opts = nomad_preflight::jobspec::LoadOptions {
            version: v,
            ..Default::default()
        };
        let p = nomad_preflight::jobspec::load(&vfs, std::path::Path::new("j.nomad"), &opts);
        let unknown: Vec<String> = p
            .diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect();
        unknown
    };
    let v = |a, b, c| NomadVersion::new(a, b, c);
    for at in [v(1, 0, 0), v(1, 2, 16)] {
        assert_eq!(gated(service, at), Vec::<String>::new(), "{at}");
    }
    for at in [v(0, 12, 12), v(1, 3, 0), v(2, 0, 5)] {
        let e = gated(service, at);
        assert_eq!(e.len(), 2, "{at}: {e:?}");
        // From 1.0 in hclsyntax's words (914be1f); before, ours.
        let named = |m: &String| m.contains("`id`") || m.contains("named \"id\"");
        assert!(e.iter().all(named), "{at}: {e:?}");
    }
    assert_eq!(gated(reserved, v(1, 9, 0)), Vec::<String>::new());
    let e = gated(reserved, v(1, 8, 4));
    assert!(
        e.len() == 1 && e[0].contains("named \"ignore_collision\""),
        "{e:?}"
    );
}
