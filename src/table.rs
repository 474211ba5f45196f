//! Reading CSV input with located errors.
//!
//! Both the place table and the events file are read through [`CsvTable`]:
//! it checks the header, decodes each field as UTF-8 on its own (so a bad
//! byte is reported with its line and column name, not just a byte offset)
//! and hands out rows one at a time, so an events file streams.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::line_ends::LineEnds;

/// Upper bound on the row errors collected before a read gives up: enough to
/// fix a file in one pass, not so many that a wrong file floods the terminal.
pub const MAX_ROW_ERRORS: usize = 50;

/// A CSV file being read row by row.
pub struct CsvTable<R: Read> {
    path: PathBuf,
    reader: csv::Reader<LineEnds<R>>,
    headers: Vec<String>,
    record: csv::ByteRecord,
    /// Spare strings by the column they last held, so a reused string is
    /// usually long enough already.
    spare: Vec<Vec<String>>,
    spare_rows: Vec<Vec<String>>,
}

/// The most spare strings a table keeps for a column: a few thousand
/// rows' worth, so reuse never holds much memory.
const MAX_SPARE: usize = 1 << 12;
/// The most spare field lists a table keeps (one is enough when rows are
/// given back in turn).
const MAX_SPARE_ROWS: usize = 4;

/// One data row: its line number and its fields, trimmed of ASCII white
/// space (as the csv crate's `Trim::All` does), in header order.
#[derive(Debug)]
pub struct Row {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// The fields, in the order of the header.
    pub fields: Vec<String>,
}

impl<R: Read> CsvTable<R> {
    /// Reads the header. `expected` is the schema's column list, shown when
    /// the file turns out to be empty.
    pub fn new(path: &Path, input: R, expected: &[&str]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(LineEnds::new(input));
        let raw = reader
            .byte_headers()
            .map_err(|e| csv_error(path, e))?
            .clone();
        if raw.is_empty() || (raw.len() == 1 && raw[0].trim_ascii().is_empty()) {
            return Err(Error::EmptyFile {
                path: path.to_path_buf(),
                expected: expected.join(","),
            });
        }
        let mut headers = Vec::with_capacity(raw.len());
        for (i, field) in raw.iter().enumerate() {
            let name = std::str::from_utf8(field.trim_ascii()).map_err(|e| Error::InvalidUtf8 {
                path: path.to_path_buf(),
                line: 1,
                field: format!("column {}", i + 1),
                byte: e.valid_up_to(),
            })?;
            let name = name.trim().to_string();
            if headers.contains(&name) {
                return Err(Error::DuplicateColumn {
                    path: path.to_path_buf(),
                    column: name,
                });
            }
            headers.push(name);
        }
        Ok(CsvTable {
            path: path.to_path_buf(),
            reader,
            headers,
            record: csv::ByteRecord::new(),
            spare: vec![Vec::new(); raw.len()],
            spare_rows: Vec::new(),
        })
    }

    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The column names, trimmed.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The index of a required column.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
                found: self.headers.join(","),
            })
    }

    /// Reads the next row; `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<Result<Row>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => Some(self.decode()),
            Err(e) => Some(Err(csv_error(&self.path, e))),
        }
    }

    /// Takes back strings a caller is done with (an event's fields), each
    /// with the column it was read from, to hold later rows' fields: at
    /// millions of rows, allocating a string per field cost more than
    /// reading it.
    pub fn give_back(&mut self, strings: impl IntoIterator<Item = (usize, String)>) {
        for (column, mut text) in strings {
            let Some(spare) = self.spare.get_mut(column) else {
                continue;
            };
            if spare.len() < MAX_SPARE && text.capacity() > 0 {
                text.clear();
                spare.push(text);
            }
        }
    }

    /// Takes back a row's fields once the caller has moved out what it
    /// keeps, as [`CsvTable::give_back`] does, and the list for a later row.
    pub fn give_back_row(&mut self, mut fields: Vec<String>) {
        self.give_back(fields.drain(..).enumerate());
        if self.spare_rows.len() < MAX_SPARE_ROWS {
            self.spare_rows.push(fields);
        }
    }

    fn decode(&mut self) -> Result<Row> {
        let start = self.record.position().map_or(0, |p| p.byte());
        let line = self.reader.get_mut().line_at(start);
        if self.record.len() != self.headers.len() {
            return Err(Error::FieldCount {
                path: self.path.clone(),
                line,
                expected: self.headers.len(),
                found: self.record.len(),
            });
        }
        // One check of the whole record is far cheaper than one per field;
        // a field is then valid when it also starts and ends on a character
        // boundary (`get` checks), which a byte sequence split by a comma
        // would not.
        let whole = std::str::from_utf8(self.record.as_slice()).ok();
        let mut fields = match self.spare_rows.pop() {
            Some(fields) => fields,
            None => Vec::with_capacity(self.record.len()),
        };
        for (i, field) in self.record.iter().enumerate() {
            let checked = whole.zip(self.record.range(i)).and_then(|(w, r)| w.get(r));
            let text = match checked {
                Some(text) => text.trim_ascii(),
                None => {
                    std::str::from_utf8(field.trim_ascii()).map_err(|e| Error::InvalidUtf8 {
                        path: self.path.clone(),
                        line,
                        field: self.headers[i].clone(),
                        byte: e.valid_up_to(),
                    })?
                }
            };
            let mut field = self.spare[i].pop().unwrap_or_default();
            field.push_str(text);
            fields.push(field);
        }
        Ok(Row { line, fields })
    }

    /// An [`Error::InvalidValue`] for a field of this file.
    pub fn invalid(&self, line: u64, field: &str, value: &str, problem: &str) -> Error {
        Error::InvalidValue {
            path: self.path.clone(),
            line,
            field: field.to_string(),
            value: value.to_string(),
            problem: problem.to_string(),
        }
    }
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
    // Rows are read as bytes into a flexible reader, so the only other kinds
    // (UTF-8, unequal lengths) are checked by `decode` with better messages.
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(source) => Error::io(path, source),
        _ => Error::Csv {
            path: path.to_path_buf(),
            message,
        },
    }
}

