//! KML 2.2 for Google Earth: `geoevents.kml`, one Folder per layer, a
//! Placemark per feature.
//!
//! Each Placemark has the label as its `name`, a `description` listing the
//! event and its sources, a `TimeStamp` from the event date (so Google
//! Earth's time slider works), the layer's shared Style, its properties as
//! typed `SchemaData` (the way GDAL writes KML, so GDAL and QGIS read the
//! fields with their types) and a 2D geometry: a point, or a line or
//! counter-clockwise ring that follows the ground. Children follow the order of
//! the KML schema. All data text is escaped.

use std::borrow::Cow;
use std::fmt::Write as _;

use geojson::{Feature, JsonValue};

use super::documents::{PartSink, Parts};
use super::geometry::{number, parts, GeometryKind};
use super::label::{escape_attribute, escape_markup, feature_id, summary, title};
use super::schema::Field;
use super::style::{kml_colour, LayerStyle, AREA_FILL_OPACITY, UNCERTAINTY};
use super::OutputDir;
use crate::error::Result;

/// The file name.
pub const KML_FILE: &str = "geoevents.kml";

/// The KML document being written.
pub struct KmlDocument {
    parts: Parts,
    folders: Vec<(LayerStyle, Vec<Field>)>,
}

impl KmlDocument {
    /// Opens `geoevents.kml`.
    pub fn create(out: &mut OutputDir) -> Result<Self> {
        Ok(KmlDocument {
            parts: Parts::create(out, KML_FILE)?,
            folders: Vec::new(),
        })
    }

    /// Adds a folder for a layer with properties `fields`.
    pub fn folder(
        &mut self,
        out: &mut OutputDir,
        style: &LayerStyle,
        fields: &[Field],
    ) -> Result<PartSink> {
        let (layer, names) = (
            style.layer,
            fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        );
        self.folders.push((*style, fields.to_vec()));
        self.parts.add(
            out,
            layer,
            Box::new(move |feature, buf| placemark(feature, layer, &names, buf)),
        )
    }

    /// Writes the document: styles and schemas, then each folder.
    pub fn finish(mut self) -> Result<()> {
        let mut head = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n<name>geoevents</name>\n",
        );
        // The KML schema puts a Document's Styles before its Schemas.
        for (style, _) in &self.folders {
            let _ = writeln!(head, "{}", style_element(style));
        }
        for (style, fields) in &self.folders {
            let _ = write!(
                head,
                "<Schema name=\"{0}\" id=\"{0}\">\n<SimpleField type=\"string\" name=\"id\"></SimpleField>\n",
                style.layer
            );
            for field in fields {
                let _ = writeln!(
                    head,
                    "<SimpleField type=\"{}\" name=\"{}\"></SimpleField>",
                    field.ty.kml(),
                    escape_attribute(&field.name)
                );
            }
            head.push_str("</Schema>\n");
        }
        self.parts.write(head.as_bytes())?;
        for i in 0..self.folders.len() {
            let style = self.folders[i].0;
            let open = format!(
                "<Folder>\n<name>{}</name>\n<description>{}</description>\n",
                style.layer, style.title
            );
            self.parts.write(open.as_bytes())?;
            self.parts.copy_part(i)?;
            self.parts.write(b"</Folder>\n")?;
        }
        self.parts.write(b"</Document>\n</kml>\n")?;
        self.parts.finish()
    }
}

/// The shared Style of a layer: an icon for points, a line for links, an
/// outline (filled only for uncertainty areas) for areas.
fn style_element(style: &LayerStyle) -> String {
    let id = style.layer;
    match style.geometry {
        GeometryKind::Point => format!(
            "<Style id=\"{id}-style\"><IconStyle><color>{}</color><scale>1.1</scale>\
             <Icon><href>{}</href></Icon></IconStyle>\
             <LabelStyle><scale>0.9</scale></LabelStyle></Style>",
            style.kml_colour(),
            style.kml_icon_href(),
        ),
        GeometryKind::LineString => format!(
            "<Style id=\"{id}-style\"><LineStyle><color>{}</color><width>2</width></LineStyle></Style>",
            style.kml_colour()
        ),
        GeometryKind::Polygon => {
            let fill = if *style == UNCERTAINTY {
                AREA_FILL_OPACITY
            } else {
                0.0
            };
            format!(
                "<Style id=\"{id}-style\"><LineStyle><color>{}</color><width>1</width></LineStyle>\
                 <PolyStyle><color>{}</color></PolyStyle></Style>",
                style.kml_colour(),
                kml_colour(style.colour, fill)
            )
        }
    }
}

