//! Geodesic shapes for the analytic layers: circles (range rings,
//! uncertainty areas) and lines (strike-to-base links), as vertex lists a
//! map draws with straight edges in longitude/latitude.
//!
//! Both are computed on the WGS84 ellipsoid through [`crate::distance`], with
//! enough vertices that no straight edge strays more than
//! [`MAX_EDGE_ERROR_M`] from the true curve, so a 300 km ring drawn from the
//! file is the ring, not a polygon that cuts corners.

use crate::distance::{destination, inverse};
use crate::model::LatLon;

/// How far, at most, a straight edge between two vertices may lie from the
/// geodesic curve it stands for, in metres.
pub const MAX_EDGE_ERROR_M: f64 = 100.0;

/// Why a shape cannot be written as a simple RFC 7946 geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeError {
    /// The shape crosses the 180th meridian; RFC 7946 would have it split.
    CrossesAntimeridian,
    /// The circle contains a pole, so it is not a ring in longitude/latitude.
    ContainsPole,
}

impl ShapeError {
    /// A short reason for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ShapeError::CrossesAntimeridian => "crosses the 180th meridian",
            ShapeError::ContainsPole => "contains a pole",
        }
    }
}

/// A first guess at the vertices of a circle of `radius_m`: the sagitta of
/// a chord spanning angle θ on a circle of radius r is r(1 − cos θ/2) ≈
/// rθ²/8. Straight edges in longitude/latitude stray further than chords
/// (more so for wide circles and high latitudes), so the count is then
/// doubled until every edge's midpoint is measured within the budget.
fn circle_vertices(radius_m: f64) -> usize {
    let theta = (4.0 * MAX_EDGE_ERROR_M / radius_m.max(1.0)).sqrt();
    let n = (std::f64::consts::TAU / theta).ceil();
    (n as usize).clamp(32, MAX_VERTICES)
}

/// The most vertices a shape gets: past this the budget is not met, which
/// only circles of thousands of kilometres near a pole come to.
const MAX_VERTICES: usize = 16_384;

/// The midpoint of a straight edge in longitude/latitude.
fn midpoint(a: LatLon, b: LatLon) -> LatLon {
    LatLon {
        lat: (a.lat + b.lat) / 2.0,
        lon: (a.lon + b.lon) / 2.0,
    }
}

fn check_antimeridian(points: &[LatLon]) -> Result<(), ShapeError> {
    if points
        .windows(2)
        .any(|w| (w[1].lon - w[0].lon).abs() > 180.0)
    {
        Err(ShapeError::CrossesAntimeridian)
    } else {
        Ok(())
    }
}

/// A closed ring around `center` at geodesic distance `radius_m`, counter-
/// clockwise in longitude/latitude (RFC 7946's exterior winding), first
/// vertex due north and repeated at the end.
pub fn geodesic_circle(center: LatLon, radius_m: f64) -> Result<Vec<LatLon>, ShapeError> {
    let to_pole = inverse(
        center,
        LatLon {
            lat: if center.lat >= 0.0 { 90.0 } else { -90.0 },
            lon: center.lon,
        },
    )
    .distance_m;
    if radius_m >= to_pole {
        return Err(ShapeError::ContainsPole);
    }
    let mut n = circle_vertices(radius_m);
    loop {
        // Azimuth grows clockwise, so walking it downwards goes
        // counter-clockwise.
        let mut ring: Vec<LatLon> = (0..n)
            .map(|i| {
                let azimuth = (360.0 - 360.0 * i as f64 / n as f64) % 360.0;
                destination(center, azimuth, radius_m)
            })
            .collect();
        ring.push(ring[0]);
        check_antimeridian(&ring)?;
        let worst = ring
            .windows(2)
            .map(|w| (inverse(center, midpoint(w[0], w[1])).distance_m - radius_m).abs())
            .fold(0.0, f64::max);
        if worst < MAX_EDGE_ERROR_M || n >= MAX_VERTICES {
            return Ok(ring);
        }
        n *= 2;
    }
}

