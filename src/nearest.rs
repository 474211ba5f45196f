//! The nearest base to a position.
//!
//! With the bundled table's dozen bases, measuring the geodesic to each is
//! cheapest. A table extended from GeoNames can hold thousands of bases, and
//! then an R-tree (`rstar`, which `geo` builds on) finds the nearest without
//! measuring them all. The tree holds each base's Earth-centred (ECEF)
//! position on the WGS84 ellipsoid: the straight chord between two points
//! is never longer than the geodesic between them, so visiting bases in
//! order of chord length and stopping once the chord exceeds the shortest
//! geodesic found finds the true geodesic nearest, not an approximation.

use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::distance::{inverse, Geodesy};
use crate::model::{LatLon, Place};

/// From this many bases on, the nearest is found through the R-tree.
pub const TREE_FROM: usize = 32;

/// WGS84 semi-major axis (m) and first eccentricity squared.
const A: f64 = 6_378_137.0;
const E2: f64 = 6.694_379_990_141_316e-3;

/// Some slack (1 mm) for rounding in the chord, so a base whose chord
/// equals the best geodesic is still measured.
const SLACK_M: f64 = 1e-3;

type Entry = GeomWithData<[f64; 3], usize>;

/// The bases, sorted by id, and a spatial index over them when there are
/// many.
pub struct BaseIndex<'a> {
    bases: Vec<&'a Place>,
    tree: Option<RTree<Entry>>,
}

impl<'a> BaseIndex<'a> {
    /// Indexes `bases`, whose order decides ties (the first wins).
    pub fn new(bases: Vec<&'a Place>) -> Self {
        let tree = (bases.len() >= TREE_FROM).then(|| {
            let entries = bases
                .iter()
                .enumerate()
                .map(|(i, b)| Entry::new(ecef(b.position), i))
                .collect();
            RTree::bulk_load(entries)
        });
        BaseIndex { bases, tree }
    }

    /// The bases, in the order given.
    pub fn bases(&self) -> &[&'a Place] {
        &self.bases
    }

    /// The nearest base (its index in [`BaseIndex::bases`]) and the geodesic
    /// to it; ties go to the first base.
    pub fn nearest(&self, position: LatLon) -> Option<(usize, Geodesy)> {
        let Some(tree) = &self.tree else {
            return self.nearest_by_measuring_all(position);
        };
        let mut best: Option<(usize, Geodesy)> = None;
        for (entry, chord2) in tree.nearest_neighbor_iter_with_distance_2(&ecef(position)) {
            if let Some((_, g)) = &best {
                if chord2.sqrt() > g.distance_m + SLACK_M {
                    break;
                }
            }
            let i = entry.data;
            let g = inverse(position, self.bases[i].position);
            if is_better((i, &g), best.as_ref().map(|(j, h)| (*j, h))) {
                best = Some((i, g));
            }
        }
        best
    }

    /// The nearest base by measuring the geodesic to every one.
    pub fn nearest_by_measuring_all(&self, position: LatLon) -> Option<(usize, Geodesy)> {
        nearest_of(self.bases.iter().map(|b| inverse(position, b.position)))
    }
}

/// The index of the shortest geodesic; ties go to the first (the base first
/// by id), so output is stable.
pub fn nearest_of(measured: impl IntoIterator<Item = Geodesy>) -> Option<(usize, Geodesy)> {
    let mut best: Option<(usize, Geodesy)> = None;
    for (i, g) in measured.into_iter().enumerate() {
        if is_better((i, &g), best.as_ref().map(|(j, h)| (*j, h))) {
            best = Some((i, g));
        }
    }
    best
}

/// Shorter wins; at equal length the lower index does.
fn is_better(candidate: (usize, &Geodesy), best: Option<(usize, &Geodesy)>) -> bool {
    match best {
        None => true,
        Some((j, h)) => candidate
            .1
            .distance_m
            .total_cmp(&h.distance_m)
            .then(candidate.0.cmp(&j))
            .is_lt(),
    }
}

/// Earth-centred, Earth-fixed coordinates (m) of a point on the ellipsoid.
fn ecef(p: LatLon) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    let n = A / (1.0 - E2 * lat.sin().powi(2)).sqrt();
    [
        n * lat.cos() * lon.cos(),
        n * lat.cos() * lon.sin(),
        n * (1.0 - E2) * lat.sin(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PlaceKind;

    fn base(i: usize, lat: f64, lon: f64) -> Place {
        Place {
            id: format!("b{i:05}"),
            name: format!("B{i}"),
            kind: PlaceKind::Base,
            aliases: vec![],
            name_ar: String::new(),
            position: LatLon::new(lat, lon).unwrap(),
            admin1: String::new(),
            country: String::new(),
            uncertainty_m: 1000,
            source: String::new(),
            line: i as u64 + 2,
        }
    }

    /// SplitMix64: a fixed sequence, so the test is the same every run.
    fn numbers(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) as f64 / u64::MAX as f64
        }
    }

    #[test]
    fn the_tree_finds_the_same_base_as_measuring_all() {
        let mut next = numbers(7);
        // Dense bases over Iraq and Syria, a few across the globe and the
        // antimeridian, and exact duplicates to exercise the tie rule.
        let mut places: Vec<Place> = (0..2000)
            .map(|i| base(i, 29.0 + next() * 8.0, 38.0 + next() * 10.0))
            .collect();
        places.extend(
            (0..200).map(|i| base(2000 + i, next() * 170.0 - 85.0, next() * 360.0 - 180.0)),
        );
        places.push(base(9000, 33.0, 44.0));
        places.push(base(9001, 33.0, 44.0));
        places.push(base(9002, -10.0, 179.9999));
        let index = BaseIndex::new(places.iter().collect());
        assert!(index.tree.is_some());
        let mut queries: Vec<LatLon> = (0..3000)
            .map(|_| LatLon::new(next() * 178.0 - 89.0, next() * 360.0 - 180.0).unwrap())
            .collect();
        queries.extend(
            (0..3000).map(|_| LatLon::new(29.0 + next() * 8.0, 38.0 + next() * 10.0).unwrap()),
        );
        queries.push(LatLon::new(33.0, 44.0).unwrap());
        queries.push(LatLon::new(-10.0, -179.9999).unwrap());
        for q in queries {
            let (i, g) = index.nearest(q).unwrap();
            let (j, h) = index.nearest_by_measuring_all(q).unwrap();
            assert_eq!((i, g.distance_m), (j, h.distance_m), "at {q:?}");
        }
        let (i, _) = index.nearest(LatLon::new(33.0, 44.0).unwrap()).unwrap();
        assert_eq!(index.bases()[i].id, "b09000", "ties go to the first base");
        let (i, g) = index
            .nearest(LatLon::new(-10.0, -179.9999).unwrap())
            .unwrap();
        assert_eq!(index.bases()[i].id, "b09002", "across the antimeridian");
        assert!(g.distance_m < 30.0);
    }

    #[test]
    fn no_bases_no_nearest() {
        assert!(BaseIndex::new(Vec::new())
            .nearest(LatLon::new(0.0, 0.0).unwrap())
            .is_none());
    }
}
