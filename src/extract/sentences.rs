//! Lines, paragraphs and sentences of a report.
//!
//! A line ends at LF, CRLF or a lone CR. A blank line ends a paragraph; so
//! does a line end after sentence punctuation, or after a line shorter
//! than [`WRAP_WIDTH`] bytes (a heading, a dateline, a list item), while
//! longer lines without final punctuation are hard-wrapped prose and run
//! on. A paragraph splits into sentences after `.`, `!` or `?` (and any
//! closing quotes) followed by a space, except after abbreviations
//! ("U.S.", "Gen.", "Oct.") and initials. A one-line paragraph of at most
//! [`HEADING_WORDS`] words without final punctuation is a heading.

/// Lines at least this long without final punctuation are hard-wrapped
/// prose, joined to the next line.
pub const WRAP_WIDTH: usize = 60;

/// A heading has at most this many words.
pub const HEADING_WORDS: usize = 12;

/// Sentences longer than this are cut at a space, so that one line of
/// many megabytes is read in bounded pieces.
pub const MAX_SENTENCE_BYTES: usize = 2000;

/// Words ending in a period that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "brig", "col", "lt", "maj", "capt", "sgt", "sen", "rep", "gov",
    "st", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "jr", "sr", "inc", "co", "corp", "ltd", "vs", "approx", "adm", "cmdr", "lt.col",
];

/// A line: its span without the line end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// Start of the line.
    pub start: usize,
    /// End of the line, before CR/LF.
    pub end: usize,
}

/// A sentence (or heading) of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Start, at its first non-space character.
    pub start: usize,
    /// End, after its last non-space character.
    pub end: usize,
    /// A heading: a short line without sentence punctuation.
    pub heading: bool,
}

/// The lines of `text`.
pub fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(at) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
        i += at;
        match bytes[i] {
            b'\n' => {
                lines.push(Line { start, end: i });
                start = i + 1;
            }
            b'\r' => {
                lines.push(Line { start, end: i });
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        lines.push(Line {
            start,
            end: bytes.len(),
        });
    }
    lines
}

/// Whether a line (trimmed) ends with sentence punctuation, perhaps inside
/// closing quotes.
pub fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .trim_end_matches(is_closing)
        .ends_with(['.', '!', '?'])
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

/// Number of whitespace-separated words.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The sentences of `text`, in order.
pub fn sentences(text: &str, lines: &[Line]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut para: Option<(usize, usize, usize)> = None; // start, end, line count
    let flush = |para: &mut Option<(usize, usize, usize)>, out: &mut Vec<Sentence>| {
        if let Some((s, e, count)) = para.take() {
            let body = &text[s..e];
            if count == 1 && !ends_sentence(body) && word_count(body) <= HEADING_WORDS {
                let (s, e) = trim(text, s, e);
                if s < e {
                    out.push(Sentence {
                        start: s,
                        end: e,
                        heading: true,
                    });
                }
            } else {
                split_paragraph(text, s, e, out);
            }
        }
    };
    for (k, line) in lines.iter().enumerate() {
        let body = &text[line.start..line.end];
        if body.trim().is_empty() {
            flush(&mut para, &mut out);
            continue;
        }
        let runs_on = k > 0 && {
            let prev = &text[lines[k - 1].start..lines[k - 1].end];
            let prev = prev.trim();
            !prev.is_empty() && prev.len() >= WRAP_WIDTH && !ends_sentence(prev)
        };
        match para.as_mut() {
            Some(p) if runs_on => {
                p.1 = line.end;
                p.2 += 1;
            }
            _ => {
                flush(&mut para, &mut out);
                para = Some((line.start, line.end, 1));
            }
        }
    }
    flush(&mut para, &mut out);
    out
}

fn trim(text: &str, start: usize, end: usize) -> (usize, usize) {
    let body = &text[start..end];
    let lead = body.len() - body.trim_start().len();
    let tail = body.len() - body.trim_end().len();
    if lead == body.len() {
        return (start, start);
    }
    (start + lead, end - tail)
}

