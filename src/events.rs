//! Reading an events file (`events/events.csv`) as a stream.
//!
//! [`EventReader`] checks the header once and then yields one validated
//! [`Event`] at a time, so a file of millions of rows never has to fit in
//! memory. Only the ids seen so far are kept, to catch duplicates.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Event, EventKind};
use crate::output::schema::OUTPUT_COLUMNS;
use crate::table::{CsvTable, Row};

/// The columns every events file must have, in the bundled file's order.
pub const EVENT_COLUMNS: [&str; 13] = [
    "id",
    "date",
    "kind",
    "subtype",
    "actor",
    "target",
    "place",
    "killed_low",
    "killed_high",
    "injured_low",
    "injured_high",
    "sources",
    "notes",
];

/// Names geoevents adds to event features. An events file may not use them
/// for extra columns, since a carried-through column would be overwritten.
pub const COMPUTED_FIELDS: [&str; 16] = [
    "place_id",
    "place_name",
    "place_kind",
    "match",
    "score",
    "relation",
    "precision",
    "geo_precision",
    "where_prec",
    "uncertainty_m",
    "nearest_base_id",
    "nearest_base_km",
    "title",
    "marker-color",
    "marker-symbol",
    "marker-size",
];

/// A casualty figure: digits only (no sign), small enough for the 32-bit
/// integer fields of GeoPackage and GDAL.
fn parse_count(text: &str) -> Option<u32> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u32>().ok().filter(|&n| n <= i32::MAX as u32)
}

/// Whether an event id is the same in every format: a first character that
/// no spreadsheet runs as a formula (so CSV need not neutralise it), and
/// nothing that GIS software trims or XML cannot carry.
fn is_safe_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_alphanumeric())
        && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Streams validated events from a CSV file.
pub struct EventReader<R: Read> {
    table: CsvTable<R>,
    columns: [usize; EVENT_COLUMNS.len()],
    extra: Vec<usize>,
    extra_names: Vec<String>,
    seen: HashMap<String, u64>,
}

impl<R: Read> EventReader<R> {
    /// Reads and checks the header: every column of [`EVENT_COLUMNS`] must be
    /// there; any other column is carried through as text.
    pub fn new(path: &Path, input: R) -> Result<Self> {
        let table = CsvTable::new(path, input, &EVENT_COLUMNS)?;
        let mut columns = [0usize; EVENT_COLUMNS.len()];
        for (slot, name) in columns.iter_mut().zip(EVENT_COLUMNS) {
            *slot = table.column(name)?;
        }
        let mut extra = Vec::new();
        let mut extra_names = Vec::new();
        // Output column names are compared without case: SQLite (and so the
        // GeoPackage), GDAL and QGIS treat `Notes` and `notes` as one field.
        let mut taken: Vec<String> = EVENT_COLUMNS
            .iter()
            .chain(&COMPUTED_FIELDS)
            .chain(&OUTPUT_COLUMNS)
            .map(|s| s.to_lowercase())
            .collect();
        for (i, name) in table.headers().iter().enumerate() {
            if EVENT_COLUMNS.contains(&name.as_str()) {
                continue;
            }
            let lower = name.to_lowercase();
            let why = if name.is_empty() {
                Some(format!("column {} has no name", i + 1))
            } else if name.chars().any(|c| c.is_control() || c == '"') {
                Some(
                    "a column name may not hold a control character (line break, tab …) or a double quote: GIS readers cut the header there"
                        .to_string(),
                )
            } else if COMPUTED_FIELDS.contains(&lower.as_str()) {
                Some("geoevents computes a field of that name; rename the column".to_string())
            } else if OUTPUT_COLUMNS.contains(&lower.as_str()) {
                Some(
                    "the output formats use that name (feature id, GeoPackage key and geometry, CSV coordinates, KML's own fields); rename the column"
                        .to_string(),
                )
            } else if taken.contains(&lower) {
                Some(
                    "another column has the same name in another case, and GIS formats do not tell them apart; rename one"
                        .to_string(),
                )
            } else {
                None
            };
            if let Some(why) = why {
                return Err(Error::UnexpectedColumn {
                    path: path.to_path_buf(),
                    column: name.clone(),
                    why,
                });
            }
            taken.push(lower);
            extra.push(i);
            extra_names.push(name.clone());
        }
        Ok(EventReader {
            table,
            columns,
            extra,
            extra_names,
            seen: HashMap::new(),
        })
    }

    /// The names of the extra columns, in file order.
    pub fn extra_columns(&self) -> &[String] {
        &self.extra_names
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        self.table.path()
    }

