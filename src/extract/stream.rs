//! The normalised word stream the place-name automaton reads.
//!
//! The words of a run of sentences are folded into the normal form of
//! [`crate::normalize::normalize`], each followed by a space, and each
//! sentence starts with a space and ends with a line end, so that the
//! automaton's space-padded patterns match whole words and never across
//! two sentences. Every word of the stream keeps the byte span of the
//! original text it stands for.

use std::ops::Range;

use crate::normalize::{canonical_word, fold, is_apostrophe, is_article, CanonicalWord};

/// A word of the original text: a run of letters, digits, marks and
/// apostrophes, with its byte span.
#[derive(Clone, Copy, Debug)]
pub(super) struct RawWord {
    pub start: usize,
    pub end: usize,
}

/// A word of the normalised stream and the original bytes it stands for.
#[derive(Clone, Copy, Debug)]
struct StreamWord {
    /// Offset of the word in the stream.
    at: usize,
    /// Span in the text: of the raw words it came from.
    start: usize,
    end: usize,
    /// Start of an article written onto the name ("al-", "Al "), dropped
    /// from the stream but part of the name as written.
    article_start: Option<usize>,
}

/// Where one sentence's words lie in the stream.
#[derive(Clone, Debug)]
pub(super) struct SentenceWords {
    /// The sentence's span in the text.
    pub span: (usize, usize),
    /// Its raw words, as indices into [`Stream::raw`].
    pub raw: Range<usize>,
    /// Its stream words.
    pub words: Range<usize>,
}

/// Whether `c` belongs to a raw word.
#[inline]
pub(super) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '\'' || c == '`';
    }
    c.is_alphanumeric()
        || is_apostrophe(c)
        || unicode_normalization::char::is_combining_mark(c)
        || c == 'ـ'
}

/// What a byte is to [`raw_word_end`]: 1 an ASCII letter or digit, 3 an
/// ASCII apostrophe or backtick (in a word, but not plain), 0 a separator,
/// 2 the lead or continuation byte of a character decoded to decide.
static BYTE_CLASS: [u8; 256] = {
    let mut class = [2u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        class[b] = if c.is_ascii_alphanumeric() {
            1
        } else if c == b'\'' || c == b'`' {
            3
        } else {
            0
        };
        b += 1;
    }
    class
};

