//! Readers for the GeoNames dump formats
//! (<https://download.geonames.org/export/dump/readme.txt>).
//!
//! Both files are tab-separated UTF-8 text with no header and no quoting:
//! a `"` is part of a name, and a line is a row (blank lines are skipped). Each line is checked for its number of fields
//! and for UTF-8 field by field, so an error names the file, the line and
//! the GeoNames column, as the CSV readers of [`crate::table`] do. The
//! readers stream: `allCountries.txt` (12 million lines) and
//! `alternateNamesV2.txt` are read a line at a time.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::LatLon;

/// The 19 columns of a GeoNames geoname dump (`allCountries.txt`, `IQ.txt`,
/// `cities500.txt` …), named as in the GeoNames readme.
pub const GEONAME_COLUMNS: [&str; 19] = [
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature class",
    "feature code",
    "country code",
    "cc2",
    "admin1 code",
    "admin2 code",
    "admin3 code",
    "admin4 code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification date",
];

/// The columns of `alternateNamesV2.txt`. The older `alternateNames.txt`
/// has the first 8 and is read too.
pub const ALTERNATE_NAME_COLUMNS: [&str; 10] = [
    "alternateNameId",
    "geonameid",
    "isolanguage",
    "alternate name",
    "isPreferredName",
    "isShortName",
    "isColloquial",
    "isHistoric",
    "from",
    "to",
];

/// A tab-separated file read line by line with located errors.
struct Tsv<R: Read> {
    path: PathBuf,
    columns: &'static [&'static str],
    counts: &'static [usize],
    input: BufReader<R>,
    buf: Vec<u8>,
    line: u64,
}

/// One line of a tab-separated file, its fields decoded and trimmed.
pub struct Line<'a> {
    path: &'a Path,
    columns: &'static [&'static str],
    /// The line number, from 1.
    pub line: u64,
    fields: Vec<&'a str>,
}

impl<'a> Line<'a> {
    /// The field in column `i`.
    pub fn field(&self, i: usize) -> &'a str {
        self.fields[i]
    }

    /// An [`Error::InvalidValue`] for column `i` of this line.
    pub fn invalid(&self, i: usize, problem: &str) -> Error {
        Error::InvalidValue {
            path: self.path.to_path_buf(),
            line: self.line,
            field: self.columns[i].to_string(),
            value: self.fields[i].to_string(),
            problem: problem.to_string(),
        }
    }
}

impl<R: Read> Tsv<R> {
    /// `counts` are the field counts a line may have; the first is the
    /// format's own.
    fn new(
        path: &Path,
        input: R,
        columns: &'static [&'static str],
        counts: &'static [usize],
    ) -> Result<Self> {
        let mut input = BufReader::with_capacity(1 << 16, input);
        let head = input.fill_buf().map_err(|e| Error::io(path, e))?;
        if let Some(kind) = compressed(head) {
            return Err(Error::Csv {
                path: path.to_path_buf(),
                message: format!(
                    "this is a {kind}, not a GeoNames text file; unpack it and give the .txt inside (e.g. unzip IQ.zip IQ.txt)"
                ),
            });
        }
        Ok(Tsv {
            path: path.to_path_buf(),
            columns,
            counts,
            input,
            buf: Vec::new(),
            line: 0,
        })
    }

    /// The next line that is not blank; `None` at the end of the file.
    /// Lines end in LF or CRLF; a UTF-8 byte-order mark is skipped.
    fn next_line(&mut self) -> Option<Result<Line<'_>>> {
        loop {
            self.buf.clear();
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(Error::io(&self.path, e))),
            }
            self.line += 1;
            if self.buf.last() == Some(&b'\n') {
                self.buf.pop();
                if self.buf.last() == Some(&b'\r') {
                    self.buf.pop();
                }
            }
            if self.line == 1 && self.buf.starts_with(b"\xef\xbb\xbf") {
                self.buf.drain(..3);
            }
            if !self.buf.is_empty() {
                return Some(self.decode());
            }
        }
    }

    fn decode(&self) -> Result<Line<'_>> {
        let line = self.line;
        let raw: Vec<&[u8]> = self.buf.split(|&b| b == b'\t').collect();
        let found = raw.len();
        if !self.counts.contains(&found) {
            let expected = self.counts[0];
            let (field, value) = if found < expected {
                (self.columns[found].to_string(), String::new())
            } else {
                (
                    format!("column {}", expected + 1),
                    String::from_utf8_lossy(raw[expected]).into_owned(),
                )
            };
            return Err(Error::InvalidValue {
                path: self.path.clone(),
                line,
                field,
                value,
                problem: format!(
                    "the line has {found} tab-separated fields where this GeoNames format has {expected} ({} … {})",
                    self.columns[0],
                    self.columns[expected - 1]
                ),
            });
        }
        let mut fields = Vec::with_capacity(found);
        for (i, raw) in raw.into_iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(text) => fields.push(text.trim()),
                Err(e) => {
                    return Err(Error::InvalidUtf8 {
                        path: self.path.clone(),
                        line,
                        field: self.columns[i].to_string(),
                        byte: e.valid_up_to(),
                    })
                }
            }
        }
        Ok(Line {
            path: &self.path,
            columns: self.columns,
            line,
            fields,
        })
    }
}

