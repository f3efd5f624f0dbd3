//! Before 1.0: the words of HCL1's refusal of a key its parser does not
//! know, at any block it checks.
//!
//! Each parse function (jobspec/parse.go at 0.9.3; parse_job.go,
//! parse_group.go, parse_task.go, parse_service.go, parse_network.go and
//! parse_multiregion.go from 0.10.0 to 0.12.12) calls
//! `helper.CheckHCLKeys(obj, valid)`, a go-multierror list with one
//! `invalid key: K` per unknown key in source order, and returns it at
//! once. On its way up each caller either prefixes it with
//! `multierror.Prefix(err, "p")`, which prefixes every item of the list
//! (`constraint -> invalid key: semver`), or folds it into a plain error
//! with `fmt.Errorf("proxy, %v", err)`, whose text holds the whole list
//! (`sidecar_service, proxy, 1 error occurred:\n\t* upstream -> invalid
//! key: mesh_gateway\n\n`); a prefix on a plain error is errwrap's `p
//! text`. Parse prints `error parsing 'job': ` and the result.
//!
//! [`chain`] gives the prefixes and folds from a block up to the job, read
//! from those functions at each release; checked against Nomad's own
//! jobspec.ParseFile at all 37 tags from 0.9.3 to 0.12.12
//! (tests/hcl-oracle/gate_sweep.py, tests/version_gates_hcl1.rs). Blocks
//! whose keys a release never checks (a task's `csi_plugin`, `config`,
//! `env` and `meta`, a group's `volume` from 0.11, a port before 0.12) have
//! no chain: their unknown keys are decoded into nothing and dropped.

use crate::gotext::multierror;
use crate::version::NomadVersion;

/// One step of the way up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Wrap {
    /// `multierror.Prefix(err, p)`.
    Prefix(String),
    /// `fmt.Errorf("{p}%v", err)`: the list becomes one plain error.
    Fold(String),
}

/// A block on the way from the job to the checked one, as the parser
/// names it.
#[derive(Debug, Clone, Default)]
pub(super) struct Frame {
    pub ident: String,
    pub label: Option<String>,
    /// Its index among the blocks of the same ident in its parent (a
    /// service's `service (N)`, a device's `device[N]`).
    pub index: usize,
    /// Its `name` argument as mapstructure decodes it (a service's and a
    /// check's prefix); `None` when that text is not known.
    pub name: Option<String>,
}

use Wrap::{Fold, Prefix};

fn p(s: impl Into<String>) -> Wrap {
    Prefix(s.into())
}

fn label(f: &Frame) -> Option<&str> {
    f.label.as_deref()
}

/// The wraps, innermost first, that the error of CheckHCLKeys at the last
/// block of `frames` (the job first) goes through under the parser of
/// `v`; `None` where that parser does not check the block's keys, or the
/// way is not known.
pub(super) fn chain(frames: &[Frame], v: NomadVersion) -> Option<Vec<Wrap>> {
    let mut out = own(frames, v)?;
    for n in (2..=frames.len()).rev() {
        out.extend(passed(&frames[..n], v)?);
    }
    Some(out)
}

fn idents(frames: &[Frame]) -> Vec<&str> {
    frames.iter().map(|f| f.ident.as_str()).collect()
}

/// Does the parser of `v` (before 1.0) decode the block at `path` without
/// checking its keys? Then a key it has no field for is dropped.
pub(super) fn unchecked(path: &[&str], v: NomadVersion) -> bool {
    match path {
        // parsePorts checks each port's keys from 0.12.
        [.., "network", "port"] => !v.at_least(0, 12, 0),
        // From 0.11 a group's volumes go to hcl v1's own decoder, which
        // ignores keys it has no field for.
        ["job", "group", "volume", ..] => v.at_least(0, 11, 0),
        // Decoded into a map, then weakly into a struct, without a check.
        _ => path.iter().any(|p| {
            matches!(
                *p,
                "csi_plugin" | "config" | "env" | "meta" | "options" | "policy"
            )
        }),
    }
}

