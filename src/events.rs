//! Reading an events file (`events/events.csv`) as a stream.
//!
//! [`EventReader`] checks the header once and then yields one validated
//! [`Event`] at a time, so a file of millions of rows never has to fit in
//! memory. Duplicate ids are caught in bounded memory when the file can be
//! read twice ([`crate::seen_ids`]).

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Event, EventKind};
use crate::output::schema::OUTPUT_COLUMNS;
use crate::schemas::{self, Parsed, RowView, Schema};
use crate::seen_ids::{self, Seen, SeenIds};
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
pub(crate) fn parse_count(text: &str) -> Option<u32> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u32>().ok().filter(|&n| n <= i32::MAX as u32)
}

/// Whether an event id is the same in every format: a first character that
/// no spreadsheet runs as a formula (so CSV need not neutralise it), and
/// nothing that GIS software trims or XML cannot carry.
fn is_safe_id(id: &str) -> bool {
    // Nearly every id is printable ASCII, told a byte at a time without
    // decoding characters; anything else takes the character checks.
    let b = id.as_bytes();
    if b.first().is_some_and(u8::is_ascii_alphanumeric) && b.iter().all(|&c| c > b' ' && c < 0x7f) {
        return true;
    }
    id.starts_with(|c: char| c.is_alphanumeric())
        && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Suspect events held back until the ids are settled; past this many the
/// filter is too crowded for the file, and the reader reads the ids so far
/// again and keeps every id from then on.
const MAX_HELD: usize = 4096;

/// Streams validated events from a CSV file.
pub struct EventReader<R: Read> {
    table: CsvTable<R>,
    schema: Schema,
    /// Where each of the schema's columns is, the id first.
    columns: Vec<usize>,
    extra: Vec<usize>,
    extra_names: Vec<String>,
    seen: SeenIds,
    /// Events whose id the filter may have seen, held back (so that a
    /// duplicate never reaches a writer) until the ids are settled.
    held: Vec<Event>,
    /// Events and errors settled, to hand out before the next row.
    ready: VecDeque<Result<Event>>,
    finished: bool,
    /// Foreign rows that are neither strikes nor attacks, by reason.
    skipped: BTreeMap<String, usize>,
}

impl EventReader<File> {
    /// Opens an events file. Its ids are checked for duplicates in memory
    /// that does not grow with the file: suspects are settled by reading
    /// the file's ids again once the last row has been read.
    pub fn open(path: &Path) -> Result<Self> {
        EventReader::open_schema(path, Schema::Geoevents)
    }

    /// [`EventReader::open`] for a file in the given layout.
    pub fn open_schema(path: &Path, schema: Schema) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let bytes = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let mut reader = EventReader::with_schema(path, file, schema)?;
        reader.seen = SeenIds::filtered(bytes);
        Ok(reader)
    }
}

impl<R: Read> EventReader<R> {
    /// Reads and checks the header: every column of [`EVENT_COLUMNS`] must be
    /// there; any other column is carried through as text. Every id is kept
    /// to catch duplicates ([`EventReader::open`] does it in bounded memory).
    pub fn new(path: &Path, input: R) -> Result<Self> {
        EventReader::with_schema(path, input, Schema::Geoevents)
    }

    /// [`EventReader::new`] for a file in the given layout: the schema's
    /// columns must be there, and the others are carried through (renamed
    /// with the dataset's prefix where a foreign name is one geoevents
    /// uses).
    pub fn with_schema(path: &Path, input: R, schema: Schema) -> Result<Self> {
        let table = CsvTable::new(path, input, schema.columns())?;
        let columns = schema
            .columns()
            .iter()
            .map(|name| table.column(name))
            .collect::<Result<Vec<usize>>>()?;
        let (extra, extra_names) = carried_columns(path, table.headers(), schema)?;
        Ok(EventReader {
            table,
            schema,
            columns,
            extra,
            extra_names,
            seen: SeenIds::exact(),
            held: Vec::new(),
            ready: VecDeque::new(),
            finished: false,
            skipped: BTreeMap::new(),
        })
    }

