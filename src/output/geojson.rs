//! GeoJSON layers (RFC 7946), written one feature at a time.
//!
//! Each layer is a FeatureCollection with one feature per line, so a rebuild
//! diffs line by line. Coordinates are `[lon, lat]` in WGS84 rounded to 6
//! decimals, there is no `crs` member, every feature has a string `id`, and
//! the collection's `bbox` is written after the features, once it is known,
//! so the layer streams.

use std::io::Write;

use geojson::{feature::Id, Feature, Geometry, JsonObject};
use serde_json::json;

use super::event_record::{EventRecord, JsonKeys};
use super::geometry::{bbox, grow_bbox, union};
use super::layer::FeatureSink;
use super::round_coordinate;
#[cfg(doc)]
use super::schema::POINT_STYLE_FIELDS;
use super::style::{LayerStyle, BASES};
use crate::error::{Error, Result};
use crate::model::{LatLon, Place};

/// The nearest base to an event and the geodesic distance to it.
#[derive(Clone, Copy, Debug)]
pub struct NearestBase<'a> {
    /// The base.
    pub base: &'a Place,
    /// Geodesic distance in kilometres.
    pub distance_km: f64,
}

/// Writes one FeatureCollection, feature by feature.
pub struct LayerWriter<W: Write> {
    out: W,
    name: String,
    features: usize,
    bbox: Option<[f64; 4]>,
    keys: JsonKeys,
}

impl<W: Write> LayerWriter<W> {
    /// Starts a collection; `name` is the file name used in errors.
    pub fn new(mut out: W, name: &str) -> Result<Self> {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
            .map_err(|e| Error::io(name, e))?;
        Ok(LayerWriter {
            out,
            name: name.to_string(),
            features: 0,
            bbox: None,
            keys: JsonKeys::default(),
        })
    }

    /// Writes a feature; its coordinates grow the bbox.
    pub fn write(&mut self, feature: &Feature) -> Result<()> {
        self.separate()?;
        serde_json::to_writer(&mut self.out, feature)
            .map_err(|e| Error::io(&self.name, e.into()))?;
        self.bbox = union(self.bbox, bbox(feature));
        Ok(())
    }

    /// Writes an event without building its Feature.
    pub fn write_event(&mut self, record: &EventRecord<'_>) -> Result<()> {
        self.separate()?;
        record
            .write_json(&mut self.out, &mut self.keys)
            .map_err(|e| Error::io(&self.name, e))?;
        self.bbox = grow_bbox(self.bbox, [record.point()]);
        Ok(())
    }

    /// The line break (and comma) before a feature.
    fn separate(&mut self) -> Result<()> {
        let sep: &[u8] = if self.features == 0 { b"\n" } else { b",\n" };
        self.features += 1;
        self.out
            .write_all(sep)
            .map_err(|e| Error::io(&self.name, e))
    }

    /// Features written so far.
    pub fn len(&self) -> usize {
        self.features
    }

    /// True when no feature has been written.
    pub fn is_empty(&self) -> bool {
        self.features == 0
    }

    /// Closes the collection, writing its `bbox` (omitted for an empty
    /// layer), and returns the writer, flushed.
    pub fn finish(mut self) -> Result<W> {
        let tail = match self.bbox {
            Some(bbox) => format!("\n],\"bbox\":{}}}\n", json!(bbox)),
            None => "]}\n".to_string(),
        };
        self.out
            .write_all(tail.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| Error::io(&self.name, e))?;
        Ok(self.out)
    }
}

/// A Point geometry at `position`, `[lon, lat]`, rounded to `decimals`.
pub fn point_geometry(position: LatLon, decimals: u8) -> Geometry {
    Geometry::new_point([
        round_coordinate(position.lon, decimals),
        round_coordinate(position.lat, decimals),
    ])
}

/// The feature for a base from the place table.
pub fn base_feature(place: &Place, decimals: u8) -> Feature {
    let mut p = JsonObject::new();
    p.insert("name".into(), place.name.clone().into());
    p.insert("name_ar".into(), place.name_ar.clone().into());
    p.insert("kind".into(), place.kind.as_str().into());
    p.insert("aliases".into(), place.aliases.join("; ").into());
    p.insert("admin1".into(), place.admin1.clone().into());
    p.insert("country".into(), place.country.clone().into());
    p.insert("uncertainty_m".into(), place.uncertainty_m.into());
    p.insert("source".into(), place.source.clone().into());
    insert_point_style(&mut p, place.name.clone(), &BASES);
    Feature {
        bbox: None,
        geometry: Some(point_geometry(place.position, decimals)),
        id: Some(Id::String(place.id.clone())),
        properties: Some(p),
        foreign_members: None,
    }
}

/// Adds the simplestyle-spec point properties ([`POINT_STYLE_FIELDS`]).
fn insert_point_style(p: &mut JsonObject, title: String, style: &LayerStyle) {
    p.insert("title".into(), title.into());
    p.insert("marker-color".into(), style.colour.into());
    p.insert("marker-symbol".into(), style.marker_symbol.into());
    p.insert("marker-size".into(), style.marker_size.into());
}

/// Rounds kilometres to metres, the precision distances are written with.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl<W: Write> FeatureSink for LayerWriter<W> {
    fn write(&mut self, feature: &Feature) -> Result<()> {
        LayerWriter::write(self, feature)
    }

    fn write_event(&mut self, record: &EventRecord<'_>) -> Result<()> {
        LayerWriter::write_event(self, record)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        LayerWriter::finish(*self).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geocode::PlaceIndex;
    use crate::model::{Event, EventKind, PlaceKind};
    use crate::output::schema::{base_fields, event_fields, Field};

    fn place() -> Place {
        Place {
            id: "x".into(),
            name: "X".into(),
            kind: PlaceKind::Base,
            aliases: vec![],
            name_ar: String::new(),
            position: LatLon::new(33.0, 44.0).unwrap(),
            admin1: String::new(),
            country: "Iraq".into(),
            uncertainty_m: 100,
            source: "s".into(),
            line: 2,
        }
    }

    fn keys(feature: &Feature) -> Vec<String> {
        feature
            .properties
            .as_ref()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn property_lists_match_the_features_built() {
        let index = PlaceIndex::new(vec![place()]);
        let found = index.resolve("X").unwrap();
        let event = Event {
            line: 2,
            id: "e".into(),
            date: "2024-01-24".into(),
            kind: EventKind::Strike,
            subtype: String::new(),
            actor: String::new(),
            target: String::new(),
            place: "X".into(),
            killed_low: None,
            killed_high: None,
            injured_low: None,
            injured_high: None,
            sources: String::new(),
            notes: String::new(),
            extra: vec!["v".into()],
            located: None,
        };
        let extra = vec!["desk".to_string()];
        let record = EventRecord::new(&event, &extra, &found, None, 6);
        let feature = record.feature();
        let names =
            |fields: Vec<Field>| -> Vec<String> { fields.into_iter().map(|f| f.name).collect() };
        assert_eq!(keys(feature), names(event_fields(&extra)));
        assert_eq!(keys(&base_feature(&place(), 6)), names(base_fields()));
    }

    #[test]
    fn coordinates_are_rounded_to_the_precision_asked() {
        let p = LatLon::new(33.785_599_87, 42.441_200_4).unwrap();
        let g = point_geometry(p, 3);
        assert_eq!(
            serde_json::to_string(&g).unwrap(),
            r#"{"type":"Point","coordinates":[42.441,33.786]}"#
        );
    }
}