/// Names a compressed file by its first bytes.
fn compressed(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"PK\x03\x04") {
        Some("zip archive")
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Some("gzip file")
    } else {
        None
    }
}

/// One row of a GeoNames geoname dump: the columns the import uses.
#[derive(Clone, Debug, PartialEq)]
pub struct GeoName {
    /// The line of the dump the row is on.
    pub line: u64,
    /// The GeoNames id.
    pub geonameid: u64,
    /// The name (UTF-8, possibly with diacritics).
    pub name: String,
    /// The name in plain ASCII.
    pub asciiname: String,
    /// The comma-separated alternate names, split and trimmed.
    pub alternatenames: Vec<String>,
    /// The latitude as written in the dump.
    pub lat: String,
    /// The longitude as written in the dump.
    pub lon: String,
    /// The parsed position (WGS84).
    pub position: LatLon,
    /// The feature class: A, H, L, P, R, S, T, U or V.
    pub feature_class: String,
    /// The feature code, e.g. `PPLA`, `AIRB`, `ADM1`.
    pub feature_code: String,
    /// The ISO 3166-1 alpha-2 country code; may be empty.
    pub country_code: String,
    /// The GeoNames first-level administrative code, e.g. `01`.
    pub admin1: String,
    /// The population, 0 when unknown.
    pub population: u64,
}

/// Column indexes into [`GEONAME_COLUMNS`].
mod col {
    pub const ID: usize = 0;
    pub const NAME: usize = 1;
    pub const ASCII: usize = 2;
    pub const ALTERNATE: usize = 3;
    pub const LAT: usize = 4;
    pub const LON: usize = 5;
    pub const CLASS: usize = 6;
    pub const CODE: usize = 7;
    pub const COUNTRY: usize = 8;
    pub const ADMIN1: usize = 10;
    pub const POPULATION: usize = 14;
}

/// Reads a GeoNames geoname dump line by line.
pub struct GeoNamesReader<R: Read> {
    tsv: Tsv<R>,
}

/// One line of a geoname dump whose shape (19 UTF-8 fields) is checked;
/// its values are checked by [`GeoNameLine::parse`].
pub struct GeoNameLine<'a> {
    line: Line<'a>,
}

impl<R: Read> GeoNamesReader<R> {
    /// Starts reading `input`, named `path` in errors.
    pub fn new(path: &Path, input: R) -> Result<Self> {
        Ok(GeoNamesReader {
            tsv: Tsv::new(path, input, &GEONAME_COLUMNS, &[19])?,
        })
    }

    /// The next line; `None` at the end of the file.
    pub fn next_line(&mut self) -> Option<Result<GeoNameLine<'_>>> {
        self.tsv
            .next_line()
            .map(|line| line.map(|line| GeoNameLine { line }))
    }
}

