//! Resolving place text to a row of the place table.
//!
//! [`PlaceIndex`] is built once from the place table; every query then runs
//! through the same stages, stopping at the first that decides:
//!
//! 1. **exact**: the text is a place's id, name, alias or Arabic name,
//!    character for character (`match` = `id`, `name` or `alias`);
//! 2. **normalised**: [`normalize`]d text equals a normalised name or alias,
//!    or its core without feature words does and the feature word fits the
//!    place's kind ("Erbil base" is the air base, not the city) (`normalized`);
//! 3. **relative phrase**: "near X", "outside X", "X area", "south of X",
//!    "20 km south of X", "western X": X is resolved through all stages and the
//!    precision and uncertainty are widened (see [`Relation`]);
//! 4. **fuzzy**: the closest normalised name by edit distance, allowed 1 edit
//!    for 6–9 letters and 2 for 10 or more, never for shorter names (a
//!    five-letter "Assad" is a family name one edit from "Asad"), and only
//!    when no other place is as close (`fuzzy`, with a score). The keys
//!    are searched through an index (`fuzzy_index`); only a small table's
//!    keys are all compared with the query, for the wide radius of an
//!    unknown name's suggestions.
//!
//! A name that two places share, at any stage, is reported ambiguous with
//! its candidates; a name nothing matches is reported unknown with the
//! closest names as suggestions. Nothing is guessed.

mod fuzzy_index;
#[cfg(test)]
mod scan_oracle;

use std::collections::HashMap;

use crate::distance::destination;
use crate::model::{LatLon, MatchKind, Place, PlaceKind, Precision};
use crate::normalize::{core_name, normalize, FeatureHint};
use fuzzy_index::{FuzzyIndex, FuzzyQuery};

/// Metres added to a place's uncertainty for "near X", by the kind of X.
const NEAR_SITE_EXTRA_M: u32 = 10_000;
const NEAR_GOVERNORATE_EXTRA_M: u32 = 25_000;
const NEAR_COUNTRY_EXTRA_M: u32 = 50_000;
/// Metres added for "south of X" with no distance: such phrases are used up
/// to about 100 km out ("Jurf al-Sakhar, south of Baghdad" is 55 km).
const DIRECTION_EXTRA_M: u32 = 100_000;
/// For "N km south of X": the point is moved N km, and a quarter of N (at
/// least 5 km) is added, since reported distances are rounded.
const STATED_DISTANCE_MIN_EXTRA_M: f64 = 5_000.0;
/// The longest stated distance read as "N km south of X".
const MAX_STATED_DISTANCE_M: f64 = 500_000.0;
/// Up to this stated distance, "N km from X" is still "near X".
const NEAR_STATED_DISTANCE_M: f64 = 25_000.0;
/// How many candidates an unresolved query lists.
const MAX_CANDIDATES: usize = 5;

/// How the event stands to the place its text names.
#[derive(Clone, Debug, PartialEq)]
pub enum Relation {
    /// At or in the place.
    At,
    /// "near X", "outside X", "X area".
    Near,
    /// "south of X", "20 km south of X".
    Direction {
        /// The direction word, lower case ("south", "north east").
        word: String,
        /// Bearing of the direction, degrees.
        bearing_deg: f64,
        /// The stated distance, metres, if any.
        distance_m: Option<f64>,
    },
    /// "western X", "central X": a part of the place.
    Part(String),
}

impl Relation {
    /// The relation as written in the `relation` field: `at`, `near`,
    /// `south of`, `20 km south of`, `western`.
    pub fn text(&self) -> String {
        match self {
            Relation::At => "at".to_string(),
            Relation::Near => "near".to_string(),
            Relation::Direction {
                word,
                distance_m: None,
                ..
            } => format!("{word} of"),
            Relation::Direction {
                word,
                distance_m: Some(d),
                ..
            } => format!("{} km {word} of", format_km(*d)),
            Relation::Part(word) => word.clone(),
        }
    }
}

fn format_km(m: f64) -> String {
    let km = (m / 100.0).round() / 10.0;
    if km.fract() == 0.0 {
        format!("{km:.0}")
    } else {
        format!("{km:.1}")
    }
}

/// A place text resolved to a place.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved<'a> {
    /// The place the text names.
    pub place: &'a Place,
    /// How the name was matched.
    pub match_kind: MatchKind,
    /// 1.0 for every match but `fuzzy`, where it is 1 − edits ÷ length.
    pub score: f64,
    /// How the event stands to the place.
    pub relation: Relation,
    /// How precisely the event is placed.
    pub precision: Precision,
    /// Where to draw the event: the place's point, or for "N km south of X"
    /// the point N km south of it.
    pub position: LatLon,
    /// Radius in metres that bounds where the event is.
    pub uncertainty_m: u32,
    /// Whether this replaces the coordinates a foreign row (ACLED, UCDP GED)
    /// came with, because the place table places it more precisely.
    pub regeocoded: bool,
}

