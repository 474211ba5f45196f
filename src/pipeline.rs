//! `build`: read the place table, stream the events through the geocoder,
//! measure strikes against bases, and write every layer and table.
//!
//! The order is parse, then resolve, then run: the place table is loaded and
//! checked and the events header is checked before any output is opened.
//! Events then stream: a second thread reads and checks them
//! ([`crate::read_ahead`]) while this one geocodes, measures and writes, in
//! file order ([`crate::event_outputs`]: where each event goes). Memory holds the place index, the duplicate-id filter and a
//! few thousand events in flight, not the events.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::event_outputs::EventOutputs;
use crate::events::EventReader;
use crate::geocode::{CachedResolver, PlaceIndex, UnresolvedReason};
use crate::map::basemap::Basemap;
use crate::map::collect::MapCollector;
use crate::map::credits::Publishers;
use crate::map::{credit, draw, Drawing, MapData, MapOptions};
use crate::nearest::BaseIndex;
use crate::output::analytic::{ring_feature, Circles, DEFAULT_RINGS_KM};
use crate::output::documents::Documents;
use crate::output::event_record::EventJson;
use crate::output::geojson::{base_feature, LayerWriter};
use crate::output::layer::{Format, Layer};
use crate::output::preview::{self, write_preview_credited, PreviewLayer};
use crate::output::schema::{
    base_fields, distance_fields, event_fields, link_fields, ring_fields, uncertainty_fields,
    unresolved_fields,
};
use crate::output::style;
use crate::output::style::LayerStyle;
use crate::output::tables::Table;
use crate::output::OutputDir;
use crate::place_memo::PlaceMemo;
use crate::places::read_places;
use crate::prepared_events::{Prepared, PreparedEvents};
use crate::read_ahead::read_ahead;
use crate::schemas::{locate, Schema};
use crate::shapes::ShapeError;
use crate::table::RowErrors;
use crate::tally::Tally;

/// The names of what `build` writes: three layers (each in every chosen
/// format, `<layer><extension>`) and two tables.
pub mod files {
    /// Strikes layer.
    pub const STRIKES: &str = "strikes";
    /// Attacks layer.
    pub const ATTACKS: &str = "attacks";
    /// Bases layer.
    pub const BASES: &str = "bases";
    /// Range rings around the bases.
    pub const RINGS: &str = "rings";
    /// Lines from strikes to bases.
    pub const LINKS: &str = "links";
    /// Uncertainty areas of events placed less precisely than a site.
    pub const UNCERTAINTY: &str = "uncertainty";
    /// Strike-to-base distance table, `distances.csv`.
    pub const DISTANCES: &str = "distances";
    /// Events whose place did not resolve, `unresolved.csv`.
    pub const UNRESOLVED: &str = "unresolved";
    /// The file of the distance table.
    pub const DISTANCES_CSV: &str = "distances.csv";
    /// The file of the unresolved table.
    pub const UNRESOLVED_CSV: &str = "unresolved.csv";
    /// The locator map, editable.
    pub const MAP_SVG: &str = "map.svg";
    /// The locator map, rendered.
    pub const MAP_PNG: &str = "map.png";
    /// The publishers table looked for beside the events file.
    pub const SOURCES_CSV: &str = "sources.csv";
}

/// How many unresolved events the report lists by name; all of them are in
/// `unresolved.csv`.
pub const UNRESOLVED_SAMPLE: usize = 10;

/// What to build from where.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The place table.
    pub places: PathBuf,
    /// The events file.
    pub events: PathBuf,
    /// The events file's layout: ours, an ACLED export or a UCDP GED CSV.
    pub schema: Schema,
    /// The directory to write into (created if missing).
    pub out: PathBuf,
    /// The formats to write each layer in; the tables are always CSV.
    pub formats: Vec<Format>,
    /// Decimals of every coordinate written.
    pub precision: u8,
    /// Radii of the range rings around every base, km; none: no rings layer.
    pub rings_km: Vec<f64>,
    /// Which strike-to-base links to draw.
    pub links: Links,
    /// Which strike-to-base pairs the distance table holds.
    pub distances: Distances,
    /// Whether to write the uncertainty areas layer.
    pub uncertainty: bool,
    /// The locator map to draw (`map.svg`, `map.png`); `None`: no map.
    pub map: Option<MapOptions>,
    /// Whether to write the offline web preview, `index.html`.
    pub preview: bool,
    /// The publishers table (`file,publisher,note`) for the map's credit;
    /// `None`: `sources.csv` beside the events file, if there is one.
    pub sources: Option<PathBuf>,
}

