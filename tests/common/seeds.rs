//! Plans replayed under a range of `--seed`s, for outcomes Nomad draws at
//! random (node shuffles, Go's map order): every run must print one of
//! Nomad's outcomes, and the tally says how often each came out.

use std::ops::RangeInclusive;

use super::{run_in, TempDir};

/// The part of a plan from its first group line to the line before `Job
/// Modify Index`.
pub fn plan_body(stdout: &str) -> String {
    let from = stdout.find("+ Task Group").unwrap_or(0);
    let to = stdout.find("Job Modify Index").unwrap_or(stdout.len());
    stdout[from..to].to_string()
}

/// How often each of `want` was the [`plan_body`] (passed through `shown`)
/// of `plan --nomad-version VERSION --seed S FILE` in `dir`, for each seed;
/// any other text fails the test.
pub fn tally<W: AsRef<str>>(
    dir: &TempDir,
    version: &str,
    file: &str,
    seeds: RangeInclusive<u32>,
    want: &[W],
    shown: fn(String) -> String,
) -> Vec<u32> {
    let mut seen = vec![0u32; want.len()];
    for seed in seeds {
        let seed = seed.to_string();
        let o = run_in(
            &dir.0,
            &["plan", "--nomad-version", version, "--seed", &seed, file],
        );
        let got = shown(plan_body(&o.stdout));
        let Some(i) = want.iter().position(|w| w.as_ref() == got) else {
            let want: Vec<&str> = want.iter().map(AsRef::as_ref).collect();
            panic!(
                "{version} {file} seed {seed}: not one of Nomad's outcomes:\n{got}\nwant one of:\n{}\n{}",
                want.join("--\n"),
                o.stderr
            );
        };
        seen[i] += 1;
    }
    seen
}