impl Resolved<'_> {
    /// The value written in the `match` field: how the text matched, with
    /// `regeocoded-` in front when it replaced a foreign row's coordinates.
    pub fn match_text(&self) -> &'static str {
        if !self.regeocoded {
            return self.match_kind.as_str();
        }
        match self.match_kind {
            MatchKind::Id => "regeocoded-id",
            MatchKind::Name => "regeocoded-name",
            MatchKind::Alias => "regeocoded-alias",
            MatchKind::Normalized => "regeocoded-normalized",
            MatchKind::Fuzzy => "regeocoded-fuzzy",
            MatchKind::Source => "source",
        }
    }
}

/// Why a place text did not resolve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnresolvedReason {
    /// The place field is empty.
    Empty,
    /// No place has this name.
    Unknown,
    /// Two or more places have this name equally well.
    Ambiguous,
}

impl UnresolvedReason {
    /// The value written in the `reason` field.
    pub fn as_str(self) -> &'static str {
        match self {
            UnresolvedReason::Empty => "empty",
            UnresolvedReason::Unknown => "unknown",
            UnresolvedReason::Ambiguous => "ambiguous",
        }
    }
}

/// A place that a query could mean, with how close it came.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate<'a> {
    /// The place.
    pub place: &'a Place,
    /// 1.0 for an exact or normalised tie, else 1 − edits ÷ length.
    pub score: f64,
}

/// A place text that did not resolve, with what it might have meant.
#[derive(Clone, Debug, PartialEq)]
pub struct Unresolved<'a> {
    /// Why it did not resolve.
    pub reason: UnresolvedReason,
    /// For `ambiguous`, the tied places; for `unknown`, the closest names.
    pub candidates: Vec<Candidate<'a>>,
}

impl Unresolved<'_> {
    /// The candidates as one line: `id (Name, 0.875); id (Name, 0.750)`.
    pub fn candidates_text(&self) -> String {
        self.candidates
            .iter()
            .map(|c| format!("{} ({}, {:.3})", c.place.id, c.place.name, c.score))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The outcome of geocoding one place text.
pub type Resolution<'a> = Result<Resolved<'a>, Unresolved<'a>>;

/// The place table, indexed for look-up by every spelling it knows.
#[derive(Debug)]
pub struct PlaceIndex {
    places: Vec<Place>,
    exact: KeyMap<Vec<(usize, MatchKind)>>,
    normalized: KeyMap<Vec<usize>>,
    /// Cores of every spelling, for queries that carry a feature word.
    core: KeyMap<Vec<usize>>,
    /// Cores of ids and names only, for queries without a feature word: a
    /// bare "Assad" must not reach the air base through its alias
    /// "Al-Assad air base", nor "Qadisiyah" through "Qadisiyah Airbase".
    core_of_names: KeyMap<Vec<usize>>,
    /// Every distinct normalised and core key, for the fuzzy stage.
    fuzzy: FuzzyKeys,
    warnings: Vec<String>,
}

/// A map from spellings or keys to places. The keys come from the curated
/// place table and queries only look up, so a fast seeded hash serves
/// better than the default SipHash, which took a tenth of indexing a
/// 50 000-place gazetteer.
type KeyMap<V> = HashMap<String, V, foldhash::fast::RandomState>;

fn key_map<V>(capacity: usize) -> KeyMap<V> {
    KeyMap::with_capacity_and_hasher(capacity, Default::default())
}

/// The fuzzy stage's keys: an index to find those near a query, and for
/// each key the places it names and whether the query needs a feature word
/// to use it.
#[derive(Debug, Default)]
struct FuzzyKeys {
    index: FuzzyIndex,
    /// `uses[start[k]..start[k + 1]]` are key `k`'s `(place, needs_hint)`.
    start: Vec<u32>,
    uses: Vec<(u32, bool)>,
}

impl FuzzyKeys {
    /// `keys` as [`fuzzy_key_uses`] gives them.
    fn new(keys: &[(&str, Vec<(usize, bool)>)]) -> Self {
        let mut start = Vec::with_capacity(keys.len() + 1);
        let mut uses = Vec::new();
        for (_, places) in keys {
            start.push(uses.len() as u32);
            uses.extend(places.iter().map(|&(i, needs_hint)| (i as u32, needs_hint)));
        }
        start.push(uses.len() as u32);
        uses.shrink_to_fit();
        FuzzyKeys {
            index: FuzzyIndex::new(keys.iter().map(|&(key, _)| key)),
            start,
            uses,
        }
    }

    fn uses_of(&self, key: u32) -> &[(u32, bool)] {
        let k = key as usize;
        &self.uses[self.start[k] as usize..self.start[k + 1] as usize]
    }
}

/// Every distinct normalised and core key, sorted, with its places in
/// table order and whether a query needs a feature word to use each: a
/// key of the alias cores alone is only for queries with a feature word,
/// as in the exact core stage.
fn fuzzy_key_uses<'k>(
    normalized: &'k KeyMap<Vec<usize>>,
    core: &'k KeyMap<Vec<usize>>,
    core_of_names: &'k KeyMap<Vec<usize>>,
) -> Vec<(&'k str, Vec<(usize, bool)>)> {
    let mut by_key: HashMap<&str, Vec<(usize, bool)>, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(normalized.len() + core.len(), Default::default());
    for (map, needs_hint) in [(normalized, false), (core_of_names, false), (core, true)] {
        for (key, ids) in map {
            let places = by_key.entry(key.as_str()).or_default();
            places.extend(ids.iter().map(|&i| (i, needs_hint)));
        }
    }
    let mut keys: Vec<(&str, Vec<(usize, bool)>)> = by_key.into_iter().collect();
    keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (_, places) in &mut keys {
        // `false` sorts first, so where a place comes with and without the
        // need for a hint, the one kept needs none.
        places.sort_unstable();
        places.dedup_by_key(|&mut (i, _)| i);
    }
    keys
}

