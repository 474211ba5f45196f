//! What a place name is doing in its sentence.
//!
//! A sentence is cut into word and punctuation tokens and into clauses (at
//! `;`, `:`, dashes, a comma before "which", "while", "according" …, and
//! the comma that closes a leading "Since …" or "While …"). Then, for each
//! place name, in this order:
//!
//! 1. inside the dateline: `dateline`;
//! 2. inside page furniture: `other`;
//! 3. after "south of", "20 km from", "the border with", before "border",
//!    or right after another place that it contains ("Al-Asad Airbase in
//!    western Iraq", "lies in Anbar province"): `reference`;
//! 4. a possessive ("Iraq's armed forces"): `other`;
//! 5. tied to a strike or attack word: `event_location`. The tie is the
//!    nearest event word before the name in its clause (within
//!    [`TIE_WORDS`] words), or failing that the nearest after it in the
//!    sentence; the name must stand where an event happens (after "in",
//!    "at", "near", "against", an event verb, or "and" after a tied name,
//!    or as the subject of "was hit", "came under attack"); and the event
//!    word must report one event, not a tally ("66 times", "a series of
//!    attacks", "three earlier airstrikes", "has targeted", "to attack",
//!    "until now");
//! 6. anything else: `other`.

use std::ops::Range;

use crate::model::{EventKind, PlaceKind};

use super::lexicon::{
    event_word, is_locative, is_skipped_before, number, AGGREGATE_BEFORE, AGGREGATE_CLAUSE,
    CLAUSE_OPENERS, CONTAINER_LINKS, COUNT_NOUNS, DIRECTIONS, PASSIVE_AFTER, SUBORDINATORS,
    WEAPON_WORDS,
};
use super::lower::lower_form;
use super::Role;

/// Most words between an event word and the place it is tied to.
pub const TIE_WORDS: usize = 20;

/// Words looked at around an event word for signs of a tally.
const TALLY_WINDOW: usize = 4;

/// A word or punctuation mark of a sentence.
#[derive(Clone, Debug)]
pub struct Token<'t> {
    /// Start in the text.
    pub start: usize,
    /// End in the text.
    pub end: usize,
    /// The token as written.
    pub text: &'t str,
    /// Lower case, without a possessive `'s`; see [`Token::lower`].
    lowered: &'t str,
    /// A word (else a punctuation mark).
    pub word: bool,
    /// Written with a possessive `'s`.
    pub possessive: bool,
}

fn is_apostrophe(c: char) -> bool {
    crate::normalize::is_apostrophe(c)
}

/// The tokens of `text[start..end]`. Hyphens, apostrophes, periods and
/// colons between letters or digits stay inside a word ("Iran-backed",
/// "Qa’im", "U.S.", "09:44"); a period closing a dotted abbreviation too.
/// `lowered` holds the lower-case forms of capitalised words.
pub fn tokenize<'t>(
    text: &'t str,
    start: usize,
    end: usize,
    lowered: &'t mut String,
) -> Vec<Token<'t>> {
    let body = &text[start..end];
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(body.len() / 5);
    lowered.clear();
    // The whole sentence lower-cased in one pass: an ASCII word's form is
    // read from here rather than copied and lower-cased word by word.
    lowered.push_str(body);
    lowered.make_ascii_lowercase();
    // Tokens whose lower-case form is in `lowered`, set once it is whole.
    let mut in_buffer: Vec<(usize, Range<usize>)> = Vec::new();
    let mut push = |s: usize, e: usize, word: bool| {
        let (t, form) = token(body, start, s, e, word, lowered);
        if let Some(form) = form {
            in_buffer.push((out.len(), form));
        }
        out.push(t);
    };
    // Byte by byte: only a non-ASCII character is decoded.
    let char_at = |i: usize| -> char {
        match bytes[i] {
            b if b.is_ascii() => b as char,
            _ => body[i..].chars().next().expect("at a character boundary"),
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let c = char_at(i);
        let len = c.len_utf8();
        if c.is_whitespace() {
            i += len;
            continue;
        }
        if !c.is_alphanumeric() {
            push(i, i + len, false);
            i += len;
            continue;
        }
        let mut e = i + len;
        let mut dotted = false;
        while e < bytes.len() {
            if bytes[e].is_ascii_alphanumeric() {
                e += 1;
                continue;
            }
            let c = char_at(e);
            let after = e + c.len_utf8();
            let joins = matches!(c, '-' | '.' | ':') || is_apostrophe(c);
            // No ASCII character is a combining mark: the table look-up is
            // for the rest.
            let mark = !c.is_ascii() && unicode_normalization::char::is_combining_mark(c);
            if c.is_alphanumeric() || mark {
                e = after;
            } else if joins && after < bytes.len() && char_at(after).is_alphanumeric() {
                dotted |= c == '.';
                e = after;
            } else {
                break;
            }
        }
        // "U.S." keeps its last period.
        if dotted && bytes.get(e) == Some(&b'.') {
            e += 1;
        }
        push(i, e, true);
        i = e;
    }
    let lowered: &'t String = lowered;
    for (k, form) in in_buffer {
        out[k].lowered = &lowered[form];
    }
    out
}

