//! The web preview, `index.html`: one self-contained page that draws every
//! layer on a Natural Earth basemap with Leaflet, for a look at a build in
//! any browser, offline.
//!
//! Everything the page needs is in the file: Leaflet's script and stylesheet
//! (vendored from the npm registry in `vendor/leaflet/`, its licence kept in
//! a comment), the layers' GeoJSON and the basemap's. The page asks for no
//! URL at all, no tiles and no CDN, and its Content-Security-Policy forbids
//! it to: a browser opens it from disk with the network off.
//!
//! What it shows: the points as circle markers in the colours of
//! [`style`](super::style) (solid where an event is placed at a site or
//! town, hollow where it is placed only approximately), the lines and areas
//! below them, a popup per feature listing its sources and every field, a
//! layer switcher, a legend, and a credit line naming the distinct reports
//! the events come from and the basemap. The view fits the points on load.
//!
//! Report text is untrusted. The GeoJSON is inlined as JSON in a
//! `<script type="application/json">` element with `<`, `>`, `&`, U+2028 and
//! U+2029 written as `\u` escapes ([`write_script_json`]), so no text can end
//! the element or open a comment in it; the page builds popups from DOM text
//! nodes, never from markup; and text the page's HTML itself carries (title,
//! legend, credit) is escaped with [`escape_markup`]. The same inputs give
//! the same bytes.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde::Deserialize;
use serde_json::{json, Value as JsonValue};

use super::geometry::GeometryKind;
use super::label::{escape_attribute, escape_markup};
use super::style::{LayerStyle, AREA_FILL_OPACITY, ATTACKS, STRIKES, UNCERTAINTY};

/// The file name the preview is written as in the output directory.
pub const FILE: &str = "index.html";

/// The version of Leaflet in `vendor/leaflet/`.
pub const LEAFLET_VERSION: &str = "1.9.4";

/// Leaflet's script, unchanged from `leaflet@1.9.4` (`dist/leaflet.js`).
const LEAFLET_JS: &str = include_str!("../../vendor/leaflet/leaflet.js");
/// Leaflet's stylesheet, unchanged from `leaflet@1.9.4` (`dist/leaflet.css`).
const LEAFLET_CSS: &str = include_str!("../../vendor/leaflet/leaflet.css");
/// Leaflet's licence (BSD 2-Clause), kept in the page.
const LEAFLET_LICENSE: &str = include_str!("../../vendor/leaflet/LICENSE");

/// The credit for the basemap, shown when there is one.
const BASEMAP_CREDIT: &str = "Natural Earth";

/// Marker radii in pixels: events, and the smaller bases, which are drawn
/// over them, so that an attack on a base shows as a ring around it.
const EVENT_RADIUS: u32 = 8;
const BASE_RADIUS: u32 = 4;

/// One layer of the preview: how it is drawn, and its features.
#[derive(Clone, Copy, Debug)]
pub struct PreviewLayer<'a> {
    /// The layer's style: name (the markers' CSS class is
    /// `geoevents-<name>`), title, colour and geometry.
    pub style: &'a LayerStyle,
    /// The layer as an RFC 7946 FeatureCollection, as `build` writes it to
    /// `<name>.geojson`.
    pub geojson: &'a str,
}

