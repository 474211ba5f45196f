//! Bad input: one clear error naming file, line and field, exit status 1,
//! and nothing written (an earlier good output stays as it was).

mod common;

use common::{assert_exit, stderr, Workdir, EVENTS_HEADER, PLACES, PLACES_HEADER};

const GOOD_EVENT: &str = "ok,2023-11-22,strike,airstrike,US,KH,Jurf al Saqr,,,,,a.txt,";

/// Builds with the given places and events text and returns stderr; asserts
/// exit 1, that no output or temporary file was left in a fresh out dir,
/// and that a previous good build in `kept/` is unchanged.
fn fails(places: &[u8], events: &[u8]) -> String {
    let wd = Workdir::new();
    wd.write("good-places.csv", PLACES);
    wd.write(
        "good-events.csv",
        format!("{EVENTS_HEADER}\n{GOOD_EVENT}\n"),
    );
    let first = wd.build_from("good-places.csv", "good-events.csv", "kept", &[]);
    assert_exit(&first, 0);
    let names = wd.list("kept");
    let before = wd.contents("kept");

    wd.write("places.csv", places);
    wd.write("events.csv", events);
    for out in ["fresh", "kept"] {
        let run = wd.build_from("places.csv", "events.csv", out, &[]);
        assert_exit(&run, 1);
        if out == "fresh" {
            assert_eq!(wd.list("fresh"), Vec::<String>::new(), "nothing written");
        }
    }
    assert_eq!(wd.list("kept"), names, "no temporary files left");
    let after = wd.contents("kept");
    assert_eq!(before, after, "the earlier output is untouched");

    let run = wd.build_from("places.csv", "events.csv", "fresh", &[]);
    stderr(&run)
}

fn events(rows: &str) -> Vec<u8> {
    format!("{EVENTS_HEADER}\n{rows}").into_bytes()
}

fn places(rows: &str) -> Vec<u8> {
    format!("{PLACES}{rows}").into_bytes()
}

#[test]
fn missing_column() {
    let text = "id,date,kind,subtype,actor,target,killed_low,killed_high,injured_low,injured_high,sources,notes\n";
    let err = fails(PLACES.as_bytes(), text.as_bytes());
    assert_eq!(
        err,
        "geoevents: error: events.csv: line 1: missing column 'place' (the header has: id,date,kind,subtype,actor,target,killed_low,killed_high,injured_low,injured_high,sources,notes)\n"
    );
}

#[test]
fn missing_place_column() {
    let header = PLACES_HEADER.replace(",uncertainty_m", "");
    let err = fails(format!("{header}\n").as_bytes(), &events(GOOD_EVENT));
    assert!(
        err.starts_with("geoevents: error: places.csv: line 1: missing column 'uncertainty_m'"),
        "{err}"
    );
}

#[test]
fn bad_date() {
    let err = fails(
        PLACES.as_bytes(),
        &events(&format!(
            "{GOOD_EVENT}\nbad,2023-02-30,strike,,,,Jurf al Saqr,,,,,,\n"
        )),
    );
    assert_eq!(
        err,
        "geoevents: error: events.csv: line 3, field 'date': expected a calendar date as YYYY-MM-DD: \"2023-02-30\"\n"
    );
}

#[test]
fn latitude_out_of_range() {
    let err = fails(
        &places("bad,Bad,town,,,91.0000,44.0000,,Iraq,100,s\n"),
        &events(GOOD_EVENT),
    );
    assert_eq!(
        err,
        "geoevents: error: places.csv: line 6, field 'lat': out of range: must lie in [-90, 90]: \"91.0000\"\n"
    );
}

#[test]
fn longitude_out_of_range() {
    let err = fails(
        &places("bad,Bad,town,,,33.0000,-180.5000,,Iraq,100,s\n"),
        &events(GOOD_EVENT),
    );
    assert!(
        err.contains(
            "places.csv: line 6, field 'lon': out of range: must lie in [-180, 180]: \"-180.5000\""
        ),
        "{err}"
    );
}

#[test]
fn duplicate_event_id() {
    let err = fails(
        PLACES.as_bytes(),
        &events(&format!("{GOOD_EVENT}\n{GOOD_EVENT}\n")),
    );
    assert_eq!(
        err,
        "geoevents: error: events.csv: line 3, field 'id': duplicate id \"ok\" (first used on line 2)\n"
    );
}

