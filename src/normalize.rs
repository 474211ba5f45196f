//! The one place-name normaliser.
//!
//! Every comparison of place text against the place table goes through
//! [`normalize`], so that "Ain al-Asad", "'Ayn al Asad" and "AYN AL-ASAD"
//! meet on one key. The rules, in order:
//!
//! 1. Unicode compatibility decomposition (NFKD); combining marks are dropped,
//!    which removes Latin diacritics (`ā` → `a`) and Arabic short vowels and
//!    hamza seats (`أ` → `ا`).
//! 2. Apostrophes and ayn/hamza letters (`'` `’` `‘` `ʿ` `ʾ` `ʻ` `ʼ` `` ` `` `´`)
//!    are removed, so `Qa'im` and `Qaim` are one word.
//! 3. Arabic letter variants are folded: `ة` → `ه`, `ى`/`ی` → `ي`, `ک` → `ك`,
//!    tatweel removed.
//! 4. Lower case; every other non-alphanumeric character (hyphen, dot, comma,
//!    slash, bracket) becomes a space, and runs of space become one.
//! 5. Arabic articles are dropped when another word follows: `al`, `el`, `as`,
//!    `ash`, `ad`, `adh`, `an`, `ar`, `at`, `ath`, `az`, `ul` as words, and a
//!    leading `ال` on an Arabic word. `Ayn`/`Ein` become `ain`.
//! 6. Feature words are spelled one way: `airbase` → `air base`,
//!    `air field` → `airfield`, `province`/`muhafazah` → `governorate`.
//!
//! Doubled letters are kept: "Assad" (a family name) is not "Asad".

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// What kind of place a feature word in a query points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureHint {
    /// "air base", "base", "airfield", "airport", "garrison", "outpost", "camp".
    Base,
    /// "governorate", "province".
    Governorate,
    /// "town", "city".
    Town,
}

/// A normalised name split into its core words and the feature words that
/// were taken off it ("Al-Asad Air Base" → core `asad`, hint `Base`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreName {
    /// The normalised name without feature words; may be empty.
    pub core: String,
    /// The kind of place the removed feature words point at, if any.
    pub hint: Option<FeatureHint>,
}

/// Normalises place text for comparison. Pure and idempotent.
///
/// ```
/// use geoevents::normalize::normalize;
/// assert_eq!(normalize("Ain al-Asad Airbase"), "ain asad air base");
/// assert_eq!(normalize("'Ayn al Asad air base"), "ain asad air base");
/// assert_eq!(normalize("Al-Qa’im"), normalize("Al Qaim"));
/// assert_eq!(normalize("Al-Anbar Province"), "anbar governorate");
/// ```
pub fn normalize(text: &str) -> String {
    let folded = fold(text);
    // [`canonical_words`]'s rules written straight into the result: its
    // two lists of words were a third of the cost of a name (a test holds
    // the two to the same words).
    let mut out = String::with_capacity(folded.len() + 1);
    let push = |out: &mut String, word: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    };
    let mut words = folded.split_whitespace().peekable();
    while let Some(word) = words.next() {
        match canonical_word(word) {
            CanonicalWord::Article if words.peek().is_some() => {}
            CanonicalWord::Article => push(&mut out, word),
            CanonicalWord::Word(w) => push(&mut out, w),
            CanonicalWord::Split(a, b) => {
                push(&mut out, a);
                push(&mut out, b);
            }
            CanonicalWord::Field if out == "air" || out.ends_with(" air") => {
                out.push_str("field");
            }
            CanonicalWord::Field => push(&mut out, word),
        }
    }
    out
}

/// Rules 1–4 of [`normalize`]: decomposition, apostrophes, Arabic letter
/// variants, case; every other non-alphanumeric character becomes a space.
/// The words of the result still carry their articles and feature-word
/// spellings; [`canonical_words`] applies the word rules 5 and 6.
///
/// Folding a text word by word gives the words of folding it whole, as long
/// as the text is split only where it has characters other than letters,
/// digits, marks and apostrophes: that is how [`crate::extract`] keeps each
/// folded word tied to its place in the original text.
pub fn fold(text: &str) -> String {
    // Plain ASCII letters and digits fold to their lower case and nothing
    // else: the common case of running text, without the decomposition.
    if text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return text.to_ascii_lowercase();
    }
    // ASCII has no decompositions and no combining marks, and most place
    // text is ASCII: its bytes are its characters, with no NFKD and no
    // list of characters to build (together most of the cost of a name).
    if text.is_ascii() {
        return fold_chars(text.as_bytes());
    }
    let chars: Vec<char> = text.nfkd().filter(|&c| !is_combining_mark(c)).collect();
    fold_chars(&chars)
}

