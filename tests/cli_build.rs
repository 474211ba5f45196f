//! `geoevents build` end to end on small inputs written by the tests.

mod common;

use common::{assert_exit, stderr, Workdir, EVENTS_HEADER, LAYERS, PLACES};
use serde_json::Value;

const EVENTS: &str = "\
id,date,kind,subtype,actor,target,place,killed_low,killed_high,injured_low,injured_high,sources,notes,desk_note
e-jurf,2023-11-22,strike,airstrike,United States,KH node,Jurf al Saqr,8,8,,,a.txt;b.txt,\"quote, with comma\",check
e-anbar,2023-11-22,strike,airstrike,United States,KH ops centre,near Al Anbar,,,,,a.txt,,
e-asad,2023-11-20,attack,ballistic missile,militias,base,Al-Asad Airbase,,,8,8,a.txt,,
e-none,2023-11-23,strike,airstrike,United States,?,Bashar al-Assad,,,,,a.txt,,
";

fn built() -> Workdir {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", EVENTS);
    let out = wd.build(&[]);
    assert_exit(&out, 0);
    wd
}

fn layer(wd: &Workdir, name: &str) -> Value {
    serde_json::from_str(&wd.read(&format!("out/{name}"))).unwrap()
}

/// The files the layers give in the per-layer formats with `extensions`.
fn layer_files(layers: &[&str], extensions: &[&str]) -> Vec<String> {
    layers
        .iter()
        .flat_map(|l| extensions.iter().map(move |e| format!("{l}.{e}")))
        .collect()
}

#[test]
fn writes_every_output_and_nothing_else() {
    let wd = built();
    let mut expected = layer_files(&LAYERS, &["csv", "csvt", "geojson", "geojsonl", "prj"]);
    expected.extend(layer_files(&["distances", "unresolved"], &["csv", "csvt"]));
    expected.extend(
        [
            "datawrapper-markers.json",
            "geoevents.gpkg",
            "geoevents.kml",
            "index.html",
            "map.png",
            "map.svg",
        ]
        .map(String::from),
    );
    expected.sort();
    assert_eq!(wd.list("out"), expected);
}

