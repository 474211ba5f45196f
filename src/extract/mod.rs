//! Reading news reports: place mentions and draft event records.
//!
//! [`Extractor::extract`] reads one report's bytes and returns a
//! [`Document`]: every mention of a place of the place table, with its
//! byte span in the file, the sentence it stands in, the place, how the
//! name matched and the role it plays ([`Role`]), and for each sentence
//! that reports a strike or an attack at a place, a [`Sighting`] with what
//! the sentence says of it. [`draft::draft_events`] merges the sightings of
//! several reports into rows of the events file for an editor to review.
//!
//! The steps, each in its own module: [`text`] decodes the bytes and keeps
//! the offset map; [`sentences`] finds lines, headings and sentences;
//! [`dateline`] and [`boilerplate`] find the dateline and the page
//! furniture after the story; [`matcher`] finds place names with one
//! automaton over the normalised word stream that `stream` builds; [`roles`] decides each name's role; [`details`] reads dates,
//! subtypes, actors, targets and casualties; [`draft`] merges and writes
//! the draft; [`score`] compares mentions with hand labels.
//!
//! ```
//! use geoevents::extract::{Extractor, Role};
//! use geoevents::geocode::PlaceIndex;
//! use geoevents::places::read_places;
//! let csv = "id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source\n\
//!   jurf-al-sakhar,Jurf al-Sakhar,town,Jurf al Saqr,,32.8667,44.2139,Babil,Iraq,5000,Wikipedia\n\
//!   baghdad,Baghdad,city,,,33.3406,44.4009,Baghdad,Iraq,20000,GeoNames\n";
//! let index = PlaceIndex::new(read_places("places.csv".as_ref(), csv.as_bytes())?);
//! let mut extractor = Extractor::new(&index);
//! let doc = extractor.extract("story.txt", "Jets struck Jurf al Saqr, south of Baghdad.".as_bytes())?;
//! let found: Vec<(&str, Role)> = doc.mentions.iter().map(|m| (m.text.as_str(), m.role)).collect();
//! assert_eq!(found, [("Jurf al Saqr", Role::EventLocation), ("Baghdad", Role::Reference)]);
//! # Ok::<(), geoevents::Error>(())
//! ```

pub mod boilerplate;
pub mod dateline;
pub mod dates;
pub mod details;
pub mod draft;
pub mod lexicon;
mod lower;
pub mod matcher;
pub mod roles;
pub mod score;
pub mod sentences;
mod stream;
pub mod text;
mod word_filter;

use std::borrow::Cow;
use std::sync::Arc;

use crate::error::Result;
use crate::geocode::PlaceIndex;
use crate::model::{EventKind, MatchKind, PlaceKind};

use dates::{copyright_year, Anchor, Date, DateExpr};
use details::Details;
use matcher::Matcher;
use roles::{NameAt, SentenceView};
use text::{DecodeWarning, SourceText};

/// What a place name is doing in its sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Where a strike or an attack the sentence reports took place.
    EventLocation,
    /// A point other places are placed against: "south of Baghdad", "the
    /// border with Syria", the "Iraq" of "Al-Asad Airbase in western Iraq".
    Reference,
    /// Where the reporter filed from.
    Dateline,
    /// Anything else: background, tallies, possessives, page furniture.
    Other,
}

impl Role {
    /// The role as written in the `role` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::EventLocation => "event_location",
            Role::Reference => "reference",
            Role::Dateline => "dateline",
            Role::Other => "other",
        }
    }

    /// Parses the spelling of the `role` field.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Role::EventLocation,
            Role::Reference,
            Role::Dateline,
            Role::Other,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// The fields of a mention in every output format, in order.
pub const MENTION_FIELDS: [&str; 11] = [
    "file",
    "start",
    "end",
    "text",
    "sentence",
    "place_id",
    "place_name",
    "match",
    "score",
    "confidence",
    "role",
];

/// One mention of a place in a report.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Byte offset of the name in the file as read (a byte-order mark
    /// counts).
    pub start: usize,
    /// Byte offset just after the name.
    pub end: usize,
    /// The name as written.
    pub text: String,
    /// The sentence it stands in, with runs of white space made one space
    /// (shared by the mentions of one sentence).
    pub sentence: Arc<str>,
    /// The place's id in the place table.
    pub place_id: String,
    /// The place's name in the place table.
    pub place_name: String,
    /// How the name matched: `id`, `name`, `alias`, `normalized`, `fuzzy`.
    pub match_kind: MatchKind,
    /// 1.0, or for a fuzzy match 1 − edits ÷ length.
    pub score: f64,
    /// How sure the extractor is that this is a mention of this place,
    /// 0–1 (see [`confidence`]).
    pub confidence: f64,
    /// The role it plays.
    pub role: Role,
}

