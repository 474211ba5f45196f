//! The fuzzy stage's index: every distinct normalised key, searchable for
//! "all keys within `r` edits of this query" without comparing the query
//! with every key.
//!
//! The distance is [`crate::normalize::edit_distance`], optimal string
//! alignment (OSA: insertions, deletions, substitutions and swaps of two
//! adjacent letters, no substring edited twice). OSA breaks the triangle
//! inequality ("ca" → "ac" → "abc" is 1 + 1 but "ca" → "abc" is 3), so
//! metric trees (BK-trees, VP-trees) keyed on it can lose answers. A trie
//! needs no triangle inequality: the OSA table of the query against a key
//! is filled one key letter (one table row) at a time, so keys that share
//! a prefix share rows, and a subtree is skipped once its prefix's row
//! shows that no key below it can come within `r`.
//!
//! A plain trie walk still visits most short prefixes (any three letters
//! are within two edits of something), so the search is split in two
//! (Mihov and Schulz's forward–backward method): if the query is cut at
//! letter `m`, an alignment within `r` edits spends at most `r / 2` of them
//! before the cut or at most `r / 2` after it (see [`FuzzyQuery::within`]).
//! A forward trie of the keys is searched with the tight bound on the
//! query's first part, a trie of the reversed keys with the tight bound on
//! its last part, and the union is exact. OSA is the same read backwards
//! (reversing both strings maps every alignment to one of the same cost),
//! which is what makes the backward trie valid.
//!
//! A row is a few machine words, one bit per query letter ([`trie`]), so a
//! trie node costs a handful of word operations. The walk's cost still
//! grows quickly with the radius, while comparing the query with every
//! key ([`letter_masks::osa_distance`], bit-parallel too) costs the same
//! whatever the radius: on a small table the wide radius of suggestions
//! for an unknown name is cheaper by that scan, and a query too long for
//! a word is always scanned.

mod letter_masks;
mod trie;

use letter_masks::{osa_distance, LetterMasks};
use trie::{Letters, Query, Trie};

/// Up to this radius the tries are walked whatever the table's size: it
/// covers every match the fuzzy stage makes, and such walks are short.
const NARROW_RADIUS: usize = 2;

/// Tables of up to this many keys are scanned for radii past
/// [`NARROW_RADIUS`]: a scan of the bundled table's ~280 keys costs about
/// what a single radius-2 walk of its tries does, and wider walks cost
/// several times more.
const SCAN_KEYS: usize = 4096;

/// Distinct keys, each with an id (its position in the list given to
/// [`FuzzyIndex::new`]), searchable by OSA edit distance.
#[derive(Debug, Default)]
pub(crate) struct FuzzyIndex {
    forward: Trie,
    backward: Trie,
    /// The keys, one after another, for the queries that are scanned.
    text: String,
    /// Key `k` is `text[end[k - 1]..end[k]]` (from 0 for the first).
    end: Vec<u32>,
    /// Letters in each key, by id.
    key_len: Vec<u32>,
    /// Whether radii past [`NARROW_RADIUS`] are scanned.
    scan_wide: bool,
}

impl FuzzyIndex {
    /// Indexes `keys`, which must be distinct.
    pub(crate) fn new<'k>(keys: impl IntoIterator<Item = &'k str>) -> FuzzyIndex {
        let mut forward = Letters {
            letters: Vec::new(),
            start: vec![0],
        };
        let mut text = String::new();
        let mut end = Vec::new();
        for key in keys {
            forward.letters.extend(key.chars());
            forward.start.push(forward.letters.len() as u32);
            text.push_str(key);
            end.push(text.len() as u32);
        }
        let key_len: Vec<u32> = forward.start.windows(2).map(|w| w[1] - w[0]).collect();
        let mut backward = Letters {
            letters: Vec::with_capacity(forward.letters.len()),
            start: vec![0],
        };
        for k in 0..forward.count() {
            backward.letters.extend(forward.key(k).iter().rev());
            backward.start.push(backward.letters.len() as u32);
        }
        text.shrink_to_fit();
        FuzzyIndex {
            forward: Trie::new(&forward),
            backward: Trie::new(&backward),
            text,
            end,
            scan_wide: key_len.len() <= SCAN_KEYS,
            key_len,
        }
    }

    /// Makes wide radii scanned or walked whatever the table's size, so
    /// that tests can hold both ways to the oracle on one table.
    #[cfg(test)]
    pub(crate) fn set_scan_wide(&mut self, scan_wide: bool) {
        self.scan_wide = scan_wide;
    }

    /// Letters in key `id`.
    pub(crate) fn key_len(&self, id: u32) -> usize {
        self.key_len[id as usize] as usize
    }

    fn key(&self, id: usize) -> &str {
        let start = id.checked_sub(1).map_or(0, |k| self.end[k] as usize);
        &self.text[start..self.end[id] as usize]
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.forward.heap_bytes()
            + self.backward.heap_bytes()
            + self.text.capacity()
            + (self.end.capacity() + self.key_len.capacity()) * std::mem::size_of::<u32>()
    }

    /// `query` made ready for searches at any radius.
    pub(crate) fn query<'a>(&'a self, query: &[char]) -> FuzzyQuery<'a> {
        let reversed: Vec<char> = query.iter().rev().copied().collect();
        let masks = LetterMasks::new(query).zip(LetterMasks::new(&reversed));
        FuzzyQuery {
            index: self,
            text: if masks.is_none() {
                query.iter().collect()
            } else {
                String::new()
            },
            letters: query.len(),
            masks,
        }
    }
}

