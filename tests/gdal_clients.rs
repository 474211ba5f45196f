//! Every file `geoevents build` writes opens cleanly in the software people
//! open it with: GDAL's `ogrinfo` and `ogr2ogr` (QGIS reads vectors through
//! GDAL), GDAL's GeoPackage validator, and the strict GeoJSON checker
//! `@placemarkio/check-geojson` (through `tests/clients/check-geojson.js`).
//!
//! `.ci/run` installs them and sets `CI=true`, and then a missing tool fails
//! the test that needs it. Anywhere else such a test prints why it skipped.
//! To run them all locally: `apt-get install gdal-bin python3-gdal` and
//! `npm ci --prefix tests/clients`.
//!
//! What GDAL 3.6 reports, and so what these tests expect:
//! - A GeoJSON string feature `id` becomes a String field `id`. A property
//!   whose every value is `YYYY-MM-DD` is a Date. A property that is `null`
//!   in every feature of a layer is a String, whatever it would hold: GeoJSON
//!   has no schema, so GDAL has no value to take a type from.
//! - A CSV's types come from its `.csvt` sidecar and its CRS from its `.prj`.
//!   `lon` and `lat` are typed `CoordX`/`CoordY`, so GDAL builds the points
//!   from them and declares the layer Point (a column typed `WKT` would leave
//!   it "Unknown (any)"); that the points are those of the GeoJSON layer is
//!   checked by converting the CSV back.
//! - LIBKML, GDAL's reader for KML with schemas, declares the geometry
//!   "Unknown (any)", puts its own fields (`Name`, `description`, …) before a
//!   Schema's, and folds a SimpleField `name` into its `Name`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{assert_exit, repo, stderr, stdout, Workdir, EVENTS_HEADER, LAYERS, PLACES};
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------
// The tools

/// A program a test runs, how to tell that it is there, and how to get it.
struct Tool {
    what: &'static str,
    program: &'static str,
    probe: &'static [&'static str],
    install: &'static str,
}

const GDAL: Tool = Tool {
    what: "GDAL's ogrinfo and ogr2ogr",
    program: "ogrinfo",
    probe: &["--version"],
    install: "apt-get install gdal-bin",
};

const CHECK_GEOJSON: Tool = Tool {
    what: "@placemarkio/check-geojson",
    program: "node",
    probe: &[
        "-e",
        "require.resolve('@placemarkio/check-geojson', {paths: ['tests/clients']})",
    ],
    install: "npm ci --prefix tests/clients",
};

/// GDAL's GeoPackage validator, from Debian's python3-gdal.
const VALIDATE_GPKG: &str = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";

const GPKG_VALIDATOR: Tool = Tool {
    what: "GDAL's validate_gpkg.py",
    program: "/usr/bin/python3",
    probe: &["-c", "import osgeo_utils.samples.validate_gpkg"],
    install: "apt-get install python3-gdal",
};

/// Whether `tool` is there. In CI (`CI=true`) a missing tool is a failure;
/// elsewhere the calling test says why it skips and returns.
fn available(tool: &Tool) -> bool {
    let found = Command::new(tool.program)
        .args(tool.probe)
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        found || !in_ci,
        "{} not found (`{} {}` failed), and CI=true requires it; .ci/run installs it ({})",
        tool.what,
        tool.program,
        tool.probe.join(" "),
        tool.install
    );
    if !found {
        eprintln!("skipped: {} not found ({})", tool.what, tool.install);
    }
    found
}