#[test]
fn duplicate_place_id() {
    let row = "jurf-al-sakhar,Jurf al-Sakhar,town,,,32.8667,44.2139,Babil,Iraq,5000,Wikipedia\n";
    let err = fails(&places(row), &events(GOOD_EVENT));
    assert_eq!(
        err,
        "geoevents: error: places.csv: line 6, field 'id': duplicate id \"jurf-al-sakhar\" (first used on line 5)\n"
    );
}

#[test]
fn place_id_given_twice_with_different_coordinates() {
    let row = "jurf-al-sakhar,Jurf al-Nasr,town,,,32.9000,44.2139,Babil,Iraq,5000,elsewhere\n";
    let err = fails(&places(row), &events(GOOD_EVENT));
    assert_eq!(
        err,
        "geoevents: error: places.csv: line 6, field 'lat,lon': place id \"jurf-al-sakhar\" is given twice with different coordinates: 32.866700,44.213900 on line 5, 32.900000,44.213900 on line 6\n"
    );
}

#[test]
fn non_utf8_byte_in_events() {
    let mut bytes = events(GOOD_EVENT);
    bytes.extend_from_slice(b"\nlatin1,2023-11-22,strike,,,,Jurf al Sa\xe7r,,,,,,\n");
    let err = fails(PLACES.as_bytes(), &bytes);
    assert_eq!(
        err,
        "geoevents: error: events.csv: line 3, field 'place': invalid UTF-8 at byte 10 of the field; save the file as UTF-8\n"
    );
}

#[test]
fn non_utf8_byte_in_places() {
    let mut bytes = PLACES.as_bytes().to_vec();
    bytes.extend_from_slice(b"x,Caf\xe9,town,,,33.0000,44.0000,,Iraq,100,s\n");
    let err = fails(&bytes, &events(GOOD_EVENT));
    assert!(
        err.contains("places.csv: line 6, field 'name': invalid UTF-8 at byte 3"),
        "{err}"
    );
}

#[test]
fn empty_events_file() {
    let err = fails(PLACES.as_bytes(), b"");
    assert!(err.starts_with("geoevents: error: events.csv: the file is empty; expected a header row with the columns id,date,kind"), "{err}");
}

#[test]
fn empty_places_file() {
    let err = fails(b"", &events(GOOD_EVENT));
    assert!(err.starts_with("geoevents: error: places.csv: the file is empty; expected a header row with the columns id,name,kind"), "{err}");
    let err = fails(format!("{PLACES_HEADER}\n").as_bytes(), &events(GOOD_EVENT));
    assert_eq!(
        err,
        "geoevents: error: places.csv: the place table has no rows\n"
    );
}

#[test]
fn every_bad_row_is_reported_once() {
    let rows = format!(
        "{GOOD_EVENT}\nb1,2023-13-01,strike,,,,X,,,,,,\nb2,2023-11-22,raid,,,,X,,,,,,\nb3,2023-11-22,strike,,,,X,-1,,,,,\n"
    );
    let err = fails(PLACES.as_bytes(), &events(&rows));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].contains("line 3, field 'date'"));
    assert!(lines[1].contains("line 4, field 'kind': expected strike or attack: \"raid\""));
    assert!(lines[2].contains("line 5, field 'killed_low'"));
}

#[test]
fn a_short_row() {
    let err = fails(PLACES.as_bytes(), &events("short,2023-11-22,strike\n"));
    assert_eq!(
        err,
        "geoevents: error: events.csv: line 2: expected 13 fields as in the header, found 3\n"
    );
}

#[test]
fn missing_input_file() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    let run = wd.build_from("places.csv", "nope.csv", "out", &[]);
    assert_exit(&run, 1);
    assert!(
        stderr(&run).starts_with("geoevents: error: nope.csv: No such file or directory"),
        "{}",
        stderr(&run)
    );
    assert!(!wd.exists("out"));
}

#[test]
fn a_utf8_bom_and_crlf_line_ends_are_fine() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES.replace('\n', "\r\n"));
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(format!("{EVENTS_HEADER}\r\n{GOOD_EVENT}\r\n").as_bytes());
    wd.write("events.csv", bytes);
    let run = wd.build(&[]);
    assert_exit(&run, 0);
    assert!(wd
        .read("out/strikes.geojson")
        .contains("\"place_id\":\"jurf-al-sakhar\""));
}

