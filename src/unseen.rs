//! What a sample that saw no failure says, and no more (R22-A-2).
//!
//! Where nomad-preflight cannot prove that every node shuffle places a job
//! (the room bound of `scheduler::history_bound` does not hold), it samples
//! shuffles; a sample that saw no failure is not a proof. A job that fails
//! in 2% of Nomad's evaluations passes 100 samples in 13% of runs
//! (0.98^100), so "no failure seen" must say how far it goes: `check`'s
//! NP207, both plan gates and `plan --samples` word it with this one piece.
//!
//! The bound is the rule of three (Hanley and Lippman-Hand, JAMA 1983): no
//! event in `n` independent trials puts its rate under `3/n` at 95%
//! confidence, since `(1 - 3/n)^n < e^-3 < 0.05`. It is the exact
//! one-sided bound (`1 - 0.05^(1/n)`) rounded up, so never tighter than
//! the sample shows. Each sample is an independent seed of the shuffles.

/// The confidence the bound is given at.
pub const CONFIDENCE: f64 = 0.95;

/// `samples` node shuffles sampled, none of which failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unseen {
    pub samples: u32,
}

impl Unseen {
    /// The share of shuffles that may still fail, at [`CONFIDENCE`]: the
    /// rule of three, at most every shuffle.
    pub fn bound(self) -> f64 {
        (3.0 / f64::from(self.samples.max(1))).min(1.0)
    }

    /// "`what` in none of N node shuffles sampled, so in under B of them
    /// at 95% confidence (rule of three); ...": the one line every reader
    /// says, `what` naming what was not seen (`an allocation of job "web"
    /// is left unplaced`).
    pub fn line(self, what: &str) -> String {
        format!(
            "{what} in none of {} node shuffles sampled, so in under {} of them at 95% confidence (rule of three), not in none: nomad-preflight cannot show that every shuffle places it",
            self.samples,
            percent_up(self.bound())
        )
    }

    /// The JSON readers carry beside the line.
    pub fn json(self) -> serde_json::Value {
        serde_json::json!({
            "Samples": self.samples,
            "Failures": 0,
            "Bound": self.bound(),
            "Confidence": CONFIDENCE,
            "Method": "rule-of-three",
        })
    }
}

/// [`percent`] rounded up at the digits it shows, for a bound: "under
/// 0.33%" of 900 samples would claim less than the exact 0.3323%, so it
/// reads "under 0.34%" (rv23-4). Observed shares keep [`percent`]'s
/// nearest rounding.
pub fn percent_up(share: f64) -> String {
    let p = share * 100.0;
    let digits = shown_digits(p);
    let scale = 10f64.powi(digits as i32);
    // The epsilon keeps a share that is exactly on a digit (3/1000 reads
    // 0.30000000000000004 in binary) from climbing to the next one.
    let up = ((p * scale) - 1e-9).ceil() / scale;
    trimmed(up, digits)
}

fn shown_digits(p: f64) -> usize {
    // Two significant digits below 10%: 0.3, 0.33, 0.001.
    if p >= 10.0 || p <= 0.0 {
        0
    } else {
        (1.0 - p.log10().floor()).clamp(0.0, 6.0) as usize
    }
}

fn trimmed(p: f64, digits: usize) -> String {
    let s = format!("{p:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}%")
}

/// `share` (0..=1) as a percentage with the digits it needs: `6%` of 100,
/// `0.3%` of 1,000, `0.33%` of 900; never `0%` for a share above zero
/// (a failure in 2 of 1,000 shuffles read "in 0% of 1000").
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    trimmed(p, shown_digits(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_of_three_bounds_the_unseen_share() {
        assert_eq!(percent(Unseen { samples: 100 }.bound()), "3%");
        assert_eq!(percent(Unseen { samples: 1000 }.bound()), "0.3%");
        assert_eq!(percent(Unseen { samples: 10 }.bound()), "30%");
        assert_eq!(percent_up(Unseen { samples: 900 }.bound()), "0.34%");
        assert_eq!(percent_up(Unseen { samples: 1000 }.bound()), "0.3%");
        assert_eq!(percent_up(Unseen { samples: 100 }.bound()), "3%");
        // The bound as shown is never tighter than the exact one (rv23-4).
        for n in [7u32, 90, 300, 900, 1100, 1400, 1666, 3000, 99_999] {
            let exact = 100.0 * (1.0 - 0.05f64.powf(1.0 / f64::from(n)));
            let shown = percent_up(Unseen { samples: n }.bound());
            let shown: f64 = shown.trim_end_matches('%').parse().unwrap_or(0.0);
            assert!(shown >= exact, "{n}: {shown} < {exact}");
        }
        assert_eq!(Unseen { samples: 1 }.bound(), 1.0);
        assert_eq!(Unseen { samples: 0 }.bound(), 1.0);
        // Never tighter than the exact one-sided bound of a zero count.
        for n in [1u32, 3, 10, 100, 1000, 100_000] {
            let exact = 1.0 - 0.05f64.powf(1.0 / f64::from(n));
            assert!(Unseen { samples: n }.bound() >= exact, "{n}");
        }
        let line = Unseen { samples: 1000 }.line("group \"web\" is left unplaced");
        assert!(line.starts_with("group \"web\" is left unplaced in none of 1000 node shuffles sampled, so in under 0.3% of them at 95% confidence (rule of three)"), "{line}");
        assert_eq!(Unseen { samples: 100 }.json()["Samples"], 100);
    }

    #[test]
    fn shares_keep_the_digits_they_need() {
        assert_eq!(percent(0.06), "6%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.002), "0.2%");
        assert_eq!(percent(0.037), "3.7%");
        assert_eq!(percent(1.0 / 3.0), "33%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.00001), "0.001%");
        assert_eq!(percent(0.094), "9.4%");
    }
}
