//! The records geoevents reads and the facts it derives about them.

use std::fmt;

/// A WGS84 position in decimal degrees. Latitude comes first here because
/// that is how people write it; the GeoJSON writers and the geodesy adapter
/// are the only places that turn it into `[lon, lat]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    /// Latitude, degrees north, in [-90, 90].
    pub lat: f64,
    /// Longitude, degrees east, in [-180, 180].
    pub lon: f64,
}

impl LatLon {
    /// A position, or `None` when either value is out of range or not finite.
    pub fn new(lat: f64, lon: f64) -> Option<Self> {
        let ok = lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon);
        ok.then_some(LatLon { lat, lon })
    }

    /// Parses `"lat,lon"` (spaces allowed), as typed on a command line.
    ///
    /// ```
    /// use geoevents::model::LatLon;
    /// let p = LatLon::parse_pair("33.7856, 42.4412").unwrap();
    /// assert_eq!((p.lat, p.lon), (33.7856, 42.4412));
    /// assert!(LatLon::parse_pair("Baghdad, Iraq").is_none());
    /// ```
    pub fn parse_pair(text: &str) -> Option<Self> {
        let (lat, lon) = text.split_once(',')?;
        LatLon::new(lat.trim().parse().ok()?, lon.trim().parse().ok()?)
    }
}

impl fmt::Display for LatLon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.6},{:.6}", self.lat, self.lon)
    }
}

/// What a row of the place table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceKind {
    /// A coalition military base: these make the bases layer.
    Base,
    /// Any other facility or site with a point location.
    Site,
    /// A town.
    Town,
    /// A city.
    City,
    /// A first-level administrative unit.
    Governorate,
    /// A country.
    Country,
}

impl PlaceKind {
    /// Every kind, in the order the README lists them.
    pub const ALL: [PlaceKind; 6] = [
        PlaceKind::Base,
        PlaceKind::Site,
        PlaceKind::Town,
        PlaceKind::City,
        PlaceKind::Governorate,
        PlaceKind::Country,
    ];

    /// The kind as written in `places.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Base => "base",
            PlaceKind::Site => "site",
            PlaceKind::Town => "town",
            PlaceKind::City => "city",
            PlaceKind::Governorate => "governorate",
            PlaceKind::Country => "country",
        }
    }

    /// Parses the spelling used in `places.csv`.
    pub fn parse(text: &str) -> Option<Self> {
        PlaceKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One row of the place table.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// Stable lowercase slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the place is.
    pub kind: PlaceKind,
    /// Other spellings, as listed in the table.
    pub aliases: Vec<String>,
    /// Arabic-script name, possibly empty.
    pub name_ar: String,
    /// The representative point.
    pub position: LatLon,
    /// First-level administrative unit, possibly empty.
    pub admin1: String,
    /// Country name.
    pub country: String,
    /// Radius in metres around `position` that bounds where the place is.
    pub uncertainty_m: u32,
    /// Where the coordinates come from.
    pub source: String,
    /// The line of the place table the row is on.
    pub line: u64,
}

/// Whether an event is a strike (on militia targets) or an attack (on
/// coalition forces). The two go to separate layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A strike, e.g. a US airstrike on a militia facility.
    Strike,
    /// An attack, e.g. a militia missile attack on a base.
    Attack,
}

impl EventKind {
    /// The kind as written in `events.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Strike => "strike",
            EventKind::Attack => "attack",
        }
    }
}

/// One row of an events file.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The line of the events file the row starts on.
    pub line: u64,
    /// Stable id, unique in the file.
    pub id: String,
    /// ISO 8601 date, `YYYY-MM-DD`.
    pub date: String,
    /// Strike or attack.
    pub kind: EventKind,
    /// Finer type, e.g. `airstrike`, `ballistic missile`.
    pub subtype: String,
    /// Who carried it out.
    pub actor: String,
    /// What was hit.
    pub target: String,
    /// The place text as the report gives it.
    pub place: String,
    /// Lowest reported number killed; `None` when not reported.
    pub killed_low: Option<u32>,
    /// Highest reported number killed.
    pub killed_high: Option<u32>,
    /// Lowest reported number injured.
    pub injured_low: Option<u32>,
    /// Highest reported number injured.
    pub injured_high: Option<u32>,
    /// The reports that support the event, `;`-separated.
    pub sources: String,
    /// Free text: supporting quotes and disagreements.
    pub notes: String,
    /// Columns the schema does not know, in file order, passed through as is.
    pub extra: Vec<String>,
    /// Where the row itself places the event, for datasets that come
    /// geocoded (ACLED, UCDP GED); `None` for a geoevents events file.
    pub located: Option<Located>,
}

