//! `geoevents geocode` and `geoevents distance`.

mod common;

use common::{assert_exit, stderr, stdout, Workdir, PLACES};
use serde_json::Value;

fn workdir() -> Workdir {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd
}

#[test]
fn geocode_text() {
    let wd = workdir();
    let out = wd.run(&[
        "geocode",
        "--places",
        "places.csv",
        "Jurf al Saqr",
        "near Al Anbar",
    ]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "\"Jurf al Saqr\" → jurf-al-sakhar (Jurf al-Sakhar, town) at 32.866700, 44.213900; match alias, score 1.000; at Jurf al-Sakhar, precision town, ±5000 m\n\
         \"near Al Anbar\" → anbar-governorate (Al-Anbar Governorate, governorate) at 33.109600, 41.517700; match alias, score 1.000; near Al-Anbar Governorate, precision near-governorate, ±425000 m\n"
    );
}

#[test]
fn geocode_json_has_the_same_keys_for_hits_and_misses() {
    let wd = workdir();
    let out = wd.run(&[
        "geocode",
        "--places",
        "places.csv",
        "--format",
        "json",
        "Ayn al-Asad airbase",
        "Bashar al-Assad",
    ]);
    assert_exit(&out, 1);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let hit = lines[0].as_object().unwrap();
    let miss = lines[1].as_object().unwrap();
    let keys = |o: &serde_json::Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(hit), keys(miss));
    for key in [
        "query", "id", "name", "kind", "lat", "lon", "match", "score",
    ] {
        assert!(hit.contains_key(key), "{key}");
    }
    assert_eq!(hit["id"], "al-asad-air-base");
    assert_eq!(hit["match"], "normalized");
    assert_eq!(hit["lat"], 33.7856);
    assert_eq!(hit["lon"], 42.4412);
    assert_eq!(miss["id"], Value::Null);
    assert_eq!(miss["reason"], "unknown");
    assert_eq!(miss["candidates"][0]["id"], "al-asad-air-base");
}

#[test]
fn geocode_reads_standard_input_one_name_per_line() {
    let wd = workdir();
    let out = wd.run_with_stdin(
        &["geocode", "--places", "places.csv", "--format", "json"],
        "Jurf al-Nasr\n\nAl-Asad Airbase\r\n",
    );
    assert_exit(&out, 0);
    let ids: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["jurf-al-sakhar", "al-asad-air-base"]);
}

#[test]
fn geocode_reports_ambiguity_with_candidates() {
    let wd = Workdir::new();
    wd.write(
        "places.csv",
        format!("{PLACES}qaim-a,Al-Qa'im,town,Qaim,,34.3925,40.9895,Al-Anbar,Iraq,15000,GeoNames 92138\nqaim-b,Al-Qaim district,town,Qaim,,34.2468,41.0448,Al-Anbar,Iraq,80000,OCHA\n"),
    );
    let out = wd.run(&["geocode", "--places", "places.csv", "Qaim"]);
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        "\"Qaim\" → unresolved (ambiguous); candidates: qaim-a (Al-Qa'im, 1.000); qaim-b (Al-Qaim district, 1.000)\n"
    );
}

#[test]
fn distance_between_names() {
    let wd = workdir();
    let out = wd.run(&[
        "distance",
        "--places",
        "places.csv",
        "Jurf al Saqr",
        "Ain al-Asad",
    ]);
    assert_exit(&out, 0);
    // GeographicLib: 193976.87483659465 m, azi1 302.17892839260765°.
    assert_eq!(
        stdout(&out),
        "from      Jurf al-Sakhar (jurf-al-sakhar)  32.866700, 44.213900  ±5000 m\n\
         to        Al-Asad Air Base (al-asad-air-base)  33.785600, 42.441200  ±5000 m\n\
         distance  193.977 km (104.739 nmi), geodesic on WGS84; 183.977–203.977 km given the places' uncertainty\n\
         bearing   302.2° (WNW) initial, true north\n"
    );
}

#[test]
fn distance_between_coordinates_as_json() {
    let wd = workdir();
    let out = wd.run(&[
        "distance",
        "--places",
        "places.csv",
        "--format",
        "json",
        "32.8667,44.2139",
        "-33.5,-70.6",
    ]);
    assert_exit(&out, 0);
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["from"]["id"], Value::Null);
    assert_eq!(v["to"]["lat"], -33.5);
    assert_eq!(v["min_km"], v["distance_km"]);
    assert!(v["distance_km"].as_f64().unwrap() > 13_000.0);
    let same = wd.run(&[
        "distance",
        "--places",
        "places.csv",
        "--format",
        "json",
        "Jurf al Saqr",
        "32.8667,44.2139",
    ]);
    let v: Value = serde_json::from_str(stdout(&same).trim()).unwrap();
    assert_eq!(v["distance_km"], 0.0);
    assert_eq!(v["bearing_deg"], Value::Null);
    assert_eq!(v["max_km"], 5.0);
}

#[test]
fn distance_to_an_unknown_place_is_an_error() {
    let wd = workdir();
    let out = wd.run(&[
        "distance",
        "--places",
        "places.csv",
        "Hafez al-Assad",
        "Erbil airport",
    ]);
    assert_exit(&out, 1);
    assert_eq!(
        stderr(&out),
        "geoevents: error: place \"Hafez al-Assad\" did not resolve (unknown); candidates: al-asad-air-base (Al-Asad Air Base, 0.545)\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn every_subcommand_has_examples_in_its_help() {
    let wd = workdir();
    for sub in ["build", "geocode", "distance"] {
        let out = wd.run(&[sub, "--help"]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(text.contains("Examples:"), "{sub} --help has examples");
        assert!(
            text.contains(&format!("geoevents {sub}")),
            "{sub} --help shows itself"
        );
    }
}
