//! Finding place names in running text.
//!
//! Every spelling the place table knows is normalised once (the same
//! [`normalize`] the geocoder uses) and
//! compiled with the names of look-alike actors into one Aho–Corasick
//! automaton. A sentence is folded word by word into the same normal form,
//! each word keeping the byte span it came from, and the automaton runs
//! once over it. Each hit is checked where it stands (a place name needs a
//! capital letter; one inside a person's or a group's name is not a place)
//! and then resolved through [`PlaceIndex::resolve`], which decides the
//! place and how the name matched. Capitalised runs of two or more words
//! that the automaton did not find are offered to the geocoder's fuzzy
//! stage, so a misspelling ("Jurf al-Sakher") is still found.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind as AcMatchKind};

use crate::geocode::{CachedResolver, PlaceIndex};
use crate::model::{MatchKind, Place};
use crate::normalize::{canonical_word, fold, is_apostrophe, is_article, normalize, CanonicalWord};

use super::lexicon::{is_name_neighbour, ACTOR_NAMES, PERSON_TITLES};

/// Feature words that may follow a name found without them ("Harir
/// base"), as the stream spells them ("airbase" is "air base", "province"
/// is "governorate"): the longer text is tried first.
const FEATURE_WORDS: &[&[&str]] = &[
    &["air", "base"],
    &["base"],
    &["airfield"],
    &["airport"],
    &["garrison"],
    &["outpost"],
    &["camp"],
    &["governorate"],
];

/// A fuzzy candidate needs this many letters once normalised: shorter names
/// get no edits in the geocoder anyway.
const FUZZY_MIN_LETTERS: usize = 6;

/// A word of the original text: a run of letters, digits, marks and
/// apostrophes, with its byte span.
#[derive(Clone, Copy, Debug)]
struct RawWord {
    start: usize,
    end: usize,
    /// Only ASCII letters and digits: lower-cased byte by byte, not folded.
    plain: bool,
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

/// A place name found in a text, before its role is decided.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    /// Byte span in the text (not yet mapped back to the file).
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// The place.
    pub place: &'a Place,
    /// How the name matched.
    pub match_kind: MatchKind,
    /// 1.0, or for a fuzzy match 1 − edits ÷ length.
    pub score: f64,
}

/// What a pattern of the automaton stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pattern {
    Place,
    /// An actor's name that contains or looks like a place name.
    Actor,
}

/// The compiled matcher over one place table.
pub struct Matcher<'a> {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    resolver: CachedResolver<'a>,
    /// Buffers reused from sentence to sentence, so that reading a sentence
    /// allocates nothing once they have grown.
    raw: Vec<RawWord>,
    stream: Stream,
    hits: Vec<(usize, usize, Pattern)>,
    taken: Vec<(usize, usize)>,
}

impl<'a> Matcher<'a> {
    /// Compiles every spelling of `index` and the actor names.
    pub fn new(index: &'a PlaceIndex) -> Self {
        let mut keys: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        for key in index.spellings() {
            keys.push(format!(" {key} "));
            patterns.push(Pattern::Place);
        }
        for name in ACTOR_NAMES {
            keys.push(format!(" {} ", normalize(name)));
            patterns.push(Pattern::Actor);
        }
        // Overlapping search over a space-padded stream: every whole-word
        // occurrence of every spelling, the longest chosen afterwards. A
        // DFA: a few hundred spellings make a small table, and it reads
        // the stream about twice as fast as the NFA the builder would pick.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(AcMatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            // Every key starts with a space: a prefilter would stop at each.
            .prefilter(false)
            .build(&keys)
            .expect("the place spellings compile");
        Matcher {
            automaton,
            patterns,
            resolver: CachedResolver::new(index),
            raw: Vec::new(),
            stream: Stream::default(),
            hits: Vec::new(),
            taken: Vec::new(),
        }
    }

