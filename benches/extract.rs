//! `extract` throughput on a large corpus built by repeating the five seed
//! reports, in bytes per second on one core.
//!
//! The corpus is the seeds joined one after another (each keeps its own
//! lines, page furniture included) until it passes 8 MiB, read as one
//! document: place matching, roles, dates and event details all run, and
//! the mentions and sightings are counted during setup so a change that
//! stops finding them cannot pass for a speed-up.
//!
//! ```sh
//! cargo bench --bench extract
//! ```

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geoevents::extract::Extractor;
use geoevents::geocode::PlaceIndex;

use common::{bundled_places, config, repo_file};

const SEEDS: [&str; 5] = [
    "000_d4951ca315a23b27.txt",
    "001_49d5c62dcc70bebd.txt",
    "002_c49ecf2325827ce9.txt",
    "003_af5f6a479a2a0600.txt",
    "004_50166f423c432255.txt",
];

/// Bytes the corpus reaches at least.
const CORPUS_BYTES: usize = 8 << 20;

fn corpus() -> (Vec<u8>, usize) {
    let mut one = Vec::new();
    for seed in SEEDS {
        let (path, _) = repo_file(&format!("tests/fixtures/extract/seeds/{seed}"));
        one.extend(std::fs::read(path).unwrap());
        one.extend_from_slice(b"\n\n");
    }
    let copies = CORPUS_BYTES / one.len() + 1;
    (one.repeat(copies), copies)
}

fn extract(c: &mut Criterion) {
    let index = PlaceIndex::new(bundled_places());
    let mut extractor = Extractor::new(&index);
    let (corpus, copies) = corpus();
    let doc = extractor.extract("corpus.txt", &corpus).unwrap();
    println!(
        "corpus: {} bytes, {copies} copies of the seeds; {} mentions, {} sightings",
        corpus.len(),
        doc.mentions.len(),
        doc.sightings.len()
    );
    assert!(doc.mentions.len() >= 63 * copies);
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.sample_size(10);
    group.bench_function("repeated-seeds", |b| {
        b.iter(|| black_box(extractor.extract("corpus.txt", black_box(&corpus)).unwrap()))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = extract
}
criterion_main!(benches);
