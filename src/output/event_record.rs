//! A geocoded event on its way to the layers, and its GeoJSON written
//! straight from the event.
//!
//! Building a [`Feature`] means a map of some thirty owned keys and values
//! per event, which dominated the build's time at a million events. The
//! GeoJSON writers (the lean build's only format) therefore write an event
//! from [`EventRecord::write_json`] without building one; the other formats
//! take [`EventRecord::feature`], built once per event and only when one of
//! them is open. Both walk the same property list ([`EventRecord::visit`]),
//! and a test holds their bytes equal.

use std::cell::OnceCell;
use std::io::{self, Write};
use std::sync::OnceLock;

use geojson::{feature::Id, Feature, JsonObject};

use super::geojson::{point_geometry, round3, NearestBase};
use super::round_coordinate;
use super::style::LayerStyle;
use super::value::{json, json_str, needs_escape, write_escaped, Prop};
use crate::geocode::Resolved;
use crate::model::{Event, EventKind, LatLon};

/// A geocoded event and what was measured for it.
pub struct EventRecord<'a> {
    /// The event as read.
    pub event: &'a Event,
    /// The names of the events file's extra columns.
    pub extra_columns: &'a [String],
    /// Where geocoding put it.
    pub found: &'a Resolved<'a>,
    /// The nearest base, when there are bases.
    pub nearest: Option<NearestBase<'a>>,
    /// Decimals of the coordinates.
    pub decimals: u8,
    /// The event's own JSON from [`EventJson`], when written ahead (on the
    /// reading thread): from its id to its last own property, and from its
    /// date in the title to the Feature's end.
    event_json: Option<(&'a [u8], &'a [u8])>,
    /// The geocoded properties' JSON from [`EventRecord::found_json`], when
    /// the caller keeps it for events geocoded alike.
    found_json: Option<&'a [u8]>,
    /// The Feature's opening to its `"id":` from [`head_json`], when the
    /// caller keeps it for events placed alike.
    head_json: Option<&'a [u8]>,
    feature: OnceCell<Feature>,
}

impl<'a> EventRecord<'a> {
    /// A record; nothing is built until a format asks.
    pub fn new(
        event: &'a Event,
        extra_columns: &'a [String],
        found: &'a Resolved<'a>,
        nearest: Option<NearestBase<'a>>,
        decimals: u8,
    ) -> Self {
        EventRecord {
            event,
            extra_columns,
            found,
            nearest,
            decimals,
            event_json: None,
            found_json: None,
            head_json: None,
            feature: OnceCell::new(),
        }
    }

    /// The record with its own JSON already written, by
    /// [`EventJson::render`] for this event and these extra columns: `lead`
    /// and `tail` are its output before and after the split it returned.
    pub fn with_event_json(self, lead: &'a [u8], tail: &'a [u8]) -> Self {
        EventRecord {
            event_json: Some((lead, tail)),
            ..self
        }
    }

    /// The record with the JSON of its geocoded properties already written
    /// (by [`found_json`] for another record with the same
    /// `found` and `nearest`): a million events share a few thousand
    /// resolutions, and those dozen properties were a third of the writing.
    pub fn with_found_json(self, found_json: &'a [u8]) -> Self {
        EventRecord {
            found_json: Some(found_json),
            ..self
        }
    }

    /// The record with the Feature's opening (type, geometry, up to the
    /// id) already written, by [`head_json`] for its position and decimals.
    pub fn with_head_json(self, head_json: &'a [u8]) -> Self {
        EventRecord {
            head_json: Some(head_json),
            ..self
        }
    }