/// A position a foreign dataset gives for its row, with how precise it says
/// it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Located {
    /// The row's own coordinates.
    pub position: LatLon,
    /// The row's precision code, in our terms.
    pub precision: Precision,
    /// The dataset, for the `source` of the place these coordinates make.
    pub dataset: &'static str,
}

/// How a place text was matched to a row of the place table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The text is a place id.
    Id,
    /// The text is a place's name, character for character.
    Name,
    /// The text is one of a place's aliases (or its Arabic name), character
    /// for character.
    Alias,
    /// The normalised text equals a normalised name or alias (case,
    /// diacritics, apostrophes, articles, feature words).
    Normalized,
    /// The closest name by edit distance, and the only one that close.
    Fuzzy,
    /// Not matched: the coordinates are the source row's own (ACLED, UCDP
    /// GED), since the place table knows the place no more precisely.
    Source,
}

impl MatchKind {
    /// The value written in the `match` field.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Id => "id",
            MatchKind::Name => "name",
            MatchKind::Alias => "alias",
            MatchKind::Normalized => "normalized",
            MatchKind::Fuzzy => "fuzzy",
            MatchKind::Source => "source",
        }
    }
}

/// How precisely an event is placed, from a named site down to a country.
///
/// The codes analysts already filter on come with it:
///
/// | precision | meaning | `geo_precision` (ACLED) | `where_prec` (UCDP GED) |
/// |---|---|---|---|
/// | `site` | at a named base or site | 1 | 1 |
/// | `town` | in a named town or city | 1 | 1 |
/// | `near-site` | near a named base or site | 2 | 2 |
/// | `near-town` | near a named town or city | 2 | 2 |
/// | `region` | a direction from a named place ("south of Baghdad") | 3 | 3 |
/// | `governorate` | somewhere in a governorate | 3 | 4 |
/// | `near-governorate` | near or beside a governorate | 3 | 5 |
/// | `country` | somewhere in a country | 3 | 6 |
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// At a named base or site.
    Site,
    /// In a named town or city.
    Town,
    /// Near a named base or site.
    NearSite,
    /// Near a named town or city.
    NearTown,
    /// In a direction from a named place.
    Region,
    /// Somewhere in a governorate.
    Governorate,
    /// Near a governorate.
    NearGovernorate,
    /// Somewhere in a country.
    Country,
}

impl Precision {
    /// The value written in the `precision` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Site => "site",
            Precision::Town => "town",
            Precision::NearSite => "near-site",
            Precision::NearTown => "near-town",
            Precision::Region => "region",
            Precision::Governorate => "governorate",
            Precision::NearGovernorate => "near-governorate",
            Precision::Country => "country",
        }
    }

    /// ACLED's `geo_precision`: 1 town or site, 2 near a town, 3 a larger region.
    pub fn acled_geo_precision(self) -> u8 {
        match self {
            Precision::Site | Precision::Town => 1,
            Precision::NearSite | Precision::NearTown => 2,
            _ => 3,
        }
    }

    /// UCDP GED's `where_prec`: 1 exact, 2 within about 25 km, 3 second-order
    /// unit, 4 first-order unit, 5 larger or vague, 6 country.
    pub fn ucdp_where_prec(self) -> u8 {
        match self {
            Precision::Site | Precision::Town => 1,
            Precision::NearSite | Precision::NearTown => 2,
            Precision::Region => 3,
            Precision::Governorate => 4,
            Precision::NearGovernorate => 5,
            Precision::Country => 6,
        }
    }
}