/// The token `body[s..e]`, where `body` starts at `start` in the text, and
/// where in `lowered` its lower-case form lies if it is not the text's.
fn token<'t>(
    body: &'t str,
    start: usize,
    s: usize,
    e: usize,
    word: bool,
    lowered: &mut String,
) -> (Token<'t>, Option<Range<usize>>) {
    let written = &body[s..e];
    let in_buffer = lower_form(written, s, lowered);
    let lower = in_buffer.clone().map_or(written, |r| &lowered[r]);
    let (len, possessive) = without_possessive(lower, word);
    let token = Token {
        start: start + s,
        end: start + e,
        text: written,
        // Set by the caller when the form is in the buffer.
        lowered: if in_buffer.is_some() {
            ""
        } else {
            &written[..len]
        },
        word,
        possessive,
    };
    (token, in_buffer.map(|r| r.start..r.start + len))
}

/// The length of `lower` without a possessive `'s`, and whether it had one.
fn without_possessive(mut lower: &str, word: bool) -> (usize, bool) {
    let mut possessive = false;
    for suffix in ["'s", "’s"] {
        if word && lower.len() > suffix.len() + 2 && lower.ends_with(suffix) {
            lower = &lower[..lower.len() - suffix.len()];
            possessive = true;
        }
    }
    (lower.len(), possessive)
}

impl Token<'_> {
    /// Lower case, without a possessive `'s`.
    pub fn lower(&self) -> &str {
        self.lowered
    }
}

/// The kind of event a token reports, if it is an event word: `Some(None)`
/// for a word that reports either ("hit").
// Inline: it runs for every token of a sentence, and the call cost about an
// eighth of it.
#[inline]
pub fn event_class(token: &Token<'_>) -> Option<Option<EventKind>> {
    if !token.word {
        return None;
    }
    event_word(token.lower()).or_else(|| {
        // Only a compound ("Iran-backed") has a last part of its own. A
        // byte loop: the words are short, a search routine's set-up is not.
        if !token.lower().bytes().any(|b| b == b'-') {
            return None;
        }
        let last = token.lower().rsplit('-').next()?;
        (last != token.lower()).then(|| event_word(last)).flatten()
    })
}

/// A place name's tokens and kind, as [`assign`] needs them.
#[derive(Clone, Copy, Debug)]
pub struct NameAt {
    /// First token of the name.
    pub first: usize,
    /// Last token of the name.
    pub last: usize,
    /// What kind of place it names.
    pub kind: PlaceKind,
}

/// The role of one name, and for an event location the event word.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Assigned {
    /// The role.
    pub role: Role,
    /// The event word's token, for `event_location`.
    pub event_token: Option<usize>,
    /// The kind of event, when the words say.
    pub kind: Option<EventKind>,
}

/// A sentence's tokens with their clauses and event words.
pub struct SentenceView<'s, 't> {
    /// The tokens.
    pub tokens: &'s [Token<'t>],
    clause: Vec<usize>,
    events: Vec<Option<Option<EventKind>>>,
}