/// Runs a command that must succeed without a word on standard error (GDAL
/// prints its warnings there), and returns its standard output.
fn clean_run(cmd: &mut Command) -> String {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{cmd:?} failed or warned ({})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

// ---------------------------------------------------------------------------
// The builds

/// How many rows each layer and table of a build has.
struct Counts {
    strikes: u64,
    attacks: u64,
    bases: u64,
    rings: u64,
    links: u64,
    uncertainty: u64,
    distances: u64,
    unresolved: u64,
}

impl Counts {
    fn of(&self, table: &str) -> u64 {
        match table {
            "strikes" => self.strikes,
            "attacks" => self.attacks,
            "bases" => self.bases,
            "rings" => self.rings,
            "links" => self.links,
            "uncertainty" => self.uncertainty,
            "distances" => self.distances,
            "unresolved" => self.unresolved,
            _ => panic!("no table {table}"),
        }
    }
}

/// The bundled place table and events, built into `out/` with `extra`.
fn bundled(extra: &[&str]) -> Workdir {
    let wd = Workdir::new();
    let places = repo().join("places/places.csv");
    let events = repo().join("events/events.csv");
    let built = wd.build_from(
        places.to_str().unwrap(),
        events.to_str().unwrap(),
        "out",
        extra,
    );
    assert_exit(&built, 0);
    wd
}

const BUNDLED: Counts = Counts {
    strikes: 5,
    attacks: 2,
    bases: 11,
    // 11 bases × the 4 default radii.
    rings: 44,
    // One per strike, to its nearest base.
    links: 5,
    // Every event placed less precisely than a site (the two Al-Asad
    // attacks are at the base).
    uncertainty: 5,
    distances: 55,
    unresolved: 0,
};

/// Events on the test place table, one of which names no place in it, so
/// that `unresolved` has a row.
const EVENTS: &str = "\
e-jurf,2023-11-22,strike,airstrike,United States,KH node,Jurf al Saqr,8,8,,,a.txt,\"quote, with comma\"
e-anbar,2023-11-22,strike,airstrike,United States,KH ops centre,near Al Anbar,,,,,a.txt,
e-asad,2023-11-20,attack,ballistic missile,militias,base,Al-Asad Airbase,,,8,8,a.txt,
e-none,2023-11-23,strike,airstrike,United States,?,Bashar al-Assad,,,,,a.txt,
";

fn with_unresolved() -> Workdir {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", format!("{EVENTS_HEADER}\n{EVENTS}"));
    assert_exit(&wd.build(&[]), 0);
    wd
}

const WITH_UNRESOLVED: Counts = Counts {
    strikes: 2,
    attacks: 1,
    bases: 2,
    rings: 8,
    links: 2,
    // Jurf (town) and near Al Anbar; the Al-Asad attack is at a site.
    uncertainty: 2,
    distances: 4,
    unresolved: 1,
};

/// Both builds, with their counts.
fn builds() -> [(Workdir, Counts); 2] {
    [
        (bundled(&[]), BUNDLED),
        (with_unresolved(), WITH_UNRESOLVED),
    ]
}

/// A file the build wrote into its output directory.
fn out(wd: &Workdir, name: &str) -> PathBuf {
    let path = wd.path().join("out").join(name);
    assert!(path.exists(), "build did not write {name}");
    path
}

// ---------------------------------------------------------------------------
// The contract: formats, files, layers and fields

/// The analytic tables.
const TABLES: [&str; 2] = ["distances", "unresolved"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    GeoJson,
    GeoJsonSeq,
    /// The layer CSVs and the two tables, which every build writes.
    Csv,
    Gpkg,
    Kml,
}

const FORMATS: [Format; 5] = [
    Format::GeoJson,
    Format::GeoJsonSeq,
    Format::Csv,
    Format::Gpkg,
    Format::Kml,
];

impl Format {
    /// The GDAL driver that must open a file of `features` features.
    fn driver(self, features: u64) -> &'static str {
        match self {
            // A sequence of one Feature is also a GeoJSON document, and GDAL
            // tries its GeoJSON driver first; the layer is the same.
            Format::GeoJsonSeq if features == 1 => "GeoJSON",
            Format::GeoJson => "GeoJSON",
            Format::GeoJsonSeq => "GeoJSONSeq",
            Format::Csv => "CSV",
            Format::Gpkg => "GPKG",
            Format::Kml => "LIBKML",
        }
    }

    /// The files of the format, each with the layers it holds.
    fn files(self) -> Vec<(String, Vec<&'static str>)> {
        let one_per_file = |tables: &[&'static str], ext: &str| {
            tables
                .iter()
                .map(|&t| (format!("{t}.{ext}"), vec![t]))
                .collect()
        };
        match self {
            Format::GeoJson => one_per_file(&LAYERS, "geojson"),
            Format::GeoJsonSeq => one_per_file(&LAYERS, "geojsonl"),
            Format::Csv => one_per_file(&[&LAYERS[..], &TABLES[..]].concat(), "csv"),
            Format::Gpkg => vec![("geoevents.gpkg".into(), [&LAYERS[..], &TABLES[..]].concat())],
            Format::Kml => vec![("geoevents.kml".into(), LAYERS.to_vec())],
        }
    }

    /// The geometry type ogrinfo must declare for a layer or table.
    fn geometry(self, table: &str) -> &'static str {
        match (self, table) {
            _ if TABLES.contains(&table) => "None",
            (Format::Kml, _) => "Unknown (any)",
            // A CSV layer's geometry from its `wkt` column (lines, areas) is
            // declared Unknown; points from CoordX/CoordY are Point.
            (Format::Csv, "rings" | "links" | "uncertainty") => "Unknown (any)",
            (_, "rings" | "uncertainty") => "Polygon",
            (_, "links") => "Line String",
            _ => "Point",
        }
    }
}

/// Every file a build writes, with the sidecars GDAL reads beside a CSV.
fn every_output_file() -> Vec<String> {
    let mut files: Vec<String> = FORMATS
        .iter()
        .flat_map(|f| f.files())
        .map(|(file, _)| file)
        .collect();
    files.extend(LAYERS.iter().chain(&TABLES).map(|t| format!("{t}.csvt")));
    files.extend(LAYERS.iter().map(|t| format!("{t}.prj")));
    // Not GIS formats: the markers JSON is Datawrapper's, the map is a
    // picture (tests/map.rs checks it), the preview a page
    // (tests/preview_browser.rs).
    files.extend(
        [
            "datawrapper-markers.json",
            "index.html",
            "map.png",
            "map.svg",
        ]
        .map(String::from),
    );
    files.sort();
    files
}

