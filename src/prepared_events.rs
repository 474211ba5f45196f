//! Events as the build's reading thread hands them over: read, checked,
//! and with their own properties already written as GeoJSON.
//!
//! Writing an event's own fields (date, actor, notes …) as JSON needs no
//! geocoding, and was the largest share of the main thread's work; done on
//! the reading thread, the two threads carry about equal loads.

use std::io::Read;

use crate::error::Result;
use crate::events::EventReader;
use crate::model::Event;
use crate::output::event_record::EventJson;
use crate::read_ahead::Positioned;

/// An event, or the error its row raised, and its own properties as JSON
/// (empty when not wanted, or when left to the receiver).
pub struct Prepared {
    /// The event read. Boxed, and the box used again for a later row: an
    /// event is some three hundred bytes, which were copied each time an
    /// item moved (into its batch, out of it, back for reuse), a tenth of
    /// the build's cycles in all at 1M events.
    pub event: Box<Result<Event>>,
    /// [`EventJson::render`]'s output for it.
    pub json: Vec<u8>,
    /// Where that output's tail starts (the split it returned).
    pub json_split: usize,
}

/// Buffers kept for reuse: a few batches' worth.
const MAX_SPARE: usize = 4096;

/// Batches waiting for the receiver below which the JSON is left to it.
/// With the lean layers the reading thread is the busier one; when the
/// receiver has nothing more to go on, it is about to wait, so its time
/// is better spent writing the JSON than waiting for this thread to. The
/// two threads then share the JSON about evenly (perf samples 53/47 →
/// 50/50 at 1M); with more layers the receiver is the busier one, its
/// batches pile up, and the JSON is all written here.
const RENDER_BACKLOG: usize = 1;

/// An events reader that also writes each event's own properties as JSON.
pub struct PreparedEvents<R: Read> {
    reader: EventReader<R>,
    /// The writer and the file's extra columns, when JSON is wanted.
    json: Option<(EventJson, Vec<String>)>,
    /// Whether this batch's JSON is written here ([`RENDER_BACKLOG`]).
    rendering: bool,
    spare: Vec<(Box<Result<Event>>, Vec<u8>)>,
}

impl<R: Read> PreparedEvents<R> {
    /// Reads from `reader`, writing JSON when `json` is set (a GeoJSON
    /// layer is open).
    pub fn new(reader: EventReader<R>, json: bool) -> Self {
        let json = json.then(|| (EventJson::default(), reader.extra_columns().to_vec()));
        PreparedEvents {
            reader,
            json,
            rendering: true,
            spare: Vec::new(),
        }
    }

    /// The reader, for what it counted.
    pub fn into_reader(self) -> EventReader<R> {
        self.reader
    }
}

impl<R: Read> Iterator for PreparedEvents<R> {
    type Item = Prepared;

    fn next(&mut self) -> Option<Prepared> {
        let read = self.reader.next()?;
        let (event, mut json) = match self.spare.pop() {
            Some((mut event, json)) => {
                *event = read;
                (event, json)
            }
            None => (Box::new(read), Vec::new()),
        };
        json.clear();
        let mut json_split = 0;
        if let (Ok(e), Some((writer, extra_columns)), true) =
            (&*event, &mut self.json, self.rendering)
        {
            json_split = writer.render(e, extra_columns, &mut json);
        }
        Some(Prepared {
            event,
            json,
            json_split,
        })
    }
}

impl<R: Read> Positioned for PreparedEvents<R> {
    fn position(&self) -> u64 {
        self.reader.bytes_read()
    }

    fn reuse(&mut self, mut item: Prepared) {
        self.reader.reuse(&mut item.event);
        if self.spare.len() < MAX_SPARE {
            self.spare.push((item.event, item.json));
        }
    }

    fn backlog(&mut self, batches: usize) {
        self.rendering = batches >= RENDER_BACKLOG;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::read_ahead::Positioned;

    #[test]
    fn the_json_is_written_here_only_while_the_receiver_has_batches_waiting() {
        let text = "id,date,kind,subtype,actor,target,place,killed_low,killed_high,\
                    injured_low,injured_high,sources,notes\n\
                    e1,2024-01-02,strike,,,,Jurf al-Sakhar,,,,,a.txt,\n\
                    e2,2024-01-03,attack,,,,Al-Asad,1,2,,,b.txt,\n";
        let reader = EventReader::new(Path::new("events.csv"), text.as_bytes()).unwrap();
        let mut events = PreparedEvents::new(reader, true);
        events.backlog(RENDER_BACKLOG);
        let first = events.next().unwrap();
        let json = String::from_utf8(first.json.clone()).unwrap();
        assert!(json.starts_with("\"e1\""), "{json}");
        assert!(json[first.json_split..].starts_with("2024-01-02"), "{json}");
        events.reuse(first);
        events.backlog(RENDER_BACKLOG - 1);
        let second = events.next().unwrap();
        assert!(second.json.is_empty(), "left to the receiver");
        assert_eq!(second.event.as_ref().as_ref().unwrap().id, "e2");
        assert!(events.next().is_none());
    }

    #[test]
    fn no_json_is_written_when_none_is_wanted() {
        let text = "id,date,kind,subtype,actor,target,place,killed_low,killed_high,\
                    injured_low,injured_high,sources,notes\n\
                    e1,2024-01-02,strike,,,,Jurf al-Sakhar,,,,,a.txt,\n";
        let reader = EventReader::new(Path::new("events.csv"), text.as_bytes()).unwrap();
        let mut events = PreparedEvents::new(reader, false);
        events.backlog(RENDER_BACKLOG + 1);
        assert!(events.next().unwrap().json.is_empty());
    }
}