impl<'s, 't> SentenceView<'s, 't> {
    /// Reads the clauses and event words of a sentence.
    pub fn new(tokens: &'s [Token<'t>]) -> Self {
        let mut clause = Vec::with_capacity(tokens.len());
        let mut c = 0;
        let mut leading_subordinate = tokens
            .iter()
            .find(|t| t.word)
            .is_some_and(|t| SUBORDINATORS.contains(&t.lower()));
        for (k, t) in tokens.iter().enumerate() {
            clause.push(c);
            if t.word {
                continue;
            }
            let next_word = tokens[k + 1..].iter().find(|t| t.word).map(|t| t.lower());
            let breaks = match t.text {
                ";" | ":" | "—" | "–" | "-" => true,
                "," => {
                    let opener = next_word.is_some_and(|w| CLAUSE_OPENERS.contains(&w));
                    let closes = leading_subordinate;
                    leading_subordinate = false;
                    opener || closes
                }
                _ => false,
            };
            if breaks {
                c += 1;
            }
        }
        let events = tokens.iter().map(event_class).collect();
        SentenceView {
            tokens,
            clause,
            events,
        }
    }

    /// Whether token `k` reports an event.
    pub fn is_event(&self, k: usize) -> bool {
        self.events[k].is_some()
    }

    /// The kind of the event word at `k`: its own, or for a word that
    /// reports either, that of the nearest event word that says.
    pub fn kind_of(&self, k: usize) -> Option<EventKind> {
        if let Some(Some(kind)) = self.events[k] {
            return Some(kind);
        }
        (1..self.tokens.len()).find_map(|d| {
            [k.checked_sub(d), Some(k + d)]
                .into_iter()
                .flatten()
                .find_map(|j| self.events.get(j).copied().flatten().flatten())
        })
    }

    /// Up to `n` word tokens before `k` in its clause, nearest first.
    fn words_before(&self, k: usize, n: usize) -> Vec<usize> {
        (0..k)
            .rev()
            .take_while(|&j| self.clause[j] == self.clause[k])
            .filter(|&j| self.tokens[j].word)
            .take(n)
            .collect()
    }

    fn words_after(&self, k: usize, n: usize) -> Vec<usize> {
        (k + 1..self.tokens.len())
            .take_while(|&j| self.clause[j] == self.clause[k])
            .filter(|&j| self.tokens[j].word)
            .take(n)
            .collect()
    }

    fn lower(&self, k: usize) -> &str {
        self.tokens[k].lower()
    }

    /// A number that is a count, not part of a date or a year.
    fn is_count(&self, k: usize) -> bool {
        let Some(n) = number(self.lower(k)) else {
            return false;
        };
        let year = (1900..=2200).contains(&n) && self.lower(k).len() == 4;
        let by_month = [k.checked_sub(1), Some(k + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| self.tokens.get(j))
            .any(|t| super::dates::is_calendar_word(t.lower().trim_end_matches('.')));
        n >= 2 && !year && !by_month
    }

    /// Whether the event word at `k` reports many events or a habit rather
    /// than one event.
    pub fn is_tally(&self, k: usize) -> bool {
        let word = self.lower(k);
        if WEAPON_WORDS.contains(&word) {
            return false;
        }
        // Read in place: collecting the clause's words cost an allocation
        // and a pass over them for every phrase, at every event word.
        let mut clause_words = (0..self.tokens.len())
            .filter(|&j| self.clause[j] == self.clause[k] && self.tokens[j].word)
            .map(|j| self.lower(j));
        while let Some(first) = clause_words.next() {
            let opens = |phrase: &&[&str]| {
                phrase[0] == first
                    && clause_words
                        .clone()
                        .take(phrase.len() - 1)
                        .eq(phrase[1..].iter().copied())
            };
            if AGGREGATE_CLAUSE.iter().any(opens) {
                return true;
            }
        }
        // The words that modify this event word: those before it, up to
        // another event word ("several rockets struck": "several" counts
        // rockets, not strikes).
        let before: Vec<usize> = self
            .words_before(k, TALLY_WINDOW)
            .into_iter()
            .take_while(|&j| !self.is_event(j))
            .collect();
        // A number before a verb counts its subject ("16 people were
        // killed"); before a noun, the events ("151 attacks").
        let noun = matches!(
            word,
            "strike"
                | "strikes"
                | "attack"
                | "attacks"
                | "airstrike"
                | "airstrikes"
                | "raid"
                | "raids"
                | "bombing"
                | "bombings"
                | "bombardment"
                | "counterstrike"
                | "counterstrikes"
        );
        if before
            .iter()
            .any(|&j| AGGREGATE_BEFORE.contains(&self.lower(j)) || (noun && self.is_count(j)))
        {
            return true;
        }
        let after = self.words_after(k, TALLY_WINDOW);
        let counted = after
            .windows(2)
            .any(|w| self.is_count(w[0]) && COUNT_NOUNS.contains(&self.lower(w[1])));
        if counted || after.first().is_some_and(|&j| self.lower(j) == "since") {
            return true;
        }
        let singular = matches!(
            word,
            "strike"
                | "attack"
                | "airstrike"
                | "raid"
                | "bombing"
                | "bombardment"
                | "counterstrike"
        );
        let perfect = before
            .iter()
            .any(|&j| matches!(self.lower(j), "has" | "have" | "had"));
        if perfect && !singular {
            return true;
        }
        let base_verb = matches!(
            word,
            "attack" | "strike" | "hit" | "bomb" | "shell" | "raid" | "retaliate" | "target"
        );
        base_verb && before.first().is_some_and(|&j| self.lower(j) == "to")
    }
}

