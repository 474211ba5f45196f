//! Finding place names in running text.
//!
//! Every spelling the place table knows is normalised once (the same
//! [`normalize`] the geocoder uses) and
//! compiled with the names of look-alike actors into one Aho–Corasick
//! automaton. The sentences of a report are folded word by word into the
//! same normal form (`stream`), each word keeping the byte span it
//! came from, and the automaton runs once over each run of sentences of
//! `RUN_BYTES`, its hits then sorted back into their sentences. Each hit is checked where it stands (a place name needs a
//! capital letter; one inside a person's or a group's name is not a place)
//! and then resolved through [`PlaceIndex::resolve`], which decides the
//! place and how the name matched. Capitalised runs of two or more words
//! that the automaton did not find are offered to the geocoder's fuzzy
//! stage, so a misspelling ("Jurf al-Sakher") is still found.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind as AcMatchKind};

use crate::geocode::{CachedResolver, PlaceIndex};
use crate::model::{MatchKind, Place};
use crate::normalize::{fold, is_apostrophe, is_article, normalize};

use super::lexicon::{is_name_neighbour, ACTOR_NAMES, PERSON_TITLES};
use super::lower::push_lower;
use super::sentences::Sentence;
use super::stream::{is_word_char, RawWord, Stream};

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

/// Sentences are read in runs of at least this many bytes: one automaton
/// run over each run's stream, whose buffers stay small enough to stay in
/// cache however long the report.
const RUN_BYTES: usize = 64 << 10;

/// A fuzzy candidate needs this many letters once normalised: shorter names
/// get no edits in the geocoder anyway.
const FUZZY_MIN_LETTERS: usize = 6;

/// A place name found in a text, before its role is decided.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    /// Index of the sentence it stands in.
    pub sentence: usize,
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
    /// Buffers reused from run to run, so that reading a report allocates
    /// little once they have grown.
    stream: Stream,
    hits: Vec<(usize, usize, Pattern)>,
    taken: Vec<(usize, usize)>,
    in_sentence: Vec<Found<'a>>,
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
            stream: Stream::default(),
            hits: Vec::new(),
            taken: Vec::new(),
            in_sentence: Vec::new(),
        }
    }

    /// Every place name in `text[start..end]` (one sentence), in order.
    pub fn find(&mut self, text: &str, start: usize, end: usize) -> Vec<Found<'a>> {
        let sentence = Sentence {
            start,
            end,
            heading: false,
        };
        self.find_all(text, &[sentence])
    }

    /// Every place name in the sentences of `text`, in order.
    pub fn find_all(&mut self, text: &str, sentences: &[Sentence]) -> Vec<Found<'a>> {
        let mut found = Vec::new();
        let mut stream = std::mem::take(&mut self.stream);
        let mut first = 0;
        while first < sentences.len() {
            stream.clear();
            let mut next = first;
            while next < sentences.len() && (next == first || stream.text.len() < RUN_BYTES) {
                let s = sentences[next];
                stream.push_sentence(text, s.start, s.end);
                next += 1;
            }
            self.find_in_run(text, &stream, first, &mut found);
            first = next;
        }
        self.stream = stream;
        found
    }

    /// The place names of a run of sentences, the first of them sentence
    /// `first`, appended to `found`.
    fn find_in_run(
        &mut self,
        text: &str,
        stream: &Stream,
        first: usize,
        found: &mut Vec<Found<'a>>,
    ) {
        let mut hits = std::mem::take(&mut self.hits);
        hits.clear();
        hits.extend(self.automaton.find_overlapping_iter(&stream.text).map(|m| {
            let first = stream.word_at(m.start() + 1);
            let last = stream.word_at(m.end() - 2);
            (first, last + 1, self.patterns[m.pattern().as_usize()])
        }));
        // Longest first at each start; an actor's name wins over a place
        // name it contains.
        hits.sort_by(|a, b| a.0.cmp(&b.0).then((b.1 - b.0).cmp(&(a.1 - a.0))));
        let mut taken = std::mem::take(&mut self.taken);
        let mut in_sentence = std::mem::take(&mut self.in_sentence);
        let mut next_hit = 0;
        let mut covered_until = 0;
        for (k, s) in stream.sentences.iter().enumerate() {
            let (start, end) = s.span;
            taken.clear();
            in_sentence.clear();
            while let Some(&(first_word, last, pattern)) =
                hits.get(next_hit).filter(|h| h.0 < s.words.end)
            {
                next_hit += 1;
                if first_word < covered_until {
                    continue;
                }
                covered_until = last;
                let span = stream.span(first_word, last);
                taken.push(span);
                if pattern == Pattern::Actor {
                    continue;
                }
                let feature_end = stream.feature_after(last, s.words.end, FEATURE_WORDS);
                if let Some(hit) = self.place_at(text, start, end, span, feature_end) {
                    in_sentence.push(hit);
                }
            }
            let raw = &stream.raw[s.raw.clone()];
            self.fuzzy_runs(text, start, end, raw, &taken, &mut in_sentence);
            in_sentence.sort_by_key(|f| f.start);
            found.extend(in_sentence.drain(..).map(|f| Found {
                sentence: first + k,
                ..f
            }));
        }
        self.hits = hits;
        self.taken = taken;
        self.in_sentence = in_sentence;
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
            // Set when the sentence's names are gathered.
            sentence: 0,
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

/// Trims apostrophes and quote marks off both ends of a name, and a
/// possessive `'s` off its end: "‘Ain al-Asad’" → "Ain al-Asad",
/// "Baghdad's" → "Baghdad".
fn trim_name(text: &str, start: usize, end: usize) -> (usize, usize) {
    let name = &text[start..end];
    let trimmed = name.trim_start_matches(is_apostrophe);
    let start = start + (name.len() - trimmed.len());
    let mut name = &text[start..end];
    let mut last = name.char_indices().rev();
    if let (Some((_, 's' | 'S')), Some((a, ap))) = (last.next(), last.next()) {
        if is_apostrophe(ap) && a >= 3 {
            name = &name[..a];
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
    // A word in lower case already, as most are, is borrowed: no
    // allocation for it.
    let mut buffer = String::new();
    if let Some((word, adjacent)) = word_before(text, sentence_start, start) {
        let lower = push_lower(word, &mut buffer).map_or(word, |r| &buffer[r]);
        let possessive =
            word.chars().rev().nth(1).is_some_and(is_apostrophe) && word.ends_with(['s', 'S']);
        if PERSON_TITLES.contains(&lower) {
            return true;
        }
        if adjacent && is_capitalised(word) && !possessive && !is_name_neighbour(lower) {
            return true;
        }
    }
    if let Some((word, adjacent)) = word_after(text, end, sentence_end) {
        let lower = push_lower(word, &mut buffer).map_or(word, |r| &buffer[r]);
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