/// The fields of the strikes and attacks layers, with their GDAL types.
const EVENT_FIELDS: &[(&str, &str)] = &[
    ("id", "String"),
    ("date", "Date"),
    ("kind", "String"),
    ("subtype", "String"),
    ("actor", "String"),
    ("target", "String"),
    ("place", "String"),
    ("killed_low", "Integer"),
    ("killed_high", "Integer"),
    ("injured_low", "Integer"),
    ("injured_high", "Integer"),
    ("sources", "String"),
    ("notes", "String"),
    ("place_id", "String"),
    ("place_name", "String"),
    ("place_kind", "String"),
    ("match", "String"),
    ("score", "Real"),
    ("relation", "String"),
    ("precision", "String"),
    ("geo_precision", "Integer"),
    ("where_prec", "Integer"),
    ("uncertainty_m", "Integer"),
    ("nearest_base_id", "String"),
    ("nearest_base_km", "Real"),
    ("title", "String"),
    ("marker-color", "String"),
    ("marker-symbol", "String"),
    ("marker-size", "String"),
];

const BASE_FIELDS: &[(&str, &str)] = &[
    ("id", "String"),
    ("name", "String"),
    ("name_ar", "String"),
    ("kind", "String"),
    ("aliases", "String"),
    ("admin1", "String"),
    ("country", "String"),
    ("uncertainty_m", "Integer"),
    ("source", "String"),
    ("title", "String"),
    ("marker-color", "String"),
    ("marker-symbol", "String"),
    ("marker-size", "String"),
];

const RING_FIELDS: &[(&str, &str)] = &[
    ("id", "String"),
    ("base_id", "String"),
    ("base_name", "String"),
    ("radius_km", "Real"),
    ("label", "String"),
];

/// The simplestyle properties of areas, after each area layer's own.
const AREA_STYLE_FIELDS: &[(&str, &str)] = &[
    ("stroke", "String"),
    ("stroke-width", "Real"),
    ("stroke-opacity", "Real"),
    ("fill", "String"),
    ("fill-opacity", "Real"),
];

const LINK_FIELDS: &[(&str, &str)] = &[
    ("id", "String"),
    ("strike_id", "String"),
    ("strike_date", "Date"),
    ("strike_precision", "String"),
    ("base_id", "String"),
    ("base_name", "String"),
    ("nearest", "Integer(Boolean)"),
    ("distance_km", "Real"),
    ("bearing_deg", "Real"),
    ("compass", "String"),
    ("min_km", "Real"),
    ("max_km", "Real"),
    ("label", "String"),
    ("stroke", "String"),
    ("stroke-width", "Real"),
    ("stroke-opacity", "Real"),
];

const UNCERTAINTY_FIELDS: &[(&str, &str)] = &[
    ("id", "String"),
    ("event_id", "String"),
    ("kind", "String"),
    ("date", "Date"),
    ("place_name", "String"),
    ("precision", "String"),
    ("uncertainty_m", "Integer"),
    ("label", "String"),
];

const DISTANCE_FIELDS: &[(&str, &str)] = &[
    ("strike_id", "String"),
    ("strike_date", "Date"),
    ("strike_place_id", "String"),
    ("strike_precision", "String"),
    ("base_id", "String"),
    ("base_name", "String"),
    ("distance_km", "Real"),
    ("distance_nmi", "Real"),
    ("bearing_deg", "Real"),
    ("compass", "String"),
    ("min_km", "Real"),
    ("max_km", "Real"),
    ("nearest", "Integer(Boolean)"),
];

const UNRESOLVED_FIELDS: &[(&str, &str)] = &[
    ("event_id", "String"),
    ("line", "Integer"),
    ("kind", "String"),
    ("date", "Date"),
    ("place", "String"),
    ("reason", "String"),
    ("candidates", "String"),
];

/// The fields LIBKML gives every KML layer before the Schema's own.
const LIBKML_FIELDS: &[(&str, &str)] = &[
    ("Name", "String"),
    ("description", "String"),
    ("timestamp", "DateTime"),
    ("begin", "DateTime"),
    ("end", "DateTime"),
    ("altitudeMode", "String"),
    ("tessellate", "Integer"),
    ("extrude", "Integer"),
    ("visibility", "Integer"),
    ("drawOrder", "Integer"),
    ("icon", "String"),
];

/// The CSV layers' columns after the properties: a point's position, or a
/// line's or area's WKT.
const CSV_POSITION_FIELDS: &[(&str, &str)] = &[("lon", "Real"), ("lat", "Real"), ("wkt", "String")];
const CSV_WKT_FIELDS: &[(&str, &str)] = &[("wkt", "String")];

