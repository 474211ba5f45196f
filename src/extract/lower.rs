//! Lower-case forms of the capitalised words of a sentence, kept in one
//! buffer per sentence rather than a `String` each.

use std::ops::Range;

/// Appends `word` in lower case, as [`str::to_lowercase`] writes it, to
/// `buffer` and gives where it lies there; `None` when `word` is lower case
/// already, as most words are, and can be borrowed as written.
#[inline]
pub(super) fn push_lower(word: &str, buffer: &mut String) -> Option<Range<usize>> {
    // One pass over the bytes rules out most words, inline: checking that
    // the word is ASCII and then looking for a capital took two passes and
    // a call for every token.
    let first = word
        .bytes()
        .position(|b| b.is_ascii_uppercase() || !b.is_ascii())?;
    push_lower_from(word, first, buffer)
}

/// As [`push_lower`], for a word that `buffer` already holds lower-cased in
/// ASCII at `copied_at` (from a sentence lower-cased whole): only a
/// non-ASCII word with a capital is written again.
#[inline]
pub(super) fn lower_form(
    word: &str,
    copied_at: usize,
    buffer: &mut String,
) -> Option<Range<usize>> {
    let first = word
        .bytes()
        .position(|b| b.is_ascii_uppercase() || !b.is_ascii())?;
    if word.as_bytes()[first..].is_ascii() {
        return Some(copied_at..copied_at + word.len());
    }
    push_lower_from(word, first, buffer)
}

/// [`push_lower`] of a word whose byte `first` is the first that is an
/// ASCII capital or not ASCII.
fn push_lower_from(word: &str, first: usize, buffer: &mut String) -> Option<Range<usize>> {
    let at = buffer.len();
    if word.as_bytes()[first..].is_ascii() {
        buffer.push_str(word);
        buffer[at..].make_ascii_lowercase();
    } else {
        if !word.chars().any(char::is_uppercase) {
            return None;
        }
        // In full: a final sigma lower-cases by what comes before it.
        buffer.push_str(&word.to_lowercase());
    }
    Some(at..buffer.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ascii_words_from_the_copy() {
        let sentence = "Rockets hit AL-ASAD and Qa’im";
        let mut buffer = sentence.to_ascii_lowercase();
        for (at, word) in [(0, "Rockets"), (8, "hit"), (12, "AL-ASAD"), (24, "Qa’im")] {
            let form = lower_form(word, at, &mut buffer).map(|r| buffer[r].to_string());
            let expected = word.to_lowercase();
            assert_eq!(form.unwrap_or_else(|| word.to_string()), expected);
        }
    }

    #[test]
    fn lower_cases_as_to_lowercase_does() {
        let mut buffer = String::new();
        for word in ["Iraq", "AL-ASAD", "Wednesday’s", "ΟΔΟΣ", "Ölçü"] {
            let at = push_lower(word, &mut buffer).unwrap();
            assert_eq!(&buffer[at], word.to_lowercase());
        }
        assert_eq!(push_lower("baghdad", &mut buffer), None);
        assert_eq!(push_lower("ölçü", &mut buffer), None);
        assert_eq!(push_lower("a’b", &mut buffer), None);
        assert_eq!(push_lower("", &mut buffer), None);
    }
}
