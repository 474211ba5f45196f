//! The geodesy adapter: every distance, bearing and projected point in
//! geoevents comes from here.
//!
//! Distances are geodesics on the WGS84 ellipsoid computed with Karney's
//! method (geo's [`Geodesic`], which wraps geographiclib-rs), accurate to
//! about 15 nm. A haversine on a sphere errs by up to 0.5 %, about 1 km on a
//! 200 km strike-to-base distance: more than the point precision we claim.
//!
//! # Units
//! Positions are [`LatLon`] in decimal degrees; distances are metres unless a
//! name says `_km` or `_nmi`; bearings are degrees clockwise from true north
//! in [0, 360).

use std::sync::LazyLock;

use geo::{Destination, Geodesic, Point};
use geographiclib_rs::InverseGeodesic;

use crate::model::LatLon;

/// Metres in one international nautical mile.
pub const METRES_PER_NMI: f64 = 1852.0;

/// The result of the inverse geodesic problem between two positions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geodesy {
    /// Length of the geodesic, metres.
    pub distance_m: f64,
    /// Initial bearing at the start, degrees in [0, 360); `None` when the two
    /// positions coincide and no direction exists.
    pub bearing_deg: Option<f64>,
}

impl Geodesy {
    /// Distance in kilometres.
    pub fn distance_km(&self) -> f64 {
        self.distance_m / 1000.0
    }

    /// Distance in nautical miles.
    pub fn distance_nmi(&self) -> f64 {
        self.distance_m / METRES_PER_NMI
    }
}

fn point(p: LatLon) -> Point<f64> {
    Point::new(p.lon, p.lat)
}

/// Solves the inverse problem: distance and initial bearing from `from` to `to`.
///
/// ```
/// use geoevents::distance::inverse;
/// use geoevents::model::LatLon;
/// let asad = LatLon::new(33.7856, 42.4412).unwrap();
/// let g = inverse(asad, asad);
/// assert_eq!(g.distance_m, 0.0);
/// assert_eq!(g.bearing_deg, None);
/// ```
pub fn inverse(from: LatLon, to: LatLon) -> Geodesy {
    // One solve for both: geo's `Distance` and `Bearing` each solve the
    // whole problem, and a build measures tens of thousands of pairs. The
    // figures are bit for bit geo's (`one_solve_gives_geos_figures`).
    let (distance_m, azi1, _, _): (f64, f64, f64, f64) =
        WGS84.inverse(from.lat, from.lon, to.lat, to.lon);
    let bearing_deg = (distance_m > 0.0).then(|| {
        let bearing = (azi1 + 360.0) % 360.0;
        // A bearing a hair west of north rounds to 360.0.
        if bearing >= 360.0 {
            0.0
        } else {
            bearing
        }
    });
    Geodesy {
        distance_m,
        bearing_deg,
    }
}

/// The WGS84 ellipsoid's solver, set up once (its series coefficients).
static WGS84: LazyLock<geographiclib_rs::Geodesic> =
    LazyLock::new(geographiclib_rs::Geodesic::wgs84);

/// Solves the direct problem: the position `distance_m` metres from `from`
/// along the geodesic that starts on `bearing_deg`.
pub fn destination(from: LatLon, bearing_deg: f64, distance_m: f64) -> LatLon {
    let p = Geodesic.destination(point(from), bearing_deg, distance_m);
    LatLon {
        lat: p.y(),
        lon: p.x(),
    }
}

/// The 16 compass points, clockwise from north.
pub const COMPASS_POINTS: [&str; 16] = [
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW",
    "NNW",
];

/// The 16-point compass word for a bearing: each point covers 22.5°,
/// centred on its direction (N is 348.75°–11.25°).
///
/// ```
/// use geoevents::distance::compass16;
/// assert_eq!(compass16(0.0), "N");
/// assert_eq!(compass16(292.5), "WNW");
/// assert_eq!(compass16(359.0), "N");
/// ```
pub fn compass16(bearing_deg: f64) -> &'static str {
    let sector = ((bearing_deg.rem_euclid(360.0) + 11.25) / 22.5).floor() as usize % 16;
    COMPASS_POINTS[sector]
}