/// A stage's raw answer: matching places in table order, none, or several.
fn push_unique(list: &mut Vec<usize>, i: usize) {
    if !list.contains(&i) {
        list.push(i);
    }
}

impl PlaceIndex {
    /// Indexes a validated place table (see [`crate::places::read_places`]).
    pub fn new(places: Vec<Place>) -> Self {
        // Nearly every spelling is its own exact key, so that map is sized
        // once; the others hold far fewer keys than spellings and grow.
        let spellings: usize = places.iter().map(|p| 3 + p.aliases.len()).sum();
        let mut exact: KeyMap<Vec<(usize, MatchKind)>> = key_map(spellings);
        let mut normalized: KeyMap<Vec<usize>> = key_map(0);
        let mut core: KeyMap<Vec<usize>> = key_map(0);
        let mut core_of_names: KeyMap<Vec<usize>> = key_map(0);
        for (i, place) in places.iter().enumerate() {
            let spellings = std::iter::once((place.id.as_str(), MatchKind::Id))
                .chain(std::iter::once((place.name.as_str(), MatchKind::Name)))
                .chain(place.aliases.iter().map(|a| (a.as_str(), MatchKind::Alias)))
                .chain(
                    (!place.name_ar.is_empty())
                        .then_some((place.name_ar.as_str(), MatchKind::Alias)),
                );
            for (text, kind) in spellings {
                let entry = exact.entry(text.to_string()).or_default();
                if !entry.iter().any(|&(j, _)| j == i) {
                    entry.push((i, kind));
                }
                let key = normalize(text);
                if key.is_empty() {
                    continue;
                }
                let core_key = core_name(&key).core;
                push_unique(normalized.entry(key).or_default(), i);
                if core_key.is_empty() {
                    continue;
                }
                if matches!(kind, MatchKind::Id | MatchKind::Name) {
                    push_unique(core_of_names.entry(core_key.clone()).or_default(), i);
                }
                push_unique(core.entry(core_key).or_default(), i);
            }
        }
        let fuzzy = FuzzyKeys::new(&fuzzy_key_uses(&normalized, &core, &core_of_names));
        let warnings = collision_warnings(&places, &exact, &normalized);
        PlaceIndex {
            places,
            exact,
            normalized,
            core,
            core_of_names,
            fuzzy,
            warnings,
        }
    }

