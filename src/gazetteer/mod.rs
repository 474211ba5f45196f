//! Importing places from GeoNames into the place table's schema
//! (`geoevents places import-geonames`).
//!
//! The import runs in three steps, each usable on any reader:
//!
//! 1. [`select`] streams a GeoNames dump and keeps the rows of the chosen
//!    countries and feature classes, each mapped to a [`PlaceKind`]
//!    ([`kind_for`]).
//! 2. [`Selection::add_alternate_names`] streams `alternateNamesV2.txt` and
//!    adds the names of the selected rows: aliases, and the Arabic name.
//! 3. [`Selection::merge`] leaves out the rows the curated table already
//!    holds and the rows that repeat another imported row, and says why for
//!    every row ([`Decision`]).
//!
//! [`write_places`] writes the kept rows as a place table that
//! [`crate::places::read_places`] loads; [`write_report`] writes the
//! decisions.
//!
//! ```
//! use geoevents::gazetteer::{select, write_places, ImportOptions};
//! use geoevents::places::read_places;
//! let dump = "98717\tAr Ramadi\tAr Ramadi\tRamadi,الرمادي\t33.42056\t43.30778\tP\tPPLA\tIQ\t\t01\t\t\t\t274539\t\t51\tAsia/Baghdad\t2016-06-22\n";
//! let import = select("IQ.txt".as_ref(), dump.as_bytes(), &ImportOptions::default())?.merge(&[]);
//! let csv = write_places(Vec::new(), "imported.csv", &import.places)?;
//! let places = read_places("imported.csv".as_ref(), &csv[..])?;
//! assert_eq!(places[0].id, "ar-ramadi-98717");
//! assert_eq!(places[0].kind.as_str(), "city");
//! assert_eq!(places[0].aliases, vec!["Ramadi", "الرمادي"]);
//! # Ok::<(), geoevents::Error>(())
//! ```

pub mod geonames;
mod merge;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;

pub use merge::{Decision, Other, Outcome, SAME_PLACE_M};

use crate::error::Result;
use crate::model::{Place, PlaceKind};
use crate::output::tables::TableWriter;
use crate::output::value::neutralize;
use crate::places::PLACE_COLUMNS;
use crate::table::RowErrors;
use geonames::{AlternateName, AlternateNamesReader, GeoName, GeoNamesReader};

/// The GeoNames feature classes that map to a place kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureClass {
    /// `P`: populated places (cities, towns, villages).
    P,
    /// `S`: spots, buildings, farms (airports, bases, facilities).
    S,
    /// `A`: countries, states, regions.
    A,
}

impl FeatureClass {
    /// Every class, in the order of the default `P,S,A`.
    pub const ALL: [FeatureClass; 3] = [FeatureClass::P, FeatureClass::S, FeatureClass::A];

    /// The letter GeoNames writes.
    pub fn letter(self) -> &'static str {
        match self {
            FeatureClass::P => "P",
            FeatureClass::S => "S",
            FeatureClass::A => "A",
        }
    }

    /// Parses the letter as GeoNames writes it (upper case).
    pub fn parse(text: &str) -> Option<Self> {
        FeatureClass::ALL.into_iter().find(|c| c.letter() == text)
    }
}

/// What to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// ISO 3166-1 alpha-2 country codes in upper case; empty for every
    /// country.
    pub countries: Vec<String>,
    /// The feature classes to import.
    pub classes: Vec<FeatureClass>,
    /// The kind given to military features ([`MILITARY_CODES`]):
    /// [`PlaceKind::Base`] or [`PlaceKind::Site`].
    pub military_kind: PlaceKind,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            countries: Vec::new(),
            classes: FeatureClass::ALL.to_vec(),
            military_kind: PlaceKind::Base,
        }
    }
}

/// A populated place (`P`) of at least this many people is a city.
pub const CITY_POPULATION: u64 = 100_000;

/// `S` feature codes of military installations: air base, military base,
/// military installation, naval base.
pub const MILITARY_CODES: [&str; 4] = ["AIRB", "MILB", "INSM", "NVB"];

/// `A` feature codes of countries: independent political entity, dependent,
/// freely associated and semi-independent ones, and the generic `PCL`.
pub const COUNTRY_CODES: [&str; 5] = ["PCLI", "PCLD", "PCLF", "PCLS", "PCL"];

