//! Name normalisation and geocoding throughput.
//!
//! Two place tables: the bundled `places/places.csv` (33 places, ~280
//! spellings) and a 50 000-place synthetic gazetteer built here in code,
//! with realistic spellings (article and hyphen variants, feature words).
//! Every query set is checked during setup to land where its name says
//! (an exact alias hit, a fuzzy match, an unknown name …), and the mix is
//! printed, so a change of geocoding rules cannot silently turn a fuzzy
//! benchmark into an exact one.
//!
//! Each iteration resolves one query, cycling through the set, and the
//! throughput is reported in look-ups per second.
//!
//! ```sh
//! cargo bench --bench geocode
//! cargo bench --bench geocode -- gazetteer-50k   # one group
//! ```

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use criterion::{measurement::WallTime, SamplingMode};

use geoevents::geocode::{PlaceIndex, Resolution, UnresolvedReason};
use geoevents::model::{LatLon, MatchKind, Place, PlaceKind};
use geoevents::normalize::normalize;

use common::rng::Rng;
use common::{bundled_places, config};

/// Places in the synthetic gazetteer.
const GAZETTEER_PLACES: usize = 50_000;
/// The system allocator, counting the bytes in use, so the bench can say
/// how much memory the place index holds.
struct CountingAllocator;

static HEAP_IN_USE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HEAP_IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HEAP_IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        HEAP_IN_USE.fetch_add(new_size, Ordering::Relaxed);
        HEAP_IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Fuzzy queries against the gazetteer.
const FUZZY_QUERIES: usize = 2000;

/// Syllables of the synthetic names; a place's core name spells its index
/// in base 20, so every core is distinct.
const SYLLABLES: [&str; 20] = [
    "bar", "dan", "far", "gha", "had", "jab", "kar", "lam", "mar", "nas", "qal", "ras", "sab",
    "tal", "wad", "yar", "zah", "kub", "hum", "sha",
];

fn core_of(mut i: usize) -> String {
    let mut core = String::new();
    for _ in 0..4 {
        core.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
    }
    let mut chars = core.chars();
    let first = chars.next().unwrap().to_ascii_uppercase();
    std::iter::once(first).chain(chars).collect()
}

/// A gazetteer of `n` places: towns, sites, bases, cities, a few
/// governorates, each with its name and three or four aliases, positioned
/// over Iraq and Syria.
fn synthetic_gazetteer(n: usize) -> Vec<Place> {
    let mut rng = Rng(0x6a7e_77ee);
    (0..n)
        .map(|i| {
            let core = core_of(i);
            let kind = match i % 20 {
                0..=9 => PlaceKind::Town,
                10..=14 => PlaceKind::Site,
                15..=16 => PlaceKind::Base,
                17..=18 => PlaceKind::City,
                _ => PlaceKind::Governorate,
            };
            let (name, mut aliases) = match kind {
                PlaceKind::Base => (
                    format!("{core} Air Base"),
                    vec![
                        format!("{core} Airbase"),
                        format!("Al-{core} air base"),
                        format!("Camp {core}"),
                    ],
                ),
                PlaceKind::Governorate => (
                    format!("{core} Governorate"),
                    vec![format!("{core} province"), format!("Al-{core} Governorate")],
                ),
                _ => (
                    format!("Al-{core}"),
                    vec![
                        format!("Al {core}"),
                        format!("al-{}", core.to_lowercase()),
                        core.clone(),
                    ],
                ),
            };
            if i % 3 == 0 {
                // A transliteration variant: a doubled consonant.
                let mut variant = core.clone();
                variant.insert(2, variant.as_bytes()[2] as char);
                aliases.push(variant);
            }
            Place {
                id: format!("p{i}-{}", core.to_lowercase()),
                name,
                kind,
                aliases,
                name_ar: String::new(),
                position: LatLon::new(29.0 + 8.0 * rng.unit(), 38.0 + 10.0 * rng.unit()).unwrap(),
                admin1: String::new(),
                country: "Iraq".into(),
                uncertainty_m: 5_000,
                source: "synthetic".into(),
                line: i as u64 + 2,
            }
        })
        .collect()
}

