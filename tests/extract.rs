//! `geoevents extract`: place mentions against hand labels, drafted events
//! against the curated events file, and bad input.
//!
//! The labels in `tests/fixtures/extract/` were written by reading the
//! texts (see the README section "How well it reads"); the seeds are
//! byte-for-byte copies of the five seed reports.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_exit, repo, stderr, stdout, Workdir};
use geoevents::extract::score::{read_labels, score, Label, Scores};
use geoevents::extract::{Extractor, Role, MENTION_FIELDS};
use geoevents::pipeline::load_place_index;

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/extract")
}

fn texts(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = fs::read_dir(fixtures().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".txt"))
        .collect();
    files.sort();
    files
}

fn places() -> String {
    repo()
        .join("places/places.csv")
        .to_string_lossy()
        .into_owned()
}

/// Runs `extract --format csv` on `files` and reads its mentions back.
fn found(wd: &Workdir, files: &[String], extra: &[&str]) -> Vec<Label> {
    let places = places();
    let mut args = vec!["extract", "--places", places.as_str(), "--format", "csv"];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    let out = wd.run(&args);
    assert_exit(&out, 0);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, MENTION_FIELDS);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Label {
                file: Path::new(&r[0])
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                start: r[1].parse().unwrap(),
                end: r[2].parse().unwrap(),
                text: r[3].to_string(),
                place_id: r[5].to_string(),
                role: Role::parse(&r[10]).unwrap(),
            }
        })
        .collect()
}

fn labels(name: &str) -> Vec<Label> {
    let path = fixtures().join(name);
    read_labels(&path, fs::File::open(&path).unwrap()).unwrap()
}