#[test]
fn usage_errors_exit_2() {
    let wd = Workdir::new();
    let run = wd.run(&["build", "--no-such-flag"]);
    assert_exit(&run, 2);
    let run = wd.run(&["geocode", "--format", "xml", "Baghdad"]);
    assert_exit(&run, 2);
}

#[test]
fn a_directory_in_the_way_of_an_output_replaces_nothing() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", format!("{EVENTS_HEADER}\n{GOOD_EVENT}\n"));
    std::fs::create_dir_all(wd.path().join("out/unresolved.csv")).unwrap();
    let run = wd.build(&[]);
    assert_exit(&run, 1);
    assert!(
        stderr(&run).contains("out/unresolved.csv: is a directory"),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        wd.list("out"),
        ["unresolved.csv"],
        "nothing replaced, no temporary file left"
    );
}

#[test]
fn counts_are_plain_digits_that_fit_32_bits() {
    for (value, ok) in [
        ("+5", false),
        ("-1", false),
        ("2147483648", false),
        ("2147483647", true),
        ("07", true),
    ] {
        let wd = Workdir::new();
        wd.write("places.csv", PLACES);
        wd.write(
            "events.csv",
            events(&format!(
                "x,2023-11-22,strike,,,,Jurf al Saqr,{value},,,,,\n"
            )),
        );
        let run = wd.build(&[]);
        if ok {
            assert_exit(&run, 0);
        } else {
            assert_exit(&run, 1);
            assert!(
                stderr(&run).contains(&format!(
                    "line 2, field 'killed_low': expected a whole number of people (digits only, at most 2147483647), or empty when not reported: \"{value}\""
                )),
                "{value}: {}",
                stderr(&run)
            );
        }
    }
}

#[test]
fn extra_columns_may_not_take_output_names_in_any_case() {
    for (column, why) in [
        ("wkt", "the output formats use that name"),
        ("FID", "the output formats use that name"),
        ("Place_ID", "geoevents computes a field of that name"),
        ("Notes", "another column has the same name in another case"),
    ] {
        let header = format!("{EVENTS_HEADER},{column}");
        let err = fails(
            PLACES.as_bytes(),
            format!("{header}\n{GOOD_EVENT},x\n").as_bytes(),
        );
        assert!(
            err.contains("events.csv") && err.contains(column) && err.contains(why),
            "{column}: {err}"
        );
    }
}

#[test]
fn place_uncertainty_beyond_half_the_earth_is_refused() {
    let err = fails(
        format!("{PLACES}far,Far,town,,,10.0000,10.0000,,Iraq,20000001,x\n").as_bytes(),
        &events(GOOD_EVENT),
    );
    assert!(
        err.contains("field 'uncertainty_m': expected a whole number of metres from 1 to 20000000"),
        "{err}"
    );
}

#[test]
fn ids_that_a_format_would_alter_are_refused() {
    for id in ["=evil", "-e1", "two words", "tab\tid"] {
        let err = fails(
            PLACES.as_bytes(),
            &events(&format!(
                "{GOOD_EVENT}\n\"{id}\",2023-11-22,strike,,,,Jurf al Saqr,,,,,,\n"
            )),
        );
        assert!(
            err.contains("line 3, field 'id': an id starts with a letter or digit and holds no spaces or control characters"),
            "{id}: {err}"
        );
    }
}

#[test]
fn column_names_that_gis_readers_cut_or_merge_are_refused() {
    // Header suffixes, as written in the file, and the cells of a row.
    for (columns, cells) in [
        ("\"line\nbreak\"", ",x"),
        ("\"tab\tin\"", ",x"),
        ("\"q\"\"uote\"", ",x"),
        ("Description", ",x"),
        ("timeStamp", ",x"),
        ("NAME", ",x"),
        ("Désk,désk", ",x,y"),
    ] {
        let header = format!("{EVENTS_HEADER},{columns}");
        let err = fails(
            PLACES.as_bytes(),
            format!("{header}\n{GOOD_EVENT}{cells}\n").as_bytes(),
        );
        assert!(err.contains("events.csv"), "{columns}: {err}");
        assert!(
            err.contains("control character")
                || err.contains("KML's own fields")
                || err.contains("same name in another case"),
            "{columns}: {err}"
        );
    }
}
