//! Output formats, and [`Layer`]: one layer written to every format chosen.

use std::fmt;

use geojson::{Feature, GeometryValue};

use super::csv_layer::{write_sidecars, CsvLayerWriter};
use super::documents::Documents;
use super::event_record::EventRecord;
use super::geojson::LayerWriter;
use super::schema::Field;
use super::seq::SeqWriter;
use super::style::LayerStyle;
use super::{OutputDir, OutputFile};
use crate::error::Result;

/// A file format a layer can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// RFC 7946 FeatureCollection, `.geojson`.
    GeoJson,
    /// Newline-delimited GeoJSON features (GeoJSONSeq), `.geojsonl`.
    GeoJsonSeq,
    /// CSV with every property, `lon`, `lat` and `wkt`, `.csv`, with GDAL's
    /// `.csvt` and `.prj` sidecars.
    Csv,
    /// One GeoPackage, `geoevents.gpkg`, a table per layer and table.
    Gpkg,
    /// One KML document, `geoevents.kml`, a Folder per layer.
    Kml,
    /// Datawrapper locator-map markers, `datawrapper-markers.json`.
    Datawrapper,
}

impl Format {
    /// Every format, in the order files are written.
    pub const ALL: [Format; 6] = [
        Format::GeoJson,
        Format::GeoJsonSeq,
        Format::Csv,
        Format::Gpkg,
        Format::Kml,
        Format::Datawrapper,
    ];

    /// The name used by `--formats`.
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoJsonSeq => "geojsonseq",
            Format::Csv => "csv",
            Format::Gpkg => "gpkg",
            Format::Kml => "kml",
            Format::Datawrapper => "datawrapper",
        }
    }

    /// Parses a `--formats` name.
    pub fn parse(name: &str) -> Option<Self> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The extension of a file per layer, with its dot; `None` for the
    /// formats that put every layer in one file.
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Format::GeoJson => Some(".geojson"),
            Format::GeoJsonSeq => Some(".geojsonl"),
            Format::Csv => Some(".csv"),
            Format::Gpkg | Format::Kml | Format::Datawrapper => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something a layer's features are written to, one at a time.
pub trait FeatureSink {
    /// Writes one point feature.
    fn write(&mut self, feature: &Feature) -> Result<()>;
    /// Writes an event; formats that can write it without a Feature do.
    fn write_event(&mut self, record: &EventRecord<'_>) -> Result<()> {
        self.write(record.feature())
    }
    /// Completes the file (closing brackets, bbox) and flushes it.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// The `[lon, lat]` of a Point feature.
pub fn point_of(feature: &Feature) -> Option<[f64; 2]> {
    match &feature.geometry.as_ref()?.value {
        GeometryValue::Point { coordinates } => match coordinates.as_slice() {
            [x, y, ..] => Some([*x, *y]),
            _ => None,
        },
        _ => None,
    }
}

/// One layer (strikes, attacks, bases) written to every chosen format.
pub struct Layer {
    sinks: Vec<Box<dyn FeatureSink>>,
    features: usize,
}

impl Layer {
    /// Opens the layer in every format: `<name><extension>` in `out` for
    /// the per-layer formats, a table or folder in each open document.
    /// `fields` are the properties every feature of the layer has, in order
    /// (CSV headers and GeoPackage tables need them before the first
    /// feature).
    pub fn open(
        out: &mut OutputDir,
        docs: &mut Documents,
        style: &LayerStyle,
        formats: &[Format],
        fields: &[Field],
    ) -> Result<Self> {
        let name = style.layer;
        let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
        let mut sinks: Vec<Box<dyn FeatureSink>> = Vec::new();
        for &format in formats {
            let Some(extension) = format.extension() else {
                continue;
            };
            let file_name = format!("{name}{extension}");
            let file: OutputFile = out.file(&file_name)?;
            sinks.push(if format == Format::GeoJson {
                Box::new(LayerWriter::new(file, &file_name)?)
            } else if format == Format::GeoJsonSeq {
                Box::new(SeqWriter::new(file, &file_name))
            } else {
                let kind = Some(style.geometry);
                write_sidecars(out, name, fields.iter().map(|f| f.ty.gdal()), kind)?;
                Box::new(CsvLayerWriter::new(
                    file,
                    &file_name,
                    &names,
                    style.geometry,
                )?)
            });
        }
        sinks.extend(docs.layer_sinks(out, style, fields)?);
        Ok(Layer { sinks, features: 0 })
    }

    /// Adds an output beyond the formats (the web preview's copy).
    pub fn add_sink(&mut self, sink: Box<dyn FeatureSink>) {
        self.sinks.push(sink);
    }

    /// Writes a feature to every format.
    pub fn write(&mut self, feature: &Feature) -> Result<()> {
        for sink in &mut self.sinks {
            sink.write(feature)?;
        }
        self.features += 1;
        Ok(())
    }

    /// Writes an event to every format.
    pub fn write_event(&mut self, record: &EventRecord<'_>) -> Result<()> {
        for sink in &mut self.sinks {
            sink.write_event(record)?;
        }
        self.features += 1;
        Ok(())
    }

    /// Features written.
    pub fn len(&self) -> usize {
        self.features
    }

    /// True when no feature was written.
    pub fn is_empty(&self) -> bool {
        self.features == 0
    }

    /// Completes every file.
    pub fn finish(self) -> Result<()> {
        for sink in self.sinks {
            sink.finish()?;
        }
        Ok(())
    }
}
