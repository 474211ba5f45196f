//! What each distinct place text geocodes and measures to, kept for the
//! next event with the same text.
//!
//! A million events share a few tens of thousands of place texts. `build`
//! looks each event's text up once here and finds its resolution, what was
//! measured from where it resolved, and its geocoded properties as JSON;
//! three maps looked up in turn, and a copy of the resolution per event,
//! were a fifth of the writing thread's time.

use std::collections::HashMap;
use std::rc::Rc;

use crate::distance::{inverse, Geodesy};
use crate::geocode::{PlaceIndex, Resolution, Resolved, Unresolved};
use crate::model::LatLon;
use crate::nearest::{nearest_of, BaseIndex};
use crate::output::event_record::{found_json, head_json, JsonKeys};
use crate::output::geojson::NearestBase;
use crate::output::tables::CsvTail;
use crate::text_slots::TextSlots;

/// The most distinct place texts (and, separately, positions) remembered:
/// real inputs repeat a few thousand spellings, and past this the memo
/// starts again so memory stays bounded whatever the input.
pub const MEMO_SIZE: usize = 100_000;

/// foldhash: every event's text is hashed, and the default hasher was
/// slower; the maps are only looked up, never iterated, so no output
/// depends on their order.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// What was measured from one position: the geodesic to every base, or
/// only to the nearest when no output wants the rest.
pub struct Measured {
    /// The nearest base's index in [`BaseIndex::bases`].
    pub nearest: Option<usize>,
    /// (base index, geodesic), in base order.
    pub pairs: Vec<(usize, Geodesy)>,
}

impl Measured {
    fn at(index: &BaseIndex<'_>, position: LatLon, all: bool) -> Self {
        if all {
            let pairs: Vec<(usize, Geodesy)> = index
                .bases()
                .iter()
                .map(|b| inverse(position, b.position))
                .enumerate()
                .collect();
            let nearest = nearest_of(pairs.iter().map(|(_, g)| *g)).map(|(i, _)| i);
            Measured { nearest, pairs }
        } else {
            let pairs: Vec<(usize, Geodesy)> = index.nearest(position).into_iter().collect();
            Measured {
                nearest: pairs.first().map(|(i, _)| *i),
                pairs,
            }
        }
    }

    /// The nearest base and the distance to it.
    pub fn nearest_base<'a>(&self, bases: &[&'a crate::model::Place]) -> Option<NearestBase<'a>> {
        let i = self.nearest?;
        let (_, g) = self.pairs.iter().find(|(j, _)| *j == i)?;
        Some(NearestBase {
            base: bases[i],
            distance_km: g.distance_km(),
        })
    }
}

/// One place text: how it resolved and, when it did, what was found there.
pub enum Memo<'a> {
    /// The text names a place.
    Found {
        /// The place index's answer.
        found: Resolved<'a>,
        /// What was measured from its position.
        measured: Rc<Measured>,
        /// The geocoded properties' JSON ([`found_json`]), shared by every
        /// text that geocodes alike.
        block: Rc<[u8]>,
        /// The Feature's opening with the point, as JSON ([`head_json`]).
        head: Box<[u8]>,
        /// The `distances` row to the nearest base, from its third cell on,
        /// once a strike has written it.
        nearest_row: CsvTail,
    },
    /// It does not.
    Unresolved(Unresolved<'a>),
}

impl<'a> Memo<'a> {
    /// The place index's answer, as [`PlaceIndex::resolve`] gives it.
    pub fn resolution(&self) -> Resolution<'a> {
        match self {
            Memo::Found { found, .. } => Ok(found.clone()),
            Memo::Unresolved(why) => Err(why.clone()),
        }
    }
}

/// Everything [`found_json`] writes depends on: texts with the same key
/// share a block, known before it is written (writing each new text's
/// block to find it already kept was a twentieth of a large build).
#[derive(PartialEq, Eq, Hash)]
struct FoundKey {
    /// The place, by address: the index holds each place once.
    place: *const crate::model::Place,
    match_text: &'static str,
    score: u64,
    relation: String,
    precision: &'static str,
    uncertainty_m: u32,
    /// The position, which decides the nearest base and its distance.
    position: (u64, u64),
}

impl FoundKey {
    fn of(found: &Resolved<'_>) -> Self {
        FoundKey {
            place: found.place,
            match_text: found.match_text(),
            score: found.score.to_bits(),
            relation: found.relation.text(),
            precision: found.precision.as_str(),
            uncertainty_m: found.uncertainty_m,
            position: (found.position.lat.to_bits(), found.position.lon.to_bits()),
        }
    }
}

