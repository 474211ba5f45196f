//! The nearest base to a position.
//!
//! A geodesic costs a few microseconds to solve, and a large build meets
//! thousands of distinct positions; measuring every base from each was a
//! sixth of a million-event build. The straight chord between two points
//! (Earth-centred, ECEF, on the WGS84 ellipsoid) is never longer than the
//! geodesic between them and costs a few multiplications, so bases are
//! visited in order of chord length, and the visit stops once the chord
//! exceeds the shortest geodesic found: the true geodesic nearest, not an
//! approximation, usually for one or two geodesics. With the bundled
//! table's dozen bases the chords are sorted; a table extended from
//! GeoNames can hold thousands of bases, and then an R-tree (`rstar`,
//! which `geo` builds on) yields them in chord order.

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

/// The bases, sorted by id, with their ECEF positions, and a spatial index
/// over those when there are many.
pub struct BaseIndex<'a> {
    bases: Vec<&'a Place>,
    ecef: Vec<[f64; 3]>,
    tree: Option<RTree<Entry>>,
}

impl<'a> BaseIndex<'a> {
    /// Indexes `bases`, whose order decides ties (the first wins).
    pub fn new(bases: Vec<&'a Place>) -> Self {
        let ecef: Vec<[f64; 3]> = bases.iter().map(|b| ecef(b.position)).collect();
        let tree = (bases.len() >= TREE_FROM).then(|| {
            let entries = ecef.iter().enumerate().map(|(i, &p)| Entry::new(p, i));
            RTree::bulk_load(entries.collect())
        });
        BaseIndex { bases, ecef, tree }
    }

    /// The bases, in the order given.
    pub fn bases(&self) -> &[&'a Place] {
        &self.bases
    }

    /// The nearest base (its index in [`BaseIndex::bases`]) and the geodesic
    /// to it; ties go to the first base.
    pub fn nearest(&self, position: LatLon) -> Option<(usize, Geodesy)> {
        let at = ecef(position);
        match &self.tree {
            Some(tree) => self.nearest_in_chord_order(
                position,
                tree.nearest_neighbor_iter_with_distance_2(&at)
                    .map(|(entry, chord2)| (chord2, entry.data)),
            ),
            None => {
                let mut by_chord: Vec<(f64, usize)> = self
                    .ecef
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (chord2(p, &at), i))
                    .collect();
                by_chord.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                self.nearest_in_chord_order(position, by_chord)
            }
        }
    }

    /// Measures the bases `by_chord` yields (squared chord length and
    /// index, shortest chord first) until a chord is longer than the
    /// shortest geodesic found: no base after it can be nearer.
    fn nearest_in_chord_order(
        &self,
        position: LatLon,
        by_chord: impl IntoIterator<Item = (f64, usize)>,
    ) -> Option<(usize, Geodesy)> {
        let mut best: Option<(usize, Geodesy)> = None;
        for (chord2, i) in by_chord {
            if let Some((_, g)) = &best {
                if chord2.sqrt() > g.distance_m + SLACK_M {
                    break;
                }
            }
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

/// The squared straight-line distance between two ECEF points.
fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    (0..3).map(|k| (a[k] - b[k]).powi(2)).sum()
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
    fn the_chord_order_finds_the_same_base_as_measuring_all() {
        let mut next = numbers(11);
        // Fewer bases than the tree takes: sorted chords instead. Clustered
        // as the bundled table's are, with a duplicate for the tie rule.
        for round in 0..20 {
            let mut places: Vec<Place> = (0..TREE_FROM - 2)
                .map(|i| base(i, 31.0 + next() * 5.0, 39.0 + next() * 8.0))
                .collect();
            places.push(places[round].clone());
            places[TREE_FROM - 2].id = format!("b{:05}", TREE_FROM - 2);
            let index = BaseIndex::new(places.iter().collect());
            assert!(index.tree.is_none());
            for _ in 0..300 {
                let q = LatLon::new(29.0 + next() * 9.0, 37.0 + next() * 12.0).unwrap();
                let (i, g) = index.nearest(q).unwrap();
                let (j, h) = index.nearest_by_measuring_all(q).unwrap();
                assert_eq!((i, g), (j, h), "at {q:?}");
            }
            let on_duplicate = index.nearest(places[round].position).unwrap();
            assert_eq!(on_duplicate.0, round, "ties go to the first base");
        }
    }

    #[test]
    fn no_bases_no_nearest() {
        assert!(BaseIndex::new(Vec::new())
            .nearest(LatLon::new(0.0, 0.0).unwrap())
            .is_none());
    }
}
