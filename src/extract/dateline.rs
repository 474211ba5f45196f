//! The dateline: where (and when) the reporter filed from.
//!
//! A place in the dateline is where the story was written, not where
//! anything happened. Two forms are read, in the first two non-blank lines
//! (a headline may come first):
//!
//! - a page header line: a full date (with year), no sentence punctuation,
//!   at most [`HEADER_WORDS`] words ("November 22, 2023 09:44 pm | Updated
//!   09:44 pm IST - Baghdad"): the whole line;
//! - a wire lead: an upper-case place, perhaps in brackets, then perhaps a
//!   date and an agency, then a dash ("(WASHINGTON) —", "BAGHDAD, Nov 22
//!   (Reuters) -"): up to and including the dash.

use super::dates::{find_dates, DateExpr, DateMention};
use super::sentences::{ends_sentence, word_count, Line};

/// Most words in a page header line.
pub const HEADER_WORDS: usize = 20;

/// Most words before the dash of a wire lead.
const LEAD_WORDS: usize = 8;

/// A report's dateline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dateline {
    /// Start of the dateline.
    pub start: usize,
    /// End of the dateline.
    pub end: usize,
    /// The first date it gives, as written (relative to `start`).
    pub date: Option<DateMention>,
}

/// The dateline of `text`, if it has one.
pub fn find(text: &str, lines: &[Line]) -> Option<Dateline> {
    let first_lines = lines
        .iter()
        .filter(|l| !text[l.start..l.end].trim().is_empty())
        .take(2);
    for line in first_lines {
        let body = &text[line.start..line.end];
        let dates = find_dates(body);
        let full = dates.iter().find(|d| matches!(d.expr, DateExpr::Full(_)));
        if full.is_some() && !ends_sentence(body) && word_count(body) <= HEADER_WORDS {
            return Some(Dateline {
                start: line.start,
                end: line.end,
                date: full.copied(),
            });
        }
        if let Some(dash_end) = wire_lead(body) {
            let date = dates.into_iter().find(|d| d.end <= dash_end);
            return Some(Dateline {
                start: line.start,
                end: line.start + dash_end,
                date,
            });
        }
    }
    None
}

/// The end of a wire-lead dateline at the start of `line`.
fn wire_lead(line: &str) -> Option<usize> {
    let dash = line
        .char_indices()
        .take_while(|&(i, _)| i < 120)
        .find(|&(i, c)| {
            matches!(c, '—' | '–')
                || (c == '-' && line[i..].starts_with("- ") && line[..i].ends_with(' '))
        })?;
    let prefix = line[..dash.0].trim();
    let first = prefix
        .trim_start_matches('(')
        .split(|c: char| c.is_whitespace() || c == ',' || c == ')')
        .next()?;
    let letters = first.chars().filter(|c| c.is_alphabetic()).count();
    let upper = first
        .chars()
        .all(|c| !c.is_alphabetic() || c.is_uppercase());
    (letters >= 3 && upper && word_count(prefix) <= LEAD_WORDS).then(|| dash.0 + dash.1.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::sentences::lines;

    fn dateline(text: &str) -> Option<&str> {
        find(text, &lines(text)).map(|d| &text[d.start..d.end])
    }

    #[test]
    fn both_forms_are_read() {
        assert_eq!(
            dateline(" date 2023-11 November 22, 2023 09:44 pm | Updated 09:44 pm IST - Baghdad\n\nU.S. jets struck."),
            Some(" date 2023-11 November 22, 2023 09:44 pm | Updated 09:44 pm IST - Baghdad")
        );
        assert_eq!(
            dateline("US hits militants\n\n\n(WASHINGTON) — United States jets struck."),
            Some("(WASHINGTON) —")
        );
        assert_eq!(
            dateline("BAGHDAD, Jan 21 (Reuters) - Rockets hit a base."),
            Some("BAGHDAD, Jan 21 (Reuters) -")
        );
        assert_eq!(
            dateline("US forces struck two sites in Iraq - officials said."),
            None
        );
        assert_eq!(dateline("Headline\n\nFirst line.\nSecond line."), None);
    }
}
