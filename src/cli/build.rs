//! `geoevents build`: the main job.

use std::path::PathBuf;
use std::process::ExitCode;

use geoevents::map::MapOptions;
use geoevents::output::layer::Format;
use geoevents::output::{DEFAULT_PRECISION, MAX_PRECISION};
use std::io::IsTerminal;
use std::time::Instant;

use geoevents::pipeline::{
    build_with_progress, files, BuildOptions, BuildReport, Distances, Links,
};
use geoevents::schemas::Schema;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{PlacesArg, EXIT_FAILURE};

/// Geocode the events and write the layers and tables.
///
/// Reads the place table and the events, resolves every event's place text
/// (see `geoevents geocode --help` for the rules), measures every strike
/// against every base on the WGS84 ellipsoid, and writes into DIR the layers
/// strikes, attacks and bases in each chosen format (strikes.geojson,
/// strikes.geojsonl, strikes.csv, …, or one geoevents.gpkg, geoevents.kml,
/// datawrapper-markers.json for all), distances.csv and unresolved.csv.
/// Files are written to temporary names and renamed when all are complete:
/// invalid input changes nothing in DIR.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  geoevents build
  geoevents build --events my-events.csv --out /tmp/layers
  geoevents build --events acled-export.csv --schema acled
  geoevents build --events GEDEvent.csv --schema ucdp
  geoevents build --strict          exit 1 if any event's place did not resolve
  geoevents build --formats geojson,csv --precision 4
  geoevents build --rings 100,250 --links all
  geoevents build --rings none --links none --no-uncertainty   points and tables only