    /// Rows skipped so far as neither strike nor attack, by reason.
    pub fn skipped(&self) -> &BTreeMap<String, usize> {
        &self.skipped
    }
}

/// The columns carried through as extra columns, and the names they take.
fn carried_columns(
    path: &Path,
    headers: &[String],
    schema: Schema,
) -> Result<(Vec<usize>, Vec<String>)> {
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
    for (i, name) in headers.iter().enumerate() {
        if schema.consumed().contains(&name.as_str()) {
            continue;
        }
        let mut name = name.clone();
        if let Some(prefix) = schema.rename_prefix() {
            if taken.contains(&name.to_lowercase()) {
                name = format!("{prefix}{name}");
            }
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
        extra_names.push(name);
    }
    Ok((extra, extra_names))
}

impl<R: Read> EventReader<R> {
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

    /// A row as an event; `None` for a foreign row that is neither a strike
    /// nor an attack (counted in [`EventReader::skipped`]) and for an event
    /// held back as a suspect.
    fn parse(&mut self, row: Row) -> Result<Option<Event>> {
        let id_column = self.schema.columns()[0];
        let id = row.fields[self.columns[0]].as_str();
        let id_problem = if id.is_empty() {
            Some("every event needs an id")
        } else if !is_safe_id(id) {
            Some("an id starts with a letter or digit and holds no spaces or control characters, so it is the same in every format")
        } else {
            None
        };
        if let Some(problem) = id_problem {
            return Err(self.table.invalid(row.line, id_column, id, problem));
        }
        let foreign = match self.schema {
            Schema::Geoevents => return self.parse_own_row(row),
            Schema::Acled => schemas::acled::parse,
            Schema::Ucdp => schemas::ucdp::parse,
        };
        let suspect = self.check_duplicate(id, row.line)?;
        match self.parse_foreign(row, foreign)? {
            Some(event) if suspect => {
                self.hold(event);
                Ok(None)
            }
            parsed => Ok(parsed),
        }
    }

    /// [`EventReader::parse`] for our own layout, with a good id. The id's
    /// filter block is fetched before the row is parsed and checked after,
    /// so that the fetch overlaps the parse; a duplicate is still the error
    /// reported when the row has others.
    fn parse_own_row(&mut self, mut row: Row) -> Result<Option<Event>> {
        self.seen.prefetch(&row.fields[self.columns[0]]);
        let parsed = self.parse_own(&mut row);
        let id = match &parsed {
            Ok(event) => &event.id,
            Err(_) => &row.fields[self.columns[0]],
        };
        let suspect = self.check_duplicate(id, row.line);
        self.table.give_back_row(row.fields);
        let (suspect, event) = (suspect?, parsed?);
        if suspect {
            self.hold(event);
            return Ok(None);
        }
        Ok(Some(event))
    }

    /// [`EventReader::parse`] for a foreign layout, once the id is known
    /// good, with that layout's `parse`.
    fn parse_foreign(
        &mut self,
        mut row: Row,
        foreign: fn(&mut RowView<'_>) -> Result<Parsed>,
    ) -> Result<Option<Event>> {
        let mut view = RowView {
            path: self.table.path(),
            line: row.line,
            names: self.schema.columns(),
            columns: &self.columns,
            fields: &mut row.fields,
        };
        match foreign(&mut view)? {
            Parsed::Event(mut event) => {
                event.extra = self.take_extra(&mut row);
                Ok(Some(event))
            }
            Parsed::Skipped(why) => {
                *self.skipped.entry(why).or_default() += 1;
                Ok(None)
            }
        }
    }

    /// The carried-through columns of a row, moved out of it.
    fn take_extra(&self, row: &mut Row) -> Vec<String> {
        self.extra
            .iter()
            .map(|&i| std::mem::take(&mut row.fields[i]))
            .collect()
    }

    /// A row of geoevents' own events file.
    fn parse_own(&self, row: &mut Row) -> Result<Event> {
        let columns = &self.columns;

        let field = |i: usize| row.fields[columns[i]].as_str();
        let invalid = |i: usize, problem: &str| {
            self.table
                .invalid(row.line, EVENT_COLUMNS[i], field(i), problem)
        };
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
        // Valid: move the fields out of the row rather than copy them.
        let extra = self.take_extra(row);
        let mut take = |i: usize| std::mem::take(&mut row.fields[columns[i]]);
        Ok(Event {
            line: row.line,
            id: take(0),
            date: take(1),
            kind,
            subtype: take(3),
            actor: take(4),
            target: take(5),
            place: take(6),
            killed_low: counts[0],
            killed_high: counts[1],
            injured_low: counts[2],
            injured_high: counts[3],
            sources: take(11),
            notes: take(12),
            extra,
            located: None,
        })
    }

    /// Records an id; a duplicate is an error naming the first line. True
    /// when the id is a suspect: the filter may have seen it.
    fn check_duplicate(&mut self, id: &str, line: u64) -> Result<bool> {
        match self.seen.insert(id, line) {
            Seen::New => Ok(false),
            Seen::Repeat(first_line) => Err(self.duplicate(id.to_string(), line, first_line)),
            Seen::Suspect => {
                self.seen.defer(id, line);
                Ok(true)
            }
        }
    }

    fn duplicate(&self, id: String, line: u64, first_line: u64) -> Error {
        Error::DuplicateId {
            path: self.table.path().to_path_buf(),
            line,
            id,
            first_line,
        }
    }

    /// Holds a suspect event back. Suspects are settled all at once, after
    /// the last row (one more read of the file, where settling each at its
    /// row cost a read of every id before it); a filter too crowded for the
    /// file settles them now and keeps every id from here on.
    fn hold(&mut self, event: Event) {
        let line = event.line;
        self.held.push(event);
        if self.held.len() <= MAX_HELD {
            return;
        }
        let mut seen = SeenIds::exact();
        match self.reread_ids() {
            Ok(ids) => {
                for (id, l) in ids.take_while(|(_, l)| *l <= line) {
                    seen.insert(&id, l);
                }
            }
            Err(e) => return self.ready.push_back(Err(e)),
        }
        self.release(|id| seen.first_line(id));
        self.seen = seen;
    }

    /// Hands out the held events, in file order, and an error for each
    /// suspect that repeats an earlier id (`first_line` of its id).
    fn release(&mut self, first_line: impl Fn(&str) -> Option<u64>) {
        let mut held = std::mem::take(&mut self.held).into_iter().peekable();
        for (id, line) in self.seen.take_suspects() {
            let event = held.next_if(|e| e.line == line);
            match first_line(&id).filter(|&first| first < line) {
                Some(first) => {
                    let error = self.duplicate(id, line, first);
                    self.ready.push_back(Err(error));
                }
                None => self.ready.extend(event.map(Ok)),
            }
        }
    }

    /// Settles the suspects left at the end in one more read.
    fn settle_suspects(&mut self) {
        match self.reread_ids() {
            Ok(ids) => {
                let first = seen_ids::first_lines(self.seen.suspects(), ids);
                self.release(|id| first.get(id).copied());
            }
            Err(e) => self.ready.push_back(Err(e)),
        }
    }

    /// The ids of the rows the first read recorded (decoded, with a usable
    /// id), read again from the start of the file.
    fn reread_ids(&self) -> Result<impl Iterator<Item = (String, u64)>> {
        let path = self.table.path();
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut table = CsvTable::new(path, file, self.schema.columns())?;
        let column = table.column(self.schema.columns()[0])?;
        Ok(std::iter::from_fn(move || loop {
            if let Ok(mut row) = table.next_row()? {
                let id = std::mem::take(&mut row.fields[column]);
                if !id.is_empty() && is_safe_id(&id) {
                    return Some((id, row.line));
                }
            }
        }))
    }
}

impl<R: Read> Iterator for EventReader<R> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            match self.table.next_row() {
                Some(row) => match row.and_then(|row| self.parse(row)) {
                    Ok(None) => continue,
                    parsed => return parsed.transpose(),
                },
                None => {
                    self.finished = true;
                    if !self.seen.suspects().is_empty() {
                        self.settle_suspects();
                    }
                }
            }
        }
    }
}

