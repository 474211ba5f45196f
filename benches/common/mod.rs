//! What the criterion benches share: the generator, the bundled data and
//! the criterion settings that keep `cargo bench` to a few minutes on a
//! two-core machine.
#![allow(dead_code)]

pub mod rng;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use geoevents::model::Place;
use geoevents::places::read_places;

/// A file of the repository, opened, with its path.
pub fn repo_file(name: &str) -> (PathBuf, File) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    let file = File::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    (path, file)
}

/// The bundled place table, `places/places.csv`.
pub fn bundled_places() -> Vec<Place> {
    let (path, file) = repo_file("places/places.csv");
    read_places(&path, file).expect("the bundled place table is valid")
}

/// Short runs: 20 samples over 3 s after a 1 s warm-up.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}
