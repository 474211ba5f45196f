//! `geoevents places`: work on the place table. `places import-geonames`
//! turns GeoNames rows into place-table rows.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use geoevents::gazetteer::{
    self, write_places, write_report, AlternateStats, FeatureClass, Import, ImportOptions, Outcome,
    Selection,
};
use geoevents::model::PlaceKind;
use geoevents::output::{OutputDir, OutputFile};
use geoevents::pipeline::open;
use geoevents::places::read_places;
use geoevents::Error;

use super::DEFAULT_PLACES;

/// Work on the place table.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  geoevents places import-geonames IQ.txt --out imported.csv
  geoevents places import-geonames IQ.txt --alternate-names alternateNamesV2.txt
  geoevents places import-geonames --help     the kinds, ids and merge rules")]
pub struct Args {
    #[command(subcommand)]
    command: PlacesCommand,
}

#[derive(Debug, Subcommand)]
enum PlacesCommand {
    ImportGeonames(ImportArgs),
}

/// Convert GeoNames rows into place-table rows, leaving out the places the
/// curated table already has.
///
/// FILE is a GeoNames dump, unzipped: allCountries.txt, a country file such
/// as IQ.txt, or cities500.txt (tab-separated, 19 columns, no header; see
/// https://download.geonames.org/export/dump/readme.txt). Rows of the chosen
/// countries and feature classes become places of these kinds:
///
///   P.PPLC, P.PPLA, any P of 100000 people or more  city       10000 m
///   any other P                                     town        5000 m
///   S.AIRB, S.MILB, S.INSM, S.NVB (military)        base        2000 m (or site:
///                                                   --military-kind site)
///   any other S (S.AIRP, S.AIRF …)                  site        2000 m
///   A.ADM1                                          governorate 150000 m
///   A.PCLI, A.PCLD, A.PCLF, A.PCLS, A.PCL           country     500000 m
///
/// (the metres are uncertainty_m); other A codes (ADM2 …) are skipped. The
/// id is the slug of the ASCII name and the GeoNames id
/// (al-habbaniyah-98463); the aliases are the ASCII and alternate names;
/// admin1 is the GeoNames admin1 code; source is "GeoNames ID (CC BY 4.0)".
///
/// A row is left out, and the curated row wins, when its id is a curated
/// id, or when it shares a spelling (once normalised) with a curated place
/// of its kind (base or site, town or city, governorate, country) within
/// 25 km, or within the curated place's uncertainty_m if that is larger.
/// Imported rows that repeat each other the same way keep the most
/// populous. The decisions are summed up on standard error; --report lists
/// them all as CSV.
///
/// Only the imported rows are written (with the header), to review before
/// adding them to the place table.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
#[command(after_help = "Examples:
  geoevents places import-geonames IQ.txt --out imported.csv --report merge.csv
  geoevents places import-geonames allCountries.txt --country IQ,SY,JO \\
      --alternate-names alternateNamesV2.txt --out imported.csv
  geoevents places import-geonames cities500.txt --country JO --feature-class P > jordan.csv

Then review imported.csv and append its rows to the place table:
  tail -n +2 imported.csv >> places/places.csv