#[test]
fn layers_are_rfc7946_feature_collections() {
    let wd = built();
    for name in ["strikes.geojson", "attacks.geojson", "bases.geojson"] {
        let text = wd.read(&format!("out/{name}"));
        // The geojson crate parses it as a FeatureCollection.
        let fc: geojson::FeatureCollection = text.parse().unwrap();
        assert!(
            fc.foreign_members.is_none(),
            "{name}: no crs or other members"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert!(v.get("crs").is_none());
        for f in v["features"].as_array().unwrap() {
            assert!(f["id"].is_string(), "{name}: string id");
            assert_eq!(f["geometry"]["type"], "Point");
            let c = f["geometry"]["coordinates"].as_array().unwrap();
            assert_eq!(c.len(), 2);
        }
    }
    // lon, lat order: Al-Asad is at 42.4412 E, 33.7856 N.
    let bases = layer(&wd, "bases.geojson");
    let asad = &bases["features"][0];
    assert_eq!(asad["id"], "al-asad-air-base");
    assert_eq!(
        asad["geometry"]["coordinates"],
        serde_json::json!([42.4412, 33.7856])
    );
    assert_eq!(
        bases["bbox"],
        serde_json::json!([42.4412, 33.7856, 43.9632, 36.2376])
    );
}

#[test]
fn every_feature_of_a_layer_has_the_same_keys_and_types() {
    let wd = built();
    for name in ["strikes.geojson", "attacks.geojson", "bases.geojson"] {
        let v = layer(&wd, name);
        let mut shape: Option<Vec<(String, &'static str)>> = None;
        for f in v["features"].as_array().unwrap() {
            let props = f["properties"].as_object().unwrap();
            let this: Vec<(String, &'static str)> = props
                .iter()
                .map(|(k, v)| {
                    let t = match v {
                        Value::String(_) => "string",
                        Value::Number(n) if n.is_f64() => "float",
                        Value::Number(_) => "integer",
                        Value::Null => "null",
                        Value::Bool(_) => "bool",
                        _ => "other",
                    };
                    (k.clone(), t)
                })
                .collect();
            let keys: Vec<&String> = this.iter().map(|(k, _)| k).collect();
            if let Some(first) = &shape {
                let first_keys: Vec<&String> = first.iter().map(|(k, _)| k).collect();
                assert_eq!(keys, first_keys, "{name}: same keys in the same order");
                for ((k, t), (_, t0)) in this.iter().zip(first) {
                    assert!(
                        t == t0 || *t == "null" || *t0 == "null",
                        "{name}: {k} is {t} and {t0}"
                    );
                }
            } else {
                shape = Some(this);
            }
        }
    }
}

#[test]
fn event_features_carry_fields_geocoding_and_extra_columns() {
    let wd = built();
    let strikes = layer(&wd, "strikes.geojson");
    let jurf = &strikes["features"][0];
    assert_eq!(jurf["id"], "e-jurf");
    let p = &jurf["properties"];
    assert_eq!(p["place"], "Jurf al Saqr");
    assert_eq!(p["place_id"], "jurf-al-sakhar");
    assert_eq!(p["match"], "alias");
    assert_eq!(p["precision"], "town");
    assert_eq!(p["geo_precision"], 1);
    assert_eq!(p["where_prec"], 1);
    assert_eq!(p["uncertainty_m"], 5000);
    assert_eq!(p["killed_low"], 8);
    assert_eq!(p["injured_low"], Value::Null);
    assert_eq!(p["notes"], "quote, with comma");
    assert_eq!(p["desk_note"], "check");
    assert_eq!(p["sources"], "a.txt;b.txt");
    assert_eq!(p["nearest_base_id"], "al-asad-air-base");

    let anbar = &strikes["features"][1]["properties"];
    assert_eq!(anbar["relation"], "near");
    assert_eq!(anbar["precision"], "near-governorate");
    assert_eq!(anbar["geo_precision"], 3);
    assert_eq!(anbar["where_prec"], 5);
    assert_eq!(anbar["uncertainty_m"], 425_000);
    assert_eq!(anbar["desk_note"], "");

    let attacks = layer(&wd, "attacks.geojson");
    assert_eq!(attacks["features"][0]["properties"]["precision"], "site");
}

#[test]
fn distances_pair_every_strike_with_every_base() {
    let wd = built();
    let table = wd.read("out/distances.csv");
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "strike_id",
            "strike_date",
            "strike_place_id",
            "strike_precision",
            "base_id",
            "base_name",
            "distance_km",
            "distance_nmi",
            "bearing_deg",
            "compass",
            "min_km",
            "max_km",
            "nearest"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // 2 geocoded strikes × 2 bases; the unresolved strike has no row.
    assert_eq!(rows.len(), 4);
    let jurf_asad = &rows[0];
    assert_eq!(&jurf_asad[0], "e-jurf");
    assert_eq!(&jurf_asad[4], "al-asad-air-base");
    // GeographicLib: 193976.87483659465 m, azi1 302.17892839260765°.
    assert_eq!(&jurf_asad[6], "193.977");
    assert_eq!(&jurf_asad[7], "104.739");
    assert_eq!(&jurf_asad[8], "302.2");
    assert_eq!(&jurf_asad[9], "WNW");
    // ± (5000 m + 5000 m)
    assert_eq!(&jurf_asad[10], "183.977");
    assert_eq!(&jurf_asad[11], "203.977");
    assert_eq!(&jurf_asad[12], "true");
    assert_eq!(&rows[1][12], "false");
    // "near Al Anbar" is 425 km uncertain: the range starts at zero.
    assert_eq!(&rows[2][10], "0.0");
    for strike in ["e-jurf", "e-anbar"] {
        let nearest = rows
            .iter()
            .filter(|r| &r[0] == strike && &r[12] == "true")
            .count();
        assert_eq!(nearest, 1, "{strike} has exactly one nearest base");
    }
}

#[test]
fn unresolved_events_are_listed_with_reason_and_candidates() {
    let wd = built();
    let text = wd.read("out/unresolved.csv");
    assert_eq!(
        text,
        "event_id,line,kind,date,place,reason,candidates\n\
         e-none,5,strike,2023-11-23,Bashar al-Assad,unknown,\"al-asad-air-base (Al-Asad Air Base, 0.500)\"\n"
    );
}

#[test]
fn summary_counts_what_was_read_matched_and_written() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", EVENTS);
    let out = wd.build(&[]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains("geoevents: 4 events read from events.csv: 3 geocoded (75.0%), 1 unresolved"),
        "{err}"
    );
    assert!(err.contains("geoevents: unresolved: line 5, event e-none: place \"Bashar al-Assad\" is unknown; candidates: al-asad-air-base"), "{err}");
    assert!(
        err.contains("geoevents: wrote out: strikes 2 features, attacks 1 feature, bases 2 features, rings 8 features, links 2 features, uncertainty 2 features (as geojson, geojsonseq, csv, gpkg, kml, datawrapper); distances.csv 4 rows; unresolved.csv 1 row\n"),
        "{err}"
    );

    assert!(err.contains("\ngeoevents: done in "), "{err}");

    let quiet = wd.build(&["-q"]);
    assert_exit(&quiet, 0);
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn strict_fails_on_unresolved_but_still_writes_the_report() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", EVENTS);
    let out = wd.build(&["--strict"]);
    assert_exit(&out, 1);
    assert!(stderr(&out)
        .contains("geoevents: error: 1 events did not resolve (--strict); see out/unresolved.csv"));
    assert!(wd.read("out/unresolved.csv").contains("Bashar al-Assad"));

    wd.write(
        "clean.csv",
        format!("{EVENTS_HEADER}\nx,2023-11-22,strike,,,,Jurf al Saqr,,,,,,\n"),
    );
    let out = wd.build_from("places.csv", "clean.csv", "out", &["--strict"]);
    assert_exit(&out, 0);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let wd = built();
    let first = wd.contents("out");
    let again = wd.build(&[]);
    assert_exit(&again, 0);
    assert_eq!(first, wd.contents("out"));
}

#[test]
fn a_header_only_events_file_gives_empty_layers() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", format!("{EVENTS_HEADER}\n"));
    let out = wd.build(&[]);
    assert_exit(&out, 0);
    assert_eq!(
        wd.read("out/strikes.geojson"),
        "{\"type\":\"FeatureCollection\",\"features\":[]}\n"
    );
    let empty: geojson::FeatureCollection = wd.read("out/strikes.geojson").parse().unwrap();
    assert!(empty.features.is_empty());
}

#[test]
fn formats_and_precision_choose_what_is_written() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", EVENTS);
    let out = wd.build(&[
        "--formats",
        "csv,geojson,csv",
        "--precision",
        "2",
        "--rings",
        "none",
        "--links",
        "none",
        "--no-uncertainty",
        "--no-map",
        "--no-preview",
    ]);
    assert_exit(&out, 0);
    let points = ["strikes", "attacks", "bases"];
    let mut expected = layer_files(&points, &["csv", "csvt", "geojson", "prj"]);
    expected.extend(layer_files(&["distances", "unresolved"], &["csv", "csvt"]));
    expected.sort();
    assert_eq!(wd.list("out"), expected);
    let bases = layer(&wd, "bases.geojson");
    assert_eq!(
        bases["features"][0]["geometry"]["coordinates"],
        serde_json::json!([42.44, 33.79])
    );
    assert!(wd
        .read("out/bases.csv")
        .contains(",42.44,33.79,POINT (42.44 33.79)\n"));

    let bad = wd.build(&["--formats", "shp"]);
    assert_exit(&bad, 2);
    assert!(stderr(&bad).contains(
        "unknown format \"shp\"; expected one of geojson, geojsonseq, csv, gpkg, kml, datawrapper"
    ));
    let bad = wd.build(&["--precision", "12"]);
    assert_exit(&bad, 2);
}

