//! How a finding names the earlier files of a change set that cause it.

/// Causes named in full; more are counted. Each of n new jobs sharing a
/// quota was caused by all the earlier ones: naming them all made the
/// output quadratic (150 jobs: ~135 findings of ~149 names each, redteam6
/// G12d).
const NAMED_CAUSES: usize = 3;

/// `a and b and c`, or `a, b, c and 146 other files` past [`NAMED_CAUSES`].
pub(super) fn cause_list(names: &[String]) -> String {
    if names.len() <= NAMED_CAUSES {
        return names.join(" and ");
    }
    let more = names.len() - NAMED_CAUSES;
    format!(
        "{} and {more} other file{}",
        names[..NAMED_CAUSES].join(", "),
        if more == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_past_three_are_counted() {
        let names: Vec<String> = (1..=5).map(|i| format!("j{i}")).collect();
        assert_eq!(cause_list(&names[..1]), "j1");
        assert_eq!(cause_list(&names[..3]), "j1 and j2 and j3");
        assert_eq!(cause_list(&names[..4]), "j1, j2, j3 and 1 other file");
        assert_eq!(cause_list(&names), "j1, j2, j3 and 2 other files");
    }
}
