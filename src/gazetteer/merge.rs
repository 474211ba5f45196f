//! Merging imported places against the curated table and each other.

use std::collections::HashMap;

use super::geonames::GeoName;
use super::ImportedPlace;
use crate::distance::inverse;
use crate::model::{Place, PlaceKind};
use crate::normalize::normalize;

/// Two places of one kind with a spelling in common are taken for one place
/// when they lie within this many metres, or within the radius of the place
/// already held if that is larger (a governorate, a country).
pub const SAME_PLACE_M: f64 = 25_000.0;

/// What became of a selected GeoNames row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Written to the output.
    Kept,
    /// Left out: the curated table holds the place.
    CuratedWins,
    /// Left out: another imported row is the same place.
    Duplicate,
    /// Left out: no place kind for its feature code, or no country.
    Skipped,
}

impl Outcome {
    /// The value of the report's `decision` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Kept => "kept",
            Outcome::CuratedWins => "curated-wins",
            Outcome::Duplicate => "duplicate",
            Outcome::Skipped => "skipped",
        }
    }
}

/// The place a row lost to.
#[derive(Clone, Debug, PartialEq)]
pub struct Other {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The geodesic distance between the two points, metres.
    pub distance_m: f64,
}

/// The decision on one selected GeoNames row.
///
/// A row loses to a curated place (**curated wins**) when its id is the
/// curated place's id, or when one of its spellings (name, ASCII name,
/// aliases, Arabic name) normalises ([`normalize`]) to one of the curated
/// place's, the two are of one kind (base and site count as one kind, and
/// town and city, since GeoNames and a curator may class a place
/// differently) and they lie within [`SAME_PLACE_M`] of each other, or
/// within the curated place's `uncertainty_m` if that is larger. Rows are
/// then taken by population, largest first, then by GeoNames id; a row is
/// a **duplicate** of a row already kept by the same rule, or when it
/// repeats that row's GeoNames id.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// What became of the row.
    pub outcome: Outcome,
    /// The line of the GeoNames dump.
    pub line: u64,
    /// The GeoNames id.
    pub geonameid: u64,
    /// The place id the row has (or would have had); empty when skipped.
    pub id: String,
    /// The GeoNames name.
    pub name: String,
    /// The kind it maps to; `None` when there is none.
    pub kind: Option<PlaceKind>,
    /// Feature class and code, e.g. `P.PPLA`.
    pub feature: String,
    /// The country as written in the `country` column (or the ISO code).
    pub country: String,
    /// Latitude as written.
    pub lat: String,
    /// Longitude as written.
    pub lon: String,
    /// The place it lost to.
    pub other: Option<Other>,
    /// Why, in words.
    pub why: String,
}

impl Decision {
    pub(super) fn skipped(row: &GeoName, why: String) -> Self {
        Decision {
            outcome: Outcome::Skipped,
            line: row.line,
            geonameid: row.geonameid,
            id: String::new(),
            name: row.name.clone(),
            kind: None,
            feature: format!("{}.{}", row.feature_class, row.feature_code),
            country: super::country_name(&row.country_code).to_string(),
            lat: row.lat.clone(),
            lon: row.lon.clone(),
            other: None,
            why,
        }
    }

    fn about(
        imported: &ImportedPlace,
        outcome: Outcome,
        other: Option<Other>,
        why: String,
    ) -> Self {
        let p = &imported.place;
        Decision {
            outcome,
            line: p.line,
            geonameid: imported.geonameid,
            id: p.id.clone(),
            name: p.name.clone(),
            kind: Some(p.kind),
            feature: imported.feature.clone(),
            country: p.country.clone(),
            lat: imported.lat.clone(),
            lon: imported.lon.clone(),
            other,
            why,
        }
    }

    /// One line for a person: the row, what became of it and why.
    pub fn text(&self) -> String {
        let kind = self.kind.map_or("no kind", PlaceKind::as_str);
        let what = if self.id.is_empty() {
            format!("geonameid {}", self.geonameid)
        } else {
            self.id.clone()
        };
        let row = format!(
            "{what} ({}, {kind}, {}, line {})",
            self.name, self.feature, self.line
        );
        match &self.other {
            Some(o) => format!("{row} is {} ({}): {}", o.id, o.name, self.why),
            None => format!("{row}: {}", self.why),
        }
    }
}