fn contract(table: &str) -> Vec<(&'static str, &'static str)> {
    match table {
        "strikes" | "attacks" => EVENT_FIELDS.to_vec(),
        "bases" => BASE_FIELDS.to_vec(),
        "rings" => [RING_FIELDS, AREA_STYLE_FIELDS].concat(),
        "links" => LINK_FIELDS.to_vec(),
        "uncertainty" => [UNCERTAINTY_FIELDS, AREA_STYLE_FIELDS].concat(),
        "distances" => DISTANCE_FIELDS.to_vec(),
        "unresolved" => UNRESOLVED_FIELDS.to_vec(),
        _ => panic!("no table {table}"),
    }
}

/// The fields, name and GDAL type, ogrinfo must show for `table` in
/// `format`. `all_null` names the properties that are null in every
/// feature, which GeoJSON cannot give a type.
fn expected_fields(format: Format, table: &str, all_null: &[String]) -> Vec<(String, String)> {
    let own = contract(table);
    let pairs: Vec<(&str, &str)> = match format {
        Format::GeoJson | Format::GeoJsonSeq => {
            let untyped = |n: &str| all_null.iter().any(|a| a == n);
            let read_as = |n, t| if untyped(n) { "String" } else { t };
            own.iter().map(|&(n, t)| (n, read_as(n, t))).collect()
        }
        Format::Csv if LAYERS[..3].contains(&table) => [&own, CSV_POSITION_FIELDS].concat(),
        Format::Csv if LAYERS.contains(&table) => [&own, CSV_WKT_FIELDS].concat(),
        Format::Csv | Format::Gpkg => own,
        Format::Kml => {
            let folded = |n: &str| LIBKML_FIELDS.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
            let schema = own.iter().filter(|(n, _)| !folded(n));
            // KML has no date type, and LIBKML reads a bool as an Integer.
            let kml_type = |t| match t {
                "Date" => "String",
                "Integer(Boolean)" => "Integer",
                t => t,
            };
            let schema = schema.map(|&(n, t)| (n, kml_type(t)));
            LIBKML_FIELDS.iter().copied().chain(schema).collect()
        }
    };
    pairs
        .into_iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------
// ogrinfo

/// What `ogrinfo -so` says about one layer.
#[derive(Debug, Default)]
struct LayerInfo {
    name: String,
    geometry: String,
    feature_count: Option<u64>,
    /// The CRS as WKT; `None` for "(unknown)".
    crs: Option<String>,
    geometry_column: Option<String>,
    /// Name and type, as in `name: String (0.0)`.
    fields: Vec<(String, String)>,
}

/// What `ogrinfo -al -so` says about a dataset.
#[derive(Debug, Default)]
struct Info {
    driver: String,
    layers: Vec<LayerInfo>,
}

/// A field line, `NAME: TYPE (WIDTH.PRECISION)`, with TYPE one word and an
/// optional subtype (`Integer(Boolean)`).
fn parse_field(line: &str) -> Option<(String, String)> {
    let (name, rest) = line.split_once(": ")?;
    let (ty, width) = rest.split_once(" (")?;
    let is_type = !ty.is_empty()
        && ty
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '(' || c == ')');
    (is_type && width.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| (name.to_string(), ty.to_string()))
}

/// Parses the text of `ogrinfo -al -so`.
fn parse_ogrinfo(text: &str) -> Info {
    let mut info = Info::default();
    let mut in_crs = false;
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("using driver `") {
            info.driver = rest.split('\'').next().unwrap_or_default().to_string();
            continue;
        }
        if let Some(name) = line.strip_prefix("Layer name: ") {
            info.layers.push(LayerInfo {
                name: name.to_string(),
                ..LayerInfo::default()
            });
            continue;
        }
        let Some(layer) = info.layers.last_mut() else {
            continue;
        };
        if in_crs {
            // "(unknown)", or WKT whose first line is flush left and whose
            // other lines are indented.
            if layer.crs.is_none() {
                in_crs = line != "(unknown)";
                layer.crs = in_crs.then(|| line.to_string());
                continue;
            }
            if let (true, Some(wkt)) = (line.starts_with(char::is_whitespace), &mut layer.crs) {
                wkt.push('\n');
                wkt.push_str(line);
                continue;
            }
            in_crs = false;
        }
        if line == "Layer SRS WKT:" {
            in_crs = true;
        } else if let Some(geometry) = line.strip_prefix("Geometry: ") {
            layer.geometry = geometry.to_string();
        } else if let Some(count) = line.strip_prefix("Feature Count: ") {
            layer.feature_count = count.parse().ok();
        } else if let Some(column) = line.strip_prefix("Geometry Column = ") {
            layer.geometry_column = Some(column.to_string());
        } else if let Some(field) = parse_field(line) {
            layer.fields.push(field);
        }
    }
    info
}