/// Which strike-to-base pairs the distance table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distances {
    /// Every strike with every base.
    All,
    /// Each strike with its nearest base only.
    Nearest,
    /// No distance table.
    None,
    /// `All` up to [`AUTO_MAX_PAIRS`] pairs (events in the file × bases),
    /// else `Nearest`; the report says which.
    Auto,
}

/// How many events ahead the memo's slots are fetched: far enough for the
/// fetch to arrive, near enough to stay in cache.
const MEMO_PREFETCH_AHEAD: usize = 4;

/// The most strike–base pairs `--distances auto` writes in full.
pub const AUTO_MAX_PAIRS: u64 = 100_000;

/// Whether a file has more than `limit` lines past its header: an upper
/// bound on its rows (a quoted field can hold a line break), read fast
/// without parsing and only as far as the answer needs (the file is read
/// again in full by the build; counting all of a large one first cost a
/// twentieth of the build). A line ends at LF, CRLF or a lone CR, as the
/// CSV reader takes them.
fn rows_exceed(path: &Path, limit: u64) -> Result<bool> {
    use std::io::Read;
    let mut file = open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        let data = &buf[..n];
        // A CR ending the last read is a line end unless this read goes on
        // with its LF.
        if last == b'\r' && data[0] != b'\n' {
            lines += 1;
        }
        lines += memchr::memchr_iter(b'\n', data).count() as u64;
        let lone_cr = |at: usize| data.get(at + 1).is_some_and(|&b| b != b'\n');
        lines += memchr::memchr_iter(b'\r', data)
            .filter(|&at| lone_cr(at))
            .count() as u64;
        last = data[n - 1];
        // The header's line and this one, which may be a row unended yet.
        if lines > limit + 1 {
            return Ok(true);
        }
    }
    // A last lone CR is a line end nothing came after to count it; a last
    // row without a line end is a line too.
    if last != b'\n' {
        lines += 1;
    }
    Ok(lines.saturating_sub(1) > limit)
}

/// Which strike-to-base links the links layer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// No links layer.
    None,
    /// One line per strike, to its nearest base.
    Nearest,
    /// One line per strike and base.
    All,
}

impl BuildOptions {
    /// The bundled inputs and `output/`, every format, 6 decimals.
    pub fn new(places: PathBuf, events: PathBuf, out: PathBuf) -> Self {
        BuildOptions {
            places,
            events,
            schema: Schema::Geoevents,
            out,
            formats: Format::ALL.to_vec(),
            precision: crate::output::DEFAULT_PRECISION,
            rings_km: DEFAULT_RINGS_KM.to_vec(),
            links: Links::Nearest,
            distances: Distances::Auto,
            uncertainty: true,
            map: Some(MapOptions::default()),
            preview: true,
            sources: None,
        }
    }
}

/// An event that did not geocode, as listed in the report.
#[derive(Clone, Debug, PartialEq)]
pub struct UnresolvedEvent {
    /// The event's id.
    pub event_id: String,
    /// Its line in the events file.
    pub line: u64,
    /// Its place text.
    pub place: String,
    /// Why it did not resolve.
    pub reason: UnresolvedReason,
    /// The candidates, as written in `unresolved.csv`.
    pub candidates: String,
}

/// What a build read, matched and wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildReport {
    /// Events read from the events file.
    pub events_read: usize,
    /// Events whose place resolved.
    pub geocoded: usize,
    /// Events whose place did not resolve, by reason.
    pub unresolved_by_reason: BTreeMap<&'static str, usize>,
    /// Geocoded events by how their place matched.
    pub by_match: BTreeMap<&'static str, usize>,
    /// Geocoded events by precision.
    pub by_precision: BTreeMap<&'static str, usize>,
    /// Rows of a foreign dataset that are neither strikes nor attacks, by
    /// reason: not in any layer, and not events.
    pub skipped: BTreeMap<String, usize>,
    /// The first unresolved events, in file order.
    pub unresolved_sample: Vec<UnresolvedEvent>,
    /// Features per layer and rows per table, by the names in [`files`].
    pub counts: BTreeMap<&'static str, usize>,
    /// Warnings: spellings shared by two places, shapes that could not be
    /// drawn.
    pub warnings: Vec<String>,
    /// The files written, in the order written.
    pub written: Vec<PathBuf>,
    /// What the map left out, when one was drawn.
    pub map: Option<MapSummary>,
    /// Outputs of an earlier build that this one did not write (a format
    /// dropped, the map or preview skipped), removed so the directory
    /// holds one build's outputs only.
    pub removed: Vec<PathBuf>,
}

