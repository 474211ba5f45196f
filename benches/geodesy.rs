//! Geodesy throughput: the inverse problem (distance and bearing, as every
//! strike-to-base distance uses it), the direct problem, the per-event
//! nearest-base search over the bundled table's bases, and the geodesic
//! circles of uncertainty areas and range rings.
//!
//! ```sh
//! cargo bench --bench geodesy
//! ```

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geoevents::distance::{destination, inverse};
use geoevents::model::{LatLon, PlaceKind};
use geoevents::shapes::geodesic_circle;

use common::rng::Rng;
use common::{bundled_places, config};

/// Points spread over Iraq and Syria, where the events are.
fn points(n: usize, seed: u64) -> Vec<LatLon> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| LatLon::new(29.0 + 8.0 * rng.unit(), 38.0 + 10.0 * rng.unit()).unwrap())
        .collect()
}

fn bench_geodesy(c: &mut Criterion) {
    let bases: Vec<LatLon> = bundled_places()
        .into_iter()
        .filter(|p| p.kind == PlaceKind::Base)
        .map(|p| p.position)
        .collect();
    let from = points(1024, 1);
    let to = points(1024, 2);
    let bearings: Vec<f64> = (0..1024).map(|i| (i * 37 % 360) as f64).collect();
    let mut group = c.benchmark_group("geodesy");

    group.throughput(Throughput::Elements(from.len() as u64));
    group.bench_function("inverse (distance + bearing)", |b| {
        b.iter(|| {
            for (a, z) in from.iter().zip(&to) {
                black_box(inverse(black_box(*a), black_box(*z)));
            }
        })
    });
    group.bench_function("destination", |b| {
        b.iter(|| {
            for (a, &brg) in from.iter().zip(&bearings) {
                black_box(destination(black_box(*a), brg, 50_000.0));
            }
        })
    });

    // What build does per geocoded event: the inverse to every base, then
    // the minimum. Throughput in events.
    group.bench_function(
        format!("nearest of {} bases (per event)", bases.len()),
        |b| {
            b.iter(|| {
                for a in &from {
                    let nearest = bases
                        .iter()
                        .map(|&base| inverse(*a, base).distance_m)
                        .fold(f64::INFINITY, f64::min);
                    black_box(nearest);
                }
            })
        },
    );

    // Uncertainty areas: a near-town event (15 km) and a governorate (400 km).
    let centres = &from[..64];
    group.throughput(Throughput::Elements(centres.len() as u64));
    for (label, radius_m) in [("15 km", 15_000.0), ("400 km", 400_000.0)] {
        group.bench_function(format!("geodesic circle {label}"), |b| {
            b.iter(|| {
                for c in centres {
                    black_box(geodesic_circle(black_box(*c), radius_m).ok());
                }
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_geodesy
}
criterion_main!(benches);