    /// Every place name in `text[start..end]` (one sentence), in order.
    pub fn find(&mut self, text: &str, start: usize, end: usize) -> Vec<Found<'a>> {
        raw_words(text, start, end, &mut self.raw);
        self.stream.build(text, &self.raw);
        let stream = &self.stream;
        self.hits.clear();
        self.hits
            .extend(self.automaton.find_overlapping_iter(&stream.text).map(|m| {
                let first = stream.word_at(m.start() + 1);
                let last = stream.word_at(m.end() - 2);
                (first, last + 1, self.patterns[m.pattern().as_usize()])
            }));
        let mut found = Vec::new();
        // Longest first at each start; an actor's name wins over a place
        // name it contains.
        self.hits
            .sort_by(|a, b| a.0.cmp(&b.0).then((b.1 - b.0).cmp(&(a.1 - a.0))));
        let mut covered_until = 0;
        let mut taken = std::mem::take(&mut self.taken);
        taken.clear();
        for k in 0..self.hits.len() {
            let (first, last, pattern) = self.hits[k];
            if first < covered_until {
                continue;
            }
            covered_until = last;
            let span = self.stream.span(first, last);
            taken.push(span);
            if pattern == Pattern::Actor {
                continue;
            }
            let feature_end = self.stream.feature_after(last);
            if let Some(hit) = self.place_at(text, start, end, span, feature_end) {
                found.push(hit);
            }
        }
        let raw = std::mem::take(&mut self.raw);
        self.fuzzy_runs(text, start, end, &raw, &taken, &mut found);
        self.raw = raw;
        self.taken = taken;
        found.sort_by_key(|f| f.start);
        found
    }

    /// Checks and resolves the name at `span`, first with a feature word
    /// after it if there is one.
    fn place_at(
        &mut self,
        text: &str,
        sentence_start: usize,
        sentence_end: usize,
        span: (usize, usize),
        feature_end: Option<usize>,
    ) -> Option<Found<'a>> {
        let (start, end) = trim_name(text, span.0, span.1);
        if !looks_like_a_name(&text[start..end])
            || part_of_longer_name(text, sentence_start, sentence_end, start, end)
        {
            return None;
        }
        if let Some(longer_end) = feature_end {
            let (s, e) = trim_name(text, start, longer_end);
            if let Some(found) = self.resolve(text, s, e, false) {
                return Some(found);
            }
        }
        self.resolve(text, start, end, false)
    }

    fn resolve(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        fuzzy_only: bool,
    ) -> Option<Found<'a>> {
        let resolved = self.resolver.resolve(&text[start..end]).ok()?;
        if fuzzy_only != (resolved.match_kind == MatchKind::Fuzzy) {
            return None;
        }
        Some(Found {
            start,
            end,
            place: resolved.place,
            match_kind: resolved.match_kind,
            score: resolved.score,
        })
    }

    /// Runs of capitalised words (with the articles between them) that
    /// nothing else claimed, offered to the geocoder's fuzzy stage.
    fn fuzzy_runs(
        &mut self,
        text: &str,
        sentence_start: usize,
        sentence_end: usize,
        raw: &[RawWord],
        taken: &[(usize, usize)],
        found: &mut Vec<Found<'a>>,
    ) {
        let mut i = 0;
        while i < raw.len() {
            if !is_capitalised(&text[raw[i].start..raw[i].end]) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < raw.len() && joins_run(text, raw[j - 1], raw[j]) {
                j += 1;
            }
            // Transliterated names join their words with an article ("Jurf
            // al-Sakher"); runs without one ("Pentagon Deputy Press
            // Secretary") are not offered to the fuzzy stage.
            if !(i + 1..j).any(|k| is_article_written(&text[raw[k].start..raw[k].end])) {
                i = j;
                continue;
            }
            // Trim articles and name neighbours ("The", "In") off the ends.
            let mut a = i;
            while a < j && is_run_filler(&text[raw[a].start..raw[a].end]) {
                a += 1;
            }
            let mut b = j;
            while b > a && is_run_filler(&text[raw[b - 1].start..raw[b - 1].end]) {
                b -= 1;
            }
            i = j;
            let joined_by_article =
                (a + 1..b).any(|k| is_article_written(&text[raw[k].start..raw[k].end]));
            if b <= a + 1 || !joined_by_article {
                continue;
            }
            let (start, end) = trim_name(text, raw[a].start, raw[b - 1].end);
            if taken.iter().any(|&(s, e)| s < end && start < e) {
                continue;
            }
            let letters = text[start..end]
                .chars()
                .filter(|c| c.is_alphanumeric())
                .count();
            if letters < FUZZY_MIN_LETTERS {
                continue;
            }
            if part_of_longer_name(text, sentence_start, sentence_end, start, end) {
                continue;
            }
            if let Some(hit) = self.resolve(text, start, end, true) {
                found.push(hit);
            }
        }
    }
}

