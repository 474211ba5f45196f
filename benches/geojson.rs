//! GeoJSON feature throughput: building an event's Feature
//! (`EventRecord::feature`, what the non-GeoJSON formats take), serialising
//! it with serde_json into a `Vec`, writing the event's JSON straight from
//! the record (`EventRecord::write_json`, what the GeoJSON layers do), and a
//! layer's `LayerWriter::write_event` (that plus the running bbox).
//!
//! Two sets of events: the bundled `events/events.csv` (long curated notes,
//! ~2 KB per feature) and the same events with short notes (~60 bytes, as
//! the synthetic events of `examples/synth.rs` have).
//!
//! ```sh
//! cargo bench --bench geojson
//! ```

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geoevents::distance::inverse;
use geoevents::events::EventReader;
use geoevents::geocode::PlaceIndex;
use geoevents::model::{Event, PlaceKind};
use geoevents::output::event_record::{EventRecord, JsonKeys};
use geoevents::output::geojson::{LayerWriter, NearestBase};
use geoevents::places::read_places;

use common::{config, repo_file};

fn bench_geojson(c: &mut Criterion) {
    let (path, file) = repo_file("places/places.csv");
    let index = PlaceIndex::new(read_places(&path, file).expect("valid place table"));
    let (path, file) = repo_file("events/events.csv");
    let reader = EventReader::new(&path, file).expect("valid events header");
    let extra = reader.extra_columns().to_vec();
    let long: Vec<Event> = reader.map(|e| e.expect("valid event")).collect();
    let short: Vec<Event> = long
        .iter()
        .map(|e| Event {
            notes: "Pentagon: \"a close-range ballistic missile\", no injuries.".into(),
            ..e.clone()
        })
        .collect();
    let bases: Vec<_> = index
        .places()
        .iter()
        .filter(|p| p.kind == PlaceKind::Base)
        .collect();

    for (label, events) in [("bundled events", &long), ("short notes", &short)] {
        let resolved: Vec<_> = events
            .iter()
            .map(|e| {
                let found = index.resolve(&e.place).expect("bundled events resolve");
                let nearest = bases
                    .iter()
                    .map(|&base| NearestBase {
                        base,
                        distance_km: inverse(found.position, base.position).distance_km(),
                    })
                    .min_by(|a, b| a.distance_km.total_cmp(&b.distance_km));
                (e, found, nearest)
            })
            .collect();
        let records: Vec<EventRecord> = resolved
            .iter()
            .map(|(e, found, nearest)| EventRecord::new(e, &extra, found, *nearest, 6))
            .collect();
        let bytes: usize = records
            .iter()
            .map(|r| serde_json::to_vec(r.feature()).unwrap().len())
            .sum();
        eprintln!(
            "geojson/{label}: {} features, {} bytes each on average",
            records.len(),
            bytes / records.len()
        );

        let mut group = c.benchmark_group(format!("geojson/{label}"));
        group.throughput(Throughput::Elements(resolved.len() as u64));
        group.bench_function("EventRecord::feature", |b| {
            b.iter(|| {
                for (e, found, nearest) in &resolved {
                    black_box(EventRecord::new(e, &extra, found, *nearest, 6).feature());
                }
            })
        });
        let mut sink: Vec<u8> = Vec::with_capacity(1 << 16);
        group.bench_function("EventRecord::feature + serde_json to Vec", |b| {
            b.iter(|| {
                for (e, found, nearest) in &resolved {
                    sink.clear();
                    let record = EventRecord::new(e, &extra, found, *nearest, 6);
                    serde_json::to_writer(&mut sink, record.feature()).unwrap();
                    black_box(&sink);
                }
            })
        });
        let mut keys = JsonKeys::default();
        group.bench_function("EventRecord::write_json to Vec", |b| {
            b.iter(|| {
                for r in &records {
                    sink.clear();
                    r.write_json(&mut sink, &mut keys).unwrap();
                    black_box(&sink);
                }
            })
        });
        let mut layer = LayerWriter::new(std::io::sink(), "bench.geojson").unwrap();
        group.bench_function("LayerWriter::write_event", |b| {
            b.iter(|| {
                for r in &records {
                    layer.write_event(black_box(r)).unwrap();
                }
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_geojson
}
criterion_main!(benches);
