//! `rules/quotas/*.hcl` and `rules/namespaces/*.hcl`, in Nomad's own quota
//! and namespace specification formats.

use std::collections::BTreeMap;

use hcl_edit::structure::Block;

use super::hclread::{
    no_label, one_label, parse_reported, record, span_of, spans_for, BodyReader, Schema,
};
use super::model::*;
use super::quota_limits::{At, NotSimulated, NumaLimit, PoolLimit, Unsimulated};
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

pub(super) fn read_quota(
    src: &Source,
    version: crate::version::NomadVersion,
    diags: &mut Diags,
) -> Option<QuotaSpec> {
    let body = parse_reported(src, diags)?;
    const S: Schema = Schema {
        attrs: &["name", "description"],
        blocks: &["limit"],
    };
    let r = BodyReader::new(src, &body, &S, "quota specification", diags);
    let mut q = QuotaSpec {
        spans: spans_for(None),
        ..QuotaSpec::default()
    };
    record(&mut q.spans, &r, &["name", "description"]);
    match r.string("name", diags) {
        Some(n) if !n.is_empty() => q.name = n,
        _ => {
            diags.push(
                Diag::error("world::missing-key", "quota specification needs a `name`")
                    .in_source(src)
                    .help("add `name = \"...\"` (what `nomad quota init` writes)"),
            );
            return None;
        }
    }
    q.description = r.string("description", diags).unwrap_or_default();
    let mut regions: BTreeMap<String, Span> = BTreeMap::new();
    for b in r.blocks("limit") {
        no_label(src, b, diags);
        let Some(mut limit) = read_limit(src, b, diags) else {
            continue;
        };
        let kept = &mut limit.region_limit.unsimulated;
        super::quota_since::hand_written(src, &q.name, version, kept, diags);
        let span = limit.spans.best("region").unwrap_or_default();
        if let Some(first) = regions.insert(limit.region.clone(), span) {
            diags.push(
                Diag::error(
                    "world::duplicate-limit",
                    format!("quota `{}` limits region `{}` twice", q.name, limit.region),
                )
                .at(src, span, "second limit")
                .label(first, "first limit"),
            );
            continue;
        }
        q.limits.push(limit);
    }
    if q.limits.is_empty() {
        diags.push(
            Diag::warning(
                "world::empty-quota",
                format!("quota `{}` has no limit block: it limits nothing", q.name),
            )
            .at(src, q.spans.best("name").unwrap_or_default(), "no limits"),
        );
    }
    Some(q)
}

