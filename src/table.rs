//! Reading CSV input with located errors.
//!
//! Both the place table and the events file are read through [`CsvTable`]:
//! it checks the header, decodes each field as UTF-8 on its own (so a bad
//! byte is reported with its line and column name, not just a byte offset)
//! and hands out rows one at a time, so an events file streams.
//!
//! The table parses the CSV itself, as the csv crate's reader does with its
//! default settings (comma, `"` quotes doubled inside quoted fields, LF,
//! CRLF or a lone CR ending records, blank lines skipped, a leading UTF-8
//! BOM dropped, any number of fields a row). That reader copied every byte
//! through a state machine into a record and from there into the fields;
//! here the ends of fields are found eight bytes at a time, and a field
//! is copied once, from the read buffer into its string. The tests hold
//! the two to the same rows and errors.

use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::line_ends::LineEnds;

/// Upper bound on the row errors collected before a read gives up: enough to
/// fix a file in one pass, not so many that a wrong file floods the terminal.
pub const MAX_ROW_ERRORS: usize = 50;

/// Bytes asked of the input at a time.
const READ_SIZE: usize = 1 << 16;

/// A CSV file being read row by row.
pub struct CsvTable<R: Read> {
    path: PathBuf,
    input: Input<R>,
    headers: Vec<String>,
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

/// Where a field's text is: in the record's bytes as read, or, when
/// quotes had to be taken out of it, in [`Input::unquoted`].
#[derive(Clone, Debug, PartialEq)]
struct Field {
    range: Range<usize>,
    unquoted: bool,
}

/// How far [`parse_record`] got.
#[derive(Debug, PartialEq)]
enum Parsed {
    /// A record, ending `len` bytes in (after the first byte of its line
    /// end).
    Record { len: usize },
    /// The record may go on past the bytes given.
    NeedMore,
    /// Nothing but line ends left before the end of the input.
    End,
}

/// What follows a field that ended at `at`.
enum After {
    Field(usize),
    Record(usize),
    NeedMore,
}

fn after_field(data: &[u8], at: usize, at_end: bool) -> After {
    match data.get(at) {
        Some(b',') => After::Field(at + 1),
        Some(_) => After::Record(at + 1),
        None if at_end => After::Record(at),
        None => After::NeedMore,
    }
}

/// Where the unquoted text from `from` ends: at a comma or line end, or at
/// the end of `data`.
fn unquoted_end(data: &[u8], from: usize) -> usize {
    find(data, from, |w| {
        has_byte(w, b',') | has_byte(w, b'\n') | has_byte(w, b'\r')
    })
    .unwrap_or(data.len())
}

/// The first quote in `data` from `from` on.
fn next_quote(data: &[u8], from: usize) -> Option<usize> {
    find(data, from, |w| has_byte(w, b'"'))
}

/// The first byte from `from` on that `hits` marks: given eight bytes as a
/// little-endian word, `hits` sets the high bit of (at least) the first
/// byte sought. Fields are a dozen bytes or so, where memchr's setup for
/// each call cost more than its search; a word at a time inline is
/// cheaper.
#[inline(always)]
fn find(data: &[u8], mut from: usize, hits: impl Fn(u64) -> u64) -> Option<usize> {
    while let Some(chunk) = data.get(from..from + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let hit = hits(word);
        if hit != 0 {
            return Some(from + (hit.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    let tail = data.get(from..).unwrap_or_default();
    let mut word = [0; 8];
    word[..tail.len()].copy_from_slice(tail);
    let hit = hits(u64::from_le_bytes(word));
    // The zero padding may be a hit only past the tail.
    let at = from + (hit.trailing_zeros() / 8) as usize;
    (at < data.len()).then_some(at)
}

/// The high bit of each byte of `word` equal to `byte`: exact for the
/// lowest such byte (the classic "has a zero byte" trick; a borrow may mark
/// bytes above it), which is all [`find`] asks.
#[inline(always)]
fn has_byte(word: u64, byte: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Parses the record at the start of `data` (line ends before it are
/// skipped) into `fields`, with the text of fields that held quotes in
/// `unquoted`. `at_end` says that the input ends with `data`.
///
/// This is csv-core's reader with its default settings: a field that starts
/// with `"` is quoted, `""` inside it is one quote, and anything after its
/// closing quote up to the next comma or line end is taken as it is; a `"`
/// anywhere else is text. A record ends at LF or CR and takes that byte
/// (the LF of a CRLF is skipped with the line ends before the next one).
fn parse_record(
    data: &[u8],
    at_end: bool,
    fields: &mut Vec<Field>,
    unquoted: &mut Vec<u8>,
) -> Parsed {
    fields.clear();
    unquoted.clear();
    let Some(mut at) = data.iter().position(|&b| b != b'\n' && b != b'\r') else {
        return if at_end {
            Parsed::End
        } else {
            Parsed::NeedMore
        };
    };
    loop {
        let after = if data.get(at) == Some(&b'"') {
            let (field, after) = quoted_field(data, at + 1, at_end, unquoted);
            fields.push(field);
            after
        } else {
            let end = unquoted_end(data, at);
            fields.push(Field {
                range: at..end,
                unquoted: false,
            });
            after_field(data, end, at_end)
        };
        match after {
            After::Field(next) => at = next,
            After::Record(len) => return Parsed::Record { len },
            After::NeedMore => return Parsed::NeedMore,
        }
    }
}

/// A quoted field whose text starts at `from` (after the opening quote).
/// Its text is a slice of `data` unless it held a doubled quote or text
/// after its closing quote; then it is put together in `unquoted`.
fn quoted_field(
    data: &[u8],
    mut from: usize,
    at_end: bool,
    unquoted: &mut Vec<u8>,
) -> (Field, After) {
    let mut copied: Option<usize> = None;
    loop {
        let Some(quote) = next_quote(data, from) else {
            // No closing quote: the field runs to the end of the input.
            let after = if at_end {
                After::Record(data.len())
            } else {
                After::NeedMore
            };
            return (text_of(data, from..data.len(), copied, unquoted), after);
        };
        match data.get(quote + 1) {
            Some(b'"') => {
                copied.get_or_insert(unquoted.len());
                unquoted.extend_from_slice(&data[from..=quote]);
                from = quote + 2;
            }
            Some(b',' | b'\n' | b'\r') | None => {
                let field = text_of(data, from..quote, copied, unquoted);
                return (field, after_field(data, quote + 1, at_end));
            }
            Some(_) => {
                let start = *copied.get_or_insert(unquoted.len());
                unquoted.extend_from_slice(&data[from..quote]);
                let end = unquoted_end(data, quote + 1);
                unquoted.extend_from_slice(&data[quote + 1..end]);
                let field = Field {
                    range: start..unquoted.len(),
                    unquoted: true,
                };
                return (field, after_field(data, end, at_end));
            }
        }
    }
}

/// The field made of `data[range]`, after what was already copied to
/// `unquoted` from `copied` on, if anything was.
fn text_of(
    data: &[u8],
    range: Range<usize>,
    copied: Option<usize>,
    unquoted: &mut Vec<u8>,
) -> Field {
    match copied {
        None => Field {
            range,
            unquoted: false,
        },
        Some(start) => {
            unquoted.extend_from_slice(&data[range]);
            Field {
                range: start..unquoted.len(),
                unquoted: true,
            }
        }
    }
}

/// The input, its read buffer and the last record parsed.
struct Input<R> {
    reader: LineEnds<R>,
    /// Bytes read; `buf[start..end]` are not yet parsed.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The input's offset of `buf[0]`.
    base: u64,
    at_end: bool,
    /// Set at the end of the input and after a read error: as with the csv
    /// crate, a file that failed to read ends there.
    done: bool,
    /// A read error, reported when the parser next needs more input.
    error: Option<io::Error>,
    /// The last record: its bytes in `buf`, and its fields.
    record: Range<usize>,
    fields: Vec<Field>,
    unquoted: Vec<u8>,
}

impl<R: Read> Input<R> {
    fn new(reader: R) -> Self {
        Input {
            reader: LineEnds::new(reader),
            buf: vec![0; READ_SIZE],
            start: 0,
            end: 0,
            base: 0,
            at_end: false,
            done: false,
            error: None,
            record: 0..0,
            fields: Vec::new(),
            unquoted: Vec::new(),
        }
    }

    /// Drops a UTF-8 byte order mark at the start of the input.
    fn skip_bom(&mut self) -> io::Result<()> {
        while self.end < 3 && !self.at_end {
            self.fill()?;
        }
        if self.buf[..self.end].starts_with(b"\xef\xbb\xbf") {
            self.start = 3;
        }
        Ok(())
    }

    /// Parses the next record; its start's offset in the input (where
    /// the last one ended, before any blank lines), or `None` at the end.
    fn next_record(&mut self) -> io::Result<Option<u64>> {
        loop {
            if self.done {
                return Ok(None);
            }
            let data = &self.buf[self.start..self.end];
            match parse_record(data, self.at_end, &mut self.fields, &mut self.unquoted) {
                Parsed::Record { len } => {
                    let offset = self.base + self.start as u64;
                    self.record = self.start..self.start + len;
                    self.start += len;
                    return Ok(Some(offset));
                }
                Parsed::End => {
                    self.start = self.end;
                    self.done = true;
                    return Ok(None);
                }
                Parsed::NeedMore => {
                    if let Some(e) = self.error.take() {
                        self.done = true;
                        return Err(e);
                    }
                    // Nothing but blank lines so far: they are let go, and
                    // the line ends noted in them too, so that a long run
                    // of them is not held whole (the next record's line
                    // is still counted from every end behind it).
                    if data.iter().all(|&b| b == b'\n' || b == b'\r') {
                        self.start = self.end;
                        self.reader.line_at(self.base + self.start as u64);
                    }
                    // The record is parsed again from its start once more
                    // is read, so at least as much again is read first:
                    // else a record longer than a read (an unclosed quote
                    // in a file read from a pipe) took time quadratic in
                    // its length.
                    let want = 2 * (self.end - self.start);
                    loop {
                        match self.fill() {
                            Ok(()) if !self.at_end && self.end - self.start < want => {}
                            Ok(()) => break,
                            // Reported once what was read before it is
                            // parsed, as the csv crate did.
                            Err(e) => {
                                self.error = Some(e);
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Reads more input after what is left unparsed, which moves to the
    /// front of the buffer (a record is parsed again from its start once
    /// more of it is there).
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < READ_SIZE / 2 {
            let len = (self.buf.len() * 2).max(self.end + READ_SIZE);
            self.buf.resize(len, 0);
        }
        let n = self.reader.read(&mut self.buf[self.end..])?;
        self.end += n;
        self.at_end = n == 0;
        Ok(())
    }

    /// Offset of the input parsed so far.
    fn position(&self) -> u64 {
        self.base + self.start as u64
    }

    /// The last record's field `i`, as bytes.
    fn field(&self, i: usize) -> &[u8] {
        let field = &self.fields[i];
        if field.unquoted {
            &self.unquoted[field.range.clone()]
        } else {
            &self.buf[self.record.clone()][field.range.clone()]
        }
    }
}

impl<R: Read> CsvTable<R> {
    /// Reads the header. `expected` is the schema's column list, shown when
    /// the file turns out to be empty.
    pub fn new(path: &Path, input: R, expected: &[&str]) -> Result<Self> {
        let mut input = Input::new(input);
        let io_error = |e| Error::io(path, e);
        input.skip_bom().map_err(io_error)?;
        let found = input.next_record().map_err(io_error)?.is_some();
        let count = if found { input.fields.len() } else { 0 };
        if count == 0 || (count == 1 && input.field(0).trim_ascii().is_empty()) {
            return Err(Error::EmptyFile {
                path: path.to_path_buf(),
                expected: expected.join(","),
            });
        }
        let mut headers = Vec::with_capacity(count);
        for i in 0..count {
            let field = input.field(i);
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
            input,
            headers,
            spare: vec![Vec::new(); count],
            spare_rows: Vec::new(),
        })
    }

    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.input.position()
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
        match self.input.next_record() {
            Ok(None) => None,
            Ok(Some(offset)) => Some(self.decode(offset)),
            Err(e) => Some(Err(Error::io(&self.path, e))),
        }
    }

    /// Takes back a string a caller is done with (an event's field), with
    /// the column it was read from, to hold a later row's field: at
    /// millions of rows, allocating a string per field cost more than
    /// reading it.
    #[inline]
    pub fn give_back_one(&mut self, column: usize, mut text: String) {
        if text.capacity() == 0 {
            return;
        }
        if let Some(spare) = self.spare.get_mut(column) {
            if spare.len() < MAX_SPARE {
                text.clear();
                spare.push(text);
            }
        }
    }

    /// Takes back a row's fields once the caller has moved out what it
    /// keeps: a later row is read into the strings left in place (those
    /// moved out leave empty ones, filled from [`CsvTable::give_back_one`]'s).
    pub fn give_back_row(&mut self, fields: Vec<String>) {
        if self.spare_rows.len() < MAX_SPARE_ROWS && fields.len() == self.headers.len() {
            self.spare_rows.push(fields);
        }
    }

    /// The last record parsed as a row, which started at `offset`.
    fn decode(&mut self, offset: u64) -> Result<Row> {
        let input = &mut self.input;
        let line = input.reader.line_at(offset);
        if input.fields.len() != self.headers.len() {
            return Err(Error::FieldCount {
                path: self.path.clone(),
                line,
                expected: self.headers.len(),
                found: input.fields.len(),
            });
        }
        // One check of the record as read is far cheaper than one per
        // field. Commas and quotes are ASCII, so a field taken from valid
        // text is valid text too; a field with a bad byte is then found by
        // checking each on its own.
        let record = &input.buf[input.record.clone()];
        let whole = std::str::from_utf8(record).ok();
        let mut fields = match self.spare_rows.pop() {
            Some(fields) => fields,
            None => vec![String::new(); input.fields.len()],
        };
        for (i, field) in input.fields.iter().enumerate() {
            let checked = whole
                .filter(|_| !field.unquoted)
                .and_then(|w| w.get(field.range.clone()));
            let text = match checked {
                Some(text) => text.trim_ascii(),
                None => {
                    let bytes = if field.unquoted {
                        &input.unquoted[field.range.clone()]
                    } else {
                        &record[field.range.clone()]
                    };
                    std::str::from_utf8(bytes.trim_ascii()).map_err(|e| Error::InvalidUtf8 {
                        path: self.path.clone(),
                        line,
                        field: self.headers[i].clone(),
                        byte: e.valid_up_to(),
                    })?
                }
            };
            let slot = &mut fields[i];
            if slot.capacity() < text.len() {
                // A string too short for the text is replaced by one with
                // room to spare, so that strings soon fit their column's
                // texts and are not grown (copied) a row in two.
                *slot = match self.spare[i].pop() {
                    Some(field) if field.capacity() >= text.len() => field,
                    _ => String::with_capacity(text.len().next_power_of_two()),
                };
            }
            slot.clear();
            slot.push_str(text);
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
    use crate::line_ends::Chunked;

    /// What the table made of `bytes`, read `chunk` bytes at a time: the
    /// header or its error, then each row or its error, as text.
    fn via_table(bytes: &[u8], chunk: usize) -> Vec<String> {
        let mut table = match CsvTable::new(Path::new("t.csv"), Chunked(bytes, chunk), &["a"]) {
            Ok(table) => table,
            Err(e) => return vec![e.to_string()],
        };
        let mut out = vec![format!("headers {:?}", table.headers())];
        while let Some(row) = table.next_row() {
            out.push(match row {
                Ok(row) => format!("line {}: {:?}", row.line, row.fields),
                Err(e) => e.to_string(),
            });
        }
        out.push(format!("read {}", table.bytes_read()));
        out
    }

    /// [`via_table`] as the table was written before it parsed the CSV
    /// itself: through the csv crate's reader, which it must match.
    fn via_csv_crate(bytes: &[u8]) -> Vec<String> {
        let path = Path::new("t.csv");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(LineEnds::new(bytes));
        let raw = reader.byte_headers().unwrap().clone();
        if raw.is_empty() || (raw.len() == 1 && raw[0].trim_ascii().is_empty()) {
            let e = Error::EmptyFile {
                path: path.to_path_buf(),
                expected: "a".into(),
            };
            return vec![e.to_string()];
        }
        let mut headers = Vec::new();
        for (i, field) in raw.iter().enumerate() {
            let name = match std::str::from_utf8(field.trim_ascii()) {
                Ok(name) => name.trim().to_string(),
                Err(e) => {
                    let e = Error::InvalidUtf8 {
                        path: path.to_path_buf(),
                        line: 1,
                        field: format!("column {}", i + 1),
                        byte: e.valid_up_to(),
                    };
                    return vec![e.to_string()];
                }
            };
            if headers.contains(&name) {
                let e = Error::DuplicateColumn {
                    path: path.to_path_buf(),
                    column: name,
                };
                return vec![e.to_string()];
            }
            headers.push(name);
        }
        let mut out = vec![format!("headers {headers:?}")];
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let start = record.position().unwrap().byte();
            let line = reader.get_mut().line_at(start);
            if record.len() != headers.len() {
                let e = Error::FieldCount {
                    path: path.to_path_buf(),
                    line,
                    expected: headers.len(),
                    found: record.len(),
                };
                out.push(e.to_string());
                continue;
            }
            let decoded: std::result::Result<Vec<String>, Error> = record
                .iter()
                .enumerate()
                .map(|(i, field)| {
                    std::str::from_utf8(field.trim_ascii())
                        .map(str::to_string)
                        .map_err(|e| Error::InvalidUtf8 {
                            path: path.to_path_buf(),
                            line,
                            field: headers[i].clone(),
                            byte: e.valid_up_to(),
                        })
                })
                .collect();
            out.push(match decoded {
                Ok(fields) => format!("line {line}: {fields:?}"),
                Err(e) => e.to_string(),
            });
        }
        out.push(format!("read {}", reader.position().byte()));
        out
    }

    /// Checks the table against the csv crate on `bytes`, read whole and
    /// in small pieces.
    fn same_as_csv_crate(bytes: &[u8]) {
        let expected = via_csv_crate(bytes);
        for chunk in [usize::MAX, 1, 2, 3, 5, 64] {
            assert_eq!(
                via_table(bytes, chunk),
                expected,
                "{:?} read {chunk} at a time",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn tricky_files_read_as_the_csv_crate_reads_them() {
        let files: &[&[u8]] = &[
            b"",
            b"\n\r\n",
            b" \n",
            b"a,b",
            b"a,b\n",
            b"a,a\n",
            b"a,\xff\n",
            b"a,b\nx,y",
            b"a,b\nx,y\n",
            b"a,b\r\nx,y\r\nz,w\r\n",
            b"a,b\rx,y\rz,w\r",
            b"a,b\n\n\r\n\rx,y\n\n",
            b"\xef\xbb\xbfa,b\r\nx,y\r\n",
            b"\xef\xbb\xbf",
            b"\xef\xbb,b\nx,y\n",
            b"a,b\n\xef\xbb\xbfx,y\n",
            b"a,b\n x , y \n\tx\t,\ty\t\n",
            b"a,b\n,\n,,\n\n,\n",
            b"a,b\nx\ny,z,w\n",
            b"a,b\n\"x,1\",\"y\"\"2\"\"\"\n",
            b"a,b\n\"two\nlines\",\"cr\rand\r\ncrlf\"\nx,y\n",
            b"a,b\n\"x\"tail,\"y\" \n",
            b"a,b\n\"x\"\"\"tail\"\"more,y\n",
            b"a,b\nx\"y\"z,\"\"\n",
            b"a,b\n \"x,y\" ,z\n",
            b"a,b\n\"unclosed,y\n",
            b"a,b\nx,\"unclosed\"\"",
            b"a,b\nx,\"closed\"",
            b"a,b\nx,\"\"\"",
            b"a,b\nx,\"",
            b"a,b\nx,",
            b"a,b\nok,fine\nx\xc3,\xa9y\n",
            b"a,b\nx,\"\xc3\",\xa9\n",
            b"a,b\n\"\xc3\xa9\"\"\",\" \xe2\x82 \"\n",
            b"\"a\"\"\",\" b \"\nx,y\n",
            b"a,b\r\n\r\n\"x\r\n\",y\r\n\r",
        ];
        for bytes in files {
            same_as_csv_crate(bytes);
        }
    }

    #[test]
    fn random_files_read_as_the_csv_crate_reads_them() {
        const BYTES: &[u8] = b"ab ,,,\"\"\r\n\n\t\xc3\xa9\xef\xbb\xbf";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for case in 0..20_000 {
            let header: &[u8] = match case % 4 {
                0 => b"",
                1 => b"a,b\n",
                2 => b"\xef\xbb\xbfa,b,c\r\n",
                _ => b"\"a\",b\r",
            };
            let len = next(40);
            let mut bytes = header.to_vec();
            bytes.extend((0..len).map(|_| BYTES[next(BYTES.len())]));
            same_as_csv_crate(&bytes);
        }
    }

    #[test]
    fn records_across_many_buffers_read_as_the_csv_crate_reads_them() {
        let mut text = String::from("id,note,n\r\n");
        for i in 0..20_000 {
            match i % 5 {
                0 => text.push_str(&format!("e{i},\"a, \"\"quoted\"\"\r\nnote\",{i}\r\n")),
                1 => text.push_str(&format!("e{i}, plain ,{i}\n\n")),
                2 => text.push_str(&format!("e{i},\"{}\",{i}\r", "long ".repeat(i % 300))),
                3 => text.push_str(&format!("e{i},é,\r\n")),
                _ => text.push_str(&format!("e{i},x\"y,{i},extra\n")),
            }
        }
        let bytes = text.as_bytes();
        let expected = via_csv_crate(bytes);
        for chunk in [usize::MAX, 4099, 65_537] {
            assert_eq!(via_table(bytes, chunk), expected, "read {chunk} at a time");
        }
    }

    #[test]
    fn rows_read_into_given_back_strings_are_the_rows() {
        let mut text = String::from("a,b,c\n");
        for i in 0..3000 {
            let long = "x".repeat(i * 7 % 300);
            text.push_str(&format!("{i},{long},\"{}\"\n", "y".repeat(i * 13 % 200)));
            if i % 100 == 0 {
                text.push_str("short row\n");
            }
        }
        let read = |reuse: bool| {
            let mut table = CsvTable::new(Path::new("t.csv"), text.as_bytes(), &["a"]).unwrap();
            let mut rows = Vec::new();
            while let Some(row) = table.next_row() {
                let Ok(mut row) = row else {
                    rows.push(vec!["error".to_string()]);
                    continue;
                };
                rows.push(row.fields.clone());
                if reuse {
                    // As the events reader does: some fields moved out and
                    // given back later, or not at all.
                    let kept = std::mem::take(&mut row.fields[1]);
                    drop(std::mem::take(&mut row.fields[2]));
                    table.give_back_row(row.fields);
                    table.give_back_one(1, kept);
                }
            }
            rows
        };
        assert_eq!(read(true), read(false));
    }

    #[test]
    fn a_long_run_of_blank_lines_is_not_held_whole() {
        let blank = 20 << 20;
        for end in [&b"\n"[..], b"\r", b"\r\n"] {
            let mut text = b"a\n".to_vec();
            text.extend(end.repeat(blank / end.len()));
            text.extend_from_slice(b"x\n");
            text.extend(end.repeat(blank / end.len()));
            let mut table = CsvTable::new(Path::new("t.csv"), &text[..], &["a"]).unwrap();
            let row = table.next_row().unwrap().unwrap();
            assert_eq!(row.fields, ["x"]);
            assert_eq!(row.line, 2 + (blank / end.len()) as u64, "{end:?}");
            assert!(table.input.buf.len() <= 4 * READ_SIZE, "{end:?}");
            assert!(table.next_row().is_none());
            assert!(table.input.buf.len() <= 4 * READ_SIZE, "{end:?}");
            assert!(table.input.reader.held() <= 4 * READ_SIZE, "{end:?}");
            assert_eq!(table.bytes_read(), text.len() as u64);
        }
    }

    #[test]
    fn a_long_record_read_a_byte_at_a_time_is_parsed_a_few_times_only() {
        // An unclosed quote makes the rest of the file one field.
        let mut bytes = b"a,b\nx,\"".to_vec();
        bytes.extend(std::iter::repeat_n(b'y', 1 << 20));
        let mut table = CsvTable::new(Path::new("t.csv"), Chunked(&bytes, 1), &["a"]).unwrap();
        let row = table.next_row().unwrap().unwrap();
        assert_eq!(row.fields[1].len(), 1 << 20);
        assert!(table.next_row().is_none());
    }

    #[test]
    fn a_read_error_is_reported_once_and_ends_the_file() {
        struct Failing<'a>(&'a [u8]);
        impl Read for Failing<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::Error::other("disk gone"));
                }
                let n = self.0.len().min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut table =
            CsvTable::new(Path::new("t.csv"), Failing(b"a,b\nx,y\nz,"), &["a"]).unwrap();
        assert_eq!(table.next_row().unwrap().unwrap().fields, ["x", "y"]);
        let error = table.next_row().unwrap().unwrap_err().to_string();
        assert!(error.contains("disk gone"), "{error}");
        assert!(table.next_row().is_none());
    }

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