    /// The places, in table order.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The bases, sorted by id (the order of every output).
    pub fn bases(&self) -> Vec<&Place> {
        let mut bases: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| p.kind == PlaceKind::Base)
            .collect();
        bases.sort_by(|a, b| a.id.cmp(&b.id));
        bases
    }

    /// Every normalised spelling a query can match without the fuzzy stage:
    /// each name, alias and id as [`normalize`]d, and the core of each name
    /// without its feature words ("asad" for Al-Asad Air Base). Sorted, each
    /// once. [`crate::extract`] looks for these in running text and then
    /// resolves what it finds through [`PlaceIndex::resolve`].
    pub fn spellings(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .normalized
            .keys()
            .chain(self.core_of_names.keys())
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Spellings that name two places: every query for them is reported
    /// ambiguous, so a curator should look at them.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Resolves one place text.
    ///
    /// ```
    /// use geoevents::geocode::PlaceIndex;
    /// use geoevents::model::MatchKind;
    /// use geoevents::places::read_places;
    /// let csv = "id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source\n\
    ///   al-asad-air-base,Al-Asad Air Base,base,Ain al-Asad,,33.7856,42.4412,Al-Anbar,Iraq,4000,OurAirports\n";
    /// let index = PlaceIndex::new(read_places("places.csv".as_ref(), csv.as_bytes()).unwrap());
    /// let hit = index.resolve("near Ayn al Asad airbase").unwrap();
    /// assert_eq!(hit.place.id, "al-asad-air-base");
    /// assert_eq!(hit.precision.as_str(), "near-site");
    /// assert!(index.resolve("Bashar al-Assad").is_err());
    /// ```
    pub fn resolve(&self, text: &str) -> Resolution<'_> {
        self.resolve_with(text, Self::fuzzy)
    }

    /// Heap bytes held by the fuzzy stage's index (its two tries), for
    /// benchmarks and capacity planning.
    pub fn fuzzy_index_bytes(&self) -> usize {
        self.fuzzy.index.heap_bytes()
            + self.fuzzy.start.capacity() * std::mem::size_of::<u32>()
            + self.fuzzy.uses.capacity() * std::mem::size_of::<(u32, bool)>()
    }

    /// [`PlaceIndex::resolve`] with the fuzzy stage given, so tests can
    /// put the linear scan it replaced beside it.
    fn resolve_with<'a>(
        &'a self,
        text: &str,
        fuzzy: impl Fn(&'a Self, &str) -> Resolution<'a>,
    ) -> Resolution<'a> {
        let text = text.trim();
        if text.is_empty() {
            return Err(self.unresolved(UnresolvedReason::Empty, Vec::new()));
        }
        if let Some(found) = self.direct(text)? {
            return Ok(found);
        }
        if let Some((relation, rest)) = split_relation(text) {
            let inner = match self.direct(rest)? {
                Some(found) => found,
                None => fuzzy(self, rest)?,
            };
            return Ok(apply_relation(inner, relation));
        }
        fuzzy(self, text)
    }

    /// The exact and normalised stages: `Ok(None)` when neither decides.
    fn direct(&self, text: &str) -> Result<Option<Resolved<'_>>, Unresolved<'_>> {
        if let Some(hits) = self.exact.get(text) {
            return match hits.as_slice() {
                [(i, kind)] => Ok(Some(self.resolved(*i, *kind, 1.0))),
                many => Err(self.tie(many.iter().map(|&(i, _)| i).collect(), 1.0)),
            };
        }
        let key = normalize(text);
        if key.is_empty() {
            return Ok(None);
        }
        let core = core_name(&key);
        let fits = |i: &usize| hint_fits(core.hint, self.places[*i].kind);
        if let Some(hits) = self.normalized.get(&key) {
            let narrowed: Vec<usize> = hits.iter().copied().filter(fits).collect();
            let hits = if narrowed.is_empty() {
                hits.clone()
            } else {
                narrowed
            };
            return match hits.as_slice() {
                [i] => Ok(Some(self.resolved(*i, MatchKind::Normalized, 1.0))),
                _ => Err(self.tie(hits, 1.0)),
            };
        }
        let cores = if core.hint.is_some() {
            &self.core
        } else {
            &self.core_of_names
        };
        if let Some(hits) = cores.get(&core.core) {
            let hits: Vec<usize> = hits.iter().copied().filter(fits).collect();
            return match hits.as_slice() {
                [] => Ok(None),
                [i] => Ok(Some(self.resolved(*i, MatchKind::Normalized, 1.0))),
                _ => Err(self.tie(hits, 1.0)),
            };
        }
        Ok(None)
    }

    /// The fuzzy stage: a unique closest place within the edit budget, else
    /// ambiguous (a tie) or unknown (with the closest names as suggestions).
    fn fuzzy(&self, text: &str) -> Resolution<'_> {
        let (query, hint) = fuzzy_query(text);
        let query: Vec<char> = query.chars().collect();
        let budget = edit_budget(query.len());
        // Suggestions may be up to `limit` edits away, but only the best
        // few are listed, and only the nearest places decide a match (the
        // closest, or a tie). So the search widens and stops once a place
        // is within the budget, or once enough places are found for the
        // suggestions, since every place nearer than the current radius is
        // then already in the list. Narrow searches are much cheaper than
        // wide ones, and most misspellings are one edit.
        let limit = (query.len() / 2).max(2);
        let search = self.fuzzy.index.query(&query);
        let mut closest = Vec::new();
        for radius in search.radii(budget, limit) {
            closest = self.closest_places(&search, hint, radius);
            let decided = closest.first().is_some_and(|c| c.edits <= budget);
            if decided || closest.iter().filter(|c| c.score > 0.0).count() >= MAX_CANDIDATES {
                break;
            }
        }
        match closest.as_slice() {
            [first, rest @ ..] if first.edits <= budget => {
                if rest.iter().any(|c| c.edits == first.edits) {
                    let tied = closest
                        .iter()
                        .filter(|c| c.edits == first.edits)
                        .map(|c| self.candidate(c.place, c.score))
                        .collect();
                    Err(self.unresolved(UnresolvedReason::Ambiguous, tied))
                } else {
                    Ok(self.resolved(first.place, MatchKind::Fuzzy, round3(first.score)))
                }
            }
            _ => {
                let suggestions = closest
                    .iter()
                    .filter(|c| c.score > 0.0)
                    .take(MAX_CANDIDATES)
                    .map(|c| self.candidate(c.place, c.score))
                    .collect();
                Err(self.unresolved(UnresolvedReason::Unknown, suggestions))
            }
        }
    }

    /// Every place with a key within `radius` edits of `query` that the
    /// feature word allows and whose length is within half the query's,
    /// by its best key: fewest edits, then highest score, then table order.
    fn closest_places(
        &self,
        query: &FuzzyQuery<'_>,
        hint: Option<FeatureHint>,
        radius: usize,
    ) -> Vec<Closest> {
        let mut found: Vec<Closest> = Vec::new();
        let query_len = query.len();
        if query_len == 0 {
            return found;
        }
        let shortest = query_len - query_len / 2;
        query.within(radius, shortest, |key, edits| {
            let name_len = self.fuzzy.index.key_len(key);
            // A length gap bigger than the suggestion budget cannot be close.
            if query_len.abs_diff(name_len) > query_len / 2 {
                return;
            }
            let score = 1.0 - edits as f64 / query_len.max(name_len) as f64;
            for &(place, needs_hint) in self.fuzzy.uses_of(key) {
                let place = place as usize;
                if (needs_hint && hint.is_none()) || !hint_fits(hint, self.places[place].kind) {
                    continue;
                }
                found.push(Closest {
                    place,
                    edits,
                    score,
                });
            }
        });
        found.sort_by(|a, b| {
            a.place
                .cmp(&b.place)
                .then(a.edits.cmp(&b.edits))
                .then(b.score.total_cmp(&a.score))
        });
        found.dedup_by_key(|c| c.place);
        found.sort_by(|a, b| {
            a.edits
                .cmp(&b.edits)
                .then(b.score.total_cmp(&a.score))
                .then(a.place.cmp(&b.place))
        });
        found
    }

    fn resolved(&self, i: usize, match_kind: MatchKind, score: f64) -> Resolved<'_> {
        let place = &self.places[i];
        Resolved {
            place,
            match_kind,
            score,
            relation: Relation::At,
            precision: at_precision(place.kind),
            position: place.position,
            uncertainty_m: place.uncertainty_m,
            regeocoded: false,
        }
    }

    fn candidate(&self, i: usize, score: f64) -> Candidate<'_> {
        Candidate {
            place: &self.places[i],
            score: round3(score),
        }
    }

    fn tie(&self, mut places: Vec<usize>, score: f64) -> Unresolved<'_> {
        places.sort_by(|&a, &b| self.places[a].id.cmp(&self.places[b].id));
        let candidates = places
            .into_iter()
            .map(|i| self.candidate(i, score))
            .collect();
        self.unresolved(UnresolvedReason::Ambiguous, candidates)
    }

    fn unresolved<'a>(
        &'a self,
        reason: UnresolvedReason,
        candidates: Vec<Candidate<'a>>,
    ) -> Unresolved<'a> {
        Unresolved { reason, candidates }
    }
}

