//! The features of the analytic layers: range rings around bases, links
//! from strikes to bases, and the uncertainty area of every event placed
//! less precisely than a site. Their geometry comes from [`crate::shapes`],
//! on the WGS84 ellipsoid.

use std::collections::HashMap;
use std::rc::Rc;

use geojson::{feature::Id, Feature, Geometry, GeometryValue, JsonObject, JsonValue};

use super::geojson::round3;
use super::round_coordinate;
use super::style::{LayerStyle, AREA_FILL_OPACITY, LINKS, RINGS};
use super::tables::round1;
use crate::distance::{compass16, distance_range_m, inverse, Geodesy};
use crate::geocode::Resolved;
use crate::model::{Event, LatLon, Place, Precision};
use crate::shapes::{geodesic_circle, geodesic_line, ShapeError};

/// The default range-ring radii, km.
pub const DEFAULT_RINGS_KM: [f64; 4] = [50.0, 100.0, 200.0, 300.0];

fn positions(points: &[LatLon], decimals: u8) -> Vec<[f64; 2]> {
    points
        .iter()
        .map(|p| {
            [
                round_coordinate(p.lon, decimals),
                round_coordinate(p.lat, decimals),
            ]
        })
        .collect()
}

fn feature(id: String, geometry: GeometryValue, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: Some(Id::String(id)),
        properties: Some(properties),
        foreign_members: None,
    }
}

fn area_style(p: &mut JsonObject, colour: &str, fill_opacity: f64) {
    p.insert("stroke".into(), colour.into());
    p.insert("stroke-width".into(), 1.0.into());
    p.insert("stroke-opacity".into(), 1.0.into());
    p.insert("fill".into(), colour.into());
    p.insert("fill-opacity".into(), fill_opacity.into());
}

/// A radius in km as text without a needless `.0`: `100`, `2.5`.
fn km_text(km: f64) -> String {
    format!("{km}")
}

/// The ring of `radius_km` around a base, id `<base id>-<radius>km`.
pub fn ring_feature(base: &Place, radius_km: f64, decimals: u8) -> Result<Feature, ShapeError> {
    let ring = geodesic_circle(base.position, radius_km * 1000.0)?;
    let mut p = JsonObject::new();
    p.insert("base_id".into(), base.id.clone().into());
    p.insert("base_name".into(), base.name.clone().into());
    p.insert("radius_km".into(), radius_km.into());
    p.insert("label".into(), format!("{} km", km_text(radius_km)).into());
    area_style(&mut p, RINGS.colour, 0.0);
    Ok(feature(
        format!("{}-{}km", base.id, km_text(radius_km)),
        GeometryValue::new_polygon([positions(&ring, decimals)]),
        p,
    ))
}

/// What a link joins: a geocoded strike and a base, with the geodesic from
/// the strike to the base.
pub struct LinkEnds<'a> {
    /// The strike.
    pub strike: &'a Event,
    /// Where it was placed.
    pub found: &'a Resolved<'a>,
    /// The base.
    pub base: &'a Place,
    /// The geodesic from the strike to the base.
    pub geodesy: &'a Geodesy,
    /// Whether the base is the strike's nearest.
    pub nearest: bool,
}

/// The line from a strike to a base, id `<strike id>--<base id>`, labelled
/// with where the strike lies from the base ("194 km ESE of Al-Asad Air
/// Base"). A strike placed less precisely than a town is labelled with the
/// range its distance can lie in instead, not a figure it does not have.
pub fn link_feature(ends: &LinkEnds<'_>, decimals: u8) -> Result<Feature, ShapeError> {
    let LinkEnds {
        strike,
        found,
        base,
        geodesy: g,
        nearest,
    } = *ends;
    let line = geodesic_line(found.position, base.position)?;
    let (min_m, max_m) = distance_range_m(
        g.distance_m,
        f64::from(found.uncertainty_m),
        f64::from(base.uncertainty_m),
    );
    let from_base = inverse(base.position, found.position).bearing_deg;
    let precise = matches!(found.precision, Precision::Site | Precision::Town);
    let label = match from_base {
        _ if !precise => format!(
            "{}–{} km from {} ({} location)",
            (min_m / 1000.0).round(),
            (max_m / 1000.0).round(),
            base.name,
            found.precision.as_str()
        ),
        Some(b) => format!(
            "{} km {} of {}",
            g.distance_km().round(),
            compass16(b),
            base.name
        ),
        None => format!("at {}", base.name),
    };
    let mut p = JsonObject::new();
    p.insert("strike_id".into(), strike.id.clone().into());
    p.insert("strike_date".into(), strike.date.clone().into());
    p.insert("strike_precision".into(), found.precision.as_str().into());
    p.insert("base_id".into(), base.id.clone().into());
    p.insert("base_name".into(), base.name.clone().into());
    p.insert("nearest".into(), nearest.into());
    p.insert("distance_km".into(), round3(g.distance_km()).into());
    p.insert(
        "bearing_deg".into(),
        g.bearing_deg.map_or(JsonValue::Null, |b| round1(b).into()),
    );
    p.insert(
        "compass".into(),
        g.bearing_deg
            .map_or(JsonValue::Null, |b| compass16(b).into()),
    );
    p.insert("min_km".into(), round3(min_m / 1000.0).into());
    p.insert("max_km".into(), round3(max_m / 1000.0).into());
    p.insert("label".into(), label.into());
    p.insert("stroke".into(), LINKS.colour.into());
    p.insert("stroke-width".into(), 2.0.into());
    p.insert(
        "stroke-opacity".into(),
        if precise { 1.0 } else { 0.5 }.into(),
    );
    Ok(feature(
        format!("{}--{}", strike.id, base.id),
        GeometryValue::new_line_string(positions(&line, decimals)),
        p,
    ))
}

