//! The small word lists the extractor reads context with.
//!
//! Place knowledge comes from the place table alone; these lists hold only
//! the words *around* a place name that say what the name is doing in its
//! sentence: which words report a strike or an attack, which mark a count
//! of many events rather than one, which titles and names make a place
//! name part of something else. Every list is lower case and matched
//! against whole words.

use crate::model::EventKind;

use super::word_filter::WordFilter;

/// Words that report a strike (by US or coalition forces) or an attack (on
/// them), or either (`None`: the kind comes from the nearest word that
/// says: "a rocket landed near", "fighters were killed in"). Weapons count as attack words, since the reports name what the
/// militias fired; a strike's weapon is named with a strike word
/// ("drone strike").
pub const EVENT_WORDS: &[(&str, Option<EventKind>)] = &[
    ("strike", Some(EventKind::Strike)),
    ("strikes", Some(EventKind::Strike)),
    ("struck", Some(EventKind::Strike)),
    ("airstrike", Some(EventKind::Strike)),
    ("airstrikes", Some(EventKind::Strike)),
    ("counterstrike", Some(EventKind::Strike)),
    ("counterstrikes", Some(EventKind::Strike)),
    ("bombed", Some(EventKind::Strike)),
    ("bombing", Some(EventKind::Strike)),
    ("bombings", Some(EventKind::Strike)),
    ("bombardment", Some(EventKind::Strike)),
    ("raid", Some(EventKind::Strike)),
    ("raids", Some(EventKind::Strike)),
    ("retaliate", Some(EventKind::Strike)),
    ("retaliates", Some(EventKind::Strike)),
    ("retaliated", Some(EventKind::Strike)),
    ("attack", Some(EventKind::Attack)),
    ("attacks", Some(EventKind::Attack)),
    ("attacked", Some(EventKind::Attack)),
    ("shelled", Some(EventKind::Attack)),
    ("shelling", Some(EventKind::Attack)),
    ("rocket", Some(EventKind::Attack)),
    ("rockets", Some(EventKind::Attack)),
    ("missile", Some(EventKind::Attack)),
    ("missiles", Some(EventKind::Attack)),
    ("drone", Some(EventKind::Attack)),
    ("drones", Some(EventKind::Attack)),
    ("mortar", Some(EventKind::Attack)),
    ("mortars", Some(EventKind::Attack)),
    ("hit", None),
    ("hits", None),
    ("landed", None),
    ("killed", None),
    ("killing", None),
    ("targeted", None),
    ("targeting", None),
];

/// Event words that are weapons: a count before them ("two ballistic
/// missiles") counts weapons, not events.
pub const WEAPON_WORDS: &[&str] = &[
    "rocket", "rockets", "missile", "missiles", "drone", "drones", "mortar", "mortars",
];

/// Words that, just before an event word, make it many events or a trend
/// rather than one event ("a series of attacks", "repeated attacks",
/// "three earlier airstrikes"). Numbers are recognised separately.
pub const AGGREGATE_BEFORE: &[&str] = &[
    "series",
    "spate",
    "wave",
    "flurry",
    "string",
    "barrage",
    "campaign",
    "repeated",
    "repeatedly",
    "escalating",
    "escalatory",
    "ongoing",
    "near-daily",
    "daily",
    "frequent",
    "multiple",
    "several",
    "numerous",
    "dozens",
    "hundreds",
    "such",
    "earlier",
    "previously",
    "many",
];

/// Nouns that, just after an event word and a number, count events
/// ("attacked 66 times", "strikes on three occasions").
pub const COUNT_NOUNS: &[&str] = &["times", "occasions", "rounds", "instances"];

/// Phrases anywhere in a clause that make its events a tally or a habit.
pub const AGGREGATE_CLAUSE: &[&[&str]] = &[
    &["until", "now"],
    &["so", "far"],
    &["to", "date"],
    &["in", "recent", "weeks"],
    &["in", "recent", "months"],
    &["since", "then"],
];

/// Words that open a subordinate clause at the start of a sentence: its
/// first comma closes it ("Since the war began with an attack on Israel,
/// US forces in Iraq …").
pub const SUBORDINATORS: &[&str] = &[
    "since", "while", "when", "after", "although", "though", "as", "because", "if", "before",
    "until", "despite", "once", "whereas",
];

/// Words that, after a comma, start a new clause: a place after them is
/// not tied to an event word before them.
pub const CLAUSE_OPENERS: &[&str] = &[
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "while",
    "when",
    "whereas",
    "but",
    "although",
    "though",
    "because",
    "since",
    "as",
    "after",
    "before",
    "until",
    "according",
];

/// Prepositions of place: after one, a name stands where something is or
/// happened ("in", "at", "near" …).
pub const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "at", "on", "near", "outside", "inside", "around", "across", "into", "over", "nearby",
    "toward", "towards",
];

/// Other words after which a place name stands where an event happened or
/// is what was hit ("against Jurf al-Sakhar", "struck Jurf al-Sakhar",
/// "specifically Al-Qa'im").
pub const LOCATIVE_BEFORE: &[&str] = &[
    "against",
    "targeting",
    "targeted",
    "hit",
    "hits",
    "struck",
    "attacked",
    "shelled",
    "bombed",
    "specifically",
    "including",
    "namely",
];

