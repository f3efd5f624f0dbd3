//! go-humanize's byte sizes (v1.0.1, bytes.go `humanateBytes`), which
//! Nomad prints in two places: `Bytes` (SI, base 1000) for the job source
//! size warning, `IBytes` (base 1024) for `nomad quota status`'s memory.
//! One rounding for both: the exponent is `floor(log_base n)`, the value
//! rounded half up to a tenth, one decimal under 10, none from 10.

const SI: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
const IEC: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/// `humanize.Bytes(n)`.
pub fn bytes(n: u64) -> String {
    humanate(u128::from(n), 1000.0, &SI)
}

/// `humanize.IBytes(n)`; `n` may pass u64 (a sum of limits), and then
/// stays in EiB where Go's uint64 would have wrapped.
pub fn ibytes(n: u128) -> String {
    humanate(n, 1024.0, &IEC)
}

fn humanate(n: u128, base: f64, units: &[&str; 7]) -> String {
    if n < 10 {
        return format!("{n} B");
    }
    let x = n as f64;
    let e = (x.ln() / base.ln())
        .floor()
        .clamp(0.0, (units.len() - 1) as f64);
    let val = (x / base.powf(e) * 10.0 + 0.5).floor() / 10.0;
    let unit = units[e as usize];
    if val < 10.0 {
        format!("{val:.1} {unit}")
    } else {
        format!("{val:.0} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_bytes_as_go_humanize_writes_them() {
        assert_eq!(bytes(1), "1 B");
        assert_eq!(bytes(33), "33 B");
        assert_eq!(bytes(1_000_000), "1.0 MB");
        assert_eq!(bytes(1_234_567), "1.2 MB");
        assert_eq!(bytes(12_345_678), "12 MB");
        assert_eq!(bytes(999_999), "1000 kB");
    }

    #[test]
    fn iec_bytes_as_go_humanize_writes_them() {
        assert_eq!(ibytes(0), "0 B");
        assert_eq!(ibytes(1 << 20), "1.0 MiB");
        assert_eq!(ibytes(300 << 20), "300 MiB");
        assert_eq!(ibytes(3120 << 20), "3.0 GiB");
    }
}
