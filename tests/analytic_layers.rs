//! The analytic layers through the real binary: range rings, strike-to-base
//! links and uncertainty areas, their flags, and what happens to a shape
//! RFC 7946 cannot hold.

mod common;

use common::{assert_exit, stderr, Workdir, EVENTS_HEADER, PLACES};
use serde_json::Value;

const EVENTS: &str = "\
e-jurf,2023-11-22,strike,airstrike,United States,KH node,Jurf al Saqr,8,8,,,a.txt,
e-anbar,2023-11-22,strike,airstrike,United States,KH ops centre,near Al Anbar,,,,,a.txt,
e-asad,2023-11-20,attack,ballistic missile,militias,base,Al-Asad Airbase,,,8,8,a.txt,
";

fn built(extra: &[&str]) -> Workdir {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", format!("{EVENTS_HEADER}\n{EVENTS}"));
    assert_exit(&wd.build(extra), 0);
    wd
}

fn features(wd: &Workdir, layer: &str) -> Vec<Value> {
    let fc: Value = serde_json::from_str(&wd.read(&format!("out/{layer}.geojson"))).unwrap();
    fc["features"].as_array().unwrap().clone()
}

fn ids(features: &[Value]) -> Vec<&str> {
    features.iter().map(|f| f["id"].as_str().unwrap()).collect()
}

fn positions(coordinates: &Value) -> Vec<[f64; 2]> {
    coordinates
        .as_array()
        .unwrap()
        .iter()
        .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
        .collect()
}

/// Great-circle distance on a sphere of the mean Earth radius: an
/// independent check, good to about 0.5 % of the ellipsoid's figure.
fn sphere_km([lon1, lat1]: [f64; 2], [lon2, lat2]: [f64; 2]) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * a.sqrt().asin()
}

const ASAD: [f64; 2] = [42.4412, 33.7856];

#[test]
fn rings_circle_every_base_at_each_radius_counter_clockwise() {
    let wd = built(&["--rings", "250,100,100"]);
    let rings = features(&wd, "rings");
    assert_eq!(
        ids(&rings),
        [
            "al-asad-air-base-100km",
            "al-asad-air-base-250km",
            "erbil-air-base-100km",
            "erbil-air-base-250km"
        ],
        "sorted radii, repeats dropped"
    );
    for ring in rings.iter().take(2) {
        let radius = ring["properties"]["radius_km"].as_f64().unwrap();
        assert_eq!(ring["properties"]["label"], format!("{radius} km"));
        assert_eq!(ring["geometry"]["type"], "Polygon");
        let vertices = positions(&ring["geometry"]["coordinates"][0]);
        assert_eq!(vertices.first(), vertices.last(), "closed");
        // Shoelace: positive area means counter-clockwise (RFC 7946).
        let area2: f64 = vertices
            .windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum();
        assert!(area2 > 0.0);
        for v in &vertices {
            let km = sphere_km(ASAD, *v);
            assert!((km - radius).abs() < radius * 0.006, "{v:?} is {km} km");
        }
    }
}

#[test]
fn links_go_to_the_nearest_base_or_to_all() {
    let wd = built(&[]);
    let links = features(&wd, "links");
    assert_eq!(
        ids(&links),
        ["e-jurf--al-asad-air-base", "e-anbar--al-asad-air-base"]
    );
    let jurf = &links[0]["properties"];
    // Jurf lies east-south-east of Al-Asad (GeographicLib: 193.977 km).
    assert_eq!(jurf["label"], "194 km ESE of Al-Asad Air Base");
    assert_eq!(jurf["distance_km"], 193.977);
    assert_eq!(jurf["bearing_deg"], 302.2);
    assert_eq!(jurf["nearest"], true);
    let line = positions(&links[0]["geometry"]["coordinates"]);
    assert_eq!(line.first(), Some(&[44.2139, 32.8667]));
    assert_eq!(line.last(), Some(&ASAD));
    assert!(line.len() > 2, "densified along the geodesic");
    // A strike known only to "near Al Anbar" gets the range, not a figure.
    assert_eq!(
        links[1]["properties"]["label"],
        "0–544 km from Al-Asad Air Base (near-governorate location)"
    );

    let all = built(&["--links", "all"]);
    let links = features(&all, "links");
    assert_eq!(links.len(), 4, "two strikes × two bases");
    let nearest = links.iter().filter(|l| l["properties"]["nearest"] == true);
    assert_eq!(nearest.count(), 2);
}

#[test]
fn uncertainty_areas_only_where_the_place_is_coarser_than_a_site() {
    let wd = built(&[]);
    let areas = features(&wd, "uncertainty");
    // The Al-Asad attack is at the base itself: no area.
    assert_eq!(ids(&areas), ["e-jurf", "e-anbar"]);
    let anbar = &areas[1];
    assert_eq!(anbar["properties"]["uncertainty_m"], 425_000);
    assert_eq!(anbar["properties"]["fill"], "#D55E00", "a strike's colour");
    let centre = [41.5177, 33.1096];
    for v in positions(&anbar["geometry"]["coordinates"][0]) {
        let km = sphere_km(centre, v);
        assert!((km - 425.0).abs() < 425.0 * 0.006, "{km}");
    }
}

#[test]
fn point_layers_carry_simplestyle_properties() {
    let wd = built(&[]);
    let strike = &features(&wd, "strikes")[0]["properties"];
    assert_eq!(strike["title"], "Jurf al-Sakhar, 2023-11-22");
    assert_eq!(strike["marker-color"], "#D55E00");
    assert_eq!(strike["marker-symbol"], "danger");
    let attack = &features(&wd, "attacks")[0]["properties"];
    assert_eq!(attack["marker-color"], "#0072B2");
    let base = &features(&wd, "bases")[0]["properties"];
    assert_eq!(base["title"], "Al-Asad Air Base");
    assert_eq!(base["marker-symbol"], "airfield");
}

#[test]
fn each_analytic_layer_can_be_switched_off() {
    let wd = built(&["--rings", "none", "--links", "none", "--no-uncertainty"]);
    let names = wd.list("out");
    for layer in ["rings", "links", "uncertainty"] {
        assert!(
            !names.iter().any(|n| n.starts_with(&format!("{layer}."))),
            "{layer}: {names:?}"
        );
    }
    assert!(names.contains(&"strikes.geojson".to_string()));
}

#[test]
fn bad_ring_radii_are_usage_errors() {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", format!("{EVENTS_HEADER}\n"));
    for bad in ["0", "-5", "abc", "100,", "20000", "NaN"] {
        let run = wd.build(&[&format!("--rings={bad}")]);
        assert_exit(&run, 2);
        assert!(
            stderr(&run).contains("is not a number of km above 0 and at most 10000"),
            "{bad}: {}",
            stderr(&run)
        );
    }
}

#[test]
fn a_ring_across_the_antimeridian_is_reported_not_drawn() {
    let wd = Workdir::new();
    wd.write(
        "places.csv",
        format!("{PLACES}fiji-base,Fiji Base,base,,,-17.7000,179.9000,,Fiji,1000,test\n"),
    );
    wd.write("events.csv", format!("{EVENTS_HEADER}\n{EVENTS}"));
    let run = wd.build(&["--rings", "50"]);
    assert_exit(&run, 0);
    assert!(
        stderr(&run).contains(
            "geoevents: warning: the 50 km ring around base fiji-base is not drawn: it crosses the 180th meridian"
        ),
        "{}",
        stderr(&run)
    );
    let rings = features(&wd, "rings");
    assert_eq!(
        ids(&rings),
        ["al-asad-air-base-50km", "erbil-air-base-50km"]
    );
}