impl<R: Read> EventReader<R> {
    /// Takes back the strings of an event the caller is done with, to be
    /// filled again for a later row.
    pub fn reuse(&mut self, item: &mut Result<Event>) {
        // Only our own layout's fields map back to single columns.
        if let (Ok(e), Schema::Geoevents) = (item, self.schema) {
            let (c, table) = (&self.columns, &mut self.table);
            let mut give = |column: usize, text: &mut String| {
                table.give_back_one(column, std::mem::take(text));
            };
            give(c[0], &mut e.id);
            give(c[1], &mut e.date);
            give(c[3], &mut e.subtype);
            give(c[4], &mut e.actor);
            give(c[5], &mut e.target);
            give(c[6], &mut e.place);
            give(c[11], &mut e.sources);
            give(c[12], &mut e.notes);
            for (&column, text) in self.extra.iter().zip(&mut e.extra) {
                give(column, text);
            }
        }
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

    /// Reads a file through a filter of the minimum size, crowded enough
    /// at tens of thousands of ids to raise false suspects.
    fn read_crowded(text: &str) -> Vec<Result<Event>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(&path, text).unwrap();
        let mut reader = EventReader::open(&path).unwrap();
        reader.seen = SeenIds::filtered(0);
        reader.collect()
    }

    /// The errors among `results`, as text.
    fn errors(results: &[Result<Event>]) -> Vec<String> {
        results
            .iter()
            .filter_map(|r| r.as_ref().err().map(ToString::to_string))
            .collect()
    }

