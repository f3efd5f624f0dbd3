//! `node "NAME" { id = "...", device "V/T/N" { instance_ids = [...] } }`
//! inside a `client` block: the real nodes of a pool, by name and ID, with
//! their own device instance IDs (what `import --write` writes, so pinned
//! allocations keep naming the nodes and instances they hold). A pool
//! without them has clients `NAME-1..NAME-N` with derived IDs.

use std::collections::HashSet;

use hcl_edit::structure::Block;

use super::hclread::{one_label, BodyReader, Schema};
use super::model::{ClientPool, NodeIdentity};
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::structs::device::DeviceId;

pub(super) fn read_members(
    src: &Source,
    blocks: &[&Block],
    pool: &ClientPool,
    diags: &mut Diags,
) -> Vec<NodeIdentity> {
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    for b in blocks {
        let Ok((name, label)) =
            one_label(src, b, "node \"NAME\" { id = \"...\" }").map_err(|d| diags.push(d))
        else {
            continue;
        };
        const S: Schema = Schema {
            attrs: &["id"],
            blocks: &["device"],
        };
        let r = BodyReader::new(src, &b.body, &S, "node", diags);
        let Some(id) = r.string("id", diags) else {
            diags.push(
                Diag::error("world::missing-key", format!("node `{name}` needs `id`"))
                    .at(src, label, "`id` missing")
                    .help("the node's ID, as `nomad node status` shows it"),
            );
            continue;
        };
        if !names.insert(name.clone()) || !ids.insert(id.clone()) {
            diags.push(
                Diag::error(
                    "world::duplicate-node",
                    format!("node `{name}` (ID `{id}`) is declared twice"),
                )
                .at(src, label, "declared again here")
                .help("node names and IDs are unique in a cluster"),
            );
            continue;
        }
        let mut devices = pool.devices.clone();
        for d in r.blocks("device") {
            let Ok((model, at)) = one_label(
                src,
                d,
                "device \"VENDOR/TYPE/NAME\" { instance_ids = [...] }",
            )
            .map_err(|e| diags.push(e)) else {
                continue;
            };
            const D: Schema = Schema {
                attrs: &["instance_ids"],
                blocks: &[],
            };
            let dr = BodyReader::new(src, &d.body, &D, "device", diags);
            let wanted = DeviceId::from_request(&model);
            let Some(dev) = devices.iter_mut().find(|x| x.id == wanted) else {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!("node `{name}`: the pool has no device `{model}`"),
                    )
                    .at(src, at, "not one of the pool's devices")
                    .help("declare the model in the client block's `device` blocks first"),
                );
                continue;
            };
            let listed: Vec<String> = dr
                .strings("instance_ids", diags)
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            if listed.len() != dev.instances.len() {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!(
                            "node `{name}`: `{model}` lists {} instance_ids for the pool's {} instances",
                            listed.len(),
                            dev.instances.len()
                        ),
                    )
                    .at(src, dr.attr_span("instance_ids").unwrap_or(at), "one ID per instance, healthy ones first")
                    .help("list every instance the device block counts (count + unhealthy)"),
                );
                continue;
            }
            for (inst, id) in dev.instances.iter_mut().zip(listed) {
                inst.id = id;
            }
        }
        out.push(NodeIdentity { id, name, devices });
    }
    out
}