/// The geodesic from `from` to `to` as a polyline, densified so that each
/// straight edge stays within [`MAX_EDGE_ERROR_M`] of the geodesic.
pub fn geodesic_line(from: LatLon, to: LatLon) -> Result<Vec<LatLon>, ShapeError> {
    let g = inverse(from, to);
    let Some(bearing) = g.bearing_deg else {
        return Ok(vec![from, to]);
    };
    // Start at a vertex every 20 km (a few metres off the geodesic at
    // mid-latitudes) and double until every edge's midpoint is within the
    // budget of the geodesic's own midpoint.
    const STEP_M: f64 = 20_000.0;
    let mut n = ((g.distance_m / STEP_M).ceil() as usize).max(1);
    loop {
        let at = |i: usize| destination(from, bearing, g.distance_m * i as f64 / n as f64);
        let mut line: Vec<LatLon> = (0..n).map(at).collect();
        line.push(to);
        check_antimeridian(&line)?;
        let step = g.distance_m / n as f64;
        let worst = line
            .windows(2)
            .map(|w| {
                let true_mid = destination(
                    w[0],
                    inverse(w[0], w[1]).bearing_deg.unwrap_or(0.0),
                    step / 2.0,
                );
                inverse(midpoint(w[0], w[1]), true_mid).distance_m
            })
            .fold(0.0, f64::max);
        if worst < MAX_EDGE_ERROR_M || n >= MAX_VERTICES {
            return Ok(line);
        }
        n *= 2;
    }
}

/// Twice the signed area of a ring in the plane of longitude/latitude:
/// positive when counter-clockwise.
pub fn signed_area2(ring: &[LatLon]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].lon * w[1].lat - w[1].lon * w[0].lat)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asad() -> LatLon {
        LatLon::new(33.7856, 42.4412).unwrap()
    }

    /// The largest gap between a straight edge's midpoint (in lon/lat) and
    /// the circle, metres.
    fn worst_edge_error(center: LatLon, radius_m: f64, ring: &[LatLon]) -> f64 {
        ring.windows(2)
            .map(|w| {
                let mid = LatLon {
                    lat: (w[0].lat + w[1].lat) / 2.0,
                    lon: (w[0].lon + w[1].lon) / 2.0,
                };
                (inverse(center, mid).distance_m - radius_m).abs()
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn circles_stay_within_the_edge_error_and_wind_counter_clockwise() {
        for radius_km in [1.0, 50.0, 100.0, 300.0, 1000.0] {
            let r = radius_km * 1000.0;
            let ring = geodesic_circle(asad(), r).unwrap();
            assert_eq!(ring.first(), ring.last());
            for p in &ring {
                approx::assert_abs_diff_eq!(inverse(asad(), *p).distance_m, r, epsilon = 1e-6);
            }
            let worst = worst_edge_error(asad(), r, &ring);
            assert!(worst < MAX_EDGE_ERROR_M, "{radius_km} km: {worst} m");
            assert!(
                signed_area2(&ring) > 0.0,
                "{radius_km} km: counter-clockwise"
            );
        }
    }

    #[test]
    fn wide_and_high_latitude_circles_also_keep_the_error() {
        for (lat, lon, km) in [
            (70.0, 20.0, 500.0),
            (60.0, 20.0, 3000.0),
            (75.0, 10.0, 1000.0),
            (33.8, 42.4, 5000.0),
        ] {
            let centre = LatLon::new(lat, lon).unwrap();
            let ring = geodesic_circle(centre, km * 1000.0).unwrap();
            let worst = worst_edge_error(centre, km * 1000.0, &ring);
            assert!(worst < MAX_EDGE_ERROR_M, "{lat}°, {km} km: {worst} m");
        }
    }

    #[test]
    fn shapes_that_rfc7946_cannot_hold_are_refused() {
        let fiji = LatLon::new(-17.7, 179.9).unwrap();
        assert_eq!(
            geodesic_circle(fiji, 50_000.0),
            Err(ShapeError::CrossesAntimeridian)
        );
        let svalbard = LatLon::new(85.0, 10.0).unwrap();
        assert_eq!(
            geodesic_circle(svalbard, 600_000.0),
            Err(ShapeError::ContainsPole)
        );
        let east = LatLon::new(0.0, 179.0).unwrap();
        let west = LatLon::new(0.0, -179.0).unwrap();
        assert_eq!(
            geodesic_line(east, west),
            Err(ShapeError::CrossesAntimeridian)
        );
    }

    #[test]
    fn lines_follow_the_geodesic() {
        let jurf = LatLon::new(32.8667, 44.2139).unwrap();
        let line = geodesic_line(jurf, asad()).unwrap();
        assert_eq!(line.first(), Some(&jurf));
        assert_eq!(line.last(), Some(&asad()));
        let total = inverse(jurf, asad()).distance_m;
        assert!(line.len() >= 11, "about 194 km in 20 km steps");
        for w in line.windows(2) {
            let mid = LatLon {
                lat: (w[0].lat + w[1].lat) / 2.0,
                lon: (w[0].lon + w[1].lon) / 2.0,
            };
            // On the geodesic, the two parts add up to the whole.
            let detour = inverse(jurf, mid).distance_m + inverse(mid, asad()).distance_m - total;
            assert!(detour < 1.0, "{detour} m");
        }
        assert_eq!(geodesic_line(jurf, jurf).unwrap(), [jurf, jurf]);
    }
}