fn rank(kind: PlaceKind) -> u8 {
    match kind {
        PlaceKind::Base | PlaceKind::Site => 0,
        PlaceKind::Town | PlaceKind::City => 1,
        PlaceKind::Governorate => 2,
        PlaceKind::Country => 3,
    }
}

/// Assigns a role to each name of a sentence. `dateline` is the dateline's
/// span if it overlaps the sentence; `furniture` whether the sentence is
/// page furniture.
pub fn assign(
    view: &SentenceView<'_, '_>,
    names: &[NameAt],
    dateline: Option<(usize, usize)>,
    furniture: bool,
) -> Vec<Assigned> {
    let tokens = view.tokens;
    let mut out: Vec<Assigned> = Vec::with_capacity(names.len());
    for (m, name) in names.iter().enumerate() {
        let plain = |role| Assigned {
            role,
            event_token: None,
            kind: None,
        };
        let start = tokens[name.first].start;
        if dateline.is_some_and(|(s, e)| s <= start && start < e) {
            out.push(plain(Role::Dateline));
            continue;
        }
        if furniture {
            out.push(plain(Role::Other));
            continue;
        }
        let previous = m.checked_sub(1).map(|p| (names[p], out[p]));
        if is_reference(view, name, previous.map(|p| p.0)) {
            out.push(plain(Role::Reference));
            continue;
        }
        // "Iraq's armed forces" names no place where anything happened;
        // "near the embassy in Baghdad's Green Zone" does.
        if tokens[name.last].possessive && !stands_where_events_happen(view, name.first, false) {
            out.push(plain(Role::Other));
            continue;
        }
        let tied_before = previous.is_some_and(|(_, a)| a.role == Role::EventLocation);
        let assigned = match tie(view, name, tied_before) {
            Some(k) => Assigned {
                role: Role::EventLocation,
                event_token: Some(k),
                kind: view.kind_of(k),
            },
            None => plain(Role::Other),
        };
        out.push(assigned);
    }
    out
}

/// The token before `first`, skipping articles, parts of a place and
/// closeness words.
fn word_before_name(view: &SentenceView<'_, '_>, first: usize) -> Option<usize> {
    (0..first).rev().find(|&j| {
        let t = &view.tokens[j];
        let quote = !t.word && matches!(t.text, "“" | "‘" | "\"" | "'" | "(");
        !(quote || (t.word && is_skipped_before(t.lower())))
    })
}

fn is_reference(view: &SentenceView<'_, '_>, name: &NameAt, previous: Option<NameAt>) -> bool {
    let tokens = view.tokens;
    let word = |k: Option<usize>| k.and_then(|k| tokens.get(k)).map(|t| t.lower());
    // "south of X", "20 km from X", "the border with X"
    let mut b1 = name.first.checked_sub(1);
    if word(b1) == Some("the") {
        b1 = b1.and_then(|k| k.checked_sub(1));
    }
    let b2 = b1.and_then(|k| k.checked_sub(1));
    if word(b1) == Some("of") && word(b2).is_some_and(|w| DIRECTIONS.contains(&w)) {
        return true;
    }
    let unit = word(b2).is_some_and(|w| {
        matches!(w, "km" | "kilometres" | "kilometers" | "miles" | "mi") || w.ends_with("km")
    });
    if word(b1) == Some("from") && unit {
        return true;
    }
    if matches!(word(b1), Some("with" | "between"))
        && matches!(word(b2), Some("border" | "borders" | "frontier"))
    {
        return true;
    }
    if matches!(
        word(Some(name.last + 1)),
        Some("border" | "borders" | "frontier")
    ) {
        return true;
    }
    // "Al-Asad Airbase in western Iraq": a larger place right after a smaller.
    if let Some(p) = previous {
        if rank(name.kind) > rank(p.kind) && p.last < name.first {
            let between: Vec<&str> = tokens[p.last + 1..name.first]
                .iter()
                .map(|t| t.lower())
                .filter(|w| *w != "the" && !crate::geocode::PART_WORDS.contains(w))
                .collect();
            let linked = CONTAINER_LINKS.iter().any(|link| between == *link);
            let comma_only = between == [","];
            if linked && (!comma_only || rank(name.kind) >= 2) {
                return true;
            }
        }
    }
    false
}

/// Whether the word before a name puts it where events happen: "in",
/// "at", "near", an event verb, or "and" after a name that is an event
/// location.
fn stands_where_events_happen(
    view: &SentenceView<'_, '_>,
    first: usize,
    tied_before: bool,
) -> bool {
    match word_before_name(view, first) {
        Some(j) => {
            let t = &view.tokens[j];
            (t.word && is_locative(t.lower()))
                || view.is_event(j)
                || (tied_before && matches!(t.lower(), "and" | "or" | ","))
        }
        None => false,
    }
}

