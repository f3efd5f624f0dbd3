//! Which edition of Nomad the world's servers run: cluster.hcl's
//! `edition = "community" | "enterprise"`, or a `nomad_version` with
//! Enterprise's build metadata (`"1.7.2+ent"`, as `nomad version` and the
//! agent's `build` tag print it). Both may be written when they agree.
//! What the rest of the world implies (quotas) is [`super::World::edition`].

use super::hclread::BodyReader;
use super::model::{Sentinel, World};
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::Edition;

/// Fill `world.stated_edition` from cluster.hcl's reader.
pub(super) fn read_edition(src: &Source, r: &BodyReader<'_>, world: &mut World, diags: &mut Diags) {
    let by_version = r
        .string("nomad_version", &mut Diags::new())
        .and_then(|v| Edition::of_version_text(&v));
    let written = r.string("edition", diags);
    let span = r.attr_span("edition").unwrap_or_default();
    let stated = match written.as_deref().map(str::parse::<Edition>) {
        None => by_version,
        Some(Ok(e)) => Some(e),
        Some(Err(())) => {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!(
                        "edition {:?} is not a Nomad edition",
                        written.unwrap_or_default()
                    ),
                )
                .at(src, span, "expected \"community\" or \"enterprise\"")
                .help("write `edition = \"community\"` or `edition = \"enterprise\"`, as `nomad version` tells (Enterprise prints `+ent`)"),
            );
            by_version
        }
    };
    if let (Some(Edition::Enterprise), Some(Edition::Community)) = (by_version, stated) {
        diags.push(
            Diag::error(
                "world::bad-value",
                "edition = \"community\", but nomad_version names an Enterprise build (+ent)",
            )
            .at(src, span, "contradicts nomad_version")
            .help("keep one: drop `+ent` from nomad_version, or write `edition = \"enterprise\"`"),
        );
    }
    world.stated_edition = stated;
    community_release(src, r, world, diags);
    read_sentinel(src, r, world, diags);
}

/// A community world at a release number only Enterprise shipped
/// (`1.7.12`: the community 1.7 line ended at 1.7.7, see
/// [`crate::version::lines`]) names no release that exists. Which of
/// Enterprise's backports it would have is unknowable, so it is refused
/// rather than simulated as the nearest community release.
fn community_release(src: &Source, r: &BodyReader<'_>, world: &World, diags: &mut Diags) {
    let v = world.nomad_version;
    let Some(line) = v.lts_line().filter(|_| v.enterprise_only()) else {
        return;
    };
    if world.stated_edition != Some(Edition::Community) {
        return;
    }
    let span = r
        .attr_span("nomad_version")
        .or_else(|| r.attr_span("edition"))
        .unwrap_or_default();
    diags.push(
        Diag::error(
            "world::bad-version",
            format!(
                "Nomad {v} is not a community release: the community {}.{} line ended at {}; {} to {} are Enterprise releases",
                line.major,
                line.minor,
                line.community_end(),
                line.enterprise_first(),
                line.enterprise_end().named(),
            ),
        )
        .at(src, span, "no community build has this number")
        .help(format!(
            "write `nomad_version = \"{v}+ent\"` (or `edition = \"enterprise\"`) if the servers run Enterprise, else the release `nomad version` prints (at most {} on this line)",
            line.community_end()
        )),
    );
}

/// cluster.hcl's `sentinel = "none" | "policies"`.
fn read_sentinel(src: &Source, r: &BodyReader<'_>, world: &mut World, diags: &mut Diags) {
    let Some(written) = r.string("sentinel", diags) else {
        return;
    };
    world.sentinel = match written.as_str() {
        "none" => Some(Sentinel::None),
        "policies" => Some(Sentinel::Policies),
        _ => {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("sentinel {written:?} is neither \"none\" nor \"policies\""),
                )
                .at(src, r.attr_span("sentinel").unwrap_or_default(), "expected \"none\" or \"policies\"")
                .help("write `sentinel = \"none\"` when the servers hold no Sentinel policy (`nomad sentinel list`), `\"policies\"` when they do"),
            );
            None
        }
    };
}

/// A community world cannot hold quota specifications (Nomad's quota
/// endpoints are Enterprise's alone): said at the quota's file.
pub(super) fn community_quotas(
    world: &World,
    quota_sources: &std::collections::BTreeMap<String, Source>,
    diags: &mut Diags,
) {
    if world.stated_edition != Some(Edition::Community) {
        return;
    }
    for (name, src) in quota_sources {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("quota `{name}` needs Nomad Enterprise; cluster.hcl says the servers run the community edition"),
            )
            .in_source(src)
            .help("quotas exist only in Nomad Enterprise: remove rules/quotas/, or state `edition = \"enterprise\"` in rules/cluster.hcl"),
        );
    }
}