/// Writes the preview page.
///
/// `layers` are drawn areas below lines below points, and within each of
/// these a later layer over an earlier one (bases, passed after the events,
/// lie over them); they are listed in the order given in the layer switcher
/// and the legend. `basemap` is a list of `(name, FeatureCollection text)`,
/// drawn in order below every layer (polygons as land, lines as rivers)
/// and credited to Natural Earth; it may be empty.
///
/// Fails with [`io::ErrorKind::InvalidData`] when a text is not a GeoJSON
/// FeatureCollection, and with the writer's error.
pub fn write_preview<W: Write>(
    out: W,
    title: &str,
    layers: &[PreviewLayer<'_>],
    basemap: &[(&str, &str)],
) -> io::Result<()> {
    write_preview_credited(out, title, None, layers, basemap)
}

/// [`write_preview`] with the source credit given (as the locator map
/// words it, from the publishers) instead of the list of report files.
pub fn write_preview_credited<W: Write>(
    mut out: W,
    title: &str,
    source: Option<&str>,
    layers: &[PreviewLayer<'_>],
    basemap: &[(&str, &str)],
) -> io::Result<()> {
    let summaries = layers
        .iter()
        .map(|layer| summarize(layer.style.layer, layer.geojson))
        .collect::<io::Result<Vec<_>>>()?;
    for (name, text) in basemap {
        summarize(&format!("basemap {name}"), text)?;
    }
    let title = escape_markup(title);

    out.write_all(b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")?;
    out.write_all(b"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")?;
    // Nothing may be fetched: no tiles, fonts, images (but data: URIs) or
    // requests; only the page's own inline script and style run.
    out.write_all(
        b"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
          script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n",
    )?;
    out.write_all(b"<meta name=\"generator\" content=\"geoevents\">\n")?;
    writeln!(out, "<title>{title}</title>")?;
    writeln!(
        out,
        "<!--\nLeaflet {LEAFLET_VERSION} (https://leafletjs.com), inlined below from the npm \
         package leaflet@{LEAFLET_VERSION} (vendor/leaflet/ in the geoevents repository), \
         under this licence:\n\n{}\n-->",
        LEAFLET_LICENSE.trim_end()
    )?;
    writeln!(out, "<style>\n{}\n</style>", LEAFLET_CSS.trim_end())?;
    writeln!(out, "<style>\n{}</style>", PAGE_CSS)?;
    out.write_all(b"</head>\n<body>\n")?;
    writeln!(out, "<header class=\"ge-header\"><h1>{title}</h1></header>")?;
    out.write_all(b"<div id=\"map\" class=\"ge-map\" role=\"region\" aria-label=\"Map\"></div>\n")?;
    out.write_all(
        b"<noscript><p class=\"ge-message\">This preview draws its map with JavaScript; \
          turn it on to see the map, or open the layers' GeoJSON files.</p></noscript>\n",
    )?;
    out.write_all(b"<p id=\"ge-error\" class=\"ge-message\" hidden></p>\n")?;
    out.write_all(legend(layers, &summaries).as_bytes())?;
    writeln!(
        out,
        "<footer class=\"ge-credit\">{}</footer>",
        credit(&summaries, source, !basemap.is_empty())
    )?;
    writeln!(out, "<script>\n{}\n</script>", leaflet_script())?;
    out.write_all(b"<script type=\"application/json\" id=\"geoevents-data\">")?;
    write_script_json(&mut out, &page_data(layers, basemap))?;
    out.write_all(b"</script>\n")?;
    writeln!(out, "<script>\n{}</script>", PAGE_JS)?;
    out.write_all(b"</body>\n</html>\n")?;
    out.flush()
}

/// Writes JSON text so that it can stand inside an HTML `<script>` element:
/// `<`, `>`, `&`, U+2028 and U+2029 become `\u003c`, `\u003e`, `\u0026`,
/// `\u2028` and `\u2029`. `json` must be valid JSON, where these characters
/// can only stand inside strings, and there the escapes mean the same
/// characters: the value is unchanged, but no `</script>` or `<!--` is left
/// to end the element or change how the HTML parser reads it.
pub fn write_script_json<W: Write>(out: &mut W, json: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in json.char_indices() {
        let escaped = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.write_all(&json.as_bytes()[start..i])?;
        out.write_all(escaped.as_bytes())?;
        start = i + c.len_utf8();
    }
    out.write_all(&json.as_bytes()[start..])
}

/// [`write_script_json`] to a string.
pub fn script_json(json: &str) -> String {
    let mut out = Vec::with_capacity(json.len());
    write_script_json(&mut out, json).expect("writing to memory");
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// Leaflet's script without its last line, `//# sourceMappingURL=…`, which
/// would send a browser's developer tools looking for a file beside the page.
fn leaflet_script() -> &'static str {
    let js = LEAFLET_JS.trim_end();
    match js.rfind('\n') {
        Some(i) if js[i + 1..].starts_with("//# sourceMappingURL=") => &js[..i],
        _ => js,
    }
}

/// What the page needs to know of a FeatureCollection besides drawing it.
#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<FeatureSummary>,
}

#[derive(Deserialize)]
struct FeatureSummary {
    properties: Option<Properties>,
}

#[derive(Deserialize)]
struct Properties {
    sources: Option<JsonValue>,
    precision: Option<JsonValue>,
    kind: Option<JsonValue>,
}

/// A layer's features, summed up for the legend and the credit line.
#[derive(Debug, Default)]
struct Summary {
    /// The distinct reports of its `sources` fields (`;`-separated).
    sources: BTreeSet<String>,
    /// Whether a feature is placed only approximately (drawn hollow).
    imprecise: bool,
    /// The event kinds of its features (`kind`), for areas coloured by kind.
    kinds: BTreeSet<String>,
}

/// Whether an event placed with `precision` is drawn as a solid marker.
fn precise(precision: &str) -> bool {
    matches!(precision, "site" | "town")
}

fn summarize(name: &str, text: &str) -> io::Result<Summary> {
    let invalid = |why: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("preview layer {name}: not a GeoJSON FeatureCollection: {why}"),
        )
    };
    let collection: Collection = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    if collection.kind != "FeatureCollection" {
        return Err(invalid(format!("its type is {:?}", collection.kind)));
    }
    let mut summary = Summary::default();
    for p in collection.features.into_iter().filter_map(|f| f.properties) {
        if let Some(JsonValue::String(sources)) = p.sources {
            let reports = sources.split(';').map(str::trim).filter(|s| !s.is_empty());
            summary.sources.extend(reports.map(str::to_string));
        }
        if let Some(JsonValue::String(precision)) = p.precision {
            summary.imprecise |= !precise(&precision);
        }
        if let Some(JsonValue::String(kind)) = p.kind {
            summary.kinds.insert(kind);
        }
    }
    Ok(summary)
}

