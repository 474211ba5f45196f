//! Where one event goes in a build: placed (by its text through the memo,
//! or by the coordinates its row gives), then written to its layer, the
//! distances table, the links and uncertainty layers and the map, or to the
//! unresolved table when it cannot be placed.
//!
//! [`crate::pipeline::build_with_progress`] opens the outputs and runs the
//! loop over the events; this is the loop's body, with the outputs it
//! writes to.

use std::rc::Rc;

use crate::error::Result;
use crate::geocode::Unresolved;
use crate::map::collect::MapCollector;
use crate::model::{Event, EventKind, Place};
use crate::output::analytic::{link_feature, uncertainty_feature, Circles, LinkEnds};
use crate::output::event_record::{EventJson, EventRecord};
use crate::output::layer::Layer;
use crate::output::tables::{write_distance, write_unresolved, Table};
use crate::pipeline::{
    write_shape, BuildReport, Distances, Links, UnresolvedEvent, UNRESOLVED_SAMPLE,
};
use crate::place_memo::{Memo, PlaceMemo};
use crate::schemas::locate;
use crate::tally::Tally;

/// The layers and tables events are written to, and what is counted as
/// they are.
pub struct EventOutputs<'a> {
    /// The strikes layer.
    pub strikes: Layer,
    /// The attacks layer.
    pub attacks: Layer,
    /// Strike-to-base lines, when wanted.
    pub links: Option<Layer>,
    /// Uncertainty areas, when wanted.
    pub areas: Option<Layer>,
    /// The distances table, unless `--distances none`.
    pub distances: Option<Table>,
    /// Events that could not be placed.
    pub unresolved: Table,
    /// What the map and the preview's credit need, when they are drawn.
    pub collector: Option<MapCollector>,
    /// Placed events by how they were matched.
    pub by_match: Tally,
    /// Placed events by precision.
    pub by_precision: Tally,
    /// The bases, in the order the memo's measurements number them.
    pub bases: &'a [&'a Place],
    /// The events file's extra columns.
    pub extra_columns: &'a [String],
    /// Decimals of coordinates.
    pub precision: u8,
    /// Which links are drawn.
    pub links_wanted: Links,
    /// Which strike-base pairs the distances table holds (`Auto` settled).
    pub distance_mode: Distances,
    /// The events' own JSON, written here when the reading thread left it
    /// (`None` when no output takes GeoJSON).
    pub own_json: Option<EventJson>,
    /// Its buffer, used again for every event.
    pub rendered: Vec<u8>,
    /// Uncertainty circles already drawn.
    pub circles: Circles,
}

impl EventOutputs<'_> {
    /// Places `event` and writes it everywhere it goes. `json` is the
    /// event's own JSON from the reading thread, and where its tail starts;
    /// empty when that thread left it to this one, or none is wanted.
    pub fn write(
        &mut self,
        memo: &mut PlaceMemo,
        event: &Event,
        json: (&[u8], usize),
        report: &mut BuildReport,
    ) -> Result<()> {
        let mut own_place = None;
        let own_found;
        // A row with its own coordinates is placed and measured for
        // itself; any other takes what its text was found to be.
        let (found, measured, blocks, nearest_row) = match &event.located {
            None => match memo.of(&event.place) {
                Memo::Found {
                    found,
                    measured,
                    block,
                    head,
                    nearest_row,
                } => (
                    found,
                    Rc::clone(measured),
                    Some((&**block, &**head)),
                    Some(nearest_row),
                ),
                Memo::Unresolved(why) => return self.write_unresolved(event, why, report),
            },
            Some(_) => {
                let ours = memo.of(&event.place).resolution();
                match locate(event, ours, &mut own_place) {
                    Ok(found) => {
                        own_found = found;
                        let measured = memo.measured(own_found.position);
                        (&own_found, measured, None, None)
                    }
                    Err(why) => return self.write_unresolved(event, &why, report),
                }
            }
        };
        report.geocoded += 1;
        self.by_match.add(found.match_text());
        self.by_precision.add(found.precision.as_str());
        let nearest = measured.nearest;
        let nearest_base = measured.nearest_base(self.bases);
        let record = EventRecord::new(
            event,
            self.extra_columns,
            found,
            nearest_base,
            self.precision,
        );
        // The reading thread leaves the JSON to this one when it is the
        // busier of the two.
        let (own, split) = match (&mut self.own_json, json.0.is_empty()) {
            (Some(writer), true) => {
                let split = writer.render(event, self.extra_columns, &mut self.rendered);
                (&self.rendered[..], split)
            }
            _ => json,
        };
        let record = match own.is_empty() {
            true => record,
            false => {
                let (lead, tail) = own.split_at(split);
                record.with_event_json(lead, tail)
            }
        };
        let record = match blocks {
            Some((found, head)) => record.with_found_json(found).with_head_json(head),
            None => record,
        };
        if let Some(c) = &mut self.collector {
            c.add_event(event, found, nearest_base.map(|n| n.base.id.as_str()));
        }
        // Only drawn when the layer is wanted: a circle costs hundreds of
        // geodesics.
        if let Some(areas) = &mut self.areas {
            if let Some(area) = uncertainty_feature(event, found, self.precision, &mut self.circles)
            {
                let what = || format!("the uncertainty area of event {}", event.id);
                write_shape(areas, area, what, report)?;
            }
        }
        if event.kind == EventKind::Attack {
            return self.attacks.write_event(&record);
        }
        self.strikes.write_event(&record)?;
        for (i, g) in &measured.pairs {
            let (base, is_nearest) = (self.bases[*i], Some(*i) == nearest);
            if let Some(table) = &mut self.distances {
                if is_nearest || self.distance_mode == Distances::All {
                    let tail = nearest_row.filter(|_| is_nearest);
                    write_distance(table, event, found, base, g, is_nearest, tail)?;
                }
            }
            let wanted = match self.links_wanted {
                Links::None => false,
                Links::Nearest => is_nearest,
                Links::All => true,
            };
            if let (Some(links), true) = (&mut self.links, wanted) {
                let ends = LinkEnds {
                    strike: event,
                    found,
                    base,
                    geodesy: g,
                    nearest: is_nearest,
                };
                let what = || format!("the link from strike {} to base {}", event.id, base.id);
                write_shape(links, link_feature(&ends, self.precision), what, report)?;
            }
        }
        Ok(())
    }

    /// Counts an event that could not be placed, lists the first few in
    /// the report, and writes it to the unresolved table.
    fn write_unresolved(
        &mut self,
        event: &Event,
        why: &Unresolved<'_>,
        report: &mut BuildReport,
    ) -> Result<()> {
        *report
            .unresolved_by_reason
            .entry(why.reason.as_str())
            .or_default() += 1;
        if report.unresolved_sample.len() < UNRESOLVED_SAMPLE {
            report.unresolved_sample.push(UnresolvedEvent {
                event_id: event.id.clone(),
                line: event.line,
                place: event.place.clone(),
                reason: why.reason,
                candidates: why.candidates_text(),
            });
        }
        write_unresolved(&mut self.unresolved, event, why)
    }
}
