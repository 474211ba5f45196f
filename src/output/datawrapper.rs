//! Datawrapper locator-map markers: `datawrapper-markers.json`, the body
//! that Datawrapper's API takes at `PUT /v3/charts/{id}/data` for a
//! locator map (`{"markers": [...]}`), following the developer guides
//! "Creating a Locator Map" and "Adding Point Markers" of the v3.0 API docs.
//!
//! Every point becomes a point marker with the feature id as marker id,
//! the label as title, the layer's colour, the summary as tooltip and
//! `[lon, lat]` coordinates. Every area (range ring, uncertainty circle)
//! becomes an area marker as in the guide "Adding Area Markers". Links are
//! left out: the line-marker shape could not be checked against the docs,
//! and a guessed shape is worse than none. Tooltip text is HTML in
//! Datawrapper, so every value is escaped.

use geojson::{Feature, JsonValue};
use serde_json::json;

use super::documents::{PartSink, Parts};
use super::geometry::{parts, GeometryKind};
use super::label::{escape_markup, feature_id, summary, title};
use super::style::{LayerStyle, AREA_FILL_OPACITY, UNCERTAINTY};
use super::OutputDir;
use crate::error::Result;

/// The file name.
pub const MARKERS_FILE: &str = "datawrapper-markers.json";

/// Datawrapper's own circle icon, as its API returns it.
const CIRCLE_PATH: &str = "M1000 350a500 500 0 0 0-500-500 500 500 0 0 0-500 500 500 500 0 0 0 500 500 500 500 0 0 0 500-500z";

/// The markers document being written.
pub struct MarkersDocument {
    parts: Parts,
    layers: usize,
}

impl MarkersDocument {
    /// Opens `datawrapper-markers.json`.
    pub fn create(out: &mut OutputDir) -> Result<Self> {
        Ok(MarkersDocument {
            parts: Parts::create(out, MARKERS_FILE)?,
            layers: 0,
        })
    }

    /// Adds a layer's markers, drawn in the layer's colour.
    pub fn layer(&mut self, out: &mut OutputDir, style: &LayerStyle) -> Result<PartSink> {
        self.layers += 1;
        let style = *style;
        self.parts.add(
            out,
            style.layer,
            Box::new(move |feature, buf| {
                if let Some(m) = marker(feature, &style) {
                    // serde_json escapes newlines inside strings, so a
                    // marker is always one line of its part.
                    let _ = serde_json::to_writer(&mut *buf, &m);
                    buf.push(b'\n');
                }
            }),
        )
    }

    /// Writes `{"markers": [...]}` with one marker per line.
    pub fn finish(mut self) -> Result<()> {
        self.parts.write(b"{\"markers\":[\n")?;
        let mut first = true;
        for i in 0..self.layers {
            self.parts.join_part_lines(i, b",\n", &mut first)?;
        }
        self.parts.write(b"\n]}\n")?;
        self.parts.finish()
    }
}

/// The marker of a feature: a point marker for a point, an area marker
/// for an area; none for lines (see the module docs) or a feature without
/// geometry.
pub fn marker(feature: &Feature, style: &LayerStyle) -> Option<JsonValue> {
    let (kind, parts) = parts(feature)?;
    let id = feature_id(feature).unwrap_or_default();
    match kind {
        GeometryKind::Point => Some(point_marker(feature, style, id, parts[0][0])),
        GeometryKind::Polygon => Some(area_marker(feature, style, id, &parts)),
        GeometryKind::LineString => None,
    }
}

/// A colour from the feature's simplestyle property `name`, else the
/// layer's.
fn colour<'a>(feature: &'a Feature, name: &str, style: &'a LayerStyle) -> &'a str {
    match feature.property(name) {
        Some(JsonValue::String(c)) => c,
        _ => style.colour,
    }
}

/// An area marker in the shape of the "Adding Area Markers" guide: the
/// polygon as a MultiPolygon Feature whose `properties` is an empty array,
/// as Datawrapper writes it.
fn area_marker(
    feature: &Feature,
    style: &LayerStyle,
    id: String,
    rings: &[Vec<[f64; 2]>],
) -> JsonValue {
    let filled = *style == UNCERTAINTY;
    let fill = colour(feature, "fill", style);
    json!({
        "id": id,
        "type": "area",
        "title": escape_markup(&title(feature)),
        "visible": true,
        "exactShape": true,
        "fill": filled,
        "stroke": true,
        "properties": {
            "fill": fill,
            "fill-opacity": if filled { AREA_FILL_OPACITY } else { 0.0 },
            "stroke": colour(feature, "stroke", style),
            "stroke-width": 1,
            "stroke-opacity": 1,
            "stroke-dasharray": "100000",
            "pattern": "solid",
            "pattern-line-width": 2,
            "pattern-line-gap": 2
        },
        "class": style.layer,
        "feature": {
            "type": "Feature",
            "properties": [],
            "geometry": {"type": "MultiPolygon", "coordinates": [rings]}
        }
    })
}

fn point_marker(feature: &Feature, style: &LayerStyle, id: String, [x, y]: [f64; 2]) -> JsonValue {
    let tooltip: Vec<String> = summary(feature)
        .iter()
        .map(|line| escape_markup(line).into_owned())
        .collect();
    json!({
        "id": id,
        "type": "point",
        "title": escape_markup(&title(feature)),
        "icon": {
            "id": "circle",
            "path": CIRCLE_PATH,
            "horiz-adv-x": 1000,
            "height": 700,
            "width": 1000
        },
        "scale": 1,
        "markerColor": style.colour,
        "markerSymbol": "",
        "markerTextColor": "#333333",
        "anchor": "middle-left",
        "offsetX": 0,
        "offsetY": 0,
        "labelStyle": "plain",
        "text": {
            "bold": false,
            "color": "#333333",
            "fontSize": 14,
            "halo": "#f2f3f0",
            "italic": false,
            "space": false,
            "uppercase": false
        },
        "class": style.layer,
        "rotate": 0,
        "visible": true,
        "locked": false,
        "preset": "-",
        "visibility": {"mobile": true, "desktop": true},
        "tooltip": {"text": tooltip.join("<br>")},
        "connectorLine": {
            "enabled": false,
            "arrowHead": "lines",
            "type": "curveRight",
            "targetPadding": 3,
            "stroke": 1,
            "lineLength": 0
        },
        "coordinates": [x, y]
    })
}
