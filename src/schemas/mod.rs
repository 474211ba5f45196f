//! The datasets analysts already have, read as events: ACLED exports and
//! UCDP GED CSVs, beside geoevents' own events file.
//!
//! A foreign row comes geocoded. It keeps its own coordinates unless the
//! place table knows its location text more precisely (see
//! [`Located::prefer`]); every column not mapped to an event field is
//! carried through.

pub mod acled;
pub mod ucdp;

use std::path::Path;

use crate::error::{Error, Result};
use crate::events::{parse_count, EVENT_COLUMNS};
use crate::geocode::{Relation, Resolution, Resolved};
use crate::model::{Event, LatLon, Located, MatchKind, Place, PlaceKind, Precision};

/// The layout of an events file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Schema {
    /// geoevents' own events file (`events/events.csv`).
    #[default]
    Geoevents,
    /// An ACLED export.
    Acled,
    /// A UCDP Georeferenced Event Dataset CSV.
    Ucdp,
}

impl Schema {
    /// Every schema, as `--schema` lists them.
    pub const ALL: [Schema; 3] = [Schema::Geoevents, Schema::Acled, Schema::Ucdp];

    /// The name `--schema` takes.
    pub fn name(self) -> &'static str {
        match self {
            Schema::Geoevents => "geoevents",
            Schema::Acled => "acled",
            Schema::Ucdp => "ucdp",
        }
    }

    /// Parses a `--schema` name.
    pub fn parse(name: &str) -> Option<Self> {
        Schema::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The columns the schema reads, the id column first.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Schema::Geoevents => &EVENT_COLUMNS,
            Schema::Acled => &acled::COLUMNS,
            Schema::Ucdp => &ucdp::COLUMNS,
        }
    }

    /// The columns whose values become event fields and so are not carried
    /// through again.
    pub fn consumed(self) -> &'static [&'static str] {
        match self {
            Schema::Geoevents => &EVENT_COLUMNS,
            Schema::Acled => &acled::CONSUMED,
            Schema::Ucdp => &ucdp::CONSUMED,
        }
    }

    /// For a foreign dataset, the prefix that renames a carried-through
    /// column whose name geoevents uses (ACLED's `geo_precision` becomes
    /// `acled_geo_precision`): the analyst did not choose those names, so
    /// they are kept, not refused. `None` for our own file, where a clash
    /// is the author's to fix.
    pub fn rename_prefix(self) -> Option<&'static str> {
        match self {
            Schema::Geoevents => None,
            Schema::Acled => Some("acled_"),
            Schema::Ucdp => Some("ucdp_"),
        }
    }
}

/// What a foreign row turned into.
// Most rows are events and the value is moved once: boxing it would cost
// an allocation per row to save a copy on the rare skipped one.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Parsed {
    /// A strike or an attack (its `extra` still to be filled).
    Event(Event),
    /// Not a strike or an attack, with why, as the build report counts it.
    Skipped(String),
}

/// One row of a file, its columns looked up by the schema's list.
pub struct RowView<'a> {
    /// The file, for errors.
    pub path: &'a Path,
    /// The line the row starts on.
    pub line: u64,
    /// The schema's column names.
    pub names: &'static [&'static str],
    /// Where each named column is in the row.
    pub columns: &'a [usize],
    /// The row's fields.
    pub fields: &'a mut [String],
}

impl RowView<'_> {
    /// The value of the schema's column `i`.
    pub fn get(&self, i: usize) -> &str {
        &self.fields[self.columns[i]]
    }

    /// Moves the value of column `i` out; it is not read again.
    pub fn take(&mut self, i: usize) -> String {
        std::mem::take(&mut self.fields[self.columns[i]])
    }

    /// An invalid-value error naming the file, line, column and value.
    pub fn invalid(&self, i: usize, problem: &str) -> Error {
        Error::InvalidValue {
            path: self.path.to_path_buf(),
            line: self.line,
            field: self.names[i].to_string(),
            value: self.get(i).to_string(),
            problem: problem.to_string(),
        }
    }

    /// A casualty figure of column `i`; empty is not reported.
    pub fn count(&self, i: usize) -> Result<Option<u32>> {
        let text = self.get(i);
        if text.is_empty() {
            return Ok(None);
        }
        parse_count(text).map(Some).ok_or_else(|| {
            self.invalid(
                i,
                "expected a whole number of people (digits only, at most 2147483647), or empty when not reported",
            )
        })
    }

    /// The row's own position from its latitude and longitude columns.
    pub fn position(&self, lat: usize, lon: usize) -> Result<LatLon> {
        let degrees = |i: usize, limit: f64| {
            self.get(i)
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= limit)
                .ok_or_else(|| {
                    self.invalid(
                        i,
                        &format!("expected WGS84 decimal degrees from -{limit} to {limit}"),
                    )
                })
        };
        let (lat, lon) = (degrees(lat, 90.0)?, degrees(lon, 180.0)?);
        Ok(LatLon::new(lat, lon).expect("both checked in range"))
    }

    /// An event of this row with the fields every schema fills alike.
    pub fn event(&mut self, id: usize, date: String, fields: EventFields) -> Event {
        Event {
            line: self.line,
            id: self.take(id),
            date,
            kind: fields.kind,
            subtype: fields.subtype,
            actor: fields.actor,
            target: fields.target,
            place: fields.place,
            killed_low: fields.killed.0,
            killed_high: fields.killed.1,
            injured_low: None,
            injured_high: None,
            sources: fields.sources,
            notes: fields.notes,
            extra: Vec::new(),
            located: Some(fields.located),
        }
    }
}

