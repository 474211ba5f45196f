//! Loading and validating the place table (`places/places.csv`).
//!
//! The table is small and curated, so it is read whole and checked strictly:
//! a wrong coordinate here moves every event that names the place.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{LatLon, Place, PlaceKind};
use crate::table::{CsvTable, Row, RowErrors};

/// The largest uncertainty a place may state: no point on Earth is further
/// than about 20 000 km from any other.
pub const MAX_UNCERTAINTY_M: u32 = 20_000_000;

/// The columns of the place table, in the order the bundled file uses.
pub const PLACE_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "kind",
    "aliases",
    "name_ar",
    "lat",
    "lon",
    "admin1",
    "country",
    "uncertainty_m",
    "source",
];

/// Fewest decimals a coordinate may have: 4 decimals is about 11 m.
pub const MIN_COORDINATE_DECIMALS: usize = 4;

/// Reads and validates a place table. Every row error is collected (up to a
/// limit) before failing, so a curator can fix the file in one pass.
pub fn read_places<R: Read>(path: &Path, input: R) -> Result<Vec<Place>> {
    let mut table = CsvTable::new(path, input, &PLACE_COLUMNS)?;
    for column in table.headers() {
        if !PLACE_COLUMNS.contains(&column.as_str()) {
            return Err(Error::UnexpectedColumn {
                path: path.to_path_buf(),
                column: column.clone(),
                why: format!("the place table has exactly {}", PLACE_COLUMNS.join(",")),
            });
        }
    }
    let mut columns = [0usize; PLACE_COLUMNS.len()];
    for (slot, name) in columns.iter_mut().zip(PLACE_COLUMNS) {
        *slot = table.column(name)?;
    }

    let mut places: Vec<Place> = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut errors = RowErrors::default();
    while let Some(row) = table.next_row() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let place = match parse_place(&table, &columns, &row) {
            Ok(place) => place,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if let Some(&earlier) = first_line.get(&place.id) {
            let first = &places[earlier];
            errors.push(if first.position == place.position {
                Error::DuplicateId {
                    path: path.to_path_buf(),
                    line: place.line,
                    id: place.id.clone(),
                    first_line: first.line,
                }
            } else {
                Error::ConflictingPlace {
                    path: path.to_path_buf(),
                    line: place.line,
                    id: place.id.clone(),
                    first_line: first.line,
                    first: first.position.to_string(),
                    second: place.position.to_string(),
                }
            });
            continue;
        }
        first_line.insert(place.id.clone(), places.len());
        places.push(place);
    }
    errors.into_result()?;
    if places.is_empty() {
        return Err(Error::NoPlaces {
            path: path.to_path_buf(),
        });
    }
    Ok(places)
}

fn parse_place<R: Read>(table: &CsvTable<R>, columns: &[usize], row: &Row) -> Result<Place> {
    let field = |i: usize| row.fields[columns[i]].as_str();
    let invalid =
        |i: usize, problem: &str| table.invalid(row.line, PLACE_COLUMNS[i], field(i), problem);

    let id = field(0);
    if !is_slug(id) {
        return Err(invalid(
            0,
            "expected a lowercase slug of a-z, 0-9 and '-' (e.g. al-asad-air-base)",
        ));
    }
    if field(1).is_empty() {
        return Err(invalid(1, "a place needs a name"));
    }
    let kind = PlaceKind::parse(field(2)).ok_or_else(|| {
        let kinds: Vec<&str> = PlaceKind::ALL.iter().map(|k| k.as_str()).collect();
        invalid(2, &format!("expected one of {}", kinds.join(", ")))
    })?;
    let lat = parse_coordinate(field(5), 90.0).map_err(|p| invalid(5, &p))?;
    let lon = parse_coordinate(field(6), 180.0).map_err(|p| invalid(6, &p))?;
    let position = LatLon::new(lat, lon).ok_or_else(|| invalid(5, "not a valid position"))?;
    if field(8).is_empty() {
        return Err(invalid(8, "a place needs a country"));
    }
    let uncertainty_m = field(9)
        .parse::<u32>()
        .ok()
        .filter(|&u| (1..=MAX_UNCERTAINTY_M).contains(&u))
        .ok_or_else(|| {
            invalid(
                9,
                "expected a whole number of metres from 1 to 20000000 (half the Earth's circumference)",
            )
        })?;
    if field(10).is_empty() {
        return Err(invalid(
            10,
            "say where the coordinates come from (e.g. a GeoNames id)",
        ));
    }
    let mut aliases: Vec<String> = Vec::new();
    for alias in field(3).split(';').map(str::trim).filter(|a| !a.is_empty()) {
        if !aliases.iter().any(|a| a == alias) {
            aliases.push(alias.to_string());
        }
    }
    Ok(Place {
        id: id.to_string(),
        name: field(1).to_string(),
        kind,
        aliases,
        name_ar: field(4).to_string(),
        position,
        admin1: field(7).to_string(),
        country: field(8).to_string(),
        uncertainty_m,
        source: field(10).to_string(),
        line: row.line,
    })
}