/// The range a true distance can lie in when each end is only known to
/// within a radius: the geodesic distance is a metric, so by the triangle
/// inequality the truth is within `distance ± (a + b)`, and not below zero.
pub fn distance_range_m(distance_m: f64, uncertainty_a_m: f64, uncertainty_b_m: f64) -> (f64, f64) {
    let slack = uncertainty_a_m + uncertainty_b_m;
    ((distance_m - slack).max(0.0), distance_m + slack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn at(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    /// A fixed sequence in [0, 1) (xorshift), the same every run.
    fn uniform(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn cardinal_bearings() {
        let origin = at(33.0, 43.0);
        let north = inverse(origin, at(34.0, 43.0)).bearing_deg.unwrap();
        let south = inverse(origin, at(32.0, 43.0)).bearing_deg.unwrap();
        assert_relative_eq!(north, 0.0, epsilon = 1e-9);
        assert_relative_eq!(south, 180.0, epsilon = 1e-9);
        let east = inverse(at(0.0, 43.0), at(0.0, 44.0)).bearing_deg.unwrap();
        let west = inverse(at(0.0, 43.0), at(0.0, 42.0)).bearing_deg.unwrap();
        assert_relative_eq!(east, 90.0, epsilon = 1e-9);
        assert_relative_eq!(west, 270.0, epsilon = 1e-9);
    }

    #[test]
    fn distance_is_symmetric_and_non_negative_on_a_seeded_sample() {
        let mut next = uniform(0x5eed_0002);
        for _ in 0..500 {
            let a = at(29.0 + 8.0 * next(), 38.0 + 11.0 * next());
            let b = at(29.0 + 8.0 * next(), 38.0 + 11.0 * next());
            let ab = inverse(a, b).distance_m;
            let ba = inverse(b, a).distance_m;
            assert!(ab >= 0.0);
            assert_relative_eq!(ab, ba, epsilon = 1e-6);
        }
    }

    #[test]
    fn destination_inverts_inverse() {
        let a = at(33.7856, 42.4412);
        let b = at(32.8667, 44.2139);
        let g = inverse(a, b);
        let back = destination(a, g.bearing_deg.unwrap(), g.distance_m);
        assert_relative_eq!(back.lat, b.lat, epsilon = 1e-9);
        assert_relative_eq!(back.lon, b.lon, epsilon = 1e-9);
    }

    #[test]
    fn compass_boundaries() {
        assert_eq!(compass16(11.24), "N");
        assert_eq!(compass16(11.25), "NNE");
        assert_eq!(compass16(90.0), "E");
        assert_eq!(compass16(180.0), "S");
        assert_eq!(compass16(270.0), "W");
        assert_eq!(compass16(348.75), "N");
        assert_eq!(compass16(-90.0), "W");
    }

    #[test]
    fn range_never_goes_below_zero() {
        assert_eq!(distance_range_m(1000.0, 800.0, 700.0), (0.0, 2500.0));
        assert_eq!(
            distance_range_m(10_000.0, 1000.0, 500.0),
            (8500.0, 11_500.0)
        );
    }

    #[test]
    fn one_solve_gives_geos_figures() {
        use geo::{Bearing, Distance};
        let mut next = uniform(0x5eed_0003);
        let mut pairs: Vec<(LatLon, LatLon)> = (0..20_000)
            .map(|_| {
                let mut p = || at(next() * 180.0 - 90.0, next() * 360.0 - 180.0);
                (p(), p())
            })
            .collect();
        // Near one another, antipodal, on the equator, at the poles, equal.
        let asad = at(33.7856, 42.4412);
        pairs.extend([
            (asad, asad),
            (asad, at(33.7857, 42.4412)),
            (asad, at(-33.7856, -137.5588)),
            (at(0.0, 10.0), at(0.0, 170.0)),
            (at(90.0, 0.0), at(-90.0, 0.0)),
            (at(89.9, 0.0), at(89.9, 180.0)),
        ]);
        for (from, to) in pairs {
            let (a, b) = (point(from), point(to));
            let g = inverse(from, to);
            assert_eq!(g.distance_m.to_bits(), Geodesic.distance(a, b).to_bits());
            if let Some(bearing) = g.bearing_deg {
                let geos = Geodesic.bearing(a, b);
                let geos = if geos >= 360.0 { 0.0 } else { geos };
                assert_eq!(bearing.to_bits(), geos.to_bits(), "{from:?} → {to:?}");
            }
        }
    }
}
