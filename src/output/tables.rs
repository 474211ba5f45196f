//! CSV tables: strike-to-base distances and unresolved events.

use std::io::Write;

use crate::distance::{compass16, distance_range_m, Geodesy};
use crate::error::{Error, Result};
use crate::geocode::{Resolved, Unresolved};
use crate::model::{Event, Place};

/// Columns of `distances.csv`.
pub const DISTANCE_COLUMNS: [&str; 13] = [
    "strike_id",
    "strike_date",
    "strike_place_id",
    "strike_precision",
    "base_id",
    "base_name",
    "distance_km",
    "distance_nmi",
    "bearing_deg",
    "compass",
    "min_km",
    "max_km",
    "nearest",
];

/// Columns of `unresolved.csv`.
pub const UNRESOLVED_COLUMNS: [&str; 7] = [
    "event_id",
    "line",
    "kind",
    "date",
    "place",
    "reason",
    "candidates",
];

/// A CSV table written row by row, counting its rows.
pub struct TableWriter<W: Write> {
    out: csv::Writer<W>,
    name: String,
    rows: usize,
}

impl<W: Write> TableWriter<W> {
    /// Starts a table with its header; `name` is the file name used in errors.
    pub fn new(out: W, name: &str, header: &[&str]) -> Result<Self> {
        let mut table = TableWriter {
            out: csv::Writer::from_writer(out),
            name: name.to_string(),
            rows: 0,
        };
        table.record(header)?;
        Ok(table)
    }

    fn record(&mut self, fields: &[&str]) -> Result<()> {
        self.out
            .write_record(fields)
            .map_err(|e| Error::io(&self.name, e.into()))
    }

    /// Writes one data row.
    pub fn write_row(&mut self, fields: &[&str]) -> Result<()> {
        self.record(fields)?;
        self.rows += 1;
        Ok(())
    }

    /// Data rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Flushes and returns the writer.
    pub fn finish(self) -> Result<W> {
        let name = self.name;
        self.out
            .into_inner()
            .map_err(|e| Error::io(&name, e.into_error()))
    }
}

/// Writes one `distances.csv` row: a strike, a base, the geodesic between
/// them and whether this base is the strike's nearest.
pub fn write_distance<W: Write>(
    table: &mut TableWriter<W>,
    strike: &Event,
    found: &Resolved<'_>,
    base: &Place,
    g: &Geodesy,
    nearest: bool,
) -> Result<()> {
    let (min_m, max_m) = distance_range_m(
        g.distance_m,
        f64::from(found.uncertainty_m),
        f64::from(base.uncertainty_m),
    );
    let (bearing, compass) = match g.bearing_deg {
        Some(b) => (format!("{b:.1}"), compass16(b)),
        None => (String::new(), ""),
    };
    table.write_row(&[
        &strike.id,
        &strike.date,
        &found.place.id,
        found.precision.as_str(),
        &base.id,
        &base.name,
        &format!("{:.3}", g.distance_km()),
        &format!("{:.3}", g.distance_nmi()),
        &bearing,
        compass,
        &format!("{:.3}", min_m / 1000.0),
        &format!("{:.3}", max_m / 1000.0),
        if nearest { "true" } else { "false" },
    ])
}

/// Writes one `unresolved.csv` row.
pub fn write_unresolved<W: Write>(
    table: &mut TableWriter<W>,
    event: &Event,
    why: &Unresolved<'_>,
) -> Result<()> {
    table.write_row(&[
        &event.id,
        &event.line.to_string(),
        event.kind.as_str(),
        &event.date,
        &event.place,
        why.reason.as_str(),
        &why.candidates_text(),
    ])
}