/// True for a stable id: lowercase ASCII letters, digits and inner hyphens.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Parses a decimal-degree coordinate with at least
/// [`MIN_COORDINATE_DECIMALS`] decimals and magnitude at most `limit`.
fn parse_coordinate(text: &str, limit: f64) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| "expected decimal degrees, e.g. 33.7856".to_string())?;
    if value.abs() > limit {
        return Err(format!("out of range: must lie in [-{limit}, {limit}]"));
    }
    let decimals = text.split_once('.').map_or(0, |(_, frac)| {
        frac.bytes().take_while(u8::is_ascii_digit).count()
    });
    if decimals < MIN_COORDINATE_DECIMALS || text.contains(['e', 'E']) {
        return Err(format!(
            "give at least {MIN_COORDINATE_DECIMALS} decimals (about 11 m), e.g. 33.7856"
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source\n";

    fn read(body: &str) -> Result<Vec<Place>> {
        let text = format!("{HEADER}{body}");
        read_places(Path::new("places.csv"), text.as_bytes())
    }

    #[test]
    fn reads_a_valid_row() {
        let places = read("al-asad-air-base,Al-Asad Air Base,base,Ain al-Asad; Ayn al-Asad ;,عين الأسد,33.7856,42.4412,Al-Anbar,Iraq,4000,OurAirports ORAA\n").unwrap();
        assert_eq!(places.len(), 1);
        let p = &places[0];
        assert_eq!(p.aliases, vec!["Ain al-Asad", "Ayn al-Asad"]);
        assert_eq!(p.kind, PlaceKind::Base);
        assert_eq!(p.position, LatLon::new(33.7856, 42.4412).unwrap());
        assert_eq!(p.line, 2);
    }

    #[test]
    fn rejects_coarse_and_out_of_range_coordinates() {
        let err = read("x,X,town,,,33.78,42.4412,,Iraq,100,s\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("line 2, field 'lat': give at least 4 decimals"),
            "{err}"
        );
        let err = read("x,X,town,,,93.7800,42.4412,,Iraq,100,s\n").unwrap_err();
        assert!(
            err.to_string().contains("field 'lat': out of range"),
            "{err}"
        );
        let err = read("x,X,town,,,33.7800,190.4412,,Iraq,100,s\n").unwrap_err();
        assert!(
            err.to_string().contains("field 'lon': out of range"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_ids_are_reported_by_kind() {
        let same = "x,X,town,,,33.7800,42.4412,,Iraq,100,s\n";
        let err = read(&format!("{same}{same}")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "places.csv: line 3, field 'id': duplicate id \"x\" (first used on line 2)"
        );
        let moved = "x,X,town,,,33.9800,42.4412,,Iraq,100,s\n";
        let err = read(&format!("{same}{moved}")).unwrap_err();
        assert!(err.to_string().contains("given twice with different coordinates: 33.780000,42.441200 on line 2, 33.980000,42.441200 on line 3"), "{err}");
    }

    #[test]
    fn collects_every_bad_row() {
        let err = read("Bad Id,X,town,,,33.7800,42.4412,,Iraq,100,s\ny,Y,village,,,33.7800,42.4412,,Iraq,100,s\n").unwrap_err();
        let lines: Vec<String> = err.each().iter().map(|e| e.to_string()).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("line 2, field 'id'"));
        assert!(lines[1].contains("line 3, field 'kind': expected one of base, site"));
    }

    #[test]
    fn slugs() {
        assert!(is_slug("al-asad-air-base"));
        assert!(is_slug("tower-22"));
        for bad in ["", "Al-Asad", "-x", "x-", "al asad", "qa'im"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
