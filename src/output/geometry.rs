//! The geometries layers hold (points, geodesic lines, geodesic circles) and
//! their encodings shared by the writers: extent, WKT, WKB.

use geojson::{Feature, GeometryValue, JsonValue, Position};

/// The geometry type of a layer: every feature of a layer has the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeometryKind {
    /// Events and bases.
    Point,
    /// Strike-to-base links.
    LineString,
    /// Range rings and uncertainty areas (one exterior ring).
    Polygon,
}

impl GeometryKind {
    /// The name GeoPackage and WKT use.
    pub fn name(self) -> &'static str {
        match self {
            GeometryKind::Point => "POINT",
            GeometryKind::LineString => "LINESTRING",
            GeometryKind::Polygon => "POLYGON",
        }
    }
}

/// The parts of a feature's geometry as rings or lines of `[lon, lat]`: one
/// part of one position for a point, one for a line, the rings of a polygon.
pub fn parts(feature: &Feature) -> Option<(GeometryKind, Vec<Vec<[f64; 2]>>)> {
    let pos = |p: &Position| {
        let s = p.as_slice();
        [s[0], s[1]]
    };
    let line = |l: &Vec<Position>| l.iter().map(pos).collect::<Vec<_>>();
    match &feature.geometry.as_ref()?.value {
        GeometryValue::Point { coordinates } => {
            Some((GeometryKind::Point, vec![vec![pos(coordinates)]]))
        }
        GeometryValue::LineString { coordinates } => {
            Some((GeometryKind::LineString, vec![line(coordinates)]))
        }
        GeometryValue::Polygon { coordinates } => Some((
            GeometryKind::Polygon,
            coordinates.iter().map(line).collect(),
        )),
        _ => None,
    }
}

/// `[min lon, min lat, max lon, max lat]` of a feature's geometry.
pub fn bbox(feature: &Feature) -> Option<[f64; 4]> {
    let (_, parts) = parts(feature)?;
    grow_bbox(None, parts.iter().flatten().copied())
}

/// A bbox grown by `points`.
pub fn grow_bbox(
    start: Option<[f64; 4]>,
    points: impl IntoIterator<Item = [f64; 2]>,
) -> Option<[f64; 4]> {
    points.into_iter().fold(start, |b, [x, y]| {
        Some(match b {
            None => [x, y, x, y],
            Some([a, b, c, d]) => [a.min(x), b.min(y), c.max(x), d.max(y)],
        })
    })
}

/// Joins two optional bboxes.
pub fn union(a: Option<[f64; 4]>, b: Option<[f64; 4]>) -> Option<[f64; 4]> {
    match b {
        None => a,
        Some([x0, y0, x1, y1]) => grow_bbox(a, [[x0, y0], [x1, y1]]),
    }
}

/// A coordinate as JSON writes it (shortest round-trip form), so every
/// format shows the same digits.
pub fn number(x: f64) -> String {
    JsonValue::from(x).to_string()
}

/// The geometry as WKT: `POINT (x y)`, `LINESTRING (x y, …)`,
/// `POLYGON ((x y, …))`.
pub fn wkt(feature: &Feature) -> Option<String> {
    let (kind, parts) = parts(feature)?;
    let seq = |part: &Vec<[f64; 2]>| {
        part.iter()
            .map(|[x, y]| format!("{} {}", number(*x), number(*y)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = match kind {
        GeometryKind::Point | GeometryKind::LineString => format!("({})", seq(&parts[0])),
        GeometryKind::Polygon => {
            let rings: Vec<String> = parts.iter().map(|r| format!("({})", seq(r))).collect();
            format!("({})", rings.join(", "))
        }
    };
    Some(format!("{} {body}", kind.name()))
}

/// The geometry as little-endian 2D WKB.
pub fn wkb(kind: GeometryKind, parts: &[Vec<[f64; 2]>]) -> Vec<u8> {
    let mut b = vec![1u8];
    let xy = |b: &mut Vec<u8>, [x, y]: [f64; 2]| {
        b.extend_from_slice(&x.to_le_bytes());
        b.extend_from_slice(&y.to_le_bytes());
    };
    let count = |b: &mut Vec<u8>, n: usize| b.extend_from_slice(&(n as u32).to_le_bytes());
    match kind {
        GeometryKind::Point => {
            b.extend_from_slice(&1u32.to_le_bytes());
            xy(&mut b, parts[0][0]);
        }
        GeometryKind::LineString => {
            b.extend_from_slice(&2u32.to_le_bytes());
            count(&mut b, parts[0].len());
            parts[0].iter().for_each(|p| xy(&mut b, *p));
        }
        GeometryKind::Polygon => {
            b.extend_from_slice(&3u32.to_le_bytes());
            count(&mut b, parts.len());
            for ring in parts {
                count(&mut b, ring.len());
                ring.iter().for_each(|p| xy(&mut b, *p));
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use geojson::Geometry;

    fn feature(g: GeometryValue) -> Feature {
        Feature {
            bbox: None,
            geometry: Some(Geometry::new(g)),
            id: None,
            properties: None,
            foreign_members: None,
        }
    }

    #[test]
    fn wkt_and_bbox_for_every_kind() {
        let line = feature(GeometryValue::new_line_string(vec![
            [1.5, 2.0],
            [3.0, -4.25],
        ]));
        assert_eq!(wkt(&line).unwrap(), "LINESTRING (1.5 2.0, 3.0 -4.25)");
        assert_eq!(bbox(&line), Some([1.5, -4.25, 3.0, 2.0]));
        let poly = feature(GeometryValue::new_polygon(vec![vec![
            [0.0, 0.0],
            [1.0, 0.0],
            [0.0, 1.0],
            [0.0, 0.0],
        ]]));
        assert_eq!(
            wkt(&poly).unwrap(),
            "POLYGON ((0.0 0.0, 1.0 0.0, 0.0 1.0, 0.0 0.0))"
        );
        let point = feature(GeometryValue::new_point([44.2, 32.9]));
        assert_eq!(wkt(&point).unwrap(), "POINT (44.2 32.9)");
    }

    #[test]
    fn wkb_polygon_layout() {
        let ring = vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]];
        let b = wkb(GeometryKind::Polygon, &[ring]);
        assert_eq!(&b[..13], &[1, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0]);
        assert_eq!(b.len(), 13 + 4 * 16);
    }
}
