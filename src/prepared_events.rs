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
/// (empty when not wanted).
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

/// An events reader that also writes each event's own properties as JSON.
pub struct PreparedEvents<R: Read> {
    reader: EventReader<R>,
    /// The writer and the file's extra columns, when JSON is wanted.
    json: Option<(EventJson, Vec<String>)>,
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
        if let (Ok(e), Some((writer, extra_columns))) = (&*event, &mut self.json) {
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
}
