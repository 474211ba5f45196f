//! Formats that hold every layer in one file (GeoPackage, KML, Datawrapper
//! markers), and the machinery that lets them stream.
//!
//! Strikes and attacks arrive interleaved, but KML and the markers JSON
//! want each layer's features together. Each layer's features are written
//! to a scratch part file as they come, and the document is assembled from
//! its parts when the build completes, so memory never holds the features.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;

use geojson::Feature;

use super::datawrapper::MarkersDocument;
use super::gpkg::GeoPackage;
use super::kml::KmlDocument;
use super::layer::{FeatureSink, Format};
use super::schema::Field;
use super::style::LayerStyle;
use super::{OutputDir, OutputFile};
use crate::error::{Error, Result};

/// Formats one feature as the bytes of a document part.
pub type Render = Box<dyn Fn(&Feature, &mut Vec<u8>)>;

/// A file assembled from a head, parts written separately, and a tail.
pub struct Parts {
    main: OutputFile,
    file: String,
    parts: Vec<PathBuf>,
}

impl Parts {
    /// Opens the temporary file of output `file`.
    pub fn create(out: &mut OutputDir, file: &str) -> Result<Self> {
        Ok(Parts {
            main: out.file(file)?,
            file: file.to_string(),
            parts: Vec::new(),
        })
    }

    /// Adds a part and returns a sink writing each feature as `render`
    /// formats it.
    pub fn add(&mut self, out: &mut OutputDir, name: &str, render: Render) -> Result<PartSink> {
        let (part, path) = out.scratch(&self.file, name)?;
        self.parts.push(path);
        Ok(PartSink {
            out: part,
            file: self.file.clone(),
            render,
            buf: Vec::new(),
        })
    }

    /// Writes to the assembled file.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.main
            .write_all(bytes)
            .map_err(|e| Error::io(&self.file, e))
    }

    fn open_part(&self, i: usize) -> Result<BufReader<File>> {
        File::open(&self.parts[i])
            .map(BufReader::new)
            .map_err(|e| Error::io(&self.parts[i], e))
    }

    /// Appends part `i` as written.
    pub fn copy_part(&mut self, i: usize) -> Result<()> {
        let mut part = self.open_part(i)?;
        io::copy(&mut part, &mut self.main).map_err(|e| Error::io(&self.file, e))?;
        Ok(())
    }

    /// Appends the lines of part `i`, each preceded by `separator` unless it
    /// is the first item of the file (`first`), for formats that join items
    /// with separators (a JSON array).
    pub fn join_part_lines(&mut self, i: usize, separator: &[u8], first: &mut bool) -> Result<()> {
        let mut part = self.open_part(i)?;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = part
                .read_until(b'\n', &mut line)
                .map_err(|e| Error::io(&self.parts[i], e))?;
            if n == 0 {
                return Ok(());
            }
            if line.ends_with(b"\n") {
                line.pop();
            }
            if !*first {
                self.write(separator)?;
            }
            *first = false;
            self.write(&line)?;
        }
    }

    /// Flushes the assembled file.
    pub fn finish(mut self) -> Result<()> {
        self.main.flush().map_err(|e| Error::io(&self.file, e))
    }
}

/// Writes one layer's features into its part of a document.
pub struct PartSink {
    out: OutputFile,
    file: String,
    render: Render,
    buf: Vec<u8>,
}

impl FeatureSink for PartSink {
    fn write(&mut self, feature: &Feature) -> Result<()> {
        self.buf.clear();
        (self.render)(feature, &mut self.buf);
        self.out
            .write_all(&self.buf)
            .map_err(|e| Error::io(&self.file, e))
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.file, e))
    }
}

/// The one-file documents a build writes, as chosen by `--formats`.
#[derive(Default)]
pub struct Documents {
    /// `geoevents.gpkg`, which also takes the analytic tables.
    pub gpkg: Option<GeoPackage>,
    kml: Option<KmlDocument>,
    markers: Option<MarkersDocument>,
}

/// The GeoPackage's file name.
pub const GPKG_FILE: &str = "geoevents.gpkg";

impl Documents {
    /// Opens a document for each one-file format in `formats`.
    pub fn open(out: &mut OutputDir, formats: &[Format]) -> Result<Self> {
        let mut docs = Documents::default();
        for format in formats {
            match format {
                Format::Gpkg => {
                    let path = out.temp_path_for(GPKG_FILE)?;
                    docs.gpkg = Some(GeoPackage::create(&path, GPKG_FILE)?);
                }
                Format::Kml => docs.kml = Some(KmlDocument::create(out)?),
                Format::Datawrapper => docs.markers = Some(MarkersDocument::create(out)?),
                Format::GeoJson | Format::GeoJsonSeq | Format::Csv => {}
            }
        }
        Ok(docs)
    }

    /// A sink per open document for a layer with properties `fields`.
    pub fn layer_sinks(
        &mut self,
        out: &mut OutputDir,
        style: &LayerStyle,
        fields: &[Field],
    ) -> Result<Vec<Box<dyn FeatureSink>>> {
        let mut sinks: Vec<Box<dyn FeatureSink>> = Vec::new();
        if let Some(gpkg) = &self.gpkg {
            sinks.push(Box::new(gpkg.layer(style.layer, fields, style.geometry)?));
        }
        if let Some(kml) = &mut self.kml {
            sinks.push(Box::new(kml.folder(out, style, fields)?));
        }
        if let Some(markers) = &mut self.markers {
            sinks.push(Box::new(markers.layer(out, style)?));
        }
        Ok(sinks)
    }

    /// Completes every document. Every layer must have finished first.
    pub fn finish(self) -> Result<()> {
        if let Some(gpkg) = self.gpkg {
            gpkg.finish()?;
        }
        if let Some(kml) = self.kml {
            kml.finish()?;
        }
        if let Some(markers) = self.markers {
            markers.finish()?;
        }
        Ok(())
    }
}
