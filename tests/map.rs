//! The locator map: the SVG as a graphics desk opens it (named groups, one
//! symbol per feature, text as text, no external references), labels that
//! never overlap, and the PNG drawn from the same geometry.

mod common;

use common::xml::{parse_xml, Node};
use common::{assert_exit, repo, stderr, Workdir, EVENTS_HEADER, PLACES};
use geoevents::distance::inverse;
use geoevents::map::projection::Rect;
use geoevents::model::LatLon;
use geoevents::pipeline::{draw_map, MapJob};
use resvg::tiny_skia::Pixmap;

/// The bundled data drawn with the library, for geometry checks.
fn bundled_map(dir: &Workdir, png: bool) -> geoevents::pipeline::MapSummary {
    let job = MapJob {
        places: repo().join("places/places.csv"),
        events: repo().join("events/events.csv"),
        schema: Default::default(),
        sources: None,
        svg: dir.path().join("map.svg"),
        png: png.then(|| dir.path().join("map.png")),
        options: Default::default(),
    };
    draw_map(&job).unwrap()
}

fn svg(dir: &Workdir) -> Node {
    parse_xml(&dir.read("map.svg"))
}

/// The elements with a `data-id` in group `id`.
fn symbols<'a>(root: &'a Node, id: &str) -> Vec<&'a Node> {
    let group = root.by_id(id).unwrap_or_else(|| panic!("no group {id}"));
    group
        .descendants()
        .into_iter()
        .filter(|n| n.attrs.contains_key("data-id"))
        .collect()
}

/// A directory with the test place table and these event rows.
fn with_events(rows: &str) -> Workdir {
    let wd = Workdir::new();
    wd.write("places.csv", PLACES);
    wd.write("events.csv", format!("{EVENTS_HEADER}\n{rows}"));
    wd
}

/// Runs `geoevents map` on the directory's inputs with `extra` arguments.
fn run_map(wd: &Workdir, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["map", "--places", "places.csv", "--events", "events.csv"];
    args.extend_from_slice(extra);
    wd.run(&args)
}

/// The `<text>` of group `id`, in order.
fn texts<'a>(root: &'a Node, id: &str) -> Vec<&'a str> {
    root.by_id(id)
        .unwrap_or_else(|| panic!("no group {id}"))
        .all("text")
        .map(|t| t.text.as_str())
        .collect()
}

#[test]
fn the_svg_has_a_named_group_per_layer_and_no_external_reference() {
    let wd = Workdir::new();
    bundled_map(&wd, false);
    let text = wd.read("map.svg");
    let root = svg(&wd);
    let doc = root.one("svg");
    assert_eq!(doc.attrs["xmlns"], "http://www.w3.org/2000/svg");
    for group in [
        "sea",
        "countries",
        "graticule",
        "rivers",
        "governorates",
        "uncertainty",
        "bases",
        "attacks",
        "strikes",
        "labels",
        "country-labels",
        "title",
        "legend",
        "scale-bar",
        "inset",
        "credits",
    ] {
        let g = root
            .by_id(group)
            .unwrap_or_else(|| panic!("no group {group}"));
        assert_eq!(g.name, "g", "{group}");
    }
    // Every reference is to the document's own clip paths.
    assert!(!text.contains("href"), "no links or embedded images");
    for (i, _) in text.match_indices("url(") {
        assert!(text[i..].starts_with("url(#"), "{}", &text[i..i + 20]);
    }
    assert!(!text.contains("<image"));
    // Text stays text: the labels are <text> elements with the names.
    let labels = texts(&root, "labels");
    assert!(
        labels.iter().any(|l| l.starts_with("Jurf al-Sakhar")),
        "{labels:?}"
    );
    assert!(labels.contains(&"Al-Asad Air Base"), "{labels:?}");
    // The title, the date range and the credit line.
    let title = texts(&root, "title");
    assert_eq!(
        title[1],
        "20 Nov 2023 – 24 Jan 2024 · 6 of 7 events on the map"
    );
    let credits = texts(&root, "credits");
    assert_eq!(
        credits[0],
        "Source: reports by AFP, ABC News and 2 uncredited reports; geocoded with geoevents."
    );
    assert_eq!(
        credits[1],
        "Not mapped, location known only to the country: 21 Nov 2023 strike (Iraq)."
    );
}

