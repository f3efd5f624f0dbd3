//! Budgets: every evaluation, replay count and sum has a bound, and crossing
//! it is a clear error, not a stall, an abort or a wrapped number.

use super::{assert_clean, group, job, run, tempdir, write};

#[test]
fn samples_beyond_the_cap_are_refused_at_once() {
    let d = tempdir("samples");
    write(&d, "a.nomad", job(&group("")));
    let o = run(&d, &["plan", "a.nomad", "--samples", "100000000"]);
    assert_clean(&o, &[255]);
    assert!(o.stderr.contains("at most 100000"), "{}", o.stderr);
    let _ = std::fs::remove_dir_all(&d);
}
