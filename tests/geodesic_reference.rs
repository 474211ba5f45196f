//! Distances and bearings checked against GeographicLib.
//!
//! Reference values were computed with GeographicLib for Python 2.1
//! (`Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)`, fields `s12` and
//! `azi1`), the reference implementation of Karney (2013), on the
//! coordinates written here (not read from places.csv, so a change to the
//! table cannot move the reference).

use approx::assert_relative_eq;
use geoevents::distance::{compass16, inverse};
use geoevents::model::LatLon;

fn at(lat: f64, lon: f64) -> LatLon {
    LatLon::new(lat, lon).unwrap()
}

/// (lat, lon) in degrees.
type Position = (f64, f64);

/// (from, to, s12 metres, azi1 degrees in [0, 360))
const CASES: &[(Position, Position, f64, f64)] = &[
    // Jurf al-Sakhar → Al-Asad Air Base
    (
        (32.8667, 44.2139),
        (33.7856, 42.4412),
        193976.87483659465,
        302.17892839260765,
    ),
    // Al-Asad Air Base → Jurf al-Sakhar (same length, other azimuth)
    (
        (33.7856, 42.4412),
        (32.8667, 44.2139),
        193976.87483659465,
        121.2049136100696,
    ),
    // Al-Qa'im → Al-Asad Air Base
    (
        (34.3925, 40.9895),
        (33.7856, 42.4412),
        149935.05614308963,
        116.27045495017697,
    ),
    // Tower 22 → Al-Tanf (press: "about 20–22 km")
    (
        (33.3142, 38.7033),
        (33.5058, 38.6178),
        22690.164811581042,
        339.50512676313997,
    ),
    // Baghdad → Erbil Air Base
    (
        (33.3406, 44.4009),
        (36.2376, 43.9632),
        323869.5914027088,
        353.01912100637577,
    ),
];

#[test]
fn distances_match_geographiclib() {
    for &((lat1, lon1), (lat2, lon2), s12, _) in CASES {
        let g = inverse(at(lat1, lon1), at(lat2, lon2));
        // Karney's algorithm is accurate to nanometres; allow a millimetre.
        assert_relative_eq!(g.distance_m, s12, epsilon = 1e-3);
    }
}

#[test]
fn bearings_match_geographiclib() {
    for &((lat1, lon1), (lat2, lon2), _, azi1) in CASES {
        let g = inverse(at(lat1, lon1), at(lat2, lon2));
        assert_relative_eq!(g.bearing_deg.unwrap(), azi1, epsilon = 1e-9);
    }
}

#[test]
fn jurf_al_sakhar_to_al_asad_reads_as_an_analyst_would_say_it() {
    let g = inverse(at(32.8667, 44.2139), at(33.7856, 42.4412));
    assert_eq!(format!("{:.1} km", g.distance_km()), "194.0 km");
    assert_eq!(compass16(g.bearing_deg.unwrap()), "WNW");
    assert_relative_eq!(
        g.distance_nmi(),
        193976.87483659465 / 1852.0,
        epsilon = 1e-9
    );
}

#[test]
fn published_new_york_to_london() {
    // geo's own documentation gives 5,585,234 m (rounded) for these points.
    let g = inverse(at(40.7128, -74.006), at(51.5074, -0.1278));
    assert_eq!(g.distance_m.round(), 5_585_234.0);
}

#[test]
fn zero_distance_has_no_bearing() {
    let p = at(33.7856, 42.4412);
    let g = inverse(p, p);
    assert_eq!(g.distance_m, 0.0);
    assert_eq!(g.bearing_deg, None);
}