/// `lon,lat` tuples separated by spaces.
fn coordinates(part: &[[f64; 2]]) -> String {
    part.iter()
        .map(|[x, y]| format!("{},{}", number(*x), number(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The KML geometry of a feature, 2D (no altitude, so readers keep the
/// layer 2D); lines and rings follow the ground.
fn geometry_element(feature: &Feature) -> Option<String> {
    let (kind, parts) = parts(feature)?;
    Some(match kind {
        GeometryKind::Point => format!(
            "<Point><coordinates>{}</coordinates></Point>",
            coordinates(&parts[0])
        ),
        GeometryKind::LineString => format!(
            "<LineString><tessellate>1</tessellate><coordinates>{}</coordinates></LineString>",
            coordinates(&parts[0])
        ),
        GeometryKind::Polygon => {
            let mut s = String::from("<Polygon><tessellate>1</tessellate>");
            for (i, ring) in parts.iter().enumerate() {
                let boundary = if i == 0 {
                    "outerBoundaryIs"
                } else {
                    "innerBoundaryIs"
                };
                let _ = write!(
                    s,
                    "<{boundary}><LinearRing><coordinates>{}</coordinates></LinearRing></{boundary}>",
                    coordinates(ring)
                );
            }
            s.push_str("</Polygon>");
            s
        }
    })
}

/// A property as SimpleData text. Booleans are written 1/0, which are
/// valid xsd:boolean and which GDAL's LIBKML driver (reading `bool` as an
/// integer) takes at their value; it would read `true` as 0.
fn value_text(value: &JsonValue) -> Option<String> {
    match value {
        JsonValue::Null => None,
        JsonValue::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        JsonValue::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The balloon: the summary, then a table of every field that has a value,
/// as HTML with each value escaped. `as_text` writes it escaped once more
/// as XML text, what the `<description>` element holds: its tags as
/// constants and its values escaped twice, where escaping the whole HTML
/// afterwards cost some 3 % of a build with the defaults.
fn description(feature: &Feature, fields: &[String], as_text: bool) -> String {
    let [br, table, row, cell, row_end, table_end] = if as_text {
        [
            "&lt;br/&gt;",
            "&lt;table&gt;",
            "&lt;tr&gt;&lt;th align=\"left\"&gt;",
            "&lt;/th&gt;&lt;td&gt;",
            "&lt;/td&gt;&lt;/tr&gt;",
            "&lt;/table&gt;",
        ]
    } else {
        [
            "<br/>",
            "<table>",
            "<tr><th align=\"left\">",
            "</th><td>",
            "</td></tr>",
            "</table>",
        ]
    };
    let summary = summary(feature);
    let lines: Vec<Cow<str>> = summary
        .iter()
        .map(|line| escaped_value(line, as_text))
        .collect();
    let mut html = lines.join(br);
    html.push_str(table);
    for name in fields {
        if let Some(text) = feature.property(name).and_then(value_text) {
            if !text.is_empty() {
                let (name, text) = (escaped_value(name, as_text), escaped_value(&text, as_text));
                for part in [row, &name, cell, &text, row_end] {
                    html.push_str(part);
                }
            }
        }
    }
    html.push_str(table_end);
    html
}

/// A value of [`description`]'s HTML: escaped as markup, and once more
/// when the HTML is written `as_text`.
fn escaped_value(text: &str, as_text: bool) -> Cow<'_, str> {
    match (as_text, escape_markup(text)) {
        (true, Cow::Borrowed(plain)) => escape_markup(plain),
        (true, Cow::Owned(once)) => Cow::Owned(escape_markup(&once).into_owned()),
        (false, once) => once,
    }
}

/// Appends one Placemark.
fn placemark(feature: &Feature, layer: &str, fields: &[String], buf: &mut Vec<u8>) {
    let mut s = String::with_capacity(1024);
    let _ = write!(
        s,
        "<Placemark>\n<name>{}</name>\n",
        escape_markup(&title(feature))
    );
    let _ = writeln!(
        s,
        "<description>{}</description>",
        description(feature, fields, true)
    );
    if let Some(JsonValue::String(date)) = feature.property("date") {
        let _ = writeln!(
            s,
            "<TimeStamp><when>{}</when></TimeStamp>",
            escape_markup(date)
        );
    }
    let _ = write!(
        s,
        "<styleUrl>#{layer}-style</styleUrl>\n<ExtendedData><SchemaData schemaUrl=\"#{layer}\">\n"
    );
    if let Some(id) = feature_id(feature) {
        let _ = writeln!(
            s,
            "<SimpleData name=\"id\">{}</SimpleData>",
            escape_markup(&id)
        );
    }
    for name in fields {
        if let Some(text) = feature.property(name).and_then(value_text) {
            let _ = writeln!(
                s,
                "<SimpleData name=\"{}\">{}</SimpleData>",
                escape_attribute(name),
                escape_markup(&text)
            );
        }
    }
    s.push_str("</SchemaData></ExtendedData>\n");
    if let Some(geometry) = geometry_element(feature) {
        s.push_str(&geometry);
        s.push('\n');
    }
    s.push_str("</Placemark>\n");
    buf.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_description_as_text_is_its_html_escaped() {
        let mut feature = Feature {
            bbox: None,
            geometry: None,
            id: None,
            properties: None,
            foreign_members: None,
        };
        let props = json!({
            "title": "Jurf al-Sakhar <Nahr> & \"Co\", 2024-01-23",
            "place": "Jurf al-Sakhar & Musayyib",
            "notes": "DATE: 'early' vs \"late\"; <b>not bold</b> &amp;",
            "target": "جرف الصخر",
            "killed_low": 3,
            "empty": "",
        });
        feature.properties = props.as_object().cloned();
        let fields: Vec<String> = ["place", "notes", "target", "killed_low", "empty", "absent"]
            .map(String::from)
            .to_vec();
        let html = description(&feature, &fields, false);
        assert!(html
            .contains("<tr><th align=\"left\">notes</th><td>DATE: 'early' vs \"late\"; &lt;b&gt;"));
        assert!(!html.contains("empty"));
        assert_eq!(description(&feature, &fields, true), escape_markup(&html));
    }
}
