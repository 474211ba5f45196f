//! The fuzzy stage as it was before [`super::fuzzy_index`]: every key
//! compared with the query. Kept only for tests, as the oracle the indexed
//! stage must agree with answer for answer.

use std::collections::BTreeMap;

use super::*;
use crate::model::LatLon;
use crate::normalize::edit_distance;

/// Every `(key, place, needs_hint)` of the fuzzy stage, in key order,
/// gathered as the scan did (an entry with no need of a hint wins).
fn scan_keys(index: &PlaceIndex) -> Vec<(String, usize, bool)> {
    let mut keys: BTreeMap<(String, usize), bool> = BTreeMap::new();
    for (key, ids) in index.normalized.iter().chain(&index.core_of_names) {
        for &i in ids {
            keys.insert((key.clone(), i), false);
        }
    }
    for (key, ids) in &index.core {
        for &i in ids {
            keys.entry((key.clone(), i)).or_insert(true);
        }
    }
    keys.into_iter()
        .map(|((key, i), needs_hint)| (key, i, needs_hint))
        .collect()
}

/// The fuzzy stage by linear scan, as it stood.
fn fuzzy_by_scan<'a>(
    index: &'a PlaceIndex,
    keys: &[(String, usize, bool)],
    text: &str,
) -> Resolution<'a> {
    let (query, hint) = fuzzy_query(text);
    let query = query.as_str();
    let query_len = query.chars().count();
    let budget = edit_budget(query_len);
    let mut best: Vec<(usize, usize, f64)> = Vec::new(); // (place, edits, score)
    if !query.is_empty() {
        for (name, i, needs_hint) in keys {
            if (*needs_hint && hint.is_none()) || !hint_fits(hint, index.places[*i].kind) {
                continue;
            }
            let name_len = name.chars().count();
            if query_len.abs_diff(name_len) > query_len / 2 {
                continue;
            }
            let edits = edit_distance(query, name);
            let score = 1.0 - edits as f64 / query_len.max(name_len) as f64;
            match best.iter_mut().find(|(j, _, _)| j == i) {
                Some(entry) if entry.1 > edits || (entry.1 == edits && entry.2 < score) => {
                    *entry = (*i, edits, score);
                }
                Some(_) => {}
                None => best.push((*i, edits, score)),
            }
        }
    }
    best.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
    let within: Vec<&(usize, usize, f64)> = best.iter().filter(|b| b.1 <= budget).collect();
    match within.as_slice() {
        [] => {
            let limit = (query_len / 2).max(2);
            let suggestions = best
                .iter()
                .filter(|b| b.1 <= limit && b.2 > 0.0)
                .take(MAX_CANDIDATES)
                .map(|&(i, _, score)| index.candidate(i, score))
                .collect();
            Err(index.unresolved(UnresolvedReason::Unknown, suggestions))
        }
        [first, rest @ ..] => {
            if rest.iter().any(|b| b.1 == first.1) {
                let tied = within
                    .iter()
                    .filter(|b| b.1 == first.1)
                    .map(|&&(i, _, score)| index.candidate(i, score))
                    .collect();
                Err(index.unresolved(UnresolvedReason::Ambiguous, tied))
            } else {
                Ok(index.resolved(first.0, MatchKind::Fuzzy, round3(first.2)))
            }
        }
    }
}

/// Xorshift64: deterministic for a seed, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Few syllables, so names collide and come within an edit or two of each
/// other: ties, ambiguity and crowded suggestion lists are common.
const SYLLABLES: &[&str] = &[
    "bar", "dan", "far", "had", "kar", "mar", "qal", "ras", "sab", "tal", "zah", "ain", "umm",
    "abu", "kh", "sh", "a", "i",
];
const ARABIC: &[&str] = &["عين", "اسد", "جرف", "صخر", "تل", "قائم", "ة", "ال"];

fn generated_places(n: usize, rng: &mut Rng) -> Vec<Place> {
    let kinds = [
        PlaceKind::Town,
        PlaceKind::Town,
        PlaceKind::City,
        PlaceKind::Site,
        PlaceKind::Base,
        PlaceKind::Governorate,
    ];
    (0..n)
        .map(|i| {
            let words = 1 + rng.below(2);
            let core: Vec<String> = (0..words)
                .map(|_| (0..1 + rng.below(3)).map(|_| rng.pick(SYLLABLES)).collect())
                .collect();
            let core = core.join(" ");
            let kind = kinds[rng.below(kinds.len())];
            let name = match kind {
                PlaceKind::Base => format!("{core} Air Base"),
                PlaceKind::Governorate => format!("{core} Governorate"),
                _ => format!("Al-{core}"),
            };
            let mut aliases = vec![core.clone()];
            if rng.below(3) == 0 {
                aliases.push(format!("{core} Camp"));
            }
            if rng.below(3) == 0 {
                let mut doubled = core.clone();
                let at = rng.below(doubled.len());
                doubled.insert(at, doubled.as_bytes()[at] as char);
                aliases.push(doubled);
            }
            let name_ar = if rng.below(4) == 0 {
                format!("{} {}", rng.pick(ARABIC), rng.pick(ARABIC))
            } else {
                String::new()
            };
            Place {
                id: format!("g{i}"),
                name,
                kind,
                aliases,
                name_ar,
                position: LatLon::new(33.0, 44.0).unwrap(),
                admin1: String::new(),
                country: "Iraq".into(),
                uncertainty_m: 5_000,
                source: "generated".into(),
                line: i as u64 + 2,
            }
        })
        .collect()
}

