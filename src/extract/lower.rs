//! Lower-case forms of the capitalised words of a sentence, kept in one
//! buffer per sentence rather than a `String` each.

use std::ops::Range;

/// Appends `word` in lower case, as [`str::to_lowercase`] writes it, to
/// `buffer` and gives where it lies there; `None` when `word` is lower case
/// already, as most words are, and can be borrowed as written.
pub(super) fn push_lower(word: &str, buffer: &mut String) -> Option<Range<usize>> {
    let at = buffer.len();
    if word.is_ascii() {
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
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
    fn lower_cases_as_to_lowercase_does() {
        let mut buffer = String::new();
        for word in ["Iraq", "AL-ASAD", "Wednesday’s", "ΟΔΟΣ", "Ölçü"] {
            let at = push_lower(word, &mut buffer).unwrap();
            assert_eq!(&buffer[at], word.to_lowercase());
        }
        assert_eq!(push_lower("baghdad", &mut buffer), None);
        assert_eq!(push_lower("ölçü", &mut buffer), None);
    }
}
