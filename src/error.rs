//! The library's one error type. Every variant that comes from an input file
//! names the file, and where it can, the line, the field and the value, so a
//! curator can go straight to the cell to fix.

use std::io;
use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong reading inputs or writing outputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// The file has no header row at all.
    #[error("{}: the file is empty; expected a header row with the columns {expected}", .path.display())]
    EmptyFile {
        /// The file.
        path: PathBuf,
        /// The header the file should start with.
        expected: String,
    },
    /// A required column is not in the header.
    #[error("{}: line 1: missing column '{column}' (the header has: {found})", .path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column that is missing.
        column: String,
        /// The header as found.
        found: String,
    },
    /// The header has a column that the file's schema does not allow.
    #[error("{}: line 1: unexpected column '{column}' ({why})", .path.display())]
    UnexpectedColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Why it is not allowed.
        why: String,
    },
    /// A header names the same column twice.
    #[error("{}: line 1: column '{column}' appears twice", .path.display())]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A row has a different number of fields from the header.
    #[error("{}: line {line}: expected {expected} fields as in the header, found {found}", .path.display())]
    FieldCount {
        /// The file.
        path: PathBuf,
        /// The line the row starts on.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A field holds bytes that are not UTF-8.
    #[error("{}: line {line}, field '{field}': invalid UTF-8 at byte {byte} of the field; save the file as UTF-8", .path.display())]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// The line the row starts on.
        line: u64,
        /// The column name.
        field: String,
        /// Offset of the first bad byte within the field.
        byte: usize,
    },
    /// A field's value is not valid for its column.
    #[error("{}: line {line}, field '{field}': {problem}: {value:?}", .path.display())]
    InvalidValue {
        /// The file.
        path: PathBuf,
        /// The line the row starts on.
        line: u64,
        /// The column name.
        field: String,
        /// The value as found.
        value: String,
        /// What is wrong with it, and what was expected.
        problem: String,
    },
    /// Two rows share an id.
    #[error("{}: line {line}, field 'id': duplicate id {id:?} (first used on line {first_line})", .path.display())]
    DuplicateId {
        /// The file.
        path: PathBuf,
        /// The line of the second use.
        line: u64,
        /// The id.
        id: String,
        /// The line of the first use.
        first_line: u64,
    },
    /// A place id is given twice with different coordinates.
    #[error("{}: line {line}, field 'lat,lon': place id {id:?} is given twice with different coordinates: {first} on line {first_line}, {second} on line {line}", .path.display())]
    ConflictingPlace {
        /// The file.
        path: PathBuf,
        /// The line of the second row.
        line: u64,
        /// The place id.
        id: String,
        /// The line of the first row.
        first_line: u64,
        /// Coordinates of the first row, as `lat,lon`.
        first: String,
        /// Coordinates of the second row, as `lat,lon`.
        second: String,
    },
    /// The place table has a header but no rows.
    #[error("{}: the place table has no rows", .path.display())]
    NoPlaces {
        /// The file.
        path: PathBuf,
    },
    /// The CSV reader failed in a way not covered above.
    #[error("{}: {message}", .path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The reader's message.
        message: String,
    },
    /// Several rows are invalid; each is reported on its own line.
    #[error("{}", join_lines(.0))]
    Rows(Vec<Error>),
    /// Stands at the end of [`Error::Rows`] when more rows were invalid than listed.
    #[error("… and {count} more invalid rows not listed")]
    MoreRows {
        /// Invalid rows not listed.
        count: usize,
    },
    /// An input is not text the extractor can read.
    #[error("{}: not readable as text: {why}", .path.display())]
    NotText {
        /// The file.
        path: PathBuf,
        /// Why, and what to do.
        why: String,
    },
    /// A place named on the command line did not resolve.
    #[error("place {query:?} did not resolve ({reason}){}", candidates_suffix(.candidates))]
    PlaceNotFound {
        /// The text as given.
        query: String,
        /// `unknown`, `ambiguous` or `empty`.
        reason: String,
        /// Candidates as `id (Name, score)`, `; `-separated; may be empty.
        candidates: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The individual errors: the list for [`Error::Rows`], else `self` alone.
    pub fn each(&self) -> Vec<&Error> {
        match self {
            Error::Rows(errors) => errors.iter().flat_map(Error::each).collect(),
            other => vec![other],
        }
    }
}

fn candidates_suffix(candidates: &str) -> String {
    if candidates.is_empty() {
        String::new()
    } else {
        format!("; candidates: {candidates}")
    }
}

fn join_lines(errors: &[Error]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
