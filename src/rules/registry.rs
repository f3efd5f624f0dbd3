//! The registry: every rule once, in code order (the order `rules`
//! prints), and lookups by code or name.

use super::{capacity, hygiene, meta, priority, quota, Rule};

/// Lists every rule once; order is the order `rules` prints (by code).
macro_rules! register_rules {
    ($($rule:path),* $(,)?) => {
        /// Every rule, sorted by code.
        pub static RULES: &[&dyn Rule] = &[$(&$rule),*];
    };
}

register_rules![
    meta::unused_suppression::UnusedSuppression,
    meta::added_suppression::AddedSuppression,
    hygiene::image_tag_latest::ImageTagLatest,
    hygiene::default_resources::DefaultResources,
    hygiene::task_network::TaskNetworkInResources,
    hygiene::docker_port_map::DockerPortMap,
    hygiene::update_stagger::UpdateStagger,
    hygiene::hcl1_syntax::Hcl1Syntax,
    capacity::group_too_large::GroupTooLarge,
    capacity::missing_driver::MissingDriver,
    capacity::unsatisfiable_constraint::UnsatisfiableConstraint,
    capacity::static_port_collision::StaticPortCollision,
    capacity::count_zero::CountZero,
    capacity::no_datacenter::NoClientInDatacenter,
    capacity::unplaceable_group::UnplaceableGroup,
    capacity::unknown_node_pool::UnknownNodePool,
    capacity::connect_refused::ConnectRefused,
    capacity::vault_not_enabled::VaultNotEnabled,
    capacity::vault_unknown::VaultUnknown,
    capacity::vault_identity::VaultIdentity,
    capacity::multiregion_unknown::MultiregionUnknown,
    capacity::mutated_job_invalid::MutatedJobInvalid,
    capacity::regexp_unknown::RegexpUnknown,
    capacity::world_guess::WorldGuessRule,
    capacity::enterprise_only::EnterpriseOnly,
    capacity::cores_unknown::CoresUnknownRule,
    capacity::registration_refused::RegistrationRefused,
    capacity::sentinel_unknown::SentinelUnknownRule,
    capacity::plan_assumed::PlanAssumed,
    capacity::run_refused::RunRefused,
    capacity::time_zone_unknown::TimeZoneUnknownRule,
    capacity::region_unknown::RegionUnknown,
    capacity::plan_cannot_tell::PlanCannotTell,
    capacity::cron_next_fails::CronNextFails,
    capacity::request_unencodable::RequestUnencodable,
    capacity::plan_fails::PlanFails,
    capacity::defined_twice::DefinedTwice,
    quota::job_exceeds_quota::JobExceedsQuota,
    quota::unknown_namespace::UnknownNamespace,
    quota::namespace_without_quota::NamespaceWithoutQuota,
    quota::quota_exceeded::QuotaExceeded,
    quota::quota_near_limit::QuotaNearLimit,
    quota::namespace_driver::NamespaceDriverNotAllowed,
    quota::quota_devices_unknown::QuotaDevicesUnknown,
    quota::quota_limits_unknown::QuotaLimitsUnknownRule,
    priority::priority_out_of_range::PriorityOutOfRange,
    priority::priority_outside_band::PriorityOutsideBand,
    priority::preemption_victim::PreemptionVictim,
    priority::preemption_gap::PreemptionGap,
    priority::preemption_disabled::PreemptionDisabled,
];

/// Every registered rule.
pub fn all() -> &'static [&'static dyn Rule] {
    RULES
}

/// Look a rule up by code (`NP101`, case-insensitive) or kebab name.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name
    })
}
