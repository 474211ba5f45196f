//! `geoevents build --schema acled|ucdp` on fixture rows written in the
//! published ACLED and UCDP GED column layouts, against the bundled places.

mod common;

use common::{assert_exit, repo, stderr, Workdir};
use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures").join(name)).unwrap()
}

/// Builds `events` as `schema` against the bundled place table.
fn build(wd: &Workdir, events: &str, schema: &str) -> std::process::Output {
    wd.write("events.csv", events);
    let places = repo().join("places/places.csv");
    wd.build_from(
        places.to_str().unwrap(),
        "events.csv",
        "out",
        &[
            "--schema",
            schema,
            "--no-map",
            "--no-preview",
            "--formats",
            "geojson,csv",
        ],
    )
}

/// The features of a layer by id.
fn features(wd: &Workdir, layer: &str) -> Vec<(String, Value)> {
    let v: Value = serde_json::from_str(&wd.read(&format!("out/{layer}.geojson"))).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

fn feature<'a>(list: &'a [(String, Value)], id: &str) -> &'a Value {
    &list
        .iter()
        .find(|(i, _)| i == id)
        .unwrap_or_else(|| panic!("no {id}"))
        .1
}

fn lon_lat(f: &Value) -> (f64, f64) {
    let c = &f["geometry"]["coordinates"];
    (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

#[test]
fn acled_rows_become_strikes_and_attacks() {
    let wd = Workdir::new();
    let out = build(&wd, &fixture("acled_sample.csv"), "acled");
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("4 events read"), "{err}");
    assert!(
        err.contains("skipped 1 row: ACLED Protests: not a strike or an attack"),
        "{err}"
    );
    let strikes = features(&wd, "strikes");
    let attacks = features(&wd, "attacks");
    let ids = |l: &[(String, Value)]| l.iter().map(|(i, _)| i.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&strikes), ["IRQ31001", "IRQ31003", "IRQ31005"]);
    assert_eq!(ids(&attacks), ["IRQ31002"]);

    // Our table places Jurf al-Sakhar no more precisely than ACLED's town
    // coordinates: ACLED's are kept.
    let jurf = &feature(&strikes, "IRQ31001")["properties"];
    assert_eq!(jurf["match"], "source");
    assert_eq!(jurf["date"], "2023-11-21", "spelled-out date read");
    assert_eq!(jurf["precision"], "town");
    assert_eq!(jurf["place_id"], "");
    assert_eq!(jurf["killed_low"], 8);
    assert_eq!(jurf["sources"], "Shafaq News; Rudaw");
    assert_eq!(jurf["target"], "Kataib Hezbollah");
    assert_eq!(lon_lat(feature(&strikes, "IRQ31001")), (44.2139, 32.8667));
    // Every other column is carried through, clashing names prefixed.
    assert_eq!(jurf["admin3"], "Jurf Al-Sakhar");
    assert_eq!(jurf["event_type"], "Explosions/Remote violence");
    assert_eq!(jurf["acled_geo_precision"], "1");
    assert_eq!(jurf["acled_timestamp"], "1701122400");
    assert_eq!(jurf["latitude"], "32.8667");

    // "Ain al-Asad" is a base in our table, finer than ACLED's town.
    let asad = feature(&attacks, "IRQ31002");
    assert_eq!(asad["properties"]["match"], "regeocoded-alias");
    assert_eq!(asad["properties"]["place_id"], "al-asad-air-base");
    assert_eq!(asad["properties"]["precision"], "site");
    assert_eq!(
        asad["properties"]["latitude"], "33.8786",
        "ACLED's kept as text"
    );
    assert_ne!(lon_lat(asad), (42.5482, 33.8786));

    // Near-town in ACLED, the town in ours.
    let qaim = &feature(&strikes, "IRQ31003")["properties"];
    assert_eq!(qaim["match"], "regeocoded-alias");
    assert_eq!(qaim["place_id"], "al-qaim");

    // A location we do not know keeps its coordinates; it is not unresolved.
    let unknown = feature(&strikes, "IRQ31005");
    assert_eq!(unknown["properties"]["match"], "source");
    assert_eq!(unknown["properties"]["precision"], "near-town");
    assert_eq!(unknown["properties"]["uncertainty_m"], 25000);
    assert_eq!(lon_lat(unknown), (44.271, 35.3921));
    assert_eq!(wd.read("out/unresolved.csv").lines().count(), 1);
}

