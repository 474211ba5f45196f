//! Page furniture after a story: the sidebar of other headlines, the
//! "related stories" list.
//!
//! It is found by its shape, not its words. Each non-blank line is a
//! *short* line (at most [`SHORT_WORDS`] words, no sentence punctuation:
//! a headline or a link), a *date stamp* (a date and at most
//! [`STAMP_WORDS`] words: "Updated 23 Nov, 2024"), or *prose*. A story is
//! prose paragraph after prose paragraph; furniture alternates headlines,
//! stamps and one-line teasers. The furniture is the longest run at the
//! end of the text in which no two prose lines follow each other, starting
//! at its first short line or stamp, and it counts only with evidence of a
//! list: two date stamps, a headline repeated, or three short lines in a
//! row.

use std::collections::HashSet;

use super::dates::find_dates;
use super::sentences::{ends_sentence, word_count, Line};

/// Words in a headline-like line.
pub const SHORT_WORDS: usize = 8;

/// Words in a date-stamp line besides the date.
pub const STAMP_WORDS: usize = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Short,
    Stamp,
    Prose,
}

fn shape(line: &str) -> Shape {
    let words = word_count(line);
    // A stamp's date has a day number: lines without a digit skip the
    // date reader.
    let dated = line.bytes().any(|b| b.is_ascii_digit())
        && find_dates(line).iter().any(|d| {
            matches!(
                d.expr,
                super::dates::DateExpr::Full(_) | super::dates::DateExpr::MonthDay { .. }
            )
        });
    if dated && words <= STAMP_WORDS {
        Shape::Stamp
    } else if words <= SHORT_WORDS && !ends_sentence(line) {
        Shape::Short
    } else {
        Shape::Prose
    }
}

/// Where trailing page furniture starts in `text`, if there is any.
pub fn trailing_start(text: &str, lines: &[Line]) -> Option<usize> {
    let body: Vec<(&Line, &str)> = lines
        .iter()
        .map(|l| (l, text[l.start..l.end].trim()))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let n = body.len();
    if n == 0 {
        return None;
    }
    // Walk back while no two prose lines are neighbours; only the lines
    // walked over are classified.
    let mut walked: Vec<Shape> = vec![shape(body[n - 1].1)];
    let mut first = n - 1;
    while first > 0 {
        let before = shape(body[first - 1].1);
        if before == Shape::Prose && walked.last() == Some(&Shape::Prose) {
            break;
        }
        walked.push(before);
        first -= 1;
    }
    let shapes: Vec<Shape> = std::iter::repeat_n(Shape::Prose, first)
        .chain(walked.into_iter().rev())
        .collect();
    // Begin at the first headline or stamp of that run.
    let first = (first..n).find(|&k| shapes[k] != Shape::Prose)?;
    let run = &shapes[first..];
    let stamps = run.iter().filter(|&&s| s == Shape::Stamp).count();
    let mut seen = HashSet::new();
    let repeated = body[first..]
        .iter()
        .zip(run)
        .any(|((_, t), &s)| s == Shape::Short && !seen.insert(*t));
    let three_short = run.windows(3).any(|w| w.iter().all(|&s| s == Shape::Short));
    let evidence = stamps >= 2 || repeated || three_short;
    (evidence && run.len() >= 3).then(|| body[first].0.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::sentences::lines;

    fn start(text: &str) -> Option<&str> {
        trailing_start(text, &lines(text)).map(|s| &text[s..])
    }

    #[test]
    fn a_sidebar_of_headlines_and_stamps_is_furniture() {
        let text = "Rockets hit the base on Monday, officials said.\n\nThe Pentagon said nobody was hurt in the attack.\n\nMost read\n\nDam deal signed\nUpdated 3 Jan, 2024\n\nDam deal signed\n\nThe two countries agreed on water at last.\nFuel prices\n2 Jan, 2024\n\nFuel prices\n\nPrices rose again in the capital this week.\n";
        assert!(start(text).unwrap().starts_with("Most read"));
    }

    #[test]
    fn a_story_with_subheadings_is_not() {
        let text = "Rockets hit the base on Monday, officials said.\n\nWhat happened next\n\nThe Pentagon said nobody was hurt.\n\nIt said more.\n";
        assert_eq!(start(text), None);
        let text = "One sentence of a story that ends well.\n\nRelated\nRockets hit Ain al-Asad\nDrone downed near Erbil\nIraq condemns strikes\n";
        assert!(start(text).unwrap().starts_with("Related"));
    }
}