/// What the fuzzy stage compares with the keys, and the feature word's hint.
/// With a feature word only the core is compared, and the edit budget is
/// that of the core: "Ali Air Base" is a three-letter name, not a
/// twelve-letter one, and must not reach another base by two edits.
fn fuzzy_query(text: &str) -> (String, Option<FeatureHint>) {
    let key = normalize(text);
    let core = core_name(&key);
    match core.hint {
        Some(_) => (core.core, core.hint),
        None => (key, None),
    }
}

/// A place the fuzzy stage found near a query, by its best key.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Closest {
    place: usize,
    edits: usize,
    /// 1 − edits ÷ the longer length.
    score: f64,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Edits the fuzzy stage allows for a normalised name of `len` letters.
fn edit_budget(len: usize) -> usize {
    match len {
        0..=5 => 0,
        6..=9 => 1,
        _ => 2,
    }
}

fn hint_fits(hint: Option<FeatureHint>, kind: PlaceKind) -> bool {
    match hint {
        None => true,
        Some(FeatureHint::Base) => matches!(kind, PlaceKind::Base | PlaceKind::Site),
        Some(FeatureHint::Governorate) => kind == PlaceKind::Governorate,
        Some(FeatureHint::Town) => matches!(kind, PlaceKind::Town | PlaceKind::City),
    }
}

