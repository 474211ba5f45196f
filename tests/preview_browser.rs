//! The web preview works in a real browser: the page that
//! `geoevents::output::preview::write_preview` makes from the layers the real
//! binary builds is opened in headless Chromium (Debian's `/usr/bin/chromium`,
//! driven by playwright-core through `tests/clients/preview-check.js`), and
//! what a person would see is checked: the page loads without a console or
//! page error, asks for no URL but itself, draws every feature of every layer,
//! opens a popup with its sources when a strike is clicked, and shows report
//! text that looks like markup (`<script>`, `<b>`, `<img onerror>`) as text,
//! with no dialog ever opened.
//!
//! `.ci/run` installs Chromium and playwright-core and sets `CI=true`, and
//! then a missing one fails the test. Anywhere else the test prints why it
//! skipped. To run it locally: `apt-get install chromium` and
//! `npm ci --prefix tests/clients`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{assert_exit, repo, stderr, stdout, Workdir, EVENTS_HEADER, PLACES};
use geoevents::output::preview::{write_preview, PreviewLayer};
use geoevents::output::style::{LayerStyle, ATTACKS, BASES, LINKS, RINGS, STRIKES, UNCERTAINTY};
use serde_json::Value;

/// Whether the program `command` names runs and succeeds. In CI
/// (`CI=true`) a missing one is a failure; elsewhere the test says why it
/// skips.
fn ready(what: &str, command: &mut Command, install: &str) -> bool {
    let found = command
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        assert!(found, "{what} not found ({command:?} failed), and CI=true requires it; .ci/run installs it ({install})");
    } else if !found {
        eprintln!("skipped: {what} not found ({install})");
    }
    found
}

fn browser_ready() -> bool {
    ready(
        "Chromium (/usr/bin/chromium)",
        Command::new("/usr/bin/chromium").arg("--version"),
        "apt-get install chromium",
    ) && ready(
        "playwright-core",
        Command::new("node").args([
            "-e",
            "require.resolve('playwright-core', {paths: ['tests/clients']})",
        ]),
        "npm ci --prefix tests/clients",
    )
}

/// A place whose name and alias look like markup.
const MARKUP_PLACE: &str =
    "bold-site,Site <i>K</i>,site,<b>Site K</b>,,33.3152,44.3661,Baghdad,Iraq,500,test fixture\n";

/// Strikes at three distinct places (so that each can be clicked), an attack
/// on a base, and report text that looks like markup.
const EVENTS: &str = "\
e-jurf,2024-01-24,strike,airstrike,United States,KH site,Jurf al Saqr,,,,,report-a.txt;report-b.txt,</script><script>alert(1)</script> <!-- x
e-anbar,2023-11-22,strike,airstrike,United States,KH node,near Al Anbar,,,,,report-c.txt,plain note
e-asad,2023-11-20,attack,ballistic missile,militias,base,Ain al-Asad,,,8,8,report-a.txt,
e-bold,2024-02-02,strike,airstrike,United States,depot,<b>Site K</b>,2,8,,,report-d.txt,<img src=x onerror=alert(2)>
";

const TITLE: &str = "Preview <i>test</i> & check";

/// A small basemap: a polygon and a line, named with markup.
const LAND: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Iraq (test)"},"geometry":{"type":"Polygon","coordinates":[[[38.8,29.1],[48.6,29.1],[48.6,37.4],[38.8,37.4],[38.8,29.1]]]}}]}"#;
const WATER: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Euphrates (test)"},"geometry":{"type":"LineString","coordinates":[[38.0,36.0],[41.0,34.4],[44.3,32.5],[47.5,31.0]]}}]}"#;

const STYLES: [&LayerStyle; 6] = [&STRIKES, &ATTACKS, &BASES, &RINGS, &LINKS, &UNCERTAINTY];

