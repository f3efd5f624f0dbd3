//! NP4xx: priority bands and preemption.

pub mod preemption_disabled;
pub mod preemption_gap;
pub mod preemption_victim;
pub mod priority_out_of_range;
pub mod priority_outside_band;