fn read_limit(src: &Source, b: &Block, diags: &mut Diags) -> Option<QuotaLimit> {
    const S: Schema = Schema {
        attrs: &["region", "variables_limit"],
        blocks: &["region_limit"],
    };
    let r = BodyReader::new(src, &b.body, &S, "limit", diags);
    let mut limit = QuotaLimit {
        spans: spans_for(Some(b)),
        ..QuotaLimit::default()
    };
    record(&mut limit.spans, &r, &["region"]);
    match r.string("region", diags) {
        Some(reg) => limit.region = reg,
        None => {
            diags.push(
                Diag::error("world::missing-key", "quota `limit` needs a `region`")
                    .at(src, span_of(&b.ident), "no region")
                    .help("add `region = \"global\"`"),
            );
            return None;
        }
    }
    if let Some(rl) = r.single_block("region_limit", diags) {
        no_label(src, rl, diags);
        const RL: Schema = Schema {
            attrs: &[
                "cpu",
                "cores",
                "memory",
                "memory_max",
                "secrets",
                "disk",
                "iops",
            ],
            blocks: &["device", "network", "numa", "storage", "node_pool"],
        };
        let rr = BodyReader::new(src, &rl.body, &RL, "region_limit", diags);
        let l = &mut limit.region_limit;
        l.spans = spans_for(Some(rl));
        record(&mut l.spans, &rr, &["cpu", "cores", "memory", "memory_max"]);
        l.cpu = rr.int("cpu", diags);
        l.cores = rr.int("cores", diags);
        l.memory = rr.int("memory", diags);
        l.memory_max = rr.int("memory_max", diags);
        for d in rr.blocks("device") {
            let Ok((name, at)) =
                one_label(src, d, "device \"nvidia/gpu\" { count = 1 }").map_err(|e| diags.push(e))
            else {
                continue;
            };
            l.device_spans.0.insert(name.clone(), at);
            const D: Schema = Schema {
                attrs: &["count"],
                blocks: &[],
            };
            let dr = BodyReader::new(src, &d.body, &D, "device", diags);
            l.devices.insert(name, dr.int("count", diags).unwrap_or(0));
        }
        if let Some(n) = rr.single_block("network", diags) {
            l.network = true;
            diags.push(
                Diag::warning(
                    "world::not-simulated",
                    "network quota limits (Nomad 0.10-0.12) are not simulated",
                )
                .at(src, span_of(&n.ident), "ignored")
                .help("Nomad removed network quotas in 1.0; remove the block to silence this"),
            );
        }
        read_unsimulated(&rr, &mut l.unsimulated, diags);
    }
    // `variables_limit` is the limit's own (api/quota.go QuotaLimit, 1.4+):
    // kept with the region's other limits not simulated.
    push_int(
        &r,
        "variables_limit",
        Unsimulated::VariablesLimit,
        &mut limit.region_limit.unsimulated,
        diags,
    );
    super::quota_limits::canonical_order(&mut limit.region_limit.unsimulated);
    Some(limit)
}

/// A set (non-zero: 0 is unlimited) whole-number limit, where it is written.
fn push_int(
    r: &BodyReader<'_>,
    key: &str,
    make: fn(i64) -> Unsimulated,
    out: &mut Vec<NotSimulated>,
    diags: &mut Diags,
) {
    if let Some(v) = r.int(key, diags).filter(|v| *v != 0) {
        out.push(NotSimulated {
            limit: make(v),
            at: At(r.attr_span(key)),
        });
    }
}

/// The region limit's keys nomad-preflight does not simulate
/// (`world::quota_limits`): `secrets`, `disk`, `iops`, `numa`, `storage`
/// and `node_pool` blocks. Each is kept, located, for the loader's warning,
/// the plan's "cannot tell" and `status`.
fn read_unsimulated(rr: &BodyReader<'_>, out: &mut Vec<NotSimulated>, diags: &mut Diags) {
    let src = rr.src;
    push_int(rr, "secrets", Unsimulated::Secrets, out, diags);
    push_int(rr, "disk", Unsimulated::Disk, out, diags);
    push_int(rr, "iops", Unsimulated::Iops, out, diags);
    if let Some(n) = rr.single_block("numa", diags) {
        no_label(src, n, diags);
        const N: Schema = Schema {
            attrs: &["affinity", "devices"],
            blocks: &[],
        };
        let nr = BodyReader::new(src, &n.body, &N, "numa", diags);
        let numa = NumaLimit {
            affinity: nr.string("affinity", diags).unwrap_or_default(),
            devices: nr
                .strings("devices", diags)
                .unwrap_or_default()
                .into_iter()
                .map(|(d, _)| d)
                .collect(),
        };
        out.push(NotSimulated {
            limit: Unsimulated::Numa(numa),
            at: At(Some(span_of(&n.ident))),
        });
    }
    if let Some(st) = rr.single_block("storage", diags) {
        let (variables, host_volumes) = read_storage(src, st, diags);
        for (v, make) in [
            (variables, Unsimulated::Variables as fn(i64) -> Unsimulated),
            (host_volumes, Unsimulated::HostVolumes),
        ] {
            if let Some((mb, at)) = v {
                out.push(NotSimulated {
                    limit: make(mb),
                    at: At(Some(at)),
                });
            }
        }
    }
    for p in rr.blocks("node_pool") {
        let Ok((pool, at)) =
            one_label(src, p, "node_pool \"gpu\" { cpu = 1000 }").map_err(|e| diags.push(e))
        else {
            continue;
        };
        const P: Schema = Schema {
            attrs: &["cpu", "cores", "memory", "memory_max", "secrets"],
            blocks: &["device", "storage"],
        };
        let pr = BodyReader::new(src, &p.body, &P, "node_pool", diags);
        let nz = |v: Option<i64>| v.filter(|v| *v != 0);
        let mut limit = PoolLimit {
            pool,
            cpu: nz(pr.int("cpu", diags)),
            cores: nz(pr.int("cores", diags)),
            memory: nz(pr.int("memory", diags)),
            memory_max: nz(pr.int("memory_max", diags)),
            secrets: nz(pr.int("secrets", diags)),
            ..PoolLimit::default()
        };
        for d in pr.blocks("device") {
            let Ok((name, _)) =
                one_label(src, d, "device \"nvidia/gpu\" { count = 1 }").map_err(|e| diags.push(e))
            else {
                continue;
            };
            const D: Schema = Schema {
                attrs: &["count"],
                blocks: &[],
            };
            let dr = BodyReader::new(src, &d.body, &D, "device", diags);
            limit
                .devices
                .insert(name, dr.int("count", diags).unwrap_or(0));
        }
        if let Some(st) = pr.single_block("storage", diags) {
            let (variables, host_volumes) = read_storage(src, st, diags);
            limit.variables = variables.map(|(mb, _)| mb);
            limit.host_volumes = host_volumes.map(|(mb, _)| mb);
        }
        out.push(NotSimulated {
            limit: Unsimulated::NodePool(limit),
            at: At(Some(at)),
        });
    }
}

