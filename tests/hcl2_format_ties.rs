//! redteam7 D11: `format` at a decimal tie of a literal prints the digits
//! of go-cty's 512-bit value (big.ParseFloat(s, 10, 512, ToNearestEven),
//! a hair above or below the tie: cty_number::tie_at_512_bits), and
//! `index` of an object is IndexFunc's fixed error (go-cty collection.go,
//! 1.4.1 to 1.16.3); both were "cannot tell".

use crate::common;

#[test]
fn a_tie_prints_the_512_bit_values_digits() {
    // Go 1.19 math/big: "0.3|2.67|2.67" (tie_at_512_bits' tests).
    let meta = "format(\"%.1f|%.2f|%.3g\", 0.35, 2.675, 2.675)";
    let (code, out, err) = common::run_job(
        "format-tie",
        &common::meta_job(meta),
        &[
            "plan",
            "--nomad-version",
            "2.0.5",
            "--format",
            "json",
            "--verbose",
            "j.nomad",
        ],
    );
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(out.contains("\"0.3|2.67|2.67\""), "{out}{err}");
}

#[test]
fn index_of_an_object_is_ctys_error() {
    let (code, err) = common::run_job_file(
        "index-object",
        "validate",
        &common::meta_job("index({a = \"x\"}, \"a\")"),
        "2.0.5",
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.starts_with("Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:4,9-15: Error in function call; Call to function \"index\" failed: collection must be a list, a map or a tuple.\n"),
        "{err}"
    );
}
