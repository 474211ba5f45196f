//! Dates as news reports write them, and the calendar arithmetic to turn
//! "on Tuesday" or "last night" into a day.
//!
//! A report's own date comes from its dateline. Explicit dates ("November
//! 22", "22 Nov, 2024", "2023-11-22") are read as written; one without a
//! year takes the dateline's year, or failing that the year of a copyright
//! line. Weekdays are the most recent such day on or before the dateline;
//! "yesterday" and "last night" are the day before the dateline, or before
//! a weekday the same sentence gives as the day someone spoke ("… last
//! night, Ryder said on Tuesday"). Without a dateline, weekdays and
//! relative words give no date: nothing is guessed.

use std::fmt;
use std::ops::Range;

use super::lower::push_lower;
use super::word_filter::WordFilter;

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2023.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl Date {
    /// A valid date, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=days_in_month).contains(&day) && (1900..=2200).contains(&year)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Day of the week, 0 = Monday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        ((self.days() + 3).rem_euclid(7)) as u32
    }

    /// The date `n` days later (earlier for negative `n`).
    pub fn add_days(self, n: i64) -> Self {
        Date::from_days(self.days() + n)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date expression as written, before it is placed on the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateExpr {
    /// Year, month and day.
    Full(Date),
    /// Month and day, no year.
    MonthDay {
        /// Month, 1–12.
        month: u32,
        /// Day.
        day: u32,
    },
    /// A weekday, 0 = Monday.
    Weekday(u32),
    /// Days before the day of speaking: 0 "today", 1 "yesterday", "last night".
    DaysBefore(u32),
}

/// A date expression found in a text, with its byte span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateMention {
    /// Start of the expression.
    pub start: usize,
    /// End of the expression.
    pub end: usize,
    /// What it says.
    pub expr: DateExpr,
    /// Whether it bounds a period ("since October 17", "until Monday")
    /// rather than dating an event.
    pub bounds_period: bool,
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The quick tests of [`MONTHS`] and [`WEEKDAYS`].
const MONTH_FILTER: WordFilter = WordFilter::of_keys(MONTHS);
const WEEKDAY_FILTER: WordFilter = WordFilter::of(WEEKDAYS);

/// Words before a date that make it the edge of a period.
const PERIOD_WORDS: &[&str] = &["since", "until", "till", "from", "through", "before"];

/// Whether a word names a month or a weekday.
pub fn is_calendar_word(word: &str) -> bool {
    // Every calendar word is ASCII; a non-ASCII word is lower-cased in
    // full, since some non-ASCII letters lower-case to ASCII ones.
    if word.is_ascii() {
        return (MONTH_FILTER.may_hold_any_case(word)
            && MONTHS.iter().any(|(m, _)| m.eq_ignore_ascii_case(word)))
            || (WEEKDAY_FILTER.may_hold_any_case(word)
                && WEEKDAYS.iter().any(|d| d.eq_ignore_ascii_case(word)));
    }
    let w = word.to_lowercase();
    MONTHS.iter().any(|(m, _)| *m == w) || WEEKDAYS.contains(&w.as_str())
}

#[derive(Debug)]
struct Word<'t> {
    start: usize,
    end: usize,
    lower: &'t str,
    text: &'t str,
}