/// A dropped letter in the middle of the longest word.
fn typo(text: &str, rng: &mut Rng) -> String {
    let (start, word) = text
        .split(' ')
        .scan(0, |at, w| {
            let s = *at;
            *at += w.len() + 1;
            Some((s, w))
        })
        .max_by_key(|(_, w)| w.len())
        .unwrap();
    let mut out = text.to_string();
    if word.len() > 3 && word.is_ascii() {
        let i = start + 1 + rng.below(word.len() as u64 - 2) as usize;
        out.remove(i);
    }
    out
}

/// How a resolution came out, for checking and printing query sets.
fn outcome(r: &Resolution<'_>) -> &'static str {
    match r {
        Ok(found) => found.match_kind.as_str(),
        Err(u) => u.reason.as_str(),
    }
}

/// Keeps the queries whose outcome is `want`, and says how many.
fn only(index: &PlaceIndex, what: &str, queries: Vec<String>, want: &[&str]) -> Vec<String> {
    let total = queries.len();
    let kept: Vec<String> = queries
        .into_iter()
        .filter(|q| want.contains(&outcome(&index.resolve(q))))
        .collect();
    eprintln!(
        "  {what}: {} queries ({} of {total} came out {})",
        kept.len(),
        kept.len(),
        want.join("/")
    );
    assert!(!kept.is_empty(), "{what}: no query came out {want:?}");
    kept
}

/// Benchmarks `f` on one item per iteration, cycling through `items`.
fn cycle<T, R>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    items: &[T],
    mut f: impl FnMut(&T) -> R,
) {
    group.throughput(Throughput::Elements(1));
    let mut i = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            i += 1;
            if i == items.len() {
                i = 0;
            }
            black_box(f(black_box(&items[i])))
        })
    });
}

fn bench_normalize(c: &mut Criterion) {
    let places = bundled_places();
    let mut rng = Rng(7);
    let mut names: Vec<String> = Vec::new();
    for p in &places {
        names.push(p.name.clone());
        names.extend(p.aliases.iter().cloned());
        if !p.name_ar.is_empty() {
            names.push(p.name_ar.clone());
        }
    }
    let variants: Vec<String> = names
        .iter()
        .flat_map(|n| {
            [
                n.to_uppercase(),
                format!("near {n}"),
                format!("20 km south of {n}"),
                typo(n, &mut rng),
            ]
        })
        .collect();
    names.extend(variants);
    let bytes: usize = names.iter().map(String::len).sum();
    eprintln!(
        "normalize: {} names (Latin and Arabic script, with case, relation and typo variants), {:.1} bytes each",
        names.len(),
        bytes as f64 / names.len() as f64
    );
    let mut group = c.benchmark_group("normalize");
    cycle(&mut group, "mixed names", &names, |n| normalize(n));
    group.finish();
}

fn bench_bundled(c: &mut Criterion) {
    let places = bundled_places();
    let mut rng = Rng(11);
    let names: Vec<String> = places.iter().map(|p| p.name.clone()).collect();
    let aliases: Vec<String> = places
        .iter()
        .flat_map(|p| p.aliases.iter().cloned().chain([p.name_ar.clone()]))
        .filter(|a| !a.is_empty())
        .collect();
    let spellings: Vec<String> = names.iter().chain(&aliases).cloned().collect();
    let index = PlaceIndex::new(places);
    eprintln!("geocode/bundled: {} places", index.places().len());
    let exact = only(&index, "name", names, &["name"]);
    let alias = only(&index, "alias", aliases, &["alias"]);
    let normalized = only(
        &index,
        "normalized",
        spellings
            .iter()
            .flat_map(|s| [s.to_uppercase(), s.replace('-', " "), format!("{s} town")])
            .collect(),
        &["normalized"],
    );
    let relation = only(
        &index,
        "relation",
        spellings
            .iter()
            .flat_map(|s| [format!("near {s}"), format!("20 km south of {s}")])
            .collect(),
        &["name", "alias", "normalized"],
    );
    let fuzzy = only(
        &index,
        "fuzzy",
        spellings.iter().map(|s| typo(s, &mut rng)).collect(),
        &["fuzzy"],
    );
    let unknown = only(
        &index,
        "unknown",
        (0..200)
            .map(|i| format!("{} {}", core_of(i * 7919), core_of(i * 104_729 + 3)))
            .collect(),
        &["unknown"],
    );
    let mut group = c.benchmark_group("geocode/bundled");
    cycle(&mut group, "exact name", &exact, |q| {
        index.resolve(q).is_ok()
    });
    cycle(&mut group, "exact alias", &alias, |q| {
        index.resolve(q).is_ok()
    });
    cycle(&mut group, "normalized", &normalized, |q| {
        index.resolve(q).is_ok()
    });
    cycle(&mut group, "relation phrase", &relation, |q| {
        index.resolve(q).is_ok()
    });
    cycle(&mut group, "fuzzy", &fuzzy, |q| index.resolve(q).is_ok());
    cycle(&mut group, "unknown", &unknown, |q| {
        index.resolve(q).is_ok()
    });
    group.finish();
}

