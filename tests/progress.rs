//! Progress reports from a build: every so many events and once at the end
//! of the events file, with bytes read against the file's size.

mod common;

use common::{Workdir, EVENTS_HEADER, PLACES};
use geoevents::pipeline::{build_with_progress, BuildOptions, Progress, PROGRESS_EVERY};

#[test]
fn a_build_reports_progress_through_the_events_file() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    let n = PROGRESS_EVERY * 2 + 5;
    let rows: String = (0..n)
        .map(|i| format!("e{i},2024-01-24,attack,drone,KH,base,Al-Asad Airbase,,,,,a.txt,\n"))
        .collect();
    let events = wd.write("events.csv", format!("{EVENTS_HEADER}\n{rows}"));
    let mut options = BuildOptions::new(
        wd.path().join("places.csv"),
        events.clone(),
        wd.path().join("out"),
    );
    options.map = None;
    options.preview = false;
    options.formats = vec![geoevents::output::layer::Format::GeoJson];
    let mut seen: Vec<Progress> = Vec::new();
    let report = build_with_progress(&options, &mut |p| seen.push(p)).unwrap();
    assert_eq!(report.events_read as u64, n);
    let size = std::fs::metadata(&events).unwrap().len();
    let counts: Vec<u64> = seen.iter().map(|p| p.events).collect();
    assert_eq!(counts, [PROGRESS_EVERY, 2 * PROGRESS_EVERY, n]);
    assert!(seen
        .iter()
        .all(|p| p.total_bytes == size && p.bytes <= size));
    assert!(seen[0].bytes < seen[1].bytes && seen[1].bytes < size);
    assert_eq!(seen[2].bytes, size);
}
