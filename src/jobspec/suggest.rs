//! "Did you mean" suggestions for misspelled keys, variables and functions.

/// The closest candidate within an edit distance that still looks like a typo.
pub fn closest<'a>(name: &str, options: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    options
        .map(|o| (distance(name, o), o))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, o)| (*d, *o))
        .map(|(_, o)| o)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_near_misses_only() {
        let opts = ["count", "constraint", "task"];
        assert_eq!(super::closest("cont", opts.iter().copied()), Some("count"));
        assert_eq!(super::closest("zzzzzz", opts.iter().copied()), None);
    }
}