Exit status: 0 success; 1 invalid input, or --strict with unresolved events; 2 usage error.")]
pub struct Args {
    #[command(flatten)]
    places: PlacesArg,
    /// The events file (CSV with at least id,date,kind,subtype,actor,target,place,killed_low,killed_high,injured_low,injured_high,sources,notes; other columns are carried through).
    #[arg(long, value_name = "FILE", default_value = "events/events.csv")]
    events: PathBuf,
    /// The events file's layout: geoevents (ours), acled (an ACLED export)
    /// or ucdp (a UCDP GED CSV). A foreign row keeps its own coordinates
    /// unless the place table places its location more precisely; rows
    /// that are neither strikes nor attacks are skipped and counted.
    #[arg(long, value_name = "SCHEMA", default_value = "geoevents", value_parser = ["geoevents", "acled", "ucdp"])]
    schema: String,
    /// Directory to write the outputs into; created if missing.
    #[arg(long, value_name = "DIR", default_value = "output")]
    out: PathBuf,
    /// Formats to write, comma-separated: geojson (RFC 7946, .geojson per
    /// layer), geojsonseq (one feature per line, .geojsonl), csv (every
    /// property plus lon, lat, wkt, with .csvt and .prj), gpkg (one
    /// GeoPackage with every layer and table), kml (one KML, a folder per
    /// layer), datawrapper (Datawrapper locator-map markers JSON).
    /// Default: all.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_format, default_value = "geojson,geojsonseq,csv,gpkg,kml,datawrapper")]
    formats: Vec<Format>,
    /// Range rings around every base: radii in km, comma-separated, or
    /// `none` for no rings layer.
    #[arg(long, value_name = "KM,…|none", default_value = "50,100,200,300", value_parser = parse_rings)]
    rings: RingRadii,
    /// Strike-to-base links: to the nearest base, to every base, or none.
    #[arg(long, value_name = "WHICH", default_value = "nearest", value_parser = ["nearest", "all", "none"])]
    links: String,
    /// Strike-to-base distance table: every pair, each strike's nearest
    /// base, none, or auto (every pair up to 100000 pairs, else nearest).
    #[arg(long, value_name = "WHICH", default_value = "auto", value_parser = ["auto", "all", "nearest", "none"])]
    distances: String,
    /// Do not write the uncertainty areas of events placed less precisely
    /// than a site.
    #[arg(long)]
    no_uncertainty: bool,
    /// Do not draw the locator map (map.svg, map.png).
    #[arg(long)]
    no_map: bool,
    /// Do not write the offline web preview (index.html).
    #[arg(long)]
    no_preview: bool,
    /// The map's title.
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "US strikes and militia attacks"
    )]
    title: String,
    /// Who published each cited report, for the map's credit line
    /// (columns file,publisher,note). Default: sources.csv beside the events
    /// file, if there is one.
    #[arg(long, value_name = "FILE")]
    sources: Option<PathBuf>,
    /// Decimals of every coordinate written (6 is about 0.1 m).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PRECISION, value_parser = clap::value_parser!(u8).range(0..=i64::from(MAX_PRECISION)))]
    precision: u8,
    /// Exit with status 1 when any event's place is unresolved or ambiguous.
    #[arg(long)]
    strict: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> geoevents::Result<ExitCode> {
    let mut formats = args.formats;
    formats.sort();
    formats.dedup();
    let options = BuildOptions {
        places: args.places.places,
        events: args.events,
        schema: Schema::parse(&args.schema).unwrap_or_default(),
        out: args.out,
        formats,
        precision: args.precision,
        rings_km: args.rings.0,
        links: match args.links.as_str() {
            "all" => Links::All,
            "none" => Links::None,
            _ => Links::Nearest,
        },
        distances: match args.distances.as_str() {
            "all" => Distances::All,
            "nearest" => Distances::Nearest,
            "none" => Distances::None,
            _ => Distances::Auto,
        },
        uncertainty: !args.no_uncertainty,
        map: (!args.no_map).then(|| MapOptions {
            title: args.title,
            ..MapOptions::default()
        }),
        preview: !args.no_preview,
        sources: args.sources,
    };
    let started = Instant::now();
    let bar = progress_bar(&options.events, args.quiet);
    let report = build_with_progress(&options, &mut |p| {
        if let Some(bar) = &bar {
            bar.set_position(p.bytes);
            bar.set_message(format!("{} events", p.events));
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = report?;
    if !args.quiet {
        for line in summary(&report, &options) {
            eprintln!("geoevents: {line}");
        }
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "geoevents: done in {seconds:.2} s ({:.0} events/s)",
            report.events_read as f64 / seconds.max(1e-9)
        );
    }
    if args.strict && report.unresolved() > 0 {
        eprintln!(
            "geoevents: error: {} events did not resolve (--strict); see {}",
            report.unresolved(),
            options.out.join(files::UNRESOLVED_CSV).display()
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}

/// The build summary, one line per item, without the prefix.
/// Events files smaller than this build too fast for a bar to help.
const PROGRESS_MIN_BYTES: u64 = 4 * 1024 * 1024;

/// A progress bar on standard error for a large events file, when standard
/// error is a terminal and `--quiet` is not given; otherwise none.
fn progress_bar(events: &std::path::Path, quiet: bool) -> Option<ProgressBar> {
    let size = std::fs::metadata(events).map_or(0, |m| m.len());
    if quiet || size < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "geoevents: {bar:40} {bytes}/{total_bytes} {msg} ({bytes_per_sec}, {eta} left)",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn summary(report: &BuildReport, options: &BuildOptions) -> Vec<String> {
    let (events, out) = (&options.events, &options.out);
    let mut lines = Vec::new();
    let share = if report.events_read == 0 {
        100.0
    } else {
        100.0 * report.geocoded as f64 / report.events_read as f64
    };
    lines.push(format!(
        "{} events read from {}: {} geocoded ({share:.1}%), {} unresolved",
        report.events_read,
        events.display(),
        report.geocoded,
        report.unresolved()
    ));
    let tally = |counts: &std::collections::BTreeMap<&str, usize>| {
        counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if report.geocoded > 0 {
        lines.push(format!(
            "matched by {}; precision {}",
            tally(&report.by_match),
            tally(&report.by_precision)
        ));
    }
    for (why, n) in &report.skipped {
        lines.push(format!("skipped {}: {why}", super::plural(*n, "row")));
    }
    for u in &report.unresolved_sample {
        let hint = if u.candidates.is_empty() {
            String::new()
        } else {
            format!("; candidates: {}", u.candidates)
        };
        lines.push(format!(
            "unresolved: line {}, event {}: place {:?} is {}{hint}",
            u.line,
            u.event_id,
            u.place,
            u.reason.as_str()
        ));
    }
    if report.unresolved() > report.unresolved_sample.len() {
        lines.push(format!(
            "… {} more unresolved events",
            report.unresolved() - report.unresolved_sample.len()
        ));
    }
    for warning in &report.warnings {
        lines.push(format!("warning: {warning}"));
    }
    let count = |name: &str| report.counts.get(name).copied().unwrap_or(0);
    let formats: Vec<&str> = options.formats.iter().map(|f| f.name()).collect();
    let mut layers = vec![
        format!(
            "strikes {}",
            super::plural(count(files::STRIKES), "feature")
        ),
        format!(
            "attacks {}",
            super::plural(count(files::ATTACKS), "feature")
        ),
        format!("bases {}", super::plural(count(files::BASES), "feature")),
    ];
    for name in [files::RINGS, files::LINKS, files::UNCERTAINTY] {
        if let Some(&n) = report.counts.get(name) {
            layers.push(format!("{name} {}", super::plural(n, "feature")));
        }
    }
    for path in &report.removed {
        lines.push(format!(
            "removed {}: an earlier build wrote it and this one did not",
            path.display()
        ));
    }
    if let Some(map) = &report.map {
        let svg = out.join(files::MAP_SVG).display().to_string();
        lines.extend(super::map::summary_lines(map, &svg));
    }
    let distances = match report.counts.get(files::DISTANCES) {
        Some(&n) => format!("distances.csv {}", super::plural(n, "row")),
        None => "no distances.csv (--distances none)".to_string(),
    };
    lines.push(format!(
        "wrote {}: {} (as {}); {distances}; unresolved.csv {}",
        out.display(),
        layers.join(", "),
        formats.join(", "),
        super::plural(count(files::UNRESOLVED), "row"),
    ));
    lines
}

/// The largest ring radius accepted, km: a quarter of the way round the
/// Earth; a ring wider than that is no longer a ring around the base.
const MAX_RING_KM: f64 = 10_000.0;

/// Ring radii, sorted, without repeats.
#[derive(Clone, Debug)]
struct RingRadii(Vec<f64>);

fn parse_rings(text: &str) -> Result<RingRadii, String> {
    if text == "none" {
        return Ok(RingRadii(Vec::new()));
    }
    let mut radii = Vec::new();
    for part in text.split(',') {
        let km: f64 = part
            .trim()
            .parse()
            .ok()
            .filter(|km: &f64| km.is_finite() && *km > 0.0 && *km <= MAX_RING_KM)
            .ok_or_else(|| {
                format!(
                    "ring radius {part:?} is not a number of km above 0 and at most {MAX_RING_KM}"
                )
            })?;
        radii.push(km);
    }
    radii.sort_by(f64::total_cmp);
    radii.dedup();
    Ok(RingRadii(radii))
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown format {name:?}; expected one of {}",
            names.join(", ")
        )
    })
}