#[test]
fn geojsonseq_has_one_feature_per_line_matching_the_collection() {
    let wd = built();
    let collection = layer(&wd, "strikes.geojson");
    let lines: Vec<Value> = wd
        .read("out/strikes.geojsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, collection["features"].as_array().unwrap());
}

#[test]
fn csv_layers_carry_every_property_and_neutralise_formulas() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write(
        "events.csv",
        format!("{EVENTS_HEADER},desk_note\nok-1,2023-11-22,strike,,@actor,+target,Jurf al Saqr,,,,,a.txt,-notes,=1+1\n"),
    );
    assert_exit(&wd.build(&[]), 0);
    let text = wd.read("out/strikes.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.first().map(String::as_str), Some("id"));
    assert_eq!(&header[header.len() - 3..], ["lon", "lat", "wkt"]);
    assert!(header.contains(&"desk_note".to_string()));
    let row = reader.records().next().unwrap().unwrap();
    let get = |name: &str| row[header.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(get("id"), "ok-1", "ids are checked on input, never altered");
    assert_eq!(get("actor"), "'@actor");
    assert_eq!(get("target"), "'+target");
    assert_eq!(get("notes"), "'-notes");
    assert_eq!(get("desk_note"), "'=1+1");
    assert_eq!(get("killed_low"), "");
    assert_eq!(get("uncertainty_m"), "5000");
    assert_eq!(get("lon"), "44.2139");
    assert_eq!(get("wkt"), "POINT (44.2139 32.8667)");
}

#[test]
fn files_left_by_a_killed_build_are_swept_and_reported() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", EVENTS);
    // Above Linux's largest pid, so no process can own these.
    wd.write("out/.strikes.geojson.4999999.tmp", "half a layer");
    wd.write("out/.geoevents.kml.strikes.4999999.part", "<Placemark>");
    // pid 1 always runs: its files are not ours to remove.
    wd.write("out/.other.csv.1.tmp", "in use");
    let out = wd.build(&[]);
    assert_exit(&out, 0);
    let names = wd.list("out");
    assert!(names.contains(&".other.csv.1.tmp".to_string()));
    // Only where the process table can be read; elsewhere nothing is swept.
    if std::path::Path::new("/proc/self").exists() {
        assert!(!names.iter().any(|n| n.contains("4999999")), "{names:?}");
        assert!(stderr(&out).contains(
            "geoevents: warning: removed 2 temporary files an interrupted build left in out: .geoevents.kml.strikes.4999999.part, .strikes.geojson.4999999.tmp"
        ), "{}", stderr(&out));
    }
}

#[test]
fn outputs_an_earlier_build_wrote_and_this_one_does_not_are_removed() {
    let wd = built();
    assert!(wd.exists("out/geoevents.gpkg") && wd.exists("out/map.png"));
    wd.write("out/notes.txt", "mine");
    let run = wd.build(&["--formats", "geojson", "--no-map", "--no-preview"]);
    assert_exit(&run, 0);
    for gone in [
        "geoevents.gpkg",
        "map.png",
        "index.html",
        "strikes.csv",
        "rings.csvt",
    ] {
        assert!(!wd.exists(&format!("out/{gone}")), "{gone} is stale");
        assert!(
            stderr(&run).contains(&format!(
                "geoevents: removed out/{gone}: an earlier build wrote it"
            )),
            "{}",
            stderr(&run)
        );
    }
    assert!(
        wd.exists("out/notes.txt"),
        "files build does not write are left alone"
    );
    assert!(wd.exists("out/strikes.geojson"));
}

#[test]
fn the_distance_table_holds_all_pairs_the_nearest_or_none() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", EVENTS);
    let rows = |wd: &Workdir| wd.read("out/distances.csv").lines().count() - 1;
    assert_exit(&wd.build(&["--distances", "all"]), 0);
    assert_eq!(rows(&wd), 4, "two strikes × two bases");
    assert_exit(&wd.build(&["--distances", "nearest"]), 0);
    assert_eq!(rows(&wd), 2);
    assert!(wd
        .read("out/distances.csv")
        .lines()
        .skip(1)
        .all(|l| l.ends_with(",true")));
    let none = wd.build(&["--distances", "none"]);
    assert_exit(&none, 0);
    assert!(!wd.exists("out/distances.csv"));
    assert!(
        stderr(&none).contains("no distances.csv (--distances none)"),
        "{}",
        stderr(&none)
    );

    // Past 100 000 possible pairs, auto keeps the nearest and says so.
    let strikes: String = (0..50_001)
        .map(|i| format!("s{i},2024-01-24,strike,airstrike,US,KH,Jurf al Saqr,,,,,a.txt,\n"))
        .collect();
    wd.write("events.csv", format!("{EVENTS_HEADER}\n{strikes}"));
    let lean = [
        "--formats",
        "geojson",
        "--no-map",
        "--no-preview",
        "--rings",
        "none",
        "--links",
        "none",
        "--no-uncertainty",
    ];
    let auto = wd.build(&lean);
    assert_exit(&auto, 0);
    assert_eq!(rows(&wd), 50_001);
    assert!(
        stderr(&auto).contains("geoevents: warning: distances.csv holds each strike's nearest base only: more than 50000 events × 2 bases is more than 100000 strike–base pairs"),
        "{}",
        stderr(&auto)
    );
}