/// The place kind of a GeoNames feature class and code, or `None` when the
/// place table has no kind for it (`A.ADM2`, `A.PCLH` …).
///
/// | GeoNames | kind |
/// |---|---|
/// | `P.PPLC`, `P.PPLA`, or any `P` of [`CITY_POPULATION`] or more | city |
/// | any other `P` | town |
/// | `S.AIRB`, `S.MILB`, `S.INSM`, `S.NVB` | `military_kind` (base unless told) |
/// | any other `S` (`AIRP`, `AIRF`, `AIRH` …) | site |
/// | `A.ADM1` | governorate |
/// | `A.PCLI`, `A.PCLD`, `A.PCLF`, `A.PCLS`, `A.PCL` | country |
pub fn kind_for(
    class: FeatureClass,
    code: &str,
    population: u64,
    military_kind: PlaceKind,
) -> Option<PlaceKind> {
    match class {
        FeatureClass::P if matches!(code, "PPLC" | "PPLA") || population >= CITY_POPULATION => {
            Some(PlaceKind::City)
        }
        FeatureClass::P => Some(PlaceKind::Town),
        FeatureClass::S if MILITARY_CODES.contains(&code) => Some(military_kind),
        FeatureClass::S => Some(PlaceKind::Site),
        FeatureClass::A if code == "ADM1" => Some(PlaceKind::Governorate),
        FeatureClass::A if COUNTRY_CODES.contains(&code) => Some(PlaceKind::Country),
        FeatureClass::A => None,
    }
}

/// The `uncertainty_m` of an imported place: a radius that bounds where an
/// event "at" a place of that kind is, since GeoNames gives a point and no
/// extent.
pub fn uncertainty_m(kind: PlaceKind) -> u32 {
    match kind {
        PlaceKind::Base | PlaceKind::Site => 2_000,
        PlaceKind::Town => 5_000,
        PlaceKind::City => 10_000,
        PlaceKind::Governorate => 150_000,
        PlaceKind::Country => 500_000,
    }
}

/// English names of the region's countries by ISO code; other countries
/// keep their code in the `country` column.
pub const COUNTRY_NAMES: [(&str, &str); 11] = [
    ("EG", "Egypt"),
    ("IL", "Israel"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("JO", "Jordan"),
    ("KW", "Kuwait"),
    ("LB", "Lebanon"),
    ("PS", "Palestine"),
    ("SA", "Saudi Arabia"),
    ("SY", "Syria"),
    ("TR", "Turkey"),
];

/// The `country` column for an ISO code.
pub fn country_name(code: &str) -> &str {
    COUNTRY_NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, name)| name)
}

/// GeoNames pseudo-languages of `alternateNamesV2.txt` whose entries are
/// not names: links, postal codes, Wikidata ids, UN/LOCODEs, French
/// revolutionary names, FAA and TCID codes, pronunciations.
pub const NOT_NAMES: [&str; 8] = [
    "link", "post", "wkdt", "unlc", "fr_1793", "faac", "tcid", "phon",
];

/// Pseudo-languages of airport codes: kept on bases and sites only.
pub const AIRPORT_CODES: [&str; 2] = ["iata", "icao"];

/// Why an alternate name of `isolanguage` is left out of a place of `kind`.
fn left_out(isolanguage: &str, kind: PlaceKind) -> bool {
    NOT_NAMES.contains(&isolanguage) || (AIRPORT_CODES.contains(&isolanguage) && !is_facility(kind))
}

fn is_facility(kind: PlaceKind) -> bool {
    matches!(kind, PlaceKind::Base | PlaceKind::Site)
}

/// A stable place id: the slug of `name` (ASCII letters and digits, other
/// characters as single hyphens, apostrophes dropped, at most 60
/// characters) and the GeoNames id, e.g. `al-habbaniyah-98463`.
pub fn place_id(name: &str, geonameid: u64) -> String {
    let mut slug = String::new();
    let mut gap = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !slug.is_empty() {
                slug.push('-');
            }
            gap = false;
            slug.push(c.to_ascii_lowercase());
        } else if !matches!(c, '\'' | '’' | '‘' | 'ʿ' | 'ʾ' | '`' | '´') {
            gap = true;
        }
        if slug.len() >= 60 {
            break;
        }
    }
    slug.truncate(60);
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("geonames-{geonameid}")
    } else {
        format!("{slug}-{geonameid}")
    }
}

/// A place read from GeoNames, in the place table's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedPlace {
    /// The row; `line` is the line of the GeoNames dump.
    pub place: Place,
    /// The latitude as written: as GeoNames gives it, or padded to 4
    /// decimals (the place table's minimum).
    pub lat: String,
    /// The longitude as written.
    pub lon: String,
    /// The GeoNames id.
    pub geonameid: u64,
    /// Feature class and code, e.g. `S.AIRB`.
    pub feature: String,
    /// The GeoNames population, 0 when unknown.
    pub population: u64,
}