/// A size in MB, where it is written.
type Sized = (i64, Span);

/// `storage { variables = N, host_volumes = N }`, in MB, each where it is
/// written. Nomad's CLI also takes "100 GiB" (command/quota_apply.go
/// parseQuotaMegabytes, 1.10+); a world writes whole MB.
fn read_storage(src: &Source, b: &Block, diags: &mut Diags) -> (Option<Sized>, Option<Sized>) {
    no_label(src, b, diags);
    const ST: Schema = Schema {
        attrs: &["variables", "host_volumes"],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &ST, "storage", diags);
    let get = |key: &str, diags: &mut Diags| {
        r.int(key, diags)
            .filter(|v| *v != 0)
            .map(|v| (v, r.attr_span(key).unwrap_or_default()))
    };
    (get("variables", diags), get("host_volumes", diags))
}

pub(super) fn read_namespace(
    src: &Source,
    version: crate::version::NomadVersion,
    edition: Option<crate::version::Edition>,
    diags: &mut Diags,
) -> Option<Namespace> {
    let body = parse_reported(src, diags)?;
    const S: Schema = Schema {
        attrs: &["name", "description", "quota", "meta"],
        blocks: &["capabilities", "meta", "node_pool_config"],
    };
    let r = BodyReader::new(src, &body, &S, "namespace specification", diags);
    let mut ns = Namespace {
        spans: spans_for(None),
        ..Namespace::default()
    };
    record(&mut ns.spans, &r, &["name", "description", "quota", "meta"]);
    match r.string("name", diags) {
        Some(n) if !n.is_empty() => ns.name = n,
        _ => {
            diags.push(
                Diag::error(
                    "world::missing-key",
                    "namespace specification needs a `name`",
                )
                .in_source(src)
                .help("add `name = \"...\"`"),
            );
            return None;
        }
    }
    ns.description = r.string("description", diags).unwrap_or_default();
    ns.quota = r.string("quota", diags).filter(|q| !q.is_empty());
    ns.meta = r.string_map("meta", diags).unwrap_or_default();
    // Nomad's namespace spec writes meta as a block; accept both spellings.
    if let Some(m) = r.single_block("meta", diags) {
        for a in m.body.attributes() {
            if let Ok(super::hclread::Lit::Str(v)) = super::hclread::literal(src, &a.value) {
                ns.meta.insert(a.key.value().to_string(), v);
            }
        }
    }
    if let Some(c) = r.single_block("capabilities", diags) {
        no_label(src, c, diags);
        const C: Schema = Schema {
            attrs: &[
                "enabled_task_drivers",
                "disabled_task_drivers",
                "enabled_network_modes",
                "disabled_network_modes",
            ],
            blocks: &[],
        };
        let cr = BodyReader::new(src, &c.body, &C, "capabilities", diags);
        let names = |v: Option<Vec<(String, Span)>>| -> Vec<String> {
            v.unwrap_or_default().into_iter().map(|(s, _)| s).collect()
        };
        ns.enabled_task_drivers = names(cr.strings("enabled_task_drivers", diags));
        ns.disabled_task_drivers = names(cr.strings("disabled_task_drivers", diags));
        ns.enabled_network_modes = names(cr.strings("enabled_network_modes", diags));
        ns.disabled_network_modes = names(cr.strings("disabled_network_modes", diags));
        network_modes_gate(src, &cr, version, &mut ns, diags);
    }
    if let Some(b) = r.single_block("node_pool_config", diags) {
        no_label(src, b, diags);
        ns.node_pools = super::namespace_pools::read(src, b, version, edition, diags);
    }
    Some(ns)
}