/// Rules 2–4 of [`normalize`] over decomposed characters (or ASCII bytes,
/// which are their own characters).
fn fold_chars<C: Copy + Into<char>>(chars: &[C]) -> String {
    let mut folded = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c: char = chars[i].into();
        i += 1;
        match c {
            c if c.is_ascii_alphanumeric() => folded.push(c.to_ascii_lowercase()),
            c if is_apostrophe(c) => {
                // An English possessive ("Baghdad's") is not part of the name;
                // a two-letter stem is a transliteration ("Ra's al-Ain").
                let stem = chars[..i - 1]
                    .iter()
                    .rev()
                    .take_while(|&&c| c.into().is_alphanumeric())
                    .count();
                let after_word = stem >= 3;
                let s_ends_word = matches!(chars.get(i).map(|&c| c.into()), Some('s' | 'S'))
                    && !chars
                        .get(i + 1)
                        .is_some_and(|&c| c.into().is_alphanumeric());
                if after_word && s_ends_word {
                    i += 1;
                }
            }
            'ـ' => {}
            'ة' => folded.push('ه'),
            'ى' | 'ی' => folded.push('ي'),
            'ک' => folded.push('ك'),
            c if c.is_alphanumeric() => folded.extend(c.to_lowercase()),
            _ => folded.push(' '),
        }
    }
    folded
}

/// What rules 5 and 6 of [`normalize`] make of one folded word, before its
/// neighbours are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanonicalWord<'w> {
    /// An Arabic article: dropped when another word follows, else kept.
    Article,
    /// The word as it is spelled canonically.
    Word(&'w str),
    /// A word that stands for two ("airbase" → "air base").
    Split(&'static str, &'static str),
    /// "field": joined with an "air" before it into "airfield".
    Field,
}

/// Rules 5 and 6 of [`normalize`] for one folded word; [`canonical_words`]
/// applies them over a sequence.
#[inline]
pub fn canonical_word(word: &str) -> CanonicalWord<'_> {
    // Every article and every word respelled below starts with one of
    // these letters, or is Arabic: most words of running text are passed
    // by their first byte alone.
    if !matches!(
        word.as_bytes().first(),
        Some(b'a' | b'e' | b'u' | b'f' | b'p' | b'm' | 0x80..)
    ) {
        return CanonicalWord::Word(word);
    }
    respelled(word)
}

/// [`canonical_word`] past its first-byte test: kept out of line so that the
/// test inlines into the callers' loops.
fn respelled(word: &str) -> CanonicalWord<'_> {
    if is_article(word) {
        return CanonicalWord::Article;
    }
    match word {
        "ayn" | "ein" => CanonicalWord::Word("ain"),
        "airbase" => CanonicalWord::Split("air", "base"),
        "field" => CanonicalWord::Field,
        "province" | "muhafazah" | "muhafazat" => CanonicalWord::Word("governorate"),
        w => CanonicalWord::Word(strip_arabic_article(w)),
    }
}

