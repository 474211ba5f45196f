//! Output formats, and [`Layer`]: one layer written to every format chosen.

use std::fmt;
use std::fs::File;
use std::io::BufWriter;

use geojson::{Feature, GeometryValue};

use super::csv_layer::CsvLayerWriter;
use super::geojson::LayerWriter;
use super::seq::SeqWriter;
use super::OutputDir;
use crate::error::Result;

/// A file format a layer can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// RFC 7946 FeatureCollection, `.geojson`.
    GeoJson,
    /// Newline-delimited GeoJSON features (GeoJSONSeq), `.geojsonl`.
    GeoJsonSeq,
    /// CSV with every property, `lon`, `lat` and `wkt`, `.csv`.
    Csv,
}

impl Format {
    /// Every format, in the order files are written.
    pub const ALL: [Format; 3] = [Format::GeoJson, Format::GeoJsonSeq, Format::Csv];

    /// The name used by `--formats`.
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoJsonSeq => "geojsonseq",
            Format::Csv => "csv",
        }
    }

    /// Parses a `--formats` name.
    pub fn parse(name: &str) -> Option<Self> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The file extension, with its dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GeoJson => ".geojson",
            Format::GeoJsonSeq => ".geojsonl",
            Format::Csv => ".csv",
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
    /// Opens `<name><extension>` in `out` for each format. `columns` are the
    /// property names every feature of the layer has, in order (the CSV
    /// header needs them before the first feature).
    pub fn open(
        out: &mut OutputDir,
        name: &str,
        formats: &[Format],
        columns: &[String],
    ) -> Result<Self> {
        let mut sinks: Vec<Box<dyn FeatureSink>> = Vec::new();
        for &format in formats {
            let file_name = format!("{name}{}", format.extension());
            let file: BufWriter<File> = out.file(&file_name)?;
            sinks.push(match format {
                Format::GeoJson => Box::new(LayerWriter::new(file, &file_name)?),
                Format::GeoJsonSeq => Box::new(SeqWriter::new(file, &file_name)),
                Format::Csv => Box::new(CsvLayerWriter::new(file, &file_name, columns)?),
            });
        }
        Ok(Layer { sinks, features: 0 })
    }

    /// Writes a feature to every format.
    pub fn write(&mut self, feature: &Feature) -> Result<()> {
        for sink in &mut self.sinks {
            sink.write(feature)?;
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
