//! The one "did you mean" of the tool: misspelled job file keys, variables
//! and functions, world keys and names, rehearsal keys, rule codes.

/// The closest candidate within an edit distance that still looks like a typo.
pub fn closest<'a>(name: &str, options: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    options
        .map(|o| (distance(name, o), o))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, o)| (*d, *o))
        .map(|(_, o)| o)
}

/// Optimal-string-alignment distance: a swapped pair of letters is one typo.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// [`closest`] over a slice of names.
pub fn closest_in<'a>(name: &str, options: &[&'a str]) -> Option<&'a str> {
    closest(name, options.iter().copied())
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_near_misses_only() {
        let opts = ["count", "constraint", "task"];
        assert_eq!(super::closest("cont", opts.iter().copied()), Some("count"));
        assert_eq!(super::closest("zzzzzz", opts.iter().copied()), None);
        assert_eq!(super::closest("tsak", opts.iter().copied()), Some("task"));
        assert_eq!(
            super::closest_in("regoin", &["region", "running"]),
            Some("region")
        );
        assert_eq!(
            super::closest_in("comand", &["command", "edit"]),
            Some("command")
        );
    }
}