/// Whether `c` belongs to a raw word.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '\'' || c == '`';
    }
    c.is_alphanumeric()
        || is_apostrophe(c)
        || unicode_normalization::char::is_combining_mark(c)
        || c == 'ـ'
}

/// What a byte is to [`raw_words`]: 1 an ASCII letter or digit, 3 an
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

fn raw_words(text: &str, start: usize, end: usize, words: &mut Vec<RawWord>) {
    words.clear();
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
    let mut at = start;
    while at < end {
        if BYTE_CLASS[bytes[at] as usize] == 0 {
            at += 1;
            continue;
        }
        let (part, len) = word_char_at(at);
        if !part {
            at += len;
            continue;
        }
        let word_start = at;
        let mut plain = BYTE_CLASS[bytes[at] as usize] == 1;
        at += len;
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
        words.push(RawWord {
            start: word_start,
            end: at,
            plain,
        });
    }
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

/// The normalised words of a sentence, space-padded for whole-word search.
#[derive(Default)]
struct Stream {
    text: String,
    words: Vec<StreamWord>,
    /// For each raw word, whether it is an article (see [`ArticleWord`]).
    articles: Vec<ArticleWord>,
    /// A trailing article already in the stream, dropped as soon as another
    /// word follows it (as [`crate::normalize::canonical_words`] drops it).
    pending_article: bool,
    /// A plain word lower-cased.
    lower: String,
}

impl Stream {
    /// Rebuilds the stream for the raw words of a sentence: each folded as
    /// [`fold`] does, the words canonical as [`canonical_word`] says, in one
    /// pass. Plain ASCII words, nearly all of them, are only lower-cased.
    fn build(&mut self, text: &str, raw: &[RawWord]) {
        self.text.clear();
        self.text.push(' ');
        self.words.clear();
        self.articles.clear();
        self.pending_article = false;
        let mut lower = std::mem::take(&mut self.lower);
        for (i, w) in raw.iter().enumerate() {
            let written = &text[w.start..w.end];
            if w.plain {
                lower.clear();
                lower.push_str(written);
                lower.make_ascii_lowercase();
                self.articles.push(ArticleWord::of(Some(&lower)));
                self.push(&lower, i, text, raw);
                continue;
            }
            // A word may fold to none ("'"), or to several.
            let folded = fold(written);
            let mut parts = folded.split(' ').filter(|p| !p.is_empty());
            let first = parts.next();
            self.articles.push(ArticleWord::of(first));
            for part in first.into_iter().chain(parts) {
                self.push(part, i, text, raw);
            }
        }
        self.lower = lower;
    }

    /// Adds the folded word `word` of raw word `i`.
    fn push(&mut self, word: &str, i: usize, text: &str, raw: &[RawWord]) {
        if std::mem::take(&mut self.pending_article) {
            let article = self
                .words
                .pop()
                .expect("a pending article is in the stream");
            self.text.truncate(article.at);
        }
        match canonical_word(word) {
            CanonicalWord::Article => {
                self.emit(word, i, text, raw);
                self.pending_article = true;
            }
            CanonicalWord::Word(w) => self.emit(w, i, text, raw),
            CanonicalWord::Split(a, b) => {
                self.emit(a, i, text, raw);
                self.emit(b, i, text, raw);
            }
            CanonicalWord::Field => match self.words.last_mut() {
                Some(air) if self.text[air.at..].starts_with("air ") => {
                    air.end = raw[i].end;
                    self.text.truncate(air.at);
                    self.text.push_str("airfield ");
                }
                _ => self.emit(word, i, text, raw),
            },
        }
    }

    /// Appends a word of the stream that stands for raw word `i`.
    fn emit(&mut self, word: &str, i: usize, text: &str, raw: &[RawWord]) {
        // An article dropped just before this word and written onto it
        // ("al-Asad", "Al Anbar") is part of the name as written.
        let article_start = i
            .checked_sub(1)
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
            at: self.text.len(),
            start: raw[i].start,
            end: raw[i].end,
            article_start,
        });
        self.text.push_str(word);
        self.text.push(' ');
    }

    /// The index of the word at stream offset `at`.
    fn word_at(&self, at: usize) -> usize {
        self.words.partition_point(|w| w.at <= at) - 1
    }

    /// The text span of words `first..last`.
    fn span(&self, first: usize, last: usize) -> (usize, usize) {
        let w = self.words[first];
        (w.article_start.unwrap_or(w.start), self.words[last - 1].end)
    }

    /// The end of a feature word ("base", "air base", "province") that
    /// starts at word `next`, if one does.
    fn feature_after(&self, next: usize) -> Option<usize> {
        FEATURE_WORDS.iter().find_map(|feature| {
            let words = self.words.get(next..next + feature.len())?;
            let matches = words.iter().zip(feature.iter()).all(|(w, f)| {
                let word = self.text.get(w.at..w.at + f.len());
                word == Some(*f) && self.text[w.at + f.len()..].starts_with(' ')
            });
            matches.then(|| words[words.len() - 1].end)
        })
    }
}