/// Parse order of the blocks each parse function reads (parseJob,
/// parseGroups, parseTask; parse.go at 0.9.3 reads the same kinds in the
/// same order): the rank of `ident` under the block at `parent`. Blocks
/// below those levels are read in the order written (rank 0).
pub(super) fn rank(parent: &[&str], ident: &str) -> u8 {
    const JOB: &[&str] = &[
        "constraint",
        "affinity",
        "update",
        "periodic",
        "spread",
        "parameterized",
        "reschedule",
        "migrate",
        "multiregion",
        "meta",
        "task",
        "group",
        "vault",
    ];
    const GROUP: &[&str] = &[
        "constraint",
        "affinity",
        "restart",
        "spread",
        "network",
        "reschedule",
        "ephemeral_disk",
        "update",
        "migrate",
        "meta",
        "volume",
        "scaling",
        "task",
        "vault",
        "service",
    ];
    const TASK: &[&str] = &[
        "env",
        "service",
        "csi_plugin",
        "config",
        "constraint",
        "affinity",
        "meta",
        "volume_mount",
        "resources",
        "restart",
        "logs",
        "artifact",
        "template",
        "vault",
        "dispatch_payload",
        "lifecycle",
    ];
    let table = match parent {
        ["job"] => JOB,
        ["job", "group"] => GROUP,
        ["job", "group", "task"] => TASK,
        _ => return 0,
    };
    table
        .iter()
        .position(|k| *k == ident)
        .map_or(0, |i| 1 + i as u8)
}

/// Where a key check of the block at `path` (its `order` from
/// [`rank`]) falls among the parser's other errors (hcl1_parse.rs's
/// levels): the job, a group's own keys and its blocks before its tasks,
/// a task's own keys, its blocks before its resources and from them, a
/// group's vault and services after its tasks, the job's vault last.
pub(super) fn level(path: &[&str], order: &[(u8, usize)]) -> (usize, usize, usize) {
    const LAST: usize = usize::MAX;
    let at = |k: usize| order.get(k).map_or(1, |o| 1 + o.1);
    match path {
        ["job"] => (0, 0, 0),
        ["job", "group"] => (at(0), 0, 0),
        ["job", "group", "task"] => (at(0), at(1), 0),
        ["job", "group", "task", child, ..] => {
            let pre = rank(&["job", "group", "task"], child)
                <= rank(&["job", "group", "task"], "volume_mount");
            (at(0), at(1), if pre { 2 } else { 3 })
        }
        ["job", "group", "vault", ..] => (at(0), LAST, 0),
        ["job", "group", "service", ..] => (at(0), LAST, 1),
        ["job", "group", ..] => (at(0), 0, 1),
        ["job", "vault", ..] => (LAST, 0, 0),
        _ => (0, 0, 1),
    }
}

/// The block's own parse function on its key check's error.
fn own(frames: &[Frame], v: NomadVersion) -> Option<Vec<Wrap>> {
    let path = idents(frames);
    let last = frames.last()?;
    let new = v.at_least(0, 10, 0);
    Some(match path.as_slice() {
        ["job"] => vec![p("job:")],
        ["job", "group"] => vec![p(format!("'{}' ->", label(last)?))],
        ["job", "group", "task"] | ["job", "task"] if new => {
            vec![p(format!("'{}',", label(last)?))]
        }
        ["job", "group", "task"] | ["job", "task"] => vec![p(format!("'{}' ->", label(last)?))],
        [.., "spread", "target"] | ["job", "multiregion", "region"] => {
            vec![p(format!("'{}' ->", label(last)?))]
        }
        [.., "vault"] => vec![p("vault ->")],
        // A network's ports are checked one by one from 0.12 (before,
        // their keys are not checked at all).
        [.., "network", "port"] => vec![],
        [.., "network", "dns"] => vec![p("dns ->")],
        ["job", "group", "task", "resources", "network"] if !new => {
            vec![p("resources, network ->")]
        }
        [.., "network"] => vec![p("network ->")],
        [.., "resources", "device"] => vec![p(format!("resources, device[{}]->", last.index))],
        [.., "resources"] => vec![p("resources ->")],
        ["job", "group", "task", "service"] if !new => {
            vec![p(format!("service ({}) ->", last.index))]
        }
        [.., "check_restart"] => vec![p("check_restart ->")],
        [.., "check"] => vec![p("check ->")],
        [.., "connect"] => vec![p("connect ->")],
        [.., "sidecar_service"] => vec![p("sidecar_service ->")],
        [.., "gateway", "proxy"] | [.., "sidecar_service", "proxy"] => vec![p("proxy ->")],
        [.., "upstreams"] => vec![p("upstream ->")],
        [.., "expose", "path"] => vec![p("path ->")],
        [.., "expose"] => vec![p("expose ->")],
        [.., "gateway"] => vec![p("gateway ->")],
        [.., "ingress"] => vec![p("ingress ->")],
        [.., "tls"] => vec![p("tls ->")],
        [.., "listener"] => vec![p("listener ->")],
        [.., "listener", "service"] => vec![p("service ->")],
        _ => vec![],
    })
}