/// The memo of every place text seen, up to [`MEMO_SIZE`].
pub struct PlaceMemo<'a> {
    index: &'a PlaceIndex,
    bases: &'a BaseIndex<'a>,
    measure_all: bool,
    /// Decimals of the coordinates written.
    decimals: u8,
    /// Each text's place in `memos`.
    texts: TextSlots,
    memos: Vec<Memo<'a>>,
    positions: FastMap<(u64, u64), Rc<Measured>>,
    /// The geocoded-properties JSON of every distinct answer in `memos`: a
    /// few thousand for tens of thousands of texts, found before writing.
    blocks: FastMap<FoundKey, Rc<[u8]>>,
    keys: JsonKeys,
}

impl<'a> PlaceMemo<'a> {
    /// An empty memo; `measure_all` measures every base from each position,
    /// not only the nearest; points are written with `decimals`.
    pub fn new(
        index: &'a PlaceIndex,
        bases: &'a BaseIndex<'a>,
        measure_all: bool,
        decimals: u8,
    ) -> Self {
        PlaceMemo {
            index,
            bases,
            measure_all,
            decimals,
            texts: TextSlots::default(),
            memos: Vec::new(),
            positions: FastMap::default(),
            blocks: FastMap::default(),
            keys: JsonKeys::default(),
        }
    }

    /// Starts fetching what [`PlaceMemo::of`] will look at for `text`: call
    /// it a few events ahead.
    pub fn prefetch(&self, text: &str) {
        self.texts.prefetch(text);
    }

    /// The memo of `text`, resolved and measured on its first sight.
    pub fn of(&mut self, text: &str) -> &Memo<'a> {
        if let Some(i) = self.texts.get(text) {
            return &self.memos[i as usize];
        }
        if self.memos.len() >= MEMO_SIZE {
            self.texts.clear();
            self.memos.clear();
            self.blocks.clear();
        }
        let memo = match self.index.resolve(text) {
            Ok(found) => {
                let measured = self.measured(found.position);
                let nearest = measured.nearest_base(self.bases.bases());
                let keys = &mut self.keys;
                let block = self
                    .blocks
                    .entry(FoundKey::of(&found))
                    .or_insert_with(|| found_json(&found, nearest, keys).into());
                let block = Rc::clone(block);
                Memo::Found {
                    head: head_json(found.position, self.decimals).into(),
                    found,
                    measured,
                    block,
                    nearest_row: CsvTail::new(),
                }
            }
            Err(why) => Memo::Unresolved(why),
        };
        let i = self.texts.number(text) as usize;
        self.memos.push(memo);
        &self.memos[i]
    }

    /// What was measured from `position`, measured on its first sight:
    /// events share a few thousand positions.
    pub fn measured(&mut self, position: LatLon) -> Rc<Measured> {
        let key = (position.lat.to_bits(), position.lon.to_bits());
        if let Some(m) = self.positions.get(&key) {
            return Rc::clone(m);
        }
        if self.positions.len() >= MEMO_SIZE {
            self.positions.clear();
        }
        let m = Rc::new(Measured::at(self.bases, position, self.measure_all));
        self.positions.insert(key, Rc::clone(&m));
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Place, PlaceKind};

    fn place(id: &str, kind: PlaceKind, lat: f64, lon: f64) -> Place {
        Place {
            id: id.into(),
            name: id.to_uppercase(),
            kind,
            aliases: vec![format!("{id} alias")],
            name_ar: String::new(),
            position: LatLon::new(lat, lon).unwrap(),
            admin1: String::new(),
            country: "Iraq".into(),
            uncertainty_m: 1000,
            source: "s".into(),
            line: 2,
        }
    }

    #[test]
    fn memos_match_a_fresh_resolution_and_measurement() {
        let index = PlaceIndex::new(vec![
            place("asad", PlaceKind::Base, 33.8, 42.44),
            place("qaim", PlaceKind::Base, 34.37, 41.09),
            place("hit", PlaceKind::Town, 33.64, 42.83),
        ]);
        let base_index = BaseIndex::new(index.bases());
        for all in [false, true] {
            let mut memo = PlaceMemo::new(&index, &base_index, all, 4);
            let texts = [
                "hit",
                "near hit",
                "Atlantis",
                "hit alias",
                "hit",
                "20 km south of asad",
            ];
            for text in texts.iter().cycle().take(3 * texts.len()) {
                let fresh = index.resolve(text);
                let m = memo.of(text);
                assert_eq!(m.resolution(), fresh, "{text}");
                if let Memo::Found {
                    found,
                    measured,
                    block,
                    ..
                } = m
                {
                    let again = Measured::at(&base_index, found.position, all);
                    assert_eq!(measured.nearest, again.nearest);
                    assert_eq!(measured.pairs.len(), again.pairs.len());
                    let nearest = again.nearest_base(base_index.bases());
                    assert_eq!(
                        &block[..],
                        &found_json(found, nearest, &mut JsonKeys::default())[..]
                    );
                }
            }
            // "hit" and "hit alias" geocode alike but match differently;
            // "hit" seen three times is one memo.
            assert_eq!(memo.memos.len(), 5);
            assert!(memo.blocks.len() <= 4);
        }
    }
}