/// The uncertainty circle of an event placed less precisely than a site
/// (`None` for a site), id the event id, in the colour of its kind.
pub fn uncertainty_feature(
    event: &Event,
    found: &Resolved<'_>,
    decimals: u8,
    circles: &mut Circles,
) -> Option<Result<Feature, ShapeError>> {
    if found.precision == Precision::Site {
        return None;
    }
    let ring = match circles.ring(found.position, found.uncertainty_m, decimals) {
        Ok(ring) => ring,
        Err(e) => return Some(Err(e)),
    };
    let mut p = JsonObject::new();
    p.insert("event_id".into(), event.id.clone().into());
    p.insert("kind".into(), event.kind.as_str().into());
    p.insert("date".into(), event.date.clone().into());
    p.insert("place_name".into(), found.place.name.clone().into());
    p.insert("precision".into(), found.precision.as_str().into());
    p.insert("uncertainty_m".into(), found.uncertainty_m.into());
    p.insert(
        "label".into(),
        format!(
            "{}, {}: within {} km ({})",
            found.place.name,
            event.date,
            km_text((f64::from(found.uncertainty_m) / 1000.0).round().max(1.0)),
            found.precision.as_str()
        )
        .into(),
    );
    let colour = LayerStyle::for_event_kind(event.kind.as_str()).colour;
    area_style(&mut p, colour, AREA_FILL_OPACITY);
    Some(Ok(feature(
        event.id.clone(),
        GeometryValue::new_polygon([ring.iter().copied()]),
        p,
    )))
}

/// Uncertainty circles already drawn, by centre, radius and decimals.
/// Events placed alike ("near Ramadi", every town's events) share a
/// circle, and drawing one costs hundreds of geodesics: with the areas
/// layer on, a fifth of a build went to drawing the same circles again.
#[derive(Debug, Default)]
pub struct Circles {
    drawn: HashMap<CircleKey, Rc<[[f64; 2]]>>,
}

/// A circle's centre (latitude and longitude, as bits), radius in metres
/// and decimals.
type CircleKey = (u64, u64, u32, u8);

/// Circles kept at most: a few thousand distinct positions is what a large
/// file has; past that the cache starts again, so memory stays bounded.
const MAX_CIRCLES: usize = 4096;

impl Circles {
    /// The ring of the circle of `radius_m` around `centre`, its
    /// coordinates rounded to `decimals`.
    fn ring(
        &mut self,
        centre: LatLon,
        radius_m: u32,
        decimals: u8,
    ) -> Result<Rc<[[f64; 2]]>, ShapeError> {
        let key = (
            centre.lat.to_bits(),
            centre.lon.to_bits(),
            radius_m,
            decimals,
        );
        if let Some(ring) = self.drawn.get(&key) {
            return Ok(Rc::clone(ring));
        }
        let circle = geodesic_circle(centre, f64::from(radius_m))?;
        let ring: Rc<[[f64; 2]]> = positions(&circle, decimals).into();
        if self.drawn.len() >= MAX_CIRCLES {
            self.drawn.clear();
        }
        self.drawn.insert(key, Rc::clone(&ring));
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_circle_drawn_again_is_the_one_drawn_first() {
        let mut circles = Circles::default();
        let centre = LatLon {
            lat: 33.4167,
            lon: 43.3,
        };
        let first = circles.ring(centre, 25_000, 6).unwrap();
        let again = circles.ring(centre, 25_000, 6).unwrap();
        assert!(Rc::ptr_eq(&first, &again));
        let drawn = positions(&geodesic_circle(centre, 25_000.0).unwrap(), 6);
        assert_eq!(&*first, &drawn[..]);
        // Another radius or other decimals is another circle.
        let wider = circles.ring(centre, 50_000, 6).unwrap();
        assert!(!Rc::ptr_eq(&first, &wider));
        let coarser = circles.ring(centre, 25_000, 2).unwrap();
        assert_eq!(
            &*coarser,
            &positions(&geodesic_circle(centre, 25_000.0).unwrap(), 2)[..]
        );
    }

    #[test]
    fn the_circles_kept_are_bounded() {
        let mut circles = Circles::default();
        let centre = LatLon {
            lat: 33.0,
            lon: 43.0,
        };
        for radius in 1..=(MAX_CIRCLES as u32 + 10) {
            circles.ring(centre, 1000 + radius, 0).unwrap();
            assert!(circles.drawn.len() <= MAX_CIRCLES);
        }
        assert_eq!(circles.drawn.len(), 10);
    }
}