#[test]
fn ucdp_rows_become_strikes_and_attacks() {
    let wd = Workdir::new();
    let out = build(&wd, &fixture("ucdp_sample.csv"), "ucdp");
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains(
            "skipped 1 row: UCDP type_of_violence 3 (one-sided violence against civilians)"
        ),
        "{err}"
    );
    let strikes = features(&wd, "strikes");
    let attacks = features(&wd, "attacks");
    assert_eq!(strikes.len(), 2);
    assert_eq!(attacks.len(), 2);
    let jurf = &feature(&strikes, "500001")["properties"];
    assert_eq!(jurf["match"], "source");
    assert_eq!(
        jurf["date"], "2023-11-22",
        "the time after the date dropped"
    );
    assert_eq!(
        (jurf["killed_low"].clone(), jurf["killed_high"].clone()),
        (8.into(), 9.into())
    );
    assert_eq!(jurf["best"], "8");
    assert_eq!(jurf["ucdp_where_prec"], "1");
    assert_eq!(jurf["actor"], "Government of United States of America");
    assert_eq!(
        jurf["conflict_name"],
        "United States of America: Islamic Resistance in Iraq"
    );
    let asad = &feature(&attacks, "500002")["properties"];
    assert_eq!(asad["match"], "regeocoded-alias");
    assert_eq!(asad["place_id"], "al-asad-air-base");
    // where_prec 4 (a governorate) against our town.
    let qaim = &feature(&strikes, "500003")["properties"];
    assert_eq!(qaim["match"], "regeocoded-normalized");
    assert_eq!(qaim["place_id"], "al-qaim");
    let unknown = feature(&attacks, "500005");
    assert_eq!(unknown["properties"]["match"], "source");
    assert_eq!(lon_lat(unknown), (44.27, 35.39));
}

#[test]
fn bad_foreign_values_name_file_line_field_and_value() {
    let acled = fixture("acled_sample.csv")
        .replace("21 November 2023", "31 November 2023")
        .replace("\"33.8786\",", "")
        .replacen(",33.8786,", ",93.8786,", 1)
        .replace(
            "Explosions/Remote violence,Air/drone strike,Military Forces of the United States (2021-),,8,Kataib Hezbollah,,3,External/Other forces-Rebel group,,368,Middle East,Iraq,Al Anbar",
            "Explosions/Remote violence,Air strike,Military Forces of the United States (2021-),,8,Kataib Hezbollah,,3,External/Other forces-Rebel group,,368,Middle East,Iraq,Al Anbar",
        );
    let wd = Workdir::new();
    let out = build(&wd, &acled, "acled");
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("events.csv: line 2, field 'event_date': expected a calendar date as YYYY-MM-DD or as 21 November 2023: \"31 November 2023\""), "{err}");
    assert!(
        err.contains(
            "line 3, field 'latitude': expected WGS84 decimal degrees from -90 to 90: \"93.8786\""
        ),
        "{err}"
    );
    assert!(err.contains("line 4, field 'sub_event_type': not an ACLED sub-event type of Explosions/Remote violence"), "{err}");
    assert!(!wd.exists("out/strikes.geojson"), "nothing written");

    let ucdp = fixture("ucdp_sample.csv").replacen(
        ",2023-11-21,2023-11-21,",
        ",21/11/2023,2023-11-21,",
        1,
    );
    let wd = Workdir::new();
    let out = build(&wd, &ucdp, "ucdp");
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("line 3, field 'date_start': expected a calendar date"),
        "{}",
        stderr(&out)
    );

    // A geoevents file read as ACLED lacks ACLED's columns.
    let wd = Workdir::new();
    let out = build(&wd, &fixture("ucdp_sample.csv"), "acled");
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("event_id_cnty"), "{}", stderr(&out));
}

#[test]
fn map_draws_acled_rows_where_build_puts_them() {
    let wd = Workdir::new();
    wd.write("acled.csv", fixture("acled_sample.csv"));
    let places = repo().join("places/places.csv");
    let places = places.to_str().unwrap();
    let map = |schema: &[&str]| {
        let mut args = vec!["map", "--places", places, "--events", "acled.csv"];
        args.extend_from_slice(schema);
        args.extend_from_slice(&["--out", "map.svg", "--png", "none"]);
        wd.run(&args)
    };
    // Read as our own layout, the export has no `id` column.
    let out = map(&[]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("missing column 'id'"),
        "{}",
        stderr(&out)
    );

    let out = map(&["--schema", "acled"]);
    assert_exit(&out, 0);
    let svg = wd.read("map.svg");
    for id in ["IRQ31001", "IRQ31002", "IRQ31003", "IRQ31005"] {
        assert!(svg.contains(&format!("data-id=\"{id}\"")), "{id} not drawn");
    }
    assert!(!svg.contains("IRQ31004"), "the protest row was drawn");

    // Every event is drawn where build puts it: the Jurf al-Sakhar strike at
    // ACLED's own coordinates, not at the place table's point.
    let data = geoevents::pipeline::map_data(
        std::path::Path::new(places),
        &wd.path().join("acled.csv"),
        geoevents::schemas::Schema::Acled,
        None,
    )
    .unwrap();
    let built = build(&wd, &fixture("acled_sample.csv"), "acled");
    assert_exit(&built, 0);
    let layers = [features(&wd, "strikes"), features(&wd, "attacks")].concat();
    assert_eq!(layers.len(), 4);
    for (id, f) in &layers {
        let point = data.points.iter().find(|p| &p.id == id).unwrap();
        assert_eq!((point.lon, point.lat), lon_lat(f), "{id}");
    }
    let jurf = data.points.iter().find(|p| p.id == "IRQ31001").unwrap();
    assert_eq!((jurf.lon, jurf.lat), (44.2139, 32.8667));
}