/// What the parent of the last block of `frames` does with an error its
/// parse function returned.
fn passed(frames: &[Frame], v: NomadVersion) -> Option<Vec<Wrap>> {
    let path = idents(frames);
    let new = v.at_least(0, 10, 0);
    let n = frames.len();
    let parent = |k: usize| frames.get(n.checked_sub(1 + k)?);
    let named = |k: usize| -> Option<String> {
        let f = parent(k)?;
        f.label.clone()
    };
    let g = || named(1);
    Some(match path.as_slice() {
        ["job", "group"] => vec![p("group:")],
        ["job", "group", "task"] => vec![p(format!("'{}', task:", g()?))],
        ["job", "multiregion", "strategy"] => vec![p("strategy ->")],
        ["job", "multiregion", "region"] => vec![p("regions ->")],
        ["job", "spread", "target"] | ["job", "group", "spread", "target"] => {
            vec![p("target ->")]
        }
        ["job", "vault"] => vec![p("vault ->")],
        // A task written in the job, its own group (parseJob's `task:`).
        ["job", "task"] => vec![p("task:")],
        ["job", key] => vec![p(format!("{key} ->"))],
        // parseGroups: some blocks under the group's name, some not.
        ["job", "group", key @ ("constraint" | "affinity" | "restart" | "reschedule" | "ephemeral_disk"
        | "vault")] => {
            vec![p(format!("'{}', {key} ->", g()?))]
        }
        ["job", "group", key @ ("spread" | "update" | "migrate" | "volume" | "scaling")] => {
            vec![p(format!("{key} ->"))]
        }
        ["job", "group", "network"] => vec![],
        ["job", "group", "service"] => vec![
            p(format!("service ({}):", frames[n - 1].index)),
            p(format!("'{}',", g()?)),
        ],
        ["job", "group", "task", key] | ["job", "task", key] => {
            let t = named(1)?;
            task_child(key, &t, frames[n - 1].index, new)?
        }
        // parseResources' blocks (device constraints without the device).
        [.., "resources", "network"] if new => vec![Fold("resource, ".into())],
        [.., "resources", "network"] | [.., "resources", "device"] => vec![],
        [.., "device", key @ ("constraint" | "affinity")] => vec![p(format!("{key} ->"))],
        [.., "network", "port"] if new => vec![p("network, ports ->")],
        [.., "network", "port"] => vec![p("resources, network, ports ->")],
        [.., "network", "dns"] => vec![p("network ->")],
        // parseService's blocks, under the service's name as decoded.
        [.., "service", "check" | "check_restart" | "connect"] => {
            let s = parent(1)?.name.clone()?;
            if new {
                vec![p(format!("'{s}',"))]
            } else {
                vec![p(format!("service: '{s}',"))]
            }
        }
        [.., "check", "check_restart"] => {
            let c = parent(1)?.name.clone()?;
            vec![p(format!("check: '{c}',"))]
        }
        [.., "connect", key @ ("sidecar_service" | "sidecar_task" | "gateway")] => {
            vec![Fold(format!("{key}, "))]
        }
        [.., "sidecar_service", "proxy"] | [.., "gateway", "proxy"] => vec![Fold("proxy, ".into())],
        [.., "gateway", "ingress"] => vec![Fold("ingress, ".into())],
        [.., "proxy", "upstreams" | "expose"] | [.., "expose", "path"] => vec![],
        [.., "ingress", "tls" | "listener"] | [.., "listener", "service"] => vec![],
        // A sidecar task is parsed by parseTask: its blocks' prefixes
        // without parseTasks' name.
        [.., "sidecar_task", key] if new => {
            let mut w = task_child(key, "", frames[n - 1].index, true)?;
            w.pop();
            w
        }
        _ => return None,
    })
}