fn report(scores: &Scores) -> String {
    let list = |l: &[Label]| {
        l.iter()
            .map(|l| {
                format!(
                    "  {}:{}-{} {:?} {} {}",
                    l.file,
                    l.start,
                    l.end,
                    l.text,
                    l.place_id,
                    l.role.as_str()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "strict {:?}\nspans {:?}\nfalse positives:\n{}\nmisses:\n{}",
        scores.strict,
        scores.spans,
        list(&scores.false_positives),
        list(&scores.misses)
    )
}

#[test]
fn every_labelled_text_is_the_text_at_its_offsets() {
    for (labels_file, dir) in [("seed_labels.csv", "seeds"), ("own_labels.csv", "own")] {
        for l in labels(labels_file) {
            let bytes = fs::read(fixtures().join(dir).join(&l.file)).unwrap();
            assert_eq!(
                &bytes[l.start..l.end],
                l.text.as_bytes(),
                "{labels_file}: {l:?}"
            );
        }
    }
}

#[test]
fn seeds_precision_and_recall_are_one() {
    let wd = Workdir::new();
    let scores = score(
        &found(&wd, &texts("seeds"), &[]),
        &labels("seed_labels.csv"),
    );
    assert_eq!(scores.strict.labelled, 63, "{}", report(&scores));
    assert_eq!(scores.strict.precision(), 1.0, "{}", report(&scores));
    assert_eq!(scores.strict.recall(), 1.0, "{}", report(&scores));
}

/// What the extractor reaches on the sentences written for this test:
/// the README reports these figures. Two known errors: "Hit by a drone"
/// (a verb at the start of a sentence, read as the town of Hit) and
/// Haditha, where rockets were "fired from the outskirts of Haditha" (a
/// launch site the labels count as an event location; "from" is not read
/// as placing an event).
#[test]
fn own_fixture_precision_and_recall() {
    let wd = Workdir::new();
    let scores = score(&found(&wd, &texts("own"), &[]), &labels("own_labels.csv"));
    let s = scores.strict;
    assert_eq!(
        (s.correct, s.found, s.labelled),
        (51, 53, 52),
        "{}",
        report(&scores)
    );
    assert!(
        s.precision() >= 0.96 && s.recall() >= 0.98,
        "{}",
        report(&scores)
    );
    assert_eq!(
        (scores.spans.correct, scores.spans.found),
        (52, 53),
        "{}",
        report(&scores)
    );
    let wrong: BTreeSet<&str> = scores
        .false_positives
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        wrong,
        BTreeSet::from(["Haditha", "Hit"]),
        "{}",
        report(&scores)
    );
}

#[test]
fn people_actors_and_non_gazetteer_places_are_not_mentions() {
    let wd = Workdir::new();
    let mentions = found(&wd, &texts("own"), &[]);
    let texts: Vec<&str> = mentions.iter().map(|m| m.text.as_str()).collect();
    for not_a_place in [
        "Assad",
        "Asad",
        "al-Baghdadi",
        "Deir ez-Zor",
        "Mosul",
        "Kirkuk",
        "Damascus",
        "Anbar Governor",
    ] {
        assert!(!texts.contains(&not_a_place), "{not_a_place} in {texts:?}");
    }
    // Hafez al-Asad, the Islamic Resistance in Iraq, the Baghdad Operations
    // Command, the Anbar Governor: no mention overlaps them.
    let own_101 = fs::read_to_string(fixtures().join("own/101_asad_rockets.txt")).unwrap();
    for name in [
        "Hafez al-Asad",
        "Islamic Resistance in Iraq",
        "Anbar Governor",
    ] {
        let at = own_101.find(name).unwrap();
        let hit = mentions
            .iter()
            .any(|m| m.file == "101_asad_rockets.txt" && m.start < at + name.len() && at < m.end);
        assert!(!hit, "{name}");
    }
}

#[test]
fn the_sidebar_of_seed_000_is_furniture_and_drafts_nothing() {
    let index = load_place_index(&repo().join("places/places.csv")).unwrap();
    let mut extractor = Extractor::new(&index);
    let path = fixtures().join("seeds/000_d4951ca315a23b27.txt");
    let bytes = fs::read(&path).unwrap();
    let doc = extractor
        .extract("000_d4951ca315a23b27.txt", &bytes)
        .unwrap();
    let sidebar = String::from_utf8_lossy(&bytes).find("\nOpinion\n").unwrap() + 1;
    assert_eq!(doc.furniture_start, Some(sidebar));
    assert!(doc.sightings.iter().all(|s| s.offset < sidebar));
    // The other seeds have no furniture.
    for file in texts("seeds").iter().skip(1) {
        let doc = extractor.extract(file, &fs::read(file).unwrap()).unwrap();
        assert_eq!(doc.furniture_start, None, "{file}");
    }
}

/// A draft row as read back.
struct Row {
    id: String,
    date: String,
    kind: String,
    place: String,
    sources: String,
    notes: String,
}

fn read_rows(path: &Path) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, geoevents::events::EVENT_COLUMNS);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                id: r[0].to_string(),
                date: r[1].to_string(),
                kind: r[2].to_string(),
                place: r[6].to_string(),
                sources: r[11].to_string(),
                notes: r[12].to_string(),
            }
        })
        .collect()
}

#[test]
fn drafted_events_cover_the_curated_events() {
    let wd = Workdir::new();
    found(&wd, &texts("seeds"), &["--draft-events", "draft.csv"]);
    let draft = read_rows(&wd.path().join("draft.csv"));
    let curated = read_rows(&repo().join("events/events.csv"));
    let index = load_place_index(&repo().join("places/places.csv")).unwrap();
    let place_of = |text: &str| index.resolve(text).unwrap().place.id.clone();
    let mut exact = Vec::new();
    let mut undated = Vec::new();
    for event in &curated {
        let same = |r: &&Row| r.kind == event.kind && place_of(&r.place) == place_of(&event.place);
        let shares_source = |r: &Row| r.sources.split(';').any(|s| event.sources.contains(s));
        if draft.iter().filter(same).any(|r| r.date == event.date) {
            exact.push(event.id.as_str());
        } else if draft
            .iter()
            .filter(same)
            .any(|r| r.date.is_empty() && shares_source(r))
        {
            undated.push(event.id.as_str());
        } else {
            panic!("curated event {} was not drafted", event.id);
        }
    }
    assert_eq!(
        exact,
        [
            "20231120-al-asad-attack",
            "20231122-al-anbar-strike",
            "20231122-jurf-al-sakhar-strike"
        ]
    );
    // 001 and 004 print no date; the AC-130 strike is dated only "Tuesday"
    // and "the day after" in reports without a dated dateline.
    assert_eq!(
        undated,
        [
            "20231121-iraq-strike",
            "20240120-al-asad-attack",
            "20240124-al-qaim-strike",
            "20240124-jurf-al-sakhar-strike"
        ]
    );
    // No row is a tally, and none comes from the sidebar of 000.
    let tallies = [
        "66 times",
        "151 attacks",
        "five dozen",
        "three occasions",
        "several instances",
        "four pre-planned",
        "three earlier",
        "eighth round",
        "series of escalatory",
        "2,500",
        "Counterterrorism",
        "Kurram",
        "stock market",
    ];
    for row in &draft {
        for tally in tallies {
            assert!(
                !row.notes.contains(tally),
                "{} drafted from {tally:?}: {}",
                row.id,
                row.notes
            );
        }
        assert!(
            !row.date.starts_with("2024-11"),
            "{} dated from the sidebar",
            row.id
        );
    }
}