#[test]
fn one_symbol_per_feature_and_country_level_events_are_listed_not_drawn() {
    let wd = Workdir::new();
    let summary = bundled_map(&wd, false);
    let root = svg(&wd);
    let ids = |group| -> Vec<String> {
        symbols(&root, group)
            .iter()
            .map(|n| n.attrs["data-id"].clone())
            .collect()
    };
    // Five strikes, one of them known only as "Iraq".
    assert_eq!(
        ids("strikes"),
        [
            "20231122-al-anbar-strike",
            "20231122-jurf-al-sakhar-strike",
            "20240124-al-qaim-strike",
            "20240124-jurf-al-sakhar-strike"
        ]
    );
    assert_eq!(summary.country_only, ["20231121-iraq-strike"]);
    assert_eq!(
        ids("attacks"),
        ["20231120-al-asad-attack", "20240120-al-asad-attack"]
    );
    // Bases near the events are drawn; the others are named as outside.
    let bases = ids("bases");
    assert!(bases.contains(&"al-asad-air-base".to_string()));
    assert_eq!(bases.len() + summary.outside.len(), 11);
    // Events placed only roughly are hollow, with a dashed circle.
    let anbar = symbols(&root, "strikes")
        .into_iter()
        .find(|n| n.attrs["data-id"] == "20231122-al-anbar-strike")
        .unwrap();
    assert_eq!(anbar.attrs["fill"], "#ffffff");
    let circles: Vec<String> = symbols(&root, "uncertainty")
        .iter()
        .map(|n| n.attrs["data-id"].clone())
        .collect();
    assert_eq!(
        circles,
        ["20231122-al-anbar-strike", "20231122-jurf-al-sakhar-strike"]
    );
}

#[test]
fn labels_never_overlap_each_other_or_any_symbol() {
    let data = geoevents::pipeline::map_data(
        &repo().join("places/places.csv"),
        &repo().join("events/events.csv"),
        Default::default(),
        None,
    )
    .unwrap();
    let drawing = geoevents::map::draw(
        &data,
        &geoevents::map::basemap::Basemap::bundled(),
        &Default::default(),
    );
    assert!(drawing.unplaced.is_empty(), "{:?}", drawing.unplaced);
    let symbol_boxes: Vec<Rect> = drawing
        .symbols
        .iter()
        .map(|(_, x, y)| Rect {
            x: x - 6.5,
            y: y - 6.5,
            w: 13.0,
            h: 13.0,
        })
        .collect();
    for (i, a) in drawing.labels.iter().enumerate() {
        for b in &drawing.labels[i + 1..] {
            assert!(!a.bbox.intersects(&b.bbox), "{} / {}", a.text, b.text);
        }
        for s in &symbol_boxes {
            assert!(!a.bbox.intersects(s), "{} covers a symbol", a.text);
        }
    }
}

#[test]
fn symbols_sit_where_the_geodesy_says_and_the_png_draws_them_there() {
    let wd = Workdir::new();
    bundled_map(&wd, true);
    let root = svg(&wd);
    let centre = |group: &str, id: &str| -> (f64, f64) {
        let n = symbols(&root, group)
            .into_iter()
            .find(|n| n.attrs["data-id"] == id)
            .unwrap_or_else(|| panic!("{id}"));
        match n.name.as_str() {
            "circle" => (
                n.attrs["cx"].parse().unwrap(),
                n.attrs["cy"].parse().unwrap(),
            ),
            "rect" => {
                let v = |k: &str| n.attrs[k].parse::<f64>().unwrap();
                (v("x") + v("width") / 2.0, v("y") + v("height") / 2.0)
            }
            other => panic!("{other}"),
        }
    };
    let asad = centre("bases", "al-asad-air-base");
    let bdsc = centre("bases", "baghdad-diplomatic-support-center");
    let jurf = centre("strikes", "20240124-jurf-al-sakhar-strike");
    let qaim = centre("strikes", "20240124-al-qaim-strike");
    // Jurf lies east-south-east of Al-Asad; Al-Qa'im north-west.
    assert!(jurf.0 > asad.0 && jurf.1 > asad.1);
    assert!(qaim.0 < asad.0 && qaim.1 < asad.1);
    // A conformal map keeps the ratio of short distances: page distances
    // agree with geodesic ones to within 2 %.
    let px = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let km = |a: LatLon, b: LatLon| inverse(a, b).distance_km();
    let (p_asad, p_jurf, p_qaim, p_bdsc) = (
        LatLon::new(33.7856, 42.4412).unwrap(),
        LatLon::new(32.8667, 44.2139).unwrap(),
        LatLon::new(34.3925, 40.9895).unwrap(),
        LatLon::new(33.2625, 44.2346).unwrap(),
    );
    let ratio_a = px(asad, jurf) / km(p_asad, p_jurf);
    for (a, b, pa, pb) in [(asad, qaim, p_asad, p_qaim), (asad, bdsc, p_asad, p_bdsc)] {
        let ratio = px(a, b) / km(pa, pb);
        assert!((ratio / ratio_a - 1.0).abs() < 0.02, "{ratio} vs {ratio_a}");
    }
    // The PNG has the strike's vermillion and the base's black there.
    let png = Pixmap::decode_png(&std::fs::read(wd.path().join("map.png")).unwrap()).unwrap();
    let pixel = |(x, y): (f64, f64)| {
        let p = png.pixel(x.round() as u32, y.round() as u32).unwrap();
        (p.red(), p.green(), p.blue())
    };
    let (r, g, b) = pixel(jurf);
    assert!(
        r > 190 && (70..=120).contains(&g) && b < 40,
        "strike pixel {r},{g},{b}"
    );
    let (r, g, b) = pixel(bdsc);
    assert!(r < 40 && g < 40 && b < 40, "base pixel {r},{g},{b}");
    assert_eq!(png.width(), 1200);
}

