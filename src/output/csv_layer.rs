//! A layer as CSV for spreadsheets and Datawrapper: the feature `id`, every
//! property, then `lon`, `lat` and a `wkt` point.
//!
//! Report text is untrusted, and a spreadsheet runs a cell that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return as a formula. Following
//! OWASP's CSV-injection advice, such text cells get a leading `'`. Numbers
//! (counts, coordinates) are written as numbers and left alone.
//!
//! Beside each CSV go the sidecars GDAL and QGIS read (the GeoCSV
//! convention): `<name>.csvt` with the type of every column, so counts load
//! as integers and dates as dates rather than everything as text and `lon`,
//! `lat` are the point, and for a layer `<name>.prj` with the WGS 84
//! definition, so the points load in EPSG:4326.

use std::io::Write;

use geojson::{Feature, JsonValue};

use super::geometry::{number, wkt, GeometryKind};
use super::gpkg::WGS84_WKT;
use super::label::feature_id;
use super::layer::{point_of, FeatureSink};
use super::tables::TableWriter;
use super::value::neutralize;
use super::OutputDir;
use crate::error::{Error, Result};

/// The columns a layer's CSV adds after the properties, with their GDAL
/// types: a point's `lon`, `lat` (typed CoordX/CoordY, which makes GDAL
/// build the points from them and declare the layer Point) and `wkt`; for
/// lines and areas only `wkt`, typed WKT so GDAL reads the geometry from it.
fn geometry_columns(kind: GeometryKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        GeometryKind::Point => &[("lon", "CoordX"), ("lat", "CoordY"), ("wkt", "String")],
        GeometryKind::LineString | GeometryKind::Polygon => &[("wkt", "WKT")],
    }
}

/// Writes `<name>.csvt` for a CSV whose columns have GDAL types `types`
/// and, for a layer (`geometry`), adds the layer's own columns (`id` first,
/// the geometry columns last) and writes `<name>.prj`.
pub fn write_sidecars<'a>(
    out: &mut OutputDir,
    name: &str,
    types: impl Iterator<Item = &'a str>,
    geometry: Option<GeometryKind>,
) -> Result<()> {
    let mut all: Vec<&str> = Vec::new();
    if geometry.is_some() {
        all.push("String");
    }
    all.extend(types);
    if let Some(kind) = geometry {
        all.extend(geometry_columns(kind).iter().map(|(_, t)| *t));
    }
    let quoted: Vec<String> = all.iter().map(|t| format!("\"{t}\"")).collect();
    let mut sidecars = vec![(format!("{name}.csvt"), quoted.join(",") + "\n")];
    if geometry.is_some() {
        sidecars.push((format!("{name}.prj"), WGS84_WKT.to_string() + "\n"));
    }
    for (file_name, text) in sidecars {
        let mut file = out.file(&file_name)?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| Error::io(&file_name, e))?;
    }
    Ok(())
}

/// Writes a layer as CSV rows.
pub struct CsvLayerWriter<W: Write> {
    table: TableWriter<W>,
    columns: Vec<String>,
    kind: GeometryKind,
}

impl<W: Write> CsvLayerWriter<W> {
    /// Writes the header: `id`, `columns`, then `lon`, `lat`, `wkt` for a
    /// point layer or `wkt` for lines and areas.
    pub fn new(out: W, name: &str, columns: &[String], kind: GeometryKind) -> Result<Self> {
        let mut header: Vec<&str> = vec!["id"];
        header.extend(columns.iter().map(String::as_str));
        header.extend(geometry_columns(kind).iter().map(|(n, _)| *n));
        Ok(CsvLayerWriter {
            table: TableWriter::new(out, name, &header)?,
            columns: columns.to_vec(),
            kind,
        })
    }
}

/// A value as a CSV cell: empty for null, text neutralized, numbers as
/// JSON writes them, booleans as `true`/`false`.
pub fn cell(value: Option<&JsonValue>) -> String {
    match value {
        None | Some(JsonValue::Null) => String::new(),
        Some(JsonValue::String(s)) => neutralize(s).into_owned(),
        Some(other) => other.to_string(),
    }
}

impl<W: Write> FeatureSink for CsvLayerWriter<W> {
    fn write(&mut self, feature: &Feature) -> Result<()> {
        // Ids are checked on input to need no neutralising; this only
        // guards against a writer upstream that did not.
        let id = feature_id(feature)
            .map(|id| neutralize(&id).into_owned())
            .unwrap_or_default();
        let mut row: Vec<String> = Vec::with_capacity(self.columns.len() + 4);
        row.push(id);
        for column in &self.columns {
            row.push(cell(feature.property(column)));
        }
        if self.kind == GeometryKind::Point {
            match point_of(feature) {
                Some([x, y]) => row.extend([number(x), number(y)]),
                None => row.extend([String::new(), String::new()]),
            }
        }
        row.push(wkt(feature).unwrap_or_default());
        let fields: Vec<&str> = row.iter().map(String::as_str).collect();
        self.table.write_row(&fields)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.table.finish().map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_not_neutralized() {
        assert_eq!(cell(Some(&JsonValue::from(-33.5))), "-33.5");
        assert_eq!(cell(Some(&JsonValue::Null)), "");
    }
}
