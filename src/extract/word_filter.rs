//! A quick test that rules most words out of a word list before any string
//! is compared.
//!
//! The extractor looks up every token of a sentence in its word lists
//! (event words, months, number words, casualty words), and nearly every
//! token is in none of them. A [`WordFilter`] holds, for each first byte,
//! the set of lengths of the list's words, built at compile time from the
//! list itself: a token whose first byte and length match no word of the
//! list is out after two loads, and only the few that pass are compared.

/// The lengths of a list's words, by first byte.
pub struct WordFilter {
    lengths: [u64; 256],
}

impl WordFilter {
    /// The filter of `words`.
    pub const fn of(words: &[&str]) -> Self {
        let mut lengths = [0u64; 256];
        let mut i = 0;
        while i < words.len() {
            add(&mut lengths, words[i]);
            i += 1;
        }
        WordFilter { lengths }
    }

    /// The filter of the words of a table of `(word, value)` pairs.
    pub const fn of_keys<T>(pairs: &[(&str, T)]) -> Self {
        let mut lengths = [0u64; 256];
        let mut i = 0;
        while i < pairs.len() {
            add(&mut lengths, pairs[i].0);
            i += 1;
        }
        WordFilter { lengths }
    }

    /// The filter of the first words of a table of `(phrase, value)` pairs:
    /// it rules out the tokens at which no phrase can start.
    pub const fn of_first_words<T>(pairs: &[(&[&str], T)]) -> Self {
        let mut lengths = [0u64; 256];
        let mut i = 0;
        while i < pairs.len() {
            add(&mut lengths, pairs[i].0[0]);
            i += 1;
        }
        WordFilter { lengths }
    }

    /// False when `word` is certainly not in the list.
    #[inline]
    pub fn may_hold(&self, word: &str) -> bool {
        self.may_hold_first(word, |b| b)
    }

    /// False when `word` is certainly not in the list of lower-case words
    /// whatever its ASCII case.
    #[inline]
    pub fn may_hold_any_case(&self, word: &str) -> bool {
        self.may_hold_first(word, |b| b.to_ascii_lowercase())
    }

    #[inline]
    fn may_hold_first(&self, word: &str, first: impl Fn(u8) -> u8) -> bool {
        let bytes = word.as_bytes();
        match bytes.first() {
            Some(&b) => {
                bytes.len() < 64 && self.lengths[first(b) as usize] & (1 << bytes.len()) != 0
            }
            None => false,
        }
    }
}

const fn add(lengths: &mut [u64; 256], word: &str) {
    let bytes = word.as_bytes();
    // `may_hold` answers "no" for the empty word and for words of 64 bytes
    // or more, so no list may hold one.
    assert!(!bytes.is_empty() && bytes.len() < 64);
    lengths[bytes[0] as usize] |= 1 << bytes.len();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_its_words_and_rules_out_others() {
        const WORDS: &[&str] = &["killed", "kill", "injured"];
        const FILTER: WordFilter = WordFilter::of(WORDS);
        assert!(WORDS.iter().all(|w| FILTER.may_hold(w)));
        assert!(!FILTER.may_hold("killing"));
        assert!(!FILTER.may_hold("the"));
        assert!(!FILTER.may_hold(""));
        assert!(!FILTER.may_hold(&"k".repeat(70)));
        let keys = WordFilter::of_keys(&[("jan", 1), ("january", 1)]);
        assert!(keys.may_hold("january") && !keys.may_hold("june"));
        assert!(keys.may_hold_any_case("JAN") && !keys.may_hold("JAN"));
        let first = WordFilter::of_first_words(&[(&["air", "strike"][..], 1)]);
        assert!(first.may_hold("air") && !first.may_hold("strike"));
    }
}
