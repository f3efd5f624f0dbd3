//! What the CLI benches share: the binary under test, the median, the run
//! count and the machine line every BENCHMARKS.md figure is recorded with.

use std::path::PathBuf;

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nomad-preflight"))
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `BENCH_RUNS` when set, else `default`; then the machine line (cores,
/// load average at the start, runs) printed before the table.
pub fn runs_and_machine(default: usize) -> usize {
    let n: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "machine: {cores} cores, load {}, {n} paired runs each (medians)\n",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    n
}
