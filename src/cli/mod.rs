//! Command-line interface: one module per subcommand, each with an `Args`
//! struct and a `run`.

mod build;
mod distance;
mod extract;
mod geocode;
mod map;
mod places;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status when something went wrong (clap uses 2 for usage errors).
pub const EXIT_FAILURE: u8 = 1;

/// Turn curated strike and attack reports into geocoded GeoJSON layers and
/// geodesic strike-to-base distances.
#[derive(Debug, Parser)]
#[command(name = "geoevents", version, about, long_about = None)]
#[command(after_help = "Examples:
  geoevents build                      write output/ from places/places.csv and events/events.csv
  geoevents map                        draw output/map.svg and output/map.png
  geoevents geocode 'Jurf al Saqr'     resolve a place name against the place table
  geoevents distance 'Jurf al-Sakhar' 'Ain al-Asad'
                                       geodesic km, nautical miles and bearing
  geoevents places import-geonames IQ.txt --out imported.csv
                                       GeoNames rows as place-table rows to review
  geoevents extract --draft-events draft.csv story.txt
                                       place mentions in a report, and draft events")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Build(build::Args),
    Geocode(geocode::Args),
    Distance(distance::Args),
    Map(map::Args),
    Places(places::Args),
    Extract(extract::Args),
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> geoevents::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Geocode(args) => geocode::run(args),
        Command::Distance(args) => distance::run(args),
        Command::Map(args) => map::run(args),
        Command::Places(args) => places::run(args),
        Command::Extract(args) => extract::run(args),
    }
}

/// Output format of the look-up subcommands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One readable line per result.
    Text,
    /// One JSON object per line (JSON Lines).
    Json,
}

/// The bundled place table, relative to the working directory.
pub const DEFAULT_PLACES: &str = "places/places.csv";

/// The place-table option shared by every subcommand.
#[derive(Debug, clap::Args)]
pub struct PlacesArg {
    /// The place table (CSV: id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source).
    #[arg(long, value_name = "FILE", default_value = DEFAULT_PLACES)]
    pub places: PathBuf,
}

/// Writes a line to standard output, naming stdout in the error.
pub fn print_line(out: &mut impl Write, line: &str) -> geoevents::Result<()> {
    writeln!(out, "{line}").map_err(|e| geoevents::Error::io("<stdout>", e))
}

/// Standard output, locked and buffered for line-at-a-time printing.
pub fn stdout() -> io::LineWriter<io::StdoutLock<'static>> {
    io::LineWriter::new(io::stdout().lock())
}

/// "1 row", "2 rows".
fn plural(n: impl TryInto<u64>, noun: &str) -> String {
    match n.try_into().unwrap_or(u64::MAX) {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}
