//! Go's `%v` formatting of float64 (`strconv.FormatFloat(f, 'g', -1, 64)`):
//! driver config numbers travel through JSON, so Nomad prints them this way.
//! It lives with Go's other strconv readings (the job parser needs it too).

pub use crate::gostrconv::format_float;

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn matches_go_percent_v() {
        assert_eq!(format_float(6379.0), "6379");
        assert_eq!(format_float(123456.0), "123456");
        assert_eq!(format_float(1e6), "1e+06");
        assert_eq!(format_float(1234567.0), "1.234567e+06");
        assert_eq!(format_float(0.0001), "0.0001");
        assert_eq!(format_float(0.00001), "1e-05");
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(-2.25), "-2.25");
        assert_eq!(format_float(100000.0), "100000");
        assert_eq!(format_float(0.0), "0");
        assert_eq!(format_float(3e21), "3e+21");
        assert_eq!(format_float(80.0), "80");
    }
}