/// Whether a layer's areas take the colour of their event's kind.
fn by_kind(style: &LayerStyle) -> bool {
    *style == UNCERTAINTY
}

fn geometry_name(kind: GeometryKind) -> &'static str {
    match kind {
        GeometryKind::Point => "Point",
        GeometryKind::LineString => "LineString",
        GeometryKind::Polygon => "Polygon",
    }
}

fn radius(style: &LayerStyle) -> u32 {
    if style.marker_size == "small" {
        BASE_RADIUS
    } else {
        EVENT_RADIUS
    }
}

/// The page's data, one JSON text: how to draw each layer, with its
/// FeatureCollection inlined as given (already checked to be valid JSON).
fn page_data(layers: &[PreviewLayer<'_>], basemap: &[(&str, &str)]) -> String {
    // A non-empty object without its closing brace, to append to.
    let open = |value: JsonValue| {
        let mut text = value.to_string();
        text.pop();
        text
    };
    let mut data = open(json!({
        "kindColours": {"strike": STRIKES.colour, "attack": ATTACKS.colour},
    }));
    data.push_str(",\"layers\":[");
    for (i, layer) in layers.iter().enumerate() {
        let style = layer.style;
        let fill_opacity = if by_kind(style) {
            AREA_FILL_OPACITY
        } else {
            0.0
        };
        if i > 0 {
            data.push(',');
        }
        data.push_str(&open(json!({
            "name": style.layer,
            "title": style.title,
            "colour": style.colour,
            "geometry": geometry_name(style.geometry),
            "radius": radius(style),
            "byKind": by_kind(style),
            "fillOpacity": fill_opacity,
        })));
        data.push_str(",\"data\":");
        data.push_str(layer.geojson.trim());
        data.push('}');
    }
    data.push_str("],\"basemap\":[");
    for (i, (name, text)) in basemap.iter().enumerate() {
        if i > 0 {
            data.push(',');
        }
        data.push_str(&open(json!({ "name": name })));
        data.push_str(",\"data\":");
        data.push_str(text.trim());
        data.push('}');
    }
    data.push_str("]}");
    data
}

/// A 16 × 16 legend symbol around `shape`.
fn symbol(shape: &str) -> String {
    format!(
        "<svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\" aria-hidden=\"true\">{shape}</svg>"
    )
}

/// The legend, hidden until the page's script puts it on the map.
fn legend(layers: &[PreviewLayer<'_>], summaries: &[Summary]) -> String {
    let mut items = Vec::new();
    let mut item = |shape: String, text: &str| {
        items.push(format!(
            "<li>{}{}</li>",
            symbol(&shape),
            escape_markup(text)
        ));
    };
    let points = || {
        layers
            .iter()
            .zip(summaries)
            .filter(|(l, _)| l.style.geometry == GeometryKind::Point)
    };
    for (layer, _) in points() {
        let colour = escape_attribute(layer.style.colour);
        let r = radius(layer.style).min(7);
        item(
            format!("<circle cx=\"8\" cy=\"8\" r=\"{r}\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"),
            layer.style.title,
        );
    }
    if points().any(|(_, s)| s.imprecise) {
        item(
            "<circle cx=\"8\" cy=\"8\" r=\"6\" fill=\"#ffffff\" stroke=\"#666666\" stroke-width=\"2.5\"/>".into(),
            "Hollow: placed only approximately (near a place, or in a region, governorate or country)",
        );
    }
    for (layer, summary) in layers.iter().zip(summaries) {
        let style = layer.style;
        let colour = escape_attribute(style.colour);
        match style.geometry {
            GeometryKind::Point => {}
            GeometryKind::LineString => item(
                format!("<line x1=\"1\" y1=\"13\" x2=\"15\" y2=\"3\" stroke=\"{colour}\" stroke-width=\"2\"/>"),
                style.title,
            ),
            GeometryKind::Polygon if by_kind(style) => {
                for kind in &summary.kinds {
                    let colour = escape_attribute(LayerStyle::for_event_kind(kind).colour);
                    item(
                        format!(
                            "<rect x=\"1.5\" y=\"1.5\" width=\"13\" height=\"13\" fill=\"{colour}\" \
                             fill-opacity=\"{AREA_FILL_OPACITY}\" stroke=\"{colour}\"/>"
                        ),
                        &format!("{} ({kind})", style.title),
                    );
                }
            }
            GeometryKind::Polygon => item(
                format!("<circle cx=\"8\" cy=\"8\" r=\"6.5\" fill=\"none\" stroke=\"{colour}\" \
                 stroke-opacity=\"0.6\" stroke-dasharray=\"4 3\"/>"),
                style.title,
            ),
        }
    }
    format!(
        "<div id=\"ge-legend\" class=\"ge-legend\" hidden>\n<h2>Legend</h2>\n<ul>\n{}\n</ul>\n</div>\n",
        items.join("\n")
    )
}

/// The credit line: the reports the events rest on, the basemap, Leaflet.
fn credit(summaries: &[Summary], source: Option<&str>, basemap: bool) -> String {
    let mut parts = Vec::new();
    let reports: BTreeSet<&String> = summaries.iter().flat_map(|s| &s.sources).collect();
    if let Some(source) = source {
        parts.push(escape_markup(source).into_owned());
    } else if !reports.is_empty() {
        let list: Vec<_> = reports.iter().map(|r| escape_markup(r)).collect();
        parts.push(format!("Source: reports {}.", list.join(", ")));
    }
    if basemap {
        parts.push(format!("Basemap: {BASEMAP_CREDIT}."));
    }
    parts.push(format!("Map drawn with Leaflet {LEAFLET_VERSION}."));
    parts.join(" ")
}

/// The page's own style, after Leaflet's.
const PAGE_CSS: &str = r#"html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; color: #222;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.ge-header { padding: 6px 12px; border-bottom: 1px solid #ccc; }
.ge-header h1 { margin: 0; font-size: 18px; }
.ge-map { flex: 1 1 auto; min-height: 300px; }
.ge-map.leaflet-container { background: #dbe7f0; }
.ge-credit { padding: 4px 12px; font-size: 12px; color: #555; border-top: 1px solid #ccc; }
.ge-message { margin: 0; padding: 6px 12px; color: #a00000; }
.ge-legend { background: rgba(255, 255, 255, 0.92); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3); font-size: 12px; max-width: 260px; }
.ge-legend h2 { margin: 0 0 4px; font-size: 12px; }
.ge-legend ul { margin: 0; padding: 0; list-style: none; }
.ge-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.ge-legend svg { flex: none; }
.ge-popup h2 { margin: 0 0 4px; font-size: 14px; }
.ge-popup .ge-sources { margin: 0 0 6px; font-weight: 600; }
.ge-popup table { border-collapse: collapse; font-size: 12px; }
.ge-popup th { padding: 1px 8px 1px 0; color: #555; font-weight: normal; text-align: left;
  vertical-align: top; white-space: nowrap; }
.ge-popup td { padding: 1px 0; overflow-wrap: anywhere; }
/* The switcher stays open, and Leaflet's icons are not shipped: ask for none. */
.leaflet-control-layers-toggle, .leaflet-retina .leaflet-control-layers-toggle,
.leaflet-default-icon-path { background-image: none; }
"#;

/// The page's script: draws the layers of the `geoevents-data` element.
/// Data reaches the page only as DOM text (`textContent`, text nodes) or,
/// where Leaflet takes markup (the switcher's labels), escaped first.
const PAGE_JS: &str = r#"(function () {
  'use strict';

  // simplestyle-spec keys: how other formats draw a feature, not its data.
  var STYLE_KEYS = ['title', 'marker-color', 'marker-symbol', 'marker-size',
    'stroke', 'stroke-width', 'stroke-opacity', 'fill', 'fill-opacity'];
  // Events placed this precisely are drawn solid, the others hollow.
  var PRECISE = ['site', 'town'];
  var PANES = { Point: 'ge-points', LineString: 'ge-lines', Polygon: 'ge-areas' };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function shown(value) {
    if (value === null || value === undefined || value === '') return '\u2014';
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  function textOf(p, key) {
    return typeof p[key] === 'string' && p[key] !== '' ? p[key] : null;
  }

  function titleOf(feature) {
    var p = feature.properties || {};
    var given = textOf(p, 'title') || textOf(p, 'label') || textOf(p, 'name');
    if (given) return given;
    var parts = [textOf(p, 'place_name') || textOf(p, 'place'), textOf(p, 'date')];
    parts = parts.filter(Boolean);
    return parts.length ? parts.join(', ') : shown(feature.id);
  }

  // The popup: the feature's title, its sources, then every field.
  function popupFor(feature) {
    var p = feature.properties || {};
    var box = element('div', 'ge-popup');
    box.appendChild(element('h2', null, titleOf(feature)));
    var sources = textOf(p, 'sources');
    if (sources) {
      var list = sources.split(';').map(function (s) { return s.trim(); }).filter(Boolean);
      box.appendChild(element('p', 'ge-sources', 'Sources: ' + list.join('; ')));
    } else if (textOf(p, 'source')) {
      box.appendChild(element('p', 'ge-sources', 'Source: ' + p.source));
    }
    var table = element('table');
    var rows = [['id', feature.id]];
    Object.keys(p).forEach(function (key) {
      if (STYLE_KEYS.indexOf(key) < 0) rows.push([key, p[key]]);
    });
    rows.forEach(function (row) {
      var tr = element('tr');
      tr.appendChild(element('th', null, row[0]));
      tr.appendChild(element('td', null, shown(row[1])));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function number(p, key, fallback, max) {
    var v = p[key];
    return typeof v === 'number' && isFinite(v) && v >= 0 ? Math.min(v, max) : fallback;
  }

  function styleOf(layer, kindColours, feature) {
    var p = feature.properties || {};
    var colour = (layer.byKind && kindColours[p.kind]) || layer.colour;
    if (layer.geometry === 'Point') {
      var solid = typeof p.precision !== 'string' || PRECISE.indexOf(p.precision) >= 0;
      return solid
        ? { radius: layer.radius, color: '#ffffff', weight: 1.5, opacity: 1,
            fillColor: colour, fillOpacity: 1 }
        : { radius: layer.radius, color: colour, weight: 2.5, opacity: 1,
            fillColor: '#ffffff', fillOpacity: 0.6 };
    }
    var filled = layer.geometry === 'Polygon' && layer.fillOpacity > 0;
    var outline = layer.geometry === 'Polygon' && !filled;
    return {
      color: colour,
      weight: number(p, 'stroke-width', layer.geometry === 'LineString' ? 2 : 1, 10),
      // Outlines (range rings) are dashed and fainter, to read through.
      opacity: number(p, 'stroke-opacity', 1, 1) * (outline ? 0.6 : 1),
      dashArray: outline ? '4 3' : null,
      fill: filled,
      fillColor: colour,
      fillOpacity: layer.fillOpacity
    };
  }

  function basemapStyle(feature) {
    var type = feature.geometry ? feature.geometry.type : '';
    if (type === 'Polygon' || type === 'MultiPolygon') {
      return { color: '#a3a3a3', weight: 0.8, fillColor: '#f5f2ea', fillOpacity: 1 };
    }
    return { color: '#7eb0d5', weight: 1.2, fillColor: '#7eb0d5', fillOpacity: 1 };
  }

  function draw(data) {
    var map = L.map('map', { attributionControl: false, minZoom: 2, maxZoom: 12, zoomSnap: 0.5 });
    [['ge-basemap', 250], ['ge-areas', 410], ['ge-lines', 420], ['ge-points', 430]]
      .forEach(function (pane) { map.createPane(pane[0]).style.zIndex = pane[1]; });

    var renderer = L.canvas({ pane: 'ge-basemap' });
    var base = { pane: 'ge-basemap', renderer: renderer, interactive: false };
    var basemap = data.basemap.map(function (b) {
      var layer = L.geoJSON(b.data, L.extend({
        style: basemapStyle,
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, L.extend({ radius: 2 }, base, basemapStyle(f)));
        }
      }, base));
      return { label: 'Basemap: ' + b.name, layer: layer };
    });

    var points = L.latLngBounds([]);
    var everything = L.latLngBounds([]);
    var layers = data.layers.map(function (meta) {
      var options = {
        pane: PANES[meta.geometry] || 'ge-areas',
        className: 'geoevents-' + meta.name
      };
      var style = function (f) { return styleOf(meta, data.kindColours, f); };
      var layer = L.geoJSON(meta.data, L.extend({
        style: style,
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, L.extend({}, options, style(f)));
        },
        onEachFeature: function (f, l) {
          l.bindPopup(function () { return popupFor(f); },
            { maxWidth: 380, minWidth: 220, maxHeight: 320 });
          if (meta.geometry === 'Point') {
            l.bindTooltip(element('span', null, titleOf(f)), { direction: 'top', offset: [0, -6] });
          }
          l.on('add', function () {
            if (f.id !== undefined && l.getElement) {
              l.getElement().setAttribute('data-feature-id', String(f.id));
            }
          });
        }
      }, options));
      if (meta.geometry === 'Point') points.extend(layer.getBounds());
      everything.extend(layer.getBounds());
      var label = meta.title + ' (' + meta.data.features.length + ')';
      return { label: label, layer: layer };
    });

    var switcher = L.control.layers(null, null, { collapsed: false, sortLayers: false });
    layers.concat(basemap).forEach(function (entry) {
      switcher.addOverlay(entry.layer, escapeHtml(entry.label));
    });
    switcher.addTo(map);

    var legend = document.getElementById('ge-legend');
    var Legend = L.Control.extend({
      onAdd: function () {
        legend.hidden = false;
        L.DomEvent.disableClickPropagation(legend);
        L.DomEvent.disableScrollPropagation(legend);
        return legend;
      }
    });
    new Legend({ position: 'bottomright' }).addTo(map);
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);

    // Fit the points (else everything) in the part of the map that the
    // switcher and the legend, on the right, leave free.
    basemap.forEach(function (b) { everything.extend(b.layer.getBounds()); });
    var view = points.isValid() ? points : everything;
    var size = map.getSize();
    var right = Math.max(switcher.getContainer().offsetWidth, legend.offsetWidth) + 30;
    if (right > size.x / 2) right = 30;
    if (view.isValid()) {
      map.fitBounds(view, { paddingTopLeft: [30, 30], paddingBottomRight: [right, 30], maxZoom: 9 });
    } else {
      map.setView([0, 0], 2);
    }
    basemap.concat(layers).forEach(function (entry) { entry.layer.addTo(map); });
  }

  try {
    draw(JSON.parse(document.getElementById('geoevents-data').textContent));
  } catch (err) {
    var message = document.getElementById('ge-error');
    message.textContent = 'The map could not be drawn: ' + err;
    message.hidden = false;
    throw err;
  }
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::style::{BASES, LINKS, RINGS};

    const NOTE: &str = "</script><script>alert(1)</script> <!-- <script> \u{2028}\u{2029} & >";

    fn strikes() -> String {
        json!({
            "type": "FeatureCollection",
            "features": [{
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [44.2, 32.9]},
                "id": "e1",
                "properties": {
                    "kind": "strike", "place": "<b>Jurf</b>", "precision": "town",
                    "sources": "b.txt;a.txt", "notes": NOTE
                }
            }, {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [41.5, 33.1]},
                "id": "e2",
                "properties": {
                    "kind": "strike", "place": "near Al Anbar",
                    "precision": "near-governorate", "sources": "a.txt; c.txt"
                }
            }]
        })
        .to_string()
    }

    const EMPTY: &str = r#"{"type":"FeatureCollection","features":[]}"#;

    fn page(title: &str, strikes: &str) -> String {
        let layers = [
            PreviewLayer {
                style: &STRIKES,
                geojson: strikes,
            },
            PreviewLayer {
                style: &BASES,
                geojson: EMPTY,
            },
            PreviewLayer {
                style: &RINGS,
                geojson: EMPTY,
            },
            PreviewLayer {
                style: &LINKS,
                geojson: EMPTY,
            },
            PreviewLayer {
                style: &UNCERTAINTY,
                geojson: EMPTY,
            },
        ];
        let countries = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"name":"Iraq"}}]}"#;
        let mut out = Vec::new();
        write_preview(&mut out, title, &layers, &[("countries", countries)]).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The text of the data element, as the HTML parser would end it.
    fn data_element(page: &str) -> &str {
        let open = "<script type=\"application/json\" id=\"geoevents-data\">";
        let start = page.find(open).unwrap() + open.len();
        let len = page[start..].to_ascii_lowercase().find("</script").unwrap();
        &page[start..start + len]
    }

    #[test]
    fn json_is_escaped_for_a_script_element() {
        let json = json!({"note": NOTE}).to_string();
        let escaped = script_json(&json);
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!escaped.contains(bad), "{bad:?} left in {escaped}");
        }
        assert!(escaped.contains(r"\u003c/script\u003e\u003cscript\u003e"));
        assert!(escaped.contains(r"\u2028\u2029 \u0026 \u003e"));
        let back: JsonValue = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["note"], NOTE);
    }

    #[test]
    fn a_note_cannot_end_the_data_element() {
        let page = page("T", &strikes());
        let lower = page.to_ascii_lowercase();
        // Leaflet's script, the data and the page's script: no more.
        assert_eq!(lower.matches("<script").count(), 3);
        assert_eq!(lower.matches("</script").count(), 3);
        assert!(!page.contains("alert(1)</script>"));
        let data: JsonValue = serde_json::from_str(data_element(&page)).unwrap();
        assert_eq!(
            data["layers"][0]["data"]["features"][0]["properties"]["notes"],
            NOTE
        );
        assert_eq!(data["layers"][0]["name"], "strikes");
        assert_eq!(data["basemap"][0]["name"], "countries");
        assert_eq!(data["layers"][4]["fillOpacity"], AREA_FILL_OPACITY);
    }

    #[test]
    fn text_in_the_markup_is_escaped() {
        let page = page("Strikes <i>&</i> attacks", &strikes());
        assert!(page.contains("<title>Strikes &lt;i&gt;&amp;&lt;/i&gt; attacks</title>"));
        assert!(page.contains("<h1>Strikes &lt;i&gt;&amp;&lt;/i&gt; attacks</h1>"));
        assert!(!page.contains("<i>"));
    }

    #[test]
    fn credit_lists_distinct_reports_and_the_basemap() {
        let page = page("T", &strikes());
        assert!(page.contains(
            "<footer class=\"ge-credit\">Source: reports a.txt, b.txt, c.txt. \
             Basemap: Natural Earth. Map drawn with Leaflet 1.9.4.</footer>"
        ));
    }

    #[test]
    fn legend_shows_hollow_markers_only_for_approximate_events() {
        assert!(page("T", &strikes()).contains("Hollow: placed only approximately"));
        let sites = strikes().replace("near-governorate", "site");
        assert!(!page("T", &sites).contains("Hollow: placed only approximately"));
    }

    #[test]
    fn the_page_is_deterministic() {
        assert_eq!(page("T", &strikes()), page("T", &strikes()));
    }

    #[test]
    fn the_page_asks_for_no_url() {
        let page = page("T", &strikes());
        assert!(page.contains("default-src 'none'"));
        assert!(!page.contains("sourceMappingURL"));
        // Leaflet's stylesheet names its images; the page's own overrides them.
        assert!(page.contains(".leaflet-default-icon-path { background-image: none; }"));
    }

    #[test]
    fn vendored_leaflet_can_be_inlined() {
        let js = leaflet_script().to_ascii_lowercase();
        assert!(js.starts_with("/* @preserve\n * leaflet 1.9.4"));
        assert!(!js.contains("</script") && !js.contains("<!--"));
        assert!(!LEAFLET_CSS.to_ascii_lowercase().contains("</style"));
        // The licence goes in an HTML comment.
        assert!(LEAFLET_LICENSE.starts_with("BSD 2-Clause License"));
        assert!(!LEAFLET_LICENSE.contains("--") && !LEAFLET_LICENSE.contains('>'));
    }

    #[test]
    fn invalid_geojson_is_refused() {
        for text in [
            "{",
            r#"{"type":"Feature","features":[]}"#,
            r#"{"type":"FeatureCollection"}"#,
        ] {
            let layers = [PreviewLayer {
                style: &STRIKES,
                geojson: text,
            }];
            let err = write_preview(Vec::new(), "T", &layers, &[]).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{text}");
            assert!(
                err.to_string().starts_with("preview layer strikes:"),
                "{err}"
            );
        }
        let layers = [PreviewLayer {
            style: &STRIKES,
            geojson: EMPTY,
        }];
        let err = write_preview(Vec::new(), "T", &layers, &[("rivers", "[]")]).unwrap_err();
        assert!(
            err.to_string().starts_with("preview layer basemap rivers:"),
            "{err}"
        );
    }
}