impl GeoNameLine<'_> {
    /// The line number.
    pub fn line(&self) -> u64 {
        self.line.line
    }

    /// The feature class (`P`, `S`, `A` …), possibly empty.
    pub fn feature_class(&self) -> &str {
        self.line.field(col::CLASS)
    }

    /// The ISO country code, possibly empty.
    pub fn country_code(&self) -> &str {
        self.line.field(col::COUNTRY)
    }

    /// Checks and converts the values the import uses.
    pub fn parse(&self) -> Result<GeoName> {
        let l = &self.line;
        let geonameid = l
            .field(col::ID)
            .parse::<u64>()
            .ok()
            .filter(|&id| id > 0)
            .ok_or_else(|| l.invalid(col::ID, "expected the GeoNames id, a whole number"))?;
        let name = l.field(col::NAME);
        if name.is_empty() {
            return Err(l.invalid(col::NAME, "a place needs a name"));
        }
        let lat = degrees(l.field(col::LAT), 90.0).ok_or_else(|| {
            l.invalid(
                col::LAT,
                "expected decimal degrees from -90 to 90, e.g. 33.42056",
            )
        })?;
        let lon = degrees(l.field(col::LON), 180.0).ok_or_else(|| {
            l.invalid(
                col::LON,
                "expected decimal degrees from -180 to 180, e.g. 43.30778",
            )
        })?;
        let population = match l.field(col::POPULATION) {
            "" => 0,
            text => text
                .parse::<u64>()
                .map_err(|_| l.invalid(col::POPULATION, "expected a whole number"))?,
        };
        let alternatenames = l
            .field(col::ALTERNATE)
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        Ok(GeoName {
            line: l.line,
            geonameid,
            name: name.to_string(),
            asciiname: l.field(col::ASCII).to_string(),
            alternatenames,
            lat: l.field(col::LAT).to_string(),
            lon: l.field(col::LON).to_string(),
            position: LatLon::new(lat, lon).expect("both checked in range"),
            feature_class: l.field(col::CLASS).to_string(),
            feature_code: l.field(col::CODE).to_string(),
            country_code: l.field(col::COUNTRY).to_string(),
            admin1: l.field(col::ADMIN1).to_string(),
            population,
        })
    }
}

/// Decimal degrees of magnitude at most `limit`.
fn degrees(text: &str, limit: f64) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.abs() <= limit)
}

/// One row of `alternateNamesV2.txt` (or the older `alternateNames.txt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlternateName {
    /// The line of the file the row is on.
    pub line: u64,
    /// The place it names.
    pub geonameid: u64,
    /// ISO 639 language code, or a GeoNames pseudo-language (`post`,
    /// `link`, `iata`, `icao`, `wkdt` …), or empty.
    pub isolanguage: String,
    /// The name.
    pub name: String,
    /// The official or preferred name in that language.
    pub preferred: bool,
    /// A historic name, no longer used.
    pub historic: bool,
}

/// Reads an alternate-names file line by line.
pub struct AlternateNamesReader<R: Read> {
    tsv: Tsv<R>,
}

impl<R: Read> AlternateNamesReader<R> {
    /// Starts reading `input`, named `path` in errors.
    pub fn new(path: &Path, input: R) -> Result<Self> {
        Ok(AlternateNamesReader {
            tsv: Tsv::new(path, input, &ALTERNATE_NAME_COLUMNS, &[10, 8])?,
        })
    }