/// The event fields a foreign row maps to.
pub struct EventFields {
    /// Strike or attack.
    pub kind: crate::model::EventKind,
    /// The dataset's finer type.
    pub subtype: String,
    /// Who carried it out.
    pub actor: String,
    /// What was hit.
    pub target: String,
    /// The location text.
    pub place: String,
    /// Killed, low and high.
    pub killed: (Option<u32>, Option<u32>),
    /// The reports.
    pub sources: String,
    /// Free text.
    pub notes: String,
    /// The row's own position.
    pub located: Located,
}

/// The ISO date of an ISO date followed by a time (UCDP writes
/// `2023-11-21 00:00:00.000`), or of the date alone.
pub fn iso_date_prefix(text: &str) -> Option<&str> {
    let date = text.get(..10)?;
    let rest = &text[10..];
    let time_ok = rest.is_empty()
        || (rest.starts_with([' ', 'T']) && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
    (time_ok && crate::events::is_iso_date(date)).then_some(date)
}

/// Metres that bound a foreign row's own coordinates, by the precision its
/// code maps to: the radius of a town, ACLED's and UCDP's "within about
/// 25 km", a district, a governorate, a wider area, a country of the region.
pub fn own_uncertainty_m(precision: Precision) -> u32 {
    match precision {
        Precision::Site => 1_000,
        Precision::Town => 5_000,
        Precision::NearSite | Precision::NearTown => 25_000,
        Precision::Region => 50_000,
        Precision::Governorate => 150_000,
        Precision::NearGovernorate => 250_000,
        Precision::Country => 500_000,
    }
}

impl Located {
    /// The place a row's own coordinates make: no id (it is no row of the
    /// place table), named by the row's location text.
    pub fn place(&self, event: &Event) -> Place {
        let kind = match self.precision {
            Precision::Site | Precision::NearSite => PlaceKind::Site,
            Precision::Town | Precision::NearTown => PlaceKind::Town,
            Precision::Region | Precision::Governorate | Precision::NearGovernorate => {
                PlaceKind::Governorate
            }
            Precision::Country => PlaceKind::Country,
        };
        let name = match event.place.is_empty() {
            true => self.position.to_string(),
            false => event.place.clone(),
        };
        Place {
            id: String::new(),
            name,
            kind,
            aliases: Vec::new(),
            name_ar: String::new(),
            position: self.position,
            admin1: String::new(),
            country: String::new(),
            uncertainty_m: own_uncertainty_m(self.precision),
            source: format!("{} coordinates", self.dataset),
            line: event.line,
        }
    }

    /// Whether the place table's answer replaces the row's own coordinates:
    /// only when it places the event more precisely. An unknown or
    /// ambiguous location keeps the row's coordinates: it is not unresolved.
    pub fn prefer<'a>(&self, ours: Resolution<'a>) -> Option<Resolved<'a>> {
        match ours {
            Ok(found) if found.precision < self.precision => Some(Resolved {
                regeocoded: true,
                ..found
            }),
            _ => None,
        }
    }

    /// The row's own coordinates as a resolution, on `place` from
    /// [`Located::place`].
    pub fn resolved<'a>(&self, place: &'a Place) -> Resolved<'a> {
        let relation = match self.precision {
            Precision::NearSite | Precision::NearTown | Precision::NearGovernorate => {
                Relation::Near
            }
            _ => Relation::At,
        };
        Resolved {
            place,
            match_kind: MatchKind::Source,
            score: 1.0,
            relation,
            precision: self.precision,
            position: self.position,
            uncertainty_m: place.uncertainty_m,
            regeocoded: false,
        }
    }
}

/// Where an event goes: for one of our rows the place table's answer; for
/// a foreign row its own coordinates, unless the place table's answer is
/// finer ([`Located::prefer`]). `own` receives the place a row's own
/// coordinates make, which the answer then borrows.
pub fn locate<'a>(
    event: &Event,
    ours: Resolution<'a>,
    own: &'a mut Option<Place>,
) -> Resolution<'a> {
    let Some(located) = &event.located else {
        return ours;
    };
    Ok(match located.prefer(ours) {
        Some(found) => found,
        None => located.resolved(own.insert(located.place(event))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ucdp_dates_may_carry_a_time() {
        assert_eq!(iso_date_prefix("2023-11-21"), Some("2023-11-21"));
        assert_eq!(
            iso_date_prefix("2023-11-21 00:00:00.000"),
            Some("2023-11-21")
        );
        assert_eq!(iso_date_prefix("2023-11-31 00:00:00.000"), None);
        assert_eq!(iso_date_prefix("2023-11-21x"), None);
        assert_eq!(iso_date_prefix("21/11/2023"), None);
    }
}