fn split_paragraph(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let body = &text[start..end];
    let bytes = body.as_bytes();
    let next_char = |at: usize| body[at..].chars().next();
    let mut sentence_start = 0;
    let mut from = 0;
    let push = |from: usize, to: usize, out: &mut Vec<Sentence>| {
        let (s, e) = trim(text, start + from, start + to);
        cut_long(text, s, e, out);
    };
    // The marks are ASCII: look for them byte by byte, and decode only
    // what follows one.
    while let Some(found) = memchr::memchr3(b'.', b'!', b'?', &bytes[from..]) {
        let mark = from + found;
        from = mark + 1;
        let mut j = from;
        while let Some(c) = next_char(j).filter(|&c| is_closing(c)) {
            j += c.len_utf8();
        }
        let at_end = j >= body.len();
        if !at_end && !next_char(j).is_some_and(char::is_whitespace) {
            continue;
        }
        if bytes[mark] == b'.' && !at_end && is_abbreviation(body, mark, &body[j..]) {
            continue;
        }
        let to = if at_end { body.len() } else { j };
        push(sentence_start, to, out);
        sentence_start = to;
        from = j;
    }
    if sentence_start < body.len() {
        push(sentence_start, body.len(), out);
    }
}

/// Whether the period at `dot` closes an abbreviation rather than a
/// sentence. `rest` is what follows it.
fn is_abbreviation(body: &str, dot: usize, rest: &str) -> bool {
    let word: &str = {
        let before = &body[..dot];
        let start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphanumeric() || c == '.')
            .last()
            .map_or(dot, |(i, _)| i);
        &before[start..]
    };
    let next = rest.chars().find(|c| !c.is_whitespace());
    // A lower-case word or a number after the period continues the sentence.
    if next.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit()) {
        return true;
    }
    let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    // "U.S", "U.N": letters joined by periods.
    let dotted = word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2);
    single_initial || dotted || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// Pushes a sentence, cut at spaces into pieces of at most
/// [`MAX_SENTENCE_BYTES`].
fn cut_long(text: &str, mut start: usize, end: usize, out: &mut Vec<Sentence>) {
    while end - start > MAX_SENTENCE_BYTES {
        let mut cut = start + MAX_SENTENCE_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        // The last space before the limit; with none, the limit itself.
        let piece_end = text[start..cut]
            .rfind(char::is_whitespace)
            .map_or(cut, |i| start + i);
        let piece_end = if piece_end == start { cut } else { piece_end };
        let (s, e) = trim(text, start, piece_end);
        if s < e {
            out.push(Sentence {
                start: s,
                end: e,
                heading: false,
            });
        }
        start = piece_end;
    }
    let (s, e) = trim(text, start, end);
    if s < e {
        out.push(Sentence {
            start: s,
            end: e,
            heading: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(&str, bool)> {
        sentences(text, &lines(text))
            .into_iter()
            .map(|s| (&text[s.start..s.end], s.heading))
            .collect()
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let got = split("U.S. forces struck. Brig. Gen. Pat Ryder said Oct. 17 was quiet. “It hit.” Austin said.");
        assert_eq!(
            got,
            vec![
                ("U.S. forces struck.", false),
                ("Brig. Gen. Pat Ryder said Oct. 17 was quiet.", false),
                ("“It hit.”", false),
                ("Austin said.", false)
            ]
        );
    }

    #[test]
    fn headings_and_wrapped_lines() {
        let text = "US hits militants\n\nRockets were fired at the coalition base early on Monday morning and\nthe Pentagon said nobody was hurt.\r\nShort line\r\nNext.";
        let got = split(text);
        assert_eq!(got[0], ("US hits militants", true));
        assert_eq!(
            got[1].0,
            "Rockets were fired at the coalition base early on Monday morning and\nthe Pentagon said nobody was hurt."
        );
        assert_eq!(got[2], ("Short line", true));
        assert_eq!(got[3], ("Next.", false));
    }

    #[test]
    fn a_huge_line_is_cut_into_bounded_pieces() {
        let text = "word ".repeat(10_000);
        let got = sentences(&text, &lines(&text));
        assert!(got.len() > 20);
        assert!(got.iter().all(|s| s.end - s.start <= MAX_SENTENCE_BYTES));
        let nospace = "x".repeat(5000);
        let got = sentences(&nospace, &lines(&nospace));
        assert_eq!(got.iter().map(|s| s.end - s.start).sum::<usize>(), 5000);
    }
}
