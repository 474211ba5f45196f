//! `geoevents distance`: geodesic distance and bearing between two places.

use std::process::ExitCode;

use geoevents::distance::{compass16, distance_range_m, inverse};
use geoevents::model::LatLon;
use geoevents::pipeline::load_place_index;
use geoevents::PlaceIndex;
use serde_json::json;

use super::{print_line, stdout, Format, PlacesArg};

/// Geodesic distance and initial bearing from A to B.
///
/// A and B are place names (resolved as `geoevents geocode` does) or
/// positions written `lat,lon` in decimal degrees. The distance is the
/// geodesic on the WGS84 ellipsoid (Karney's method), in kilometres and
/// nautical miles; the bearing is the initial true bearing at A. For places,
/// the range the true distance can lie in given both places' uncertainty is
/// shown too.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  geoevents distance 'Jurf al-Sakhar' 'Al-Asad Air Base'
  geoevents distance --format json 'Al-Qa'\\''im' 'Al-Tanf'
  geoevents distance 33.3406,44.4009 'Ain al-Asad'")]
pub struct Args {
    #[command(flatten)]
    places: PlacesArg,
    /// Output format: text or json (one object).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// From: a place name or lat,lon.
    #[arg(allow_hyphen_values = true)]
    from: String,
    /// To: a place name or lat,lon.
    #[arg(allow_hyphen_values = true)]
    to: String,
}

/// One end of the measurement.
struct End {
    query: String,
    id: Option<String>,
    name: String,
    position: LatLon,
    uncertainty_m: u32,
}

fn resolve_end(index: &PlaceIndex, query: &str) -> geoevents::Result<End> {
    if let Some(position) = LatLon::parse_pair(query) {
        return Ok(End {
            query: query.to_string(),
            id: None,
            name: position.to_string(),
            position,
            uncertainty_m: 0,
        });
    }
    match index.resolve(query) {
        Ok(r) => Ok(End {
            query: query.to_string(),
            id: Some(r.place.id.clone()),
            name: r.place.name.clone(),
            position: r.position,
            uncertainty_m: r.uncertainty_m,
        }),
        Err(u) => Err(geoevents::Error::PlaceNotFound {
            query: query.to_string(),
            reason: u.reason.as_str().to_string(),
            candidates: u.candidates_text(),
        }),
    }
}

pub fn run(args: Args) -> geoevents::Result<ExitCode> {
    let index = load_place_index(&args.places.places)?;
    let from = resolve_end(&index, &args.from)?;
    let to = resolve_end(&index, &args.to)?;
    let g = inverse(from.position, to.position);
    let (min_m, max_m) = distance_range_m(
        g.distance_m,
        f64::from(from.uncertainty_m),
        f64::from(to.uncertainty_m),
    );
    let mut out = stdout();
    match args.format {
        Format::Json => {
            let end = |e: &End| {
                json!({
                    "query": e.query,
                    "id": e.id,
                    "name": e.name,
                    "lat": e.position.lat,
                    "lon": e.position.lon,
                    "uncertainty_m": e.uncertainty_m,
                })
            };
            let value = json!({
                "from": end(&from),
                "to": end(&to),
                "distance_km": round(g.distance_km(), 3),
                "distance_nmi": round(g.distance_nmi(), 3),
                "bearing_deg": g.bearing_deg.map(|b| round(b, 1)),
                "compass": g.bearing_deg.map(compass16),
                "min_km": round(min_m / 1000.0, 3),
                "max_km": round(max_m / 1000.0, 3),
            });
            print_line(&mut out, &value.to_string())?;
        }
        Format::Text => {
            for (label, e) in [("from", &from), ("to  ", &to)] {
                let id =
                    e.id.as_deref()
                        .map_or(String::new(), |id| format!(" ({id})"));
                print_line(
                    &mut out,
                    &format!(
                        "{label}      {}{id}  {:.6}, {:.6}  ±{} m",
                        e.name, e.position.lat, e.position.lon, e.uncertainty_m
                    ),
                )?;
            }
            let mut line = format!(
                "distance  {:.3} km ({:.3} nmi), geodesic on WGS84",
                g.distance_km(),
                g.distance_nmi()
            );
            if min_m != max_m {
                line.push_str(&format!(
                    "; {:.3}–{:.3} km given the places' uncertainty",
                    min_m / 1000.0,
                    max_m / 1000.0
                ));
            }
            print_line(&mut out, &line)?;
            let bearing = match g.bearing_deg {
                Some(b) => format!("bearing   {b:.1}° ({}) initial, true north", compass16(b)),
                None => "bearing   none: the two positions coincide".to_string(),
            };
            print_line(&mut out, &bearing)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}
