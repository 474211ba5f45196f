//! Where each letter occurs in a query, as the bits of one machine word:
//! what the bit-parallel edit-distance computations compare a key letter
//! with, one word operation standing for a whole row of the table.

/// Queries of more letters than this do not fit a word with room for the
/// row's column 0 (the trie's rows need bits `0..=n`).
pub(super) const MAX_LETTERS: usize = 63;

/// For each letter, bit `k` set when the query's letter `k` is that letter.
pub(super) struct LetterMasks {
    /// Place names are mostly ASCII, where a table look-up beats a search.
    ascii: [u64; 128],
    other: Vec<(char, u64)>,
}

impl LetterMasks {
    /// `None` for a query longer than [`MAX_LETTERS`].
    pub(super) fn new(query: &[char]) -> Option<Self> {
        if query.len() > MAX_LETTERS {
            return None;
        }
        let mut masks = LetterMasks {
            ascii: [0; 128],
            other: Vec::new(),
        };
        for (k, &c) in query.iter().enumerate() {
            let bit = 1 << k;
            match masks.ascii.get_mut(c as usize) {
                Some(mask) => *mask |= bit,
                None => match masks.other.iter_mut().find(|(l, _)| *l == c) {
                    Some((_, mask)) => *mask |= bit,
                    None => masks.other.push((c, bit)),
                },
            }
        }
        Some(masks)
    }

    /// The query positions holding `c`.
    pub(super) fn of(&self, c: char) -> u64 {
        match self.ascii.get(c as usize) {
            Some(&mask) => mask,
            None => self
                .other
                .iter()
                .find(|&&(l, _)| l == c)
                .map_or(0, |&(_, mask)| mask),
        }
    }
}

/// The OSA distance between the query of `masks` (`n` letters) and `key`,
/// by Hyyrö's bit-parallel algorithm (Myers' with a term for swaps;
/// Hyyrö 2003, "A bit-vector algorithm for computing Levenshtein and
/// Damerau edit distances"): a few word operations per key letter
/// whatever the distance, where the plain table takes `n` cells.
pub(super) fn osa_distance(masks: &LetterMasks, n: usize, key: &str) -> usize {
    if n == 0 {
        return key.chars().count();
    }
    let last = 1u64 << (n - 1);
    // Vertical deltas (+1, −1) of the current column of the table, the
    // previous column's diagonal zeros and letter, and the bottom cell.
    let (mut vp, mut vn, mut d0, mut pm_old) = (!0u64, 0u64, 0u64, 0u64);
    let mut distance = n;
    for c in key.chars() {
        let pm = masks.of(c);
        let swap = ((!d0 & pm) << 1) & pm_old;
        d0 = (((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn | swap;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        if hp & last != 0 {
            distance += 1;
        } else if hn & last != 0 {
            distance -= 1;
        }
        // Row 0 of the table counts up, so a +1 enters at the top.
        let hp = (hp << 1) | 1;
        let hn = hn << 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        pm_old = pm;
    }
    distance
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::edit_distance;

    fn bit_parallel(a: &str, b: &str) -> usize {
        let query: Vec<char> = a.chars().collect();
        osa_distance(&LetterMasks::new(&query).unwrap(), query.len(), b)
    }

    #[test]
    fn agrees_with_the_table() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "ca",
            "abc",
            "acb",
            "sakhar",
            "saqr",
            "bagdhad",
            "baghdad",
            "عين اسد",
            "عين اسذ",
            "abdcef",
            "abcdef",
        ];
        for a in words {
            for b in words {
                assert_eq!(bit_parallel(a, b), edit_distance(a, b), "{a:?} {b:?}");
            }
        }
        let long: String = "ab".repeat(31) + "c";
        assert_eq!(bit_parallel(&long, "ba"), edit_distance(&long, "ba"));
        assert!(LetterMasks::new(&['a'; MAX_LETTERS + 1]).is_none());
    }
}