fn at_precision(kind: PlaceKind) -> Precision {
    match kind {
        PlaceKind::Base | PlaceKind::Site => Precision::Site,
        PlaceKind::Town | PlaceKind::City => Precision::Town,
        PlaceKind::Governorate => Precision::Governorate,
        PlaceKind::Country => Precision::Country,
    }
}

/// Widens a match by the relation its phrase stated.
fn apply_relation(mut found: Resolved<'_>, relation: Relation) -> Resolved<'_> {
    let kind = found.place.kind;
    let base_u = found.place.uncertainty_m;
    let near_extra = match kind {
        PlaceKind::Governorate => NEAR_GOVERNORATE_EXTRA_M,
        PlaceKind::Country => NEAR_COUNTRY_EXTRA_M,
        _ => NEAR_SITE_EXTRA_M,
    };
    let near_precision = match kind {
        PlaceKind::Base | PlaceKind::Site => Precision::NearSite,
        PlaceKind::Town | PlaceKind::City => Precision::NearTown,
        PlaceKind::Governorate => Precision::NearGovernorate,
        PlaceKind::Country => Precision::Country,
    };
    let far_precision = match kind {
        PlaceKind::Governorate => Precision::NearGovernorate,
        PlaceKind::Country => Precision::Country,
        _ => Precision::Region,
    };
    match &relation {
        Relation::At | Relation::Part(_) => {}
        Relation::Near => {
            found.precision = near_precision;
            found.uncertainty_m = base_u.saturating_add(near_extra);
        }
        Relation::Direction {
            bearing_deg,
            distance_m: Some(d),
            ..
        } => {
            found.position = destination(found.place.position, *bearing_deg, *d);
            let extra = (d / 4.0).max(STATED_DISTANCE_MIN_EXTRA_M).round() as u32;
            found.uncertainty_m = base_u.saturating_add(extra);
            found.precision = if *d <= NEAR_STATED_DISTANCE_M {
                near_precision
            } else {
                far_precision
            };
        }
        Relation::Direction {
            distance_m: None, ..
        } => {
            found.precision = far_precision;
            found.uncertainty_m = base_u.saturating_add(DIRECTION_EXTRA_M);
        }
    }
    found.relation = relation;
    found
}

/// Byte spans of the whitespace-separated words of `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

const FILLERS: &[&str] = &["in", "the", "on", "at", "a", "just"];
const NEAR_WORDS: &[&str] = &["near", "nearby", "outside", "around", "by"];
const NEAR_OF_WORDS: &[&str] = &["vicinity", "outskirts", "edge", "edges", "environs"];
const AREA_WORDS: &[&str] = &[
    "area",
    "areas",
    "region",
    "vicinity",
    "outskirts",
    "countryside",
    "surroundings",
    "environs",
];
/// Words for a part of a place ("western Iraq"), as normalised.
pub(crate) const PART_WORDS: &[&str] = &[
    "western",
    "eastern",
    "northern",
    "southern",
    "central",
    "northwestern",
    "northeastern",
    "southwestern",
    "southeastern",
    "north western",
    "north eastern",
    "south western",
    "south eastern",
];

/// The bearing of a direction word ("south", "north east", "nw").
fn direction_bearing(word: &str) -> Option<(&'static str, f64)> {
    Some(match word {
        "north" | "n" => ("north", 0.0),
        "northeast" | "north east" | "ne" => ("northeast", 45.0),
        "east" | "e" => ("east", 90.0),
        "southeast" | "south east" | "se" => ("southeast", 135.0),
        "south" | "s" => ("south", 180.0),
        "southwest" | "south west" | "sw" => ("southwest", 225.0),
        "west" | "w" => ("west", 270.0),
        "northwest" | "north west" | "nw" => ("northwest", 315.0),
        _ => return None,
    })
}

/// A direction word of one or two words at `at` ("south", "south-east",
/// "south east"): its name, bearing and the number of words it took.
fn direction_at(words: &[String], at: usize) -> Option<(&'static str, f64, usize)> {
    if let Some(next) = words.get(at + 1) {
        if let Some((w, b)) = direction_bearing(&format!("{} {next}", words.get(at)?)) {
            return Some((w, b, 2));
        }
    }
    direction_bearing(words.get(at)?).map(|(w, b)| (w, b, 1))
}

/// A stated distance: "20 km", "20km", "12 miles". Returns metres and the
/// number of words it took.
fn stated_distance(words: &[String]) -> Option<(f64, usize)> {
    let first = words.first()?;
    let digits: String = first.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let number: f64 = digits.parse().ok().filter(|n: &f64| n.is_finite())?;
    let attached = &first[digits.len()..];
    let (unit, used) = if attached.is_empty() {
        (words.get(1)?.as_str(), 2)
    } else {
        (attached, 1)
    };
    let metres_per_unit = match unit {
        "km" | "kms" | "kilometres" | "kilometers" | "kilometre" | "kilometer" => 1000.0,
        "mi" | "mile" | "miles" => 1609.344,
        _ => return None,
    };
    let metres = number * metres_per_unit;
    // Reports measure "N km from X" in tens of km; a figure past this is a
    // typo or not a locating phrase, and would move the point off the map.
    (metres <= MAX_STATED_DISTANCE_M).then_some((metres, used))
}

/// Splits "near X", "X area", "20 km south of X", "western X" into the
/// relation and the byte range of X in `text`. `None` when the text states
/// no relation.
fn split_relation(text: &str) -> Option<(Relation, &str)> {
    let spans = word_spans(text);
    // Every relation takes a word besides the place's; most texts that
    // get here are one misspelt word, and normalising costs.
    if spans.len() < 2 {
        return None;
    }
    let words: Vec<String> = spans.iter().map(|&(s, e)| normalize(&text[s..e])).collect();
    let is = |i: usize, set: &[&str]| words.get(i).is_some_and(|w| set.contains(&w.as_str()));
    let mut start = 0;
    let mut end = words.len();
    while start < end && is(start, FILLERS) {
        start += 1;
    }
    let word_is = |i: usize, word: &str| words.get(i).is_some_and(|w| w == word);
    // "close to X", "vicinity of X", "outskirts of X"
    let two_word_near = (word_is(start, "close") && word_is(start + 1, "to"))
        || (is(start, NEAR_OF_WORDS) && word_is(start + 1, "of"));
    let mut relation = Relation::At;
    if is(start, NEAR_WORDS) {
        relation = Relation::Near;
        start += 1;
        if word_is(start, "to") {
            start += 1;
        }
    } else if two_word_near {
        relation = Relation::Near;
        start += 2;
    } else if is(start, PART_WORDS) {
        relation = Relation::Part(words[start].replace(' ', ""));
        start += 1;
    } else {
        let (distance_m, used) = match stated_distance(&words[start..end]) {
            Some((d, used)) => (Some(d), used),
            None => (None, 0),
        };
        let at = start + used;
        if let Some((word, bearing, span)) = direction_at(&words, at) {
            if word_is(at + span, "of") {
                relation = Relation::Direction {
                    word: word.to_string(),
                    bearing_deg: bearing,
                    distance_m,
                };
                start = at + span + 1;
            }
        }
    }
    while start < end && is(start, FILLERS) {
        start += 1;
    }
    if end > start + 1 && is(end - 1, AREA_WORDS) {
        end -= 1;
        if relation == Relation::At {
            relation = Relation::Near;
        }
    }
    if relation == Relation::At || start >= end {
        return None;
    }
    let rest = &text[spans[start].0..spans[end - 1].1];
    let rest = rest.trim_end_matches([',', ';', '.', ':']);
    Some((relation, rest))
}

/// Lists spellings that name more than one place.
fn collision_warnings(
    places: &[Place],
    exact: &KeyMap<Vec<(usize, MatchKind)>>,
    normalized: &KeyMap<Vec<usize>>,
) -> Vec<String> {
    let ids = |list: &mut dyn Iterator<Item = usize>| {
        let mut v: Vec<&str> = list.map(|i| places[i].id.as_str()).collect();
        v.sort_unstable();
        v.join(", ")
    };
    let mut warnings: Vec<String> = Vec::new();
    for (text, hits) in exact {
        if hits.len() > 1 {
            warnings.push(format!(
                "the spelling {text:?} names {} places ({}): queries for it are reported ambiguous",
                hits.len(),
                ids(&mut hits.iter().map(|&(i, _)| i))
            ));
        }
    }
    // The clashing exact spellings, as sorted place lists: a normalised key
    // that names just those places repeats their warning. Only keys naming
    // two or more places are looked at, so loading stays linear in the
    // table (a GeoNames import has tens of thousands of spellings).
    let exact_clashes: std::collections::HashSet<Vec<usize>> = exact
        .values()
        .filter(|h| h.len() > 1)
        .map(|h| {
            let mut v: Vec<usize> = h.iter().map(|&(i, _)| i).collect();
            v.sort_unstable();
            v
        })
        .collect();
    for (key, hits) in normalized {
        if hits.len() < 2 {
            continue;
        }
        let mut sorted = hits.clone();
        sorted.sort_unstable();
        if !exact_clashes.contains(&sorted) {
            warnings.push(format!(
                "spellings that normalise to {key:?} name {} places ({}): queries for it are reported ambiguous",
                hits.len(),
                ids(&mut hits.iter().copied())
            ));
        }
    }
    warnings.sort();
    warnings
}

/// The most distinct place texts a [`CachedResolver`] remembers: real
/// inputs repeat a few thousand spellings, and past this the cache stops
/// growing so memory stays bounded whatever the input.
pub const RESOLUTION_CACHE_SIZE: usize = 100_000;

/// Resolves place texts through a [`PlaceIndex`], remembering the answer
/// for each distinct text, so a spelling that appears a million times is
/// normalised and matched once.
pub struct CachedResolver<'a> {
    index: &'a PlaceIndex,
    cache: KeyMap<Resolution<'a>>,
    hits: u64,
}