    /// Bytes of the file read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.table.bytes_read()
    }

    fn parse(&mut self, row: Row) -> Result<Event> {
        let field = |i: usize| row.fields[self.columns[i]].as_str();
        let invalid = |i: usize, problem: &str| {
            self.table
                .invalid(row.line, EVENT_COLUMNS[i], field(i), problem)
        };

        let id = field(0);
        if id.is_empty() {
            return Err(invalid(0, "every event needs an id"));
        }
        if !is_safe_id(id) {
            return Err(invalid(
                0,
                "an id starts with a letter or digit and holds no spaces or control characters, so it is the same in every format",
            ));
        }
        if !is_iso_date(field(1)) {
            return Err(invalid(1, "expected a calendar date as YYYY-MM-DD"));
        }
        let kind = match field(2) {
            "strike" => EventKind::Strike,
            "attack" => EventKind::Attack,
            _ => return Err(invalid(2, "expected strike or attack")),
        };
        let mut counts = [None; 4];
        for (n, slot) in counts.iter_mut().enumerate() {
            let i = 7 + n;
            let text = field(i);
            if !text.is_empty() {
                let value = parse_count(text).ok_or_else(|| {
                    invalid(
                        i,
                        "expected a whole number of people (digits only, at most 2147483647), or empty when not reported",
                    )
                })?;
                *slot = Some(value);
            }
        }
        for (low, high) in [(0, 1), (2, 3)] {
            if let (Some(l), Some(h)) = (counts[low], counts[high]) {
                if l > h {
                    return Err(invalid(7 + high, &format!("lower than the low figure {l}")));
                }
            }
        }
        if let Some(&first_line) = self.seen.get(id) {
            return Err(Error::DuplicateId {
                path: self.table.path().to_path_buf(),
                line: row.line,
                id: id.to_string(),
                first_line,
            });
        }
        let event = Event {
            line: row.line,
            id: id.to_string(),
            date: field(1).to_string(),
            kind,
            subtype: field(3).to_string(),
            actor: field(4).to_string(),
            target: field(5).to_string(),
            place: field(6).to_string(),
            killed_low: counts[0],
            killed_high: counts[1],
            injured_low: counts[2],
            injured_high: counts[3],
            sources: field(11).to_string(),
            notes: field(12).to_string(),
            extra: self.extra.iter().map(|&i| row.fields[i].clone()).collect(),
        };
        self.seen.insert(event.id.clone(), row.line);
        Ok(event)
    }
}

impl<R: Read> Iterator for EventReader<R> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = self.table.next_row()?;
        Some(row.and_then(|row| self.parse(row)))
    }
}

/// True for a real calendar date written `YYYY-MM-DD` (years 1000–9999, so a
/// year typed as `0025` is caught).
pub fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        text.get(r.clone())
            .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|s| s.parse().ok())
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1000 && (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,date,kind,subtype,actor,target,place,killed_low,killed_high,injured_low,injured_high,sources,notes";

    fn read(text: &str) -> Vec<Result<Event>> {
        match EventReader::new(Path::new("events.csv"), text.as_bytes()) {
            Ok(reader) => reader.collect(),
            Err(e) => vec![Err(e)],
        }
    }

    #[test]
    fn dates() {
        for good in ["2023-11-22", "2024-02-29", "2000-02-29", "1999-12-31"] {
            assert!(is_iso_date(good), "{good}");
        }
        for bad in [
            "2023-11-31",
            "2023-02-29",
            "1900-02-29",
            "2023-13-01",
            "2023-1-22",
            "22/11/2023",
            "0025-01-01",
            "2023-11-22T00",
            "２０２３-11-22",
            "",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    #[test]
    fn reads_rows_and_carries_extra_columns() {
        let rows = read(&format!("{HEADER},desk_note\ne1,2023-11-22,strike,airstrike,US,KH,Jurf al Saqr,8,8,,,a.txt,quote,check\n"));
        let event = rows[0].as_ref().unwrap();
        assert_eq!(event.killed_low, Some(8));
        assert_eq!(event.injured_low, None);
        assert_eq!(event.extra, vec!["check"]);
        assert_eq!(event.line, 2);
    }

    #[test]
    fn bad_values_name_line_and_field() {
        let rows = read(&format!("{HEADER}\ne1,2023-11-31,strike,,,,X,,,,,,\ne2,2023-11-22,raid,,,,X,,,,,,\ne3,2023-11-22,strike,,,,X,five,,,,,\ne4,2023-11-22,strike,,,,X,8,2,,,,\n"));
        let errors: Vec<String> = rows
            .iter()
            .map(|r| r.as_ref().unwrap_err().to_string())
            .collect();
        assert_eq!(errors[0], "events.csv: line 2, field 'date': expected a calendar date as YYYY-MM-DD: \"2023-11-31\"");
        assert_eq!(
            errors[1],
            "events.csv: line 3, field 'kind': expected strike or attack: \"raid\""
        );
        assert!(errors[2]
            .starts_with("events.csv: line 4, field 'killed_low': expected a whole number"));
        assert_eq!(
            errors[3],
            "events.csv: line 5, field 'killed_high': lower than the low figure 8: \"2\""
        );
    }

    #[test]
    fn computed_field_names_are_refused_as_extra_columns() {
        let rows = read(&format!("{HEADER},match\n"));
        let err = rows[0].as_ref().unwrap_err().to_string();
        assert_eq!(err, "events.csv: line 1: unexpected column 'match' (geoevents computes a field of that name; rename the column)");
    }
}
