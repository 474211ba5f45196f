//! Reading an event's details from the sentence that reports it: date,
//! subtype, actor, target and casualty figures. Whatever the sentence does
//! not say stays empty.

use crate::model::EventKind;

use super::dates::{find_dates, Anchor, Date, DateExpr, DateMention};
use super::lexicon::{
    number, ACTORS, INJURED_FILTER, INJURED_WORDS, KILLED_FILTER, KILLED_WORDS, STRIKE_SUBTYPES,
    VAGUE_COUNTS,
};
use super::roles::{NameAt, SentenceView, Token};
use super::word_filter::WordFilter;

/// A casualty figure: the most conservative and the highest number given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figure {
    /// Lowest number reported, if any.
    pub low: Option<u32>,
    /// Highest number reported, if any.
    pub high: Option<u32>,
}

impl Figure {
    fn is_empty(self) -> bool {
        self.low.is_none() && self.high.is_none()
    }
}

/// What one sentence says about the event it reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    /// The event's date, when the sentence (with the dateline) gives one.
    pub date: Option<Date>,
    /// How the date was read, for the draft's notes.
    pub date_note: Option<String>,
    /// Subtype from the events file's vocabulary, or empty.
    pub subtype: String,
    /// Who carried it out, or empty.
    pub actor: String,
    /// What was hit, as written, or empty.
    pub target: String,
    /// People killed.
    pub killed: Figure,
    /// People injured.
    pub injured: Figure,
    /// The event word has a definite article or demonstrative ("the
    /// strikes", "these strikes"): it points back at an event reported
    /// before, whose date it shares.
    pub definite: bool,
}

/// What a sentence says whatever place it is read for: its dates (periods'
/// bounds left out) and casualty figures, read once for all its sightings.
#[derive(Clone, Debug, Default)]
pub struct SentenceFacts {
    dates: Vec<DateMention>,
    killed: Figure,
    injured: Figure,
}

