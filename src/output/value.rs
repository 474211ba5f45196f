//! [`Prop`]: one property or table value, borrowed where it can be, and how
//! each format spells it.
//!
//! Events and table rows are written by the million; building a
//! `serde_json::Value` (an owned String per text) for each value only to
//! write it again cost more than the writing.

use std::borrow::Cow;
use std::io::{self, Write};

use geojson::JsonValue;

/// One property value.
#[derive(Clone, Debug, PartialEq)]
pub enum Prop<'a> {
    /// A text value.
    Text(&'a str),
    /// A text value made for the output (a relation).
    Owned(String),
    /// A text value made of parts written one after another (a title:
    /// name, `", "`, date), so that no String is built for each event.
    Parts([&'a str; 3]),
    /// A whole number.
    Int(u64),
    /// A real number (null when not finite, as in JSON).
    Real(f64),
    /// True or false.
    Bool(bool),
    /// A missing value.
    Null,
}

impl Prop<'_> {
    /// A casualty figure, or null when not reported.
    pub fn count(value: Option<u32>) -> Self {
        value.map_or(Prop::Null, |n| Prop::Int(n.into()))
    }

    /// The text, when the value is text.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Prop::Text(s) => Some(Cow::Borrowed(s)),
            Prop::Owned(s) => Some(Cow::Borrowed(s)),
            Prop::Parts(parts) => Some(Cow::Owned(parts.concat())),
            _ => None,
        }
    }

    /// The value as serde_json holds it.
    pub fn to_json(&self) -> JsonValue {
        match self {
            Prop::Text(s) => JsonValue::from(*s),
            Prop::Owned(s) => JsonValue::from(s.as_str()),
            Prop::Parts(parts) => JsonValue::from(parts.concat()),
            Prop::Int(n) => JsonValue::from(*n),
            Prop::Real(x) => JsonValue::from(*x),
            Prop::Bool(b) => JsonValue::from(*b),
            Prop::Null => JsonValue::Null,
        }
    }

    /// Writes the value as JSON, byte for byte what serde_json writes for
    /// [`Prop::to_json`].
    pub fn write_json<W: Write>(&self, out: &mut W) -> io::Result<()> {
        match self {
            Prop::Text(s) => json_str(out, s),
            Prop::Owned(s) => json_str(out, s),
            Prop::Parts(parts) => json_parts(out, parts),
            Prop::Int(n) => json(out, n),
            Prop::Real(x) if x.is_finite() => json(out, x),
            Prop::Bool(b) => json(out, b),
            Prop::Real(_) | Prop::Null => out.write_all(b"null"),
        }
    }

    /// The value as a CSV cell: empty for null, text neutralised against
    /// spreadsheet formulas, numbers as JSON writes them.
    pub fn csv_cell(&self) -> Cow<'_, str> {
        match self.as_text() {
            Some(Cow::Borrowed(text)) => neutralize(text),
            Some(Cow::Owned(text)) => Cow::Owned(neutralize(&text).into_owned()),
            None => {
                let mut cell = Vec::new();
                self.write_csv_cell(&mut cell);
                Cow::Owned(String::from_utf8(cell).expect("JSON numbers are ASCII"))
            }
        }
    }

    /// Appends [`Prop::csv_cell`] to `cell`: tables write millions of
    /// cells, and a String per number cost more than the number.
    pub fn write_csv_cell(&self, cell: &mut Vec<u8>) {
        let written = match self {
            Prop::Text(_) | Prop::Owned(_) | Prop::Parts(_) => {
                let text = self.as_text().unwrap_or_default();
                if is_formula(&text) {
                    cell.push(b'\'');
                }
                cell.extend_from_slice(text.as_bytes());
                Ok(())
            }
            Prop::Null => Ok(()),
            Prop::Bool(b) => json(cell, b),
            Prop::Int(n) => json(cell, n),
            Prop::Real(x) if x.is_finite() => json(cell, x),
            Prop::Real(_) => Ok(()),
        };
        // Writing to a Vec cannot fail.
        debug_assert!(written.is_ok());
    }
}

/// One scalar in serde_json's own spelling (escapes, shortest floats).
pub fn json<W: Write, T: serde::Serialize + ?Sized>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer(out, value).map_err(io::Error::from)
}

/// A string in serde_json's spelling. Most of what a build writes needs no
/// escape at all; that is checked a whole string at a time (a loop the
/// compiler turns into vector instructions) and the string copied as is,
/// where serde_json looks each byte up in a table as it copies.
pub fn json_str<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    if needs_escape(text.as_bytes()) {
        return json(out, text);
    }
    out.write_all(b"\"")?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\"")
}

/// Texts written one after another as one JSON string.
fn json_parts<W: Write>(out: &mut W, parts: &[&str]) -> io::Result<()> {
    // JSON escapes character by character, so the escaped parts joined
    // are the joined text escaped.
    out.write_all(b"\"")?;
    for part in parts {
        write_escaped(out, part)?;
    }
    out.write_all(b"\"")
}

