//! The map projection and the frame that puts it on the page.
//!
//! A Lambert conformal conic on the sphere, with standard parallels at a
//! sixth of the way in from the extent's southern and northern edges and
//! the central meridian through its middle: the usual choice for a region
//! wider than it is tall in the mid-latitudes (it is what national atlases
//! of the Middle East use). Shapes stay true (conformal) and the scale error
//! over a few hundred kilometres is a fraction of a percent. A locator map
//! needs no ellipsoid: every measured figure comes from the geodesy module.

use std::f64::consts::FRAC_PI_4;

/// Mean Earth radius, metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Lambert conformal conic on the sphere.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lcc {
    n: f64,
    f: f64,
    rho0: f64,
    lon0: f64,
}

fn t(lat: f64) -> f64 {
    (FRAC_PI_4 + lat / 2.0).tan()
}

impl Lcc {
    /// A conic for an extent from `min_lat` to `max_lat`, centred on
    /// `lon0` (degrees).
    pub fn for_extent(min_lat: f64, max_lat: f64, lon0: f64) -> Self {
        let span = (max_lat - min_lat).max(0.5);
        let mid = (min_lat + max_lat) / 2.0;
        let (p1, p2) = (
            (mid - span / 3.0).to_radians(),
            (mid + span / 3.0).to_radians(),
        );
        let n = if (p1 - p2).abs() < 1e-9 {
            p1.sin()
        } else {
            (p1.cos() / p2.cos()).ln() / (t(p2) / t(p1)).ln()
        };
        // Near the equator the cone flattens into a cylinder; keep n away
        // from zero so the formulas stay finite (the map is then close to
        // Mercator, which is right there).
        let n = if n.abs() < 1e-6 {
            1e-6_f64.copysign(n)
        } else {
            n
        };
        let f = p1.cos() * t(p1).powf(n) / n;
        let rho0 = EARTH_RADIUS_M * f / t(mid.to_radians()).powf(n);
        Lcc {
            n,
            f,
            rho0,
            lon0: lon0.to_radians(),
        }
    }

    /// Projected metres (x east, y north) of a longitude/latitude.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let lat = lat.clamp(-89.9, 89.9).to_radians();
        let rho = EARTH_RADIUS_M * self.f / t(lat).powf(self.n);
        let theta = self.n * wrap(lon.to_radians() - self.lon0);
        (rho * theta.sin(), self.rho0 - rho * theta.cos())
    }

    /// The longitude/latitude of projected metres.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        let dy = self.rho0 - y;
        let rho = (x * x + dy * dy).sqrt().copysign(self.n);
        let theta = (x * self.n.signum()).atan2(dy * self.n.signum());
        let lat = 2.0 * (EARTH_RADIUS_M * self.f / rho).powf(1.0 / self.n).atan()
            - std::f64::consts::FRAC_PI_2;
        let lon = self.lon0 + theta / self.n;
        (lon.to_degrees(), lat.to_degrees())
    }
}

/// An angle in radians wrapped to (−π, π].
fn wrap(a: f64) -> f64 {
    let tau = std::f64::consts::TAU;
    let r = a.rem_euclid(tau);
    if r > std::f64::consts::PI {
        r - tau
    } else {
        r
    }
}

/// Points along the outline of the rectangle from `(x0, y0)` to `(x1, y1)`,
/// 33 to a side, for shapes whose edges bend when projected.
fn outline(x0: f64, y0: f64, x1: f64, y1: f64) -> impl Iterator<Item = (f64, f64)> {
    (0..=32).flat_map(move |i| {
        let s = f64::from(i) / 32.0;
        [
            (x0 + s * (x1 - x0), y0),
            (x0 + s * (x1 - x0), y1),
            (x0, y0 + s * (y1 - y0)),
            (x1, y0 + s * (y1 - y0)),
        ]
    })
}

/// `[min x, min y, max x, max y]` of points.
fn bbox_of(points: impl Iterator<Item = (f64, f64)>) -> [f64; 4] {
    points.fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, (x, y)| [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
    )
}

/// A rectangle of the page, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether two rectangles overlap (touching edges do not count).
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// Whether `o` lies wholly inside.
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }

    /// The rectangle grown by `m` on every side.
    pub fn grow(&self, m: f64) -> Rect {
        Rect {
            x: self.x - m,
            y: self.y - m,
            w: self.w + 2.0 * m,
            h: self.h + 2.0 * m,
        }
    }
}

/// A projection fitted into a rectangle of the page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// The projection.
    pub proj: Lcc,
    /// Where on the page the map is drawn.
    pub area: Rect,
    scale: f64,
    cx: f64,
    cy: f64,
}