    /// Calls `f` with each property in the layer's field order: the event's
    /// fields, its extra columns, then what geocoding and measuring found.
    pub fn visit(&self, mut f: impl FnMut(&str, Prop<'_>)) {
        self.visit_event(&mut f);
        self.visit_found(&mut f);
        self.visit_style(&mut f);
    }

    /// The event's own fields and extra columns.
    fn visit_event(&self, f: &mut dyn FnMut(&str, Prop<'_>)) {
        visit_event(self.event, self.extra_columns, f);
    }

    /// What geocoding and measuring found.
    fn visit_found(&self, f: &mut dyn FnMut(&str, Prop<'_>)) {
        visit_found(self.found, self.nearest, f);
    }

    /// The title and the simplestyle marker fields.
    fn visit_style(&self, f: &mut dyn FnMut(&str, Prop<'_>)) {
        f("title", self.title());
        visit_markers(self.event.kind, f);
    }

    /// "Place name, date".
    fn title(&self) -> Prop<'_> {
        Prop::Parts([&self.found.place.name, ", ", &self.event.date])
    }

    /// The event as a GeoJSON Feature (built on the first call).
    pub fn feature(&self) -> &Feature {
        self.feature.get_or_init(|| {
            let mut p = JsonObject::new();
            self.visit(|name, value| {
                p.insert(name.to_string(), value.to_json());
            });
            Feature {
                bbox: None,
                geometry: Some(point_geometry(self.found.position, self.decimals)),
                id: Some(Id::String(self.event.id.clone())),
                properties: Some(p),
                foreign_members: None,
            }
        })
    }

    /// The point's `[lon, lat]`, rounded as written.
    pub fn point(&self) -> [f64; 2] {
        point(self.found.position, self.decimals)
    }

    /// Writes the Feature as compact JSON, byte for byte what serde_json
    /// writes for [`EventRecord::feature`]. `keys` is the writer's: every
    /// event of a layer has the same property names.
    pub fn write_json<W: Write>(&self, out: &mut W, keys: &mut JsonKeys) -> io::Result<()> {
        match self.head_json {
            Some(head) => out.write_all(head)?,
            None => write_head(out, self.found.position, self.decimals)?,
        }
        keys.start(self.extra_columns);
        let mut i = 0;
        match self.event_json {
            Some((lead, _)) => {
                out.write_all(lead)?;
                i += EVENT_PROPERTIES + self.extra_columns.len();
            }
            None => {
                json_str(out, &self.event.id)?;
                out.write_all(PROPERTIES_OPEN)?;
                write_props(out, keys, &mut i, |f| self.visit_event(f))?;
            }
        }
        // The marker fields are the same for every event of a kind: written
        // once, not escaped again for each event.
        match self.found_json {
            Some(block) => {
                // The block ends inside the title, before the date.
                out.write_all(block)?;
                match self.event_json {
                    Some((_, tail)) => out.write_all(tail),
                    None => {
                        write_escaped(out, &self.event.date)?;
                        out.write_all(closing_json(self.event.kind, true))
                    }
                }
            }
            None => {
                write_props(out, keys, &mut i, |f| self.visit_found(f))?;
                write_props(out, keys, &mut i, |f| f("title", self.title()))?;
                out.write_all(closing_json(self.event.kind, false))
            }
        }
    }
}

/// Between a Feature's id and its first property.
const PROPERTIES_OPEN: &[u8] = br#","properties":{"#;

/// How many properties [`visit_event`] names besides the extra columns.
const EVENT_PROPERTIES: usize = 12;

/// `[lon, lat]` rounded to `decimals`.
fn point(position: LatLon, decimals: u8) -> [f64; 2] {
    [
        round_coordinate(position.lon, decimals),
        round_coordinate(position.lat, decimals),
    ]
}

/// A Feature's opening as JSON writes it, from `{"type":"Feature"` to
/// `"id":`, with the point's coordinates.
fn write_head<W: Write>(out: &mut W, position: LatLon, decimals: u8) -> io::Result<()> {
    let [x, y] = point(position, decimals);
    out.write_all(br#"{"type":"Feature","geometry":{"type":"Point","coordinates":["#)?;
    json(out, &x)?;
    out.write_all(b",")?;
    json(out, &y)?;
    out.write_all(br#"]},"id":"#)
}

/// A Feature's opening to its `"id":`, with the point's coordinates, as a
/// block for [`EventRecord::with_head_json`].
pub fn head_json(position: LatLon, decimals: u8) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_head(&mut out, position, decimals);
    out
}

/// What geocoding and measuring found: the properties that depend on
/// `found` and `nearest` alone.
fn visit_found(
    found: &Resolved<'_>,
    nearest: Option<NearestBase<'_>>,
    f: &mut dyn FnMut(&str, Prop<'_>),
) {
    f("place_id", Prop::Text(&found.place.id));
    f("place_name", Prop::Text(&found.place.name));
    f("place_kind", Prop::Text(found.place.kind.as_str()));
    f("match", Prop::Text(found.match_text()));
    f("score", Prop::Real(found.score));
    f("relation", Prop::Owned(found.relation.text()));
    f("precision", Prop::Text(found.precision.as_str()));
    let precision = found.precision;
    f(
        "geo_precision",
        Prop::Int(precision.acled_geo_precision().into()),
    );
    f("where_prec", Prop::Int(precision.ucdp_where_prec().into()));
    f("uncertainty_m", Prop::Int(found.uncertainty_m.into()));
    match nearest {
        Some(n) => {
            f("nearest_base_id", Prop::Text(&n.base.id));
            f("nearest_base_km", Prop::Real(round3(n.distance_km)));
        }
        None => {
            f("nearest_base_id", Prop::Null);
            f("nearest_base_km", Prop::Null);
        }
    }
}

/// The JSON of the properties that depend only on `found` and `nearest`
/// (`place_id` to `nearest_base_km`), each with its leading comma, as
/// [`EventRecord::write_json`] writes them, and the title up to its date
/// (`,"title":"Name, `), for [`EventRecord::with_found_json`]. `keys` are
/// kept from one call to the next (they are the same keys).
pub fn found_json(
    found: &Resolved<'_>,
    nearest: Option<NearestBase<'_>>,
    keys: &mut JsonKeys,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(320);
    // Any index but 0: inside the properties, a key has its comma.
    let mut i = 1;
    // Writing to a Vec cannot fail.
    let _ = write_props(&mut out, keys, &mut i, |f| visit_found(found, nearest, f));
    out.extend_from_slice(keys.key(i, "title"));
    out.push(b'"');
    let _ = write_escaped(&mut out, &found.place.name);
    out.extend_from_slice(b", ");
    out
}

/// The simplestyle marker fields of an event of `kind`.
fn visit_markers(kind: EventKind, f: &mut dyn FnMut(&str, Prop<'_>)) {
    let style = LayerStyle::for_event_kind(kind.as_str());
    f("marker-color", Prop::Text(style.colour));
    f("marker-symbol", Prop::Text(style.marker_symbol));
    f("marker-size", Prop::Text(style.marker_size));
}

/// The end of an event's Feature: [`visit_markers`] as JSON, each with its
/// leading comma, and the closing braces; after `title_open`, the title's
/// closing quote first.
fn closing_json(kind: EventKind, title_open: bool) -> &'static [u8] {
    static CLOSINGS: OnceLock<[[Vec<u8>; 2]; 2]> = OnceLock::new();
    let closings = CLOSINGS.get_or_init(|| {
        [false, true].map(|title_open| {
            [EventKind::Strike, EventKind::Attack].map(|kind| {
                let mut out = Vec::new();
                if title_open {
                    out.push(b'"');
                }
                // Any index but 0: inside the properties, a key has its comma.
                let mut i = 1;
                // Writing to a Vec cannot fail.
                let _ = write_props(&mut out, &mut JsonKeys::default(), &mut i, |f| {
                    visit_markers(kind, f)
                });
                out.extend_from_slice(b"}}");
                out
            })
        })
    });
    let by_kind = &closings[usize::from(title_open)];
    match kind {
        EventKind::Strike => &by_kind[0],
        EventKind::Attack => &by_kind[1],
    }
}

/// An event's own fields and extra columns, as properties.
fn visit_event(e: &Event, extra_columns: &[String], f: &mut dyn FnMut(&str, Prop<'_>)) {
    f("date", Prop::Text(&e.date));
    f("kind", Prop::Text(e.kind.as_str()));
    f("subtype", Prop::Text(&e.subtype));
    f("actor", Prop::Text(&e.actor));
    f("target", Prop::Text(&e.target));
    f("place", Prop::Text(&e.place));
    f("killed_low", Prop::count(e.killed_low));
    f("killed_high", Prop::count(e.killed_high));
    f("injured_low", Prop::count(e.injured_low));
    f("injured_high", Prop::count(e.injured_high));
    f("sources", Prop::Text(&e.sources));
    f("notes", Prop::Text(&e.notes));
    for (name, value) in extra_columns.iter().zip(&e.extra) {
        f(name, Prop::Text(value));
    }
}

/// Writes events' own properties as JSON ahead of the records: they need
/// no geocoding, so the reading thread can write them while the main
/// thread geocodes and writes the one before.
#[derive(Debug, Default)]
pub struct EventJson {
    keys: JsonKeys,
}

impl EventJson {
    /// Writes into `out`, cleared first, what of `event`'s Feature needs
    /// no geocoding, for [`EventRecord::with_event_json`]: its id and own
    /// properties (`"id"` to its last extra column), then, from the
    /// returned split on, the rest of the Feature after the title's place
    /// name (the date, the marker fields, the closing braces).
    pub fn render(&mut self, event: &Event, extra_columns: &[String], out: &mut Vec<u8>) -> usize {
        out.clear();
        self.keys.start(extra_columns);
        let count = EVENT_PROPERTIES + event.extra.len().min(extra_columns.len());
        if self.keys.keys.len() < count {
            // The first event names the keys.
            let mut i = 0;
            visit_event(event, extra_columns, &mut |name, _| {
                self.keys.key(i, name);
                i += 1;
            });
        }
        // The properties of `visit_event`, in its order, written straight
        // into `out`: a call through `write_props`' closure and a look-up of
        // the key for each of a dozen properties cost as much as the
        // writing. The test `written_json_is_the_features_json` holds the
        // bytes to the generic walk's.
        let keys = &self.keys.keys;
        let e = event;
        // Room for all but escapes, so that the appends never grow `out`:
        // the id and texts with their quotes, the kind and four counts, the
        // date again and the Feature's end.
        let closing = closing_json(e.kind, true);
        let texts = [&e.id, &e.date, &e.subtype, &e.actor, &e.target, &e.place];
        let texts = texts.into_iter().chain([&e.sources, &e.notes]);
        let room = keys[..count].iter().map(Vec::len).sum::<usize>()
            + texts.chain(&e.extra).map(|t| t.len() + 2).sum::<usize>()
            + PROPERTIES_OPEN.len()
            + 8
            + 4 * 10
            + e.date.len()
            + closing.len();
        out.reserve(room);
        Self::text(out, &e.id);
        out.extend_from_slice(PROPERTIES_OPEN);
        out.extend_from_slice(&keys[0]);
        let date_at = out.len();
        Self::text(out, &e.date);
        // The date as written (escaped), inside its quotes, for the title.
        let date = date_at + 1..out.len() - 1;
        let mut text = |i: usize, text: &str| {
            out.extend_from_slice(&keys[i]);
            Self::text(out, text);
        };
        text(1, e.kind.as_str());
        text(2, &e.subtype);
        text(3, &e.actor);
        text(4, &e.target);
        text(5, &e.place);
        let counts = [e.killed_low, e.killed_high, e.injured_low, e.injured_high];
        for (i, n) in (6..).zip(counts) {
            out.extend_from_slice(&keys[i]);
            Self::count(out, n);
        }
        let mut text = |i: usize, text: &str| {
            out.extend_from_slice(&keys[i]);
            Self::text(out, text);
        };
        text(10, &e.sources);
        text(11, &e.notes);
        for (i, value) in e.extra.iter().take(extra_columns.len()).enumerate() {
            text(EVENT_PROPERTIES + i, value);
        }
        let split = out.len();
        out.extend_from_within(date);
        out.extend_from_slice(closing);
        split
    }

    /// A count as [`Prop::count`] writes it: its digits, or `null`.
    #[inline]
    fn count(out: &mut Vec<u8>, count: Option<u32>) {
        let Some(mut n) = count else {
            out.extend_from_slice(b"null");
            return;
        };
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend_from_slice(&digits[at..]);
    }

    /// A text as JSON, as [`json_str`] writes it. Most texts need no
    /// escape, which a few word-wide checks tell; those are copied as they
    /// are, in three appends to a Vec that already has room.
    #[inline]
    fn text(out: &mut Vec<u8>, text: &str) {
        let bytes = text.as_bytes();
        if !needs_escape(bytes) {
            out.push(b'"');
            out.extend_from_slice(bytes);
            out.push(b'"');
        } else {
            // Writing to a Vec cannot fail.
            let _ = json_str(out, text);
        }
    }
}

/// Writes the properties `visit` names, as `"name":value` after a comma
/// for all but the very first (`*i` counts them across calls).
fn write_props<W: Write>(
    out: &mut W,
    keys: &mut JsonKeys,
    i: &mut usize,
    visit: impl FnOnce(&mut dyn FnMut(&str, Prop<'_>)),
) -> io::Result<()> {
    let mut result = Ok(());
    visit(&mut |name, value| {
        if result.is_ok() {
            result = out
                .write_all(keys.key(*i, name))
                .and_then(|()| value.write_json(out));
        }
        *i += 1;
    });
    result
}

/// Each property's `"name":` (after the first, `,"name":`) as JSON spells
/// it, rendered once per layer rather than escaped again for every event.
/// [`EventRecord::visit`] names the same properties in the same order for
/// every event with the same extra columns, so a key is found by its place
/// in that order.
#[derive(Debug, Default)]
pub struct JsonKeys {
    extra_columns: Vec<String>,
    keys: Vec<Vec<u8>>,
}

impl JsonKeys {
    /// Starts an event; other extra columns than the last event's mean
    /// other names.
    fn start(&mut self, extra_columns: &[String]) {
        if self.extra_columns != extra_columns {
            self.extra_columns = extra_columns.to_vec();
            self.keys.clear();
        }
    }

    /// The rendered key of property `i`, called `name`. Keys are found by
    /// place, and a property written from a block of JSON
    /// ([`EventRecord::with_found_json`]) leaves its place empty.
    fn key(&mut self, i: usize, name: &str) -> &[u8] {
        if i >= self.keys.len() {
            self.keys.resize(i + 1, Vec::new());
        }
        let key = &mut self.keys[i];
        if key.is_empty() {
            if i > 0 {
                key.push(b',');
            }
            // Writing to a Vec cannot fail.
            let _ = json_str(key, name);
            key.push(b':');
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geocode::PlaceIndex;
    use crate::model::{EventKind, LatLon, Place, PlaceKind};

    fn place(id: &str, kind: PlaceKind, lat: f64) -> Place {
        Place {
            id: id.into(),
            name: format!("Name \"{id}\"\u{7}\u{1F600}"),
            kind,
            aliases: vec![],
            name_ar: String::new(),
            position: LatLon::new(lat, -0.000_000_1).unwrap(),
            admin1: String::new(),
            country: "Iraq".into(),
            uncertainty_m: 100,
            source: "s".into(),
            line: 2,
        }
    }

    fn event(place: &str, notes: &str) -> Event {
        Event {
            line: 2,
            id: "e-1".into(),
            date: "2024-01-24".into(),
            kind: EventKind::Attack,
            subtype: "drone".into(),
            actor: "A\\B".into(),
            target: String::new(),
            place: place.into(),
            killed_low: Some(0),
            killed_high: Some(2_147_483_647),
            injured_low: None,
            injured_high: Some(3),
            sources: "a.txt;b.txt".into(),
            notes: notes.into(),
            extra: vec!["x\ty".into(), "</script>".into()],
            located: None,
        }
    }

    #[test]
    fn event_json_spells_texts_and_counts_as_props_do() {
        let spelt = |prop: Prop<'_>| {
            let mut out = Vec::new();
            prop.write_json(&mut out).unwrap();
            out
        };
        // Every length around the word size, with each byte that does or
        // does not need an escape at every place.
        for len in 0..40 {
            for at in 0..len {
                let specials = [0x20, b'"', b'\\', b'!', b'#', b'[', b']', 0x7f];
                for b in (0..0x20).chain(specials) {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let text = std::str::from_utf8(&bytes).unwrap();
                    let mut out = Vec::new();
                    EventJson::text(&mut out, text);
                    assert_eq!(out, spelt(Prop::Text(text)), "{text:?}");
                }
            }
        }
        // Escapes next to each other, at the ends, among other characters.
        for text in [
            "\"\"",
            "\\\u{1}\u{1f}\n\r\t\u{8}\u{c}\u{b}",
            "é \"DATE\": 'early' vs \"late\"\u{2028}\u{7f}\u{1F600}\\",
            "\u{0}",
        ] {
            let mut out = Vec::new();
            EventJson::text(&mut out, text);
            assert_eq!(out, spelt(Prop::Text(text)), "{text:?}");
        }
        // 0, 9, 99 … and the largest counts.
        let nines = std::iter::successors(Some(0u32), |&n| n.checked_mul(10).map(|n| n + 9));
        let counts = [None, Some(u32::MAX), Some(2_147_483_647), Some(10)];
        for count in counts.into_iter().chain(nines.map(Some)) {
            let mut out = Vec::new();
            EventJson::count(&mut out, count);
            assert_eq!(out, spelt(Prop::count(count)), "{count:?}");
        }
    }

    #[test]
    fn written_json_is_the_features_json() {
        let base = place("base", PlaceKind::Base, 33.123_456_789);
        let index = PlaceIndex::new(vec![base.clone(), place("town", PlaceKind::Town, -0.5)]);
        let extras = [
            vec!["desk".to_string(), "Ünïcode \"col\"".to_string()],
            vec!["other".to_string(), "names".to_string()],
        ];
        // One set of keys for every record, as a layer writer holds them;
        // the second set of column names must replace the first.
        let mut keys = JsonKeys::default();
        // Ids and dates with escapes too: the reading thread's JSON copies
        // the date as it wrote it into the title.
        for (extra, (text, notes, id, date)) in extras.iter().cycle().zip([
            ("base", "plain", "e-1", "2024-01-24"),
            (
                "near town",
                "line\nbreak \u{0} \u{1f} \u{7f} \u{2028} é",
                "e\"2\\",
                "\\\"",
            ),
            ("20 km south of base", "", "e-3", "2024-01-2\u{1}"),
        ]) {
            let found = index.resolve(text).unwrap();
            let e = Event {
                id: id.into(),
                date: date.into(),
                ..event(text, notes)
            };
            for nearest in [
                None,
                Some(NearestBase {
                    base: &base,
                    distance_km: 12.345_678,
                }),
            ] {
                for decimals in [0, 3, 6] {
                    let record = EventRecord::new(&e, extra, &found, nearest, decimals);
                    let mut direct = Vec::new();
                    record.write_json(&mut direct, &mut keys).unwrap();
                    let via_feature = serde_json::to_vec(record.feature()).unwrap();
                    let direct = String::from_utf8(direct).unwrap();
                    assert_eq!(direct, String::from_utf8(via_feature).unwrap());
                    // The geocoded properties from a block, as the pipeline
                    // keeps them, and keys the writer never saw there.
                    let block = found_json(&found, nearest, &mut JsonKeys::default());
                    let mut own = Vec::new();
                    let split = EventJson::default().render(&e, extra, &mut own);
                    let (lead, tail) = own.split_at(split);
                    let fresh = || EventRecord::new(&e, extra, &found, nearest, decimals);
                    let head = head_json(found.position, decimals);
                    for from_blocks in [
                        fresh().with_found_json(&block),
                        fresh().with_event_json(lead, tail),
                        fresh().with_head_json(&head),
                        fresh()
                            .with_event_json(lead, tail)
                            .with_found_json(&block)
                            .with_head_json(&head),
                    ] {
                        for keys in [&mut keys, &mut JsonKeys::default()] {
                            let mut written = Vec::new();
                            from_blocks.write_json(&mut written, keys).unwrap();
                            assert_eq!(String::from_utf8(written).unwrap(), direct);
                        }
                    }
                }
            }
        }
    }
}