/// A selected row and the alternate names found for it.
#[derive(Clone, Debug)]
struct Candidate {
    row: GeoName,
    kind: PlaceKind,
    names: Vec<AlternateName>,
}

/// What [`select`] counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectStats {
    /// Lines read.
    pub lines: u64,
    /// Rows of countries not asked for.
    pub other_country: u64,
    /// Rows of feature classes not asked for.
    pub other_class: u64,
}

/// What [`Selection::add_alternate_names`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlternateStats {
    /// Names of selected places taken.
    pub taken: usize,
    /// Selected places that got at least one.
    pub places: usize,
    /// Names of selected places left out, by pseudo-language.
    pub left_out: BTreeMap<String, usize>,
}

/// The rows of a GeoNames dump that passed the filters.
#[derive(Clone, Debug)]
pub struct Selection {
    candidates: Vec<Candidate>,
    skipped: Vec<Decision>,
    /// Counts of the read.
    pub stats: SelectStats,
}

/// Reads a GeoNames dump and keeps the rows of `options`' countries and
/// feature classes. Every line is checked for 19 tab-separated UTF-8
/// fields; the values of the rows kept are checked too. Every bad line is
/// reported (up to [`crate::table::MAX_ROW_ERRORS`]).
pub fn select<R: Read>(path: &Path, input: R, options: &ImportOptions) -> Result<Selection> {
    let mut reader = GeoNamesReader::new(path, input)?;
    let mut errors = RowErrors::default();
    let mut stats = SelectStats::default();
    let mut candidates = Vec::new();
    let mut skipped = Vec::new();
    while let Some(line) = reader.next_line() {
        stats.lines += 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if !options.countries.is_empty()
            && !options.countries.iter().any(|c| c == line.country_code())
        {
            stats.other_country += 1;
            continue;
        }
        let Some(class) =
            FeatureClass::parse(line.feature_class()).filter(|c| options.classes.contains(c))
        else {
            stats.other_class += 1;
            continue;
        };
        let row = match line.parse() {
            Ok(row) => row,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let kind = kind_for(
            class,
            &row.feature_code,
            row.population,
            options.military_kind,
        );
        match kind {
            Some(_) if row.country_code.is_empty() => {
                skipped.push(Decision::skipped(
                    &row,
                    "it has no country code".to_string(),
                ));
            }
            Some(kind) => candidates.push(Candidate {
                row,
                kind,
                names: Vec::new(),
            }),
            None => {
                let why = format!(
                    "feature code {}.{} has no place kind",
                    row.feature_class, row.feature_code
                );
                skipped.push(Decision::skipped(&row, why));
            }
        }
    }
    errors.into_result()?;
    Ok(Selection {
        candidates,
        skipped,
        stats,
    })
}

impl Selection {
    /// Rows that will be merged.
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// True when no row passed the filters.
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// Selected rows that cannot be imported (no place kind, no country).
    pub fn skipped(&self) -> &[Decision] {
        &self.skipped
    }

    /// Reads `alternateNamesV2.txt` (or the older 8-column
    /// `alternateNames.txt`) and adds the names of the selected places,
    /// except the pseudo-languages of [`NOT_NAMES`], and airport codes
    /// ([`AIRPORT_CODES`]) on places other than bases and sites. Historic and
    /// colloquial names are kept: reports use them.
    pub fn add_alternate_names<R: Read>(
        &mut self,
        path: &Path,
        input: R,
    ) -> Result<AlternateStats> {
        let mut by_id: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, c) in self.candidates.iter().enumerate() {
            by_id.entry(c.row.geonameid).or_default().push(i);
        }
        let mut reader = AlternateNamesReader::new(path, input)?;
        let mut errors = RowErrors::default();
        let mut stats = AlternateStats::default();
        let mut named: HashSet<usize> = HashSet::new();
        while let Some(name) = reader.next_wanted(|id| by_id.contains_key(&id)) {
            let name = match name {
                Ok(name) => name,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            for &i in &by_id[&name.geonameid] {
                let candidate = &mut self.candidates[i];
                if left_out(&name.isolanguage, candidate.kind) {
                    *stats.left_out.entry(name.isolanguage.clone()).or_default() += 1;
                } else {
                    candidate.names.push(name.clone());
                    stats.taken += 1;
                    named.insert(i);
                }
            }
        }
        errors.into_result()?;
        stats.places = named.len();
        Ok(stats)
    }

    /// Converts the selected rows to places and merges them against the
    /// curated table (see [`Decision`] for the rules).
    pub fn merge(self, curated: &[Place]) -> Import {
        let places = self.candidates.into_iter().map(convert).collect();
        let (places, decisions) = merge::merge(places, curated, self.skipped);
        Import { places, decisions }
    }
}

/// The result of an import.
#[derive(Clone, Debug)]
pub struct Import {
    /// The places kept, sorted by id.
    pub places: Vec<ImportedPlace>,
    /// A decision for every selected row, in file order.
    pub decisions: Vec<Decision>,
}

impl Import {
    /// The decisions with this outcome.
    pub fn with(&self, outcome: Outcome) -> impl Iterator<Item = &Decision> {
        self.decisions.iter().filter(move |d| d.outcome == outcome)
    }
}

/// Makes a place-table row of a selected GeoNames row.
fn convert(candidate: Candidate) -> ImportedPlace {
    let Candidate { row, kind, names } = candidate;
    let name_ar = arabic_name(&names);
    let facility = is_facility(kind);
    let mut seen: HashSet<&str> = HashSet::new();
    let mut aliases: Vec<String> = Vec::new();
    let spellings = std::iter::once((row.asciiname.as_str(), ""))
        .chain(row.alternatenames.iter().map(|a| (a.as_str(), "")))
        .chain(
            names
                .iter()
                .map(|n| (n.name.as_str(), n.isolanguage.as_str())),
        );
    for (text, language) in spellings {
        let text = text.trim();
        let keep = !text.is_empty()
            && text != row.name
            && text != name_ar
            && !text.contains(';')
            && !is_link(text)
            && !text.bytes().all(|b| b.is_ascii_digit())
            && (facility || language == "abbr" || !is_code(text));
        if keep && seen.insert(text) {
            aliases.push(text.to_string());
        }
    }
    let id = place_id(
        if row.asciiname.is_empty() {
            &row.name
        } else {
            &row.asciiname
        },
        row.geonameid,
    );
    let place = Place {
        id,
        name: row.name.clone(),
        kind,
        aliases,
        name_ar: name_ar.to_string(),
        position: row.position,
        admin1: if kind == PlaceKind::Country {
            String::new()
        } else {
            row.admin1.clone()
        },
        country: country_name(&row.country_code).to_string(),
        uncertainty_m: uncertainty_m(kind),
        source: format!("GeoNames {} (CC BY 4.0)", row.geonameid),
        line: row.line,
    };
    ImportedPlace {
        place,
        lat: coordinate_text(&row.lat, row.position.lat),
        lon: coordinate_text(&row.lon, row.position.lon),
        geonameid: row.geonameid,
        feature: format!("{}.{}", row.feature_class, row.feature_code),
        population: row.population,
    }
}

/// The Arabic name among the alternate names: the preferred current one,
/// else the first current one, else the first.
fn arabic_name(names: &[AlternateName]) -> &str {
    names
        .iter()
        .filter(|n| n.isolanguage == "ar" && !n.name.contains(';'))
        .min_by_key(|n| match (n.preferred, n.historic) {
            (true, false) => 0,
            (_, false) => 1,
            _ => 2,
        })
        .map_or("", |n| n.name.trim())
}

/// A web address, not a name.
fn is_link(text: &str) -> bool {
    text.contains("://") || text.starts_with("www.")
}

/// An airport-style code: 3 or 4 capital letters and digits (`ORBD`,
/// `BGW`).
fn is_code(text: &str) -> bool {
    (3..=4).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && text.bytes().any(|b| b.is_ascii_uppercase())
}

/// A coordinate as the place table takes it: as given when it has at least
/// [`crate::places::MIN_COORDINATE_DECIMALS`] decimals, else padded.
fn coordinate_text(text: &str, value: f64) -> String {
    let decimals = text.split_once('.').map_or(0, |(_, frac)| {
        frac.bytes().take_while(u8::is_ascii_digit).count()
    });
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    if plain && decimals >= crate::places::MIN_COORDINATE_DECIMALS {
        text.to_string()
    } else {
        format!(
            "{value:.prec$}",
            prec = crate::places::MIN_COORDINATE_DECIMALS.max(decimals)
        )
    }
}

/// Writes places as a place table (header and rows, columns as in
/// [`PLACE_COLUMNS`]); `name` names the output in errors.
pub fn write_places<W: Write>(out: W, name: &str, places: &[ImportedPlace]) -> Result<W> {
    let mut table = TableWriter::new(out, name, &PLACE_COLUMNS)?;
    for imported in places {
        let p = &imported.place;
        let uncertainty = p.uncertainty_m.to_string();
        let aliases = p.aliases.join(";");
        table.write_row(&[
            &p.id,
            &p.name,
            p.kind.as_str(),
            &aliases,
            &p.name_ar,
            &imported.lat,
            &imported.lon,
            &p.admin1,
            &p.country,
            &uncertainty,
            &p.source,
        ])?;
    }
    table.finish()
}

/// The columns of the merge report.
pub const REPORT_COLUMNS: [&str; 14] = [
    "decision",
    "id",
    "geonameid",
    "line",
    "name",
    "kind",
    "feature",
    "country",
    "lat",
    "lon",
    "other_id",
    "other_name",
    "distance_km",
    "why",
];

/// Writes the decisions as CSV ([`REPORT_COLUMNS`]). Text cells that a
/// spreadsheet would run as a formula get a leading `'`.
pub fn write_report<W: Write>(out: W, name: &str, decisions: &[Decision]) -> Result<W> {
    let mut table = TableWriter::new(out, name, &REPORT_COLUMNS)?;
    for d in decisions {
        let (other_id, other_name, km) = match &d.other {
            Some(o) => (
                o.id.as_str(),
                neutralize(&o.name).into_owned(),
                format!("{:.1}", o.distance_m / 1000.0),
            ),
            None => ("", String::new(), String::new()),
        };
        table.write_row(&[
            d.outcome.as_str(),
            &d.id,
            &d.geonameid.to_string(),
            &d.line.to_string(),
            &neutralize(&d.name),
            d.kind.map_or("", PlaceKind::as_str),
            &d.feature,
            &d.country,
            &d.lat,
            &d.lon,
            other_id,
            &other_name,
            &km,
            &neutralize(&d.why),
        ])?;
    }
    table.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let k = |class, code, population| kind_for(class, code, population, PlaceKind::Base);
        use FeatureClass::*;
        assert_eq!(k(P, "PPLC", 0), Some(PlaceKind::City));
        assert_eq!(k(P, "PPLA", 0), Some(PlaceKind::City));
        assert_eq!(k(P, "PPL", 99_999), Some(PlaceKind::Town));
        assert_eq!(k(P, "PPL", 100_000), Some(PlaceKind::City));
        assert_eq!(k(S, "AIRB", 0), Some(PlaceKind::Base));
        assert_eq!(k(S, "MILB", 0), Some(PlaceKind::Base));
        assert_eq!(k(S, "AIRP", 0), Some(PlaceKind::Site));
        assert_eq!(k(S, "HTL", 0), Some(PlaceKind::Site));
        assert_eq!(k(A, "ADM1", 0), Some(PlaceKind::Governorate));
        assert_eq!(k(A, "PCLI", 0), Some(PlaceKind::Country));
        assert_eq!(k(A, "ADM2", 0), None);
        assert_eq!(
            kind_for(S, "AIRB", 0, PlaceKind::Site),
            Some(PlaceKind::Site)
        );
    }

    #[test]
    fn ids_are_slugs() {
        assert_eq!(place_id("Al Habbaniyah", 98463), "al-habbaniyah-98463");
        assert_eq!(place_id("Al Qa'im", 92138), "al-qaim-92138");
        assert_eq!(
            place_id("  Balad Air Base (Joint Base) ", 1),
            "balad-air-base-joint-base-1"
        );
        assert_eq!(place_id("الرمادي", 98717), "geonames-98717");
        let long = place_id(&"abc ".repeat(40), 7);
        assert!(long.len() <= 62 && crate::places::is_slug(&long), "{long}");
        for id in ["al-habbaniyah-98463", "geonames-98717"] {
            assert!(crate::places::is_slug(id));
        }
    }

    #[test]
    fn coordinates_keep_their_digits_or_get_four() {
        assert_eq!(coordinate_text("33.42056", 33.42056), "33.42056");
        assert_eq!(coordinate_text("32.9", 32.9), "32.9000");
        assert_eq!(coordinate_text("-33", -33.0), "-33.0000");
        assert_eq!(coordinate_text("+33.12345", 33.12345), "33.12345");
    }

    #[test]
    fn codes_and_links() {
        assert!(is_code("ORBD") && is_code("BGW") && !is_code("Hit") && !is_code("1234"));
        assert!(is_link("https://en.wikipedia.org/wiki/Ramadi") && !is_link("Ramadi"));
    }
}