/// Whether a place name after this word stands where an event happened.
pub fn is_locative(lower: &str) -> bool {
    PLACE_PREPOSITIONS.contains(&lower) || LOCATIVE_BEFORE.contains(&lower)
}

/// Words skipped when looking for the word before a place name, besides
/// the words for a part of a place ("western"): articles, directions and
/// closeness ("just outside", "the vicinity of").
pub const SKIPPED_BEFORE: &[&str] = &[
    "the",
    "a",
    "an",
    "west",
    "east",
    "north",
    "south",
    "north-western",
    "north-eastern",
    "south-western",
    "south-eastern",
    "just",
    "close",
    "to",
    "vicinity",
    "outskirts",
    "of",
    "area",
    "city",
    "town",
    "province",
];

/// Verbs after which a place name (their subject) is where the event was:
/// "Ain al-Asad was hit", "Erbil came under attack".
pub const PASSIVE_AFTER: &[&str] = &["was", "were", "came", "has", "had", "have", "been", "is"];

/// Direction words of "south of Baghdad": the place after them is a
/// reference point.
pub const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
];

/// Words between a place and the next one that make the second its
/// container: "Al-Asad Airbase in western Iraq", "lies in Anbar province".
pub const CONTAINER_LINKS: &[&[&str]] = &[
    &["in"],
    &[",", "in"],
    &["lies", "in"],
    &["located", "in"],
    &["is", "in"],
    &["in", "the"],
    &[","],
];

/// Capitalised words that may stand before a place name without making it
/// part of a longer name, besides weekdays, months and the words for a
/// part of a place: articles and prepositions at the start of a sentence,
/// nationalities.
pub const NAME_NEIGHBOURS: &[&str] = &[
    "the",
    "a",
    "an",
    "from",
    "to",
    "of",
    "and",
    "or",
    "by",
    "for",
    "with",
    "north",
    "south",
    "east",
    "west",
    "greater",
    "upper",
    "lower",
    "iraqi",
    "syrian",
    "jordanian",
    "kurdish",
    "iranian",
    "american",
    "us",
    "u.s",
    "but",
    "as",
    "while",
    "when",
    "after",
    "since",
    "if",
    "so",
    "yet",
];

/// Whether a capitalised word may stand next to a place name without
/// making it part of a longer name ("In Baghdad", "Western Iraq", "Iraq
/// Monday").
pub fn is_name_neighbour(lower: &str) -> bool {
    NAME_NEIGHBOURS.contains(&lower)
        || PLACE_PREPOSITIONS.contains(&lower)
        || crate::geocode::PART_WORDS.contains(&lower)
        || super::dates::is_calendar_word(lower)
}

/// Whether a word is skipped when looking for the word before a place
/// name.
pub fn is_skipped_before(lower: &str) -> bool {
    SKIPPED_BEFORE.contains(&lower) || crate::geocode::PART_WORDS.contains(&lower)
}

/// Titles and forms of address: a place name right after one is part of a
/// person's name ("President al-Asad").
pub const PERSON_TITLES: &[&str] = &[
    "president",
    "minister",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "general",
    "gen",
    "brigadier",
    "colonel",
    "col",
    "lieutenant",
    "major",
    "captain",
    "sheikh",
    "sayyed",
    "sayyid",
    "imam",
    "king",
    "emir",
    "prince",
    "mr",
    "mrs",
    "ms",
    "dr",
    "leader",
    "commander",
    "governor",
    "secretary",
];

/// Actors and forces whose names contain a place name or look like one.
/// A place name inside one of them is not a place mention: "the Islamic
/// Resistance in Iraq claimed …" names a group, not where anything was.
pub const ACTOR_NAMES: &[&str] = &[
    "Islamic Resistance in Iraq",
    "Islamic State in Iraq",
    "Islamic State of Iraq",
    "Islamic State in Iraq and Syria",
    "Islamic State of Iraq and the Levant",
    "Baghdad Operations Command",
    "Anbar Operations Command",
    "Anbar Awakening",
    "Anbar Awakening Council",
    "Jazeera Operations Command",
    "Syrian Democratic Forces",
    "Iraq Body Count",
    "Kataib Hezbollah",
    "Kata'ib Hizballah",
    "Hashed al-Shaabi",
    "Hashd al-Shaabi",
    "Harakat al-Nujaba",
    "Kataib Sayyid al-Shuhada",
    "Asaib Ahl al-Haq",
    "Saraya Awliya al-Dam",
];

