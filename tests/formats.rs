//! The one-file formats (GeoPackage, KML, Datawrapper markers) read back
//! with independent parsers (SQLite, an XML parser, serde_json) and checked
//! against the GeoJSON layers of the same build: same features, same ids,
//! same coordinates, same properties.

mod common;

use std::collections::BTreeMap;

use common::xml::{parse_xml, Node};
use common::{assert_exit, Workdir, LAYERS, PLACES};
use rusqlite::Connection;
use serde_json::{json, Value};

/// Strikes and attacks interleaved, a note that tries markup, an extra
/// column, a count of every kind.
const EVENTS: &str = "\
id,date,kind,subtype,actor,target,place,killed_low,killed_high,injured_low,injured_high,sources,notes,desk_note
e-jurf,2023-11-22,strike,airstrike,United States,KH node,Jurf al Saqr,8,8,,,a.txt;b.txt,\"<script>alert('x')</script> & \"\"quoted\"\"\",check
e-asad,2023-11-20,attack,ballistic missile,militias,base,Al-Asad Airbase,,,8,8,a.txt,,
e-anbar,2024-01-24,strike,airstrike,United States,KH ops centre,near Al Anbar,,,,,a.txt,,
";

const NOTE: &str = "<script>alert('x')</script> & \"quoted\"";

fn built(extra: &[&str]) -> Workdir {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", EVENTS);
    assert_exit(&wd.build(extra), 0);
    wd
}

/// The features of a GeoJSON layer by id: (coordinates, properties).
fn geojson_layer(wd: &Workdir, layer: &str) -> BTreeMap<String, (Value, Value)> {
    let fc: Value = serde_json::from_str(&wd.read(&format!("out/{layer}.geojson"))).unwrap();
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let id = f["id"].as_str().unwrap().to_string();
            (
                id,
                (
                    f["geometry"]["coordinates"].clone(),
                    f["properties"].clone(),
                ),
            )
        })
        .collect()
}

fn ids(layer: &BTreeMap<String, (Value, Value)>) -> Vec<String> {
    layer.keys().cloned().collect()
}

// ---------------------------------------------------------------- GeoPackage

fn gpkg(wd: &Workdir) -> Connection {
    Connection::open(wd.path().join("out/geoevents.gpkg")).unwrap()
}