/// What a drawn map could not show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapSummary {
    /// Symbols drawn.
    pub symbols: usize,
    /// Labels placed.
    pub labels: usize,
    /// Labels that found no free place.
    pub unplaced: Vec<String>,
    /// Events known only to a country, listed under the map instead.
    pub country_only: Vec<String>,
    /// Points outside the extent shown.
    pub outside: Vec<String>,
    /// Points drawn under the map furniture (with a fixed extent).
    pub covered: Vec<String>,
    /// Events not drawn because their place did not resolve:
    /// `(event id, place text)` (`geoevents map` only; `build` lists them
    /// in `unresolved.csv`).
    pub unresolved: Vec<(String, String)>,
}

impl MapSummary {
    fn of(drawing: &Drawing) -> Self {
        MapSummary {
            symbols: drawing.symbols.len(),
            labels: drawing.labels.len(),
            unplaced: drawing.unplaced.clone(),
            country_only: drawing.country_only.clone(),
            outside: drawing.outside.clone(),
            covered: drawing.covered.clone(),
            unresolved: Vec::new(),
        }
    }
}

/// The publishers table: the one given, else `sources.csv` beside the
/// events file if it exists, else none (every report uncredited).
pub fn load_publishers(given: Option<&Path>, events: &Path) -> Result<Publishers> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => {
            let beside = events
                .parent()
                .unwrap_or(Path::new(""))
                .join(files::SOURCES_CSV);
            if !beside.is_file() {
                return Ok(Publishers::default());
            }
            beside
        }
    };
    Publishers::read(&path, open(&path)?)
}

/// Draws a map and, when `png`, renders it.
pub fn render_map(
    data: &MapData,
    options: &MapOptions,
    png: bool,
) -> Result<(Drawing, Option<Vec<u8>>)> {
    let drawing = draw(data, &Basemap::bundled(), options);
    let png = png
        .then(|| crate::map::png::render(&drawing.svg))
        .transpose()
        .map_err(|e| Error::io(files::MAP_PNG, std::io::Error::other(e)))?;
    Ok((drawing, png))
}

/// What `geoevents map` draws from where, and where it writes.
#[derive(Clone, Debug)]
pub struct MapJob {
    /// The place table.
    pub places: PathBuf,
    /// The events file.
    pub events: PathBuf,
    /// The events file's layout.
    pub schema: Schema,
    /// The publishers table; `None`: `sources.csv` beside the events.
    pub sources: Option<PathBuf>,
    /// Where the SVG goes.
    pub svg: PathBuf,
    /// Where the PNG goes; `None`: no PNG.
    pub png: Option<PathBuf>,
    /// How to draw.
    pub options: MapOptions,
}

/// Geocodes the events and gathers what their map shows: every base, and
/// every event whose place resolved (`build` lists the others).
pub fn map_data(
    places: &Path,
    events: &Path,
    schema: Schema,
    sources: Option<&Path>,
) -> Result<MapData> {
    let index = load_place_index(places)?;
    let reader = EventReader::open_schema(events, schema)?;
    let publishers = load_publishers(sources, events)?;
    let base_index = BaseIndex::new(index.bases());
    let mut collector = MapCollector::default();
    for base in base_index.bases() {
        collector.add_base(base);
    }
    let mut errors = RowErrors::default();
    let mut unresolved = Vec::new();
    let mut resolver = CachedResolver::new(&index);
    for event in reader {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut own_place = None;
        match locate(&event, resolver.resolve(&event.place), &mut own_place) {
            Ok(found) => {
                let nearest = base_index
                    .nearest(found.position)
                    .map(|(i, _)| base_index.bases()[i].id.as_str());
                collector.add_event(&event, &found, nearest);
            }
            Err(_) => unresolved.push((event.id.clone(), event.place.clone())),
        }
    }
    errors.into_result()?;
    let mut data = collector
        .finish(&publishers)
        .map_err(|why| Error::io(events, std::io::Error::other(why)))?;
    data.unresolved = unresolved;
    Ok(data)
}