    /// The next row whose place `wanted` accepts, skipping the others after
    /// checking their shape; `None` at the end of the file.
    pub fn next_wanted(
        &mut self,
        mut wanted: impl FnMut(u64) -> bool,
    ) -> Option<Result<AlternateName>> {
        loop {
            let line = match self.tsv.next_line()? {
                Ok(line) => line,
                Err(e) => return Some(Err(e)),
            };
            let Ok(geonameid) = line.field(1).parse::<u64>() else {
                return Some(Err(
                    line.invalid(1, "expected the GeoNames id, a whole number")
                ));
            };
            if !wanted(geonameid) {
                continue;
            }
            return Some(Ok(AlternateName {
                line: line.line,
                geonameid,
                isolanguage: line.field(2).to_string(),
                name: line.field(3).to_string(),
                preferred: line.field(4) == "1",
                historic: line.field(7) == "1",
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAMADI: &str = "98717\tAr Ramadi\tAr Ramadi\tRamadi,Ar Ramādī, \t33.42056\t43.30778\tP\tPPLA\tIQ\t\t01\t\t\t\t274539\t\t51\tAsia/Baghdad\t2016-06-22\n";

    fn read_all(text: &[u8]) -> Vec<Result<GeoName>> {
        let mut reader = GeoNamesReader::new(Path::new("IQ.txt"), text).unwrap();
        let mut rows = Vec::new();
        while let Some(line) = reader.next_line() {
            rows.push(line.and_then(|l| l.parse()));
        }
        rows
    }

    #[test]
    fn reads_a_row() {
        let rows = read_all(RAMADI.as_bytes());
        let row = rows[0].as_ref().unwrap();
        assert_eq!(row.geonameid, 98717);
        assert_eq!(row.alternatenames, vec!["Ramadi", "Ar Ramādī"]);
        assert_eq!(
            (row.lat.as_str(), row.lon.as_str()),
            ("33.42056", "43.30778")
        );
        assert_eq!(row.population, 274539);
        assert_eq!(row.line, 1);
    }

    #[test]
    fn quotes_are_text_and_blank_lines_are_skipped() {
        let quoted = RAMADI.replace("Ar Ramadi\tAr", "\"Ramadi\tAr");
        let text = format!("{}\r\n\n{RAMADI}", quoted.trim_end());
        let rows = read_all(text.as_bytes());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].as_ref().unwrap().name, "\"Ramadi");
        assert_eq!(rows[1].as_ref().unwrap().line, 3);
    }

    #[test]
    fn errors_name_line_and_column() {
        let short = RAMADI.replace("\tAsia/Baghdad\t2016-06-22", "\tAsia/Baghdad");
        let long = RAMADI.replace("2016-06-22", "2016-06-22\textra");
        let text = format!("{short}{long}{}", RAMADI.replace("33.42056", "north"));
        let errors: Vec<String> = read_all(text.as_bytes())
            .into_iter()
            .map(|r| r.unwrap_err().to_string())
            .collect();
        assert_eq!(errors[0], "IQ.txt: line 1, field 'modification date': the line has 18 tab-separated fields where this GeoNames format has 19 (geonameid … modification date): \"\"");
        assert!(
            errors[1].starts_with("IQ.txt: line 2, field 'column 20': the line has 20"),
            "{}",
            errors[1]
        );
        assert!(errors[1].ends_with(": \"extra\""), "{}", errors[1]);
        assert_eq!(errors[2], "IQ.txt: line 3, field 'latitude': expected decimal degrees from -90 to 90, e.g. 33.42056: \"north\"");
        let mut bad = RAMADI.as_bytes().to_vec();
        bad[8] = 0xff;
        let err = read_all(&bad).remove(0).unwrap_err();
        assert_eq!(err.to_string(), "IQ.txt: line 1, field 'name': invalid UTF-8 at byte 2 of the field; save the file as UTF-8");
    }

    #[test]
    fn compressed_files_are_named() {
        let err = GeoNamesReader::new(Path::new("IQ.zip"), &b"PK\x03\x04rest"[..])
            .err()
            .unwrap();
        assert!(err.to_string().contains("zip archive"), "{err}");
    }

    #[test]
    fn alternate_names_of_wanted_places_only() {
        let text = "1\t98717\tar\tالرمادي\t1\t\t\t\t\t\n2\t1\tar\tx\t\t\t\t\t\t\n3\t98717\tlink\thttps://en.wikipedia.org/wiki/Ramadi\t\t\t\t\n";
        let mut reader = AlternateNamesReader::new(Path::new("alt.txt"), text.as_bytes()).unwrap();
        let mut names = Vec::new();
        while let Some(name) = reader.next_wanted(|id| id == 98717) {
            names.push(name.unwrap());
        }
        assert_eq!(names.len(), 2);
        assert!(names[0].preferred && !names[0].historic);
        assert_eq!(names[0].name, "الرمادي");
        assert_eq!(names[1].line, 3);
    }
}