#[test]
fn the_draft_is_deterministic_and_written_whole() {
    let wd = Workdir::new();
    let seeds = texts("seeds");
    let a = found(&wd, &seeds, &["--draft-events", "out/a.csv"]);
    let b = found(&wd, &seeds, &["--draft-events", "out/b.csv"]);
    assert_eq!(a, b);
    assert_eq!(wd.bytes("out/a.csv"), wd.bytes("out/b.csv"));
    assert_eq!(
        wd.list("out"),
        ["a.csv", "b.csv"],
        "no temporary file left behind"
    );
    // A draft path that is a directory is refused and nothing is written.
    fs::create_dir(wd.path().join("out/taken.csv")).unwrap();
    let places = places();
    let out = wd.run(&[
        "extract",
        "--places",
        &places,
        "--draft-events",
        "out/taken.csv",
        &seeds[0],
    ]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("geoevents: error:"),
        "{}",
        stderr(&out)
    );
    assert_eq!(wd.list("out"), ["a.csv", "b.csv", "taken.csv"]);

    // A report named as the draft by mistake is refused, not overwritten;
    // an earlier draft is replaced.
    let report = wd.write("out/report.txt", fs::read(&seeds[1]).unwrap());
    let report = report.to_str().unwrap();
    let out = wd.run(&[
        "extract",
        "--places",
        &places,
        "--draft-events",
        report,
        &seeds[0],
    ]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("not an earlier draft"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(report).unwrap(), fs::read(&seeds[1]).unwrap());
    let again = found(&wd, &seeds, &["--draft-events", "out/a.csv"]);
    assert_eq!(again, a);
    assert_eq!(wd.bytes("out/a.csv"), wd.bytes("out/b.csv"));
}

#[test]
fn json_lines_carry_every_field_in_order() {
    let wd = Workdir::new();
    let places = places();
    let seed = &texts("seeds")[4];
    let out = wd.run(&["extract", "--places", &places, "--format", "json", seed]);
    assert_exit(&out, 0);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys, MENTION_FIELDS);
    assert_eq!(first["text"], "Iraq");
    assert_eq!(first["role"], "event_location");
    let text = wd.run(&["extract", "--places", &places, seed]);
    assert!(
        stdout(&text).contains("event_location  al-qaim (Al-Qa'im)  \"Al-Qa’im\""),
        "{}",
        stdout(&text)
    );
}

/// Mentions of a file as (text, place, role), and a check that each text
/// stands at its byte offsets in the file.
fn mentions_of(wd: &Workdir, name: &str) -> Vec<(String, String, Role)> {
    let path = wd.path().join(name).to_string_lossy().into_owned();
    let bytes = fs::read(&path).unwrap();
    found(wd, &[path], &[])
        .into_iter()
        .map(|m| {
            assert_eq!(&bytes[m.start..m.end], m.text.as_bytes(), "{m:?}");
            (m.text, m.place_id, m.role)
        })
        .collect()
}