/// The words of `text`. The lower-case forms of capitalised words are
/// written to `lowered`, one buffer for the sentence rather than a
/// `String` each.
fn words<'t>(text: &'t str, lowered: &'t mut String) -> Vec<Word<'t>> {
    lowered.clear();
    let mut out = Vec::with_capacity(text.len() / 5);
    // Words whose lower-case form is in `lowered`, set once it is whole.
    let mut in_buffer: Vec<(usize, Range<usize>)> = Vec::new();
    let mut push = |s: usize, e: usize| {
        let text_word = &text[s..e];
        let lower = match push_lower(text_word, lowered) {
            None => stem(text_word),
            Some(form) => {
                let len = stem(&lowered[form.clone()]).len();
                in_buffer.push((out.len(), form.start..form.start + len));
                ""
            }
        };
        out.push(Word {
            start: s,
            end: e,
            lower,
            text: text_word,
        });
    };
    let mut open: Option<usize> = None;
    let is_part = |c: char| c.is_alphanumeric() || c == '-' || c == ':';
    for (i, c) in text.char_indices() {
        match (is_part(c), open) {
            (true, None) => open = Some(i),
            (false, Some(s)) => {
                push(s, i);
                open = None;
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        push(s, text.len());
    }
    let lowered: &'t String = lowered;
    for (k, form) in in_buffer {
        out[k].lower = &lowered[form];
    }
    out
}

/// A lower-case word without a possessive: "wednesday’s" → "wednesday".
fn stem(lower: &str) -> &str {
    lower
        .strip_suffix("’s")
        .or_else(|| lower.strip_suffix("'s"))
        .unwrap_or(lower)
}

fn is_capitalised(word: &str) -> bool {
    word.starts_with(|c: char| c.is_uppercase())
}

fn month(word: &str) -> Option<u32> {
    if !MONTH_FILTER.may_hold(word) {
        return None;
    }
    MONTHS.iter().find(|(m, _)| *m == word).map(|&(_, n)| n)
}

fn day_number(word: &str) -> Option<u32> {
    // The digits come first: a word that does not start with one is none.
    if !starts_with_digit(word) {
        return None;
    }
    let digits = word
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    (digits.len() <= 2 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|d| (1..=31).contains(d))
}

fn year_number(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

fn starts_with_digit(word: &str) -> bool {
    word.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

fn iso(word: &str) -> Option<Date> {
    // A year of 1900–2200 has four digits, so a date starts with one.
    if !starts_with_digit(word) {
        return None;
    }
    let mut parts = word.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Month `m`, day `d` whose last word is word `last`, with the year in
/// `after` if that word is one: the expression and its last word.
fn with_year(m: u32, d: u32, after: Option<&str>, last: usize) -> (DateExpr, usize) {
    let month_day = DateExpr::MonthDay { month: m, day: d };
    match after.and_then(year_number) {
        Some(y) => (
            Date::new(y, m, d).map_or(month_day, DateExpr::Full),
            last + 1,
        ),
        None => (month_day, last),
    }
}

/// Every date expression in `text`, in order. Offsets are relative to
/// `text`.
pub fn find_dates(text: &str) -> Vec<DateMention> {
    // Every expression has a digit, or ends in "day" ("Monday",
    // "yesterday", "today") or "night": most sentences have none.
    let may_date = text.bytes().any(|b| b.is_ascii_digit())
        || ["day", "Day", "DAY", "night", "NIGHT"]
            .iter()
            .any(|w| text.contains(w));
    if !may_date {
        return Vec::new();
    }
    let mut lowered = String::new();
    let words = words(text, &mut lowered);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let next = |k: usize| words.get(i + k).map(|w| w.lower);
        let mut found: Option<(DateExpr, usize)> = None;
        if let Some(date) = iso(w.lower) {
            found = Some((DateExpr::Full(date), i));
        } else if let Some(m) = month(w.lower).filter(|_| is_capitalised(w.text)) {
            // "November 22", "Nov. 22, 2023"; "may 4" is not a date.
            if let Some(d) = next(1).and_then(day_number) {
                found = Some(with_year(m, d, next(2), i + 1));
            }
        } else if let Some(d) = day_number(w.lower) {
            // "22 Nov, 2024", "22 November 2023"
            let capitalised = words.get(i + 1).is_some_and(|w| is_capitalised(w.text));
            if let Some(m) = next(1).and_then(month).filter(|_| capitalised) {
                found = Some(with_year(m, d, next(2), i + 1));
            }
        } else if let Some(k) = WEEKDAY_FILTER
            .may_hold(w.lower)
            .then(|| WEEKDAYS.iter().position(|d| *d == w.lower))
            .flatten()
        {
            if is_capitalised(w.text) {
                found = Some((DateExpr::Weekday(k as u32), i));
            }
        } else if w.lower == "yesterday" {
            found = Some((DateExpr::DaysBefore(1), i));
        } else if w.lower == "today" || w.lower == "tonight" {
            found = Some((DateExpr::DaysBefore(0), i));
        } else if w.lower == "last" && next(1) == Some("night") {
            found = Some((DateExpr::DaysBefore(1), i + 1));
        }
        if let Some((expr, last)) = found {
            let bounds_period = i > 0 && PERIOD_WORDS.contains(&words[i - 1].lower);
            out.push(DateMention {
                start: w.start,
                end: words[last].end,
                expr,
                bounds_period,
            });
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The year of a copyright line ("Copyright © 2023, ABC Audio"), if any.
pub fn copyright_year(text: &str) -> Option<i32> {
    let marks = text
        .match_indices('©')
        .chain(text.match_indices("Copyright"))
        .chain(text.match_indices("copyright"))
        .chain(text.match_indices("COPYRIGHT"));
    marks
        .filter_map(|(at, mark)| {
            let rest = text[at + mark.len()..].trim_start();
            let rest = rest.strip_prefix('©').unwrap_or(rest).trim_start();
            year_number(rest.get(..4)?)
                .filter(|_| !rest[4..].starts_with(|c: char| c.is_ascii_digit()))
        })
        .next()
}

/// What a report says about its own date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Anchor {
    /// The dateline's date.
    pub date: Option<Date>,
    /// The year for dates written without one.
    pub year: Option<i32>,
}

impl Anchor {
    /// Places an expression on the calendar. `speech` is the day someone
    /// spoke, when the sentence says ("said on Tuesday"), for "last night".
    pub fn resolve(&self, expr: DateExpr, speech: Option<Date>) -> Option<Date> {
        match expr {
            DateExpr::Full(date) => Some(date),
            DateExpr::MonthDay { month, day } => match self.date {
                // A month after the dateline's is last year's.
                Some(d) => {
                    let year = if month > d.month { d.year - 1 } else { d.year };
                    Date::new(year, month, day)
                }
                None => Date::new(self.year?, month, day),
            },
            DateExpr::Weekday(w) => {
                let d = self.date?;
                let back = (i64::from(d.weekday()) - i64::from(w)).rem_euclid(7);
                Some(d.add_days(-back))
            }
            DateExpr::DaysBefore(n) => Some(speech.or(self.date)?.add_days(-i64::from(n))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic_round_trips() {
        let d = Date::new(2023, 11, 22).unwrap();
        assert_eq!(d.weekday(), 2, "22 Nov 2023 was a Wednesday");
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(d.add_days(10).to_string(), "2023-12-02");
        assert_eq!(
            Date::new(2024, 1, 1).unwrap().add_days(-1).to_string(),
            "2023-12-31"
        );
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
    }

    #[test]
    fn written_dates_are_found() {
        let found = find_dates("Updated 23 Nov, 2024 and on November 22, 2023 09:44 pm; Nov. 21 since October 17, Wednesday’s strikes, last night, 2023-11-20");
        let exprs: Vec<DateExpr> = found.iter().map(|f| f.expr).collect();
        assert_eq!(
            exprs,
            vec![
                DateExpr::Full(Date::new(2024, 11, 23).unwrap()),
                DateExpr::Full(Date::new(2023, 11, 22).unwrap()),
                DateExpr::MonthDay { month: 11, day: 21 },
                DateExpr::MonthDay { month: 10, day: 17 },
                DateExpr::Weekday(2),
                DateExpr::DaysBefore(1),
                DateExpr::Full(Date::new(2023, 11, 20).unwrap()),
            ]
        );
        assert!(found[3].bounds_period);
        assert!(!found[2].bounds_period);
        // "may" the verb is no month.
        assert!(find_dates("strikes may 4 follow").is_empty());
    }

    #[test]
    fn relative_dates_need_a_dateline() {
        let anchor = Anchor {
            date: Date::new(2023, 11, 22),
            year: Some(2023),
        };
        let tuesday = anchor.resolve(DateExpr::Weekday(1), None).unwrap();
        assert_eq!(tuesday.to_string(), "2023-11-21");
        assert_eq!(
            anchor
                .resolve(DateExpr::DaysBefore(1), Some(tuesday))
                .unwrap()
                .to_string(),
            "2023-11-20"
        );
        assert_eq!(
            anchor
                .resolve(DateExpr::Weekday(2), None)
                .unwrap()
                .to_string(),
            "2023-11-22"
        );
        let undated = Anchor {
            date: None,
            year: Some(2023),
        };
        assert_eq!(undated.resolve(DateExpr::Weekday(1), None), None);
        assert_eq!(
            undated
                .resolve(DateExpr::MonthDay { month: 11, day: 21 }, None)
                .unwrap()
                .to_string(),
            "2023-11-21"
        );
        assert_eq!(copyright_year("Copyright © 2023, ABC Audio."), Some(2023));
        assert_eq!(copyright_year("In 2023 it rained."), None);
    }
}
