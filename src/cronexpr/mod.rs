//! Cron expressions and the wall clock they are read against, as Nomad's
//! cronexpr reads them: pure text and time, below the job model, so both
//! validation (`PeriodicConfig.Validate` parses every spec) and the next
//! launch of a periodic job (periodic/) use one parser.

pub mod clock;
pub mod cron;
mod gorhill;
mod hashicorp;

#[cfg(test)]
mod cron_tests;
