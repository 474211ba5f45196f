//! Gathering what a map shows while events stream past, in bounded memory:
//! a locator map of more than [`MAX_MAP_EVENTS`] events would be unreadable,
//! so past that the collector stops and says why there is no map.

use super::credits::Publishers;
use super::{MapData, MapPoint};
use crate::geocode::Resolved;
use crate::model::{Event, EventKind, Place};
use crate::output::style::{ATTACKS, BASES, STRIKES};

/// The most events a drawn map takes.
pub const MAX_MAP_EVENTS: usize = 2000;

/// Collects map points as a build goes.
#[derive(Debug, Default)]
pub struct MapCollector {
    points: Vec<MapPoint>,
    events: usize,
    sources: Vec<String>,
}

impl MapCollector {
    /// Adds a base.
    pub fn add_base(&mut self, place: &Place) {
        self.points.push(MapPoint {
            id: place.id.clone(),
            layer: &BASES,
            place_name: place.name.clone(),
            date: None,
            lon: place.position.lon,
            lat: place.position.lat,
            precision: None,
            uncertainty_m: place.uncertainty_m,
            nearest_base: None,
        });
    }

    /// Adds a geocoded event and its nearest base's id.
    pub fn add_event(&mut self, event: &Event, found: &Resolved<'_>, nearest_base: Option<&str>) {
        self.events += 1;
        if self.events > MAX_MAP_EVENTS {
            return;
        }
        for file in event
            .sources
            .split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            if !self.sources.iter().any(|s| s == file) {
                self.sources.push(file.to_string());
            }
        }
        self.points.push(MapPoint {
            id: event.id.clone(),
            layer: match event.kind {
                EventKind::Strike => &STRIKES,
                EventKind::Attack => &ATTACKS,
            },
            place_name: found.place.name.clone(),
            date: Some(event.date.clone()),
            lon: found.position.lon,
            lat: found.position.lat,
            precision: Some(found.precision),
            uncertainty_m: found.uncertainty_m,
            nearest_base: nearest_base.map(str::to_string),
        });
    }

    /// The map's data, or why there is none.
    pub fn finish(self, publishers: &Publishers) -> Result<MapData, String> {
        if self.events > MAX_MAP_EVENTS {
            return Err(format!(
                "no map drawn: {} geocoded events are more than a locator map can show ({MAX_MAP_EVENTS}); draw a subset with `geoevents map --events FILE`",
                self.events
            ));
        }
        let (publishers, uncredited_reports) =
            publishers.credit(self.sources.iter().map(String::as_str));
        Ok(MapData {
            points: self.points,
            publishers,
            uncredited_reports,
            unresolved: Vec::new(),
        })
    }
}