/// Geocodes the events and draws their map. Like `build`, it reads and
/// checks everything first and writes the files whole or not at all.
pub fn draw_map(job: &MapJob) -> Result<MapSummary> {
    if job.png.as_ref() == Some(&job.svg) {
        return Err(Error::io(
            &job.svg,
            std::io::Error::other("the SVG and the PNG cannot be written to the same file"),
        ));
    }
    let data = map_data(&job.places, &job.events, job.schema, job.sources.as_deref())?;
    let (drawing, png) = render_map(&data, &job.options, job.png.is_some())?;
    let png = png.unwrap_or_default();
    let mut dirs: Vec<OutputDir> = Vec::new();
    let outputs = [
        (Some(&job.svg), drawing.svg.as_bytes()),
        (job.png.as_ref(), &png[..]),
    ];
    for (path, bytes) in outputs {
        let Some(path) = path else { continue };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::io(path, std::io::Error::other("not a file name")))?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let mut out = OutputDir::create(dir.unwrap_or(Path::new(".")))?;
        write_file(&mut out, name, bytes)?;
        dirs.push(out);
    }
    for out in dirs {
        out.commit()?;
    }
    Ok(MapSummary {
        unresolved: data.unresolved,
        ..MapSummary::of(&drawing)
    })
}

/// Every file name `build` can write, for removing what an earlier build
/// wrote and this one did not.
fn output_names() -> Vec<String> {
    let layers = [
        files::STRIKES,
        files::ATTACKS,
        files::BASES,
        files::RINGS,
        files::LINKS,
        files::UNCERTAINTY,
    ];
    let mut names: Vec<String> = layers
        .iter()
        .flat_map(|l| ["geojson", "geojsonl", "csv", "csvt", "prj"].map(|e| format!("{l}.{e}")))
        .collect();
    names.extend(
        [
            files::DISTANCES_CSV,
            "distances.csvt",
            files::UNRESOLVED_CSV,
            "unresolved.csvt",
            crate::output::documents::GPKG_FILE,
            crate::output::kml::KML_FILE,
            crate::output::datawrapper::MARKERS_FILE,
            files::MAP_SVG,
            files::MAP_PNG,
            preview::FILE,
        ]
        .map(String::from),
    );
    names
}

/// Removes the outputs of an earlier build in `dir` that this build did
/// not write (`written`), returning them. Only names `build` writes are
/// touched.
fn remove_stale_outputs(dir: &Path, written: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for name in output_names() {
        let path = dir.join(&name);
        if path.is_file() && !written.contains(&path) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// The most features (points, lines, areas) the web preview takes.
pub const MAX_PREVIEW_FEATURES: usize = 5000;

/// Writes `index.html` from the layers' GeoJSON copies.
fn write_preview_page(
    out: &mut OutputDir,
    title: &str,
    source: Option<&str>,
    parts: &[(&'static LayerStyle, PathBuf)],
) -> Result<()> {
    let texts = parts
        .iter()
        .map(|(_, path)| std::fs::read_to_string(path).map_err(|e| Error::io(path, e)))
        .collect::<Result<Vec<String>>>()?;
    let layers: Vec<PreviewLayer<'_>> = parts
        .iter()
        .zip(&texts)
        .map(|((style, _), geojson)| PreviewLayer { style, geojson })
        .collect();
    let basemap = [
        ("countries", crate::map::basemap::COUNTRIES),
        ("rivers", crate::map::basemap::RIVERS),
    ];
    let file = out.file(preview::FILE)?;
    write_preview_credited(file, title, source, &layers, &basemap)
        .map_err(|e| Error::io(preview::FILE, e))
}

/// Writes bytes to a file of an output directory.
fn write_file(out: &mut OutputDir, name: &str, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = out.file(name)?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| Error::io(name, e))
}

impl BuildReport {
    /// Events whose place did not resolve.
    pub fn unresolved(&self) -> usize {
        self.unresolved_by_reason.values().sum()
    }
}

/// Writes an analytic feature, or, when its shape cannot be drawn in
/// RFC 7946 (it crosses the 180th meridian or holds a pole), says so in the
/// report rather than dropping it unseen.
pub(crate) fn write_shape(
    layer: &mut Layer,
    shape: std::result::Result<geojson::Feature, ShapeError>,
    what: impl Fn() -> String,
    report: &mut BuildReport,
) -> Result<()> {
    match shape {
        Ok(feature) => layer.write(&feature),
        Err(why) => {
            report
                .warnings
                .push(format!("{} is not drawn: it {}", what(), why.as_str()));
            Ok(())
        }
    }
}

/// Opens a file for reading, naming it in the error.
pub fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| Error::io(path, e))
}

/// Loads and indexes a place table file.
pub fn load_place_index(path: &Path) -> Result<PlaceIndex> {
    Ok(PlaceIndex::new(read_places(path, open(path)?)?))
}

/// Runs the whole build. On any invalid input nothing in `out` changes.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_with_progress(options, &mut |_| {})
}

