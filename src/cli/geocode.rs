//! `geoevents geocode`: resolve place names against the place table.

use std::io::{self, BufRead};
use std::process::ExitCode;

use geoevents::geocode::{Resolution, Resolved, Unresolved};
use geoevents::pipeline::load_place_index;
use serde_json::{json, Value};

use super::{print_line, stdout, Format, PlacesArg, EXIT_FAILURE};

/// Resolve place names to rows of the place table.
///
/// Each NAME (or, with none given, each non-empty line of standard input) is
/// resolved through these stages, the first that decides wins:
///
/// 1. exact: a place's id, name, alias or Arabic name, character for character;
///
/// 2. normalised: case, diacritics and apostrophes (ʿ ' ’) removed, hyphens and
///    spaces unified, the articles al-/el-/as-/ash-/ad-/an-/ar-/at-/az- dropped,
///    Ayn/Ein spelled Ain, "airbase" read as "air base" and "province" as
///    "governorate"; a feature word (air base, base, airfield, airport,
///    governorate, town, city) must fit the place's kind;
///
/// 3. relative phrases: "near X", "outside X", "around X", "X area",
///    "south of X", "20 km south of X", "western X" resolve X with a coarser
///    precision and a larger uncertainty;
///
/// 4. fuzzy: the closest name by edit distance (1 edit for 6–9 letters, 2 for
///    10 or more, none for 5 or fewer), only when no other place is as close.
///
/// Names shared by two places are reported ambiguous with the candidates;
/// unknown names with the closest names. Nothing is guessed.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  geoevents geocode 'Jurf al Saqr' 'Ayn al-Asad airbase' 'near Al Anbar'
  geoevents geocode --format json Al-Qa’im
  cut -d, -f7 events.csv | geoevents geocode --format json

Exit status: 0 when every name resolved; 1 when any did not; 2 usage error.")]
pub struct Args {
    #[command(flatten)]
    places: PlacesArg,
    /// Output format: text (one readable line per name) or json (one object per line).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Place names; read from standard input, one per line, when none are given.
    #[arg(value_name = "NAME")]
    names: Vec<String>,
}

pub fn run(args: Args) -> geoevents::Result<ExitCode> {
    let index = load_place_index(&args.places.places)?;
    let names: Vec<String> = if args.names.is_empty() {
        let mut lines = Vec::new();
        for line in io::stdin().lock().lines() {
            let line = line.map_err(|e| geoevents::Error::io("<stdin>", e))?;
            if !line.trim().is_empty() {
                lines.push(line);
            }
        }
        lines
    } else {
        args.names
    };
    let mut out = stdout();
    let mut all_resolved = true;
    for name in &names {
        let resolution = index.resolve(name);
        all_resolved &= resolution.is_ok();
        let line = match args.format {
            Format::Text => text_line(name, &resolution),
            Format::Json => json_line(name, &resolution).to_string(),
        };
        print_line(&mut out, &line)?;
    }
    Ok(if all_resolved {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    })
}

fn text_line(query: &str, resolution: &Resolution<'_>) -> String {
    match resolution {
        Ok(r) => format!(
            "{query:?} → {} ({}, {}) at {:.6}, {:.6}; match {}, score {:.3}; {} {}, precision {}, ±{} m",
            r.place.id,
            r.place.name,
            r.place.kind.as_str(),
            r.position.lat,
            r.position.lon,
            r.match_kind.as_str(),
            r.score,
            r.relation.text(),
            r.place.name,
            r.precision.as_str(),
            r.uncertainty_m
        ),
        Err(u) if u.candidates.is_empty() => {
            format!("{query:?} → unresolved ({})", u.reason.as_str())
        }
        Err(u) => format!(
            "{query:?} → unresolved ({}); candidates: {}",
            u.reason.as_str(),
            u.candidates_text()
        ),
    }
}

/// One JSON object per name. Every object has the same keys; those that do
/// not apply are null.
pub fn json_line(query: &str, resolution: &Resolution<'_>) -> Value {
    match resolution {
        Ok(r) => resolved_json(query, r),
        Err(u) => unresolved_json(query, u),
    }
}

fn resolved_json(query: &str, r: &Resolved<'_>) -> Value {
    json!({
        "query": query,
        "id": r.place.id,
        "name": r.place.name,
        "kind": r.place.kind.as_str(),
        "lat": r.position.lat,
        "lon": r.position.lon,
        "match": r.match_kind.as_str(),
        "score": r.score,
        "relation": r.relation.text(),
        "precision": r.precision.as_str(),
        "geo_precision": r.precision.acled_geo_precision(),
        "where_prec": r.precision.ucdp_where_prec(),
        "uncertainty_m": r.uncertainty_m,
        "reason": null,
        "candidates": [],
    })
}

fn unresolved_json(query: &str, u: &Unresolved<'_>) -> Value {
    let candidates: Vec<Value> = u
        .candidates
        .iter()
        .map(|c| json!({"id": c.place.id, "name": c.place.name, "score": c.score}))
        .collect();
    json!({
        "query": query,
        "id": null,
        "name": null,
        "kind": null,
        "lat": null,
        "lon": null,
        "match": null,
        "score": null,
        "relation": null,
        "precision": null,
        "geo_precision": null,
        "where_prec": null,
        "uncertainty_m": null,
        "reason": u.reason.as_str(),
        "candidates": candidates,
    })
}