/// Builds the fixture's layers with the binary and writes the preview of
/// them to `preview/index.html`; returns the page and each layer's features.
fn build_page(wd: &Workdir) -> (std::path::PathBuf, BTreeMap<&'static str, Vec<Value>>) {
    wd.write("places.csv", format!("{PLACES}{MARKUP_PLACE}"));
    wd.write("events.csv", format!("{EVENTS_HEADER}\n{EVENTS}"));
    let built = wd.build(&["--formats", "geojson"]);
    assert_exit(&built, 0);
    assert!(stderr(&built).contains("4 geocoded"), "{}", stderr(&built));

    let texts: Vec<String> = STYLES
        .iter()
        .map(|s| wd.read(&format!("out/{}.geojson", s.layer)))
        .collect();
    let layers: Vec<PreviewLayer<'_>> = STYLES
        .iter()
        .zip(&texts)
        .map(|(style, geojson)| PreviewLayer { style, geojson })
        .collect();
    let basemap = [("countries", LAND), ("<i>rivers</i>", WATER)];
    let write = || {
        let mut page = Vec::new();
        write_preview(&mut page, TITLE, &layers, &basemap).unwrap();
        page
    };
    let page = write();
    assert_eq!(page, write(), "the same inputs give the same page");
    let path = wd.write("preview/index.html", &page);

    let features = STYLES
        .iter()
        .zip(&texts)
        .map(|(style, text)| {
            let collection: Value = serde_json::from_str(text).unwrap();
            (
                style.layer,
                collection["features"].as_array().unwrap().clone(),
            )
        })
        .collect();
    (path, features)
}