impl SentenceFacts {
    /// Reads the dates and the casualty figures of one sentence.
    pub fn read(text: &str, (start, end): (usize, usize), tokens: &[Token<'_>]) -> Self {
        let counts = counts(tokens);
        SentenceFacts {
            dates: find_dates(&text[start..end])
                .into_iter()
                .filter(|d| !d.bounds_period)
                .collect(),
            killed: figure(tokens, &counts, (&KILLED_FILTER, KILLED_WORDS)),
            injured: figure(tokens, &counts, (&INJURED_FILTER, INJURED_WORDS)),
        }
    }
}

/// Reads the details of the event at token `event` for the place `name`,
/// with the sentence's `facts`.
#[allow(clippy::too_many_arguments)]
pub fn read(
    text: &str,
    sentence: (usize, usize),
    view: &SentenceView<'_, '_>,
    facts: &SentenceFacts,
    name: &NameAt,
    event: usize,
    kind: Option<EventKind>,
    anchor: &Anchor,
) -> Details {
    let tokens = view.tokens;
    let (date, date_note) = date_of(text, sentence, tokens, &facts.dates, name, anchor);
    let definite = (event.saturating_sub(3)..event).any(|j| {
        matches!(
            tokens[j].lower(),
            "the" | "these" | "this" | "those" | "that"
        )
    });
    Details {
        date,
        date_note,
        subtype: kind.map(|k| subtype(tokens, k)).unwrap_or_default(),
        actor: kind.map(|k| actor(tokens, event, k)).unwrap_or_default(),
        target: target(text, tokens, event, name),
        killed: facts.killed,
        injured: facts.injured,
        definite,
    }
}

fn date_of(
    text: &str,
    (start, _): (usize, usize),
    tokens: &[Token<'_>],
    found: &[DateMention],
    name: &NameAt,
    anchor: &Anchor,
) -> (Option<Date>, Option<String>) {
    let speech = found
        .iter()
        .any(|d| matches!(d.expr, DateExpr::DaysBefore(_)))
        .then(|| {
            found
                .iter()
                .find(|d| matches!(d.expr, DateExpr::Weekday(_)))
                .and_then(|d| anchor.resolve(d.expr, None))
        })
        .flatten();
    let name_at = tokens[name.first].start - start;
    let nearest = found.iter().min_by_key(|d| {
        if d.start >= name_at {
            d.start - name_at
        } else {
            name_at - d.end
        }
    });
    let Some(chosen) = nearest else {
        return (None, None);
    };
    let written = &text[start + chosen.start..start + chosen.end];
    let date = match chosen.expr {
        // "last night" is the night before the day someone spoke.
        DateExpr::DaysBefore(_) => anchor.resolve(chosen.expr, speech),
        _ => anchor.resolve(chosen.expr, None),
    };
    let note = match (date, chosen.expr) {
        (None, _) => format!("date not drafted: '{written}' with no dateline date to count from"),
        (Some(_), DateExpr::Full(_)) => format!("date from '{written}'"),
        (Some(_), DateExpr::MonthDay { .. }) => format!(
            "date from '{written}', year {}",
            if anchor.date.is_some() {
                "of the dateline"
            } else {
                "of the copyright line"
            }
        ),
        (Some(_), _) => format!(
            "date from '{written}' counted back from {}",
            match (speech, chosen.expr) {
                (Some(day), DateExpr::DaysBefore(_)) => format!("the day of speaking, {day}"),
                _ => format!(
                    "the dateline, {}",
                    anchor.date.map(|d| d.to_string()).unwrap_or_default()
                ),
            }
        ),
    };
    (date, Some(note))
}

/// Whether the words of `words` stand at token `at`.
fn words_at(tokens: &[Token<'_>], at: usize, words: &[&str]) -> bool {
    tokens
        .get(at..at + words.len())
        .is_some_and(|ts| ts.iter().zip(words).all(|(t, x)| t.lower() == *x))
}

/// Rules out the tokens at which no strike subtype starts.
const STRIKE_SUBTYPE_FILTER: WordFilter = WordFilter::of_first_words(STRIKE_SUBTYPES);

fn subtype(tokens: &[Token<'_>], kind: EventKind) -> String {
    match kind {
        EventKind::Strike => {
            // One pass over the tokens rather than one for each subtype: at
            // each token that may start one, the first listed subtype found
            // so far is the one to beat.
            let mut first = STRIKE_SUBTYPES.len();
            for (at, t) in tokens.iter().enumerate() {
                if !STRIKE_SUBTYPE_FILTER.may_hold(t.lower()) {
                    continue;
                }
                if let Some(n) = STRIKE_SUBTYPES[..first]
                    .iter()
                    .position(|(words, _)| words_at(tokens, at, words))
                {
                    first = n;
                }
            }
            STRIKE_SUBTYPES
                .get(first)
                .map(|(_, s)| s.to_string())
                .unwrap_or_default()
        }
        EventKind::Attack => {
            let (mut ballistic, mut rocket, mut drone) = (false, false, false);
            for t in tokens {
                match t.lower() {
                    "ballistic" => ballistic = true,
                    "rocket" | "rockets" => rocket = true,
                    "drone" | "drones" | "uav" | "uavs" => drone = true,
                    _ => {}
                }
            }
            match (ballistic, rocket, drone) {
                (true, true, _) => "ballistic missile and rocket",
                (true, false, _) => "ballistic missile",
                (false, true, true) => "rocket and drone",
                (false, true, false) => "rocket",
                (false, false, true) => "drone",
                _ => "",
            }
            .to_string()
        }
    }
}

/// Who carried out the event: an actor of the event's side named after
/// "by", or named before the event word and not as its target.
fn actor(tokens: &[Token<'_>], event: usize, kind: EventKind) -> String {
    let mut hits: Vec<(usize, &str)> = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        // Every actor's name starts with a capital letter.
        if !tokens[k].text.starts_with(|c: char| c.is_uppercase()) {
            k += 1;
            continue;
        }
        let best = ACTORS
            .iter()
            .filter(|(_, side, _)| *side == kind)
            .flat_map(|(spellings, _, name)| spellings.iter().map(move |s| (s, name)))
            .filter(|(written, _)| spelled_at(tokens, k, written))
            .map(|(written, name)| (written.split(' ').count(), *name))
            .max_by_key(|&(len, _)| len);
        match best {
            Some((len, name)) => {
                hits.push((k, name));
                k += len;
            }
            None => k += 1,
        }
    }
    let before_word = |k: usize| k.checked_sub(1).map(|j| tokens[j].lower());
    if let Some(&(_, name)) = hits.iter().find(|&&(k, _)| before_word(k) == Some("by")) {
        return name.to_string();
    }
    hits.iter()
        .rev()
        .find(|&&(k, _)| {
            k < event
                && !matches!(
                    before_word(k),
                    Some(
                        "against"
                            | "on"
                            | "at"
                            | "targeting"
                            | "targeted"
                            | "for"
                            | "with"
                            | "and"
                            | "to"
                    )
                )
        })
        .map(|&(_, name)| name.to_string())
        .unwrap_or_default()
}

/// Whether the words of `written` (split at spaces, as the tokenizer
/// splits "U.S. Central Command") stand at token `k`.
fn spelled_at(tokens: &[Token<'_>], k: usize, written: &str) -> bool {
    // Word by word without splitting: this runs for every capitalised
    // token against every spelling of every actor.
    let mut rest = written;
    for t in tokens.get(k..).unwrap_or_default() {
        let Some(after) = rest.strip_prefix(t.text) else {
            return false;
        };
        match after.strip_prefix(' ') {
            None => return after.is_empty(),
            Some(next) => rest = next,
        }
    }
    false
}

const TARGET_STOPS: &[&str] = &[
    "in",
    "at",
    "near",
    "on",
    "used",
    "which",
    "where",
    "by",
    "south",
    "north",
    "east",
    "west",
    "outside",
    "after",
    "before",
    "killing",
    "injuring",
    "wounding",
    "early",
    "late",
    "that",
    "stationed",
    "based",
    "deployed",
];
const TARGET_WORDS: usize = 14;

/// What was hit: the words after "against", "targeting", "on" or "at" that
/// follow the event word, up to the place or the next preposition.
fn target(text: &str, tokens: &[Token<'_>], event: usize, name: &NameAt) -> String {
    let verb = matches!(
        tokens[event].lower(),
        "struck" | "hit" | "hits" | "targeted" | "targeting" | "bombed" | "shelled" | "attacked"
    );
    let limit = (event + 1 + TARGET_WORDS).min(tokens.len());
    let opener = (event + 1..limit).find(|&j| {
        let t = &tokens[j];
        let next_is_date = tokens
            .get(j + 1)
            .is_some_and(|n| super::dates::is_calendar_word(n.lower()));
        matches!(t.lower(), "against" | "targeting" | "on" | "at") && !next_is_date
    });
    let from = match opener {
        Some(j) => j + 1,
        None if verb => event + 1,
        None => return String::new(),
    };
    let mut to = from;
    while to < tokens.len()
        && to < from + TARGET_WORDS
        && to != name.first
        && (tokens[to].word || tokens[to].text == "-")
        && !TARGET_STOPS.contains(&tokens[to].lower())
    {
        to += 1;
    }
    let article = |t: &Token<'_>| matches!(t.lower(), "the" | "a" | "an");
    let mut from = from;
    while from < to && article(&tokens[from]) {
        from += 1;
    }
    if to <= from {
        return String::new();
    }
    text[tokens[from].start..tokens[to - 1].end].to_string()
}

/// The first casualty figure of a category in the sentence: "killing
/// eight", "eight injuries", "injuring as many as eight", "several enemy
/// KIA".
/// `count_at(tokens, k, Hedge::None)` for every token `k`: read once for
/// both figures of a sentence.
fn counts(tokens: &[Token<'_>]) -> Vec<Option<Figure>> {
    (0..tokens.len())
        .map(|k| count_at(tokens, k, Hedge::None))
        .collect()
}

fn figure(
    tokens: &[Token<'_>],
    counts: &[Option<Figure>],
    (filter, words): (&WordFilter, &[&str]),
) -> Figure {
    let word = |j: usize| tokens.get(j).map(|t| t.lower());
    let listed = |w: &str| filter.may_hold(w) && words.contains(&w);
    for k in 0..tokens.len() {
        // A verb, then a hedge, then a number or a vague word.
        let w = tokens[k].lower();
        let verb = listed(w)
            && (w.ends_with("ing")
                || matches!(w, "killed" | "injured" | "wounded" | "kill" | "kills"));
        if verb {
            let (hedge, at) = hedge_at(tokens, k + 1);
            if let Some(f) = count_at(tokens, at, hedge) {
                return f;
            }
        }
        // A number or a vague word, then within six words the noun.
        if let Some(f) = counts[k] {
            let ahead = (k + 1..(k + 9).min(tokens.len())).take_while(|&j| tokens[j].word);
            if ahead
                .into_iter()
                .any(|j| word(j).is_some_and(|w| listed(w) && !w.ends_with("ing")))
            {
                let (hedge, _) = hedge_before(tokens, k);
                return apply(f, hedge);
            }
        }
    }
    Figure::default()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hedge {
    None,
    /// "at least", "more than", "over": a lower bound.
    AtLeast,
    /// "as many as", "up to": an upper bound.
    AtMost,
}

const HEDGES: &[(&[&str], Hedge)] = &[
    (&["at", "least"], Hedge::AtLeast),
    (&["more", "than"], Hedge::AtLeast),
    (&["over"], Hedge::AtLeast),
    (&["as", "many", "as"], Hedge::AtMost),
    (&["up", "to"], Hedge::AtMost),
    (&["approximately"], Hedge::None),
    (&["about"], Hedge::None),
    (&["around"], Hedge::None),
    (&["nearly"], Hedge::AtMost),
];

fn hedge_at(tokens: &[Token<'_>], at: usize) -> (Hedge, usize) {
    for (words, hedge) in HEDGES {
        if words_at(tokens, at, words) {
            return (*hedge, at + words.len());
        }
    }
    (Hedge::None, at)
}

fn hedge_before(tokens: &[Token<'_>], k: usize) -> (Hedge, usize) {
    for (words, hedge) in HEDGES {
        if k >= words.len() {
            let (h, end) = hedge_at(tokens, k - words.len());
            if end == k && h == *hedge {
                return (*hedge, k - words.len());
            }
        }
    }
    (Hedge::None, k)
}

fn apply(f: Figure, hedge: Hedge) -> Figure {
    match (hedge, f.high) {
        (_, None) => f,
        (Hedge::None, _) => f,
        (Hedge::AtLeast, _) => Figure {
            low: f.low,
            high: None,
        },
        (Hedge::AtMost, _) => Figure {
            low: None,
            high: f.high,
        },
    }
}

/// Rules out the tokens at which no vague count starts.
const VAGUE_COUNT_FILTER: WordFilter = WordFilter::of_first_words(VAGUE_COUNTS);

/// A number (both bounds) or a vague word (low bound only) at `at`.
fn count_at(tokens: &[Token<'_>], at: usize, hedge: Hedge) -> Option<Figure> {
    let t = tokens.get(at)?;
    if let Some(n) = number(t.lower()) {
        let year = (1900..=2200).contains(&n) && t.lower().len() == 4;
        if year {
            return None;
        }
        let f = Figure {
            low: Some(n),
            high: Some(n),
        };
        return Some(apply(f, hedge)).filter(|f| !f.is_empty());
    }
    // Run for every token of the sentence: most start no vague count.
    if !VAGUE_COUNT_FILTER.may_hold(t.lower()) {
        return None;
    }
    VAGUE_COUNTS.iter().find_map(|(words, n)| {
        words_at(tokens, at, words).then_some(Figure {
            low: Some(*n),
            high: None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::roles::tokenize;

    fn figures(text: &str) -> (Figure, Figure) {
        let mut lowered = String::new();
        let tokens = tokenize(text, 0, text.len(), &mut lowered);
        let counts = counts(&tokens);
        (
            figure(&tokens, &counts, (&KILLED_FILTER, KILLED_WORDS)),
            figure(&tokens, &counts, (&INJURED_FILTER, INJURED_WORDS)),
        )
    }

    #[test]
    fn casualty_figures_and_hedges() {
        let f = |low, high| Figure { low, high };
        assert_eq!(
            figures("Jets struck, killing eight pro-Iran fighters.").0,
            f(Some(8), Some(8))
        );
        assert_eq!(
            figures("It resulted in eight injuries.").1,
            f(Some(8), Some(8))
        );
        assert_eq!(
            figures("Missiles hit the base, injuring as many as eight service members.").1,
            f(None, Some(8))
        );
        assert_eq!(
            figures("The strike resulted in several enemy KIA.").0,
            f(Some(3), None)
        );
        assert_eq!(
            figures("An air strike killed multiple militiamen.").0,
            f(Some(2), None)
        );
        assert_eq!(
            figures("Four US troops were diagnosed with traumatic brain injury.").1,
            f(Some(4), Some(4))
        );
        assert_eq!(
            figures("At least 12 people were killed.").0,
            f(Some(12), None)
        );
        assert_eq!(
            figures("Two missiles struck the base in 2023.").0,
            Figure::default()
        );
    }
}
