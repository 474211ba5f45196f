//! `geoevents map`: draw the locator map, SVG and PNG.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use geoevents::map::MapOptions;
use geoevents::pipeline::{draw_map, MapJob, MapSummary};
use geoevents::schemas::Schema;

use super::PlacesArg;

/// Draw a locator map of the events: an editable SVG and a PNG.
///
/// Geocodes the events as `build` does and draws strikes, attacks and the
/// bases that matter to them on a Natural Earth basemap, with labels that
/// never overlap, a scale bar, a graticule, an inset locating the map, a
/// title with the date range and a credit line. Events placed only to an
/// area are drawn hollow with a dashed circle of their uncertainty; events
/// known only to a country are listed under the map, not drawn.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  geoevents map
  geoevents map --title 'Strikes on Kataib Hezbollah, Jan 2024' --width 1600
  geoevents map --bbox 38,31,46,36 --out /tmp/map.svg --png /tmp/map.png
  geoevents map --png none                 SVG only
  geoevents map --events acled-export.csv --schema acled

Exit status: 0 success; 1 invalid input; 2 usage error.")]
pub struct Args {
    #[command(flatten)]
    places: PlacesArg,
    /// The events file.
    #[arg(long, value_name = "FILE", default_value = "events/events.csv")]
    events: PathBuf,
    /// The events file's layout: geoevents, acled or ucdp (as for `build`).
    #[arg(long, value_name = "SCHEMA", default_value = "geoevents", value_parser = ["geoevents", "acled", "ucdp"])]
    schema: String,
    /// Where to write the SVG.
    #[arg(long, value_name = "FILE", default_value = "output/map.svg")]
    out: PathBuf,
    /// Where to write the PNG, or `none`.
    #[arg(long, value_name = "FILE", default_value = "output/map.png")]
    png: PathBuf,
    /// Page width in pixels, 800–8000 (the height follows the extent; past
    /// 1600 the drawing is scaled up whole, labels included).
    #[arg(long, value_name = "PX", default_value_t = 1200, value_parser = clap::value_parser!(u32).range(800..=8000))]
    width: u32,
    /// The title.
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "US strikes and militia attacks"
    )]
    title: String,
    /// The area to show, min lon,min lat,max lon,max lat (default: fit the
    /// events and their bases).
    #[arg(long, value_name = "W,S,E,N", value_parser = parse_bbox)]
    bbox: Option<Bbox>,
    /// The credit line (default: the publishers of the cited reports).
    #[arg(long, value_name = "TEXT")]
    credit: Option<String>,
    /// Who published each cited report (file,publisher,note). Default:
    /// sources.csv beside the events file, if there is one.
    #[arg(long, value_name = "FILE")]
    sources: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug)]
struct Bbox([f64; 4]);

/// The smallest extent side, degrees (about 5 km): a locator map of less
/// shows nothing to locate.
const MIN_BBOX_DEG: f64 = 0.05;

fn parse_bbox(text: &str) -> Result<Bbox, String> {
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| {
            p.trim()
                .parse::<f64>()
                .map_err(|_| format!("{p:?} is not a number"))
        })
        .collect::<Result<_, _>>()?;
    match parts.as_slice() {
        &[w, s, e, n]
            if (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&e)
                && (-85.0..=85.0).contains(&s)
                && (-85.0..=85.0).contains(&n)
                && e - w >= MIN_BBOX_DEG
                && n - s >= MIN_BBOX_DEG =>
        {
            Ok(Bbox([w, s, e, n]))
        }
        [_, _, _, _] => Err(format!(
            "{text:?} is not west,south,east,north with east at least {MIN_BBOX_DEG}° past west, north at least {MIN_BBOX_DEG}° past south, latitudes within ±85"
        )),
        _ => Err(format!("{text:?}: expected four numbers, west,south,east,north")),
    }
}

pub fn run(args: Args) -> geoevents::Result<ExitCode> {
    let png = (args.png != Path::new("none")).then_some(args.png);
    let job = MapJob {
        places: args.places.places,
        events: args.events,
        schema: Schema::parse(&args.schema).unwrap_or_default(),
        sources: args.sources,
        svg: args.out,
        png,
        options: MapOptions {
            width: args.width,
            title: args.title,
            bbox: args.bbox.map(|b| b.0),
            credit: args.credit,
        },
    };
    let summary = draw_map(&job)?;
    if !args.quiet {
        for line in summary_lines(&summary, &job.svg.display().to_string()) {
            eprintln!("geoevents: {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What a map showed and left out, one line per item, without the prefix.
pub fn summary_lines(map: &MapSummary, svg: &str) -> Vec<String> {
    let mut lines = vec![format!(
        "map {svg}: {} symbols, {} labels",
        map.symbols, map.labels
    )];
    if !map.unplaced.is_empty() {
        lines.push(format!(
            "map: no room for {} labels: {}",
            map.unplaced.len(),
            map.unplaced.join("; ")
        ));
    }
    if !map.country_only.is_empty() {
        lines.push(format!(
            "map: listed under the map, not drawn (located only to a country): {}",
            map.country_only.join(", ")
        ));
    }
    if !map.covered.is_empty() {
        lines.push(format!(
            "map: drawn under the title, legend, scale bar or inset (widen --bbox): {}",
            map.covered.join(", ")
        ));
    }
    if !map.unresolved.is_empty() {
        let list: Vec<String> = map
            .unresolved
            .iter()
            .map(|(id, place)| format!("{id} ({place:?})"))
            .collect();
        lines.push(format!(
            "map: not drawn, place not in the table (see geoevents geocode): {}",
            list.join(", ")
        ));
    }
    if !map.outside.is_empty() {
        lines.push(format!(
            "map: outside the extent shown: {}",
            map.outside.join(", ")
        ));
    }
    lines
}