/// `ogrinfo -ro -al -so` of a file, which must open without a warning.
fn ogrinfo(path: &Path) -> Info {
    parse_ogrinfo(&clean_run(
        Command::new("ogrinfo")
            .args(["-ro", "-al", "-so"])
            .arg(path),
    ))
}

/// Asserts that ogrinfo shows exactly the expected fields with their types
/// (in any order), listing every difference.
fn assert_fields(what: &str, shown: &[(String, String)], expected: &[(String, String)]) {
    let shown: BTreeMap<&str, &str> = shown.iter().map(|(n, t)| (&n[..], &t[..])).collect();
    let expected: BTreeMap<&str, &str> = expected.iter().map(|(n, t)| (&n[..], &t[..])).collect();
    let mut problems = Vec::new();
    for (name, ty) in &expected {
        match shown.get(name) {
            None => problems.push(format!("missing {name} ({ty})")),
            Some(got) if got != ty => problems.push(format!("{name} is {got}, not {ty}")),
            Some(_) => {}
        }
    }
    for (name, ty) in &shown {
        if !expected.contains_key(name) {
            problems.push(format!("unexpected {name} ({ty})"));
        }
    }
    assert!(
        problems.is_empty(),
        "{what}: fields: {}",
        problems.join("; ")
    );
}