/// Trims apostrophes and quote marks off both ends of a name, and a
/// possessive `'s` off its end: "‘Ain al-Asad’" → "Ain al-Asad",
/// "Baghdad's" → "Baghdad".
fn trim_name(text: &str, start: usize, end: usize) -> (usize, usize) {
    let name = &text[start..end];
    let trimmed = name.trim_start_matches(is_apostrophe);
    let start = start + (name.len() - trimmed.len());
    let mut name = &text[start..end];
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    if let [.., (a, ap), (_, 's' | 'S')] = chars.as_slice() {
        if is_apostrophe(*ap) && *a >= 3 {
            name = &name[..*a];
        }
    }
    let name = name.trim_end_matches(is_apostrophe);
    (start, start + name.len())
}

/// A place name in running text has a capital letter, unless it is written
/// in a script without case: "hit" is a verb, "Hit" a town.
fn looks_like_a_name(name: &str) -> bool {
    let has_latin = name.chars().any(|c| c.is_ascii_alphabetic());
    !has_latin || name.chars().any(char::is_uppercase)
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_run_filler(word: &str) -> bool {
    with_folded(word, |w| is_article(w) || is_name_neighbour(w))
}

/// Whether raw word `b` continues the capitalised run that `a` ends: one
/// space or hyphen between them, and `b` capitalised or an article.
fn joins_run(text: &str, a: RawWord, b: RawWord) -> bool {
    let gap = &text[a.end..b.start];
    let word = &text[b.start..b.end];
    (gap == " " || gap == "-") && (is_capitalised(word) || is_article_written(word))
}

/// Calls `f` with the word folded: short ASCII words (nearly all) on the
/// stack, without allocating.
fn with_folded<T>(word: &str, f: impl Fn(&str) -> T) -> T {
    let mut buf = [0u8; 16];
    if word.len() <= buf.len() && word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        for (d, s) in buf.iter_mut().zip(word.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        f(std::str::from_utf8(&buf[..word.len()]).expect("ASCII"))
    } else {
        f(&fold(word))
    }
}

fn is_article_written(word: &str) -> bool {
    with_folded(word, is_article)
}

/// The word just before `at` in the sentence and whether only one space or
/// hyphen separates them.
fn word_before(text: &str, sentence_start: usize, at: usize) -> Option<(&str, bool)> {
    let before = &text[sentence_start..at];
    let trimmed = before.trim_end();
    let gap = before.len() - trimmed.len();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c) || c == '.' || c == '-')
        .last()
        .map(|(i, _)| i)?;
    let word = trimmed[start..].trim_matches(|c: char| c == '-' || c == '.');
    Some((word, gap == 1 || (gap == 0 && before.ends_with('-'))))
}

fn word_after(text: &str, at: usize, sentence_end: usize) -> Option<(&str, bool)> {
    let after = &text[at..sentence_end];
    let trimmed = after.trim_start();
    let gap = after.len() - trimmed.len();
    let len: usize = trimmed
        .chars()
        .take_while(|&c| is_word_char(c) || c == '.')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    Some((trimmed[..len].trim_end_matches('.'), gap == 1))
}

