//! A client pool's `reserved` block in rules/cluster.hcl: the cpu,
//! memory, disk and ports the client keeps from the scheduler, in Nomad's
//! client configuration syntax.

use hcl_edit::structure::Block;

use super::hclread::{BodyReader, Schema};
use super::model::{ClientPool, Reserved};
use crate::diag::{Diag, Diags};
use crate::source::Source;

pub(super) fn read_reserved(
    src: &Source,
    b: &Block,
    pool: &ClientPool,
    diags: &mut Diags,
) -> Reserved {
    const S: Schema = Schema {
        attrs: &["cpu", "memory", "disk", "ports"],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "reserved", diags);
    let mut out = Reserved::default();
    for (key, slot, total) in [
        ("cpu", &mut out.cpu, pool.cpu),
        ("memory", &mut out.memory, pool.memory),
        ("disk", &mut out.disk, pool.disk),
    ] {
        if let Some(v) = r.int(key, diags) {
            if v < 0 || (total > 0 && v >= total) {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!(
                            "reserved {key} must be between 0 and the client's {key} ({total})"
                        ),
                    )
                    .at(
                        src,
                        r.attr_span(key).unwrap_or_default(),
                        "out of range",
                    ),
                );
            } else {
                *slot = v;
            }
        }
    }
    if let Some(ports) = r.string("ports", diags) {
        match parse_port_ranges(&ports) {
            Ok(p) => out.ports = p,
            Err(msg) => diags.push(
                Diag::error("world::bad-value", format!("reserved ports: {msg}"))
                    .at(
                        src,
                        r.attr_span("ports").unwrap_or_default(),
                        "not a port list",
                    )
                    .help("write ports like Nomad's client config: \"22,80,8000-8010\""),
            ),
        }
    }
    out
}

/// Nomad's reserved port syntax: comma separated ports and inclusive ranges.
pub fn parse_port_ranges(s: &str) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let port = |p: &str| {
            p.trim()
                .parse::<u16>()
                .map_err(|_| format!("`{p}` is not a port"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (port(a)?, port(b)?);
                if a > b {
                    return Err(format!("range `{part}` is backwards"));
                }
                out.extend(a..=b);
            }
            None => out.push(port(part)?),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