/// Runs the browser on the page and returns its report.
fn open_in_chromium(page: &Path) -> Value {
    let output = Command::new("node")
        .arg("tests/clients/preview-check.js")
        .arg(page)
        .current_dir(repo())
        .output()
        .expect("running node");
    assert!(
        output.status.success(),
        "preview-check.js failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        stdout(&output),
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("preview-check.js prints JSON")
}

fn texts(report: &Value, key: &str) -> Vec<String> {
    report[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in the report"))
        .iter()
        .map(|v| v.to_string())
        .collect()
}

#[test]
fn the_preview_works_offline_in_chromium() {
    if !browser_ready() {
        return;
    }
    let wd = Workdir::new();
    let (page, features) = build_page(&wd);
    let report = open_in_chromium(&page);
    let shown = serde_json::to_string_pretty(&report).unwrap();

    // It loads cleanly, alone, and runs no report text.
    let console: Vec<&Value> = report["console"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["type"] == "warning")
        .collect();
    assert!(console.is_empty(), "console errors: {console:?}");
    assert!(texts(&report, "pageErrors").is_empty(), "{shown}");
    assert!(
        texts(&report, "dialogs").is_empty(),
        "a dialog opened: {shown}"
    );
    assert!(texts(&report, "failed").is_empty(), "{shown}");
    let url = report["requests"][0].as_str().unwrap().to_string();
    assert!(url.starts_with("file://") && url.ends_with("/preview/index.html"));
    for request in report["requests"].as_array().unwrap() {
        let request = request.as_str().unwrap();
        assert!(
            request == url || request.starts_with("data:"),
            "the page asked for {request}"
        );
    }
    assert_eq!(report["error"], Value::Null, "{shown}");

    // Title, switcher, legend and credit, with markup shown as text.
    assert_eq!(report["title"], TITLE);
    assert_eq!(report["heading"], TITLE);
    let switcher: Vec<&str> = report["switcher"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert_eq!(l["checked"], true, "every layer is on: {l}");
            l["text"].as_str().unwrap()
        })
        .collect();
    let mut expected: Vec<String> = STYLES
        .iter()
        .map(|s| format!("{} ({})", s.title, features[s.layer].len()))
        .collect();
    expected.extend(["Basemap: countries".into(), "Basemap: <i>rivers</i>".into()]);
    assert_eq!(switcher, expected);
    let legend = report["legend"].as_str().unwrap();
    for style in STYLES {
        assert!(legend.contains(style.title), "{legend}");
    }
    assert!(
        legend.contains("Hollow: placed only approximately"),
        "{legend}"
    );
    let credit = report["credit"].as_str().unwrap();
    assert!(
        credit.starts_with(
            "Source: reports report-a.txt, report-b.txt, report-c.txt, report-d.txt. \
             Basemap: Natural Earth."
        ),
        "{credit}"
    );

    // Every feature of every layer is drawn, in its layer's class.
    let mut drawn = BTreeMap::new();
    for (layer, list) in &features {
        drawn.insert(layer.to_string(), Value::from(list.len()));
    }
    assert_eq!(features["strikes"].len(), 3);
    assert_eq!(features["attacks"].len(), 1);
    assert_eq!(features["bases"].len(), 2);
    assert_eq!(report["counts"], Value::Object(drawn.into_iter().collect()));

    // Every marker opens its popup; the strikes, apart, by a real click.
    assert!(texts(&report, "clickErrors").is_empty(), "{shown}");
    let popups: BTreeMap<(String, String), &Value> = report["popups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let key = (
                p["layer"].as_str().unwrap().to_string(),
                p["id"].as_str().unwrap().to_string(),
            );
            (key, p)
        })
        .collect();
    for layer in ["strikes", "attacks", "bases"] {
        for feature in &features[layer] {
            let id = feature["id"].as_str().unwrap().to_string();
            assert!(
                popups.contains_key(&(layer.to_string(), id.clone())),
                "no popup for {layer} {id}: {shown}"
            );
        }
    }
    let popup = |id: &str| popups[&("strikes".to_string(), id.to_string())];
    for id in ["e-jurf", "e-anbar", "e-bold"] {
        assert_eq!(
            popup(id)["how"],
            "click",
            "strike {id} could not be clicked: {shown}"
        );
    }

    let jurf = popup("e-jurf");
    let text = jurf["text"].as_str().unwrap();
    assert!(
        text.contains("Sources: report-a.txt; report-b.txt"),
        "{text}"
    );
    assert!(
        text.contains("</script><script>alert(1)</script> <!-- x"),
        "{text}"
    );
    let html = jurf["html"].as_str().unwrap();
    assert!(
        html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");

    let bold = popup("e-bold");
    let text = bold["text"].as_str().unwrap();
    assert!(text.starts_with("Site <i>K</i>, 2024-02-02"), "{text}");
    assert!(text.contains("<b>Site K</b>"), "{text}");
    assert!(text.contains("<img src=x onerror=alert(2)>"), "{text}");
    assert!(text.contains("Sources: report-d.txt"), "{text}");
    let html = bold["html"].as_str().unwrap();
    assert!(html.contains("&lt;b&gt;Site K&lt;/b&gt;"), "{html}");
    assert!(
        !html.contains("<b>") && !html.contains("<i>") && !html.contains("<img"),
        "{html}"
    );

    let page_text = fs::read_to_string(&page).unwrap();
    assert!(!page_text.contains("alert(1)</script>"));
}

/// The page `build` itself writes for the bundled data: it opens cleanly
/// offline and draws every feature of every layer.
#[test]
fn the_built_preview_of_the_bundled_data_draws_every_feature() {
    if !browser_ready() {
        return;
    }
    let wd = Workdir::new();
    let built = wd.build_from(
        common::repo().join("places/places.csv").to_str().unwrap(),
        common::repo().join("events/events.csv").to_str().unwrap(),
        "out",
        &[],
    );
    assert_exit(&built, 0);
    let report = open_in_chromium(&wd.path().join("out/index.html"));
    let shown = serde_json::to_string_pretty(&report).unwrap();
    assert_eq!(report["error"], Value::Null, "{shown}");
    assert!(texts(&report, "pageErrors").is_empty(), "{shown}");
    let console_errors = report["console"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["type"] == "warning")
        .count();
    assert_eq!(console_errors, 0, "{shown}");
    for style in STYLES {
        let collection: Value =
            serde_json::from_str(&wd.read(&format!("out/{}.geojson", style.layer))).unwrap();
        let n = collection["features"].as_array().unwrap().len();
        assert_eq!(report["counts"][style.layer], n, "{}: {shown}", style.layer);
    }
}