#[test]
fn crlf_and_a_bom_change_offsets_but_not_mentions() {
    let wd = Workdir::new();
    let seed = fs::read_to_string(&texts("seeds")[2]).unwrap();
    wd.write("lf.txt", &seed);
    wd.write("crlf.txt", seed.replace('\n', "\r\n"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(seed.as_bytes());
    wd.write("bom.txt", bom);
    let lf = mentions_of(&wd, "lf.txt");
    assert_eq!(lf.len(), 21);
    assert_eq!(mentions_of(&wd, "crlf.txt"), lf);
    assert_eq!(mentions_of(&wd, "bom.txt"), lf);
}

#[test]
fn invalid_utf8_is_replaced_with_a_warning_naming_file_and_offset() {
    let wd = Workdir::new();
    let mut bytes =
        b"Rockets struck Ain al-Asad air base \xFF\xFE on Monday, wounding two.\n".to_vec();
    bytes.extend_from_slice(b"A drone hit Erbil airport.\n");
    wd.write("bad.txt", &bytes);
    let places = places();
    let out = wd.run(&["extract", "--places", &places, "bad.txt"]);
    assert_exit(&out, 0);
    // Each byte that cannot start a character is its own bad sequence.
    for byte in [36, 37] {
        let warning = format!(
            "geoevents: warning: bad.txt: byte {byte}: 1 invalid UTF-8 byte replaced by U+FFFD"
        );
        assert!(stderr(&out).contains(&warning), "{}", stderr(&out));
    }
    let mentions = mentions_of(&wd, "bad.txt");
    let names: Vec<&str> = mentions.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(names, ["Ain al-Asad air base", "Erbil airport"]);
}

#[test]
fn empty_utf16_and_missing_files() {
    let wd = Workdir::new();
    wd.write("empty.txt", "");
    let places = places();
    let out = wd.run(&["extract", "--places", &places, "empty.txt"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("geoevents: warning: empty.txt: the file is empty"),
        "{}",
        stderr(&out)
    );
    wd.write("utf16.txt", b"\xFF\xFEB\x00a\x00");
    let out = wd.run(&["extract", "--places", &places, "utf16.txt"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("geoevents: error: utf16.txt: not readable as text: it starts with a UTF-16 byte-order mark"),
        "{}",
        stderr(&out)
    );
    let out = wd.run(&["extract", "--places", &places, "empty.txt", "missing.txt"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).starts_with("geoevents: error: missing.txt:"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "",
        "nothing is read before every file is checked"
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let wd = Workdir::new();
    let places = places();
    let out = wd.run_with_stdin(
        &["extract", "--places", &places, "--format", "csv", "-"],
        "Jets struck Jurf al Saqr, south of Baghdad.",
    );
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("-,12,24,Jurf al Saqr"), "{text}");
    assert!(
        text.contains("baghdad,Baghdad,name,1.000,0.95,reference"),
        "{text}"
    );
}

/// One line of about `bytes` bytes: the seeds' sentences, joined by
/// spaces, over and over.
fn single_line(bytes: usize) -> (String, usize) {
    let seeds: Vec<String> = texts("seeds")
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect();
    let one: String = seeds
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        + " ";
    let copies = bytes / one.len() + 1;
    (one.repeat(copies), copies)
}

#[test]
fn a_several_megabyte_single_line_file_is_read() {
    let (line, copies) = single_line(4 << 20);
    let index = load_place_index(&repo().join("places/places.csv")).unwrap();
    let mut extractor = Extractor::new(&index);
    let once = extractor
        .extract("one.txt", single_line(1).0.as_bytes())
        .unwrap()
        .mentions
        .len();
    let doc = extractor.extract("big.txt", line.as_bytes()).unwrap();
    assert!(doc.warnings.is_empty());
    assert_eq!(doc.mentions.len(), once * copies);
}

/// The 100 MB case: `cargo test --release --test extract -- --ignored`.
#[test]
#[ignore = "100 MB; run with --release --ignored"]
fn a_hundred_megabyte_single_line_file_is_read() {
    let wd = Workdir::new();
    let (line, copies) = single_line(100 << 20);
    wd.write("big.txt", &line);
    let places = places();
    let out = wd.run(&["extract", "--places", &places, "--format", "csv", "big.txt"]);
    assert_exit(&out, 0);
    let rows = stdout(&out).lines().count() - 1;
    assert_eq!(rows % copies, 0);
    assert!(rows >= copies * 60);
}
