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
    /// A text value made for the output (a title, a relation).
    Owned(String),
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
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Prop::Text(s) => Some(s),
            Prop::Owned(s) => Some(s),
            _ => None,
        }
    }

    /// The value as serde_json holds it.
    pub fn to_json(&self) -> JsonValue {
        match self {
            Prop::Text(s) => JsonValue::from(*s),
            Prop::Owned(s) => JsonValue::from(s.as_str()),
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
            Prop::Text(s) => json(out, s),
            Prop::Owned(s) => json(out, s),
            Prop::Int(n) => json(out, n),
            Prop::Real(x) if x.is_finite() => json(out, x),
            Prop::Bool(b) => json(out, b),
            Prop::Real(_) | Prop::Null => out.write_all(b"null"),
        }
    }

    /// The value as a CSV cell: empty for null, text neutralised against
    /// spreadsheet formulas, numbers as JSON writes them.
    pub fn csv_cell(&self) -> Cow<'_, str> {
        match self {
            Prop::Text(s) => neutralize(s),
            Prop::Owned(s) => neutralize(s),
            Prop::Null => Cow::Borrowed(""),
            Prop::Bool(true) => Cow::Borrowed("true"),
            Prop::Bool(false) => Cow::Borrowed("false"),
            Prop::Real(x) if !x.is_finite() => Cow::Borrowed(""),
            other => Cow::Owned(other.to_json().to_string()),
        }
    }
}

/// One scalar in serde_json's own spelling (escapes, shortest floats).
pub fn json<W: Write, T: serde::Serialize + ?Sized>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer(out, value).map_err(io::Error::from)
}

/// Text a spreadsheet would run as a formula gets a leading `'` (OWASP's
/// CSV-injection advice); other text is written as is.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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
