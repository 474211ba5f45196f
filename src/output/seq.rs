//! GeoJSONSeq: one GeoJSON Feature per line, for streaming into tippecanoe,
//! `ogr2ogr` or `jq`.
//!
//! Written newline-delimited (the `.geojsonl` convention GDAL's GeoJSONSeq
//! driver and tippecanoe read), without RFC 8142's leading record-separator
//! byte, which those tools accept but line-oriented tools choke on.

use std::io::Write;

use geojson::Feature;

use super::event_record::{EventRecord, JsonKeys};
use super::layer::FeatureSink;
use crate::error::{Error, Result};

/// Writes one feature per line.
pub struct SeqWriter<W: Write> {
    out: W,
    name: String,
    keys: JsonKeys,
}

impl<W: Write> SeqWriter<W> {
    /// Starts a sequence; `name` is the file name used in errors.
    pub fn new(out: W, name: &str) -> Self {
        SeqWriter {
            out,
            name: name.to_string(),
            keys: JsonKeys::default(),
        }
    }
}

impl<W: Write> SeqWriter<W> {
    fn end_line(&mut self) -> Result<()> {
        self.out
            .write_all(b"\n")
            .map_err(|e| Error::io(&self.name, e))
    }
}

impl<W: Write> FeatureSink for SeqWriter<W> {
    fn write(&mut self, feature: &Feature) -> Result<()> {
        serde_json::to_writer(&mut self.out, feature)
            .map_err(|e| Error::io(&self.name, e.into()))?;
        self.end_line()
    }

    fn write_event(&mut self, record: &EventRecord<'_>) -> Result<()> {
        record
            .write_json(&mut self.out, &mut self.keys)
            .map_err(|e| Error::io(&self.name, e))?;
        self.end_line()
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.name, e))
    }
}