Exit status: 0 success; 1 invalid input; 2 usage error.")]
pub struct ImportArgs {
    /// The GeoNames dump (tab-separated, 19 columns, no header).
    #[arg(value_name = "FILE")]
    geonames: PathBuf,
    /// Only these countries: ISO 3166-1 alpha-2 codes, comma-separated.
    /// Default: every country.
    #[arg(long, value_name = "CC,…", value_delimiter = ',', value_parser = parse_country)]
    country: Vec<String>,
    /// Only these GeoNames feature classes, comma-separated: P (populated
    /// places), S (spots: airports, bases, buildings), A (countries and
    /// first-level divisions).
    #[arg(long, value_name = "CLASS,…", value_delimiter = ',', value_parser = parse_class, default_value = "P,S,A")]
    feature_class: Vec<FeatureClass>,
    /// GeoNames alternateNamesV2.txt (or alternateNames.txt): adds the
    /// selected places' names in every language as aliases, and the Arabic
    /// one (the preferred first) as name_ar. Links, postal codes, Wikidata
    /// ids and other non-names are left out; airport codes are kept on
    /// bases and sites only.
    #[arg(long, value_name = "FILE")]
    alternate_names: Option<PathBuf>,
    /// The kind of military features (S.AIRB, S.MILB, S.INSM, S.NVB). A
    /// base joins the bases layer and every distance table, and GeoNames
    /// cannot tell a coalition base from any other: use site to import them
    /// all as sites and make the coalition ones bases by hand.
    #[arg(long, value_name = "KIND", default_value = "base", value_parser = ["base", "site"])]
    military_kind: String,
    /// The curated place table: imported places it already has are left out.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_PLACES)]
    places: PathBuf,
    /// Write the imported rows (place-table CSV with its header) to FILE,
    /// whole or not at all. Default: standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write every decision (kept, curated-wins, duplicate, skipped)
    /// as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Print only errors.
    #[arg(long)]
    quiet: bool,
}

fn parse_country(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(format!(
            "{text:?} is not an ISO 3166-1 alpha-2 country code such as IQ, SY or JO"
        ))
    }
}

fn parse_class(text: &str) -> Result<FeatureClass, String> {
    FeatureClass::parse(&text.trim().to_ascii_uppercase()).ok_or_else(|| {
        format!(
            "feature class {text:?} has no place kind; expected P, S or A (H, L, R, T, U and V are water, areas, roads, terrain, undersea and vegetation)"
        )
    })
}

pub fn run(args: Args) -> geoevents::Result<ExitCode> {
    match args.command {
        PlacesCommand::ImportGeonames(args) => import_geonames(args),
    }
}

