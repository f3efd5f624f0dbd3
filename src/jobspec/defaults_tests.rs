//! Unit tests of defaults.rs (their own file: defaults.rs is near 600 lines).

use super::*;

fn one_group(jt: JobType) -> Job {
    crate::jobspec::model::one_task_job(jt)
}

#[test]
fn service_defaults_depend_on_version() {
    let mut old = one_group(JobType::Service);
    apply(&mut old, NomadVersion::DEMO, Default::default());
    assert_eq!(old.priority, 50);
    assert!(
        old.groups[0].update.is_none(),
        "0.9 has no default update stanza"
    );
    assert!(old.datacenters.is_empty());
    assert_eq!(old.groups[0].tasks[0].resources.cpu, 100);
    assert_eq!(old.groups[0].tasks[0].resources.memory_mb, 300);
    assert_eq!(old.groups[0].ephemeral_disk.size_mb, 300);

    let mut new = one_group(JobType::Service);
    apply(&mut new, NomadVersion::CURRENT, Default::default());
    assert_eq!(new.datacenters, vec!["*".to_string()]);
    let u = new.groups[0].update.clone().unwrap();
    assert_eq!((u.max_parallel, u.stagger), (1, Duration::secs(30)));
}

#[test]
fn batch_restart_and_reschedule() {
    let mut j = one_group(JobType::Batch);
    apply(&mut j, NomadVersion::CURRENT, Default::default());
    let g = &j.groups[0];
    assert_eq!(
        (g.restart.attempts, g.restart.interval),
        (3, Duration::hours(24))
    );
    assert_eq!(g.reschedule.as_ref().unwrap().delay_function, "constant");
    assert!(g.update.is_none());
}

#[test]
fn job_update_is_merged_into_groups() {
    let mut j = one_group(JobType::Service);
    let mut ju = UpdateStrategy {
        max_parallel: 3,
        ..UpdateStrategy::default()
    };
    ju.spans.set("max_parallel", crate::source::Span::new(0, 1));
    j.update = Some(ju);
    let mut gu = UpdateStrategy {
        canary: 1,
        ..UpdateStrategy::default()
    };
    gu.spans.set("canary", crate::source::Span::new(2, 3));
    j.groups[0].update = Some(gu);
    apply(&mut j, NomadVersion::DEMO, Default::default());
    let u = j.groups[0].update.clone().unwrap();
    assert_eq!(
        (u.max_parallel, u.canary, u.health_check.as_str()),
        (3, 1, "checks")
    );
    assert_eq!(
        j.update.as_ref().unwrap().canary,
        0,
        "job update kept as written"
    );
}