/// A place name inside a person's name or title, or inside a longer proper
/// name: "Hafez al-Asad", "President al-Asad", "spokesman al-Asad",
/// "Anbar Governor Ali …", "Jordan Peterson".
fn part_of_longer_name(
    text: &str,
    sentence_start: usize,
    sentence_end: usize,
    start: usize,
    end: usize,
) -> bool {
    if let Some((word, adjacent)) = word_before(text, sentence_start, start) {
        let lower = word.to_lowercase();
        let possessive =
            word.chars().rev().nth(1).is_some_and(is_apostrophe) && word.ends_with(['s', 'S']);
        if PERSON_TITLES.contains(&lower.as_str()) {
            return true;
        }
        if adjacent && is_capitalised(word) && !possessive && !is_name_neighbour(&lower) {
            return true;
        }
    }
    if let Some((word, adjacent)) = word_after(text, end, sentence_end) {
        let lower = word.to_lowercase();
        let lower = lower.as_str();
        let is_feature = FEATURE_WORDS.iter().any(|f| f[0] == lower);
        if adjacent && is_capitalised(word) && !is_feature && !is_name_neighbour(lower) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::places::read_places;

    fn index() -> PlaceIndex {
        let csv = "id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source\n\
            al-asad-air-base,Al-Asad Air Base,base,Al-Asad Airbase;Ain al-Asad;Al-Assad air base,,33.7856,42.4412,Al-Anbar,Iraq,5000,t\n\
            anbar-governorate,Al-Anbar Governorate,governorate,Anbar;Al Anbar;Anbar province,,33.1096,41.5177,Al-Anbar,Iraq,400000,t\n\
            baghdad,Baghdad,city,Bagdad,,33.3406,44.4009,Baghdad,Iraq,20000,t\n\
            hit,Hit,city,Heet,,33.6366,42.8277,Al-Anbar,Iraq,3000,t\n\
            iraq,Iraq,country,,,33.0109,43.7748,,Iraq,572000,t\n\
            jurf-al-sakhar,Jurf al-Sakhar,town,Jurf al Saqr,,32.8667,44.2139,Babil,Iraq,5000,t\n\
            harir-air-base,Harir Air Base,base,,,36.5337,44.3399,Erbil,Iraq,2000,t\n";
        PlaceIndex::new(read_places("p.csv".as_ref(), csv.as_bytes()).unwrap())
    }

    fn names(text: &str) -> Vec<(String, String, String)> {
        let index = index();
        let mut m = Matcher::new(&index);
        m.find(text, 0, text.len())
            .into_iter()
            .map(|f| {
                (
                    text[f.start..f.end].to_string(),
                    f.place.id.clone(),
                    f.match_kind.as_str().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn variants_are_found_with_their_articles() {
        let found =
            names("Rockets hit al-Asad Airbase and Al Anbar, Baghdad's south and Jurf al Saqr.");
        let surfaces: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            surfaces,
            ["al-Asad Airbase", "Al Anbar", "Baghdad", "Jurf al Saqr"]
        );
        assert_eq!(found[0].2, "normalized");
        assert_eq!(found[1].2, "alias");
    }

    #[test]
    fn people_groups_and_verbs_are_not_places() {
        assert!(names("Hafez al-Asad and President al-Asad met; rockets hit a base.").is_empty());
        assert!(
            names("The Anbar Operations Command and the Islamic Resistance in Iraq said.")
                .is_empty()
        );
        assert!(names("Bashar al-Assad spoke.").is_empty());
    }

    #[test]
    fn a_feature_word_after_a_name_is_taken_in() {
        let found = names("A drone struck Harir base on Monday.");
        assert_eq!(found[0].0, "Harir base");
        assert_eq!(found[0].1, "harir-air-base");
    }

    #[test]
    fn a_misspelt_multiword_name_is_found_fuzzily() {
        let found = names("Strikes near Jurf al-Sakher killed two.");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "jurf-al-sakhar");
        assert_eq!(found[0].2, "fuzzy");
    }
}