/// A query to a [`FuzzyIndex`], with what its searches share.
pub(crate) struct FuzzyQuery<'a> {
    index: &'a FuzzyIndex,
    /// The query, when it is too long for the masks.
    text: String,
    letters: usize,
    /// Letter masks of the query and of its reverse; `None` when it is too
    /// long for them, and then every search is a scan by the plain table.
    masks: Option<(LetterMasks, LetterMasks)>,
}

impl FuzzyQuery<'_> {
    /// Letters in the query.
    pub(crate) fn len(&self) -> usize {
        self.letters
    }

    /// Whether a search within `radius` compares the query with every key.
    fn scans(&self, radius: usize) -> bool {
        self.masks.is_none()
            || radius > trie::MAX_RADIUS
            || (radius > NARROW_RADIUS && self.index.scan_wide)
    }

    /// The radii to search, narrowest first, up to `limit`: one edit at a
    /// time up to `budget`, where only the nearest keys matter and each
    /// walk is cheap, then doubling; and straight to `limit` once the
    /// search is a scan, whose cost does not depend on the radius.
    pub(crate) fn radii(&self, budget: usize, limit: usize) -> impl Iterator<Item = usize> + '_ {
        let mut next = Some(if self.scans(0) { limit } else { 0 });
        std::iter::from_fn(move || {
            let radius = next?;
            next = (radius < limit).then(|| {
                if self.scans(radius + 1) {
                    limit
                } else if radius < budget {
                    radius + 1
                } else {
                    (radius * 2).clamp(radius + 1, limit)
                }
            });
            Some(radius)
        })
    }

    /// Calls `found(id, edits)` for every key of at least `shortest`
    /// letters within `radius` edits of the query, with its exact distance;
    /// a key may be reported twice (once by each trie), always with the
    /// same distance.
    ///
    /// Why the two walks miss nothing: take an optimal alignment of the
    /// query (`n` letters) with a key, as a path through the OSA table, and
    /// cut the query after letter `m`. Let `P` be the path's last cell in a
    /// query column `≤ m`, and `Q` the next cell (column `≥ m + 1`). The
    /// cost before `P` plus the cost after `Q` is at most `radius`, so one
    /// of them is at most `radius / 2`. In the first case every path cell
    /// in a column `< m` costs at most `radius / 2` so far, and every other
    /// cell at most `radius`; the forward walk prunes a prefix only when
    /// no cell of its row meets that bound, so it never prunes this key (a
    /// swap step skips a row, but its diagonal neighbour in that row is
    /// within the same cost). The second case is the first one read
    /// backwards, with the reversed query cut after letter `n − m − 1`, and
    /// the backward walk finds the key. With radius 0 the forward walk's
    /// bound is the radius everywhere, and it alone is exact.
    pub(crate) fn within(&self, radius: usize, shortest: usize, mut found: impl FnMut(u32, usize)) {
        let n = self.letters;
        let index = self.index;
        match &self.masks {
            Some((forward, backward)) if !self.scans(radius) => {
                let cut = n / 2;
                let query = Query {
                    masks: forward,
                    letters: n,
                };
                index.forward.walk(query, radius, cut, shortest, &mut found);
                if radius > 0 {
                    let query = Query {
                        masks: backward,
                        letters: n,
                    };
                    let cut = n.saturating_sub(cut + 1);
                    index
                        .backward
                        .walk(query, radius, cut, shortest, &mut found);
                }
            }
            masks => {
                let fits = |len: usize| len >= shortest && len.abs_diff(n) <= radius;
                for (id, &len) in index.key_len.iter().enumerate() {
                    if !fits(len as usize) {
                        continue;
                    }
                    let key = index.key(id);
                    // A query too long for the masks is a sentence pasted
                    // into a place field; keys that long are few.
                    let edits = match masks {
                        Some((forward, _)) => osa_distance(forward, n, key),
                        None => crate::normalize::edit_distance(&self.text, key),
                    };
                    if edits <= radius {
                        found(id as u32, edits);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::edit_distance;

    fn search(index: &FuzzyIndex, query: &str, radius: usize) -> Vec<(u32, usize)> {
        search_longer(index, query, radius, 0)
    }

    fn search_longer(
        index: &FuzzyIndex,
        query: &str,
        radius: usize,
        shortest: usize,
    ) -> Vec<(u32, usize)> {
        let letters: Vec<char> = query.chars().collect();
        let mut hits = Vec::new();
        index
            .query(&letters)
            .within(radius, shortest, |id, edits| hits.push((id, edits)));
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    fn by_scan(keys: &[&str], query: &str, radius: usize) -> Vec<(u32, usize)> {
        keys.iter()
            .enumerate()
            .map(|(id, key)| (id as u32, edit_distance(query, key)))
            .filter(|&(_, edits)| edits <= radius)
            .collect()
    }

    #[test]
    fn finds_keys_within_the_radius_with_their_distance() {
        let keys = [
            "sakhar", "sakhr", "saqr", "qaim", "ramadi", "baghdad", "ain asad",
        ];
        let index = FuzzyIndex::new(keys);
        assert_eq!(search(&index, "sakhar", 0), vec![(0, 0)]);
        assert_eq!(search(&index, "sakhar", 1), vec![(0, 0), (1, 1)]);
        assert_eq!(search(&index, "qiam", 1), vec![(3, 1)]);
        assert_eq!(search(&index, "bagdhad", 2), vec![(5, 1)]);
        assert_eq!(search(&index, "xyz", 2), vec![]);
    }

    #[test]
    fn a_swap_across_the_cut_is_one_edit() {
        // Query "abdcef" is cut after its third letter; the swap of d and c
        // straddles the cut.
        let index = FuzzyIndex::new(["abcdef", "abcdefgh"]);
        assert_eq!(search(&index, "abdcef", 1), vec![(0, 1)]);
        assert_eq!(search(&index, "abdcef", 3), vec![(0, 1), (1, 3)]);
    }

    #[test]
    fn the_triangle_inequality_is_not_assumed() {
        // OSA("ca", "abc") = 3 though "ca" → "ac" → "abc" is 2 steps.
        let index = FuzzyIndex::new(["ac", "abc"]);
        assert_eq!(search(&index, "ca", 2), vec![(0, 1)]);
        assert_eq!(search(&index, "ca", 3), vec![(0, 1), (1, 3)]);
    }

    #[test]
    fn empty_query_and_empty_key() {
        let index = FuzzyIndex::new(["", "ab"]);
        assert_eq!(search(&index, "", 0), vec![(0, 0)]);
        assert_eq!(search(&index, "", 2), vec![(0, 0), (1, 2)]);
        assert_eq!(search(&index, "a", 1), vec![(0, 1), (1, 1)]);
        assert!(search(&FuzzyIndex::new([]), "a", 3).is_empty());
        assert_eq!(search_longer(&index, "", 2, 1), vec![(1, 2)]);
    }

    #[test]
    fn arabic_script_keys() {
        let index = FuzzyIndex::new(["عين اسد", "جرف صخر"]);
        assert_eq!(search(&index, "عين اسذ", 1), vec![(0, 1)]);
        assert_eq!(index.key_len(1), 7);
    }

    #[test]
    fn agrees_with_a_scan_on_a_seeded_sample() {
        // Fixed seed: a small alphabet makes many near keys, ties and swaps.
        let mut state: u64 = 0x0f0e_1d2c;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let alphabet: Vec<char> = "abcd e".chars().collect();
        // Mostly short words; one in ten too long for the letter masks.
        let word = |next: &mut dyn FnMut(u64) -> u64| -> String {
            let len = match next(10) {
                0 => 60 + next(10),
                _ => next(11),
            };
            (0..len)
                .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                .collect()
        };
        let mut keys: Vec<String> = (0..400).map(|_| word(&mut next)).collect();
        keys.sort();
        keys.dedup();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut index = FuzzyIndex::new(keys.iter().copied());
        for _ in 0..600 {
            let query = word(&mut next);
            for radius in 0..=6 {
                let shortest = next(8) as usize;
                let wanted: Vec<(u32, usize)> = by_scan(&keys, &query, radius)
                    .into_iter()
                    .filter(|&(id, _)| keys[id as usize].chars().count() >= shortest)
                    .collect();
                for scan_wide in [false, true] {
                    index.set_scan_wide(scan_wide);
                    assert_eq!(
                        search_longer(&index, &query, radius, shortest),
                        wanted,
                        "{query:?} within {radius}, keys of {shortest}+ letters"
                    );
                }
            }
        }
    }

    #[test]
    fn osa_reads_the_same_backwards() {
        // The backward trie relies on it.
        let rev = |s: &str| s.chars().rev().collect::<String>();
        for (a, b) in [
            ("ca", "abc"),
            ("abdcef", "abcdef"),
            ("sakhar", "saqr"),
            ("", "ab"),
        ] {
            assert_eq!(
                edit_distance(a, b),
                edit_distance(&rev(a), &rev(b)),
                "{a} {b}"
            );
        }
    }
}