/// Base and site are one group, town and city another.
fn group(kind: PlaceKind) -> u8 {
    match kind {
        PlaceKind::Base | PlaceKind::Site => 0,
        PlaceKind::Town | PlaceKind::City => 1,
        PlaceKind::Governorate => 2,
        PlaceKind::Country => 3,
    }
}

/// The normalised spellings of a place, without repeats.
fn keys(place: &Place) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let texts = std::iter::once(&place.name)
        .chain(&place.aliases)
        .chain(std::iter::once(&place.name_ar));
    for text in texts {
        let key = normalize(text);
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Places by normalised spelling.
#[derive(Default)]
struct Spellings(HashMap<String, Vec<usize>>);

impl Spellings {
    fn add(&mut self, keys: &[String], i: usize) {
        for key in keys {
            self.0.entry(key.clone()).or_default().push(i);
        }
    }

    /// The nearest place of `place`'s kind group that shares a spelling with
    /// it and lies close enough, with the spelling and the distance.
    fn same<'a>(
        &self,
        place: &Place,
        keys: &[String],
        places: impl Fn(usize) -> &'a Place,
    ) -> Option<(usize, String, f64)> {
        let mut best: Option<(usize, String, f64)> = None;
        for key in keys {
            for &j in self.0.get(key).into_iter().flatten() {
                let other = places(j);
                if group(other.kind) != group(place.kind) {
                    continue;
                }
                let d = inverse(place.position, other.position).distance_m;
                let reach = SAME_PLACE_M.max(f64::from(other.uncertainty_m));
                if d <= reach && best.as_ref().is_none_or(|b| d < b.2) {
                    best = Some((j, key.clone(), d));
                }
            }
        }
        best
    }
}

fn same_why(key: &str, d: f64, reach: f64) -> String {
    format!(
        "both are called {key:?} once normalised, {:.1} km apart (within {:.0} km)",
        d / 1000.0,
        reach / 1000.0
    )
}

