//! Datawrapper locator-map markers: `datawrapper-markers.json`, the body
//! that Datawrapper's API takes at `PUT /v3/charts/{id}/data` for a
//! locator map (`{"markers": [...]}`), following the developer guides
//! "Creating a Locator Map" and "Adding Point Markers" of the v3.0 API docs.
//!
//! Every feature becomes a point marker with the feature id as marker id,
//! the label as title, the layer's colour, the summary as tooltip and
//! `[lon, lat]` coordinates. Tooltip text is HTML in Datawrapper, so every
//! value is escaped.

use geojson::{feature::Id, Feature, JsonValue};
use serde_json::json;

use super::documents::{PartSink, Parts};
use super::label::{escape_markup, summary, title};
use super::layer::point_of;
use super::style::LayerStyle;
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

/// The point marker of a feature (none for a feature without a point).
pub fn marker(feature: &Feature, style: &LayerStyle) -> Option<JsonValue> {
    let [x, y] = point_of(feature)?;
    let id = match &feature.id {
        Some(Id::String(s)) => s.clone(),
        Some(Id::Number(n)) => n.to_string(),
        None => String::new(),
    };
    let tooltip: Vec<String> = summary(feature)
        .iter()
        .map(|line| escape_markup(line))
        .collect();
    Some(json!({
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
    }))
}