/// A strike or an attack that one sentence reports at one place: the raw
/// material of a draft event row.
#[derive(Clone, Debug, PartialEq)]
pub struct Sighting {
    /// The report's file name (without folders).
    pub source: String,
    /// Byte offset of the sentence in the file.
    pub offset: usize,
    /// The place's id.
    pub place_id: String,
    /// The place's name in the place table.
    pub place_name: String,
    /// What kind of place it is.
    pub place_kind: PlaceKind,
    /// The place as the report gives it, with "near" when it says so.
    pub place_text: String,
    /// Strike or attack, when the words say.
    pub kind: Option<EventKind>,
    /// What the sentence says about the event.
    pub details: Details,
    /// The sentence.
    pub sentence: Arc<str>,
}

/// Everything read from one report.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The report's name, as given.
    pub file: String,
    /// Place mentions, in text order.
    pub mentions: Vec<Mention>,
    /// Events reported at a place, in text order.
    pub sightings: Vec<Sighting>,
    /// What the decoder had to work around.
    pub warnings: Vec<DecodeWarning>,
    /// Byte span of the dateline in the file, if there is one.
    pub dateline: Option<(usize, usize)>,
    /// Byte offset where trailing page furniture starts, if there is any.
    pub furniture_start: Option<usize>,
    /// The dateline's date, or failing that the copyright line's year.
    pub anchor: Anchor,
}