/// parseTask's (from 0.10) or parseTasks' (0.9) wraps of a task block's
/// error, the task's name `t` included.
fn task_child(key: &str, t: &str, index: usize, new: bool) -> Option<Vec<Wrap>> {
    let named = p(format!("'{t}',"));
    Some(match key {
        "service" if new => vec![p(format!("service ({index}):")), named],
        "service" => vec![named],
        "affinity" if !new => vec![p("affinity ->")],
        "resources" if !new => vec![named],
        "constraint" | "affinity" | "volume_mount" | "resources" | "restart" | "logs"
        | "artifact" | "template" | "vault" | "dispatch_payload" | "lifecycle"
            if new =>
        {
            vec![p(format!("{key} ->")), named]
        }
        "constraint" | "logs" | "artifact" | "template" | "vault" | "dispatch_payload" => {
            vec![p(format!("'{t}', {key} ->"))]
        }
        _ => return None,
    })
}

/// Nomad's text after `error parsing 'job': ` for the unknown `keys` of
/// one block, through `wraps`.
pub(super) fn text(keys: &[&str], wraps: &[Wrap], v: NomadVersion) -> String {
    enum E {
        List(Vec<String>),
        Plain(String),
    }
    let render = |e: &E| match e {
        E::List(items) => multierror(items, v),
        E::Plain(t) => t.clone(),
    };
    let mut e = E::List(keys.iter().map(|k| format!("invalid key: {k}")).collect());
    for w in wraps {
        e = match (w, e) {
            (Prefix(pre), E::List(items)) => {
                E::List(items.into_iter().map(|i| format!("{pre} {i}")).collect())
            }
            (Prefix(pre), E::Plain(t)) => E::Plain(format!("{pre} {t}")),
            (Fold(pre), e) => E::Plain(format!("{pre}{}", render(&e))),
        };
    }
    render(&e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(path: &[(&str, Option<&str>)]) -> Vec<Frame> {
        path.iter()
            .map(|(i, l)| Frame {
                ident: i.to_string(),
                label: l.map(str::to_string),
                index: 0,
                name: Some(String::new()),
            })
            .collect()
    }

    /// jobspec.ParseFile at 0.12.12: parseUpstream's prefix inside the
    /// list that parseSidecarService and parseConnect fold.
    #[test]
    fn folds_carry_the_list_inside_a_plain_error() {
        let f = frames(&[
            ("job", Some("j")),
            ("group", Some("g")),
            ("task", Some("t")),
            ("service", None),
            ("connect", None),
            ("sidecar_service", None),
            ("proxy", None),
            ("upstreams", None),
        ]);
        let v = NomadVersion::new(0, 12, 12);
        let w = chain(&f, v).expect("checked");
        assert_eq!(
            text(&["mesh_gateway"], &w, v),
            "group: 'g', task: 't', service (0): '', sidecar_service, proxy, 1 error occurred:\n\t* upstream -> invalid key: mesh_gateway\n\n"
        );
    }

    #[test]
    fn a_task_vault_is_prefixed_twice_and_a_csi_plugin_is_not_checked() {
        let v = NomadVersion::new(0, 9, 3);
        let f = frames(&[
            ("job", Some("j")),
            ("group", Some("g")),
            ("task", Some("t")),
            ("vault", None),
        ]);
        let w = chain(&f, v).expect("checked");
        assert_eq!(
            text(&["namespace", "role"], &w, v),
            "2 error(s) occurred:\n\n* group: 'g', task: 't', vault -> vault -> invalid key: namespace\n* group: 'g', task: 't', vault -> vault -> invalid key: role"
        );
        let f = frames(&[
            ("job", Some("j")),
            ("group", Some("g")),
            ("task", Some("t")),
            ("csi_plugin", None),
        ]);
        assert_eq!(chain(&f, NomadVersion::new(0, 12, 12)), None);
    }
}