/// The event word a name is tied to, if it is an event location.
fn tie(view: &SentenceView<'_, '_>, name: &NameAt, tied_before: bool) -> Option<usize> {
    let tokens = view.tokens;
    let stands_at = stands_where_events_happen(view, name.first, tied_before);
    let clause = view.clause[name.first];
    let mut words = 0;
    let mut before = None;
    for j in (0..name.first).rev() {
        if view.clause[j] != clause || words > TIE_WORDS {
            break;
        }
        if view.is_event(j) {
            before = Some(j);
            break;
        }
        words += usize::from(tokens[j].word);
    }
    if let Some(k) = before {
        return (stands_at && !view.is_tally(k)).then_some(k);
    }
    // The subject of "was hit", "came under attack", also past a relative
    // clause: "Al-Asad Airbase, which hosts U.S. troops, was attacked".
    let subject = word_before_name(view, name.first).is_none();
    let passive = subject
        && (name.last + 1..tokens.len()).any(|j| {
            PASSIVE_AFTER.contains(&tokens[j].lower())
                && (j + 1..(j + 4).min(tokens.len())).any(|e| view.is_event(e))
        });
    if !stands_at && !passive {
        return None;
    }
    let mut words = 0;
    for (j, t) in tokens.iter().enumerate().skip(name.last + 1) {
        if words > TIE_WORDS || matches!(t.text, ";" | "—" | "–" | ":") {
            break;
        }
        if view.is_event(j) {
            return (!view.is_tally(j)).then_some(j);
        }
        words += usize::from(t.word);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str, names: &[(&str, PlaceKind)]) -> Vec<Role> {
        let mut lowered = String::new();
        let tokens = tokenize(text, 0, text.len(), &mut lowered);
        let view = SentenceView::new(&tokens);
        let at: Vec<NameAt> = names
            .iter()
            .map(|(n, kind)| {
                let s = text.find(n).unwrap();
                let e = s + n.len();
                let first = tokens.iter().position(|t| t.end > s).unwrap();
                let last = tokens.iter().rposition(|t| t.start < e).unwrap();
                NameAt {
                    first,
                    last,
                    kind: *kind,
                }
            })
            .collect();
        assign(&view, &at, None, false)
            .into_iter()
            .map(|a| a.role)
            .collect()
    }

    #[test]
    fn tokens_keep_compounds_and_abbreviations() {
        let text = "U.S. jets hit Iran-backed sites, Iraq's “Al-Qa’im” 09:44.";
        let mut lowered = String::new();
        let words: Vec<&str> = tokenize(text, 0, text.len(), &mut lowered)
            .iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            words,
            [
                "U.S.",
                "jets",
                "hit",
                "Iran-backed",
                "sites",
                ",",
                "Iraq's",
                "“",
                "Al-Qa’im",
                "”",
                "09:44",
                "."
            ]
        );
    }

    #[test]
    fn events_references_and_tallies() {
        use PlaceKind::*;
        assert_eq!(
            roles(
                "Jets struck two sites near Jurf al-Sakhar, south of Baghdad.",
                &[("Jurf al-Sakhar", Town), ("Baghdad", City)]
            ),
            [Role::EventLocation, Role::Reference]
        );
        assert_eq!(
            roles(
                "A rocket attack on Al-Asad Airbase in western Iraq hurt four.",
                &[("Al-Asad Airbase", Base), ("Iraq", Country)]
            ),
            [Role::EventLocation, Role::Reference]
        );
        assert_eq!(
            roles(
                "US forces in Iraq and Syria have been attacked 66 times.",
                &[("Iraq", Country), ("Syria", Country)]
            ),
            [Role::Other, Role::Other]
        );
        assert_eq!(
            roles(
                "Since a Hamas attack on Israel, troops in Iraq have been attacked often.",
                &[("Iraq", Country)]
            ),
            [Role::Other]
        );
        assert_eq!(
            roles(
                "Militants used the site to attack forces in Syria.",
                &[("Syria", Country)]
            ),
            [Role::Other]
        );
        assert_eq!(
            roles("The strikes angered Baghdad.", &[("Baghdad", City)]),
            [Role::Other]
        );
        assert_eq!(
            roles(
                "Ain al-Asad was hit by rockets on Monday.",
                &[("Ain al-Asad", Base)]
            ),
            [Role::EventLocation]
        );
    }
}