impl<'a> CachedResolver<'a> {
    /// A resolver with an empty cache.
    pub fn new(index: &'a PlaceIndex) -> Self {
        CachedResolver {
            index,
            cache: KeyMap::default(),
            hits: 0,
        }
    }

    /// As [`PlaceIndex::resolve`].
    pub fn resolve(&mut self, text: &str) -> Resolution<'a> {
        if let Some(answer) = self.cache.get(text) {
            self.hits += 1;
            return answer.clone();
        }
        let answer = self.index.resolve(text);
        if self.cache.len() < RESOLUTION_CACHE_SIZE {
            self.cache.insert(text.to_string(), answer.clone());
        }
        answer
    }

    /// Look-ups answered from the cache.
    pub fn hits(&self) -> u64 {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Option<(String, &str)> {
        split_relation(text).map(|(r, rest)| (r.text(), rest))
    }

    #[test]
    fn relative_phrases_split_off_their_place() {
        assert_eq!(split("near Al Anbar"), Some(("near".into(), "Al Anbar")));
        assert_eq!(
            split("just outside Fallujah"),
            Some(("near".into(), "Fallujah"))
        );
        assert_eq!(
            split("outside Fallujah,"),
            Some(("near".into(), "Fallujah"))
        );
        assert_eq!(
            split("close to Jurf al-Sakhar"),
            Some(("near".into(), "Jurf al-Sakhar"))
        );
        assert_eq!(
            split("in the vicinity of Hit"),
            Some(("near".into(), "Hit"))
        );
        assert_eq!(
            split("the Jurf al-Sakhar area"),
            Some(("near".into(), "Jurf al-Sakhar"))
        );
        assert_eq!(
            split("south of Baghdad"),
            Some(("south of".into(), "Baghdad"))
        );
        assert_eq!(
            split("south-east of Hit"),
            Some(("southeast of".into(), "Hit"))
        );
        assert_eq!(
            split("north east of Erbil"),
            Some(("northeast of".into(), "Erbil"))
        );
        assert_eq!(
            split("20 km south of Baghdad"),
            Some(("20 km south of".into(), "Baghdad"))
        );
        assert_eq!(
            split("20km south of Baghdad"),
            Some(("20 km south of".into(), "Baghdad"))
        );
        assert_eq!(
            split("12 miles NW of Erbil"),
            Some(("19.3 km northwest of".into(), "Erbil"))
        );
        assert_eq!(split("western Iraq"), Some(("western".into(), "Iraq")));
    }

    #[test]
    fn plain_names_state_no_relation() {
        for text in [
            "Baghdad",
            "Al-Asad Air Base",
            "Ain al-Asad",
            "area",
            "near",
            "South Pars",
            "20 km",
        ] {
            assert_eq!(split(text), None, "{text}");
        }
    }

    #[test]
    fn absurd_stated_distances_are_not_relations() {
        assert_eq!(split("50000 km north of Hit"), None);
        let huge = format!("{} km south of Baghdad", "9".repeat(400));
        assert_eq!(split(&huge), None);
        assert_eq!(split("500 km north of Hit").unwrap().0, "500 km north of");
    }

    #[test]
    fn the_cache_answers_as_the_index_does() {
        let csv = "id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source\n\
                   jurf,Jurf al-Sakhar,town,Jurf al Saqr,,32.8667,44.2139,Babil,Iraq,5000,test\n";
        let places = crate::places::read_places("p.csv".as_ref(), csv.as_bytes()).unwrap();
        let index = PlaceIndex::new(places);
        let mut cached = CachedResolver::new(&index);
        for text in [
            "Jurf al Saqr",
            "near Jurf al Saqr",
            "Atlantis",
            "Jurf al Saqr",
        ] {
            assert_eq!(cached.resolve(text), index.resolve(text), "{text}");
        }
        assert_eq!(cached.hits(), 1);
    }

    #[test]
    fn edit_budget_grows_with_length() {
        assert_eq!(edit_budget(5), 0);
        assert_eq!(edit_budget(6), 1);
        assert_eq!(edit_budget(9), 1);
        assert_eq!(edit_budget(10), 2);
    }
}
