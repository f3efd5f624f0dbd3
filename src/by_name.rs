//! Named things (groups, tasks) looked up by name many times over: once
//! into a map, not searched from the front for each (a job may hold
//! 10,000 groups, and each search of them was quadratic over the job).

use std::collections::HashMap;

/// The first of each name in a list, by its index: what a search from
/// the front (`iter().position(|x| name(x) == n)`) finds, so a list that
/// names something twice (a job file Nomad refuses, still read) answers
/// as the search did.
pub struct FirstByName<'a>(HashMap<&'a str, usize, foldhash::fast::RandomState>);

impl<'a> FirstByName<'a> {
    pub fn new<T>(items: &'a [T], name: impl Fn(&'a T) -> &'a str) -> Self {
        let mut m: HashMap<&'a str, usize, foldhash::fast::RandomState> = HashMap::default();
        m.reserve(items.len());
        for (i, t) in items.iter().enumerate() {
            m.entry(name(t)).or_insert(i);
        }
        FirstByName(m)
    }

    /// The index of the first item named `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_a_name_as_a_search_finds_it() {
        let items = ["a", "b", "a", "c"];
        let by = FirstByName::new(&items, |s| s);
        for n in ["a", "b", "c", "d"] {
            assert_eq!(by.index(n), items.iter().position(|x| *x == n), "{n}");
        }
        assert!(by.contains("c") && !by.contains("d"));
    }
}