/// Nomad 1.8.4 added the network-mode capabilities (api/namespace.go
/// `NamespaceCapabilities`, nomad/job_endpoint_validators.go
/// `taskValidateNetworkMode`); an older `nomad namespace apply` decodes the
/// spec without them (HCL1 drops keys its struct lacks) and no validator
/// reads them. Say so, and drop them, rather than judge by keys that
/// release never stores.
fn network_modes_gate(
    src: &Source,
    cr: &BodyReader<'_>,
    version: crate::version::NomadVersion,
    ns: &mut Namespace,
    diags: &mut Diags,
) {
    if version.at_least(1, 8, 4) {
        return;
    }
    for key in ["enabled_network_modes", "disabled_network_modes"] {
        if let Some(span) = cr.attr_span(key) {
            diags.push(
                Diag::warning(
                    "world::version-gate",
                    format!("`{key}` is a Nomad 1.8.4+ namespace capability; the world runs Nomad {version}, which ignores it"),
                )
                .at(src, span, "not in this release")
                .help("remove it or raise nomad_version"),
            );
        }
    }
    ns.enabled_network_modes.clear();
    ns.disabled_network_modes.clear();
}

/// One warning per device limit a quota sets in the world's region: Nomad
/// Enterprise counts them in private code, so every plan of a job asking
/// for devices in the quota's namespaces is reported as unknown
/// (`scheduler::quota_devices`). Located at the limit when `sources` has
/// the quota's file (a world folder); an import names `quotas.json`.
/// The code of [`device_limit_warnings`]: `plan` prints these world
/// warnings, which say a verdict cannot be known.
pub const QUOTA_DEVICES: &str = "world::quota-devices";

pub(super) fn device_limit_warnings(
    world: &World,
    sources: &BTreeMap<String, Source>,
    fallback: Option<&Source>,
) -> Vec<Diag> {
    let mut out = Vec::new();
    for (q, limit, whose) in super::quota_limits::region_quotas(world) {
        for (name, count) in &limit.region_limit.devices {
            let d = Diag::warning(
                QUOTA_DEVICES,
                format!(
                    "quota `{}` limits device `{name}` (count {count}) in region `{}`, which nomad-preflight cannot count: Nomad Enterprise's device quota counting is not public, so a plan of a job asking for devices in {whose} is reported as unknown, never as placed",
                    q.name, world.region
                ),
            )
            .help("judge such jobs on the cluster (`nomad job plan`), or remove the device limit from the world");
            let span = limit.region_limit.device_spans.0.get(name);
            out.push(match (sources.get(&q.name), span, fallback) {
                (Some(src), Some(span), _) => d.at(src, *span, "not counted"),
                (_, _, Some(src)) => d.in_source(src),
                _ => d,
            });
        }
    }
    out
}