    #[test]
    fn a_crowded_filter_falls_back_to_keeping_every_id() {
        let mut text = format!("{HEADER}\n");
        for i in 0..60_000 {
            text.push_str(&format!("e{i},2024-01-02,strike,,,,X,,,,,,\n"));
        }
        // Line 60 002 repeats line 12; line 60 003 repeats line 60 001. The
        // filter is so crowded that the reader soon keeps every id instead.
        text.push_str("e10,2024-01-02,strike,,,,X,,,,,,\n");
        text.push_str("e59999,2024-01-02,strike,,,,X,,,,,,\n");
        text.push_str("e60000,2024-01-02,strike,,,,X,,,,,,\n");
        let results = read_crowded(&text);
        let errors = errors(&results);
        assert_eq!(
            results.len() - errors.len(),
            60_001,
            "every row but the two repeats"
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("line 60002") && errors[0].contains("line 12)"));
        assert!(errors[1].contains("line 60003") && errors[1].contains("line 60001)"));
        // Every other row comes out once: held events later than the rows
        // after them, none lost.
        let mut lines: Vec<u64> = results.iter().flatten().map(|e| e.line).collect();
        lines.sort_unstable();
        let expected: Vec<u64> = (2..=60_004)
            .filter(|l| *l != 60_002 && *l != 60_003)
            .collect();
        assert_eq!(lines, expected);
    }