/// One to three random edits of `text`: a dropped, added, changed,
/// doubled or swapped letter.
fn misspell(text: &str, rng: &mut Rng) -> String {
    let mut letters: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        if letters.is_empty() {
            break;
        }
        let at = rng.below(letters.len());
        match rng.below(5) {
            0 => {
                letters.remove(at);
            }
            1 => letters.insert(at, "aeiqkhs ".chars().nth(rng.below(8)).unwrap()),
            2 => letters[at] = "aeiouqkr".chars().nth(rng.below(8)).unwrap(),
            3 => letters.insert(at, letters[at]),
            _ if at + 1 < letters.len() => letters.swap(at, at + 1),
            _ => {}
        }
    }
    letters.into_iter().collect()
}

/// Queries of every kind: spellings, misspellings, with feature words and
/// relation phrases, invented names short and long.
fn queries(index: &PlaceIndex, count: usize, rng: &mut Rng) -> Vec<String> {
    let spellings: Vec<&str> = index
        .places()
        .iter()
        .flat_map(|p| {
            [p.name.as_str(), p.name_ar.as_str()]
                .into_iter()
                .chain(p.aliases.iter().map(String::as_str))
        })
        .filter(|s| !s.is_empty())
        .collect();
    (0..count)
        .map(|_| {
            let spelling = rng.pick(&spellings);
            match rng.below(8) {
                0 => spelling.to_string(),
                1..=3 => misspell(spelling, rng),
                4 => format!(
                    "{} {}",
                    misspell(spelling, rng),
                    rng.pick(&["air base", "airbase", "governorate", "town", "camp", "base"])
                ),
                5 => format!(
                    "{} {}",
                    rng.pick(&["near", "20 km south of", "western", "outskirts of"]),
                    misspell(spelling, rng)
                ),
                6 => (0..1 + rng.below(6)).map(|_| rng.pick(SYLLABLES)).collect(),
                _ => (0..1 + rng.below(80))
                    .map(|_| "abdehiklmnqrstuz  -'".chars().nth(rng.below(20)).unwrap())
                    .collect(),
            }
        })
        .collect()
}

/// Resolves every query both ways and counts the outcomes, so the test
/// can check that it exercised every branch of the fuzzy stage.
fn agree(index: &PlaceIndex, queries: &[String]) -> BTreeMap<&'static str, usize> {
    let keys = scan_keys(index);
    let mut outcomes = BTreeMap::new();
    for query in queries {
        let indexed = index.resolve(query);
        let scanned = index.resolve_with(query, |ix, text| fuzzy_by_scan(ix, &keys, text));
        assert_eq!(indexed, scanned, "query {query:?}");
        let outcome = match &indexed {
            Ok(found) => found.match_kind.as_str(),
            Err(u) if u.candidates.is_empty() => "unknown, no suggestion",
            Err(u) => u.reason.as_str(),
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    outcomes
}

#[test]
fn indexed_fuzzy_stage_agrees_with_the_scan_on_a_generated_table() {
    let mut rng = Rng(0x5eed_f022);
    let mut index = PlaceIndex::new(generated_places(300, &mut rng));
    let queries = queries(&index, 2500, &mut rng);
    // Wide radii both scanned (as a table this small is) and walked (as a
    // large one is).
    for scan_wide in [true, false] {
        index.fuzzy.index.set_scan_wide(scan_wide);
        let outcomes = agree(&index, &queries);
        for outcome in ["fuzzy", "ambiguous", "unknown", "unknown, no suggestion"] {
            assert!(
                outcomes.get(outcome).copied().unwrap_or(0) >= 20,
                "{outcomes:?}"
            );
        }
    }
}

#[test]
fn indexed_fuzzy_stage_agrees_with_the_scan_on_the_bundled_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/places/places.csv");
    let csv = std::fs::read(path).unwrap();
    let mut index = PlaceIndex::new(crate::places::read_places(path.as_ref(), &csv[..]).unwrap());
    let mut rng = Rng(0x0b0d_1ed5);
    let queries = queries(&index, 3000, &mut rng);
    for scan_wide in [true, false] {
        index.fuzzy.index.set_scan_wide(scan_wide);
        let outcomes = agree(&index, &queries);
        for outcome in ["fuzzy", "unknown", "unknown, no suggestion"] {
            assert!(
                outcomes.get(outcome).copied().unwrap_or(0) >= 20,
                "{outcomes:?}"
            );
        }
    }
}