/// `text` as JSON spells it inside a string's quotes.
pub(crate) fn write_escaped<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    if needs_escape(text.as_bytes()) {
        let mut quoted = Vec::with_capacity(text.len() + 8);
        json(&mut quoted, text)?;
        out.write_all(&quoted[1..quoted.len() - 1])
    } else {
        out.write_all(text.as_bytes())
    }
}

/// True when JSON must escape some byte: a control character, `"` or `\`.
#[inline]
pub(crate) fn needs_escape(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n >= 16 {
        let mut chunks = bytes.chunks_exact(16);
        if chunks.any(|chunk| escapes_in(chunk.try_into().expect("16 bytes"))) {
            return true;
        }
        // The last 16 bytes again, overlapping checked ones: copying the
        // rest into a padded block stalled the block's load on the copy's
        // stores (store forwarding), which cost more than the check.
        return !chunks.remainder().is_empty()
            && escapes_in(bytes[n - 16..].try_into().expect("16 bytes"));
    }
    if n >= 8 {
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        return escapes_in_word(word(0)) || escapes_in_word(word(n - 8));
    }
    bytes.iter().any(|&b| escaped(b))
}

fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// A fixed-size block with no early exit: the compiler turns this into a
/// few vector compares.
fn escapes_in(chunk: &[u8; 16]) -> bool {
    let escaped = |b: u8| u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
    chunk.iter().fold(0, |hit, &b| hit | escaped(b)) != 0
}

/// [`escapes_in`] for eight bytes in a word (the classic "has a byte below
/// n" and "has a zero byte" bit tricks, exact for whether any byte does).
fn escapes_in_word(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0;
    below(word, 0x20)
        || below(word ^ (ONES * u64::from(b'"')), 1)
        || below(word ^ (ONES * u64::from(b'\\')), 1)
}

fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Text a spreadsheet would run as a formula gets a leading `'` (OWASP's
/// CSV-injection advice); other text is written as is.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if is_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_csv_spellings_agree_with_serde_json() {
        for prop in [
            Prop::Text("a \"b\" \\ \n \u{1} é"),
            Prop::Text("plain é \u{7f} \u{2028} \u{1F600}"),
            Prop::Text("\u{1f}"),
            Prop::Text(" "),
            Prop::Text(""),
            Prop::Owned("x".into()),
            Prop::Int(u64::MAX),
            Prop::Real(0.1 + 0.2),
            Prop::Real(1.0),
            Prop::Real(-0.0),
            Prop::Real(f64::NAN),
            Prop::Bool(true),
            Prop::Null,
        ] {
            let mut direct = Vec::new();
            prop.write_json(&mut direct).unwrap();
            assert_eq!(direct, serde_json::to_vec(&prop.to_json()).unwrap());
        }
        assert_eq!(Prop::Real(1.0).csv_cell(), "1.0");
        assert_eq!(Prop::Real(f64::INFINITY).csv_cell(), "");
        assert_eq!(Prop::Text("=1+1").csv_cell(), "'=1+1");
        assert_eq!(Prop::Null.csv_cell(), "");
        assert_eq!(Prop::Bool(false).csv_cell(), "false");
        assert_eq!(Prop::Int(42).csv_cell(), "42");
        assert_eq!(Prop::Real(0.1 + 0.2).csv_cell(), "0.30000000000000004");
        assert_eq!(Prop::Owned("-x".into()).csv_cell(), "'-x");
    }

    #[test]
    fn escape_checks_agree_with_a_byte_by_byte_check() {
        // Every length around the block and word sizes, with each byte
        // that does or does not need an escape at every place.
        for len in 0..40 {
            for at in 0..len {
                for b in [
                    0, 0x1f, 0x20, b'"', b'\\', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xa2, 0xdc,
                    0xff,
                ] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(needs_escape(&bytes), escaped(b), "{len} {at} {b:#x}");
                }
            }
            assert!(!needs_escape(&vec![b'z'; len]));
        }
    }

    #[test]
    fn parts_are_written_as_one_text() {
        let parts = Prop::Parts(["Name \"x\"\n", ", ", "2024-01-02"]);
        let mut direct = Vec::new();
        parts.write_json(&mut direct).unwrap();
        assert_eq!(direct, serde_json::to_vec(&parts.to_json()).unwrap());
        assert_eq!(parts.to_json(), "Name \"x\"\n, 2024-01-02");
        assert_eq!(Prop::Parts(["", "=x", ""]).csv_cell(), "'=x");
    }

    #[test]
    fn formula_cells_are_neutralized() {
        for (input, output) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Jurf al Saqr", "Jurf al Saqr"),
            ("", ""),
        ] {
            assert_eq!(neutralize(input), output);
        }
    }
}