impl Frame {
    /// Fits `[min lon, min lat, max lon, max lat]` into `area`, keeping the
    /// projection's aspect and centring the extent.
    pub fn fit(bbox: [f64; 4], area: Rect) -> Self {
        let [x0, y0, x1, y1] = bbox;
        let proj = Lcc::for_extent(y0, y1, (x0 + x1) / 2.0);
        // Parallels are arcs: sample the whole outline, not only corners.
        let b = bbox_of(outline(x0, y0, x1, y1).map(|(lon, lat)| proj.project(lon, lat)));
        let scale = (area.w / (b[2] - b[0])).min(area.h / (b[3] - b[1]));
        Frame {
            proj,
            area,
            scale,
            cx: (b[0] + b[2]) / 2.0,
            cy: (b[1] + b[3]) / 2.0,
        }
    }

    /// The page position of a longitude/latitude.
    pub fn to_px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.proj.project(lon, lat);
        (
            self.area.x + self.area.w / 2.0 + (x - self.cx) * self.scale,
            self.area.y + self.area.h / 2.0 - (y - self.cy) * self.scale,
        )
    }

    /// The longitude/latitude at a page position.
    pub fn from_px(&self, px: f64, py: f64) -> (f64, f64) {
        let x = (px - self.area.x - self.area.w / 2.0) / self.scale + self.cx;
        let y = -(py - self.area.y - self.area.h / 2.0) / self.scale + self.cy;
        self.proj.unproject(x, y)
    }

    /// The longitude/latitude extent the frame shows, from its outline.
    pub fn extent(&self) -> [f64; 4] {
        let a = self.area;
        bbox_of(outline(a.x, a.y, a.x + a.w, a.y + a.h).map(|(px, py)| self.from_px(px, py)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn projection_round_trips() {
        let p = Lcc::for_extent(31.0, 37.0, 42.0);
        for (lon, lat) in [(42.4412, 33.7856), (38.6, 33.5), (44.2, 32.9), (47.0, 36.9)] {
            let (x, y) = p.project(lon, lat);
            let (lon2, lat2) = p.unproject(x, y);
            assert_abs_diff_eq!(lon, lon2, epsilon = 1e-9);
            assert_abs_diff_eq!(lat, lat2, epsilon = 1e-9);
        }
    }

    #[test]
    fn the_central_meridian_is_vertical_and_north_is_up() {
        let p = Lcc::for_extent(31.0, 37.0, 42.0);
        let (x1, y1) = p.project(42.0, 32.0);
        let (x2, y2) = p.project(42.0, 36.0);
        assert_abs_diff_eq!(x1, 0.0, epsilon = 1e-6);
        assert_abs_diff_eq!(x2, 0.0, epsilon = 1e-6);
        assert!(y2 > y1);
    }

    #[test]
    fn scale_is_true_on_the_standard_parallels() {
        // One degree of longitude along a standard parallel is R·cos φ·π/180.
        let p = Lcc::for_extent(30.0, 36.0, 42.0);
        let phi: f64 = 31.0;
        let (xa, ya) = p.project(41.5, phi);
        let (xb, yb) = p.project(42.5, phi);
        let chord = ((xb - xa).powi(2) + (yb - ya).powi(2)).sqrt();
        let expected = EARTH_RADIUS_M * phi.to_radians().cos() * 1f64.to_radians();
        assert!(
            (chord / expected - 1.0).abs() < 1e-4,
            "{chord} vs {expected}"
        );
    }

    #[test]
    fn a_frame_puts_its_extent_inside_its_area() {
        let area = Rect {
            x: 10.0,
            y: 20.0,
            w: 800.0,
            h: 600.0,
        };
        let f = Frame::fit([40.0, 32.0, 45.0, 35.0], area);
        for (lon, lat) in [(40.0, 32.0), (45.0, 35.0), (40.0, 35.0), (45.0, 32.0)] {
            let (x, y) = f.to_px(lon, lat);
            assert!(x >= area.x - 1e-6 && x <= area.x + area.w + 1e-6, "{x}");
            assert!(y >= area.y - 1e-6 && y <= area.y + area.h + 1e-6, "{y}");
        }
        let (x, y) = f.to_px(42.5, 33.5);
        let (lon, lat) = f.from_px(x, y);
        assert_abs_diff_eq!(lon, 42.5, epsilon = 1e-9);
        assert_abs_diff_eq!(lat, 33.5, epsilon = 1e-9);
    }
}
