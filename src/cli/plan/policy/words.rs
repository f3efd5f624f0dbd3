//! A policy refusal in words: the line both gates print after
//! `refused by policy: FILE`.

use super::Violation;

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles: None,
            } => write!(
                f,
                "preempts {count} allocation(s) of protected job {namespace}/{job_id}"
            ),
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles: Some(s),
            } if s.hits == 0 => write!(
                f,
                "preempts {count} allocation(s) of protected job {namespace}/{job_id} {}",
                s.text()
            ),
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles: Some(s),
            } => write!(
                f,
                "preempts allocations of protected job {namespace}/{job_id} {} ({} in `nomad job run` of the plan shown)",
                s.text(),
                shown(*count as u64)
            ),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles: None,
            } => write!(
                f,
                "leaves {count} allocation(s) of protected job {job_id:?} (group {group:?}) unplaced"
            ),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles: Some(s),
            } if s.hits == 0 => write!(
                f,
                "leaves {count} allocation(s) of protected job {job_id:?} (group {group:?}) unplaced {}",
                s.text()
            ),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles: Some(s),
            } => write!(
                f,
                "leaves allocations of protected job {job_id:?} (group {group:?}) unplaced {} ({} in `nomad job run` of the plan shown)",
                s.text(),
                shown(*count)
            ),
            // `check`'s finding says the same (changeset::replaced).
            Violation::StopsReplaced {
                namespace,
                job_id,
                now,
            } => f.write_str(&crate::changeset::stops_replaced(
                namespace,
                job_id,
                now.as_ref().map(|(ns, id)| (ns.as_str(), id.as_str())),
            )),
            // `check`'s NP229 and `policy::defined-twice` say the same (changeset::twice).
            Violation::DefinedTwice(t) => f.write_str(&t.words(true)),
            Violation::TwiceUntold(u) => f.write_str(&u.line),
            Violation::LaterBatches {
                job_id,
                batch,
                first,
            } => {
                let group = &batch.group;
                match first {
                    Some((s, false)) => write!(
                        f,
                        "leaves allocations of protected job {job_id:?} (group {group:?}) unplaced {} (none in `nomad job run` of the plan shown); and ",
                        s.text()
                    )?,
                    Some((s, true)) => write!(
                        f,
                        "cannot tell whether protected job {job_id:?} (group {group:?}) is placed in {} of {} node shuffles of the plan shown ({}); and ",
                        s.hits,
                        s.samples,
                        crate::rules::capacity::unplaceable_group::UNTOLD_WHY
                    )?,
                    None => {}
                }
                f.write_str(&crate::rules::capacity::later_batches::words(
                    job_id, batch,
                ))
            }
            Violation::WeakBound { what, unseen, .. } => {
                f.write_str(&crate::rules::priority::weak_line(
                *unseen,
                &format!("the policy passes: {what}"),
            ))
            }
            Violation::PreemptsUntold {
                namespace,
                job_id,
                shuffles,
            } => write!(
                f,
                "cannot tell whether protected job {namespace}/{job_id} is preempted: no node shuffle sampled preempts it for sure, but in {} of {} an unstated scheduler setting's other value (`nomad operator scheduler set-config`) decides it; state the setting in rules/cluster.hcl",
                shuffles.hits,
                shuffles.samples,
            ),
            // NP207's words for such draws.
            Violation::Untold {
                job_id,
                group,
                shuffles,
            } => write!(
                f,
                "cannot tell whether protected job {job_id:?} (group {group:?}) is placed: no node shuffle sampled leaves it unplaced for sure, but {} of {} cannot tell ({})",
                shuffles.hits,
                shuffles.samples,
                crate::rules::capacity::unplaceable_group::UNTOLD_WHY
            ),
        }
    }
}

fn shown(count: u64) -> String {
    if count == 0 {
        "none".into()
    } else {
        count.to_string()
    }
}
