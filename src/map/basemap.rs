//! The basemap: country outlines, the great rivers and the governorates of
//! the strikes (Al-Anbar, Babil), from Natural Earth,
//! committed to the repo under `basemap/` (see its README for sources,
//! versions and how the files were clipped) and compiled into the binary,
//! so drawing a map needs no network and no files at run time.

use geojson::{FeatureCollection, GeometryValue, JsonValue};

/// A named outline or line of the basemap, as rings or lines of
/// `[lon, lat]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// The feature's `name`.
    pub name: String,
    /// Polygon rings (every ring of every part) or line parts.
    pub parts: Vec<Vec<[f64; 2]>>,
}

/// The basemap layers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Basemap {
    /// Countries, as polygons.
    pub countries: Vec<Shape>,
    /// Rivers, as lines.
    pub rivers: Vec<Shape>,
    /// Governorates (Al-Anbar, Babil), as polygons.
    pub governorates: Vec<Shape>,
}

/// Natural Earth countries, clipped to the region (GeoJSON).
pub const COUNTRIES: &str = include_str!("../../basemap/countries.geojson");
/// The Euphrates and the Tigris (GeoJSON).
pub const RIVERS: &str = include_str!("../../basemap/rivers.geojson");
/// The Al-Anbar and Babil governorates (GeoJSON).
pub const GOVERNORATES: &str = include_str!("../../basemap/governorates.geojson");

fn shapes(text: &str) -> Vec<Shape> {
    let Ok(fc) = text.parse::<FeatureCollection>() else {
        return Vec::new();
    };
    fc.features
        .iter()
        .filter_map(|f| {
            let name = match f.property("name") {
                Some(JsonValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            let line = |l: &Vec<geojson::Position>| -> Vec<[f64; 2]> {
                l.iter()
                    .map(|p| [p.as_slice()[0], p.as_slice()[1]])
                    .collect()
            };
            let parts: Vec<Vec<[f64; 2]>> = match &f.geometry.as_ref()?.value {
                GeometryValue::Polygon { coordinates } => coordinates.iter().map(line).collect(),
                GeometryValue::MultiPolygon { coordinates } => {
                    coordinates.iter().flatten().map(line).collect()
                }
                GeometryValue::LineString { coordinates } => vec![line(coordinates)],
                GeometryValue::MultiLineString { coordinates } => {
                    coordinates.iter().map(line).collect()
                }
                _ => return None,
            };
            Some(Shape { name, parts })
        })
        .collect()
}

impl Basemap {
    /// The basemap compiled into the binary.
    pub fn bundled() -> Self {
        Basemap {
            countries: shapes(COUNTRIES),
            rivers: shapes(RIVERS),
            governorates: shapes(GOVERNORATES),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_basemap_has_the_region() {
        let b = Basemap::bundled();
        for country in ["Iraq", "Syria", "Jordan"] {
            assert!(b.countries.iter().any(|c| c.name == country), "{country}");
        }
        for river in ["Euphrates", "Tigris"] {
            assert!(b.rivers.iter().any(|r| r.name == river), "{river}");
        }
        // Al-Asad Air Base lies inside Iraq's outline (even-odd rule).
        let iraq = b.countries.iter().find(|c| c.name == "Iraq").unwrap();
        let (x, y) = (42.4412, 33.7856);
        let inside = iraq
            .parts
            .iter()
            .map(|ring| {
                ring.windows(2)
                    .filter(|w| {
                        let ([x1, y1], [x2, y2]) = (w[0], w[1]);
                        (y1 > y) != (y2 > y) && x < x1 + (y - y1) / (y2 - y1) * (x2 - x1)
                    })
                    .count()
            })
            .sum::<usize>()
            % 2
            == 1;
        assert!(inside);
    }
}