// ---------------------------------------------------------------------------
// GeoJSON as data

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The features of a `.geojson` FeatureCollection or a `.geojsonl` sequence.
fn read_features(path: &Path) -> Vec<Value> {
    if path.extension().is_some_and(|e| e == "geojsonl") {
        let text = fs::read_to_string(path).unwrap();
        let lines = text.lines().filter(|l| !l.trim().is_empty());
        lines.map(|l| serde_json::from_str(l).unwrap()).collect()
    } else {
        read_json(path)["features"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// The properties that are null in every one of the features.
fn null_everywhere(features: &[Value]) -> Vec<String> {
    let Some(first) = features.first().and_then(|f| f["properties"].as_object()) else {
        return Vec::new();
    };
    let keys = first.keys();
    keys.filter(|k| {
        features
            .iter()
            .all(|f| f["properties"][k.as_str()].is_null())
    })
    .cloned()
    .collect()
}

/// One feature as compared: its coordinates, and its properties that are
/// not null (an absent property and a null one are the same).
type Compared = (Value, Map<String, Value>);

fn by_id(collection: &Value, ignore: &[&str]) -> BTreeMap<String, Compared> {
    let features = collection["features"]
        .as_array()
        .expect("a FeatureCollection");
    let mut found = BTreeMap::new();
    for f in features {
        let id = f["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no string id: {f}"));
        let coordinates = f["geometry"]["coordinates"].clone();
        assert!(coordinates.is_array(), "{id}: no coordinates");
        let mut properties = f["properties"].as_object().cloned().unwrap_or_default();
        properties.retain(|k, v| !v.is_null() && !ignore.contains(&k.as_str()));
        let again = found.insert(id.to_string(), (coordinates, properties));
        assert!(again.is_none(), "feature id {id} twice");
    }
    found
}

/// Asserts that two FeatureCollections hold the same features (by id) at the
/// same coordinates with the same properties, but for those in `ignore`.
fn assert_same_features(what: &str, ours: &Value, theirs: &Value, ignore: &[&str]) {
    let (ours, theirs) = (by_id(ours, ignore), by_id(theirs, ignore));
    let ids = |m: &BTreeMap<String, Compared>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(ids(&theirs), ids(&ours), "{what}: feature ids");
    for (id, (coordinates, properties)) in &ours {
        let (their_coordinates, their_properties) = &theirs[id];
        assert!(
            their_coordinates == coordinates,
            "{what}: {id}: GDAL reads coordinates {their_coordinates:?}, ours are {coordinates:?}"
        );
        for key in properties.keys().chain(their_properties.keys()) {
            let (theirs, ours) = (their_properties.get(key), properties.get(key));
            assert!(
                theirs == ours,
                "{what}: {id}: GDAL reads {key} as {theirs:?}, ours is {ours:?} (None: null)"
            );
        }
    }
}

/// `ogr2ogr -f GeoJSON` of one layer, with the `id` field as feature id.
fn to_geojson(src: &Path, layer: &str) -> Value {
    let scratch = Workdir::new();
    let dest = scratch.path().join(format!("{layer}.geojson"));
    clean_run(
        Command::new("ogr2ogr")
            .args(["-f", "GeoJSON", "-lco", "ID_FIELD=id"])
            .arg(&dest)
            .arg(src)
            .arg(layer),
    );
    read_json(&dest)
}

/// Asserts that `layer` of `src`, converted to GeoJSON by GDAL, has the
/// features of our `<layer>.geojson`.
fn assert_converts_to_our_layer(wd: &Workdir, src: &Path, layer: &str, ignore: &[&str]) {
    let what = format!("{} layer {layer} via ogr2ogr", src.display());
    let ours = read_json(&out(wd, &format!("{layer}.geojson")));
    assert_same_features(&what, &ours, &to_geojson(src, layer), ignore);
}

// ---------------------------------------------------------------------------
// ogrinfo on every output

/// Opens every file of `format` of both builds with ogrinfo and checks the
/// driver, layers, feature counts, geometry type, CRS and fields.
fn check_format(format: Format) {
    if !available(&GDAL) {
        return;
    }
    for (wd, counts) in builds() {
        for (file, tables) in format.files() {
            let path = out(&wd, &file);
            let info = ogrinfo(&path);
            let features = tables.iter().map(|t| counts.of(t)).sum();
            assert_eq!(info.driver, format.driver(features), "{file}: driver");
            let mut names: Vec<&str> = info.layers.iter().map(|l| &l.name[..]).collect();
            names.sort_unstable();
            let mut expected = tables.clone();
            expected.sort_unstable();
            assert_eq!(names, expected, "{file}: layers");
            let all_null = match format {
                Format::GeoJson | Format::GeoJsonSeq => null_everywhere(&read_features(&path)),
                _ => Vec::new(),
            };
            for layer in &info.layers {
                check_layer(format, &file, layer, counts.of(&layer.name), &all_null);
            }
        }
    }
}

fn check_layer(format: Format, file: &str, layer: &LayerInfo, count: u64, all_null: &[String]) {
    let what = format!("{file}: layer {}", layer.name);
    assert_eq!(layer.feature_count, Some(count), "{what}: feature count");
    let geometry = format.geometry(&layer.name);
    assert_eq!(layer.geometry, geometry, "{what}: geometry type");
    if geometry == "None" {
        assert_eq!(layer.crs, None, "{what}: a table has no CRS");
    } else {
        let wgs84 = layer
            .crs
            .as_deref()
            .is_some_and(|wkt| wkt.contains(r#"ID["EPSG",4326]"#));
        assert!(wgs84, "{what}: CRS is not EPSG 4326: {:?}", layer.crs);
    }
    if format == Format::Gpkg && geometry != "None" {
        assert_eq!(layer.geometry_column.as_deref(), Some("geom"), "{what}");
    }
    let expected = expected_fields(format, &layer.name, all_null);
    assert_fields(&what, &layer.fields, &expected);
}

#[test]
fn ogrinfo_summaries_are_parsed() {
    let text = "INFO: Open of `x.gpkg'
      using driver `GPKG' successful.

Layer name: strikes
Geometry: Point
Feature Count: 5
Extent: (40.989450, 32.866667) - (44.213889, 34.392510)
Layer SRS WKT:
GEOGCRS[\"WGS 84\",
    ID[\"EPSG\",4326]]
Data axis to CRS axis mapping: 2,1
FID Column = fid
Geometry Column = geom
id: String (0.0)
nearest: Integer(Boolean) (1.0) NOT NULL

Layer name: distances
Geometry: None
Feature Count: 55
Layer SRS WKT:
(unknown)
strike_date: Date (0.0)
";
    let info = parse_ogrinfo(text);
    assert_eq!(info.driver, "GPKG");
    let [strikes, distances] = &info.layers[..] else {
        panic!("two layers: {info:?}");
    };
    assert_eq!(strikes.name, "strikes");
    assert_eq!(strikes.geometry, "Point");
    assert_eq!(strikes.feature_count, Some(5));
    let crs = "GEOGCRS[\"WGS 84\",\n    ID[\"EPSG\",4326]]";
    assert_eq!(strikes.crs.as_deref(), Some(crs));
    assert_eq!(strikes.geometry_column.as_deref(), Some("geom"));
    let fields = [("id", "String"), ("nearest", "Integer(Boolean)")];
    let fields = fields.map(|(n, t)| (n.to_string(), t.to_string()));
    assert_eq!(strikes.fields, fields);
    assert_eq!(distances.geometry, "None");
    assert_eq!(distances.feature_count, Some(55));
    assert_eq!(distances.crs, None);
    assert_eq!(
        distances.fields,
        [("strike_date".to_string(), "Date".to_string())]
    );
}

/// The checks below open every file a build writes, and nothing goes
/// unchecked: a new output must be added to them.
#[test]
fn the_gdal_checks_cover_every_file_build_writes() {
    let wd = bundled(&[]);
    assert_eq!(wd.list("out"), every_output_file());
}

/// One test per format, each running [`check_format`].
macro_rules! opens_in_gdal {
    ($($test:ident: $format:expr,)*) => {$(
        #[test]
        fn $test() {
            check_format($format);
        }
    )*};
}

opens_in_gdal! {
    geojson_layers_open_in_gdal: Format::GeoJson,
    geojsonseq_layers_open_in_gdal: Format::GeoJsonSeq,
    csv_layers_and_tables_open_in_gdal_typed: Format::Csv,
    geopackage_opens_in_gdal: Format::Gpkg,
    kml_opens_in_gdal: Format::Kml,
}

// ---------------------------------------------------------------------------
// The GeoPackage's metadata, through GDAL's SQL

/// The values of column `v` of an SQL query on a GeoPackage.
fn gpkg_query(path: &Path, sql: &str) -> Vec<String> {
    let text = clean_run(
        Command::new("ogrinfo")
            .arg("-ro")
            .arg(path)
            .args(["-sql", sql]),
    );
    let values = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("v ("));
    values
        .filter_map(|rest| rest.split_once(") = "))
        .map(|(_, value)| value.to_string())
        .collect()
}

#[test]
fn geopackage_is_version_1_3_with_spatially_indexed_layers() {
    if !available(&GDAL) {
        return;
    }
    for (wd, counts) in builds() {
        let gpkg = out(&wd, "geoevents.gpkg");
        let query = |sql: &str| gpkg_query(&gpkg, sql);
        // application_id "GPKG"; user_version 1.3.x.
        let header = query(
            "SELECT (SELECT application_id FROM pragma_application_id) || ' ' || \
             (SELECT user_version / 100 FROM pragma_user_version) AS v",
        );
        assert_eq!(
            header,
            ["1196444487 103"],
            "GPKG application id, version 1.3"
        );
        let contents = query(
            "SELECT table_name || ' ' || data_type AS v FROM gpkg_contents ORDER BY table_name",
        );
        let expected = [
            "attacks features",
            "bases features",
            "distances attributes",
            "links features",
            "rings features",
            "strikes features",
            "uncertainty features",
            "unresolved attributes",
        ];
        assert_eq!(contents, expected);
        let columns = query(
            "SELECT table_name || ' ' || column_name || ' ' || geometry_type_name || ' ' || srs_id \
             AS v FROM gpkg_geometry_columns ORDER BY table_name",
        );
        let expected = LAYERS.map(|l| {
            let kind = match l {
                "rings" | "uncertainty" => "POLYGON",
                "links" => "LINESTRING",
                _ => "POINT",
            };
            format!("{l} geom {kind} 4326")
        });
        assert_eq!(sorted(columns), sorted(expected.to_vec()));
        let indexed = query(
            "SELECT table_name || ' ' || column_name AS v FROM gpkg_extensions \
             WHERE extension_name = 'gpkg_rtree_index' ORDER BY table_name",
        );
        let expected = LAYERS.map(|l| format!("{l} geom"));
        assert_eq!(sorted(indexed), sorted(expected.to_vec()));
        for layer in LAYERS {
            let rows = query(&format!("SELECT count(*) AS v FROM rtree_{layer}_geom"));
            assert_eq!(
                rows,
                [counts.of(layer).to_string()],
                "rtree_{layer}_geom rows"
            );
        }
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn geopackage_passes_gdal_validator() {
    if !available(&GPKG_VALIDATOR) {
        return;
    }
    for (wd, _) in builds() {
        clean_run(
            Command::new(GPKG_VALIDATOR.program)
                .arg(VALIDATE_GPKG)
                .args(["-k", "--extra", "--warning-as-error"])
                .arg(out(&wd, "geoevents.gpkg")),
        );
    }
}

// ---------------------------------------------------------------------------
// ogr2ogr round trips

#[test]
fn geojson_layers_convert_to_geopackage_and_back() {
    if !available(&GDAL) {
        return;
    }
    let wd = bundled(&[]);
    for layer in LAYERS {
        let gpkg = wd.path().join(format!("{layer}.gpkg"));
        let geojson = out(&wd, &format!("{layer}.geojson"));
        clean_run(
            Command::new("ogr2ogr")
                .args(["-f", "GPKG"])
                .arg(&gpkg)
                .arg(geojson),
        );
        assert_converts_to_our_layer(&wd, &gpkg, layer, &[]);
    }
}

/// For a build at the default precision and one at 3 decimals, asserts that
/// every layer, read from the output file `file(layer)`, converts to our
/// GeoJSON layer.
fn assert_layers_convert_to_geojson(file: fn(&str) -> String, ignore: &[&str]) {
    if !available(&GDAL) {
        return;
    }
    for wd in [bundled(&[]), bundled(&["--precision", "3"])] {
        for layer in LAYERS {
            assert_converts_to_our_layer(&wd, &out(&wd, &file(layer)), layer, ignore);
        }
    }
}

#[test]
fn geojsonseq_layers_are_the_geojson_layers() {
    assert_layers_convert_to_geojson(|layer| format!("{layer}.geojsonl"), &[]);
}

#[test]
fn geopackage_layers_are_the_geojson_layers() {
    assert_layers_convert_to_geojson(|_| "geoevents.gpkg".into(), &[]);
}

/// A CSV layer read through its `.csvt` and `wkt` column is the GeoJSON
/// layer: the same points, and values of the same types (`lon`, `lat` and
/// `wkt` aside).
#[test]
fn csv_layers_are_the_geojson_layers() {
    let ignore = ["lon", "lat", "wkt"];
    assert_layers_convert_to_geojson(|layer| format!("{layer}.csv"), &ignore);
}

// ---------------------------------------------------------------------------
// check-geojson

/// Runs `tests/clients/check-geojson.js` on files.
fn check_geojson(files: &[PathBuf]) -> Output {
    Command::new("node")
        .arg(repo().join("tests/clients/check-geojson.js"))
        .args(files)
        .output()
        .expect("running node")
}

#[test]
fn geojson_and_geojsonseq_layers_pass_check_geojson() {
    if !available(&CHECK_GEOJSON) {
        return;
    }
    for (wd, _) in builds() {
        let files: Vec<PathBuf> = [Format::GeoJson, Format::GeoJsonSeq]
            .iter()
            .flat_map(|f| f.files())
            .map(|(file, _)| out(&wd, &file))
            .collect();
        assert_eq!(files.len(), 2 * LAYERS.len());
        assert_exit(&check_geojson(&files), 0);
    }
}

/// The checker does fail: on a Point with one coordinate, whole-file and on
/// the second line of a sequence.
#[test]
fn check_geojson_reports_invalid_geojson() {
    if !available(&CHECK_GEOJSON) {
        return;
    }
    let wd = Workdir::new();
    let point =
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[44.2]}}"#;
    let good = point.replace("[44.2]", "[44.2,32.9]");
    let collection = format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{point}\n]}}\n");
    let files = [
        wd.write("bad.geojson", collection),
        wd.write("bad.geojsonl", format!("{good}\n{point}\n")),
    ];
    let output = check_geojson(&files);
    assert_exit(&output, 1);
    let report = stdout(&output);
    for (name, line) in [("bad.geojson", 2), ("bad.geojsonl", 2)] {
        let expected = format!("{name}#{line}: A position should have 2 or 3 elements");
        assert!(report.contains(&expected), "{expected:?} in:\n{report}");
    }
    assert_exit(&check_geojson(&files[..0]), 2);
}

// ---------------------------------------------------------------------------
// Hostile text

/// Report text that tries every way to break a reader: XML and CDATA
/// terminators, markup, a control character, a character outside the BMP,
/// a line break inside a quoted field; and extra columns whose names are a
/// space-separated phrase, an SQL keyword, a leading digit and Arabic.
const HOSTILE: &str = "\
h-1,2023-11-22,strike,airstrike,US,\"]]><x>\",Jurf al Saqr,1,2,,,a.txt,\"<script>alert('x')</script> & \"\"q\"\" \u{1} 𝄞\r\nline two\",a,b,c,d
h-2,2023-11-20,attack,drone,militia,base,Al-Asad Airbase,,,,,a.txt,\"=1+1\",,,,
";

#[test]
fn hostile_text_reaches_every_gdal_reader_intact() {
    if !available(&GDAL) {
        return;
    }
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write(
        "events.csv",
        format!("{EVENTS_HEADER},desk note,select,2nd,مكان\n{HOSTILE}"),
    );
    assert_exit(&wd.build(&[]), 0);
    // Every file opens, without a warning, with both features.
    for file in [
        "strikes.geojson",
        "strikes.geojsonl",
        "strikes.csv",
        "geoevents.gpkg",
        "geoevents.kml",
    ] {
        let info = ogrinfo(&out(&wd, file));
        let strikes = info.layers.iter().find(|l| l.name == "strikes").unwrap();
        assert_eq!(strikes.feature_count, Some(1), "{file}");
        for column in ["desk note", "select", "2nd", "مكان"] {
            assert!(
                strikes.fields.iter().any(|(n, _)| n == column),
                "{file}: no field {column}: {:?}",
                strikes.fields
            );
        }
    }
    // Every value comes back exactly from the GeoPackage and the CSV.
    for layer in ["strikes", "attacks"] {
        assert_converts_to_our_layer(&wd, &out(&wd, "geoevents.gpkg"), layer, &[]);
        // The CSV neutralises the formula cell; the rest is exact.
        let csv = to_geojson(&out(&wd, &format!("{layer}.csv")), layer);
        let ours = read_json(&out(&wd, &format!("{layer}.geojson")));
        assert_same_features(layer, &ours, &csv, &["lon", "lat", "wkt", "notes"]);
    }
    // KML carries the note, but for the control character XML cannot hold.
    let kml = to_geojson(&out(&wd, "geoevents.kml"), "strikes");
    let note = kml["features"][0]["properties"]["notes"].as_str().unwrap();
    assert_eq!(
        note,
        "<script>alert('x')</script> & \"q\" \u{FFFD} 𝄞\nline two"
    );
    assert_eq!(kml["features"][0]["properties"]["target"], "]]><x>");
}