#[test]
fn the_map_is_the_same_every_time() {
    let (a, b) = (Workdir::new(), Workdir::new());
    bundled_map(&a, true);
    bundled_map(&b, true);
    assert_eq!(a.bytes("map.svg"), b.bytes("map.svg"));
    assert_eq!(a.bytes("map.png"), b.bytes("map.png"));
}

#[test]
fn the_map_subcommand_writes_what_it_is_asked() {
    let wd = with_events("e1,2024-01-24,strike,airstrike,US,KH,Jurf al Saqr,,,,,a.txt,\n");
    let run = run_map(
        &wd,
        &[
            "--out",
            "maps/jurf.svg",
            "--png",
            "none",
            "--title",
            "Jurf & <friends>",
            "--width",
            "800",
        ],
    );
    assert_exit(&run, 0);
    assert_eq!(wd.list("maps"), ["jurf.svg"]);
    let root = parse_xml(&wd.read("maps/jurf.svg"));
    assert_eq!(root.one("svg").attrs["width"], "800");
    assert_eq!(
        texts(&root, "title")[0],
        "Jurf & <friends>",
        "escaped in the file, text when read"
    );
    assert!(
        stderr(&run).contains("geoevents: map maps/jurf.svg: 2 symbols"),
        "{}",
        stderr(&run)
    );
    for bad in [
        "--bbox=46,31,38,36",
        "--bbox=1,2,3",
        "--bbox=42,33,42.00001,33.00001",
        "--width=10",
        "--width=600",
    ] {
        assert_exit(&run_map(&wd, &[bad]), 2);
    }
}

#[test]
fn what_the_map_leaves_out_is_said() {
    let wd = with_events(
        "e1,2024-01-24,strike,airstrike,US,KH,Jurf al Saqr,,,,,a.txt,\n\
         e2,2024-01-20,attack,missile,KH,base,Al-Asad Airbase,,,,,a.txt,\n\
         e3,2024-01-21,strike,airstrike,US,KH,Nowhereville,,,,,a.txt,\n",
    );
    let run = run_map(&wd, &["--png", "none"]);
    assert_exit(&run, 0);
    let err = stderr(&run);
    assert!(
        err.contains(
            "map: not drawn, place not in the table (see geoevents geocode): e3 (\"Nowhereville\")"
        ),
        "{err}"
    );
    // A fixed extent that puts Al-Asad under the legend says so.
    let run = run_map(&wd, &["--png", "none", "--bbox=38,30,42.7,33.9"]);
    assert_exit(&run, 0);
    assert!(
        stderr(&run)
            .contains("map: drawn under the title, legend, scale bar or inset (widen --bbox): "),
        "{}",
        stderr(&run)
    );
    // One file cannot be both the SVG and the PNG; nothing is written.
    let run = run_map(&wd, &["--out", "x.img", "--png", "x.img"]);
    assert_exit(&run, 1);
    assert!(stderr(&run).contains("the SVG and the PNG cannot be written to the same file"));
    assert!(!wd.exists("x.img"));
}

#[test]
fn a_precise_event_is_drawn_over_an_approximate_one_at_the_same_spot() {
    let wd = with_events(
        "near,2024-01-01,strike,airstrike,US,KH,near Jurf al Saqr,,,,,a.txt,\n\
         at,2024-01-05,strike,airstrike,US,KH,Jurf al Saqr,,,,,a.txt,\n",
    );
    assert_exit(&run_map(&wd, &["--out", "m.svg", "--png", "none"]), 0);
    let root = parse_xml(&wd.read("m.svg"));
    let order: Vec<String> = symbols(&root, "strikes")
        .iter()
        .map(|n| n.attrs["data-id"].clone())
        .collect();
    assert_eq!(order, ["near", "at"], "the solid symbol last, on top");
}