    #[test]
    fn suspects_are_held_back_and_settled_after_the_last_row() {
        let mut text = format!("{HEADER}\n");
        for i in 0..3000 {
            text.push_str(&format!("e{i},2024-01-02,strike,,,,X,,,,,,\n"));
        }
        for repeat in ["e5", "e2999", "e7"] {
            text.push_str(&format!("{repeat},2024-01-02,strike,,,,X,,,,,,\n"));
        }
        text.push_str("last,2024-01-02,strike,,,,X,,,,,,\n");
        let results = read_crowded(&text);
        let errors = errors(&results);
        // A repeat never comes through as an event: it is reported, in file
        // order, once the last row has been read.
        assert_eq!(results.len() - errors.len(), 3001);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("line 3002") && errors[0].contains("line 7)"));
        assert!(errors[1].contains("line 3003") && errors[1].contains("line 3001)"));
        assert!(errors[2].contains("line 3004") && errors[2].contains("line 9)"));
        let last = results
            .iter()
            .position(|r| matches!(r, Ok(e) if e.id == "last"));
        let first_error = results.iter().position(Result::is_err);
        assert!(last < first_error, "settled after the last row");
    }

    fn read(text: &str) -> Vec<Result<Event>> {
        match EventReader::new(Path::new("events.csv"), text.as_bytes()) {
            Ok(reader) => reader.collect(),
            Err(e) => vec![Err(e)],
        }
    }

    #[test]
    fn safe_ids_told_by_bytes_are_those_told_by_characters() {
        let by_characters = |id: &str| {
            id.starts_with(|c: char| c.is_alphanumeric())
                && !id.chars().any(|c| c.is_whitespace() || c.is_control())
        };
        let mut ids: Vec<String> = (0..=0x7f_u8)
            .flat_map(|b| {
                let c = char::from(b);
                [
                    format!("{c}"),
                    format!("a{c}"),
                    format!("{c}1"),
                    format!("e-{c}-2"),
                ]
            })
            .collect();
        ids.extend(
            [
                "",
                "é",
                "éa",
                "aé",
                "a\u{a0}b",
                "a\u{85}",
                "a\u{2028}",
                "٣x",
                "x\u{7f}",
            ]
            .map(String::from),
        );
        for id in &ids {
            assert_eq!(is_safe_id(id), by_characters(id), "{id:?}");
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
    fn a_repeated_id_is_the_error_even_in_a_row_with_others() {
        // The id is checked after the row's other fields (so that the
        // filter's memory is fetched meanwhile), yet a repeat still wins,
        // and a bad row's id still counts as seen.
        let rows = read(&format!("{HEADER}\ne1,2023-11-22,strike,,,,X,,,,,,\ne1,2023-11-31,strike,,,,X,,,,,,\ne2,2023-11-31,strike,,,,X,,,,,,\ne2,2023-11-22,strike,,,,X,,,,,,\n"));
        let errors = self::errors(&rows);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0].contains("line 3") && errors[0].contains("line 2)"),
            "{}",
            errors[0]
        );
        assert!(errors[1].contains("line 4, field 'date'"), "{}", errors[1]);
        assert!(
            errors[2].contains("line 5") && errors[2].contains("line 4)"),
            "{}",
            errors[2]
        );
        // The same through the filter of a file read from disk.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(
            &path,
            format!("{HEADER}\ne1,2023-11-22,strike,,,,X,,,,,,\ne1,2023-11-31,strike,,,,X,,,,,,\n"),
        )
        .unwrap();
        // There a repeat is first a suspect, settled after the last row, so
        // the row's own error comes first and the repeat after it.
        let rows: Vec<_> = EventReader::open(&path).unwrap().collect();
        let errors = self::errors(&rows);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("line 3, field 'date'"), "{}", errors[0]);
        assert!(
            errors[1].contains("line 3") && errors[1].contains("line 2)"),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn computed_field_names_are_refused_as_extra_columns() {
        let rows = read(&format!("{HEADER},match\n"));
        let err = rows[0].as_ref().unwrap_err().to_string();
        assert_eq!(err, "events.csv: line 1: unexpected column 'match' (geoevents computes a field of that name; rename the column)");
    }
}