/// Collects row errors up to [`MAX_ROW_ERRORS`] while a file is read to the end.
#[derive(Debug, Default)]
pub struct RowErrors {
    errors: Vec<Error>,
    more: usize,
}

impl RowErrors {
    /// Records one error.
    pub fn push(&mut self, error: Error) {
        if self.errors.len() < MAX_ROW_ERRORS {
            self.errors.push(error);
        } else {
            self.more += 1;
        }
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when nothing was recorded, else the errors as one.
    pub fn into_result(mut self) -> Result<()> {
        match self.errors.len() {
            0 => Ok(()),
            1 if self.more == 0 => Err(self.errors.remove(0)),
            _ => {
                if self.more > 0 {
                    self.errors.push(Error::MoreRows { count: self.more });
                }
                Err(Error::Rows(self.errors))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<Result<Row>> {
        let mut table = CsvTable::new(Path::new("t.csv"), bytes, &["a", "b"]).unwrap();
        std::iter::from_fn(|| table.next_row()).collect()
    }

    #[test]
    fn fields_are_trimmed_of_ascii_space_only() {
        let rows = rows(b" a , b \n  x\t, \xc2\xa0y \n");
        let fields = &rows[0].as_ref().unwrap().fields;
        // U+00A0 (no-break space) is text, as it was with csv's own trim.
        assert_eq!(fields, &["x", "\u{a0}y"]);
    }

    #[test]
    fn a_character_split_by_a_comma_is_invalid_in_its_field() {
        // "é" is C3 A9: valid bytes once the comma is taken out, but neither
        // field is UTF-8 on its own.
        let rows = rows(b"a,b\nok,fine\nx\xc3,\xa9y\n");
        assert!(rows[0].is_ok());
        let message = rows[1].as_ref().unwrap_err().to_string();
        assert!(message.contains("line 3"), "{message}");
        match &rows[1] {
            Err(Error::InvalidUtf8 { field, byte, .. }) => {
                assert_eq!((field.as_str(), *byte), ("a", 1));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rows_start_on_the_line_an_editor_shows_whatever_the_line_ends() {
        let text = "a,b\nx,\"two\nlines\"\n\ny,z\nw,v\n";
        let expected = [2, 5, 6];
        for (name, bytes) in [
            ("LF", text.as_bytes().to_vec()),
            ("CRLF", text.replace('\n', "\r\n").into_bytes()),
            ("CR", text.replace('\n', "\r").into_bytes()),
            (
                "BOM, CRLF",
                [&b"\xef\xbb\xbf"[..], text.replace('\n', "\r\n").as_bytes()].concat(),
            ),
        ] {
            let lines: Vec<u64> = rows(&bytes)
                .iter()
                .map(|r| r.as_ref().unwrap().line)
                .collect();
            assert_eq!(lines, expected, "{name}");
        }
    }
}