/// How far a build has read its events file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Events read so far.
    pub events: u64,
    /// Bytes of the events file read so far.
    pub bytes: u64,
    /// The events file's size in bytes.
    pub total_bytes: u64,
}

/// How many events pass between two progress reports.
pub const PROGRESS_EVERY: u64 = 16_384;

/// [`build`], calling `progress` every [`PROGRESS_EVERY`] events and at the
/// end of the events file (the library never prints: the CLI draws a bar).
pub fn build_with_progress(
    options: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BuildReport> {
    let index = load_place_index(&options.places)?;
    let total_bytes = std::fs::metadata(&options.events).map_or(0, |m| m.len());
    let events = EventReader::open_schema(&options.events, options.schema)?;
    // The map and the preview's credit line both need who published what.
    let drawn = options.map.is_some() || options.preview;
    let publishers = match drawn {
        true => load_publishers(options.sources.as_deref(), &options.events)?,
        false => Publishers::default(),
    };
    let mut collector = drawn.then(MapCollector::default);
    let extra_columns = events.extra_columns().to_vec();
    let base_index = BaseIndex::new(index.bases());
    let bases = base_index.bases();

    let mut out = OutputDir::create(&options.out)?;
    let swept = out.sweep_abandoned()?;
    let formats = &options.formats;
    let mut docs = Documents::open(&mut out, formats)?;
    let event_columns = event_fields(&extra_columns);
    let o = &mut out;
    let d = &mut docs;
    let mut strikes = Layer::open(o, d, &style::STRIKES, formats, &event_columns)?;
    let mut attacks = Layer::open(o, d, &style::ATTACKS, formats, &event_columns)?;
    let mut base_layer = Layer::open(o, d, &style::BASES, formats, &base_fields())?;
    let mut open_if = |on: bool, style, fields: Vec<_>| -> Result<Option<Layer>> {
        on.then(|| Layer::open(o, d, style, formats, &fields))
            .transpose()
    };
    let mut rings = open_if(!options.rings_km.is_empty(), &style::RINGS, ring_fields())?;
    let mut links = open_if(options.links != Links::None, &style::LINKS, link_fields())?;
    let mut areas = open_if(
        options.uncertainty,
        &style::UNCERTAINTY,
        uncertainty_fields(),
    )?;
    // The preview takes a GeoJSON copy of every layer, whatever --formats.
    let mut preview_parts: Vec<(&'static LayerStyle, PathBuf)> = Vec::new();
    if options.preview {
        let mut layers: Vec<(&mut Layer, &'static LayerStyle)> = vec![
            (&mut strikes, &style::STRIKES),
            (&mut attacks, &style::ATTACKS),
            (&mut base_layer, &style::BASES),
        ];
        for (layer, s) in [
            (&mut rings, &style::RINGS),
            (&mut links, &style::LINKS),
            (&mut areas, &style::UNCERTAINTY),
        ] {
            if let Some(layer) = layer {
                layers.push((layer, s));
            }
        }
        for (layer, s) in layers {
            let (file, path) = out.scratch(preview::FILE, s.layer)?;
            layer.add_sink(Box::new(LayerWriter::new(file, preview::FILE)?));
            preview_parts.push((s, path));
        }
    }
    let gpkg = docs.gpkg.as_ref();
    let mut notes: Vec<String> = Vec::new();
    let distance_mode = match options.distances {
        Distances::Auto => {
            // Rows × bases past the limit, asked as rows past limit ÷ bases.
            // No bases, no pairs: the file is not read.
            let bases = bases.len() as u64;
            match AUTO_MAX_PAIRS.checked_div(bases) {
                Some(max_rows) if rows_exceed(&options.events, max_rows)? => {
                    notes.push(format!(
                        "distances.csv holds each strike's nearest base only: more than {max_rows} events × {bases} bases is more than {AUTO_MAX_PAIRS} strike–base pairs (--distances all writes them all)"
                    ));
                    Distances::Nearest
                }
                _ => Distances::All,
            }
        }
        chosen => chosen,
    };
    let distances = match distance_mode {
        Distances::None => None,
        _ => Some(Table::open(
            &mut out,
            gpkg,
            files::DISTANCES,
            &distance_fields(),
        )?),
    };
    let unresolved = Table::open(&mut out, gpkg, files::UNRESOLVED, &unresolved_fields())?;

    let mut report = BuildReport {
        warnings: index.warnings().to_vec(),
        ..BuildReport::default()
    };
    report.warnings.append(&mut notes);
    if !swept.is_empty() {
        report.warnings.push(format!(
            "removed {} temporary files an interrupted build left in {}: {}",
            swept.len(),
            options.out.display(),
            swept.join(", ")
        ));
    }
    for base in bases {
        base_layer.write(&base_feature(base, options.precision))?;
        if let Some(c) = &mut collector {
            c.add_base(base);
        }
        if let Some(rings) = &mut rings {
            for &km in &options.rings_km {
                let what = || format!("the {km} km ring around base {}", base.id);
                write_shape(
                    rings,
                    ring_feature(base, km, options.precision),
                    what,
                    &mut report,
                )?;
            }
        }
    }
    let mut errors = RowErrors::default();
    // The preview writes GeoJSON whatever the formats.
    let json_wanted = options.preview
        || formats
            .iter()
            .any(|f| matches!(f, Format::GeoJson | Format::GeoJsonSeq));
    let mut outputs = EventOutputs {
        strikes,
        attacks,
        links,
        areas,
        distances,
        unresolved,
        collector,
        by_match: Tally::default(),
        by_precision: Tally::default(),
        bases,
        extra_columns: &extra_columns,
        precision: options.precision,
        links_wanted: options.links,
        distance_mode,
        own_json: json_wanted.then(EventJson::default),
        rendered: Vec::new(),
        circles: Circles::default(),
    };
    let events = std::thread::scope(|scope| -> Result<EventReader<File>> {
        let (mut events, reading) = read_ahead(scope, PreparedEvents::new(events, json_wanted));
        let measure_all = distance_mode == Distances::All || options.links == Links::All;
        let mut memo = PlaceMemo::new(&index, &base_index, measure_all, options.precision);
        while let Some(Prepared {
            event: read,
            json,
            json_split,
        }) = events.next()
        {
            let event = match *read {
                Ok(ref event) => event,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            report.events_read += 1;
            if (report.events_read as u64).is_multiple_of(PROGRESS_EVERY) {
                progress(Progress {
                    events: report.events_read as u64,
                    bytes: events.position(),
                    total_bytes,
                });
            }
            if !errors.is_empty() {
                // The build will fail; keep reading only to report every bad row.
                continue;
            }
            // The memo's slot for a text a few events on, fetched while
            // this one is written.
            if let Some(Prepared { event: ahead, .. }) = events.ahead(MEMO_PREFETCH_AHEAD) {
                if let Ok(ahead) = &**ahead {
                    memo.prefetch(&ahead.place);
                }
            }
            outputs.write(&mut memo, event, (&json, json_split), &mut report)?;
            // Back for reuse, placed or not: dropped here, its strings were
            // freed on this thread (into the reading thread's malloc arena)
            // and allocated again on the reading one.
            events.recycle(Prepared {
                event: read,
                json,
                json_split,
            });
        }
        drop(events);
        Ok(reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .into_reader())
    })?;
    progress(Progress {
        events: report.events_read as u64,
        bytes: total_bytes,
        total_bytes,
    });
    errors.into_result()?;
    report.skipped = events.skipped().clone();
    report.by_match = outputs.by_match.into_map();
    report.by_precision = outputs.by_precision.into_map();

    report.counts.insert(files::STRIKES, outputs.strikes.len());
    report.counts.insert(files::ATTACKS, outputs.attacks.len());
    report.counts.insert(files::BASES, base_layer.len());
    for (name, layer) in [
        (files::RINGS, &rings),
        (files::LINKS, &outputs.links),
        (files::UNCERTAINTY, &outputs.areas),
    ] {
        if let Some(layer) = layer {
            report.counts.insert(name, layer.len());
        }
    }
    if let Some(table) = &outputs.distances {
        report.counts.insert(files::DISTANCES, table.rows());
    }
    report
        .counts
        .insert(files::UNRESOLVED, outputs.unresolved.rows());
    outputs.strikes.finish()?;
    outputs.attacks.finish()?;
    base_layer.finish()?;
    for layer in [rings, outputs.links, outputs.areas].into_iter().flatten() {
        layer.finish()?;
    }
    if let Some(table) = outputs.distances {
        table.finish()?;
    }
    outputs.unresolved.finish()?;
    docs.finish()?;
    let map_data = outputs.collector.map(|c| c.finish(&publishers));
    if options.preview {
        let count = |name| report.counts.get(name).copied().unwrap_or(0);
        let features = report.counts.values().sum::<usize>()
            - count(files::DISTANCES)
            - count(files::UNRESOLVED);
        if features > MAX_PREVIEW_FEATURES {
            report.warnings.push(format!(
                "no web preview written: {features} features are more than a page can show ({MAX_PREVIEW_FEATURES}); open the GeoPackage in QGIS"
            ));
        } else {
            let title = options
                .map
                .as_ref()
                .map_or_else(|| MapOptions::default().title, |m| m.title.clone());
            let source = match &map_data {
                Some(Ok(data)) => Some(credit(data)),
                _ => None,
            };
            write_preview_page(&mut out, &title, source.as_deref(), &preview_parts)?;
        }
    }
    if let (Some(data), Some(map_options)) = (map_data, &options.map) {
        match data {
            Ok(data) => {
                let (drawing, png) = render_map(&data, map_options, true)?;
                write_file(&mut out, files::MAP_SVG, drawing.svg.as_bytes())?;
                write_file(&mut out, files::MAP_PNG, &png.unwrap_or_default())?;
                report.map = Some(MapSummary::of(&drawing));
            }
            Err(why) => report.warnings.push(why),
        }
    }
    report.written = out.commit()?;
    report.removed = remove_stale_outputs(&options.out, &report.written)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_exceed_counts_rows_past_the_header_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        let answers = |text: &str| {
            std::fs::write(&path, text).unwrap();
            [1, 2, 3].map(|limit| rows_exceed(&path, limit).unwrap())
        };
        assert_eq!(answers("id\na\nb\n"), [true, false, false]);
        // A last row without its line break is a row.
        assert_eq!(answers("id\na\nb"), [true, false, false]);
        assert_eq!(answers("id\n"), [false, false, false]);
        assert_eq!(answers(""), [false, false, false]);
        // Lone CRs and CRLFs end lines as LFs do.
        assert_eq!(answers("id\ra\rb\r"), [true, false, false]);
        assert_eq!(answers("id\ra\rb"), [true, false, false]);
        assert_eq!(answers("id\r\na\r\nb\r\n"), [true, false, false]);
        assert_eq!(answers("id\r"), [false, false, false]);
        // Rows past one read's worth, stopped early or counted to the end.
        for end in ["\n", "\r", "\r\n"] {
            let long = format!("id{end}{}", format!("row{end}").repeat(100_000));
            std::fs::write(&path, &long).unwrap();
            assert!(rows_exceed(&path, 99_999).unwrap(), "{end:?}");
            assert!(!rows_exceed(&path, 100_000).unwrap(), "{end:?}");
        }
        // A CRLF split across two reads (of 64 KiB) is one line end.
        let split = format!("id\n{}\r\nb\n", "x".repeat((1 << 16) - 4));
        std::fs::write(&path, &split).unwrap();
        assert_eq!(
            [1, 2, 3].map(|limit| rows_exceed(&path, limit).unwrap()),
            [true, false, false]
        );
    }
}