/// Who carried out a strike or an attack, as the draft's `actor` names
/// them: (spellings in the text, side, name written). The longest spelling
/// found wins.
pub const ACTORS: &[(&[&str], EventKind, &str)] = &[
    (
        &[
            "U.S. Central Command",
            "US Central Command",
            "Central Command",
            "CENTCOM",
            "Centcom",
        ],
        EventKind::Strike,
        "United States (CENTCOM)",
    ),
    (
        &["U.S. military", "US military", "United States military"],
        EventKind::Strike,
        "United States (US military)",
    ),
    (
        &[
            "U.S. forces",
            "US forces",
            "United States",
            "U.S.",
            "US",
            "American",
        ],
        EventKind::Strike,
        "United States",
    ),
    (
        &[
            "Kataib Hezbollah",
            "Kata'ib Hizballah",
            "Hezbollah Brigades",
        ],
        EventKind::Attack,
        "Kataib Hezbollah",
    ),
    (
        &["Islamic Resistance in Iraq"],
        EventKind::Attack,
        "Islamic Resistance in Iraq",
    ),
    (
        &["Harakat al-Nujaba"],
        EventKind::Attack,
        "Harakat al-Nujaba",
    ),
    (
        &["Kataib Sayyid al-Shuhada"],
        EventKind::Attack,
        "Kataib Sayyid al-Shuhada",
    ),
    (&["Asaib Ahl al-Haq"], EventKind::Attack, "Asaib Ahl al-Haq"),
    (
        &[
            "Iran-backed militias",
            "Iranian-backed militias",
            "Iran-backed militia",
            "Iranian-backed militia",
        ],
        EventKind::Attack,
        "Iran-backed militias",
    ),
    (
        &["Iran-backed militants", "Iran-linked militants"],
        EventKind::Attack,
        "Iran-backed militants",
    ),
    (
        &["Iran-backed groups"],
        EventKind::Attack,
        "Iran-backed groups",
    ),
];

/// Strike subtypes by the words that name them, most specific first.
pub const STRIKE_SUBTYPES: &[(&[&str], &str)] = &[
    (&["gunship"], "gunship strike"),
    (&["ac-130"], "gunship strike"),
    (&["self-defence", "strike"], "self-defence strike"),
    (&["self-defense", "strike"], "self-defence strike"),
    (&["drone", "strike"], "drone strike"),
    (&["airstrike"], "airstrike"),
    (&["airstrikes"], "airstrike"),
    (&["air", "strike"], "airstrike"),
    (&["air", "strikes"], "airstrike"),
    (&["fighter", "jets"], "airstrike"),
    (&["warplane"], "airstrike"),
    (&["warplanes"], "airstrike"),
    (&["fighter", "aircraft"], "airstrike"),
];

/// Vague plurals and the smallest number each allows (the events file's
/// rule): the draft puts it in `*_low` and leaves `*_high` empty.
pub const VAGUE_COUNTS: &[(&[&str], u32)] = &[
    (&["multiple"], 2),
    (&["some"], 2),
    (&["a", "number", "of"], 2),
    (&["several"], 3),
    (&["a", "few"], 3),
];

/// Words that say a number counts the dead.
pub const KILLED_WORDS: &[&str] = &[
    "killed",
    "killing",
    "kill",
    "kills",
    "dead",
    "deaths",
    "fatalities",
    "kia",
];

/// The quick test of [`KILLED_WORDS`].
pub const KILLED_FILTER: WordFilter = WordFilter::of(KILLED_WORDS);

/// Words that say a number counts the injured.
pub const INJURED_WORDS: &[&str] = &[
    "injured", "injuring", "injuries", "injury", "wounded", "wounding", "wounds",
];

/// The quick test of [`INJURED_WORDS`].
pub const INJURED_FILTER: WordFilter = WordFilter::of(INJURED_WORDS);

/// Number words up to twenty, and the round tens that wire copy spells.
pub const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
];

/// A whole number spelled in digits (commas allowed) or as a word.
pub fn number(word: &str) -> Option<u32> {
    let bytes = word.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_digit) {
        // No number word starts with a digit.
        const FILTER: WordFilter = WordFilter::of_keys(NUMBER_WORDS);
        if !FILTER.may_hold(word) {
            return None;
        }
        return NUMBER_WORDS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|&(_, n)| n);
    }
    if !bytes.iter().all(|&b| b.is_ascii_digit() || b == b',') {
        return None;
    }
    let mut n: u32 = 0;
    for &b in bytes.iter().filter(|&&b| b != b',') {
        n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some(n)
}

/// The kind an event word reports, if it is one.
pub fn event_word(word: &str) -> Option<Option<EventKind>> {
    // Most words are no event word: rule them out by first letter and
    // length before comparing.
    const FILTER: WordFilter = WordFilter::of_keys(EVENT_WORDS);
    if !FILTER.may_hold(word) {
        return None;
    }
    EVENT_WORDS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|&(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_word_is_recognised() {
        for &(word, kind) in EVENT_WORDS {
            assert_eq!(event_word(word), Some(kind), "{word}");
        }
        assert_eq!(event_word("struggle"), None);
        assert_eq!(event_word(""), None);
    }

    #[test]
    fn numbers_in_digits_and_words() {
        assert_eq!(number("eight"), Some(8));
        assert_eq!(number("2,500"), Some(2500));
        assert_eq!(number("151"), Some(151));
        assert_eq!(number("AC-130"), None);
        assert_eq!(number("99999999999"), None);
        assert_eq!(number(","), None);
    }
}