/// Rules 5 and 6 of [`normalize`] over folded words, each carrying a tag
/// (the extractor tags each word with its byte span in the original text).
/// A word split in two ("airbase") gives both halves its tag; two words
/// joined into one ("air field") get `join` of their tags.
pub fn canonical_words<'w, T: Copy>(
    words: &[(&'w str, T)],
    join: impl Fn(T, T) -> T,
) -> Vec<(&'w str, T)> {
    let mut out: Vec<(&'w str, T)> = Vec::with_capacity(words.len() + 1);
    for (i, &(word, tag)) in words.iter().enumerate() {
        let has_next = i + 1 < words.len();
        match canonical_word(word) {
            CanonicalWord::Article if has_next => {}
            CanonicalWord::Article => out.push((word, tag)),
            CanonicalWord::Word(w) => out.push((w, tag)),
            CanonicalWord::Split(a, b) => out.extend([(a, tag), (b, tag)]),
            CanonicalWord::Field => match out.last_mut() {
                Some(last) if last.0 == "air" => *last = ("airfield", join(last.1, tag)),
                _ => out.push((word, tag)),
            },
        }
    }
    out
}

/// Whether a folded word is an Arabic article written apart from its noun
/// (`al`, `el`, `as`, …): [`normalize`] drops it when another word follows.
pub fn is_article(word: &str) -> bool {
    // A `match` rather than a list: the compiler compares by length first
    // and then a few bytes at once.
    matches!(
        word,
        "al" | "el" | "as" | "ash" | "ad" | "adh" | "an" | "ar" | "at" | "ath" | "az" | "ul"
    )
}

/// Whether a character is one of the apostrophes and ayn/hamza letters that
/// [`normalize`] removes.
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʿ' | 'ʾ' | 'ʻ' | 'ʼ' | '`' | '´')
}

/// Drops the article `ال` written onto an Arabic word, keeping at least two
/// letters of the noun.
fn strip_arabic_article(word: &str) -> &str {
    match word.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 => rest,
        _ => word,
    }
}

/// Splits a normalised name into core words and a feature hint.
///
/// ```
/// use geoevents::normalize::{core_name, normalize, FeatureHint};
/// let core = core_name(&normalize("Erbil Air Base"));
/// assert_eq!(core.core, "erbil");
/// assert_eq!(core.hint, Some(FeatureHint::Base));
/// ```
pub fn core_name(normalized: &str) -> CoreName {
    let mut hint = None;
    let mut core: Vec<&str> = Vec::new();
    for word in normalized.split(' ') {
        let word_hint = match word {
            "air" => continue,
            "base" | "airfield" | "airport" | "garrison" | "outpost" | "camp" => {
                Some(FeatureHint::Base)
            }
            "governorate" => Some(FeatureHint::Governorate),
            "town" | "city" => Some(FeatureHint::Town),
            _ => None,
        };
        match word_hint {
            Some(h) => hint = hint.or(Some(h)),
            None => core.push(word),
        }
    }
    // "Air" alone is only a feature word next to "base"; put it back otherwise.
    if hint.is_none() {
        return CoreName {
            core: normalized.to_string(),
            hint: None,
        };
    }
    CoreName {
        core: core.join(" "),
        hint,
    }
}

/// Optimal-string-alignment edit distance between two strings, counting an
/// insertion, deletion, substitution or swap of adjacent characters as one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_gives_the_canonical_words() {
        let words = [
            "al",
            "Al",
            "el",
            "ash",
            "ayn",
            "Ein",
            "airbase",
            "air",
            "field",
            "Field",
            "base",
            "province",
            "muhafazah",
            "الأسد",
            "الرمادي",
            "ال",
            "Asad",
            "Qa'im",
            "-",
            "x",
        ];
        // Every run of up to three of them, so that each rule meets each
        // neighbour, first, last and alone.
        let mut texts = vec![String::new()];
        for a in words {
            texts.push(a.to_string());
            for b in words {
                texts.push(format!("{a} {b}"));
                for c in words {
                    texts.push(format!("{a} {b}-{c}"));
                }
            }
        }
        for text in texts {
            let folded = fold(&text);
            let words: Vec<(&str, ())> = folded.split_whitespace().map(|w| (w, ())).collect();
            let canonical: Vec<&str> = canonical_words(&words, |_, _| ())
                .into_iter()
                .map(|(w, ())| w)
                .collect();
            assert_eq!(normalize(&text), canonical.join(" "), "{text:?}");
        }
    }

    #[test]
    fn ascii_text_folds_as_its_decomposed_characters_do() {
        // Every printable ASCII character, in short runs around letters,
        // apostrophes and an `s`, so that each possessive case is met.
        let printable: Vec<char> = (0x20..0x7f_u8).map(char::from).collect();
        let mut texts = Vec::new();
        for &c in &printable {
            for pattern in [
                "Qa{c}im",
                "Baghdad{c}s",
                "Ra{c}s al",
                "{c}",
                "x{c}S-1",
                "ab{c}s{c}",
            ] {
                texts.push(pattern.replace("{c}", &c.to_string()));
            }
        }
        for text in texts {
            let decomposed: Vec<char> = text.nfkd().filter(|&c| !is_combining_mark(c)).collect();
            assert_eq!(fold(&text), fold_chars(&decomposed), "{text:?}");
        }
    }

    #[test]
    fn case_space_and_hyphen_are_unified() {
        assert_eq!(normalize("  JURF   al-Sakhar "), "jurf sakhar");
        assert_eq!(normalize("Jurf_al_Sakhar"), "jurf sakhar");
        assert_eq!(normalize("Jurf al Sakhar"), normalize("jurf-al-sakhar"));
    }

    #[test]
    fn every_respelled_word_passes_the_first_byte_test() {
        let words = [
            "al",
            "el",
            "as",
            "ash",
            "ad",
            "adh",
            "an",
            "ar",
            "at",
            "ath",
            "az",
            "ul",
            "ayn",
            "ein",
            "airbase",
            "field",
            "province",
            "muhafazah",
            "muhafazat",
            "الانبار",
        ];
        for w in words {
            assert_ne!(canonical_word(w), CanonicalWord::Word(w), "{w}");
        }
        assert_eq!(canonical_word("baghdad"), CanonicalWord::Word("baghdad"));
    }

    #[test]
    fn arabic_articles_fold() {
        for variant in [
            "Jurf as-Sakhr",
            "Jurf al-Sakhr",
            "Jurf el Sakhr",
            "Jurf ash-Sakhr",
        ] {
            assert_eq!(normalize(variant), "jurf sakhr", "{variant}");
        }
        assert_eq!(normalize("Ad-Dawr"), "dawr");
        assert_eq!(normalize("Ar Ramadi"), "ramadi");
    }

    #[test]
    fn a_lone_article_word_is_kept() {
        // A bare "As" or "Al" is the whole name, not an article.
        assert_eq!(normalize("Al"), "al");
        assert_eq!(normalize("Near al"), "near al");
    }

    #[test]
    fn ain_and_ayn_fold() {
        assert_eq!(normalize("Ain al-Asad"), "ain asad");
        assert_eq!(normalize("Ayn al-Asad"), "ain asad");
        assert_eq!(normalize("'Ayn al Asad"), "ain asad");
        assert_eq!(normalize("Ein al Asad"), "ain asad");
    }

    #[test]
    fn apostrophes_and_diacritics_vanish() {
        let plain = normalize("Al Qaim");
        for variant in ["Al-Qa'im", "Al-Qa’im", "Al-Qaʿim", "al-Qāʾim", "AL QA`IM"] {
            assert_eq!(normalize(variant), plain, "{variant}");
        }
        assert_eq!(normalize("Baghdād"), "baghdad");
        assert_eq!(normalize("Ḩadīthah"), "hadithah");
    }

    #[test]
    fn possessive_s_is_dropped() {
        assert_eq!(normalize("Baghdad's"), "baghdad");
        assert_eq!(normalize("Baghdad’s south"), "baghdad south");
        // Not a possessive: the s starts a longer word.
        assert_eq!(normalize("Ra's al-Ain"), "ras ain");
    }

    #[test]
    fn feature_words_have_one_spelling() {
        assert_eq!(normalize("Al Asad Airbase"), "asad air base");
        assert_eq!(normalize("Al-Asad Air-Base"), "asad air base");
        assert_eq!(normalize("Bashur Air Field"), "bashur airfield");
        assert_eq!(normalize("Anbar province"), "anbar governorate");
        assert_eq!(normalize("Muhafazat al-Anbar"), "governorate anbar");
    }

    #[test]
    fn arabic_script_folds() {
        assert_eq!(normalize("عين الأسد"), normalize("عين الاسد"));
        assert_eq!(normalize("عين الأسد"), "عين اسد");
        assert_eq!(normalize("جرف الصخر"), "جرف صخر");
        assert_eq!(normalize("القائم"), normalize("القايم"));
        assert_eq!(normalize("حديثة"), "حديثه");
        // Short vowels (harakat) are combining marks.
        assert_eq!(normalize("بَغْدَاد"), "بغداد");
    }

    #[test]
    fn doubled_letters_are_kept() {
        assert_ne!(normalize("Bashar al-Assad"), normalize("Al-Asad"));
        assert_eq!(normalize("Bashar al-Assad"), "bashar assad");
    }

    #[test]
    fn normalize_is_idempotent_on_a_seeded_sample() {
        // Fixed seed: the same strings every run, so a failure reproduces.
        let alphabet: Vec<char> = "aAlL- '’ʿāīūḩQqeE_.,/بالأسدةىعين0123456789"
            .chars()
            .collect();
        let mut state: u64 = 0x5eed_0001;
        for _ in 0..2000 {
            let mut s = String::new();
            let len = (state % 24) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let once = normalize(&s);
            assert_eq!(normalize(&once), once, "input {s:?}");
        }
    }

    #[test]
    fn core_name_strips_feature_words() {
        let c = core_name(&normalize("Al-Asad Air Base"));
        assert_eq!(
            c,
            CoreName {
                core: "asad".into(),
                hint: Some(FeatureHint::Base)
            }
        );
        let c = core_name(&normalize("Anbar Governorate"));
        assert_eq!(c.core, "anbar");
        assert_eq!(c.hint, Some(FeatureHint::Governorate));
        let c = core_name(&normalize("Baghdad"));
        assert_eq!(c.core, "baghdad");
        assert_eq!(c.hint, None);
        // "Air" without a feature word is part of the name.
        assert_eq!(core_name("air").core, "air");
    }

    #[test]
    fn edit_distance_reference_cases() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("sakhar", "sakhar"), 0);
        assert_eq!(edit_distance("sakhar", "sakhr"), 1);
        assert_eq!(edit_distance("qaim", "qiam"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc "), 1);
    }
}