/// The end of the raw word that starts at `at` (a byte of class 1 or
/// more, not necessarily in a word: see the returned flag), whether it is
/// a word at all, and whether it is plain (only ASCII letters and digits:
/// lower-cased byte by byte, not folded).
#[inline]
fn raw_word_end(text: &str, at: usize, end: usize) -> (usize, bool, bool) {
    let bytes = text.as_bytes();
    // Byte by byte, decoding only the non-ASCII characters: a curly quote
    // does not send the whole sentence down the slow path.
    let word_char_at = |at: usize| -> (bool, usize) {
        match BYTE_CLASS[bytes[at] as usize] {
            0 => (false, 1),
            1 | 3 => (true, 1),
            _ => {
                let c = text[at..].chars().next().expect("at a character boundary");
                (is_word_char(c), c.len_utf8())
            }
        }
    };
    let plain_start = BYTE_CLASS[bytes[at] as usize] == 1;
    let (part, len) = if plain_start {
        (true, 1)
    } else {
        word_char_at(at)
    };
    let mut at = at + len;
    if !part {
        return (at, false, false);
    }
    let mut plain = plain_start;
    while at < end {
        match BYTE_CLASS[bytes[at] as usize] {
            1 => {
                at += 1;
                continue;
            }
            0 => break,
            _ => {}
        }
        let (part, len) = word_char_at(at);
        if !part {
            break;
        }
        plain = false;
        at += len;
    }
    (at, true, plain)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ArticleWord {
    /// Not an article (or the word folds to nothing).
    No,
    /// "al" or "el", which join with a space as well as a hyphen.
    AlEl,
    /// Another article ("ash", "ad" …), joined only by a hyphen.
    Hyphened,
}

impl ArticleWord {
    /// How a raw word whose first folded word is `first` stands.
    fn of(first: Option<&str>) -> Self {
        match first {
            Some("al" | "el") => ArticleWord::AlEl,
            Some(p) if is_article(p) => ArticleWord::Hyphened,
            _ => ArticleWord::No,
        }
    }
}

/// The normalised words of a run of sentences, space-padded for
/// whole-word search. Its buffers are reused from run to run, so that
/// reading a report allocates nothing here once they have grown.
#[derive(Default)]
pub(super) struct Stream {
    /// The stream the automaton reads.
    pub text: String,
    words: Vec<StreamWord>,
    /// The raw words of every sentence of the run.
    pub raw: Vec<RawWord>,
    /// For each raw word, whether it is an article (see [`ArticleWord`]).
    articles: Vec<ArticleWord>,
    /// The sentences of the run, in order.
    pub sentences: Vec<SentenceWords>,
    /// A trailing article already in the stream, dropped as soon as another
    /// word follows it (as [`crate::normalize::canonical_words`] drops it).
    pending_article: bool,
    /// A word that the canonical spelling changes, copied out of the stream.
    scratch: String,
    /// The sentence being added, ASCII letters lower-cased.
    sentence_lower: String,
}

impl Stream {
    /// Empties the stream for a new run of sentences.
    pub fn clear(&mut self) {
        self.text.clear();
        self.words.clear();
        self.raw.clear();
        self.articles.clear();
        self.sentences.clear();
    }

    /// Appends the sentence `text[start..end]`: its words each folded as
    /// [`fold`] does, the words canonical as [`canonical_word`] says, in one
    /// pass. Plain ASCII words, nearly all of them, are copied into the
    /// stream from the sentence lower-cased whole.
    pub fn push_sentence(&mut self, text: &str, start: usize, end: usize) {
        let first_raw = self.raw.len();
        let first_word = self.words.len();
        self.text.push(' ');
        self.pending_article = false;
        // One pass over the whole sentence rather than one for each word,
        // which cost about 50 instructions a word. ASCII lower-casing
        // leaves every other byte, so the offsets hold.
        let mut lower = std::mem::take(&mut self.sentence_lower);
        lower.clear();
        lower.push_str(&text[start..end]);
        lower.make_ascii_lowercase();
        // Each raw word goes into the stream as soon as it is split off,
        // not read back from a list of the sentence's words afterwards.
        let bytes = text.as_bytes();
        let mut at = start;
        while at < end {
            if BYTE_CLASS[bytes[at] as usize] == 0 {
                at += 1;
                continue;
            }
            let word_start = at;
            let (word_end, part, plain) = raw_word_end(text, at, end);
            at = word_end;
            if !part {
                continue;
            }
            let i = self.raw.len();
            self.raw.push(RawWord {
                start: word_start,
                end: word_end,
            });
            if plain {
                let lowered = &lower[word_start - start..word_end - start];
                self.push_plain(lowered, i, first_raw, first_word, text);
                continue;
            }
            let written = &text[word_start..word_end];
            // A word may fold to none ("'"), or to several.
            let folded = fold(written);
            let mut parts = folded.split(' ').filter(|p| !p.is_empty());
            let first = parts.next();
            self.articles.push(ArticleWord::of(first));
            for part in first.into_iter().chain(parts) {
                self.push(part, i, first_raw, first_word, text);
            }
        }
        // No pattern holds a line end: none matches across two sentences.
        self.text.push('\n');
        self.sentences.push(SentenceWords {
            span: (start, end),
            raw: first_raw..self.raw.len(),
            words: first_word..self.words.len(),
        });
        self.sentence_lower = lower;
    }

    /// Adds plain ASCII raw word `i`, `lowered`: copied into the stream,
    /// and only copied out again when its canonical spelling differs.
    fn push_plain(
        &mut self,
        lowered: &str,
        i: usize,
        first_raw: usize,
        first_word: usize,
        text: &str,
    ) {
        self.drop_pending_article();
        let at = self.text.len();
        self.text.push_str(lowered);
        let lower = &self.text[at..];
        let canonical = canonical_word(lower);
        self.articles.push(match canonical {
            CanonicalWord::Article => ArticleWord::of(Some(lower)),
            _ => ArticleWord::No,
        });
        // Nearly every word is its own canonical spelling: the very same
        // bytes, not a replacement of the same length ("ayn" → "ain").
        if matches!(canonical, CanonicalWord::Word(w) if std::ptr::eq(w, lower)) {
            // After a word that is no article, as nearly every word is, no
            // article is written onto this one: recorded here, without the
            // call and the test of the gap.
            if i == first_raw || self.articles[i - 1] == ArticleWord::No {
                let raw = self.raw[i];
                self.words.push(StreamWord {
                    at,
                    start: raw.start,
                    end: raw.end,
                    article_start: None,
                });
                self.text.push(' ');
            } else {
                self.finish_word(at, i, first_raw, text);
            }
            return;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.push_str(lower);
        self.text.truncate(at);
        self.push(&scratch, i, first_raw, first_word, text);
        self.scratch = scratch;
    }

    /// Drops a trailing article now that another word follows it.
    fn drop_pending_article(&mut self) {
        if std::mem::take(&mut self.pending_article) {
            let article = self
                .words
                .pop()
                .expect("a pending article is in the stream");
            self.text.truncate(article.at);
        }
    }

    /// Adds the folded word `word` of raw word `i`.
    fn push(&mut self, word: &str, i: usize, first_raw: usize, first_word: usize, text: &str) {
        self.drop_pending_article();
        match canonical_word(word) {
            CanonicalWord::Article => {
                self.emit(word, i, first_raw, text);
                self.pending_article = true;
            }
            CanonicalWord::Word(w) => self.emit(w, i, first_raw, text),
            CanonicalWord::Split(a, b) => {
                self.emit(a, i, first_raw, text);
                self.emit(b, i, first_raw, text);
            }
            CanonicalWord::Field => match self.words[first_word..].last_mut() {
                Some(air) if self.text[air.at..].starts_with("air ") => {
                    air.end = self.raw[i].end;
                    self.text.truncate(air.at);
                    self.text.push_str("airfield ");
                }
                _ => self.emit(word, i, first_raw, text),
            },
        }
    }

    /// Appends a word of the stream that stands for raw word `i`.
    fn emit(&mut self, word: &str, i: usize, first_raw: usize, text: &str) {
        let at = self.text.len();
        self.text.push_str(word);
        self.finish_word(at, i, first_raw, text);
    }

    /// Records the word written at stream offset `at` for raw word `i`, and
    /// the space after it.
    fn finish_word(&mut self, at: usize, i: usize, first_raw: usize, text: &str) {
        let raw = &self.raw;
        // An article dropped just before this word and written onto it
        // ("al-Asad", "Al Anbar") is part of the name as written.
        let article_start = i
            .checked_sub(1)
            .filter(|&p| p >= first_raw)
            .filter(|&p| {
                let article = self.articles[p];
                if article == ArticleWord::No {
                    return false;
                }
                let gap = &text[raw[p].end..raw[i].start];
                let mut chars = gap.chars();
                let one_char = chars.next().is_some() && chars.next().is_none();
                match article {
                    ArticleWord::Hyphened => gap == "-",
                    _ => one_char,
                }
            })
            .map(|p| raw[p].start);
        self.words.push(StreamWord {
            at,
            start: raw[i].start,
            end: raw[i].end,
            article_start,
        });
        self.text.push(' ');
    }

    /// The index of the word at stream offset `at`.
    pub fn word_at(&self, at: usize) -> usize {
        self.words.partition_point(|w| w.at <= at) - 1
    }

    /// The text span of words `first..last`.
    pub fn span(&self, first: usize, last: usize) -> (usize, usize) {
        let w = self.words[first];
        (w.article_start.unwrap_or(w.start), self.words[last - 1].end)
    }

    /// The end of a feature word ("base", "air base", "province") of
    /// `features` that starts at word `next`, if one does before word `end`.
    pub fn feature_after(&self, next: usize, end: usize, features: &[&[&str]]) -> Option<usize> {
        features.iter().find_map(|feature| {
            let words = self.words[..end].get(next..next + feature.len())?;
            let matches = words.iter().zip(feature.iter()).all(|(w, f)| {
                let word = self.text.get(w.at..w.at + f.len());
                word == Some(*f) && self.text[w.at + f.len()..].starts_with(' ')
            });
            matches.then(|| words[words.len() - 1].end)
        })
    }
}
