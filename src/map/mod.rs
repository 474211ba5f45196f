//! The locator map: an editable SVG (every layer its own group, text as
//! text, no external references) and a PNG rendered from the same drawing
//! with an embedded font.
//!
//! What is drawn, and how honestly:
//! - strikes (circles), attacks (triangles) and bases (squares) in the
//!   colours of [`crate::output::style`]; an event placed only to a town's
//!   surroundings, a region or a governorate is drawn hollow, with a dashed
//!   circle of its uncertainty; an event known only to a country is not put
//!   on the map at all but listed under it;
//! - labels placed so that none overlaps another label, a symbol or the
//!   map furniture ([`labels`]);
//! - Natural Earth countries and rivers, a graticule, a scale bar with a
//!   round length measured on the ellipsoid, an inset locating the map in
//!   the region, a title with the date range, and a credit line.

pub mod basemap;
pub mod collect;
pub mod credits;
pub mod labels;
pub mod png;
pub mod projection;
mod svg;

pub use svg::{credit, draw};

use crate::model::Precision;
use crate::output::style::{LayerStyle, ATTACKS, BASES, STRIKES};

/// One point to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct MapPoint {
    /// Feature id (event or place id).
    pub id: String,
    /// The layer: strikes, attacks or bases.
    pub layer: &'static LayerStyle,
    /// The name of the place it is drawn at.
    pub place_name: String,
    /// The event's date; `None` for a base.
    pub date: Option<String>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// How precisely an event is placed; `None` for a base.
    pub precision: Option<Precision>,
    /// Radius bounding where it is, metres.
    pub uncertainty_m: u32,
    /// For a strike, its nearest base's id.
    pub nearest_base: Option<String>,
}

impl MapPoint {
    /// Whether the point is an event placed no better than a country: such
    /// an event has no place on a locator map.
    pub fn country_only(&self) -> bool {
        self.precision == Some(Precision::Country)
    }

    /// Whether the point stands for an area rather than a spot.
    pub fn approximate(&self) -> bool {
        !matches!(
            self.precision,
            None | Some(Precision::Site) | Some(Precision::Town)
        )
    }
}

/// What a map shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapData {
    /// Strikes, attacks and bases.
    pub points: Vec<MapPoint>,
    /// Who reported the events, for the credit line ("AFP", "ABC News"),
    /// in order of first appearance; reports with no known publisher are
    /// counted in `uncredited_reports`.
    pub publishers: Vec<String>,
    /// Reports cited whose publisher is not known.
    pub uncredited_reports: usize,
    /// Events whose place did not resolve, `(id, place text)`: not drawn,
    /// but named in the report.
    pub unresolved: Vec<(String, String)>,
}

/// How to draw a map.
#[derive(Clone, Debug, PartialEq)]
pub struct MapOptions {
    /// Width of the page, px (the height follows the extent).
    pub width: u32,
    /// The title.
    pub title: String,
    /// `[min lon, min lat, max lon, max lat]` to show; `None`: fit the data.
    pub bbox: Option<[f64; 4]>,
    /// The credit line; `None`: from the publishers.
    pub credit: Option<String>,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            width: 1200,
            title: "US strikes and militia attacks".to_string(),
            bbox: None,
            credit: None,
        }
    }
}

/// The layers a map draws points for, in drawing order (last on top):
/// events go over the bases, so an attack on a base shows as its blue
/// triangle on the black square.
pub const POINT_LAYERS: [&LayerStyle; 3] = [&BASES, &ATTACKS, &STRIKES];

/// A drawn map and what went into it, for reports and tests.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    /// The SVG document.
    pub svg: String,
    /// Page width, px.
    pub width: u32,
    /// Page height, px.
    pub height: u32,
    /// Every symbol drawn: feature id and its centre on the page.
    pub symbols: Vec<(String, f64, f64)>,
    /// Every label placed.
    pub labels: Vec<labels::PlacedLabel>,
    /// Labels that found no free place, left off.
    pub unplaced: Vec<String>,
    /// Events not drawn because they are known only to a country.
    pub country_only: Vec<String>,
    /// Points outside the extent shown (bases far from the events).
    pub outside: Vec<String>,
    /// Points drawn under the title, legend, scale bar or inset (only with
    /// a fixed extent: otherwise the map widens to keep them clear).
    pub covered: Vec<String>,
}

/// "22 Nov 2023" for "2023-11-22".
pub fn display_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => match m.parse::<usize>() {
            Ok(m @ 1..=12) => format!("{} {} {y}", d.trim_start_matches('0'), MONTHS[m - 1]),
            _ => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_a_desk_writes_them() {
        assert_eq!(display_date("2023-11-22"), "22 Nov 2023");
        assert_eq!(display_date("2024-01-05"), "5 Jan 2024");
        assert_eq!(display_date("x"), "x");
    }
}
