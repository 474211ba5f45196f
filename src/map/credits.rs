//! Who published each report: `events/sources.csv` (`file,publisher,note`)
//! names the outlet behind each file cited in the events' `sources`, so a
//! map can credit "AFP, ABC News" instead of file names.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::Result;
use crate::table::{CsvTable, RowErrors};

/// The columns of a sources table.
pub const SOURCE_COLUMNS: [&str; 3] = ["file", "publisher", "note"];

/// Report file → publisher; a report with an empty publisher is known to
/// be uncredited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Publishers {
    by_file: HashMap<String, String>,
}

impl Publishers {
    /// Reads a sources table, reporting every bad row.
    pub fn read(path: &Path, input: impl Read) -> Result<Self> {
        let mut table = CsvTable::new(path, input, &SOURCE_COLUMNS)?;
        let (file, publisher) = (table.column("file")?, table.column("publisher")?);
        let mut by_file = HashMap::new();
        let mut errors = RowErrors::default();
        while let Some(row) = table.next_row() {
            match row {
                Ok(row) if row.fields[file].is_empty() => errors.push(table.invalid(
                    row.line,
                    "file",
                    "",
                    "name the report file, as the events' sources do",
                )),
                Ok(row) => {
                    by_file.insert(row.fields[file].clone(), row.fields[publisher].clone());
                }
                Err(e) => errors.push(e),
            }
        }
        errors.into_result()?;
        Ok(Publishers { by_file })
    }

    /// The distinct publishers of `files` in order of first appearance, and
    /// how many of the files have none known.
    pub fn credit<'a>(&self, files: impl IntoIterator<Item = &'a str>) -> (Vec<String>, usize) {
        let mut seen: Vec<&str> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut uncredited = 0;
        for file in files {
            if seen.contains(&file) {
                continue;
            }
            seen.push(file);
            match self.by_file.get(file).map(String::as_str) {
                Some(p) if !p.is_empty() => {
                    if !names.iter().any(|n| n == p) {
                        names.push(p.to_string());
                    }
                }
                _ => uncredited += 1,
            }
        }
        (names, uncredited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishers_are_credited_once_in_order() {
        let csv =
            "file,publisher,note\na.txt,AFP,\nb.txt,,no byline\nc.txt,ABC News,\nd.txt,AFP,\n";
        let p = Publishers::read(Path::new("sources.csv"), csv.as_bytes()).unwrap();
        let (names, uncredited) = p.credit(["c.txt", "a.txt", "b.txt", "d.txt", "a.txt", "zz.txt"]);
        assert_eq!(names, ["ABC News", "AFP"]);
        assert_eq!(
            uncredited, 2,
            "b.txt has no publisher, zz.txt is not listed"
        );
    }
}
