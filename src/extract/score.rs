//! Comparing mentions with hand labels: precision and recall.
//!
//! A label file is CSV with the header `file,start,end,text,place_id,role`:
//! the report's file name, the byte span of the name, the name as written,
//! the place and the role. A mention counts as correct only when all of
//! file, span, place and role agree; [`Scores::spans`] also counts those
//! right in everything but the role.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

use super::{Mention, Role};

/// One labelled (or found) mention.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label {
    /// The report's file name, without folders.
    pub file: String,
    /// Byte offset of the name.
    pub start: usize,
    /// Byte offset after the name.
    pub end: usize,
    /// The name as written.
    pub text: String,
    /// The place's id.
    pub place_id: String,
    /// The role.
    pub role: Role,
}

impl Label {
    /// A found mention as a label of `file`.
    pub fn of(file: &str, m: &Mention) -> Self {
        Label {
            file: base_name(file),
            start: m.start,
            end: m.end,
            text: m.text.clone(),
            place_id: m.place_id.clone(),
            role: m.role,
        }
    }
}

fn base_name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Reads a label file.
pub fn read_labels(path: &Path, input: impl Read) -> Result<Vec<Label>> {
    let mut reader = csv::Reader::from_reader(input);
    let csv_error = |e: csv::Error| Error::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let expected = ["file", "start", "end", "text", "place_id", "role"];
    if headers.iter().collect::<Vec<_>>() != expected {
        return Err(Error::Csv {
            path: path.to_path_buf(),
            message: format!("expected the header {}", expected.join(",")),
        });
    }
    let mut labels = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(csv_error)?;
        let line = i as u64 + 2;
        let invalid = |field: &str, problem: &str| Error::InvalidValue {
            path: path.to_path_buf(),
            line,
            field: field.to_string(),
            value: record
                .get(expected.iter().position(|f| *f == field).unwrap_or(0))
                .unwrap_or("")
                .to_string(),
            problem: problem.to_string(),
        };
        let offset = |k: usize, field: &str| {
            record[k]
                .parse::<usize>()
                .map_err(|_| invalid(field, "expected a byte offset"))
        };
        labels.push(Label {
            file: record[0].to_string(),
            start: offset(1, "start")?,
            end: offset(2, "end")?,
            text: record[3].to_string(),
            place_id: record[4].to_string(),
            role: Role::parse(&record[5]).ok_or_else(|| {
                invalid(
                    "role",
                    "expected event_location, reference, dateline or other",
                )
            })?,
        });
    }
    Ok(labels)
}

/// Counts of one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Found and labelled.
    pub correct: usize,
    /// Found.
    pub found: usize,
    /// Labelled.
    pub labelled: usize,
}

impl Counts {
    /// Correct ÷ found (1 when nothing was found).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.found)
    }

    /// Correct ÷ labelled (1 when nothing was labelled).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.labelled)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The comparison of found mentions with labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores {
    /// File, span, place and role all agree.
    pub strict: Counts,
    /// File, span and place agree, whatever the role.
    pub spans: Counts,
    /// Found but not labelled (strictly).
    pub false_positives: Vec<Label>,
    /// Labelled but not found (strictly).
    pub misses: Vec<Label>,
}

/// Compares `found` with `labels`.
pub fn score(found: &[Label], labels: &[Label]) -> Scores {
    let key = |l: &Label| (l.file.clone(), l.start, l.end, l.place_id.clone());
    let found_set: BTreeSet<&Label> = found.iter().collect();
    let label_set: BTreeSet<&Label> = labels.iter().collect();
    let found_spans: BTreeSet<_> = found.iter().map(key).collect();
    let label_spans: BTreeSet<_> = labels.iter().map(key).collect();
    Scores {
        strict: Counts {
            correct: found_set.intersection(&label_set).count(),
            found: found_set.len(),
            labelled: label_set.len(),
        },
        spans: Counts {
            correct: found_spans.intersection(&label_spans).count(),
            found: found_spans.len(),
            labelled: label_spans.len(),
        },
        false_positives: found_set
            .difference(&label_set)
            .map(|l| (*l).clone())
            .collect(),
        misses: label_set
            .difference(&found_set)
            .map(|l| (*l).clone())
            .collect(),
    }
}
