//! Counts of a handful of static texts (match kinds, precisions) met once
//! per event.
//!
//! A `BTreeMap<&str, usize>` compares strings on every count: about eight
//! comparisons an event for the build's two tallies, 4 % of the writing
//! thread. The keys are string literals, so the same key is nearly always
//! the same pointer, and a short list searched by pointer first finds it in
//! a compare or two.

use std::collections::BTreeMap;

/// Counts per static text, in the order first met.
#[derive(Debug, Default)]
pub struct Tally(Vec<(&'static str, usize)>);

impl Tally {
    /// Counts one `key`.
    pub fn add(&mut self, key: &'static str) {
        let slot = match self.0.iter().position(|(k, _)| std::ptr::eq(*k, key)) {
            Some(i) => Some(i),
            // The same text at another address (a literal the compiler did
            // not merge) is the same key.
            None => self.0.iter().position(|(k, _)| *k == key),
        };
        match slot {
            Some(i) => self.0[i].1 += 1,
            None => self.0.push((key, 1)),
        }
    }

    /// The counts by text, in text order.
    pub fn into_map(self) -> BTreeMap<&'static str, usize> {
        self.0.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_text_once_whatever_its_address() {
        // The same text at two addresses, as two crates' literals can be.
        let leaked: &'static str = String::from("alias").leak();
        let mut tally = Tally::default();
        for key in ["name", "alias", leaked, "name", "fuzzy", leaked] {
            tally.add(key);
        }
        let map = tally.into_map();
        assert_eq!(
            map.into_iter().collect::<Vec<_>>(),
            [("alias", 3), ("fuzzy", 1), ("name", 2)]
        );
    }
}