fn bench_gazetteer(c: &mut Criterion) {
    let places = synthetic_gazetteer(GAZETTEER_PLACES);
    let table = places.clone();
    let heap_before = HEAP_IN_USE.load(Ordering::Relaxed);
    let start = Instant::now();
    let index = PlaceIndex::new(table);
    let built = start.elapsed();
    // The table moved into the index was allocated before, so this is what
    // indexing it added.
    let index_heap = HEAP_IN_USE.load(Ordering::Relaxed) - heap_before;
    let spellings: usize = places.iter().map(|p| 2 + p.aliases.len()).sum();
    eprintln!(
        "geocode/gazetteer-50k: {} places, {spellings} spellings (with ids), indexed in {:.2} s, {} collision warnings",
        index.places().len(),
        built.as_secs_f64(),
        index.warnings().len()
    );
    eprintln!(
        "  index memory beyond the table: {:.1} MB, of which the fuzzy index {:.1} MB",
        index_heap as f64 / 1e6,
        index.fuzzy_index_bytes() as f64 / 1e6
    );
    let mut rng = Rng(13);
    let pick = |rng: &mut Rng, n: usize| -> Vec<&Place> {
        (0..n)
            .map(|_| &places[rng.below(places.len() as u64) as usize])
            .collect()
    };
    let exact = only(
        &index,
        "name",
        pick(&mut rng, 2000)
            .iter()
            .map(|p| p.name.clone())
            .collect(),
        &["name"],
    );
    let alias = only(
        &index,
        "alias",
        pick(&mut rng, 2000)
            .iter()
            .map(|p| p.aliases[rng.below(p.aliases.len() as u64) as usize].clone())
            .collect(),
        &["alias"],
    );
    let candidates: Vec<String> = pick(&mut rng, FUZZY_QUERIES)
        .iter()
        .map(|p| typo(&p.name, &mut rng))
        .collect();
    let start = Instant::now();
    // A dropped letter lands either on a unique closest name (fuzzy) or
    // within one edit of two names (ambiguous).
    let fuzzy = only(&index, "fuzzy", candidates, &["fuzzy", "ambiguous"]);
    eprintln!(
        "  (checking them took {:.2} µs a look-up)",
        start.elapsed().as_secs_f64() * 1e6 / FUZZY_QUERIES as f64
    );
    let unknown = only(
        &index,
        "unknown",
        (0..FUZZY_QUERIES / 2)
            .map(|i| format!("Xoqvizu {i}"))
            .collect(),
        &["unknown"],
    );
    let mut group = c.benchmark_group("gazetteer-50k");
    cycle(&mut group, "exact name", &exact, |q| {
        index.resolve(q).is_ok()
    });
    cycle(&mut group, "exact alias", &alias, |q| {
        index.resolve(q).is_ok()
    });
    cycle(&mut group, "fuzzy", &fuzzy, |q| match index.resolve(q) {
        Ok(found) => found.match_kind == MatchKind::Fuzzy,
        Err(u) => u.reason == UnresolvedReason::Ambiguous,
    });
    cycle(&mut group, "unknown", &unknown, |q| {
        index.resolve(q).is_ok()
    });
    group.finish();

    let mut group = c.benchmark_group("gazetteer-50k/index");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .throughput(Throughput::Elements(places.len() as u64));
    group.bench_function("PlaceIndex::new", |b| {
        b.iter_batched(
            || places.clone(),
            |p| PlaceIndex::new(black_box(p)),
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_normalize, bench_bundled, bench_gazetteer
}
criterion_main!(benches);