/// Decides every row; returns the kept places sorted by id and every
/// decision in file order.
pub(super) fn merge(
    imported: Vec<ImportedPlace>,
    curated: &[Place],
    skipped: Vec<Decision>,
) -> (Vec<ImportedPlace>, Vec<Decision>) {
    let curated_ids: HashMap<&str, usize> = curated
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut curated_spellings = Spellings::default();
    for (i, place) in curated.iter().enumerate() {
        curated_spellings.add(&keys(place), i);
    }

    let mut order: Vec<ImportedPlace> = imported;
    order.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then(a.geonameid.cmp(&b.geonameid))
            .then(a.place.line.cmp(&b.place.line))
    });

    let mut kept: Vec<ImportedPlace> = Vec::new();
    let mut kept_spellings = Spellings::default();
    let mut kept_ids: HashMap<u64, usize> = HashMap::new();
    let mut decisions = skipped;
    for row in order {
        let place = &row.place;
        let row_keys = keys(place);
        let other = |p: &Place| Other {
            id: p.id.clone(),
            name: p.name.clone(),
            distance_m: inverse(place.position, p.position).distance_m,
        };
        let reach = |p: &Place| SAME_PLACE_M.max(f64::from(p.uncertainty_m));
        let decision = if let Some(&j) = curated_ids.get(place.id.as_str()) {
            Some((
                Outcome::CuratedWins,
                other(&curated[j]),
                "the curated table has the same id".to_string(),
            ))
        } else if let Some((j, key, d)) = curated_spellings.same(place, &row_keys, |j| &curated[j])
        {
            let why = same_why(&key, d, reach(&curated[j]));
            Some((Outcome::CuratedWins, other(&curated[j]), why))
        } else if let Some(&j) = kept_ids.get(&row.geonameid) {
            let why = format!(
                "GeoNames id {} is given twice (line {} is kept)",
                row.geonameid, kept[j].place.line
            );
            Some((Outcome::Duplicate, other(&kept[j].place), why))
        } else if let Some((j, key, d)) = kept_spellings.same(place, &row_keys, |j| &kept[j].place)
        {
            let why = format!(
                "{}; the kept row has the larger population or the lower GeoNames id",
                same_why(&key, d, reach(&kept[j].place))
            );
            Some((Outcome::Duplicate, other(&kept[j].place), why))
        } else {
            None
        };
        match decision {
            Some((outcome, other, why)) => {
                decisions.push(Decision::about(&row, outcome, Some(other), why));
            }
            None => {
                let why = format!(
                    "GeoNames {} → {}, ±{} m",
                    row.feature,
                    place.kind.as_str(),
                    place.uncertainty_m
                );
                decisions.push(Decision::about(&row, Outcome::Kept, None, why));
                kept_spellings.add(&row_keys, kept.len());
                kept_ids.insert(row.geonameid, kept.len());
                kept.push(row);
            }
        }
    }
    kept.sort_by(|a, b| a.place.id.cmp(&b.place.id));
    decisions.sort_by(|a, b| a.line.cmp(&b.line).then(a.outcome.cmp(&b.outcome)));
    (kept, decisions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LatLon;

    fn place(id: &str, name: &str, kind: PlaceKind, lat: f64, lon: f64, radius: u32) -> Place {
        Place {
            id: id.to_string(),
            name: name.to_string(),
            kind,
            aliases: Vec::new(),
            name_ar: String::new(),
            position: LatLon::new(lat, lon).unwrap(),
            admin1: String::new(),
            country: "Iraq".to_string(),
            uncertainty_m: radius,
            source: "test".to_string(),
            line: 2,
        }
    }

    fn imported(id: &str, name: &str, kind: PlaceKind, lat: f64, population: u64) -> ImportedPlace {
        let place = place(id, name, kind, lat, 43.0, super::super::uncertainty_m(kind));
        ImportedPlace {
            lat: format!("{lat:.4}"),
            lon: "43.0000".to_string(),
            geonameid: id.rsplit('-').next().unwrap().parse().unwrap(),
            feature: "P.PPL".to_string(),
            population,
            place: Place {
                line: population,
                ..place
            },
        }
    }

    fn outcomes(rows: Vec<ImportedPlace>, curated: &[Place]) -> Vec<(String, Outcome)> {
        let (_, decisions) = merge(rows, curated, Vec::new());
        decisions.into_iter().map(|d| (d.id, d.outcome)).collect()
    }

    #[test]
    fn town_and_city_are_one_kind_but_a_base_is_not_a_town() {
        let curated = [place("hit", "Hit", PlaceKind::City, 33.0, 43.0, 3000)];
        let rows = vec![
            imported("hit-1", "Hīt", PlaceKind::Town, 33.1, 5),
            imported("hit-air-base-2", "Hit", PlaceKind::Base, 33.05, 4),
            imported("hit-3", "Hit", PlaceKind::Town, 34.0, 3),
        ];
        assert_eq!(
            outcomes(rows, &curated),
            [
                ("hit-3".to_string(), Outcome::Kept),
                ("hit-air-base-2".to_string(), Outcome::Kept),
                ("hit-1".to_string(), Outcome::CuratedWins),
            ]
        );
    }

    #[test]
    fn the_more_populous_of_two_imported_rows_is_kept() {
        let rows = vec![
            imported("ramadi-1", "Ramadi", PlaceKind::Town, 33.40, 10),
            imported("ar-ramadi-2", "Ar Ramadi", PlaceKind::City, 33.42, 200_000),
        ];
        let (kept, decisions) = merge(rows, &[], Vec::new());
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].place.id, "ar-ramadi-2");
        let lost = decisions.iter().find(|d| d.id == "ramadi-1").unwrap();
        assert_eq!(lost.outcome, Outcome::Duplicate);
        assert_eq!(lost.other.as_ref().unwrap().id, "ar-ramadi-2");
    }
}