fn import_geonames(args: ImportArgs) -> geoevents::Result<ExitCode> {
    for (path, what) in [(&args.out, "--out"), (&args.report, "--report")] {
        if let Some(path) = path {
            refuse_same(
                path,
                &args.places,
                what,
                "the curated place table (--places)",
            )?;
        }
    }
    if let (Some(out), Some(report)) = (&args.out, &args.report) {
        refuse_same(report, out, "--report", "the --out file")?;
    }
    let curated = read_places(&args.places, open(&args.places)?)?;
    let mut countries = args.country.clone();
    countries.sort();
    countries.dedup();
    let mut classes = args.feature_class.clone();
    classes.sort();
    classes.dedup();
    let options = ImportOptions {
        countries,
        classes,
        military_kind: if args.military_kind == "site" {
            PlaceKind::Site
        } else {
            PlaceKind::Base
        },
    };
    let mut selection = gazetteer::select(&args.geonames, open(&args.geonames)?, &options)?;
    let alternates = match &args.alternate_names {
        Some(path) => Some(selection.add_alternate_names(path, open(path)?)?),
        None => None,
    };
    let lines = selection_lines(&args, &options, &selection, alternates.as_ref());
    let import = selection.merge(&curated);

    let mut staged: Vec<OutputDir> = Vec::new();
    match &args.out {
        Some(path) => staged.push(stage(path, |file, name| {
            write_places(file, name, &import.places)
        })?),
        None => write_places(
            BufWriter::new(std::io::stdout().lock()),
            "<stdout>",
            &import.places,
        )?
        .flush()
        .map_err(|e| Error::io("<stdout>", e))?,
    }
    if let Some(path) = &args.report {
        staged.push(stage(path, |file, name| {
            write_report(file, name, &import.decisions)
        })?);
    }
    for dir in staged {
        dir.commit()?;
    }
    if !args.quiet {
        for line in lines
            .iter()
            .chain(&merge_lines(&args, curated.len(), &import))
        {
            eprintln!("geoevents: {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses to write `path` when it is the file `other`.
fn refuse_same(path: &Path, other: &Path, what: &str, other_what: &str) -> geoevents::Result<()> {
    let same = path == other
        || matches!(
            (fs::canonicalize(path), fs::canonicalize(other)),
            (Ok(a), Ok(b)) if a == b
        );
    if same {
        return Err(Error::io(
            path,
            std::io::Error::other(format!(
                "{what} is {other_what}; write the imported rows to another file and append them after review"
            )),
        ));
    }
    Ok(())
}

/// Writes `path` through a temporary file beside it, renamed into place when
/// the returned directory is committed.
fn stage(
    path: &Path,
    write: impl FnOnce(OutputFile, &str) -> geoevents::Result<OutputFile>,
) -> geoevents::Result<OutputDir> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::io(path, std::io::Error::other("expected a UTF-8 file name")))?;
    let mut out = OutputDir::create(dir)?;
    let file = write(out.file(name)?, &path.display().to_string())?;
    file.into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    Ok(out)
}

/// How many decisions of each outcome are listed on standard error.
const LISTED: usize = 10;

fn selection_lines(
    args: &ImportArgs,
    options: &ImportOptions,
    selection: &Selection,
    alternates: Option<&AlternateStats>,
) -> Vec<String> {
    let stats = &selection.stats;
    let countries = if options.countries.is_empty() {
        "every country".to_string()
    } else {
        options.countries.join(",")
    };
    let classes: Vec<&str> = options.classes.iter().map(|c| c.letter()).collect();
    let skipped = selection.skipped().len();
    let mut lines = vec![format!(
        "{} read from {}: {} of {countries} and class {} ({skipped} of them with no place kind or no country), {} of other countries, {} of other classes",
        super::plural(stats.lines, "row"),
        args.geonames.display(),
        selection.len() + skipped,
        classes.join(","),
        stats.other_country,
        stats.other_class,
    )];
    if let (Some(path), Some(a)) = (&args.alternate_names, alternates) {
        let left: Vec<String> = a.left_out.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let left = if left.is_empty() {
            String::new()
        } else {
            format!("; left out: {}", left.join(", "))
        };
        lines.push(format!(
            "alternate names from {}: {} for {}{left}",
            path.display(),
            super::plural(a.taken as u64, "name"),
            super::plural(a.places as u64, "place")
        ));
    }
    lines
}

fn merge_lines(args: &ImportArgs, curated: usize, import: &Import) -> Vec<String> {
    let count = |o| import.with(o).count();
    let mut lines = vec![format!(
        "merged with {} ({}): {} kept, {} lost to a curated place, {} within the import, {} skipped",
        args.places.display(),
        super::plural(curated as u64, "curated place"),
        count(Outcome::Kept),
        count(Outcome::CuratedWins),
        super::plural(count(Outcome::Duplicate) as u64, "duplicate"),
        count(Outcome::Skipped),
    )];
    for (outcome, label) in [
        (Outcome::CuratedWins, "curated wins"),
        (Outcome::Duplicate, "duplicate"),
        (Outcome::Skipped, "skipped"),
        (Outcome::Kept, "kept"),
    ] {
        for d in import.with(outcome).take(LISTED) {
            lines.push(format!("{label}: {}", d.text()));
        }
        let more = count(outcome).saturating_sub(LISTED);
        if more > 0 {
            let see = match &args.report {
                Some(path) => format!("listed in {}", path.display()),
                None => "--report FILE lists them all".to_string(),
            };
            lines.push(format!("{label}: … and {more} more ({see})"));
        }
    }
    let n = import.places.len();
    lines.push(match &args.out {
        Some(out) => format!(
            "wrote {} to {}; review them, then append them to the place table with: tail -n +2 {} >> {}",
            super::plural(n as u64, "place"),
            out.display(),
            out.display(),
            args.places.display()
        ),
        None => format!("wrote {} to standard output", super::plural(n as u64, "place")),
    });
    lines
}