fn query<T: rusqlite::types::FromSql>(db: &Connection, sql: &str) -> Vec<T> {
    let mut stmt = db.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A GeoPackageBinary geometry back to GeoJSON coordinates, checking the
/// header: `GP`, version 0, little-endian, srs 4326, no envelope for a
/// point and an xy envelope that bounds the geometry for anything else.
fn blob_geometry(blob: &[u8]) -> Value {
    assert_eq!(&blob[..3], b"GP\x00", "magic and version");
    assert_eq!(&blob[4..8], &4326i32.to_le_bytes(), "srs id");
    let f64_at = |i: usize| f64::from_le_bytes(blob[i..i + 8].try_into().unwrap());
    let u32_at = |i: usize| u32::from_le_bytes(blob[i..i + 4].try_into().unwrap()) as usize;
    let envelope = match blob[3] {
        0x01 => None,
        0x03 => Some([f64_at(8), f64_at(16), f64_at(24), f64_at(32)]),
        flags => panic!("flags {flags:#04x}"),
    };
    let mut at = if envelope.is_some() { 40 } else { 8 };
    assert_eq!(blob[at], 1, "little-endian WKB");
    let kind = u32_at(at + 1);
    at += 5;
    let points = |at: &mut usize, n: usize| -> Vec<[f64; 2]> {
        let p = (0..n)
            .map(|i| [f64_at(*at + 16 * i), f64_at(*at + 16 * i + 8)])
            .collect();
        *at += 16 * n;
        p
    };
    let (value, all): (Value, Vec<[f64; 2]>) = match kind {
        1 => {
            let p = points(&mut at, 1);
            (json!(p[0]), p)
        }
        2 => {
            let n = u32_at(at);
            at += 4;
            let p = points(&mut at, n);
            (json!(p), p)
        }
        3 => {
            let rings = u32_at(at);
            at += 4;
            let mut all = Vec::new();
            let mut nested = Vec::new();
            for _ in 0..rings {
                let n = u32_at(at);
                at += 4;
                let ring = points(&mut at, n);
                all.extend(&ring);
                nested.push(ring);
            }
            (json!(nested), all)
        }
        other => panic!("WKB type {other}"),
    };
    assert_eq!(at, blob.len(), "nothing after the WKB");
    assert_eq!(
        envelope.is_none(),
        kind == 1,
        "an envelope for all but points"
    );
    if let Some([min_x, max_x, min_y, max_y]) = envelope {
        for [x, y] in all {
            assert!(min_x <= x && x <= max_x && min_y <= y && y <= max_y);
        }
    }
    value
}

/// A SQLite value as the JSON value GeoJSON carries.
fn json_of(value: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef::*;
    match value {
        Null => Value::Null,
        Integer(i) => json!(i),
        Real(r) => json!(r),
        Text(t) => json!(std::str::from_utf8(t).unwrap()),
        Blob(_) => panic!("unexpected blob"),
    }
}

#[test]
fn gpkg_is_a_valid_geopackage_1_3() {
    let wd = built(&[]);
    let db = gpkg(&wd);
    assert_eq!(query::<i64>(&db, "PRAGMA application_id"), [0x4750_4B47]);
    assert_eq!(query::<i64>(&db, "PRAGMA user_version"), [10300]);
    assert_eq!(query::<String>(&db, "PRAGMA integrity_check"), ["ok"]);
    assert!(query::<String>(&db, "PRAGMA foreign_key_check").is_empty());
    assert_eq!(
        query::<String>(
            &db,
            "SELECT table_name || ' ' || data_type || ' ' || srs_id || ' ' || last_change \
             FROM gpkg_contents ORDER BY table_name"
        ),
        [
            "attacks features 4326 2024-01-24T00:00:00.000Z",
            "bases features 4326 2024-01-24T00:00:00.000Z",
            "distances attributes 0 2024-01-24T00:00:00.000Z",
            "links features 4326 2024-01-24T00:00:00.000Z",
            "rings features 4326 2024-01-24T00:00:00.000Z",
            "strikes features 4326 2024-01-24T00:00:00.000Z",
            "uncertainty features 4326 2024-01-24T00:00:00.000Z",
            "unresolved attributes 0 2024-01-24T00:00:00.000Z",
        ]
    );
    assert_eq!(
        query::<String>(
            &db,
            "SELECT table_name || ' ' || column_name || ' ' || geometry_type_name || ' ' || srs_id \
             || ' ' || z || m FROM gpkg_geometry_columns ORDER BY table_name"
        ),
        [
            "attacks geom POINT 4326 00",
            "bases geom POINT 4326 00",
            "links geom LINESTRING 4326 00",
            "rings geom POLYGON 4326 00",
            "strikes geom POINT 4326 00",
            "uncertainty geom POLYGON 4326 00"
        ]
    );
    assert_eq!(
        query::<i64>(
            &db,
            "SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id"
        ),
        [-1, 0, 4326]
    );
    // The spatial index: an extension row, the six 1.3 triggers, and one
    // entry per feature covering its point.
    for layer in LAYERS {
        assert_eq!(
            query::<String>(
                &db,
                &format!("SELECT scope FROM gpkg_extensions WHERE table_name = '{layer}' AND extension_name = 'gpkg_rtree_index'")
            ),
            ["write-only"]
        );
        let mut triggers = query::<String>(
            &db,
            &format!("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{layer}' ORDER BY name"),
        );
        triggers
            .iter_mut()
            .for_each(|t| *t = t.replace(&format!("rtree_{layer}_geom_"), ""));
        assert_eq!(
            triggers,
            ["delete", "insert", "update1", "update2", "update3", "update4"]
        );
        let outside = query::<i64>(
            &db,
            &format!(
                "SELECT count(*) FROM {layer} t LEFT JOIN rtree_{layer}_geom r ON r.id = t.fid \
                 WHERE r.id IS NULL"
            ),
        );
        assert_eq!(outside, [0], "{layer}: every feature is indexed");
    }
}

#[test]
fn gpkg_columns_are_typed_for_gis() {
    let wd = built(&[]);
    let db = gpkg(&wd);
    let types = |table: &str| -> BTreeMap<String, String> {
        let mut stmt = db.prepare(&format!("PRAGMA table_info({table})")).unwrap();
        stmt.query_map([], |r| Ok((r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let strikes = types("strikes");
    for (column, ty) in [
        ("fid", "INTEGER"),
        ("geom", "POINT"),
        ("id", "TEXT"),
        ("date", "DATE"),
        ("killed_low", "MEDIUMINT"),
        ("score", "REAL"),
        ("nearest_base_km", "REAL"),
        ("desk_note", "TEXT"),
    ] {
        assert_eq!(strikes[column], ty, "strikes.{column}");
    }
    let distances = types("distances");
    assert_eq!(distances["distance_km"], "REAL");
    assert_eq!(distances["strike_date"], "DATE");
    assert_eq!(distances["nearest"], "BOOLEAN");
    assert_eq!(types("unresolved")["line"], "MEDIUMINT");
}

#[test]
fn gpkg_features_match_the_geojson_layers() {
    let wd = built(&[]);
    let db = gpkg(&wd);
    for layer in LAYERS {
        let expected = geojson_layer(&wd, layer);
        let mut stmt = db
            .prepare(&format!("SELECT * FROM {layer} ORDER BY fid"))
            .unwrap();
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        let mut rows = stmt.query([]).unwrap();
        let mut seen = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            let id: String = row.get("id").unwrap();
            let geometry = blob_geometry(&row.get::<_, Vec<u8>>("geom").unwrap());
            let (coordinates, properties) = &expected[&id];
            assert_eq!(geometry, *coordinates, "{layer} {id}");
            for (i, name) in names.iter().enumerate().skip(3) {
                let value = json_of(row.get_ref(i).unwrap());
                // SQLite keeps a BOOLEAN as 1 or 0.
                let expected = match &properties[name] {
                    Value::Bool(b) => json!(i64::from(*b)),
                    other => other.clone(),
                };
                assert_eq!(value, expected, "{layer} {id} {name}");
            }
            assert_eq!(names.len() - 3, properties.as_object().unwrap().len());
            seen.push(id);
        }
        seen.sort();
        assert_eq!(seen, ids(&expected), "{layer}: the same features");
    }
    let table_rows = |table| query::<i64>(&db, &format!("SELECT count(*) FROM {table}"))[0];
    // Two geocoded strikes × two bases; nothing unresolved.
    assert_eq!(table_rows("distances"), 4);
    assert_eq!(table_rows("unresolved"), 0);
    assert_eq!(
        query::<String>(
            &db,
            "SELECT strike_id || ' ' || base_id || ' ' || distance_km || ' ' || bearing_deg || ' ' || nearest \
             FROM distances WHERE nearest ORDER BY fid"
        ),
        [
            "e-jurf al-asad-air-base 193.977 302.2 1",
            // GeographicLib 2.x: 113992.038 m at 48.619°.
            "e-anbar al-asad-air-base 113.992 48.6 1"
        ]
    );
}

#[test]
fn gpkg_extent_is_the_layer_bbox() {
    let wd = built(&[]);
    let db = gpkg(&wd);
    let fc: Value = serde_json::from_str(&wd.read("out/strikes.geojson")).unwrap();
    let extent: Vec<f64> = db
        .query_row(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'strikes'",
            [],
            |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .unwrap();
    assert_eq!(json!(extent), fc["bbox"]);
}

// ----------------------------------------------------------------------- KML

/// The coordinates of a Placemark's Point, LineString or Polygon (outer
/// ring) as GeoJSON nests them.
fn kml_coordinates(placemark: &Node) -> Value {
    let tuples = |node: &Node| -> Vec<Value> {
        node.one("coordinates")
            .text
            .split_whitespace()
            .map(|t| {
                let xy: Vec<f64> = t.split(',').map(|v| v.parse().unwrap()).collect();
                assert_eq!(xy.len(), 2, "no altitude: {t}");
                json!(xy)
            })
            .collect()
    };
    if let Some(point) = placemark.all("Point").next() {
        tuples(point)[0].clone()
    } else if let Some(line) = placemark.all("LineString").next() {
        json!(tuples(line))
    } else {
        let ring = placemark
            .one("Polygon")
            .one("outerBoundaryIs")
            .one("LinearRing");
        json!([tuples(ring)])
    }
}

#[test]
fn kml_has_a_folder_per_layer_with_typed_data() {
    let wd = built(&[]);
    let root = parse_xml(&wd.read("out/geoevents.kml"));
    let kml = root.one("kml");
    assert_eq!(kml.attrs["xmlns"], "http://www.opengis.net/kml/2.2");
    let doc = kml.one("Document");
    let styles: Vec<&str> = doc.all("Style").map(|s| s.attrs["id"].as_str()).collect();
    let expected: Vec<String> = LAYERS.iter().map(|l| format!("{l}-style")).collect();
    assert_eq!(styles, expected);
    let colour = |id: &str| {
        let style = doc.all("Style").find(|s| s.attrs["id"] == id).unwrap();
        style.one("IconStyle").one("color").text.clone()
    };
    // #D55E00 written as aabbggrr.
    assert_eq!(colour("strikes-style"), "ff005ed5");
    let schema = doc
        .all("Schema")
        .find(|s| s.attrs["name"] == "strikes")
        .unwrap();
    let field_type = |name: &str| {
        schema
            .all("SimpleField")
            .find(|f| f.attrs["name"] == name)
            .map(|f| f.attrs["type"].clone())
    };
    assert_eq!(field_type("killed_low").as_deref(), Some("int"));
    assert_eq!(field_type("nearest_base_km").as_deref(), Some("double"));
    assert_eq!(field_type("date").as_deref(), Some("string"));

    let folders: Vec<&Node> = doc.all("Folder").collect();
    let names: Vec<&str> = folders
        .iter()
        .map(|f| f.one("name").text.as_str())
        .collect();
    assert_eq!(names, LAYERS);
    for folder in folders {
        let layer = folder.one("name").text.as_str();
        let expected = geojson_layer(&wd, layer);
        let mut seen = Vec::new();
        for placemark in folder.all("Placemark") {
            let data: BTreeMap<&str, &str> = placemark
                .one("ExtendedData")
                .one("SchemaData")
                .all("SimpleData")
                .map(|d| (d.attrs["name"].as_str(), d.text.as_str()))
                .collect();
            let id = data["id"].to_string();
            let (coordinates, properties) = &expected[&id];
            assert_eq!(kml_coordinates(placemark), *coordinates, "2D lon,lat");
            for (name, value) in properties.as_object().unwrap() {
                let text = match value {
                    Value::Null => None,
                    Value::Bool(b) => Some(u8::from(*b).to_string()),
                    Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                };
                assert_eq!(
                    data.get(name.as_str()).map(|s| s.to_string()),
                    text,
                    "{id} {name}"
                );
            }
            if let Some(date) = properties["date"].as_str() {
                assert_eq!(placemark.one("TimeStamp").one("when").text, date);
            }
            assert_eq!(placemark.one("styleUrl").text, format!("#{layer}-style"));
            seen.push(id);
        }
        seen.sort();
        assert_eq!(seen, ids(&expected), "{layer}: the same features");
    }
}

#[test]
fn kml_text_is_escaped_not_markup() {
    let wd = built(&[]);
    let text = wd.read("out/geoevents.kml");
    assert!(!text.contains("<script>"), "no raw markup from the data");
    let root = parse_xml(&text);
    let doc = root.one("kml").one("Document");
    let strikes = doc.all("Folder").next().unwrap();
    let jurf = strikes
        .all("Placemark")
        .find(|p| p.one("name").text == "Jurf al-Sakhar, 2023-11-22")
        .expect("labelled by place and date");
    let note = jurf
        .one("ExtendedData")
        .one("SchemaData")
        .all("SimpleData")
        .find(|d| d.attrs["name"] == "notes")
        .unwrap();
    assert_eq!(note.text, NOTE, "the note survives exactly");
    // The description is HTML: data in it is escaped once more.
    let description = &jurf.one("description").text;
    assert!(
        description.contains("sources: a.txt; b.txt"),
        "{description}"
    );
    // Every field is in the balloon, the note's markup escaped as HTML.
    assert!(
        description.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quoted\""),
        "{description}"
    );
    assert!(!description.contains("<script>"));
    assert!(description.contains("<th align=\"left\">desk_note</th><td>check</td>"));
}

// ---------------------------------------------------------------- Datawrapper

#[test]
fn datawrapper_markers_are_points_in_layer_colours() {
    let wd = built(&[]);
    let doc: Value = serde_json::from_str(&wd.read("out/datawrapper-markers.json")).unwrap();
    let markers = doc["markers"].as_array().unwrap();
    let mut by_layer: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in markers {
        assert_eq!(m["visible"], true);
        let layer = m["class"].as_str().unwrap().to_string();
        let id = m["id"].as_str().unwrap().to_string();
        let (coordinates, properties) = &geojson_layer(&wd, &layer)[&id];
        if ["rings", "uncertainty"].contains(&layer.as_str()) {
            // Areas: the polygon as a MultiPolygon, outlined in the
            // feature's colour.
            assert_eq!(m["type"], "area");
            assert_eq!(m["feature"]["type"], "Feature");
            assert_eq!(m["feature"]["properties"], json!([]));
            assert_eq!(m["feature"]["geometry"]["type"], "MultiPolygon");
            assert_eq!(
                m["feature"]["geometry"]["coordinates"],
                json!([coordinates])
            );
            assert_eq!(m["properties"]["stroke"], properties["stroke"]);
            assert_eq!(m["fill"], layer == "uncertainty");
        } else {
            assert_eq!(m["type"], "point");
            assert_eq!(m["icon"]["id"], "circle");
            assert_eq!(m["coordinates"], *coordinates, "[lon, lat] as in GeoJSON");
            let colour = match layer.as_str() {
                "strikes" => "#D55E00",
                "attacks" => "#0072B2",
                _ => "#000000",
            };
            assert_eq!(m["markerColor"], colour);
        }
        by_layer.entry(layer).or_default().push(id);
    }
    for (layer, mut got) in by_layer.clone() {
        got.sort();
        assert_eq!(got, ids(&geojson_layer(&wd, &layer)), "{layer}");
    }
    // Every layer but the links, whose Datawrapper shape is not known.
    let layers: Vec<&str> = by_layer.keys().map(String::as_str).collect();
    assert_eq!(
        layers,
        ["attacks", "bases", "rings", "strikes", "uncertainty"]
    );
    let jurf = markers.iter().find(|m| m["id"] == "e-jurf").unwrap();
    assert_eq!(jurf["title"], "Jurf al-Sakhar, 2023-11-22");
    let tooltip = jurf["tooltip"]["text"].as_str().unwrap();
    assert!(tooltip.contains("killed: 8<br>"), "{tooltip}");
    assert!(!tooltip.contains("<script>"));
}

// ------------------------------------------------------------- every format

#[test]
fn precision_applies_to_every_format() {
    let wd = built(&["--precision", "2"]);
    let db = gpkg(&wd);
    let blob: Vec<u8> = db
        .query_row(
            "SELECT geom FROM bases WHERE id = 'al-asad-air-base'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(blob_geometry(&blob), json!([42.44, 33.79]));
    assert!(wd
        .read("out/geoevents.kml")
        .contains("<coordinates>42.44,33.79</coordinates>"));
    let doc: Value = serde_json::from_str(&wd.read("out/datawrapper-markers.json")).unwrap();
    let asad = doc["markers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "al-asad-air-base")
        .unwrap();
    assert_eq!(asad["coordinates"], json!([42.44, 33.79]));
}

#[test]
fn one_file_formats_leave_no_scratch_files() {
    let wd = built(&["--formats", "kml,datawrapper,gpkg"]);
    assert_eq!(
        wd.list("out"),
        [
            "datawrapper-markers.json",
            "distances.csv",
            "distances.csvt",
            "geoevents.gpkg",
            "geoevents.kml",
            "index.html",
            "map.png",
            "map.svg",
            "unresolved.csv",
            "unresolved.csvt"
        ]
    );
}

#[test]
fn empty_layers_are_valid_documents() {
    let wd = Workdir::new();
    wd.write(
        "places.csv",
        PLACES.lines().take(3).collect::<Vec<_>>().join("\n") + "\n",
    );
    wd.write(
        "events.csv",
        EVENTS.lines().next().unwrap().to_string() + "\n",
    );
    assert_exit(&wd.build(&[]), 0);
    let doc: Value = serde_json::from_str(&wd.read("out/datawrapper-markers.json")).unwrap();
    let types: Vec<&Value> = doc["markers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["type"])
        .collect();
    assert_eq!(
        types,
        ["point", "area", "area", "area", "area"],
        "one base, its four rings"
    );
    let root = parse_xml(&wd.read("out/geoevents.kml"));
    let folders = root.one("kml").one("Document").all("Folder").count();
    assert_eq!(folders, 6);
    let db = gpkg(&wd);
    assert_eq!(query::<i64>(&db, "SELECT count(*) FROM strikes"), [0]);
    assert_eq!(
        query::<Option<f64>>(
            &db,
            "SELECT min_x FROM gpkg_contents WHERE table_name = 'strikes'"
        ),
        [None]
    );
}