/// How sure a mention is, from how it matched and where it stands:
/// 0.95 for a spelling the place table lists character for character,
/// 0.9 for one that matches once normalised, 0.7 × score for a fuzzy
/// match; less 0.2 for a single word at the start of a sentence, whose
/// capital letter says nothing ("Hit by a drone …"); rounded to two
/// decimals.
pub fn confidence(match_kind: MatchKind, score: f64, text: &str, sentence_start: bool) -> f64 {
    let base = match match_kind {
        // `Source` is a foreign row's own coordinates; the matcher never
        // gives it.
        MatchKind::Id | MatchKind::Name | MatchKind::Alias | MatchKind::Source => 0.95,
        MatchKind::Normalized => 0.9,
        MatchKind::Fuzzy => 0.7 * score,
    };
    let one_word = !text.contains(char::is_whitespace);
    let c = if one_word && sentence_start {
        base - 0.2
    } else {
        base
    };
    (c.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

/// Reads reports against one place table.
pub struct Extractor<'a> {
    matcher: Matcher<'a>,
}

impl<'a> Extractor<'a> {
    /// Compiles the place table's spellings.
    pub fn new(index: &'a PlaceIndex) -> Self {
        Extractor {
            matcher: Matcher::new(index),
        }
    }

    /// Reads one report. `file` names it in warnings and in the output.
    /// Fails only for input that is not text at all (UTF-16); invalid UTF-8
    /// is replaced and reported in [`Document::warnings`].
    pub fn extract(&mut self, file: &str, bytes: &[u8]) -> Result<Document> {
        let src = SourceText::decode(file, bytes)?;
        let text = src.text.as_str();
        let lines = sentences::lines(text);
        let dateline = dateline::find(text, &lines);
        let furniture = boilerplate::trailing_start(text, &lines);
        let anchor = anchor(text, dateline.as_ref());
        let source = std::path::Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
        let mut doc = Document {
            file: file.to_string(),
            warnings: src.warnings.clone(),
            dateline: dateline.map(|d| (src.original(d.start), src.original(d.end))),
            furniture_start: furniture.map(|f| src.original(f)),
            anchor,
            ..Document::default()
        };
        let sentences = sentences::sentences(text, &lines);
        let found_all = self.matcher.find_all(text, &sentences);
        let mut lowered = String::new();
        for found in found_all.chunk_by(|a, b| a.sentence == b.sentence) {
            let s = sentences[found[0].sentence];
            let tokens = roles::tokenize(text, s.start, s.end, &mut lowered);
            let view = SentenceView::new(&tokens);
            let names: Vec<NameAt> = found
                .iter()
                .map(|f| NameAt {
                    first: tokens.partition_point(|t| t.end <= f.start),
                    last: tokens
                        .partition_point(|t| t.start < f.end)
                        .saturating_sub(1),
                    kind: f.place.kind,
                })
                .collect();
            let in_dateline = dateline.map(|d| (d.start, d.end));
            let in_furniture = furniture.is_some_and(|f| s.start >= f);
            let assigned = roles::assign(&view, &names, in_dateline, in_furniture);
            let sentence: Arc<str> = Arc::from(&*one_line(&text[s.start..s.end]));
            let mut sightings: Vec<(Sighting, usize)> = Vec::new();
            let mut near_prefix: Option<(usize, String)> = None;
            let mut facts: Option<details::SentenceFacts> = None;
            for ((f, name), a) in found.iter().zip(&names).zip(&assigned) {
                let surface = &text[f.start..f.end];
                doc.mentions.push(Mention {
                    start: src.original(f.start),
                    end: src.original(f.end),
                    text: surface.to_string(),
                    sentence: sentence.clone(),
                    place_id: f.place.id.clone(),
                    place_name: f.place.name.clone(),
                    match_kind: f.match_kind,
                    score: f.score,
                    confidence: confidence(
                        f.match_kind,
                        f.score,
                        surface,
                        name.first == 0 || (name.first == 1 && !tokens[0].word),
                    ),
                    role: a.role,
                });
                let Some(event) = a.event_token.filter(|_| !s.heading) else {
                    continue;
                };
                let prefix = closeness_word(&tokens, name.first).or_else(|| {
                    // "near Al Anbar and Jurf al Saqr": "near" governs both.
                    near_prefix
                        .as_ref()
                        .filter(|(k, _)| *k == event && coordinated(&tokens, name.first))
                        .map(|(_, p)| p.clone())
                });
                if let Some(p) = &prefix {
                    near_prefix = Some((event, p.clone()));
                }
                let facts = facts.get_or_insert_with(|| {
                    details::SentenceFacts::read(text, (s.start, s.end), &tokens)
                });
                let details = details::read(
                    text,
                    (s.start, s.end),
                    &view,
                    facts,
                    name,
                    event,
                    a.kind,
                    &anchor,
                );
                let place_text = match prefix {
                    Some(p) => format!("{p} {surface}"),
                    None => surface.to_string(),
                };
                sightings.push((
                    Sighting {
                        source: source.clone(),
                        offset: src.original(s.start),
                        place_id: f.place.id.clone(),
                        place_name: f.place.name.clone(),
                        place_kind: f.place.kind,
                        place_text,
                        kind: a.kind,
                        details,
                        sentence: sentence.clone(),
                    },
                    event,
                ));
            }
            // A country named beside a more precise place for the same
            // event ("two sites in western Iraq, specifically Al-Qa’im")
            // adds no event of its own.
            let precise: Vec<Option<EventKind>> = sightings
                .iter()
                .filter(|(s, _)| s.place_kind != PlaceKind::Country)
                .map(|(s, _)| s.kind)
                .collect();
            doc.sightings.extend(
                sightings
                    .into_iter()
                    .filter(|(s, _)| {
                        s.place_kind != PlaceKind::Country || !precise.contains(&s.kind)
                    })
                    .map(|(s, _)| s),
            );
        }
        carry_dates_forward(&mut doc.sightings);
        Ok(doc)
    }
}

/// The date a report counts from: the dateline's, with the year of a
/// copyright line when the dateline has none.
fn anchor(text: &str, dateline: Option<&dateline::Dateline>) -> Anchor {
    let year = copyright_year(text);
    let written = dateline.and_then(|d| d.date).map(|d| d.expr);
    let date = match written {
        Some(DateExpr::Full(d)) => Some(d),
        Some(DateExpr::MonthDay { month, day }) => year.and_then(|y| Date::new(y, month, day)),
        _ => None,
    };
    Anchor {
        date,
        year: date.map(|d| d.year).or(year),
    }
}

/// "near", "outside", "around" right before a name (past an article).
fn closeness_word(tokens: &[roles::Token<'_>], first: usize) -> Option<String> {
    let mut j = first.checked_sub(1)?;
    if tokens[j].lower() == "the" {
        j = j.checked_sub(1)?;
    }
    matches!(tokens[j].lower(), "near" | "outside" | "around" | "nearby")
        .then(|| tokens[j].lower().to_string())
}

fn coordinated(tokens: &[roles::Token<'_>], first: usize) -> bool {
    first
        .checked_sub(1)
        .is_some_and(|j| matches!(tokens[j].lower(), "and" | "or"))
}

/// A sentence that refers back to an event ("the strikes were conducted
/// against …") and gives no date of its own takes the date of the last
/// dated event of its kind earlier in the report.
fn carry_dates_forward(sightings: &mut [Sighting]) {
    let mut last: Vec<(Option<EventKind>, Date, usize)> = Vec::new();
    for s in sightings.iter_mut() {
        match s.details.date {
            Some(d) => {
                last.retain(|(k, _, _)| *k != s.kind);
                last.push((s.kind, d, s.offset));
            }
            None if s.details.definite && s.details.date_note.is_none() => {
                if let Some(&(_, d, at)) = last.iter().find(|(k, _, _)| *k == s.kind) {
                    s.details.date = Some(d);
                    s.details.date_note = Some(format!(
                        "date carried from the {} reported at byte {at}, which this sentence refers back to",
                        s.kind.map_or("event", EventKind::as_str)
                    ));
                }
            }
            None => {}
        }
    }
}

/// Text with every run of white space (line ends included) made one space.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if is_one_line(text) {
        return Cow::Borrowed(text.trim());
    }
    let mut line = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    Cow::Owned(line)
}

/// Whether `text` has no white space but single spaces.
fn is_one_line(text: &str) -> bool {
    // Byte by byte in one pass, decoding only the characters whose first
    // byte may start a white-space character (U+0085 and U+00A0, U+1680,
    // U+2000 to U+205F, U+3000): a curly quote no longer sends the whole
    // sentence through a second and a third pass.
    let bytes = text.as_bytes();
    let mut after_space = false;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii() {
            let space = b == b' ';
            if (space && after_space) || (!space && char::from(b).is_whitespace()) {
                return false;
            }
            after_space = space;
            at += 1;
            continue;
        }
        after_space = false;
        if matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3) {
            let c = text[at..].chars().next().expect("at a character boundary");
            if c.is_whitespace() {
                return false;
            }
            at += c.len_utf8();
        } else {
            at += 1;
        }
    }
    true
}
